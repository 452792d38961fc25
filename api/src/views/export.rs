//! Export of a view (or a queue): all its rows, its columns in its order, as CSV (streamed
//! page by page) or as an Excel workbook (written in rust_xlsxwriter's constant-memory mode).
//! Rows are read by keyset pages, with the same visibility as the list, and their people and
//! companies in one statement per page.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::stream::{self, BoxStream, StreamExt};
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};
use sea_orm::ActiveEnum;

use super::definition::Column;
use crate::auth::RequestWorker;
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult};
use crate::paging::{Cursor, PageRequest};
use crate::requests::projection::ListRead;
use crate::requests::queues::QueueQuery;
use crate::requests::{self, Request, Visible, batches};

/// Rows read per page.
const PAGE_ROWS: u64 = 500;

/// The columns of a view that names none.
pub const DEFAULT_COLUMNS: [Column; 10] = [
    Column::HumanId,
    Column::Title,
    Column::State,
    Column::Urgency,
    Column::Category,
    Column::Company,
    Column::Requester,
    Column::Assignee,
    Column::CreatedAt,
    Column::UpdatedAt,
];

/// One cell of an exported row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Time(DateTime<Utc>),
    Empty,
}

fn title(column: Column) -> &'static str {
    match column {
        Column::HumanId => "Request ID",
        Column::Title => "Title",
        Column::State => "State",
        Column::Urgency => "Urgency",
        Column::Category => "Category",
        Column::Kind => "Kind",
        Column::Product => "Product",
        Column::Tag => "Tag",
        Column::Company => "Company",
        Column::Requester => "Requester",
        Column::Assignee => "Assignee",
        Column::CreatedAt => "Created",
        Column::UpdatedAt => "Updated",
        Column::SubmittedAt => "Submitted",
        Column::ClosedAt => "Closed",
    }
}

/// What a view exports: its query and columns.
#[derive(Debug, Clone)]
pub struct ExportPlan {
    pub query: QueueQuery,
    pub columns: Vec<Column>,
}

impl ExportPlan {
    pub fn new(query: QueueQuery, columns: Vec<Column>) -> Self {
        let columns = if columns.is_empty() {
            DEFAULT_COLUMNS.to_vec()
        } else {
            columns
        };
        Self { query, columns }
    }
}

/// One page of rows after `after`, and the cursor of the next page if any.
async fn page(
    deps: &Deps,
    worker: &RequestWorker,
    plan: &ExportPlan,
    after: Option<Cursor>,
) -> ApiResult<(Vec<Vec<Cell>>, Option<Cursor>)> {
    let request = PageRequest {
        first: PAGE_ROWS,
        after,
    };
    let found = requests::list(deps, worker, &plan.query, &request, &ListRead::Whole).await?;
    let next = found
        .has_next_page
        .then(|| found.items.last().map(|(cursor, _)| cursor.clone()))
        .flatten();
    let rows: Vec<Visible<Request>> = found.items.into_iter().map(|(_, r)| r).collect();
    let mut people_keys = Vec::new();
    let mut company_keys = Vec::new();
    for row in &rows {
        people_keys.push(batches::requester_key(row));
        people_keys.extend(batches::assignee_key(row));
        company_keys.push(batches::company_key(row));
    }
    let people = batches::people(deps, &people_keys).await?;
    let companies = batches::companies(deps, &company_keys).await?;
    let name = |key| {
        people
            .get(&key)
            .map_or(Cell::Empty, |c: &crate::contacts::Contact| {
                Cell::Text(format!("{} {}", c.first_name, c.last_name))
            })
    };
    let text = |value: &Option<String>| value.clone().map_or(Cell::Empty, Cell::Text);
    let time = |value: Option<DateTime<Utc>>| value.map_or(Cell::Empty, Cell::Time);
    let cells = rows
        .iter()
        .map(|visible| {
            let r = visible.get();
            plan.columns
                .iter()
                .map(|column| match column {
                    Column::HumanId => text(&r.human_id),
                    Column::Title => text(&r.title),
                    Column::State => Cell::Text(r.state.to_value()),
                    Column::Urgency => text(&r.urgency.map(|u| u.to_value())),
                    Column::Category => text(&r.category.map(|c| c.to_value())),
                    Column::Kind => text(&r.kind.map(|k| k.to_value())),
                    Column::Product => text(&r.product),
                    Column::Tag => text(&r.tag),
                    Column::Company => companies
                        .get(&batches::company_key(visible))
                        .map_or(Cell::Empty, |c| Cell::Text(c.name.clone())),
                    Column::Requester => name(batches::requester_key(visible)),
                    Column::Assignee => batches::assignee_key(visible).map_or(Cell::Empty, name),
                    Column::CreatedAt => Cell::Time(r.created_at),
                    Column::UpdatedAt => Cell::Time(r.updated_at),
                    Column::SubmittedAt => time(r.submitted_at),
                    Column::ClosedAt => time(r.closed_at),
                })
                .collect()
        })
        .collect();
    Ok((cells, next))
}

/// A text cell as CSV writes it: one a spreadsheet would read as a formula (`=`, `+`, `-`,
/// `@`, or a tab or carriage return first) gets a leading apostrophe, so it stays text.
fn csv_text(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn csv_record(cells: &[Cell]) -> ApiResult<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fields = cells.iter().map(|cell| match cell {
        Cell::Text(text) => csv_text(text),
        Cell::Time(at) => at.format("%Y-%m-%d %H:%M:%S").to_string(),
        Cell::Empty => String::new(),
    });
    writer.write_record(fields).map_err(ApiError::internal)?;
    writer
        .into_inner()
        .map_err(|e| ApiError::internal(e.into_error()))
}

/// The CSV of a plan, streamed a page at a time (UTF-8 with a byte order mark, so that
/// spreadsheets read accents right; times in UTC).
pub fn csv(
    deps: Deps,
    worker: RequestWorker,
    plan: ExportPlan,
) -> BoxStream<'static, ApiResult<Bytes>> {
    let header: Vec<Cell> = plan
        .columns
        .iter()
        .map(|c| Cell::Text(title(*c).into()))
        .collect();
    let first = csv_record(&header).map(|mut bytes| {
        let mut out = "\u{feff}".as_bytes().to_vec();
        out.append(&mut bytes);
        Bytes::from(out)
    });
    // (next page's cursor, whether the last page was read)
    let pages = stream::unfold(Some(None), move |state: Option<Option<Cursor>>| {
        let (deps, worker, plan) = (deps.clone(), worker, plan.clone());
        async move {
            let after = state?;
            match page(&deps, &worker, &plan, after).await {
                Ok((rows, next)) => {
                    let mut out = Vec::new();
                    for row in &rows {
                        match csv_record(row) {
                            Ok(mut bytes) => out.append(&mut bytes),
                            Err(err) => return Some((Err(err), None)),
                        }
                    }
                    Some((Ok(Bytes::from(out)), next.map(Some)))
                }
                Err(err) => Some((Err(err), None)),
            }
        }
    });
    stream::once(async move { first }).chain(pages).boxed()
}

/// The Excel workbook of a plan: one sheet, a bold header, times as spreadsheet dates (UTC),
/// text as text (the human ID included, never a number or a formula).
pub async fn xlsx(deps: &Deps, worker: &RequestWorker, plan: &ExportPlan) -> ApiResult<Vec<u8>> {
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let when = CellFormat::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let sheet = workbook.add_worksheet_with_constant_memory();
    sheet.set_name("Requests").map_err(ApiError::internal)?;
    for (n, column) in plan.columns.iter().enumerate() {
        let col = u16::try_from(n).unwrap_or(u16::MAX);
        sheet
            .write_string_with_format(0, col, title(*column), &bold)
            .map_err(ApiError::internal)?;
        let width = if matches!(column, Column::Title) {
            50
        } else {
            20
        };
        sheet
            .set_column_width(col, width)
            .map_err(ApiError::internal)?;
    }
    let mut line: u32 = 1;
    let mut after = None;
    loop {
        let (rows, next) = page(deps, worker, plan, after).await?;
        for row in rows {
            for (n, cell) in row.iter().enumerate() {
                let col = u16::try_from(n).unwrap_or(u16::MAX);
                match cell {
                    Cell::Text(text) => {
                        sheet
                            .write_string(line, col, text)
                            .map_err(ApiError::internal)?;
                    }
                    Cell::Time(at) => {
                        let date = ExcelDateTime::from_timestamp(at.timestamp())
                            .map_err(ApiError::internal)?;
                        sheet
                            .write_datetime_with_format(line, col, &date, &when)
                            .map_err(ApiError::internal)?;
                    }
                    Cell::Empty => {}
                }
            }
            line += 1;
        }
        match next {
            Some(cursor) => after = Some(cursor),
            None => break,
        }
    }
    workbook.save_to_buffer().map_err(ApiError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_keeps_formulas_as_text_and_quotes_what_needs_it() {
        assert_eq!(csv_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        for risky in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(csv_text(risky).starts_with('\''), "{risky}");
        }
        assert_eq!(csv_text("SR-2026-000001"), "SR-2026-000001");
        let record = csv_record(&[Cell::Text("a, \"b\"".into()), Cell::Empty]).unwrap();
        assert_eq!(String::from_utf8(record).unwrap(), "\"a, \"\"b\"\"\",\n");
    }
}
