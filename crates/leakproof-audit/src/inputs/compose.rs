//! Docker Compose files: datastore ports published on every host interface,
//! and datastore containers started with authentication off. `${VAR}` and
//! `${VAR:-default}` are substituted from the `.env` file beside the
//! compose file and from defaults.

use std::collections::HashMap;

use super::{Output, SourceFile, Unauthenticated};
use crate::catalogue::known;
use crate::net::datastore_name;
use crate::text::{is_wildcard_bind, parse_bool, substitute};
use crate::tree::{Node, Value};

/// Image names of datastores, with the port each listens on by default.
const DATASTORE_IMAGES: &[(&str, u16)] = &[
    ("elasticsearch", 9200),
    ("opensearch", 9200),
    ("kibana", 5601),
    ("redis", 6379),
    ("valkey", 6379),
    ("mongo", 27017),
    ("postgres", 5432),
    ("postgis", 5432),
    ("mysql", 3306),
    ("mariadb", 3306),
    ("memcached", 11211),
    ("couchdb", 5984),
    ("cassandra", 9042),
    ("influxdb", 8086),
    ("neo4j", 7474),
    ("clickhouse", 8123),
];

pub(crate) fn looks_like(name: &str, text: &str) -> bool {
    name.starts_with("docker-compose")
        || name.starts_with("compose.")
        || name.starts_with("compose-")
        || text.lines().any(|l| l.trim_end() == "services:")
}

/// A published port: host address (None = every interface), host port and
/// container port.
#[derive(Debug, PartialEq)]
struct Published {
    host_ip: Option<String>,
    host_port: Option<u16>,
    container_ports: (u16, u16),
}

fn port_range(text: &str) -> Option<(u16, u16)> {
    let (lo, hi) = text.split_once('-').unwrap_or((text, text));
    Some((lo.trim().parse().ok()?, hi.trim().parse().ok()?))
}

/// `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`, IPv6 hosts in brackets.
fn parse_short(spec: &str) -> Option<Published> {
    let spec = spec.split('/').next().unwrap_or(spec);
    let (host_ip, rest) = match spec.strip_prefix('[') {
        Some(v6) => {
            let (ip, rest) = v6.split_once("]:")?;
            (Some(ip.to_string()), rest)
        }
        None => (None, spec),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let (ip, host, container) = match parts.as_slice() {
        [container] => (host_ip, None, *container),
        [host, container] => (host_ip, Some(*host), *container),
        [ip, host, container] => (Some(ip.to_string()), Some(*host), *container),
        _ => return None,
    };
    Some(Published {
        host_ip: ip.filter(|i| !i.is_empty()),
        host_port: host.and_then(port_range).map(|(lo, _)| lo),
        container_ports: port_range(container)?,
    })
}

/// The default port of a datastore image, if it is one.
fn datastore_image(image: &str) -> Option<u16> {
    let name = image
        .rsplit('/')
        .next()
        .unwrap_or(image)
        .split([':', '@'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    DATASTORE_IMAGES
        .iter()
        .find(|(d, _)| name.contains(d))
        .map(|(_, port)| *port)
}

/// Environment settings that turn a datastore's authentication off.
fn auth_off(key: &str, value: &str) -> bool {
    let truthy = parse_bool(value) == Some(true);
    match key {
        "xpack.security.enabled" => parse_bool(value) == Some(false),
        "DISABLE_SECURITY_PLUGIN"
        | "plugins.security.disabled"
        | "ALLOW_EMPTY_PASSWORD"
        | "MYSQL_ALLOW_EMPTY_PASSWORD"
        | "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD"
        | "MARIADB_ALLOW_EMPTY_PASSWORD" => {
            truthy
                || (key.contains("EMPTY") && !value.is_empty() && parse_bool(value) != Some(false))
        }
        "POSTGRES_HOST_AUTH_METHOD" => value.eq_ignore_ascii_case("trust"),
        _ => false,
    }
}

fn dotenv(file: &SourceFile<'_>) -> HashMap<String, String> {
    let Some(text) = file
        .path
        .parent()
        .and_then(|d| std::fs::read_to_string(d.join(".env")).ok())
    else {
        return HashMap::new();
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().trim_start_matches("export ").to_string(),
                v.trim().trim_matches(['"', '\'']).to_string(),
            )
        })
        .collect()
}

pub(crate) fn check(file: &SourceFile<'_>, docs: &[Node], out: &mut Output) {
    let vars = dotenv(file);
    let subst = |text: &str| substitute(text, &vars);
    let Some(services) = docs.first().and_then(|d| d.get("services")) else {
        return;
    };
    for (service, _, svc) in services.entries() {
        let image = svc.str_of("image").and_then(subst).unwrap_or_default();
        let default_port = datastore_image(&image);
        let is_datastore = default_port.is_some();
        let mut exposed: Vec<(u16, u32, String)> = Vec::new();
        for port in svc.get("ports").map(Node::seq).unwrap_or_default() {
            let published = match &port.value {
                Value::Scalar(s) => subst(s).and_then(|s| parse_short(&s)),
                Value::Map(_) => {
                    let target = port
                        .str_of("target")
                        .and_then(subst)
                        .and_then(|t| port_range(&t));
                    let host_port = port
                        .str_of("published")
                        .and_then(subst)
                        .and_then(|p| port_range(&p))
                        .map(|(lo, _)| lo);
                    target.map(|container_ports| Published {
                        host_ip: port.str_of("host_ip").and_then(subst),
                        host_port,
                        container_ports,
                    })
                }
                _ => None,
            };
            let Some(p) = published else { continue };
            if p.host_ip.as_deref().is_some_and(|ip| !is_wildcard_bind(ip)) {
                continue;
            }
            let (lo, hi) = p.container_ports;
            let datastore_port = crate::net::DATASTORE_PORTS
                .iter()
                .map(|(d, _)| *d)
                .find(|d| (lo..=hi).contains(d));
            let Some(container_port) =
                datastore_port.or(if is_datastore { Some(lo) } else { None })
            else {
                continue;
            };
            let host_port = p.host_port.and_then(|h| h.checked_add(container_port - lo));
            let what = datastore_name(container_port)
                .unwrap_or(if image.is_empty() {
                    "datastore"
                } else {
                    image.as_str()
                })
                .to_string();
            let shown = match &port.value {
                Value::Scalar(s) => format!("ports: \"{s}\""),
                _ => format!(
                    "published: {}, target: {container_port}",
                    host_port.map_or("(random)".to_string(), |h| h.to_string())
                ),
            };
            out.findings.push(
                known("LP-COMPOSE-001")
                    .finding(crate::at(file.display, port.line).with_pointer(format!("services.{service}.ports")))
                    .with_message(format!(
                        "service {service} publishes {what} port {container_port} on all interfaces as host port {}",
                        host_port.map_or("(random)".to_string(), |h| h.to_string())
                    ))
                    .with_evidence(shown)
                    .with_fingerprint_discriminator(&container_port.to_string()),
            );
            if let Some(h) = host_port {
                exposed.push((h, port.line, what));
            }
        }
        // The host network publishes every port the container listens on.
        if let (Some(port), Some(mode)) = (default_port, svc.get("network_mode")) {
            if mode.str() == Some("host") {
                let what = datastore_name(port).unwrap_or("datastore").to_string();
                out.findings.push(
                    known("LP-COMPOSE-001")
                        .finding(
                            crate::at(file.display, mode.line)
                                .with_pointer(format!("services.{service}.network_mode")),
                        )
                        .with_message(format!(
                            "service {service} uses the host network: {what} port {port} listens on every host interface"
                        ))
                        .with_evidence("network_mode: host")
                        .with_fingerprint_discriminator("host"),
                );
                exposed.push((port, mode.line, what));
            }
        }
        let env: Vec<(String, u32, String)> = match svc.get("environment").map(|e| &e.value) {
            Some(Value::Seq(items)) => items
                .iter()
                .filter_map(|i| {
                    let text = subst(i.str()?)?;
                    let (k, v) = text.split_once('=')?;
                    Some((k.trim().to_string(), i.line, v.trim().to_string()))
                })
                .collect(),
            Some(Value::Map(entries)) => entries
                .iter()
                .filter_map(|(k, line, v)| Some((k.clone(), *line, subst(v.str()?)?)))
                .collect(),
            _ => Vec::new(),
        };
        for (key, line, value) in env.iter().filter(|(k, _, v)| auth_off(k, v)) {
            let rule = known("LP-COMPOSE-002");
            out.findings.push(
                rule.finding(
                    crate::at(file.display, *line)
                        .with_pointer(format!("services.{service}.environment.{key}")),
                )
                .with_severity(crate::exposure_severity(rule.severity, !exposed.is_empty()))
                .with_message(format!(
                    "service {service} ({image}) runs with {key}={value}"
                ))
                .with_evidence(format!("{key}={value}")),
            );
            for (host_port, _, what) in &exposed {
                out.unauthenticated.push(Unauthenticated {
                    port: *host_port,
                    datastore: if what.contains("Elasticsearch") {
                        "Elasticsearch container"
                    } else {
                        "datastore container"
                    },
                    location: crate::at(file.display, *line)
                        .with_pointer(format!("services.{service}.environment.{key}")),
                    why: format!("{key}={value}, published on all interfaces"),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_syntax() {
        assert_eq!(parse_short("9200:9200").unwrap().host_ip, None);
        assert_eq!(
            parse_short("127.0.0.1:9200:9200")
                .unwrap()
                .host_ip
                .as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(
            parse_short("[::1]:6379:6379/tcp")
                .unwrap()
                .host_ip
                .as_deref(),
            Some("::1")
        );
        assert_eq!(
            parse_short("9200-9201:9200-9201").unwrap().container_ports,
            (9200, 9201)
        );
        assert_eq!(parse_short("5432").unwrap().host_port, None);
    }

    #[test]
    fn images() {
        assert_eq!(
            datastore_image("docker.elastic.co/elasticsearch/elasticsearch:7.10.2"),
            Some(9200)
        );
        assert_eq!(datastore_image("redis:7-alpine"), Some(6379));
        assert_eq!(datastore_image("nginx:1.27"), None);
    }
}
