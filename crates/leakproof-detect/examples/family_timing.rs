use leakproof_detect::{Detector, DetectorConfig};

#[inline(never)]
fn measured(d: &Detector, strings: &[String]) -> usize {
    let mut out = Vec::new();
    let mut n = 0;
    for s in strings {
        d.detect_into(s, &mut out);
        n += out.len();
    }
    n
}

fn main() {
    let sentences = std::fs::read_to_string("/tmp/sentences.txt").unwrap();
    let lines: Vec<String> = sentences.lines().map(String::from).collect();
    let n = std::env::var("N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20000);
    let strings: Vec<String> = lines.iter().cycle().take(n).cloned().collect();
    let d = Detector::new(DetectorConfig::default()).unwrap();
    for s in &strings[..24] {
        d.detect(s);
    }
    println!("{}", measured(&d, &strings));
}
