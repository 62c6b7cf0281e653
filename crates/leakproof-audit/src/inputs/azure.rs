//! Azure network security groups: `az network nsg show` / `nsg list` JSON,
//! the REST shape (fields under `properties`), and ARM templates with
//! `Microsoft.Network/networkSecurityGroups` and `.../securityRules`.

use super::netrules::{RuleSpec, evaluate_ordered, report};
use super::{Output, SourceFile};
use crate::net::{AddrSet, PortSet};
use crate::tree::Node;

/// One NSG security rule with the fields evaluation needs.
#[derive(Debug, Clone)]
pub(crate) struct NsgRule {
    pub name: String,
    pub priority: i64,
    pub inbound: bool,
    pub allow: bool,
    pub protocol: String,
    pub sources: Vec<String>,
    pub ports: Vec<String>,
    pub line: u32,
}

/// The address set a source prefix or service tag stands for. `Internet`
/// is every address outside private space; `VirtualNetwork` is private
/// space (the VNet, peerings and on-premises ranges); `AzureLoadBalancer`
/// is the platform's health-probe address, not a stranger; other service
/// tags (`AzureCloud`, `Storage.WestEurope`) are Azure-owned public ranges:
/// anyone renting there is inside, so they count as public ranges.
pub(crate) fn source_set(prefix: &str) -> AddrSet {
    match prefix.trim().to_ascii_lowercase().as_str() {
        "*" | "any" => AddrSet::all(),
        "internet" => AddrSet::all().minus(&AddrSet::private()),
        "virtualnetwork" => AddrSet::private(),
        "azureloadbalancer" => AddrSet::default(),
        other => AddrSet::parse_cidr(other).unwrap_or_else(|| AddrSet::tag(other)),
    }
}

/// Azure's default inbound rules, which every NSG ends with.
fn default_rules() -> Vec<NsgRule> {
    let rule = |name: &str, priority, allow, source: &str| NsgRule {
        name: name.to_string(),
        priority,
        inbound: true,
        allow,
        protocol: "*".into(),
        sources: vec![source.to_string()],
        ports: vec!["*".into()],
        line: 0,
    };
    vec![
        rule("AllowVnetInBound", 65000, true, "VirtualNetwork"),
        rule(
            "AllowAzureLoadBalancerInBound",
            65001,
            true,
            "AzureLoadBalancer",
        ),
        rule("DenyAllInBound", 65500, false, "*"),
    ]
}

/// Evaluates one NSG's inbound rules (defaults added) and reports.
pub(crate) fn evaluate_nsg(
    file: &SourceFile<'_>,
    out: &mut Output,
    nsg: &str,
    mut rules: Vec<NsgRule>,
    ids: (&str, &str),
) {
    for default in default_rules() {
        if !rules
            .iter()
            .any(|r| r.name.eq_ignore_ascii_case(&default.name))
        {
            rules.push(default);
        }
    }
    rules.retain(|r| r.inbound);
    rules.sort_by_key(|r| r.priority);
    let specs: Vec<RuleSpec> = rules
        .iter()
        .map(|r| {
            let mut ports = PortSet::default();
            for p in &r.ports {
                ports.extend(PortSet::parse(p).unwrap_or_default());
            }
            RuleSpec {
                allow: r.allow,
                matches: vec![(r.protocol.clone(), ports)],
                sources: r
                    .sources
                    .iter()
                    .fold(AddrSet::default(), |acc, s| acc.union(&source_set(s))),
                label: format!("{nsg}/{} (priority {})", r.name, r.priority),
                resource: format!("{nsg}/{}", r.name),
                line: r.line,
                evidence: format!(
                    "{} {} from {} to port {}",
                    if r.allow { "Allow" } else { "Deny" },
                    r.protocol,
                    r.sources.join(","),
                    r.ports.join(",")
                ),
            }
        })
        .collect();
    let openings = evaluate_ordered(&specs);
    report(file, out, &specs, &openings, ids.0, ids.1);
}

pub(crate) fn looks_like(doc: &Node) -> bool {
    let nsg = |n: &Node| {
        n.get("securityRules").is_some()
            || n.get("defaultSecurityRules").is_some()
            || n.path(&["properties", "securityRules"]).is_some()
    };
    nsg(doc)
        || doc.seq().iter().any(nsg)
        || doc.get("resources").is_some_and(|r| {
            arm_resources(r).into_iter().any(|res| {
                res.str_of("type").is_some_and(|t| {
                    t.to_ascii_lowercase()
                        .starts_with("microsoft.network/networksecuritygroups")
                })
            })
        })
}

pub(crate) fn check(file: &SourceFile<'_>, doc: &Node, out: &mut Output) {
    let ids = ("LP-AZ-001", "LP-AZ-002");
    if let Some(resources) = doc.get("resources") {
        check_arm(file, doc, resources, out, ids);
        return;
    }
    let groups: Vec<&Node> = if doc.seq().is_empty() {
        vec![doc]
    } else {
        doc.seq().iter().collect()
    };
    for group in groups {
        let name = group.str_of("name").unwrap_or("nsg").to_string();
        let props = group
            .get("properties")
            .filter(|p| p.get("securityRules").is_some())
            .unwrap_or(group);
        let mut rules = Vec::new();
        for key in ["securityRules", "defaultSecurityRules"] {
            for rule in props.get(key).map(Node::seq).unwrap_or_default() {
                rules.extend(parse_rule(rule, rule.str_of("name"), &|s| {
                    Some(s.to_string())
                }));
            }
        }
        evaluate_nsg(file, out, &name, rules, ids);
    }
}

/// The resources of a template: an array, or (language version 2.0, as
/// Bicep emits) an object keyed by symbolic name.
fn arm_resources(resources: &Node) -> Vec<&Node> {
    if resources.is_map() {
        resources.entries().iter().map(|(_, _, r)| r).collect()
    } else {
        resources.seq().iter().collect()
    }
}

/// Reads a rule whose fields are flat (az CLI) or under `properties`.
fn parse_rule(
    node: &Node,
    name: Option<&str>,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> Option<NsgRule> {
    let props = node.get("properties").unwrap_or(node);
    let field = |key: &str| props.get_ci(key).and_then(Node::str).and_then(resolve);
    let list = |one: &str, many: &str| {
        let mut items: Vec<String> = field(one).into_iter().collect();
        if let Some(many) = props.get_ci(many) {
            items.extend(many.strings().into_iter().filter_map(resolve));
        }
        items
    };
    Some(NsgRule {
        name: resolve(name?)?,
        priority: field("priority")?.parse().ok()?,
        inbound: field("direction").is_none_or(|d| d.eq_ignore_ascii_case("inbound")),
        allow: field("access")?.eq_ignore_ascii_case("allow"),
        protocol: field("protocol").unwrap_or_else(|| "*".into()),
        sources: list("sourceAddressPrefix", "sourceAddressPrefixes"),
        ports: list("destinationPortRange", "destinationPortRanges"),
        line: node.line,
    })
}

/// ARM templates: NSGs with inline rules and child `securityRules`
/// resources (named `nsg/rule`), with `[parameters('x')]` and
/// `[variables('x')]` resolved from defaults.
fn check_arm(
    file: &SourceFile<'_>,
    doc: &Node,
    resources: &Node,
    out: &mut Output,
    ids: (&str, &str),
) {
    let resolve = |text: &str| resolve_arm(doc, text);
    let mut groups: Vec<(String, Vec<NsgRule>)> = Vec::new();
    let mut add = |nsg: String, rule: Option<NsgRule>| {
        let index = match groups.iter().position(|(n, _)| *n == nsg) {
            Some(i) => i,
            None => {
                groups.push((nsg, Vec::new()));
                groups.len() - 1
            }
        };
        if let Some(rule) = rule {
            groups[index].1.push(rule);
        }
    };
    let mut visit: Vec<&Node> = arm_resources(resources);
    while let Some(res) = visit.pop() {
        let kind = res.str_of("type").unwrap_or_default().to_ascii_lowercase();
        let name = res.str_of("name").and_then(&resolve).unwrap_or_default();
        if kind.ends_with("networksecuritygroups") {
            add(name.clone(), None);
            for rule in res
                .path(&["properties", "securityRules"])
                .map(Node::seq)
                .unwrap_or_default()
            {
                add(
                    name.clone(),
                    parse_rule(rule, rule.str_of("name"), &resolve),
                );
            }
            for child in res.get("resources").map(Node::seq).unwrap_or_default() {
                let child_name = child.str_of("name").and_then(&resolve).unwrap_or_default();
                let rule_name = child_name
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                add(
                    name.clone(),
                    parse_rule(child, Some(&rule_name), &|s| resolve(s)),
                );
            }
        } else if kind.ends_with("networksecuritygroups/securityrules") {
            let (nsg, rule_name) = name.rsplit_once('/').unwrap_or(("nsg", name.as_str()));
            add(nsg.to_string(), parse_rule(res, Some(rule_name), &resolve));
        }
        visit.extend(
            res.get("resources")
                .map(Node::seq)
                .unwrap_or_default()
                .iter()
                .filter(|_| !kind.ends_with("networksecuritygroups")),
        );
    }
    groups.reverse();
    for (nsg, rules) in groups {
        evaluate_nsg(file, out, &nsg, rules, ids);
    }
}

/// Resolves the ARM expressions a rule field is usually written with:
/// `[parameters('p')]` and `[variables('v')]` (defaults only), and
/// `[concat(...)]` of literals and those. Anything else stays unresolved.
fn resolve_arm(doc: &Node, text: &str) -> Option<String> {
    let trimmed = text.trim();
    if !(trimmed.starts_with('[') && trimmed.ends_with(']')) || trimmed.starts_with("[[") {
        return Some(text.to_string());
    }
    resolve_expr(doc, &trimmed[1..trimmed.len() - 1])
}

fn resolve_expr(doc: &Node, expr: &str) -> Option<String> {
    let expr = expr.trim();
    if let Some(inner) = expr.strip_prefix('\'').and_then(|e| e.strip_suffix('\'')) {
        return Some(inner.to_string());
    }
    let (func, args) = expr.split_once('(')?;
    let args = args.strip_suffix(')')?;
    match func.trim() {
        "parameters" => {
            let name = args.trim().trim_matches('\'');
            doc.path(&["parameters", name, "defaultValue"])
                .and_then(Node::str)
                .map(String::from)
        }
        "variables" => {
            let name = args.trim().trim_matches('\'');
            doc.path(&["variables", name])
                .and_then(Node::str)
                .and_then(|v| resolve_arm(doc, v))
        }
        "concat" => split_args(args)
            .iter()
            .map(|a| resolve_expr(doc, a))
            .collect(),
        _ => None,
    }
}

/// Splits function arguments on top-level commas.
fn split_args(args: &str) -> Vec<&str> {
    let (mut depth, mut quoted, mut start, mut parts) = (0i32, false, 0usize, Vec::new());
    for (i, c) in args.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                parts.push(&args[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&args[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::parse_documents;

    #[test]
    fn arm_expressions() {
        let doc = &parse_documents(
            r#"{"parameters": {"nsgName": {"type": "string", "defaultValue": "nsg-es"}}, "variables": {"port": "9200"}}"#,
            true,
        )
        .unwrap()[0];
        assert_eq!(
            resolve_arm(doc, "[parameters('nsgName')]").as_deref(),
            Some("nsg-es")
        );
        assert_eq!(
            resolve_arm(doc, "[concat(parameters('nsgName'), '/allow-es')]").as_deref(),
            Some("nsg-es/allow-es")
        );
        assert_eq!(
            resolve_arm(doc, "[variables('port')]").as_deref(),
            Some("9200")
        );
        assert_eq!(resolve_arm(doc, "[resourceGroup().location]"), None);
        assert_eq!(resolve_arm(doc, "Internet").as_deref(), Some("Internet"));
    }

    #[test]
    fn internet_tag_excludes_private_space() {
        use crate::net::Reach;
        assert_eq!(source_set("Internet").reach(), Reach::Internet);
        assert_eq!(source_set("VirtualNetwork").reach(), Reach::Private);
        assert!(source_set("AzureLoadBalancer").is_empty());
        assert_eq!(
            source_set("AzureCloud.WestEurope").reach(),
            Reach::PublicRanges
        );
    }
}
