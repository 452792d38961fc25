//! Values parsed once at the edge: once a `CompanyName` or an `Email` exists, it is valid.

use unicode_normalization::UnicodeNormalization;

use crate::error::{ApiError, InputReason};

fn trimmed_text(raw: &str, field: &str, max_chars: usize) -> Result<String, ApiError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(ApiError::bad_input(
            field,
            InputReason::Required,
            "must not be empty",
        ));
    }
    if value.chars().count() > max_chars {
        return Err(ApiError::bad_input(
            field,
            InputReason::TooLong,
            format!("must be at most {max_chars} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::bad_input(
            field,
            InputReason::InvalidFormat,
            "must not contain control characters",
        ));
    }
    Ok(value.to_owned())
}

/// A company's account name: 1 to 200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyName(String);

impl CompanyName {
    pub fn parse(raw: &str, field: &str) -> Result<Self, ApiError> {
        trimmed_text(raw, field, 200).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A first or last name: 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str, field: &str) -> Result<Self, ApiError> {
        trimmed_text(raw, field, 100).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address, trimmed and lower-cased, of the plain `local@domain.tld` form.
///
/// Deliberately stricter than RFC 5322 (no quoted local parts, no IP literals, no spaces or
/// control characters): it is used in mail headers and must never be able to add one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str, field: &str) -> Result<Self, ApiError> {
        let invalid = || {
            ApiError::bad_input(
                field,
                InputReason::InvalidFormat,
                "must be an e-mail address",
            )
        };
        let value = raw.trim().to_lowercase();
        if value.len() > 254 {
            return Err(invalid());
        }
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        let allowed_local = |c: char| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c);
        let allowed_domain = |c: char| c.is_alphanumeric() || c == '-' || c == '.';
        let labels_ok = domain.split('.').count() >= 2
            && domain
                .split('.')
                .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if local.is_empty()
            || local.len() > 64
            || !local.chars().all(allowed_local)
            || local.starts_with('.')
            || local.ends_with('.')
            || local.contains("..")
            || !domain.chars().all(allowed_domain)
            || !labels_ok
        {
            return Err(invalid());
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The languages of the portal's pages and mails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    En,
    Fr,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
        }
    }

    /// Reads a stored code; anything unknown falls back to English.
    pub fn from_code(code: &str) -> Self {
        match code {
            "fr" => Self::Fr,
            _ => Self::En,
        }
    }
}

/// Lower-case, diacritics removed, spaces collapsed: "Élodie  DURAND" → "elodie durand".
/// Used for sorting and searching names the way people expect.
pub fn fold(text: &str) -> String {
    let stripped: String = text
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    stripped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The sort and search key of a contact: folded "last first".
pub fn contact_name_key(last: &str, first: &str) -> String {
    fold(&format!("{last} {first}"))
}

/// A client-chosen key: 1 to 128 printable ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The key as the client sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn parse(raw: &str, field: &str) -> Result<Self, ApiError> {
        if raw.is_empty() || raw.len() > 128 || !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ApiError::bad_input(
                field,
                InputReason::InvalidFormat,
                "must be 1 to 128 printable ASCII characters",
            ));
        }
        Ok(Self(raw.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            CompanyName::parse("  Pièces Auto ", "name")
                .unwrap()
                .as_str(),
            "Pièces Auto"
        );
        assert!(CompanyName::parse("   ", "name").is_err());
        assert!(CompanyName::parse(&"x".repeat(201), "name").is_err());
        assert!(PersonName::parse("Jean\nBcc: x", "firstName").is_err());
    }

    #[test]
    fn emails_are_normalised_and_cannot_carry_headers() {
        assert_eq!(
            Email::parse(" Bastien.Roy@Pieces-Auto.FR ", "email")
                .unwrap()
                .as_str(),
            "bastien.roy@pieces-auto.fr"
        );
        for bad in [
            "",
            "no-at-sign",
            "a@b",
            "a@-b.fr",
            "a..b@c.fr",
            "a@b.fr\r\nBcc: evil@x.fr",
            "a b@c.fr",
            ".a@b.fr",
        ] {
            let err = Email::parse(bad, "email").unwrap_err();
            assert_eq!(err.field(), Some("email"), "{bad:?}");
        }
    }

    #[test]
    fn folding_ignores_case_accents_and_spacing() {
        assert_eq!(fold("Élodie  DURAND"), "elodie durand");
        assert_eq!(contact_name_key("Lefèvre", "Zoé"), "lefevre zoe");
        assert!(contact_name_key("Émile", "A") < contact_name_key("Zola", "A"));
    }

    #[test]
    fn keys_are_short_printable_ascii() {
        assert!(IdempotencyKey::parse("3f1c-retry-1", "idempotencyKey").is_ok());
        for bad in ["", "with space", "é", &"k".repeat(129)] {
            assert!(
                IdempotencyKey::parse(bad, "idempotencyKey").is_err(),
                "{bad}"
            );
        }
    }
}
