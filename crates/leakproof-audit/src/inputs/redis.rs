//! `redis.conf`, with `include` files followed (relative to the including
//! file, then as written).

use std::path::{Path, PathBuf};

use super::{Output, SourceFile, Unauthenticated};
use crate::catalogue::known;
use crate::text::{is_loopback_bind, words};

/// A directive, where it is written, and its arguments.
struct Directive {
    path: String,
    line: u32,
    name: String,
    args: Vec<String>,
}

const MAX_INCLUDE_DEPTH: usize = 8;

fn read_directives(path: &Path, display: &str, text: &str, depth: usize, out: &mut Vec<Directive>) {
    for (i, line) in text.lines().enumerate() {
        let mut parts = words(line).into_iter();
        let Some(name) = parts.next() else { continue };
        let name = name.to_ascii_lowercase();
        let args: Vec<String> = parts.collect();
        if name == "include" && depth < MAX_INCLUDE_DEPTH {
            for target in &args {
                let candidate = path
                    .parent()
                    .map(|dir| dir.join(target))
                    .filter(|p| p.is_file())
                    .unwrap_or_else(|| PathBuf::from(target));
                if let Ok(included) = std::fs::read_to_string(&candidate) {
                    let shown = candidate.to_string_lossy().into_owned();
                    read_directives(&candidate, &shown, &included, depth + 1, out);
                }
            }
        }
        out.push(Directive {
            path: display.to_string(),
            line: u32::try_from(i + 1).unwrap_or(u32::MAX),
            name,
            args,
        });
    }
}

const DANGEROUS: &[&str] = &["FLUSHALL", "FLUSHDB", "CONFIG", "DEBUG", "KEYS"];

pub(crate) fn check(file: &SourceFile<'_>, out: &mut Output) {
    let mut ds = Vec::new();
    read_directives(file.path, file.display, file.text, 0, &mut ds);
    // The last occurrence of a directive wins, as in Redis.
    let last = |name: &str| ds.iter().rev().find(|d| d.name == name);
    let protected_off = last("protected-mode")
        .filter(|d| d.args.first().is_some_and(|a| a.eq_ignore_ascii_case("no")));
    if let Some(d) = protected_off {
        out.findings.push(
            known("LP-REDIS-001")
                .finding(crate::at(&d.path, d.line).with_pointer("protected-mode"))
                .with_evidence("protected-mode no"),
        );
    }
    let bind = last("bind");
    let public_bind = match bind {
        Some(d) => d.args.iter().any(|a| !is_loopback_bind(a)),
        None => true,
    };
    if public_bind {
        let finding = match bind {
            Some(d) => known("LP-REDIS-002")
                .finding(crate::at(&d.path, d.line).with_pointer("bind"))
                .with_evidence(format!("bind {}", d.args.join(" "))),
            None => known("LP-REDIS-002")
                .finding(crate::at(file.display, 0).with_pointer("bind"))
                .with_message("no bind directive: Redis listens on every interface")
                .with_evidence("bind (absent)"),
        };
        out.findings.push(finding);
    }
    let requirepass =
        last("requirepass").is_some_and(|d| d.args.first().is_some_and(|p| !p.is_empty()));
    let aclfile = last("aclfile").is_some();
    let users: Vec<&Directive> = ds.iter().filter(|d| d.name == "user").collect();
    let default_user_locked = users.iter().any(|d| {
        d.args.first().is_some_and(|u| u == "default")
            && (d.args.iter().any(|a| a == "off")
                || d.args
                    .iter()
                    .any(|a| a.starts_with('>') || a.starts_with('#')))
            && !d.args.iter().any(|a| a == "nopass")
    });
    let authenticated = requirepass || aclfile || default_user_locked;
    // Protected mode refuses remote clients only while no bind is set and
    // no password exists; an explicit public bind lets them in.
    let reachable = public_bind && (protected_off.is_some() || bind.is_some());
    if !authenticated {
        let rule = known("LP-REDIS-003");
        out.findings.push(
            rule.finding(crate::at(file.display, 0).with_pointer("requirepass"))
                .with_severity(crate::exposure_severity(rule.severity, reachable))
                .with_message(if reachable {
                    "no requirepass or ACL users, and Redis accepts remote clients".to_string()
                } else {
                    "no requirepass or ACL users (remote clients are refused by bind or protected mode)".to_string()
                })
                .with_evidence("requirepass (absent), aclfile (absent)"),
        );
        if reachable {
            let port = last("port")
                .and_then(|d| d.args.first()?.parse().ok())
                .unwrap_or(6379);
            let (path, line) =
                bind.map_or((file.display.to_string(), 0), |d| (d.path.clone(), d.line));
            out.unauthenticated.push(Unauthenticated {
                port,
                datastore: "Redis",
                location: crate::at(&path, line).with_pointer("bind"),
                why: "no requirepass or ACL users, remote clients accepted".into(),
            });
        }
    }
    let renamed: Vec<String> = ds
        .iter()
        .filter(|d| d.name == "rename-command")
        .filter_map(|d| d.args.first().map(|c| c.to_ascii_uppercase()))
        .collect();
    let acl_restricts = users.iter().any(|d| {
        d.args
            .iter()
            .any(|a| a.starts_with("-@dangerous") || a.starts_with("-@admin"))
    });
    let open: Vec<&str> = DANGEROUS
        .iter()
        .copied()
        .filter(|c| !renamed.iter().any(|r| r == c))
        .collect();
    if !open.is_empty() && !acl_restricts {
        out.findings.push(
            known("LP-REDIS-004")
                .finding(crate::at(file.display, 0).with_pointer("rename-command"))
                .with_message(format!("{} are available to every client", open.join(", ")))
                .with_evidence(format!("rename-command absent for {}", open.join(", "))),
        );
    }
}
