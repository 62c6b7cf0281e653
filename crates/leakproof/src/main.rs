//! `leakproof`: the command-line face over the leakproof libraries.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod common;

/// Keeps customer data from leaking: redact PII and secrets in support
/// records, audit datastore and network-rule configuration, probe endpoints
/// you own as a stranger would, and watch all of it continuously.
///
/// Exit codes: 0 success (nothing at or above --fail-on), 1 findings at or
/// above --fail-on, 2 usage or runtime error.
#[derive(Debug, Parser)]
#[command(
    name = "leakproof",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the same data with PII and secrets replaced.
    Redact(cmd::redact::Args),
    /// Report the PII and secrets in data, changing nothing.
    Scan(cmd::scan::Args),
    /// Turn `encrypt` tokens back into the original values (needs the key).
    Reveal(cmd::reveal::Args),
    /// Work with policy files.
    #[command(subcommand)]
    Policy(cmd::policy::Command),
    /// Measure redaction throughput on a generated corpus of support records.
    Bench(cmd::bench::Args),
    /// Find datastore and network-rule misconfigurations in files.
    Audit(cmd::audit::Args),
    /// List the audit rule catalogue, or explain one rule.
    Rules(cmd::rules::Args),
    /// See endpoints you own as a stranger sees them, read-only.
    Probe(cmd::probe::Args),
    /// Run audit and probe continuously, store findings, alert on changes.
    Watch(cmd::watch::Args),
    /// Query the findings store kept by `watch`.
    Findings(cmd::findings::Args),
    /// Work with the alert sinks configured for `watch`.
    #[command(subcommand)]
    Alert(cmd::alert::Command),
    /// Redact an Elasticsearch/OpenSearch index into another, resumably.
    Reindex(Box<cmd::reindex::Args>),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Redact(args) => cmd::redact::run(args),
        Command::Scan(args) => cmd::scan::run(args),
        Command::Reveal(args) => cmd::reveal::run(args),
        Command::Policy(command) => cmd::policy::run(command),
        Command::Bench(args) => cmd::bench::run(args),
        Command::Audit(args) => cmd::audit::run(args),
        Command::Rules(args) => cmd::rules::run(args),
        Command::Probe(args) => cmd::probe::run(args),
        Command::Watch(args) => cmd::watch::run(args),
        Command::Findings(args) => cmd::findings::run(args),
        Command::Alert(command) => cmd::alert::run(command),
        Command::Reindex(args) => cmd::reindex::run(*args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("leakproof: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
