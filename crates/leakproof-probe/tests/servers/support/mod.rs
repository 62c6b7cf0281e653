//! Throwaway real servers on loopback for the probe tests: each in its own
//! temp dir, on a free port, killed on drop.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use leakproof_probe::{ProbeOptions, ProbeReport, Target};

/// A running server; killed (and its temp dir removed) on drop.
pub struct Server {
    pub port: u16,
    pub dir: tempfile::TempDir,
    children: Vec<Child>,
}

impl Server {
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        for child in self.children.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The path of `binary`, or a panic naming the package that provides it.
pub fn require(binary: &str, package: &str) -> PathBuf {
    if binary.contains('/') {
        let path = PathBuf::from(binary);
        assert!(
            path.exists(),
            "{binary} not found: install the Debian package `{package}` (listed in .ci/apt-packages.txt)"
        );
        return path;
    }
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {binary}"))
        .output()
        .unwrap();
    let path = String::from_utf8_lossy(&output.stdout).trim().to_string();
    assert!(
        !path.is_empty(),
        "`{binary}` not found: install the package `{package}` (listed in .ci/apt-packages.txt or .ci/pip-packages.txt)"
    );
    PathBuf::from(path)
}

pub fn wait_for_port(port: u16, children: &mut [Child], what: &str, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        for child in children.iter_mut() {
            if let Ok(Some(status)) = child.try_wait() {
                let log = std::fs::read_to_string(log).unwrap_or_default();
                panic!("{what} exited early ({status}):\n{log}");
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = std::fs::read_to_string(log).unwrap_or_default();
    panic!("{what} did not listen on port {port} within 30 s:\n{log}");
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().next().map(|u| u == "0"))
        .unwrap_or(false)
}

/// Runs a command, as `user` when we are root (servers that refuse root).
/// `setpriv` execs the program, so the child we kill on drop is the server
/// itself (`runuser` would stay in between and orphan it).
fn command_as(user: &str, program: &Path) -> Command {
    if is_root() {
        let mut command = Command::new(require("setpriv", "util-linux"));
        command
            .arg(format!("--reuid={user}"))
            .arg(format!("--regid={user}"))
            .args(["--init-groups", "--"])
            .arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn chown(path: &Path, user: &str) {
    if is_root() {
        let status = Command::new("chown")
            .arg("-R")
            .arg(user)
            .arg(path)
            .status()
            .unwrap();
        assert!(status.success());
    }
}

fn spawn(mut command: Command, log: &Path) -> Child {
    let log_file = std::fs::File::create(log).unwrap();
    command
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().unwrap())
        .stderr(log_file)
        .spawn()
        .unwrap()
}

fn run_ok(mut command: Command, what: &str) {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `redis-server`, optionally with `requirepass`.
pub fn redis(password: Option<&str>) -> Server {
    let binary = require("redis-server", "redis-server");
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut command = Command::new(binary);
    command
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .arg("--dir")
        .arg(dir.path());
    if let Some(password) = password {
        command.args(["--requirepass", password]);
    }
    let log = dir.path().join("redis.log");
    let mut children = vec![spawn(command, &log)];
    wait_for_port(port, &mut children, "redis-server", &log);
    Server {
        port,
        dir,
        children,
    }
}

/// `memcached` on loopback.
pub fn memcached() -> Server {
    let binary = require("memcached", "memcached");
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut command = Command::new(binary);
    command.args(["-l", "127.0.0.1", "-p", &port.to_string(), "-U", "0"]);
    if is_root() {
        command.args(["-u", "nobody"]);
    }
    let log = dir.path().join("memcached.log");
    let mut children = vec![spawn(command, &log)];
    wait_for_port(port, &mut children, "memcached", &log);
    Server {
        port,
        dir,
        children,
    }
}

fn postgres_bin(name: &str) -> PathBuf {
    let found = std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .and_then(|versions| {
            versions
                .filter_map(Result::ok)
                .map(|v| v.path().join("bin").join(name))
                .find(|p| p.exists())
        });
    match found {
        Some(path) => path,
        None => require(name, "postgresql"),
    }
}

/// A PostgreSQL cluster whose `pg_hba.conf` uses `auth` (`trust` or
/// `scram-sha-256`, with the superuser password `password`).
pub fn postgres(auth: &str, password: &str) -> Server {
    let initdb = postgres_bin("initdb");
    let postgres = postgres_bin("postgres");
    let dir = tempfile::tempdir().unwrap();
    let user = "postgres";
    chown(dir.path(), user);
    let pwfile = dir.path().join("pw");
    std::fs::write(&pwfile, password).unwrap();
    chown(&pwfile, user);
    let data = dir.path().join("data");
    let mut init = command_as(user, &initdb);
    init.arg("-D")
        .arg(&data)
        .args(["-U", "postgres", "--no-sync", "-A", auth])
        .arg(format!("--pwfile={}", pwfile.display()));
    run_ok(init, "initdb");
    let port = free_port();
    let mut command = command_as(user, &postgres);
    command
        .arg("-D")
        .arg(&data)
        .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1"])
        .arg("-k")
        .arg(dir.path())
        .args(["-c", "fsync=off"]);
    let log = dir.path().join("postgres.log");
    let mut children = vec![spawn(command, &log)];
    wait_for_port(port, &mut children, "postgres", &log);
    Server {
        port,
        dir,
        children,
    }
}

/// Runs SQL on a test PostgreSQL as the superuser over its socket.
pub fn psql(server: &Server, database: &str, sql: &str) {
    let mut command = Command::new(require("psql", "postgresql-client"));
    command
        .arg("-h")
        .arg(server.dir.path())
        .args([
            "-p",
            &server.port.to_string(),
            "-U",
            "postgres",
            "-d",
            database,
        ])
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        .env("PGPASSWORD", "secret-pg-pw");
    run_ok(command, "psql");
}

/// A MariaDB server with a password account `auditor` / `auditor-pw`; with
/// `anonymous`, also an anonymous account; both can read `supportdb`.
pub fn mariadb(anonymous: bool) -> Server {
    let install = require("mariadb-install-db", "mariadb-server");
    let mariadbd = require("mariadbd", "mariadb-server");
    let client = require("mariadb", "mariadb-client");
    let dir = tempfile::tempdir().unwrap();
    let user = if is_root() { "mysql" } else { "" };
    chown(dir.path(), "mysql");
    let data = dir.path().join("data");
    let mut init = Command::new(install);
    init.arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .args(["--auth-root-authentication-method=socket", "--skip-test-db"]);
    if !user.is_empty() {
        init.arg(format!("--user={user}"));
    }
    run_ok(init, "mariadb-install-db");
    let port = free_port();
    let socket = dir.path().join("mysqld.sock");
    let mut command = Command::new(mariadbd);
    command
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .arg(format!("--port={port}"))
        .arg("--bind-address=127.0.0.1")
        // No reverse look-up of the client before the greeting.
        .arg("--skip-name-resolve")
        .arg(format!("--socket={}", socket.display()))
        .arg(format!("--pid-file={}", dir.path().join("pid").display()))
        .args(["--skip-log-bin", "--innodb-buffer-pool-size=16M"]);
    if !user.is_empty() {
        command.arg(format!("--user={user}"));
    }
    let log = dir.path().join("mariadb.log");
    let mut children = vec![spawn(command, &log)];
    wait_for_port(port, &mut children, "mariadbd", &log);
    let mut sql = String::from(
        "CREATE DATABASE supportdb; \
         CREATE TABLE supportdb.cases (id INT, customer VARCHAR(100), note TEXT); \
         INSERT INTO supportdb.cases VALUES (1, 'jane.roe@example.org', 'called'), \
         (2, 'john @ contoso.com', NULL), (3, 'amy@example.net', 'from 203.0.113.7'); \
         ANALYZE TABLE supportdb.cases; \
         CREATE USER 'auditor'@'127.0.0.1' IDENTIFIED BY 'auditor-pw'; \
         GRANT SELECT ON supportdb.* TO 'auditor'@'127.0.0.1';",
    );
    if anonymous {
        sql.push_str(
            "CREATE USER ''@'localhost'; CREATE USER ''@'127.0.0.1'; \
             GRANT SELECT ON supportdb.* TO ''@'localhost'; GRANT SELECT ON supportdb.* TO ''@'127.0.0.1';",
        );
    }
    let mut setup = Command::new(client);
    setup
        .arg("--no-defaults")
        .arg(format!("--socket={}", socket.display()))
        .args(["-uroot", "-e", &sql]);
    run_ok(setup, "mariadb setup");
    Server {
        port,
        dir,
        children,
    }
}

/// The osmem-server binary from the PyPI package `osmem-server`.
fn osmem_binary() -> PathBuf {
    let output = Command::new("python3")
        .args([
            "-c",
            "import osmem_server; print(osmem_server.resolve_binary())",
        ])
        .output()
        .expect("python3 is needed to find osmem-server");
    let path = String::from_utf8_lossy(&output.stdout).trim().to_string();
    assert!(
        output.status.success() && !path.is_empty(),
        "osmem-server not found: `pip install osmem-server` (listed in .ci/pip-packages.txt)"
    );
    PathBuf::from(path)
}

/// An OpenSearch-compatible server (osmem-server).
pub fn opensearch() -> Server {
    let binary = osmem_binary();
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut command = Command::new(binary);
    command.args(["-addr", &format!("127.0.0.1:{port}"), "-no-stdin-watch"]);
    let log = dir.path().join("osmem.log");
    let mut children = vec![spawn(command, &log)];
    wait_for_port(port, &mut children, "osmem-server", &log);
    Server {
        port,
        dir,
        children,
    }
}

/// nginx requiring basic auth (`user`/`password`) in front of `upstream`.
pub fn nginx_basic_auth(upstream: u16, user: &str, password: &str) -> Server {
    let openssl = require("openssl", "openssl");
    let dir = tempfile::tempdir().unwrap();
    let hash = Command::new(openssl)
        .args(["passwd", "-apr1", password])
        .output()
        .unwrap();
    assert!(hash.status.success());
    let htpasswd = dir.path().join("htpasswd");
    std::fs::write(
        &htpasswd,
        format!("{user}:{}", String::from_utf8_lossy(&hash.stdout)),
    )
    .unwrap();
    let location = format!(
        "auth_basic \"restricted\"; auth_basic_user_file {};",
        htpasswd.display()
    );
    nginx(dir, upstream, "", &location)
}

/// nginx serving TLS with a fresh self-signed certificate in front of `upstream`.
pub fn nginx_tls(upstream: u16) -> Server {
    let openssl = require("openssl", "openssl");
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let mut command = Command::new(openssl);
    command
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=leakproof-test"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert);
    run_ok(command, "openssl req");
    let listen = format!(
        "ssl_certificate {}; ssl_certificate_key {};",
        cert.display(),
        key.display()
    );
    nginx(dir, upstream, &listen, "")
}

fn nginx(
    dir: tempfile::TempDir,
    upstream: u16,
    server_extra: &str,
    location_extra: &str,
) -> Server {
    let binary = require("nginx", "nginx");
    let port = free_port();
    let d = dir.path().display();
    let ssl = if server_extra.is_empty() { "" } else { " ssl" };
    let config = format!(
        "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n access_log off;\n client_body_temp_path {d}/body;\n proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n\
         server {{\n  listen 127.0.0.1:{port}{ssl};\n  {server_extra}\n  location / {{\n   {location_extra}\n\
         proxy_pass http://127.0.0.1:{upstream};\n  }}\n }}\n}}\n"
    );
    let conf = dir.path().join("nginx.conf");
    std::fs::write(&conf, config).unwrap();
    let mut command = Command::new(binary);
    command
        .arg("-p")
        .arg(dir.path())
        .arg("-e")
        .arg(dir.path().join("error.log"))
        .arg("-c")
        .arg(&conf);
    let log = dir.path().join("nginx.log");
    let mut children = vec![spawn(command, &log)];
    wait_for_port(port, &mut children, "nginx", &log);
    Server {
        port,
        dir,
        children,
    }
}

/// Probes `specs` with `options` and returns the report.
pub async fn probe(specs: &[String], options: &ProbeOptions) -> ProbeReport {
    let targets: Vec<Target> = specs.iter().map(|s| s.parse().unwrap()).collect();
    leakproof_probe::probe_targets(&targets, options).await
}

/// Options with a sample size and a short timeout.
pub fn options(sample: usize) -> ProbeOptions {
    ProbeOptions {
        sample,
        timeout: Duration::from_secs(10),
        ..ProbeOptions::default()
    }
}

/// Support records with PII written the way redaction tools miss it, and
/// the count of email addresses in them.
pub fn support_records(n: usize) -> (Vec<serde_json::Value>, usize) {
    let records = (0..n)
        .map(|i| {
            let email = if i % 2 == 0 {
                format!("customer{i}@contoso.com")
            } else {
                format!("customer{i} @contoso.com")
            };
            serde_json::json!({
                "case_id": format!("CASE-{i:05}"),
                "customer_email": email,
                "subject": "Cannot log in",
                "description": format!("Customer wrote from agent{i}@support-example.com about login failures from 203.0.113.{}", i % 250),
            })
        })
        .collect();
    (records, n * 2)
}

/// nx-27017, a MongoDB-wire-compatible server on SQLite (PyPI `nx-27017`).
pub fn mongo() -> Server {
    let binary = require("nx-27017", "nx-27017");
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut command = Command::new(binary);
    command
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(["--host", "127.0.0.1", "-p", &port.to_string()])
        .arg("--log-file")
        .arg(dir.path().join("nx.log"))
        .arg("--pid-file")
        .arg(dir.path().join("nx.pid"));
    let log = dir.path().join("nx.out");
    let mut children = vec![spawn(command, &log)];
    wait_for_port(port, &mut children, "nx-27017", &log);
    Server {
        port,
        dir,
        children,
    }
}

/// Runs a Python snippet with pymongo (installed with nx-27017) against `server`.
pub fn pymongo(server: &Server, code: &str) {
    let script = format!(
        "import pymongo\nc = pymongo.MongoClient('mongodb://127.0.0.1:{}', serverSelectionTimeoutMS=10000)\n{code}\n",
        server.port
    );
    let mut command = Command::new("python3");
    command.args(["-c", &script]);
    run_ok(command, "pymongo seeding");
}
