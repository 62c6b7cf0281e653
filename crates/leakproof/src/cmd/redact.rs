//! `leakproof redact` (being written on its own branch).

use std::process::ExitCode;

/// Options of `leakproof redact`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `leakproof redact`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`leakproof redact` is not built yet")
}
