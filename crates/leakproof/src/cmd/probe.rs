//! `leakproof probe` (being written on its own branch).

use std::process::ExitCode;

/// Options of `leakproof probe`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `leakproof probe`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`leakproof probe` is not built yet")
}
