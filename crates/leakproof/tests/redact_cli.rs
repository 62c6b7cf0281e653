//! The redact, scan, reveal and policy commands as a user runs them.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

mod sarif;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn leakproof() -> Command {
    let mut cmd = Command::cargo_bin("leakproof").expect("binary built");
    cmd.current_dir(repo()).env_remove("LEAKPROOF_KEY");
    cmd
}

/// Compares with a golden file; `UPDATE_GOLDEN=1` rewrites it.
fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("write golden");
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing golden {}", path.display()));
    assert_eq!(actual, expected, "output differs from {}", path.display());
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf8")
}

const RAW_VALUES: &[&str] = &[
    "john.doe@contoso.com",
    "john.doe @ contoso.com",
    "jane(at)example(dot)org",
    "4111 1111-1111 1111",
    "(555) 123 4567",
    "AKIAIOSFODNN7EXAMPLE",
    "Summer2024!",
    "536-22-1234",
    "S3cretPass",
    "10 . 0 . 0 . 5",
    "fabrikam.net",
    "GB82 WEST",
    "00:1A:2B:3C:4D:5E",
    "1985-12-04",
];

#[test]
fn redacts_the_bundled_ndjson_example() {
    let out = stdout_of(leakproof().args(["redact", "examples/support-cases.ndjson"]));
    for raw in RAW_VALUES {
        assert!(!out.contains(raw), "{raw} survived");
    }
    // Same shape: every line is still JSON with the same keys in order.
    let input =
        std::fs::read_to_string(repo().join("examples/support-cases.ndjson")).expect("example");
    for (a, b) in input.lines().zip(out.lines()) {
        let a: serde_json::Value = serde_json::from_str(a).expect("input json");
        let b: serde_json::Value = serde_json::from_str(b).expect("output json");
        let keys =
            |v: &serde_json::Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
        assert_eq!(keys(&a), keys(&b));
        assert_eq!(a["product"], b["product"], "decoys survive");
    }
    golden("support-cases.redacted.ndjson", &out);
}

#[test]
fn redacts_csv_and_json_documents() {
    golden(
        "support-cases.redacted.csv",
        &stdout_of(leakproof().args(["redact", "examples/support-cases.csv"])),
    );
    golden(
        "cases.redacted.json",
        &stdout_of(leakproof().args(["redact", "crates/leakproof/tests/data/cases.json"])),
    );
    golden(
        "support-cases.policy.csv",
        &stdout_of(leakproof().args([
            "redact",
            "--policy",
            "examples/policy.toml",
            "examples/support-cases.csv",
        ])),
    );
}

#[test]
fn stdin_to_stdout_with_summary_on_stderr() {
    leakproof()
        .arg("redact")
        .write_stdin("mail john.doe @ contoso . com now\n")
        .assert()
        .success()
        .stdout("mail [EMAIL] now\n")
        .stderr(
            predicate::str::contains("1 records in, 1 out, 0 quarantined")
                .and(predicate::str::contains("EMAIL 1")),
        );
}

#[test]
fn out_dir_keeps_relative_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    leakproof()
        .args(["redact", "--out"])
        .arg(dir.path())
        .arg("examples")
        .assert()
        .success();
    let redacted =
        std::fs::read_to_string(dir.path().join("support-cases.ndjson")).expect("written");
    assert!(redacted.contains("[EMAIL]") && !redacted.contains("john.doe@contoso.com"));
    assert!(dir.path().join("support-cases.csv").exists());
}

#[test]
fn unparseable_records_fail_closed_or_go_to_quarantine() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.ndjson");
    std::fs::write(
        &input,
        "{\"a\":\"x@contoso.com\"}\n{\"a\":\"leak@contoso.com\", broken\n",
    )
    .expect("write");
    leakproof()
        .arg("redact")
        .arg(&input)
        .assert()
        .success()
        .stdout(predicate::str::contains("leak@contoso.com").not())
        .stderr(predicate::str::contains(
            "2 records in, 2 out, 0 quarantined (1 unparseable",
        ));
    let q = dir.path().join("q.ndjson");
    leakproof()
        .arg("redact")
        .arg("--quarantine")
        .arg(&q)
        .arg(&input)
        .assert()
        .success()
        .stdout("{\"a\":\"[EMAIL]\"}\n")
        .stderr(predicate::str::contains(
            "2 records in, 1 out, 1 quarantined",
        ));
    assert!(
        std::fs::read_to_string(&q)
            .expect("quarantine")
            .contains("broken")
    );
}

#[test]
fn keyed_operators_need_a_key_and_never_take_it_from_argv() {
    leakproof()
        .args(["redact", "--operator", "hash"])
        .write_stdin("a@contoso.com\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a key"));
    leakproof().args(["redact", "--key", "x"]).assert().code(2);
}

#[test]
fn hash_is_one_token_per_value_whatever_the_spelling() {
    let out = stdout_of(
        leakproof()
            .args(["redact", "--operator", "hash"])
            .env("LEAKPROOF_KEY", "correct horse battery staple")
            .write_stdin(
                "john.doe@contoso.com\nJOHN.DOE @ contoso . com\njohn.doe&#64;contoso.com\n",
            ),
    );
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("[EMAIL:"), "{out}");
    assert!(lines.iter().all(|l| *l == lines[0]), "{out}");
}

#[test]
fn encrypt_then_reveal_round_trips_and_a_wrong_key_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = dir.path().join("key");
    std::fs::write(&key, "0123456789abcdef0123456789abcdef\n").expect("key");
    let encrypted = stdout_of(
        leakproof()
            .args(["redact", "--operator", "encrypt", "--key-file"])
            .arg(&key)
            .write_stdin("call 555.123.4567 or mail ann@example.org\n"),
    );
    assert!(
        encrypted.contains("[ENC:PHONE:") && !encrypted.contains("ann@example.org"),
        "{encrypted}"
    );
    let revealed = stdout_of(
        leakproof()
            .args(["reveal", "--key-file"])
            .arg(&key)
            .write_stdin(encrypted.clone()),
    );
    assert_eq!(revealed, "call +15551234567 or mail ann@example.org\n");
    leakproof()
        .arg("reveal")
        .env("LEAKPROOF_KEY", "a different key of enough length")
        .write_stdin(encrypted)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not decrypt"));
}

#[test]
fn scan_reports_masked_counts_and_gates_on_severity() {
    let out = stdout_of(leakproof().args([
        "scan",
        "--report",
        "json",
        "--fail-on",
        "critical",
        "examples/support-cases.ndjson",
    ]));
    let report: serde_json::Value = serde_json::from_str(&out).expect("json report");
    let findings = report["findings"].as_array().expect("findings");
    let email = findings
        .iter()
        .find(|f| f["rule_id"] == "LP-PII-EMAIL" && f["location"]["pointer"] == "customer.email")
        .expect("customer.email finding");
    assert_eq!(email["properties"]["count"], 12);
    for raw in RAW_VALUES {
        assert!(!out.contains(raw), "{raw} in the scan report");
    }
    assert!(out.contains("j***@c******.com"), "masked example shown");
    leakproof()
        .args(["scan", "--fail-on", "high", "examples/support-cases.ndjson"])
        .assert()
        .code(1);
    leakproof()
        .arg("scan")
        .write_stdin("nothing to see here\n")
        .assert()
        .code(0)
        .stdout("No findings.\n");
}

#[test]
fn policy_check_names_line_and_field() {
    leakproof()
        .args(["policy", "check", "examples/policy.toml"])
        .assert()
        .success();
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "operator = \"mask\"\n[[fields]]\npath = \"a\"\nentity = \"EMAILS\"\n",
    )
    .expect("write");
    leakproof()
        .args(["policy", "check"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml:4: fields.entity"));
}

#[test]
fn missing_input_is_a_clear_error() {
    leakproof()
        .args(["redact", "no/such/file.ndjson"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read no/such/file.ndjson"));
}

#[test]
fn scan_reports_as_a_table_and_as_valid_sarif() {
    golden(
        "scan-support-cases.table.txt",
        &stdout_of(leakproof().args([
            "scan",
            "--fail-on",
            "critical",
            "examples/support-cases.ndjson",
        ])),
    );
    let out = stdout_of(leakproof().args([
        "scan",
        "--report",
        "sarif",
        "--fail-on",
        "critical",
        "examples/support-cases.ndjson",
    ]));
    let log: serde_json::Value = serde_json::from_str(&out).expect("sarif is json");
    let errors: Vec<String> = sarif::validator()
        .iter_errors(&log)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "invalid SARIF: {errors:#?}");
    assert!(
        log["runs"][0]["results"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
}

#[test]
fn bench_measures_with_a_policy_and_refuses_a_bad_one() {
    let out = stdout_of(leakproof().args([
        "bench",
        "--megabytes",
        "1",
        "--runs",
        "1",
        "--policy",
        "examples/bench/without-names.toml",
    ]));
    assert!(out.contains("redact/floor"), "{out}");
    leakproof()
        .args([
            "bench",
            "--megabytes",
            "1",
            "--policy",
            "no-such-policy.toml",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-policy.toml"));
}

#[test]
fn bench_writes_its_corpus_for_other_tools_and_reports_a_bad_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("corpus.ndjson");
    leakproof()
        .args(["bench", "--megabytes", "1", "--write-corpus"])
        .arg(&path)
        .assert()
        .success()
        .stderr(predicate::str::contains("written to"));
    let corpus = std::fs::read_to_string(&path).expect("the corpus was written");
    assert!(corpus.len() >= 1 << 20, "{} bytes", corpus.len());
    for line in corpus.lines() {
        let record: serde_json::Value = serde_json::from_str(line).expect("one JSON record a line");
        assert!(record["case_id"].is_string(), "{line}");
    }
    leakproof()
        .args(["bench", "--megabytes", "1", "--write-corpus"])
        .arg(dir.path().join("no-such-dir").join("corpus.ndjson"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write the corpus"));
}
