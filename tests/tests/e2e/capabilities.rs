//! The capability matrix (SPEC §3): every root field of the schema × every kind of caller ×
//! {own company, other company}, run against the server. A schema field without a row fails
//! the test, so no new operation can skip its access rules.

use std::collections::BTreeSet;

use portal_tests::{Person, Role, TestApp, on_both_databases};
use serde_json::{Value, json};
use uuid::Uuid;

/// What a caller gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// The field answers a value and no error (a refused form comes back in the payload).
    Ok,
    /// The field answers `null` without an error: what an unknown ID gets.
    Null,
    /// One error with this code.
    Code(&'static str),
}

use Expect::{Code, Null, Ok as Yes};

const ANON: Expect = Code("UNAUTHENTICATED");
const NO: Expect = Code("FORBIDDEN");
const GONE: Expect = Code("NOT_FOUND");
const BAD_LOGIN: Expect = Code("INVALID_CREDENTIALS");
/// Visible, but the lifecycle does not allow it in this state or for this side.
const NOT_NOW: Expect = Code("ACTION_NOT_ALLOWED");
/// Visible, but a field is the other side's to edit.
const NOT_EDITABLE: Expect = Code("BAD_USER_INPUT");

/// The callers, in the order of each row's expectations.
const CALLERS: [Option<Role>; 7] = [
    None,
    Some(Role::Restricted),
    Some(Role::Advanced),
    Some(Role::SupportAdministrator),
    Some(Role::SecurityAdministrator),
    Some(Role::Agent),
    Some(Role::Operator),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Root {
    Query,
    Mutation,
    Subscription,
}

/// The objects one cell acts on: a fresh contact of the caller's company, one of another
/// company, and a fresh company without Security Administrator.
struct Targets {
    own_company: Uuid,
    other_company: Uuid,
    own_contact: Uuid,
    other_contact: Uuid,
    empty_company: Uuid,
    /// Submitted requests of another contact of each company, watched by the target contact.
    own_request: String,
    other_request: String,
    /// An attachment of each of those requests (for the attachment rows only).
    own_attachment: String,
    other_attachment: String,
}

struct Row {
    root: Root,
    field: &'static str,
    /// The document and its variables, aimed at the caller's company (`true`) or another.
    document: fn(&Targets, bool) -> (String, Value),
    /// Expected per caller (see [`CALLERS`]) on the own company.
    own: [Expect; 7],
    /// Expected on another company's objects; `None` when the field takes no company object.
    other: Option<[Expect; 7]>,
}

fn ct(id: Uuid) -> String {
    format!("ct_{}", id.simple())
}

fn co(id: Uuid) -> String {
    format!("co_{}", id.simple())
}

fn plain(document: &str) -> (String, Value) {
    (document.to_owned(), json!({}))
}

fn contact_of(t: &Targets, own: bool) -> String {
    ct(if own { t.own_contact } else { t.other_contact })
}

fn company_of(t: &Targets, own: bool) -> String {
    co(if own { t.own_company } else { t.other_company })
}

fn request_of(t: &Targets, own: bool) -> String {
    if own {
        t.own_request.clone()
    } else {
        t.other_request.clone()
    }
}

/// A request input aimed at the own or other company's request and contact.
fn on_request(document: &str, t: &Targets, own: bool, extra: Value) -> (String, Value) {
    let mut input = json!({ "requestId": request_of(t, own), "contactId": contact_of(t, own) });
    if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
        input.extend(extra.clone());
    }
    (document.to_owned(), json!({ "i": input }))
}

fn attachment_of(t: &Targets, own: bool) -> String {
    if own {
        t.own_attachment.clone()
    } else {
        t.other_attachment.clone()
    }
}

/// A file its requester sent with a message on `request`.
async fn attachment_in(app: &TestApp, token: &str, request: &str) -> String {
    let sent = app
        .upload_as(
            Some(token),
            "mutation($i: AddRequestMessageInput!) { addRequestMessage(input: $i) { message { attachments { id } } } }",
            json!({ "i": { "requestId": request, "body": "The log", "attachments": [null] } }),
            &[("variables.i.attachments.0", "log.txt", b"log")],
        )
        .await;
    sent.ok()["addRequestMessage"]["message"]["attachments"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A submitted request of a new contact of `company`, watched by `watcher`, and, when asked,
/// an attachment of it.
async fn request_in(
    app: &TestApp,
    company: Uuid,
    watcher: Uuid,
    with_attachment: bool,
) -> (String, String) {
    let requester = app.person(Role::Restricted, company).await;
    let form = json!({ "category": "LICENSE_KEYS", "urgency": "LOW", "title": "Key", "description": "Expired" });
    let saved = app.graphql_as(Some(&requester.token), "mutation($i: SaveRequestDraftInput!) { saveRequestDraft(input: $i) { request { id } } }", json!({ "i": { "form": form } })).await;
    let id = saved.ok()["saveRequestDraft"]["request"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.graphql_as(
        Some(&requester.token),
        "mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { id } } }",
        json!({ "i": { "requestId": id } }),
    )
    .await
    .ok();
    app.graphql_as(
        Some(&requester.token),
        "mutation($i: AddRequestWatcherInput!) { addRequestWatcher(input: $i) { request { id } } }",
        json!({ "i": { "requestId": id, "contactId": ct(watcher) } }),
    )
    .await
    .ok();
    let attachment = if with_attachment {
        attachment_in(app, &requester.token, &id).await
    } else {
        format!("ra_{}", Uuid::nil().simple())
    };
    (id, attachment)
}

fn rows() -> Vec<Row> {
    use Root::{Mutation, Query, Subscription};
    // Callers:           anon  restr adv   supAd secAd agent oper
    let everyone = [Yes, Yes, Yes, Yes, Yes, Yes, Yes];
    let signed_in = [ANON, Yes, Yes, Yes, Yes, Yes, Yes];
    let directory = [ANON, NO, NO, Yes, Yes, NO, NO];
    let security = [ANON, NO, NO, NO, Yes, NO, NO];
    let security_other = [ANON, NO, NO, NO, GONE, NO, NO];
    let operator = [ANON, NO, NO, NO, NO, NO, Yes];
    // Requests: another contact's request of the caller's company, or of another company.
    let request_own = [ANON, GONE, Yes, Yes, Yes, Yes, NO];
    let request_other = [ANON, GONE, GONE, GONE, GONE, Yes, NO];
    vec![
        Row {
            root: Query,
            field: "request",
            document: |t, own| {
                (
                    "query($id: ID) { request(id: $id) { id } }".into(),
                    json!({ "id": request_of(t, own) }),
                )
            },
            own: [ANON, Null, Yes, Yes, Yes, Yes, NO],
            other: Some([ANON, Null, Null, Null, Null, Yes, NO]),
        },
        Row {
            root: Query,
            field: "requests",
            document: |_, _| plain("{ requests(first: 5) { edges { cursor } } }"),
            own: [ANON, Yes, Yes, Yes, Yes, Yes, NO],
            other: None,
        },
        Row {
            root: Query,
            field: "queueCounts",
            document: |_, _| plain("{ queueCounts { all } }"),
            own: [ANON, Yes, Yes, Yes, Yes, Yes, NO],
            other: None,
        },
        Row {
            root: Query,
            field: "metrics",
            document: |t, own| {
                (
                    "query($c: ID) { metrics(companyId: $c) { submitted } }".into(),
                    json!({ "c": company_of(t, own) }),
                )
            },
            // Team roles of their own company; agents need the manager role.
            own: [ANON, NO, Yes, Yes, Yes, NO, NO],
            other: Some([ANON, NO, NO, NO, NO, NO, NO]),
        },
        Row {
            root: Query,
            field: "savedViews",
            document: |_, _| plain("{ savedViews { id } }"),
            own: [ANON, Yes, Yes, Yes, Yes, Yes, NO],
            other: None,
        },
        Row {
            root: Query,
            field: "savedView",
            document: |_, _| {
                plain("{ savedView(id: \"vw_00000000000000000000000000000000\") { id } }")
            },
            own: [ANON, Null, Null, Null, Null, Null, NO],
            other: None,
        },
        Row {
            root: Mutation,
            field: "saveView",
            document: |_, _| {
                plain("mutation { saveView(input: { name: \"Mine\" }) { view { id } } }")
            },
            own: [ANON, Yes, Yes, Yes, Yes, Yes, NO],
            other: None,
        },
        Row {
            root: Mutation,
            field: "renameView",
            document: |_, _| {
                plain(
                    "mutation { renameView(input: { viewId: \"vw_00000000000000000000000000000000\", name: \"X\" }) { view { id } } }",
                )
            },
            own: [ANON, GONE, GONE, GONE, GONE, GONE, NO],
            other: None,
        },
        Row {
            root: Mutation,
            field: "deleteView",
            document: |_, _| {
                plain(
                    "mutation { deleteView(input: { viewId: \"vw_00000000000000000000000000000000\" }) { deletedViewId } }",
                )
            },
            own: [ANON, GONE, GONE, GONE, GONE, GONE, NO],
            other: None,
        },
        Row {
            root: Mutation,
            field: "pinView",
            document: |_, _| {
                plain(
                    "mutation { pinView(input: { viewId: \"vw_00000000000000000000000000000000\", pinned: true }) { id } }",
                )
            },
            own: [ANON, GONE, GONE, GONE, GONE, GONE, NO],
            other: None,
        },
        Row {
            root: Mutation,
            field: "orderTiles",
            document: |_, _| plain("mutation { orderTiles(input: { viewIds: [] }) { id } }"),
            own: [ANON, Yes, Yes, Yes, Yes, Yes, NO],
            other: None,
        },
        Row {
            root: Mutation,
            field: "deleteRequestDraft",
            document: |t, own| {
                let request = request_of(t, own);
                (
                    "mutation($r: ID!) { deleteRequestDraft(input: { requestId: $r }) { deletedRequestId } }".into(),
                    json!({ "r": request }),
                )
            },
            own: [ANON, GONE, NOT_NOW, NOT_NOW, NOT_NOW, NOT_NOW, NO],
            other: Some([ANON, GONE, GONE, GONE, GONE, NOT_NOW, NO]),
        },
        Row {
            root: Mutation,
            field: "saveRequestDraft",
            document: |_, _| {
                plain(
                    "mutation { saveRequestDraft(input: { form: { title: \"Draft\" } }) { request { id } } }",
                )
            },
            own: [ANON, Yes, Yes, Yes, NO, NO, NO],
            other: None,
        },
        Row {
            root: Mutation,
            field: "submitRequest",
            document: |t, own| {
                let request = request_of(t, own);
                (
                    "mutation($r: ID!) { submitRequest(input: { requestId: $r }) { problems { field } } }".into(),
                    json!({ "r": request }),
                )
            },
            own: [ANON, GONE, NOT_NOW, NOT_NOW, NOT_NOW, NOT_NOW, NO],
            other: Some([ANON, GONE, GONE, GONE, GONE, NOT_NOW, NO]),
        },
        Row {
            root: Mutation,
            field: "transitionRequest",
            document: |t, own| {
                let request = request_of(t, own);
                (
                    "mutation($r: ID!) { transitionRequest(input: { requestId: $r, action: PAUSE_FOR_EXTERNAL }) { request { state } } }".into(),
                    json!({ "r": request }),
                )
            },
            own: [ANON, GONE, NOT_NOW, NOT_NOW, NOT_NOW, Yes, NO],
            other: Some([ANON, GONE, GONE, GONE, GONE, Yes, NO]),
        },
        Row {
            root: Mutation,
            field: "addRequestMessage",
            document: |t, own| {
                let request = request_of(t, own);
                (
                    "mutation($r: ID!) { addRequestMessage(input: { requestId: $r, body: \"Hello\" }) { message { id } } }".into(),
                    json!({ "r": request }),
                )
            },
            own: request_own,
            other: Some(request_other),
        },
        Row {
            root: Mutation,
            field: "addDraftAttachments",
            document: |t, own| {
                // JSON requests carry no file; the access rules answer before the files are
                // looked at. Uploads themselves are tested in attachments.rs.
                (
                    "mutation($r: ID!) { addDraftAttachments(input: { requestId: $r, files: [] }) { request { id } } }".into(),
                    json!({ "r": request_of(t, own) }),
                )
            },
            own: [ANON, GONE, NOT_NOW, NOT_NOW, NOT_NOW, NOT_NOW, NO],
            other: Some([ANON, GONE, GONE, GONE, GONE, NOT_NOW, NO]),
        },
        Row {
            root: Mutation,
            field: "removeDraftAttachment",
            document: |t, own| {
                (
                    "mutation($a: ID!) { removeDraftAttachment(input: { attachmentId: $a }) { request { id } } }".into(),
                    json!({ "a": attachment_of(t, own) }),
                )
            },
            own: [ANON, GONE, NOT_NOW, NOT_NOW, NOT_NOW, NOT_NOW, NO],
            other: Some([ANON, GONE, GONE, GONE, GONE, NOT_NOW, NO]),
        },
        Row {
            root: Mutation,
            field: "assignRequest",
            document: |t, own| {
                let request = request_of(t, own);
                (
                    "mutation($r: ID!) { assignRequest(input: { requestId: $r }) { request { id } } }".into(),
                    json!({ "r": request }),
                )
            },
            own: [ANON, NO, NO, NO, NO, Yes, NO],
            other: Some([ANON, NO, NO, NO, NO, Yes, NO]),
        },
        Row {
            root: Mutation,
            field: "updateRequest",
            document: |t, own| {
                let request = request_of(t, own);
                (
                    "mutation($r: ID!) { updateRequest(input: { requestId: $r, tag: \"PO-1\" }) { problems { field } } }".into(),
                    json!({ "r": request }),
                )
            },
            own: [ANON, GONE, Yes, Yes, Yes, NOT_EDITABLE, NO],
            other: Some([ANON, GONE, GONE, GONE, GONE, NOT_EDITABLE, NO]),
        },
        Row {
            root: Mutation,
            field: "addRequestWatcher",
            document: |t, own| {
                on_request(
                    "mutation($i: AddRequestWatcherInput!) { addRequestWatcher(input: $i) { request { id } } }",
                    t,
                    own,
                    json!({ "wantsMail": false }),
                )
            },
            own: request_own,
            other: Some(request_other),
        },
        Row {
            root: Mutation,
            field: "removeRequestWatcher",
            document: |t, own| {
                on_request(
                    "mutation($i: RemoveRequestWatcherInput!) { removeRequestWatcher(input: $i) { request { id } } }",
                    t,
                    own,
                    json!({}),
                )
            },
            own: request_own,
            other: Some(request_other),
        },
        Row {
            root: Mutation,
            field: "createSupportStaff",
            document: |_, _| {
                (
                    "mutation($e: String!) { createSupportStaff(input: { lastName: \"Agent\", firstName: \"New\", email: $e, role: SUPPORT_AGENT }) { contact { id } } }".into(),
                    json!({ "e": format!("agent.{}@provider.example", Uuid::now_v7().simple()) }),
                )
            },
            own: operator,
            other: None,
        },
        Row {
            root: Query,
            field: "node",
            document: |t, own| {
                (
                    "query($id: ID!) { node(id: $id) { id } }".into(),
                    json!({ "id": contact_of(t, own) }),
                )
            },
            own: [Null, Null, Null, Yes, Yes, Null, Yes],
            other: Some([Null, Null, Null, Null, Null, Null, Yes]),
        },
        Row {
            root: Query,
            field: "viewer",
            document: |_, _| plain("{ viewer { account { id } } }"),
            own: [Null, Yes, Yes, Yes, Yes, Yes, Yes],
            other: None,
        },
        Row {
            root: Query,
            field: "companies",
            document: |_, _| plain("{ companies(first: 1) { edges { cursor } } }"),
            own: [ANON, NO, NO, NO, NO, Yes, Yes],
            other: None,
        },
        Row {
            root: Query,
            field: "stagedRoleChanges",
            document: |_, _| plain("{ stagedRoleChanges { stagedAt } }"),
            own: security,
            other: None,
        },
        Row {
            root: Query,
            field: "supportStaff",
            document: |_, _| plain("{ supportStaff { id providerRole } }"),
            own: [ANON, NO, NO, NO, NO, Yes, NO],
            other: None,
        },
        Row {
            root: Query,
            field: "auditEvents",
            document: |_, _| plain("{ auditEvents(first: 1) { edges { cursor } } }"),
            own: [ANON, NO, NO, NO, Yes, NO, Yes],
            other: None,
        },
        Row {
            root: Mutation,
            field: "login",
            document: |_, _| {
                plain(
                    "mutation { login(input: { login: \"nobody@x.example\", password: \"wrong password here\" }) { status } }",
                )
            },
            own: [BAD_LOGIN; 7],
            other: None,
        },
        Row {
            root: Mutation,
            field: "completeLogin",
            document: |_, _| {
                plain(
                    "mutation { completeLogin(input: { challenge: \"forged\", code: \"123456\" }) { sessionToken } }",
                )
            },
            own: [BAD_LOGIN; 7],
            other: None,
        },
        Row {
            root: Mutation,
            field: "logout",
            document: |_, _| plain("mutation { logout }"),
            own: signed_in,
            other: None,
        },
        Row {
            root: Mutation,
            field: "logoutEverywhere",
            document: |_, _| plain("mutation { logoutEverywhere }"),
            own: signed_in,
            other: None,
        },
        Row {
            root: Mutation,
            field: "activateAccount",
            document: |_, _| {
                plain(
                    "mutation { activateAccount(input: { token: \"forged\", password: \"violet harbour sings loudly\" }) { problems { reason } } }",
                )
            },
            own: everyone,
            other: None,
        },
        Row {
            root: Mutation,
            field: "requestPasswordReset",
            document: |_, _| {
                plain(
                    "mutation { requestPasswordReset(input: { address: \"nobody@x.example\" }) { __typename } }",
                )
            },
            own: everyone,
            other: None,
        },
        Row {
            root: Mutation,
            field: "resetPassword",
            document: |_, _| {
                plain(
                    "mutation { resetPassword(input: { token: \"forged\", password: \"violet harbour sings loudly\" }) { problems { reason } } }",
                )
            },
            own: everyone,
            other: None,
        },
        Row {
            root: Mutation,
            field: "changePassword",
            document: |_, _| {
                plain(
                    "mutation { changePassword(input: { currentPassword: \"wrong password here\", newPassword: \"violet harbour sings loudly\" }) { problems { reason } } }",
                )
            },
            own: signed_in,
            other: None,
        },
        Row {
            root: Mutation,
            field: "beginTwoFactorEnrollment",
            document: |_, _| {
                plain(
                    "mutation { beginTwoFactorEnrollment(input: { currentPassword: \"wrong password here\" }) { problems { reason } } }",
                )
            },
            own: signed_in,
            other: None,
        },
        Row {
            root: Mutation,
            field: "confirmTwoFactor",
            document: |_, _| {
                plain(
                    "mutation { confirmTwoFactor(input: { code: \"000000\" }) { problems { reason } } }",
                )
            },
            own: signed_in,
            other: None,
        },
        Row {
            root: Mutation,
            field: "disableTwoFactor",
            document: |_, _| {
                plain(
                    "mutation { disableTwoFactor(input: { password: \"wrong password here\", code: \"000000\" }) { problems { reason } } }",
                )
            },
            own: signed_in,
            other: None,
        },
        Row {
            root: Mutation,
            field: "regenerateRecoveryCodes",
            document: |_, _| {
                plain(
                    "mutation { regenerateRecoveryCodes(input: { password: \"wrong password here\", code: \"000000\" }) { problems { reason } } }",
                )
            },
            own: signed_in,
            other: None,
        },
        Row {
            root: Mutation,
            field: "createCompany",
            document: |_, _| {
                plain(
                    "mutation { createCompany(input: { name: \"Matrix Co\" }) { problems { field } } }",
                )
            },
            own: operator,
            other: None,
        },
        Row {
            root: Mutation,
            field: "setCompanyDurations",
            document: |t, _| {
                (
                "mutation($i: SetCompanyDurationsInput!) { setCompanyDurations(input: $i) { problems { field } } }".into(),
                json!({ "i": { "companyId": co(t.empty_company), "reopenWindowSeconds": 86400 } }))
            },
            own: operator,
            other: None,
        },
        Row {
            root: Mutation,
            field: "addContact",
            document: |_, _| {
                (
                "mutation($i: AddContactInput!) { addContact(input: $i) { problems { field } } }".into(),
                json!({ "i": { "lastName": "New", "firstName": "Person", "email": format!("{}@matrix.example", Uuid::now_v7().simple()) } }))
            },
            own: directory,
            other: None,
        },
        Row {
            root: Mutation,
            field: "createSecurityAdministrator",
            document: |t, _| {
                (
                "mutation($i: CreateSecurityAdministratorInput!) { createSecurityAdministrator(input: $i) { problems { field } } }".into(),
                json!({ "i": { "companyId": co(t.empty_company), "lastName": "First", "firstName": "Admin", "email": format!("{}@matrix.example", Uuid::now_v7().simple()) } }))
            },
            own: operator,
            other: None,
        },
        Row {
            root: Mutation,
            field: "updateContact",
            document: |t, own| {
                (
                "mutation($i: UpdateContactInput!) { updateContact(input: $i) { problems { field } } }".into(),
                json!({ "i": { "id": contact_of(t, own), "version": 1, "lastName": "Renamed" } }))
            },
            own: directory,
            other: Some([ANON, NO, NO, GONE, GONE, NO, NO]),
        },
        Row {
            root: Mutation,
            field: "stageRoleChange",
            document: |t, own| {
                (
                "mutation($i: StageRoleChangeInput!) { stageRoleChange(input: $i) { stagedChanges { stagedAt } } }".into(),
                json!({ "i": { "contactId": contact_of(t, own), "roles": { "supportRole": "SUPPORT_ADVANCED", "securityAdministrator": false } } }))
            },
            own: security,
            other: Some(security_other),
        },
        Row {
            root: Mutation,
            field: "discardRoleChanges",
            document: |_, _| {
                plain("mutation { discardRoleChanges { stagedChanges { stagedAt } } }")
            },
            own: security,
            other: None,
        },
        Row {
            root: Mutation,
            field: "applyRoleChanges",
            document: |_, _| plain("mutation { applyRoleChanges { problems { code } } }"),
            own: security,
            other: None,
        },
        Row {
            root: Mutation,
            field: "markContactObsolete",
            document: |t, own| {
                ("mutation($id: ID!) { markContactObsolete(input: { id: $id }) { problems { code } } }".into(), json!({ "id": contact_of(t, own) }))
            },
            own: security,
            other: Some(security_other),
        },
        Row {
            root: Mutation,
            field: "reactivateContact",
            document: |t, own| {
                ("mutation($id: ID!) { reactivateContact(input: { id: $id }) { problems { code } } }".into(), json!({ "id": contact_of(t, own) }))
            },
            own: security,
            other: Some(security_other),
        },
        Row {
            root: Mutation,
            field: "setCompanySecurityPolicy",
            document: |_, _| {
                plain(
                    "mutation { setCompanySecurityPolicy(input: { requireTwoFactor: false }) { company { id } } }",
                )
            },
            own: security,
            other: None,
        },
        Row {
            root: Mutation,
            field: "setLanguage",
            document: |_, _| {
                plain("mutation { setLanguage(input: { language: FR }) { language } }")
            },
            own: [ANON, Yes, Yes, Yes, Yes, Yes, Yes],
            other: None,
        },
        Row {
            root: Mutation,
            field: "switchCompany",
            document: |t, own| {
                ("mutation($id: ID!) { switchCompany(input: { companyId: $id }) { contact { id } } }".into(), json!({ "id": company_of(t, own) }))
            },
            // Provider staff have no contact in a customer company.
            own: [ANON, Yes, Yes, Yes, Yes, GONE, GONE],
            other: Some([ANON, GONE, GONE, GONE, GONE, GONE, GONE]),
        },
        Row {
            root: Subscription,
            field: "serverTime",
            document: |_, _| plain("subscription { serverTime(intervalSeconds: 1) { sequence } }"),
            own: everyone,
            other: None,
        },
        Row {
            root: Subscription,
            field: "requestUpdates",
            document: |t, own| {
                (
                    "subscription($id: ID) { requestUpdates(requestId: $id) { cursor } }".into(),
                    json!({ "id": request_of(t, own) }),
                )
            },
            // As `request`: another's request is unknown (an error here, since a subscription
            // to nothing cannot start).
            own: [ANON, GONE, Yes, Yes, Yes, Yes, NO],
            other: Some([ANON, GONE, GONE, GONE, GONE, Yes, NO]),
        },
        Row {
            root: Subscription,
            field: "queueCountsUpdates",
            document: |_, _| plain("subscription { queueCountsUpdates { all } }"),
            own: [ANON, Yes, Yes, Yes, Yes, Yes, NO],
            other: None,
        },
        Row {
            root: Subscription,
            field: "contactUpdates",
            document: |_, _| plain("subscription { contactUpdates { cursor } }"),
            own: security,
            other: None,
        },
    ]
}

/// Runs one document as `token`; what the caller got for `field`.
async fn outcome(
    app: &TestApp,
    root: Root,
    field: &str,
    token: Option<&str>,
    (document, variables): (String, Value),
) -> (Expect, Value) {
    let answer: Value = if root == Root::Subscription {
        let mut ws = app.ws_ready(token).await;
        ws.send(json!({ "id": "1", "type": "subscribe", "payload": { "query": document, "variables": variables } })).await;
        // A live subscription that started says nothing until something happens.
        match tokio::time::timeout(std::time::Duration::from_millis(500), ws.next()).await {
            Ok(message) => message["payload"].clone(),
            Err(_) => json!({ "data": { field: "running" } }),
        }
    } else {
        app.graphql_as(token, &document, variables).await.body
    };
    let errors = answer["errors"].as_array().cloned().unwrap_or_default();
    let got = match errors.as_slice() {
        [] if answer["data"][field].is_null() => Null,
        [] => Yes,
        [one] => match one["extensions"]["code"].as_str() {
            Some("UNAUTHENTICATED") => ANON,
            Some("FORBIDDEN") => NO,
            Some("NOT_FOUND") => GONE,
            Some("INVALID_CREDENTIALS") => BAD_LOGIN,
            Some("ACTION_NOT_ALLOWED") => NOT_NOW,
            Some("BAD_USER_INPUT") => NOT_EDITABLE,
            _ => Code("UNEXPECTED"),
        },
        _ => Code("SEVERAL ERRORS"),
    };
    (got, answer)
}

async fn caller(app: &TestApp, role: Option<Role>, company: Uuid) -> Option<Person> {
    match role {
        Some(role) => Some(app.person(role, company).await),
        None => None,
    }
}

async fn root_fields(app: &TestApp) -> BTreeSet<(String, String)> {
    let answer = app.graphql("{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }").await;
    let schema = &answer.ok()["__schema"];
    let mut fields = BTreeSet::new();
    for (root, key) in [
        ("Query", "queryType"),
        ("Mutation", "mutationType"),
        ("Subscription", "subscriptionType"),
    ] {
        for field in schema[key]["fields"].as_array().unwrap() {
            fields.insert((root.to_owned(), field["name"].as_str().unwrap().to_owned()));
        }
    }
    fields
}

on_both_databases! {
    async fn every_root_field_answers_each_kind_of_caller_as_the_matrix_says(app)
        with |s: &mut portal_tests::Settings| s.auth.address_limit_per_minute = 100_000; {
        let rows = rows();
        let covered: BTreeSet<(String, String)> = rows.iter().map(|r| (format!("{:?}", r.root), r.field.to_owned())).collect();
        assert_eq!(root_fields(&app).await, covered, "every schema field needs a row in the matrix");

        let own_company = app.customer_company("Matrix Own").await;
        let other_company = app.customer_company("Matrix Other").await;
        let mut mismatches = Vec::new();
        for row in &rows {
            let sides: &[(bool, [Expect; 7])] = &match row.other {
                Some(other) => vec![(true, row.own), (false, other)],
                None => vec![(true, row.own)],
            };
            for (own, expected) in sides {
                for (role, want) in CALLERS.iter().zip(expected) {
                    let person = caller(&app, *role, own_company.id).await;
                    let own_contact = app.person(Role::Restricted, own_company.id).await.contact_id;
                    let other_contact = app.person(Role::Restricted, other_company.id).await.contact_id;
                    let field = row.field.to_lowercase();
                    let with_attachment = field.contains("attachment");
                    let on_requests = field.contains("request") || with_attachment;
                    let none = (format!("rq_{}", Uuid::nil().simple()), format!("ra_{}", Uuid::nil().simple()));
                    let ((own_request, own_attachment), (other_request, other_attachment)) = if on_requests {
                        (
                            request_in(&app, own_company.id, own_contact, with_attachment).await,
                            request_in(&app, other_company.id, other_contact, with_attachment).await,
                        )
                    } else {
                        (none.clone(), none)
                    };
                    let targets = Targets {
                        own_company: own_company.id,
                        other_company: other_company.id,
                        own_contact,
                        other_contact,
                        empty_company: app.customer_company("Matrix Empty").await.id,
                        own_request,
                        other_request,
                        own_attachment,
                        other_attachment,
                    };
                    let token = person.as_ref().map(|p| p.token.as_str());
                    let (got, answer) = outcome(&app, row.root, row.field, token, (row.document)(&targets, *own)).await;
                    if got != *want {
                        mismatches.push(format!(
                            "{} as {role:?} on {} company: expected {want:?}, got {got:?}: {answer}",
                            row.field, if *own { "own" } else { "other" }));
                    }
                }
            }
        }
        assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
    }

    async fn the_viewer_s_capabilities_say_what_each_role_may_do(app) {
        let company = app.customer_company("Flags SA").await;
        let query = "{ viewer { capabilities { createRequests teamScope contactAdministration securityAdministration supportStaff dispatch dashboards platformOperation } } }";
        // createRequests, teamScope, contactAdministration, securityAdministration, supportStaff,
        // dispatch, dashboards, platformOperation
        let table = [
            (Role::Restricted, [1, 0, 0, 0, 0, 0, 0, 0]),
            (Role::Advanced, [1, 1, 0, 0, 0, 0, 1, 0]),
            (Role::SupportAdministrator, [1, 1, 1, 0, 0, 0, 1, 0]),
            (Role::SecurityAdministrator, [0, 1, 1, 1, 0, 0, 1, 0]),
            (Role::SecurityAndSupportAdministrator, [1, 1, 1, 1, 0, 0, 1, 0]),
            (Role::Agent, [0, 1, 0, 0, 1, 0, 0, 0]),
            (Role::Manager, [0, 1, 0, 0, 1, 1, 1, 0]),
            (Role::Operator, [0, 0, 0, 0, 0, 0, 0, 1]),
        ];
        let names = ["createRequests", "teamScope", "contactAdministration", "securityAdministration", "supportStaff", "dispatch", "dashboards", "platformOperation"];
        for (role, expected) in table {
            let company_id = if matches!(role, Role::Agent | Role::Manager | Role::Operator) { Uuid::nil() } else { company.id };
            let person = app.person(role, company_id).await;
            let flags = app.graphql_as(Some(&person.token), query, json!({})).await.ok()["viewer"]["capabilities"].clone();
            let got: Vec<u8> = names.iter().map(|n| u8::from(flags[n] == true)).collect();
            assert_eq!(got, expected, "{role:?}: {flags}");
        }
        assert_eq!(app.graphql(query).await.ok()["viewer"], Value::Null);
    }
}
