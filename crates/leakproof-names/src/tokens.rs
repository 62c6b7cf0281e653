//! Splits text into words, numbers and punctuation in one pass over the
//! bytes, without allocating per token. Bytes at or above 0x80 count as
//! letters, so a token never splits a UTF-8 sequence.

use std::cell::Cell;

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
    /// A line break stands between this token and the previous one.
    pub(crate) newline: bool,
    /// Whitespace stands between this token and the previous one.
    pub(crate) space: bool,
    /// The punctuation byte for [`Kind::Punct`].
    pub(crate) punct: u8,
    /// A `-` joins parts of this token (`SRV-EXCH-01`, `Jean-Pierre`).
    pub(crate) dash: bool,
    /// Hand-written classes, looked up on first use.
    curated: Cell<u32>,
    /// Gazetteer and hand-written classes, looked up on first use.
    full: Cell<u32>,
}

/// Marks a class cache not filled yet.
const UNKNOWN: u32 = 1 << 31;

impl Tok {
    /// The hand-written classes of this word (cue words, particles, street
    /// types, stop words): a small table, cheap.
    pub(crate) fn cur(&self, text: &str) -> u32 {
        let c = self.curated.get();
        if c != UNKNOWN {
            return c;
        }
        let c = if self.kind == Kind::Word {
            lookup_curated(&text[self.start as usize..self.end as usize])
        } else {
            0
        };
        self.curated.set(c);
        c
    }

    /// All classes of this word, gazetteers included: looked up once.
    pub(crate) fn classes(&self, text: &str) -> u32 {
        let c = self.full.get();
        if c != UNKNOWN {
            return c;
        }
        let c = if self.kind == Kind::Word {
            lookup(&text[self.start as usize..self.end as usize])
        } else {
            0
        };
        self.full.set(c);
        c
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
            b'-' | b'\'' | b'/' => JOIN,
            _ => 0,
        };
        b += 1;
    }
    table
};

/// Tokenises `text` into `out` (cleared first). Capitalised words get their
/// classes looked up; lower-case ones only when short (cue words).
pub(crate) fn tokenize(text: &str, out: &mut Vec<Tok>) {
    out.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut newline = false;
    let mut space = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b' ' || b == b'\t' || b == b'\r' || b == b'\n' {
            newline |= b == b'\n';
            space = true;
            i += 1;
            continue;
        }
        // A literal `\n` escape (raw JSON string contents) is a line break.
        if b == b'\\'
            && bytes.get(i + 1) == Some(&b'n')
            && !bytes.get(i + 2).is_some_and(|&c| c.is_ascii_alphabetic())
        {
            newline = true;
            space = true;
            i += 2;
            continue;
        }
        let start = i;
        if is_alnum(b) {
            // One table load a byte: what the byte is, OR-ed over the word.
            let mut seen = 0u8;
            let mut dash = false;
            let first = CLASS[b as usize];
            while i < bytes.len() {
                let c = bytes[i];
                let class = CLASS[c as usize];
                if class & ALNUM != 0 {
                    seen |= class;
                    i += 1;
                } else if class & JOIN != 0
                    && i > start
                    && bytes.get(i + 1).is_some_and(|&n| is_alnum(n))
                {
                    dash |= c == b'-';
                    i += 1;
                } else {
                    break;
                }
            }
            let digit = seen & DIGIT != 0;
            let (mut upper, mut lower, mut first_upper) =
                (seen & UPPER != 0, seen & LOWER != 0, first & UPPER != 0);
            if seen & HIGH != 0 {
                // Non-ASCII letters: ask Unicode for their case.
                for (k, ch) in text[start..i].char_indices() {
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
            }
            let case = if !upper && lower {
                Case::Lower
            } else if first_upper && lower {
                Case::Title
            } else if upper && !lower {
                Case::Upper
            } else {
                Case::Other
            };
            let kind = if digit { Kind::Num } else { Kind::Word };
            out.push(Tok {
                start: start as u32,
                end: i as u32,
                kind,
                case,
                newline,
                space,
                punct: 0,
                dash,
                curated: Cell::new(UNKNOWN),
                full: Cell::new(UNKNOWN),
            });
        } else {
            // One punctuation byte (ASCII here: bytes >= 0x80 are letters).
            i += 1;
            out.push(Tok {
                start: start as u32,
                end: i as u32,
                kind: Kind::Punct,
                case: Case::Other,
                newline,
                space,
                punct: b,
                dash: false,
                curated: Cell::new(0),
                full: Cell::new(0),
            });
        }
        newline = false;
        space = false;
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

/// The word classes of `word`: the whole word, else (possessive `'s`
/// dropped) the word without it, else for a hyphenated word the classes its
/// parts share.
pub(crate) fn lookup(word: &str) -> u32 {
    if plain(word) && !word.contains('-') {
        return lexicon::classes_hashed(lexicon::key_hash(word.as_bytes()));
    }
    let mut buf = [0u8; MAX_KEY];
    let Some(key) = lexicon::fold(word, &mut buf) else {
        return 0;
    };
    let found = lexicon::classes(key);
    if found != 0 {
        return found;
    }
    if let Some(stem) = key.strip_suffix("s").filter(|_| word.ends_with("'s")) {
        let found = lexicon::classes(stem);
        if found != 0 {
            return found;
        }
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
        assert!(toks[3].newline);
        assert_eq!(toks[4].kind, Kind::Num);
        assert_eq!(toks[1].case, Case::Title);
    }
}
