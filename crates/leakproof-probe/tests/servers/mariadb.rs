use leakproof_core::Severity;
use leakproof_probe::{RULE_LOCKED, RULE_OPEN};

use crate::support;

#[tokio::test]
async fn anonymous_account_is_open() {
    let server = support::mariadb(true);
    // A bare host:port: MariaDB greets first.
    let report = support::probe(&[server.address()], &support::options(0)).await;
    let open = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_OPEN)
        .unwrap_or_else(|| panic!("{:#?}", report.findings));
    assert_eq!(open.properties["service"], "MariaDB");
    assert_eq!(open.severity, Severity::High);
    let names: Vec<&str> = open.properties["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert!(names.contains(&"supportdb"), "{names:?}");
}

#[tokio::test]
async fn no_anonymous_account_is_locked() {
    let server = support::mariadb(false);
    let spec = format!("mysql://{}", server.address());
    let report = support::probe(&[spec], &support::options(0)).await;
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    assert_eq!(report.findings[0].rule_id, RULE_LOCKED);
    assert!(
        report.findings[0].message.contains("Access denied"),
        "{}",
        report.findings[0].message
    );
    assert!(
        report.findings[0].properties["version"]
            .as_str()
            .unwrap()
            .contains("MariaDB")
    );
}
