//! Targets as the user writes them, and the endpoints they expand to.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// The most endpoints one target may expand to, so a typo such as
/// `10.0.0.0/8:9200` fails loudly instead of knocking on 16 million doors.
pub const MAX_ENDPOINTS_PER_TARGET: usize = 4096;

/// The protocol a target names, or that identification found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// HTTP: Elasticsearch, OpenSearch, Kibana, CouchDB.
    Http,
    /// HTTP over TLS.
    Https,
    /// Redis (RESP).
    Redis,
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    Mysql,
    /// MongoDB (OP_MSG).
    Mongo,
    /// memcached (text protocol).
    Memcached,
}

impl Protocol {
    fn from_scheme(scheme: &str) -> Option<Protocol> {
        Some(match scheme.to_ascii_lowercase().as_str() {
            "http" => Protocol::Http,
            "https" => Protocol::Https,
            "redis" => Protocol::Redis,
            "postgres" | "postgresql" => Protocol::Postgres,
            "mysql" => Protocol::Mysql,
            "mongodb" => Protocol::Mongo,
            "memcached" => Protocol::Memcached,
            _ => return None,
        })
    }

    /// The port used when a URL names none.
    pub fn default_port(self) -> u16 {
        match self {
            Protocol::Http => 80,
            Protocol::Https => 443,
            Protocol::Redis => 6379,
            Protocol::Postgres => 5432,
            Protocol::Mysql => 3306,
            Protocol::Mongo => 27017,
            Protocol::Memcached => 11211,
        }
    }
}

/// A target that cannot be parsed or expands too far.
#[derive(Debug, thiserror::Error)]
#[error("invalid target {spec:?}: {reason}")]
pub struct TargetError {
    /// The target as written.
    pub spec: String,
    /// Why it is invalid.
    pub reason: String,
}

/// One `host:port` to knock on, with the protocol when the target named it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// The protocol the user named, or `None` to identify what answers.
    pub protocol: Option<Protocol>,
}

impl Endpoint {
    /// `host:port`, with brackets around IPv6 addresses.
    pub fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address())
    }
}

/// An endpoint, or range of endpoints, the user owns and asked us to probe.
///
/// Spellings: `host:port`, `[v6]:port`, a URL (`http://`, `https://`,
/// `redis://`, `postgres://`, `postgresql://`, `mongodb://`, `mysql://`,
/// `memcached://`), or a CIDR range with a port list
/// (`127.0.0.0/30:6379,9200`, `[::1]/128:6379`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The target as the user wrote it.
    pub spec: String,
    endpoints: Vec<Endpoint>,
}

impl Target {
    /// The endpoints this target expands to, in order.
    pub fn endpoints(&self) -> &[Endpoint] {
        &self.endpoints
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.spec)
    }
}

impl FromStr for Target {
    type Err = TargetError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let spec = s.trim();
        let error = |reason: &str| TargetError {
            spec: without_userinfo(spec),
            reason: reason.to_string(),
        };
        if spec.is_empty() {
            return Err(error("empty target"));
        }
        let endpoints = if let Some((scheme, rest)) = spec.split_once("://") {
            let protocol = Protocol::from_scheme(scheme).ok_or_else(|| {
                error("unknown scheme (use http, https, redis, postgres, postgresql, mongodb, mysql or memcached)")
            })?;
            vec![parse_url_authority(rest, protocol).map_err(|r| error(&r))?]
        } else if let Some((net, ports)) = split_cidr(spec) {
            expand_cidr(net, ports).map_err(|r| error(&r))?
        } else {
            let (host, port) = split_host_port(spec).map_err(|r| error(&r))?;
            vec![Endpoint {
                host,
                port,
                protocol: None,
            }]
        };
        Ok(Target {
            spec: spec.to_string(),
            endpoints,
        })
    }
}

/// The spec with any `user:password@` of a URL replaced by `***@`, so an
/// error message never echoes a password typed on the command line.
fn without_userinfo(spec: &str) -> String {
    let Some((scheme, rest)) = spec.split_once("://") else {
        return spec.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => spec.to_string(),
    }
}

fn parse_url_authority(rest: &str, protocol: Protocol) -> Result<Endpoint, String> {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(
            "credentials in a URL end up in shell history and process lists; put them in a --credentials file"
                .to_string(),
        );
    }
    if authority.is_empty() {
        return Err("no host".to_string());
    }
    let has_port = if authority.starts_with('[') {
        authority.contains("]:")
    } else {
        authority.contains(':')
    };
    if has_port {
        let (host, port) = split_host_port(authority)?;
        Ok(Endpoint {
            host,
            port,
            protocol: Some(protocol),
        })
    } else {
        let host = authority.trim_start_matches('[').trim_end_matches(']');
        Ok(Endpoint {
            host: host.to_string(),
            port: protocol.default_port(),
            protocol: Some(protocol),
        })
    }
}

fn split_host_port(spec: &str) -> Result<(String, u16), String> {
    let (host, port) = if let Some(rest) = spec.strip_prefix('[') {
        let (host, port) = rest
            .split_once("]:")
            .ok_or("expected [IPv6]:port".to_string())?;
        host.parse::<Ipv6Addr>()
            .map_err(|_| format!("{host:?} is not an IPv6 address"))?;
        (host, port)
    } else {
        let (host, port) = spec
            .rsplit_once(':')
            .ok_or("expected host:port, a URL or a CIDR range with ports".to_string())?;
        if host.contains(':') {
            return Err("write IPv6 addresses in brackets: [::1]:6379".to_string());
        }
        (host, port)
    };
    if host.is_empty() || host.contains(['/', ' ', '@']) {
        return Err(format!("{host:?} is not a host name or address"));
    }
    let port = parse_port(port)?;
    Ok((host.to_string(), port))
}

fn parse_port(port: &str) -> Result<u16, String> {
    match port.parse::<u16>() {
        Ok(0) | Err(_) => Err(format!("{port:?} is not a port (1-65535)")),
        Ok(p) => Ok(p),
    }
}

/// Splits `net/prefix:ports` (IPv4) or `[net]/prefix:ports` (IPv6).
fn split_cidr(spec: &str) -> Option<(&str, &str)> {
    if !spec.contains('/') {
        return None;
    }
    spec.rsplit_once(':')
}

fn expand_cidr(net: &str, ports: &str) -> Result<Vec<Endpoint>, String> {
    let (addr, prefix) = net
        .split_once('/')
        .ok_or("expected a CIDR range such as 10.0.0.0/30:9200")?;
    let addr = addr.trim_start_matches('[').trim_end_matches(']');
    let prefix: u32 = prefix
        .trim_end_matches(']')
        .parse()
        .map_err(|_| format!("{prefix:?} is not a prefix length"))?;
    let ports = ports
        .split(',')
        .map(|p| parse_port(p.trim()))
        .collect::<Result<Vec<u16>, String>>()?;
    let ip: IpAddr = addr
        .parse()
        .map_err(|_| format!("{addr:?} is not an IP address"))?;
    let bits = if ip.is_ipv4() { 32 } else { 128 };
    if prefix > bits {
        return Err(format!("prefix /{prefix} is longer than {bits} bits"));
    }
    let host_bits = bits - prefix;
    let hosts: u128 = if host_bits >= 64 {
        u128::MAX
    } else {
        1u128 << host_bits
    };
    let total = hosts.saturating_mul(ports.len() as u128);
    if total > MAX_ENDPOINTS_PER_TARGET as u128 {
        return Err(format!(
            "expands to {total} endpoints, more than the limit of {MAX_ENDPOINTS_PER_TARGET}; split the range"
        ));
    }
    let base: u128 = match ip {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    };
    let mask = if host_bits == 0 {
        0
    } else {
        (1u128 << host_bits) - 1
    };
    let network = base & !mask;
    let mut endpoints = Vec::new();
    for offset in 0..hosts {
        let value = network | offset;
        let host = match ip {
            IpAddr::V4(_) => {
                Ipv4Addr::from(u32::try_from(value).map_err(|_| "address overflow")?).to_string()
            }
            IpAddr::V6(_) => Ipv6Addr::from(value).to_string(),
        };
        for &port in &ports {
            endpoints.push(Endpoint {
                host: host.clone(),
                port,
                protocol: None,
            });
        }
    }
    Ok(endpoints)
}

/// Parses a `--targets` file: one target a line; blank lines and `#`
/// comments (whole-line or trailing) are skipped. Errors name the line.
pub fn parse_targets_file(text: &str) -> Result<Vec<Target>, TargetError> {
    let mut targets = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let target = line.parse::<Target>().map_err(|e| TargetError {
            spec: e.spec,
            reason: format!("line {}: {}", index + 1, e.reason),
        })?;
        targets.push(target);
    }
    Ok(targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoints(spec: &str) -> Vec<String> {
        let target: Target = spec.parse().unwrap();
        target.endpoints().iter().map(Endpoint::address).collect()
    }

    #[test]
    fn host_port_and_urls() {
        assert_eq!(endpoints("127.0.0.1:9200"), ["127.0.0.1:9200"]);
        assert_eq!(endpoints("[::1]:6379"), ["[::1]:6379"]);
        let t: Target = "redis://cache.internal".parse().unwrap();
        assert_eq!(t.endpoints()[0].address(), "cache.internal:6379");
        assert_eq!(t.endpoints()[0].protocol, Some(Protocol::Redis));
        let t: Target = "https://es.example:9243/some/path".parse().unwrap();
        assert_eq!(t.endpoints()[0].port, 9243);
        assert_eq!(t.endpoints()[0].protocol, Some(Protocol::Https));
        let t: Target = "postgresql://[::1]".parse().unwrap();
        assert_eq!(t.endpoints()[0].address(), "[::1]:5432");
        assert_eq!(t.to_string(), "postgresql://[::1]");
    }

    #[test]
    fn cidr_with_ports() {
        assert_eq!(
            endpoints("127.0.0.0/31:6379,9200"),
            [
                "127.0.0.0:6379",
                "127.0.0.0:9200",
                "127.0.0.1:6379",
                "127.0.0.1:9200"
            ]
        );
        assert_eq!(endpoints("127.0.0.5/32:1"), ["127.0.0.5:1"]);
        assert_eq!(endpoints("[::1]/128:6379"), ["[::1]:6379"]);
        assert_eq!(endpoints("127.0.0.0/20:9200").len(), 4096);
    }

    #[test]
    fn rejects_bad_targets_with_reasons() {
        for (spec, needle) in [
            ("10.0.0.0/8:9200", "limit"),
            ("redis://user:pw@host", "--credentials"),
            ("ftp://host", "unknown scheme"),
            ("host", "host:port"),
            ("host:0", "port"),
            ("host:99999", "port"),
            ("::1:6379", "brackets"),
            ("", "empty"),
            ("1.2.3.4/33:80", "prefix"),
        ] {
            let err = spec.parse::<Target>().unwrap_err();
            assert!(err.to_string().contains(needle), "{spec}: {err}");
            assert!(!err.to_string().contains(":pw@"), "{err}");
        }
    }

    #[test]
    fn targets_file_skips_comments() {
        let targets =
            parse_targets_file("# mine\n127.0.0.1:6379  # cache\n\nredis://127.0.0.1:6380\n")
                .unwrap();
        assert_eq!(targets.len(), 2);
        let err = parse_targets_file("a:1\nnope\n").unwrap_err();
        assert!(err.reason.contains("line 2"));
    }
}
