//! The shared model of a leakproof *finding*, and the report writers.
//!
//! Every part of leakproof (scan, audit, probe, watch) speaks in [`Finding`]s,
//! so that one report can say "this index is reachable from the internet
//! without credentials, and it holds 1,204 unredacted email addresses".
//!
//! Findings never carry raw PII or secrets: evidence is masked with the
//! helpers in [`mask`] before it is put into a finding.

mod finding;
pub mod mask;
pub mod report;
mod severity;

pub use finding::{Category, Finding, Location, fingerprint_of};
pub use severity::{ParseSeverityError, Severity, exit_code};

/// The name of the tool as it appears in reports.
pub const TOOL_NAME: &str = "leakproof";

/// The version of the tool as it appears in reports.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
