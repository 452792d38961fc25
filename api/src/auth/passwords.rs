//! Password hashing with Argon2id (m = 19456 KiB, t = 2, p = 1), off the async threads, on a
//! fixed pool of threads that run at a lower scheduling priority (niceness +9): a burst of
//! logins takes the CPU the rest of the server leaves free instead of delaying every other
//! request, and still progresses when the server is busy (about a tenth of a contended core).

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use prometheus_client::metrics::counter::Counter;
use rand::Rng;
use tokio::sync::oneshot;

use crate::error::{ApiError, ApiResult};

fn argon2() -> ApiResult<Argon2<'static>> {
    let params =
        Params::new(19_456, 2, 1, None).map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

type Job = Box<dyn FnOnce() + Send>;

use super::limits::HASHES_QUEUED_PER_THREAD as QUEUED_PER_THREAD;

/// Hashes and checks passwords on `parallelism` dedicated threads; the threads end when the
/// last clone of the hasher is dropped.
#[derive(Debug, Clone)]
pub struct PasswordHasher {
    jobs: mpsc::SyncSender<Job>,
    /// A hash of a random password, checked when there is no real hash to check, so unknown
    /// logins cost the same time as known ones.
    dummy: Arc<tokio::sync::OnceCell<String>>,
    /// Password verifications run (real or dummy), exported as `portal_password_checks_total`.
    pub checks: Counter,
}

impl PasswordHasher {
    pub fn new(parallelism: usize) -> Self {
        Self::with_queue(parallelism, QUEUED_PER_THREAD * parallelism.max(1))
    }

    /// `parallelism` threads and at most `queued` jobs waiting; more get `SERVER_BUSY` at once
    /// instead of queueing without bound behind a flood of logins from many addresses.
    pub fn with_queue(parallelism: usize, queued: usize) -> Self {
        let (jobs, queue) = mpsc::sync_channel::<Job>(queued);
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..parallelism.max(1) {
            let queue = Arc::clone(&queue);
            let spawned = std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || work(&queue));
            if let Err(err) = spawned {
                tracing::error!(%err, "cannot start a password hashing thread");
            }
        }
        Self {
            jobs,
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
        let (done, result) = oneshot::channel();
        self.jobs
            .try_send(Box::new(move || {
                // A caller that has gone (request cancelled, client away) costs no hash.
                if done.is_closed() {
                    return;
                }
                // A panicking job must not take its thread (and, one by one, the pool) down.
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job))
                    .unwrap_or_else(|_| {
                        Err(ApiError::internal(anyhow::anyhow!(
                            "password hashing panicked"
                        )))
                    });
                let _ = done.send(result);
            }))
            .map_err(|err| match err {
                mpsc::TrySendError::Full(_) => ApiError::ServerBusy,
                mpsc::TrySendError::Disconnected(_) => {
                    ApiError::internal(anyhow::anyhow!("no password hashing thread"))
                }
            })?;
        result
            .await
            .map_err(|_| ApiError::internal(anyhow::anyhow!("a password hashing job was lost")))?
    }
}

/// A hashing thread: lowers its own priority, then runs jobs until the hasher is dropped.
fn work(queue: &Mutex<mpsc::Receiver<Job>>) {
    lower_priority();
    loop {
        let next = match queue.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        match next {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

/// Niceness +9 on Linux (scheduler weight 137 against 1024 for the request threads; the crate
/// maps 25 of its 0–100 scale to +9). Lowering one's own
/// priority needs no privilege; where it fails the thread runs at normal priority.
fn lower_priority() {
    use thread_priority::{ThreadPriority, ThreadPriorityValue};
    let Ok(value) = ThreadPriorityValue::try_from(25u8) else {
        return;
    };
    if let Err(err) =
        thread_priority::set_current_thread_priority(ThreadPriority::Crossplatform(value))
    {
        tracing::debug!(?err, "password hashing threads keep the normal priority");
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

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashing_runs_at_a_lower_priority_than_the_request_threads() {
        // Field 19 of /proc/thread-self/stat is the niceness (after the parenthesised name).
        fn niceness() -> i32 {
            let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
            let after_name = stat.rsplit_once(')').unwrap().1;
            after_name
                .split_whitespace()
                .nth(16)
                .unwrap()
                .parse()
                .unwrap()
        }
        let hasher = PasswordHasher::new(2);
        let ours = niceness();
        let theirs = hasher.run(|| Ok(niceness())).await.unwrap();
        assert!(
            theirs > ours,
            "hashing niceness {theirs}, request threads {ours}"
        );
    }

    #[tokio::test]
    async fn a_full_queue_answers_server_busy_instead_of_waiting() {
        let hasher = PasswordHasher::with_queue(1, 1);
        let (release, gate) = std::sync::mpsc::channel::<()>();
        let gate = Arc::new(Mutex::new(gate));
        // One job runs (blocked), one waits in the queue: the third is refused at once.
        let blocked = {
            let (hasher, gate) = (hasher.clone(), Arc::clone(&gate));
            tokio::spawn(async move {
                hasher
                    .run(move || {
                        let _ = gate.lock().map(|g| g.recv());
                        Ok(1)
                    })
                    .await
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let queued = {
            let hasher = hasher.clone();
            tokio::spawn(async move { hasher.run(|| Ok(2)).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert!(matches!(
            hasher.run(|| Ok(3)).await,
            Err(ApiError::ServerBusy)
        ));
        release.send(()).unwrap();
        assert_eq!(blocked.await.unwrap().unwrap(), 1);
        assert_eq!(queued.await.unwrap().unwrap(), 2);
        assert_eq!(
            hasher.run(|| Ok(4)).await.unwrap(),
            4,
            "accepted again once drained"
        );
    }

    #[test]
    fn generated_passwords_are_long_and_differ() {
        let a = generate_password();
        assert_eq!(a.len(), 24);
        assert_ne!(a, generate_password());
    }
}
