//! `leakproof rules` (being written on its own branch).

use std::process::ExitCode;

/// Options of `leakproof rules`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `leakproof rules`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`leakproof rules` is not built yet")
}
