//! Which request columns a `requests` page asks for ([`ListRead`]), read off its selection.

use async_graphql::{Context, SelectionField};

use crate::requests::projection::{ListRead, ListedColumn};

/// What a request list field reads: only the columns its selection shows when every field
/// selected under `edges { node { … } }` is a plain column (or a person or company, loaded by
/// the IDs every listed request has); whole rows otherwise.
pub fn list_read(ctx: &Context<'_>) -> ListRead {
    read_of(ctx.field()).map_or(ListRead::Whole, ListRead::Columns)
}

fn read_of(list: SelectionField<'_>) -> Option<Vec<ListedColumn>> {
    let mut columns = Vec::new();
    for part in list.selection_set() {
        match part.name() {
            "totalCount" | "pageInfo" | "__typename" => {}
            "edges" => {
                for edge in part.selection_set() {
                    match edge.name() {
                        "cursor" | "__typename" => {}
                        "node" => {
                            for field in edge.selection_set() {
                                if let Some(column) = column(field.name())? {
                                    columns.push(column);
                                }
                            }
                        }
                        _ => return None,
                    }
                }
            }
            _ => return None,
        }
    }
    Some(columns)
}

/// The column a `Request` field shows: `Some(None)` for the fields every listed request can
/// answer, `None` for a field that needs the whole row.
fn column(field: &str) -> Option<Option<ListedColumn>> {
    use ListedColumn as L;
    Some(Some(match field {
        "id" | "state" | "company" | "requester" | "assignee" | "__typename" => return Some(None),
        "humanId" => L::HumanId,
        "version" => L::Version,
        "category" => L::Category,
        "kind" => L::Kind,
        "urgency" => L::Urgency,
        "title" => L::Title,
        "product" => L::Product,
        "tag" => L::Tag,
        "createdAt" => L::CreatedAt,
        "updatedAt" => L::UpdatedAt,
        "submittedAt" => L::SubmittedAt,
        "stateChangedAt" => L::StateChangedAt,
        "closedAt" => L::ClosedAt,
        _ => return None,
    }))
}
