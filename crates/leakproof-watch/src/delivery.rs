//! The delivery worker: sends what the outbox holds, retrying failures with
//! capped exponential backoff and jitter, until each alert is delivered.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::daemon::Active;
use crate::store::Store;

/// How long to wait before attempt `attempts + 1`: `initial * 2^attempts`,
/// capped at `max`, then scaled by a random factor in [0.5, 1.0] so that
/// many alerts failing together do not retry in lockstep.
pub(crate) fn backoff(attempts: u32, initial: Duration, max: Duration) -> Duration {
    let exponential = initial.saturating_mul(2u32.saturating_pow(attempts.min(20)));
    let capped = exponential.min(max);
    capped.mul_f64(0.5 + fastrand::f64() / 2.0)
}

/// Delivers outbox items until `shutdown`: one worker per configured sink,
/// so that a slow or unreachable sink never holds up the others; the
/// workers are restarted when the config changes.
pub(crate) async fn run(
    store: Arc<Store>,
    mut active: watch::Receiver<Arc<Active>>,
    shutdown: CancellationToken,
) {
    loop {
        let current = active.borrow_and_update().clone();
        warn_about_orphans(&store, &current);
        let workers = shutdown.child_token();
        let mut tasks = JoinSet::new();
        for name in current.sinks.keys() {
            tasks.spawn(sink_worker(
                store.clone(),
                current.clone(),
                name.clone(),
                workers.clone(),
            ));
        }
        let changed = tokio::select! {
            changed = active.changed() => changed.is_ok(),
            () = shutdown.cancelled() => false,
        };
        if !changed {
            // Without hot reload the sinks never change: run until shutdown.
            shutdown.cancelled().await;
        }
        workers.cancel();
        while tasks.join_next().await.is_some() {}
        if shutdown.is_cancelled() {
            return;
        }
    }
}

/// Alerts queued for a sink that is no longer configured stay in the outbox
/// (they go out if the sink comes back); say so rather than drop them.
fn warn_about_orphans(store: &Store, current: &Active) {
    if let Ok(stats) = store.stats() {
        for (sink, (_, _, pending)) in stats.sinks {
            if pending > 0 && !current.sinks.contains_key(&sink) {
                tracing::warn!(%sink, pending, "alerts queued for a sink that is not configured; they stay in the outbox");
            }
        }
    }
}

/// Sends the alerts of one sink in order, each retried with backoff.
async fn sink_worker(
    store: Arc<Store>,
    current: Arc<Active>,
    name: String,
    stop: CancellationToken,
) {
    let Some(sink) = current.sinks.get(&name) else {
        return;
    };
    let delivery = &current.config.delivery;
    loop {
        // Registered before looking at the outbox, so that an alert queued
        // in between still wakes this worker.
        let woken = store.alerts_queued();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let due = match store.due_deliveries(&name, 32) {
            Ok(due) => due,
            Err(err) => {
                tracing::error!(%err, sink = %name, "reading the outbox failed");
                Vec::new()
            }
        };
        for item in &due {
            let retry_in = backoff(
                item.attempts,
                delivery.initial_backoff,
                delivery.max_backoff,
            );
            let result = tokio::select! {
                result = sink.send(&item.payload) => result,
                // An attempt cut short is retried (same delivery id) later.
                () = stop.cancelled() => return,
            };
            match result {
                Ok(()) => {
                    tracing::info!(sink = %name, delivery = %item.delivery_id, summary = %item.payload.summary, "alert delivered");
                    record(store.mark_delivered(item.id));
                }
                Err(err) => {
                    tracing::warn!(sink = %name, delivery = %item.delivery_id, attempt = item.attempts + 1, %err, retry_in = ?retry_in, "alert delivery failed");
                    record(store.mark_failed(item.id, &err.to_string(), retry_in));
                }
            }
        }
        if !due.is_empty() {
            continue;
        }
        let wait = match store.next_due(&name) {
            Ok(Some(at)) => at
                .duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO)
                .min(Duration::from_secs(1)),
            _ => Duration::from_secs(1),
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = woken => {}
            () = stop.cancelled() => return,
        }
    }
}

fn record(result: Result<(), crate::WatchError>) {
    if let Err(err) = result {
        tracing::error!(%err, "updating the outbox failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let initial = Duration::from_millis(100);
        let max = Duration::from_secs(2);
        for attempts in 0..40 {
            let d = backoff(attempts, initial, max);
            let full = initial
                .saturating_mul(2u32.saturating_pow(attempts.min(20)))
                .min(max);
            assert!(d >= full.mul_f64(0.5) && d <= full, "{attempts}: {d:?}");
        }
        assert!(backoff(30, initial, max) <= max);
    }
}
