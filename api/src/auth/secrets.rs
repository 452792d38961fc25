//! Encryption at rest of second-factor secrets (XChaCha20-Poly1305, key from configuration),
//! and keyed fingerprints of values that must be compared but not recovered.

use std::io::Write as _;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::config::Settings;

const NONCE_LEN: usize = 24;
const KEY_FILE: &str = "secret.key";

/// Seals and opens small secrets; each sealed value is bound to the account it belongs to.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
    /// Derived from the key; prefixes what [`SecretBox::fingerprint`] hashes.
    fingerprint_key: [u8; 32],
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(***)")
    }
}

impl SecretBox {
    pub fn new(key: &[u8; 32]) -> Self {
        let mut derive = Sha256::new();
        derive.update(b"support-portal fingerprint key\0");
        derive.update(key);
        Self {
            cipher: XChaCha20Poly1305::new(key.into()),
            fingerprint_key: derive.finalize().into(),
        }
    }

    /// A keyed SHA-256 (hex) of `parts`, each length-prefixed: equal parts give equal
    /// fingerprints under one key, and without the key a fingerprint cannot be matched by
    /// trying every likely value.
    pub fn fingerprint(&self, parts: &[&[u8]]) -> String {
        let mut hash = Sha256::new();
        hash.update(self.fingerprint_key);
        for part in parts {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part);
        }
        hash.finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    /// The configured key, or in development a key generated once into `data_dir/secret.key`.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let encoded = match &settings.auth.secret_key {
            Some(key) => key.expose().trim().to_owned(),
            None => load_or_create_key_file(&settings.data_dir.join(KEY_FILE))?,
        };
        let bytes = STANDARD
            .decode(encoded)
            .map_err(|_| anyhow::anyhow!("auth.secret_key is not valid base64"))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("auth.secret_key must be 32 bytes"))?;
        Ok(Self::new(&key))
    }

    /// Nonce followed by ciphertext.
    pub fn seal(&self, owner: Uuid, plaintext: &[u8]) -> anyhow::Result<Vec<u8>> {
        let mut nonce = [0_u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: owner.as_bytes(),
                },
            )
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// The plaintext, or an error if the value was not sealed for `owner` with this key.
    pub fn open(&self, owner: Uuid, sealed: &[u8]) -> anyhow::Result<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            anyhow::bail!("sealed value too short");
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: owner.as_bytes(),
                },
            )
            .map_err(|_| anyhow::anyhow!("cannot decrypt: wrong key or tampered value"))
    }
}

fn load_or_create_key_file(path: &Path) -> anyhow::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(key) => return Ok(key),
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            return Err(anyhow::anyhow!("cannot read {}: {err}", path.display()));
        }
        Err(_) => {}
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut key = [0_u8; 32];
    rand::rng().fill_bytes(&mut key);
    let encoded = STANDARD.encode(key);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(encoded.as_bytes())?;
            tracing::info!(path = %path.display(), "generated the development secret key");
            Ok(encoded)
        }
        // Another process created it first: use theirs.
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(std::fs::read_to_string(path)?)
        }
        Err(err) => Err(anyhow::anyhow!("cannot write {}: {err}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_for_their_owner_and_key() {
        let secrets = SecretBox::new(&[7; 32]);
        let owner = Uuid::from_u128(1);
        let sealed = secrets.seal(owner, b"twenty bytes secret!").unwrap();
        assert_ne!(&sealed[NONCE_LEN..], b"twenty bytes secret!");
        assert_eq!(
            secrets.open(owner, &sealed).unwrap(),
            b"twenty bytes secret!"
        );
        assert!(secrets.open(Uuid::from_u128(2), &sealed).is_err());
        assert!(SecretBox::new(&[8; 32]).open(owner, &sealed).is_err());
        let mut tampered = sealed.clone();
        tampered[NONCE_LEN] ^= 1;
        assert!(secrets.open(owner, &tampered).is_err());
        assert_ne!(
            secrets.seal(owner, b"x").unwrap(),
            secrets.seal(owner, b"x").unwrap()
        );
    }

    #[test]
    fn the_development_key_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            data_dir: dir.path().to_path_buf(),
            ..Settings::default()
        };
        let first = SecretBox::from_settings(&settings).unwrap();
        let sealed = first.seal(Uuid::nil(), b"abc").unwrap();
        let second = SecretBox::from_settings(&settings).unwrap();
        assert_eq!(second.open(Uuid::nil(), &sealed).unwrap(), b"abc");
    }
}
