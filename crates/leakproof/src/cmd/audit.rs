//! `leakproof audit`: datastore and network-rule misconfigurations in files.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::common::ReportArgs;

/// Options of `leakproof audit`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files and directories to audit (recursively). Kinds are recognised
    /// by name and content: elasticsearch.yml, opensearch.yml, kibana.yml,
    /// redis.conf, mongod.conf, postgresql.conf, pg_hba.conf, my.cnf,
    /// memcached options, Docker Compose, Kubernetes manifests, Azure NSG /
    /// AWS security group / GCP firewall JSON and Terraform plan JSON.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Runs `leakproof audit`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let report = leakproof_audit::audit_paths(&args.paths).context("audit failed")?;
    let summary = serde_json::json!({
        "files_checked": report.files_checked,
        "files_skipped": report.files_skipped,
        "rules": leakproof_audit::rules().len(),
    });
    args.report.emit("audit", &report.findings, Some(summary))
}
