//! Continuous audit and probe: a findings store that diffs runs, alerts on
//! changes through an outbox that survives restarts and sink outages, a
//! read-only HTTP API with Prometheus metrics, and a dashboard.
//!
//! Start a daemon with [`start`]; stop it with [`DaemonHandle::shutdown`].

#![warn(missing_docs)]

pub mod alert;
mod api;
pub mod config;
mod daemon;
mod delivery;
pub mod store;

pub use config::Config;
pub use daemon::{DaemonHandle, DaemonOptions, start};
pub use store::Store;

/// Why the watch daemon (or one of its parts) could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The configuration is invalid.
    #[error("config: {0}")]
    Config(String),
    /// An I/O operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] rusqlite::Error),
    /// The store was written by a newer leakproof (its schema is ahead).
    #[error("store schema version {found} is newer than this leakproof knows ({known})")]
    StoreTooNew {
        /// The store's schema version.
        found: usize,
        /// The newest version this build knows.
        known: usize,
    },
    /// A stored record could not be (de)serialised.
    #[error("store record: {0}")]
    Json(#[from] serde_json::Error),
    /// The API would listen beyond loopback without a token.
    #[error(
        "refusing to serve the API on {0} without a token: a non-loopback address needs [api] token_env or token_file"
    )]
    Unprotected(std::net::SocketAddr),
    /// File-change notification could not be set up.
    #[error("file watch: {0}")]
    Notify(#[from] notify::Error),
}
