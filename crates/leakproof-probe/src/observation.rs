//! What a probe saw at one endpoint, built up as the conversation goes (so a
//! probe cut short by its timeout still reports what it learnt), and the
//! findings made from it.

use std::collections::BTreeMap;

use leakproof_core::{Category, Finding, Location, Severity};
use leakproof_detect::{Detector, EntityCategory, EntityType};
use serde_json::{Value, json};

use crate::net::ProbeError;

/// Rule: the endpoint did not accept a connection.
pub const RULE_UNREACHABLE: &str = "LP-PROBE-001";
/// Rule: something answered, but no known datastore protocol.
pub const RULE_UNIDENTIFIED: &str = "LP-PROBE-002";
/// Rule: the probe was cut short (timeout, oversized or malformed response).
pub const RULE_INCOMPLETE: &str = "LP-PROBE-003";
/// Rule: the service refuses strangers.
pub const RULE_LOCKED: &str = "LP-PROBE-100";
/// Rule: the service answers strangers.
pub const RULE_OPEN: &str = "LP-PROBE-101";
/// Rule: a sampled resource holds unredacted PII or secrets.
pub const RULE_PII: &str = "LP-PROBE-201";

/// How the endpoint treats a stranger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Access {
    /// Answers without credentials.
    Open,
    /// Refuses without credentials; `detail` says how.
    Locked { detail: String },
    /// Refuses strangers, and accepted the credentials the user supplied.
    LockedCredentialsAccepted { detail: String },
}

/// A PII tally over sampled documents of one resource.
#[derive(Debug, Clone, Default)]
pub(crate) struct SampleStats {
    pub(crate) documents: usize,
    counts: BTreeMap<EntityType, usize>,
    examples: BTreeMap<EntityType, Vec<String>>,
}

/// Masked examples kept per entity type, enough to find the values again.
const EXAMPLES_PER_ENTITY: usize = 3;

impl SampleStats {
    /// Scans one sampled document (or value) with the detector.
    pub(crate) fn add_document(&mut self, detector: &Detector, text: &str) {
        self.documents += 1;
        for detection in detector.detect(text) {
            *self.counts.entry(detection.entity.clone()).or_default() += 1;
            let examples = self.examples.entry(detection.entity.clone()).or_default();
            let masked = detection.masked();
            if examples.len() < EXAMPLES_PER_ENTITY && !examples.contains(&masked) {
                examples.push(masked);
            }
        }
    }

    fn total(&self) -> usize {
        self.counts.values().sum()
    }
}

/// A named thing at an endpoint: index, database, table, keyspace, slab.
#[derive(Debug, Clone)]
pub(crate) struct Resource {
    pub(crate) kind: &'static str,
    pub(crate) name: String,
    pub(crate) properties: BTreeMap<String, Value>,
    pub(crate) sample: Option<SampleStats>,
}

impl Resource {
    pub(crate) fn new(kind: &'static str, name: impl Into<String>) -> Self {
        Resource {
            kind,
            name: name.into(),
            properties: BTreeMap::new(),
            sample: None,
        }
    }

    pub(crate) fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.properties.insert(key.to_string(), value.into());
        self
    }
}

/// Everything learnt at one endpoint.
#[derive(Debug, Clone, Default)]
pub(crate) struct Observation {
    pub(crate) service: Option<&'static str>,
    pub(crate) access: Option<Access>,
    pub(crate) version: Option<String>,
    pub(crate) facts: BTreeMap<String, Value>,
    pub(crate) resources: Vec<Resource>,
    /// Set when the service handed over data (documents, rows, values).
    pub(crate) serves_data: bool,
    /// A short description of an answer that matched no known protocol.
    pub(crate) banner: Option<String>,
}

impl Observation {
    pub(crate) fn fact(&mut self, key: &str, value: impl Into<Value>) {
        self.facts.insert(key.to_string(), value.into());
    }

    /// The findings for this endpoint, given how the probe ended.
    pub(crate) fn into_findings(
        self,
        endpoint: &str,
        outcome: Result<(), ProbeError>,
    ) -> Vec<Finding> {
        let mut findings = Vec::new();
        let location = Location::endpoint(endpoint);
        match (&self.service, &outcome) {
            (None, Err(ProbeError::Connect(reason))) => {
                findings.push(
                    Finding::new(
                        RULE_UNREACHABLE,
                        "Endpoint unreachable",
                        Severity::Info,
                        Category::Network,
                        location.clone(),
                    )
                    .with_message(format!("{endpoint} did not accept a connection ({reason})"))
                    .with_remediation("Nothing to fix if the endpoint is meant to be closed; check the target if it should answer.")
                    .with_property("reason", reason.clone()),
                );
                return findings;
            }
            (None, Ok(())) => {
                let banner = self
                    .banner
                    .clone()
                    .unwrap_or_else(|| "no answer".to_string());
                findings.push(
                    Finding::new(
                        RULE_UNIDENTIFIED,
                        "No known datastore protocol answered",
                        Severity::Info,
                        Category::Network,
                        location.clone(),
                    )
                    .with_message(format!(
                        "{endpoint} accepted a connection but answered none of the probed protocols ({banner})"
                    ))
                    .with_remediation("Name the protocol in the target (redis://, postgres://, ...) if you know it."),
                );
                return findings;
            }
            _ => {}
        }
        if let Err(error) = &outcome {
            findings.push(
                Finding::new(
                    RULE_INCOMPLETE,
                    "Probe did not finish",
                    Severity::Info,
                    Category::Network,
                    location.clone(),
                )
                .with_message(format!(
                    "The probe of {endpoint} stopped early: {error}; what it learnt before is reported"
                ))
                .with_remediation("Raise --timeout or check the service if this endpoint should answer promptly.")
                .with_property("reason", error.to_string()),
            );
        }
        let Some(service) = self.service else {
            return findings;
        };
        let mut summary = self.facts.clone();
        summary.insert("service".into(), json!(service));
        if let Some(version) = &self.version {
            summary.insert("version".into(), json!(version));
        }
        let resources: Vec<Value> = self
            .resources
            .iter()
            .map(|r| {
                let mut entry = r.properties.clone();
                entry.insert("kind".into(), json!(r.kind));
                entry.insert("name".into(), json!(r.name));
                Value::Object(entry.into_iter().collect())
            })
            .collect();
        let described = match &self.version {
            Some(v) => format!("{service} {v}"),
            None => service.to_string(),
        };
        let resource_note = resource_summary(&self.resources);
        let open = match &self.access {
            Some(Access::Open) => {
                let severity = if self.serves_data {
                    Severity::High
                } else {
                    Severity::Medium
                };
                let mut finding = Finding::new(
                    RULE_OPEN,
                    format!("{service} answers without credentials"),
                    severity,
                    Category::Exposure,
                    location.clone(),
                )
                .with_message(format!(
                    "{described} on {endpoint} answers a stranger without credentials{resource_note}"
                ))
                .with_remediation(remediation(service))
                .with_property("resources", Value::Array(resources));
                for (k, v) in summary {
                    finding = finding.with_property(k, v);
                }
                findings.push(finding);
                true
            }
            Some(Access::Locked { detail })
            | Some(Access::LockedCredentialsAccepted { detail }) => {
                let accepted =
                    matches!(self.access, Some(Access::LockedCredentialsAccepted { .. }));
                let mut message =
                    format!("{described} on {endpoint} requires authentication ({detail})");
                if accepted {
                    message.push_str("; the supplied credentials were accepted");
                    message.push_str(&resource_note);
                }
                let mut finding = Finding::new(
                    RULE_LOCKED,
                    format!("{service} requires authentication"),
                    Severity::Info,
                    Category::Exposure,
                    location.clone(),
                )
                .with_message(message)
                .with_property("credentials_accepted", accepted)
                .with_property("resources", Value::Array(resources));
                for (k, v) in summary {
                    finding = finding.with_property(k, v);
                }
                findings.push(finding);
                false
            }
            None => false,
        };
        for resource in &self.resources {
            if let Some(finding) = pii_finding(service, endpoint, resource, open) {
                findings.push(finding);
            }
        }
        findings
    }
}

fn resource_summary(resources: &[Resource]) -> String {
    if resources.is_empty() {
        return String::new();
    }
    let kind = resources[0].kind;
    let names: Vec<String> = resources
        .iter()
        .take(5)
        .map(|r| {
            let count = ["docs", "keys", "items", "rows_estimate"]
                .iter()
                .find_map(|k| r.properties.get(*k).and_then(Value::as_u64).map(|n| (k, n)));
            match count {
                Some((&"rows_estimate", n)) => {
                    format!("{}: ~{} rows", r.name, thousands(n as usize))
                }
                Some((k, n)) => format!("{}: {} {k}", r.name, thousands(n as usize)),
                None => r.name.clone(),
            }
        })
        .collect();
    let more = if resources.len() > 5 { ", ..." } else { "" };
    format!(
        " and lists {} {}{} ({}{more})",
        resources.len(),
        kind,
        if resources.len() == 1 { "" } else { "s" },
        names.join(", ")
    )
}

fn pii_finding(service: &str, endpoint: &str, resource: &Resource, open: bool) -> Option<Finding> {
    let sample = resource.sample.as_ref()?;
    let total = sample.total();
    if total == 0 {
        return None;
    }
    let mut parts: Vec<String> = sample
        .counts
        .iter()
        .map(|(entity, n)| format!("{} {}", thousands(*n), entity_label(entity, *n)))
        .collect();
    let listed = match parts.len() {
        1 => parts.remove(0),
        _ => {
            let last = parts.pop().unwrap_or_default();
            format!("{} and {last}", parts.join(", "))
        }
    };
    let access = if open {
        "answers without credentials"
    } else {
        "(sampled with the supplied credentials)"
    };
    let kind = capitalise(resource.kind);
    let documents = sample.documents;
    let message = format!(
        "{kind} `{}` on {endpoint} {access} and holds {listed} in {} sampled {}",
        resource.name,
        thousands(documents),
        if documents == 1 {
            "document"
        } else {
            "documents"
        }
    );
    let all_secret = sample
        .counts
        .keys()
        .all(|e| e.category() == EntityCategory::Secret);
    let evidence: Vec<String> = sample
        .examples
        .iter()
        .map(|(entity, examples)| format!("{}: {}", entity.name(), examples.join(", ")))
        .collect();
    let counts: serde_json::Map<String, Value> = sample
        .counts
        .iter()
        .map(|(e, n)| (e.name().to_string(), json!(n)))
        .collect();
    let (severity, title) = if open {
        (
            Severity::Critical,
            format!(
                "Unredacted sensitive data in an open {service} {}",
                resource.kind
            ),
        )
    } else {
        (
            Severity::Medium,
            format!("Unredacted sensitive data in a {service} {}", resource.kind),
        )
    };
    Some(
        Finding::new(
            RULE_PII,
            title,
            severity,
            if all_secret { Category::Secret } else { Category::Pii },
            Location::endpoint(endpoint).with_resource(&resource.name),
        )
        .with_message(message)
        .with_evidence(evidence.join("; "))
        .with_remediation(format!(
            "Require authentication on {service} and restrict the network path; redact the stored records (leakproof redact) and rotate any exposed secrets."
        ))
        .with_property("sampled_documents", documents)
        .with_property("detections", total)
        .with_property("entity_counts", Value::Object(counts))
        .with_property("resource_kind", resource.kind),
    )
}

fn remediation(service: &str) -> String {
    let specific = match service {
        "Elasticsearch" | "OpenSearch" => {
            "enable the security plugin (xpack.security.enabled / plugins.security) with TLS and users"
        }
        "Kibana" => "put Kibana behind authentication and enable Elasticsearch security",
        "CouchDB" => "leave admin party: create an admin and set require_valid_user",
        "Redis" => {
            "set requirepass or ACL users, keep protected-mode on and bind to private addresses"
        }
        "memcached" => {
            "bind memcached to localhost or a private address and enable SASL if it must be remote"
        }
        "PostgreSQL" => "replace `trust` in pg_hba.conf with scram-sha-256",
        "MySQL" | "MariaDB" => "drop anonymous accounts (DELETE FROM mysql.user WHERE User='')",
        "MongoDB" => "enable authorization (security.authorization: enabled) and create users",
        _ => "require authentication",
    };
    format!("Close the endpoint to the internet and {specific}.")
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `1204` as `1,204`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn entity_label(entity: &EntityType, n: usize) -> String {
    let (one, many) = match entity {
        EntityType::Email => ("unredacted email address", "unredacted email addresses"),
        EntityType::IpAddress => ("IP address", "IP addresses"),
        EntityType::Phone => ("unredacted phone number", "unredacted phone numbers"),
        EntityType::CreditCard => ("card number", "card numbers"),
        EntityType::Iban => ("IBAN", "IBANs"),
        EntityType::UsSsn => ("US social security number", "US social security numbers"),
        EntityType::MacAddress => ("MAC address", "MAC addresses"),
        EntityType::DateOfBirth => ("date of birth", "dates of birth"),
        other => return format!("{} value{}", other.name(), if n == 1 { "" } else { "s" }),
    };
    if n == 1 { one } else { many }.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1204), "1,204");
        assert_eq!(thousands(250_000_000), "250,000,000");
    }

    #[test]
    fn unreachable_is_info_of_its_own_kind() {
        let findings = Observation::default().into_findings(
            "127.0.0.1:1",
            Err(ProbeError::Connect("connection refused".into())),
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].rule_id, RULE_UNREACHABLE);
        assert_eq!(findings[0].severity, Severity::Info);
    }

    #[test]
    fn open_with_pii_is_one_critical_finding_per_resource() {
        let mut sample = SampleStats {
            documents: 50,
            ..SampleStats::default()
        };
        sample.counts.insert(EntityType::Email, 1204);
        sample
            .examples
            .insert(EntityType::Email, vec!["j***@c******.com".into()]);
        let mut resource = Resource::new("index", "support-cases").with("docs", 1204);
        resource.sample = Some(sample);
        let observation = Observation {
            service: Some("Elasticsearch"),
            access: Some(Access::Open),
            version: Some("7.4.0".into()),
            resources: vec![resource],
            serves_data: true,
            ..Observation::default()
        };
        let findings = observation.into_findings("10.0.0.5:9200", Ok(()));
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0].severity, Severity::High);
        let pii = &findings[1];
        assert_eq!(pii.severity, Severity::Critical);
        assert_eq!(
            pii.message,
            "Index `support-cases` on 10.0.0.5:9200 answers without credentials and holds 1,204 unredacted email addresses in 50 sampled documents"
        );
        assert_eq!(pii.location.resource.as_deref(), Some("support-cases"));
    }
}
