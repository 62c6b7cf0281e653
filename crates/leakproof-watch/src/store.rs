//! The findings store: SQLite (WAL) holding findings by fingerprint, runs,
//! change events and the alert outbox.
//!
//! A run's findings are diffed against the open findings of the same source
//! and the resulting events and their alerts are written in one transaction,
//! so an alert is never lost between "finding changed" and "alert queued".

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use leakproof_core::{Finding, Severity};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::WatchError;
use crate::alert::{AlertPayload, AlertRoute, ChangeEvent, ChangeKind, RunInfo, payloads_for};

/// Migrations, applied in order; `PRAGMA user_version` is the number applied.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE findings (
    fingerprint   TEXT PRIMARY KEY,
    source        TEXT NOT NULL,
    rule_id       TEXT NOT NULL,
    category      TEXT NOT NULL,
    severity      TEXT NOT NULL,
    severity_rank INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    first_seen    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL,
    resolved_at   INTEGER,
    finding       TEXT NOT NULL
);
CREATE INDEX findings_source ON findings (source, status);
CREATE TABLE severity_history (
    fingerprint TEXT NOT NULL REFERENCES findings (fingerprint),
    at          INTEGER NOT NULL,
    severity    TEXT NOT NULL
);
CREATE INDEX severity_history_fp ON severity_history (fingerprint);
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    source      TEXT NOT NULL,
    started     INTEGER NOT NULL,
    finished    INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    findings    INTEGER NOT NULL,
    new         INTEGER NOT NULL,
    raised      INTEGER NOT NULL,
    resolved    INTEGER NOT NULL,
    error       TEXT
);
CREATE TABLE events (
    id                INTEGER PRIMARY KEY,
    run_id            INTEGER NOT NULL REFERENCES runs (id),
    fingerprint       TEXT NOT NULL,
    change            TEXT NOT NULL,
    severity          TEXT NOT NULL,
    previous_severity TEXT,
    at                INTEGER NOT NULL
);
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    sink         TEXT NOT NULL,
    delivery_id  TEXT NOT NULL UNIQUE,
    payload      TEXT NOT NULL,
    created      INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    failures     INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL,
    delivered_at INTEGER,
    last_error   TEXT
);
CREATE INDEX outbox_due ON outbox (sink, delivered_at, next_attempt);
"#];

/// Where a run's findings came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunKind {
    /// Config files audited.
    Audit,
    /// Endpoints probed.
    Probe,
}

impl RunKind {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Audit => "audit",
            RunKind::Probe => "probe",
        }
    }
}

/// One finished audit or probe run, as handed to [`Store::record_run`].
#[derive(Debug, Clone)]
pub struct RunInput {
    /// Audit or probe.
    pub kind: RunKind,
    /// A stable name for what was checked; findings are diffed per source.
    pub source: String,
    /// When the run started.
    pub started: SystemTime,
    /// When it finished.
    pub finished: SystemTime,
    /// The findings, or why the run failed (a failed run resolves nothing).
    pub outcome: Result<Vec<Finding>, String>,
}

/// What recording a run changed.
#[derive(Debug, Clone, Default)]
pub struct RunOutcome {
    /// The run's id.
    pub run_id: i64,
    /// The change events, in order.
    pub events: Vec<ChangeEvent>,
    /// How many alert messages were queued.
    pub alerts_queued: usize,
}

/// A finding as the store knows it.
#[derive(Debug, Clone, Serialize)]
pub struct StoredFinding {
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// `open` or `resolved`.
    pub status: String,
    /// The current severity.
    pub severity: Severity,
    /// The source that last reported it.
    pub source: String,
    /// First seen (RFC 3339).
    pub first_seen: String,
    /// Last seen (RFC 3339).
    pub last_seen: String,
    /// When it was resolved (RFC 3339), if it is.
    pub resolved_at: Option<String>,
    /// Every severity it had, oldest first.
    pub severity_history: Vec<SeverityChange>,
    /// The finding as last reported (masked evidence only).
    pub finding: Finding,
}

/// One entry of a finding's severity history.
#[derive(Debug, Clone, Serialize)]
pub struct SeverityChange {
    /// When (RFC 3339).
    pub at: String,
    /// The severity from then on.
    pub severity: String,
}

/// A recorded run.
#[derive(Debug, Clone, Serialize)]
pub struct RunRecord {
    /// Run id.
    pub id: i64,
    /// `audit` or `probe`.
    pub kind: String,
    /// What was checked.
    pub source: String,
    /// Start (RFC 3339).
    pub started: String,
    /// End (RFC 3339).
    pub finished: String,
    /// Duration in milliseconds.
    pub duration_ms: i64,
    /// Findings reported.
    pub findings: i64,
    /// New findings.
    pub new: i64,
    /// Findings whose severity rose.
    pub raised: i64,
    /// Findings resolved.
    pub resolved: i64,
    /// Why the run failed, if it did.
    pub error: Option<String>,
}

/// A recorded change event.
#[derive(Debug, Clone, Serialize)]
pub struct EventRecord {
    /// Event id.
    pub id: i64,
    /// The run that caused it.
    pub run_id: i64,
    /// The finding.
    pub fingerprint: String,
    /// `new`, `severity_raised` or `resolved`.
    pub change: String,
    /// The severity after the change.
    pub severity: String,
    /// The severity before, for `severity_raised`.
    pub previous_severity: Option<String>,
    /// When (RFC 3339).
    pub at: String,
    /// The finding's title.
    pub title: String,
    /// The finding's rule.
    pub rule_id: String,
}

/// Filters for [`Store::findings`]; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct FindingQuery {
    /// Severity at or above.
    pub min_severity: Option<Severity>,
    /// `open` or `resolved`.
    pub status: Option<String>,
    /// Rule id.
    pub rule: Option<String>,
    /// Category name.
    pub category: Option<String>,
    /// Source name.
    pub source: Option<String>,
}

/// One alert waiting in (or delivered from) the outbox.
#[derive(Debug, Clone)]
pub struct OutboxItem {
    /// Row id.
    pub id: i64,
    /// Sink name.
    pub sink: String,
    /// Idempotency key, the same on every attempt.
    pub delivery_id: String,
    /// The alert.
    pub payload: AlertPayload,
    /// Attempts so far.
    pub attempts: u32,
}

/// Numbers for `/metrics`.
#[derive(Debug, Clone, Default)]
pub struct StoreStats {
    /// (severity, status) -> count.
    pub findings: BTreeMap<(String, String), i64>,
    /// Last run per (kind, source): duration in seconds and whether it failed.
    pub last_runs: Vec<(String, String, f64, bool)>,
    /// (kind, result) -> number of runs, result `ok` or `error`.
    pub runs_total: BTreeMap<(String, String), i64>,
    /// Per sink: (delivered, failed attempts, pending).
    pub sinks: BTreeMap<String, (i64, i64, i64)>,
}

/// The findings store. Cheap operations on one connection behind a mutex.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    /// Woken whenever alerts are queued, so delivery starts at once.
    queued: tokio::sync::Notify,
}

fn now_ms() -> i64 {
    ms(SystemTime::now())
}

fn ms(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Formats unix milliseconds as RFC 3339.
pub(crate) fn rfc3339(ms: i64) -> String {
    let t = UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0));
    humantime::format_rfc3339_millis(t).to_string()
}

fn severity_from(text: &str) -> Severity {
    text.parse().unwrap_or(Severity::Info)
}

fn rank(severity: Severity) -> i64 {
    match severity {
        Severity::Info => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

impl Store {
    /// Opens (creating if needed) the store at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Store, WatchError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| WatchError::Io {
                context: format!("creating {}", dir.display()),
                source,
            })?;
        }
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let store = Store {
            conn: Mutex::new(conn),
            queued: tokio::sync::Notify::new(),
        };
        store.migrate()?;
        Ok(store)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (the
        // transaction rolls back), so a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn migrate(&self) -> Result<(), WatchError> {
        let mut conn = self.lock();
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let version = usize::try_from(version).unwrap_or(0);
        if version > MIGRATIONS.len() {
            return Err(WatchError::StoreTooNew {
                found: version,
                known: MIGRATIONS.len(),
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(
                None,
                "user_version",
                i64::try_from(i + 1).unwrap_or(i64::MAX),
            )?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Records a run: diffs its findings against the open findings of the
    /// same source, stores the changes and queues the alerts `routes` ask
    /// for, all in one transaction.
    pub fn record_run(
        &self,
        run: &RunInput,
        routes: &[AlertRoute],
        digest_threshold: usize,
    ) -> Result<RunOutcome, WatchError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let started = ms(run.started);
        let finished = ms(run.finished);
        let at = finished;
        let (count, error) = match &run.outcome {
            Ok(findings) => (findings.len(), None),
            Err(err) => (0, Some(err.clone())),
        };
        tx.execute(
            "INSERT INTO runs (kind, source, started, finished, duration_ms, findings, new, raised, resolved, error)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, 0, ?7)",
            params![
                run.kind.as_str(),
                run.source,
                started,
                finished,
                (finished - started).max(0),
                i64::try_from(count).unwrap_or(i64::MAX),
                error
            ],
        )?;
        let run_id = tx.last_insert_rowid();
        let mut events = Vec::new();
        if let Ok(findings) = &run.outcome {
            // One finding per fingerprint: the most severe wins.
            let mut current: HashMap<&str, &Finding> = HashMap::new();
            for f in findings {
                let entry = current.entry(f.fingerprint.as_str()).or_insert(f);
                if f.severity > entry.severity {
                    *entry = f;
                }
            }
            let mut ordered: Vec<&Finding> = current.values().copied().collect();
            ordered.sort_by(|a, b| {
                b.severity
                    .cmp(&a.severity)
                    .then_with(|| a.fingerprint.cmp(&b.fingerprint))
            });
            for f in ordered {
                let json = serde_json::to_string(f)?;
                let existing: Option<(String, String)> = tx
                    .query_row(
                        "SELECT status, severity FROM findings WHERE fingerprint = ?1",
                        [&f.fingerprint],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                let change = match &existing {
                    None => {
                        tx.execute(
                            "INSERT INTO findings (fingerprint, source, rule_id, category, severity, severity_rank, status, first_seen, last_seen, resolved_at, finding)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?7, NULL, ?8)",
                            params![f.fingerprint, run.source, f.rule_id, f.category.as_str(), f.severity.as_str(), rank(f.severity), at, json],
                        )?;
                        Some((ChangeKind::New, None))
                    }
                    Some((status, severity)) => {
                        let previous = severity_from(severity);
                        tx.execute(
                            "UPDATE findings SET source = ?2, rule_id = ?3, category = ?4, severity = ?5, severity_rank = ?6,
                                 status = 'open', last_seen = ?7, resolved_at = NULL, finding = ?8
                             WHERE fingerprint = ?1",
                            params![f.fingerprint, run.source, f.rule_id, f.category.as_str(), f.severity.as_str(), rank(f.severity), at, json],
                        )?;
                        if status == "resolved" {
                            Some((ChangeKind::New, None))
                        } else if f.severity > previous {
                            Some((ChangeKind::SeverityRaised, Some(previous)))
                        } else {
                            None
                        }
                    }
                };
                let severity_changed = existing
                    .as_ref()
                    .is_none_or(|(_, s)| severity_from(s) != f.severity);
                if change.is_some() || severity_changed {
                    tx.execute(
                        "INSERT INTO severity_history (fingerprint, at, severity) VALUES (?1, ?2, ?3)",
                        params![f.fingerprint, at, f.severity.as_str()],
                    )?;
                }
                if let Some((kind, previous)) = change {
                    events.push(ChangeEvent {
                        change: kind,
                        severity: f.severity,
                        previous_severity: previous,
                        finding: f.clone(),
                    });
                }
            }
            // Open findings of this source that the run no longer reports.
            let gone: Vec<(String, String)> = {
                let mut stmt = tx.prepare(
                    "SELECT fingerprint, finding FROM findings WHERE source = ?1 AND status = 'open' ORDER BY severity_rank DESC, fingerprint",
                )?;
                let rows = stmt.query_map([&run.source], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<Vec<_>, _>>()?
                    .into_iter()
                    .filter(|(fp, _): &(String, String)| !current.contains_key(fp.as_str()))
                    .collect()
            };
            for (fp, json) in gone {
                tx.execute(
                    "UPDATE findings SET status = 'resolved', resolved_at = ?2 WHERE fingerprint = ?1",
                    params![fp, at],
                )?;
                let finding: Finding = serde_json::from_str(&json)?;
                events.push(ChangeEvent {
                    change: ChangeKind::Resolved,
                    severity: finding.severity,
                    previous_severity: None,
                    finding,
                });
            }
            for e in &events {
                tx.execute(
                    "INSERT INTO events (run_id, fingerprint, change, severity, previous_severity, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        run_id,
                        e.finding.fingerprint,
                        e.change.as_str(),
                        e.severity.as_str(),
                        e.previous_severity.map(Severity::as_str),
                        at
                    ],
                )?;
            }
            let count_of = |k: ChangeKind| {
                i64::try_from(events.iter().filter(|e| e.change == k).count()).unwrap_or(0)
            };
            tx.execute(
                "UPDATE runs SET new = ?2, raised = ?3, resolved = ?4 WHERE id = ?1",
                params![
                    run_id,
                    count_of(ChangeKind::New),
                    count_of(ChangeKind::SeverityRaised),
                    count_of(ChangeKind::Resolved)
                ],
            )?;
        }
        let info = RunInfo {
            id: run_id,
            kind: run.kind.as_str().to_string(),
            source: run.source.clone(),
        };
        let mut alerts_queued = 0;
        for route in routes {
            for payload in payloads_for(&info, &events, route, digest_threshold) {
                insert_outbox(&tx, &route.sink, &payload)?;
                alerts_queued += 1;
            }
        }
        tx.commit()?;
        if alerts_queued > 0 {
            self.queued.notify_waiters();
        }
        Ok(RunOutcome {
            run_id,
            events,
            alerts_queued,
        })
    }

    /// Findings matching `query`, most severe first.
    pub fn findings(&self, query: &FindingQuery) -> Result<Vec<StoredFinding>, WatchError> {
        let conn = self.lock();
        let mut sql = String::from(
            "SELECT fingerprint, status, severity, source, first_seen, last_seen, resolved_at, finding FROM findings WHERE 1 = 1",
        );
        let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        if let Some(min) = query.min_severity {
            args.push(Box::new(rank(min)));
            sql.push_str(&format!(" AND severity_rank >= ?{}", args.len()));
        }
        for (column, value) in [
            ("status", &query.status),
            ("rule_id", &query.rule),
            ("category", &query.category),
            ("source", &query.source),
        ] {
            if let Some(value) = value {
                args.push(Box::new(value.clone()));
                sql.push_str(&format!(" AND {column} = ?{}", args.len()));
            }
        }
        sql.push_str(" ORDER BY severity_rank DESC, last_seen DESC, fingerprint");
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), row_to_raw)?;
        let raws = rows.collect::<Result<Vec<_>, _>>()?;
        raws.into_iter().map(|raw| complete(&conn, raw)).collect()
    }

    /// One finding by fingerprint.
    pub fn finding(&self, fingerprint: &str) -> Result<Option<StoredFinding>, WatchError> {
        let conn = self.lock();
        let raw = conn
            .query_row(
                "SELECT fingerprint, status, severity, source, first_seen, last_seen, resolved_at, finding FROM findings WHERE fingerprint = ?1",
                [fingerprint],
                row_to_raw,
            )
            .optional()?;
        raw.map(|raw| complete(&conn, raw)).transpose()
    }

    /// The most recent runs, newest first.
    pub fn runs(&self, limit: usize) -> Result<Vec<RunRecord>, WatchError> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT id, kind, source, started, finished, duration_ms, findings, new, raised, resolved, error
             FROM runs ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok(RunRecord {
                id: r.get(0)?,
                kind: r.get(1)?,
                source: r.get(2)?,
                started: rfc3339(r.get(3)?),
                finished: rfc3339(r.get(4)?),
                duration_ms: r.get(5)?,
                findings: r.get(6)?,
                new: r.get(7)?,
                raised: r.get(8)?,
                resolved: r.get(9)?,
                error: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The most recent change events, newest first.
    pub fn events(&self, limit: usize) -> Result<Vec<EventRecord>, WatchError> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT e.id, e.run_id, e.fingerprint, e.change, e.severity, e.previous_severity, e.at, f.finding
             FROM events e JOIN findings f ON f.fingerprint = e.fingerprint
             ORDER BY e.id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, run_id, fingerprint, change, severity, previous_severity, at, json) = row?;
            let finding: Finding = serde_json::from_str(&json)?;
            out.push(EventRecord {
                id,
                run_id,
                fingerprint,
                change,
                severity,
                previous_severity,
                at: rfc3339(at),
                title: finding.title,
                rule_id: finding.rule_id,
            });
        }
        Ok(out)
    }

    /// Resolves when alerts are queued after it was created (and enabled).
    pub(crate) fn alerts_queued(&self) -> tokio::sync::futures::Notified<'_> {
        self.queued.notified()
    }

    /// Undelivered alerts for `sink` whose next attempt is due, oldest first.
    pub fn due_deliveries(&self, sink: &str, limit: usize) -> Result<Vec<OutboxItem>, WatchError> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT id, sink, delivery_id, payload, attempts FROM outbox
             WHERE sink = ?1 AND delivered_at IS NULL AND next_attempt <= ?2 ORDER BY id LIMIT ?3",
        )?;
        let rows = stmt.query_map(
            params![sink, now_ms(), i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, u32>(4)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (id, sink, delivery_id, payload, attempts) = row?;
            out.push(OutboxItem {
                id,
                sink,
                delivery_id,
                payload: serde_json::from_str(&payload)?,
                attempts,
            });
        }
        Ok(out)
    }

    /// When the next undelivered alert for `sink` is due, if any.
    pub fn next_due(&self, sink: &str) -> Result<Option<SystemTime>, WatchError> {
        let conn = self.lock();
        let next: Option<i64> = conn.query_row(
            "SELECT MIN(next_attempt) FROM outbox WHERE sink = ?1 AND delivered_at IS NULL",
            [sink],
            |r| r.get(0),
        )?;
        Ok(next.map(|ms| UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))))
    }

    /// Marks an alert delivered.
    pub fn mark_delivered(&self, id: i64) -> Result<(), WatchError> {
        let conn = self.lock();
        conn.execute(
            "UPDATE outbox SET delivered_at = ?2, attempts = attempts + 1, last_error = NULL WHERE id = ?1",
            params![id, now_ms()],
        )?;
        Ok(())
    }

    /// Records a failed attempt and when to try again.
    pub fn mark_failed(&self, id: i64, error: &str, retry_in: Duration) -> Result<(), WatchError> {
        let conn = self.lock();
        let next = now_ms() + i64::try_from(retry_in.as_millis()).unwrap_or(i64::MAX / 2);
        conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, failures = failures + 1, next_attempt = ?2, last_error = ?3 WHERE id = ?1",
            params![id, next, error],
        )?;
        Ok(())
    }

    /// Counts for `/metrics`.
    pub fn stats(&self) -> Result<StoreStats, WatchError> {
        let conn = self.lock();
        let mut stats = StoreStats::default();
        let mut stmt =
            conn.prepare("SELECT severity, status, COUNT(*) FROM findings GROUP BY 1, 2")?;
        for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
            let (severity, status, n): (String, String, i64) = row?;
            stats.findings.insert((severity, status), n);
        }
        let mut stmt = conn.prepare(
            "SELECT kind, source, duration_ms, error IS NOT NULL FROM runs
             WHERE id IN (SELECT MAX(id) FROM runs GROUP BY kind, source) ORDER BY kind, source",
        )?;
        for row in stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?, r.get(3)?))
        })? {
            let (kind, source, duration, failed): (String, String, i64, bool) = row?;
            stats
                .last_runs
                .push((kind, source, duration as f64 / 1000.0, failed));
        }
        let mut stmt = conn.prepare(
            "SELECT kind, CASE WHEN error IS NULL THEN 'ok' ELSE 'error' END, COUNT(*) FROM runs GROUP BY 1, 2",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
            let (kind, result, n): (String, String, i64) = row?;
            stats.runs_total.insert((kind, result), n);
        }
        let mut stmt = conn.prepare(
            "SELECT sink, SUM(delivered_at IS NOT NULL), SUM(failures), SUM(delivered_at IS NULL) FROM outbox GROUP BY sink",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))? {
            let (sink, delivered, failures, pending): (String, i64, i64, i64) = row?;
            stats.sinks.insert(sink, (delivered, failures, pending));
        }
        Ok(stats)
    }
}

fn insert_outbox(conn: &Connection, sink: &str, payload: &AlertPayload) -> Result<(), WatchError> {
    let now = now_ms();
    conn.execute(
        "INSERT INTO outbox (sink, delivery_id, payload, created, next_attempt) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![sink, payload.delivery_id, serde_json::to_string(payload)?, now],
    )?;
    Ok(())
}

struct RawFinding {
    fingerprint: String,
    status: String,
    severity: String,
    source: String,
    first_seen: i64,
    last_seen: i64,
    resolved_at: Option<i64>,
    finding: String,
}

fn row_to_raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawFinding> {
    Ok(RawFinding {
        fingerprint: r.get(0)?,
        status: r.get(1)?,
        severity: r.get(2)?,
        source: r.get(3)?,
        first_seen: r.get(4)?,
        last_seen: r.get(5)?,
        resolved_at: r.get(6)?,
        finding: r.get(7)?,
    })
}

fn complete(conn: &Connection, raw: RawFinding) -> Result<StoredFinding, WatchError> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, severity FROM severity_history WHERE fingerprint = ?1 ORDER BY rowid",
    )?;
    let history = stmt
        .query_map([&raw.fingerprint], |r| {
            Ok(SeverityChange {
                at: rfc3339(r.get(0)?),
                severity: r.get(1)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(StoredFinding {
        severity: severity_from(&raw.severity),
        finding: serde_json::from_str(&raw.finding)?,
        fingerprint: raw.fingerprint,
        status: raw.status,
        source: raw.source,
        first_seen: rfc3339(raw.first_seen),
        last_seen: rfc3339(raw.last_seen),
        resolved_at: raw.resolved_at.map(rfc3339),
        severity_history: history,
    })
}
