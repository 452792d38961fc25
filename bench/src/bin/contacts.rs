//! The contacts benchmark (issue 4), in one run on loopback:
//! 1. the first page (50, active Support Advanced contacts, by name) of a company with 50,000
//!    contacts through `/graphql`, against a raw axum handler running the same SQL with sqlx;
//! 2. one `applyRoleChanges` batch of 1,000 staged changes (the service call, in process).
//!
//! Goals: the list ≤ 2 × raw (p50 latency); the batch well under a second.
//! Run with `bench/run contacts` (see bench/README.md).

#![allow(clippy::print_stdout)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use entity::{ContactStatus, SupportRole, contact};
use portal_api::auth::Actor;
use portal_api::auth::sessions::{self, NewSession};
use portal_api::clock::SystemClock;
use portal_api::contacts::{self as roles, RoleSet};
use portal_api::db::Db;
use portal_api::deps::Deps;
use portal_api::startup::Application;
use portal_bench::load::{self, Target, median};
use portal_bench::raw;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

#[derive(Parser, Debug)]
struct Args {
    /// Seconds per measurement.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Rounds (ours, then raw, alternating); the table gives medians.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Contacts in the company listed.
    #[arg(long, default_value_t = 50_000)]
    contacts: usize,
    /// Role changes in the applied batch.
    #[arg(long, default_value_t = 1_000)]
    batch: usize,
    /// `postgres://…` to measure on PostgreSQL instead of the embedded SQLite.
    #[arg(long)]
    database_url: Option<String>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let setup = runtime.block_on(start(&args))?;
    let body = serde_json::json!({ "query": raw::ADVANCED_CONTACTS_QUERY }).to_string();
    let scenarios = [
        (
            "first page, filtered and sorted",
            "ours",
            Target::post_json(setup.graphql, "/graphql", &setup.token, &body),
        ),
        (
            "first page, filtered and sorted",
            "raw SQL",
            Target::post_json(setup.raw, "/raw/contacts-advanced", &setup.token, ""),
        ),
    ];
    portal_bench::compare::check_same_answers(&scenarios)?;
    let duration = Duration::from_secs(args.seconds);
    let (mut ours, mut baseline) = (Vec::new(), Vec::new());
    for round in 0..args.rounds {
        let a = load::run(&scenarios[0].2, 1, duration);
        let b = load::run(&scenarios[1].2, 1, duration);
        println!(
            "round {}: ours p50 {:.2} ms p99 {:.2} ms, raw p50 {:.2} ms p99 {:.2} ms",
            round + 1,
            a.p50_ms(),
            a.p99_ms(),
            b.p50_ms(),
            b.p99_ms()
        );
        ours.push(a.p50_ms());
        baseline.push(b.p50_ms());
    }
    let (ours, baseline) = (median(&mut ours), median(&mut baseline));

    let deps = setup.deps.clone();
    let (staged, applied, elapsed) =
        runtime.block_on(async move { batch(&deps, &setup.admin_token, args.batch).await })?;

    println!();
    println!(
        "| measure ({} contacts, {}) | ours | raw SQL | ratio | goal |",
        args.contacts,
        if args.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    println!("| --- | ---: | ---: | ---: | ---: |");
    println!(
        "| p50 of the first page (50 active Support Advanced, by name) | {ours:.2} ms | {baseline:.2} ms | {:.2} | ≤ 2 |",
        ours / baseline.max(f64::EPSILON)
    );
    println!(
        "| applyRoleChanges, {applied} of {staged} staged changes | {:.0} ms | | | < 1000 ms |",
        elapsed.as_secs_f64() * 1000.0
    );
    Ok(())
}

struct Setup {
    graphql: SocketAddr,
    raw: SocketAddr,
    /// A Security Administrator of the big company (lists contacts).
    token: String,
    /// Another session of the same administrator, for the batch.
    admin_token: String,
    deps: Deps,
    _dir: tempfile::TempDir,
}

/// Starts the portal with the demo data and `contacts` contacts in Groupe Hélios, and the raw
/// routes on the same database.
async fn start(args: &Args) -> anyhow::Result<Setup> {
    let data_dir = tempfile::tempdir()?;
    let settings = load::bench_settings(data_dir.path(), args.database_url.clone());
    portal_api::telemetry::init(&settings.log);
    let db = Db::connect(&settings).await?;
    let app = Application::build_with_db(settings, db.clone(), Arc::new(SystemClock)).await?;
    let deps = app.state().deps().clone();
    // Groupe Hélios has 240 generated contacts; the rest are extra.
    let loading = Instant::now();
    portal_api::demo::load(&deps, args.contacts.saturating_sub(240)).await?;
    println!(
        "loaded the demo data with {} contacts in Groupe Hélios in {:.1} s",
        args.contacts,
        loading.elapsed().as_secs_f64()
    );
    let admin = contact::Entity::find()
        .filter(contact::Column::SecurityAdmin.eq(true))
        .filter(contact::Column::Status.eq(ContactStatus::Active))
        .filter(contact::Column::Email.like("%helios%"))
        .order_by_asc(contact::Column::Id)
        .one(deps.db.reader())
        .await?
        .ok_or_else(|| anyhow::anyhow!("no Security Administrator in Groupe Hélios"))?;
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let token = sessions::open(
            deps.db.writer(),
            &deps.sessions,
            deps.clock.now(),
            NewSession {
                account_id: portal_api::ids::AccountId::from_uuid(admin.account_id),
                contact_id: Some(portal_api::ids::ContactId::from_uuid(admin.id)),
                security_admin: true,
                two_factor: true,
            },
        )
        .await?;
        tokens.push(token.expose().to_owned());
    }
    let graphql = app.local_addr()?;
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let raw_addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, raw::router(&db)).await });
    let admin_token = tokens.pop().unwrap_or_default();
    let token = tokens.pop().unwrap_or_default();
    Ok(Setup {
        graphql,
        raw: raw_addr,
        token,
        admin_token,
        deps,
        _dir: data_dir,
    })
}

/// Stages `size` role changes (untimed), then times one apply; (staged, applied, time).
async fn batch(deps: &Deps, token: &str, size: usize) -> anyhow::Result<(usize, usize, Duration)> {
    let principal = sessions::resolve(&deps.db, &deps.sessions, deps.clock.now(), token)
        .await?
        .ok_or_else(|| anyhow::anyhow!("admin session missing"))?;
    let admin = Actor::Person(principal)
        .security_administrator()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let targets = contact::Entity::find()
        .filter(contact::Column::CompanyId.eq(admin.company_id()))
        .filter(contact::Column::Status.eq(ContactStatus::Active))
        .filter(contact::Column::SecurityAdmin.eq(false))
        .order_by_asc(contact::Column::Id)
        .limit(size as u64)
        .all(deps.db.reader())
        .await?;
    for target in &targets {
        let to = RoleSet {
            support_role: Some(if target.support_role == Some(SupportRole::Advanced) {
                SupportRole::Restricted
            } else {
                SupportRole::Advanced
            }),
            security_admin: false,
        };
        roles::stage(
            deps,
            &admin,
            portal_api::ids::ContactId::from_uuid(target.id),
            to,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let started = Instant::now();
    let outcome = roles::apply(deps, &admin, None)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let elapsed = started.elapsed();
    anyhow::ensure!(
        outcome.problems.is_empty(),
        "the batch had problems: {:?}",
        outcome.problems.first()
    );
    Ok((targets.len(), outcome.applied.len(), elapsed))
}
