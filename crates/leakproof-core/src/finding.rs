use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Severity;

/// What kind of problem a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Personal data found where it should not be.
    Pii,
    /// A credential or key found where it should not be.
    Secret,
    /// A datastore configured to answer strangers.
    Config,
    /// A network rule that lets strangers in.
    Network,
    /// A live endpoint that answers strangers.
    Exposure,
}

impl Category {
    /// The lowercase name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Pii => "pii",
            Category::Secret => "secret",
            Category::Config => "config",
            Category::Network => "network",
            Category::Exposure => "exposure",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding is. Every part is optional because findings come from
/// files (path, line), structured records (pointer), and live endpoints
/// (endpoint, resource).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    /// A file path, as the user gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// 1-based line in `path`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column in `line`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// A JSON pointer, CSV column or config key inside the file or record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// A network endpoint, `host:port`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// A named thing at the endpoint or in the file: an index, a database, a
    /// security group rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

impl Location {
    /// A location in a file, with no line yet.
    pub fn file(path: impl Into<String>) -> Self {
        Location {
            path: Some(path.into()),
            ..Location::default()
        }
    }

    /// A location at a network endpoint (`host:port`).
    pub fn endpoint(endpoint: impl Into<String>) -> Self {
        Location {
            endpoint: Some(endpoint.into()),
            ..Location::default()
        }
    }

    /// This location at a 1-based line.
    pub fn with_line(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }

    /// This location at a 1-based column.
    pub fn with_column(mut self, column: u32) -> Self {
        self.column = Some(column);
        self
    }

    /// This location at a pointer (JSON pointer, column or key).
    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    /// This location at a named resource (index, database, rule).
    pub fn with_resource(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }

    /// The parts that identify the place across runs: lines move when a file
    /// is edited above them, so they are left out.
    fn stable_key(&self) -> String {
        [&self.path, &self.pointer, &self.endpoint, &self.resource]
            .iter()
            .map(|part| part.as_deref().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\u{1f}")
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(path) = &self.path {
            let mut p = path.clone();
            if let Some(line) = self.line {
                p.push_str(&format!(":{line}"));
                if let Some(col) = self.column {
                    p.push_str(&format!(":{col}"));
                }
            }
            parts.push(p);
        }
        if let Some(endpoint) = &self.endpoint {
            parts.push(endpoint.clone());
        }
        if let Some(resource) = &self.resource {
            parts.push(resource.clone());
        }
        if let Some(pointer) = &self.pointer {
            parts.push(pointer.clone());
        }
        if parts.is_empty() {
            f.write_str("-")
        } else {
            f.write_str(&parts.join(" "))
        }
    }
}

/// One problem, in the form every leakproof part reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable rule id, such as `LP-ES-001`.
    pub rule_id: String,
    /// The rule's one-line title.
    pub title: String,
    /// How bad it is.
    pub severity: Severity,
    /// What kind of problem it is.
    pub category: Category,
    /// Where it is.
    pub location: Location,
    /// What was found in this instance, in a sentence. Never raw PII.
    #[serde(default)]
    pub message: String,
    /// Masked evidence (`j***@c*****.com`, `requirepass` absent); never raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// How to fix it.
    #[serde(default)]
    pub remediation: String,
    /// Links to documentation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Identifies this finding across runs, so new, known and resolved
    /// findings can be told apart. See [`fingerprint_of`].
    pub fingerprint: String,
    /// Extra structured facts (counts, ports, entity types).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, serde_json::Value>,
}

/// The fingerprint of a finding: a hex SHA-256 of the rule id, the stable
/// parts of the location (not the line) and an optional discriminator, so that
/// it stays the same across runs while the thing found stays the same.
pub fn fingerprint_of(rule_id: &str, location: &Location, discriminator: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(rule_id.as_bytes());
    hasher.update([0x1e]);
    hasher.update(location.stable_key().as_bytes());
    hasher.update([0x1e]);
    hasher.update(discriminator.as_bytes());
    let digest = hasher.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

impl Finding {
    /// A finding with its identity fields; the rest is added with the
    /// `with_*` methods. The message defaults to the title.
    pub fn new(
        rule_id: impl Into<String>,
        title: impl Into<String>,
        severity: Severity,
        category: Category,
        location: Location,
    ) -> Self {
        let rule_id = rule_id.into();
        let title = title.into();
        let fingerprint = fingerprint_of(&rule_id, &location, "");
        Finding {
            message: title.clone(),
            rule_id,
            title,
            severity,
            category,
            location,
            evidence: None,
            remediation: String::new(),
            references: Vec::new(),
            fingerprint,
            properties: BTreeMap::new(),
        }
    }

    /// Sets the instance message.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// Sets the masked evidence. The caller masks it first.
    pub fn with_evidence(mut self, masked: impl Into<String>) -> Self {
        self.evidence = Some(masked.into());
        self
    }

    /// Sets the remediation.
    pub fn with_remediation(mut self, remediation: impl Into<String>) -> Self {
        self.remediation = remediation.into();
        self
    }

    /// Adds reference links.
    pub fn with_references<I, S>(mut self, references: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.references
            .extend(references.into_iter().map(Into::into));
        self
    }

    /// Adds a structured property.
    pub fn with_property(
        mut self,
        key: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.properties.insert(key.into(), value.into());
        self
    }

    /// Sets the severity (used when findings combine, e.g. an open port in
    /// front of a datastore without authentication).
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Distinguishes findings of one rule at one location (two open ports on
    /// one rule, say) by recomputing the fingerprint with `discriminator`.
    pub fn with_fingerprint_discriminator(mut self, discriminator: &str) -> Self {
        self.fingerprint = fingerprint_of(&self.rule_id, &self.location, discriminator);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(line: u32) -> Finding {
        Finding::new(
            "LP-ES-001",
            "Elasticsearch security disabled",
            Severity::High,
            Category::Config,
            Location::file("config/elasticsearch.yml")
                .with_line(line)
                .with_pointer("xpack.security.enabled"),
        )
    }

    #[test]
    fn fingerprint_ignores_line_but_not_place() {
        assert_eq!(sample(3).fingerprint, sample(30).fingerprint);
        let other = Finding::new(
            "LP-ES-001",
            "x",
            Severity::High,
            Category::Config,
            Location::file("other/elasticsearch.yml"),
        );
        assert_ne!(sample(3).fingerprint, other.fingerprint);
        assert_ne!(
            sample(3).fingerprint,
            sample(3).with_fingerprint_discriminator("9200").fingerprint
        );
        assert_eq!(sample(3).fingerprint.len(), 32);
    }

    #[test]
    fn round_trips_through_json() {
        let f = sample(3)
            .with_evidence("xpack.security.enabled: false")
            .with_property("ports", serde_json::json!([9200]));
        let text = serde_json::to_string(&f).unwrap();
        let back: Finding = serde_json::from_str(&text).unwrap();
        assert_eq!(back, f);
    }

    #[test]
    fn location_displays_compactly() {
        let loc = Location::file("a.yml").with_line(4).with_pointer("k");
        assert_eq!(loc.to_string(), "a.yml:4 k");
        let ep = Location::endpoint("10.0.0.5:9200").with_resource("support-cases");
        assert_eq!(ep.to_string(), "10.0.0.5:9200 support-cases");
        assert_eq!(Location::default().to_string(), "-");
    }
}
