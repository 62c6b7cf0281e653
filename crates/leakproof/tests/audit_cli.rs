//! `leakproof audit` and `leakproof rules` from the command line: golden
//! reports of examples/audit, SARIF validated against the 2.1.0 schema,
//! exit codes, and the rule catalogue.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

mod sarif;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn leakproof() -> Command {
    let mut cmd = Command::cargo_bin("leakproof").expect("binary builds");
    cmd.current_dir(workspace()).env("NO_COLOR", "1");
    cmd
}

/// Compares with the golden file; `UPDATE_GOLDEN=1` rewrites it instead.
fn assert_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("writes golden");
        return;
    }
    let expected =
        std::fs::read_to_string(&path).expect("golden file exists (UPDATE_GOLDEN=1 creates it)");
    assert_eq!(actual, expected, "output differs from {}", path.display());
}

fn audit_examples(format: &str) -> (String, i32) {
    let output = leakproof()
        .args(["audit", "examples/audit", "--report", format])
        .output()
        .expect("runs");
    (
        String::from_utf8(output.stdout).expect("utf-8"),
        output.status.code().unwrap_or(-1),
    )
}

#[test]
fn table_report_of_the_example_is_golden() {
    let (out, code) = audit_examples("table");
    assert_eq!(code, 1, "findings at or above low fail");
    assert!(out.contains("critical  LP-CHAIN-001"));
    assert_golden("audit_examples.table.txt", &out);
}

#[test]
fn json_report_of_the_example_is_golden() {
    let (out, _) = audit_examples("json");
    let report: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(report["summary"]["files_checked"], 2);
    let chain = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == "LP-CHAIN-001")
        .expect("the combination finding");
    assert_eq!(chain["severity"], "critical");
    let message = chain["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("elasticsearch.yml:16") && message.contains("allow-search-partner"),
        "{message}"
    );
    assert_golden("audit_examples.json", &out);
}

#[test]
fn sarif_report_validates_against_the_schema() {
    let validator = sarif::validator();
    for dir in ["examples/audit", "crates/leakproof-audit/tests/fixtures"] {
        let output = leakproof()
            .args(["audit", dir, "--report", "sarif"])
            .output()
            .expect("runs");
        let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{dir}: SARIF invalid: {errors:#?}");
        assert!(
            !sarif["runs"][0]["results"]
                .as_array()
                .expect("results")
                .is_empty()
        );
    }
}

#[test]
fn fail_on_sets_the_exit_code() {
    let negative = "crates/leakproof-audit/tests/fixtures/LP-AZ-001/negative";
    leakproof()
        .args(["audit", negative, "--fail-on", "high"])
        .assert()
        .code(0);
    leakproof()
        .args(["audit", "examples/audit", "--fail-on", "critical"])
        .assert()
        .code(1);
    leakproof()
        .args(["audit", "no/such/path"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot read"));
}

#[test]
fn rules_lists_the_catalogue() {
    let count = leakproof_audit::rules().len();
    let output = leakproof().args(["rules"]).output().expect("runs");
    let text = String::from_utf8(output.stdout).expect("utf-8");
    assert!(output.status.success());
    assert_eq!(text.lines().filter(|l| l.starts_with("LP-")).count(), count);
    let output = leakproof()
        .args(["rules", "--report", "json"])
        .output()
        .expect("runs");
    let rules: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(rules.as_array().map(Vec::len), Some(count));
    assert_eq!(rules[0]["id"], leakproof_audit::rules()[0].id);
}

#[test]
fn rules_explain_prints_one_rule_or_fails_clearly() {
    leakproof()
        .args(["rules", "explain", "LP-ES-001"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "Elasticsearch security is disabled",
        ))
        .stdout(predicates::str::contains("https://www.elastic.co/"));
    leakproof()
        .args(["rules", "explain", "LP-NOPE-999"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown rule id \"LP-NOPE-999\""));
}
