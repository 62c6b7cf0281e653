//! Spans are well-formed for any input.

use leakproof_names::{NameFinder, NamesConfig};
use proptest::prelude::*;

fn check(text: &str) {
    let finder = NameFinder::new(NamesConfig::default()).expect("default config");
    let mut out = Vec::new();
    finder.find(text, &mut out);
    for s in &out {
        assert!(s.start < s.end && s.end <= text.len(), "{s:?} in {text:?}");
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        assert!((0.0..=1.0).contains(&s.confidence));
    }
    assert!(out.windows(2).all(|w| w[0].end <= w[1].start), "{out:?}");
}

proptest! {
    #[test]
    fn spans_are_char_boundary_ranges(text in "\\PC{0,200}") {
        check(&text);
    }

    #[test]
    fn spans_are_well_formed_on_name_like_text(
        text in "([A-Z][a-zé]{1,8}|[0-9]{1,5}|[ ,.:\\\\#/-]|\n|ł|Ł|º|-){0,40}"
    ) {
        check(&text);
    }
}
