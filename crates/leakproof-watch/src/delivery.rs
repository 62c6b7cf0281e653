//! The delivery worker: sends what the outbox holds, retrying failures with
//! capped exponential backoff and jitter, until each alert is delivered.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::daemon::Active;
use crate::store::{OutboxItem, Store};

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
        // One task per sink, so that a slow or unreachable sink does not
        // hold up the others; each sink's alerts go out in order.
        let mut by_sink: BTreeMap<String, Vec<OutboxItem>> = BTreeMap::new();
        let found = !due.is_empty();
        for item in due {
            by_sink.entry(item.sink.clone()).or_default().push(item);
        }
        let mut senders = JoinSet::new();
        for (name, items) in by_sink {
            senders.spawn(deliver_to_sink(store.clone(), current.clone(), name, items));
        }
        tokio::select! {
            () = async { while senders.join_next().await.is_some() {} } => {}
            () = shutdown.cancelled() => return,
        }
        if found {
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

async fn deliver_to_sink(
    store: Arc<Store>,
    current: Arc<Active>,
    name: String,
    items: Vec<OutboxItem>,
) {
    let delivery = &current.config.delivery;
    let Some(sink) = current.sinks.get(&name) else {
        // The sink was removed from the config; keep its alerts in case it
        // comes back, and say so.
        tracing::warn!(sink = %name, pending = items.len(), "no such sink in the config; alerts kept in the outbox");
        for item in &items {
            record(store.mark_failed(item.id, "sink not configured", delivery.max_backoff));
        }
        return;
    };
    for item in &items {
        let retry_in = backoff(
            item.attempts,
            delivery.initial_backoff,
            delivery.max_backoff,
        );
        match sink.send(&item.payload).await {
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
