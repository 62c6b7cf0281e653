//! The rule catalogue: every finding `audit` can produce, with its fixed
//! id, default severity, remediation and references.

use std::fmt;

use leakproof_core::{Category, Finding, Location, Severity};

/// The kind of input a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputKind {
    /// `elasticsearch.yml`.
    Elasticsearch,
    /// `opensearch.yml`.
    OpenSearch,
    /// `kibana.yml`.
    Kibana,
    /// `redis.conf`.
    Redis,
    /// `mongod.conf`.
    MongoDb,
    /// `postgresql.conf` and `pg_hba.conf`.
    PostgreSql,
    /// `my.cnf` and its includes.
    MySql,
    /// `/etc/memcached.conf`, `/etc/default/memcached`.
    Memcached,
    /// Docker Compose files.
    Compose,
    /// Kubernetes manifests.
    Kubernetes,
    /// Azure network security groups (az CLI JSON, ARM templates).
    AzureNsg,
    /// AWS security groups (`aws ec2 describe-security-groups`).
    AwsSecurityGroup,
    /// GCP firewall rules (`gcloud compute firewall-rules list`).
    GcpFirewall,
    /// Terraform plan JSON (`terraform show -json`).
    TerraformPlan,
    /// Findings that combine several inputs.
    Combined,
    /// Any recognised file (parse errors).
    AnyFile,
}

impl InputKind {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Elasticsearch => "elasticsearch",
            InputKind::OpenSearch => "opensearch",
            InputKind::Kibana => "kibana",
            InputKind::Redis => "redis",
            InputKind::MongoDb => "mongodb",
            InputKind::PostgreSql => "postgresql",
            InputKind::MySql => "mysql",
            InputKind::Memcached => "memcached",
            InputKind::Compose => "compose",
            InputKind::Kubernetes => "kubernetes",
            InputKind::AzureNsg => "azure-nsg",
            InputKind::AwsSecurityGroup => "aws-security-group",
            InputKind::GcpFirewall => "gcp-firewall",
            InputKind::TerraformPlan => "terraform-plan",
            InputKind::Combined => "combined",
            InputKind::AnyFile => "any",
        }
    }
}

impl fmt::Display for InputKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, such as `LP-ES-001`.
    pub id: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// Default severity; a finding may be raised or lowered with the exposure.
    pub severity: Severity,
    /// What kind of problem it is.
    pub category: Category,
    /// What input it reads.
    pub input: InputKind,
    /// What it checks and why it matters.
    pub description: &'static str,
    /// How to fix it.
    pub remediation: &'static str,
    /// Vendor documentation.
    pub references: &'static [&'static str],
}

impl Rule {
    /// A finding of this rule at `location`, with its remediation and references.
    pub(crate) fn finding(&self, location: Location) -> Finding {
        Finding::new(self.id, self.title, self.severity, self.category, location)
            .with_remediation(self.remediation)
            .with_references(self.references.iter().copied())
    }
}

/// The whole catalogue, ordered by id.
pub fn rules() -> &'static [Rule] {
    RULES
}

/// The rule with `id` (case-insensitive).
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id.eq_ignore_ascii_case(id.trim()))
}

/// The rule with `id`, for ids the crate itself names.
pub(crate) fn known(id: &str) -> &'static Rule {
    // Ids passed here are literals checked by `every_literal_id_exists`.
    match rule(id) {
        Some(rule) => rule,
        None => &RULES[0],
    }
}

const ES_SECURITY: &str =
    "https://www.elastic.co/guide/en/elasticsearch/reference/current/security-settings.html";
const ES_NETWORK: &str =
    "https://www.elastic.co/guide/en/elasticsearch/reference/current/modules-network.html";
const ES_HTTP: &str =
    "https://www.elastic.co/guide/en/elasticsearch/reference/current/modules-http.html";
const ES_ANON: &str =
    "https://www.elastic.co/guide/en/elasticsearch/reference/current/anonymous-access.html";
const ES_MINIMAL: &str =
    "https://www.elastic.co/guide/en/elasticsearch/reference/7.17/security-minimal-setup.html";
const OS_SECURITY: &str =
    "https://opensearch.org/docs/latest/security/configuration/security-admin/";
const OS_DEMO: &str =
    "https://opensearch.org/docs/latest/security/configuration/demo-configuration/";
const OS_DISABLE: &str =
    "https://opensearch.org/docs/latest/security/configuration/disable-enable-security/";
const KIBANA: &str = "https://www.elastic.co/guide/en/kibana/current/settings.html";
const KIBANA_KEYSTORE: &str = "https://www.elastic.co/guide/en/kibana/current/secure-settings.html";
const REDIS_SECURITY: &str =
    "https://redis.io/docs/latest/operate/oss_and_stack/management/security/";
const REDIS_ACL: &str =
    "https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/";
const REDIS_CONF: &str =
    "https://redis.io/docs/latest/operate/oss_and_stack/management/config-file/";
const MONGO_NET: &str =
    "https://www.mongodb.com/docs/manual/reference/configuration-options/#net-options";
const MONGO_AUTH: &str = "https://www.mongodb.com/docs/manual/tutorial/enable-authentication/";
const MONGO_CHECKLIST: &str =
    "https://www.mongodb.com/docs/manual/administration/security-checklist/";
const PG_CONN: &str = "https://www.postgresql.org/docs/current/runtime-config-connection.html";
const PG_HBA: &str = "https://www.postgresql.org/docs/current/auth-pg-hba-conf.html";
const PG_PASSWORD: &str = "https://www.postgresql.org/docs/current/auth-password.html";
const MYSQL_BIND: &str =
    "https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_bind_address";
const MYSQL_SKIP: &str =
    "https://dev.mysql.com/doc/refman/8.0/en/server-options.html#option_mysqld_skip-grant-tables";
const MARIADB_SKIP: &str = "https://mariadb.com/kb/en/mysqld-options/#-skip-grant-tables";
const MEMC_SEC: &str = "https://github.com/memcached/memcached/wiki/SASLHowto";
const MEMC_UDP: &str = "https://github.com/memcached/memcached/wiki/ReleaseNotes156";
const COMPOSE_PORTS: &str = "https://docs.docker.com/reference/compose-file/services/#ports";
const DOCKER_UFW: &str = "https://docs.docker.com/engine/network/packet-filtering-firewalls/";
const K8S_SERVICE: &str =
    "https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer";
const K8S_NETPOL: &str =
    "https://kubernetes.io/docs/concepts/services-networking/network-policies/";
const AZ_NSG: &str =
    "https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview";
const AZ_TAGS: &str =
    "https://learn.microsoft.com/en-us/azure/virtual-network/service-tags-overview";
const AWS_SG: &str =
    "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html";
const AWS_SG_API: &str =
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html";
const GCP_FW: &str = "https://cloud.google.com/firewall/docs/firewalls";
const GCP_PRIO: &str =
    "https://cloud.google.com/firewall/docs/firewalls#priority_order_for_firewall_rules";
const TF_JSON: &str = "https://developer.hashicorp.com/terraform/internals/json-format";
const AWS_FGAC: &str =
    "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/fgac.html";
const AWS_AC: &str = "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ac.html";

macro_rules! rule {
    ($id:literal, $input:ident, $sev:ident, $cat:ident, $title:literal, $desc:literal, $fix:literal, [$($r:expr),* $(,)?]) => {
        Rule {
            id: $id,
            title: $title,
            severity: Severity::$sev,
            category: Category::$cat,
            input: InputKind::$input,
            description: $desc,
            remediation: $fix,
            references: &[$($r),*],
        }
    };
}

static RULES: &[Rule] = &[
    rule!(
        "LP-AUDIT-001",
        AnyFile,
        Low,
        Config,
        "File could not be parsed",
        "A file recognised as a datastore config, network rule export or plan could not be parsed, so it was not checked. The rest of the audit continues.",
        "Fix the syntax error at the reported line, or exclude the file from the audit.",
        []
    ),
    rule!(
        "LP-AWS-001",
        AwsSecurityGroup,
        High,
        Network,
        "Security group opens a datastore port to the whole internet",
        "The union of the group's inbound permissions (IpRanges, Ipv6Ranges; protocol -1 means every protocol and port) lets 0.0.0.0/0 or ::/0 reach a datastore port.",
        "Remove the 0.0.0.0/0 and ::/0 ranges from the permission; allow only the application's security group or known addresses.",
        [AWS_SG, AWS_SG_API]
    ),
    rule!(
        "LP-AWS-002",
        AwsSecurityGroup,
        Medium,
        Network,
        "Security group opens a datastore port to public addresses",
        "A datastore port is reachable from public (non-private) address ranges, though not the whole internet. A few named /32 addresses rate low.",
        "Restrict the sources to private ranges or security-group references; prefer a VPN or bastion for administration.",
        [AWS_SG]
    ),
    rule!(
        "LP-AZ-001",
        AzureNsg,
        High,
        Network,
        "NSG lets the whole internet reach a datastore port",
        "Evaluated like Azure does: inbound rules by priority, first match wins, the default rules (AllowVnetInBound 65000, AllowAzureLoadBalancerInBound 65001, DenyAllInBound 65500) included, service tags Internet, *, VirtualNetwork and AzureLoadBalancer understood. The named rule is the one that lets the internet in.",
        "Change the rule's source to VirtualNetwork or specific prefixes, or add a higher-priority Deny for the datastore port from Internet.",
        [AZ_NSG, AZ_TAGS]
    ),
    rule!(
        "LP-AZ-002",
        AzureNsg,
        Medium,
        Network,
        "NSG lets public addresses reach a datastore port",
        "After priority evaluation, a datastore port is reachable from public address ranges other than the whole internet. A few named public addresses rate low.",
        "Narrow the source prefixes to private ranges, or reach the datastore over a private endpoint or VPN.",
        [AZ_NSG]
    ),
    rule!(
        "LP-CHAIN-001",
        Combined,
        Critical,
        Exposure,
        "Datastore without authentication is reachable from the internet",
        "A datastore configuration that answers without authentication on a non-loopback address, and a network rule in the same audit input that lets the whole internet reach the same port: together, anyone can read the data.",
        "Close the network rule first (it is the fastest change), then turn authentication on in the datastore.",
        [ES_MINIMAL, AZ_NSG, AWS_SG, GCP_FW]
    ),
    rule!(
        "LP-COMPOSE-001",
        Compose,
        Medium,
        Network,
        "Datastore port published on all host interfaces",
        "A short (`9200:9200`) or long (`published`, no `host_ip`) port mapping publishes a datastore port on 0.0.0.0; Docker's own iptables rules bypass host firewalls such as ufw.",
        "Publish on loopback (`127.0.0.1:9200:9200`, or `host_ip: 127.0.0.1`) or do not publish and use the compose network.",
        [COMPOSE_PORTS, DOCKER_UFW]
    ),
    rule!(
        "LP-COMPOSE-002",
        Compose,
        High,
        Config,
        "Datastore container runs without authentication",
        "The service's environment turns authentication off (xpack.security.enabled=false, DISABLE_SECURITY_PLUGIN=true, POSTGRES_HOST_AUTH_METHOD=trust, ALLOW_EMPTY_PASSWORD=yes, MYSQL_ALLOW_EMPTY_PASSWORD).",
        "Remove the setting and provide credentials through secrets or an env file that is not committed.",
        [COMPOSE_PORTS, ES_MINIMAL]
    ),
    rule!(
        "LP-ES-001",
        Elasticsearch,
        High,
        Config,
        "Elasticsearch security is disabled",
        "xpack.security.enabled is false: every request is served without authentication or authorisation.",
        "Set xpack.security.enabled: true and configure users, or bind to loopback only.",
        [ES_SECURITY, ES_MINIMAL]
    ),
    rule!(
        "LP-ES-002",
        Elasticsearch,
        High,
        Config,
        "Elasticsearch security setting absent before 8.0",
        "Before 8.0, security is off unless xpack.security.enabled is set to true. The version comes from a path, comment or ES_VERSION hint; when none is found the finding says the version is unknown and rates medium.",
        "Set xpack.security.enabled: true explicitly (it is harmless on 8.x) and configure users.",
        [ES_MINIMAL, ES_SECURITY]
    ),
    rule!(
        "LP-ES-003",
        Elasticsearch,
        Medium,
        Network,
        "Elasticsearch listens beyond loopback",
        "network.host, http.host or transport.host binds a non-loopback address (0.0.0.0, _site_, _global_, an interface or a routable IP).",
        "Bind to the private interface the clients use, never 0.0.0.0 on a host with a public address.",
        [ES_NETWORK]
    ),
    rule!(
        "LP-ES-004",
        Elasticsearch,
        High,
        Config,
        "Elasticsearch grants roles to anonymous users",
        "xpack.security.authc.anonymous.roles gives every unauthenticated request those roles.",
        "Remove xpack.security.authc.anonymous.roles, or give it a role without index privileges.",
        [ES_ANON]
    ),
    rule!(
        "LP-ES-005",
        Elasticsearch,
        Medium,
        Config,
        "Elasticsearch CORS allows any origin",
        "http.cors.enabled is true and http.cors.allow-origin is \"*\": any web page a user visits can query the cluster through their browser.",
        "Set http.cors.allow-origin to the exact origins of your applications.",
        [ES_HTTP]
    ),
    rule!(
        "LP-ES-006",
        Elasticsearch,
        Medium,
        Config,
        "Elasticsearch HTTP without TLS on a non-loopback address",
        "xpack.security.http.ssl.enabled is false or absent while HTTP is bound beyond loopback: credentials and documents cross the network in clear text.",
        "Set xpack.security.http.ssl.enabled: true with a certificate.",
        [ES_SECURITY]
    ),
    rule!(
        "LP-GCP-001",
        GcpFirewall,
        High,
        Network,
        "Firewall rule opens a datastore port to the whole internet",
        "Evaluated like VPC firewall rules: ingress only, disabled rules ignored, lower priority number first, deny wins at equal priority, the implied deny-all last.",
        "Replace 0.0.0.0/0 and ::/0 in sourceRanges with the ranges of your clients, or add a higher-priority deny.",
        [GCP_FW, GCP_PRIO]
    ),
    rule!(
        "LP-GCP-002",
        GcpFirewall,
        Medium,
        Network,
        "Firewall rule opens a datastore port to public addresses",
        "A datastore port is reachable from public ranges other than the whole internet; a few named public addresses rate low.",
        "Use private ranges, source tags or service accounts instead of public ranges.",
        [GCP_FW]
    ),
    rule!(
        "LP-K8S-001",
        Kubernetes,
        High,
        Network,
        "Service exposes a datastore port outside the cluster",
        "A Service of type LoadBalancer (without loadBalancerSourceRanges) or NodePort targets a datastore port.",
        "Use a ClusterIP Service, or restrict loadBalancerSourceRanges and use an internal load balancer annotation.",
        [K8S_SERVICE]
    ),
    rule!(
        "LP-K8S-002",
        Kubernetes,
        Medium,
        Network,
        "Datastore namespace has no NetworkPolicy",
        "A namespace runs a datastore workload or Service, and no NetworkPolicy in the input selects pods in it: every pod in the cluster can connect.",
        "Add a NetworkPolicy that allows ingress to the datastore only from its clients.",
        [K8S_NETPOL]
    ),
    rule!(
        "LP-KIB-001",
        Kibana,
        Medium,
        Network,
        "Kibana listens beyond loopback",
        "server.host is 0.0.0.0, :: or a routable address.",
        "Bind Kibana to loopback behind a reverse proxy, or to a private interface.",
        [KIBANA]
    ),
    rule!(
        "LP-KIB-002",
        Kibana,
        High,
        Secret,
        "Kibana stores the Elasticsearch password in plain text",
        "elasticsearch.password (or serviceAccountToken) is written in kibana.yml instead of the Kibana keystore.",
        "Move it to the keystore (`kibana-keystore add elasticsearch.password`) and rotate the password.",
        [KIBANA_KEYSTORE]
    ),
    rule!(
        "LP-MEMC-001",
        Memcached,
        High,
        Network,
        "memcached listens beyond loopback",
        "memcached has no authentication unless built and started with SASL (-S); -l absent (all interfaces) or a routable address serves every cached item to anyone who connects.",
        "Start memcached with -l 127.0.0.1 (or a private address) and, if it must be remote, -S with SASL.",
        [MEMC_SEC]
    ),
    rule!(
        "LP-MEMC-002",
        Memcached,
        Medium,
        Network,
        "memcached UDP is enabled",
        "-U with a non-zero port turns on the UDP listener used in reflection/amplification attacks.",
        "Set -U 0.",
        [MEMC_UDP]
    ),
    rule!(
        "LP-MONGO-001",
        MongoDb,
        Medium,
        Network,
        "MongoDB listens on all interfaces",
        "net.bindIpAll is true or net.bindIp includes 0.0.0.0 or ::.",
        "Set net.bindIp to localhost and the private addresses your clients use.",
        [MONGO_NET, MONGO_CHECKLIST]
    ),
    rule!(
        "LP-MONGO-002",
        MongoDb,
        High,
        Config,
        "MongoDB authorization is disabled",
        "security.authorization is disabled or absent (mongod's default): any client that connects can read and write every database.",
        "Set security.authorization: enabled and create users.",
        [MONGO_AUTH]
    ),
    rule!(
        "LP-MYSQL-001",
        MySql,
        Medium,
        Network,
        "MySQL/MariaDB binds all interfaces",
        "bind-address is 0.0.0.0, * or :: in a [mysqld], [mariadb] or [server] section (includes followed).",
        "Set bind-address to 127.0.0.1 or a private address.",
        [MYSQL_BIND]
    ),
    rule!(
        "LP-MYSQL-002",
        MySql,
        Critical,
        Config,
        "MySQL/MariaDB skips the grant tables",
        "skip-grant-tables lets every client connect as any user with every privilege.",
        "Remove skip-grant-tables and restart.",
        [MYSQL_SKIP, MARIADB_SKIP]
    ),
    rule!(
        "LP-OS-001",
        OpenSearch,
        High,
        Config,
        "OpenSearch security plugin is disabled",
        "plugins.security.disabled is true: every request is served without authentication.",
        "Set plugins.security.disabled: false and configure the security plugin.",
        [OS_DISABLE, OS_SECURITY]
    ),
    rule!(
        "LP-OS-002",
        OpenSearch,
        Medium,
        Config,
        "OpenSearch initialises the demo security index",
        "plugins.security.allow_default_init_securityindex is true: the security index is created from the demo configuration with well-known users.",
        "Set it to false and initialise security with securityadmin and your own users.",
        [OS_DEMO]
    ),
    rule!(
        "LP-OS-003",
        OpenSearch,
        High,
        Config,
        "OpenSearch allows the demo certificates",
        "plugins.security.allow_unsafe_democertificates is true: the TLS keys are public, so anyone can impersonate nodes and admin clients.",
        "Set it to false and install your own certificates.",
        [OS_DEMO]
    ),
    rule!(
        "LP-OS-004",
        OpenSearch,
        Medium,
        Network,
        "OpenSearch listens beyond loopback",
        "network.host or http.host binds a non-loopback address.",
        "Bind to the private interface the clients use.",
        [OS_SECURITY]
    ),
    rule!(
        "LP-PG-001",
        PostgreSql,
        Medium,
        Network,
        "PostgreSQL listens on all interfaces",
        "listen_addresses is '*', 0.0.0.0 or ::.",
        "List only localhost and the private addresses clients use.",
        [PG_CONN]
    ),
    rule!(
        "LP-PG-002",
        PostgreSql,
        High,
        Config,
        "pg_hba.conf trusts remote connections",
        "A host line with method trust for a non-loopback address lets anyone from there connect as any role without a password.",
        "Use scram-sha-256 for every host line.",
        [PG_HBA]
    ),
    rule!(
        "LP-PG-003",
        PostgreSql,
        Medium,
        Config,
        "pg_hba.conf sends passwords in clear text",
        "Method password for a non-loopback address sends the password unencrypted.",
        "Use scram-sha-256 and hostssl lines.",
        [PG_HBA, PG_PASSWORD]
    ),
    rule!(
        "LP-PG-004",
        PostgreSql,
        Medium,
        Network,
        "pg_hba.conf admits any address",
        "A host line's address is 0.0.0.0/0, ::/0 or `all`.",
        "Name the client subnets instead.",
        [PG_HBA]
    ),
    rule!(
        "LP-REDIS-001",
        Redis,
        Medium,
        Config,
        "Redis protected mode is off",
        "protected-mode no lets clients from other hosts in when no password is set.",
        "Set protected-mode yes, or set requirepass / ACL users.",
        [REDIS_SECURITY]
    ),
    rule!(
        "LP-REDIS-002",
        Redis,
        Medium,
        Network,
        "Redis binds beyond loopback",
        "bind lists a non-loopback address (or is absent, which means every interface).",
        "bind 127.0.0.1 -::1, plus only the private address clients use.",
        [REDIS_SECURITY, REDIS_CONF]
    ),
    rule!(
        "LP-REDIS-003",
        Redis,
        High,
        Config,
        "Redis has no password or ACL users",
        "No requirepass, no aclfile and no `user` with a password: the default user is passwordless. High when protected mode is off and Redis binds beyond loopback, medium otherwise.",
        "Set requirepass or define ACL users and disable the default user.",
        [REDIS_ACL]
    ),
    rule!(
        "LP-REDIS-004",
        Redis,
        Low,
        Config,
        "Redis dangerous commands are not renamed",
        "FLUSHALL, FLUSHDB, CONFIG, DEBUG and KEYS are available to every client; CONFIG in particular turns a read into a write to disk.",
        "rename-command CONFIG \"\" (and the others), or deny them with ACL categories (-@dangerous).",
        [REDIS_SECURITY, REDIS_ACL]
    ),
    rule!(
        "LP-TF-001",
        TerraformPlan,
        High,
        Network,
        "Planned network rule opens a datastore port to the whole internet",
        "aws_security_group(+_rule), aws_vpc_security_group_ingress_rule, azurerm_network_security_group/_rule and google_compute_firewall in planned_values are evaluated with each provider's semantics.",
        "Change the planned rule's source before applying.",
        [TF_JSON, AZ_NSG, AWS_SG, GCP_FW]
    ),
    rule!(
        "LP-TF-002",
        TerraformPlan,
        Medium,
        Network,
        "Planned network rule opens a datastore port to public addresses",
        "A planned rule lets public ranges other than the whole internet reach a datastore port; a few named addresses rate low.",
        "Use private ranges or security-group references.",
        [TF_JSON]
    ),
    rule!(
        "LP-TF-003",
        TerraformPlan,
        High,
        Config,
        "Managed search domain without fine-grained access control",
        "aws_opensearch_domain / aws_elasticsearch_domain has no advanced_security_options with enabled = true.",
        "Enable advanced_security_options (fine-grained access control) with an internal user database or IAM master user.",
        [AWS_FGAC]
    ),
    rule!(
        "LP-TF-004",
        TerraformPlan,
        Critical,
        Exposure,
        "Managed search domain access policy allows everyone",
        "The domain's access_policies has an Allow statement for Principal \"*\" (or AWS \"*\") without a Condition.",
        "Name IAM principals, or add an IpAddress / aws:SourceVpc condition; put the domain in a VPC.",
        [AWS_AC]
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_sorted_and_documented() {
        for pair in RULES.windows(2) {
            assert!(
                pair[0].id < pair[1].id,
                "{} before {}",
                pair[0].id,
                pair[1].id
            );
        }
        for r in RULES {
            assert!(r.id.starts_with("LP-") && !r.title.is_empty() && !r.remediation.is_empty());
        }
        assert_eq!(rule("lp-es-001").map(|r| r.id), Some("LP-ES-001"));
        assert!(rule("LP-NOPE-1").is_none());
    }

    /// `known` falls back to the first rule for an id that is not in the
    /// catalogue; every id the sources name must be in it.
    #[test]
    fn every_literal_id_exists() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![src.join("chain.rs")];
        for entry in std::fs::read_dir(src.join("inputs")).unwrap() {
            files.push(entry.unwrap().path());
        }
        let mut seen = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for piece in text.split("\"LP-").skip(1) {
                let id = format!("LP-{}", piece.split('"').next().unwrap());
                assert!(
                    rule(&id).is_some(),
                    "{} names unknown rule {id}",
                    file.display()
                );
                seen += 1;
            }
        }
        assert!(seen >= RULES.len());
    }
}
