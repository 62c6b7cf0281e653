//! One pass over the normalised text that says which recognisers can
//! possibly match, so that a text without triggers costs one scan.

use std::sync::LazyLock;

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

/// One DFA over every trigger, in any ASCII case (a vendor prefix in the
/// wrong case only costs a regex run that finds nothing), walked byte by
/// byte: on short texts (most JSON strings) a plain table walk beats a
/// search API's per-call set-up, and every match is seen, overlapping or
/// not.
///
/// The table is a dense Aho-Corasick automaton whose states are numbered
/// in steps of 256 (`row << 8`), so a step is `next[state | byte]`: one
/// load, no multiply and no bounds check (a `u16` index into 65536
/// entries). The trigger bits of a state (its own matches and those of its
/// failure chain) sit at the same index and are or-ed in without a branch.
/// A generic DFA's `next_state` and match checks cost about three times as
/// many instructions per byte, and this scan runs over nearly every byte
/// of every text.
struct Table {
    /// `next[state | byte]`: the state after `byte`.
    next: Box<[u16; 1 << 16]>,
    /// `bits[state]`: the trigger bits of the patterns that end on
    /// reaching `state` (only multiples of 256 are states).
    bits: Box<[u32; 1 << 16]>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    // The trie of the lower-cased patterns, by row; 0 (the root) means no
    // child, as the root is nobody's child.
    let mut trie = vec![[0u8; 256]];
    let mut row_bits = vec![0u32];
    for (pattern, bit) in EXACT.iter().chain(WORDS) {
        let mut row = 0;
        for b in pattern.bytes().map(|b| usize::from(b.to_ascii_lowercase())) {
            if trie[row][b] == 0 {
                trie[row][b] = u8::try_from(trie.len()).expect("trigger states fit in a byte");
                trie.push([0; 256]);
                row_bits.push(0);
            }
            row = usize::from(trie[row][b]);
        }
        row_bits[row] |= bit;
    }
    // Rows of the dense automaton, breadth first, so a state's failure
    // state (shallower) is complete before the state itself.
    let mut rows = vec![[0u8; 256]; trie.len()];
    let mut fail = vec![0usize; trie.len()];
    let mut queue = std::collections::VecDeque::from([0usize]);
    while let Some(row) = queue.pop_front() {
        // A state steps as its failure state does, except to its children.
        if row != 0 {
            row_bits[row] |= row_bits[fail[row]];
            rows[row] = rows[fail[row]];
        }
        for b in 0..256 {
            let child = usize::from(trie[row][b]);
            if child != 0 {
                fail[child] = if row == 0 {
                    0
                } else {
                    usize::from(rows[fail[row]][b])
                };
                rows[row][b] = trie[row][b];
                queue.push_back(child);
            }
        }
    }
    let mut next = vec![0u16; 1 << 16];
    let mut bits = vec![0u32; 1 << 16];
    for (row, targets) in rows.iter().enumerate() {
        bits[row << 8] = row_bits[row];
        let row_next = &mut next[row << 8..(row + 1) << 8];
        for (n, &target) in row_next.iter_mut().zip(targets) {
            *n = u16::from(target) << 8;
        }
        // The automaton reads lower-cased input: an upper-case letter
        // steps as its lower-case form does.
        for upper in b'A'..=b'Z' {
            row_next[usize::from(upper)] = row_next[usize::from(upper.to_ascii_lowercase())];
        }
    }
    Table {
        next: next.into_boxed_slice().try_into().expect("65536 entries"),
        bits: bits.into_boxed_slice().try_into().expect("65536 entries"),
    }
});

/// The shortest text a trigger can matter in ("pwd: abc").
const MIN_TRIGGERED_LEN: usize = 8;

/// The trigger bits present in `text`.
pub(crate) fn scan(text: &str) -> u32 {
    if text.len() < MIN_TRIGGERED_LEN {
        return 0;
    }
    let Table { next, bits } = &*TABLE;
    let mut state = 0u16;
    let mut found = 0;
    let mut step = |b: u8| {
        state = next[usize::from(state | u16::from(b))];
        found |= bits[usize::from(state)];
    };
    // Four steps per round: the loop's own compare and branch cost as much
    // as a step.
    let mut chunks = text.as_bytes().chunks_exact(4);
    for c in &mut chunks {
        step(c[0]);
        step(c[1]);
        step(c[2]);
        step(c[3]);
    }
    for &b in chunks.remainder() {
        step(b);
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

    /// The hand-built table finds what a library automaton finds, overlaps
    /// and upper case included.
    #[test]
    fn table_agrees_with_a_library_automaton() {
        let patterns = || EXACT.iter().chain(WORDS);
        let reference = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(patterns().map(|(p, _)| p))
            .expect("builds");
        let bits: Vec<u32> = patterns().map(|(_, bit)| *bit).collect();
        let texts = [
            "nothing here at all, really",
            "PASSWORD: hunter2 and a TOKEN",
            "passpwdpw:pw=pw is pin code",
            "ghp_xoxAKIAsk_live_eyJ -----BEGIN",
            "mail me AT home\nat work",
            "DoB d.o.b BIRTH born geb. bearer",
            "https://u:p@h fe80::1 ::",
            "secretokeyprivate github_pat_x ASIA ABIA ACCA AIza",
            "sK_TeSt_ rk_live_ rK_TEST_ Gho_ GHU_ ghs_ ghr_",
            r"\u0040 %40 caf\u00e9 über p@ss",
        ];
        for text in texts {
            let expected = reference
                .find_overlapping_iter(text)
                .fold(0, |acc, m| acc | bits[m.pattern().as_usize()]);
            assert_eq!(scan(text), expected, "{text}");
        }
    }
}
