//! Attachment storage: an object store (a local directory by default, an S3-compatible bucket
//! as an option) that files are written to and read from as streams. While a file is written,
//! its size is checked against the limit, its SHA-256 computed and its type found from its
//! first bytes; nothing holds a whole file in memory.

pub mod names;
mod sniff;
mod uploads;

use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Datelike, Utc};
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, WriteMultipart};
use sha2::{Digest, Sha256};

pub use self::sniff::detect_type;
pub use self::uploads::Uploads;
use crate::config::Settings;

/// Bytes kept from the start of a file to detect its type.
const HEAD_BYTES: usize = 8 * 1024;
/// Parts written at once; S3 needs at least 5 MiB per part but the last.
const S3_PART_BYTES: usize = 5 * 1024 * 1024;
const LOCAL_PART_BYTES: usize = 256 * 1024;
/// Parts uploaded concurrently for one file.
const PARTS_IN_FLIGHT: usize = 2;

/// A file written to storage and not yet, or already, recorded as an attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// Where the storage keeps it.
    pub key: String,
    /// Sanitised.
    pub file_name: String,
    /// Detected from the content.
    pub content_type: String,
    pub size: u64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
}

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the attachment storage failed: {0}")]
    Storage(#[from] object_store::Error),
}

/// The attachment storage.
#[derive(Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    part_bytes: usize,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("store", &self.store.to_string())
            .finish()
    }
}

impl FileStore {
    /// The store the settings name: `storage.s3`, or else the local directory.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let Some(s3) = &settings.storage.s3 else {
            let dir = settings.attachments_dir();
            std::fs::create_dir_all(&dir).map_err(|err| {
                anyhow::anyhow!("cannot create the attachments directory {dir:?}: {err}")
            })?;
            let local = LocalFileSystem::new_with_prefix(&dir)?.with_automatic_cleanup(true);
            return Ok(Self {
                store: Arc::new(local),
                part_bytes: LOCAL_PART_BYTES,
            });
        };
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&s3.bucket)
            .with_region(&s3.region)
            .with_allow_http(s3.allow_http)
            .with_virtual_hosted_style_request(false);
        if let Some(endpoint) = &s3.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        if let Some(id) = &s3.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &s3.secret_access_key {
            builder = builder.with_secret_access_key(secret.expose());
        }
        let bucket = builder.build()?;
        let store: Arc<dyn ObjectStore> = if s3.prefix.is_empty() {
            Arc::new(bucket)
        } else {
            Arc::new(PrefixStore::new(bucket, s3.prefix.as_str()))
        };
        Ok(Self {
            store,
            part_bytes: S3_PART_BYTES,
        })
    }

    /// Starts writing a new file, at a key of its own.
    pub async fn create(&self, now: DateTime<Utc>, limit: u64) -> Result<FileWriter, WriteError> {
        let key = format!(
            "attachments/{:04}/{:02}/{}",
            now.year(),
            now.month(),
            uuid::Uuid::now_v7().simple()
        );
        let upload = self.store.put_multipart(&Path::from(key.as_str())).await?;
        Ok(FileWriter {
            key,
            upload: WriteMultipart::new_with_chunk_size(upload, self.part_bytes),
            hasher: Sha256::new(),
            size: 0,
            limit,
            head: Vec::with_capacity(HEAD_BYTES),
        })
    }

    /// Stores bytes already in memory (demo data), with no size limit.
    pub async fn put_bytes(
        &self,
        now: DateTime<Utc>,
        file_name: &str,
        bytes: Bytes,
    ) -> Result<StoredFile, WriteError> {
        let mut writer = self.create(now, u64::MAX).await?;
        writer.write(bytes).await?;
        writer.finish(file_name).await
    }

    /// The file's size and its bytes as a stream.
    pub async fn open(
        &self,
        key: &str,
    ) -> Result<(u64, BoxStream<'static, std::io::Result<Bytes>>), object_store::Error> {
        let found = self.store.get(&Path::from(key)).await?;
        let size = found.meta.size;
        let stream = found.into_stream().map_err(std::io::Error::other).boxed();
        Ok((size, stream))
    }

    /// The keys of the files stored in the month of `month` and last written before `before`.
    pub async fn written_before(
        &self,
        month: DateTime<Utc>,
        before: DateTime<Utc>,
    ) -> Result<Vec<String>, object_store::Error> {
        let prefix = Path::from(format!(
            "attachments/{:04}/{:02}",
            month.year(),
            month.month()
        ));
        self.store
            .list(Some(&prefix))
            .try_filter(|meta| std::future::ready(meta.last_modified < before))
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await
    }

    /// Every key in the store (for tests).
    pub async fn keys(&self) -> Result<Vec<String>, object_store::Error> {
        self.store
            .list(None)
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await
    }

    /// Removes files; a failure is logged, not returned (the rows that named them are gone).
    pub async fn delete_all(&self, keys: impl IntoIterator<Item = String>) {
        for key in keys {
            if let Err(err) = self.store.delete(&Path::from(key.as_str())).await {
                tracing::warn!(%err, key, "cannot delete an attachment file");
            }
        }
    }
}

/// A file being written.
pub struct FileWriter {
    key: String,
    upload: WriteMultipart,
    hasher: Sha256,
    size: u64,
    limit: u64,
    head: Vec<u8>,
}

impl FileWriter {
    /// Appends bytes; past the limit the file is dropped and `TooLarge` returned.
    pub async fn write(&mut self, chunk: Bytes) -> Result<(), WriteError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(WriteError::TooLarge { limit: self.limit });
        }
        if self.head.len() < HEAD_BYTES {
            let take = chunk.len().min(HEAD_BYTES - self.head.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(&chunk);
        self.upload.wait_for_capacity(PARTS_IN_FLIGHT).await?;
        self.upload.put(chunk);
        Ok(())
    }

    /// Completes the file.
    pub async fn finish(self, file_name: &str) -> Result<StoredFile, WriteError> {
        let complete = self.size <= HEAD_BYTES as u64;
        let content_type = detect_type(&self.head, complete).to_owned();
        self.upload.finish().await?;
        Ok(StoredFile {
            key: self.key,
            file_name: names::sanitise(file_name),
            content_type,
            size: self.size,
            sha256: hex(&self.hasher.finalize()),
        })
    }

    /// Drops what was written.
    pub async fn abort(self) {
        if let Err(err) = self.upload.abort().await {
            tracing::warn!(%err, key = self.key, "cannot abort an attachment upload");
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(dir: &std::path::Path) -> FileStore {
        let mut settings = Settings::default();
        settings.storage.dir = Some(dir.to_path_buf());
        FileStore::from_settings(&settings).unwrap()
    }

    #[tokio::test]
    async fn a_file_is_written_in_chunks_and_read_back_with_its_checksum_and_type() {
        let dir = tempfile::tempdir().unwrap();
        let store = local(dir.path());
        let mut writer = store.create(Utc::now(), 1_000_000).await.unwrap();
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        writer.write(Bytes::from(png.clone())).await.unwrap();
        let filler = vec![7u8; 300_000];
        writer.write(Bytes::from(filler.clone())).await.unwrap();
        let stored = writer.finish("../../etc/screen shot.png").await.unwrap();
        assert_eq!(stored.file_name, "screen shot.png");
        assert_eq!(stored.content_type, "image/png");
        assert_eq!(stored.size, (png.len() + filler.len()) as u64);
        let mut all = png.clone();
        all.extend_from_slice(&filler);
        assert_eq!(stored.sha256, hex(&Sha256::digest(&all)));

        let (size, stream) = store.open(&stored.key).await.unwrap();
        assert_eq!(size, stored.size);
        let read: Vec<Bytes> = stream.try_collect().await.unwrap();
        assert_eq!(read.concat(), all);

        store.delete_all([stored.key.clone()]).await;
        assert!(store.open(&stored.key).await.is_err());
    }

    #[tokio::test]
    async fn a_file_past_the_limit_is_refused_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = local(dir.path());
        let mut writer = store.create(Utc::now(), 10).await.unwrap();
        writer.write(Bytes::from_static(b"12345")).await.unwrap();
        let refused = writer.write(Bytes::from_static(b"678901")).await;
        assert!(matches!(refused, Err(WriteError::TooLarge { limit: 10 })));
        writer.abort().await;
        let left: Vec<_> = walk(dir.path());
        assert!(left.is_empty(), "{left:?}");
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.extend(walk(&path));
            } else {
                files.push(path);
            }
        }
        files
    }
}
