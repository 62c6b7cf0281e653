//! `leakproof watch`, `findings` and `alert test` as the real binary, with a
//! webhook receiver on loopback.

use std::io::Read;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;

type Bodies = Arc<Mutex<Vec<serde_json::Value>>>;

/// A webhook receiver on 127.0.0.1 in its own runtime thread.
fn receiver() -> (SocketAddr, Bodies) {
    let bodies: Bodies = Arc::default();
    let state = bodies.clone();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let app = axum::Router::new()
                .route(
                    "/hook",
                    post(|State(s): State<Bodies>, body: Bytes| async move {
                        s.lock()
                            .unwrap()
                            .push(serde_json::from_slice(&body).unwrap_or_default());
                        StatusCode::OK
                    }),
                )
                .with_state(state);
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    (addr, bodies)
}

/// Kills the daemon if a test fails before stopping it.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_until(what: &str, timeout: Duration, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn leakproof() -> Command {
    Command::cargo_bin("leakproof").unwrap()
}

const GOOD: &str = "network.host: 127.0.0.1\nxpack.security.enabled: true\nxpack.security.http.ssl.enabled: true\n";
const BAD: &str = "network.host: 0.0.0.0\nxpack.security.enabled: false\n";

fn write_config(dir: &Path, hook: SocketAddr, api_port: u16, closed_port: u16) {
    // The issue's minimal config, with loopback-only targets and addresses.
    let text = format!(
        r#"[store]
path = "leakproof.db"

[[audit]]
paths = ["{es}", "infra/network"]

[[probe]]
targets = ["127.0.0.1:{closed_port}"]
interval = "60s"
sample = 20

[[alert]]
kind = "webhook"
url = "http://{hook}/hook"
min_severity = "high"

[api]
listen = "127.0.0.1:{api_port}"
"#,
        es = dir.join("elasticsearch").display()
    );
    std::fs::write(dir.join("leakproof.toml"), text).unwrap();
}

#[test]
fn the_binary_watches_alerts_and_answers_queries() {
    let dir = tempfile::tempdir().unwrap();
    let es = dir.path().join("elasticsearch");
    std::fs::create_dir(&es).unwrap();
    std::fs::write(es.join("elasticsearch.yml"), GOOD).unwrap();
    let (hook, bodies) = receiver();
    let api_port = free_port();
    write_config(dir.path(), hook, api_port, free_port());

    let mut daemon = Daemon(
        leakproof()
            .args(["watch", "--config"])
            .arg(dir.path().join("leakproof.toml"))
            .arg("--db")
            .arg(dir.path().join("state/custom.db"))
            .env("LEAKPROOF_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let get =
        |url: &str| runtime.block_on(async { reqwest::get(url).await.ok()?.text().await.ok() });
    let health = format!("http://127.0.0.1:{api_port}/healthz");
    wait_until("the API", Duration::from_secs(20), || {
        get(&health).as_deref() == Some("ok\n")
    });
    let runs_url = format!("http://127.0.0.1:{api_port}/api/v1/runs");
    wait_until("the first audit run", Duration::from_secs(20), || {
        get(&runs_url).is_some_and(|t| t.contains("\"kind\":\"audit\""))
    });

    let edited = Instant::now();
    std::fs::write(es.join("elasticsearch.yml"), BAD).unwrap();
    wait_until("the alert", Duration::from_secs(10), || {
        !bodies.lock().unwrap().is_empty()
    });
    println!("binary edit-to-alert: {:?}", edited.elapsed());
    let body = bodies.lock().unwrap()[0].clone();
    assert_eq!(body["schema"], "leakproof.alert.v1");
    assert!(body["events"].to_string().contains("LP-ES-001"), "{body:#}");

    // SIGTERM stops it cleanly.
    let pid = daemon.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = daemon.0.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let mut stderr = String::new();
    daemon
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(
        stderr.contains("infra/network"),
        "a missing audit path is a warning: {stderr}"
    );
    assert!(stderr.contains("stopped"), "{stderr}");

    // `findings` reads the same store.
    // --db overrode [store] path.
    let db = dir.path().join("state/custom.db");
    assert!(db.exists());
    assert!(!dir.path().join("leakproof.db").exists());
    let out = leakproof()
        .args([
            "findings",
            "--report",
            "json",
            "--min-severity",
            "high",
            "--db",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["finding"]["rule_id"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"LP-ES-001"), "{listed:#}");
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["status"] == "open")
    );
    let table = leakproof()
        .args(["findings", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(table.status.success());
    assert!(String::from_utf8_lossy(&table.stdout).contains("LP-ES-001"));
    // The config's [store] path holds no store: a clear error, exit 2.
    let missing = leakproof()
        .args(["findings", "--config"])
        .arg(dir.path().join("leakproof.toml"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no findings store at"));
    let resolved = leakproof()
        .args([
            "findings", "--status", "resolved", "--report", "json", "--db",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&resolved.stdout).trim(), "[]");
}

#[test]
fn alert_test_reports_each_sink_and_fails_when_one_fails() {
    let dir = tempfile::tempdir().unwrap();
    let (hook, bodies) = receiver();
    let closed = free_port();
    let text = format!(
        "[[alert]]\nkind = \"webhook\"\nname = \"good\"\nurl = \"http://{hook}/hook\"\n\n[[alert]]\nkind = \"webhook\"\nname = \"down\"\nurl = \"http://127.0.0.1:{closed}/hook\"\n\n[[alert]]\nkind = \"stdout\"\n"
    );
    std::fs::write(dir.path().join("lp.toml"), text).unwrap();
    let out = leakproof()
        .args(["alert", "test", "--config"])
        .arg(dir.path().join("lp.toml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("good: ok"), "{stderr}");
    assert!(stderr.contains("down: FAILED"), "{stderr}");
    assert!(stderr.contains("stdout-3: ok"), "{stderr}");
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["kind"], "test");
    assert_eq!(bodies.lock().unwrap()[0]["kind"], "test");
}

#[test]
fn unsafe_or_invalid_configs_are_refused_with_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("open.toml"),
        "[store]\npath = \"x.db\"\n[api]\nlisten = \"0.0.0.0:9717\"\n",
    )
    .unwrap();
    let out = leakproof()
        .args(["watch", "--config"])
        .arg(dir.path().join("open.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("refusing to serve the API on 0.0.0.0:9717 without a token"),
        "{stderr}"
    );

    std::fs::write(
        dir.path().join("typo.toml"),
        "[store]\npath = \"x.db\"\n\n[[probe]]\ntargets = [\"127.0.0.1:1\"]\nintervall = \"60s\"\n",
    )
    .unwrap();
    let out = leakproof()
        .args(["watch", "--config"])
        .arg(dir.path().join("typo.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 6") && stderr.contains("intervall"),
        "{stderr}"
    );
}
