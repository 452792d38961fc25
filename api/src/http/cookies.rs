//! The session cookie of the web app.
//!
//! `__Host-session`, `HttpOnly; Secure; SameSite=Lax; Path=/`. On plain-http localhost in
//! development browsers refuse `Secure` cookies, so the cookie is then named `session` and has
//! no `Secure` attribute (`auth.cookie_secure`; production refuses to relax it).

use http::HeaderMap;
use http::header::COOKIE;

use crate::config::Settings;

pub const SECURE_NAME: &str = "__Host-session";
pub const RELAXED_NAME: &str = "session";

pub fn name(settings: &Settings) -> &'static str {
    if settings.secure_cookies() {
        SECURE_NAME
    } else {
        RELAXED_NAME
    }
}

fn attributes(settings: &Settings) -> &'static str {
    if settings.secure_cookies() {
        "HttpOnly; Secure; SameSite=Lax; Path=/"
    } else {
        "HttpOnly; SameSite=Lax; Path=/"
    }
}

/// `Set-Cookie` value carrying a session token.
pub fn set(settings: &Settings, token: &str) -> String {
    format!(
        "{}={token}; Max-Age={}; {}",
        name(settings),
        settings.auth.session_absolute_secs,
        attributes(settings)
    )
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear(settings: &Settings) -> String {
    format!("{}=; Max-Age=0; {}", name(settings), attributes(settings))
}

/// The session token of the request's cookie, if any.
pub fn read(headers: &HeaderMap, settings: &Settings) -> Option<String> {
    let wanted = name(settings);
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == wanted)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty() && value.len() <= 128)
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn secure_cookies_use_the_host_prefix_and_relaxed_ones_do_not() {
        let mut settings = Settings::default();
        settings.auth.cookie_secure = Some(true);
        let cookie = set(&settings, "abc");
        assert!(cookie.starts_with("__Host-session=abc;"));
        for attr in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(attr), "{cookie}");
        }
        assert!(!cookie.contains("Domain"));
        settings.auth.cookie_secure = Some(false);
        assert!(!set(&settings, "abc").contains("Secure"));
        assert!(set(&settings, "abc").starts_with("session=abc;"));
    }

    #[test]
    fn the_token_is_read_from_the_cookie_header() {
        let mut settings = Settings::default();
        settings.auth.cookie_secure = Some(true);
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("a=1; __Host-session=tok; b=2"),
        );
        assert_eq!(read(&headers, &settings).as_deref(), Some("tok"));
        settings.auth.cookie_secure = Some(false);
        assert_eq!(read(&headers, &settings), None);
    }
}
