//! GCP VPC firewall rules from `gcloud compute firewall-rules list
//! --format=json`: ingress only, disabled rules ignored, lower priority
//! number first, deny before allow at equal priority, implied deny last.

use super::netrules::{RuleSpec, cidrs, evaluate_ordered, report};
use super::{Output, SourceFile};
use crate::net::{AddrSet, PortSet};
use crate::tree::Node;

/// One firewall rule, as gcloud and Terraform both describe it.
#[derive(Debug, Clone)]
pub(crate) struct FirewallRule {
    pub name: String,
    pub priority: i64,
    pub ingress: bool,
    pub disabled: bool,
    pub deny: bool,
    pub source_ranges: Vec<String>,
    /// Source tags or service accounts: instances inside the network.
    pub internal_sources: bool,
    /// (protocol, ports) pairs; no ports means all ports.
    pub entries: Vec<(String, Vec<String>)>,
    pub target_tags: Vec<String>,
    pub line: u32,
}

/// Evaluates rules the VPC way and reports.
pub(crate) fn evaluate(
    file: &SourceFile<'_>,
    out: &mut Output,
    mut rules: Vec<FirewallRule>,
    ids: (&str, &str),
) {
    rules.retain(|r| r.ingress && !r.disabled);
    rules.sort_by_key(|r| (r.priority, !r.deny));
    let specs: Vec<RuleSpec> = rules
        .iter()
        .map(|r| {
            // gcloud defaults sourceRanges to 0.0.0.0/0 when no source is given.
            let mut sources = if r.source_ranges.is_empty() && !r.internal_sources {
                AddrSet::parse_cidr("0.0.0.0/0").unwrap_or_default()
            } else {
                cidrs(r.source_ranges.iter().map(String::as_str))
            };
            if r.internal_sources {
                sources = sources.union(&AddrSet::private());
            }
            let matches = r
                .entries
                .iter()
                .map(|(proto, ports)| {
                    let set = if ports.is_empty() {
                        PortSet::all()
                    } else {
                        PortSet::parse(&ports.join(",")).unwrap_or_default()
                    };
                    (proto.clone(), set)
                })
                .collect();
            let entries: Vec<String> = r
                .entries
                .iter()
                .map(|(p, ports)| {
                    if ports.is_empty() {
                        p.clone()
                    } else {
                        format!("{p}:{}", ports.join(","))
                    }
                })
                .collect();
            let targets = if r.target_tags.is_empty() {
                "all instances".to_string()
            } else {
                format!("tags {}", r.target_tags.join(","))
            };
            RuleSpec {
                allow: !r.deny,
                matches,
                sources,
                label: format!("{} (priority {})", r.name, r.priority),
                resource: r.name.clone(),
                line: r.line,
                evidence: format!(
                    "{} {} from {} to {targets}",
                    if r.deny { "deny" } else { "allow" },
                    entries.join(" "),
                    if r.source_ranges.is_empty() {
                        "0.0.0.0/0 (default)".to_string()
                    } else {
                        r.source_ranges.join(",")
                    }
                ),
            }
        })
        .collect();
    let openings = evaluate_ordered(&specs);
    report(file, out, &specs, &openings, ids.0, ids.1);
}

pub(crate) fn looks_like(doc: &Node) -> bool {
    doc.seq().iter().any(|r| {
        r.str_of("kind") == Some("compute#firewall")
            || (r.get("sourceRanges").is_some()
                && (r.get("allowed").is_some() || r.get("denied").is_some()))
    })
}

pub(crate) fn check(file: &SourceFile<'_>, doc: &Node, out: &mut Output) {
    let mut rules = Vec::new();
    for r in doc.seq() {
        let entries = |key: &str| -> Vec<(String, Vec<String>)> {
            r.get(key)
                .map(Node::seq)
                .unwrap_or_default()
                .iter()
                .map(|e| {
                    let ports = e
                        .get("ports")
                        .map(|p| p.strings().into_iter().map(String::from).collect())
                        .unwrap_or_default();
                    (e.str_of("IPProtocol").unwrap_or("all").to_string(), ports)
                })
                .collect()
        };
        let (allowed, denied) = (entries("allowed"), entries("denied"));
        let deny = allowed.is_empty() && !denied.is_empty();
        let strings = |key: &str| -> Vec<String> {
            r.get(key)
                .map(|n| n.strings().into_iter().map(String::from).collect())
                .unwrap_or_default()
        };
        rules.push(FirewallRule {
            name: r.str_of("name").unwrap_or("firewall-rule").to_string(),
            priority: r
                .str_of("priority")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1000),
            ingress: r
                .str_of("direction")
                .is_none_or(|d| d.eq_ignore_ascii_case("INGRESS")),
            disabled: r
                .str_of("disabled")
                .and_then(crate::text::parse_bool)
                .unwrap_or(false),
            deny,
            source_ranges: strings("sourceRanges"),
            internal_sources: r.get("sourceTags").is_some()
                || r.get("sourceServiceAccounts").is_some(),
            entries: if deny { denied } else { allowed },
            target_tags: strings("targetTags"),
            line: r.line,
        });
    }
    evaluate(file, out, rules, ("LP-GCP-001", "LP-GCP-002"));
}
