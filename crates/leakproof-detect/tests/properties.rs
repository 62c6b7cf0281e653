//! Invariants of detection over generated input.
//!
//! 1. Whatever the input, detection returns sorted, disjoint, in-bounds
//!    spans on character boundaries, and never panics.
//! 2. For generated values, written in generated evasive spellings inside
//!    generated sentences, replacing every detected span leaves neither the
//!    value, nor its digits-only or de-spaced form, in the output.

use leakproof_detect::{Detector, DetectorConfig};
use proptest::prelude::*;
use std::sync::LazyLock;

static DETECTOR: LazyLock<Detector> =
    LazyLock::new(|| Detector::new(DetectorConfig::default()).expect("default config"));

fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for d in DETECTOR.detect(text) {
        out.push_str(&text[last..d.start]);
        out.push_str("[X]");
        last = d.end;
    }
    out.push_str(&text[last..]);
    out
}

/// A value and the strings that must not survive redaction.
#[derive(Debug, Clone)]
struct Secret {
    written: String,
    forbidden: Vec<String>,
}

fn luhn_complete(body: &[u8]) -> u8 {
    // The check digit that makes body + digit pass Luhn.
    let mut sum = 0u32;
    for (i, d) in body.iter().rev().enumerate() {
        let mut v = u32::from(*d);
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    ((10 - sum % 10) % 10) as u8
}

fn email() -> impl Strategy<Value = Secret> {
    (
        "[a-z]{3,8}[0-9]{2}",
        "[a-z]{4,10}",
        prop::sample::select(vec!["com", "org", "net", "de", "io", "co.uk"]),
        0usize..9,
    )
        .prop_map(|(local, domain, tld, style)| {
            let tld_dot = tld.replace('.', " . ");
            let written = match style {
                0 => format!("{local}@{domain}.{tld}"),
                1 => format!("{local} @ {domain} . {tld_dot}"),
                2 => format!("{local}[at]{domain}[dot]{}", tld.replace('.', "[dot]")),
                3 => format!("{local} at {domain} dot {}", tld.replace('.', " dot ")),
                4 => format!("{local}＠{domain}．{tld}"),
                5 => format!("{local}\\u0040{domain}.{tld}"),
                6 => format!("{local}&#64;{domain}.{tld}"),
                7 => format!("{}\u{200B}{}@{domain}.{tld}", &local[..2], &local[2..]),
                _ => format!("{}@\n{domain}.{tld}", local.to_uppercase()),
            };
            Secret {
                written,
                forbidden: vec![local.clone(), format!("{local}@{domain}.{tld}")],
            }
        })
}

fn card() -> impl Strategy<Value = Secret> {
    (prop::collection::vec(0u8..10, 14), 0usize..3).prop_map(|(mut body, style)| {
        body.insert(0, 4);
        let check = luhn_complete(&body);
        body.push(check);
        let digits: String = body.iter().map(|d| char::from(b'0' + d)).collect();
        let groups: Vec<&str> = (0..4).map(|i| &digits[i * 4..i * 4 + 4]).collect();
        let written = match style {
            0 => digits.clone(),
            1 => groups.join(" "),
            _ => format!("{} {}-{} {}", groups[0], groups[1], groups[2], groups[3]),
        };
        Secret {
            written,
            forbidden: vec![digits.clone(), digits[4..].to_string()],
        }
    })
}

fn ipv4() -> impl Strategy<Value = Secret> {
    (
        1u8..=223,
        any::<u8>(),
        any::<u8>(),
        1u8..=254,
        any::<bool>(),
    )
        .prop_map(|(a, b, c, d, spaced)| {
            let plain = format!("{a}.{b}.{c}.{d}");
            let written = if spaced {
                format!("{a} . {b} . {c} . {d}")
            } else {
                plain.clone()
            };
            Secret {
                written,
                forbidden: vec![plain],
            }
        })
}

fn phone() -> impl Strategy<Value = Secret> {
    (200u16..1000, 200u16..1000, 0u16..10000, 0usize..4).prop_map(
        |(area, exchange, line, style)| {
            let written = match style {
                0 => format!("({area}) {exchange} {line:04}"),
                1 => format!("{area}.{exchange}.{line:04}"),
                2 => format!("{area}-{exchange}-{line:04}"),
                _ => format!("+1 {area} {exchange} {line:04}"),
            };
            Secret {
                written,
                forbidden: vec![
                    format!("{area}{exchange}{line:04}"),
                    format!("{exchange}{line:04}"),
                ],
            }
        },
    )
}

fn ssn() -> impl Strategy<Value = Secret> {
    (1u16..900, 1u16..100, 1u16..10000, any::<bool>())
        .prop_filter("not 666", |(area, ..)| *area != 666)
        .prop_map(|(area, group, serial, dashed)| {
            let sep = if dashed { "-" } else { " " };
            Secret {
                written: format!("{area:03}{sep}{group:02}{sep}{serial:04}"),
                forbidden: vec![format!("{area:03}{group:02}{serial:04}")],
            }
        })
}

fn context() -> impl Strategy<Value = (String, String)> {
    (
        prop::sample::select(vec![
            "Customer wrote: ",
            "Per the agent note (see below) ",
            "Escalated by tier 2; details: ",
            "",
            "Ticket INC0012345 - ",
        ]),
        prop::sample::select(vec![
            " please follow up.",
            "",
            ", then the call dropped at 10:22:11.",
            " (verified on 2024-03-05).",
            " and asked for a refund.",
        ]),
    )
        .prop_map(|(a, b)| (a.to_string(), b.to_string()))
}

/// Sorted, disjoint, in-bounds spans on character boundaries.
fn well_formed(text: &str) -> Result<(), TestCaseError> {
    let found = DETECTOR.detect(text);
    for d in &found {
        prop_assert!(d.start < d.end && d.end <= text.len());
        prop_assert!(text.is_char_boundary(d.start) && text.is_char_boundary(d.end));
    }
    prop_assert!(found.windows(2).all(|w| w[0].end <= w[1].start));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn spans_are_well_formed_for_any_input(text in "\\PC{0,200}") {
        well_formed(&text)?;
    }

    #[test]
    fn spans_are_well_formed_for_escape_heavy_input(
        text in "([a-z@.\\\\%&#;:0-9 \\-()\\[\\]]|\\\\u00[0-9a-f]{2}|&#[0-9]{2};|%[0-9A-F]{2}|\u{200B}|＠){0,80}"
    ) {
        well_formed(&text)?;
    }

    #[test]
    fn redacted_output_never_holds_the_value(
        secret in prop_oneof![email(), card(), ipv4(), phone(), ssn()],
        (before, after) in context(),
    ) {
        let text = format!("{before}{}{after}", secret.written);
        let redacted = redact(&text);
        let despaced: String = secret.written.chars().filter(|c| !c.is_whitespace()).collect();
        prop_assert!(!redacted.contains(&secret.written), "{text:?} -> {redacted:?}");
        prop_assert!(!redacted.contains(&despaced), "{text:?} -> {redacted:?}");
        for forbidden in &secret.forbidden {
            prop_assert!(
                !redacted.to_lowercase().contains(&forbidden.to_lowercase()),
                "{forbidden:?} survived: {text:?} -> {redacted:?}"
            );
        }
    }
}
