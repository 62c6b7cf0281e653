//! Options and output shared by the commands that report findings.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use leakproof_core::report::{ReportFormat, ReportOptions, write_report};
use leakproof_core::{Finding, Severity, exit_code};
use leakproof_redact::Tally;

/// `--report` and `--fail-on`, shared by scan, audit and probe.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Report format: table, json, ndjson or sarif.
    #[arg(long, value_name = "FORMAT", default_value = "table")]
    pub report: ReportFormat,
    /// Exit with 1 when a finding is at or above this severity
    /// (info, low, medium, high, critical).
    #[arg(long, value_name = "LEVEL", default_value = "low")]
    pub fail_on: Severity,
}

impl ReportArgs {
    /// Writes the report to stdout and returns the exit code `--fail-on` asks for.
    pub fn emit(
        &self,
        command: &str,
        findings: &[Finding],
        summary: Option<serde_json::Value>,
    ) -> anyhow::Result<ExitCode> {
        let stdout = std::io::stdout();
        let options = ReportOptions {
            color: stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            command: command.to_string(),
            summary,
        };
        let mut out = stdout.lock();
        write_report(&mut out, self.report, findings, &options)?;
        out.flush()?;
        Ok(ExitCode::from(exit_code(findings, self.fail_on)))
    }
}

/// Where records come from: a file (with the root it was found under, for
/// `--out`) or standard input.
#[derive(Debug, Clone)]
pub enum Input {
    /// Standard input.
    Stdin,
    /// A file, and its path relative to the argument it was found under.
    File {
        /// The file.
        path: std::path::PathBuf,
        /// Its name relative to the argument (the file name for a file argument).
        relative: std::path::PathBuf,
    },
}

impl Input {
    /// A name for messages and reports.
    pub fn display(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_string(),
            Input::File { path, .. } => path.display().to_string(),
        }
    }
}

/// Expands path arguments: files as they are, directories recursively
/// (sorted, hidden entries skipped), no argument or `-` for stdin.
pub fn collect_inputs(paths: &[std::path::PathBuf]) -> anyhow::Result<Vec<Input>> {
    use anyhow::Context;
    if paths.is_empty() {
        return Ok(vec![Input::Stdin]);
    }
    let mut inputs = Vec::new();
    for arg in paths {
        if arg.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let meta =
            std::fs::metadata(arg).with_context(|| format!("cannot read {}", arg.display()))?;
        if meta.is_dir() {
            let mut stack = vec![arg.clone()];
            let mut files = Vec::new();
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir)
                    .with_context(|| format!("cannot list {}", dir.display()))?
                {
                    let entry = entry?;
                    let path = entry.path();
                    if entry.file_name().to_string_lossy().starts_with('.') {
                        continue;
                    }
                    if entry.file_type()?.is_dir() {
                        stack.push(path);
                    } else {
                        files.push(path);
                    }
                }
            }
            files.sort();
            for path in files {
                let relative = path.strip_prefix(arg).unwrap_or(&path).to_path_buf();
                inputs.push(Input::File { path, relative });
            }
        } else {
            let relative = arg
                .file_name()
                .map_or_else(|| arg.clone(), std::path::PathBuf::from);
            inputs.push(Input::File {
                path: arg.clone(),
                relative,
            });
        }
    }
    Ok(inputs)
}

/// Options shared by `redact` and `scan` for reading records.
#[derive(Debug, Clone, clap::Args)]
pub struct RecordArgs {
    /// Record format: auto (from the extension, else the content), text,
    /// ndjson, json, csv or tsv.
    #[arg(long, value_name = "FORMAT", default_value = "auto")]
    pub format: String,
    /// Policy file (TOML): entity types, operators, field rules, custom
    /// patterns, dictionaries, allowlists. Defaults: every type, masked.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<std::path::PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long = "threads", value_name = "THREADS")]
    pub threads: Option<usize>,
}

impl RecordArgs {
    /// The policy from `--policy`, or the default.
    pub fn load_policy(&self) -> anyhow::Result<leakproof_redact::Policy> {
        match &self.policy {
            Some(path) => Ok(leakproof_redact::Policy::from_file(path)?),
            None => Ok(leakproof_redact::Policy::default()),
        }
    }

    /// Sizes the worker pool.
    pub fn init_threads(&self) -> anyhow::Result<()> {
        if let Some(n) = self.threads {
            anyhow::ensure!(n > 0, "--threads must be at least 1");
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build_global()?;
        }
        Ok(())
    }

    /// The format for one input: `--format`, else its extension, else its
    /// first bytes.
    pub fn format_for(
        &self,
        input: &Input,
        head: &[u8],
    ) -> anyhow::Result<leakproof_redact::Format> {
        if self.format != "auto" {
            return self.format.parse().map_err(|e: String| anyhow::anyhow!(e));
        }
        if let Input::File { path, .. } = input {
            if let Some(format) = leakproof_redact::Format::from_path(path) {
                return Ok(format);
            }
        }
        Ok(leakproof_redact::Format::sniff(head))
    }
}

/// Opens an input for buffered reading.
pub fn open_input(input: &Input) -> anyhow::Result<Box<dyn std::io::BufRead>> {
    use anyhow::Context;
    Ok(match input {
        Input::Stdin => Box::new(std::io::BufReader::with_capacity(1 << 20, std::io::stdin())),
        Input::File { path, .. } => Box::new(std::io::BufReader::with_capacity(
            1 << 20,
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?,
        )),
    })
}

/// A progress bar on stderr for a file input when stderr is a terminal.
pub fn progress_for(input: &Input) -> Option<indicatif::ProgressBar> {
    let Input::File { path, .. } = input else {
        return None;
    };
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let len = std::fs::metadata(path).ok()?.len();
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

/// Prints the run summary to stderr: records in/out/quarantined, entities
/// per type, throughput. Never any value.
pub fn print_summary(
    command: &str,
    summary: &leakproof_redact::Summary,
    elapsed: std::time::Duration,
) {
    let secs = elapsed.as_secs_f64().max(1e-6);
    let mb = summary.bytes_in as f64 / 1e6;
    let mut line = format!(
        "leakproof {command}: {} records in, {} out, {} quarantined",
        summary.records_in, summary.records_out, summary.quarantined
    );
    if summary.malformed > 0 {
        line.push_str(&format!(
            " ({} unparseable, redacted as plain text)",
            summary.malformed
        ));
    }
    line.push_str(&format!(
        "; {mb:.2} MB in {secs:.2} s ({:.1} MB/s)",
        mb / secs
    ));
    eprintln!("{line}");
    eprintln!("  {}", entity_counts(&summary.tally));
}

/// `EMAIL 3, PHONE 1` for a summary line, or that nothing was found.
pub fn entity_counts(tally: &Tally) -> String {
    if tally.is_empty() {
        return "no PII or secrets found".to_string();
    }
    let parts: Vec<String> = tally
        .entities()
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    parts.join(", ")
}

/// The key for `hash` and `encrypt`: from `--key-file`, else `LEAKPROOF_KEY`.
pub fn load_keys(
    key_file: Option<&std::path::Path>,
) -> anyhow::Result<Option<leakproof_redact::Keys>> {
    use anyhow::Context;
    let secret = match key_file {
        Some(path) => Some(
            std::fs::read(path)
                .with_context(|| format!("cannot read key file {}", path.display()))?,
        ),
        None => {
            std::env::var_os("LEAKPROOF_KEY").map(|v| v.to_string_lossy().into_owned().into_bytes())
        }
    };
    secret
        .map(|s| leakproof_redact::Keys::from_secret(&s).map_err(anyhow::Error::from))
        .transpose()
}
