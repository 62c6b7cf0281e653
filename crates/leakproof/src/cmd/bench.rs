//! `leakproof bench` (being written on its own branch).

use std::process::ExitCode;

/// Options of `leakproof bench`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `leakproof bench`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`leakproof bench` is not built yet")
}
