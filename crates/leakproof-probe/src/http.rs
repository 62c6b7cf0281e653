//! Elasticsearch, OpenSearch, Kibana and CouchDB over HTTP(S), read-only:
//! only GET requests, no redirects followed (a redirect could lead to a host
//! the user did not list).

use reqwest::header::{HeaderMap, WWW_AUTHENTICATE};
use reqwest::{StatusCode, Url};
use serde_json::Value;

use crate::net::ProbeError;
use crate::observation::{Access, Observation, Resource, SampleStats};
use crate::session::Session;

/// Indices, databases and the like listed at most (and sampled at most).
const MAX_RESOURCES: usize = 100;

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    fn realm(&self) -> Option<String> {
        self.headers
            .get(WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(120).collect())
    }
}

struct Client<'a> {
    session: &'a Session<'a>,
    base: Url,
    basic_auth: bool,
}

impl Client<'_> {
    async fn get(&self, path_and_query: &str) -> Result<Answer, ProbeError> {
        let url = self
            .base
            .join(path_and_query)
            .map_err(|e| ProbeError::malformed("HTTP", format!("bad path: {e}")))?;
        self.get_url(url).await
    }

    async fn get_url(&self, url: Url) -> Result<Answer, ProbeError> {
        let session = self.session;
        let mut request = session.http.get(url);
        if self.basic_auth
            && let Some(credential) = session.credential
        {
            request = request.basic_auth(
                credential.user.clone().unwrap_or_default(),
                Some(credential.password()),
            );
        }
        let mut response = request.send().await.map_err(map_error)?;
        let status = response.status();
        let headers = response.headers().clone();
        let limit = session.options.max_response_bytes;
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(map_error)? {
            if body.len() + chunk.len() > limit {
                return Err(ProbeError::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

fn map_error(error: reqwest::Error) -> ProbeError {
    // The causes, not the top error: its text holds the URL, whose host
    // name could contain any of the words looked for.
    let mut chain = String::new();
    let mut source = std::error::Error::source(&error);
    while let Some(e) = source {
        chain.push_str(&e.to_string());
        chain.push(' ');
        source = e.source();
    }
    let lower = chain.to_ascii_lowercase();
    if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        let reason = if lower.contains("unknownissuer") || lower.contains("unknown issuer") {
            "certificate issuer not trusted".to_string()
        } else if lower.contains("notvalidforname") || lower.contains("not valid for name") {
            "certificate not valid for this name".to_string()
        } else if lower.contains("expired") {
            "certificate expired".to_string()
        } else {
            "no TLS or an unusable certificate".to_string()
        };
        return ProbeError::Tls(reason);
    }
    if error.is_connect() {
        ProbeError::Connect("connection refused or unreachable".to_string())
    } else if error.is_timeout() {
        ProbeError::Timeout
    } else {
        // The error text can carry the URL, which holds only what the user
        // listed; still keep it short.
        ProbeError::malformed(
            "HTTP",
            error.to_string().chars().take(200).collect::<String>(),
        )
    }
}

/// Probes an HTTP(S) endpoint. Returns `Ok(false)` when what answered does
/// not speak HTTP (so identification can try the next protocol).
pub(crate) async fn probe(
    session: &Session<'_>,
    tls: bool,
    observation: &mut Observation,
) -> Result<bool, ProbeError> {
    let scheme = if tls { "https" } else { "http" };
    let base = Url::parse(&format!("{scheme}://{}/", session.endpoint.address()))
        .map_err(|e| ProbeError::malformed("HTTP", e.to_string()))?;
    let mut client = Client {
        session,
        base,
        basic_auth: false,
    };
    let root = match client.get("/").await {
        Ok(answer) => answer,
        Err(ProbeError::Malformed { .. } | ProbeError::Closed) if session.identifying => {
            return Ok(false);
        }
        Err(e) => return Err(e),
    };
    let mut root = root;
    let mut access = Access::Open;
    if matches!(
        root.status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
    ) {
        let realm = root.realm();
        let detail = match &realm {
            Some(realm) => format!(
                "HTTP {} with WWW-Authenticate: {realm}",
                root.status.as_u16()
            ),
            None => format!("HTTP {}", root.status.as_u16()),
        };
        observation.service = Some(product_of_locked(&root));
        observation.access = Some(Access::Locked {
            detail: detail.clone(),
        });
        if session.credential.is_none() {
            return Ok(true);
        }
        client.basic_auth = true;
        let with_credentials = client.get("/").await?;
        if !with_credentials.status.is_success() {
            observation.fact("credentials_status", with_credentials.status.as_u16());
            return Ok(true);
        }
        root = with_credentials;
        access = Access::LockedCredentialsAccepted { detail };
    }
    let json = root.json();
    let product = identify(&root, json.as_ref());
    observation.service = Some(product.name());
    observation.access = Some(access);
    if let Some(server) = root.headers.get("server").and_then(|v| v.to_str().ok()) {
        observation.fact("server", server.chars().take(80).collect::<String>());
    }
    match product {
        Product::Elasticsearch | Product::OpenSearch => {
            search_engine(&client, json.as_ref(), observation).await
        }
        Product::CouchDb => couchdb(&client, json.as_ref(), observation).await,
        Product::Kibana => kibana(&client, &root, observation).await,
        Product::Other if observation.access == Some(Access::Open) => {
            // A web server that is not a datastore: nothing a stranger reads
            // here is ours to judge, so it is reported as unidentified.
            observation.service = None;
            observation.access = None;
            let server = root
                .headers
                .get("server")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("unnamed");
            observation.banner = Some(format!(
                "an HTTP server ({}) that is none of Elasticsearch, OpenSearch, Kibana or CouchDB",
                server.chars().take(60).collect::<String>()
            ));
            Ok(true)
        }
        Product::Other => Ok(true),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Product {
    Elasticsearch,
    OpenSearch,
    Kibana,
    CouchDb,
    Other,
}

impl Product {
    fn name(self) -> &'static str {
        match self {
            Product::Elasticsearch => "Elasticsearch",
            Product::OpenSearch => "OpenSearch",
            Product::Kibana => "Kibana",
            Product::CouchDb => "CouchDB",
            Product::Other => "HTTP service",
        }
    }
}

fn identify(root: &Answer, json: Option<&Value>) -> Product {
    if root.headers.contains_key("kbn-name") || root.headers.contains_key("kbn-version") {
        return Product::Kibana;
    }
    if let Some(json) = json {
        if json.get("couchdb").is_some() {
            return Product::CouchDb;
        }
        let version = json.get("version");
        let distribution = version
            .and_then(|v| v.get("distribution"))
            .and_then(Value::as_str);
        if distribution == Some("opensearch") {
            return Product::OpenSearch;
        }
        let tagline = json.get("tagline").and_then(Value::as_str).unwrap_or("");
        if tagline.contains("You Know, for Search")
            || (json.get("cluster_name").is_some() && version.is_some())
        {
            return Product::Elasticsearch;
        }
    }
    if root.headers.contains_key("x-elastic-product") {
        return Product::Elasticsearch;
    }
    let server = root
        .headers
        .get("server")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if server.starts_with("CouchDB") {
        return Product::CouchDb;
    }
    Product::Other
}

fn product_of_locked(root: &Answer) -> &'static str {
    let body = String::from_utf8_lossy(&root.body);
    let realm = root.realm().unwrap_or_default();
    if body.contains("security_exception") || realm.contains("realm=\"security\"") {
        "Elasticsearch"
    } else if body.contains("\"couchdb\"") || body.contains("unauthorized\",\"reason") {
        "CouchDB"
    } else {
        "HTTP service"
    }
}

fn as_count(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

async fn search_engine(
    client: &Client<'_>,
    root: Option<&Value>,
    observation: &mut Observation,
) -> Result<bool, ProbeError> {
    if let Some(root) = root {
        if let Some(number) = root.pointer("/version/number").and_then(Value::as_str) {
            observation.version = Some(number.to_string());
        }
        if let Some(name) = root.get("cluster_name").and_then(Value::as_str) {
            observation.fact("cluster_name", name);
        }
    }
    let health = client.get("/_cluster/health").await?;
    if let Some(health) = health.json() {
        if let Some(status) = health.get("status").and_then(Value::as_str) {
            observation.fact("cluster_status", status);
        }
        if let Some(nodes) = health.get("number_of_nodes").and_then(Value::as_u64) {
            observation.fact("nodes", nodes);
        }
    }
    let indices = client.get("/_cat/indices?format=json&bytes=b").await?;
    let Some(Value::Array(indices)) = indices.json() else {
        return Ok(true);
    };
    for entry in indices.iter().take(MAX_RESOURCES) {
        let Some(name) = entry.get("index").and_then(Value::as_str) else {
            continue;
        };
        let mut resource = Resource::new("index", name);
        if let Some(docs) = as_count(entry.get("docs.count")) {
            resource = resource.with("docs", docs);
            if docs > 0 && !name.starts_with('.') {
                observation.serves_data = true;
            }
        }
        if let Some(bytes) = as_count(entry.get("store.size")) {
            resource = resource.with("bytes", bytes);
        }
        if let Some(health) = entry.get("health").and_then(Value::as_str) {
            resource = resource.with("health", health);
        }
        observation.resources.push(resource);
    }
    observation.fact("indices", indices.len());
    let sample = client.session.options.sample;
    if sample == 0 {
        return Ok(true);
    }
    for index in 0..observation.resources.len() {
        let name = observation.resources[index].name.clone();
        if name.starts_with('.') {
            continue;
        }
        let mut url = client.base.clone();
        url.path_segments_mut()
            .map_err(|()| ProbeError::malformed("HTTP", "base URL cannot hold a path"))?
            .clear()
            .push(&name)
            .push("_search");
        url.query_pairs_mut()
            .append_pair("size", &sample.to_string());
        let answer = client.get_url(url).await?;
        let Some(hits) = answer
            .json()
            .and_then(|j| j.pointer("/hits/hits").cloned())
            .and_then(|h| h.as_array().cloned())
        else {
            continue;
        };
        let mut stats = SampleStats::default();
        for hit in hits.iter().take(sample) {
            let source = hit.get("_source").unwrap_or(hit);
            stats.add_document(client.session.detector, &source.to_string());
        }
        if stats.documents > 0 {
            observation.serves_data = true;
        }
        observation.resources[index].sample = Some(stats);
    }
    Ok(true)
}

async fn couchdb(
    client: &Client<'_>,
    root: Option<&Value>,
    observation: &mut Observation,
) -> Result<bool, ProbeError> {
    if let Some(version) = root.and_then(|r| r.get("version")).and_then(Value::as_str) {
        observation.version = Some(version.to_string());
    }
    let dbs = client.get("/_all_dbs").await?;
    let Some(Value::Array(dbs)) = dbs.json() else {
        return Ok(true);
    };
    let sample = client.session.options.sample;
    for name in dbs.iter().filter_map(Value::as_str).take(MAX_RESOURCES) {
        let mut resource = Resource::new("database", name);
        let mut url = client.base.clone();
        url.path_segments_mut()
            .map_err(|()| ProbeError::malformed("HTTP", "base URL cannot hold a path"))?
            .clear()
            .push(name);
        if let Some(info) = client.get_url(url.clone()).await?.json() {
            if let Some(docs) = as_count(info.get("doc_count")) {
                resource = resource.with("docs", docs);
                if docs > 0 && !name.starts_with('_') {
                    observation.serves_data = true;
                }
            }
            if let Some(bytes) = as_count(info.pointer("/sizes/file")) {
                resource = resource.with("bytes", bytes);
            }
        }
        if sample > 0 && !name.starts_with('_') {
            url.path_segments_mut()
                .map_err(|()| ProbeError::malformed("HTTP", "base URL cannot hold a path"))?
                .push("_all_docs");
            url.query_pairs_mut()
                .append_pair("include_docs", "true")
                .append_pair("limit", &sample.to_string());
            if let Some(rows) = client
                .get_url(url)
                .await?
                .json()
                .and_then(|j| j.get("rows").and_then(Value::as_array).cloned())
            {
                let mut stats = SampleStats::default();
                for row in rows.iter().take(sample) {
                    let doc = row.get("doc").unwrap_or(row);
                    stats.add_document(client.session.detector, &doc.to_string());
                }
                resource.sample = Some(stats);
            }
        }
        observation.resources.push(resource);
    }
    Ok(true)
}

async fn kibana(
    client: &Client<'_>,
    root: &Answer,
    observation: &mut Observation,
) -> Result<bool, ProbeError> {
    if let Some(version) = root
        .headers
        .get("kbn-version")
        .and_then(|v| v.to_str().ok())
    {
        observation.version = Some(version.to_string());
    }
    let status = client.get("/api/status").await?;
    if let Some(json) = status.json() {
        if let Some(version) = json.pointer("/version/number").and_then(Value::as_str) {
            observation.version = Some(version.to_string());
        }
        if let Some(name) = json.get("name").and_then(Value::as_str) {
            observation.fact("name", name);
        }
        let level = json
            .pointer("/status/overall/level")
            .or_else(|| json.pointer("/status/overall/state"))
            .and_then(Value::as_str);
        if let Some(level) = level {
            observation.fact("status", level);
        }
    }
    // Kibana answering a stranger is a window onto the Elasticsearch data
    // behind it.
    observation.serves_data = status.status.is_success();
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn answer(status: u16, headers: &[(&'static str, &str)], body: &str) -> Answer {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            headers: map,
            body: body.as_bytes().to_vec(),
        }
    }

    fn product(a: &Answer) -> Product {
        identify(a, a.json().as_ref())
    }

    // Root answers as the products send them (shortened).
    #[test]
    fn identifies_products_by_their_root_answer() {
        let es = answer(
            200,
            &[("x-elastic-product", "Elasticsearch")],
            r#"{"name":"n1","cluster_name":"support","version":{"number":"7.4.0","build_flavor":"default"},"tagline":"You Know, for Search"}"#,
        );
        assert_eq!(product(&es), Product::Elasticsearch);
        let os = answer(
            200,
            &[],
            r#"{"cluster_name":"c","version":{"distribution":"opensearch","number":"2.11.0"},"tagline":"The OpenSearch Project: https://opensearch.org/"}"#,
        );
        assert_eq!(product(&os), Product::OpenSearch);
        let couch = answer(
            200,
            &[("server", "CouchDB/3.3.3 (Erlang OTP/24)")],
            r#"{"couchdb":"Welcome","version":"3.3.3","vendor":{"name":"The Apache Software Foundation"}}"#,
        );
        assert_eq!(product(&couch), Product::CouchDb);
        let kibana = answer(
            302,
            &[("kbn-name", "kibana"), ("location", "/spaces/enter")],
            "",
        );
        assert_eq!(product(&kibana), Product::Kibana);
        assert_eq!(
            product(&answer(200, &[("server", "nginx")], "<html></html>")),
            Product::Other
        );
    }

    #[test]
    fn tells_a_security_realm_apart() {
        let es = answer(
            401,
            &[(
                "www-authenticate",
                "Basic realm=\"security\" charset=\"UTF-8\"",
            )],
            r#"{"error":{"type":"security_exception","reason":"missing authentication credentials"},"status":401}"#,
        );
        assert_eq!(product_of_locked(&es), "Elasticsearch");
        assert_eq!(
            es.realm().unwrap(),
            "Basic realm=\"security\" charset=\"UTF-8\""
        );
        let couch = answer(
            401,
            &[],
            r#"{"error":"unauthorized","reason":"You are not authorized to access this db."}"#,
        );
        assert_eq!(product_of_locked(&couch), "CouchDB");
        let proxy = answer(
            401,
            &[("www-authenticate", "Basic realm=\"restricted\"")],
            "<html>401</html>",
        );
        assert_eq!(product_of_locked(&proxy), "HTTP service");
    }
}
