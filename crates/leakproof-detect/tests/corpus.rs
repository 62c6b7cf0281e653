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

/// The names corpus of `leakproof-names`, through the whole detector: the
/// normalised view (escapes, accents folded), every other recogniser and
/// the overlap resolution. Prints recall per type and decoys destroyed.
#[test]
fn names_corpus_through_the_detector() {
    let detector = Detector::new(DetectorConfig::default()).expect("default config");
    let files = [
        include_str!("../../leakproof-names/tests/data/persons.tsv"),
        include_str!("../../leakproof-names/tests/data/locations.tsv"),
        include_str!("../../leakproof-names/tests/data/addresses.tsv"),
        include_str!("../../leakproof-names/tests/data/hosts.tsv"),
    ];
    for file in files {
        let (mut hit, mut total) = (0, 0);
        let mut entity_name = "";
        for line in lines(file) {
            let mut fields = line.split('\t');
            let (Some(entity), Some(text), Some(span)) =
                (fields.next(), fields.next(), fields.next())
            else {
                panic!("malformed corpus line: {line}");
            };
            entity_name = entity;
            total += 1;
            let start = text.find(span).expect("span in text");
            let found = detector.detect(text);
            let covered = text[start..start + span.len()]
                .char_indices()
                .filter(|(_, c)| c.is_alphanumeric())
                .all(|(i, _)| {
                    found.iter().any(|d| {
                        d.entity.name() == entity && d.start <= start + i && start + i < d.end
                    })
                });
            if covered {
                hit += 1;
            } else {
                println!("  missed {span:?} in {text:?}");
            }
        }
        let pct = hit as f64 / total as f64 * 100.0;
        println!("{entity_name} through the detector: {hit}/{total} = {pct:.1}%");
        assert!(pct >= 95.0, "{entity_name}: {pct:.1}%");
    }
    let decoys: Vec<&str> =
        lines(include_str!("../../leakproof-names/tests/data/decoys.txt")).collect();
    let destroyed = decoys
        .iter()
        .filter(|line| !detector.detect(line).is_empty())
        .inspect(|line| println!("  destroyed {line:?}"))
        .count();
    println!(
        "names decoys destroyed by the detector: {destroyed} of {}",
        decoys.len()
    );
    assert!(destroyed * 100 <= decoys.len() * 2, "{destroyed} destroyed");
}
