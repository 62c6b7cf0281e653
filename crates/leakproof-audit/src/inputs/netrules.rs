//! Evaluating network rules for datastore ports, and reporting what they
//! open. Providers differ only in how rules are ordered: Azure and GCP
//! evaluate in priority order (first match wins), AWS unions allows.

use leakproof_core::Severity;

use super::{InternetOpening, Output, SourceFile};
use crate::catalogue::known;
use crate::net::{
    AddrSet, Opening, PortSet, Reach, describe_ports, group_by_rule, probes, protocol_matches,
};

/// One provider rule, normalised.
#[derive(Debug, Clone)]
pub(crate) struct RuleSpec {
    pub allow: bool,
    /// (protocol, ports) pairs; the rule matches when any pair does.
    pub matches: Vec<(String, PortSet)>,
    pub sources: AddrSet,
    /// How messages name the rule: `nsg-prod/allow-es (priority 100)`.
    pub label: String,
    /// What identifies the rule across edits (no priority, no position):
    /// the finding's resource, and so part of its fingerprint.
    pub resource: String,
    pub line: u32,
    /// The rule's own words, for evidence: `Allow Tcp from Internet to 9200`.
    pub evidence: String,
}

impl RuleSpec {
    fn matches(&self, port: u16, transport: crate::net::Transport) -> bool {
        self.matches
            .iter()
            .any(|(proto, ports)| protocol_matches(proto, transport) && ports.contains(port))
    }
}

/// First match wins, in the order given (callers sort by priority). Each
/// source address is decided by the first rule that covers it.
pub(crate) fn evaluate_ordered(rules: &[RuleSpec]) -> Vec<Opening> {
    let mut openings = Vec::new();
    for (port, transport) in probes() {
        let mut undecided = AddrSet::all();
        for (index, rule) in rules.iter().enumerate() {
            if undecided.is_empty() {
                break;
            }
            if !rule.matches(port, transport) {
                continue;
            }
            let decided = rule.sources.intersect(&undecided);
            undecided = undecided.minus(&decided);
            if rule.allow && !decided.is_empty() {
                openings.push(Opening {
                    rule: index,
                    port,
                    transport,
                    reach: decided.reach(),
                });
            }
        }
    }
    openings
}

/// Allow-only union: every rule contributes what it allows.
pub(crate) fn evaluate_union(rules: &[RuleSpec]) -> Vec<Opening> {
    let mut openings = Vec::new();
    for (port, transport) in probes() {
        for (index, rule) in rules.iter().enumerate() {
            if rule.allow && rule.matches(port, transport) && !rule.sources.is_empty() {
                openings.push(Opening {
                    rule: index,
                    port,
                    transport,
                    reach: rule.sources.reach(),
                });
            }
        }
    }
    openings
}

/// Reports one finding per rule that opens datastore ports beyond private
/// addresses: `internet_id` when the whole internet gets in, `public_id`
/// (medium, or low for a few named hosts) otherwise.
pub(crate) fn report(
    file: &SourceFile<'_>,
    out: &mut Output,
    rules: &[RuleSpec],
    openings: &[Opening],
    internet_id: &str,
    public_id: &str,
) {
    for (index, ports, reach) in group_by_rule(openings) {
        let Some(rule) = rules.get(index) else {
            continue;
        };
        let (catalogue_rule, severity) = match reach {
            Reach::Internet => (known(internet_id), known(internet_id).severity),
            Reach::PublicRanges => (known(public_id), Severity::Medium),
            Reach::FewPublicHosts | Reach::Private => (known(public_id), Severity::Low),
        };
        let location = crate::at(file.display, rule.line).with_resource(rule.resource.clone());
        let port_list: Vec<u16> = ports.iter().map(|(p, _)| *p).collect();
        if reach == Reach::Internet {
            for (port, transport) in &ports {
                if *transport == crate::net::Transport::Tcp {
                    out.internet_openings.push(InternetOpening {
                        port: *port,
                        rule: rule.label.clone(),
                        location: location.clone(),
                    });
                }
            }
        }
        out.findings.push(
            catalogue_rule
                .finding(location)
                .with_severity(severity)
                .with_message(format!(
                    "{} lets {} reach {}",
                    rule.label,
                    reach.describe(),
                    describe_ports(&ports)
                ))
                .with_evidence(rule.evidence.clone())
                .with_property("ports", port_list)
                .with_property("reach", reach.describe()),
        );
    }
}

/// Sources from CIDRs and addresses; anything else (names, tags) is left out.
pub(crate) fn cidrs<'a>(items: impl IntoIterator<Item = &'a str>) -> AddrSet {
    items
        .into_iter()
        .filter_map(AddrSet::parse_cidr)
        .fold(AddrSet::default(), |acc, set| acc.union(&set))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(allow: bool, source: &str, ports: &str) -> RuleSpec {
        RuleSpec {
            allow,
            matches: vec![("Tcp".into(), PortSet::parse(ports).unwrap())],
            sources: AddrSet::parse_cidr(source).unwrap(),
            label: format!("{allow} {source} {ports}"),
            resource: format!("{allow} {source} {ports}"),
            line: 1,
            evidence: String::new(),
        }
    }

    #[test]
    fn first_match_wins_and_deny_shadows_later_allow() {
        let rules = [
            spec(false, "0.0.0.0/0", "9200"),
            spec(true, "0.0.0.0/0", "*"),
        ];
        let openings = evaluate_ordered(&rules);
        assert!(openings.iter().all(|o| o.port != 9200), "{openings:?}");
        assert!(
            openings
                .iter()
                .any(|o| o.port == 6379 && o.reach == Reach::Internet)
        );
    }

    #[test]
    fn partial_deny_leaves_the_rest_open() {
        let rules = [
            spec(false, "203.0.113.0/24", "9200"),
            spec(true, "0.0.0.0/0", "9200"),
        ];
        let openings = evaluate_ordered(&rules);
        assert!(
            openings
                .iter()
                .any(|o| o.port == 9200 && o.rule == 1 && o.reach == Reach::Internet)
        );
    }

    #[test]
    fn union_reports_each_allow() {
        let rules = [
            spec(true, "10.0.0.0/8", "9200"),
            spec(true, "198.51.100.4/32", "9200"),
        ];
        let openings = evaluate_union(&rules);
        let reach: Vec<Reach> = openings.iter().map(|o| o.reach).collect();
        assert_eq!(reach, vec![Reach::Private, Reach::FewPublicHosts]);
    }
}
