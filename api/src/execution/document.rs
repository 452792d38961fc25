//! Checks on a parsed document made before async-graphql validates and executes it: which
//! operation runs, and whether the document stays within the alias and size limits once
//! fragments are expanded (a "fragment bomb" is refused here, before any costly work).

use std::collections::HashMap;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, OperationDefinition, OperationType,
    Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, Value};

use super::codes::ErrorCode;
use crate::error::InputReason;
use crate::graphql::INTROSPECTION_MAX_DEPTH;

/// Selections a document may expand to, fragments included.
pub const MAX_EXPANDED_SELECTIONS: usize = 10_000;

/// Why a document was refused before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: ErrorCode,
    pub message: String,
}

/// An argument no resolver could take: an integer beyond 32 bits, or text with a NUL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadArgument {
    pub argument: String,
    pub reason: InputReason,
    pub message: String,
}

/// The operation a request will run, per GraphQL's GetOperation().
pub fn select_operation<'d>(
    doc: &'d ExecutableDocument,
    operation_name: Option<&str>,
) -> Result<&'d Positioned<OperationDefinition>, Refusal> {
    let refuse = |message: String| Refusal {
        code: ErrorCode::OperationResolutionFailure,
        message,
    };
    match (&doc.operations, operation_name) {
        (DocumentOperations::Single(op), None) => Ok(op),
        (DocumentOperations::Single(_), Some(name)) => {
            Err(refuse(format!("Unknown operation named \"{name}\"")))
        }
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .get(name)
            .ok_or_else(|| refuse(format!("Unknown operation named \"{name}\""))),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops
            .values()
            .next()
            .ok_or_else(|| refuse("The document contains no operation".into())),
        (DocumentOperations::Multiple(_), None) => Err(refuse(
            "The document contains several operations: operationName is required".into(),
        )),
    }
}

/// Checks what GraphQL's CoerceVariableValues() requires before validation: a variable of a
/// non-null type without a default must be given, and never as `null`. (Values of the wrong
/// type are caught by validation.)
pub fn check_variables(
    op: &Positioned<OperationDefinition>,
    variables: Option<&serde_json::Value>,
) -> Result<(), Refusal> {
    for definition in &op.node.variable_definitions {
        let name = definition.node.name.node.as_str();
        let ty = &definition.node.var_type.node;
        let value = variables.and_then(|vars| vars.get(name));
        let missing = value.is_none() && definition.node.default_value.is_none();
        let null = value.is_some_and(serde_json::Value::is_null);
        if !ty.nullable && (missing || null) {
            return Err(Refusal {
                code: ErrorCode::BadUserInput,
                message: format!("Variable \"${name}\" of required type \"{ty}\" was not provided"),
            });
        }
    }
    Ok(())
}

/// The limits a document is checked against before validation.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_aliases: usize,
    /// Levels of fields, the root fields being level 1; introspection has its own bound.
    pub max_depth: usize,
}

/// Walks every operation of the document with fragments expanded (async-graphql walks them
/// all, selected or not, before validating), refusing a document that expands past
/// [`MAX_EXPANDED_SELECTIONS`], has a fragment cycle, or whose selected operation uses more
/// than `max_aliases` aliases or nests data fields deeper than `max_depth` (introspection
/// fields deeper than [`INTROSPECTION_MAX_DEPTH`]).
pub fn check_limits(
    doc: &ExecutableDocument,
    selected: &Positioned<OperationDefinition>,
    limits: Limits,
) -> Result<(), Refusal> {
    let max_aliases = limits.max_aliases;
    let mut walk = Walk {
        fragments: &doc.fragments,
        path: Vec::new(),
        aliases: 0,
        selections: 0,
        selected: false,
        depth: 0,
        introspection: false,
        max_depth: limits.max_depth,
    };
    for (_, op) in doc.operations.iter() {
        walk.selected = std::ptr::eq(op, selected);
        walk.selection_set(&op.node.selection_set)?;
    }
    if walk.aliases > max_aliases {
        return Err(Refusal {
            code: ErrorCode::TooManyAliases,
            message: format!(
                "The operation uses {} aliases; at most {max_aliases} are allowed",
                walk.aliases
            ),
        });
    }
    Ok(())
}

/// The "single root field" rule of GraphQL's validation (§5.2.3.1), which async-graphql does
/// not apply: a subscription selects exactly one root field, fragments expanded, and not an
/// introspection field; each update is one event of that field. Stricter than the rule in one
/// case: the same field selected twice under one response key (which GraphQL would merge) is
/// refused too, as async-graphql would run it twice. Call after [`check_limits`], which
/// refuses fragment cycles.
pub fn check_subscription_root(
    doc: &ExecutableDocument,
    op: &Positioned<OperationDefinition>,
    name: Option<&str>,
) -> Result<(), Refusal> {
    if op.node.ty != OperationType::Subscription {
        return Ok(());
    }
    let mut roots = Vec::new();
    root_fields(&doc.fragments, &op.node.selection_set.node, &mut roots);
    let subscription = name.map_or_else(
        || "Anonymous Subscription".to_owned(),
        |name| format!("Subscription \"{name}\""),
    );
    let refuse = |rule: &str| Refusal {
        code: ErrorCode::GraphqlValidationFailed,
        message: format!("{subscription} must {rule}"),
    };
    match roots.as_slice() {
        [field] if field.starts_with("__") => {
            Err(refuse("not select an introspection top level field"))
        }
        [_] => Ok(()),
        _ => Err(refuse("select only one top level field")),
    }
}

/// The root fields of a selection set (stopping at the second).
fn root_fields<'d>(
    fragments: &'d HashMap<Name, Positioned<FragmentDefinition>>,
    set: &'d SelectionSet,
    roots: &mut Vec<&'d str>,
) {
    for item in &set.items {
        if roots.len() > 1 {
            return;
        }
        match &item.node {
            Selection::Field(field) => roots.push(field.node.name.node.as_str()),
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = fragments.get(&spread.node.fragment_name.node) {
                    root_fields(fragments, &fragment.node.selection_set.node, roots);
                }
            }
            Selection::InlineFragment(inline) => {
                root_fields(fragments, &inline.node.selection_set.node, roots);
            }
        }
    }
}

/// Refuses, in any argument of the operation (as a literal, inside an input object or list, or
/// through a variable), an integer beyond 32 bits and text containing NUL (U+0000). The schema
/// has no `Float`, so no argument accepts such an integer, and async-graphql would notice only
/// while running the operation; NUL is no character of any name, address or message, and
/// PostgreSQL cannot store it in text. Call after [`check_limits`], which bounds the walk and
/// refuses fragment cycles.
pub fn check_arguments(
    doc: &ExecutableDocument,
    op: &Positioned<OperationDefinition>,
    variables: Option<&serde_json::Value>,
) -> Result<(), BadArgument> {
    let mut fields = vec![(&op.node.selection_set, 0_usize)];
    while let Some((set, depth)) = fields.pop() {
        // Fragment cycles were refused before; the depth bound is a second guard.
        if depth > 64 {
            continue;
        }
        for selection in &set.node.items {
            match &selection.node {
                Selection::Field(field) => {
                    for (name, value) in &field.node.arguments {
                        // Variables are replaced by their values (an absent one by null).
                        let resolved = value.node.clone().into_const_with(|variable| {
                            let given = variables.and_then(|vars| vars.get(variable.as_str()));
                            Ok::<_, std::convert::Infallible>(
                                given
                                    .and_then(|json| Value::from_json(json.clone()).ok())
                                    .unwrap_or(Value::Null),
                            )
                        });
                        let Ok(resolved) = resolved;
                        if !integers_fit(&resolved) {
                            return Err(BadArgument {
                                argument: name.node.to_string(),
                                reason: InputReason::OutOfRange,
                                message: format!(
                                    "\"{}\" takes integers from {} to {}",
                                    name.node,
                                    i32::MIN,
                                    i32::MAX
                                ),
                            });
                        }
                        if let Some(field) = field_with_nul(&resolved, name.node.as_str()) {
                            return Err(BadArgument {
                                message: format!(
                                    "\"{field}\" cannot contain the NUL character (U+0000)"
                                ),
                                argument: field.to_owned(),
                                reason: InputReason::InvalidFormat,
                            });
                        }
                    }
                    fields.push((&field.node.selection_set, depth + 1));
                }
                Selection::InlineFragment(inline) => {
                    fields.push((&inline.node.selection_set, depth + 1));
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) {
                        fields.push((&fragment.node.selection_set, depth + 1));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Whether every integer in an argument value fits 32 bits.
fn integers_fit(value: &Value) -> bool {
    match value {
        Value::Number(n) => json_integer_fits(n),
        Value::List(items) => items.iter().all(integers_fit),
        Value::Object(fields) => fields.values().all(integers_fit),
        Value::Null | Value::String(_) | Value::Boolean(_) | Value::Binary(_) | Value::Enum(_) => {
            true
        }
    }
}

/// The innermost field (or else the argument, `name`) of the first text in an argument value
/// that holds NUL, an input object's field names included.
fn field_with_nul<'v>(value: &'v Value, name: &'v str) -> Option<&'v str> {
    match value {
        Value::String(text) => text.contains('\0').then_some(name),
        Value::List(items) => items.iter().find_map(|item| field_with_nul(item, name)),
        Value::Object(fields) => fields.iter().find_map(|(field, value)| {
            if field.contains('\0') {
                Some(name)
            } else {
                field_with_nul(value, field.as_str())
            }
        }),
        Value::Null | Value::Number(_) | Value::Boolean(_) | Value::Binary(_) | Value::Enum(_) => {
            None
        }
    }
}

/// An integer fits when it is an `i32`; a number that is no integer is validation's to refuse.
fn json_integer_fits(n: &serde_json::Number) -> bool {
    match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => i32::try_from(i).is_ok(),
        (None, Some(_)) => false,
        (None, None) => true,
    }
}

struct Walk<'d> {
    fragments: &'d HashMap<Name, Positioned<FragmentDefinition>>,
    /// The fragments being expanded, outermost first.
    path: Vec<&'d str>,
    aliases: usize,
    selections: usize,
    /// Whether this is the operation that runs: its aliases and depth are checked.
    selected: bool,
    /// Levels of fields around the current selection set.
    depth: usize,
    /// Whether the current selection set is inside `__schema` or `__type`.
    introspection: bool,
    max_depth: usize,
}

impl<'d> Walk<'d> {
    fn selection_set(&mut self, set: &'d Positioned<SelectionSet>) -> Result<(), Refusal> {
        for selection in &set.node.items {
            self.selections += 1;
            if self.selections > MAX_EXPANDED_SELECTIONS {
                return Err(Refusal {
                    code: ErrorCode::QueryTooComplex,
                    message: format!(
                        "The document expands to more than {MAX_EXPANDED_SELECTIONS} selections"
                    ),
                });
            }
            match &selection.node {
                Selection::Field(field) => {
                    if field.node.alias.is_some() && self.selected {
                        self.aliases += 1;
                    }
                    let name = field.node.name.node.as_str();
                    let introspection =
                        self.introspection || name == "__schema" || name == "__type";
                    let depth = self.depth + 1;
                    let limit = if introspection {
                        INTROSPECTION_MAX_DEPTH
                    } else {
                        self.max_depth
                    };
                    if self.selected && depth > limit {
                        return Err(Refusal {
                            code: ErrorCode::QueryTooDeep,
                            message: format!(
                                "The operation nests fields {depth} deep; at most {limit} are allowed"
                            ),
                        });
                    }
                    let outer = (self.depth, self.introspection);
                    (self.depth, self.introspection) = (depth, introspection);
                    let walked = self.selection_set(&field.node.selection_set);
                    (self.depth, self.introspection) = outer;
                    walked?;
                }
                Selection::InlineFragment(inline) => {
                    self.selection_set(&inline.node.selection_set)?;
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if self.path.contains(&name) {
                        return Err(Refusal {
                            code: ErrorCode::GraphqlValidationFailed,
                            message: format!("Cannot spread fragment \"{name}\" within itself"),
                        });
                    }
                    if let Some(fragment) = self.fragments.get(name) {
                        self.path.push(name);
                        self.selection_set(&fragment.node.selection_set)?;
                        self.path.pop();
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;
    use async_graphql::parser::types::OperationType;

    fn check(
        query: &str,
        name: Option<&str>,
        max_aliases: usize,
    ) -> Result<OperationType, Refusal> {
        let doc = parse_query(query).unwrap();
        let op = select_operation(&doc, name)?;
        let limits = Limits {
            max_aliases,
            max_depth: 12,
        };
        check_limits(&doc, op, limits)?;
        Ok(op.node.ty)
    }

    fn depth_of(query: &str, max_depth: usize) -> Result<(), Refusal> {
        let doc = parse_query(query).unwrap();
        let op = select_operation(&doc, None)?;
        let limits = Limits {
            max_aliases: 30,
            max_depth,
        };
        check_limits(&doc, op, limits)
    }

    #[test]
    fn a_subscription_selects_one_root_field_fragments_expanded() {
        let root = |query: &str, name: Option<&str>| {
            let doc = parse_query(query).unwrap();
            let op = select_operation(&doc, name).unwrap();
            check_subscription_root(&doc, op, name).map_err(|r| r.message)
        };
        assert_eq!(root("subscription { a { b } }", None), Ok(()));
        assert!(
            root("subscription { a { b } a { c } }", None).is_err(),
            "async-graphql would run it twice"
        );
        assert_eq!(root("{ a b }", None), Ok(()), "not a subscription");
        let spread = "subscription S { ...F } fragment F on Subscription { a { b } }";
        assert_eq!(root(spread, Some("S")), Ok(()));
        assert_eq!(
            root("subscription { a { b } c: a { d } }", None),
            Err("Anonymous Subscription must select only one top level field".into())
        );
        let spread = "subscription S { a { b } ...F } fragment F on Subscription { c { d } }";
        assert_eq!(
            root(spread, Some("S")),
            Err("Subscription \"S\" must select only one top level field".into())
        );
        let inline = "subscription { ... on Subscription { a { b } } ... { c } }";
        assert!(root(inline, None).is_err());
        assert_eq!(
            root("subscription { __typename }", None),
            Err("Anonymous Subscription must not select an introspection top level field".into())
        );
    }

    #[test]
    fn integers_beyond_32_bits_are_found_in_literals_objects_fragments_and_variables() {
        let integers = |query: &str, vars: serde_json::Value| {
            let doc = parse_query(query).unwrap();
            let op = select_operation(&doc, None).unwrap();
            check_arguments(&doc, op, Some(&vars)).map_err(|e| e.argument)
        };
        let none = serde_json::Value::Null;
        assert_eq!(
            integers("{ a(first: 2147483647) { b } }", none.clone()),
            Ok(())
        );
        assert_eq!(integers("{ a(first: -2147483648) }", none.clone()), Ok(()));
        assert_eq!(
            integers("{ a(first: 2147483648) }", none.clone()),
            Err("first".into())
        );
        assert_eq!(
            integers("{ a { b(last: -2147483649) } }", none.clone()),
            Err("last".into())
        );
        let object = "{ a(input: { n: [1, 3000000000] }) }";
        assert_eq!(integers(object, none.clone()), Err("input".into()));
        let fragment = "{ ...F } fragment F on Q { a(first: 4294967296) }";
        assert_eq!(integers(fragment, none.clone()), Err("first".into()));
        let variable = "query($n: Int) { a(first: $n) }";
        let too_big = serde_json::json!({ "n": 2_147_483_648_i64 });
        assert_eq!(integers(variable, too_big), Err("first".into()));
        assert_eq!(integers(variable, serde_json::json!({ "n": 7 })), Ok(()));
        assert_eq!(integers("{ a(x: 1.5, s: \"9999999999\") }", none), Ok(()));
    }

    #[test]
    fn text_with_nul_is_found_and_named_by_its_innermost_field() {
        let refused = |query: &str, vars: serde_json::Value| {
            let doc = parse_query(query).unwrap();
            let op = select_operation(&doc, None).unwrap();
            check_arguments(&doc, op, Some(&vars)).map_err(|e| (e.argument, e.reason))
        };
        let none = serde_json::Value::Null;
        let invalid = |field: &str| Err((field.to_owned(), InputReason::InvalidFormat));
        assert_eq!(
            refused("{ a(s: \"a\\u0000b\") }", none.clone()),
            invalid("s")
        );
        let nested = "{ a(input: { form: { title: \"x\", tags: [\"ok\", \"\\u0000\"] } }) }";
        assert_eq!(refused(nested, none.clone()), invalid("tags"));
        let variable = "query($i: I) { a(input: $i) }";
        let address = serde_json::json!({ "i": { "address": "m\u{0}@example.com" } });
        assert_eq!(refused(variable, address), invalid("address"));
        let clean = serde_json::json!({ "i": { "address": "m\u{1}@example.com" } });
        assert_eq!(refused(variable, clean), Ok(()));
        assert_eq!(refused("{ a(s: \"\\u00e9t\u{e9}\") }", none), Ok(()));
    }

    #[test]
    fn data_depth_is_bounded_through_fragments_and_introspection_has_its_own_bound() {
        assert!(depth_of("{ a { b { c } } }", 3).is_ok());
        let deep = depth_of("{ a { b { c { d } } } }", 3).unwrap_err();
        assert_eq!(deep.code, ErrorCode::QueryTooDeep);
        let through_fragment = "{ a { ...F } } fragment F on A { b { c { d } } }";
        assert!(depth_of(through_fragment, 3).is_err());
        let mut type_ref = String::from("name");
        for _ in 0..9 {
            type_ref = format!("kind name ofType {{ {type_ref} }}");
        }
        let introspection = format!(
            "{{ __schema {{ types {{ fields {{ args {{ type {{ {type_ref} }} }} }} }} }} }}"
        );
        assert!(
            depth_of(&introspection, 3).is_ok(),
            "the standard query's depth"
        );
        let mut endless = String::from("name");
        for _ in 0..INTROSPECTION_MAX_DEPTH {
            endless = format!("ofType {{ {endless} }}");
        }
        let endless = format!("{{ __type(name: \"A\") {{ {endless} }} }}");
        assert_eq!(
            depth_of(&endless, 3).unwrap_err().code,
            ErrorCode::QueryTooDeep
        );
        let doc = parse_query("query A { a { b { c { d } } } } query B { a }").unwrap();
        let b = select_operation(&doc, Some("B")).unwrap();
        let limits = Limits {
            max_aliases: 30,
            max_depth: 3,
        };
        assert!(
            check_limits(&doc, b, limits).is_ok(),
            "only the operation that runs is checked"
        );
    }

    #[test]
    fn the_operation_is_chosen_as_graphql_specifies() {
        assert_eq!(check("{ a }", None, 5), Ok(OperationType::Query));
        assert_eq!(
            check("mutation M { a }", None, 5),
            Ok(OperationType::Mutation)
        );
        assert_eq!(
            check("query A { a } mutation B { b }", Some("B"), 5),
            Ok(OperationType::Mutation)
        );
        let code = |r: Result<OperationType, Refusal>| r.unwrap_err().code;
        assert_eq!(
            code(check("query A { a } query B { b }", None, 5)),
            ErrorCode::OperationResolutionFailure
        );
        assert_eq!(
            code(check("query A { a }", Some("B"), 5)),
            ErrorCode::OperationResolutionFailure
        );
        assert_eq!(
            code(check("{ a }", Some("A"), 5)),
            ErrorCode::OperationResolutionFailure
        );
    }

    #[test]
    fn required_variables_must_be_given_and_not_null() {
        let doc = parse_query("query Q($id: ID!, $n: Int, $d: Int! = 3) { a }").unwrap();
        let op = select_operation(&doc, None).unwrap();
        let vars = |v: serde_json::Value| check_variables(op, Some(&v));
        assert!(vars(serde_json::json!({ "id": "x" })).is_ok());
        assert!(vars(serde_json::json!({ "id": "x", "n": null })).is_ok());
        assert!(vars(serde_json::json!({})).is_err());
        assert!(vars(serde_json::json!({ "id": null })).is_err());
        assert!(vars(serde_json::json!({ "id": "x", "d": null })).is_err());
        assert!(check_variables(op, None).is_err());
    }

    #[test]
    fn aliases_are_counted_through_fragments() {
        let query =
            "query { a1: a ...F ... on Query { a2: a } } fragment F on Query { a3: a a4: a }";
        assert!(check(query, None, 4).is_ok());
        assert_eq!(
            check(query, None, 3).unwrap_err().code,
            ErrorCode::TooManyAliases
        );
    }

    #[test]
    fn fragment_bombs_are_refused_without_expanding_them_fully() {
        let mut query = String::from("query { ...F0 }\n");
        for level in 0..40 {
            let next = level + 1;
            query.push_str(&format!(
                "fragment F{level} on Query {{ ...F{next} ...F{next} }}\n"
            ));
        }
        query.push_str("fragment F40 on Query { a }\n");
        assert_eq!(
            check(&query, None, 30).unwrap_err().code,
            ErrorCode::QueryTooComplex
        );
    }

    #[test]
    fn a_bomb_in_an_operation_that_is_not_run_is_refused_too() {
        let mut query = String::from("query A { a } query B { ...F0 }\n");
        for level in 0..20 {
            let next = level + 1;
            query.push_str(&format!(
                "fragment F{level} on Query {{ ...F{next} ...F{next} ...F{next} ...F{next} }}\n"
            ));
        }
        query.push_str("fragment F20 on Query { a }\n");
        let refused = check(&query, Some("A"), 30).unwrap_err();
        assert_eq!(refused.code, ErrorCode::QueryTooComplex);
    }

    #[test]
    fn fragment_cycles_are_refused_without_looping() {
        let query =
            "query { ...A } fragment A on Query { ...B ...B } fragment B on Query { ...A ...A x }";
        let refused = check(query, None, 30).unwrap_err();
        assert_eq!(refused.code, ErrorCode::GraphqlValidationFailed);
    }

    #[test]
    fn only_the_selected_operation_counts_aliases() {
        let query = "query A { a } query B { b1: b b2: b b3: b }";
        assert!(check(query, Some("A"), 2).is_ok());
        assert_eq!(
            check(query, Some("B"), 2).unwrap_err().code,
            ErrorCode::TooManyAliases
        );
    }
}
