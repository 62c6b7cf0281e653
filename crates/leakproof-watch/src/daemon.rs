//! The daemon: schedules audits (on file change and on an interval) and
//! probes, records their findings, delivers alerts, serves the API, and
//! reloads its config when the file changes.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use leakproof_probe::{ProbeOptions, Target};
use notify::{EventKind, RecursiveMode, Watcher};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::WatchError;
use crate::alert::{AlertRoute, Sink};
use crate::config::{AuditGroup, Config, read_secret};
use crate::store::{RunInput, RunKind, Store};

/// How long file changes are collected before one audit runs.
const DEBOUNCE: Duration = Duration::from_millis(250);

/// How the daemon is started.
#[derive(Debug, Clone, Default)]
pub struct DaemonOptions {
    /// The config file, watched for changes (hot reload). `None`: no reload.
    pub config_path: Option<PathBuf>,
    /// Overrides `[store] path`.
    pub db_override: Option<PathBuf>,
}

/// The config in force and what was built from it.
#[derive(Debug)]
pub(crate) struct Active {
    pub(crate) config: Config,
    pub(crate) sinks: HashMap<String, Sink>,
    pub(crate) routes: Vec<AlertRoute>,
    probes: Vec<ProbePlan>,
}

/// One `[[probe]]` group, ready to run.
#[derive(Debug, Clone)]
struct ProbePlan {
    source: String,
    targets: Vec<Target>,
    options: ProbeOptions,
    interval: Duration,
}

impl Active {
    /// Builds sinks and probe plans, reading secrets and credentials, so
    /// that a config whose files are missing is rejected as a whole.
    fn build(config: Config) -> Result<Active, WatchError> {
        let sinks = Sink::all(&config)?
            .into_iter()
            .map(|s| (s.name.clone(), s))
            .collect();
        let routes = AlertRoute::all(&config);
        let probes = config
            .probe
            .iter()
            .enumerate()
            .map(|(i, group)| {
                let in_group = |err: &dyn std::fmt::Display| {
                    WatchError::Config(format!("[[probe]] #{}: {err}", i + 1))
                };
                Ok(ProbePlan {
                    source: format!("probe:{}", group.targets.join(",")),
                    targets: group.parsed_targets().map_err(|e| in_group(&e))?,
                    options: group.options().map_err(|e| in_group(&e))?,
                    interval: group.interval,
                })
            })
            .collect::<Result<_, WatchError>>()?;
        Ok(Active {
            config,
            sinks,
            routes,
            probes,
        })
    }
}

/// A running daemon.
#[derive(Debug)]
pub struct DaemonHandle {
    api_addr: SocketAddr,
    store: Arc<Store>,
    shutdown: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

impl DaemonHandle {
    /// The address the API listens on.
    pub fn api_addr(&self) -> SocketAddr {
        self.api_addr
    }

    /// The findings store.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// Resolves when the daemon stops by itself (it only does on a fatal error).
    pub async fn stopped(&self) {
        self.shutdown.cancelled().await;
    }

    /// Stops every task and waits for them.
    pub async fn shutdown(self) {
        self.shutdown.cancel();
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

struct Shared {
    store: Arc<Store>,
    active: watch::Receiver<Arc<Active>>,
}

/// Starts the daemon on the current tokio runtime.
pub async fn start(config: Config, options: DaemonOptions) -> Result<DaemonHandle, WatchError> {
    let listen = config.api.listen;
    let token = read_secret(
        config.api.token_env.as_deref(),
        config.api.token_file.as_deref(),
    )?;
    if !listen.ip().is_loopback() && token.is_none() {
        return Err(WatchError::Unprotected(listen));
    }
    let store_path = config.store_path(options.db_override.as_deref())?;
    let store = Arc::new(Store::open(&store_path)?);
    tracing::info!(store = %store_path.display(), "store open");
    let active = Active::build(config)?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| WatchError::Io {
            context: format!("binding the API to {listen}"),
            source,
        })?;
    let api_addr = listener.local_addr().map_err(|source| WatchError::Io {
        context: "reading the API address".into(),
        source,
    })?;
    tracing::info!(%api_addr, auth = token.is_some(), "API listening");

    let shutdown = CancellationToken::new();
    let (active_tx, active_rx) = watch::channel(Arc::new(active));
    let shared = Arc::new(Shared {
        store: store.clone(),
        active: active_rx,
    });
    let mut tasks = Vec::new();

    let app = crate::api::router(store.clone(), token);
    let api_shutdown = shutdown.clone();
    tasks.push(tokio::spawn(async move {
        let stop = api_shutdown.clone();
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await;
        if let Err(err) = served {
            tracing::error!(%err, "API server failed");
            api_shutdown.cancel();
        }
    }));
    tasks.push(tokio::spawn(crate::delivery::run(
        store.clone(),
        shared.active.clone(),
        shutdown.clone(),
    )));
    tasks.push(tokio::spawn(supervise_jobs(
        shared.clone(),
        shutdown.clone(),
    )));
    if let Some(path) = options.config_path {
        tasks.push(tokio::spawn(watch_config(
            path,
            active_tx,
            shutdown.clone(),
        )));
    }
    Ok(DaemonHandle {
        api_addr,
        store,
        shutdown,
        tasks,
    })
}

/// Runs one task per audit and probe group of the active config; restarts
/// them all when the config changes.
async fn supervise_jobs(shared: Arc<Shared>, shutdown: CancellationToken) {
    let mut active = shared.active.clone();
    loop {
        let current = active.borrow_and_update().clone();
        let jobs = shutdown.child_token();
        let mut handles = Vec::new();
        for group in &current.config.audit {
            handles.push(tokio::spawn(audit_job(
                shared.clone(),
                group.clone(),
                jobs.clone(),
            )));
        }
        for plan in &current.probes {
            handles.push(tokio::spawn(probe_job(
                shared.clone(),
                plan.clone(),
                jobs.clone(),
            )));
        }
        let changed = tokio::select! {
            changed = active.changed() => changed.is_ok(),
            () = shutdown.cancelled() => false,
        };
        if !changed {
            // Without hot reload the config never changes: run until shutdown.
            shutdown.cancelled().await;
        }
        jobs.cancel();
        for handle in handles {
            let _ = handle.await;
        }
        if !changed {
            return;
        }
    }
}

fn record(shared: &Shared, run: RunInput) {
    let active = shared.active.borrow().clone();
    match shared.store.record_run(
        &run,
        &active.routes,
        active.config.delivery.digest_threshold,
    ) {
        Ok(outcome) => {
            tracing::info!(
                kind = run.kind.as_str(),
                source = %run.source,
                run = outcome.run_id,
                changes = outcome.events.len(),
                alerts = outcome.alerts_queued,
                error = run.outcome.as_ref().err().map(String::as_str),
                "run recorded"
            );
        }
        Err(err) => tracing::error!(%err, source = %run.source, "recording a run failed"),
    }
}

/// The source name of an audit group: its paths.
fn audit_source(group: &AuditGroup) -> String {
    let paths: Vec<String> = group
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    format!("audit:{}", paths.join(","))
}

/// Watches the group's paths: directories recursively, files through their
/// parent directory (editors replace files by renaming).
fn watch_paths(
    paths: &[PathBuf],
    on_change: mpsc::UnboundedSender<()>,
) -> Result<notify::RecommendedWatcher, WatchError> {
    let wanted: Vec<(PathBuf, bool)> = paths
        .iter()
        .filter(|p| p.exists())
        .map(|p| (p.clone(), p.is_dir()))
        .collect();
    let filter = wanted.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if !is_change(&event.kind) {
            return;
        }
        let relevant = event.paths.iter().any(|changed| {
            filter.iter().any(|(path, is_dir)| {
                if *is_dir {
                    changed.starts_with(path)
                } else {
                    // Kubernetes mounts swap a `..data` symlink rather than
                    // write the file itself.
                    changed == path
                        || (changed.parent() == path.parent()
                            && changed
                                .file_name()
                                .is_some_and(|n| n.to_string_lossy().starts_with("..")))
                }
            })
        });
        if relevant {
            let _ = on_change.send(());
        }
    })?;
    for (path, is_dir) in &wanted {
        if *is_dir {
            watcher.watch(path, RecursiveMode::Recursive)?;
        } else {
            let parent = path.parent().unwrap_or_else(|| Path::new("."));
            watcher.watch(parent, RecursiveMode::NonRecursive)?;
        }
    }
    Ok(watcher)
}

/// Changes to content or names; reads (the audit's own) are not changes.
fn is_change(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Create(_)
            | EventKind::Modify(_)
            | EventKind::Remove(_)
            | EventKind::Access(notify::event::AccessKind::Close(
                notify::event::AccessMode::Write
            ))
    )
}

/// Waits until `rx` has been quiet for [`DEBOUNCE`].
async fn debounce(rx: &mut mpsc::UnboundedReceiver<()>) {
    while let Ok(Some(())) = tokio::time::timeout(DEBOUNCE, rx.recv()).await {}
}

async fn audit_job(shared: Arc<Shared>, group: AuditGroup, stop: CancellationToken) {
    let source = audit_source(&group);
    for missing in group.paths.iter().filter(|p| !p.exists()) {
        tracing::warn!(path = %missing.display(), "audit path does not exist (yet); it is checked again on every run");
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _watcher = match watch_paths(&group.paths, tx) {
        Ok(watcher) => Some(watcher),
        Err(err) => {
            tracing::warn!(%err, source = %source, "file-change notification unavailable; auditing on the interval only");
            None
        }
    };
    loop {
        let existing: Vec<PathBuf> = group.paths.iter().filter(|p| p.exists()).cloned().collect();
        if existing.is_empty() {
            tracing::warn!(source = %source, "no audit path exists; run skipped");
        } else {
            let started = SystemTime::now();
            let outcome =
                tokio::task::spawn_blocking(move || leakproof_audit::audit_paths(&existing))
                    .await
                    .map_err(|err| format!("audit task failed: {err}"))
                    .and_then(|r| r.map(|report| report.findings).map_err(|e| e.to_string()));
            record(
                &shared,
                RunInput {
                    kind: RunKind::Audit,
                    source: source.clone(),
                    started,
                    finished: SystemTime::now(),
                    outcome,
                },
            );
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(group.interval) => {}
            Some(()) = rx.recv() => debounce(&mut rx).await,
        }
    }
}

async fn probe_job(shared: Arc<Shared>, group: ProbePlan, stop: CancellationToken) {
    let ProbePlan {
        source,
        targets,
        options,
        interval,
    } = group;
    loop {
        let started = SystemTime::now();
        let report = tokio::select! {
            report = leakproof_probe::probe_targets(&targets, &options) => report,
            () = stop.cancelled() => return,
        };
        record(
            &shared,
            RunInput {
                kind: RunKind::Probe,
                source: source.clone(),
                started,
                finished: SystemTime::now(),
                outcome: Ok(report.findings),
            },
        );
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(interval) => {}
        }
    }
}

/// Reloads the config when its file changes; an invalid config is logged
/// and the one in force kept.
async fn watch_config(
    path: PathBuf,
    active: watch::Sender<Arc<Active>>,
    shutdown: CancellationToken,
) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _watcher = match watch_paths(std::slice::from_ref(&path), tx) {
        Ok(watcher) => watcher,
        Err(err) => {
            tracing::warn!(%err, config = %path.display(), "config hot reload unavailable");
            return;
        }
    };
    let mut last_text = std::fs::read_to_string(&path).ok();
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            Some(()) = rx.recv() => debounce(&mut rx).await,
        }
        // A touch or a rewrite with the same content changes nothing (and
        // must not restart every job).
        let text = std::fs::read_to_string(&path).ok();
        if text == last_text {
            continue;
        }
        last_text = text;
        let loaded = Config::load(&path).and_then(Active::build);
        match loaded {
            Ok(next) => {
                let current = active.borrow().clone();
                let (was, now) = (&current.config.api, &next.config.api);
                if now.listen != was.listen
                    || now.token_env != was.token_env
                    || now.token_file != was.token_file
                    || next.config.store.path != current.config.store.path
                {
                    tracing::warn!("[api] and [store] changes take effect after a restart");
                }
                tracing::info!(config = %path.display(), "config reloaded");
                active.send_replace(Arc::new(next));
            }
            Err(err) => {
                tracing::error!(%err, "config change rejected; the previous config stays in force");
            }
        }
    }
}
