use leakproof_core::Severity;
use leakproof_probe::{Credential, RULE_LOCKED, RULE_OPEN, RULE_PII};

use crate::support;

const PASSWORD: &str = "secret-pg-pw";

#[tokio::test]
async fn trust_lets_a_stranger_in() {
    let server = support::postgres("trust", PASSWORD);
    support::psql(&server, "postgres", "CREATE DATABASE support");
    support::psql(
        &server,
        "support",
        "CREATE TABLE cases (id int, customer text, note text); \
         INSERT INTO cases VALUES (1, 'jane.roe@example.org', 'called'), (2, 'john @ contoso.com', 'mail'); \
         ANALYZE cases;",
    );
    let spec = format!("postgres://{}", server.address());
    let report = support::probe(&[spec], &support::options(10)).await;
    let open = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_OPEN)
        .unwrap_or_else(|| panic!("{:#?}", report.findings));
    assert_eq!(open.properties["service"], "PostgreSQL");
    assert_eq!(open.severity, Severity::High);
    let databases = open.properties["databases"].as_array().unwrap();
    assert!(databases.iter().any(|d| d == "support"));
    let table = open.properties["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "support.public.cases")
        .unwrap();
    assert_eq!(table["rows_estimate"], 2);
    let pii = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_PII)
        .expect("a PII finding (needs the real detector from leakproof-detect)");
    assert_eq!(
        pii.location.resource.as_deref(),
        Some("support.public.cases")
    );
}

#[tokio::test]
async fn scram_is_locked_without_guessing() {
    let server = support::postgres("scram-sha-256", PASSWORD);
    // A bare host:port: identified by its answer to SSLRequest.
    let report = support::probe(&[server.address()], &support::options(10)).await;
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    let locked = &report.findings[0];
    assert_eq!(locked.rule_id, RULE_LOCKED);
    assert!(
        locked.message.contains("SCRAM-SHA-256"),
        "{}",
        locked.message
    );
}

#[tokio::test]
async fn supplied_credentials_pass_scram_and_sample_with_permission() {
    let server = support::postgres("scram-sha-256", PASSWORD);
    let mut options = support::options(10);
    options.credentials.insert(
        server.address(),
        Credential::new(Some("postgres".into()), PASSWORD.into()),
    );
    support::psql(&server, "postgres", "CREATE DATABASE support");
    support::psql(
        &server,
        "support",
        "CREATE TABLE cases (id int, note text); INSERT INTO cases VALUES (1, 'mail jane.roe @ example.org')",
    );
    let report = support::probe(&[server.address()], &options).await;
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
    let locked = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_LOCKED)
        .unwrap_or_else(|| panic!("a locked finding: {:#?}", report.findings));
    assert_eq!(locked.properties["credentials_accepted"], true);

    let mut wrong = support::options(10);
    wrong.credentials.insert(
        server.address(),
        Credential::new(Some("postgres".into()), "not-the-password".into()),
    );
    let report = support::probe(&[server.address()], &wrong).await;
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    assert_eq!(report.findings[0].rule_id, RULE_LOCKED);
    assert_eq!(report.findings[0].properties["credentials_accepted"], false);
}
