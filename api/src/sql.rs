//! Small helpers for the hand-written SQL of hot paths.

use sea_orm::DatabaseBackend;

/// Rewrites `?` placeholders as `$1, $2, …` for PostgreSQL. The SQL must not contain a literal
/// question mark.
pub fn placeholders(backend: DatabaseBackend, sql: &str) -> String {
    if backend != DatabaseBackend::Postgres {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// `(?, ?, …), (?, ?, …)…`: `rows` rows of `columns` placeholders, for a multi-row `VALUES`.
pub fn rows_of(rows: usize, columns: usize) -> String {
    let row = format!("({})", vec!["?"; columns].join(", "));
    vec![row; rows].join(", ")
}

/// Escapes `%`, `_` and the escape character itself for a `LIKE … ESCAPE '\'` pattern.
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_marks_become_numbered_parameters_on_postgres_only() {
        let sql = "SELECT 1 WHERE a = ? AND b = ?";
        assert_eq!(
            placeholders(DatabaseBackend::Postgres, sql),
            "SELECT 1 WHERE a = $1 AND b = $2"
        );
        assert_eq!(placeholders(DatabaseBackend::Sqlite, sql), sql);
    }

    #[test]
    fn like_wildcards_in_user_text_match_literally() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
    }
}
