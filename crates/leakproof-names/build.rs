//! Builds the gazetteer look-up tables at compile time, so that a process
//! does not hash 220,000 words at start-up: the slots are written to
//! `OUT_DIR` as little-endian `(fingerprint, classes)` pairs and included
//! in the crate with `include_bytes!`.

use std::path::Path;

#[allow(dead_code)]
#[path = "src/curated.rs"]
mod curated;
#[allow(dead_code)]
#[path = "src/table.rs"]
mod table;

/// The gazetteer files and their classes.
const GAZETTEERS: &[(&str, u32)] = &[
    ("data/given.txt", curated::GIVEN),
    ("data/surnames.txt", curated::SURNAME),
    ("data/places.txt", curated::PLACE),
    ("data/regions.txt", curated::REGION),
    ("data/countries.txt", curated::REGION | curated::COUNTRY),
    ("data/common.txt", curated::COMMON),
    ("data/english.txt", curated::ENGLISH),
];

fn add_curated(slots: &mut [(u32, u32)]) {
    for (words, flag) in curated::CURATED_LISTS {
        for word in *words {
            table::insert(slots, word, *flag);
        }
    }
}

fn write(path: &Path, slots: &[(u32, u32)]) {
    let mut bytes = Vec::with_capacity(slots.len() * 8);
    for (fp, classes) in slots {
        bytes.extend_from_slice(&fp.to_le_bytes());
        bytes.extend_from_slice(&classes.to_le_bytes());
    }
    std::fs::write(path, bytes).expect("write a table to OUT_DIR");
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/curated.rs");
    println!("cargo::rerun-if-changed=src/table.rs");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out);

    let mut lists = Vec::new();
    for (file, flag) in GAZETTEERS {
        println!("cargo::rerun-if-changed={file}");
        let text = std::fs::read_to_string(file).expect("read a gazetteer under data/");
        lists.push((text, *flag));
    }
    // The first words of places of several words (`salt` of `salt lake
    // city`): a word without this class starts no such place.
    let heads: Vec<&str> = lists
        .iter()
        .filter(|(_, flag)| flag & (curated::PLACE | curated::REGION) != 0)
        .flat_map(|(list, _)| list.lines())
        .filter_map(|line| line.trim().split_once(' ').map(|(head, _)| head))
        .collect();
    let count: usize = lists.iter().map(|(l, _)| l.lines().count()).sum::<usize>() + heads.len();
    let mut slots = vec![(0u32, 0u32); table::slot_count(count + 1024)];
    for (list, flag) in &lists {
        for word in list.lines() {
            let word = word.trim();
            if !word.is_empty() && !word.starts_with('#') {
                table::insert(&mut slots, word, *flag);
            }
        }
    }
    for head in heads {
        table::insert(&mut slots, head, curated::PLACE_HEAD);
    }
    add_curated(&mut slots);
    write(&out.join("lexicon.bin"), &slots);

    let mut small = vec![(0u32, 0u32); table::slot_count(1024)];
    add_curated(&mut small);
    write(&out.join("curated.bin"), &small);
}
