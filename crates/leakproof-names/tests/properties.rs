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

    /// The cue words, signs and shapes the rules look around, shuffled:
    /// every look back or ahead must stay inside the text.
    #[test]
    fn spans_are_well_formed_around_cue_words(
        text in "(No|H|Lot|Blk|Plot|TO|time|von|van|der|al|mr|the|called|of|all|from|told|Per|Hi|DC|Road|Street|Lane|The|Rectory|Co|Thabo|Kent|Lyon|WSUS01|[A-Z]{2,5}[0-9]{2}|[0-9]{1,5}|[A-Z][0-9][A-Z0-9]? [0-9][A-Z]{2}|-ro|-gil|->|→|—|[()\"'=;:,.#/\\\\-]| |\n){0,30}"
    ) {
        check(&text);
    }
}
