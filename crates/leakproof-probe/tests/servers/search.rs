use leakproof_core::Severity;
use leakproof_probe::{Credential, RULE_INCOMPLETE, RULE_LOCKED, RULE_OPEN, RULE_PII};

use crate::support;

async fn seed_support_cases(port: u16, records: &[serde_json::Value]) {
    let mut body = String::new();
    for record in records {
        body.push_str("{\"index\":{\"_index\":\"support-cases\"}}\n");
        body.push_str(&record.to_string());
        body.push('\n');
    }
    let response = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/_bulk?refresh=true"))
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
}

#[tokio::test]
async fn open_search_engine_with_pii_is_critical() {
    let server = support::opensearch();
    let (records, _) = support::support_records(60);
    seed_support_cases(server.port, &records).await;
    let report = support::probe(&[server.address()], &support::options(50)).await;
    assert_eq!(report.endpoints_probed, 1);
    let open = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_OPEN)
        .expect("open-access finding");
    assert_eq!(open.severity, Severity::High);
    assert_eq!(open.properties["service"], "OpenSearch");
    assert_eq!(open.properties["resources"][0]["name"], "support-cases");
    assert_eq!(open.properties["resources"][0]["docs"], 60);
    let pii = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_PII)
        .expect("a PII finding (needs the real detector from leakproof-detect)");
    assert_eq!(pii.severity, Severity::Critical);
    assert_eq!(pii.location.resource.as_deref(), Some("support-cases"));
    assert!(
        pii.message.starts_with(&format!(
            "Index `support-cases` on {} answers without credentials and holds",
            server.address()
        )),
        "{}",
        pii.message
    );
    assert!(
        pii.message.contains("in 50 sampled documents"),
        "{}",
        pii.message
    );
    // 50 sampled records hold 100 email addresses, half of them written
    // with a space before the "@".
    assert!(pii.properties["entity_counts"]["EMAIL"].as_u64().unwrap() >= 100);
    let evidence = pii.evidence.clone().unwrap();
    assert!(
        !evidence.contains("contoso.com") && !evidence.contains("customer1"),
        "{evidence}"
    );
}

#[tokio::test]
async fn basic_auth_in_front_is_locked_and_credentials_confirm_it() {
    let backend = support::opensearch();
    let (records, _) = support::support_records(5);
    seed_support_cases(backend.port, &records).await;
    let proxy = support::nginx_basic_auth(backend.port, "auditor", "correct horse");
    let report = support::probe(&[proxy.address()], &support::options(5)).await;
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    let locked = &report.findings[0];
    assert_eq!(locked.rule_id, RULE_LOCKED);
    assert_eq!(locked.severity, Severity::Info);
    assert!(
        locked.message.contains("requires authentication"),
        "{}",
        locked.message
    );
    assert!(
        locked.message.contains("WWW-Authenticate"),
        "{}",
        locked.message
    );

    let mut options = support::options(5);
    options.credentials.insert(
        proxy.address(),
        Credential::new(Some("auditor".into()), "correct horse".into()),
    );
    let report = support::probe(&[proxy.address()], &options).await;
    let locked = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_LOCKED)
        .unwrap();
    assert_eq!(locked.properties["credentials_accepted"], true);
    assert_eq!(locked.properties["service"], "OpenSearch");
    assert!(report.findings.iter().all(|f| f.rule_id != RULE_OPEN));
    assert!(!format!("{report:?}").contains("correct horse"));

    let mut options = support::options(0);
    options.credentials.insert(
        proxy.address(),
        Credential::new(Some("auditor".into()), "wrong".into()),
    );
    let report = support::probe(&[proxy.address()], &options).await;
    let locked = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_LOCKED)
        .unwrap();
    assert_eq!(locked.properties["credentials_accepted"], false);
}

#[tokio::test]
async fn tls_is_verified_unless_the_user_says_insecure() {
    let backend = support::opensearch();
    let proxy = support::nginx_tls(backend.port);
    let spec = format!("https://{}", proxy.address());
    let report = support::probe(std::slice::from_ref(&spec), &support::options(0)).await;
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    assert_eq!(report.findings[0].rule_id, RULE_INCOMPLETE);
    assert!(
        report.findings[0].message.contains("TLS handshake failed"),
        "{}",
        report.findings[0].message
    );
    assert!(report.findings[0].message.contains("--insecure"));

    let mut options = support::options(0);
    options.verify_tls = false;
    let report = support::probe(&[spec], &options).await;
    let open = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_OPEN)
        .unwrap();
    assert_eq!(open.properties["service"], "OpenSearch");
    assert_eq!(open.severity, Severity::Medium);
}
