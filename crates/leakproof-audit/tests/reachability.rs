//! Provider semantics and the combination rule, end to end through
//! `audit_paths` on files written in each tool's output format.

use std::path::PathBuf;

use leakproof_audit::audit_paths;
use leakproof_core::{Finding, Severity};
use tempfile::TempDir;

fn audit(files: &[(&str, &str)]) -> (Vec<Finding>, leakproof_audit::AuditReport) {
    let dir = TempDir::new().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let report = audit_paths(&[PathBuf::from(dir.path())]).expect("audits");
    (report.findings.clone(), report)
}

fn of<'a>(findings: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.rule_id == rule).collect()
}

fn nsg(rules: &str) -> String {
    format!(r#"{{"name": "nsg-test", "securityRules": [{rules}]}}"#)
}

fn az_rule(name: &str, priority: u32, access: &str, source: &str, ports: &str) -> String {
    format!(
        r#"{{"name": "{name}", "priority": {priority}, "access": "{access}", "direction": "Inbound", "protocol": "Tcp",
            "sourceAddressPrefix": "{source}", "destinationPortRange": "{ports}", "destinationAddressPrefix": "*"}}"#
    )
}

#[test]
fn azure_default_rules_alone_expose_nothing() {
    let (findings, _) = audit(&[("nsg.json", &nsg(""))]);
    assert!(findings.is_empty(), "{findings:?}");
    let (findings, _) = audit(&[(
        "nsg.json",
        &nsg(&az_rule("vnet-es", 100, "Allow", "VirtualNetwork", "9200")),
    )]);
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn azure_first_match_wins() {
    let deny_first = format!(
        "{},{}",
        az_rule("deny", 100, "Deny", "Internet", "9200"),
        az_rule("allow", 200, "Allow", "*", "9000-9300")
    );
    let (findings, _) = audit(&[("nsg.json", &nsg(&deny_first))]);
    let az = of(&findings, "LP-AZ-001");
    // 9200 is denied first; 9300, 9042 and 9000 stay open through the allow.
    assert_eq!(az.len(), 1, "{findings:?}");
    assert_eq!(
        az[0].properties["ports"],
        serde_json::json!([9300, 9042, 9000])
    );
    let allow_first = format!(
        "{},{}",
        az_rule("allow", 100, "Allow", "Internet", "9200"),
        az_rule("deny", 200, "Deny", "*", "9200")
    );
    let (findings, _) = audit(&[("nsg.json", &nsg(&allow_first))]);
    assert_eq!(of(&findings, "LP-AZ-001").len(), 1);
}

#[test]
fn a_few_named_public_addresses_are_low_not_high() {
    let (findings, _) = audit(&[(
        "nsg.json",
        &nsg(&az_rule("office", 100, "Allow", "203.0.113.7/32", "5432")),
    )]);
    let hits = of(&findings, "LP-AZ-002");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].severity, Severity::Low);
    assert!(findings.iter().all(|f| f.severity < Severity::High));
}

#[test]
fn gcp_priority_order_beats_deny() {
    let rules = r#"[
      {"name": "allow-es", "kind": "compute#firewall", "direction": "INGRESS", "priority": 900, "sourceRanges": ["0.0.0.0/0"],
       "allowed": [{"IPProtocol": "tcp", "ports": ["9200"]}]},
      {"name": "deny-es", "kind": "compute#firewall", "direction": "INGRESS", "priority": 1000, "sourceRanges": ["0.0.0.0/0"],
       "denied": [{"IPProtocol": "all"}]},
      {"name": "egress", "kind": "compute#firewall", "direction": "EGRESS", "priority": 1, "destinationRanges": ["0.0.0.0/0"],
       "allowed": [{"IPProtocol": "all"}], "sourceRanges": []}
    ]"#;
    let (findings, _) = audit(&[("fw.json", rules)]);
    let gcp = of(&findings, "LP-GCP-001");
    assert_eq!(gcp.len(), 1);
    assert!(gcp[0].message.contains("allow-es"));
}

#[test]
fn fingerprints_survive_a_priority_change() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("nsg.json");
    let at = |priority| {
        std::fs::write(
            &path,
            nsg(&az_rule("allow-es", priority, "Allow", "Internet", "9200")),
        )
        .expect("write");
        let report = audit_paths(&[dir.path().to_path_buf()]).expect("audits");
        report
            .findings
            .iter()
            .map(|f| f.fingerprint.clone())
            .collect::<Vec<_>>()
    };
    let before = at(100);
    assert_eq!(before.len(), 1);
    assert_eq!(before, at(310));
}

#[test]
fn aws_ipv6_everywhere_is_the_internet() {
    let groups = r#"{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "cache", "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "IpRanges": [], "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
         "PrefixListIds": [], "UserIdGroupPairs": []}]}]}"#;
    let (findings, _) = audit(&[("sg.json", groups)]);
    assert_eq!(of(&findings, "LP-AWS-001").len(), 1);
}

const ES_OPEN: &str = "network.host: 0.0.0.0\nxpack.security.enabled: false\n";
const SG_9200: &str = r#"{"SecurityGroups": [{"GroupId": "sg-2", "GroupName": "es", "IpPermissions": [
    {"IpProtocol": "tcp", "FromPort": 9200, "ToPort": 9200, "IpRanges": [{"CidrIp": "CIDR"}], "Ipv6Ranges": [], "UserIdGroupPairs": []}]}]}"#;

#[test]
fn config_and_network_rule_combine_into_one_critical() {
    let (findings, _) = audit(&[
        ("es/elasticsearch.yml", ES_OPEN),
        ("aws/sg.json", &SG_9200.replace("CIDR", "0.0.0.0/0")),
    ]);
    let chain = of(&findings, "LP-CHAIN-001");
    assert_eq!(chain.len(), 1, "{findings:?}");
    assert_eq!(chain[0].severity, Severity::Critical);
    assert!(
        chain[0].message.contains("elasticsearch.yml:2") && chain[0].message.contains("sg-2"),
        "{}",
        chain[0].message
    );

    let (findings, _) = audit(&[
        ("es/elasticsearch.yml", ES_OPEN),
        ("aws/sg.json", &SG_9200.replace("CIDR", "10.0.0.0/8")),
    ]);
    assert!(of(&findings, "LP-CHAIN-001").is_empty());
    let loopback = "network.host: 127.0.0.1\nxpack.security.enabled: false\n";
    let (findings, _) = audit(&[
        ("es/elasticsearch.yml", loopback),
        ("aws/sg.json", &SG_9200.replace("CIDR", "0.0.0.0/0")),
    ]);
    assert!(of(&findings, "LP-CHAIN-001").is_empty());
    assert_eq!(of(&findings, "LP-ES-001")[0].severity, Severity::Medium);
}

#[test]
fn flat_and_nested_elasticsearch_settings_agree() {
    let nested = "network:\n  host: 0.0.0.0\nxpack:\n  security:\n    enabled: false\n";
    let (a, _) = audit(&[("elasticsearch.yml", ES_OPEN)]);
    let (b, _) = audit(&[("elasticsearch.yml", nested)]);
    let ids = |f: &[Finding]| {
        f.iter()
            .map(|f| (f.rule_id.clone(), f.severity))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&a), ids(&b));
}

#[test]
fn unknown_elasticsearch_version_is_said_so() {
    let (findings, _) = audit(&[("elasticsearch.yml", "network.host: 0.0.0.0\n")]);
    let es2 = of(&findings, "LP-ES-002");
    assert_eq!(es2[0].severity, Severity::Medium);
    assert!(es2[0].message.contains("version is unknown"));
}

#[test]
fn a_broken_file_is_a_finding_and_the_rest_is_checked() {
    let (findings, report) = audit(&[
        ("mongod.conf", "net:\n  bindIp: [0.0.0.0\n"),
        ("redis.conf", "bind 0.0.0.0\nprotected-mode no\n"),
        ("notes.txt", "nothing to see"),
        ("package.json", "{\"name\": \"x\"}"),
    ]);
    let parse = of(&findings, "LP-AUDIT-001");
    assert_eq!(parse.len(), 1);
    assert!(
        parse[0]
            .location
            .path
            .as_deref()
            .is_some_and(|p| p.ends_with("mongod.conf"))
            && parse[0].location.line.is_some()
    );
    assert_eq!(of(&findings, "LP-REDIS-003")[0].severity, Severity::High);
    assert_eq!((report.files_checked, report.files_skipped), (2, 2));
}

#[test]
fn secrets_are_masked_in_evidence() {
    let (findings, _) = audit(&[(
        "kibana.yml",
        "elasticsearch.password: \"Tr0ub4dor-and-3\"\n",
    )]);
    let text = serde_json::to_string(&findings).expect("serialises");
    assert!(!text.contains("Tr0ub4dor"), "{text}");
    assert_eq!(of(&findings, "LP-KIB-002").len(), 1);
}

#[test]
fn compose_reads_dotenv_and_defaults() {
    let compose = "services:\n  cache:\n    image: redis:7\n    ports:\n      - \"${BIND:-0.0.0.0}:6379:6379\"\n";
    let (findings, _) = audit(&[("docker-compose.yml", compose)]);
    assert_eq!(of(&findings, "LP-COMPOSE-001").len(), 1);
    let (findings, _) = audit(&[
        ("docker-compose.yml", compose),
        (".env", "BIND=127.0.0.1\n"),
    ]);
    assert!(of(&findings, "LP-COMPOSE-001").is_empty(), "{findings:?}");
}

#[test]
fn redis_include_supplies_the_password() {
    let (findings, _) = audit(&[
        ("redis.conf", "bind 0.0.0.0\ninclude secrets/auth.conf\n"),
        ("secrets/auth.conf", "requirepass long-passphrase-here\n"),
    ]);
    assert!(of(&findings, "LP-REDIS-003").is_empty(), "{findings:?}");
    assert_eq!(of(&findings, "LP-REDIS-002").len(), 1);
}

fn plan(resources: &str) -> String {
    format!(
        r#"{{"format_version": "1.2", "terraform_version": "1.9.8", "planned_values": {{"root_module": {{"resources": [],
        "child_modules": [{{"address": "module.net", "resources": [{resources}]}}]}}}}}}"#
    )
}

#[test]
fn terraform_standalone_rule_resources_are_evaluated() {
    let resources = r#"
      {"address": "module.net.aws_security_group_rule.es", "type": "aws_security_group_rule", "name": "es",
       "values": {"type": "ingress", "from_port": 9200, "to_port": 9200, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"], "security_group_id": "sg-1"}},
      {"address": "module.net.aws_vpc_security_group_ingress_rule.pg", "type": "aws_vpc_security_group_ingress_rule", "name": "pg",
       "values": {"from_port": 5432, "to_port": 5432, "ip_protocol": "tcp", "cidr_ipv6": "::/0", "security_group_id": "sg-1"}},
      {"address": "module.net.azurerm_network_security_rule.deny", "type": "azurerm_network_security_rule", "name": "deny",
       "values": {"name": "deny-redis", "network_security_group_name": "nsg-cache", "priority": 100, "direction": "Inbound", "access": "Deny",
                  "protocol": "*", "source_address_prefix": "Internet", "destination_port_range": "6379"}},
      {"address": "module.net.azurerm_network_security_rule.allow", "type": "azurerm_network_security_rule", "name": "allow",
       "values": {"name": "allow-all", "network_security_group_name": "nsg-cache", "priority": 200, "direction": "Inbound", "access": "Allow",
                  "protocol": "*", "source_address_prefix": "*", "destination_port_ranges": ["6379", "27017"]}},
      {"address": "module.net.google_compute_firewall.mongo", "type": "google_compute_firewall", "name": "mongo",
       "values": {"name": "mongo-off", "direction": "INGRESS", "priority": 1000, "disabled": true, "source_ranges": ["0.0.0.0/0"],
                  "allow": [{"protocol": "tcp", "ports": ["27017"]}], "deny": []}}"#;
    let (findings, _) = audit(&[("plan.json", &plan(resources))]);
    let mut opened: Vec<String> = of(&findings, "LP-TF-001")
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f.location.resource.clone().unwrap_or_default(),
                f.properties["ports"]
            )
        })
        .collect();
    opened.sort();
    assert_eq!(
        opened,
        vec![
            "module.net.aws_security_group_rule.es tcp/9200 [9200]".to_string(),
            "module.net.aws_vpc_security_group_ingress_rule.pg tcp/5432 [5432]".to_string(),
            "nsg-cache/allow-all [27017]".to_string(),
        ]
    );
}

#[test]
fn debian_default_memcached_file_defers_to_memcached_conf() {
    let (findings, report) = audit(&[(
        "default/memcached",
        "# Set this to no to disable memcached.\nENABLE_MEMCACHED=yes\n",
    )]);
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(report.files_checked, 1);
    let (findings, _) = audit(&[(
        "sysconfig/memcached",
        "PORT=\"11211\"\nUSER=\"memcached\"\nOPTIONS=\"\"\n",
    )]);
    assert_eq!(
        of(&findings, "LP-MEMC-001").len(),
        1,
        "empty OPTIONS listens everywhere"
    );
}

#[test]
fn compose_host_network_publishes_the_datastore() {
    let compose = "services:\n  db:\n    image: postgres:16\n    network_mode: host\n    environment:\n      POSTGRES_HOST_AUTH_METHOD: trust\n";
    let (findings, _) = audit(&[("compose.yaml", compose)]);
    let published = of(&findings, "LP-COMPOSE-001");
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].location.line, Some(4));
    assert_eq!(of(&findings, "LP-COMPOSE-002")[0].severity, Severity::High);
}

#[test]
fn arm_symbolic_resources_as_bicep_emits_them() {
    let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "languageVersion": "2.0",
  "contentVersion": "1.0.0.0",
  "resources": {
    "nsg": {
      "type": "Microsoft.Network/networkSecurityGroups",
      "apiVersion": "2023-09-01",
      "name": "nsg-mongo",
      "properties": {
        "securityRules": [
          {
            "name": "allow-mongo",
            "properties": {
              "priority": 120, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
              "sourceAddressPrefixes": ["10.0.0.0/8", "0.0.0.0/0"], "sourcePortRange": "*",
              "destinationAddressPrefix": "*", "destinationPortRanges": ["27017-27018"]
            }
          }
        ]
      }
    }
  }
}"#;
    let (findings, _) = audit(&[("main.json", template)]);
    let az = of(&findings, "LP-AZ-001");
    assert_eq!(az.len(), 1, "{findings:?}");
    assert_eq!(az[0].properties["ports"], serde_json::json!([27017, 27018]));
    assert_eq!(az[0].location.line, Some(12));
}

#[test]
fn azure_service_tags_are_public_ranges_unless_the_internet_is_denied() {
    let (findings, _) = audit(&[(
        "nsg.json",
        &nsg(&az_rule("from-azure", 100, "Allow", "AzureCloud", "9200")),
    )]);
    let hits = of(&findings, "LP-AZ-002");
    assert_eq!(hits.len(), 1, "{findings:?}");
    assert_eq!(hits[0].severity, Severity::Medium);
    let denied = format!(
        "{},{}",
        az_rule("deny-internet", 100, "Deny", "Internet", "*"),
        az_rule("from-azure", 200, "Allow", "AzureCloud", "9200")
    );
    let (findings, _) = audit(&[("nsg.json", &nsg(&denied))]);
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn unresolved_security_variable_is_reported_as_unknown() {
    let (findings, _) = audit(&[(
        "elasticsearch.yml",
        "network.host: 0.0.0.0\nxpack.security.enabled: ${ES_SECURITY}\n",
    )]);
    let es2 = of(&findings, "LP-ES-002");
    assert_eq!(es2.len(), 1);
    assert_eq!(
        (es2[0].severity, es2[0].location.line),
        (Severity::Medium, Some(2))
    );
    assert!(es2[0].message.contains("environment variable"));
    let (findings, _) = audit(&[(
        "elasticsearch.yml",
        "network.host: 0.0.0.0\nxpack.security.enabled: ${ES_SECURITY:-false}\n",
    )]);
    assert_eq!(
        of(&findings, "LP-ES-001").len(),
        1,
        "a default is used: {findings:?}"
    );
}

#[test]
fn symlinked_directories_do_not_loop() {
    let dir = TempDir::new().expect("temp dir");
    std::fs::create_dir(dir.path().join("conf")).expect("mkdir");
    std::fs::write(dir.path().join("conf/redis.conf"), "bind 0.0.0.0\n").expect("write");
    std::os::unix::fs::symlink(dir.path(), dir.path().join("conf/loop")).expect("symlink");
    let report = audit_paths(&[dir.path().to_path_buf()]).expect("audits");
    assert_eq!(report.files_checked, 1);
}
