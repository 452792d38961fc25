//! Enums stored as text: each variant has one code, written to the database and shown by the
//! API, that never changes once released.

/// Declares an enum whose variants each have a stored code, with `code()`, `from_code()` and
/// `ALL` (used by the tests that check the codes are distinct).
macro_rules! stored_codes {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident => $code:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$variant_meta])* $variant,)+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The stored code, e.g. `CONTACT_ADDED`.
            pub const fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)+
                }
            }

            /// The variant stored as `code`, if any.
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|variant| variant.code() == code)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

pub(crate) use stored_codes;

/// Whether every code of `codes` is distinct (for the tests of each enum).
#[cfg(test)]
pub(crate) fn distinct(codes: impl IntoIterator<Item = &'static str>) -> bool {
    let mut seen = std::collections::HashSet::new();
    codes.into_iter().all(|code| seen.insert(code))
}
