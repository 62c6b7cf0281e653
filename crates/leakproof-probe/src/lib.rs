//! Read-only, bounded probes that see a datastore as a stranger on the
//! internet sees it, and what data it would hand over.
//!
//! CONTRACT SKELETON: `Target`, `ProbeOptions`, `ProbeReport` and
//! `probe_targets` are the API that leakproof-watch codes against. The
//! implementation is being written on the `probe` branch.

use std::str::FromStr;
use std::time::Duration;

use leakproof_core::Finding;

/// An endpoint (or range of endpoints) the user owns and asked us to probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The target as the user wrote it.
    pub spec: String,
}

/// A target that cannot be parsed.
#[derive(Debug, thiserror::Error)]
#[error("invalid target {spec:?}: {reason}")]
pub struct TargetError {
    /// The target as written.
    pub spec: String,
    /// Why it is invalid.
    pub reason: String,
}

impl FromStr for Target {
    type Err = TargetError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Target {
            spec: s.to_string(),
        })
    }
}

/// How to probe.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Documents or values sampled per index/collection/keyspace (0: none).
    pub sample: usize,
    /// Targets probed at once.
    pub concurrency: usize,
    /// Time allowed per target.
    pub timeout: Duration,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            sample: 0,
            concurrency: 16,
            timeout: Duration::from_secs(10),
        }
    }
}

/// What a probe run found.
#[derive(Debug, Clone, Default)]
pub struct ProbeReport {
    /// Findings, including info findings for unreachable targets.
    pub findings: Vec<Finding>,
    /// How many endpoints were probed.
    pub endpoints_probed: usize,
}

/// Probes every target, bounded by `options`.
pub async fn probe_targets(targets: &[Target], options: &ProbeOptions) -> ProbeReport {
    let _ = (targets, options);
    ProbeReport::default()
}
