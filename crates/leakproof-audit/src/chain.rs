//! The combination rule: a datastore that answers without authentication
//! beyond loopback, and a network rule in the same input that lets the
//! whole internet reach the same port, make one critical finding.

use leakproof_core::Finding;

use crate::catalogue::known;
use crate::inputs::{InternetOpening, Unauthenticated};

pub(crate) fn combine(
    unauthenticated: &[Unauthenticated],
    openings: &[InternetOpening],
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for datastore in unauthenticated {
        let rules: Vec<&InternetOpening> = openings
            .iter()
            .filter(|o| o.port == datastore.port)
            .collect();
        if rules.is_empty() {
            continue;
        }
        let names: Vec<String> = rules
            .iter()
            .map(|o| format!("{} at {}", o.rule, file_line(&o.location)))
            .collect();
        let mut location = datastore.location.clone();
        location.resource = Some(format!("port {}", datastore.port));
        findings.push(
            known("LP-CHAIN-001")
                .finding(location)
                .with_message(format!(
                    "{} at {} answers without authentication ({}) and {} lets the whole internet reach port {}",
                    datastore.datastore,
                    file_line(&datastore.location),
                    datastore.why,
                    names.join(" and "),
                    datastore.port
                ))
                .with_evidence(format!("{}; {}", datastore.why, names.join("; ")))
                .with_property("port", datastore.port)
                .with_property("config", file_line(&datastore.location))
                .with_property("network_rules", names),
        );
    }
    findings
}

/// `path:line`, or the path alone when there is no line.
fn file_line(location: &leakproof_core::Location) -> String {
    let path = location.path.as_deref().unwrap_or("-");
    match location.line {
        Some(line) => format!("{path}:{line}"),
        None => path.to_string(),
    }
}
