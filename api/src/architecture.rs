//! The layering, checked on the sources (tests only).
//!
//! - The domain (each area and the low-level modules) never names the schema or the transports:
//!   `graphql`, `http`, `execution`, the GraphQL library, nor the composition modules
//!   (`startup`, `cli`, `demo`, `bootstrap`).
//! - The schema and the transports never touch storage: no `sea_orm`, no `entity`, no reader or
//!   writer connection, and no module that runs queries (found by what it contains). They reach
//!   data only through services, which take a capability value.
//! - No file holds more than about 500 lines of code (in-file tests and data tables aside).

use std::fs;
use std::path::{Path, PathBuf};

/// Top-level modules of the schema and the transports.
const TRANSPORT: [&str; 3] = ["graphql", "http", "execution"];
/// Top-level modules that build and run the whole: they may use everything.
const COMPOSITION: [&str; 5] = ["startup", "cli", "demo", "bootstrap", "main"];
/// What the domain may not name (nor the GraphQL library: its types are the schema's).
const FORBIDDEN_IN_DOMAIN: [&str; 8] = [
    "async_graphql",
    "crate::graphql",
    "crate::http",
    "crate::execution",
    "crate::startup",
    "crate::cli",
    "crate::demo",
    "crate::bootstrap",
];
/// What the schema and the transports may not name.
const FORBIDDEN_IN_TRANSPORT: [&str; 7] = [
    "sea_orm",
    "entity",
    "repo",
    ".reader()",
    ".writer()",
    "begin_write",
    "Entity",
];
/// Files over the size limit that are tables of data.
const DATA_TABLES: [&str; 1] = ["mail/templates.rs"];
const MAX_CODE_LINES: usize = 520;

struct Source {
    /// Path under `src/`, with `/`.
    path: String,
    /// The code without comments and without its in-file tests.
    code: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files
        .into_iter()
        .map(|file| {
            let text = fs::read_to_string(&file).unwrap_or_default();
            let path = file
                .strip_prefix(&root)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            Source {
                path,
                code: code_of(&text),
            }
        })
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The lines of `text` before its `#[cfg(test)]` module, without `//` comments.
fn code_of(text: &str) -> String {
    text.lines()
        .take_while(|line| line.trim() != "#[cfg(test)]")
        .map(without_comment)
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A line without its `//` comment (`://` is a URL inside a string, not a comment).
fn without_comment(line: &str) -> &str {
    let comment = line
        .match_indices("//")
        .map(|(at, _)| at)
        .find(|&at| !line[..at].ends_with(':'));
    comment.map_or(line, |at| &line[..at])
}

fn top_module(path: &str) -> &str {
    let first = path.split('/').next().unwrap_or_default();
    first.strip_suffix(".rs").unwrap_or(first)
}

/// The module path of a file (`requests/repo/mod.rs` → `requests::repo`).
fn module_path(path: &str) -> String {
    let without = path.strip_suffix(".rs").unwrap_or(path);
    let without = without.strip_suffix("/mod").unwrap_or(without);
    without.replace('/', "::")
}

/// Whether a file runs queries itself.
fn runs_queries(source: &Source) -> bool {
    ["EntityTrait", "Entity::", "Statement::from_sql"]
        .iter()
        .any(|token| source.code.contains(token))
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `line` names `name` as a whole: `mail` is not in `Email`, `repo` not in `report`.
fn names(line: &str, name: &str) -> bool {
    line.match_indices(name).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + name.len()..].chars().next();
        let starts = !name.starts_with(is_ident) || !before.is_some_and(is_ident);
        let ends = !name.ends_with(is_ident) || !after.is_some_and(is_ident);
        starts && ends
    })
}

/// The names in `code` from `forbidden`, each with the first line naming it.
fn violations(code: &str, forbidden: &[String]) -> Vec<String> {
    forbidden
        .iter()
        .filter_map(|name| {
            code.lines()
                .find(|line| names(line, name))
                .map(|line| format!("{name} in `{}`", line.trim()))
        })
        .collect()
}

fn is_domain(path: &str) -> bool {
    let top = top_module(path);
    !TRANSPORT.contains(&top)
        && !COMPOSITION.contains(&top)
        && top != "lib"
        && top != "architecture"
}

#[test]
fn the_domain_never_reaches_the_schema_or_the_transports() {
    let forbidden: Vec<String> = FORBIDDEN_IN_DOMAIN
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let found: Vec<String> = sources()
        .iter()
        .filter(|s| is_domain(&s.path))
        .flat_map(|s| {
            violations(&s.code, &forbidden)
                .into_iter()
                .map(move |v| format!("{}: {v}", s.path))
        })
        .collect();
    assert!(
        found.is_empty(),
        "the domain names the outer layers: {found:#?}"
    );
}

#[test]
fn the_schema_and_the_transports_reach_data_only_through_services() {
    let sources = sources();
    let storage: Vec<String> = sources
        .iter()
        .filter(|s| is_domain(&s.path) && runs_queries(s))
        .map(|s| module_path(&s.path))
        .collect();
    assert!(
        storage.iter().any(|m| m == "requests::repo"),
        "the storage modules are found: {storage:?}"
    );
    let mut forbidden: Vec<String> = FORBIDDEN_IN_TRANSPORT
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    forbidden.extend(storage);
    let found: Vec<String> = sources
        .iter()
        .filter(|s| TRANSPORT.contains(&top_module(&s.path)))
        .flat_map(|s| {
            violations(&s.code, &forbidden)
                .into_iter()
                .map(move |v| format!("{}: {v}", s.path))
        })
        .collect();
    assert!(
        found.is_empty(),
        "the schema or a transport touches storage: {found:#?}"
    );
}

#[test]
fn files_stay_small() {
    let large: Vec<String> = sources()
        .iter()
        .filter(|s| !DATA_TABLES.contains(&s.path.as_str()))
        .filter(|s| s.code.lines().count() > MAX_CODE_LINES)
        .map(|s| format!("{} ({} lines of code)", s.path, s.code.lines().count()))
        .collect();
    assert!(large.is_empty(), "split these by verb: {large:#?}");
}

#[test]
fn the_checks_see_what_they_look_for() {
    let source = Source {
        path: "requests/repo/mod.rs".into(),
        code: code_of(
            "use sea_orm::EntityTrait; // a comment\n#[cfg(test)]\nmod tests { use crate::graphql; }",
        ),
    };
    assert!(runs_queries(&source));
    assert_eq!(module_path(&source.path), "requests::repo");
    assert!(
        !source.code.contains("crate::graphql"),
        "in-file tests are left out"
    );
    let resolver = "let rows = crate::requests::repo::list(deps.db.reader()).await?;";
    let forbidden = vec!["requests::repo".to_owned(), ".reader()".to_owned()];
    assert_eq!(violations(resolver, &forbidden).len(), 2);
    assert!(names("use crate::requests::{repo, Visible};", "repo"));
    assert!(!names("let email = Email::parse(raw);", "mail"));
    assert!(!names("fn reports() {}", "repo"));
    assert!(is_domain("contacts/roles.rs") && !is_domain("graphql/query.rs"));
    assert_eq!(
        code_of("let url = \"http://x\"; // note"),
        "let url = \"http://x\"; "
    );
}
