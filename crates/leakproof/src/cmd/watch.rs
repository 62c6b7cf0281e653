//! `leakproof watch` (being written on its own branch).

use std::process::ExitCode;

/// Options of `leakproof watch`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `leakproof watch`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`leakproof watch` is not built yet")
}
