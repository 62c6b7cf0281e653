//! `leakproof scan` (being written on its own branch).

use std::process::ExitCode;

/// Options of `leakproof scan`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `leakproof scan`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`leakproof scan` is not built yet")
}
