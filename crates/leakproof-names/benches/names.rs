//! NameFinder throughput on support-case text: most sentences without
//! names, some with names, places, addresses and internal hosts.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use leakproof_names::{NameFinder, NamesConfig};

#[path = "support/sentences.rs"]
mod sentences;
use sentences::corpus;

fn bench(c: &mut Criterion) {
    let finder = NameFinder::new(NamesConfig::default()).expect("default config builds");
    let strings = corpus(1 << 20);
    let total: usize = strings.iter().map(String::len).sum();
    let mut group = c.benchmark_group("names");
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("support_sentences", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            let mut n = 0;
            for s in &strings {
                out.clear();
                finder.find(s, &mut out);
                n += out.len();
            }
            n
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
