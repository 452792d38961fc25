//! Which passwords may be chosen: a length range, no composition rules, and not easy to guess
//! (a zxcvbn estimate, counting the person's own names). The figures are in `limits`.

use super::limits::{
    PASSWORD_MAX_CHARS as MAX_CHARS, PASSWORD_MIN_CHARS as MIN_CHARS,
    PASSWORD_MIN_GUESSES_LOG10 as MIN_GUESSES_LOG10,
};
use crate::error::{ApiError, ApiResult, InputReason};

/// Accepts a new password for a person known by `personal` words (login, e-mail, names).
pub fn check(password: &str, personal: &[&str], field: &str) -> ApiResult<()> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(ApiError::bad_input(
            field,
            InputReason::TooShort,
            format!("The password must have at least {MIN_CHARS} characters"),
        ));
    }
    if chars > MAX_CHARS {
        return Err(ApiError::bad_input(
            field,
            InputReason::TooLong,
            format!("The password must have at most {MAX_CHARS} characters"),
        ));
    }
    let mut words: Vec<&str> = personal.to_vec();
    let split: Vec<&str> = personal
        .iter()
        .flat_map(|word| word.split(['@', '.', '-', '_', ' ']))
        .filter(|part| part.len() >= 3)
        .collect();
    words.extend(split);
    words.extend(["support", "portal", "password"]);
    let estimate = zxcvbn::zxcvbn(password, &words);
    if estimate.guesses_log10() < MIN_GUESSES_LOG10 {
        return Err(ApiError::bad_input(
            field,
            InputReason::TooGuessable,
            "This password is too easy to guess: use a longer passphrase of unrelated words",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(password: &str) -> Option<InputReason> {
        match check(
            password,
            &["bastien", "bastien.moreau@client.example"],
            "password",
        ) {
            Ok(()) => None,
            Err(ApiError::BadUserInput { reason, .. }) => Some(reason),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn length_is_12_to_128_characters_without_composition_rules() {
        assert_eq!(reason("short pass"), Some(InputReason::TooShort));
        assert_eq!(reason(&"é".repeat(11)), Some(InputReason::TooShort));
        assert_eq!(reason("orange piano quietly jumps"), None);
        assert_eq!(reason(&"x7Qz".repeat(33)), Some(InputReason::TooLong));
    }

    #[test]
    fn common_and_personal_passwords_are_refused() {
        for weak in [
            "password1234",
            "123456789012",
            "qwertyuiopas",
            "bastienbastien",
            "bastienmoreau",
        ] {
            assert_eq!(reason(weak), Some(InputReason::TooGuessable), "{weak}");
        }
    }
}
