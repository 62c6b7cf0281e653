//! `leakproof audit` (being written on its own branch).

use std::process::ExitCode;

/// Options of `leakproof audit`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `leakproof audit`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`leakproof audit` is not built yet")
}
