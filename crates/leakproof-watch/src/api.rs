//! The read-only HTTP API, Prometheus metrics and the dashboard page.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use leakproof_core::Severity;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::store::{FindingQuery, Store};

const DASHBOARD: &str = include_str!("dashboard.html");

#[derive(Clone)]
struct AppState {
    store: Arc<Store>,
    /// SHA-256 of the bearer token, so comparisons take the same time
    /// whatever the length of the presented token.
    token_digest: Option<[u8; 32]>,
}

/// The API router over `store`. With a `token`, every route but `/healthz`
/// needs `Authorization: Bearer <token>`.
pub(crate) fn router(store: Arc<Store>, token: Option<String>) -> Router {
    let state = AppState {
        store,
        token_digest: token.map(|t| Sha256::digest(t.as_bytes()).into()),
    };
    let protected = Router::new()
        .route("/api/v1/findings", get(findings))
        .route("/api/v1/findings/{fingerprint}", get(finding))
        .route("/api/v1/runs", get(runs))
        .route("/api/v1/events", get(events))
        .route("/metrics", get(metrics))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token));
    Router::new()
        .route("/", get(dashboard))
        .route("/healthz", get(|| async { "ok\n" }))
        .merge(protected)
        .layer(middleware::map_response(hardening_headers))
        .with_state(state)
}

/// Findings are sensitive even masked: nothing is cached or sniffed.
async fn hardening_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

async fn require_token(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(expected) = state.token_digest else {
        return next.run(request).await;
    };
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let ok = presented.is_some_and(|token| {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        bool::from(digest.ct_eq(&expected))
    });
    if ok {
        next.run(request).await
    } else {
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            Json(serde_json::json!({"error": "missing or wrong bearer token"})),
        )
            .into_response()
    }
}

/// The dashboard is public (it holds no data); it asks for the token when
/// the API answers 401.
async fn dashboard() -> impl IntoResponse {
    (
        [(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'",
        )],
        Html(DASHBOARD),
    )
}

fn internal(err: crate::WatchError) -> Response {
    tracing::error!(%err, "API query failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(serde_json::json!({"error": "store query failed"})),
    )
        .into_response()
}

fn bad_request(message: String) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({ "error": message })),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FindingsParams {
    min_severity: Option<String>,
    status: Option<String>,
    rule: Option<String>,
    category: Option<String>,
    source: Option<String>,
}

async fn findings(State(state): State<AppState>, Query(params): Query<FindingsParams>) -> Response {
    let min_severity = match params.min_severity.as_deref().map(str::parse::<Severity>) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(err)) => return bad_request(err.to_string()),
    };
    let status = match params.status.as_deref() {
        None | Some("all") => None,
        Some(s @ ("open" | "resolved")) => Some(s.to_string()),
        Some(other) => {
            return bad_request(format!(
                "unknown status {other:?}: expected open, resolved or all"
            ));
        }
    };
    let query = FindingQuery {
        min_severity,
        status,
        rule: params.rule,
        category: params.category,
        source: params.source,
    };
    match state.store.findings(&query) {
        Ok(found) => Json(found).into_response(),
        Err(err) => internal(err),
    }
}

async fn finding(State(state): State<AppState>, Path(fingerprint): Path<String>) -> Response {
    match state.store.finding(&fingerprint) {
        Ok(Some(found)) => Json(found).into_response(),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({"error": "no such finding"})),
        )
            .into_response(),
        Err(err) => internal(err),
    }
}

#[derive(Debug, Deserialize)]
struct LimitParams {
    limit: Option<usize>,
}

async fn runs(State(state): State<AppState>, Query(params): Query<LimitParams>) -> Response {
    match state.store.runs(params.limit.unwrap_or(100).min(1000)) {
        Ok(runs) => Json(runs).into_response(),
        Err(err) => internal(err),
    }
}

async fn events(State(state): State<AppState>, Query(params): Query<LimitParams>) -> Response {
    match state.store.events(params.limit.unwrap_or(50).min(1000)) {
        Ok(events) => Json(events).into_response(),
        Err(err) => internal(err),
    }
}

fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

async fn metrics(State(state): State<AppState>) -> Response {
    let stats = match state.store.stats() {
        Ok(stats) => stats,
        Err(err) => return internal(err),
    };
    let mut out = String::new();
    out.push_str("# HELP leakproof_findings Findings in the store by severity and status.\n# TYPE leakproof_findings gauge\n");
    for severity in Severity::ALL {
        for status in ["open", "resolved"] {
            let n = stats
                .findings
                .get(&(severity.as_str().to_string(), status.to_string()))
                .copied()
                .unwrap_or(0);
            let _ = writeln!(
                out,
                "leakproof_findings{{severity=\"{severity}\",status=\"{status}\"}} {n}"
            );
        }
    }
    out.push_str("# HELP leakproof_run_duration_seconds Duration of the last run of each source.\n# TYPE leakproof_run_duration_seconds gauge\n");
    for (kind, source, seconds, _) in &stats.last_runs {
        let _ = writeln!(
            out,
            "leakproof_run_duration_seconds{{kind=\"{kind}\",source=\"{}\"}} {seconds}",
            label(source)
        );
    }
    out.push_str("# HELP leakproof_last_run_failed Whether the last run of each source failed.\n# TYPE leakproof_last_run_failed gauge\n");
    for (kind, source, _, failed) in &stats.last_runs {
        let _ = writeln!(
            out,
            "leakproof_last_run_failed{{kind=\"{kind}\",source=\"{}\"}} {}",
            label(source),
            u8::from(*failed)
        );
    }
    out.push_str("# HELP leakproof_runs_total Runs recorded, by kind and result.\n# TYPE leakproof_runs_total counter\n");
    for ((kind, result), n) in &stats.runs_total {
        let _ = writeln!(
            out,
            "leakproof_runs_total{{kind=\"{kind}\",result=\"{result}\"}} {n}"
        );
    }
    out.push_str("# HELP leakproof_alert_deliveries_total Alerts delivered, by sink.\n# TYPE leakproof_alert_deliveries_total counter\n");
    for (sink, (delivered, _, _)) in &stats.sinks {
        let _ = writeln!(
            out,
            "leakproof_alert_deliveries_total{{sink=\"{}\"}} {delivered}",
            label(sink)
        );
    }
    out.push_str("# HELP leakproof_alert_delivery_failures_total Failed delivery attempts, by sink.\n# TYPE leakproof_alert_delivery_failures_total counter\n");
    for (sink, (_, failures, _)) in &stats.sinks {
        let _ = writeln!(
            out,
            "leakproof_alert_delivery_failures_total{{sink=\"{}\"}} {failures}",
            label(sink)
        );
    }
    let depth: i64 = stats.sinks.values().map(|(_, _, pending)| pending).sum();
    out.push_str("# HELP leakproof_outbox_depth Alerts waiting to be delivered.\n# TYPE leakproof_outbox_depth gauge\n");
    let _ = writeln!(out, "leakproof_outbox_depth {depth}");
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response()
}
