//! `leakproof findings`: query the store kept by `watch`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use leakproof_core::Severity;
use leakproof_core::report::{ReportFormat, ReportOptions, write_report};
use leakproof_watch::store::FindingQuery;
use leakproof_watch::{Config, Store};

/// Which findings to list.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Status {
    /// Still reported by the last run.
    Open,
    /// No longer reported.
    Resolved,
    /// Both.
    All,
}

/// Output format.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// A table for people.
    Table,
    /// JSON: each finding with its status, first/last seen and severity history.
    Json,
}

/// Options of `leakproof findings`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The findings store (default: the config's `[store] path`, else the
    /// user data directory).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Read the store path from this watch config.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Which findings.
    #[arg(long, value_enum, default_value = "open")]
    pub status: Status,
    /// Only findings at or above this severity.
    #[arg(long, value_name = "LEVEL")]
    pub min_severity: Option<Severity>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub report: Format,
}

/// Runs `leakproof findings`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = match (&args.db, &args.config) {
        (Some(db), _) => db.clone(),
        (None, Some(config)) => Config::load(config)?.store_path(None)?,
        (None, None) => leakproof_watch::config::default_store_path()?,
    };
    if !path.exists() {
        anyhow::bail!(
            "no findings store at {} (start `leakproof watch` first, or pass --db)",
            path.display()
        );
    }
    let store = Store::open(&path)?;
    let query = FindingQuery {
        min_severity: args.min_severity,
        status: match args.status {
            Status::Open => Some("open".to_string()),
            Status::Resolved => Some("resolved".to_string()),
            Status::All => None,
        },
        ..FindingQuery::default()
    };
    let found = store.findings(&query)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.report {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &found)?;
            writeln!(out)?;
        }
        Format::Table => {
            let findings: Vec<_> = found.into_iter().map(|f| f.finding).collect();
            let options = ReportOptions {
                color: stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
                command: "findings".to_string(),
                summary: None,
            };
            write_report(&mut out, ReportFormat::Table, &findings, &options)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
