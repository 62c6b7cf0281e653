//! Redacted NDJSON never holds the original value, whatever record it sits
//! in; redacted output holds nothing left to find; records without PII come out
//! byte for byte.

use leakproof_redact::{Format, Policy, Redactor, StreamOptions, redact_stream};
use proptest::prelude::*;

fn redact(input: &str) -> String {
    redact_counting(input).0
}

/// The redacted text and how many values were found in it.
fn redact_counting(input: &str) -> (String, u64) {
    let redactor = Redactor::new(Policy::default(), None).expect("default policy");
    let mut out = Vec::new();
    let summary = redact_stream(
        &redactor,
        Format::Ndjson,
        &mut input.as_bytes(),
        &mut out,
        None,
        &StreamOptions::default(),
        &mut |_| {},
    )
    .expect("redacts");
    (String::from_utf8(out).expect("utf8"), summary.tally.total())
}

/// A value, its spelling in the record (JSON-escaped where needed), and
/// the forms that must not survive.
fn secret() -> impl Strategy<Value = (String, Vec<String>)> {
    prop_oneof![
        ("[a-z]{3,8}[0-9]{2}", "[a-z]{4,9}", 0usize..5).prop_map(|(local, domain, style)| {
            let written = match style {
                0 => format!("{local}@{domain}.com"),
                1 => format!("{local} @ {domain} . com"),
                2 => format!("{local}\\u0040{domain}.com"),
                3 => format!("{local}(at){domain}(dot)com"),
                _ => format!("{local}@\\n{domain}.com"),
            };
            (written, vec![local])
        }),
        (200u16..1000, 200u16..1000, 0u16..10000).prop_map(|(a, b, c)| {
            (
                format!("({a}) {b}-{c:04}"),
                vec![format!("{a}{b}{c:04}"), format!("{b}-{c:04}")],
            )
        }),
        (1u8..=223, 0u8..=255, 0u8..=255, 1u8..=254).prop_map(|(a, b, c, d)| (
            format!("{a}.{b}.{c}.{d}"),
            vec![format!("{a}.{b}.{c}.{d}")]
        )),
        Just((
            "4111 1111-1111 1111".to_string(),
            vec!["4111111111111111".to_string(), "1111-1111".to_string()]
        )),
        Just((
            "AKIAIOSFODNN7EXAMPLE".to_string(),
            vec!["AKIAIOSFODNN7EXAMPLE".to_string()]
        )),
        "[A-Z][a-z]{4,8}[0-9]{2,4}".prop_map(|pw| (format!("my password is {pw}"), vec![pw])),
    ]
}

/// Words around the value. ("version" is left out on purpose: "version
/// 1.2.3.4" is read as a version number, not an address.)
fn safe_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "the",
            "sync",
            "fails",
            "after",
            "upgrade",
            "to",
            "build 10.0.19041.1",
            "error",
            "0x80070005",
            "ticket",
            "INC0012345",
            "at",
            "10:22:11",
            "please",
            "retry",
        ]),
        0..12,
    )
    .prop_map(|words| words.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn redacted_ndjson_never_holds_the_value(
        (written, forbidden) in secret(),
        before in safe_text(),
        after in safe_text(),
        key in "[a-z_]{1,12}",
        nested in any::<bool>(),
    ) {
        let text = format!("{before} {written} {after}");
        let record = if nested {
            format!("{{\"id\":7,\"case\":{{\"{key}\":[\"{text}\",1.5]}},\"ok\":true}}\n")
        } else {
            format!("{{\"{key}\":\"{text}\",\"n\":null}}\n")
        };
        let out = redact(&record);
        serde_json::from_str::<serde_json::Value>(out.trim_end()).map_err(|e| TestCaseError::fail(format!("{e}: {out}")))?;
        for f in &forbidden {
            prop_assert!(!out.contains(f.as_str()), "{f} survived in {out}");
        }
        prop_assert!(!out.contains(&written), "{written} survived in {out}");
    }

    #[test]
    fn redacted_output_holds_nothing_to_find(
        (written, _) in secret(),
        before in safe_text(),
        after in safe_text(),
    ) {
        let record = format!("{{\"note\":\"{before} {written} {after}\"}}\n");
        let once = redact(&record);
        // Scanning redacted output finds nothing: no mask reads as a value.
        let (twice, found) = redact_counting(&once);
        prop_assert_eq!(found, 0, "found in {}", once);
        prop_assert_eq!(twice, once);
    }

    #[test]
    fn records_without_pii_are_byte_identical(
        texts in prop::collection::vec(safe_text(), 1..5),
        spaced in any::<bool>(),
    ) {
        let sep = if spaced { " , " } else { "," };
        let values: Vec<String> = texts.iter().map(|t| format!("\"{t}\"")).collect();
        let record = format!("{{ \"a\" : [{}], \"b\":{{\"c\":-1.5e3}} }}\n", values.join(sep));
        prop_assert_eq!(redact(&record), record);
    }
}
