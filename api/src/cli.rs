//! The `portal` command line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::bootstrap::{self, BootstrapInput};
use crate::clock::SystemClock;
use crate::config::{LogFormat, Overrides, Profile, Settings};
use crate::db::Db;
use crate::demo;
use crate::deps::Deps;
use crate::domain::{CompanyName, Email, Language};
use crate::mail;
use crate::startup::{Application, shutdown_signal};

/// The customer support portal: GraphQL API and web app.
#[derive(Debug, Parser)]
#[command(name = "portal", version, about)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct GlobalArgs {
    /// TOML configuration file (default: ./portal.toml when it exists).
    #[arg(long, global = true, env = "PORTAL_CONFIG")]
    config: Option<PathBuf>,
    /// Directory for the embedded database and local files.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Database URL (postgres://… or sqlite://…); overrides DATABASE_URL.
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Configuration profile.
    #[arg(long, global = true, value_enum)]
    profile: Option<Profile>,
    /// Log filter, e.g. `info` or `portal_api=debug`.
    #[arg(long, global = true)]
    log_level: Option<String>,
    /// Log line format.
    #[arg(long, global = true, value_enum)]
    log_format: Option<LogFormat>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the server (applies pending migrations first).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 (port 0 picks a free port).
        #[arg(long)]
        bind: Option<SocketAddr>,
        /// Load the demo data set first and print demo logins.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Create the provider organisation and a platform operator; prints one-time credentials.
    Bootstrap(BootstrapArgs),
    /// Create a customer company and its first Security Administrator (who gets a welcome
    /// mail with a set-up link), as the platform operator does over GraphQL.
    CreateCompany(CreateCompanyArgs),
    /// Add a support agent or manager to the provider organisation (who gets a welcome mail
    /// with a set-up link), as the platform operator does over GraphQL.
    CreateStaff(CreateStaffArgs),
    /// Load the demo data set (once) and print demo logins with fresh session tokens.
    Demo {
        /// Extra generated contacts for the largest demo company (for benchmarks).
        #[arg(long, default_value_t = 0)]
        extra_contacts: usize,
        /// Generated requests in every state, with messages and history (millions for
        /// benchmarks).
        #[arg(long, default_value_t = demo::DEMO_REQUESTS)]
        requests: usize,
    },
}

#[derive(Debug, Args)]
struct BootstrapArgs {
    /// Name of the provider organisation.
    #[arg(long, default_value = "Support Provider")]
    provider_name: String,
    /// Login of the platform operator.
    #[arg(long, default_value = "operator")]
    operator_login: String,
    /// E-mail address of the platform operator.
    #[arg(long)]
    operator_email: String,
    /// Language of the operator's mails (`en` or `fr`).
    #[arg(long, default_value = "en")]
    language: String,
}

#[derive(Debug, Args)]
struct CreateCompanyArgs {
    /// Account name of the company.
    #[arg(long)]
    name: String,
    /// Language of the company's mails (`en` or `fr`).
    #[arg(long, default_value = "en")]
    language: String,
    /// Every contact must log in with a second factor.
    #[arg(long)]
    require_two_factor: bool,
    /// Professional e-mail of the first Security Administrator.
    #[arg(long)]
    admin_email: String,
    /// Last name of the first Security Administrator.
    #[arg(long)]
    admin_last_name: String,
    /// First name of the first Security Administrator.
    #[arg(long)]
    admin_first_name: String,
}

#[derive(Debug, Args)]
struct CreateStaffArgs {
    /// Professional e-mail.
    #[arg(long)]
    email: String,
    /// Last name.
    #[arg(long)]
    last_name: String,
    /// First name.
    #[arg(long)]
    first_name: String,
    /// Make the person a support manager (who dispatches requests) instead of an agent.
    #[arg(long)]
    manager: bool,
}

/// Runs the command line; the process exit code.
#[allow(clippy::print_stderr)]
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let overrides = Overrides {
        profile: cli.global.profile,
        data_dir: cli.global.data_dir.clone(),
        database_url: cli.global.database_url.clone(),
        bind: match &cli.command {
            Command::Serve { bind, .. } => *bind,
            _ => None,
        },
        log_level: cli.global.log_level.clone(),
        log_format: cli.global.log_format,
    };
    let settings = match Settings::load(cli.global.config.as_deref(), &overrides) {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("portal: {err}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init(&settings.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("portal: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("portal: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// The demo data set (known passwords, printed tokens) is for development only.
fn refuse_demo_in_production(settings: &Settings, demo: bool) -> anyhow::Result<()> {
    if demo && settings.profile == crate::config::Profile::Production {
        anyhow::bail!("the demo data set is for development: refused under the production profile");
    }
    Ok(())
}

/// Writes to standard output. A closed output (`portal demo | head`) is not an error worth a
/// crash: what could not be written is dropped.
fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

async fn open_services(settings: Settings) -> anyhow::Result<Deps> {
    let db = Db::connect(&settings).await?;
    db.migrate()
        .await
        .context("cannot apply database migrations")?;
    Deps::new(db, Arc::new(SystemClock), Arc::new(settings))
}

/// Tries once to send the mails a command wrote; whatever fails is sent by the server later.
async fn deliver_mail_now(deps: &Deps) {
    let settings = &deps.settings;
    let (Ok(transport), Ok(from)) = (
        mail::worker::Transport::from_settings(settings),
        settings.mail.from.parse::<lettre::message::Mailbox>(),
    ) else {
        return;
    };
    let attempt = mail::worker::deliver_due(deps, &transport, &from);
    match tokio::time::timeout(std::time::Duration::from_secs(15), attempt).await {
        Ok(Ok(_)) => {}
        Ok(Err(err)) => tracing::warn!(%err, "mail not sent now; the server will retry"),
        Err(_) => tracing::warn!("mail not sent in time; the server will retry"),
    }
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Schema => {
            out(&crate::graphql::sdl());
            Ok(())
        }
        Command::Migrate => {
            let deps = open_services(settings).await?;
            out(&format!(
                "migrations applied ({})\n",
                deps.db.engine().as_str()
            ));
            deps.db.close().await;
            Ok(())
        }
        Command::Bootstrap(args) => {
            let deps = open_services(settings).await?;
            let input = BootstrapInput {
                provider_name: CompanyName::parse(&args.provider_name, "provider-name")
                    .map_err(|e| anyhow::anyhow!("--provider-name {e}"))?,
                operator_login: args.operator_login,
                operator_email: Email::parse(&args.operator_email, "operator-email")
                    .map_err(|e| anyhow::anyhow!("--operator-email {e}"))?,
                language: Language::from_code(&args.language),
            };
            let done = bootstrap::run(&deps, input).await?;
            deliver_mail_now(&deps).await;
            deps.db.close().await;
            out(&format!(
                "Provider organisation {} created.\n\
                 Platform operator login:    {}\n\
                 Set-up link (72 h, once):   {}\n\
                 The link was also mailed to the operator. Open it to choose a password, log in, \
                 then turn on two-factor authentication: the operator's work requires it.\n",
                done.provider_human_id, done.login, done.setup_link
            ));
            Ok(())
        }
        Command::CreateCompany(args) => {
            let deps = open_services(settings).await?;
            let created = create_company(&deps, args).await;
            deliver_mail_now(&deps).await;
            deps.db.close().await;
            let (company, admin) = created?;
            out(&format!(
                "Company {} ({}) created.\n\
                 First Security Administrator: {} (a welcome mail with a set-up link was sent)\n",
                company.human_id, company.name, admin.email
            ));
            Ok(())
        }
        Command::CreateStaff(args) => {
            let deps = open_services(settings).await?;
            let created = create_staff(&deps, args).await;
            deliver_mail_now(&deps).await;
            deps.db.close().await;
            let staff = created?;
            let role = match staff.provider_role {
                Some(crate::contacts::ProviderRole::SupportManager) => "Support manager",
                _ => "Support agent",
            };
            out(&format!(
                "{role} {} {} <{}> created (a welcome mail with a set-up link was sent).\n",
                staff.first_name, staff.last_name, staff.email
            ));
            Ok(())
        }
        Command::Demo {
            extra_contacts,
            requests,
        } => {
            refuse_demo_in_production(&settings, true)?;
            let deps = open_services(settings).await?;
            let summary = demo::load_with(&deps, extra_contacts, requests).await?;
            print_demo(&summary);
            deps.db.close().await;
            Ok(())
        }
        Command::Serve {
            demo: with_demo, ..
        } => serve(settings, with_demo).await,
    }
}

/// `portal create-company`: acts as the platform operator, whose account it needs.
async fn create_company(
    deps: &Deps,
    args: CreateCompanyArgs,
) -> anyhow::Result<(crate::companies::Company, crate::contacts::Contact)> {
    let bad =
        |flag: &'static str| move |e: crate::error::ApiError| anyhow::anyhow!("--{flag}: {e}");
    let name = CompanyName::parse(&args.name, "name").map_err(bad("name"))?;
    let person = crate::contacts::NewPerson {
        last_name: crate::domain::PersonName::parse(&args.admin_last_name, "admin-last-name")
            .map_err(bad("admin-last-name"))?,
        first_name: crate::domain::PersonName::parse(&args.admin_first_name, "admin-first-name")
            .map_err(bad("admin-first-name"))?,
        email: Email::parse(&args.admin_email, "admin-email").map_err(bad("admin-email"))?,
    };
    let operator = crate::auth::PlatformOperator::from_command_line(deps)
        .await?
        .context("no platform operator yet: run `portal bootstrap` first")?;
    let new = crate::companies::NewCompany {
        name,
        language: Language::from_code(&args.language),
        settings: crate::companies::CompanySettings {
            require_two_factor: args.require_two_factor,
            ..crate::companies::CompanySettings::default()
        },
        idempotency_key: None,
    };
    crate::contacts::create_company_with_security_administrator(deps, &operator, new, person)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// `portal create-staff`: acts as the platform operator.
async fn create_staff(
    deps: &Deps,
    args: CreateStaffArgs,
) -> anyhow::Result<crate::contacts::Contact> {
    let bad =
        |flag: &'static str| move |e: crate::error::ApiError| anyhow::anyhow!("--{flag}: {e}");
    let person = crate::contacts::NewPerson {
        last_name: crate::domain::PersonName::parse(&args.last_name, "last-name")
            .map_err(bad("last-name"))?,
        first_name: crate::domain::PersonName::parse(&args.first_name, "first-name")
            .map_err(bad("first-name"))?,
        email: Email::parse(&args.email, "email").map_err(bad("email"))?,
    };
    let operator = crate::auth::PlatformOperator::from_command_line(deps)
        .await?
        .context("no platform operator yet: run `portal bootstrap` first")?;
    let role = if args.manager {
        crate::contacts::ProviderRole::SupportManager
    } else {
        crate::contacts::ProviderRole::SupportAgent
    };
    crate::contacts::add_support_staff(deps, &operator, person, role)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

async fn serve(settings: Settings, with_demo: bool) -> anyhow::Result<()> {
    refuse_demo_in_production(&settings, with_demo)?;
    let public_url = settings.http.public_url.clone();
    let app = Application::build(settings, Arc::new(SystemClock)).await?;
    if with_demo {
        let summary = demo::load(app.state().deps(), 0).await?;
        print_demo(&summary);
    }
    let addr = app.local_addr()?;
    tracing::info!(%addr, engine = app.state().deps().db.engine().as_str(), "listening");
    print_listening(addr, &public_url);
    app.run_until_stopped(shutdown_signal()).await
}

fn print_listening(addr: SocketAddr, public_url: &str) {
    out(&format!(
        "portal listening on http://{addr} (public URL {public_url}); GraphQL at /graphql\n"
    ));
}

fn print_demo(summary: &demo::DemoSummary) {
    let mut text = String::new();
    if summary.created {
        text.push_str("Demo data loaded.\n");
    }
    text.push_str(&format!(
        "Demo logins (password for all: {}):\n",
        demo::DEMO_PASSWORD
    ));
    text.push_str(
        "Log in with the password, or send a token as `Authorization: Bearer <token>`.\n\
         People with a TOTP secret log in with a second factor: `oathtool --totp -b SECRET`.\n",
    );
    for login in &summary.logins {
        text.push_str(&format!(
            "  {:<9} {:<48} {:<36} {}{}\n",
            login.login,
            login.role,
            login.company,
            login.token,
            login
                .totp_secret
                .as_ref()
                .map(|secret| format!("  TOTP {secret}"))
                .unwrap_or_default()
        ));
    }
    out(&text);
}
