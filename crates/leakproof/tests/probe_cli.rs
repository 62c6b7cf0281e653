//! `leakproof probe` end to end: arguments, exit codes, report formats.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;

use assert_cmd::Command;
use predicates::prelude::*;

#[allow(dead_code)] // the CLI tests use only the Redis harness
#[path = "../../leakproof-probe/tests/servers/support/mod.rs"]
mod support;

fn leakproof() -> Command {
    Command::cargo_bin("leakproof").unwrap()
}

fn set(port: u16, password: Option<&str>, key: &str, value: &str) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut commands = Vec::new();
    if let Some(p) = password {
        commands.push(vec!["AUTH", p]);
    }
    commands.push(vec!["SET", key, value]);
    for command in commands {
        let mut out = format!("*{}\r\n", command.len());
        for a in command {
            out.push_str(&format!("${}\r\n{a}\r\n", a.len()));
        }
        stream.write_all(out.as_bytes()).unwrap();
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with('+'), "{line}");
    }
}

#[test]
fn without_targets_is_a_usage_error() {
    leakproof()
        .arg("probe")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no targets"));
}

#[test]
fn an_oversized_range_is_refused_before_any_traffic() {
    leakproof()
        .args(["probe", "10.0.0.0/8:9200"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("limit of 4096"));
}

#[test]
fn credentials_in_a_url_are_refused() {
    leakproof()
        .args(["probe", "redis://admin:hunter2@127.0.0.1:6379"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("--credentials")
                .and(predicate::str::contains("hunter2").not()),
        );
}

#[test]
fn unreachable_is_an_info_finding_and_exits_clean() {
    let port = support::free_port();
    let output = leakproof()
        .args([
            "probe",
            &format!("127.0.0.1:{port}"),
            "--report",
            "json",
            "--timeout",
            "2s",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(report["findings"][0]["rule_id"], "LP-PROBE-001");
    assert_eq!(report["findings"][0]["severity"], "info");
    assert_eq!(report["summary"]["endpoints_probed"], 1);
}

#[test]
fn open_redis_from_a_targets_file_fails_on_high() {
    let server = support::redis(None);
    set(server.port, None, "case:1", "hello");
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.txt");
    std::fs::write(
        &targets,
        format!("# our cache\n{}  # bare host:port\n", server.address()),
    )
    .unwrap();
    leakproof()
        .args(["probe", "--targets"])
        .arg(&targets)
        .args(["--fail-on", "high", "--concurrency", "4", "--rate", "50"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Redis").and(predicate::str::contains("LP-PROBE-101")));
    leakproof()
        .args([
            "probe",
            &server.address(),
            "--report",
            "sarif",
            "--fail-on",
            "critical",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"version\": \"2.1.0\""));
}

#[test]
fn credentials_file_confirms_a_locked_redis_without_leaking_the_password() {
    let server = support::redis(Some("cli-redis-secret"));
    set(server.port, Some("cli-redis-secret"), "k", "v");
    let dir = tempfile::tempdir().unwrap();
    let credentials = dir.path().join("credentials.toml");
    std::fs::write(
        &credentials,
        format!(
            "[[credential]]\ntarget = \"redis://{}\"\npassword_env = \"LP_TEST_REDIS_PW\"\n",
            server.address()
        ),
    )
    .unwrap();
    let output = leakproof()
        .args([
            "probe",
            &format!("redis://{}", server.address()),
            "--report",
            "json",
        ])
        .arg("--credentials")
        .arg(&credentials)
        .env("LP_TEST_REDIS_PW", "cli-redis-secret")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(output).unwrap();
    assert!(!text.contains("cli-redis-secret"));
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["findings"][0]["rule_id"], "LP-PROBE-100");
    assert_eq!(
        report["findings"][0]["properties"]["credentials_accepted"],
        true
    );
}
