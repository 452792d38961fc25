//! The files received with one GraphQL multipart request, until a mutation keeps them.

use std::sync::{Mutex, PoisonError};

use super::StoredFile;

/// Files written to storage before the operation ran. The operation takes the ones it was
/// given; when it is over, the transport deletes those that no attachment row names, so a
/// refused or failed mutation leaves no file behind.
#[derive(Debug, Default)]
pub struct Uploads {
    files: Mutex<Vec<Slot>>,
}

#[derive(Debug)]
struct Slot {
    /// The index the request's placeholders use.
    index: usize,
    file: StoredFile,
    taken: bool,
}

impl Uploads {
    /// Adds the received file that placeholders call `index`.
    pub fn put(&self, index: usize, file: StoredFile) {
        let mut files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        files.push(Slot {
            index,
            file,
            taken: false,
        });
    }

    /// The file at `index`, if this request carried one that no argument took before: one file
    /// is never recorded twice.
    pub fn take(&self, index: usize) -> Option<StoredFile> {
        let mut files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = files
            .iter_mut()
            .find(|slot| slot.index == index && !slot.taken)?;
        slot.taken = true;
        Some(slot.file.clone())
    }

    /// The keys of every file received.
    pub fn keys(&self) -> Vec<String> {
        let files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        files.iter().map(|slot| slot.file.key.clone()).collect()
    }
}
