//! Slack, Teams and email sinks against real receivers on loopback (the
//! webhook sink is covered by the delivery tests).

mod common;

use std::sync::{Arc, Mutex};

use common::{Receiver, SECRET};
use leakproof_core::Severity;
use leakproof_core::mask::mask_email;
use leakproof_watch::Config;
use leakproof_watch::alert::{AlertRoute, ChangeEvent, ChangeKind, RunInfo, Sink, payloads_for};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const RAW_EMAIL: &str = "agent.smith@helpdesk-example.com";

fn alert() -> leakproof_watch::alert::AlertPayload {
    let finding = common::finding("LP-ES-001", "es/elasticsearch.yml", Severity::Critical)
        .with_evidence(format!("contact: {}", mask_email(RAW_EMAIL)));
    let events = [ChangeEvent {
        change: ChangeKind::New,
        severity: Severity::Critical,
        previous_severity: None,
        finding,
    }];
    let run = RunInfo {
        id: 7,
        kind: "audit".into(),
        source: "audit:es".into(),
    };
    let route = AlertRoute {
        sink: "any".into(),
        min_severity: Severity::Info,
        on_resolved: false,
    };
    payloads_for(&run, &events, &route, 10).remove(0)
}

#[tokio::test]
async fn slack_and_teams_get_their_own_formats() {
    let receiver = Receiver::start(SECRET).await;
    let text = format!(
        "[[alert]]\nkind = \"slack\"\nurl = \"{url}\"\n\n[[alert]]\nkind = \"teams\"\nurl = \"{url}\"\n",
        url = receiver.url()
    );
    let config = Config::parse(&text, std::path::Path::new(".")).unwrap();
    let sinks = Sink::all(&config).unwrap();
    let payload = alert();
    for sink in &sinks {
        sink.send(&payload).await.unwrap();
    }
    let got = receiver.accepted();
    assert_eq!(got.len(), 2);
    let slack = &got[0].body;
    assert!(
        slack["text"].as_str().unwrap().contains("LP-ES-001"),
        "{slack:#}"
    );
    assert_eq!(slack["blocks"][0]["type"], "header");
    let section = slack["blocks"][1]["text"]["text"].as_str().unwrap();
    assert!(
        section.contains("critical") && section.contains(&mask_email(RAW_EMAIL)),
        "{section}"
    );
    let teams = &got[1].body;
    assert_eq!(teams["type"], "message");
    let card = &teams["attachments"][0];
    assert_eq!(
        card["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    assert_eq!(card["content"]["type"], "AdaptiveCard");
    assert_eq!(card["content"]["body"][0]["color"], "Attention");
    assert_eq!(card["content"]["body"][2]["facts"][1]["value"], "LP-ES-001");
    for r in &got {
        assert!(!r.body.to_string().contains(RAW_EMAIL));
        assert_eq!(r.delivery_id, payload.delivery_id);
    }
}

/// A minimal SMTP receiver: answers a plain (no TLS) session and keeps the
/// DATA of each message.
async fn smtp_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let messages = Arc::new(Mutex::new(Vec::new()));
    let store = messages.clone();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write
                    .write_all(b"220 localhost test SMTP\r\n")
                    .await
                    .unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let verb = line
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_uppercase();
                    match verb.as_str() {
                        "EHLO" | "HELO" => write
                            .write_all(b"250-localhost\r\n250 8BITMIME\r\n")
                            .await
                            .unwrap(),
                        "DATA" => {
                            write.write_all(b"354 go ahead\r\n").await.unwrap();
                            let mut data = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                data.push_str(&l);
                                data.push('\n');
                            }
                            store.lock().unwrap().push(data);
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            return;
                        }
                        _ => write.write_all(b"250 ok\r\n").await.unwrap(),
                    }
                }
            });
        }
    });
    (port, messages)
}

#[tokio::test]
async fn email_goes_through_a_real_smtp_session() {
    let (port, messages) = smtp_server().await;
    let text = format!(
        "[[alert]]\nkind = \"email\"\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nfrom = \"leakproof@example.org\"\nto = [\"secops@example.org\", \"oncall@example.org\"]\n"
    );
    let config = Config::parse(&text, std::path::Path::new(".")).unwrap();
    let sinks = Sink::all(&config).unwrap();
    sinks[0].send(&alert()).await.unwrap();
    let messages = messages.lock().unwrap().clone();
    assert_eq!(messages.len(), 1);
    let mail = &messages[0];
    assert!(
        mail.contains("Subject: [leakproof] [new critical] LP-ES-001"),
        "{mail}"
    );
    assert!(
        mail.contains("To: secops@example.org, oncall@example.org"),
        "{mail}"
    );
    assert!(mail.contains(&mask_email(RAW_EMAIL)), "{mail}");
    assert!(!mail.contains(RAW_EMAIL), "{mail}");
}

#[tokio::test]
async fn an_unreachable_smtp_server_is_a_delivery_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let text = format!(
        "[[alert]]\nkind = \"email\"\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nfrom = \"a@example.org\"\nto = [\"b@example.org\"]\n"
    );
    let config = Config::parse(&text, std::path::Path::new(".")).unwrap();
    let err = Sink::all(&config).unwrap()[0]
        .send(&alert())
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("smtp:"), "{err}");
}
