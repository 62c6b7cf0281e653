//! `leakproof policy` (being written on its own branch).

use std::process::ExitCode;

/// Subcommands of `leakproof policy`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {}

/// Runs `leakproof policy`.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {}
}
