use leakproof_core::Severity;
use leakproof_probe::{RULE_LOCKED, RULE_OPEN, RULE_PII};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::support;

#[tokio::test]
async fn open_mongo_wire_server_lists_and_samples() {
    let server = support::mongo();
    support::pymongo(
        &server,
        "c.support.cases.insert_many([{'email': 'jane.roe@example.org'}, {'email': 'john @ contoso.com', 'ip': '203.0.113.9'}])",
    );
    // A bare host:port: identified by its answer to `hello`.
    let report = support::probe(&[server.address()], &support::options(10)).await;
    let open = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_OPEN)
        .unwrap_or_else(|| panic!("{:#?}", report.findings));
    assert_eq!(open.properties["service"], "MongoDB");
    assert_eq!(open.severity, Severity::High);
    assert_eq!(open.properties["resources"][0]["name"], "support.cases");
    let pii = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_PII)
        .expect("a PII finding (needs the real detector from leakproof-detect)");
    assert!(
        pii.message.contains("in 2 sampled documents"),
        "{}",
        pii.message
    );
}

/// Encodes a BSON document of (key, value) with the value types a mongod
/// reply uses here: double (0x01), string (0x02), int32 (0x10), bool (0x08).
fn bson(fields: &[(&str, Value)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (key, value) in fields {
        let (kind, bytes): (u8, Vec<u8>) = match value {
            Value::Double(d) => (0x01, d.to_le_bytes().to_vec()),
            Value::Int(i) => (0x10, i.to_le_bytes().to_vec()),
            Value::Bool(b) => (0x08, vec![u8::from(*b)]),
            Value::Str(s) => {
                let mut b = ((s.len() + 1) as i32).to_le_bytes().to_vec();
                b.extend_from_slice(s.as_bytes());
                b.push(0);
                (0x02, b)
            }
        };
        body.push(kind);
        body.extend_from_slice(key.as_bytes());
        body.push(0);
        body.extend_from_slice(&bytes);
    }
    let mut doc = ((body.len() + 5) as i32).to_le_bytes().to_vec();
    doc.extend(body);
    doc.push(0);
    doc
}

enum Value {
    Double(f64),
    Int(i32),
    Bool(bool),
    Str(&'static str),
}

/// Plays what a mongod with `security.authorization: enabled` answers a
/// client that has not authenticated (per the OP_MSG wire protocol docs):
/// `hello` and `buildInfo` succeed, everything else is code 13 Unauthorized.
async fn locked_mongod(listener: TcpListener) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            loop {
                let mut header = [0u8; 16];
                if stream.read_exact(&mut header).await.is_err() {
                    return;
                }
                let len = i32::from_le_bytes(header[..4].try_into().unwrap()) as usize;
                let request_id = i32::from_le_bytes(header[4..8].try_into().unwrap());
                let mut rest = vec![0u8; len - 16];
                stream.read_exact(&mut rest).await.unwrap();
                // flagBits (4), section kind (1), document length (4), type byte, key.
                let key_start = 4 + 1 + 4 + 1;
                let key_end = key_start + rest[key_start..].iter().position(|b| *b == 0).unwrap();
                let command = std::str::from_utf8(&rest[key_start..key_end])
                    .unwrap()
                    .to_string();
                let reply = match command.as_str() {
                    "hello" | "isMaster" | "ismaster" => bson(&[
                        ("isWritablePrimary", Value::Bool(true)),
                        ("maxBsonObjectSize", Value::Int(16_777_216)),
                        ("maxWireVersion", Value::Int(21)),
                        ("minWireVersion", Value::Int(0)),
                        ("readOnly", Value::Bool(false)),
                        ("ok", Value::Double(1.0)),
                    ]),
                    "buildInfo" | "buildinfo" => {
                        bson(&[("version", Value::Str("7.0.5")), ("ok", Value::Double(1.0))])
                    }
                    _ => bson(&[
                        ("ok", Value::Double(0.0)),
                        (
                            "errmsg",
                            Value::Str("Command listDatabases requires authentication"),
                        ),
                        ("code", Value::Int(13)),
                        ("codeName", Value::Str("Unauthorized")),
                    ]),
                };
                let total = 16 + 4 + 1 + reply.len();
                let mut out = (total as i32).to_le_bytes().to_vec();
                out.extend_from_slice(&(request_id + 1000).to_le_bytes());
                out.extend_from_slice(&request_id.to_le_bytes());
                out.extend_from_slice(&2013i32.to_le_bytes());
                out.extend_from_slice(&0u32.to_le_bytes());
                out.push(0);
                out.extend(reply);
                if stream.write_all(&out).await.is_err() {
                    return;
                }
            }
        });
    }
}

#[tokio::test]
async fn unauthorized_reply_is_locked() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(locked_mongod(listener));
    let report = support::probe(&[format!("mongodb://{address}")], &support::options(10)).await;
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    let locked = &report.findings[0];
    assert_eq!(locked.rule_id, RULE_LOCKED);
    assert_eq!(locked.severity, Severity::Info);
    assert_eq!(locked.properties["version"], "7.0.5");
    assert!(
        locked.message.contains("requires authentication"),
        "{}",
        locked.message
    );
}
