//! One pass over the normalised text that says which recognisers can
//! possibly match, so that a text without triggers costs one scan.

use std::sync::LazyLock;

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind};

/// The word "at" between blanks (a spelled-out email separator).
pub(crate) const SPELLED_AT: u32 = 1;
/// `://` (credentials in a URL).
pub(crate) const URL: u32 = 1 << 1;
/// A vendor token prefix (`AKIA`, `ghp_`, `xox`, `AIza`, `sk_live_`, `eyJ`).
pub(crate) const TOKEN: u32 = 1 << 2;
/// `-----BEGIN` (a PEM block).
pub(crate) const PEM: u32 = 1 << 3;
/// A word that introduces a password (`password`, `pwd`, `passcode`).
pub(crate) const PASSWORD_WORD: u32 = 1 << 4;
/// `::` (a compressed IPv6 address).
pub(crate) const DOUBLE_COLON: u32 = 1 << 5;
/// A word that introduces a secret (`secret`, `token`, `key`, `private`).
pub(crate) const SECRET_WORD: u32 = 1 << 6;
/// `Bearer`.
pub(crate) const BEARER_WORD: u32 = 1 << 7;
/// A word that cues a date of birth (`DOB`, `birth`, `born`).
pub(crate) const BIRTH_WORD: u32 = 1 << 8;

/// A digit (from [`byte_classes`]).
pub(crate) const DIGIT: u32 = 1 << 16;
/// `:`.
pub(crate) const COLON: u32 = 1 << 17;
/// An upper-case ASCII letter.
pub(crate) const UPPER: u32 = 1 << 18;
/// `@`.
pub(crate) const AT_SIGN: u32 = 1 << 19;
/// A byte that may start a fold: `\\`, `%`, `&`, a bracket, or non-ASCII.
pub(crate) const FOLDABLE: u32 = 1 << 20;
/// `-` or `.` (MAC address separators besides `:`).
pub(crate) const DASH_OR_DOT: u32 = 1 << 21;

/// The byte classes present in `bytes`, in one pass.
pub(crate) fn byte_classes(bytes: &[u8]) -> u32 {
    static TABLE: [u8; 256] = {
        let mut table = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            table[b] = match b as u8 {
                b'0'..=b'9' => 1,
                b':' => 2,
                b'A'..=b'Z' => 4,
                b'@' => 8,
                b'\\' | b'%' | b'&' | b'(' | b'[' | b'{' | b'<' | 0x80..=0xff => 16,
                b'-' | b'.' => 32,
                _ => 0,
            };
            b += 1;
        }
        table
    };
    let mut seen = 0u8;
    // Eight lookups per step: the loop's own compare and branch cost as
    // much as a lookup.
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        seen |= TABLE[c[0] as usize]
            | TABLE[c[1] as usize]
            | TABLE[c[2] as usize]
            | TABLE[c[3] as usize]
            | TABLE[c[4] as usize]
            | TABLE[c[5] as usize]
            | TABLE[c[6] as usize]
            | TABLE[c[7] as usize];
    }
    for &b in chunks.remainder() {
        seen |= TABLE[b as usize];
    }
    let mut classes = 0;
    for (bit, class) in [
        (1, DIGIT),
        (2, COLON),
        (4, UPPER),
        (8, AT_SIGN),
        (16, FOLDABLE),
        (32, DASH_OR_DOT),
    ] {
        if seen & bit != 0 {
            classes |= class;
        }
    }
    classes
}

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

/// Matched in any case.
const WORDS: &[(&str, u32)] = &[
    (" at ", SPELLED_AT),
    ("\nat ", SPELLED_AT),
    ("pass", PASSWORD_WORD),
    ("pwd", PASSWORD_WORD),
    ("pw:", PASSWORD_WORD),
    ("pw=", PASSWORD_WORD),
    ("pw is", PASSWORD_WORD),
    ("pin code", PASSWORD_WORD),
    ("secret", SECRET_WORD),
    ("token", SECRET_WORD),
    ("key", SECRET_WORD),
    ("private", SECRET_WORD),
    ("bearer", BEARER_WORD),
    ("dob", BIRTH_WORD),
    ("d.o.b", BIRTH_WORD),
    ("birth", BIRTH_WORD),
    ("born", BIRTH_WORD),
    ("geb", BIRTH_WORD),
];

/// One DFA over every trigger, in any case (a vendor prefix in the wrong
/// case only costs a regex run that finds nothing), walked byte by byte:
/// on short texts (most JSON strings) a plain table walk beats a search
/// API's per-call set-up, and every match is seen, overlapping or not.
static AUTOMATON: LazyLock<(DFA, Vec<u32>)> = LazyLock::new(|| {
    let all = || EXACT.iter().chain(WORDS);
    let dfa = DFA::builder()
        .match_kind(MatchKind::Standard)
        .ascii_case_insensitive(true)
        .prefilter(false)
        .build(all().map(|(p, _)| p))
        .expect("static automaton");
    (dfa, all().map(|(_, bit)| *bit).collect())
});

/// The shortest text a trigger can matter in ("pwd: abc").
const MIN_TRIGGERED_LEN: usize = 8;

/// The trigger bits present in `text`.
pub(crate) fn scan(text: &str) -> u32 {
    if text.len() < MIN_TRIGGERED_LEN {
        return 0;
    }
    let (dfa, bits) = &*AUTOMATON;
    let Ok(mut state) = dfa.start_state(Anchored::No) else {
        return 0;
    };
    let mut found = 0;
    for &b in text.as_bytes() {
        state = dfa.next_state(Anchored::No, state, b);
        if dfa.is_special(state) && dfa.is_match(state) {
            for i in 0..dfa.match_len(state) {
                found |= bits[dfa.match_pattern(state, i).as_usize()];
            }
        }
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
        assert_eq!(scan("My Password is x") & PASSWORD_WORD, PASSWORD_WORD);
        assert_eq!(scan("PASSWORD=x") & PASSWORD_WORD, PASSWORD_WORD);
        assert_eq!(scan("api_key: x") & SECRET_WORD, SECRET_WORD);
        assert_eq!(scan("Bearer x") & BEARER_WORD, BEARER_WORD);
        assert_eq!(scan("DOB 1/2/1990") & BIRTH_WORD, BIRTH_WORD);
        assert_eq!(scan("key AKIAIOSFODNN7EXAMPLE") & TOKEN, TOKEN);
        assert_eq!(scan("https://u:p@h") & URL, URL);
        assert_eq!(scan("2001:db8::1") & DOUBLE_COLON, DOUBLE_COLON);
    }
}
