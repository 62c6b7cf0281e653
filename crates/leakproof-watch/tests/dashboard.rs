//! The dashboard in a real headless Chromium (Debian package `chromium`):
//! what a person sees after the page's script has run.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use leakproof_core::mask::mask_email;
use leakproof_core::{Category, Finding, Location, Severity};
use leakproof_watch::store::{RunInput, RunKind};
use leakproof_watch::{Config, DaemonOptions, start};

const RAW_EMAIL: &str = "jane.doe@customer-mail.com";

fn chromium() -> PathBuf {
    let path = PathBuf::from("/usr/bin/chromium");
    assert!(
        path.exists(),
        "/usr/bin/chromium is missing: install the Debian package `chromium` (apt-get install -y chromium)"
    );
    path
}

/// Runs headless Chromium on `url` with a fresh profile; `extra` picks the
/// output (`--dump-dom`, `--screenshot=...`). Returns stdout.
fn run_chromium(profile: &Path, url: &str, extra: &[&str]) -> String {
    let output = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1400,1000",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn seed(store: &leakproof_watch::Store) {
    let pii = Finding::new(
        "LP-PROBE-PII",
        "Unredacted email addresses in an open index",
        Severity::Critical,
        Category::Pii,
        Location::endpoint("127.0.0.1:9200").with_resource("support-cases"),
    )
    .with_evidence(mask_email(RAW_EMAIL))
    .with_remediation("Close the index to the internet and redact the records.");
    let es = common::finding(
        "LP-ES-001",
        "/etc/elasticsearch/elasticsearch.yml",
        Severity::High,
    );
    let low = common::finding(
        "LP-ES-006",
        "/etc/elasticsearch/elasticsearch.yml",
        Severity::Low,
    );
    for findings in [vec![pii.clone(), es.clone(), low], vec![pii, es]] {
        let run = RunInput {
            kind: RunKind::Probe,
            source: "probe:127.0.0.1:9200".into(),
            started: SystemTime::now(),
            finished: SystemTime::now(),
            outcome: Ok(findings),
        };
        store.record_run(&run, &[], 10).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_shows_counts_changes_and_masked_findings() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::parse(
        "[store]\npath = \"leakproof.db\"\n[api]\nlisten = \"127.0.0.1:0\"\n",
        dir.path(),
    )
    .unwrap();
    let daemon = start(config, DaemonOptions::default()).await.unwrap();
    seed(daemon.store());
    let url = format!("http://{}/", daemon.api_addr());
    let profile = dir.path().join("profile");
    let dom = tokio::task::spawn_blocking({
        let url = url.clone();
        let profile = profile.clone();
        move || run_chromium(&profile, &url, &["--dump-dom"])
    })
    .await
    .unwrap();

    assert!(
        dom.contains("Unredacted email addresses in an open index"),
        "{dom}"
    );
    assert!(dom.contains("LP-ES-001 test finding"), "{dom}");
    let masked = mask_email(RAW_EMAIL);
    assert!(
        dom.contains(&masked),
        "masked evidence {masked} shown: {dom}"
    );
    assert!(
        !dom.contains(RAW_EMAIL),
        "the raw email never reaches the page"
    );
    assert!(
        dom.contains("Close the index to the internet"),
        "remediation shown"
    );
    // Counts: one critical, one high open; the low one was resolved.
    for (severity, n) in [("critical", 1), ("high", 1), ("medium", 0), ("low", 0)] {
        let needle = format!(
            "<div class=\"count {severity}\" data-severity=\"{severity}\"><div class=\"n\">{n}</div>"
        );
        assert!(dom.contains(&needle), "{needle} in {dom}");
    }
    // Recent changes: the resolved low finding and the new ones.
    assert!(dom.contains("class=\"change-resolved\">resolved<"), "{dom}");
    assert!(dom.contains("class=\"change-new\">new<"), "{dom}");
    assert!(dom.contains("2 open findings"), "{dom}");

    // A screenshot to look at (kept under target/ for people to inspect).
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dashboard.png");
    let arg = format!("--screenshot={}", shot.display());
    tokio::task::spawn_blocking(move || run_chromium(&profile, &url, &[arg.as_str()]))
        .await
        .unwrap();
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000);
    println!("screenshot: {}", shot.display());
    daemon.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_token_the_dashboard_asks_for_it_and_shows_no_data() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("token"), "dash-token\n").unwrap();
    let config = Config::parse(
        "[store]\npath = \"leakproof.db\"\n[api]\nlisten = \"127.0.0.1:0\"\ntoken_file = \"token\"\n",
        dir.path(),
    )
    .unwrap();
    let daemon = start(config, DaemonOptions::default()).await.unwrap();
    seed(daemon.store());
    let url = format!("http://{}/", daemon.api_addr());
    let profile = dir.path().join("profile");
    let dom = tokio::task::spawn_blocking(move || run_chromium(&profile, &url, &["--dump-dom"]))
        .await
        .unwrap();
    assert!(dom.contains("This API needs a token."), "{dom}");
    assert!(dom.contains("sign in needed"), "{dom}");
    assert!(
        dom.contains("id=\"login\" style=\"display: block;\""),
        "{dom}"
    );
    assert!(
        !dom.contains("Unredacted email addresses"),
        "no data without the token"
    );
    daemon.shutdown().await;
}
