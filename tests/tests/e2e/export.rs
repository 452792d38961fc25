//! Export (issue 14): a saved view or a queue, all its rows, its columns in its order, as an
//! Excel workbook (read back with calamine, an independent reader) and as CSV (read back with
//! the csv crate), compared row for row with the view as the API lists it.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::{DateTime, Utc};
use portal_tests::{Person, Role, TestApp, on_both_databases, request_form};
use serde_json::{Value, json};

const SAVE: &str =
    "mutation($i: SaveViewInput!) { saveView(input: $i) { view { id } problems { field } } }";
const OPEN: &str = "query($id: ID!, $after: String) { savedView(id: $id) { requests(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { humanId title urgency createdAt requester { firstName lastName } } } } } }";

/// The view's rows as the API lists them: human ID, title, urgency, creation, requester.
async fn listed(
    app: &TestApp,
    who: &Person,
    view: &str,
) -> Vec<(String, String, String, DateTime<Utc>, String)> {
    let mut rows = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .graphql_as(
                Some(&who.token),
                OPEN,
                json!({ "id": view, "after": after }),
            )
            .await;
        let list = page.ok()["savedView"]["requests"].clone();
        for edge in list["edges"].as_array().unwrap() {
            let n = &edge["node"];
            let created: DateTime<Utc> = n["createdAt"].as_str().unwrap().parse().unwrap();
            let requester = format!(
                "{} {}",
                n["requester"]["firstName"].as_str().unwrap(),
                n["requester"]["lastName"].as_str().unwrap()
            );
            rows.push((
                n["humanId"].as_str().unwrap().to_owned(),
                n["title"].as_str().unwrap().to_owned(),
                n["urgency"].as_str().unwrap().to_owned(),
                created,
                requester,
            ));
        }
        if list["pageInfo"]["hasNextPage"] != true {
            return rows;
        }
        after = list["pageInfo"]["endCursor"].clone();
    }
}

/// An Excel serial date (days since 1899-12-30) of a time, to the second.
fn serial(at: DateTime<Utc>) -> f64 {
    at.timestamp() as f64 / 86_400.0 + 25_569.0
}

async fn download(app: &TestApp, token: Option<&str>, path: &str) -> (u16, String, Vec<u8>) {
    let response = app.get_as(token, path).await;
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.bytes().await.unwrap().to_vec())
}

on_both_databases! {
    async fn a_view_exports_to_excel_and_csv_row_for_row_with_its_columns_in_order(app) {
        let acme = app.customer_company("Acme").await;
        let anne = app.person(Role::Advanced, acme.id).await;
        for (title, urgency) in [("Écran noir", "URGENT"), ("=HYPERLINK(\"http://evil.example\")", "HIGH"), ("Export lent", "LOW"), ("+33 1 23", "HIGH")] {
            app.submitted_request(&anne.token, request_form(title, urgency)).await;
        }
        let saved = app.graphql_as(Some(&anne.token), SAVE, json!({ "i": {
            "name": "Urgent", "scope": "TEAM", "filter": { "urgencies": ["HIGH", "URGENT"] },
            "columns": ["HUMAN_ID", "TITLE", "URGENCY", "CREATED_AT", "REQUESTER"],
            "orderBy": { "field": "URGENCY", "direction": "DESC" } } })).await;
        let view = saved.ok()["saveView"]["view"]["id"].as_str().unwrap().to_owned();
        let expected = listed(&app, &anne, &view).await;
        assert_eq!(expected.len(), 3);

        let (status, kind, bytes) = download(&app, Some(&anne.token), &format!("/export/requests.xlsx?view={view}")).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
        assert!(kind.starts_with("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
        let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let sheet = workbook.worksheet_range("Requests").unwrap();
        let rows: Vec<&[Data]> = sheet.rows().collect();
        assert_eq!(rows[0].iter().map(ToString::to_string).collect::<Vec<_>>(), ["Request ID", "Title", "Urgency", "Created", "Requester"]);
        assert_eq!(rows.len(), expected.len() + 1);
        for (row, (human_id, title, urgency, created, requester)) in rows[1..].iter().zip(&expected) {
            assert_eq!(row[0], Data::String(human_id.clone()), "the human ID is text");
            assert_eq!(row[1], Data::String(title.clone()), "a formula-like title stays text");
            assert_eq!(row[2], Data::String(urgency.clone()));
            let Data::DateTime(date) = &row[3] else { panic!("a real date: {:?}", row[3]) };
            assert!((date.as_f64() - serial(*created)).abs() < 1.0 / 86_400.0, "{} against {created}", date.as_f64());
            assert_eq!(row[4], Data::String(requester.clone()));
        }

        let (status, kind, bytes) = download(&app, Some(&anne.token), &format!("/export/requests.csv?view={view}")).await;
        assert_eq!(status, 200);
        assert!(kind.starts_with("text/csv"));
        let text = String::from_utf8(bytes).unwrap();
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), ["Request ID", "Title", "Urgency", "Created", "Requester"]);
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), expected.len());
        for (record, (human_id, title, urgency, created, requester)) in records.iter().zip(&expected) {
            let safe_title = if title.starts_with(['=', '+', '-', '@']) { format!("'{title}") } else { title.clone() };
            assert_eq!(record.iter().collect::<Vec<_>>(), [human_id.as_str(), &safe_title, urgency, &created.format("%Y-%m-%d %H:%M:%S").to_string(), requester]);
        }

        // Another person's view is as unknown as a made-up ID; no session, no file.
        let colleague = app.person(Role::Advanced, acme.id).await;
        let (status, _, body) = download(&app, Some(&colleague.token), &format!("/export/requests.csv?view={view}")).await;
        assert_eq!(status, 404, "{}", String::from_utf8_lossy(&body));
        assert!(String::from_utf8_lossy(&body).contains("NOT_FOUND"));
        let (status, _, _) = download(&app, None, &format!("/export/requests.xlsx?view={view}")).await;
        assert_eq!(status, 401);
        let restricted = app.person(Role::Restricted, acme.id).await;
        let (status, _, body) = download(&app, Some(&restricted.token), "/export/requests.csv?queue=ACTIVE&scope=TEAM").await;
        assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
        let (status, _, _) = download(&app, Some(&anne.token), "/export/requests.csv?queue=EVERYTHING").await;
        assert_eq!(status, 400);
    }

    async fn a_queue_of_more_than_a_page_exports_every_row_once_in_order(app) {
        let summary = portal_api::demo::load_with(app.state.deps(), 0, 1_200).await.unwrap();
        let lionel = summary.logins.iter().find(|l| l.login == "lionel").unwrap().token.clone();
        let total = app.graphql_as(Some(&lionel), "{ requests(scope: TEAM, first: 1) { totalCount } }", json!({})).await;
        let total = total.ok()["requests"]["totalCount"].as_u64().unwrap() as usize;
        assert!(total > 1_000, "{total}");
        let (status, _, bytes) = download(&app, Some(&lionel), "/export/requests.csv?scope=TEAM").await;
        assert_eq!(status, 200);
        let text = String::from_utf8(bytes).unwrap();
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let ids: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
        assert_eq!(ids.len(), total, "every row");
        let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), total, "each once");
        let (_, _, bytes) = download(&app, Some(&lionel), "/export/requests.xlsx?scope=TEAM").await;
        let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let sheet = workbook.worksheet_range("Requests").unwrap();
        let excel_ids: Vec<String> = sheet.rows().skip(1).map(|r| r[0].to_string()).collect();
        assert_eq!(excel_ids, ids, "the same rows in the same order");
    }
}
