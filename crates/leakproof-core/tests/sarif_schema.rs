//! The SARIF writer's output validates against the official 2.1.0 schema
//! (bundled from the OASIS specification).

use leakproof_core::report::{ReportFormat, ReportOptions, write_report};
use leakproof_core::{Category, Finding, Location, Severity};

fn validator() -> jsonschema::Validator {
    // The published schema's `run.language` pattern has a stray `]` that
    // makes it an invalid regex; it is corrected here, not in the bundled copy.
    let text = include_str!("data/sarif-schema-2.1.0.json").replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#,
    );
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema parses");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn sarif_of(findings: &[Finding]) -> serde_json::Value {
    let mut out = Vec::new();
    let options = ReportOptions {
        command: "audit".into(),
        summary: Some(serde_json::json!({"files": 2})),
        ..ReportOptions::default()
    };
    write_report(&mut out, ReportFormat::Sarif, findings, &options).expect("writes");
    serde_json::from_slice(&out).expect("valid JSON")
}

#[test]
fn sarif_with_every_location_kind_validates() {
    let findings = vec![
        Finding::new(
            "LP-ES-001",
            "Elasticsearch security disabled",
            Severity::High,
            Category::Config,
            Location::file("conf dir/elasticsearch.yml").with_line(7).with_column(3),
        )
        .with_evidence("xpack.security.enabled: false")
        .with_remediation("Enable security.")
        .with_references(["https://www.elastic.co/guide/en/elasticsearch/reference/current/security-settings.html"]),
        Finding::new(
            "LP-PROBE-ES-002",
            "Index answers without credentials",
            Severity::Critical,
            Category::Exposure,
            Location::endpoint("127.0.0.1:9200").with_resource("support-cases"),
        )
        .with_property("emails", 1204),
        Finding::new(
            "LP-PII-EMAIL",
            "Email address",
            Severity::Medium,
            Category::Pii,
            Location::file("cases.ndjson").with_line(2).with_pointer("/customer/email"),
        ),
    ];
    let sarif = sarif_of(&findings);
    let validator = validator();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "SARIF invalid: {errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "conf%20dir/elasticsearch.yml"
    );
}

#[test]
fn empty_sarif_validates() {
    let sarif = sarif_of(&[]);
    assert!(validator().is_valid(&sarif));
}

#[test]
fn validator_rejects_a_broken_log() {
    let mut sarif = sarif_of(&[]);
    sarif["version"] = serde_json::json!("2.0");
    assert!(
        !validator().is_valid(&sarif),
        "the schema check must be able to fail"
    );
}
