//! Detection throughput on a generated mix of support-case text.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use leakproof_detect::{Detector, DetectorConfig};

/// Support-case sentences: most without PII, some with it in standard and
/// evasive spellings, some with decoys (versions, error codes, timestamps).
const SENTENCES: &[&str] = &[
    "Customer reports that the export job fails after the upgrade to version 10.0.19041.1 with error 0x80070005.",
    "Agent note: asked the customer to clear the cache and retry; issue persists on build 4.2.17.",
    "Ticket INC0012345 escalated to tier 2 at 2024-03-05T10:22:11Z after KB5005565 was installed.",
    "Please contact me at john.doe @ contoso.com or call (555) 123 4567 after 5pm.",
    "The dashboard shows the wrong totals for the March invoice; numbers look doubled since Tuesday.",
    "Card on file 4111 1111-1111 1111 was declined twice; customer wants a refund to the same card.",
    "Logs attached. Request id 3f2504e0-4f89-11d3-9a0c-0305e82c3301, region eu-west-1, latency 340 ms.",
    "User says: my password is Summer2024! and it stopped working after the reset.",
    "Server 10 . 0 . 0 . 5 refused the connection; firewall rule was changed yesterday.",
    "Forwarded from jane(at)example(dot)org: the mobile app crashes when opening settings.",
    "Follow-up scheduled for next week; customer satisfied with the workaround for now.",
    "Order 123456789 shipped on 05/03/2024, tracking number pending from the carrier.",
];

fn corpus(bytes: usize) -> Vec<String> {
    SENTENCES
        .iter()
        .cycle()
        .scan(0usize, |total, s| {
            *total += s.len();
            (*total <= bytes).then(|| (*s).to_string())
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let detector = Detector::new(DetectorConfig::default()).expect("default config builds");
    let strings = corpus(1 << 20);
    let total: usize = strings.iter().map(String::len).sum();
    let mut group = c.benchmark_group("detect");
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("support_sentences", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            let mut found = 0;
            for s in &strings {
                detector.detect_into(s, &mut out);
                found += out.len();
            }
            found
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
