//! Listing a company's contacts: who may, paging, filters and order.

use std::collections::HashSet;

use portal_tests::{Role, on_both_databases};
use serde_json::{Value, json};

fn emails(page: &Value) -> Vec<String> {
    page["viewer"]["company"]["contacts"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["email"].as_str().unwrap().to_owned())
        .collect()
}

on_both_databases! {
    async fn support_and_security_administrators_list_contacts_and_others_may_not(app) {
        let company = app.customer_company("Directory SA").await;
        for (role, allowed) in [
            (Role::Restricted, false),
            (Role::Advanced, false),
            (Role::SupportAdministrator, true),
            (Role::SecurityAdministrator, true),
            (Role::SecurityAndSupportAdministrator, true),
        ] {
            let person = app.person(role, company.id).await;
            let answer = app.contacts(&person.token, json!({})).await;
            if allowed {
                assert!(answer.ok()["viewer"]["company"]["contacts"]["totalCount"].as_i64().unwrap() >= 1);
            } else {
                assert_eq!(answer.codes(), vec!["FORBIDDEN"], "{role:?}");
            }
        }
        let obsolete = app.person(Role::Obsolete, company.id).await;
        let answer = app.contacts(&obsolete.token, json!({})).await;
        assert_eq!(answer.ok()["viewer"]["company"], Value::Null, "an obsolete contact acts for no company");
    }

    async fn paging_visits_every_contact_once_in_name_order(app) {
        let company = app.customer_company("Paging SA").await;
        let admin = app.person(Role::SupportAdministrator, company.id).await;
        app.generated_contacts(company.id, 45, 1).await;
        let mut after = Value::Null;
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let answer = app.contacts(&admin.token, json!({ "first": 10, "after": after })).await;
            let contacts = &answer.ok()["viewer"]["company"]["contacts"];
            assert_eq!(contacts["totalCount"], 46);
            assert_eq!(contacts["pageInfo"]["hasPreviousPage"], pages > 0);
            for edge in contacts["edges"].as_array().unwrap() {
                let node = &edge["node"];
                seen.push((
                    portal_api::domain::contact_name_key(node["lastName"].as_str().unwrap(), node["firstName"].as_str().unwrap()),
                    node["id"].as_str().unwrap().to_owned(),
                ));
            }
            pages += 1;
            if contacts["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = contacts["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(pages, 5);
        assert_eq!(seen.len(), 46);
        assert_eq!(seen.iter().map(|(_, id)| id).collect::<HashSet<_>>().len(), 46);
        let mut sorted = seen.clone();
        sorted.sort();
        assert_eq!(seen, sorted, "ordered by folded last then first name");
    }

    async fn filters_and_orders_apply_across_pages(app) {
        let company = app.customer_company("Filters SA").await;
        let admin = app.person(Role::SecurityAndSupportAdministrator, company.id).await;
        let people = app.generated_contacts(company.id, 60, 2).await;
        let obsolete = people.iter().filter(|p| p.status == entity::ContactStatus::Obsolete).count();
        let answer = app.contacts(&admin.token, json!({ "filter": { "statuses": ["OBSOLETE"] }, "first": 100 })).await;
        let page = answer.ok();
        assert_eq!(page["viewer"]["company"]["contacts"]["totalCount"], obsolete);
        assert!(page["viewer"]["company"]["contacts"]["edges"].as_array().unwrap().iter().all(|e| e["node"]["status"] == "OBSOLETE"));

        // Role filters: support roles, Security Administrators, and both together.
        let advanced = people.iter().filter(|p| p.support_role == Some(entity::SupportRole::Advanced)).count();
        let answer = app.contacts(&admin.token, json!({ "filter": { "supportRoles": ["SUPPORT_ADVANCED"] }, "first": 100 })).await;
        assert_eq!(answer.ok()["viewer"]["company"]["contacts"]["totalCount"], advanced);
        assert!(advanced > 0);
        let security = people.iter().filter(|p| p.security_admin).count() + 1; // the admin listing
        let answer = app.contacts(&admin.token, json!({ "filter": { "securityAdministrator": true }, "first": 100 })).await;
        assert_eq!(answer.ok()["viewer"]["company"]["contacts"]["totalCount"], security);
        assert!(answer.ok()["viewer"]["company"]["contacts"]["edges"].as_array().unwrap().iter().all(|e| e["node"]["securityAdministrator"] == true));
        let both = people.iter().filter(|p| p.security_admin && p.support_role == Some(entity::SupportRole::Advanced)).count();
        let answer = app.contacts(&admin.token, json!({ "filter": { "securityAdministrator": true, "supportRoles": ["SUPPORT_ADVANCED"] }, "first": 100 })).await;
        assert_eq!(answer.ok()["viewer"]["company"]["contacts"]["totalCount"], both);

        // Search ignores case and accents: "HELENE" finds "Hélène".
        let helene = people.iter().filter(|p| p.first_name == "Hélène").count();
        let answer = app.contacts(&admin.token, json!({ "filter": { "search": "HELENE" }, "first": 100 })).await;
        assert_eq!(answer.ok()["viewer"]["company"]["contacts"]["totalCount"], helene);

        // Wildcards in the search text are literal.
        let answer = app.contacts(&admin.token, json!({ "filter": { "search": "%" } })).await;
        assert_eq!(answer.ok()["viewer"]["company"]["contacts"]["totalCount"], 0);

        let mut all = Vec::new();
        let mut after = Value::Null;
        loop {
            let answer = app
                .contacts(&admin.token, json!({ "first": 25, "after": after, "orderBy": { "field": "EMAIL", "direction": "DESC" } }))
                .await;
            let page = answer.ok().clone();
            all.extend(emails(&page));
            let info = &page["viewer"]["company"]["contacts"]["pageInfo"];
            if info["hasNextPage"] == false {
                break;
            }
            after = info["endCursor"].clone();
        }
        let mut expected = all.clone();
        expected.sort_by(|a, b| b.cmp(a));
        assert_eq!(all, expected);
        assert_eq!(all.len(), 61);
    }

    async fn a_cursor_is_only_accepted_by_the_order_that_made_it(app) {
        let company = app.customer_company("Cursor SA").await;
        let admin = app.person(Role::SupportAdministrator, company.id).await;
        app.generated_contacts(company.id, 5, 3).await;
        let by_date = json!({ "field": "CREATED_AT" });
        let answer = app.contacts(&admin.token, json!({ "first": 2, "orderBy": by_date })).await;
        let cursor = answer.ok()["viewer"]["company"]["contacts"]["pageInfo"]["endCursor"].clone();
        let next = app.contacts(&admin.token, json!({ "first": 2, "after": cursor, "orderBy": by_date })).await;
        assert_eq!(next.ok()["viewer"]["company"]["contacts"]["edges"].as_array().unwrap().len(), 2);
        for other in [json!({ "field": "NAME" }), json!({ "field": "EMAIL" })] {
            let reused = app.contacts(&admin.token, json!({ "first": 2, "after": cursor, "orderBy": other })).await;
            assert_eq!(reused.codes(), vec!["BAD_USER_INPUT"], "{other}");
            assert_eq!(reused.error()["extensions"]["field"], "after");
        }
    }

    async fn lists_sort_by_bytes_whatever_the_database_locale(app) {
        // Under a French collation "jo_ann" sorts before "jo.ann"; by bytes it comes after. The
        // portal sorts by bytes on both databases, so pages never differ between them.
        let company = app.customer_company("Collation SA").await;
        let admin = app.person(Role::SupportAdministrator, company.id).await;
        for (last, email) in [("Underscore", "jo_ann@collation.example"), ("Dot", "jo.ann@collation.example"), ("Dash", "jo-ann@collation.example")] {
            app.named_contact(company.id, last, "Jo", email).await;
        }
        let answer = app
            .contacts(&admin.token, json!({ "filter": { "search": "jo" }, "orderBy": { "field": "EMAIL" } }))
            .await;
        let mut expected = vec!["jo-ann@collation.example", "jo.ann@collation.example", "jo_ann@collation.example"];
        expected.sort_unstable();
        assert_eq!(emails(answer.ok()), expected);
        let names = app
            .contacts(&admin.token, json!({ "filter": { "search": "jo" } }))
            .await;
        let last_names: Vec<String> = names.ok()["viewer"]["company"]["contacts"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["lastName"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(last_names, vec!["Dash", "Dot", "Underscore"]);
    }

    async fn contacts_of_another_company_are_invisible(app) {
        let own = app.customer_company("Own Contacts SA").await;
        let other = app.customer_company("Other Contacts SA").await;
        let admin = app.person(Role::SecurityAndSupportAdministrator, own.id).await;
        let stranger = app.person(Role::Restricted, other.id).await;
        let hidden = app.node(Some(&admin.token), &format!("ct_{}", stranger.contact_id.simple())).await;
        let unknown = app.node(Some(&admin.token), &format!("ct_{}", uuid::Uuid::now_v7().simple())).await;
        assert_eq!(hidden.body, unknown.body);
        assert_eq!(hidden.body["data"]["node"], Value::Null);
        let colleague = app.person(Role::Restricted, own.id).await;
        let visible = app.node(Some(&admin.token), &format!("ct_{}", colleague.contact_id.simple())).await;
        assert_eq!(visible.ok()["node"]["__typename"], "Contact");
        let myself = app.node(Some(&stranger.token), &format!("ct_{}", stranger.contact_id.simple())).await;
        assert_eq!(myself.ok()["node"]["__typename"], "Contact");
    }
}
