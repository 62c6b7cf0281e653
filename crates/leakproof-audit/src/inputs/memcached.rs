//! memcached options: `/etc/memcached.conf` (one option per line) and
//! `/etc/default/memcached` or `/etc/sysconfig/memcached` (`OPTIONS="..."`).

use super::{Output, SourceFile, Unauthenticated};
use crate::catalogue::known;
use crate::text::{is_loopback_bind, words};

/// (line, option, value) for every option, in order.
fn options(text: &str) -> Vec<(u32, String, Option<String>)> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let mut tokens = words(raw);
        if let Some(first) = tokens.first().cloned() {
            if let Some((key, value)) = first.split_once('=') {
                // Shell-variable files: OPTIONS="-l 127.0.0.1 -U 0", PORT="11211".
                match key {
                    "OPTIONS" => tokens = words(value),
                    "PORT" => {
                        out.push((line_no, "-p".to_string(), Some(value.to_string())));
                        continue;
                    }
                    "UDP_PORT" => {
                        out.push((line_no, "-U".to_string(), Some(value.to_string())));
                        continue;
                    }
                    _ => continue,
                }
            }
        }
        let mut iter = tokens.into_iter().peekable();
        while let Some(token) = iter.next() {
            let (key, inline) = match token.split_once('=') {
                Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
                _ => (token.clone(), None),
            };
            let key = match key.as_str() {
                "--listen" => "-l".to_string(),
                "--udp-port" => "-U".to_string(),
                "--port" => "-p".to_string(),
                "--enable-sasl" => "-S".to_string(),
                k if k.starts_with("-l") && k.len() > 2 => {
                    out.push((line_no, "-l".into(), Some(k[2..].to_string())));
                    continue;
                }
                _ => key,
            };
            let value = match (inline, key.as_str()) {
                (Some(v), _) => Some(v),
                (None, "-l" | "-U" | "-p") => iter.next(),
                _ => None,
            };
            out.push((line_no, key, value));
        }
    }
    out
}

/// `127.0.0.1:11211` and `[::1]:11211` name a port; a bare IPv6 address
/// has colons of its own.
fn without_port(address: &str) -> &str {
    if let Some(rest) = address.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match address.matches(':').count() {
        1 => address.split(':').next().unwrap_or(address),
        _ => address,
    }
}

pub(crate) fn check(file: &SourceFile<'_>, out: &mut Output) {
    // Debian's /etc/default/memcached only says ENABLE_MEMCACHED=yes; the
    // options live in /etc/memcached.conf, so such a file says nothing.
    let shell_variables = file.text.lines().any(|l| {
        l.trim_start().starts_with("ENABLE_MEMCACHED=") || l.trim_start().starts_with("USER=")
    });
    if shell_variables
        && !file
            .text
            .lines()
            .any(|l| l.trim_start().starts_with("OPTIONS="))
    {
        return;
    }
    let opts = options(file.text);
    let last = |key: &str| opts.iter().rev().find(|(_, k, _)| k == key);
    let listen = last("-l");
    let addresses: Vec<String> = listen
        .and_then(|(_, _, v)| v.clone())
        .map(|v| v.split(',').map(|a| a.trim().to_string()).collect())
        .unwrap_or_default();
    let public = listen.is_none() || addresses.iter().any(|a| !is_loopback_bind(without_port(a)));
    let sasl = last("-S").is_some();
    if public {
        let (line, evidence) = match listen {
            Some((line, _, _)) => (*line, format!("-l {}", addresses.join(","))),
            None => (0, "-l (absent: every interface)".to_string()),
        };
        let rule = known("LP-MEMC-001");
        let mut finding = rule
            .finding(crate::at(file.display, line).with_pointer("-l"))
            .with_evidence(evidence);
        if sasl {
            finding = finding
                .with_severity(leakproof_core::Severity::Medium)
                .with_message("memcached listens beyond loopback (SASL is on)");
        }
        out.findings.push(finding);
        if !sasl {
            let port = last("-p")
                .and_then(|(_, _, v)| v.as_deref()?.parse().ok())
                .unwrap_or(11211);
            out.unauthenticated.push(Unauthenticated {
                port,
                datastore: "memcached",
                location: crate::at(file.display, line).with_pointer("-l"),
                why: "no SASL, listening beyond loopback".into(),
            });
        }
    }
    if let Some((line, _, value)) =
        last("-U").filter(|(_, _, v)| v.as_deref().is_some_and(|v| v.trim() != "0"))
    {
        out.findings.push(
            known("LP-MEMC-002")
                .finding(crate::at(file.display, *line).with_pointer("-U"))
                .with_evidence(format!("-U {}", value.as_deref().unwrap_or_default())),
        );
    }
}
