use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;

use leakproof_core::Severity;
use leakproof_probe::{Credential, RULE_LOCKED, RULE_OPEN, RULE_PII};

use crate::support;

fn redis_cmd(port: u16, password: Option<&str>, args: &[&str]) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut all: Vec<Vec<&str>> = Vec::new();
    if let Some(p) = password {
        all.push(vec!["AUTH", p]);
    }
    all.push(args.to_vec());
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    for command in all {
        let mut out = format!("*{}\r\n", command.len());
        for a in command {
            out.push_str(&format!("${}\r\n{a}\r\n", a.len()));
        }
        stream.write_all(out.as_bytes()).unwrap();
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(!line.starts_with('-'), "{line}");
    }
}

fn seed(port: u16, password: Option<&str>) {
    redis_cmd(
        port,
        password,
        &["SET", "case:1", "from jane.roe@example.org"],
    );
    redis_cmd(
        port,
        password,
        &[
            "HSET",
            "customer:2",
            "email",
            "john @ contoso.com",
            "city",
            "Lyon",
        ],
    );
    redis_cmd(
        port,
        password,
        &["RPUSH", "notes", "call back", "mail amy@example.net"],
    );
    redis_cmd(port, password, &["SADD", "tags", "vip", "bob@example.com"]);
    redis_cmd(
        port,
        password,
        &["ZADD", "scores", "1", "carol@example.com"],
    );
}

#[tokio::test]
async fn open_redis_reveals_keyspaces_and_pii() {
    let server = support::redis(None);
    seed(server.port, None);
    let report = support::probe(&[server.address()], &support::options(10)).await;
    let open = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_OPEN)
        .unwrap();
    assert_eq!(open.severity, Severity::High);
    assert_eq!(open.properties["service"], "Redis");
    assert_eq!(open.properties["resources"][0]["name"], "db0");
    assert_eq!(open.properties["resources"][0]["keys"], 5);
    let pii = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_PII)
        .expect("a PII finding (needs the real detector from leakproof-detect)");
    assert_eq!(pii.severity, Severity::Critical);
    assert!(
        pii.message.contains("in 5 sampled documents"),
        "{}",
        pii.message
    );
    assert!(pii.properties["entity_counts"]["EMAIL"].as_u64().unwrap() >= 5);
}

#[tokio::test]
async fn requirepass_is_locked_and_auth_confirms_it() {
    let server = support::redis(Some("redis-secret"));
    seed(server.port, Some("redis-secret"));
    let spec = format!("redis://{}", server.address());
    let report = support::probe(std::slice::from_ref(&spec), &support::options(10)).await;
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].rule_id, RULE_LOCKED);
    assert!(report.findings[0].message.contains("NOAUTH"));

    let mut options = support::options(10);
    options.credentials.insert(
        server.address(),
        Credential::new(None, "redis-secret".into()),
    );
    let report = support::probe(&[spec], &options).await;
    let locked = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_LOCKED)
        .unwrap();
    assert_eq!(locked.properties["credentials_accepted"], true);
    assert_eq!(
        locked.properties["version"].as_str().map(|v| !v.is_empty()),
        Some(true)
    );
    if let Some(pii) = report.findings.iter().find(|f| f.rule_id == RULE_PII) {
        // Sampled with permission: worth fixing, not an exposure.
        assert_eq!(pii.severity, Severity::Medium);
    }
}

/// What redis-server in protected mode (no password, default bind) answers
/// a client from a non-loopback address; played on loopback because the
/// real server never refuses loopback.
const PROTECTED_MODE_REPLY: &[u8] = b"-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface.\r\n";

#[tokio::test]
async fn protected_mode_is_recognised_as_locked() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut request = [0u8; 64];
            let _ = stream.read(&mut request).await;
            let _ = stream.write_all(PROTECTED_MODE_REPLY).await;
        }
    });
    let report = support::probe(&[address], &support::options(0)).await;
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    assert_eq!(report.findings[0].rule_id, RULE_LOCKED);
    assert!(report.findings[0].message.contains("protected mode"));
}
