//! `mongod.conf` (YAML): net.bindIp / bindIpAll and security.authorization.

use super::{Output, SourceFile, Unauthenticated};
use crate::catalogue::known;
use crate::text::{is_loopback_bind, is_wildcard_bind, parse_bool};
use crate::tree::Node;

pub(crate) fn check(file: &SourceFile<'_>, doc: &Node, out: &mut Output) {
    let settings = doc.flatten();
    let get = |key: &str| {
        settings
            .iter()
            .rev()
            .find(|(k, _, _)| k == key)
            .map(|(_, line, node)| (*line, *node))
    };
    let bind_all = get("net.bindIpAll").filter(|(_, n)| n.str().and_then(parse_bool) == Some(true));
    let bind_ip = get("net.bindIp");
    let addresses: Vec<String> = bind_ip
        .map(|(_, n)| {
            n.strings()
                .iter()
                .flat_map(|s| s.split(','))
                .map(|s| s.trim().to_string())
                .collect()
        })
        .unwrap_or_default();
    let wildcard = bind_all
        .map(|(line, _)| (line, "net.bindIpAll: true".to_string()))
        .or_else(|| {
            bind_ip
                .filter(|_| addresses.iter().any(|a| is_wildcard_bind(a)))
                .map(|(line, _)| (line, format!("net.bindIp: {}", addresses.join(","))))
        });
    let public = wildcard.is_some() || addresses.iter().any(|a| !is_loopback_bind(a));
    if let Some((line, evidence)) = &wildcard {
        out.findings.push(
            known("LP-MONGO-001")
                .finding(crate::at(file.display, *line).with_pointer("net.bindIp"))
                .with_evidence(evidence.clone()),
        );
    }
    let authorization = get("security.authorization");
    let enabled = authorization.is_some_and(|(_, n)| n.str().and_then(parse_bool) == Some(true));
    // A keyFile turns access control on for replica sets and shards.
    let key_file = get("security.keyFile").is_some() || get("security.clusterAuthMode").is_some();
    if !enabled && !key_file {
        let line = authorization.map_or(0, |(line, _)| line);
        let rule = known("LP-MONGO-002");
        out.findings.push(
            rule.finding(crate::at(file.display, line).with_pointer("security.authorization"))
                .with_severity(crate::exposure_severity(rule.severity, public))
                .with_evidence(match authorization {
                    Some(_) => "security.authorization: disabled",
                    None => "security.authorization: (absent, defaults to disabled)",
                }),
        );
        if public {
            let port = get("net.port")
                .and_then(|(_, n)| n.str()?.parse().ok())
                .unwrap_or(27017);
            let bind_line = wildcard
                .map(|(l, _)| l)
                .or(bind_ip.map(|(l, _)| l))
                .unwrap_or(0);
            out.unauthenticated.push(Unauthenticated {
                port,
                datastore: "MongoDB",
                location: crate::at(file.display, bind_line).with_pointer("net.bindIp"),
                why: "security.authorization not enabled".into(),
            });
        }
    }
}
