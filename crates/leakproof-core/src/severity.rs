use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Finding;

/// How bad a finding is, from `info` to `critical`. Ordered: `Info < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing to fix.
    Info,
    /// A weakness with little exposure.
    Low,
    /// A weakness that matters in some deployments.
    Medium,
    /// Data is exposed or one step from it.
    High,
    /// Data is exposed now.
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The lowercase name used on the command line and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The SARIF `level` for this severity.
    pub fn sarif_level(self) -> &'static str {
        match self {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "note",
        }
    }

    /// The GitHub code-scanning `security-severity` score (0.0 to 10.0).
    pub fn security_score(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
            Severity::Info => "0.0",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A severity name that is not one of `info`, `low`, `medium`, `high`, `critical`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity {0:?}: expected one of info, low, medium, high, critical")]
pub struct ParseSeverityError(String);

impl FromStr for Severity {
    type Err = ParseSeverityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseSeverityError(s.to_string()))
    }
}

/// The process exit code for a set of findings: 1 when any finding is at or
/// above `fail_on`, 0 otherwise. (2, for usage and runtime errors, is the
/// binary's business.)
pub fn exit_code<'a>(findings: impl IntoIterator<Item = &'a Finding>, fail_on: Severity) -> u8 {
    if findings.into_iter().any(|f| f.severity >= fail_on) {
        1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Category, Location};

    #[test]
    fn parses_any_case_and_orders() {
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert_eq!(" low ".parse::<Severity>(), Ok(Severity::Low));
        assert!("severe".parse::<Severity>().is_err());
        assert!(Severity::Info < Severity::Low && Severity::High < Severity::Critical);
    }

    #[test]
    fn exit_code_honours_threshold() {
        let f = Finding::new(
            "LP-T-001",
            "t",
            Severity::Medium,
            Category::Config,
            Location::file("a"),
        );
        assert_eq!(exit_code([&f], Severity::Medium), 1);
        assert_eq!(exit_code([&f], Severity::High), 0);
        assert_eq!(exit_code([], Severity::Info), 0);
    }
}
