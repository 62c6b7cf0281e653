//! The checkpoint file: where each slice stands, written atomically after
//! every batch the destination acknowledged, so a killed run resumes
//! without skipping a document (and without counting one twice).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ReindexError;

/// Bumped when the format changes incompatibly.
const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct Checkpoint {
    pub(crate) version: u32,
    pub(crate) source: String,
    pub(crate) dest: String,
    pub(crate) slices: u32,
    pub(crate) mode: String,
    pub(crate) pit_id: Option<String>,
    /// Length of the reject file when this checkpoint was written: a
    /// resumed run cuts the file back to it, so no reject is listed twice.
    pub(crate) reject_bytes: u64,
    pub(crate) states: Vec<SliceState>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub(crate) struct SliceState {
    pub(crate) id: u32,
    pub(crate) done: bool,
    /// The sort values of the last document written (PIT mode).
    pub(crate) search_after: Option<Value>,
    pub(crate) read: u64,
    pub(crate) written: u64,
    pub(crate) rejected: u64,
    /// Documents the source reported for this slice, once known.
    pub(crate) total: Option<u64>,
}

impl SliceState {
    pub(crate) fn fresh(id: u32) -> Self {
        SliceState {
            id,
            ..SliceState::default()
        }
    }

    /// Starts the slice over (its PIT or scroll is gone): writes are
    /// idempotent by `_id`, so re-reading from the start duplicates nothing.
    pub(crate) fn restart(&mut self) {
        *self = SliceState::fresh(self.id);
    }
}

impl Checkpoint {
    pub(crate) fn new(source: String, dest: String, slices: u32, ids: &[u32], mode: &str) -> Self {
        Checkpoint {
            version: VERSION,
            source,
            dest,
            slices,
            mode: mode.to_string(),
            pit_id: None,
            reject_bytes: 0,
            states: ids.iter().map(|id| SliceState::fresh(*id)).collect(),
        }
    }

    pub(crate) fn load(path: &Path) -> Result<Option<Self>, ReindexError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(checkpoint_io(path, e)),
        };
        let checkpoint: Checkpoint =
            serde_json::from_str(&text).map_err(|e| ReindexError::Checkpoint {
                path: path.to_path_buf(),
                message: format!("not a checkpoint file: {e}"),
            })?;
        if checkpoint.version != VERSION {
            return Err(ReindexError::Checkpoint {
                path: path.to_path_buf(),
                message: format!("checkpoint version {} is not supported", checkpoint.version),
            });
        }
        Ok(Some(checkpoint))
    }

    /// Writes the checkpoint atomically: a temp file, fsync, rename.
    pub(crate) fn save(&self, path: &Path) -> Result<(), ReindexError> {
        let tmp = tmp_path(path);
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| ReindexError::Checkpoint {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let write = || -> std::io::Result<()> {
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(&bytes)?;
            file.sync_data()?;
            std::fs::rename(&tmp, path)
        };
        write().map_err(|e| checkpoint_io(path, e))
    }

    pub(crate) fn totals(&self) -> (u64, u64, u64) {
        self.states.iter().fold((0, 0, 0), |(r, w, j), s| {
            (r + s.read, w + s.written, j + s.rejected)
        })
    }
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
}

fn checkpoint_io(path: &Path, e: std::io::Error) -> ReindexError {
    ReindexError::Checkpoint {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_atomically() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("run.checkpoint");
        assert_eq!(Checkpoint::load(&path).expect("absent is fine"), None);
        let mut c = Checkpoint::new("a".into(), "b".into(), 2, &[0, 1], "pit");
        c.states[1].search_after = Some(serde_json::json!([41]));
        c.states[1].read = 3;
        c.save(&path).expect("saves");
        assert_eq!(Checkpoint::load(&path).expect("loads"), Some(c.clone()));
        assert!(!tmp_path(&path).exists());
        c.states[1].restart();
        assert_eq!(c.states[1], SliceState::fresh(1));
        std::fs::write(&path, "{").expect("write");
        assert!(Checkpoint::load(&path).is_err());
    }
}
