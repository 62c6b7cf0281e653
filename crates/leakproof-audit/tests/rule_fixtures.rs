//! Every rule of the catalogue has a positive and a negative fixture in
//! the real format under tests/fixtures/<RULE-ID>/: the rule fires on the
//! positive one at the line named in `expect` (`file:line`, `-` for a
//! finding about an absent setting) and never on the negative one.

use std::path::{Path, PathBuf};

use leakproof_audit::{audit_paths, rules};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn every_rule_has_fixtures() {
    let missing: Vec<&str> = rules()
        .iter()
        .map(|r| r.id)
        .filter(|id| !fixtures().join(id).join("expect").is_file())
        .collect();
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
}

#[test]
fn positive_fires_at_the_expected_line_and_negative_does_not() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in rules() {
        let dir = fixtures().join(rule.id);
        let Ok(expect) = std::fs::read_to_string(dir.join("expect")) else {
            continue;
        };
        let (file, line) = expect.trim().rsplit_once(':').expect("expect is file:line");
        let expected_line: Option<u32> = if line == "-" {
            None
        } else {
            Some(line.parse().expect("line number"))
        };
        let expected_path = dir.join("positive").join(file);

        let positive = audit_paths(&[dir.join("positive")]).expect("positive audits");
        let hits: Vec<_> = positive
            .findings
            .iter()
            .filter(|f| f.rule_id == rule.id)
            .collect();
        let at_place = hits.iter().any(|f| {
            f.location.path.as_deref().map(Path::new) == Some(expected_path.as_path())
                && f.location.line == expected_line
        });
        if !at_place {
            let seen: Vec<String> = hits.iter().map(|f| f.location.to_string()).collect();
            failures.push(format!(
                "{}: expected at {file}:{line}, found {seen:?}",
                rule.id
            ));
        }
        for f in &hits {
            assert_eq!(f.title, rule.title);
            assert!(!f.remediation.is_empty() && f.fingerprint.len() == 32);
        }

        let negative = audit_paths(&[dir.join("negative")]).expect("negative audits");
        let false_hits: Vec<String> = negative
            .findings
            .iter()
            .filter(|f| f.rule_id == rule.id)
            .map(|f| format!("{} {}", f.location, f.message))
            .collect();
        if !false_hits.is_empty() {
            failures.push(format!(
                "{}: fired on the negative fixture: {false_hits:?}",
                rule.id
            ));
        }
        assert!(
            negative.files_checked > 0,
            "{}: negative fixture not recognised",
            rule.id
        );
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(checked, rules().len());
}

#[test]
fn fingerprints_are_stable_across_runs() {
    let dir = fixtures().join("LP-CHAIN-001/positive");
    let a = audit_paths(std::slice::from_ref(&dir)).expect("audits");
    let b = audit_paths(&[dir]).expect("audits");
    let prints = |r: &leakproof_audit::AuditReport| {
        r.findings
            .iter()
            .map(|f| f.fingerprint.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(prints(&a), prints(&b));
    assert!(!a.findings.is_empty());
}
