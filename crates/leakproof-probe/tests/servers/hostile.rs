//! A hostile server on loopback: floods, trickles and garbage must end the
//! probe within its time and byte bounds, without a panic.

use std::time::{Duration, Instant};

use leakproof_core::Severity;
use leakproof_probe::{ProbeOptions, RULE_INCOMPLETE, RULE_UNIDENTIFIED};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support;

#[derive(Clone)]
enum Behaviour {
    /// Sends `prefix`, then endless bytes.
    Flood(&'static [u8]),
    /// Sends `payload` one byte per second.
    Trickle(&'static [u8]),
    /// Sends `payload` and closes.
    Garbage(&'static [u8]),
    /// Accepts and says nothing.
    Silent,
}

async fn serve(behaviour: Behaviour) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(handle(stream, behaviour.clone()));
        }
    });
    address
}

async fn handle(mut stream: TcpStream, behaviour: Behaviour) {
    match behaviour {
        Behaviour::Flood(prefix) => {
            if stream.write_all(prefix).await.is_err() {
                return;
            }
            let chunk = vec![b'A'; 64 * 1024];
            while stream.write_all(&chunk).await.is_ok() {}
        }
        Behaviour::Trickle(payload) => {
            for byte in payload.iter().cycle() {
                if stream.write_all(&[*byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        Behaviour::Garbage(payload) => {
            let _ = stream.write_all(payload).await;
        }
        Behaviour::Silent => {
            let mut sink = [0u8; 1024];
            while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
        }
    }
}

fn bounded(timeout: Duration) -> ProbeOptions {
    ProbeOptions {
        timeout,
        max_response_bytes: 64 * 1024,
        sample: 5,
        ..ProbeOptions::default()
    }
}

#[tokio::test]
async fn floods_are_cut_at_the_byte_cap() {
    for (scheme, prefix) in [
        ("redis", &b"$999999999\r\n"[..]),
        (
            "http",
            &b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n"[..],
        ),
        ("memcached", &b"STAT "[..]),
        ("postgres", &b"R\x7f\xff\xff\xff"[..]),
        ("mongodb", &b"\xff\xff\xff\x7f"[..]),
    ] {
        let address = serve(Behaviour::Flood(prefix)).await;
        let started = Instant::now();
        let report = support::probe(
            &[format!("{scheme}://{address}")],
            &bounded(Duration::from_secs(20)),
        )
        .await;
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{scheme}: {:?}",
            started.elapsed()
        );
        let finding = report
            .findings
            .iter()
            .find(|f| f.rule_id == RULE_INCOMPLETE)
            .unwrap_or_else(|| panic!("{scheme}: {:#?}", report.findings));
        assert!(
            finding.message.contains("cap of 65536 bytes"),
            "{scheme}: {}",
            finding.message
        );
    }
}

#[tokio::test]
async fn a_trickle_is_cut_by_the_timeout() {
    let address = serve(Behaviour::Trickle(b"+PONG\r\n")).await;
    let timeout = Duration::from_millis(1500);
    let started = Instant::now();
    let report = support::probe(&[format!("redis://{address}")], &bounded(timeout)).await;
    let elapsed = started.elapsed();
    assert!(elapsed < timeout + Duration::from_secs(1), "{elapsed:?}");
    let finding = report
        .findings
        .iter()
        .find(|f| f.rule_id == RULE_INCOMPLETE)
        .unwrap();
    assert!(finding.message.contains("timed out"), "{}", finding.message);

    // Unnamed, the trickler is not mistaken for anything.
    let started = Instant::now();
    let report = support::probe(&[address], &bounded(timeout)).await;
    assert!(started.elapsed() < timeout + Duration::from_secs(1));
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    assert_eq!(report.findings[0].rule_id, RULE_UNIDENTIFIED);
}

#[tokio::test]
async fn garbage_answers_are_reported_not_panicked_on() {
    const GARBAGE: &[u8] = b"\xff\xfe\x00garbage\r\n\x01\x02\x03*-5\r\n$x\r\n";
    let address = serve(Behaviour::Garbage(GARBAGE)).await;
    for scheme in ["redis", "http", "memcached", "postgres", "mysql", "mongodb"] {
        let report = support::probe(
            &[format!("{scheme}://{address}")],
            &bounded(Duration::from_secs(5)),
        )
        .await;
        assert!(!report.findings.is_empty(), "{scheme}");
        assert!(
            report.findings.iter().all(|f| f.severity == Severity::Info),
            "{scheme}: {:#?}",
            report.findings
        );
    }
    let report = support::probe(&[address], &bounded(Duration::from_secs(5))).await;
    assert_eq!(report.findings[0].rule_id, RULE_UNIDENTIFIED);
}

#[tokio::test]
async fn a_silent_endpoint_is_unidentified_within_the_timeout() {
    let address = serve(Behaviour::Silent).await;
    let timeout = Duration::from_secs(2);
    let started = Instant::now();
    let report = support::probe(&[address], &bounded(timeout)).await;
    assert!(started.elapsed() < timeout + Duration::from_secs(1));
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].rule_id, RULE_UNIDENTIFIED);
}

#[tokio::test]
async fn the_rate_limit_spaces_out_endpoints() {
    let specs: Vec<String> = (0..6)
        .map(|_| format!("127.0.0.1:{}", support::free_port()))
        .collect();
    let options = ProbeOptions {
        rate: Some(10.0),
        ..bounded(Duration::from_secs(2))
    };
    let started = Instant::now();
    let report = support::probe(&specs, &options).await;
    // Six starts at ten per second: the last one no sooner than 0.5 s in.
    assert!(
        started.elapsed() >= Duration::from_millis(450),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(report.endpoints_probed, 6);
}

#[tokio::test]
async fn concurrency_bounds_endpoints_in_flight() {
    let address = serve(Behaviour::Silent).await;
    let specs = vec![address; 4];
    let timeout = Duration::from_secs(1);
    let started = Instant::now();
    let options = ProbeOptions {
        concurrency: 2,
        ..bounded(timeout)
    };
    let report = support::probe(&specs, &options).await;
    let elapsed = started.elapsed();
    // Four silent endpoints of one second each, two at a time.
    assert!(elapsed >= Duration::from_millis(1900), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(3500), "{elapsed:?}");
    assert_eq!(report.endpoints_probed, 4);
}
