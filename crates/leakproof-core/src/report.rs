//! Report writers: a human table, JSON, NDJSON and SARIF 2.1.0.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use serde_json::{Value, json};

use crate::{Finding, Severity, TOOL_NAME, TOOL_VERSION};

/// The report formats every command that reports findings offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportFormat {
    /// A table for people, coloured on a terminal.
    #[default]
    Table,
    /// One JSON document with the findings and a summary.
    Json,
    /// One finding per line, for log pipelines.
    Ndjson,
    /// SARIF 2.1.0, for code-scanning interfaces.
    Sarif,
}

impl ReportFormat {
    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Table => "table",
            ReportFormat::Json => "json",
            ReportFormat::Ndjson => "ndjson",
            ReportFormat::Sarif => "sarif",
        }
    }
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A report format name that is not one of `table`, `json`, `ndjson`, `sarif`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown report format {0:?}: expected one of table, json, ndjson, sarif")]
pub struct ParseReportFormatError(String);

impl FromStr for ReportFormat {
    type Err = ParseReportFormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "table" => Ok(ReportFormat::Table),
            "json" => Ok(ReportFormat::Json),
            "ndjson" | "jsonl" => Ok(ReportFormat::Ndjson),
            "sarif" => Ok(ReportFormat::Sarif),
            _ => Err(ParseReportFormatError(s.to_string())),
        }
    }
}

/// What a report says besides its findings.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Colour the table (when writing to a terminal).
    pub color: bool,
    /// The command that produced the report (`scan`, `audit`, `probe`), named
    /// in JSON and SARIF.
    pub command: String,
    /// Command-specific summary (counts per entity type, targets probed),
    /// written under `summary` in JSON and in SARIF run properties.
    pub summary: Option<Value>,
}

/// Writes `findings` in `format`, most severe first for the table.
pub fn write_report(
    out: &mut dyn Write,
    format: ReportFormat,
    findings: &[Finding],
    options: &ReportOptions,
) -> io::Result<()> {
    match format {
        ReportFormat::Table => write_table(out, findings, options),
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &json_report(findings, options))?;
            writeln!(out)
        }
        ReportFormat::Ndjson => {
            for finding in findings {
                serde_json::to_writer(&mut *out, finding)?;
                writeln!(out)?;
            }
            Ok(())
        }
        ReportFormat::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif_report(findings, options))?;
            writeln!(out)
        }
    }
}

/// Counts per severity, every severity present (zero where none).
pub fn counts_by_severity(findings: &[Finding]) -> BTreeMap<Severity, usize> {
    let mut counts: BTreeMap<Severity, usize> = Severity::ALL.iter().map(|s| (*s, 0)).collect();
    for finding in findings {
        *counts.entry(finding.severity).or_default() += 1;
    }
    counts
}

/// The JSON report document.
pub fn json_report(findings: &[Finding], options: &ReportOptions) -> Value {
    let by_severity: serde_json::Map<String, Value> = counts_by_severity(findings)
        .into_iter()
        .map(|(sev, n)| (sev.as_str().to_string(), json!(n)))
        .collect();
    json!({
        "tool": TOOL_NAME,
        "version": TOOL_VERSION,
        "command": options.command,
        "findings": findings,
        "counts": { "total": findings.len(), "by_severity": by_severity },
        "summary": options.summary.clone().unwrap_or(Value::Null),
    })
}

fn paint(text: &str, severity: Severity, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    let code = match severity {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Info => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

const MAX_LOCATION_WIDTH: usize = 60;

fn write_table(
    out: &mut dyn Write,
    findings: &[Finding],
    options: &ReportOptions,
) -> io::Result<()> {
    if findings.is_empty() {
        return writeln!(out, "No findings.");
    }
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.location.to_string().cmp(&b.location.to_string()))
    });
    let locations: Vec<String> = sorted
        .iter()
        .map(|f| truncate(&f.location.to_string(), MAX_LOCATION_WIDTH))
        .collect();
    let rule_w = sorted
        .iter()
        .map(|f| f.rule_id.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let loc_w = locations
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    writeln!(
        out,
        "{:<8}  {:<rule_w$}  {:<loc_w$}  FINDING",
        "SEVERITY", "RULE", "LOCATION"
    )?;
    let indent = " ".repeat(8 + 2 + rule_w + 2 + loc_w + 2);
    for (finding, location) in sorted.iter().zip(&locations) {
        let sev = format!("{:<8}", finding.severity.as_str());
        writeln!(
            out,
            "{}  {:<rule_w$}  {:<loc_w$}  {}",
            paint(&sev, finding.severity, options.color),
            finding.rule_id,
            location,
            finding.message
        )?;
        if let Some(evidence) = &finding.evidence {
            writeln!(out, "{indent}evidence: {evidence}")?;
        }
        if !finding.remediation.is_empty() {
            writeln!(out, "{indent}fix: {}", finding.remediation)?;
        }
    }
    let counts = counts_by_severity(findings);
    let parts: Vec<String> = counts
        .iter()
        .rev()
        .filter(|(_, n)| **n > 0)
        .map(|(sev, n)| format!("{n} {sev}"))
        .collect();
    writeln!(out, "\n{} findings: {}", findings.len(), parts.join(", "))
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let keep: String = text
        .chars()
        .rev()
        .take(max - 1)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("…{keep}")
}

/// Percent-encodes what may not stand in a SARIF `uri-reference`.
fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            b'\\' => out.push('/'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The SARIF 2.1.0 log for `findings`, with one rule entry per rule id.
pub fn sarif_report(findings: &[Finding], options: &ReportOptions) -> Value {
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules: Vec<Value> = Vec::new();
    for finding in findings {
        if rule_index.contains_key(finding.rule_id.as_str()) {
            continue;
        }
        rule_index.insert(&finding.rule_id, rules.len());
        let mut rule = json!({
            "id": finding.rule_id,
            "name": finding.rule_id.replace('-', ""),
            "shortDescription": { "text": finding.title },
            "defaultConfiguration": { "level": finding.severity.sarif_level() },
            "properties": {
                "tags": ["security", finding.category.as_str()],
                "security-severity": finding.severity.security_score(),
            },
        });
        if !finding.remediation.is_empty() {
            rule["help"] = json!({ "text": finding.remediation });
        }
        if let Some(uri) = finding.references.iter().find(|r| r.starts_with("http")) {
            rule["helpUri"] = json!(uri);
        }
        rules.push(rule);
    }
    let results: Vec<Value> = findings
        .iter()
        .map(|finding| {
            let mut result = json!({
                "ruleId": finding.rule_id,
                "ruleIndex": rule_index[finding.rule_id.as_str()],
                "level": finding.severity.sarif_level(),
                "message": { "text": finding.message },
                "partialFingerprints": { "leakproof/v1": finding.fingerprint },
                "properties": {
                    "severity": finding.severity.as_str(),
                    "category": finding.category.as_str(),
                },
            });
            if let Some(evidence) = &finding.evidence {
                result["properties"]["evidence"] = json!(evidence);
            }
            for (key, value) in &finding.properties {
                result["properties"][key] = value.clone();
            }
            result["locations"] = json!([sarif_location(finding)]);
            result
        })
        .collect();
    let mut run = json!({
        "tool": { "driver": {
            "name": TOOL_NAME,
            "version": TOOL_VERSION,
            "semanticVersion": TOOL_VERSION,
            "rules": rules,
        }},
        "results": results,
        "columnKind": "unicodeCodePoints",
    });
    if options.summary.is_some() || !options.command.is_empty() {
        run["properties"] = json!({
            "command": options.command,
            "summary": options.summary.clone().unwrap_or(Value::Null),
        });
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    })
}

fn sarif_location(finding: &Finding) -> Value {
    let loc = &finding.location;
    let mut value = json!({});
    if let Some(path) = &loc.path {
        let mut physical = json!({ "artifactLocation": { "uri": uri_reference(path) } });
        if let Some(line) = loc.line {
            physical["region"] = json!({ "startLine": line.max(1) });
            if let Some(col) = loc.column {
                physical["region"]["startColumn"] = json!(col.max(1));
            }
        }
        value["physicalLocation"] = physical;
    }
    let logical: Vec<&str> = [&loc.endpoint, &loc.resource, &loc.pointer]
        .iter()
        .filter_map(|p| p.as_deref())
        .collect();
    if !logical.is_empty() {
        value["logicalLocations"] = json!([{
            "fullyQualifiedName": logical.join("/"),
            "kind": if loc.endpoint.is_some() { "resource" } else { "member" },
        }]);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Category, Location};

    fn findings() -> Vec<Finding> {
        vec![
            Finding::new(
                "LP-ES-001",
                "Elasticsearch security disabled",
                Severity::High,
                Category::Config,
                Location::file("etc/elasticsearch.yml").with_line(3),
            )
            .with_evidence("xpack.security.enabled: false")
            .with_remediation("Set xpack.security.enabled: true.")
            .with_references(["https://www.elastic.co/guide/"]),
            Finding::new(
                "LP-PROBE-ES-002",
                "Index answers without credentials",
                Severity::Critical,
                Category::Exposure,
                Location::endpoint("127.0.0.1:9200").with_resource("support-cases"),
            )
            .with_message("Index support-cases holds 12 email addresses")
            .with_evidence("j***@c******.com"),
        ]
    }

    #[test]
    fn format_names_parse() {
        assert_eq!("SARIF".parse::<ReportFormat>(), Ok(ReportFormat::Sarif));
        assert_eq!("jsonl".parse::<ReportFormat>(), Ok(ReportFormat::Ndjson));
        assert!("xml".parse::<ReportFormat>().is_err());
    }

    #[test]
    fn table_sorts_by_severity_and_counts() {
        let mut out = Vec::new();
        write_report(
            &mut out,
            ReportFormat::Table,
            &findings(),
            &ReportOptions::default(),
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let crit = text.find("critical").unwrap();
        let high = text.find("high ").unwrap();
        assert!(crit < high, "{text}");
        assert!(text.contains("2 findings: 1 critical, 1 high"), "{text}");
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn ndjson_is_one_finding_per_line() {
        let mut out = Vec::new();
        write_report(
            &mut out,
            ReportFormat::Ndjson,
            &findings(),
            &ReportOptions::default(),
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let back: Finding = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(back.rule_id, "LP-PROBE-ES-002");
    }

    #[test]
    fn uri_reference_escapes_spaces() {
        assert_eq!(uri_reference("a b/c%.yml"), "a%20b/c%25.yml");
    }
}
