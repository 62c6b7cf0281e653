//! `leakproof probe`: see endpoints you own as a stranger sees them.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use leakproof_probe::{Credentials, ProbeOptions, Target, parse_targets_file};

use crate::common::ReportArgs;

/// Options of `leakproof probe`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Targets: host:port, a URL (http://, https://, redis://, postgres://,
    /// mongodb://, mysql://, memcached://) or a CIDR range with ports
    /// (10.0.0.0/30:6379,9200). Probe only endpoints you own.
    #[arg(value_name = "TARGET")]
    pub targets: Vec<String>,
    /// Read targets from a file: one a line, `#` comments.
    #[arg(long = "targets", value_name = "FILE")]
    pub targets_file: Option<PathBuf>,
    /// Scan up to N documents or values per index, table, collection or
    /// keyspace for PII (0: do not sample).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub sample: usize,
    /// TOML file of credentials for your endpoints (passwords from
    /// environment variables or files, never the command line).
    #[arg(long, value_name = "FILE")]
    pub credentials: Option<PathBuf>,
    /// Endpoints probed at once.
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub concurrency: usize,
    /// Time allowed per endpoint for the whole exchange (500ms, 5s, 1m).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Endpoints started per second at most.
    #[arg(long, value_name = "PER_SECOND")]
    pub rate: Option<f64>,
    /// The most bytes read for one response.
    #[arg(long, value_name = "BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_response_bytes: usize,
    /// Do not verify TLS certificates (self-signed endpoints you own).
    #[arg(long)]
    pub insecure: bool,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Parses `500ms`, `5s`, `2m` or a bare number of seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration (500ms, 5s, 1m)"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" => value * 60.0,
        _ => return Err(format!("unknown unit {unit:?} (use ms, s or m)")),
    };
    if seconds <= 0.0 || !seconds.is_finite() {
        return Err("the duration must be positive".to_string());
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Runs `leakproof probe`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut targets = Vec::new();
    if let Some(file) = &args.targets_file {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read targets file {}", file.display()))?;
        targets.extend(parse_targets_file(&text)?);
    }
    for spec in &args.targets {
        targets.push(spec.parse::<Target>()?);
    }
    if targets.is_empty() {
        bail!("no targets: give TARGET arguments or --targets FILE");
    }
    if args.concurrency == 0 {
        bail!("--concurrency must be at least 1");
    }
    if args.rate.is_some_and(|r| !(r > 0.0 && r.is_finite())) {
        bail!("--rate must be a positive number of endpoints per second");
    }
    let credentials = match &args.credentials {
        Some(path) => Credentials::load(path)?,
        None => Credentials::default(),
    };
    let options = ProbeOptions {
        sample: args.sample,
        concurrency: args.concurrency,
        timeout: args.timeout,
        rate: args.rate,
        max_response_bytes: args.max_response_bytes.max(1024),
        credentials,
        verify_tls: !args.insecure,
    };
    let report = leakproof_probe::probe_targets_blocking(&targets, &options)?;
    let summary = serde_json::json!({
        "targets": targets.len(),
        "endpoints_probed": report.endpoints_probed,
        "sample": args.sample,
    });
    args.report.emit("probe", &report.findings, Some(summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_durations() {
        assert_eq!(parse_duration("5s").unwrap(), Duration::from_secs(5));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("3").unwrap(), Duration::from_secs(3));
        assert!(parse_duration("5h").is_err());
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("fast").is_err());
    }
}
