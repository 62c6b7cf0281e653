//! `leakproof rules`: the audit rule catalogue.

use std::io::Write;
use std::process::ExitCode;

use anyhow::bail;
use leakproof_audit::Rule;

/// Options of `leakproof rules`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Output format: table or json.
    #[arg(long, value_name = "FORMAT", default_value = "table", global = true)]
    pub report: ListFormat,
}

/// Subcommands of `leakproof rules`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print one rule in full.
    Explain {
        /// The rule id, such as LP-ES-001.
        id: String,
    },
}

/// How the catalogue is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// Aligned columns for people.
    Table,
    /// A JSON array of rules.
    Json,
}

fn rule_json(rule: &Rule) -> serde_json::Value {
    serde_json::json!({
        "id": rule.id,
        "title": rule.title,
        "severity": rule.severity,
        "category": rule.category,
        "input": rule.input.as_str(),
        "description": rule.description,
        "remediation": rule.remediation,
        "references": rule.references,
    })
}

/// Runs `leakproof rules`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match args.command {
        None => list(&mut out, args.report),
        Some(Command::Explain { id }) => {
            let Some(rule) = leakproof_audit::rule(&id) else {
                bail!(
                    "unknown rule id {id:?}; run `leakproof rules` to list the {} rules",
                    leakproof_audit::rules().len()
                );
            };
            explain(&mut out, rule, args.report)
        }
    };
    match written.and_then(|()| Ok(out.flush()?)) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // `leakproof rules | head` closes the pipe early: not an error.
        Err(err) if is_broken_pipe(&err) => Ok(ExitCode::SUCCESS),
        Err(err) => Err(err),
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    let kind = err
        .downcast_ref::<std::io::Error>()
        .map(std::io::Error::kind)
        .or_else(|| {
            err.downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
        });
    kind == Some(std::io::ErrorKind::BrokenPipe)
}

fn list(out: &mut dyn Write, format: ListFormat) -> anyhow::Result<()> {
    let rules = leakproof_audit::rules();
    if format == ListFormat::Json {
        let all: Vec<serde_json::Value> = rules.iter().map(rule_json).collect();
        serde_json::to_writer_pretty(&mut *out, &all)?;
        writeln!(out)?;
        return Ok(());
    }
    let input_w = rules
        .iter()
        .map(|r| r.input.as_str().len())
        .max()
        .unwrap_or(5);
    writeln!(
        out,
        "{:<14}  {:<8}  {:<input_w$}  TITLE",
        "RULE", "SEVERITY", "INPUT"
    )?;
    for rule in rules {
        writeln!(
            out,
            "{:<14}  {:<8}  {:<input_w$}  {}",
            rule.id,
            rule.severity.as_str(),
            rule.input.as_str(),
            rule.title
        )?;
    }
    let mut per_input: Vec<(leakproof_audit::InputKind, usize)> = Vec::new();
    for rule in rules {
        match per_input.iter_mut().find(|(kind, _)| *kind == rule.input) {
            Some((_, n)) => *n += 1,
            None => per_input.push((rule.input, 1)),
        }
    }
    per_input.sort();
    let counts: Vec<String> = per_input
        .iter()
        .map(|(kind, n)| format!("{kind} {n}"))
        .collect();
    writeln!(
        out,
        "\n{} rules ({}); `leakproof rules explain ID` for one in full",
        rules.len(),
        counts.join(", ")
    )?;
    Ok(())
}

fn explain(out: &mut dyn Write, rule: &Rule, format: ListFormat) -> anyhow::Result<()> {
    if format == ListFormat::Json {
        serde_json::to_writer_pretty(&mut *out, &rule_json(rule))?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "{}  {}", rule.id, rule.title)?;
    writeln!(out, "severity:    {}", rule.severity)?;
    writeln!(out, "category:    {}", rule.category)?;
    writeln!(out, "input:       {}", rule.input)?;
    writeln!(out, "\n{}\n", rule.description)?;
    writeln!(out, "fix: {}", rule.remediation)?;
    if !rule.references.is_empty() {
        writeln!(out, "\nreferences:")?;
        for reference in rule.references {
            writeln!(out, "  {reference}")?;
        }
    }
    Ok(())
}
