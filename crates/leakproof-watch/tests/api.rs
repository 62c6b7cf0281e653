//! The HTTP API on loopback: filters, auth rules and metrics.

mod common;

use std::time::SystemTime;

use leakproof_core::Severity;
use leakproof_watch::store::{RunInput, RunKind};
use leakproof_watch::{Config, DaemonOptions, WatchError, start};

fn config(dir: &std::path::Path, api: &str) -> Config {
    let text = format!("[store]\npath = \"leakproof.db\"\n\n[api]\n{api}\n");
    Config::parse(&text, dir).unwrap()
}

fn seed(store: &leakproof_watch::Store) {
    let run = RunInput {
        kind: RunKind::Audit,
        source: "audit:api".into(),
        started: SystemTime::now(),
        finished: SystemTime::now(),
        outcome: Ok(vec![
            common::finding("LP-ES-001", "a.yml", Severity::Critical),
            common::finding("LP-REDIS-001", "redis.conf", Severity::Medium),
        ]),
    };
    store.record_run(&run, &[], 10).unwrap();
}

#[tokio::test]
async fn loopback_without_token_serves_findings_with_filters() {
    let dir = tempfile::tempdir().unwrap();
    let daemon = start(
        config(dir.path(), "listen = \"127.0.0.1:0\""),
        DaemonOptions::default(),
    )
    .await
    .unwrap();
    seed(daemon.store());
    let base = format!("http://{}", daemon.api_addr());
    let all: serde_json::Value = reqwest::get(format!("{base}/api/v1/findings"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert_eq!(all[0]["severity"], "critical");
    assert_eq!(all[0]["status"], "open");
    let high: serde_json::Value = reqwest::get(format!(
        "{base}/api/v1/findings?min_severity=high&status=open"
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(high.as_array().unwrap().len(), 1);
    let by_rule: serde_json::Value = reqwest::get(format!(
        "{base}/api/v1/findings?rule=LP-REDIS-001&category=config&source=audit:api"
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(by_rule[0]["finding"]["rule_id"], "LP-REDIS-001");
    let fp = all[0]["fingerprint"].as_str().unwrap();
    let one = reqwest::get(format!("{base}/api/v1/findings/{fp}"))
        .await
        .unwrap();
    assert_eq!(one.status(), 200);
    assert_eq!(one.headers()["cache-control"], "no-store");
    assert_eq!(one.headers()["x-content-type-options"], "nosniff");
    let one: serde_json::Value = one.json().await.unwrap();
    assert_eq!(one["severity_history"][0]["severity"], "critical");
    assert_eq!(
        reqwest::get(format!("{base}/api/v1/findings/nope"))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        reqwest::get(format!("{base}/api/v1/findings?min_severity=huge"))
            .await
            .unwrap()
            .status(),
        400
    );
    let runs: serde_json::Value = reqwest::get(format!("{base}/api/v1/runs"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(runs[0]["new"], 2);
    let metrics = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("leakproof_findings{severity=\"critical\",status=\"open\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("leakproof_findings{severity=\"medium\",status=\"open\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("leakproof_runs_total{kind=\"audit\",result=\"ok\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("leakproof_run_duration_seconds{kind=\"audit\",source=\"audit:api\"}"),
        "{metrics}"
    );
    daemon.shutdown().await;
}

#[tokio::test]
async fn non_loopback_without_token_is_refused_at_startup() {
    let dir = tempfile::tempdir().unwrap();
    let err = start(
        config(dir.path(), "listen = \"0.0.0.0:0\""),
        DaemonOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WatchError::Unprotected(_)), "{err}");
    assert!(err.to_string().contains("token"), "{err}");
}

#[tokio::test]
async fn with_a_token_every_endpoint_but_healthz_needs_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("api.token"), "t0ken-for-tests\n").unwrap();
    // Loopback here: the test never listens beyond it. The token rules are
    // the same whatever the address.
    let daemon = start(
        config(
            dir.path(),
            "listen = \"127.0.0.1:0\"\ntoken_file = \"api.token\"",
        ),
        DaemonOptions::default(),
    )
    .await
    .unwrap();
    seed(daemon.store());
    let base = format!("http://{}", daemon.api_addr());
    let client = reqwest::Client::new();
    for path in [
        "/api/v1/findings",
        "/api/v1/runs",
        "/api/v1/events",
        "/metrics",
    ] {
        let bare = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(bare.status(), 401, "{path}");
        let wrong = client
            .get(format!("{base}{path}"))
            .bearer_auth("t0ken-for-test")
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401, "{path}");
        let ok = client
            .get(format!("{base}{path}"))
            .bearer_auth("t0ken-for-tests")
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200, "{path}");
    }
    assert_eq!(
        client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    daemon.shutdown().await;
}
