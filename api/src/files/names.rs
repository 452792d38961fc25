//! File names as people gave them, made safe to store, show and offer for download.

use unicode_normalization::UnicodeNormalization;

/// The name given when nothing usable is left.
const FALLBACK: &str = "attachment";
/// Longest name kept, in bytes (file systems allow 255).
const MAX_BYTES: usize = 180;
/// Longest extension kept when a name is shortened.
const MAX_EXTENSION_BYTES: usize = 16;

/// The last path component, in NFC, without control, invisible or direction-changing
/// characters, with runs of white space as one space, with characters that file systems refuse replaced by `_`, without leading or
/// trailing dots and spaces, at most 180 bytes (keeping the extension), never a reserved
/// Windows device name, never empty.
pub fn sanitise(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut name = String::with_capacity(base.len());
    for c in base.nfc() {
        let c = match c {
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
            c if c.is_whitespace() => ' ',
            c if c.is_control() || is_invisible(c) => continue,
            c => c,
        };
        if !(c == ' ' && name.ends_with(' ')) {
            name.push(c);
        }
    }
    name = name.trim_matches(|c: char| c == '.' || c == ' ').to_owned();
    if name.len() > MAX_BYTES {
        name = shorten(&name);
    }
    if name.is_empty() {
        return FALLBACK.to_owned();
    }
    let stem = name.split('.').next().unwrap_or_default().trim_end();
    if is_reserved(stem) {
        name.insert(0, '_');
    }
    name
}

/// Keeps the extension and as much of the stem as fits.
fn shorten(name: &str) -> String {
    let extension = name
        .rfind('.')
        .map(|at| &name[at..])
        .filter(|ext| ext.len() <= MAX_EXTENSION_BYTES)
        .unwrap_or_default();
    let stem = &name[..name.len() - extension.len()];
    let mut end = MAX_BYTES - extension.len();
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{extension}", stem[..end].trim_end())
}

/// Characters that hide or reorder text (e.g. `U+202E` makes `gpj.exe` read `exe.jpg`).
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}')
}

fn is_reserved(stem: &str) -> bool {
    let upper = stem.to_ascii_uppercase();
    matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.len() == 4
            && upper.as_bytes()[3].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_controls_and_reserved_characters() {
        assert_eq!(sanitise("capture écran.png"), "capture écran.png");
        assert_eq!(sanitise("../../etc/passwd"), "passwd");
        assert_eq!(sanitise("C:\\Users\\bastien\\log.txt"), "log.txt");
        assert_eq!(sanitise("a<b>c:d\"e|f?g*h.txt"), "a_b_c_d_e_f_g_h.txt");
        assert_eq!(sanitise("line\r\nbreak\0.txt"), "line break.txt");
        assert_eq!(sanitise("tab\there.txt"), "tab here.txt");
        assert_eq!(sanitise("invoice\u{202e}gpj.exe"), "invoicegpj.exe");
        assert_eq!(sanitise("  ..hidden. "), "hidden");
        assert_eq!(sanitise(""), "attachment");
        assert_eq!(sanitise("../"), "attachment");
        assert_eq!(sanitise("...."), "attachment");
        assert_eq!(sanitise("CON.txt"), "_CON.txt");
        assert_eq!(sanitise("lpt1"), "_lpt1");
        assert_eq!(sanitise("console.txt"), "console.txt");
        // NFD "é" becomes NFC.
        assert_eq!(sanitise("e\u{301}.txt"), "\u{e9}.txt");
    }

    #[test]
    fn long_names_keep_their_extension_and_whole_characters() {
        let long = format!("{}.docx", "é".repeat(200));
        let short = sanitise(&long);
        assert!(short.len() <= MAX_BYTES, "{}", short.len());
        assert!(short.ends_with("é.docx"), "{short}");
        let no_extension = "x".repeat(400);
        assert_eq!(sanitise(&no_extension).len(), MAX_BYTES);
    }
}
