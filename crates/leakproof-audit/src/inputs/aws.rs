//! AWS security groups from `aws ec2 describe-security-groups`: inbound
//! permissions are allow-only and union together.

use super::netrules::{RuleSpec, cidrs, evaluate_union, report};
use super::{Output, SourceFile};
use crate::net::PortSet;
use crate::tree::Node;

/// One inbound permission, as the API and Terraform both describe it.
#[derive(Debug, Clone)]
pub(crate) struct Permission {
    pub protocol: String,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    pub cidrs: Vec<String>,
    pub line: u32,
    /// The group (or Terraform resource) the permission belongs to.
    pub owner: String,
    pub label: String,
}

impl Permission {
    pub(crate) fn spec(&self) -> RuleSpec {
        // Protocol -1 means every protocol and port; for tcp/udp, -1 or a
        // missing port also means all ports.
        let ports = match (self.from_port, self.to_port) {
            _ if self.protocol == "-1" || self.protocol.eq_ignore_ascii_case("all") => {
                PortSet::all()
            }
            (Some(from), Some(to)) if from >= 0 && to >= 0 => PortSet::range(
                u16::try_from(from).unwrap_or(u16::MAX),
                u16::try_from(to).unwrap_or(u16::MAX),
            ),
            _ => PortSet::all(),
        };
        let port_text = match (self.from_port, self.to_port) {
            (Some(f), Some(t)) if f == t => f.to_string(),
            (Some(f), Some(t)) => format!("{f}-{t}"),
            _ => "all".into(),
        };
        RuleSpec {
            allow: true,
            matches: vec![(self.protocol.clone(), ports)],
            sources: cidrs(self.cidrs.iter().map(String::as_str)),
            label: self.label.clone(),
            // A permission is identified by what it opens, not its position.
            resource: format!("{} {}/{port_text}", self.owner, self.protocol),
            line: self.line,
            evidence: format!(
                "protocol {} ports {port_text} from {}",
                self.protocol,
                self.cidrs.join(",")
            ),
        }
    }
}

/// Evaluates one group's permissions as a union and reports.
pub(crate) fn evaluate(
    file: &SourceFile<'_>,
    out: &mut Output,
    perms: &[Permission],
    ids: (&str, &str),
) {
    let specs: Vec<RuleSpec> = perms.iter().map(Permission::spec).collect();
    let openings = evaluate_union(&specs);
    report(file, out, &specs, &openings, ids.0, ids.1);
}

pub(crate) fn looks_like(doc: &Node) -> bool {
    doc.get("SecurityGroups").is_some()
        || doc.seq().iter().any(|g| g.get("IpPermissions").is_some())
}

fn number(node: &Node, key: &str) -> Option<i64> {
    node.str_of(key).and_then(|v| v.parse().ok())
}

pub(crate) fn check(file: &SourceFile<'_>, doc: &Node, out: &mut Output) {
    let groups = doc
        .get("SecurityGroups")
        .map(Node::seq)
        .unwrap_or_else(|| doc.seq());
    for group in groups {
        let id = group.str_of("GroupId").unwrap_or("sg");
        let name = group.str_of("GroupName").unwrap_or_default();
        let mut perms = Vec::new();
        for (i, perm) in group
            .get("IpPermissions")
            .map(Node::seq)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let mut ranges: Vec<String> = Vec::new();
            for (list, key) in [("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6")] {
                for range in perm.get(list).map(Node::seq).unwrap_or_default() {
                    ranges.extend(range.str_of(key).map(String::from));
                }
            }
            // References to other groups are inside the VPC: private sources.
            let peers = perm.get("UserIdGroupPairs").map_or(0, |p| p.seq().len());
            if ranges.is_empty() && peers > 0 {
                continue;
            }
            perms.push(Permission {
                protocol: perm.str_of("IpProtocol").unwrap_or("-1").to_string(),
                from_port: number(perm, "FromPort"),
                to_port: number(perm, "ToPort"),
                cidrs: ranges,
                line: perm.line,
                owner: id.to_string(),
                label: format!("{id} ({name}) inbound permission #{}", i + 1),
            });
        }
        evaluate(file, out, &perms, ("LP-AWS-001", "LP-AWS-002"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{AddrSet, Reach};

    #[test]
    fn all_protocols_means_all_ports() {
        let p = Permission {
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            cidrs: vec!["::/0".into()],
            line: 1,
            owner: "sg-1".into(),
            label: "x".into(),
        };
        let spec = p.spec();
        assert!(spec.matches[0].1.contains(27017));
        assert_eq!(spec.sources.reach(), Reach::Internet);
        assert!(AddrSet::parse_cidr("::/0").is_some());
    }
}
