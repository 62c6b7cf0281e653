//! A small HTTP client for the Elasticsearch/OpenSearch REST API: the few
//! calls a reindex needs, with credentials and TLS.

use std::time::Duration;

use base64::Engine as _;
use reqwest::{Method, Url};
use serde_json::Value;

use crate::ReindexError;

/// An index on a cluster: `http(s)://host:port[/prefix]/INDEX`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    base: Url,
    index: String,
}

impl Endpoint {
    /// Parses `URL/INDEX`. Credentials in the URL are refused: they would
    /// sit in the shell history and the process list.
    pub fn parse(text: &str) -> Result<Self, ReindexError> {
        let bad = |why: &str| {
            ReindexError::Endpoint(format!("{why} (expected http(s)://HOST:PORT/INDEX)"))
        };
        let url = Url::parse(text).map_err(|_| bad("not a URL"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad("the scheme must be http or https"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ReindexError::Endpoint(
                "credentials in the URL are refused: use --user with --password-file or LEAKPROOF_ES_PASSWORD, or an API key file".into(),
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("no query string or fragment"));
        }
        let path = url.path().trim_end_matches('/');
        let (prefix, index) = path.rsplit_once('/').unwrap_or(("", path));
        let index = percent_decode(index);
        if index.is_empty()
            || index.starts_with(['_', '-', '+'])
            || index.contains([',', '*', ' ', '"', '\\', '<', '>', '|', '?', '#'])
        {
            return Err(bad("missing or invalid index name"));
        }
        let mut base = url.clone();
        base.set_path(&format!("{prefix}/"));
        Ok(Endpoint { base, index })
    }

    /// The index name.
    pub fn index(&self) -> &str {
        &self.index
    }

    /// The cluster URL (no credentials: none are accepted in URLs).
    pub fn cluster(&self) -> &str {
        self.base.as_str()
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.base, self.index)
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How to authenticate. Secrets are never printed (`Debug` hides them).
#[derive(Clone, Default)]
pub enum Auth {
    /// No credentials.
    #[default]
    None,
    /// HTTP basic authentication.
    Basic {
        /// The user name.
        user: String,
        /// The password.
        password: String,
    },
    /// An API key: the encoded form (`base64(id:key)`), or `id:key`.
    ApiKey(String),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::None => write!(f, "None"),
            Auth::Basic { user, .. } => write!(f, "Basic {{ user: {user:?}, password: *** }}"),
            Auth::ApiKey(_) => write!(f, "ApiKey(***)"),
        }
    }
}

/// How to reach one cluster: credentials, and a CA for TLS.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    /// Credentials.
    pub auth: Auth,
    /// PEM certificates trusted in addition to the system roots (a
    /// cluster's own CA).
    pub ca_pem: Option<Vec<u8>>,
    /// Time allowed for one request.
    pub timeout: Option<Duration>,
}

/// What a failed call answered, without any document data.
#[derive(Debug)]
pub(crate) struct HttpFailure {
    pub(crate) status: u16,
    pub(crate) kind: String,
}

pub(crate) struct Client {
    http: reqwest::Client,
    base: Url,
    auth: Option<String>,
}

impl Client {
    pub(crate) fn new(endpoint: &Endpoint, connection: &Connection) -> Result<Self, ReindexError> {
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(connection.timeout.unwrap_or(Duration::from_secs(120)))
            .pool_max_idle_per_host(16);
        if let Some(pem) = &connection.ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|_| {
                ReindexError::Tls("the CA file holds no valid PEM certificate".into())
            })?;
            if certs.is_empty() {
                return Err(ReindexError::Tls("the CA file holds no certificate".into()));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder
            .build()
            .map_err(|e| ReindexError::Tls(format!("cannot build the HTTP client: {e}")))?;
        let auth = match &connection.auth {
            Auth::None => None,
            Auth::Basic { user, password } => Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
            )),
            Auth::ApiKey(key) => {
                let key = key.trim();
                let encoded = if key.contains(':') {
                    base64::engine::general_purpose::STANDARD.encode(key)
                } else {
                    key.to_string()
                };
                Some(format!("ApiKey {encoded}"))
            }
        };
        Ok(Client {
            http,
            base: endpoint.base.clone(),
            auth,
        })
    }

    fn url(&self, path: &str) -> Result<Url, ReindexError> {
        self.base
            .join(path.trim_start_matches('/'))
            .map_err(|_| ReindexError::Endpoint(format!("cannot build a URL for {path}")))
    }

    /// Sends a request; returns the status and body, or a transport error.
    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<(&'static str, Vec<u8>)>,
    ) -> Result<(u16, Vec<u8>), ReindexError> {
        let url = self.url(path)?;
        let mut request = self.http.request(method, url);
        if let Some(auth) = &self.auth {
            request = request.header(reqwest::header::AUTHORIZATION, auth);
        }
        if let Some((content_type, bytes)) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(bytes);
        }
        let response = request.send().await.map_err(|e| ReindexError::Transport {
            what: strip_query(path),
            message: transport_message(&e),
        })?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| ReindexError::Transport {
                what: strip_query(path),
                message: transport_message(&e),
            })?;
        Ok((status, bytes.to_vec()))
    }

    /// A JSON call: `Ok(Ok(body))` on 2xx, `Ok(Err(failure))` on an error
    /// status, `Err` when the cluster could not be reached.
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Result<Value, HttpFailure>, ReindexError> {
        let body = body.map(|b| ("application/json", b.to_string().into_bytes()));
        let (status, bytes) = self.send(method, path, body).await?;
        if (200..300).contains(&status) {
            let value = if bytes.is_empty() {
                Value::Null
            } else {
                serde_json::from_slice(&bytes).map_err(|_| ReindexError::Protocol {
                    what: strip_query(path),
                    message: "the answer is not JSON".into(),
                })?
            };
            Ok(Ok(value))
        } else {
            Ok(Err(HttpFailure {
                status,
                kind: error_type(&bytes),
            }))
        }
    }

    /// A JSON call that must succeed.
    pub(crate) async fn expect(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ReindexError> {
        self.call(method, path, body)
            .await?
            .map_err(|f| ReindexError::Status {
                what: strip_query(path),
                status: f.status,
                kind: f.kind,
            })
    }
}

fn strip_query(path: &str) -> String {
    path.split('?').next().unwrap_or(path).to_string()
}

/// A transport error without the URL's query (reqwest adds the URL; ours
/// never hold credentials, but keep messages short).
fn transport_message(e: &reqwest::Error) -> String {
    let mut message = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "cannot connect".to_string()
    } else {
        "request failed".to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

/// The `error.type` of an error answer (the reason can quote document
/// values, so it is not kept).
pub(crate) fn error_type(body: &[u8]) -> String {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let error = &value["error"];
    let kind = error["root_cause"][0]["type"]
        .as_str()
        .or_else(|| error["caused_by"]["type"].as_str())
        .or_else(|| error["type"].as_str())
        .or_else(|| error.as_str());
    kind.map_or_else(
        || "unknown error".to_string(),
        |k| k.chars().take(200).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_split_into_cluster_and_index() {
        let e = Endpoint::parse("http://127.0.0.1:9200/support-cases").expect("valid");
        assert_eq!(e.cluster(), "http://127.0.0.1:9200/");
        assert_eq!(e.index(), "support-cases");
        let e = Endpoint::parse("https://es.internal/proxy/es/cases/").expect("valid");
        assert_eq!(e.cluster(), "https://es.internal/proxy/es/");
        assert_eq!(e.index(), "cases");
        for bad in [
            "http://127.0.0.1:9200",
            "http://127.0.0.1:9200/",
            "ftp://h/i",
            "http://u:p@h:9200/i",
            "http://h:9200/_all",
            "http://h:9200/a,b",
            "nonsense",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let auth = Auth::Basic {
            user: "ops".into(),
            password: "hunter2".into(),
        };
        assert!(!format!("{auth:?}").contains("hunter2"));
        assert!(!format!("{:?}", Auth::ApiKey("k3y".into())).contains("k3y"));
    }

    #[test]
    fn error_types_are_kept_and_reasons_dropped() {
        let body = br#"{"error":{"root_cause":[{"type":"mapper_parsing_exception","reason":"value 'a@b.c'"}],"type":"x"},"status":400}"#;
        assert_eq!(error_type(body), "mapper_parsing_exception");
        assert_eq!(error_type(b"nope"), "unknown error");
    }
}
