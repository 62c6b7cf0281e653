//! Runs the finder over the benchmark sentences (64 MiB, or the MiB given
//! as the first argument) once and
//! prints bytes and wall-clock MB/s. On a shared machine run it under
//! `perf stat -e task-clock` and divide by the CPU time instead.

use std::time::Instant;

use leakproof_names::{NameFinder, NamesConfig};

#[path = "../benches/support/sentences.rs"]
mod sentences;

fn main() {
    let finder = NameFinder::new(NamesConfig::default()).expect("default config");
    let mib: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(64);
    let strings = sentences::corpus(mib << 20);
    let total: usize = strings.iter().map(String::len).sum();
    let mut out = Vec::new();
    let mut found = 0;
    let start = Instant::now();
    for s in &strings {
        out.clear();
        finder.find(s, &mut out);
        found += out.len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{total} bytes, {found} spans, {:.3} s, {:.1} MB/s wall-clock",
        secs,
        total as f64 / secs / 1e6
    );
}
