//! `postgresql.conf` (listen_addresses) and `pg_hba.conf` (who may connect
//! from where, and how).

use super::{Output, SourceFile, Unauthenticated};
use crate::catalogue::known;
use crate::net::AddrSet;
use crate::text::{is_loopback_bind, is_wildcard_bind, words};

/// `key = value` lines, comments and quotes removed: (line, key, value).
fn settings(text: &str) -> Vec<(u32, String, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let line = line.split('#').next().unwrap_or_default();
            let (key, value) = line
                .split_once('=')
                .or_else(|| line.trim().split_once(' '))?;
            let value = value.trim().trim_matches('\'').trim().to_string();
            Some((
                u32::try_from(i + 1).unwrap_or(u32::MAX),
                key.trim().to_ascii_lowercase(),
                value,
            ))
        })
        .collect()
}

pub(crate) fn check_conf(file: &SourceFile<'_>, out: &mut Output) {
    let all = settings(file.text);
    if let Some((line, _, value)) = all.iter().rev().find(|(_, k, _)| k == "listen_addresses") {
        let addrs: Vec<&str> = value.split(',').map(str::trim).collect();
        if addrs.iter().any(|a| is_wildcard_bind(a)) {
            out.findings.push(
                known("LP-PG-001")
                    .finding(crate::at(file.display, *line).with_pointer("listen_addresses"))
                    .with_evidence(format!("listen_addresses = '{value}'")),
            );
        }
    }
}

/// The server's port and listen addresses from a postgresql.conf beside
/// the pg_hba.conf, if there is one.
fn sibling_conf(file: &SourceFile<'_>) -> Option<(u16, bool)> {
    let text = std::fs::read_to_string(file.path.parent()?.join("postgresql.conf")).ok()?;
    let all = settings(&text);
    let get = |key: &str| {
        all.iter()
            .rev()
            .find(|(_, k, _)| k == key)
            .map(|(_, _, v)| v.clone())
    };
    let port = get("port").and_then(|p| p.parse().ok()).unwrap_or(5432);
    let listen = get("listen_addresses").unwrap_or_else(|| "localhost".into());
    Some((port, listen.split(',').any(|a| !is_loopback_bind(a))))
}

pub(crate) fn check_hba(file: &SourceFile<'_>, out: &mut Output) {
    let server = sibling_conf(file);
    for (i, line) in file.text.lines().enumerate() {
        let fields = words(line);
        let Some(kind) = fields.first() else { continue };
        if !kind.starts_with("host") || fields.len() < 5 {
            continue;
        }
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        // `address mask` form: host db user 10.0.0.0 255.0.0.0 method
        let (address, method) = match fields
            .get(4)
            .and_then(|m| m.parse::<std::net::Ipv4Addr>().ok())
        {
            Some(mask) => {
                let bits = u32::from(mask).leading_ones();
                (
                    format!("{}/{bits}", fields[3]),
                    fields.get(5).cloned().unwrap_or_default(),
                )
            }
            None => (fields[3].clone(), fields[4].clone()),
        };
        let method = method.to_ascii_lowercase();
        let anywhere = matches!(
            address.as_str(),
            "all" | "0.0.0.0/0" | "::/0" | "0.0.0.0/0.0.0.0"
        );
        let set = AddrSet::parse_cidr(&address);
        let local = matches!(address.as_str(), "samehost")
            || set.as_ref().is_some_and(|s| {
                s.minus(&AddrSet::parse_cidr("127.0.0.0/8").unwrap_or_default())
                    .minus(&AddrSet::parse_cidr("::1/128").unwrap_or_default())
                    .is_empty()
            });
        if local {
            continue;
        }
        let location = crate::at(file.display, line_no)
            .with_pointer(format!("{kind} {} {} {address}", fields[1], fields[2]));
        let evidence = line
            .split('#')
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if method == "trust" {
            out.findings.push(
                known("LP-PG-002")
                    .finding(location.clone())
                    .with_message(format!(
                        "connections from {address} are trusted without a password"
                    ))
                    .with_evidence(evidence.clone()),
            );
            let (port, listening) = server.unwrap_or((5432, true));
            if listening
                && (anywhere || set.is_some_and(|s| s.reach() > crate::net::Reach::Private))
            {
                out.unauthenticated.push(Unauthenticated {
                    port,
                    datastore: "PostgreSQL",
                    location: location.clone(),
                    why: format!("pg_hba.conf trusts {address}"),
                });
            }
        } else if method == "password" {
            out.findings.push(
                known("LP-PG-003")
                    .finding(location.clone())
                    .with_message(format!("passwords from {address} are sent in clear text"))
                    .with_evidence(evidence.clone()),
            );
        }
        if anywhere {
            out.findings.push(
                known("LP-PG-004")
                    .finding(location)
                    .with_message(format!(
                        "{kind} line admits any address with method {method}"
                    ))
                    .with_evidence(evidence),
            );
        }
    }
}
