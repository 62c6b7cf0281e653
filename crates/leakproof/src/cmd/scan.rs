//! `leakproof scan`: report the PII and secrets in data, changing nothing.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use leakproof_core::{Category, Finding, Location, Severity};
use leakproof_detect::{EntityCategory, EntityType};
use leakproof_redact::{Redactor, StreamOptions, Summary, redact_stream};

use crate::common::{
    RecordArgs, ReportArgs, collect_inputs, open_input, print_summary, progress_for,
};

/// Options of `leakproof scan`.
///
/// Reports, per input, entity type and field, how many PII values and
/// secrets were found, with masked examples (never the values). Findings
/// use rule ids LP-PII-<TYPE> and LP-SECRET-<TYPE>; secrets, card numbers,
/// SSNs and IBANs are high, other personal data medium.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    records: RecordArgs,
    #[command(flatten)]
    report: ReportArgs,
    /// Files or directories (recursively); none or `-` reads stdin.
    paths: Vec<PathBuf>,
}

fn severity_of(entity: &str) -> (Severity, Category) {
    match EntityType::from_builtin_name(entity) {
        Some(t) if t.category() == EntityCategory::Secret => (Severity::High, Category::Secret),
        Some(EntityType::CreditCard | EntityType::UsSsn | EntityType::Iban) => {
            (Severity::High, Category::Pii)
        }
        _ => (Severity::Medium, Category::Pii),
    }
}

/// The findings for one input's summary.
fn findings_for(source: &str, summary: &Summary) -> Vec<Finding> {
    let mut findings = Vec::new();
    for ((entity, field), (count, examples)) in &summary.tally.fields {
        if entity == "REMOVED" {
            continue;
        }
        let (severity, category) = severity_of(entity);
        let prefix = if category == Category::Secret {
            "SECRET"
        } else {
            "PII"
        };
        let mut location = Location::file(source);
        let where_ = if field.is_empty() {
            String::new()
        } else {
            location = location.with_pointer(field.clone());
            format!(" in field {field}")
        };
        let noun = if *count == 1 { "value" } else { "values" };
        findings.push(
            Finding::new(format!("LP-{prefix}-{entity}"), format!("{entity} in data"), severity, category, location)
                .with_message(format!("{count} {entity} {noun}{where_}"))
                .with_evidence(examples.join(", "))
                .with_remediation("Redact before the data is stored or shared: `leakproof redact` with the same policy.")
                .with_property("count", *count)
                .with_property("entity", entity.clone()),
        );
    }
    findings
}

/// Runs `leakproof scan`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    args.records.init_threads()?;
    let policy = args.records.load_policy()?;
    // Scanning changes nothing, so keyed operators need no key: mask.
    let policy = leakproof_redact::Policy {
        default_operator: leakproof_redact::Operator::Mask,
        operators: Default::default(),
        fields: policy
            .fields
            .into_iter()
            .map(|mut f| {
                f.operator = None;
                f
            })
            .collect(),
        ..policy
    };
    let redactor = Redactor::new(policy, None)?.collecting_fields();
    let started = Instant::now();
    let mut total = Summary::default();
    let mut findings = Vec::new();
    let mut files = Vec::new();
    for input in collect_inputs(&args.paths)? {
        let mut reader = open_input(&input)?;
        let head = reader.fill_buf()?.to_vec();
        let format = args.records.format_for(&input, &head)?;
        let bar = progress_for(&input);
        let summary = redact_stream(
            &redactor,
            format,
            &mut reader,
            &mut std::io::sink(),
            None,
            &StreamOptions::default(),
            &mut |bytes| {
                if let Some(bar) = &bar {
                    bar.set_position(bytes);
                }
            },
        )
        .with_context(|| format!("while scanning {}", input.display()))?;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        findings.extend(findings_for(&input.display(), &summary));
        files.push(serde_json::json!({
            "input": input.display(),
            "format": format.as_str(),
            "records": summary.records_in,
            "unparseable": summary.malformed,
            "entities": summary.tally.by_name(),
        }));
        total.merge(summary);
    }
    print_summary("scan", &total, started.elapsed());
    let summary = serde_json::json!({
        "records": total.records_in,
        "unparseable": total.malformed,
        "entities": total.tally.by_name(),
        "inputs": files,
    });
    args.report.emit("scan", &findings, Some(summary))
}
