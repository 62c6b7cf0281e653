//! The SARIF 2.1.0 schema validator shared by the CLI tests.

use std::path::Path;

/// A validator for the official SARIF 2.1.0 schema bundled in leakproof-core.
pub fn validator() -> jsonschema::Validator {
    // The published schema's `run.language` pattern has a stray `]` that
    // makes it an invalid regex; corrected here as in leakproof-core's test.
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../leakproof-core/tests/data/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(path)
        .expect("schema present")
        .replace(
            r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
            r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#,
        );
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema parses");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}
