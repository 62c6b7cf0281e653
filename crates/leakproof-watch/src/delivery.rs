//! The delivery worker: sends what the outbox holds, retrying failures with
//! capped exponential backoff and jitter, until each alert is delivered.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::{Notify, watch};
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

/// Delivers outbox items until `shutdown`; `wakeup` is notified when new
/// items are queued.
pub(crate) async fn run(
    store: Arc<Store>,
    active: watch::Receiver<Arc<Active>>,
    wakeup: Arc<Notify>,
    shutdown: CancellationToken,
) {
    loop {
        let due = match store.due_deliveries(64) {
            Ok(due) => due,
            Err(err) => {
                tracing::error!(%err, "reading the outbox failed");
                Vec::new()
            }
        };
        let current = active.borrow().clone();
        for item in &due {
            if shutdown.is_cancelled() {
                return;
            }
            let delivery = &current.config.delivery;
            let retry_in = backoff(
                item.attempts,
                delivery.initial_backoff,
                delivery.max_backoff,
            );
            let Some(sink) = current.sinks.get(&item.sink) else {
                // The sink was removed from the config; keep the alert in
                // case it comes back, and say so.
                tracing::warn!(sink = %item.sink, delivery = %item.delivery_id, "no such sink in the config; alert kept in the outbox");
                record(store.mark_failed(item.id, "sink not configured", delivery.max_backoff));
                continue;
            };
            let result = tokio::select! {
                result = sink.send(&item.payload) => result,
                () = shutdown.cancelled() => return,
            };
            match result {
                Ok(()) => {
                    tracing::info!(sink = %item.sink, delivery = %item.delivery_id, summary = %item.payload.summary, "alert delivered");
                    record(store.mark_delivered(item.id));
                }
                Err(err) => {
                    tracing::warn!(sink = %item.sink, delivery = %item.delivery_id, attempt = item.attempts + 1, %err, retry_in = ?retry_in, "alert delivery failed");
                    record(store.mark_failed(item.id, &err.to_string(), retry_in));
                }
            }
        }
        if !due.is_empty() {
            continue;
        }
        let wait = match store.next_due() {
            Ok(Some(at)) => at
                .duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO)
                .min(Duration::from_secs(1)),
            _ => Duration::from_secs(1),
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = wakeup.notified() => {}
            () = shutdown.cancelled() => return,
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
