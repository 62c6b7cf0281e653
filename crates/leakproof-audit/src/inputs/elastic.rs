//! `elasticsearch.yml`, `opensearch.yml` and `kibana.yml`. Flat dotted keys
//! and nested maps are the same setting; `${VAR}` values are substituted
//! when they have a default and otherwise treated as unknown.

use std::collections::HashMap;

use leakproof_core::Severity;
use leakproof_core::mask::mask_secret;

use super::{Output, SourceFile, Unauthenticated};
use crate::catalogue::known;
use crate::text::{is_loopback_bind, parse_bool, substitute, version_hint};
use crate::tree::Node;

/// The settings of one file, by dotted key: (line, values).
struct Settings(Vec<(String, u32, Vec<String>)>);

impl Settings {
    fn of(doc: &Node) -> Self {
        let vars = HashMap::new();
        Settings(
            doc.flatten()
                .into_iter()
                .map(|(key, line, node)| {
                    let values = node
                        .strings()
                        .into_iter()
                        .filter_map(|v| substitute(v, &vars))
                        .collect();
                    (key, line, values)
                })
                .collect(),
        )
    }

    fn get(&self, key: &str) -> Option<(u32, &[String])> {
        self.0
            .iter()
            .rev()
            .find(|(k, _, _)| k == key)
            .map(|(_, line, v)| (*line, v.as_slice()))
    }

    fn first(&self, key: &str) -> Option<(u32, &str)> {
        self.get(key)
            .and_then(|(line, v)| v.first().map(|s| (line, s.as_str())))
    }

    fn flag(&self, key: &str) -> Option<(u32, bool)> {
        self.first(key)
            .and_then(|(line, v)| parse_bool(v).map(|b| (line, b)))
    }

    /// The HTTP bind: `http.host`, else `network.host`, else loopback.
    /// Returns (key, line, values) of the setting that decides it.
    fn http_bind(&self) -> Option<(&'static str, u32, &[String])> {
        [
            "http.bind_host",
            "http.host",
            "network.bind_host",
            "network.host",
        ]
        .into_iter()
        .find_map(|key| self.get(key).map(|(line, v)| (key, line, v)))
    }

    fn port(&self, key: &str, default: u16) -> u16 {
        self.first(key)
            .and_then(|(_, v)| v.split('-').next()?.trim().parse().ok())
            .unwrap_or(default)
    }
}

fn beyond_loopback(values: &[String]) -> bool {
    values.iter().any(|v| !is_loopback_bind(v))
}

fn push_bind(
    file: &SourceFile<'_>,
    out: &mut Output,
    id: &str,
    bind: Option<(&str, u32, &[String])>,
) -> bool {
    let Some((key, line, values)) = bind else {
        return false;
    };
    if !beyond_loopback(values) {
        return false;
    }
    out.findings.push(
        known(id)
            .finding(crate::at(file.display, line).with_pointer(key))
            .with_message(format!("{key} binds {}", values.join(", ")))
            .with_evidence(format!("{key}: {}", values.join(", "))),
    );
    true
}

pub(crate) fn check_elasticsearch(file: &SourceFile<'_>, doc: &Node, out: &mut Output) {
    let s = Settings::of(doc);
    let bind = s.http_bind();
    let public = push_bind(file, out, "LP-ES-003", bind);
    let bind_text = bind.map(|(_, _, v)| v.join(",")).unwrap_or_default();
    let port = s.port("http.port", 9200);
    let security = s.flag("xpack.security.enabled");
    let mut unauthenticated = None;
    match security {
        Some((line, false)) => {
            let rule = known("LP-ES-001");
            out.findings.push(
                rule.finding(crate::at(file.display, line).with_pointer("xpack.security.enabled"))
                    .with_severity(crate::exposure_severity(rule.severity, public))
                    .with_message(if public {
                        format!("security is disabled and HTTP listens on {bind_text}:{port}")
                    } else {
                        "security is disabled (HTTP on loopback only)".to_string()
                    })
                    .with_evidence("xpack.security.enabled: false"),
            );
            unauthenticated = Some((line, "xpack.security.enabled: false".to_string()));
        }
        Some((_, true)) => {}
        None if s.get("xpack.security.enabled").is_some() => {
            // Set from a `${VAR}` with no default: the value is the
            // deployment's, which the files do not show.
            let line = s.get("xpack.security.enabled").map_or(0, |(line, _)| line);
            out.findings.push(
                known("LP-ES-002")
                    .finding(crate::at(file.display, line).with_pointer("xpack.security.enabled"))
                    .with_severity(Severity::Medium)
                    .with_message("xpack.security.enabled comes from an environment variable without a default: whether security is on cannot be told from the file")
                    .with_evidence("xpack.security.enabled: ${...} (unresolved)"),
            );
        }
        None => {
            let rule = known("LP-ES-002");
            match version_hint(file.display, file.text) {
                Some(major) if major >= 8 => {}
                Some(major) => {
                    out.findings.push(
                        rule.finding(crate::at(file.display, 0).with_pointer("xpack.security.enabled"))
                            .with_severity(crate::exposure_severity(rule.severity, public))
                            .with_message(format!("xpack.security.enabled is absent and the version is {major}.x, where security is off by default"))
                            .with_evidence("xpack.security.enabled: (absent)")
                            .with_property("version", major),
                    );
                    unauthenticated = Some((0, format!("xpack.security.enabled absent on {major}.x")));
                }
                None => out.findings.push(
                    rule.finding(crate::at(file.display, 0).with_pointer("xpack.security.enabled"))
                        .with_severity(Severity::Medium)
                        .with_message("xpack.security.enabled is absent and the version is unknown: security is off by default before 8.0 and on from 8.0")
                        .with_evidence("xpack.security.enabled: (absent), version unknown"),
                ),
            }
        }
    }
    if let (Some((line, why)), true) = (unauthenticated, public) {
        out.unauthenticated.push(Unauthenticated {
            port,
            datastore: "Elasticsearch",
            location: crate::at(file.display, line).with_pointer("xpack.security.enabled"),
            why: format!("{why}, HTTP on {bind_text}"),
        });
    }
    if let Some((line, roles)) = s
        .get("xpack.security.authc.anonymous.roles")
        .filter(|(_, r)| !r.is_empty())
    {
        out.findings.push(
            known("LP-ES-004")
                .finding(
                    crate::at(file.display, line)
                        .with_pointer("xpack.security.authc.anonymous.roles"),
                )
                .with_message(format!(
                    "anonymous requests get the roles {}",
                    roles.join(", ")
                ))
                .with_evidence(format!(
                    "xpack.security.authc.anonymous.roles: {}",
                    roles.join(", ")
                )),
        );
    }
    if s.flag("http.cors.enabled").is_some_and(|(_, on)| on) {
        if let Some((line, origin)) = s
            .first("http.cors.allow-origin")
            .filter(|(_, o)| matches!(*o, "*" | "/.*/" | "/*/"))
        {
            out.findings.push(
                known("LP-ES-005")
                    .finding(crate::at(file.display, line).with_pointer("http.cors.allow-origin"))
                    .with_evidence(format!(
                        "http.cors.enabled: true, http.cors.allow-origin: \"{origin}\""
                    )),
            );
        }
    }
    // TLS matters once there are credentials to protect: security on, set
    // explicitly or by default from 8.0.
    let security_on = match security {
        Some((_, on)) => on,
        None => version_hint(file.display, file.text).is_some_and(|major| major >= 8),
    };
    let tls = s.flag("xpack.security.http.ssl.enabled");
    if public && security_on && !matches!(tls, Some((_, true))) {
        let line = tls.map_or(0, |(line, _)| line);
        out.findings.push(
            known("LP-ES-006")
                .finding(
                    crate::at(file.display, line).with_pointer("xpack.security.http.ssl.enabled"),
                )
                .with_message(format!("HTTP on {bind_text}:{port} without TLS"))
                .with_evidence(match tls {
                    Some(_) => "xpack.security.http.ssl.enabled: false".to_string(),
                    None => "xpack.security.http.ssl.enabled: (absent)".to_string(),
                }),
        );
    }
}

pub(crate) fn check_opensearch(file: &SourceFile<'_>, doc: &Node, out: &mut Output) {
    let s = Settings::of(doc);
    let bind = s.http_bind();
    let public = push_bind(file, out, "LP-OS-004", bind);
    let port = s.port("http.port", 9200);
    if let Some((line, true)) = s.flag("plugins.security.disabled") {
        let rule = known("LP-OS-001");
        out.findings.push(
            rule.finding(crate::at(file.display, line).with_pointer("plugins.security.disabled"))
                .with_severity(crate::exposure_severity(rule.severity, public))
                .with_evidence("plugins.security.disabled: true"),
        );
        if public {
            out.unauthenticated.push(Unauthenticated {
                port,
                datastore: "OpenSearch",
                location: crate::at(file.display, line).with_pointer("plugins.security.disabled"),
                why: "plugins.security.disabled: true".into(),
            });
        }
    }
    for (id, key) in [
        (
            "LP-OS-002",
            "plugins.security.allow_default_init_securityindex",
        ),
        (
            "LP-OS-003",
            "plugins.security.allow_unsafe_democertificates",
        ),
    ] {
        if let Some((line, true)) = s.flag(key) {
            out.findings.push(
                known(id)
                    .finding(crate::at(file.display, line).with_pointer(key))
                    .with_evidence(format!("{key}: true")),
            );
        }
    }
}

pub(crate) fn check_kibana(file: &SourceFile<'_>, doc: &Node, out: &mut Output) {
    let s = Settings::of(doc);
    push_bind(
        file,
        out,
        "LP-KIB-001",
        s.get("server.host")
            .map(|(line, v)| ("server.host", line, v)),
    );
    for key in [
        "elasticsearch.password",
        "elasticsearch.serviceAccountToken",
        "opensearch.password",
    ] {
        // A value read from the environment or keystore is not in the file.
        let Some((line, value)) = s.first(key) else {
            continue;
        };
        let raw = doc
            .flatten()
            .into_iter()
            .find(|(k, _, _)| k == key)
            .and_then(|(_, _, n)| n.str().map(String::from));
        if value.is_empty() || raw.is_some_and(|r| r.contains("${")) {
            continue;
        }
        out.findings.push(
            known("LP-KIB-002")
                .finding(crate::at(file.display, line).with_pointer(key))
                .with_message(format!("{key} is written in plain text"))
                .with_evidence(format!("{key}: {}", mask_secret(value))),
        );
    }
}
