//! `leakproof reveal` (being written on its own branch).

use std::process::ExitCode;

/// Options of `leakproof reveal`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `leakproof reveal`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`leakproof reveal` is not built yet")
}
