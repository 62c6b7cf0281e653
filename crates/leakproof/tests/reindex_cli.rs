//! `leakproof reindex` end to end against a real OpenSearch-compatible
//! server (osmem-server, from PyPI) on loopback: full runs, a kill and a
//! resume, rejects, slice workers, credentials through nginx.
//!
//! The server must be installed (`.ci/run` does it); without it these
//! tests fail, they never skip.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use leakproof_redact::corpus;
use serde_json::{Value, json};

#[allow(dead_code)] // only the OpenSearch and nginx harnesses are used here
#[path = "../../leakproof-probe/tests/servers/support/mod.rs"]
mod support;

/// A minimal blocking HTTP/1.1 call on loopback (no client runtime needed
/// to seed and inspect the test server).
fn http(port: u16, method: &str, path: &str, content_type: &str, body: &[u8]) -> (u16, Value) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("write");
    stream.write_all(body).expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw);
    let (head, rest) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&after[..n]);
        rest = &after[n + 2..];
    }
    out
}

fn json_call(port: u16, method: &str, path: &str, body: Option<Value>) -> Value {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let (status, value) = http(port, method, path, "application/json", body.as_bytes());
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {value}"
    );
    value
}

/// Generated support records, as `(id, source)`. Every `odd_every`-th
/// record has `priority` as a string instead of a number.
fn records(n: usize, odd_every: Option<usize>) -> Vec<(String, Value)> {
    let mut rng = corpus::Rng::new(42);
    (0..n)
        .map(|i| {
            let mut doc: Value =
                serde_json::from_str(&corpus::support_case(&mut rng, i)).expect("valid case");
            if odd_every.is_some_and(|k| i % k == 0) {
                doc["priority"] = json!("urgent");
            }
            (format!("case-{i:06}"), doc)
        })
        .collect()
}

fn seed(port: u16, index: &str, docs: &[(String, Value)]) {
    for chunk in docs.chunks(2000) {
        let mut body = String::new();
        for (id, doc) in chunk {
            body.push_str(&json!({"index": {"_index": index, "_id": id}}).to_string());
            body.push('\n');
            body.push_str(&doc.to_string());
            body.push('\n');
        }
        let (status, answer) = http(
            port,
            "POST",
            "/_bulk",
            "application/x-ndjson",
            body.as_bytes(),
        );
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["errors"], json!(false), "seeding failed");
    }
    json_call(port, "POST", &format!("/{index}/_refresh"), None);
}

/// Every document of `index`: id → (version, source).
fn dump(port: u16, index: &str) -> BTreeMap<String, (u64, Value)> {
    json_call(port, "POST", &format!("/{index}/_refresh"), None);
    let mut out = BTreeMap::new();
    let mut answer = json_call(
        port,
        "POST",
        &format!("/{index}/_search?scroll=1m"),
        Some(json!({"size": 1000, "version": true, "sort": ["_doc"]})),
    );
    loop {
        let hits = answer["hits"]["hits"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if hits.is_empty() {
            break;
        }
        for hit in hits {
            let id = hit["_id"].as_str().expect("id").to_string();
            let version = hit["_version"].as_u64().unwrap_or(0);
            let previous = out.insert(id.clone(), (version, hit["_source"].clone()));
            assert!(previous.is_none(), "{id} returned twice");
        }
        let scroll_id = answer["_scroll_id"]
            .as_str()
            .expect("scroll id")
            .to_string();
        answer = json_call(
            port,
            "POST",
            "/_search/scroll",
            Some(json!({"scroll": "1m", "scroll_id": scroll_id})),
        );
    }
    out
}

fn leakproof() -> Command {
    Command::new(env!("CARGO_BIN_EXE_leakproof"))
}

fn run(command: &mut Command) -> (Output, Value) {
    let output = command.output().expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summary = stdout
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or(Value::Null);
    (output, summary)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The email addresses of the source records, in their original spelling.
fn emails(docs: &[(String, Value)]) -> Vec<String> {
    docs.iter()
        .map(|(_, d)| {
            d["customer"]["email"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

fn assert_redacted(dest: &BTreeMap<String, (u64, Value)>, source: &[(String, Value)]) {
    let text: String = dest.values().map(|(_, s)| s.to_string()).collect();
    for email in emails(source) {
        assert!(!email.is_empty());
        assert!(!text.contains(&email), "an original email survived");
    }
    for (_, (_, doc)) in dest.iter().take(50) {
        assert_eq!(doc["customer"]["email"], json!("[EMAIL]"), "{doc}");
        assert!(doc["case_id"].as_str().is_some_and(|c| c.starts_with("CS")));
    }
}

#[test]
fn reindex_redacts_every_document_keeps_ids_and_reconciles() {
    let server = support::opensearch();
    let port = server.port;
    let docs = records(600, None);
    seed(port, "cases", &docs);
    let url = format!("http://127.0.0.1:{port}");
    let (output, summary) = run(leakproof()
        .current_dir(server.dir.path())
        .args(["reindex", "--source", &format!("{url}/cases")])
        .args(["--dest", &format!("{url}/cases-redacted")])
        .args(["--batch", "100", "--verify"]));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(summary["mode"], "point-in-time");
    assert_eq!(summary["read"], 600);
    assert_eq!(summary["written"], 600);
    assert_eq!(summary["rejected"], 0);
    assert_eq!(summary["expected"], 600);
    assert_eq!(summary["verify"]["documents"], 600);
    assert_eq!(summary["verify"]["findings"], json!({}));
    assert!(summary["entities"]["EMAIL"].as_u64().unwrap_or(0) >= 1200);
    assert!(stderr(&output).contains("reconciled: 600 read = 600 written + 0 rejected"));

    let dest = dump(port, "cases-redacted");
    let source_ids: BTreeSet<&str> = docs.iter().map(|(id, _)| id.as_str()).collect();
    let dest_ids: BTreeSet<&str> = dest.keys().map(String::as_str).collect();
    assert_eq!(source_ids, dest_ids);
    assert_redacted(&dest, &docs);
    // The source is untouched.
    let source = dump(port, "cases");
    assert_eq!(
        source
            .values()
            .next()
            .map(|(_, s)| s.to_string().contains("[EMAIL]")),
        Some(false)
    );
}

#[test]
fn sliced_scroll_is_the_fallback_read_mode() {
    let server = support::opensearch();
    let port = server.port;
    let docs = records(400, None);
    seed(port, "cases", &docs);
    let url = format!("http://127.0.0.1:{port}");
    let (output, summary) = run(leakproof()
        .current_dir(server.dir.path())
        .args(["reindex", "--read-mode", "scroll", "--slices", "3"])
        .args([
            "--source",
            &format!("{url}/cases"),
            "--dest",
            &format!("{url}/out"),
        ])
        .args(["--batch", "100", "--verify"]));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(summary["mode"], "sliced scroll");
    assert_eq!(
        (summary["read"].as_u64(), summary["written"].as_u64()),
        (Some(400), Some(400))
    );
    let dest = dump(port, "out");
    assert_eq!(dest.len(), 400);
    assert!(
        dest.values().all(|(v, _)| *v == 1),
        "every document written once"
    );
    assert_redacted(&dest, &docs);
}

fn checkpoint_read(path: &Path) -> u64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .map(|c| {
            c["states"]
                .as_array()
                .map(|s| s.iter().filter_map(|s| s["written"].as_u64()).sum())
                .unwrap_or(0)
        })
        .unwrap_or(0)
}

/// Starts a reindex, kills it (SIGKILL) once the checkpoint shows
/// `kill_after` documents written, and returns the checkpoint then.
/// `cases` into `clean` in small batches on one thread, with a checkpoint:
/// slow enough to be killed halfway.
fn resumable(dir: &Path, url: &str, checkpoint: &Path, extra: &[&str]) -> Command {
    let mut c = leakproof();
    c.current_dir(dir)
        .args(["reindex", "--source", &format!("{url}/cases")])
        .args(["--dest", &format!("{url}/clean")])
        .args(["--batch", "20", "--threads", "1"])
        .args(extra)
        .arg("--checkpoint")
        .arg(checkpoint);
    c
}

fn start_and_kill(mut command: Command, checkpoint: &Path, kill_after: u64, total: u64) -> Value {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawns");
    let deadline = Instant::now() + Duration::from_secs(120);
    while checkpoint_read(checkpoint) < kill_after {
        assert!(Instant::now() < deadline, "no progress within 120 s");
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the run ended ({status}) before it could be killed");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("kill");
    child.wait().expect("reaped");
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(checkpoint).expect("checkpoint"))
            .expect("json");
    let written = checkpoint_read(checkpoint);
    assert!(
        written >= kill_after && written < total,
        "killed halfway: {written} of {total} written"
    );
    saved
}

#[test]
fn a_killed_reindex_resumes_from_its_checkpoint_without_missing_or_duplicated_ids() {
    let server = support::opensearch();
    let port = server.port;
    let n = 2000;
    let docs = records(n, None);
    seed(port, "cases", &docs);
    let url = format!("http://127.0.0.1:{port}");
    let checkpoint = server.dir.path().join("run.checkpoint");
    let command = || resumable(server.dir.path(), &url, &checkpoint, &[]);
    let saved = start_and_kill(command(), &checkpoint, 300, n as u64);
    assert_eq!(saved["mode"], "pit");

    let (output, summary) = run(&mut command());
    assert!(output.status.success(), "{}", stderr(&output));
    let resumed_from = summary["resumed_from"].as_u64().expect("resumed_from");
    assert!(resumed_from >= 300 && resumed_from < n as u64, "{summary}");
    assert_eq!(summary["restarted_slices"], 0, "the PIT was reused");
    // Counted once each: what was done before the kill is not read again.
    assert_eq!(summary["read"], n);
    assert_eq!(summary["written"], n);
    assert_eq!(summary["expected"], n);

    let dest = dump(port, "clean");
    let source_ids: BTreeSet<&str> = docs.iter().map(|(id, _)| id.as_str()).collect();
    let dest_ids: BTreeSet<&str> = dest.keys().map(String::as_str).collect();
    assert_eq!(source_ids, dest_ids, "no id missing, none extra");
    // At most the batch in flight at the kill was written twice (an
    // overwrite of the same _id, not a second document).
    let rewritten = dest.values().filter(|(v, _)| *v > 1).count();
    assert!(
        rewritten <= 40,
        "{rewritten} documents written more than once"
    );
    assert_redacted(&dest, &docs);

    // Run again: the checkpoint says done, nothing is read or written.
    let (output, summary) = run(&mut command());
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(summary["resumed_from"], n);
    assert_eq!(summary["read"], n);
}

#[test]
fn a_resume_after_the_point_in_time_is_gone_restarts_the_slice_and_still_reconciles() {
    let server = support::opensearch();
    let port = server.port;
    let n = 1500;
    let docs = records(n, None);
    seed(port, "cases", &docs);
    let url = format!("http://127.0.0.1:{port}");
    let checkpoint = server.dir.path().join("run.checkpoint");
    let command = || resumable(server.dir.path(), &url, &checkpoint, &["--slices", "2"]);
    let saved = start_and_kill(command(), &checkpoint, 300, n as u64);
    let pit = saved["pit_id"].as_str().expect("pit id");
    json_call(
        port,
        "DELETE",
        "/_search/point_in_time",
        Some(json!({"pit_id": [pit]})),
    );

    let (output, summary) = run(&mut command());
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        summary["restarted_slices"].as_u64().unwrap_or(0) >= 1,
        "{summary}"
    );
    assert_eq!(summary["read"], n);
    assert_eq!(summary["written"], n);
    let dest = dump(port, "clean");
    assert_eq!(dest.len(), n);
    assert_redacted(&dest, &docs);
}

#[test]
fn rejected_bulk_items_land_in_the_reject_file_and_are_counted() {
    let server = support::opensearch();
    let port = server.port;
    let n = 500;
    // Every 25th record has a string priority: the destination maps it as
    // an integer, so those 20 items fail with a mapping error.
    let docs = records(n, Some(25));
    seed(port, "cases", &docs);
    json_call(
        port,
        "PUT",
        "/strict",
        Some(json!({"mappings": {"properties": {"priority": {"type": "integer"}}}})),
    );
    let url = format!("http://127.0.0.1:{port}");
    let rejects = server.dir.path().join("rejects.ndjson");
    let (output, summary) = run(leakproof()
        .current_dir(server.dir.path())
        .args(["reindex", "--source", &format!("{url}/cases")])
        .args([
            "--dest",
            &format!("{url}/strict"),
            "--batch",
            "100",
            "--retries",
            "1",
        ])
        .arg("--reject-file")
        .arg(&rejects));
    assert_eq!(
        output.status.code(),
        Some(1),
        "rejects exit 1: {}",
        stderr(&output)
    );
    assert_eq!(summary["read"], 500);
    assert_eq!(summary["written"], 480);
    assert_eq!(summary["rejected"], 20);
    assert!(stderr(&output).contains("reconciled: 500 read = 480 written + 20 rejected"));

    let text = std::fs::read_to_string(&rejects).expect("reject file");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 20);
    let expected: BTreeSet<String> = (0..n).step_by(25).map(|i| format!("case-{i:06}")).collect();
    let got: BTreeSet<String> = lines
        .iter()
        .map(|l| l["_id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(got, expected);
    for line in &lines {
        assert_eq!(line["status"], 400);
        assert_eq!(line["error"], "mapper_parsing_exception");
        // The reject file holds the redacted document, never the original.
        assert_eq!(line["_source"]["customer"]["email"], "[EMAIL]");
    }
    for email in emails(&docs) {
        assert!(!text.contains(&email));
    }
    let dest = dump(port, "strict");
    assert_eq!(dest.len(), 480);
    assert!(dest.keys().all(|id| !expected.contains(id)));
}

#[test]
fn two_slice_workers_together_cover_every_document_exactly_once() {
    let server = support::opensearch();
    let port = server.port;
    let n = 800;
    let docs = records(n, None);
    seed(port, "cases", &docs);
    let url = format!("http://127.0.0.1:{port}");
    let worker = |slice: u32| {
        let mut c = leakproof();
        c.current_dir(server.dir.path())
            .args(["reindex", "--source", &format!("{url}/cases")])
            .args(["--dest", &format!("{url}/clean"), "--batch", "100"])
            .args(["--slices", "2", "--slice", &slice.to_string(), "--verify"])
            .arg("--checkpoint")
            .arg(server.dir.path().join(format!("slice{slice}.checkpoint")))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c.spawn().expect("spawns")
    };
    // Two independent processes, no coordinator: each opens its own PIT.
    let (a, b) = (worker(0), worker(1));
    let summaries: Vec<Value> = [a, b]
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().expect("waits");
            assert!(output.status.success(), "{}", stderr(&output));
            let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
            serde_json::from_str(stdout.lines().last().expect("summary")).expect("json")
        })
        .collect();
    let reads: Vec<u64> = summaries
        .iter()
        .map(|s| s["read"].as_u64().expect("read"))
        .collect();
    assert!(
        reads.iter().all(|r| *r > 0),
        "both slices did work: {reads:?}"
    );
    assert_eq!(reads.iter().sum::<u64>(), n as u64);
    for s in &summaries {
        assert_eq!(s["read"], s["written"]);
        assert_eq!(s["verify"]["findings"], json!({}));
    }
    let dest = dump(port, "clean");
    let source_ids: BTreeSet<&str> = docs.iter().map(|(id, _)| id.as_str()).collect();
    let dest_ids: BTreeSet<&str> = dest.keys().map(String::as_str).collect();
    assert_eq!(source_ids, dest_ids);
    assert!(
        dest.values().all(|(version, _)| *version == 1),
        "no document was written by both workers"
    );
}

#[test]
fn credentials_come_from_a_file_or_the_environment_and_never_show() {
    let server = support::opensearch();
    let docs = records(100, None);
    seed(server.port, "cases", &docs);
    let secret = "s3cret-Pa55word";
    let proxy = support::nginx_basic_auth(server.port, "ops", secret);
    let url = format!("http://127.0.0.1:{}", proxy.port);
    let base = || {
        let mut c = leakproof();
        c.current_dir(server.dir.path())
            .env_remove("LEAKPROOF_ES_PASSWORD")
            .args(["reindex", "--source", &format!("{url}/cases")])
            .args(["--dest", &format!("{url}/clean")]);
        c
    };
    // No credentials: the proxy answers 401, reported without secrets.
    let (output, _) = run(&mut base());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("401"), "{}", stderr(&output));
    // A wrong password from the environment: refused, and not printed.
    let (output, _) = run(base()
        .args(["--user", "ops"])
        .env("LEAKPROOF_ES_PASSWORD", "wrong-guess-123"));
    assert_eq!(output.status.code(), Some(2));
    assert!(!stderr(&output).contains("wrong-guess-123"));
    // The right password from a file.
    let file = server.dir.path().join("password");
    std::fs::write(&file, format!("{secret}\n")).expect("write");
    let (output, summary) = run(base()
        .args(["--user", "ops"])
        .arg("--password-file")
        .arg(&file));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(summary["written"], 100);
    let all = format!(
        "{}{}",
        stderr(&output),
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(!all.contains(secret));
    // Credentials in the URL are refused before any request.
    let (output, _) = run(leakproof().args([
        "reindex",
        "--source",
        &format!("http://ops:{secret}@127.0.0.1:{}/cases", proxy.port),
        "--dest",
        &format!("{url}/clean"),
    ]));
    assert_eq!(output.status.code(), Some(2));
    assert!(!stderr(&output).contains(secret));
}

fn openssl(args: &[&str], dir: &Path) {
    let status = Command::new(support::require("openssl", "openssl"))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(status.success(), "openssl {args:?}");
}

/// A proxy process, killed (and its temp dir removed) on drop.
struct Proxy {
    port: u16,
    children: Vec<std::process::Child>,
    _dir: tempfile::TempDir,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// nginx terminating TLS with a certificate for 127.0.0.1 issued by a
/// private CA, in front of `upstream`; returns it and the CA file.
fn nginx_tls_private_ca(upstream: u16) -> (Proxy, std::path::PathBuf) {
    let nginx = support::require("nginx", "nginx");
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    openssl(
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=leakproof test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ],
        d,
    );
    openssl(
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ],
        d,
    );
    std::fs::write(
        d.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .expect("write");
    openssl(
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            "ext.cnf",
            "-out",
            "server.pem",
        ],
        d,
    );
    let port = support::free_port();
    let p = d.display();
    let config = format!(
        "daemon off;\nmaster_process off;\npid {p}/nginx.pid;\nerror_log {p}/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n access_log off;\n client_max_body_size 100m;\n client_body_temp_path {p}/body;\n proxy_temp_path {p}/proxy;\n\
         fastcgi_temp_path {p}/fastcgi;\n uwsgi_temp_path {p}/uwsgi;\n scgi_temp_path {p}/scgi;\n\
         server {{\n  listen 127.0.0.1:{port} ssl;\n  ssl_certificate {p}/server.pem;\n  ssl_certificate_key {p}/server.key;\n\
         location / {{ proxy_pass http://127.0.0.1:{upstream}; }}\n }}\n}}\n"
    );
    std::fs::write(d.join("nginx.conf"), config).expect("write");
    let log = d.join("nginx.log");
    let log_file = std::fs::File::create(&log).expect("log");
    let child = Command::new(nginx)
        .arg("-p")
        .arg(d)
        .arg("-e")
        .arg(d.join("error.log"))
        .arg("-c")
        .arg(d.join("nginx.conf"))
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().expect("log"))
        .stderr(log_file)
        .spawn()
        .expect("nginx starts");
    let mut children = vec![child];
    support::wait_for_port(port, &mut children, "nginx", &log);
    let ca = d.join("ca.pem");
    (
        Proxy {
            port,
            children,
            _dir: dir,
        },
        ca,
    )
}

#[test]
fn tls_with_a_private_ca_needs_the_ca_file() {
    let server = support::opensearch();
    let docs = records(100, None);
    seed(server.port, "cases", &docs);
    let (proxy, ca) = nginx_tls_private_ca(server.port);
    let url = format!("https://127.0.0.1:{}", proxy.port);
    let base = || {
        let mut c = leakproof();
        c.current_dir(server.dir.path())
            .args(["reindex", "--source", &format!("{url}/cases")])
            .args(["--dest", &format!("{url}/clean")]);
        c
    };
    // The private CA is not among the system roots: refused.
    let (output, _) = run(&mut base());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("certificate"),
        "{}",
        stderr(&output)
    );
    // With --ca-file the certificate is verified and the run completes.
    let (output, summary) = run(base().arg("--ca-file").arg(&ca));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(summary["written"], 100);
    assert_eq!(dump(server.port, "clean").len(), 100);
}
