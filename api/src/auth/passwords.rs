//! Password hashing with Argon2id (m = 19456 KiB, t = 2, p = 1), off the async threads and on a
//! bounded number of blocking threads so a burst of logins cannot starve the server.

use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use prometheus_client::metrics::counter::Counter;
use rand::Rng;
use tokio::sync::Semaphore;

use crate::error::{ApiError, ApiResult};

fn argon2() -> ApiResult<Argon2<'static>> {
    let params =
        Params::new(19_456, 2, 1, None).map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes and checks passwords; at most `parallelism` hashes run at once.
#[derive(Debug, Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// A hash of a random password, checked when there is no real hash to check, so unknown
    /// logins cost the same time as known ones.
    dummy: Arc<tokio::sync::OnceCell<String>>,
    /// Password verifications run (real or dummy), exported as `portal_password_checks_total`.
    pub checks: Counter,
}

impl PasswordHasher {
    pub fn new(parallelism: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(parallelism.max(1))),
            dummy: Arc::new(tokio::sync::OnceCell::new()),
            checks: Counter::default(),
        }
    }

    /// Checks `password` against `phc`, or against a dummy hash when there is none: the same
    /// cost either way, and `false` without a real hash.
    pub async fn verify_or_dummy(&self, password: String, phc: Option<String>) -> ApiResult<bool> {
        match phc {
            Some(phc) => self.verify(password, phc).await,
            None => {
                let dummy = self
                    .dummy
                    .get_or_try_init(|| self.hash(generate_password()))
                    .await?
                    .clone();
                self.verify(password, dummy).await?;
                Ok(false)
            }
        }
    }

    /// A PHC string with a fresh random salt.
    pub async fn hash(&self, password: String) -> ApiResult<String> {
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2()?
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(|e| ApiError::internal(anyhow::anyhow!("hashing failed: {e}")))
        })
        .await
    }

    /// Whether `password` matches the stored PHC string. A malformed hash never matches.
    pub async fn verify(&self, password: String, phc: String) -> ApiResult<bool> {
        self.checks.inc();
        self.run(move || {
            let Ok(parsed) = PasswordHash::new(&phc) else {
                return Ok(false);
            };
            Ok(argon2()?
                .verify_password(password.as_bytes(), &parsed)
                .is_ok())
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(job)
            .await
            .map_err(ApiError::internal)?
    }
}

/// A random password for one-time credentials: 24 characters from a 56-symbol alphabet without
/// look-alikes (≈ 139 bits).
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..24)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_only_their_password_and_use_argon2id_with_the_agreed_cost() {
        let hasher = PasswordHasher::new(1);
        let hash = hasher.hash("correct horse battery".into()).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            hasher
                .verify("correct horse battery".into(), hash.clone())
                .await
                .unwrap()
        );
        assert!(!hasher.verify("wrong".into(), hash.clone()).await.unwrap());
        let again = hasher.hash("correct horse battery".into()).await.unwrap();
        assert_ne!(hash, again, "every hash has its own salt");
        assert!(
            !hasher
                .verify("x".into(), "not a phc string".into())
                .await
                .unwrap()
        );
    }

    #[test]
    fn generated_passwords_are_long_and_differ() {
        let a = generate_password();
        assert_eq!(a.len(), 24);
        assert_ne!(a, generate_password());
    }
}
