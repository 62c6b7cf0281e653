//! The daemon with the real audit: a bad edit to an elasticsearch.yml is
//! alerted within seconds, and the config file is hot-reloaded.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{Receiver, SECRET, write_config};
use leakproof_watch::{Config, DaemonHandle, DaemonOptions, start};

const GOOD: &str = "cluster.name: support\nnetwork.host: 127.0.0.1\nxpack.security.enabled: true\nxpack.security.http.ssl.enabled: true\n";
const BAD: &str = "cluster.name: support\nnetwork.host: 0.0.0.0\nxpack.security.enabled: false\n";

async fn wait_for_runs(daemon: &DaemonHandle, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while daemon.store().runs(100).unwrap().len() < n {
        assert!(Instant::now() < deadline, "no audit run recorded");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn audit_section(es_dir: &Path) -> String {
    format!(
        "\n[[audit]]\npaths = [\"{}\"]\ninterval = \"1h\"\n",
        es_dir.display()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_elasticsearch_edit_is_alerted_within_seconds() {
    let receiver = Receiver::start(SECRET).await;
    let dir = tempfile::tempdir().unwrap();
    let es_dir = dir.path().join("elasticsearch");
    std::fs::create_dir(&es_dir).unwrap();
    let es_file = es_dir.join("elasticsearch.yml");
    std::fs::write(&es_file, GOOD).unwrap();
    let config_path = write_config(dir.path(), &receiver.url(), &audit_section(&es_dir));
    let config = Config::load(&config_path).unwrap();

    let daemon = start(config, DaemonOptions::default()).await.unwrap();
    wait_for_runs(&daemon, 1).await;
    assert!(daemon.store().runs(1).unwrap()[0].error.is_none());
    let before = daemon.store().findings(&Default::default()).unwrap();
    assert!(
        before
            .iter()
            .all(|f| f.severity < leakproof_core::Severity::High),
        "the good file has no high findings: {before:#?}"
    );

    let edited = Instant::now();
    std::fs::write(&es_file, BAD).unwrap();
    let got = receiver
        .wait_for(Duration::from_secs(10), |r| !r.is_empty())
        .await;
    let elapsed = got[0].at - edited;
    println!("edit-to-alert: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    common::assert_alert_schema(&got[0].body);
    let events = got[0].body["events"].as_array().unwrap();
    let rules: Vec<&str> = events
        .iter()
        .map(|e| e["finding"]["rule_id"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"LP-ES-001"), "{:#}", got[0].body);
    assert!(got[0].signature_ok);
    let es001 = events
        .iter()
        .find(|e| e["finding"]["rule_id"] == "LP-ES-001")
        .unwrap();
    assert_eq!(es001["change"], "new");
    assert_eq!(
        es001["finding"]["evidence"],
        "xpack.security.enabled: false"
    );

    // Fixing the file resolves it, and that is alerted too (on_resolved).
    let n = receiver.accepted().len();
    std::fs::write(&es_file, GOOD).unwrap();
    let got =
        receiver
            .wait_for(Duration::from_secs(10), |r| {
                r[n..].iter().any(|r| {
                    r.body["events"].as_array().unwrap().iter().any(|e| {
                        e["change"] == "resolved" && e["finding"]["rule_id"] == "LP-ES-001"
                    })
                })
            })
            .await;
    assert!(got.iter().all(|r| r.signature_ok));
    got.iter()
        .for_each(|r| common::assert_alert_schema(&r.body));
    daemon.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_changes_are_applied_and_invalid_ones_rejected() {
    let receiver = Receiver::start(SECRET).await;
    let dir = tempfile::tempdir().unwrap();
    let es_dir = dir.path().join("es");
    std::fs::create_dir(&es_dir).unwrap();
    let es_file = es_dir.join("elasticsearch.yml");
    std::fs::write(&es_file, BAD).unwrap();
    // No [[audit]] yet: nothing is audited.
    let config_path = write_config(dir.path(), &receiver.url(), "");
    let config = Config::load(&config_path).unwrap();
    let daemon = start(
        config,
        DaemonOptions {
            config_path: Some(config_path.clone()),
            ..DaemonOptions::default()
        },
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(daemon.store().runs(10).unwrap().is_empty());

    // A valid change: the new [[audit]] group starts without a restart.
    write_config(dir.path(), &receiver.url(), &audit_section(&es_dir));
    let got = receiver
        .wait_for(Duration::from_secs(10), |r| !r.is_empty())
        .await;
    assert!(got[0].body["events"].to_string().contains("LP-ES-001"));

    // An invalid change is rejected; the config in force keeps working.
    std::fs::write(&config_path, "[[audit]]\npaths = 3\n").unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let n = receiver.accepted().len();
    std::fs::write(&es_file, GOOD).unwrap();
    receiver
        .wait_for(Duration::from_secs(10), |r| {
            r[n..]
                .iter()
                .any(|r| r.body["events"].to_string().contains("\"resolved\""))
        })
        .await;
    daemon.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kubernetes_style_symlink_swap_is_seen() {
    use std::os::unix::fs::symlink;
    let receiver = Receiver::start(SECRET).await;
    let dir = tempfile::tempdir().unwrap();
    // The layout of a Kubernetes ConfigMap volume: the file is a symlink
    // through `..data`, and an update swaps `..data` to a new directory.
    let mount = dir.path().join("mount");
    std::fs::create_dir_all(mount.join("..v1")).unwrap();
    std::fs::write(mount.join("..v1/elasticsearch.yml"), GOOD).unwrap();
    symlink("..v1", mount.join("..data")).unwrap();
    symlink("..data/elasticsearch.yml", mount.join("elasticsearch.yml")).unwrap();
    let audit = format!(
        "\n[[audit]]\npaths = [\"{}\"]\ninterval = \"1h\"\n",
        mount.join("elasticsearch.yml").display()
    );
    let config = Config::load(&write_config(dir.path(), &receiver.url(), &audit)).unwrap();
    let daemon = start(config, DaemonOptions::default()).await.unwrap();
    wait_for_runs(&daemon, 1).await;

    std::fs::create_dir(mount.join("..v2")).unwrap();
    std::fs::write(mount.join("..v2/elasticsearch.yml"), BAD).unwrap();
    symlink("..v2", mount.join("..data_tmp")).unwrap();
    let swapped = Instant::now();
    std::fs::rename(mount.join("..data_tmp"), mount.join("..data")).unwrap();
    let got = receiver
        .wait_for(Duration::from_secs(10), |r| !r.is_empty())
        .await;
    println!("symlink swap to alert: {:?}", got[0].at - swapped);
    assert!(got[0].body["events"].to_string().contains("LP-ES-001"));
    daemon.shutdown().await;
}
