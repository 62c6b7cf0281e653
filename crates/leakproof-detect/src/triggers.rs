//! One pass over the normalised text that says which recognisers can
//! possibly match, so that a text without triggers costs one scan.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

/// The word "at" between blanks (a spelled-out email separator).
pub(crate) const SPELLED_AT: u32 = 1;
/// `://` (credentials in a URL).
pub(crate) const URL: u32 = 1 << 1;
/// A vendor token prefix (`AKIA`, `ghp_`, `xox`, `AIza`, `sk_live_`, `eyJ`).
pub(crate) const TOKEN: u32 = 1 << 2;
/// `-----BEGIN` (a PEM block).
pub(crate) const PEM: u32 = 1 << 3;
/// A key word that introduces a password, secret, token or birth date.
pub(crate) const KEYWORD: u32 = 1 << 4;
/// `::` (a compressed IPv6 address).
pub(crate) const DOUBLE_COLON: u32 = 1 << 5;

const EXACT: &[(&str, u32)] = &[
    ("://", URL),
    ("::", DOUBLE_COLON),
    ("-----BEGIN", PEM),
    ("AKIA", TOKEN),
    ("ASIA", TOKEN),
    ("ABIA", TOKEN),
    ("ACCA", TOKEN),
    ("ghp_", TOKEN),
    ("gho_", TOKEN),
    ("ghu_", TOKEN),
    ("ghs_", TOKEN),
    ("ghr_", TOKEN),
    ("github_pat_", TOKEN),
    ("xox", TOKEN),
    ("AIza", TOKEN),
    ("sk_live_", TOKEN),
    ("sk_test_", TOKEN),
    ("rk_live_", TOKEN),
    ("rk_test_", TOKEN),
    ("eyJ", TOKEN),
];

/// Matched in lower case, Title case and UPPER case (the spellings people
/// use), which keeps the automaton on its fast SIMD prefilter.
const WORDS: &[(&str, u32)] = &[
    (" at ", SPELLED_AT),
    ("\nat ", SPELLED_AT),
    ("pass", KEYWORD),
    ("pwd", KEYWORD),
    ("pw:", KEYWORD),
    ("pw=", KEYWORD),
    ("pw is", KEYWORD),
    ("pin code", KEYWORD),
    ("secret", KEYWORD),
    ("token", KEYWORD),
    ("key", KEYWORD),
    ("bearer", KEYWORD),
    ("dob", KEYWORD),
    ("d.o.b", KEYWORD),
    ("birth", KEYWORD),
    ("born", KEYWORD),
    ("geb", KEYWORD),
];

static AUTOMATON: LazyLock<(AhoCorasick, Vec<u32>)> = LazyLock::new(|| {
    let mut patterns: Vec<String> = Vec::new();
    let mut bits = Vec::new();
    for (p, bit) in EXACT {
        patterns.push((*p).to_string());
        bits.push(*bit);
    }
    for (p, bit) in WORDS {
        let mut title = String::new();
        let mut upper_next = true;
        for c in p.chars() {
            if upper_next && c.is_ascii_alphabetic() {
                title.push(c.to_ascii_uppercase());
                upper_next = false;
            } else {
                title.push(c);
            }
        }
        for variant in [(*p).to_string(), title, p.to_ascii_uppercase()] {
            if !patterns.contains(&variant) {
                patterns.push(variant);
                bits.push(*bit);
            }
        }
    }
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(&patterns)
        .expect("static automaton");
    (automaton, bits)
});

/// The trigger bits present in `text`.
pub(crate) fn scan(text: &str) -> u32 {
    let (automaton, bits) = &*AUTOMATON;
    let mut found = 0;
    for m in automaton.find_iter(text) {
        found |= bits[m.pattern().as_usize()];
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_trigger_in_any_common_case() {
        assert_eq!(scan("plain words only"), 0);
        assert_eq!(scan("john AT contoso") & SPELLED_AT, SPELLED_AT);
        assert_eq!(scan("My Password is x") & KEYWORD, KEYWORD);
        assert_eq!(scan("PASSWORD=x") & KEYWORD, KEYWORD);
        assert_eq!(scan("key AKIAIOSFODNN7EXAMPLE") & TOKEN, TOKEN);
        assert_eq!(scan("https://u:p@h") & URL, URL);
        assert_eq!(scan("2001:db8::1") & DOUBLE_COLON, DOUBLE_COLON);
    }
}
