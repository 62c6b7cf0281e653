//! `leakproof watch`: the daemon.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use leakproof_watch::{Config, DaemonOptions};

/// Options of `leakproof watch`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The config file (watched: valid changes apply without a restart).
    #[arg(long, value_name = "FILE", default_value = "leakproof.toml")]
    pub config: PathBuf,
    /// The findings store; overrides `[store] path`.
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

/// Logs go to stderr (stdout belongs to the `stdout` alert sink);
/// `LEAKPROOF_LOG` (or `RUST_LOG`) sets the filter, `info` by default.
fn init_logging() {
    let filter = std::env::var("LEAKPROOF_LOG")
        .ok()
        .or_else(|| std::env::var("RUST_LOG").ok())
        .unwrap_or_else(|| "info".to_string());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .try_init();
}

/// Runs `leakproof watch` until SIGINT or SIGTERM.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    init_logging();
    let config = Config::load(&args.config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let daemon = leakproof_watch::start(
            config,
            DaemonOptions {
                config_path: Some(args.config.clone()),
                db_override: args.db,
            },
        )
        .await?;
        eprintln!(
            "leakproof watch: API and dashboard on http://{}/",
            daemon.api_addr()
        );
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .context("installing the SIGTERM handler")?;
        let failed = tokio::select! {
            _ = tokio::signal::ctrl_c() => false,
            _ = terminate.recv() => false,
            () = daemon.stopped() => true,
        };
        daemon.shutdown().await;
        if failed {
            anyhow::bail!("the daemon stopped on a fatal error (see the log above)");
        }
        eprintln!("leakproof watch: stopped");
        Ok(ExitCode::SUCCESS)
    })
}
