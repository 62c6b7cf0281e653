//! The `leakproof.toml` configuration of `leakproof watch`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use leakproof_core::Severity;
use leakproof_probe::{Credentials, ProbeOptions, Target};
use serde::Deserialize;

use crate::WatchError;

/// The whole configuration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where findings are stored.
    #[serde(default)]
    pub store: StoreConfig,
    /// Groups of paths to audit.
    #[serde(default)]
    pub audit: Vec<AuditGroup>,
    /// Groups of endpoints to probe.
    #[serde(default)]
    pub probe: Vec<ProbeGroup>,
    /// Where alerts go.
    #[serde(default)]
    pub alert: Vec<AlertSink>,
    /// The read-only HTTP API and dashboard.
    #[serde(default)]
    pub api: ApiConfig,
    /// How alerts are batched and retried.
    #[serde(default)]
    pub delivery: DeliveryConfig,
}

/// `[store]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// The SQLite file; relative paths are relative to the config file.
    /// Defaults to `<data dir>/leakproof/leakproof.db`.
    pub path: Option<PathBuf>,
}

/// One `[[audit]]` group.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AuditGroup {
    /// Files and directories to audit; re-audited as soon as they change.
    pub paths: Vec<PathBuf>,
    /// Re-audit this often even when nothing changed (a safety net).
    #[serde(default = "default_audit_interval", with = "humantime_serde")]
    pub interval: Duration,
}

/// One `[[probe]]` group.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeGroup {
    /// Endpoints or ranges you own (`host:port`, CIDR, URL).
    pub targets: Vec<String>,
    /// How often to probe.
    #[serde(default = "default_probe_interval", with = "humantime_serde")]
    pub interval: Duration,
    /// Documents sampled per index or collection for the PII scan.
    pub sample: Option<usize>,
    /// Time allowed per target.
    #[serde(default, with = "humantime_serde")]
    pub timeout: Option<Duration>,
    /// Targets probed at once.
    pub concurrency: Option<usize>,
    /// Endpoints started per second at most.
    pub rate: Option<f64>,
    /// The most bytes read for one response.
    pub max_response_bytes: Option<usize>,
    /// A credentials file (the probe's TOML format) for your own endpoints.
    pub credentials: Option<PathBuf>,
    /// Do not verify TLS certificates (self-signed endpoints you own).
    #[serde(default)]
    pub insecure: bool,
}

/// Ports probed when a target is a CIDR range without ports: Elasticsearch
/// and OpenSearch, Redis, PostgreSQL, MySQL/MariaDB, MongoDB, memcached.
pub const DEFAULT_PROBE_PORTS: &str = "9200,6379,5432,3306,27017,11211";

impl ProbeGroup {
    /// How this group is probed; reads the credentials file, if any.
    pub fn options(&self) -> Result<ProbeOptions, WatchError> {
        let mut options = ProbeOptions::default();
        if let Some(sample) = self.sample {
            options.sample = sample;
        }
        if let Some(concurrency) = self.concurrency {
            options.concurrency = concurrency.max(1);
        }
        if let Some(timeout) = self.timeout {
            options.timeout = timeout;
        }
        if let Some(max) = self.max_response_bytes {
            options.max_response_bytes = max;
        }
        options.rate = self.rate;
        options.verify_tls = !self.insecure;
        if let Some(path) = &self.credentials {
            options.credentials =
                Credentials::load(path).map_err(|err| WatchError::Config(err.to_string()))?;
        }
        Ok(options)
    }

    /// The group's targets. A CIDR range written without ports
    /// (`10.0.0.0/28`) is probed on [`DEFAULT_PROBE_PORTS`].
    pub fn parsed_targets(&self) -> Result<Vec<Target>, leakproof_probe::TargetError> {
        self.targets
            .iter()
            .map(|spec| {
                let spec = spec.trim();
                let bare_cidr = spec.rsplit_once('/').is_some_and(|(_, prefix)| {
                    let prefix = prefix.trim_end_matches(']');
                    !prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_digit())
                });
                if bare_cidr {
                    format!("{spec}:{DEFAULT_PROBE_PORTS}").parse()
                } else {
                    spec.parse()
                }
            })
            .collect()
    }
}

/// The kind of an alert sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SinkKind {
    /// Generic JSON webhook with an HMAC signature.
    Webhook,
    /// Slack incoming webhook.
    Slack,
    /// Microsoft Teams incoming webhook.
    Teams,
    /// SMTP email.
    Email,
    /// NDJSON on standard output.
    Stdout,
}

impl SinkKind {
    /// The lowercase name used in the config.
    pub fn as_str(self) -> &'static str {
        match self {
            SinkKind::Webhook => "webhook",
            SinkKind::Slack => "slack",
            SinkKind::Teams => "teams",
            SinkKind::Email => "email",
            SinkKind::Stdout => "stdout",
        }
    }
}

/// How email is encrypted in transit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Upgrade with STARTTLS and refuse to send without it.
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same host.
    None,
}

/// One `[[alert]]` sink. Its `Debug` leaves out the URL, which can be a
/// credential (Slack and Teams webhook URLs are).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertSink {
    /// What kind of sink.
    pub kind: SinkKind,
    /// A name for logs and metrics; defaults to `<kind>-<n>`.
    pub name: Option<String>,
    /// The webhook URL (webhook, slack, teams).
    pub url: Option<String>,
    /// Environment variable holding the URL instead (Slack and Teams
    /// webhook URLs are credentials).
    pub url_env: Option<String>,
    /// Only events at or above this severity are sent.
    #[serde(default = "default_min_severity")]
    pub min_severity: Severity,
    /// Also send an alert when a finding is resolved.
    #[serde(default)]
    pub on_resolved: bool,
    /// Environment variable holding the webhook HMAC secret.
    pub secret_env: Option<String>,
    /// File holding the webhook HMAC secret.
    pub secret_file: Option<PathBuf>,
    /// SMTP server host (email).
    pub host: Option<String>,
    /// SMTP server port (email; default 587, 465 with `tls = "tls"`).
    pub port: Option<u16>,
    /// SMTP encryption (email).
    #[serde(default)]
    pub tls: SmtpTls,
    /// Sender address (email).
    pub from: Option<String>,
    /// Recipient addresses (email).
    #[serde(default)]
    pub to: Vec<String>,
    /// SMTP user name (email).
    pub username: Option<String>,
    /// Environment variable holding the SMTP password (email).
    pub password_env: Option<String>,
}

impl std::fmt::Debug for AlertSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlertSink")
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("url", &self.url.as_ref().map(|_| "(set)"))
            .field("url_env", &self.url_env)
            .field("min_severity", &self.min_severity)
            .field("on_resolved", &self.on_resolved)
            .field("host", &self.host)
            .field("to", &self.to)
            .finish_non_exhaustive()
    }
}

/// `[api]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiConfig {
    /// Address to listen on; anything but loopback needs a token.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// Environment variable holding the bearer token.
    pub token_env: Option<String>,
    /// File holding the bearer token.
    pub token_file: Option<PathBuf>,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            listen: default_listen(),
            token_env: None,
            token_file: None,
        }
    }
}

/// `[delivery]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryConfig {
    /// More events than this from one run go out as one digest per sink.
    #[serde(default = "default_digest_threshold")]
    pub digest_threshold: usize,
    /// First retry delay; doubled on each failure, with jitter.
    #[serde(default = "default_initial_backoff", with = "humantime_serde")]
    pub initial_backoff: Duration,
    /// Longest retry delay.
    #[serde(default = "default_max_backoff", with = "humantime_serde")]
    pub max_backoff: Duration,
    /// Time allowed for one delivery attempt.
    #[serde(default = "default_delivery_timeout", with = "humantime_serde")]
    pub timeout: Duration,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            digest_threshold: default_digest_threshold(),
            initial_backoff: default_initial_backoff(),
            max_backoff: default_max_backoff(),
            timeout: default_delivery_timeout(),
        }
    }
}

/// The default API port.
pub const DEFAULT_API_PORT: u16 = 9717;

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], DEFAULT_API_PORT))
}
fn default_audit_interval() -> Duration {
    Duration::from_secs(300)
}
fn default_probe_interval() -> Duration {
    Duration::from_secs(300)
}
fn default_min_severity() -> Severity {
    Severity::Low
}
fn default_digest_threshold() -> usize {
    10
}
fn default_initial_backoff() -> Duration {
    Duration::from_secs(2)
}
fn default_max_backoff() -> Duration {
    Duration::from_secs(300)
}
fn default_delivery_timeout() -> Duration {
    Duration::from_secs(15)
}

impl Config {
    /// Reads and checks a config file. Relative paths in it are resolved
    /// against the file's directory.
    pub fn load(path: &Path) -> Result<Config, WatchError> {
        let text = std::fs::read_to_string(path).map_err(|source| WatchError::Io {
            context: format!("reading config {}", path.display()),
            source,
        })?;
        let base = path.parent().unwrap_or_else(|| Path::new("."));
        Config::parse(&text, base).map_err(|err| match err {
            WatchError::Config(msg) => WatchError::Config(format!("{}: {msg}", path.display())),
            other => other,
        })
    }

    /// Parses and checks config text; relative paths are resolved against `base`.
    pub fn parse(text: &str, base: &Path) -> Result<Config, WatchError> {
        let mut config: Config = toml::from_str(text).map_err(|err| {
            // Line and column from the span, but not toml's quoted source
            // line: it could hold a webhook URL, which is a secret.
            let at = err
                .span()
                .and_then(|span| text.get(..span.start))
                .map(|before| {
                    let line = before.matches('\n').count() + 1;
                    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    format!("line {line}, column {column}: ")
                })
                .unwrap_or_default();
            WatchError::Config(format!("{at}{}", err.message().trim_end()))
        })?;
        config.resolve_paths(base);
        config.check()?;
        Ok(config)
    }

    fn resolve_paths(&mut self, base: &Path) {
        let resolve = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        if let Some(path) = self.store.path.as_mut() {
            resolve(path);
        }
        for group in &mut self.audit {
            group.paths.iter_mut().for_each(resolve);
        }
        for group in &mut self.probe {
            if let Some(file) = group.credentials.as_mut() {
                resolve(file);
            }
        }
        for sink in &mut self.alert {
            if let Some(file) = sink.secret_file.as_mut() {
                resolve(file);
            }
        }
        if let Some(file) = self.api.token_file.as_mut() {
            resolve(file);
        }
    }

    fn check(&self) -> Result<(), WatchError> {
        for (i, group) in self.probe.iter().enumerate() {
            group
                .parsed_targets()
                .map_err(|err| WatchError::Config(format!("[[probe]] #{}: {err}", i + 1)))?;
            if group.interval.is_zero() {
                return Err(WatchError::Config(format!(
                    "[[probe]] #{}: interval must be above zero",
                    i + 1
                )));
            }
        }
        for (i, group) in self.audit.iter().enumerate() {
            if group.interval.is_zero() {
                return Err(WatchError::Config(format!(
                    "[[audit]] #{}: interval must be above zero",
                    i + 1
                )));
            }
        }
        let mut names = std::collections::HashSet::new();
        for (i, sink) in self.alert.iter().enumerate() {
            let name = self.sink_name(i);
            if !names.insert(name.clone()) {
                return Err(WatchError::Config(format!(
                    "[[alert]] #{}: duplicate name {name:?}",
                    i + 1
                )));
            }
            let missing = |field: &str| {
                WatchError::Config(format!(
                    "[[alert]] #{} ({}): `{field}` is required",
                    i + 1,
                    sink.kind.as_str()
                ))
            };
            match sink.kind {
                SinkKind::Webhook | SinkKind::Slack | SinkKind::Teams => {
                    match (&sink.url, &sink.url_env) {
                        (Some(url), None) => check_url(url).map_err(|err| {
                            WatchError::Config(format!("[[alert]] #{}: {err}", i + 1))
                        })?,
                        (None, Some(_)) => {}
                        (Some(_), Some(_)) => {
                            return Err(WatchError::Config(format!(
                                "[[alert]] #{}: `url` and `url_env` exclude each other",
                                i + 1
                            )));
                        }
                        (None, None) => return Err(missing("url")),
                    }
                }
                SinkKind::Email => {
                    sink.host.as_deref().ok_or_else(|| missing("host"))?;
                    sink.from.as_deref().ok_or_else(|| missing("from"))?;
                    if sink.to.is_empty() {
                        return Err(missing("to"));
                    }
                }
                SinkKind::Stdout => {}
            }
        }
        Ok(())
    }

    /// The name of the `index`-th sink: its `name`, or `<kind>-<n>`.
    pub fn sink_name(&self, index: usize) -> String {
        let sink = &self.alert[index];
        sink.name
            .clone()
            .unwrap_or_else(|| format!("{}-{}", sink.kind.as_str(), index + 1))
    }

    /// The store path: `--db` if given, else `[store] path`, else the
    /// default under the user's data directory.
    pub fn store_path(&self, db_override: Option<&Path>) -> Result<PathBuf, WatchError> {
        if let Some(path) = db_override {
            return Ok(path.to_path_buf());
        }
        if let Some(path) = &self.store.path {
            return Ok(path.clone());
        }
        default_store_path()
    }
}

/// Checks a sink URL without echoing it (it may hold a credential).
pub(crate) fn check_url(url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|err| format!("invalid url: {err}"))?;
    if matches!(parsed.scheme(), "http" | "https") {
        Ok(())
    } else {
        Err(format!(
            "url scheme {:?} is not http or https",
            parsed.scheme()
        ))
    }
}

/// `<data dir>/leakproof/leakproof.db`.
pub fn default_store_path() -> Result<PathBuf, WatchError> {
    dirs::data_dir()
        .map(|dir| dir.join("leakproof").join("leakproof.db"))
        .ok_or_else(|| {
            WatchError::Config("no user data directory; set [store] path or --db".into())
        })
}

/// Reads a secret from an environment variable or a file (trailing
/// whitespace trimmed). `None` when neither is configured.
pub fn read_secret(env: Option<&str>, file: Option<&Path>) -> Result<Option<String>, WatchError> {
    if let Some(var) = env {
        let value = std::env::var(var)
            .map_err(|_| WatchError::Config(format!("environment variable {var} is not set")))?;
        if value.trim().is_empty() {
            return Err(WatchError::Config(format!(
                "environment variable {var} is empty"
            )));
        }
        return Ok(Some(value.trim_end().to_string()));
    }
    if let Some(path) = file {
        let value = std::fs::read_to_string(path).map_err(|source| WatchError::Io {
            context: format!("reading secret file {}", path.display()),
            source,
        })?;
        let value = value.trim_end().to_string();
        if value.is_empty() {
            return Err(WatchError::Config(format!(
                "secret file {} is empty",
                path.display()
            )));
        }
        return Ok(Some(value));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[store]
path = "leakproof.db"

[[audit]]
paths = ["/etc/elasticsearch", "infra/network"]

[[probe]]
targets = ["127.0.0.1:9200", "10.0.0.0/28"]
interval = "60s"
sample = 20

[[alert]]
kind = "webhook"
url = "http://127.0.0.1:9000/hooks/leakproof"
min_severity = "high"
"#;

    #[test]
    fn minimal_config_parses_as_written() {
        let config = Config::parse(MINIMAL, Path::new("/srv/lp")).unwrap();
        assert_eq!(
            config.store.path.as_deref(),
            Some(Path::new("/srv/lp/leakproof.db"))
        );
        assert_eq!(config.audit[0].paths[1], Path::new("/srv/lp/infra/network"));
        assert_eq!(config.audit[0].paths[0], Path::new("/etc/elasticsearch"));
        assert_eq!(config.audit[0].interval, Duration::from_secs(300));
        assert_eq!(config.probe[0].interval, Duration::from_secs(60));
        assert_eq!(config.probe[0].sample, Some(20));
        let targets = config.probe[0].parsed_targets().unwrap();
        assert_eq!(targets.len(), 2);
        assert_eq!(
            targets[1].endpoints().len(),
            16 * 6,
            "a bare /28 on six ports"
        );
        assert_eq!(config.alert[0].min_severity, Severity::High);
        assert_eq!(config.sink_name(0), "webhook-1");
        assert!(config.api.listen.ip().is_loopback());
    }

    #[test]
    fn unknown_field_is_an_error_with_a_line_number() {
        let text = "[store]\npath = \"x.db\"\n\n[[alert]]\nkind = \"webhook\"\nurl = \"http://127.0.0.1:1/\"\nmin_sevrity = \"high\"\n";
        let err = Config::parse(text, Path::new(".")).unwrap_err().to_string();
        assert!(err.contains("line 7"), "{err}");
        assert!(err.contains("min_sevrity"), "{err}");
    }

    #[test]
    fn webhook_without_url_is_rejected() {
        let err = Config::parse("[[alert]]\nkind = \"webhook\"\n", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(err.contains("`url` is required"), "{err}");
    }

    #[test]
    fn bad_duration_is_rejected() {
        let text = "[[probe]]\ntargets = [\"127.0.0.1:9200\"]\ninterval = \"soon\"\n";
        let err = Config::parse(text, Path::new(".")).unwrap_err().to_string();
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn the_annotated_example_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/leakproof.toml");
        let config = Config::load(&path).unwrap();
        assert_eq!(config.alert.len(), 4);
        assert_eq!(config.sink_name(0), "secops-hook");
        assert_eq!(config.delivery.digest_threshold, 10);
    }

    #[test]
    fn errors_never_echo_the_config_text() {
        let text = "[[alert]]\nkind = \"slack\"\nurl = \"https://hooks.slack.com/services/T0/B0/SECRETXYZ\" oops\n";
        let err = Config::parse(text, Path::new(".")).unwrap_err().to_string();
        assert!(err.contains("line 3"), "{err}");
        assert!(!err.contains("SECRETXYZ"), "{err}");
        let text = "[[alert]]\nkind = \"teams\"\nurl = \"ftp://SECRETXYZ@example.org/\"\n";
        let err = Config::parse(text, Path::new(".")).unwrap_err().to_string();
        assert!(
            err.contains("not http or https") && !err.contains("SECRETXYZ"),
            "{err}"
        );
    }

    #[test]
    fn a_sink_url_can_come_from_the_environment() {
        let text = "[[alert]]\nkind = \"slack\"\nurl_env = \"LP_TEST_SLACK_URL_NEVER_SET\"\n";
        let config = Config::parse(text, Path::new(".")).unwrap();
        let err = crate::alert::Sink::all(&config).unwrap_err().to_string();
        assert!(
            err.contains("LP_TEST_SLACK_URL_NEVER_SET is not set"),
            "{err}"
        );
        let both = "[[alert]]\nkind = \"slack\"\nurl = \"https://x.invalid/\"\nurl_env = \"X\"\n";
        assert!(Config::parse(both, Path::new(".")).is_err());
    }

    #[test]
    fn debug_output_leaves_out_sink_urls() {
        let text = "[[alert]]\nkind = \"slack\"\nurl = \"https://hooks.slack.com/services/T0/B0/SECRETXYZ\"\n";
        let config = Config::parse(text, Path::new(".")).unwrap();
        assert!(!format!("{config:?}").contains("SECRETXYZ"));
        let sinks = crate::alert::Sink::all(&config).unwrap();
        assert!(!format!("{sinks:?}").contains("SECRETXYZ"));
    }
}
