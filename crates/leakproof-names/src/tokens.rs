//! Splits text into words, numbers and punctuation in one pass over the
//! bytes, without allocating per token. Bytes at or above 0x80 count as
//! letters, so a token never splits a UTF-8 sequence.

use std::cell::Cell;
use std::ops::Range;

use crate::lexicon::{self, MAX_KEY};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Letters (with inner `-`, `'`, `/`).
    Word,
    /// Alphanumerics with at least one digit (`221B`, `84/92`, `SW1A`).
    Num,
    /// One punctuation byte.
    Punct,
}

/// Letter case of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    /// `maria`
    Lower,
    /// `Maria`, `McAllister`
    Title,
    /// `MARIA`, `J`
    Upper,
    /// Anything else (`iPhone`, digits).
    Other,
}

/// One token: byte range in the text and what it is.
#[derive(Debug, Clone)]
pub(crate) struct Tok {
    pub(crate) start: u32,
    pub(crate) end: u32,
    pub(crate) kind: Kind,
    pub(crate) case: Case,
    /// The punctuation byte for [`Kind::Punct`], 0 for other tokens: so
    /// `punct == b'.'` alone tells a full stop.
    pub(crate) punct: u8,
    /// [`NEWLINE`], [`SPACE`], [`DASH`], [`PLAIN`] and [`HOST`]: one byte
    /// to store.
    flags: u8,
    /// Hand-written classes, looked up on first use.
    curated: Cell<u32>,
    /// Gazetteer and hand-written classes, looked up on first use.
    full: Cell<u32>,
}

/// A line break stands between a token and the previous one.
const NEWLINE: u8 = 1;
/// Whitespace stands between a token and the previous one.
const SPACE: u8 = 2;
/// A `-` joins parts of a token (`SRV-EXCH-01`, `Jean-Pierre`).
const DASH: u8 = 4;
/// A word is ASCII without apostrophes: it hashes as it is, unfolded.
const PLAIN: u8 = 8;
/// A number or a dashed word, with an ASCII letter, not in title case:
/// where a NetBIOS name can be.
const HOST: u8 = 16;

/// Marks a class cache not filled yet.
const UNKNOWN: u32 = 1 << 31;

impl Tok {
    /// A line break stands between this token and the previous one.
    pub(crate) fn newline(&self) -> bool {
        self.flags & NEWLINE != 0
    }

    /// Whitespace stands between this token and the previous one.
    pub(crate) fn space(&self) -> bool {
        self.flags & SPACE != 0
    }

    /// A `-` joins parts of this token (`SRV-EXCH-01`, `Jean-Pierre`).
    pub(crate) fn dash(&self) -> bool {
        self.flags & DASH != 0
    }

    /// This token is ASCII without apostrophes: it hashes as it is.
    pub(crate) fn plain(&self) -> bool {
        self.flags & PLAIN != 0
    }

    /// This token is a number or a dashed word, with an ASCII letter, not
    /// in title case: where a NetBIOS name can be.
    pub(crate) fn host_word(&self) -> bool {
        self.flags & HOST != 0
    }

    /// The hand-written classes of this word (cue words, particles, street
    /// types, stop words): a small table, cheap.
    #[inline]
    pub(crate) fn cur(&self, text: &str) -> u32 {
        let c = self.curated.get();
        if c != UNKNOWN {
            return c;
        }
        self.fill_cur(text)
    }

    /// Looks up and caches [`Tok::cur`]; out of line, as most calls hit
    /// the cache.
    #[inline(never)]
    fn fill_cur(&self, text: &str) -> u32 {
        let c = match self.kind {
            Kind::Word if self.flags & PLAIN != 0 => {
                let bytes = self.bytes(text);
                if bytes.len() > 14 || !lexicon::maybe_curated(bytes) {
                    0
                } else {
                    let hash =
                        lexicon::word_hash(text.as_bytes(), self.start as usize, self.end as usize);
                    lexicon::curated_classes_hashed(hash)
                }
            }
            Kind::Word => lookup_curated(&text[self.start as usize..self.end as usize]),
            _ => 0,
        };
        self.curated.set(c);
        c
    }

    /// All classes of this word, gazetteers included: looked up once.
    #[inline]
    pub(crate) fn classes(&self, text: &str) -> u32 {
        let c = self.full.get();
        if c != UNKNOWN {
            return c;
        }
        self.fill_classes(text)
    }

    /// Looks up and caches [`Tok::classes`].
    #[inline(never)]
    fn fill_classes(&self, text: &str) -> u32 {
        let c = match self.kind {
            Kind::Word if self.flags & (PLAIN | DASH) == PLAIN => {
                let hash =
                    lexicon::word_hash(text.as_bytes(), self.start as usize, self.end as usize);
                lexicon::classes_hashed(hash)
            }
            Kind::Word => lookup(&text[self.start as usize..self.end as usize]),
            _ => 0,
        };
        self.full.set(c);
        c
    }

    /// The token's bytes in `text`: no char-boundary checks, unlike `&str`
    /// slicing.
    pub(crate) fn bytes<'t>(&self, text: &'t str) -> &'t [u8] {
        &text.as_bytes()[self.start as usize..self.end as usize]
    }
}

/// What a text's tokens hold, so that passes which cannot find anything
/// in it are skipped, and where the dots and host-name candidates lie, so
/// that the passes over them need not walk the tokens outside.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Holds {
    /// Bits of one byte, which the tokenizer's loop keeps in one register.
    bits: u8,
    /// The indices of the first `.` token and past the last one.
    dots: (u32, u32),
    /// The indices of the first token with [`Tok::host_word`] and past the
    /// last one.
    hosts: (u32, u32),
}

/// A number token.
const NUMBER: u8 = 1;
/// A `\\`.
const BACKSLASH: u8 = 8;

impl Holds {
    /// A number token (every address has one).
    pub(crate) fn number(self) -> bool {
        self.bits & NUMBER != 0
    }

    /// A `\\` (every UNC path has one).
    pub(crate) fn backslash(self) -> bool {
        self.bits & BACKSLASH != 0
    }

    /// The tokens from the first `.` to the last (every suffixed host name
    /// has one); empty when there is none.
    pub(crate) fn dots(self) -> Range<usize> {
        self.dots.0 as usize..self.dots.1 as usize
    }

    /// The tokens from the first NetBIOS name candidate
    /// ([`Tok::host_word`]) to the last; empty when there is none.
    pub(crate) fn hosts(self) -> Range<usize> {
        self.hosts.0 as usize..self.hosts.1 as usize
    }
}

#[inline]
fn is_alnum(b: u8) -> bool {
    CLASS[b as usize] & ALNUM != 0
}

const ALNUM: u8 = 1;
const DIGIT: u8 = 2;
const UPPER: u8 = 4;
const LOWER: u8 = 8;
const HIGH: u8 = 16;
const JOIN: u8 = 32;
/// `-` among the joiners.
const DASH_BYTE: u8 = 64;
/// `'` among the joiners.
const APOSTROPHE: u8 = 128;

/// What each byte is, for the tokeniser's inner loop.
static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'0'..=b'9' => ALNUM | DIGIT,
            b'A'..=b'Z' => ALNUM | UPPER,
            b'a'..=b'z' => ALNUM | LOWER,
            0x80..=0xff => ALNUM | HIGH,
            b'-' => JOIN | DASH_BYTE,
            b'\'' => JOIN | APOSTROPHE,
            b'/' => JOIN,
            _ => 0,
        };
        b += 1;
    }
    table
};

/// The high bit of each byte of a `u64`.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// `b` in every byte of a `u64`.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The high bit of each byte of `x` (bytes in memory order, little-endian)
/// that is a lower-case ASCII letter. A byte at or above 0x80 may carry
/// into the bytes after it, but it is never a letter here itself, so the
/// run of letters up to it is exact.
#[inline]
fn lower_letters(x: u64) -> u64 {
    let at_least_a = x.wrapping_add(splat(0x80 - b'a'));
    let above_z = x.wrapping_add(splat(0x7f - b'z'));
    at_least_a & !above_z & !x & HIGH_BITS
}

/// The end of the word starting with the letter or digit at `start`, and
/// the classes of its bytes OR-ed together. A `-`, `'` or `/` between two
/// letters or digits joins them.
#[inline]
fn scan_word(bytes: &[u8], start: usize) -> (usize, u8) {
    let mut i = start;
    let mut seen = 0u8;
    loop {
        // Most word bytes are lower-case ASCII letters: take them eight at
        // a time, then go byte by byte from the first other one.
        while i + 8 <= bytes.len() {
            let Ok(chunk) = <[u8; 8]>::try_from(&bytes[i..i + 8]) else {
                break;
            };
            let lower = lower_letters(u64::from_le_bytes(chunk));
            if lower == HIGH_BITS {
                seen |= ALNUM | LOWER;
                i += 8;
                continue;
            }
            let run = (!lower & HIGH_BITS).trailing_zeros() as usize / 8;
            if run > 0 {
                seen |= ALNUM | LOWER;
                i += run;
            }
            break;
        }
        while let Some(&c) = bytes.get(i) {
            let class = CLASS[c as usize];
            if class & ALNUM == 0 {
                break;
            }
            seen |= class;
            i += 1;
        }
        match bytes.get(i) {
            Some(&c)
                if CLASS[c as usize] & JOIN != 0
                    && bytes.get(i + 1).is_some_and(|&n| is_alnum(n)) =>
            {
                seen |= CLASS[c as usize];
                i += 1;
            }
            _ => return (i, seen),
        }
    }
}

/// The case of an ASCII word, indexed by [`case_index`].
const ASCII_CASE: [Case; 8] = [
    Case::Other, // no letters
    Case::Upper, // `MARIA`, `J`, `SW1A`
    Case::Lower, // `maria`
    Case::Other, // `iPhone`
    Case::Other, // (a first upper-case letter is an upper-case letter)
    Case::Upper, // `MARIA`
    Case::Other, // (likewise)
    Case::Title, // `Maria`, `McAllister`
];

/// Bit 0: an upper-case letter, bit 1: a lower-case one, bit 2: the first
/// byte is an upper-case letter.
#[inline]
fn case_index(first: u8, seen: u8) -> usize {
    usize::from(seen & UPPER != 0)
        | usize::from(seen & LOWER != 0) << 1
        | usize::from(first.is_ascii_uppercase()) << 2
}

/// The letter case of a word of `start..end` whose byte classes are `seen`.
#[inline]
fn word_case(text: &str, start: usize, end: usize, seen: u8) -> Case {
    let first = text.as_bytes()[start];
    if seen & HIGH == 0 {
        return ASCII_CASE[case_index(first, seen)];
    }
    unicode_case(text, start, end, seen, first)
}

/// [`word_case`] of a word with non-ASCII bytes: rare, so kept out of the
/// tokenizer's loop, which then has the registers it needs.
#[cold]
#[inline(never)]
fn unicode_case(text: &str, start: usize, end: usize, seen: u8, first: u8) -> Case {
    let (mut upper, mut lower) = (seen & UPPER != 0, seen & LOWER != 0);
    let mut first_upper = first.is_ascii_uppercase();
    // Non-ASCII letters: ask Unicode for their case.
    for (k, ch) in text[start..end].char_indices() {
        if ch.is_ascii() {
            continue;
        }
        if ch.is_uppercase() {
            upper = true;
            first_upper |= k == 0;
        } else if ch.is_lowercase() {
            lower = true;
        }
    }
    if !upper && lower {
        Case::Lower
    } else if first_upper && lower {
        Case::Title
    } else if upper && !lower {
        Case::Upper
    } else {
        Case::Other
    }
}

/// Widens a token range (first, past the last; `(0, 0)` when empty) to
/// take the token at index `at`, which comes after every token in it.
#[inline]
fn widen(range: &mut (u32, u32), at: u32) {
    if range.1 == 0 {
        range.0 = at;
    }
    range.1 = at + 1;
}

/// Tokenises `text` into `out` (cleared first); word classes are looked up
/// later, on first use. Returns what the tokens hold.
#[inline(never)]
pub(crate) fn tokenize(text: &str, out: &mut Vec<Tok>) -> Holds {
    out.clear();
    // The bits of `Holds`.
    let mut held = 0u8;
    let mut dots = (0u32, 0u32);
    let mut hosts = (0u32, 0u32);
    let bytes = text.as_bytes();
    let mut i = 0;
    // NEWLINE and SPACE for the blanks before the next token.
    let mut gap = 0u8;
    while let Some(&b) = bytes.get(i) {
        let start = i;
        if is_alnum(b) {
            let (end, seen) = scan_word(bytes, start);
            i = end;
            // Lower-case ASCII letters only, most words: nothing to work out.
            if seen == ALNUM | LOWER {
                out.push(Tok {
                    start: start as u32,
                    end: end as u32,
                    kind: Kind::Word,
                    case: Case::Lower,
                    punct: 0,
                    flags: gap | PLAIN,
                    curated: Cell::new(UNKNOWN),
                    full: Cell::new(UNKNOWN),
                });
                gap = 0;
                continue;
            }
            let case = word_case(text, start, end, seen);
            let mut flags = gap;
            if seen & DASH_BYTE != 0 {
                flags |= DASH;
            }
            if seen & (HIGH | APOSTROPHE) == 0 {
                flags |= PLAIN;
            }
            let digit = seen & DIGIT != 0;
            held |= u8::from(digit) * NUMBER;
            if seen & (DIGIT | DASH_BYTE) != 0 && seen & (UPPER | LOWER) != 0 && case != Case::Title
            {
                flags |= HOST;
                widen(&mut hosts, out.len() as u32);
            }
            out.push(Tok {
                start: start as u32,
                end: end as u32,
                kind: if digit { Kind::Num } else { Kind::Word },
                case,
                punct: 0,
                flags,
                curated: Cell::new(UNKNOWN),
                full: Cell::new(UNKNOWN),
            });
            gap = 0;
            continue;
        }
        if matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
            gap |= if b == b'\n' { NEWLINE | SPACE } else { SPACE };
            i += 1;
            continue;
        }
        // A literal `\n` escape (raw JSON string contents) is a line break.
        if b == b'\\'
            && bytes.get(i + 1) == Some(&b'n')
            && !bytes.get(i + 2).is_some_and(|&c| c.is_ascii_alphabetic())
        {
            gap = NEWLINE | SPACE;
            held |= BACKSLASH;
            i += 2;
            continue;
        }
        // One punctuation byte (ASCII here: bytes >= 0x80 are letters).
        i += 1;
        held |= u8::from(b == b'\\') * BACKSLASH;
        if b == b'.' {
            widen(&mut dots, out.len() as u32);
        }
        out.push(Tok {
            start: start as u32,
            end: i as u32,
            kind: Kind::Punct,
            case: Case::Other,
            punct: b,
            flags: gap,
            curated: Cell::new(0),
            full: Cell::new(0),
        });
        gap = 0;
    }
    Holds {
        bits: held,
        dots,
        hosts,
    }
}

/// Whether `word` hashes as it is: ASCII without apostrophes.
#[inline]
fn plain(word: &str) -> bool {
    word.is_ascii() && !word.as_bytes().contains(&b'\'')
}

/// The hand-written classes of a word (cue words, particles, street types).
pub(crate) fn lookup_curated(word: &str) -> u32 {
    if word.len() > 14 {
        return 0;
    }
    if plain(word) {
        return lexicon::curated_classes_hashed(lexicon::key_hash(word.as_bytes()));
    }
    let mut buf = [0u8; MAX_KEY];
    lexicon::fold(word, &mut buf).map_or(0, lexicon::curated_classes)
}

/// The word classes of `word`: (possessive `'s` dropped) the word without
/// it, else the whole word, else for a hyphenated word the classes its
/// parts share. The stem comes first: `Fang's` folds to the English
/// `fangs`.
pub(crate) fn lookup(word: &str) -> u32 {
    if plain(word) && !word.contains('-') {
        return lexicon::classes_hashed(lexicon::key_hash(word.as_bytes()));
    }
    let mut buf = [0u8; MAX_KEY];
    let Some(key) = lexicon::fold(word, &mut buf) else {
        return 0;
    };
    if let Some(stem) = key.strip_suffix("s").filter(|_| word.ends_with("'s")) {
        let found = lexicon::classes(stem);
        if found != 0 {
            return found;
        }
    }
    let found = lexicon::classes(key);
    if found != 0 {
        return found;
    }
    // `Jean-Pierre`, `García-López`; not `Kick-off`.
    let mixed = word
        .split('-')
        .skip(1)
        .any(|p| p.starts_with(|c: char| c.is_lowercase()))
        && word.starts_with(|c: char| c.is_uppercase());
    if key.contains('-') && !mixed {
        let mut shared = u32::MAX;
        let mut any = false;
        for part in key.split('-') {
            let c = lexicon::classes(part);
            if part.len() < 2 {
                continue;
            }
            // Arabic and Romance particles (`Al-Sayed`, `El-Amin`).
            if matches!(part, "al" | "el" | "ben" | "abu" | "bin") {
                continue;
            }
            any = true;
            shared &= c & (lexicon::GIVEN | lexicon::SURNAME);
        }
        if any && shared != u32::MAX {
            return shared;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_numbers_and_punctuation() {
        let text = "Hi Priya,\nsee 221B Baker St. O'Brien";
        let mut toks = Vec::new();
        tokenize(text, &mut toks);
        let parts: Vec<&str> = toks
            .iter()
            .map(|t| &text[t.start as usize..t.end as usize])
            .collect();
        assert_eq!(
            parts,
            [
                "Hi", "Priya", ",", "see", "221B", "Baker", "St", ".", "O'Brien"
            ]
        );
        assert!(toks[3].newline());
        assert_eq!(toks[4].kind, Kind::Num);
        assert_eq!(toks[1].case, Case::Title);
    }

    #[test]
    fn lower_letter_runs_stop_at_any_other_byte() {
        let run = |chunk: &[u8; 8]| {
            (!lower_letters(u64::from_le_bytes(*chunk)) & HIGH_BITS).trailing_zeros() / 8
        };
        assert_eq!(run(b"abcdefgh"), 8);
        assert_eq!(run(b"abc defg"), 3);
        assert_eq!(run(b"abcZefgh"), 3);
        assert_eq!(run(b"`abcdefg"), 0);
        assert_eq!(run(b"abcdefg{"), 7);
        assert_eq!(run(b"ab\xc3\xb3defg"), 2);
        assert_eq!(run(b"a\xffzzzzzz"), 1);
        // Long words cross chunks; a capital or digit later still counts.
        let text = "internationalisation supercalifragilisticA x9";
        let mut toks = Vec::new();
        tokenize(text, &mut toks);
        assert_eq!(toks.len(), 3);
        assert_eq!(toks[0].case, Case::Lower);
        assert_eq!(toks[1].case, Case::Other);
        assert_eq!(toks[2].kind, Kind::Num);
    }
}
