//! Read-only, bounded probes that see a datastore as a stranger on the
//! internet sees it, and what data it would hand over.
//!
//! [`probe_targets`] expands each [`Target`] to endpoints, identifies what
//! answers on each (or speaks the protocol the target names), asks only
//! read-only questions, samples documents for the detector when asked, and
//! turns what it saw into [`Finding`]s. Every endpoint is bounded by a
//! timeout over the whole exchange and a cap on the bytes of each response;
//! the run is bounded by a concurrency limit and a rate limit.

mod credentials;
#[cfg(test)]
mod fuzz_tests;
mod http;
mod memcached;
mod mongo;
mod mysql;
mod net;
mod observation;
mod postgres;
mod redis;
mod session;
mod target;

use std::sync::Arc;
use std::time::Duration;

use leakproof_core::Finding;
use leakproof_detect::{Detector, DetectorConfig};
use tokio::sync::{Mutex, Semaphore};

pub use credentials::{Credential, Credentials, CredentialsError};
pub use observation::{
    RULE_INCOMPLETE, RULE_LOCKED, RULE_OPEN, RULE_PII, RULE_UNIDENTIFIED, RULE_UNREACHABLE,
};
pub use target::{
    Endpoint, MAX_ENDPOINTS_PER_TARGET, Protocol, Target, TargetError, parse_targets_file,
};

use net::ProbeError;
use observation::Observation;
use session::Session;

/// How to probe.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Documents or values sampled per index/collection/keyspace (0: none).
    pub sample: usize,
    /// Endpoints probed at once.
    pub concurrency: usize,
    /// Time allowed per endpoint, for the whole exchange.
    pub timeout: Duration,
    /// Endpoints started per second at most (`None`: no limit).
    pub rate: Option<f64>,
    /// The most bytes read for one response; larger answers end the probe of
    /// that endpoint.
    pub max_response_bytes: usize,
    /// Credentials the user supplied for their own endpoints.
    pub credentials: Credentials,
    /// Verify TLS certificates (on by default; off only when asked).
    pub verify_tls: bool,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            sample: 0,
            concurrency: 16,
            timeout: Duration::from_secs(10),
            rate: None,
            max_response_bytes: 4 * 1024 * 1024,
            credentials: Credentials::default(),
            verify_tls: true,
        }
    }
}

/// What a probe run found.
#[derive(Debug, Clone, Default)]
pub struct ProbeReport {
    /// Findings, including info findings for unreachable targets.
    pub findings: Vec<Finding>,
    /// How many endpoints were probed.
    pub endpoints_probed: usize,
}

/// Probes every endpoint of every target, bounded by `options`. Never fails:
/// an endpoint that cannot be probed becomes an info finding.
pub async fn probe_targets(targets: &[Target], options: &ProbeOptions) -> ProbeReport {
    let endpoints: Vec<Endpoint> = targets
        .iter()
        .flat_map(|t| t.endpoints().iter().cloned())
        .collect();
    let detector = match Detector::new(DetectorConfig::default()) {
        Ok(detector) => Arc::new(detector),
        // The default configuration has no user patterns, so it always builds;
        // should it not, probing without sampling still answers the access question.
        Err(_) => return ProbeReport::default(),
    };
    let http = match build_http_client(options) {
        Ok(client) => client,
        Err(_) => return ProbeReport::default(),
    };
    let options = Arc::new(options.clone());
    let permits = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let pacer = Arc::new(Mutex::new(options.rate.filter(|r| *r > 0.0).map(|rate| {
        let mut interval = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        interval
    })));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, endpoint) in endpoints.iter().cloned().enumerate() {
        let permits = Arc::clone(&permits);
        let pacer = Arc::clone(&pacer);
        let options = Arc::clone(&options);
        let detector = Arc::clone(&detector);
        let http = http.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            if let Some(interval) = pacer.lock().await.as_mut() {
                interval.tick().await;
            }
            let findings = probe_one(&endpoint, &options, &detector, &http).await;
            (index, findings)
        });
    }
    let mut results: Vec<(usize, Vec<Finding>)> = Vec::with_capacity(endpoints.len());
    while let Some(joined) = tasks.join_next().await {
        if let Ok(result) = joined {
            results.push(result);
        }
    }
    results.sort_by_key(|(index, _)| *index);
    ProbeReport {
        endpoints_probed: results.len(),
        findings: results.into_iter().flat_map(|(_, f)| f).collect(),
    }
}

fn build_http_client(options: &ProbeOptions) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .user_agent(concat!("leakproof-probe/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .danger_accept_invalid_certs(!options.verify_tls)
        .timeout(options.timeout)
        .connect_timeout(options.timeout)
        .pool_max_idle_per_host(1)
        .build()
}

async fn probe_one(
    endpoint: &Endpoint,
    options: &ProbeOptions,
    detector: &Detector,
    http: &reqwest::Client,
) -> Vec<Finding> {
    let address = endpoint.address();
    let mut session = Session {
        endpoint,
        options,
        detector,
        http,
        credential: options.credentials.get(&address),
        identifying: false,
    };
    let mut observation = Observation::default();
    let outcome = tokio::time::timeout(
        options.timeout,
        session::probe_endpoint(&mut session, &mut observation),
    )
    .await
    .unwrap_or(Err(ProbeError::Timeout));
    // A silent endpoint that never finished identification is an unidentified one.
    let outcome = match outcome {
        Err(ProbeError::Timeout) if observation.service.is_none() => {
            observation.banner = Some("no answer within the timeout".into());
            Ok(())
        }
        other => other,
    };
    observation.into_findings(&address, outcome)
}

/// The async runtime could not be started.
#[derive(Debug, thiserror::Error)]
#[error("cannot start the probe runtime: {0}")]
pub struct RuntimeError(#[from] std::io::Error);

/// [`probe_targets`] for callers without an async runtime (the CLI): runs
/// it on a single-threaded runtime, where all the waiting is on I/O.
pub fn probe_targets_blocking(
    targets: &[Target],
    options: &ProbeOptions,
) -> Result<ProbeReport, RuntimeError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(probe_targets(targets, options)))
}
