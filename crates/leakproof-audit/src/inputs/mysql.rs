//! `my.cnf` and friends: option groups read by the server ([mysqld],
//! [mariadb], [server] and versioned variants), with `!include` and
//! `!includedir` followed.

use std::path::Path;

use super::{Output, SourceFile, Unauthenticated};
use crate::catalogue::known;
use crate::text::{is_loopback_bind, is_wildcard_bind, parse_bool};

/// Whether a `.cnf` file is a MySQL/MariaDB option file.
pub(crate) fn looks_like(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim().to_ascii_lowercase();
        l.starts_with("[mysqld")
            || l.starts_with("[mariadb")
            || l.starts_with("[server")
            || l.starts_with("!include")
            || l.starts_with("[client")
    })
}

struct ServerOption {
    path: String,
    line: u32,
    key: String,
    value: Option<String>,
}

const MAX_INCLUDE_DEPTH: usize = 8;

fn server_group(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["mysqld", "mariadb", "mariadbd", "server"]
        .iter()
        .any(|g| name == *g || name.starts_with(&format!("{g}-")))
}

fn read(path: &Path, display: &str, text: &str, depth: usize, out: &mut Vec<ServerOption>) {
    let mut in_server = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if let Some(rest) = line.strip_prefix("!includedir") {
            if depth < MAX_INCLUDE_DEPTH {
                let dir = resolve(path, rest.trim());
                let mut files: Vec<_> = std::fs::read_dir(&dir)
                    .map(|d| {
                        d.flatten()
                            .map(|e| e.path())
                            .filter(|p| p.extension().is_some_and(|e| e == "cnf"))
                            .collect()
                    })
                    .unwrap_or_default();
                files.sort();
                for f in files {
                    include(&f, depth, out);
                }
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("!include") {
            if depth < MAX_INCLUDE_DEPTH {
                include(&resolve(path, rest.trim()), depth, out);
            }
            continue;
        }
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(group) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_server = server_group(group.trim());
            continue;
        }
        if !in_server {
            continue;
        }
        let content = line.split(" #").next().unwrap_or(line);
        let (key, value) = match content.split_once('=') {
            Some((k, v)) => (k, Some(v.trim().trim_matches(['"', '\'']).to_string())),
            None => (content, None),
        };
        out.push(ServerOption {
            path: display.to_string(),
            line: line_no,
            key: key.trim().replace('_', "-").to_ascii_lowercase(),
            value,
        });
    }
}

fn resolve(path: &Path, target: &str) -> std::path::PathBuf {
    let direct = std::path::PathBuf::from(target);
    if direct.exists() {
        return direct;
    }
    // An absolute path from the server's machine: look for it beside the file.
    let name = direct
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    path.parent()
        .map(|dir| {
            dir.join(if direct.is_absolute() {
                name.into()
            } else {
                direct.clone()
            })
        })
        .unwrap_or(direct)
}

fn include(path: &Path, depth: usize, out: &mut Vec<ServerOption>) {
    if let Ok(text) = std::fs::read_to_string(path) {
        let display = path.to_string_lossy().into_owned();
        read(path, &display, &text, depth + 1, out);
    }
}

pub(crate) fn check(file: &SourceFile<'_>, out: &mut Output) {
    let mut options = Vec::new();
    read(file.path, file.display, file.text, 0, &mut options);
    let last = |key: &str| options.iter().rev().find(|o| o.key == key);
    let bind = last("bind-address");
    let public = bind.is_none_or(|b| {
        b.value
            .as_deref()
            .is_some_and(|v| v.split(',').any(|a| !is_loopback_bind(a)))
    });
    if let Some(b) = bind.filter(|b| {
        b.value
            .as_deref()
            .is_some_and(|v| v.split(',').any(is_wildcard_bind))
    }) {
        out.findings.push(
            known("LP-MYSQL-001")
                .finding(crate::at(&b.path, b.line).with_pointer("bind-address"))
                .with_evidence(format!(
                    "bind-address = {}",
                    b.value.as_deref().unwrap_or_default()
                )),
        );
    }
    let skip = last("skip-grant-tables").filter(|o| {
        o.value
            .as_deref()
            .is_none_or(|v| parse_bool(v) != Some(false))
    });
    let networking_off = last("skip-networking").is_some_and(|o| {
        o.value
            .as_deref()
            .is_none_or(|v| parse_bool(v) != Some(false))
    });
    if let Some(o) = skip {
        let rule = known("LP-MYSQL-002");
        out.findings.push(
            rule.finding(crate::at(&o.path, o.line).with_pointer("skip-grant-tables"))
                .with_severity(crate::exposure_severity(
                    rule.severity,
                    public && !networking_off,
                ))
                .with_evidence("skip-grant-tables"),
        );
        if public && !networking_off {
            let port = last("port")
                .and_then(|p| p.value.as_deref()?.parse().ok())
                .unwrap_or(3306);
            out.unauthenticated.push(Unauthenticated {
                port,
                datastore: "MySQL/MariaDB",
                location: crate::at(&o.path, o.line).with_pointer("skip-grant-tables"),
                why: "skip-grant-tables".into(),
            });
        }
    }
}
