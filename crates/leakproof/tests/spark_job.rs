//! The Spark example (`examples/spark/redact_job.py`) on a real local
//! Spark: `leakproof` shipped with `spark-submit --files` and driven with
//! `RDD.pipe` over NDJSON lines, on JSON and Parquet datasets of generated
//! support records. The output must be redacted and complete (row count,
//! ids, schema). Needs pyspark and Java (`.ci/run` installs them); without
//! them this test fails, it never skips.

use std::path::Path;
use std::process::Command;

#[test]
fn spark_job_redacts_json_and_parquet_datasets_completely() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let script = root.join("examples/spark/test_redact_job.py");
    let output = Command::new("python3")
        .arg(&script)
        .args([
            "--binary",
            env!("CARGO_BIN_EXE_leakproof"),
            "--rows",
            "2000",
        ])
        .env("PYSPARK_PYTHON", "python3")
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the Spark job test failed (is pyspark installed? `pip install pyspark`, Java 17):\n{stderr}"
    );
    assert!(
        stderr.contains("ok: JSON via spark-submit --files: 2000 rows"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ok: Parquet via redact_dataset: 2000 rows"),
        "{stderr}"
    );
}
