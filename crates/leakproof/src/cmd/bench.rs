//! `leakproof bench`: redaction throughput on generated support records,
//! against the floor of a plain parse-and-reserialize pass.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use leakproof_redact::{Format, Policy, Redactor, StreamOptions, corpus, redact_stream};
use rayon::prelude::*;

/// Options of `leakproof bench`.
///
/// Generates NDJSON support cases (nested customer details, descriptions
/// and notes with PII in standard and evasive spellings, decoys), then
/// measures MB/s of redaction with the default policy (or --policy) on one
/// thread and on all cores, and of serde_json parse + reserialize of the same lines (the
/// floor), printing medians of --runs runs and the ratios.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Corpus size in megabytes.
    #[arg(long, default_value_t = 64)]
    megabytes: usize,
    /// Runs per measurement (the median is reported).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Corpus seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Policy to redact with instead of the default (to measure the cost of
    /// a type, turn it off here).
    #[arg(long, value_name = "FILE")]
    policy: Option<std::path::PathBuf>,
    /// Write the generated corpus to FILE and exit without measuring, so
    /// that other tools (or a profiler) can run on the same records.
    #[arg(long, value_name = "FILE")]
    write_corpus: Option<std::path::PathBuf>,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn measure(runs: usize, bytes: usize, mut f: impl FnMut()) -> f64 {
    median(
        (0..runs.max(1))
            .map(|_| {
                let t = Instant::now();
                f();
                bytes as f64 / t.elapsed().as_secs_f64() / 1e6
            })
            .collect(),
    )
}

fn floor(lines: &[&str]) -> usize {
    lines
        .iter()
        .map(|line| {
            let value: serde_json::Value =
                serde_json::from_str(line).unwrap_or(serde_json::Value::Null);
            serde_json::to_string(&value).map_or(0, |s| s.len())
        })
        .sum()
}

/// Runs `leakproof bench`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let data = corpus::ndjson(args.seed, args.megabytes << 20);
    if let Some(path) = &args.write_corpus {
        std::fs::write(path, &data)
            .with_context(|| format!("cannot write the corpus to {}", path.display()))?;
        eprintln!(
            "corpus: {} records, {:.1} MB of NDJSON support cases (seed {}) written to {}",
            data.lines().count(),
            data.len() as f64 / 1e6,
            args.seed,
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let lines: Vec<&str> = data.lines().collect();
    let policy = match &args.policy {
        Some(path) => Policy::from_file(path)?,
        None => Policy::default(),
    };
    let redactor = Redactor::new(policy, None)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let redact_on = |threads: usize| -> anyhow::Result<f64> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        Ok(pool.install(|| {
            measure(args.runs, data.len(), || {
                let mut sink = std::io::sink();
                let _ = redact_stream(
                    &redactor,
                    Format::Ndjson,
                    &mut data.as_bytes(),
                    &mut sink,
                    None,
                    &StreamOptions::default(),
                    &mut |_| {},
                );
            })
        }))
    };
    let floor_on = |threads: usize| -> anyhow::Result<f64> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        Ok(pool.install(|| {
            measure(args.runs, data.len(), || {
                let n: usize = lines.par_chunks(4096).map(floor).sum();
                std::hint::black_box(n);
            })
        }))
    };
    eprintln!(
        "corpus: {} records, {:.1} MB of NDJSON support cases (seed {})",
        lines.len(),
        data.len() as f64 / 1e6,
        args.seed
    );
    let (r1, f1) = (redact_on(1)?, floor_on(1)?);
    let (rn, fn_) = (redact_on(cores)?, floor_on(cores)?);
    println!("threads  redact MB/s  parse+reserialize MB/s  redact/floor");
    println!(
        "{:>7}  {:>11.1}  {:>22.1}  {:>11.0}%",
        1,
        r1,
        f1,
        r1 / f1 * 100.0
    );
    println!(
        "{:>7}  {:>11.1}  {:>22.1}  {:>11.0}%",
        cores,
        rn,
        fn_,
        rn / fn_ * 100.0
    );
    println!(
        "per core on {cores} threads: {:.1} MB/s redact",
        rn / cores as f64
    );
    Ok(ExitCode::SUCCESS)
}
