use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;

use leakproof_core::Severity;
use leakproof_probe::{RULE_OPEN, RULE_PII};

use crate::support;

#[tokio::test]
async fn open_memcached_reveals_items_and_pii() {
    let server = support::memcached();
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    for (key, value) in [
        ("session:1", "{\"email\":\"jane.roe@example.org\"}"),
        ("session:2", "{\"email\":\"john @ contoso.com\"}"),
    ] {
        stream
            .write_all(format!("set {key} 0 0 {}\r\n{value}\r\n", value.len()).as_bytes())
            .unwrap();
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert_eq!(line, "STORED\r\n");
    }
    let report = support::probe(&[server.address()], &support::options(10)).await;
    let open = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_OPEN)
        .unwrap();
    assert_eq!(open.properties["service"], "memcached");
    assert_eq!(open.properties["curr_items"], 2);
    assert_eq!(open.severity, Severity::High);
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
