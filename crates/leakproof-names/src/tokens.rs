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
    b.is_ascii_alphanumeric() || b >= 0x80
}

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
            let mut digit = false;
            let mut upper = 0usize;
            let mut lower = 0usize;
            let mut first_upper = false;
            while i < bytes.len() {
                let c = bytes[i];
                if is_alnum(c) {
                    if c.is_ascii_digit() {
                        digit = true;
                    } else if c.is_ascii_uppercase() {
                        if i == start {
                            first_upper = true;
                        }
                        upper += 1;
                    } else if c.is_ascii_lowercase() {
                        lower += 1;
                    } else if c >= 0xC0 {
                        // A non-ASCII lead byte: guess its case.
                        match non_ascii_case(&text[i..]) {
                            Some(true) => {
                                if i == start {
                                    first_upper = true;
                                }
                                upper += 1;
                            }
                            Some(false) => lower += 1,
                            None => {}
                        }
                    }
                    i += 1;
                } else if (c == b'-' || c == b'\'' || c == b'/')
                    && i > start
                    && bytes.get(i + 1).is_some_and(|&n| is_alnum(n))
                {
                    i += 1;
                } else {
                    break;
                }
            }
            let case = if upper == 0 && lower > 0 {
                Case::Lower
            } else if first_upper && lower > 0 {
                Case::Title
            } else if upper > 0 && lower == 0 {
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
                curated: Cell::new(0),
                full: Cell::new(0),
            });
        }
        newline = false;
        space = false;
    }
}

/// Whether the char at the start of `s` is upper-case (`None`: not a letter).
fn non_ascii_case(s: &str) -> Option<bool> {
    let c = s.chars().next()?;
    if c.is_uppercase() {
        Some(true)
    } else if c.is_lowercase() {
        Some(false)
    } else {
        None
    }
}

/// The hand-written classes of a lower-case word (cue words, particles).
pub(crate) fn lookup_curated(word: &str) -> u32 {
    if word.len() > 14 {
        return 0;
    }
    let mut buf = [0u8; MAX_KEY];
    if word.is_ascii() {
        if word.bytes().all(|b| b.is_ascii_lowercase()) {
            return lexicon::curated_classes(word);
        }
        let n = word.len();
        buf[..n].copy_from_slice(word.as_bytes());
        buf[..n].make_ascii_lowercase();
        return std::str::from_utf8(&buf[..n]).map_or(0, lexicon::curated_classes);
    }
    lexicon::fold(word, &mut buf).map_or(0, lexicon::curated_classes)
}

/// The word classes of `word`: the whole word, else (possessive `'s`
/// dropped) the word without it, else for a hyphenated word the classes its
/// parts share.
pub(crate) fn lookup(word: &str) -> u32 {
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
