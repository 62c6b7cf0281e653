//! The daemon with the real probe against a real Redis on loopback (Debian
//! package `redis-server`): an open datastore is alerted, and closing it
//! resolves the finding.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Receiver, SECRET, write_config};
use leakproof_watch::{Config, DaemonOptions, start};

/// A throwaway redis-server on 127.0.0.1, killed on drop.
struct Redis {
    child: Child,
    port: u16,
}

impl Redis {
    fn start(dir: &Path) -> Redis {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(dir)
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server is missing: install the Debian package `redis-server`");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Redis { child, port }
    }

    /// Stores one record, so the open Redis holds data (a high finding).
    fn seed(&self) {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let (key, value) = ("case:1", "{\"note\":\"call back tomorrow\"}");
        let command = format!(
            "*3\r\n$3\r\nSET\r\n${}\r\n{key}\r\n${}\r\n{value}\r\n",
            key.len(),
            value.len()
        );
        stream.write_all(command.as_bytes()).unwrap();
        let mut reply = [0u8; 5];
        stream.read_exact(&mut reply).unwrap();
        assert_eq!(&reply, b"+OK\r\n");
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_redis_is_alerted_and_resolved_when_closed() {
    let receiver = Receiver::start(SECRET).await;
    let dir = tempfile::tempdir().unwrap();
    let redis = Redis::start(dir.path());
    redis.seed();
    let probe = format!(
        "\n[[probe]]\ntargets = [\"127.0.0.1:{}\"]\ninterval = \"500ms\"\ntimeout = \"2s\"\n",
        redis.port
    );
    let config = Config::load(&write_config(dir.path(), &receiver.url(), &probe)).unwrap();
    let daemon = start(config, DaemonOptions::default()).await.unwrap();

    let got = receiver
        .wait_for(Duration::from_secs(20), |r| !r.is_empty())
        .await;
    common::assert_alert_schema(&got[0].body);
    let event = &got[0].body["events"][0];
    assert_eq!(event["change"], "new");
    assert_eq!(event["finding"]["rule_id"], "LP-PROBE-101");
    assert_eq!(
        event["finding"]["location"]["endpoint"],
        format!("127.0.0.1:{}", redis.port)
    );
    assert_eq!(got[0].body["run"]["kind"], "probe");

    // Repeated probes of the same open Redis do not alert again.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(receiver.accepted().len(), 1);
    assert!(daemon.store().runs(100).unwrap().len() >= 2);

    // Closed: the next probe no longer sees it (on_resolved is set).
    drop(redis);
    let got = receiver
        .wait_for(Duration::from_secs(20), |r| r.len() >= 2)
        .await;
    assert_eq!(got[1].body["events"][0]["change"], "resolved");
    assert_eq!(
        got[1].body["events"][0]["finding"]["rule_id"],
        "LP-PROBE-101"
    );
    daemon.shutdown().await;
}
