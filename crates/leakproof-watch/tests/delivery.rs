//! Alert delivery through the outbox to a real webhook receiver: retries
//! with backoff, and a daemon restart while the sink is down.

mod common;

use std::time::{Duration, Instant, SystemTime};

use common::{Receiver, SECRET, finding, write_config};
use leakproof_core::Severity;
use leakproof_watch::alert::AlertRoute;
use leakproof_watch::store::{RunInput, RunKind};
use leakproof_watch::{Config, DaemonOptions, Store, start};

fn run_with(findings: Vec<leakproof_core::Finding>) -> RunInput {
    RunInput {
        kind: RunKind::Audit,
        source: "audit:test".into(),
        started: SystemTime::now(),
        finished: SystemTime::now(),
        outcome: Ok(findings),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_deliveries_are_retried_with_backoff_until_the_sink_accepts() {
    let receiver = Receiver::start(SECRET).await;
    let dir = tempfile::tempdir().unwrap();
    let config_path = write_config(dir.path(), &receiver.url(), "");
    let config = Config::load(&config_path).unwrap();
    receiver.fail_next(3);

    let daemon = start(config.clone(), DaemonOptions::default())
        .await
        .unwrap();
    let queued_at = Instant::now();
    daemon
        .store()
        .record_run(
            &run_with(vec![
                finding("LP-ES-001", "es.yml", Severity::Critical),
                finding("LP-ES-002", "es.yml", Severity::Low),
            ]),
            &AlertRoute::all(&config),
            10,
        )
        .unwrap();

    let got = receiver
        .wait_for(Duration::from_secs(20), |r| !r.is_empty())
        .await;
    let all = receiver.requests();
    assert_eq!(all.len(), 4, "3 failures then 1 success: {all:#?}");
    assert!(
        all.iter().all(|r| r.signature_ok),
        "HMAC verified on every attempt"
    );
    assert!(
        all.iter().all(|r| r.delivery_id == all[0].delivery_id),
        "the idempotency key is the same on every attempt"
    );
    // Backoff: 100ms, 200ms, 400ms (each jittered to 50..100%): at least 350ms.
    let gaps: Vec<Duration> = all.windows(2).map(|w| w[1].at - w[0].at).collect();
    assert!(gaps[0] >= Duration::from_millis(50), "{gaps:?}");
    assert!(gaps[2] >= Duration::from_millis(200), "{gaps:?}");
    println!(
        "delivered after {:?}, retry gaps {gaps:?}",
        queued_at.elapsed()
    );

    // Only the critical finding passes min_severity = high.
    assert_eq!(got.len(), 1);
    let body = &got[0].body;
    common::assert_alert_schema(body);
    assert_eq!(body["schema"], "leakproof.alert.v1");
    assert_eq!(body["events"][0]["change"], "new");
    assert_eq!(body["events"][0]["finding"]["rule_id"], "LP-ES-001");
    assert_eq!(
        body["delivery_id"].as_str(),
        Some(got[0].delivery_id.as_str())
    );

    let metrics = reqwest::get(format!("http://{}/metrics", daemon.api_addr()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("leakproof_alert_deliveries_total{sink=\"hook\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("leakproof_alert_delivery_failures_total{sink=\"hook\"} 3"),
        "{metrics}"
    );
    assert!(metrics.contains("leakproof_outbox_depth 0"), "{metrics}");
    daemon.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alert_survives_a_restart_while_the_sink_is_down() {
    let receiver = Receiver::start(SECRET).await;
    let dir = tempfile::tempdir().unwrap();
    let config_path = write_config(dir.path(), &receiver.url(), "");
    let config = Config::load(&config_path).unwrap();
    receiver.set_down(true);

    let daemon = start(config.clone(), DaemonOptions::default())
        .await
        .unwrap();
    daemon
        .store()
        .record_run(
            &run_with(vec![finding("LP-ES-001", "es.yml", Severity::High)]),
            &AlertRoute::all(&config),
            10,
        )
        .unwrap();
    // Let it fail at least twice, then stop the daemon mid-retry.
    let deadline = Instant::now() + Duration::from_secs(10);
    while receiver.requests().len() < 2 {
        assert!(Instant::now() < deadline, "the daemon never tried");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    daemon.shutdown().await;
    let attempts_before = receiver.requests().len();
    assert!(receiver.accepted().is_empty());

    // Still queued in the file, with the same idempotency key.
    let store = Store::open(&dir.path().join("leakproof.db")).unwrap();
    let stats = store.stats().unwrap();
    assert_eq!(stats.sinks["hook"].2, 1, "one alert pending");
    drop(store);

    receiver.set_down(false);
    let daemon = start(config, DaemonOptions::default()).await.unwrap();
    let got = receiver
        .wait_for(Duration::from_secs(10), |r| !r.is_empty())
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got_later = receiver.accepted();
    assert_eq!(got_later.len(), 1, "delivered exactly once: {got_later:#?}");
    assert_eq!(got[0].body["events"][0]["finding"]["rule_id"], "LP-ES-001");
    let all = receiver.requests();
    assert!(all.len() > attempts_before);
    assert!(all.iter().all(|r| r.delivery_id == got[0].delivery_id));
    assert!(all.iter().all(|r| r.signature_ok));
    daemon.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_sink_does_not_hold_up_the_others() {
    let receiver = Receiver::start(SECRET).await;
    // Accepts connections and never answers.
    let hanging = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hanging_addr = hanging.local_addr().unwrap();
    let _held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = hanging.accept().await {
            open.push(stream);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let extra = format!(
        "\n[[alert]]\nkind = \"webhook\"\nname = \"stuck\"\nurl = \"http://{hanging_addr}/hook\"\nmin_severity = \"high\"\n"
    );
    let config_path = write_config(dir.path(), &receiver.url(), &extra);
    let config = Config::load(&config_path).unwrap();
    let daemon = start(config.clone(), DaemonOptions::default())
        .await
        .unwrap();
    let queued = Instant::now();
    daemon
        .store()
        .record_run(
            &run_with(vec![finding("LP-ES-001", "es.yml", Severity::High)]),
            &AlertRoute::all(&config),
            10,
        )
        .unwrap();
    receiver
        .wait_for(Duration::from_secs(10), |r| !r.is_empty())
        .await;
    // A second alert while the stuck sink is still inside its 2s attempt.
    daemon
        .store()
        .record_run(
            &run_with(vec![
                finding("LP-ES-001", "es.yml", Severity::High),
                finding("LP-ES-004", "es.yml", Severity::Critical),
            ]),
            &AlertRoute::all(&config),
            10,
        )
        .unwrap();
    receiver
        .wait_for(Duration::from_secs(10), |r| r.len() == 2)
        .await;
    // The stuck sink's attempts time out after 2s; the good one never waited.
    assert!(
        queued.elapsed() < Duration::from_millis(1800),
        "{:?}",
        queued.elapsed()
    );
    daemon.shutdown().await;
}
