//! Redact a live Elasticsearch or OpenSearch index into another index.
//!
//! Documents are read with a point in time and `search_after` (sliced
//! scroll where the cluster has no PIT API), each `_source` is redacted by
//! the same engine and policy as `leakproof redact`, and the result is
//! written with `_bulk`, keeping `_id`s (and routing). The source is split
//! into slices by the cluster itself (`slice` on `_id`), so N workers on N
//! machines can each take one slice of the same index with no coordinator.
//!
//! A checkpoint file, written atomically after every batch the destination
//! acknowledged, makes a run resumable after a crash or a kill: writes are
//! idempotent by `_id`, so what was re-read is overwritten, never
//! duplicated, and the counts are those of the checkpoint, so nothing is
//! counted twice. Bulk items that fail are retried when the failure is
//! transient (429, 5xx) and otherwise written to a reject file with their
//! ids and counted: documents read = written + rejected, always.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use leakproof_redact::{Redactor, Tally, document::redact_document};
use rayon::prelude::*;
use reqwest::Method;
use serde::Deserialize;

mod checkpoint;
mod client;
mod read;

pub use client::{Auth, Connection, Endpoint};

use checkpoint::Checkpoint;
use client::Client;
use read::{Cursor, Hit, SliceReader};

/// Why a reindex failed. Messages never hold credentials or document data.
#[derive(Debug, thiserror::Error)]
pub enum ReindexError {
    /// A source or destination is not `URL/INDEX`.
    #[error("invalid endpoint: {0}")]
    Endpoint(String),
    /// The TLS configuration (CA file) is unusable.
    #[error("TLS: {0}")]
    Tls(String),
    /// The cluster could not be reached.
    #[error("{what}: {message}")]
    Transport {
        /// The call.
        what: String,
        /// What went wrong.
        message: String,
    },
    /// The cluster answered with an error status.
    #[error("{what}: HTTP {status} ({kind})")]
    Status {
        /// The call.
        what: String,
        /// The HTTP status.
        status: u16,
        /// The error type the cluster gave.
        kind: String,
    },
    /// The cluster answered something unexpected.
    #[error("{what}: {message}")]
    Protocol {
        /// The call.
        what: String,
        /// What was unexpected.
        message: String,
    },
    /// The point in time expired or is unknown to the cluster.
    #[error("the point in time is gone (expired or unknown); rerun to resume with a new one")]
    PitGone,
    /// `--read-mode pit` was asked for and the cluster has no PIT API.
    #[error("the source cluster has no point-in-time API; use the scroll read mode")]
    NoPit,
    /// The checkpoint file cannot be read or written.
    #[error("checkpoint {}: {message}", path.display())]
    Checkpoint {
        /// The checkpoint path.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The checkpoint belongs to another run.
    #[error("the checkpoint is for another run ({0}); use another checkpoint file or delete it")]
    CheckpointMismatch(String),
    /// The reject file cannot be written.
    #[error("reject file {}: {message}", path.display())]
    Rejects {
        /// The reject file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The options are inconsistent.
    #[error("invalid options: {0}")]
    Options(String),
    /// A worker task failed unexpectedly.
    #[error("internal error: {0}")]
    Internal(String),
}

/// How the source is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReadMode {
    /// Point in time where the cluster has it, else sliced scroll.
    #[default]
    Auto,
    /// Point in time with `search_after` (fails if the cluster has none).
    Pit,
    /// Sliced scroll.
    Scroll,
}

impl std::str::FromStr for ReadMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(ReadMode::Auto),
            "pit" => Ok(ReadMode::Pit),
            "scroll" => Ok(ReadMode::Scroll),
            other => Err(format!(
                "unknown read mode {other:?}: expected auto, pit or scroll"
            )),
        }
    }
}

/// A cluster index and how to connect to it.
#[derive(Debug, Clone)]
pub struct Target {
    /// `URL/INDEX`.
    pub endpoint: Endpoint,
    /// Credentials and TLS.
    pub connection: Connection,
}

/// How a reindex runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Slices the source is split into (1: no slicing).
    pub slices: u32,
    /// The one slice this worker takes; `None` runs every slice here, in parallel.
    pub slice: Option<u32>,
    /// Documents per search page and per `_bulk` request.
    pub batch: usize,
    /// Checkpoint file: resume from it when it exists, keep it up to date.
    pub checkpoint: Option<PathBuf>,
    /// Where bulk items that keep failing are written (redacted source,
    /// id, status, error type), one JSON object per line.
    pub reject_file: PathBuf,
    /// Retries of a transient bulk failure (429, 5xx) before it is a reject.
    pub retries: u32,
    /// How the source is read.
    pub read_mode: ReadMode,
    /// How long the cluster keeps the point in time or scroll between pages (`5m`).
    pub keep_alive: String,
    /// After the run, scan the destination (this worker's slices) with
    /// this redactor and report what it still finds.
    pub verify: Option<Arc<Redactor>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            slices: 1,
            slice: None,
            batch: 1000,
            checkpoint: None,
            reject_file: PathBuf::from("leakproof-rejects.ndjson"),
            retries: 3,
            read_mode: ReadMode::Auto,
            keep_alive: "5m".to_string(),
            verify: None,
        }
    }
}

/// Counts so far, for progress display.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Documents read from the source.
    pub read: u64,
    /// Documents the destination acknowledged.
    pub written: u64,
    /// Documents in the reject file.
    pub rejected: u64,
    /// Documents in this worker's slices, once the source said.
    pub total: Option<u64>,
}

/// What a finished run did. `read == written + rejected` always holds.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Documents read from the source (including those a resumed run had
    /// already done before it was stopped).
    pub read: u64,
    /// Documents written to the destination.
    pub written: u64,
    /// Documents written to the reject file.
    pub rejected: u64,
    /// Documents the source reported for this worker's slices, when known.
    pub expected: Option<u64>,
    /// Documents already done when this run resumed from its checkpoint.
    pub resumed_from: u64,
    /// Slices that had to start over (their point in time or scroll was gone).
    pub restarted_slices: u32,
    /// How the source was read.
    pub mode: ReadMode,
    /// What this run found and replaced (not counting a resumed run's earlier part).
    pub tally: Tally,
    /// The scan of the destination, when asked for.
    pub verify: Option<Verification>,
}

/// What the scan of the destination found.
#[derive(Debug, Clone, Default)]
pub struct Verification {
    /// Documents scanned.
    pub documents: u64,
    /// Values still found at or above the policy's confidence threshold
    /// (in documents that masking would change: a redaction token such as
    /// `[PASSWORD]` that a recogniser matches again is not a value).
    pub findings: Tally,
}

/// Callback for progress, called after every batch.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

pub(crate) fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(200u64.saturating_mul(1 << attempt.min(6))).min(Duration::from_secs(10))
}

struct RejectFile {
    path: PathBuf,
    file: Option<std::fs::File>,
    bytes: u64,
}

impl RejectFile {
    /// Opens the reject file, cut back to `keep` bytes (what the
    /// checkpoint accounted for; 0 on a fresh run).
    fn open(path: &Path, keep: u64) -> Result<Self, ReindexError> {
        let err = |e: std::io::Error| ReindexError::Rejects {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let file = match std::fs::OpenOptions::new().write(true).open(path) {
            Ok(file) => {
                let len = file.metadata().map_err(err)?.len();
                file.set_len(keep.min(len)).map_err(err)?;
                Some(file)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(err(e)),
        };
        let bytes = match &file {
            Some(f) => f.metadata().map_err(err)?.len(),
            None => 0,
        };
        Ok(RejectFile {
            path: path.to_path_buf(),
            file,
            bytes,
        })
    }

    fn append(&mut self, lines: &str) -> Result<(), ReindexError> {
        use std::io::{Seek, SeekFrom, Write};
        if lines.is_empty() {
            return Ok(());
        }
        let err = |e: std::io::Error| ReindexError::Rejects {
            path: self.path.clone(),
            message: e.to_string(),
        };
        if self.file.is_none() {
            self.file = Some(
                std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&self.path)
                    .map_err(err)?,
            );
        }
        if let Some(file) = self.file.as_mut() {
            file.seek(SeekFrom::Start(self.bytes)).map_err(err)?;
            file.write_all(lines.as_bytes()).map_err(err)?;
            file.sync_data().map_err(err)?;
        }
        self.bytes += lines.len() as u64;
        Ok(())
    }
}

struct State {
    checkpoint: Checkpoint,
    rejects: RejectFile,
    tally: Tally,
}

struct Shared {
    src: Client,
    dst: Client,
    dest_index: String,
    redactor: Arc<Redactor>,
    options: Options,
    state: Mutex<State>,
    progress: ProgressFn,
}

impl Shared {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, State>, ReindexError> {
        self.state
            .lock()
            .map_err(|_| ReindexError::Internal("a worker panicked".into()))
    }

    fn report_progress(&self) -> Result<(), ReindexError> {
        let progress = {
            let state = self.lock()?;
            progress_of(&state.checkpoint)
        };
        (self.progress)(&progress);
        Ok(())
    }
}

fn progress_of(checkpoint: &Checkpoint) -> Progress {
    let (read, written, rejected) = checkpoint.totals();
    let total = checkpoint
        .states
        .iter()
        .map(|s| s.total)
        .sum::<Option<u64>>();
    Progress {
        read,
        written,
        rejected,
        total,
    }
}

/// Redacts `source` into `dest`. See the crate documentation.
pub async fn reindex(
    source: &Target,
    dest: &Target,
    redactor: Arc<Redactor>,
    options: &Options,
    progress: ProgressFn,
) -> Result<Report, ReindexError> {
    if options.slices == 0 {
        return Err(ReindexError::Options("slices must be at least 1".into()));
    }
    if options.slice.is_some_and(|i| i >= options.slices) {
        return Err(ReindexError::Options(format!(
            "slice must be below the slice count ({})",
            options.slices
        )));
    }
    if options.batch == 0 || options.batch > 10_000 {
        return Err(ReindexError::Options(
            "batch must be between 1 and 10000".into(),
        ));
    }
    if source.endpoint == dest.endpoint {
        return Err(ReindexError::Options(
            "source and destination are the same index".into(),
        ));
    }
    let ids: Vec<u32> = match options.slice {
        Some(i) => vec![i],
        None => (0..options.slices).collect(),
    };
    let src = Client::new(&source.endpoint, &source.connection)?;
    let dst = Client::new(&dest.endpoint, &dest.connection)?;
    let flavor = read::flavor(&src).await?;
    let source_name = source.endpoint.to_string();
    let dest_name = dest.endpoint.to_string();

    let loaded = match &options.checkpoint {
        Some(path) => Checkpoint::load(path)?,
        None => None,
    };
    let resumed = loaded.is_some();
    let mut restarted_slices = 0;
    let mut checkpoint = match loaded {
        Some(c) => {
            let state_ids: Vec<u32> = c.states.iter().map(|s| s.id).collect();
            if c.source != source_name || c.dest != dest_name {
                return Err(ReindexError::CheckpointMismatch(format!(
                    "it copies {} to {}",
                    c.source, c.dest
                )));
            }
            if c.slices != options.slices || state_ids != ids {
                return Err(ReindexError::CheckpointMismatch(format!(
                    "it covers slices {state_ids:?} of {}",
                    c.slices
                )));
            }
            c
        }
        None => Checkpoint::new(source_name, dest_name, options.slices, &ids, "pending"),
    };
    let resumed_from = checkpoint.totals().0;
    let rejects = RejectFile::open(
        &options.reject_file,
        if resumed { checkpoint.reject_bytes } else { 0 },
    )?;
    checkpoint.reject_bytes = rejects.bytes;

    // Decide how to read, reusing the run's point in time when it is alive.
    let reader_for = |slice: u32, size: usize| SliceReader {
        index: source.endpoint.index().to_string(),
        slice,
        slices: options.slices,
        size,
        keep_alive: options.keep_alive.clone(),
    };
    let unfinished = checkpoint.states.iter().any(|s| !s.done);
    let mode = if resumed {
        match checkpoint.mode.as_str() {
            "pit" => ReadMode::Pit,
            _ => ReadMode::Scroll,
        }
    } else {
        match options.read_mode {
            ReadMode::Scroll => ReadMode::Scroll,
            ReadMode::Pit | ReadMode::Auto => {
                match read::open_pit(&src, flavor, source.endpoint.index(), &options.keep_alive)
                    .await?
                {
                    Some(id) => {
                        checkpoint.pit_id = Some(id);
                        ReadMode::Pit
                    }
                    None if options.read_mode == ReadMode::Pit => return Err(ReindexError::NoPit),
                    None => ReadMode::Scroll,
                }
            }
        }
    };
    checkpoint.mode = mode.as_str().to_string();
    if resumed && unfinished {
        let alive = match (&mode, &checkpoint.pit_id) {
            (ReadMode::Pit, Some(pit_id)) => {
                let probe = reader_for(ids[0], 1);
                let cursor = Cursor::Pit {
                    pit_id: pit_id.clone(),
                    search_after: None,
                };
                match probe.next(&src, &cursor, false).await {
                    Ok(_) => true,
                    Err(ReindexError::PitGone) => false,
                    Err(e) => return Err(e),
                }
            }
            _ => false,
        };
        if !alive {
            // Without the same snapshot, positions mean nothing: the
            // unfinished slices start over (idempotent by _id).
            for s in checkpoint.states.iter_mut().filter(|s| !s.done) {
                if s.read > 0 || s.search_after.is_some() {
                    restarted_slices += 1;
                }
                s.restart();
            }
            if mode == ReadMode::Pit {
                match read::open_pit(&src, flavor, source.endpoint.index(), &options.keep_alive)
                    .await?
                {
                    Some(id) => checkpoint.pit_id = Some(id),
                    None => return Err(ReindexError::NoPit),
                }
            }
        }
    }
    if let Some(path) = &options.checkpoint {
        checkpoint.save(path)?;
    }

    let shared = Arc::new(Shared {
        src,
        dst,
        dest_index: dest.endpoint.index().to_string(),
        redactor,
        options: options.clone(),
        state: Mutex::new(State {
            checkpoint,
            rejects,
            tally: Tally::default(),
        }),
        progress,
    });
    shared.report_progress()?;

    let mut tasks = Vec::new();
    {
        let state = shared.lock()?;
        for (position, s) in state.checkpoint.states.iter().enumerate() {
            if s.done {
                continue;
            }
            let cursor = match mode {
                ReadMode::Pit => Cursor::Pit {
                    pit_id: state.checkpoint.pit_id.clone().unwrap_or_default(),
                    search_after: s.search_after.clone(),
                },
                _ => Cursor::Scroll { scroll_id: None },
            };
            let reader = reader_for(s.id, options.batch);
            tasks.push(tokio::spawn(run_slice(
                Arc::clone(&shared),
                position,
                reader,
                cursor,
            )));
        }
    }
    let mut first_error = None;
    for task in tasks {
        let result = task.await.unwrap_or_else(|e| {
            Err(ReindexError::Internal(format!(
                "a slice worker failed: {e}"
            )))
        });
        if let Err(e) = result {
            first_error.get_or_insert(e);
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }

    let (checkpoint, tally) = {
        let state = shared.lock()?;
        (state.checkpoint.clone(), state.tally.clone())
    };
    if let (ReadMode::Pit, Some(pit_id)) = (mode, &checkpoint.pit_id) {
        read::close_pit(&shared.src, flavor, pit_id).await;
    }
    // Make the writes visible to searches (and to the verification).
    let refresh = format!("/{}/_refresh", shared.dest_index);
    let _ = shared.dst.call(Method::POST, &refresh, None).await?;

    let (read, written, rejected) = checkpoint.totals();
    let expected = checkpoint
        .states
        .iter()
        .map(|s| s.total)
        .sum::<Option<u64>>();
    let verify = match &options.verify {
        Some(scanner) => Some(verify_dest(&shared, scanner, &ids).await?),
        None => None,
    };
    Ok(Report {
        read,
        written,
        rejected,
        expected,
        resumed_from,
        restarted_slices,
        mode,
        tally,
        verify,
    })
}

async fn run_slice(
    shared: Arc<Shared>,
    position: usize,
    reader: SliceReader,
    cursor: Cursor,
) -> Result<(), ReindexError> {
    let mut fetched = reader.next(&shared.src, &cursor, true).await;
    loop {
        let (page, next_cursor) = fetched?;
        if page.hits.is_empty() {
            if let Cursor::Scroll {
                scroll_id: Some(id),
            } = &next_cursor
            {
                read::clear_scroll(&shared.src, id).await;
            }
            commit(
                &shared,
                position,
                PageOutcome::default(),
                &next_cursor,
                true,
                page.total,
            )?;
            return Ok(());
        }
        let hits = page.hits;
        let (outcome, next) = tokio::join!(
            process_page(&shared, hits),
            reader.next(&shared.src, &next_cursor, true)
        );
        let outcome = outcome?;
        commit(&shared, position, outcome, &next_cursor, false, page.total)?;
        shared.report_progress()?;
        fetched = next;
    }
}

/// Records a finished page: rejects to their file, counts and position to
/// the checkpoint, in one critical section so the two always agree.
fn commit(
    shared: &Shared,
    position: usize,
    outcome: PageOutcome,
    cursor: &Cursor,
    done: bool,
    total: Option<u64>,
) -> Result<(), ReindexError> {
    let mut guard = shared.lock()?;
    let state = &mut *guard;
    state.rejects.append(&outcome.reject_lines)?;
    state.tally.merge(outcome.tally);
    let checkpoint = &mut state.checkpoint;
    checkpoint.reject_bytes = state.rejects.bytes;
    if let Cursor::Pit { pit_id, .. } = cursor {
        checkpoint.pit_id = Some(pit_id.clone());
    }
    let s = checkpoint
        .states
        .get_mut(position)
        .ok_or_else(|| ReindexError::Internal("slice position out of range".into()))?;
    s.read += outcome.read;
    s.written += outcome.written;
    s.rejected += outcome.rejected;
    if s.total.is_none() {
        s.total = total;
    }
    if let Cursor::Pit { search_after, .. } = cursor {
        s.search_after = search_after.clone();
    }
    s.done |= done;
    if let Some(path) = &shared.options.checkpoint {
        checkpoint.save(path)?;
    }
    Ok(())
}

#[derive(Default)]
struct PageOutcome {
    read: u64,
    written: u64,
    rejected: u64,
    reject_lines: String,
    tally: Tally,
}

/// A redacted document, or the id of one that fails closed and why.
type Redacted = Result<Doc, (String, &'static str)>;

struct Doc {
    id: String,
    routing: Option<String>,
    source: String,
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

fn reject_line(
    id: &str,
    status: u16,
    error: &str,
    reason: Option<&str>,
    source: Option<&str>,
) -> String {
    let mut line = format!(
        "{{\"_id\":{},\"status\":{status},\"error\":{}",
        json_string(id),
        json_string(error)
    );
    if let Some(reason) = reason {
        let short: String = reason.chars().take(500).collect();
        line.push_str(&format!(",\"reason\":{}", json_string(&short)));
    }
    line.push_str(&format!(",\"_source\":{}}}\n", source.unwrap_or("null")));
    line
}

async fn process_page(shared: &Arc<Shared>, hits: Vec<Hit>) -> Result<PageOutcome, ReindexError> {
    let read = hits.len() as u64;
    let redactor = Arc::clone(&shared.redactor);
    let (docs, failed, tally) = tokio::task::spawn_blocking(move || {
        let results: Vec<(Redacted, Tally)> = hits
            .into_par_iter()
            .map(|hit| {
                let mut tally = Tally::default();
                let result = match &hit.source {
                    None => Err((hit.id.clone(), "document has no _source")),
                    Some(raw) => match redact_document(&redactor, raw.get(), &mut tally) {
                        // Raw line breaks can only be whitespace between
                        // tokens; _bulk needs each document on one line.
                        Ok(redacted) => Ok(Doc {
                            id: hit.id.clone(),
                            routing: hit.routing.clone(),
                            source: redacted.replace(['\n', '\r'], " "),
                        }),
                        // Fail closed: never written, never copied raw.
                        Err(_) => Err((hit.id.clone(), "_source is not valid JSON")),
                    },
                };
                (result, tally)
            })
            .collect();
        let mut docs = Vec::with_capacity(results.len());
        let mut failed = Vec::new();
        let mut total = Tally::default();
        for (result, tally) in results {
            total.merge(tally);
            match result {
                Ok(doc) => docs.push(doc),
                Err(f) => failed.push(f),
            }
        }
        (docs, failed, total)
    })
    .await
    .map_err(|e| ReindexError::Internal(format!("redaction failed: {e}")))?;

    let mut outcome = PageOutcome {
        read,
        tally,
        ..PageOutcome::default()
    };
    for (id, why) in failed {
        outcome.rejected += 1;
        outcome
            .reject_lines
            .push_str(&reject_line(&id, 0, why, None, None));
    }
    bulk_with_retries(shared, docs, &mut outcome).await?;
    Ok(outcome)
}

#[derive(Deserialize)]
struct BulkResponse {
    #[serde(default)]
    items: Vec<std::collections::HashMap<String, BulkItem>>,
}

#[derive(Deserialize)]
struct BulkItem {
    status: u16,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

fn bulk_body(index: &str, docs: &[Doc]) -> Vec<u8> {
    let mut body = String::with_capacity(docs.iter().map(|d| d.source.len() + 80).sum());
    for doc in docs {
        let mut meta = serde_json::json!({ "_index": index, "_id": doc.id });
        if let Some(routing) = &doc.routing {
            meta["routing"] = serde_json::Value::String(routing.clone());
        }
        body.push_str(&serde_json::json!({ "index": meta }).to_string());
        body.push('\n');
        body.push_str(&doc.source);
        body.push('\n');
    }
    body.into_bytes()
}

async fn bulk_with_retries(
    shared: &Shared,
    mut pending: Vec<Doc>,
    outcome: &mut PageOutcome,
) -> Result<(), ReindexError> {
    let retries = shared.options.retries;
    let mut attempt = 0u32;
    while !pending.is_empty() {
        let body = bulk_body(&shared.dest_index, &pending);
        let (status, answer) = match shared
            .dst
            .send(Method::POST, "/_bulk", Some(("application/x-ndjson", body)))
            .await
        {
            Ok(answer) => answer,
            Err(_) if attempt < retries => {
                attempt += 1;
                tokio::time::sleep(backoff(attempt)).await;
                continue;
            }
            Err(e) => return Err(e),
        };
        if (status == 429 || status >= 500) && attempt < retries {
            attempt += 1;
            tokio::time::sleep(backoff(attempt)).await;
            continue;
        }
        if !(200..300).contains(&status) {
            return Err(ReindexError::Status {
                what: "bulk write".into(),
                status,
                kind: client::error_type(&answer),
            });
        }
        let response: BulkResponse =
            serde_json::from_slice(&answer).map_err(|_| ReindexError::Protocol {
                what: "bulk write".into(),
                message: "the answer is not a bulk response".into(),
            })?;
        if response.items.len() != pending.len() {
            return Err(ReindexError::Protocol {
                what: "bulk write".into(),
                message: format!(
                    "{} items answered for {} sent",
                    response.items.len(),
                    pending.len()
                ),
            });
        }
        let mut retry = Vec::new();
        for (doc, item) in pending.into_iter().zip(response.items) {
            let Some(item) = item.into_values().next() else {
                continue;
            };
            if (200..300).contains(&item.status) {
                outcome.written += 1;
            } else if (item.status == 429 || item.status >= 500) && attempt < retries {
                retry.push(doc);
            } else {
                let error = item.error.unwrap_or_default();
                let kind = error["type"].as_str().unwrap_or("unknown error");
                outcome.rejected += 1;
                outcome.reject_lines.push_str(&reject_line(
                    &doc.id,
                    item.status,
                    kind,
                    error["reason"].as_str(),
                    Some(&doc.source),
                ));
            }
        }
        pending = retry;
        if !pending.is_empty() {
            attempt += 1;
            tokio::time::sleep(backoff(attempt)).await;
        }
    }
    Ok(())
}

async fn verify_dest(
    shared: &Shared,
    scanner: &Arc<Redactor>,
    ids: &[u32],
) -> Result<Verification, ReindexError> {
    let flavor = read::flavor(&shared.dst).await?;
    let pit = read::open_pit(
        &shared.dst,
        flavor,
        &shared.dest_index,
        &shared.options.keep_alive,
    )
    .await?;
    let mut verification = Verification::default();
    for id in ids {
        let reader = SliceReader {
            index: shared.dest_index.clone(),
            slice: *id,
            slices: shared.options.slices,
            size: shared.options.batch,
            keep_alive: shared.options.keep_alive.clone(),
        };
        let mut cursor = match &pit {
            Some(pit_id) => Cursor::Pit {
                pit_id: pit_id.clone(),
                search_after: None,
            },
            None => Cursor::Scroll { scroll_id: None },
        };
        loop {
            let (page, next) = reader.next(&shared.dst, &cursor, true).await?;
            if page.hits.is_empty() {
                if let Cursor::Scroll {
                    scroll_id: Some(sid),
                } = &next
                {
                    read::clear_scroll(&shared.dst, sid).await;
                }
                break;
            }
            verification.documents += page.hits.len() as u64;
            let scanner = Arc::clone(scanner);
            let hits = page.hits;
            let tally = tokio::task::spawn_blocking(move || {
                hits.par_iter()
                    .map(|hit| {
                        let mut tally = Tally::default();
                        if let Some(raw) = &hit.source {
                            let raw = raw.get();
                            if redact_document(&scanner, raw, &mut tally).is_err() {
                                // Not JSON: scan it as text rather than skip
                                // it, counting nothing twice.
                                tally = Tally::default();
                                scanner.redact_text(raw, &mut tally);
                            }
                        }
                        tally
                    })
                    .reduce(Tally::default, |mut a, b| {
                        a.merge(b);
                        a
                    })
            })
            .await
            .map_err(|e| ReindexError::Internal(format!("verification failed: {e}")))?;
            verification.findings.merge(tally);
            cursor = next;
        }
    }
    if let Some(pit_id) = &pit {
        read::close_pit(&shared.dst, flavor, pit_id).await;
    }
    Ok(verification)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_bodies_are_one_document_per_line() {
        let docs = vec![Doc {
            id: "a\"1".into(),
            routing: Some("r".into()),
            source: r#"{"x":"[EMAIL]"}"#.into(),
        }];
        let body = String::from_utf8(bulk_body("dst", &docs)).expect("utf8");
        assert_eq!(
            body,
            "{\"index\":{\"_id\":\"a\\\"1\",\"_index\":\"dst\",\"routing\":\"r\"}}\n{\"x\":\"[EMAIL]\"}\n"
        );
    }

    #[test]
    fn reject_lines_are_json() {
        let line = reject_line(
            "7",
            400,
            "mapper_parsing_exception",
            Some("bad"),
            Some("{\"a\":1}"),
        );
        let v: serde_json::Value = serde_json::from_str(&line).expect("json");
        assert_eq!(v["_id"], "7");
        assert_eq!(v["_source"]["a"], 1);
        let line = reject_line("8", 0, "_source is not valid JSON", None, None);
        let v: serde_json::Value = serde_json::from_str(&line).expect("json");
        assert!(v["_source"].is_null());
    }

    #[test]
    fn reject_file_is_cut_back_to_the_checkpoint() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("r.ndjson");
        let mut r = RejectFile::open(&path, 0).expect("opens");
        r.append("one\n").expect("append");
        r.append("two\n").expect("append");
        let mut r = RejectFile::open(&path, 4).expect("reopens");
        assert_eq!(r.bytes, 4);
        r.append("three\n").expect("append");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "one\nthree\n"
        );
    }
}
