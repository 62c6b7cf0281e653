use leakproof_core::Severity;
use leakproof_probe::{Credential, RULE_LOCKED, RULE_OPEN, RULE_PII};

use crate::support;

#[tokio::test]
async fn anonymous_account_is_open() {
    let server = support::mariadb(true);
    // A bare host:port: MariaDB greets first.
    let report = support::probe(&[server.address()], &support::options(10)).await;
    let open = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_OPEN)
        .unwrap_or_else(|| panic!("{:#?}", report.findings));
    assert_eq!(open.properties["service"], "MariaDB");
    assert_eq!(open.severity, Severity::High);
    let databases = open.properties["databases"].as_array().unwrap();
    assert!(databases.iter().any(|d| d == "supportdb"), "{databases:?}");
    assert_eq!(open.properties["resources"][0]["name"], "supportdb.cases");
    let pii = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_PII)
        .unwrap_or_else(|| panic!("{:#?}", report.findings));
    assert_eq!(pii.severity, Severity::Critical);
    assert_eq!(pii.location.resource.as_deref(), Some("supportdb.cases"));
    assert!(
        pii.message.contains("in 3 sampled documents"),
        "{}",
        pii.message
    );
    assert!(pii.properties["entity_counts"]["EMAIL"].as_u64().unwrap() >= 3);
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

#[tokio::test]
async fn supplied_credentials_log_in_and_sample_with_permission() {
    let server = support::mariadb(false);
    let mut options = support::options(10);
    options.credentials.insert(
        server.address(),
        Credential::new(Some("auditor".into()), "auditor-pw".into()),
    );
    let report = support::probe(&[server.address()], &options).await;
    let locked = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_LOCKED)
        .unwrap_or_else(|| panic!("{:#?}", report.findings));
    assert_eq!(locked.properties["credentials_accepted"], true);
    let pii = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_PII)
        .unwrap_or_else(|| {
            panic!(
                "a PII finding from the permitted sample: {:#?}",
                report.findings
            )
        });
    assert_eq!(pii.severity, Severity::Medium, "sampled with permission");

    let mut wrong = support::options(10);
    wrong.credentials.insert(
        server.address(),
        Credential::new(Some("auditor".into()), "not-it".into()),
    );
    let report = support::probe(&[server.address()], &wrong).await;
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    assert_eq!(report.findings[0].properties["credentials_accepted"], false);
}
