//! `leakproof alert`: work with the alert sinks configured for `watch`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use leakproof_watch::Config;
use leakproof_watch::alert::{Sink, test_payload};

/// Subcommands of `leakproof alert`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Send a test alert to every configured sink and report each result
    /// (exit 2 if any failed).
    Test {
        /// The watch config file.
        #[arg(long, value_name = "FILE", default_value = "leakproof.toml")]
        config: PathBuf,
    },
}

/// Runs `leakproof alert`.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Test { config } => test(&config),
    }
}

fn test(path: &std::path::Path) -> anyhow::Result<ExitCode> {
    let config = Config::load(path)?;
    if config.alert.is_empty() {
        anyhow::bail!("{} has no [[alert]] sinks", path.display());
    }
    let sinks = Sink::all(&config)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let mut failed = 0;
    for sink in &sinks {
        let result = runtime.block_on(sink.send(&test_payload()));
        match result {
            Ok(()) => eprintln!("{}: ok", sink.name),
            Err(err) => {
                failed += 1;
                eprintln!("{}: FAILED: {err}", sink.name);
            }
        }
    }
    eprintln!("{} of {} sinks ok", sinks.len() - failed, sinks.len());
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
