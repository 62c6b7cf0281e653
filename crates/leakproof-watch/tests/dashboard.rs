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

/// Headless Chromium driven over the DevTools protocol; killed on drop.
struct Browser {
    child: std::process::Child,
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    next_id: u64,
}

impl Browser {
    async fn launch(profile: &Path) -> Browser {
        use std::io::BufRead;
        let mut child = Command::new(chromium())
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
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("chromium runs");
        let stderr = child.stderr.take().unwrap();
        let port = tokio::task::spawn_blocking(move || {
            let mut lines = std::io::BufReader::new(stderr).lines();
            while let Some(Ok(line)) = lines.next() {
                if let Some(url) = line.strip_prefix("DevTools listening on ws://127.0.0.1:") {
                    let port: u16 = url.split('/').next().unwrap().parse().unwrap();
                    // Keep draining so chromium never blocks on a full pipe.
                    std::thread::spawn(move || lines.for_each(drop));
                    return port;
                }
            }
            panic!("chromium did not open the DevTools port");
        })
        .await
        .unwrap();
        let targets: serde_json::Value = reqwest::get(format!("http://127.0.0.1:{port}/json/list"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let page = targets
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "page")
            .expect("a page target");
        let (ws, _) =
            tokio_tungstenite::connect_async(page["webSocketDebuggerUrl"].as_str().unwrap())
                .await
                .unwrap();
        Browser {
            child,
            ws,
            next_id: 0,
        }
    }

    async fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;
        self.next_id += 1;
        let id = self.next_id;
        let request = serde_json::json!({"id": id, "method": method, "params": params});
        self.ws
            .send(Message::text(request.to_string()))
            .await
            .unwrap();
        loop {
            let message = self.ws.next().await.unwrap().unwrap();
            let Message::Text(text) = message else {
                continue;
            };
            let reply: serde_json::Value = serde_json::from_str(&text).unwrap();
            if reply["id"] == id {
                assert!(reply.get("error").is_none(), "{method}: {reply}");
                return reply["result"].clone();
            }
        }
    }

    /// Evaluates `expression` in the page and returns its value.
    async fn eval(&mut self, expression: &str) -> serde_json::Value {
        let result = self
            .call(
                "Runtime.evaluate",
                serde_json::json!({"expression": expression, "returnByValue": true}),
            )
            .await;
        result["result"]["value"].clone()
    }

    /// Waits until `expression` is true in the page.
    async fn wait_for(&mut self, expression: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        while self.eval(expression).await != serde_json::Value::Bool(true) {
            assert!(
                std::time::Instant::now() < deadline,
                "timed out waiting for {expression}; page: {}",
                self.eval("document.body.innerText").await
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_with_the_token_and_sees_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("token"), "dash-token\n").unwrap();
    let config = Config::parse(
        "[store]\npath = \"leakproof.db\"\n[api]\nlisten = \"127.0.0.1:0\"\ntoken_file = \"token\"\n",
        dir.path(),
    )
    .unwrap();
    let daemon = start(config, DaemonOptions::default()).await.unwrap();
    seed(daemon.store());
    let mut browser = Browser::launch(&dir.path().join("profile")).await;
    browser
        .call(
            "Page.navigate",
            serde_json::json!({"url": format!("http://{}/", daemon.api_addr())}),
        )
        .await;
    browser
        .wait_for("document.getElementById('login').style.display === 'block'")
        .await;

    // A wrong token is refused and not kept.
    let submit = |token: &str| {
        format!(
            "document.getElementById('token').value = {token:?}; document.getElementById('login-form').requestSubmit(); true"
        )
    };
    browser.eval(&submit("not-the-token")).await;
    browser
        .wait_for(
            "document.getElementById('login-error').textContent === 'That token was refused.'",
        )
        .await;
    assert_eq!(
        browser
            .eval("sessionStorage.getItem('leakproof-token')")
            .await,
        serde_json::Value::Null
    );

    // The right one shows the data and stays in sessionStorage.
    browser.eval(&submit("dash-token")).await;
    browser
        .wait_for("document.body.innerText.includes('Unredacted email addresses in an open index')")
        .await;
    assert_eq!(
        browser
            .eval("sessionStorage.getItem('leakproof-token')")
            .await,
        "dash-token"
    );
    let text = browser.eval("document.body.innerText").await;
    let text = text.as_str().unwrap();
    assert!(text.contains(&mask_email(RAW_EMAIL)), "{text}");
    assert!(!text.contains(RAW_EMAIL));
    assert!(text.contains("2 open findings"), "{text}");

    // The filter narrows the table.
    browser
        .eval("const f = document.getElementById('filter'); f.value = 'support-cases'; f.dispatchEvent(new Event('input')); true")
        .await;
    let rows = browser
        .eval("document.querySelectorAll('#findings tr').length")
        .await;
    assert_eq!(rows, 1);
    drop(browser);
    daemon.shutdown().await;
}
