//! Address and port arithmetic for reachability: exact sets of IPv4 and IPv6
//! addresses as sorted intervals, the datastore ports we care about, and how
//! wide an allowed set is ("the whole internet", public ranges, a few public
//! hosts, private only).

use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;

/// Ports that datastores listen on, with the datastore's name.
pub(crate) const DATASTORE_PORTS: &[(u16, &str)] = &[
    (9200, "Elasticsearch/OpenSearch HTTP"),
    (9300, "Elasticsearch/OpenSearch transport"),
    (5601, "Kibana/OpenSearch Dashboards"),
    (6379, "Redis"),
    (27017, "MongoDB"),
    (27018, "MongoDB shard"),
    (5432, "PostgreSQL"),
    (3306, "MySQL/MariaDB"),
    (11211, "memcached"),
    (5984, "CouchDB"),
    (9042, "Cassandra"),
    (8086, "InfluxDB"),
    (7474, "Neo4j"),
    (8123, "ClickHouse HTTP"),
    (9000, "ClickHouse native"),
];

/// The name of the datastore on `port`, if it is one of ours.
pub(crate) fn datastore_name(port: u16) -> Option<&'static str> {
    DATASTORE_PORTS
        .iter()
        .find(|(p, _)| *p == port)
        .map(|(_, n)| *n)
}

/// A set of addresses: disjoint, sorted, inclusive intervals per family,
/// plus named public ranges whose addresses we do not carry (cloud service
/// tags such as Azure's `AzureCloud`): they are inside every set that
/// covers the whole public internet, and otherwise only equal to themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AddrSet {
    v4: Vec<(u128, u128)>,
    v6: Vec<(u128, u128)>,
    tags: Vec<String>,
}

const V4_MAX: u128 = u32::MAX as u128;

fn normalise(mut ranges: Vec<(u128, u128)>) -> Vec<(u128, u128)> {
    ranges.sort_unstable();
    let mut out: Vec<(u128, u128)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

fn subtract(a: &[(u128, u128)], b: &[(u128, u128)]) -> Vec<(u128, u128)> {
    let mut out = Vec::new();
    for &(lo, hi) in a {
        let mut pieces = vec![(lo, hi)];
        for &(blo, bhi) in b {
            pieces = pieces
                .into_iter()
                .flat_map(|(plo, phi)| {
                    let mut keep = Vec::new();
                    if bhi < plo || blo > phi {
                        keep.push((plo, phi));
                    } else {
                        if blo > plo {
                            keep.push((plo, blo - 1));
                        }
                        if bhi < phi {
                            keep.push((bhi + 1, phi));
                        }
                    }
                    keep
                })
                .collect();
        }
        out.extend(pieces);
    }
    out
}

fn count(ranges: &[(u128, u128)]) -> u128 {
    ranges
        .iter()
        .map(|(lo, hi)| (hi - lo).saturating_add(1))
        .fold(0u128, u128::saturating_add)
}

impl AddrSet {
    /// Every IPv4 and IPv6 address.
    pub fn all() -> Self {
        AddrSet {
            v4: vec![(0, V4_MAX)],
            v6: vec![(0, u128::MAX)],
            tags: Vec::new(),
        }
    }

    /// A named public range whose addresses are not known here.
    pub fn tag(name: &str) -> Self {
        AddrSet {
            tags: vec![name.to_ascii_lowercase()],
            ..AddrSet::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty() && self.tags.is_empty()
    }

    /// Whether every public address is in the set (so every tag is too).
    fn covers_public(&self) -> bool {
        let non_public = AddrSet::non_public();
        let public_v4 = subtract(&[(0, V4_MAX)], &non_public.v4);
        let public_v6 = subtract(&[(0, u128::MAX)], &non_public.v6);
        subtract(&public_v4, &self.v4).is_empty() && subtract(&public_v6, &self.v6).is_empty()
    }

    fn insert(&mut self, net: IpNet) {
        match net {
            IpNet::V4(n) => {
                self.v4.push((
                    u128::from(u32::from(n.network())),
                    u128::from(u32::from(n.broadcast())),
                ));
                self.v4 = normalise(std::mem::take(&mut self.v4));
            }
            IpNet::V6(n) => {
                self.v6
                    .push((u128::from(n.network()), u128::from(n.broadcast())));
                self.v6 = normalise(std::mem::take(&mut self.v6));
            }
        }
    }

    /// Parses a CIDR (`10.0.0.0/8`, `::/0`) or a bare address; `None` when
    /// it is neither.
    pub fn parse_cidr(text: &str) -> Option<Self> {
        let text = text.trim();
        let net = IpNet::from_str(text)
            .ok()
            .or_else(|| IpAddr::from_str(text).ok().map(IpNet::from))?;
        let mut set = AddrSet::default();
        set.insert(net.trunc());
        Some(set)
    }

    fn of(nets: &[&str]) -> Self {
        let mut set = AddrSet::default();
        for net in nets {
            if let Ok(net) = IpNet::from_str(net) {
                set.insert(net);
            }
        }
        set
    }

    /// Addresses that are not on the public internet: private, loopback,
    /// link-local, CGNAT, multicast, reserved, unique-local.
    pub fn non_public() -> Self {
        Self::of(&[
            "0.0.0.0/8",
            "10.0.0.0/8",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "224.0.0.0/3",
            "::/127",
            "fc00::/7",
            "fe80::/10",
            "ff00::/8",
        ])
    }

    /// The private ranges a virtual network or cluster uses.
    pub fn private() -> Self {
        Self::of(&[
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",
            "fc00::/7",
        ])
    }

    pub fn union(&self, other: &AddrSet) -> AddrSet {
        let mut tags: Vec<String> = self.tags.iter().chain(&other.tags).cloned().collect();
        tags.sort();
        tags.dedup();
        AddrSet {
            v4: normalise(self.v4.iter().chain(&other.v4).copied().collect()),
            v6: normalise(self.v6.iter().chain(&other.v6).copied().collect()),
            tags,
        }
    }

    pub fn minus(&self, other: &AddrSet) -> AddrSet {
        let tags = if other.tags.is_empty() && other.v4.is_empty() && other.v6.is_empty() {
            self.tags.clone()
        } else if other.covers_public() {
            Vec::new()
        } else {
            self.tags
                .iter()
                .filter(|t| !other.tags.contains(t))
                .cloned()
                .collect()
        };
        AddrSet {
            v4: subtract(&self.v4, &other.v4),
            v6: subtract(&self.v6, &other.v6),
            tags,
        }
    }

    pub fn intersect(&self, other: &AddrSet) -> AddrSet {
        self.minus(&self.minus(other))
    }

    /// How far the public part of this set reaches.
    pub fn reach(&self) -> Reach {
        let public = self.minus(&AddrSet::non_public());
        let (v4, v6) = (count(&public.v4), count(&public.v6));
        if v4 > 1u128 << 31 || v6 >= 1u128 << 124 {
            Reach::Internet
        } else if !self.tags.is_empty() {
            Reach::PublicRanges
        } else if v4 == 0 && v6 == 0 {
            Reach::Private
        } else if v4 <= 16 && v6 <= 16u128 << 64 {
            Reach::FewPublicHosts
        } else {
            Reach::PublicRanges
        }
    }
}

/// How widely a port is reachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Reach {
    /// Only private, loopback or link-local sources.
    Private,
    /// At most 16 public IPv4 addresses (or 16 IPv6 /64s).
    FewPublicHosts,
    /// Public ranges wider than a few hosts, but not the internet.
    PublicRanges,
    /// More than half the public IPv4 space, or most of IPv6: anyone.
    Internet,
}

impl Reach {
    pub fn describe(self) -> &'static str {
        match self {
            Reach::Private => "private addresses only",
            Reach::FewPublicHosts => "a few named public addresses",
            Reach::PublicRanges => "public address ranges",
            Reach::Internet => "the whole internet",
        }
    }
}

/// A set of ports, as inclusive ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PortSet(Vec<(u16, u16)>);

impl PortSet {
    pub fn all() -> Self {
        PortSet(vec![(0, u16::MAX)])
    }

    pub fn range(lo: u16, hi: u16) -> Self {
        PortSet(vec![(lo.min(hi), hi.max(lo))])
    }

    /// Parses `*`, `9200`, `9200-9300` (and lists of them separated by commas).
    pub fn parse(text: &str) -> Option<Self> {
        let mut set = PortSet::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if part == "*" || part.eq_ignore_ascii_case("any") {
                return Some(PortSet::all());
            }
            let (lo, hi) = part.split_once('-').unwrap_or((part, part));
            let (lo, hi) = (
                lo.trim().parse::<u16>().ok()?,
                hi.trim().parse::<u16>().ok()?,
            );
            set.0.push((lo.min(hi), hi.max(lo)));
        }
        Some(set)
    }

    pub fn extend(&mut self, other: PortSet) {
        self.0.extend(other.0);
    }

    pub fn contains(&self, port: u16) -> bool {
        self.0.iter().any(|(lo, hi)| (*lo..=*hi).contains(&port))
    }
}

/// The transport a rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    Tcp,
    Udp,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
        }
    }
}

/// Whether a protocol name or number from any provider matches `transport`
/// (`*`, `all`, `-1` and `Any` match everything).
pub(crate) fn protocol_matches(protocol: &str, transport: Transport) -> bool {
    match protocol.trim().to_ascii_lowercase().as_str() {
        "*" | "all" | "-1" | "any" => true,
        "tcp" | "6" => transport == Transport::Tcp,
        "udp" | "17" => transport == Transport::Udp,
        _ => false,
    }
}

/// The (port, transport) pairs a reachability check evaluates: every
/// datastore port over TCP, and memcached over UDP too.
pub(crate) fn probes() -> impl Iterator<Item = (u16, Transport)> {
    DATASTORE_PORTS
        .iter()
        .map(|(p, _)| (*p, Transport::Tcp))
        .chain(std::iter::once((11211, Transport::Udp)))
}

/// A datastore port a network rule lets in, and from how far.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Opening {
    /// Index of the rule (in the evaluator's input) that lets it in.
    pub rule: usize,
    pub port: u16,
    pub transport: Transport,
    pub reach: Reach,
}

/// One rule's openings: its index, the ports it opens and the widest reach.
pub(crate) type RuleOpenings = (usize, Vec<(u16, Transport)>, Reach);

/// Folds openings into one entry per rule: its ports and widest reach.
pub(crate) fn group_by_rule(openings: &[Opening]) -> Vec<RuleOpenings> {
    let mut out: Vec<RuleOpenings> = Vec::new();
    for o in openings.iter().filter(|o| o.reach > Reach::Private) {
        match out.iter_mut().find(|(r, _, _)| *r == o.rule) {
            Some((_, ports, reach)) => {
                ports.push((o.port, o.transport));
                *reach = (*reach).max(o.reach);
            }
            None => out.push((o.rule, vec![(o.port, o.transport)], o.reach)),
        }
    }
    out
}

/// `9200/tcp (Elasticsearch/OpenSearch HTTP), 6379/tcp (Redis)`.
pub(crate) fn describe_ports(ports: &[(u16, Transport)]) -> String {
    ports
        .iter()
        .map(|(p, t)| {
            format!(
                "{p}/{} ({})",
                t.as_str(),
                datastore_name(*p).unwrap_or("unknown")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn has_v4(set: &AddrSet, addr: u32) -> bool {
        set.v4
            .iter()
            .any(|(lo, hi)| (*lo..=*hi).contains(&u128::from(addr)))
    }

    fn net(base: u8, len: u8) -> AddrSet {
        AddrSet::parse_cidr(&format!("10.0.0.{base}/{}", 24 + len % 9)).unwrap()
    }

    proptest! {
        #[test]
        fn algebra_matches_membership(a in (0u8.., 0u8..), b in (0u8.., 0u8..), c in (0u8.., 0u8..)) {
            let (a, b, c) = (net(a.0, a.1), net(b.0, b.1), net(c.0, c.1));
            let mixed = a.union(&b).minus(&c);
            let common = a.intersect(&b);
            for last in 0u32..=255 {
                let ip = 0x0a00_0000 | last;
                prop_assert_eq!(has_v4(&mixed, ip), (has_v4(&a, ip) || has_v4(&b, ip)) && !has_v4(&c, ip));
                prop_assert_eq!(has_v4(&common, ip), has_v4(&a, ip) && has_v4(&b, ip));
            }
            // Normalised: sorted, disjoint, not adjacent.
            for pair in mixed.v4.windows(2) {
                prop_assert!(pair[0].1 + 1 < pair[1].0);
            }
        }
    }

    #[test]
    fn reach_classes() {
        assert_eq!(
            AddrSet::parse_cidr("0.0.0.0/0").unwrap().reach(),
            Reach::Internet
        );
        assert_eq!(
            AddrSet::parse_cidr("::/0").unwrap().reach(),
            Reach::Internet
        );
        assert_eq!(
            AddrSet::parse_cidr("10.0.0.0/8").unwrap().reach(),
            Reach::Private
        );
        assert_eq!(
            AddrSet::parse_cidr("100.64.0.0/10").unwrap().reach(),
            Reach::Private
        );
        assert_eq!(
            AddrSet::parse_cidr("203.0.113.7/32").unwrap().reach(),
            Reach::FewPublicHosts
        );
        assert_eq!(
            AddrSet::parse_cidr("203.0.113.0/24").unwrap().reach(),
            Reach::PublicRanges
        );
        assert_eq!(
            AddrSet::parse_cidr("2001:db8::1").unwrap().reach(),
            Reach::FewPublicHosts
        );
        assert!(AddrSet::parse_cidr("not-an-ip").is_none());
        // A service tag is public, removed by the internet, kept by others.
        let tag = AddrSet::tag("AzureCloud");
        assert_eq!(tag.reach(), Reach::PublicRanges);
        assert!(
            tag.minus(&AddrSet::all().minus(&AddrSet::private()))
                .is_empty()
        );
        assert_eq!(tag.minus(&AddrSet::parse_cidr("10.0.0.0/8").unwrap()), tag);
        assert_eq!(tag.intersect(&AddrSet::all()), tag);
        // 0.0.0.0/0 minus one /24 is still the internet.
        let most = AddrSet::all().minus(&AddrSet::parse_cidr("198.51.100.0/24").unwrap());
        assert_eq!(most.reach(), Reach::Internet);
    }

    #[test]
    fn set_algebra_is_exact() {
        let a = AddrSet::parse_cidr("10.0.0.0/24").unwrap();
        let b = AddrSet::parse_cidr("10.0.0.128/25").unwrap();
        let diff = a.minus(&b);
        assert_eq!(diff, AddrSet::parse_cidr("10.0.0.0/25").unwrap());
        assert_eq!(diff.union(&b), a);
        assert!(diff.intersect(&b).is_empty());
    }

    #[test]
    fn ports() {
        let p = PortSet::parse("80, 9200-9300").unwrap();
        assert!(p.contains(9250) && p.contains(80) && !p.contains(443));
        assert!(PortSet::parse("*").unwrap().contains(6379));
        assert!(PortSet::parse("abc").is_none());
        assert!(
            protocol_matches("-1", Transport::Udp) && !protocol_matches("Icmp", Transport::Tcp)
        );
    }
}
