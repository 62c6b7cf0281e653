//! Terraform plan JSON (`terraform show -json plan.out`): the planned
//! network rules of AWS, Azure and GCP evaluated with each provider's
//! semantics, and managed search domains' access control.

use super::aws::Permission;
use super::azure::NsgRule;
use super::gcp::FirewallRule;
use super::{Output, SourceFile};
use crate::catalogue::known;
use crate::text::parse_bool;
use crate::tree::Node;

const IDS: (&str, &str) = ("LP-TF-001", "LP-TF-002");

pub(crate) fn looks_like(doc: &Node) -> bool {
    doc.get("format_version").is_some()
        && (doc.get("planned_values").is_some() || doc.get("resource_changes").is_some())
}

/// A planned resource: type, address and values.
struct Resource<'a> {
    kind: &'a str,
    address: String,
    values: &'a Node,
    line: u32,
}

fn collect_module<'a>(module: &'a Node, out: &mut Vec<Resource<'a>>) {
    for r in module.get("resources").map(Node::seq).unwrap_or_default() {
        if let (Some(kind), Some(values)) = (r.str_of("type"), r.get("values")) {
            let address = r.str_of("address").unwrap_or(kind).to_string();
            out.push(Resource {
                kind,
                address,
                values,
                line: r.line,
            });
        }
    }
    for child in module
        .get("child_modules")
        .map(Node::seq)
        .unwrap_or_default()
    {
        collect_module(child, out);
    }
}

fn resources(doc: &Node) -> Vec<Resource<'_>> {
    let mut out = Vec::new();
    if let Some(root) = doc.path(&["planned_values", "root_module"]) {
        collect_module(root, &mut out);
        return out;
    }
    for change in doc
        .get("resource_changes")
        .map(Node::seq)
        .unwrap_or_default()
    {
        let after = change.path(&["change", "after"]).filter(|a| a.is_map());
        if let (Some(kind), Some(values)) = (change.str_of("type"), after) {
            let address = change.str_of("address").unwrap_or(kind).to_string();
            out.push(Resource {
                kind,
                address,
                values,
                line: change.line,
            });
        }
    }
    out
}

fn strings(node: &Node, key: &str) -> Vec<String> {
    node.get(key)
        .map(|n| n.strings().into_iter().map(String::from).collect())
        .unwrap_or_default()
}

fn int(node: &Node, key: &str) -> Option<i64> {
    node.str_of(key).and_then(|v| v.parse().ok())
}

pub(crate) fn check(file: &SourceFile<'_>, doc: &Node, out: &mut Output) {
    let all = resources(doc);
    let mut aws: Vec<(String, Vec<Permission>)> = Vec::new();
    let mut azure: Vec<(String, Vec<NsgRule>)> = Vec::new();
    let mut gcp: Vec<FirewallRule> = Vec::new();
    for r in &all {
        let v = r.values;
        match r.kind {
            "aws_security_group" => {
                let perms = v
                    .get("ingress")
                    .map(Node::seq)
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                    .map(|(i, rule)| {
                        aws_permission(
                            rule,
                            &r.address,
                            format!("{} ingress #{}", r.address, i + 1),
                            rule.line,
                        )
                    })
                    .collect();
                aws.push((r.address.clone(), perms));
            }
            "aws_security_group_rule" if v.str_of("type") == Some("ingress") => {
                aws.push((
                    r.address.clone(),
                    vec![aws_permission(v, &r.address, r.address.clone(), r.line)],
                ));
            }
            "aws_vpc_security_group_ingress_rule" => {
                let cidrs = ["cidr_ipv4", "cidr_ipv6"]
                    .iter()
                    .filter_map(|k| v.str_of(k).map(String::from))
                    .collect();
                aws.push((
                    r.address.clone(),
                    vec![Permission {
                        protocol: v.str_of("ip_protocol").unwrap_or("-1").to_string(),
                        from_port: int(v, "from_port"),
                        to_port: int(v, "to_port"),
                        cidrs,
                        line: r.line,
                        owner: r.address.clone(),
                        label: r.address.clone(),
                    }],
                ));
            }
            "azurerm_network_security_group" => {
                let rules = v
                    .get("security_rule")
                    .map(Node::seq)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|rule| azure_rule(rule, rule.line))
                    .collect();
                azure.push((v.str_of("name").unwrap_or(&r.address).to_string(), rules));
            }
            "azurerm_network_security_rule" => {
                let nsg = v
                    .str_of("network_security_group_name")
                    .unwrap_or("nsg")
                    .to_string();
                let rule = azure_rule(v, r.line);
                match azure.iter_mut().find(|(n, _)| *n == nsg) {
                    Some((_, rules)) => rules.extend(rule),
                    None => azure.push((nsg, rule.into_iter().collect())),
                }
            }
            "google_compute_firewall" => gcp.push(gcp_rule(v, &r.address, r.line)),
            "aws_opensearch_domain" | "aws_elasticsearch_domain" => check_domain(file, r, out),
            _ => {}
        }
    }
    for (_, perms) in aws {
        super::aws::evaluate(file, out, &perms, IDS);
    }
    for (nsg, rules) in azure {
        super::azure::evaluate_nsg(file, out, &nsg, rules, IDS);
    }
    if !gcp.is_empty() {
        super::gcp::evaluate(file, out, gcp, IDS);
    }
}

fn aws_permission(rule: &Node, owner: &str, label: String, line: u32) -> Permission {
    let mut cidrs = strings(rule, "cidr_blocks");
    cidrs.extend(strings(rule, "ipv6_cidr_blocks"));
    Permission {
        protocol: rule.str_of("protocol").unwrap_or("-1").to_string(),
        from_port: int(rule, "from_port"),
        to_port: int(rule, "to_port"),
        cidrs,
        line,
        owner: owner.to_string(),
        label,
    }
}

fn azure_rule(rule: &Node, line: u32) -> Option<NsgRule> {
    let mut sources: Vec<String> = rule
        .str_of("source_address_prefix")
        .map(String::from)
        .into_iter()
        .collect();
    sources.extend(strings(rule, "source_address_prefixes"));
    let mut ports: Vec<String> = rule
        .str_of("destination_port_range")
        .map(String::from)
        .into_iter()
        .collect();
    ports.extend(strings(rule, "destination_port_ranges"));
    Some(NsgRule {
        name: rule.str_of("name")?.to_string(),
        priority: int(rule, "priority")?,
        inbound: rule
            .str_of("direction")
            .is_none_or(|d| d.eq_ignore_ascii_case("inbound")),
        allow: rule.str_of("access")?.eq_ignore_ascii_case("allow"),
        protocol: rule.str_of("protocol").unwrap_or("*").to_string(),
        sources,
        ports,
        line,
    })
}

fn gcp_rule(v: &Node, address: &str, line: u32) -> FirewallRule {
    let entries = |key: &str| -> Vec<(String, Vec<String>)> {
        v.get(key)
            .map(Node::seq)
            .unwrap_or_default()
            .iter()
            .map(|e| {
                (
                    e.str_of("protocol").unwrap_or("all").to_string(),
                    strings(e, "ports"),
                )
            })
            .collect()
    };
    let (allow, deny) = (entries("allow"), entries("deny"));
    let is_deny = allow.is_empty() && !deny.is_empty();
    FirewallRule {
        name: v.str_of("name").unwrap_or(address).to_string(),
        priority: int(v, "priority").unwrap_or(1000),
        ingress: v
            .str_of("direction")
            .is_none_or(|d| d.eq_ignore_ascii_case("INGRESS")),
        disabled: v.str_of("disabled").and_then(parse_bool).unwrap_or(false),
        deny: is_deny,
        source_ranges: strings(v, "source_ranges"),
        internal_sources: !strings(v, "source_tags").is_empty()
            || !strings(v, "source_service_accounts").is_empty(),
        entries: if is_deny { deny } else { allow },
        target_tags: strings(v, "target_tags"),
        line,
    }
}

fn check_domain(file: &SourceFile<'_>, r: &Resource<'_>, out: &mut Output) {
    let v = r.values;
    let location = crate::at(file.display, r.line).with_resource(r.address.clone());
    let fgac = v
        .get("advanced_security_options")
        .map(Node::seq)
        .unwrap_or_default()
        .iter()
        .any(|o| o.str_of("enabled").and_then(parse_bool) == Some(true));
    if !fgac {
        out.findings.push(
            known("LP-TF-003")
                .finding(location.clone().with_pointer("advanced_security_options"))
                .with_message(format!("{} has no fine-grained access control", r.address))
                .with_evidence("advanced_security_options: (absent or enabled = false)"),
        );
    }
    let Some(policy) = v.str_of("access_policies") else {
        return;
    };
    let Ok(policy) = serde_json::from_str::<serde_json::Value>(policy) else {
        return;
    };
    let statements = match &policy["Statement"] {
        serde_json::Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    let open = statements.iter().any(|s| {
        let everyone = |p: &serde_json::Value| match p {
            serde_json::Value::String(s) => s == "*",
            serde_json::Value::Array(items) => items.iter().any(|i| i == "*"),
            _ => false,
        };
        let principal = &s["Principal"];
        s["Effect"] == "Allow"
            && (everyone(principal) || everyone(&principal["AWS"]))
            && s.get("Condition").is_none_or(|c| c.is_null())
    });
    if open {
        out.findings.push(
            known("LP-TF-004")
                .finding(location.with_pointer("access_policies"))
                .with_message(format!(
                    "{} access policy allows Principal \"*\" without a condition",
                    r.address
                ))
                .with_evidence("Effect: Allow, Principal: \"*\", Condition: (none)"),
        );
    }
}
