//! The store against a real SQLite file: dedupe, resolve, severity raised,
//! reopen, failed runs, and alerts queued in the same transaction.

mod common;

use std::time::SystemTime;

use leakproof_core::Severity;
use leakproof_watch::Store;
use leakproof_watch::alert::{AlertRoute, ChangeKind};
use leakproof_watch::store::{FindingQuery, RunInput, RunKind};

fn run(source: &str, findings: Vec<leakproof_core::Finding>) -> RunInput {
    RunInput {
        kind: RunKind::Audit,
        source: source.into(),
        started: SystemTime::now(),
        finished: SystemTime::now(),
        outcome: Ok(findings),
    }
}

fn route(min: Severity) -> AlertRoute {
    AlertRoute {
        sink: "hook".into(),
        min_severity: min,
        on_resolved: true,
    }
}

#[test]
fn repeated_runs_update_not_duplicate_and_diff_changes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db/leakproof.db")).unwrap();
    let a = common::finding("LP-ES-001", "a.yml", Severity::High);
    let b = common::finding("LP-ES-002", "a.yml", Severity::Medium);

    let first = store
        .record_run(
            &run("s", vec![a.clone(), b.clone(), a.clone()]),
            &[route(Severity::Info)],
            10,
        )
        .unwrap();
    let kinds: Vec<_> = first.events.iter().map(|e| e.change).collect();
    assert_eq!(kinds, [ChangeKind::New, ChangeKind::New]);
    assert_eq!(first.alerts_queued, 2);

    let second = store
        .record_run(
            &run("s", vec![a.clone(), b.clone()]),
            &[route(Severity::Info)],
            10,
        )
        .unwrap();
    assert!(second.events.is_empty(), "{:?}", second.events);
    assert_eq!(second.alerts_queued, 0);
    assert_eq!(store.findings(&FindingQuery::default()).unwrap().len(), 2);

    // b raised to critical, a gone.
    let raised = b.clone().with_severity(Severity::Critical);
    let third = store
        .record_run(&run("s", vec![raised]), &[route(Severity::Info)], 10)
        .unwrap();
    let changes: Vec<_> = third
        .events
        .iter()
        .map(|e| (e.change, e.finding.rule_id.as_str(), e.previous_severity))
        .collect();
    assert_eq!(
        changes,
        [
            (
                ChangeKind::SeverityRaised,
                "LP-ES-002",
                Some(Severity::Medium)
            ),
            (ChangeKind::Resolved, "LP-ES-001", None),
        ]
    );
    let stored_b = store.finding(&b.fingerprint).unwrap().unwrap();
    assert_eq!(stored_b.severity, Severity::Critical);
    let history: Vec<_> = stored_b
        .severity_history
        .iter()
        .map(|h| h.severity.as_str())
        .collect();
    assert_eq!(history, ["medium", "critical"]);
    let stored_a = store.finding(&a.fingerprint).unwrap().unwrap();
    assert_eq!(stored_a.status, "resolved");
    assert!(stored_a.resolved_at.is_some());

    // Filters.
    let open = store
        .findings(&FindingQuery {
            status: Some("open".into()),
            ..FindingQuery::default()
        })
        .unwrap();
    assert_eq!(open.len(), 1);
    let crit = store
        .findings(&FindingQuery {
            min_severity: Some(Severity::Critical),
            ..FindingQuery::default()
        })
        .unwrap();
    assert_eq!(crit[0].fingerprint, b.fingerprint);

    // a comes back: reopened as new, first_seen kept.
    let fourth = store
        .record_run(
            &run(
                "s",
                vec![a.clone(), b.clone().with_severity(Severity::Critical)],
            ),
            &[],
            10,
        )
        .unwrap();
    assert_eq!(fourth.events.len(), 1);
    assert_eq!(fourth.events[0].change, ChangeKind::New);
    let reopened = store.finding(&a.fingerprint).unwrap().unwrap();
    assert_eq!(reopened.status, "open");
    assert_eq!(reopened.first_seen, stored_a.first_seen);
    assert_eq!(reopened.resolved_at, None);

    let runs = store.runs(10).unwrap();
    assert_eq!(runs.len(), 4);
    assert_eq!((runs[1].raised, runs[1].resolved), (1, 1));
}

#[test]
fn a_failed_run_resolves_nothing_and_other_sources_are_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("leakproof.db")).unwrap();
    let a = common::finding("LP-ES-001", "a.yml", Severity::High);
    let b = common::finding("LP-ES-001", "b.yml", Severity::High);
    store
        .record_run(&run("one", vec![a.clone()]), &[], 10)
        .unwrap();
    store
        .record_run(&run("two", vec![b.clone()]), &[], 10)
        .unwrap();

    let failed = RunInput {
        outcome: Err("cannot read".into()),
        ..run("one", vec![])
    };
    let outcome = store
        .record_run(&failed, &[route(Severity::Info)], 10)
        .unwrap();
    assert!(outcome.events.is_empty());
    assert_eq!(
        store.runs(1).unwrap()[0].error.as_deref(),
        Some("cannot read")
    );

    // An empty run of "one" resolves a, not b.
    let outcome = store.record_run(&run("one", vec![]), &[], 10).unwrap();
    assert_eq!(outcome.events.len(), 1);
    assert_eq!(outcome.events[0].finding.fingerprint, a.fingerprint);
    assert_eq!(
        store.finding(&b.fingerprint).unwrap().unwrap().status,
        "open"
    );
}

#[test]
fn alerts_are_filtered_digested_and_survive_reopening_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leakproof.db");
    {
        let store = Store::open(&path).unwrap();
        let many: Vec<_> = (0..12)
            .map(|i| common::finding("LP-ES-001", &format!("f{i}.yml"), Severity::Critical))
            .chain([common::finding("LP-ES-009", "low.yml", Severity::Low)])
            .collect();
        let outcome = store
            .record_run(&run("s", many), &[route(Severity::High)], 10)
            .unwrap();
        assert_eq!(outcome.events.len(), 13);
        assert_eq!(outcome.alerts_queued, 1, "12 high events become one digest");
    }
    // Reopened (migrations already applied): the alert is still queued.
    let store = Store::open(&path).unwrap();
    let due = store.due_deliveries("hook", 10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].payload.kind, "digest");
    common::assert_alert_schema(&serde_json::to_value(&due[0].payload).unwrap());
    common::assert_alert_schema(
        &serde_json::to_value(leakproof_watch::alert::test_payload()).unwrap(),
    );
    assert_eq!(due[0].payload.events.len(), 12);
    assert_eq!(due[0].delivery_id, due[0].payload.delivery_id);
    store.mark_delivered(due[0].id).unwrap();
    assert!(store.due_deliveries("hook", 10).unwrap().is_empty());
}

mod diff_invariants {
    use std::collections::BTreeMap;

    use leakproof_core::Severity;
    use leakproof_watch::Store;
    use leakproof_watch::alert::ChangeKind;
    use leakproof_watch::store::FindingQuery;
    use proptest::prelude::*;

    fn severity() -> impl Strategy<Value = Severity> {
        prop::sample::select(Severity::ALL.to_vec())
    }

    /// Runs over 6 possible findings: each run reports some of them, each
    /// at some severity.
    fn runs() -> impl Strategy<Value = Vec<BTreeMap<usize, Severity>>> {
        prop::collection::vec(
            prop::collection::btree_map(0usize..6, severity(), 0..6),
            1..8,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        /// After every run: the open findings are exactly the run's; events
        /// are new = reported and not open before, resolved = open before
        /// and not reported, raised = open before at a lower severity.
        #[test]
        fn events_are_the_difference_between_runs(runs in runs()) {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(&dir.path().join("p.db")).unwrap();
            let mut open: BTreeMap<usize, Severity> = BTreeMap::new();
            for run in runs {
                let findings = run
                    .iter()
                    .map(|(i, s)| super::common::finding("LP-P-001", &format!("f{i}.yml"), *s))
                    .collect();
                let outcome = store.record_run(&super::run("s", findings), &[], 10).unwrap();
                let fp = |i: usize| super::common::finding("LP-P-001", &format!("f{i}.yml"), Severity::Info).fingerprint;
                let mut expected: Vec<(ChangeKind, String)> = Vec::new();
                for (i, s) in &run {
                    match open.get(i) {
                        None => expected.push((ChangeKind::New, fp(*i))),
                        Some(before) if s > before => expected.push((ChangeKind::SeverityRaised, fp(*i))),
                        Some(_) => {}
                    }
                }
                for i in open.keys().filter(|i| !run.contains_key(i)) {
                    expected.push((ChangeKind::Resolved, fp(*i)));
                }
                let mut got: Vec<(ChangeKind, String)> = outcome
                    .events
                    .iter()
                    .map(|e| (e.change, e.finding.fingerprint.clone()))
                    .collect();
                let key = |(k, f): &(ChangeKind, String)| (k.as_str(), f.clone());
                expected.sort_by_key(key);
                got.sort_by_key(key);
                prop_assert_eq!(got, expected);
                open = run;
                let stored = store
                    .findings(&FindingQuery { status: Some("open".into()), ..FindingQuery::default() })
                    .unwrap();
                prop_assert_eq!(stored.len(), open.len());
                for f in stored {
                    let i = open.keys().find(|i| fp(**i) == f.fingerprint).copied();
                    prop_assert!(i.is_some());
                    prop_assert_eq!(f.severity, open[&i.unwrap()]);
                }
            }
        }
    }
}

#[test]
fn a_store_from_a_newer_leakproof_is_refused_not_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leakproof.db");
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1, "migrations are tracked in user_version");
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = Store::open(&path).unwrap_err().to_string();
    assert!(err.contains("version 99 is newer"), "{err}");
}
