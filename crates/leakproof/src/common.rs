//! Options and output shared by the commands that report findings.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use leakproof_core::report::{ReportFormat, ReportOptions, write_report};
use leakproof_core::{Finding, Severity, exit_code};

/// `--report` and `--fail-on`, shared by scan, audit and probe.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Report format: table, json, ndjson or sarif.
    #[arg(long, value_name = "FORMAT", default_value = "table")]
    pub report: ReportFormat,
    /// Exit with 1 when a finding is at or above this severity
    /// (info, low, medium, high, critical).
    #[arg(long, value_name = "LEVEL", default_value = "low")]
    pub fail_on: Severity,
}

impl ReportArgs {
    /// Writes the report to stdout and returns the exit code `--fail-on` asks for.
    #[allow(dead_code)] // used by scan, audit and probe as they land
    pub fn emit(
        &self,
        command: &str,
        findings: &[Finding],
        summary: Option<serde_json::Value>,
    ) -> anyhow::Result<ExitCode> {
        let stdout = std::io::stdout();
        let options = ReportOptions {
            color: stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            command: command.to_string(),
            summary,
        };
        let mut out = stdout.lock();
        write_report(&mut out, self.report, findings, &options)?;
        out.flush()?;
        Ok(ExitCode::from(exit_code(findings, self.fail_on)))
    }
}
