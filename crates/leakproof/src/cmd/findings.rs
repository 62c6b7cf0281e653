//! `leakproof findings` (being written on its own branch).

use std::process::ExitCode;

/// Options of `leakproof findings`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `leakproof findings`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`leakproof findings` is not built yet")
}
