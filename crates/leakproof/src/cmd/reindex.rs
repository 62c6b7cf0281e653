//! `leakproof reindex`: redact an Elasticsearch/OpenSearch index into another.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use leakproof_redact::{Operator, Redactor};
use leakproof_reindex::{Auth, Connection, Endpoint, Options, Progress, ReadMode, Target, reindex};

use crate::common::{entity_counts, load_keys};

/// Options of `leakproof reindex`.
///
/// Reads every document of the source index (point in time + search_after,
/// or sliced scroll where the cluster has no PIT), redacts its _source with
/// the same engine and policy as `redact`, and writes it to the destination
/// index with _bulk, keeping _id and routing. Stop it any time: with
/// --checkpoint, the same command resumes where the destination last
/// acknowledged, without duplicating or skipping documents. Bulk items that
/// keep failing go to the reject file (redacted) and are counted; the run
/// ends with documents read = written + rejected.
///
/// Credentials come from files or the environment, never the command line:
/// --user with --password-file or LEAKPROOF_ES_PASSWORD, or --api-key-file
/// or LEAKPROOF_ES_API_KEY (the --dest-* variants and LEAKPROOF_ES_DEST_*
/// for a destination on another cluster; by default it uses the source's).
///
/// Exit codes: 0 all documents written (and --verify found nothing), 1
/// some documents rejected or --verify found PII, 2 error (resumable with
/// the checkpoint).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Source index: http(s)://HOST:PORT/INDEX.
    #[arg(long, value_name = "URL/INDEX")]
    source: String,
    /// Destination index: http(s)://HOST:PORT/INDEX (create it first to
    /// choose its mappings and settings).
    #[arg(long, value_name = "URL/INDEX")]
    dest: String,
    /// Policy file (TOML), as for `redact`. Defaults: every type, masked.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// How values are replaced (overrides the policy's default operator):
    /// mask, hash, partial, encrypt, remove.
    #[arg(long, value_name = "OPERATOR")]
    operator: Option<Operator>,
    /// Key for hash and encrypt (else LEAKPROOF_KEY).
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// Split the source into N slices (by _id, done by the cluster).
    #[arg(long, value_name = "N", default_value_t = 1)]
    slices: u32,
    /// Take only slice I (0-based) of --slices: one worker per machine,
    /// each with its own checkpoint. Without it, all slices run here in parallel.
    #[arg(long, value_name = "I")]
    slice: Option<u32>,
    /// Checkpoint file: resume from it if it exists; updated after every batch.
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
    /// Where rejected documents go, redacted, with id, status and error
    /// type (default: DEST_INDEX[.sliceI].rejects.ndjson).
    #[arg(long, value_name = "FILE")]
    reject_file: Option<PathBuf>,
    /// Documents per search page and per _bulk request.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    batch: usize,
    /// Retries of transient bulk failures (429, 5xx) before a reject.
    #[arg(long, value_name = "N", default_value_t = 3)]
    retries: u32,
    /// auto (PIT where available, else scroll), pit or scroll.
    #[arg(long, value_name = "MODE", default_value = "auto")]
    read_mode: ReadMode,
    /// How long the cluster keeps the PIT or scroll between pages.
    #[arg(long, value_name = "TIME", default_value = "5m")]
    keep_alive: String,
    /// After the run, scan the destination: exit 1 if anything at or above
    /// the policy's confidence threshold is still found.
    #[arg(long)]
    verify: bool,
    /// User for basic authentication (password from --password-file or LEAKPROOF_ES_PASSWORD).
    #[arg(long, value_name = "USER")]
    user: Option<String>,
    /// File holding the password for --user.
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
    /// File holding an API key (encoded, or id:key); else LEAKPROOF_ES_API_KEY.
    #[arg(long, value_name = "FILE")]
    api_key_file: Option<PathBuf>,
    /// User for the destination (default: the source's credentials).
    #[arg(long, value_name = "USER")]
    dest_user: Option<String>,
    /// Password file for --dest-user (else LEAKPROOF_ES_DEST_PASSWORD).
    #[arg(long, value_name = "FILE")]
    dest_password_file: Option<PathBuf>,
    /// API key file for the destination (else LEAKPROOF_ES_DEST_API_KEY).
    #[arg(long, value_name = "FILE")]
    dest_api_key_file: Option<PathBuf>,
    /// PEM file with the CA certificate(s) of the clusters, trusted in
    /// addition to the system roots.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
    /// Redaction threads (default: all cores).
    #[arg(short = 'j', long = "threads", value_name = "THREADS")]
    threads: Option<usize>,
    /// Seconds between progress lines when stderr is not a terminal.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    progress_interval: u64,
}

fn read_secret(path: &Path, what: &str) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the {what} file {}", path.display()))?;
    let secret = text.trim_end_matches(['\r', '\n']).to_string();
    anyhow::ensure!(
        !secret.is_empty(),
        "the {what} file {} is empty",
        path.display()
    );
    Ok(secret)
}

fn env_secret(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Credentials from files or the environment (`prefix` is LEAKPROOF_ES or
/// LEAKPROOF_ES_DEST); `None` when none are given.
fn auth_from(
    user: Option<&String>,
    password_file: Option<&PathBuf>,
    api_key_file: Option<&PathBuf>,
    prefix: &str,
) -> anyhow::Result<Option<Auth>> {
    let api_key = match api_key_file {
        Some(path) => Some(read_secret(path, "API key")?),
        None => env_secret(&format!("{prefix}_API_KEY")),
    };
    match (user, api_key) {
        (Some(_), Some(_)) if api_key_file.is_some() => {
            anyhow::bail!("give either a user and password or an API key, not both")
        }
        (Some(user), _) => {
            let password = match password_file {
                Some(path) => read_secret(path, "password")?,
                None => env_secret(&format!("{prefix}_PASSWORD")).with_context(|| {
                    format!("--user needs a password: --password-file or {prefix}_PASSWORD")
                })?,
            };
            Ok(Some(Auth::Basic {
                user: user.clone(),
                password,
            }))
        }
        (None, Some(key)) => Ok(Some(Auth::ApiKey(key))),
        (None, None) => {
            anyhow::ensure!(
                password_file.is_none(),
                "a password file needs a user name (--user / --dest-user)"
            );
            Ok(None)
        }
    }
}

/// Runs `leakproof reindex`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(n) = args.threads {
        anyhow::ensure!(n > 0, "--threads must be at least 1");
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()?;
    }
    let mut policy = match &args.policy {
        Some(path) => leakproof_redact::Policy::from_file(path)?,
        None => leakproof_redact::Policy::default(),
    };
    if let Some(op) = args.operator {
        policy.default_operator = op;
    }
    // The verification scans like `scan`: same detector, fields and
    // threshold, nothing keyed.
    let scan_policy = leakproof_redact::Policy {
        default_operator: Operator::Mask,
        operators: Default::default(),
        fields: policy
            .fields
            .iter()
            .cloned()
            .map(|mut f| {
                f.operator = None;
                f
            })
            .collect(),
        ..policy.clone()
    };
    let keys = load_keys(args.key_file.as_deref())?;
    let redactor = Arc::new(Redactor::new(policy, keys)?);
    let verify = if args.verify {
        Some(Arc::new(Redactor::new(scan_policy, None)?))
    } else {
        None
    };

    let source_auth = auth_from(
        args.user.as_ref(),
        args.password_file.as_ref(),
        args.api_key_file.as_ref(),
        "LEAKPROOF_ES",
    )?
    .unwrap_or_default();
    let dest_auth = auth_from(
        args.dest_user.as_ref(),
        args.dest_password_file.as_ref(),
        args.dest_api_key_file.as_ref(),
        "LEAKPROOF_ES_DEST",
    )?
    .unwrap_or_else(|| source_auth.clone());
    let ca_pem = args
        .ca_file
        .as_ref()
        .map(|p| std::fs::read(p).with_context(|| format!("cannot read CA file {}", p.display())))
        .transpose()?;
    let source = Target {
        endpoint: Endpoint::parse(&args.source).context("--source")?,
        connection: Connection {
            auth: source_auth,
            ca_pem: ca_pem.clone(),
            timeout: None,
        },
    };
    let dest = Target {
        endpoint: Endpoint::parse(&args.dest).context("--dest")?,
        connection: Connection {
            auth: dest_auth,
            ca_pem,
            timeout: None,
        },
    };
    let reject_file = args.reject_file.clone().unwrap_or_else(|| {
        PathBuf::from(match args.slice {
            Some(i) => format!("{}.slice{i}.rejects.ndjson", dest.endpoint.index()),
            None => format!("{}.rejects.ndjson", dest.endpoint.index()),
        })
    });
    let options = Options {
        slices: args.slices,
        slice: args.slice,
        batch: args.batch,
        checkpoint: args.checkpoint.clone(),
        reject_file: reject_file.clone(),
        retries: args.retries,
        read_mode: args.read_mode,
        keep_alive: args.keep_alive.clone(),
        verify,
    };

    let started = Instant::now();
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} docs {per_sec} {eta} {msg}",
        ) {
            bar.set_style(style);
        }
        bar
    });
    let interval = Duration::from_secs(args.progress_interval.max(1));
    let last_line = Mutex::new((Instant::now(), None::<u64>));
    let bar_for_progress = bar.clone();
    let progress = Arc::new(move |p: &Progress| {
        if let Some(bar) = &bar_for_progress {
            if let Some(total) = p.total {
                bar.set_length(total);
            }
            bar.set_position(p.read);
            if p.rejected > 0 {
                bar.set_message(format!("{} rejected", p.rejected));
            }
            return;
        }
        let Ok(mut last) = last_line.lock() else {
            return;
        };
        // The first call gives the counts a resumed run starts from.
        let base = *last.1.get_or_insert(p.read);
        if last.0.elapsed() >= interval {
            last.0 = Instant::now();
            let rate = (p.read - base) as f64 / started.elapsed().as_secs_f64().max(1e-3);
            let of = p.total.map(|t| format!("/{t}")).unwrap_or_default();
            eprintln!(
                "leakproof reindex: {}{of} read, {} written, {} rejected, {rate:.0} docs/s",
                p.read, p.written, p.rejected
            );
        }
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(reindex(&source, &dest, redactor, &options, progress));
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let report = result.with_context(|| {
        if args.checkpoint.is_some() {
            "reindex stopped; rerun the same command to resume from the checkpoint".to_string()
        } else {
            "reindex stopped (without --checkpoint a rerun starts over)".to_string()
        }
    })?;

    let elapsed = started.elapsed().as_secs_f64().max(1e-6);
    let this_run = report.read - report.resumed_from;
    eprintln!(
        "leakproof reindex: {} -> {} ({} read mode{})",
        source.endpoint,
        dest.endpoint,
        report.mode_name(),
        match args.slice {
            Some(i) => format!(", slice {i} of {}", args.slices),
            None if args.slices > 1 => format!(", {} slices", args.slices),
            None => String::new(),
        }
    );
    eprintln!(
        "  reconciled: {} read = {} written + {} rejected{}",
        report.read,
        report.written,
        report.rejected,
        match report.expected {
            Some(n) if n == report.read => format!("; the source holds {n}"),
            Some(n) =>
                format!("; WARNING: the source reported {n} (did it change during the run?)"),
            None => String::new(),
        }
    );
    if report.resumed_from > 0 || report.restarted_slices > 0 {
        eprintln!(
            "  resumed: {} already done, {} slice(s) started over",
            report.resumed_from, report.restarted_slices
        );
    }
    eprintln!(
        "  {this_run} documents in {elapsed:.2} s ({:.0} docs/s)",
        this_run as f64 / elapsed
    );
    if report.tally.is_empty() {
        eprintln!("  {}", entity_counts(&report.tally));
    } else {
        eprintln!("  replaced: {}", entity_counts(&report.tally));
    }
    if report.rejected > 0 {
        eprintln!(
            "  {} rejected document(s) listed in {} (redacted)",
            report.rejected,
            reject_file.display()
        );
    }
    let mut failed = report.rejected > 0;
    let verify_json = report.verify.as_ref().map(|v| {
        if v.findings.total() > 0 {
            failed = true;
            eprintln!(
                "  verify: FAILED, {} value(s) still found in {} destination documents: {:?}",
                v.findings.total(),
                v.documents,
                v.findings.by_name()
            );
        } else {
            eprintln!(
                "  verify: {} destination documents scanned, nothing found",
                v.documents
            );
        }
        serde_json::json!({ "documents": v.documents, "findings": v.findings.by_name() })
    });
    let summary = serde_json::json!({
        "source": source.endpoint.to_string(),
        "dest": dest.endpoint.to_string(),
        "mode": report.mode_name(),
        "read": report.read,
        "written": report.written,
        "rejected": report.rejected,
        "expected": report.expected,
        "resumed_from": report.resumed_from,
        "restarted_slices": report.restarted_slices,
        "seconds": elapsed,
        "entities": report.tally.by_name(),
        "verify": verify_json,
    });
    println!("{summary}");
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

trait ModeName {
    fn mode_name(&self) -> &'static str;
}

impl ModeName for leakproof_reindex::Report {
    fn mode_name(&self) -> &'static str {
        match self.mode {
            ReadMode::Pit => "point-in-time",
            ReadMode::Scroll => "sliced scroll",
            ReadMode::Auto => "auto",
        }
    }
}
