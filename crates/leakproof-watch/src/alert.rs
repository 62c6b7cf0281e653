//! Alerts: the change events a run produces, the versioned alert payload,
//! and the sinks that deliver it (webhook, Slack, Teams, email, stdout).

use std::io::Write;
use std::time::{Duration, SystemTime};

use hmac::{Hmac, Mac};
use leakproof_core::{Finding, Severity};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::WatchError;
use crate::config::{AlertSink, Config, SinkKind, SmtpTls, check_url, read_secret};

/// The `schema` field of every alert payload.
pub const ALERT_SCHEMA: &str = "leakproof.alert.v1";

/// The header carrying `sha256=<hex HMAC-SHA256 of the body>`.
pub const SIGNATURE_HEADER: &str = "X-Leakproof-Signature";

/// The header carrying the idempotency key (the payload's `delivery_id`).
pub const DELIVERY_HEADER: &str = "X-Leakproof-Delivery";

/// What changed about a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Seen for the first time, or again after it was resolved.
    New,
    /// Its severity went up.
    SeverityRaised,
    /// No longer reported.
    Resolved,
}

impl ChangeKind {
    /// The snake_case name used in payloads and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::New => "new",
            ChangeKind::SeverityRaised => "severity_raised",
            ChangeKind::Resolved => "resolved",
        }
    }
}

/// One change to one finding.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangeEvent {
    /// What changed.
    pub change: ChangeKind,
    /// The severity after the change.
    pub severity: Severity,
    /// The severity before, for `severity_raised`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_severity: Option<Severity>,
    /// The finding (masked evidence only).
    pub finding: Finding,
}

/// The run an alert comes from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunInfo {
    /// Run id in the store.
    pub id: i64,
    /// `audit` or `probe`.
    pub kind: String,
    /// What was checked.
    pub source: String,
}

/// The JSON body of an alert (schema `leakproof.alert.v1`, see docs/watch.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AlertPayload {
    /// Always [`ALERT_SCHEMA`].
    pub schema: String,
    /// Idempotency key: the same on every retry of this alert.
    pub delivery_id: String,
    /// When the alert was created (RFC 3339).
    pub created_at: String,
    /// `change` (one event), `digest` (several events of one run) or `test`.
    pub kind: String,
    /// One line for humans.
    pub summary: String,
    /// The run that caused it (absent for test alerts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunInfo>,
    /// The changes.
    pub events: Vec<ChangeEvent>,
}

/// Which events a sink wants.
#[derive(Debug, Clone)]
pub struct AlertRoute {
    /// Sink name.
    pub sink: String,
    /// Only events at or above this severity.
    pub min_severity: Severity,
    /// Whether resolved events are sent.
    pub on_resolved: bool,
}

impl AlertRoute {
    /// The routes of every sink in `config`.
    pub fn all(config: &Config) -> Vec<AlertRoute> {
        config
            .alert
            .iter()
            .enumerate()
            .map(|(i, sink)| AlertRoute {
                sink: config.sink_name(i),
                min_severity: sink.min_severity,
                on_resolved: sink.on_resolved,
            })
            .collect()
    }

    fn wants(&self, event: &ChangeEvent) -> bool {
        event.severity >= self.min_severity
            && (event.change != ChangeKind::Resolved || self.on_resolved)
    }
}

fn new_delivery_id() -> String {
    format!("{:032x}", fastrand::u128(..))
}

fn event_line(e: &ChangeEvent) -> String {
    let what = match e.change {
        ChangeKind::New => format!("new {}", e.severity),
        ChangeKind::SeverityRaised => format!(
            "{} -> {}",
            e.previous_severity.map_or("?", Severity::as_str),
            e.severity
        ),
        ChangeKind::Resolved => format!("resolved {}", e.severity),
    };
    format!(
        "[{what}] {} {}: {}",
        e.finding.rule_id, e.finding.title, e.finding.location
    )
}

/// The alerts `route` gets for a run's `events`: one per event, or one
/// digest when there are more than `digest_threshold`.
pub fn payloads_for(
    run: &RunInfo,
    events: &[ChangeEvent],
    route: &AlertRoute,
    digest_threshold: usize,
) -> Vec<AlertPayload> {
    let wanted: Vec<&ChangeEvent> = events.iter().filter(|e| route.wants(e)).collect();
    let created_at = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
    let make = |kind: &str, summary: String, events: Vec<ChangeEvent>| AlertPayload {
        schema: ALERT_SCHEMA.to_string(),
        delivery_id: new_delivery_id(),
        created_at: created_at.clone(),
        kind: kind.to_string(),
        summary,
        run: Some(run.clone()),
        events,
    };
    if wanted.len() > digest_threshold {
        let count = |k: ChangeKind| wanted.iter().filter(|e| e.change == k).count();
        let summary = format!(
            "leakproof {} {}: {} new, {} severity raised, {} resolved",
            run.kind,
            run.source,
            count(ChangeKind::New),
            count(ChangeKind::SeverityRaised),
            count(ChangeKind::Resolved)
        );
        vec![make(
            "digest",
            summary,
            wanted.into_iter().cloned().collect(),
        )]
    } else {
        wanted
            .into_iter()
            .map(|e| make("change", event_line(e), vec![e.clone()]))
            .collect()
    }
}

/// A test alert, sent by `leakproof alert test`.
pub fn test_payload() -> AlertPayload {
    AlertPayload {
        schema: ALERT_SCHEMA.to_string(),
        delivery_id: new_delivery_id(),
        created_at: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
        kind: "test".to_string(),
        summary: "leakproof test alert: this sink is configured correctly".to_string(),
        run: None,
        events: Vec::new(),
    }
}

/// `sha256=<hex>` HMAC-SHA256 of `body` with `secret`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Why one delivery attempt failed.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The HTTP request failed or the endpoint answered with an error.
    #[error("http: {0}")]
    Http(String),
    /// The SMTP exchange failed.
    #[error("smtp: {0}")]
    Smtp(String),
    /// Writing to stdout failed.
    #[error("stdout: {0}")]
    Stdout(#[from] std::io::Error),
}

/// A configured sink, with its secrets read, ready to send. Its `Debug`
/// shows the name and kind only: the URL, HMAC key and SMTP password are
/// credentials.
pub struct Sink {
    /// Its name.
    pub name: String,
    kind: SinkKind,
    url: Option<String>,
    secret: Option<String>,
    email: Option<EmailSettings>,
    http: reqwest::Client,
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sink")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

struct EmailSettings {
    host: String,
    port: u16,
    tls: SmtpTls,
    from: String,
    to: Vec<String>,
    credentials: Option<(String, String)>,
}

impl Sink {
    /// Builds the sinks of `config`, reading their secrets.
    pub fn all(config: &Config) -> Result<Vec<Sink>, WatchError> {
        let http = reqwest::Client::builder()
            .timeout(config.delivery.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| WatchError::Config(format!("http client: {err}")))?;
        config
            .alert
            .iter()
            .enumerate()
            .map(|(i, sink)| Sink::new(config.sink_name(i), sink, http.clone()))
            .collect()
    }

    fn new(name: String, sink: &AlertSink, http: reqwest::Client) -> Result<Sink, WatchError> {
        let secret = read_secret(sink.secret_env.as_deref(), sink.secret_file.as_deref())?;
        let email = if sink.kind == SinkKind::Email {
            let password = read_secret(sink.password_env.as_deref(), None)?;
            let credentials = match (&sink.username, password) {
                (Some(user), Some(pass)) => Some((user.clone(), pass)),
                (None, None) => None,
                _ => {
                    return Err(WatchError::Config(format!(
                        "[[alert]] {name}: username and password_env go together"
                    )));
                }
            };
            Some(EmailSettings {
                host: sink.host.clone().unwrap_or_default(),
                port: sink.port.unwrap_or(match sink.tls {
                    SmtpTls::Tls => 465,
                    SmtpTls::Starttls | SmtpTls::None => 587,
                }),
                tls: sink.tls,
                from: sink.from.clone().unwrap_or_default(),
                to: sink.to.clone(),
                credentials,
            })
        } else {
            None
        };
        let url = match &sink.url_env {
            Some(var) => {
                let url = read_secret(Some(var), None)?;
                if let Some(url) = &url {
                    check_url(url).map_err(|err| {
                        WatchError::Config(format!("[[alert]] {name}: {var}: {err}"))
                    })?;
                }
                url
            }
            None => sink.url.clone(),
        };
        Ok(Sink {
            name,
            kind: sink.kind,
            url,
            secret,
            email,
            http,
        })
    }

    /// Sends one alert.
    pub async fn send(&self, payload: &AlertPayload) -> Result<(), DeliveryError> {
        match self.kind {
            SinkKind::Webhook => {
                let body = serde_json::to_vec(payload)
                    .map_err(|err| DeliveryError::Http(err.to_string()))?;
                self.post(body, &payload.delivery_id).await
            }
            SinkKind::Slack => self.post(slack_body(payload), &payload.delivery_id).await,
            SinkKind::Teams => self.post(teams_body(payload), &payload.delivery_id).await,
            SinkKind::Email => self.send_email(payload).await,
            SinkKind::Stdout => {
                let mut line =
                    serde_json::to_vec(payload).map_err(|err| DeliveryError::Stdout(err.into()))?;
                line.push(b'\n');
                let mut out = std::io::stdout().lock();
                out.write_all(&line)?;
                out.flush()?;
                Ok(())
            }
        }
    }

    async fn post(&self, body: Vec<u8>, delivery_id: &str) -> Result<(), DeliveryError> {
        let url = self
            .url
            .as_deref()
            .ok_or_else(|| DeliveryError::Http("no url".into()))?;
        let mut request = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(DELIVERY_HEADER, delivery_id);
        if let Some(secret) = &self.secret {
            request = request.header(SIGNATURE_HEADER, sign(secret.as_bytes(), &body));
        }
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|err| DeliveryError::Http(err.without_url().to_string()))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(DeliveryError::Http(format!("endpoint answered {status}")))
        }
    }

    async fn send_email(&self, payload: &AlertPayload) -> Result<(), DeliveryError> {
        use lettre::message::header::ContentType;
        use lettre::transport::smtp::authentication::Credentials;
        use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

        let settings = self
            .email
            .as_ref()
            .ok_or_else(|| DeliveryError::Smtp("no email settings".into()))?;
        let smtp_err = |err: &dyn std::fmt::Display| DeliveryError::Smtp(err.to_string());
        let mut builder = Message::builder()
            .from(settings.from.parse().map_err(|e| smtp_err(&e))?)
            .subject(format!("[leakproof] {}", payload.summary))
            .header(ContentType::TEXT_PLAIN);
        for to in &settings.to {
            builder = builder.to(to.parse().map_err(|e| smtp_err(&e))?);
        }
        let message = builder.body(text_body(payload)).map_err(|e| smtp_err(&e))?;
        let mut transport = match settings.tls {
            SmtpTls::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)
                    .map_err(|e| smtp_err(&e))?
            }
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)
                .map_err(|e| smtp_err(&e))?,
            SmtpTls::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            }
        }
        .port(settings.port)
        .timeout(Some(Duration::from_secs(15)));
        if let Some((user, pass)) = &settings.credentials {
            transport = transport.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        transport
            .build()
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| smtp_err(&e))
    }
}

fn location_and_evidence(f: &Finding) -> String {
    let mut text = format!("{}", f.location);
    if let Some(evidence) = &f.evidence {
        text.push_str(&format!(" — evidence: {evidence}"));
    }
    text
}

/// A plain-text rendering (email body).
fn text_body(payload: &AlertPayload) -> String {
    let mut out = format!("{}\n\n", payload.summary);
    for e in &payload.events {
        out.push_str(&event_line(e));
        out.push('\n');
        if let Some(evidence) = &e.finding.evidence {
            out.push_str(&format!("  evidence: {evidence}\n"));
        }
        if !e.finding.remediation.is_empty() && e.change != ChangeKind::Resolved {
            out.push_str(&format!("  fix: {}\n", e.finding.remediation));
        }
        out.push_str(&format!("  fingerprint: {}\n", e.finding.fingerprint));
    }
    out.push_str(&format!("\ndelivery {}\n", payload.delivery_id));
    out
}

/// Slack incoming-webhook body: `text` fallback plus blocks.
fn slack_body(payload: &AlertPayload) -> Vec<u8> {
    let mut blocks = vec![serde_json::json!({
        "type": "header",
        "text": {"type": "plain_text", "text": truncate(&payload.summary, 150)},
    })];
    for e in payload.events.iter().take(40) {
        let mut text = format!(
            "*{}* `{}` {}\n{}",
            e.change.as_str().replace('_', " "),
            e.severity,
            e.finding.title,
            location_and_evidence(&e.finding)
        );
        if !e.finding.remediation.is_empty() && e.change != ChangeKind::Resolved {
            text.push_str(&format!("\n_Fix:_ {}", e.finding.remediation));
        }
        blocks.push(serde_json::json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": truncate(&text, 2900)},
        }));
    }
    serde_json::to_vec(&serde_json::json!({"text": payload.summary, "blocks": blocks}))
        .unwrap_or_default()
}

/// Microsoft Teams incoming-webhook body: a message with one Adaptive Card
/// (the format Teams workflow webhooks accept).
fn teams_body(payload: &AlertPayload) -> Vec<u8> {
    let color = match payload.events.iter().map(|e| e.severity).max() {
        Some(Severity::Critical | Severity::High) => "Attention",
        Some(Severity::Medium) => "Warning",
        _ => "Default",
    };
    let mut body = vec![serde_json::json!({
        "type": "TextBlock",
        "text": payload.summary,
        "weight": "Bolder",
        "size": "Medium",
        "color": color,
        "wrap": true,
    })];
    for e in payload.events.iter().take(40) {
        body.push(serde_json::json!({
            "type": "TextBlock",
            "text": format!("{}: {}", e.change.as_str().replace('_', " "), e.finding.title),
            "weight": "Bolder",
            "separator": true,
            "wrap": true,
        }));
        body.push(serde_json::json!({
            "type": "FactSet",
            "facts": [
                {"title": "Severity", "value": e.severity.as_str()},
                {"title": "Rule", "value": e.finding.rule_id},
                {"title": "Location", "value": e.finding.location.to_string()},
                {"title": "Evidence", "value": e.finding.evidence.clone().unwrap_or_default()},
                {"title": "Remediation", "value": e.finding.remediation},
            ],
        }));
    }
    serde_json::to_vec(&serde_json::json!({
        "type": "message",
        "summary": payload.summary,
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": body,
            },
        }],
    }))
    .unwrap_or_default()
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leakproof_core::{Category, Location};

    fn event(change: ChangeKind, severity: Severity, n: usize) -> ChangeEvent {
        ChangeEvent {
            change,
            severity,
            previous_severity: None,
            finding: Finding::new(
                "LP-T-001",
                format!("thing {n}"),
                severity,
                Category::Config,
                Location::file(format!("f{n}.yml")),
            ),
        }
    }

    fn run() -> RunInfo {
        RunInfo {
            id: 1,
            kind: "audit".into(),
            source: "audit:x".into(),
        }
    }

    #[test]
    fn filters_by_severity_and_resolved() {
        let route = AlertRoute {
            sink: "s".into(),
            min_severity: Severity::High,
            on_resolved: false,
        };
        let events = vec![
            event(ChangeKind::New, Severity::High, 1),
            event(ChangeKind::New, Severity::Low, 2),
            event(ChangeKind::Resolved, Severity::Critical, 3),
        ];
        let out = payloads_for(&run(), &events, &route, 10);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].events[0].finding.title, "thing 1");
        let with_resolved = AlertRoute {
            on_resolved: true,
            ..route
        };
        assert_eq!(payloads_for(&run(), &events, &with_resolved, 10).len(), 2);
    }

    #[test]
    fn floods_become_one_digest() {
        let route = AlertRoute {
            sink: "s".into(),
            min_severity: Severity::Info,
            on_resolved: true,
        };
        let events: Vec<_> = (0..25)
            .map(|n| event(ChangeKind::New, Severity::Medium, n))
            .collect();
        let out = payloads_for(&run(), &events, &route, 10);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].kind, "digest");
        assert_eq!(out[0].events.len(), 25);
        assert!(out[0].summary.contains("25 new"), "{}", out[0].summary);
        assert_eq!(payloads_for(&run(), &events[..10], &route, 10).len(), 10);
    }

    #[test]
    fn signature_is_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn slack_and_teams_bodies_carry_the_finding() {
        let payload = payloads_for(
            &run(),
            &[event(ChangeKind::New, Severity::High, 7)],
            &AlertRoute {
                sink: "s".into(),
                min_severity: Severity::Info,
                on_resolved: false,
            },
            10,
        )
        .remove(0);
        let slack: serde_json::Value = serde_json::from_slice(&slack_body(&payload)).unwrap();
        assert!(slack["text"].as_str().unwrap().contains("thing 7"));
        assert_eq!(slack["blocks"][0]["type"], "header");
        let teams: serde_json::Value = serde_json::from_slice(&teams_body(&payload)).unwrap();
        let card = &teams["attachments"][0]["content"];
        assert_eq!(card["type"], "AdaptiveCard");
        assert_eq!(card["body"][2]["facts"][0]["value"], "high");
    }
}
