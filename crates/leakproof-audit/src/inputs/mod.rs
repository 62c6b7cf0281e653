//! Recognising a file's kind and dispatching it to its checker.

use std::collections::BTreeMap;
use std::path::Path;

use leakproof_core::{Finding, Location};

use crate::catalogue::known;
use crate::tree::{self, Node};

mod aws;
mod azure;
mod compose;
mod elastic;
mod gcp;
mod kubernetes;
mod memcached;
mod mongo;
mod mysql;
mod netrules;
mod postgres;
mod redis;
mod terraform;

/// One file to check.
pub(crate) struct SourceFile<'a> {
    pub path: &'a Path,
    /// The path as reports show it.
    pub display: &'a str,
    pub text: &'a str,
}

/// A datastore configured to answer without authentication beyond loopback.
#[derive(Debug, Clone)]
pub(crate) struct Unauthenticated {
    pub port: u16,
    pub datastore: &'static str,
    pub location: Location,
    pub why: String,
}

/// A network rule that lets the whole internet reach a datastore port.
#[derive(Debug, Clone)]
pub(crate) struct InternetOpening {
    pub port: u16,
    pub rule: String,
    pub location: Location,
}

/// Everything the checkers learn, for the findings and the passes that
/// look across files.
#[derive(Debug, Default)]
pub(crate) struct Output {
    pub findings: Vec<Finding>,
    pub unauthenticated: Vec<Unauthenticated>,
    pub internet_openings: Vec<InternetOpening>,
    /// Kubernetes namespaces with a datastore, and where it is declared.
    pub k8s_datastores: BTreeMap<String, Location>,
    /// Kubernetes namespaces with at least one NetworkPolicy.
    pub k8s_policies: Vec<String>,
}

impl Output {
    pub fn parse_error(&mut self, file: &SourceFile<'_>, line: u32, kind: &str, message: &str) {
        let rule = known("LP-AUDIT-001");
        self.findings.push(
            rule.finding(crate::at(file.display, line))
                .with_message(format!("{kind} file could not be parsed: {message}"))
                .with_property("kind", kind),
        );
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn has_extension(name: &str, exts: &[&str]) -> bool {
    exts.iter().any(|e| name.ends_with(e))
}

/// Checks one file if its kind is recognised; returns whether it was.
pub(crate) fn check_file(file: &SourceFile<'_>, out: &mut Output) -> bool {
    let name = file_name(file.path);
    let parent = file
        .path
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let yaml = has_extension(&name, &[".yml", ".yaml"]);
    match name.as_str() {
        "elasticsearch.yml" | "elasticsearch.yaml" => {
            with_yaml(file, out, "elasticsearch", elastic::check_elasticsearch)
        }
        "opensearch.yml" | "opensearch.yaml" => {
            with_yaml(file, out, "opensearch", elastic::check_opensearch)
        }
        "kibana.yml" | "kibana.yaml" | "opensearch_dashboards.yml" => {
            with_yaml(file, out, "kibana", elastic::check_kibana)
        }
        "mongod.conf" | "mongod.yml" | "mongod.yaml" | "mongodb.conf" => {
            with_yaml(file, out, "mongodb", mongo::check)
        }
        "postgresql.conf" | "postgresql.auto.conf" => postgres::check_conf(file, out),
        "pg_hba.conf" => postgres::check_hba(file, out),
        "memcached.conf" => memcached::check(file, out),
        "memcached" if parent == "default" || parent == "sysconfig" => memcached::check(file, out),
        _ if name.starts_with("redis") && name.ends_with(".conf") => redis::check(file, out),
        _ if name.ends_with(".cnf") && mysql::looks_like(file.text) => mysql::check(file, out),
        _ if yaml && compose::looks_like(&name, file.text) => {
            with_yaml_docs(file, out, "compose", compose::check)
        }
        // Helm templates are not YAML until rendered: render, then audit.
        _ if yaml && kubernetes::looks_like(file.text) && !file.text.contains("{{") => {
            with_yaml_docs(file, out, "kubernetes", kubernetes::check)
        }
        _ if name.ends_with(".json") => return check_json(file, out),
        _ => return false,
    }
    true
}

fn with_yaml(
    file: &SourceFile<'_>,
    out: &mut Output,
    kind: &str,
    check: fn(&SourceFile<'_>, &Node, &mut Output),
) {
    with_yaml_docs(file, out, kind, |file, docs, out| {
        let empty = Node {
            value: tree::Value::Map(Vec::new()),
            line: 1,
        };
        check(file, docs.first().unwrap_or(&empty), out);
    });
}

fn with_yaml_docs(
    file: &SourceFile<'_>,
    out: &mut Output,
    kind: &str,
    check: impl Fn(&SourceFile<'_>, &[Node], &mut Output),
) {
    match tree::parse_documents(file.text, false) {
        Ok(docs) => check(file, &docs, out),
        Err(err) => out.parse_error(file, err.line, kind, &err.message),
    }
}

/// Strings that only the JSON exports we read contain; a `.json` file with
/// none of them is someone else's.
const JSON_MARKERS: &[&str] = &[
    "securityRules",
    "networkSecurityGroups",
    "IpPermissions",
    "SecurityGroups",
    "sourceRanges",
    "compute#firewall",
    "planned_values",
    "resource_changes",
];

fn check_json(file: &SourceFile<'_>, out: &mut Output) -> bool {
    if !JSON_MARKERS.iter().any(|m| file.text.contains(m)) {
        return false;
    }
    let doc = match tree::parse_documents(file.text, true) {
        Ok(docs) => match docs.into_iter().next() {
            Some(doc) => doc,
            None => return false,
        },
        Err(err) => {
            out.parse_error(file, err.line, "json", &err.message);
            return true;
        }
    };
    if terraform::looks_like(&doc) {
        terraform::check(file, &doc, out);
    } else if aws::looks_like(&doc) {
        aws::check(file, &doc, out);
    } else if gcp::looks_like(&doc) {
        gcp::check(file, &doc, out);
    } else if azure::looks_like(&doc) {
        azure::check(file, &doc, out);
    } else {
        return false;
    }
    true
}

/// The passes that need every file: namespaces without NetworkPolicy.
pub(crate) fn finish(out: &mut Output) {
    kubernetes::finish(out);
}
