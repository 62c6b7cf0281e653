//! `leakproof redact`: the same data with PII and secrets replaced.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use leakproof_redact::{Operator, Redactor, StreamOptions, Summary, redact_stream};

use crate::common::{
    Input, RecordArgs, collect_inputs, load_keys, open_input, print_summary, progress_for,
};

/// Options of `leakproof redact`.
///
/// Writes each input with every PII value and secret replaced, keeping
/// keys, key order, numbers and untouched text byte for byte. A record that
/// cannot be parsed in its format is redacted as plain text (or set aside
/// with --quarantine) and counted; nothing is written through raw.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    records: RecordArgs,
    /// How values are replaced (overrides the policy's default operator):
    /// mask ([EMAIL]), hash (keyed pseudonym, same for every spelling),
    /// partial (last digits, email domain), encrypt (reversible with
    /// `leakproof reveal`), remove.
    #[arg(long, value_name = "OPERATOR")]
    operator: Option<Operator>,
    /// File holding the key for hash and encrypt (at least 16 bytes). The
    /// LEAKPROOF_KEY environment variable is used when this is not given.
    /// Keys are never accepted on the command line.
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// Write each input to DIR under its relative name instead of stdout.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Set records that cannot be parsed aside in FILE instead of redacting
    /// them as plain text. WARNING: this file holds those records RAW,
    /// unredacted; protect it like the input.
    #[arg(long, value_name = "FILE")]
    quarantine: Option<PathBuf>,
    /// Files or directories (recursively); none or `-` reads stdin.
    paths: Vec<PathBuf>,
}

/// Runs `leakproof redact`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    args.records.init_threads()?;
    let mut policy = args.records.load_policy()?;
    if let Some(op) = args.operator {
        policy.default_operator = op;
    }
    let keys = load_keys(args.key_file.as_deref())?;
    let redactor = Redactor::new(policy, keys)?;
    let inputs = collect_inputs(&args.paths)?;
    if args.out.is_some() && inputs.iter().any(|i| matches!(i, Input::Stdin)) {
        anyhow::bail!("--out needs file or directory inputs; stdin goes to stdout");
    }
    let mut quarantine = args
        .quarantine
        .as_ref()
        .map(|p| {
            File::create(p)
                .with_context(|| format!("cannot create quarantine file {}", p.display()))
                .map(BufWriter::new)
        })
        .transpose()?;
    let started = Instant::now();
    let mut total = Summary::default();
    let stdout = std::io::stdout();
    for input in &inputs {
        let mut reader = open_input(input)?;
        let head = reader.fill_buf()?.to_vec();
        let format = args.records.format_for(input, &head)?;
        let mut writer: Box<dyn Write> = match (&args.out, input) {
            (Some(dir), Input::File { relative, .. }) => {
                let target = dir.join(relative);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("cannot create {}", parent.display()))?;
                }
                Box::new(BufWriter::new(File::create(&target).with_context(
                    || format!("cannot create {}", target.display()),
                )?))
            }
            _ => Box::new(BufWriter::with_capacity(1 << 20, stdout.lock())),
        };
        let bar = progress_for(input);
        let summary = redact_stream(
            &redactor,
            format,
            &mut reader,
            &mut writer,
            quarantine.as_mut().map(|q| q as &mut dyn Write),
            &StreamOptions::default(),
            &mut |bytes| {
                if let Some(bar) = &bar {
                    bar.set_position(bytes);
                }
            },
        )
        .with_context(|| format!("while redacting {}", input.display()))?;
        writer.flush()?;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        total.merge(summary);
    }
    if let Some(q) = quarantine.as_mut() {
        q.flush()?;
    }
    print_summary("redact", &total, started.elapsed());
    Ok(ExitCode::SUCCESS)
}
