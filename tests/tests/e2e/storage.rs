//! Storage: the embedded database's settings, concurrent writes, constraints that make invalid
//! data impossible, and idempotent retries.

use std::collections::HashSet;

use futures_util::future::join_all;
use portal_tests::{Backend, Role, on_both_databases};
use sea_orm::{ConnectionTrait, Statement};

on_both_databases! {
    async fn concurrent_writes_all_succeed_with_unique_human_ids(app) {
        let operator = app.person(Role::Operator, uuid::Uuid::nil()).await;
        let creations = (0..40).map(|n| {
            let app = &app;
            let token = operator.token.clone();
            async move { app.create_company(&token, &format!("Concurrent {n}"), None).await }
        });
        let answers = join_all(creations).await;
        let mut human_ids = HashSet::new();
        for answer in &answers {
            let company = &answer.ok()["createCompany"]["company"];
            human_ids.insert(company["humanId"].as_str().unwrap().to_owned());
        }
        assert_eq!(human_ids.len(), 40, "every company got its own ACC- number");
    }

    async fn invalid_role_combinations_cannot_be_stored(app) {
        let company = app.customer_company("Constraints SA").await;
        let person = app.person(Role::Restricted, company.id).await;
        let db = &app.state.deps().db;
        let backend = db.backend();
        let contact = sea_orm::Value::from(person.contact_id);
        for (assignment, why) in [
            ("support_role = 'SUPPORT_GURU'", "unknown support role"),
            ("provider_role = 'SUPPORT_AGENT'", "provider role with a customer role"),
            ("status = 'DELETED'", "unknown status"),
        ] {
            let sql = portal_api::sql::placeholders(backend, &format!("UPDATE contacts SET {assignment} WHERE id = ?"));
            let result = db.writer().execute_raw(Statement::from_sql_and_values(backend, sql, [contact.clone()])).await;
            assert!(result.is_err(), "{why} was stored");
        }
    }

    async fn a_retried_creation_with_the_same_key_creates_one_company(app) {
        let operator = app.person(Role::Operator, uuid::Uuid::nil()).await;
        let first = app.create_company(&operator.token, "Retry SA", Some("key-1")).await;
        let again = app.create_company(&operator.token, "Retry SA", Some("key-1")).await;
        let first = &first.ok()["createCompany"];
        let again = &again.ok()["createCompany"];
        assert_eq!(first["company"]["id"], again["company"]["id"]);
        assert_eq!(first["replayed"], false);
        assert_eq!(again["replayed"], true);
        let racing = join_all((0..8).map(|_| app.create_company(&operator.token, "Race SA", Some("key-2")))).await;
        let ids: HashSet<String> = racing
            .iter()
            .map(|a| a.ok()["createCompany"]["company"]["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids.len(), 1, "concurrent retries with one key create one company");
    }
}

mod instances_starting_together_migrate_once {
    use portal_api::config::{Secret, Settings};
    use portal_api::db::Db;
    use portal_tests::PgDatabase;

    async fn migrate_concurrently(settings: Settings) {
        let opened = futures_util::future::join_all((0..3).map(|_| Db::connect(&settings))).await;
        let dbs: Vec<Db> = opened.into_iter().map(Result::unwrap).collect();
        let results = futures_util::future::join_all(dbs.iter().map(Db::migrate)).await;
        for result in results {
            result.unwrap();
        }
        for db in &dbs {
            assert_eq!(db.pending_migrations().await.unwrap(), 0);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            data_dir: dir.path().to_path_buf(),
            ..Settings::default()
        };
        migrate_concurrently(settings).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let Some((_database, url)) = PgDatabase::create().await else {
            return;
        };
        let mut settings = Settings::default();
        settings.database.url = Some(Secret::new(url));
        migrate_concurrently(settings).await;
    }
}

/// The embedded database only: PostgreSQL has no such settings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_database_runs_in_wal_mode_with_foreign_keys() {
    let app = portal_tests::spawn_app(Backend::Sqlite).await;
    let db = &app.state.deps().db;
    for (pragma, expected) in [("journal_mode", "wal"), ("foreign_keys", "1")] {
        let row = db
            .reader()
            .query_one_raw(Statement::from_string(
                db.backend(),
                format!("PRAGMA {pragma}"),
            ))
            .await
            .unwrap()
            .unwrap();
        let value: String = row
            .try_get_by_index::<String>(0)
            .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
            .unwrap();
        assert_eq!(value, expected, "{pragma}");
    }
    assert!(app.data_dir.path().join("portal.db").exists());
}
