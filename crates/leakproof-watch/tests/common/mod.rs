//! Shared test parts: a real webhook receiver on loopback, and helpers to
//! write configs and start the daemon as a library.

#![allow(dead_code)] // each test binary uses a different subset

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use leakproof_core::{Category, Finding, Location, Severity};
use leakproof_watch::alert::sign;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub at: Instant,
    pub delivery_id: String,
    pub signature_ok: bool,
    pub answered: u16,
    pub body: serde_json::Value,
}

#[derive(Default)]
struct ReceiverState {
    secret: Vec<u8>,
    fail_next: AtomicUsize,
    down: std::sync::atomic::AtomicBool,
    requests: Mutex<Vec<Received>>,
}

/// A webhook endpoint on 127.0.0.1 that records every request, checks the
/// HMAC signature, and answers 500 on demand.
pub struct Receiver {
    pub addr: SocketAddr,
    state: Arc<ReceiverState>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start(secret: &str) -> Receiver {
        // Daemon logs in the test output (RUST_LOG overrides).
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "leakproof_watch=debug".into()),
            )
            .with_test_writer()
            .try_init();
        let state = Arc::new(ReceiverState {
            secret: secret.as_bytes().to_vec(),
            ..ReceiverState::default()
        });
        let app = axum::Router::new()
            .route("/hook", post(receive))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Receiver { addr, state, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    /// The next `n` requests get a 500.
    pub fn fail_next(&self, n: usize) {
        self.state.fail_next.store(n, Ordering::SeqCst);
    }

    /// While down, every request gets a 503.
    pub fn set_down(&self, down: bool) {
        self.state.down.store(down, Ordering::SeqCst);
    }

    pub fn requests(&self) -> Vec<Received> {
        self.state.requests.lock().unwrap().clone()
    }

    /// Requests answered 200.
    pub fn accepted(&self) -> Vec<Received> {
        self.requests()
            .into_iter()
            .filter(|r| r.answered == 200)
            .collect()
    }

    /// Waits until `pred` holds for the accepted requests, or panics.
    pub async fn wait_for(
        &self,
        timeout: Duration,
        pred: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let got = self.accepted();
            if pred(&got) {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "timed out; requests so far: {:#?}",
                self.requests()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(
    State(state): State<Arc<ReceiverState>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let signature = headers
        .get("x-leakproof-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let delivery_id = headers
        .get("x-leakproof-delivery")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let status = if state.down.load(Ordering::SeqCst) {
        StatusCode::SERVICE_UNAVAILABLE
    } else if state
        .fail_next
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    };
    state.requests.lock().unwrap().push(Received {
        at: Instant::now(),
        delivery_id,
        signature_ok: signature == sign(&state.secret, &body),
        answered: status.as_u16(),
        body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    });
    status
}

/// A finding as the audit would report it; `raw` never appears in it.
pub fn finding(rule: &str, path: &str, severity: Severity) -> Finding {
    Finding::new(
        rule,
        format!("{rule} test finding"),
        severity,
        Category::Config,
        Location::file(path).with_pointer("xpack.security.enabled"),
    )
    .with_evidence("xpack.security.enabled: false")
    .with_remediation("Enable security.")
}

/// Writes `leakproof.toml` in `dir` with one webhook sink to `url` and the
/// given extra TOML; returns its path.
pub fn write_config(dir: &Path, url: &str, extra: &str) -> std::path::PathBuf {
    std::fs::write(dir.join("hook.secret"), "s3cret-hmac-key\n").unwrap();
    let text = format!(
        r#"[store]
path = "leakproof.db"

[api]
listen = "127.0.0.1:0"

[delivery]
initial_backoff = "100ms"
max_backoff = "400ms"
timeout = "2s"

[[alert]]
kind = "webhook"
name = "hook"
url = "{url}"
min_severity = "high"
secret_file = "hook.secret"
on_resolved = true
{extra}"#
    );
    let path = dir.join("leakproof.toml");
    std::fs::write(&path, text).unwrap();
    path
}

pub const SECRET: &str = "s3cret-hmac-key";

/// Checks `body` against the published alert schema (schema/alert.v1.schema.json).
pub fn assert_alert_schema(body: &serde_json::Value) {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schema/alert.v1.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(body).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?} in {body:#}");
}
