//! Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s steps, ±1 step) and
//! recovery codes. Pure: no storage. The sizes and the accepted drift are in `limits`.

use rand::RngCore;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret, Totp};

use super::limits::{
    RECOVERY_CODE_CHARS as RECOVERY_CODE_LEN, TOTP_SECRET_BYTES as SECRET_LEN, TOTP_SKEW_STEPS,
    TOTP_STEP_SECS as STEP_SECS,
};
use crate::error::{ApiError, ApiResult};

pub use super::limits::RECOVERY_CODES;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A fresh random secret.
pub fn generate_secret() -> [u8; SECRET_LEN] {
    let mut secret = [0_u8; SECRET_LEN];
    rand::rng().fill_bytes(&mut secret);
    secret
}

fn totp(secret: &[u8], issuer: &str, account: &str) -> ApiResult<Totp> {
    // The otpauth label cannot contain ':'.
    let clean = |s: &str| s.replace(':', " ");
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(STEP_SECS)
        .with_skew(0)
        .with_secret(secret.to_vec())
        .with_issuer(Some(clean(issuer)))
        .with_account_name(clean(account))
        .build()
        .map_err(|err| ApiError::internal(anyhow::anyhow!("cannot build TOTP: {err}")))
}

/// What an authenticator app needs to enroll: the secret in base32, the `otpauth://` URI and
/// that URI as an SVG QR code.
#[derive(Debug, Clone)]
pub struct Enrollment {
    pub secret_base32: String,
    pub uri: String,
    pub qr_svg: String,
}

pub fn enrollment(secret: &[u8], issuer: &str, account: &str) -> ApiResult<Enrollment> {
    let totp = totp(secret, issuer, account)?;
    let uri = totp
        .to_url()
        .map_err(|err| ApiError::internal(anyhow::anyhow!("cannot build otpauth URI: {err}")))?;
    let qr = qrcode::QrCode::new(uri.as_bytes())
        .map_err(|err| ApiError::internal(anyhow::anyhow!("cannot build QR code: {err}")))?;
    let qr_svg = qr
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build();
    Ok(Enrollment {
        secret_base32: Secret::from(secret.to_vec()).to_base32(),
        uri,
        qr_svg,
    })
}

/// The time step (the current one, or one within the accepted drift) whose code `code` is, if
/// any.
pub fn matching_step(secret: &[u8], code: &str, unix_time: u64) -> ApiResult<Option<u64>> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let totp = totp(secret, "portal", "account")?;
    let current = unix_time / STEP_SECS;
    let steps = current.saturating_sub(TOTP_SKEW_STEPS)..=current + TOTP_SKEW_STEPS;
    Ok(steps
        .into_iter()
        .find(|step| totp.check(&code, step * STEP_SECS).is_some()))
}

/// The code of a secret at a time (for the demo and tests).
pub fn code_at(secret: &[u8], unix_time: u64) -> ApiResult<String> {
    Ok(totp(secret, "portal", "account")?
        .generate(unix_time)
        .to_string())
}

/// A new recovery code as shown to the person: `XXXX-XXXX-XXXX-XXXX`.
pub fn generate_recovery_code() -> String {
    let mut bytes = [0_u8; RECOVERY_CODE_LEN];
    rand::rng().fill_bytes(&mut bytes);
    let symbols: Vec<char> = bytes
        .iter()
        .map(|b| char::from(BASE32[usize::from(b & 31)]))
        .collect();
    symbols
        .chunks(4)
        .map(|chunk| chunk.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A presented recovery code in canonical form (no separators, upper case), if it can be one.
pub fn normalize_recovery_code(code: &str) -> Option<String> {
    let clean: String = code
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (clean.len() == RECOVERY_CODE_LEN && clean.bytes().all(|b| BASE32.contains(&b)))
        .then_some(clean)
}

/// SHA-256 of salt and canonical code. Codes carry 80 random bits, so a fast hash suffices.
pub fn hash_recovery_code(salt: &[u8], canonical: &str) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(canonical.as_bytes());
    hasher.finalize().to_vec()
}

pub fn generate_salt() -> [u8; 16] {
    let mut salt = [0_u8; 16];
    rand::rng().fill_bytes(&mut salt);
    salt
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 (8-digit codes there; the last 6 digits here).
    #[test]
    fn codes_follow_rfc_6238() {
        let secret = b"12345678901234567890";
        assert_eq!(code_at(secret, 59).unwrap(), "287082");
        assert_eq!(code_at(secret, 1_111_111_109).unwrap(), "081804");
        assert_eq!(code_at(secret, 2_000_000_000).unwrap(), "279037");
    }

    #[test]
    fn codes_of_the_previous_current_and_next_steps_match_and_no_others() {
        let secret = generate_secret();
        let now = 1_800_000_015;
        let step = now / STEP_SECS;
        for delta in [-1_i64, 0, 1] {
            let at = (step as i64 + delta) as u64 * STEP_SECS;
            let code = code_at(&secret, at).unwrap();
            assert_eq!(
                matching_step(&secret, &code, now).unwrap(),
                Some(at / STEP_SECS)
            );
        }
        for delta in [-2_i64, 2] {
            let code = code_at(&secret, (step as i64 + delta) as u64 * STEP_SECS).unwrap();
            let current: Vec<String> = (-1..=1)
                .map(|d| code_at(&secret, (step as i64 + d) as u64 * STEP_SECS).unwrap())
                .collect();
            if !current.contains(&code) {
                assert_eq!(matching_step(&secret, &code, now).unwrap(), None);
            }
        }
        assert_eq!(matching_step(&secret, "12345", now).unwrap(), None);
        assert_eq!(matching_step(&secret, "abcdef", now).unwrap(), None);
    }

    #[test]
    fn enrollment_gives_an_otpauth_uri_and_a_qr_code() {
        let secret = generate_secret();
        let e = enrollment(&secret, "Support Portal", "bastien").unwrap();
        assert!(e.uri.starts_with("otpauth://totp/"), "{}", e.uri);
        assert!(e.uri.contains(&format!("secret={}", e.secret_base32)));
        assert!(e.qr_svg.contains("<svg"));
        assert_eq!(e.secret_base32.len(), 32);
    }

    #[test]
    fn recovery_codes_have_80_bits_and_normalise() {
        let code = generate_recovery_code();
        assert_eq!(code.len(), 19);
        let canonical = normalize_recovery_code(&code.to_lowercase()).unwrap();
        assert_eq!(canonical.len(), 16);
        assert_eq!(
            normalize_recovery_code(&canonical.replace('-', " ")),
            Some(canonical)
        );
        assert_eq!(normalize_recovery_code("1111-1111-1111-1111"), None);
        assert_ne!(code, generate_recovery_code());
    }
}
