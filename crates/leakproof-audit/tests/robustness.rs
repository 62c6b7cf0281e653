//! Whatever a recognised file contains, the audit returns: a bad file is a
//! finding, never a panic or an aborted run.

use leakproof_audit::audit_paths;
use proptest::prelude::*;

const NAMES: &[&str] = &[
    "elasticsearch.yml",
    "kibana.yml",
    "redis.conf",
    "mongod.conf",
    "postgresql.conf",
    "pg_hba.conf",
    "my.cnf",
    "memcached.conf",
    "docker-compose.yml",
    "k8s.yaml",
    "nsg.json",
    "plan.json",
];

/// Text made of the characters these formats are built from.
fn config_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("\n".to_string()),
            Just("  ".to_string()),
            Just("apiVersion: v1\nkind: Service\n".to_string()),
            Just("[mysqld]\n".to_string()),
            Just("{\"securityRules\": [".to_string()),
            Just("\"format_version\": \"1.2\", \"planned_values\": {".to_string()),
            Just("ports:\n  - \"65535:9200\"\n".to_string()),
            "[a-z_.]{1,12}: [0-9.:*/\\[\\]{}&<-]{0,14}",
            "(bind|host|include|-l|-U|listen_addresses =) [0-9./:*-]{0,12}",
            "[\\[\\]{}\"',:#&*!|>-]{1,4}",
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn any_content_audits_without_panicking(texts in prop::collection::vec(config_text(), NAMES.len())) {
        let dir = tempfile::TempDir::new().expect("temp dir");
        for (name, text) in NAMES.iter().zip(&texts) {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        let report = audit_paths(&[dir.path().to_path_buf()]).expect("audit runs");
        prop_assert_eq!(report.files_checked + report.files_skipped, NAMES.len());
        for finding in &report.findings {
            prop_assert!(finding.rule_id.starts_with("LP-") && finding.fingerprint.len() == 32);
        }
    }
}
