//! Deterministic demo requests in every state, with the messages and history their path
//! through the lifecycle would have left. Written in bulk, a chunk per transaction, so the
//! same generator makes a few thousand for the demo or millions for benchmarks.

use std::collections::HashMap;

use chrono::{Datelike, Duration};
use entity::{
    ContactStatus, ProviderRole, RequestCategory, RequestKind, RequestSide, RequestState, Urgency,
    contact, request, request_event, request_message,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use uuid::Uuid;

use crate::deps::Deps;
use crate::error::{ApiError, ApiResult};
use crate::ids::RequestId;
use crate::ids::new_uuid;
use crate::requests::history::{Author, EventAction, NewEvent, OtherAction};
use crate::requests::lifecycle::{self, Action, ActionKind, Side, State};
use crate::requests::repo::{event_row, message_row};
use crate::requests::{action_code, form::RequestForm, human_id};
use crate::sql::placeholders;

/// Requests per transaction.
const CHUNK: usize = 1_000;
/// Customer messages that come with a log file, at most (whatever the number of requests).
const ATTACHED_LOGS: usize = 40;
/// One request in this many has its next customer message come with a log file.
const LOG_EVERY: usize = 75;

const TITLES: &[(&str, &str)] = &[
    (
        "Automate the stock update of parts sold online",
        "We update our business referential by hand in Design. Can it be done from a script or through the API?",
    ),
    (
        "Export of the monthly report fails",
        "The export stops at 80% with the message \"Unexpected end of file\". It worked last month.",
    ),
    (
        "Licence key expired after the upgrade",
        "Since the upgrade to 4.2 the application says our licence key is no longer valid.",
    ),
    (
        "How to add a new site to our account",
        "We opened a new warehouse in Lyon and need its users to see our requests.",
    ),
    (
        "Slow search in the parts catalogue",
        "Searching the catalogue takes more than 20 seconds since Monday for every user.",
    ),
    (
        "Download link for the 4.3 installer",
        "We cannot find the installer of version 4.3 for Windows Server 2022 in the download area.",
    ),
    (
        "Training session for new designers",
        "Three new designers join in March; which certification path do you recommend?",
    ),
    (
        "Workflow stuck in the approval step",
        "Purchase orders above 10,000 EUR stay in the approval step even after the manager approves them.",
    ),
    (
        "Remove a former employee's access",
        "A contact left the company last week; please confirm their access is closed.",
    ),
    (
        "Error 500 when saving a form",
        "Saving the supplier form answers an error 500 when the VAT number field is empty.",
    ),
    (
        "Quote for ten additional licences",
        "We need a quote for ten more Designer licences, delivered before the end of the quarter.",
    ),
    (
        "Mail notifications no longer arrive",
        "Since yesterday no task notification reaches our users; the spam folder is empty.",
    ),
];

const SUPPORT_LINES: &[&str] = &[
    "Could you tell us the exact version and send a screenshot of the message?",
    "We reproduced the problem on our side and are analysing it.",
    "The fix is planned for the next maintenance release.",
    "Please try again after clearing the application cache; this solved the same case elsewhere.",
    "Here is the procedure, with the documentation page attached.",
];

const CUSTOMER_LINES: &[&str] = &[
    "It is version 4.2.1 on Windows Server 2019.",
    "I checked with my manager: we want to do it from a script.",
    "The problem is still there this morning.",
    "Thank you, I will test it this afternoon.",
    "It works now, thanks for the quick answer.",
];

/// The people requests are generated for.
struct Cast {
    /// Per customer company: (company, requesters with a support role).
    companies: Vec<(Uuid, Vec<(Uuid, Uuid)>)>,
    /// Agents and managers: (contact, account).
    agents: Vec<(Uuid, Uuid)>,
}

async fn cast<C: ConnectionTrait>(conn: &C) -> ApiResult<Cast> {
    let active = contact::Entity::find()
        .filter(contact::Column::Status.eq(ContactStatus::Active))
        .all(conn)
        .await?;
    let mut by_company: HashMap<Uuid, Vec<(Uuid, Uuid)>> = HashMap::new();
    let mut agents = Vec::new();
    for c in active {
        match c.provider_role {
            Some(ProviderRole::SupportAgent | ProviderRole::SupportManager) => {
                agents.push((c.id, c.account_id));
            }
            Some(ProviderRole::PlatformOperator) => {}
            None if c.support_role.is_some() => {
                by_company
                    .entry(c.company_id)
                    .or_default()
                    .push((c.id, c.account_id));
            }
            None => {}
        }
    }
    let mut companies: Vec<_> = by_company.into_iter().collect();
    companies.sort_by_key(|(id, _)| *id);
    for (_, people) in &mut companies {
        people.sort();
    }
    agents.sort();
    Ok(Cast { companies, agents })
}

/// The actions that bring a request to `target`, after saving the draft.
fn path(target: State, rng: &mut ChaCha8Rng) -> Vec<ActionKind> {
    use ActionKind as A;
    let mut steps = vec![A::Submit];
    if rng.random_bool(0.3) {
        steps.extend([A::RequestClarification, A::Clarify]);
    }
    match target {
        State::Draft => return Vec::new(),
        State::SupportAnalysis => {}
        State::CustomerClarification => steps.push(A::RequestClarification),
        State::WaitingExternal => steps.push(A::PauseForExternal),
        State::WaitingCorrection => steps.push(A::SendToRnd),
        State::SolutionProposed => steps.push(A::ProposeClosure),
        State::Closed => {
            if rng.random_bool(0.2) {
                steps.extend([A::SendToRnd, A::CorrectionDelivered]);
            } else {
                steps.push(A::ProposeClosure);
            }
            steps.push(match rng.random_range(0..10) {
                0..=5 => A::Validate,
                6..=8 => A::AutoClose,
                _ => A::Close,
            });
        }
    }
    steps
}

/// Writes a small log file for each message in `logs` and records it as its attachment.
async fn attach_logs(
    deps: &Deps,
    logs: &[(Uuid, Uuid, chrono::DateTime<chrono::Utc>, Author)],
) -> ApiResult<()> {
    let txn = deps.db.begin_write().await?;
    let mut written = Vec::new();
    for (n, (request_id, message_id, at, author)) in logs.iter().enumerate() {
        let text = format!(
            "{at} INFO  signature service started\n{at} WARN  envelope {n:04} waiting for signer\n\
             {at} ERROR envelope {n:04} refused: certificate chain incomplete\n"
        );
        let file = deps
            .files
            .put_bytes(*at, &format!("server-{n:02}.log"), text.into_bytes().into())
            .await
            .map_err(ApiError::internal)?;
        written.push(file.key.clone());
        crate::requests::repo::insert_attachments(
            &txn,
            RequestId::from_uuid(*request_id),
            Some(*message_id),
            *author,
            *at,
            &[file],
        )
        .await?;
    }
    if let Err(err) = txn.commit().await {
        deps.files.delete_all(written).await;
        return Err(err.into());
    }
    Ok(())
}

fn side_of(action: ActionKind) -> Side {
    match action {
        ActionKind::Submit
        | ActionKind::Clarify
        | ActionKind::Validate
        | ActionKind::Refuse
        | ActionKind::Close => Side::Customer,
        ActionKind::AutoClose => Side::System,
        _ => Side::Agent,
    }
}

/// Generates `count` requests spread over the last 3 years: closed ones any time, open ones
/// with the support over the last 120 days (the backlog has ages), those waiting on the
/// customer or drafts within two days (so no reminder or auto-close is overdue at startup).
pub async fn generate(deps: &Deps, count: usize, seed: u64) -> ApiResult<usize> {
    let cast = cast(deps.db.reader()).await?;
    if cast.companies.is_empty() || cast.agents.is_empty() || count == 0 {
        return Ok(0);
    }
    let now = deps.clock.now();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Continue each year's numbering where it is.
    let mut numbers: HashMap<i32, i64> = HashMap::new();
    for year in now.year() - 2..=now.year() {
        let current = entity::counter::Entity::find_by_id(format!("SR-{year}"))
            .one(deps.db.reader())
            .await?
            .map_or(0, |c| c.value);
        numbers.insert(year, current);
    }
    let mut made = 0;
    // (request, message, time, author) of the customer messages that carry a log file.
    let mut logs = Vec::new();
    let mut log_due = false;
    while made < count {
        let chunk = CHUNK.min(count - made);
        let mut requests = Vec::with_capacity(chunk);
        let mut events = Vec::new();
        let mut messages = Vec::new();
        for n in 0..chunk {
            log_due |= (made + n) % LOG_EVERY == 0;
            let target = match rng.random_range(0..100) {
                0..=4 => State::Draft,
                5..=19 => State::SupportAnalysis,
                20..=29 => State::CustomerClarification,
                30..=34 => State::WaitingExternal,
                35..=41 => State::WaitingCorrection,
                42..=51 => State::SolutionProposed,
                _ => State::Closed,
            };
            let steps = path(target, &mut rng);
            let (company_id, people) = &cast.companies[rng.random_range(0..cast.companies.len())];
            let (requester, requester_account) = people[rng.random_range(0..people.len())];
            let (agent, agent_account) = cast.agents[rng.random_range(0..cast.agents.len())];
            let before_hours = match target {
                State::Closed => rng.random_range(72..26_000),
                State::SupportAnalysis | State::WaitingExternal | State::WaitingCorrection => {
                    rng.random_range(1..2_880)
                }
                _ => rng.random_range(1..48),
            };
            // Each step's delay (minutes) and that of the customer message that may follow
            // it, drawn first so that the last step comes `before_hours` before now, its
            // timers (reminder, auto-close) days after that: none is due at startup.
            let gaps: Vec<(i64, Option<i64>)> = steps
                .iter()
                .map(|_| {
                    let message = rng.random_bool(0.25).then(|| rng.random_range(5..600));
                    (rng.random_range(20..1_800), message)
                })
                .collect();
            let span: i64 = gaps.iter().map(|(step, m)| step + m.unwrap_or(0)).sum();
            let created = now - Duration::hours(before_hours) - Duration::minutes(span);
            let id = new_uuid();
            let (title, description) = TITLES[rng.random_range(0..TITLES.len())];
            let category = match rng.random_range(0..10) {
                0..=5 => RequestCategory::SoftwareUsage,
                6 => RequestCategory::LicenseKeys,
                7 => RequestCategory::SoftwareDownload,
                8 => RequestCategory::ContactManagement,
                _ => RequestCategory::CertificationTraining,
            };
            let form = RequestForm {
                category: Some(category),
                kind: (category == RequestCategory::SoftwareUsage).then(|| {
                    if rng.random_bool(0.5) {
                        RequestKind::Issue
                    } else {
                        RequestKind::HowTo
                    }
                }),
                urgency: Some(match rng.random_range(0..10) {
                    0..=2 => Urgency::Low,
                    3..=6 => Urgency::Medium,
                    7..=8 => Urgency::High,
                    _ => Urgency::Urgent,
                }),
                title: Some(title.to_owned()),
                description: Some(description.to_owned()),
                product: Some("Iterop".to_owned()),
                follow_up: true,
                ..RequestForm::default()
            };
            let customer = Author {
                account_id: Some(requester_account),
                contact_id: Some(requester),
                side: RequestSide::Customer,
            };
            let support = Author {
                account_id: Some(agent_account),
                contact_id: Some(agent),
                side: RequestSide::Support,
            };
            events.push(event_row(
                RequestId::from_uuid(id),
                created,
                customer,
                NewEvent::state_change(
                    EventAction::Other(OtherAction::SaveDraft),
                    None,
                    RequestState::Draft,
                    None,
                ),
            ));
            let mut state = State::Draft;
            let mut at = created;
            let mut submitted_at = None;
            let mut first_response_at = None;
            let mut human = None;
            // The time waited on each side, as the live transitions count it.
            let mut waited = (0, 0);
            let mut changed_at = created;
            for (action, (gap, message_gap)) in steps.iter().zip(&gaps) {
                at += Duration::minutes(*gap);
                let side = side_of(*action);
                let author = match side {
                    Side::Customer => customer,
                    Side::Agent => support,
                    Side::System => Author::SYSTEM,
                };
                if *action == ActionKind::Submit {
                    let year = at.year();
                    let number = numbers.entry(year).or_insert(0);
                    *number += 1;
                    human = Some(human_id(year, *number));
                    submitted_at = Some(at);
                }
                if side == Side::Agent && first_response_at.is_none() {
                    first_response_at = Some(at);
                }
                let text = match action {
                    ActionKind::RequestClarification
                    | ActionKind::ProposeClosure
                    | ActionKind::Close => {
                        Some(SUPPORT_LINES[rng.random_range(0..SUPPORT_LINES.len())])
                    }
                    ActionKind::Clarify => {
                        Some(CUSTOMER_LINES[rng.random_range(0..CUSTOMER_LINES.len())])
                    }
                    _ => None,
                };
                // A customer closing needs no text; an agent closing does, and the demo's
                // closes are the customer's.
                if let Some(text) = text {
                    messages.push(message_row(
                        RequestId::from_uuid(id),
                        at,
                        author,
                        Some(action_code(*action)),
                        text,
                    ));
                }
                // The lifecycle itself decides, so every generated path is a legal one.
                let decided = lifecycle::decide(
                    state,
                    Action {
                        kind: *action,
                        text,
                    },
                    side,
                    &lifecycle::Clock {
                        now: at,
                        closed_at: None,
                        reopen_window: Duration::zero(),
                    },
                )
                .map_err(|refusal| {
                    ApiError::internal(anyhow::anyhow!("demo path refused: {refusal:?}"))
                })?;
                let to = decided.to;
                events.push(event_row(
                    RequestId::from_uuid(id),
                    at,
                    author,
                    NewEvent::state_change(
                        EventAction::Lifecycle(*action),
                        Some(state.into()),
                        to.into(),
                        text.map(str::to_owned),
                    ),
                ));
                waited = crate::metrics::facts::waited_in(state.into(), changed_at, at, waited);
                changed_at = at;
                if let Some(message_gap) = message_gap
                    && to.is_open()
                {
                    at += Duration::minutes(*message_gap);
                    let line = CUSTOMER_LINES[rng.random_range(0..CUSTOMER_LINES.len())];
                    let message = message_row(RequestId::from_uuid(id), at, customer, None, line);
                    if log_due
                        && logs.len() < ATTACHED_LOGS
                        && let Set(message_id) = &message.id
                    {
                        logs.push((id, *message_id, at, customer));
                        log_due = false;
                    }
                    messages.push(message);
                }
                state = to;
            }
            let mut row = request::ActiveModel {
                id: Set(id),
                company_id: Set(*company_id),
                requester_contact_id: Set(requester),
                human_id: Set(human),
                state: Set(state.into()),
                assignee_contact_id: Set((state != State::Draft
                    && !(state == State::SupportAnalysis && rng.random_bool(0.5)))
                .then_some(agent)),
                version: Set(steps.len() as i32 + 1),
                created_at: Set(created),
                updated_at: Set(at),
                submitted_at: Set(submitted_at),
                state_changed_at: Set(changed_at),
                closed_at: Set((state == State::Closed).then_some(at)),
                first_response_at: Set(first_response_at),
                auto_close_at: Set(
                    (state == State::SolutionProposed).then(|| changed_at + Duration::days(5))
                ),
                remind_at: Set(match state {
                    State::SolutionProposed => Some(changed_at + Duration::days(4)),
                    State::CustomerClarification => Some(changed_at + Duration::days(3)),
                    _ => None,
                }),
                customer_wait_secs: Set(waited.0),
                support_wait_secs: Set(waited.1),
                ..Default::default()
            };
            form.write(&mut row);
            crate::requests::repo::set_search_key(&mut row, None);
            requests.push(row);
        }
        let txn = deps.db.begin_write().await?;
        for batch in requests.chunks(500) {
            request::Entity::insert_many(batch.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
        for batch in events.chunks(1_000) {
            request_event::Entity::insert_many(batch.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
        for batch in messages.chunks(1_000) {
            request_message::Entity::insert_many(batch.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
        txn.commit().await?;
        made += chunk;
    }
    attach_logs(deps, &logs).await?;
    // Later submissions continue the numbering; the tiles count what was loaded in bulk.
    let txn = deps.db.begin_write().await?;
    crate::requests::repo::rebuild(&txn).await?;
    crate::metrics::repo::rebuild(&txn).await?;
    crate::views::kept::rebuild(&txn).await?;
    for (year, last) in numbers {
        let backend = txn.get_database_backend();
        let sql = placeholders(
            backend,
            "INSERT INTO counters (name, value) VALUES (?, ?) \
             ON CONFLICT (name) DO UPDATE SET value = CASE WHEN counters.value > excluded.value \
             THEN counters.value ELSE excluded.value END",
        );
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [format!("SR-{year}").into(), last.into()],
        ))
        .await?;
    }
    txn.commit().await?;
    deps.settled_sums.clear();
    Ok(made)
}
