//! Reading an index in slices: point-in-time with `search_after` where the
//! cluster has it, sliced scroll where it does not.

use reqwest::Method;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::client::Client;
use crate::{ReadMode, ReindexError};

/// Which point-in-time API a cluster speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// OpenSearch 2.x+: `POST /INDEX/_search/point_in_time`.
    OpenSearch,
    /// Elasticsearch 7.10+: `POST /INDEX/_pit`.
    Elasticsearch,
    /// Older Elasticsearch: no PIT, scroll only.
    ScrollOnly,
}

pub(crate) async fn flavor(client: &Client) -> Result<Flavor, ReindexError> {
    let root = client.expect(Method::GET, "/", None).await?;
    let version = &root["version"];
    if version["distribution"].as_str() == Some("opensearch") {
        return Ok(Flavor::OpenSearch);
    }
    let number = version["number"].as_str().unwrap_or("0");
    let mut parts = number
        .split(['.', '-'])
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    Ok(if (major, minor) >= (7, 10) {
        Flavor::Elasticsearch
    } else {
        Flavor::ScrollOnly
    })
}

/// Opens a point in time; `None` when the cluster has no PIT API.
pub(crate) async fn open_pit(
    client: &Client,
    flavor: Flavor,
    index: &str,
    keep_alive: &str,
) -> Result<Option<String>, ReindexError> {
    let path = match flavor {
        Flavor::OpenSearch => format!("/{index}/_search/point_in_time?keep_alive={keep_alive}"),
        Flavor::Elasticsearch => format!("/{index}/_pit?keep_alive={keep_alive}"),
        Flavor::ScrollOnly => return Ok(None),
    };
    match client.call(Method::POST, &path, None).await? {
        Ok(body) => {
            let id = body["pit_id"].as_str().or_else(|| body["id"].as_str());
            Ok(id.map(str::to_string))
        }
        Err(f) if matches!(f.status, 400 | 404 | 405) && f.kind != "index_not_found_exception" => {
            Ok(None)
        }
        Err(f) => Err(ReindexError::Status {
            what: format!("open point in time on {index}"),
            status: f.status,
            kind: f.kind,
        }),
    }
}

/// Closes a point in time, best effort (it expires on its own).
pub(crate) async fn close_pit(client: &Client, flavor: Flavor, pit_id: &str) {
    let (path, body) = match flavor {
        Flavor::OpenSearch => ("/_search/point_in_time", json!({ "pit_id": [pit_id] })),
        _ => ("/_pit", json!({ "id": pit_id })),
    };
    let _ = client.call(Method::DELETE, path, Some(&body)).await;
}

/// One document as read.
#[derive(Debug, Deserialize)]
pub(crate) struct Hit {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    #[serde(rename = "_routing", default)]
    pub(crate) routing: Option<String>,
    #[serde(rename = "_source", default)]
    pub(crate) source: Option<Box<RawValue>>,
    #[serde(default)]
    pub(crate) sort: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct Hits {
    hits: Vec<Hit>,
    #[serde(default)]
    total: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct Shards {
    #[serde(default)]
    total: u64,
    #[serde(default)]
    failed: u64,
}

#[derive(Debug, Deserialize)]
struct SearchResponse {
    hits: Hits,
    #[serde(default)]
    pit_id: Option<String>,
    #[serde(rename = "_scroll_id", default)]
    scroll_id: Option<String>,
    #[serde(rename = "_shards")]
    shards: Option<Shards>,
}

/// A page of documents, and where the next one starts.
pub(crate) struct Page {
    pub(crate) hits: Vec<Hit>,
    /// Documents in the slice, when the cluster said.
    pub(crate) total: Option<u64>,
}

/// Where a slice's reading stands.
#[derive(Debug, Clone)]
pub(crate) enum Cursor {
    Pit {
        pit_id: String,
        search_after: Option<Value>,
    },
    Scroll {
        scroll_id: Option<String>,
    },
}

/// Reads pages of one slice.
pub(crate) struct SliceReader {
    pub(crate) index: String,
    pub(crate) slice: u32,
    pub(crate) slices: u32,
    pub(crate) size: usize,
    pub(crate) keep_alive: String,
}

impl SliceReader {
    fn slice_clause(&self) -> Option<Value> {
        // A slice count of one is no slicing (and clusters refuse max = 1).
        (self.slices > 1).then(|| json!({ "field": "_id", "id": self.slice, "max": self.slices }))
    }

    /// The next page after `cursor`, and the cursor after that page.
    pub(crate) async fn next(
        &self,
        client: &Client,
        cursor: &Cursor,
        source: bool,
    ) -> Result<(Page, Cursor), ReindexError> {
        match cursor {
            Cursor::Pit {
                pit_id,
                search_after,
            } => {
                let mut body = json!({
                    "size": self.size,
                    "pit": { "id": pit_id, "keep_alive": self.keep_alive },
                    "sort": [{ "_shard_doc": "asc" }],
                    "track_total_hits": search_after.is_none(),
                    "_source": source,
                });
                if let Some(slice) = self.slice_clause() {
                    body["slice"] = slice;
                }
                if let Some(after) = search_after {
                    body["search_after"] = after.clone();
                }
                let response = self.search(client, "/_search", &body).await?;
                if response.shards.as_ref().is_some_and(|s| s.total == 0) {
                    // What a cluster answers for a PIT it does not know.
                    return Err(ReindexError::PitGone);
                }
                let next_after = response
                    .hits
                    .hits
                    .last()
                    .and_then(|h| h.sort.clone())
                    .or_else(|| search_after.clone());
                if !response.hits.hits.is_empty()
                    && response.hits.hits.iter().any(|h| h.sort.is_none())
                {
                    return Err(ReindexError::Protocol {
                        what: "search".into(),
                        message: "a hit came without sort values; search_after cannot continue"
                            .into(),
                    });
                }
                let pit_id = response.pit_id.clone().unwrap_or_else(|| pit_id.clone());
                let total = total_of(&response.hits.total);
                Ok((
                    Page {
                        hits: response.hits.hits,
                        total,
                    },
                    Cursor::Pit {
                        pit_id,
                        search_after: next_after,
                    },
                ))
            }
            Cursor::Scroll { scroll_id } => {
                let response = match scroll_id {
                    None => {
                        let mut body = json!({
                            "size": self.size,
                            "sort": ["_doc"],
                            "track_total_hits": true,
                            "_source": source,
                        });
                        if let Some(slice) = self.slice_clause() {
                            body["slice"] = slice;
                        }
                        let path = format!("/{}/_search?scroll={}", self.index, self.keep_alive);
                        self.search(client, &path, &body).await?
                    }
                    Some(id) => {
                        let body = json!({ "scroll": self.keep_alive, "scroll_id": id });
                        self.search(client, "/_search/scroll", &body).await?
                    }
                };
                let total = total_of(&response.hits.total);
                let next = Cursor::Scroll {
                    scroll_id: response.scroll_id.or_else(|| scroll_id.clone()),
                };
                Ok((
                    Page {
                        hits: response.hits.hits,
                        total,
                    },
                    next,
                ))
            }
        }
    }

    async fn search(
        &self,
        client: &Client,
        path: &str,
        body: &Value,
    ) -> Result<SearchResponse, ReindexError> {
        let bytes = serde_json::to_vec(body).map_err(|e| ReindexError::Protocol {
            what: "search".into(),
            message: e.to_string(),
        })?;
        let mut attempt = 0;
        loop {
            let (status, answer) = client
                .send(
                    Method::POST,
                    path,
                    Some(("application/json", bytes.clone())),
                )
                .await?;
            if (200..300).contains(&status) {
                let response: SearchResponse =
                    serde_json::from_slice(&answer).map_err(|e| ReindexError::Protocol {
                        what: "search".into(),
                        message: format!("unexpected answer: {}", e.classify_name()),
                    })?;
                if response.shards.as_ref().is_some_and(|s| s.failed > 0) {
                    return Err(ReindexError::Protocol {
                        what: "search".into(),
                        message: "some shards failed; refusing to read a partial index".into(),
                    });
                }
                return Ok(response);
            }
            let kind = crate::client::error_type(&answer);
            if status == 404 || kind == "search_context_missing_exception" {
                return Err(ReindexError::PitGone);
            }
            if (status == 429 || status >= 500) && attempt < 5 {
                attempt += 1;
                tokio::time::sleep(crate::backoff(attempt)).await;
                continue;
            }
            return Err(ReindexError::Status {
                what: format!("search {}", path.split('?').next().unwrap_or(path)),
                status,
                kind,
            });
        }
    }
}

/// Clears a scroll, best effort.
pub(crate) async fn clear_scroll(client: &Client, scroll_id: &str) {
    let body = json!({ "scroll_id": [scroll_id] });
    let _ = client
        .call(Method::DELETE, "/_search/scroll", Some(&body))
        .await;
}

fn total_of(total: &Option<Value>) -> Option<u64> {
    match total {
        Some(Value::Number(n)) => n.as_u64(),
        Some(v) if v["relation"].as_str() == Some("eq") => v["value"].as_u64(),
        _ => None,
    }
}

trait Classify {
    fn classify_name(&self) -> &'static str;
}

impl Classify for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "invalid JSON",
            serde_json::error::Category::Data => "unexpected shape",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}

impl ReadMode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ReadMode::Auto => "auto",
            ReadMode::Pit => "pit",
            ReadMode::Scroll => "scroll",
        }
    }
}
