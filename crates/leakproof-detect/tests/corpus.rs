//! The decoy corpus must survive detection untouched, and every evasive
//! spelling in the evasion corpus must be found with its exact original span.

use leakproof_detect::{Detector, DetectorConfig};

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
}

#[test]
fn decoys_are_not_destroyed() {
    let detector = Detector::new(DetectorConfig::default()).expect("default config");
    let decoys: Vec<&str> = lines(include_str!("data/decoys.txt")).collect();
    let destroyed: Vec<String> = decoys
        .iter()
        .filter_map(|line| {
            let found = detector.detect(line);
            (!found.is_empty()).then(|| {
                let what: Vec<String> = found
                    .iter()
                    .map(|d| format!("{} {:?}", d.entity, &line[d.start..d.end]))
                    .collect();
                format!("{line} -> {}", what.join(", "))
            })
        })
        .collect();
    let share = destroyed.len() as f64 / decoys.len() as f64 * 100.0;
    println!(
        "decoys destroyed: {} of {} ({share:.1}%)",
        destroyed.len(),
        decoys.len()
    );
    assert!(decoys.len() >= 45, "the decoy corpus shrank");
    assert!(
        destroyed.is_empty(),
        "decoys destroyed:\n{}",
        destroyed.join("\n")
    );
}

#[test]
fn every_evasion_is_found_with_its_exact_span() {
    let detector = Detector::new(DetectorConfig::default()).expect("default config");
    let mut missed = Vec::new();
    let mut total = 0;
    for line in lines(include_str!("data/evasions.txt")) {
        let mut fields = line.split('\t');
        let (Some(entity), Some(text), Some(span)) = (fields.next(), fields.next(), fields.next())
        else {
            panic!("malformed corpus line: {line}");
        };
        total += 1;
        let found = detector.detect(text);
        let hit = found
            .iter()
            .any(|d| d.entity.name() == entity && &text[d.start..d.end] == span);
        if !hit {
            let got: Vec<String> = found
                .iter()
                .map(|d| format!("{} {:?}", d.entity, &text[d.start..d.end]))
                .collect();
            missed.push(format!("{entity}: {text:?} -> {got:?}"));
        }
    }
    println!("evasions found: {} of {total}", total - missed.len());
    assert!(total >= 50, "the evasion corpus shrank");
    assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));
}
