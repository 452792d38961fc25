//! The type of a file from its first bytes; what the client declares is never believed.

/// The media type of content that starts with `head`. `complete` says that `head` is the whole
/// file (otherwise its last bytes may cut a UTF-8 character).
pub fn detect_type(head: &[u8], complete: bool) -> &'static str {
    if let Some(kind) = infer::get(head) {
        return kind.mime_type();
    }
    if is_text(head, complete) {
        "text/plain"
    } else {
        "application/octet-stream"
    }
}

/// UTF-8 without control characters other than tabs, line breaks and form feeds.
fn is_text(head: &[u8], complete: bool) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        // A character cut by the end of the head (at most 3 bytes) is not a sign of binary.
        Err(err)
            if !complete && err.error_len().is_none() && head.len() - err.valid_up_to() < 4 =>
        {
            match std::str::from_utf8(&head[..err.valid_up_to()]) {
                Ok(text) => text,
                Err(_) => return false,
            }
        }
        Err(_) => return false,
    };
    valid
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_magic_numbers_then_from_text() {
        assert_eq!(
            detect_type(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", true),
            "image/png"
        );
        assert_eq!(detect_type(b"%PDF-1.7\n%\xe2\xe3", true), "application/pdf");
        assert_eq!(
            detect_type(b"\xff\xd8\xff\xe0\0\x10JFIF\0", true),
            "image/jpeg"
        );
        assert_eq!(
            detect_type(b"PK\x03\x04\x14\0\0\0\x08\0", true),
            "application/zip"
        );
        assert_eq!(
            detect_type("2026-11-21 ERROR l'envoi a échoué\n".as_bytes(), true),
            "text/plain"
        );
        assert_eq!(detect_type(b"", true), "text/plain");
        assert_eq!(
            detect_type(b"MZ\x90\0\x03\0\0\0", true),
            "application/vnd.microsoft.portable-executable"
        );
        assert_eq!(
            detect_type(b"\0\x01\x02binary", true),
            "application/octet-stream"
        );
        assert_eq!(
            detect_type(b"\xc3\x28 not utf-8", true),
            "application/octet-stream"
        );
    }

    #[test]
    fn a_character_cut_at_the_end_of_the_head_is_still_text() {
        let text = "é".repeat(10);
        let cut = &text.as_bytes()[..text.len() - 1];
        assert_eq!(detect_type(cut, false), "text/plain");
        assert_eq!(detect_type(cut, true), "application/octet-stream");
    }
}
