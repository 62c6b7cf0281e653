//! `leakproof alert` (being written on its own branch).

use std::process::ExitCode;

/// Subcommands of `leakproof alert`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {}

/// Runs `leakproof alert`.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {}
}
