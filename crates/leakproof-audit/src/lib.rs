//! Finds datastore and network-rule misconfigurations in config files, cloud
//! network rules and infrastructure code.
//!
//! CONTRACT SKELETON: `audit_paths` and `AuditReport` are the API that
//! leakproof-watch codes against. The implementation is being written on
//! the `audit` branch.

use std::path::PathBuf;

use leakproof_core::Finding;

/// What an audit found.
#[derive(Debug, Clone, Default)]
pub struct AuditReport {
    /// Findings, including error findings for files that could not be parsed.
    pub findings: Vec<Finding>,
    /// How many files were recognised and checked.
    pub files_checked: usize,
}

/// Why an audit could not run at all (a single bad file is a finding, not an error).
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// A path given by the user does not exist or cannot be read.
    #[error("cannot read {path}: {source}")]
    Unreadable {
        /// The path as given.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Audits files and directories (recursively).
pub fn audit_paths(paths: &[PathBuf]) -> Result<AuditReport, AuditError> {
    let _ = paths;
    Ok(AuditReport::default())
}
