//! The gazetteers shipped with the crate and the hand-written word classes,
//! in one hash table from a folded word (lower-case ASCII) to its classes.
//! The tables are filled at compile time by `build.rs` and read in place.

use unicode_normalization::UnicodeNormalization;

pub(crate) use crate::curated::*;
use crate::table::fingerprint;
pub(crate) use crate::table::key_hash;

/// The shapes ([`shapes`]) of cue words: person, place, greeting, label.
static CUE_SHAPES: [u32; 16] = shapes_of(&[PERSON_CUES, PLACE_CUES, GREETINGS, NAME_LABELS]);

/// Whether `word` is one of `list`, in any case. Inline, so that each
/// call site compares against its own constant list.
#[inline]
pub(crate) fn one_of(word: &[u8], list: &[&str]) -> bool {
    list.iter().any(|w| word.eq_ignore_ascii_case(w.as_bytes()))
}

/// Whether a lower-case word may be a cue word (no false negatives).
#[inline]
pub(crate) fn maybe_cue(word: &[u8]) -> bool {
    match word.first() {
        Some(f) if f.is_ascii_lowercase() => has_shape(&CUE_SHAPES, word),
        Some(_) => true,
        None => false,
    }
}

/// For each word length (1 to 15) and first byte, the last bytes of the
/// hand-written words of that shape (bytes folded like [`key_hash`] folds
/// them, then to five bits): a cheap pre-check before hashing a word for
/// the curated table, which most words are not in.
static CURATED_SHAPES: [u32; 16 * 32] = {
    let mut shapes = [0u32; 16 * 32];
    let mut l = 0;
    while l < CURATED_LISTS.len() {
        let words = CURATED_LISTS[l].0;
        let mut w = 0;
        while w < words.len() {
            let b = words[w].as_bytes();
            if !b.is_empty() && b.len() < 16 {
                shapes[b.len() * 32 + shape_bits(b[0])] |= 1 << shape_bits(b[b.len() - 1]);
            }
            w += 1;
        }
        l += 1;
    }
    shapes
};

/// For each length under 16, the first bytes (as [`shape_bits`]) of the
/// `words` of that length: with [`has_shape`], a test that rules out most
/// words before comparing them with each of a list, case aside.
pub(crate) const fn shapes(words: &[&str]) -> [u32; 16] {
    shapes_of(&[words])
}

/// [`shapes`] of the words of several lists together.
const fn shapes_of(lists: &[&[&str]]) -> [u32; 16] {
    let mut shapes = [0u32; 16];
    let mut l = 0;
    while l < lists.len() {
        let mut w = 0;
        while w < lists[l].len() {
            let b = lists[l][w].as_bytes();
            if !b.is_empty() && b.len() < 16 {
                shapes[b.len()] |= 1 << shape_bits(b[0]);
            }
            w += 1;
        }
        l += 1;
    }
    shapes
}

/// Whether `word` may equal (ASCII case aside) one of the words `shapes`
/// was built from: false only when none has its length and first letter.
#[inline]
pub(crate) fn has_shape(shapes: &[u32; 16], word: &[u8]) -> bool {
    match word.first() {
        Some(&f) if word.len() < 16 => shapes[word.len()] & (1 << shape_bits(f)) != 0,
        Some(_) => true,
        None => false,
    }
}

/// Five bits of a byte as [`key_hash`] sees it (bit 0x20 set).
const fn shape_bits(b: u8) -> usize {
    ((b | 0x20) & 31) as usize
}

/// Shapes of address labels (`Address`, `deliver`).
static ADDRESS_LABEL_SHAPES: [u32; 16] = shapes(ADDRESS_LABELS);

/// Whether a word may be an address label (no false negatives: a word
/// with accents, `Dirección`, has more bytes than its folded form).
#[inline]
pub(crate) fn maybe_address_label(word: &[u8]) -> bool {
    !word.is_ascii() || has_shape(&ADDRESS_LABEL_SHAPES, word)
}

/// Whether a word may be in the hand-written lists (no false negatives).
#[inline]
pub(crate) fn maybe_curated(word: &[u8]) -> bool {
    match (word.first(), word.last()) {
        (Some(&f), Some(&l)) if word.len() < 16 => {
            CURATED_SHAPES[word.len() * 32 + shape_bits(f)] & (1 << shape_bits(l)) != 0
        }
        _ => true,
    }
}

/// Every word class, keyed by folded word.
pub(crate) static LEXICON: Table = Table::new(&LEXICON_SLOTS.0);

/// The hand-written classes only: small enough to stay in cache, for
/// lower-case words (cue words, particles, street types).
static CURATED: Table = Table::new(&CURATED_SLOTS.0);

/// Slot bytes aligned like `u64`, so a slot never straddles a cache line.
#[repr(C, align(64))]
struct Aligned<T: ?Sized>(T);

const LEXICON_BYTES: &[u8; LEXICON_LEN] = include_bytes!(concat!(env!("OUT_DIR"), "/lexicon.bin"));
const LEXICON_LEN: usize = include_bytes!(concat!(env!("OUT_DIR"), "/lexicon.bin")).len();
static LEXICON_SLOTS: Aligned<[u8; LEXICON_LEN]> = Aligned(*LEXICON_BYTES);
const CURATED_BYTES: &[u8; CURATED_LEN] = include_bytes!(concat!(env!("OUT_DIR"), "/curated.bin"));
const CURATED_LEN: usize = include_bytes!(concat!(env!("OUT_DIR"), "/curated.bin")).len();
static CURATED_SLOTS: Aligned<[u8; CURATED_LEN]> = Aligned(*CURATED_BYTES);

/// The hand-written classes of a folded key (0 when none).
pub(crate) fn curated_classes(key: &str) -> u32 {
    CURATED.get(key_hash(key.as_bytes()))
}

/// [`key_hash`] of the word at `start..end` of `text`. A word shorter than
/// eight bytes (most words) is read in one load, masked, when eight bytes
/// of text follow its start, rather than byte by byte; the result is the
/// same (a test checks), so the tables built with [`key_hash`] answer.
#[inline]
pub(crate) fn word_hash(text: &[u8], start: usize, end: usize) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let len = end.saturating_sub(start);
    if (1..8).contains(&len) {
        if let Some(chunk) = text.get(start..).and_then(<[u8]>::first_chunk::<8>) {
            // `key_hash` pads a short tail with 0x20 and sets 0x20 on each byte.
            let word = u64::from_le_bytes(*chunk) & ((1 << (8 * len)) - 1);
            let v = word | 0x2020_2020_2020_2020;
            let mut h = ((len as u64).rotate_left(5) ^ v).wrapping_mul(K);
            h ^= h >> 29;
            h = h.wrapping_mul(K);
            return h ^ (h >> 32);
        }
    }
    key_hash(text.get(start..end).unwrap_or_default())
}

/// The hand-written classes of a key by its [`key_hash`].
pub(crate) fn curated_classes_hashed(hash: u64) -> u32 {
    CURATED.get(hash)
}

/// All classes of a key by its [`key_hash`].
pub(crate) fn classes_hashed(hash: u64) -> u32 {
    LEXICON.get(hash)
}

/// An open-addressing table from key hash to classes, built by `build.rs`
/// with [`crate::table::insert`]: 8 bytes a slot (a 32-bit fingerprint and
/// the classes, little-endian), so the 230,000 gazetteer words fit in
/// 4 MiB. Two different words collide only if their 64-bit hashes agree on
/// the slot bits and the fingerprint (about 1 in 2^50 per look-up).
pub(crate) struct Table {
    slots: &'static [u8],
    mask: usize,
}

impl Table {
    /// The table over `slots` (a power of two of 8-byte slots).
    const fn new(slots: &'static [u8]) -> Table {
        Table {
            slots,
            mask: slots.len() / 8 - 1,
        }
    }

    #[inline]
    fn get(&self, h: u64) -> u32 {
        let fp = fingerprint(h);
        let mut i = (h as usize) & self.mask;
        loop {
            let Some(slot) = self.slots.get(i * 8..i * 8 + 8) else {
                return 0;
            };
            let f = u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]]);
            if f == fp {
                return u32::from_le_bytes([slot[4], slot[5], slot[6], slot[7]]);
            }
            if f == 0 {
                return 0;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// The classes of a folded key (0 when unknown).
pub(crate) fn classes(key: &str) -> u32 {
    LEXICON.get(key_hash(key.as_bytes()))
}

/// Longest key [`fold`] writes.
pub(crate) const MAX_KEY: usize = 48;

/// Folds `word` into `buf` the way the gazetteers were built: compatibility
/// decomposition, combining marks and apostrophes dropped, a few letters
/// without a decomposition mapped, lower-case ASCII. `None` when the word
/// is too long or keeps a letter with no ASCII form.
pub(crate) fn fold<'b>(word: &str, buf: &'b mut [u8; MAX_KEY]) -> Option<&'b str> {
    let mut len = 0;
    let mut push = |b: u8, len: &mut usize| -> Option<()> {
        if *len >= MAX_KEY {
            return None;
        }
        buf[*len] = b;
        *len += 1;
        Some(())
    };
    if word.is_ascii() {
        for &b in word.as_bytes() {
            if b != b'\'' {
                push(b.to_ascii_lowercase(), &mut len)?;
            }
        }
    } else {
        for c in word.chars() {
            if c.is_ascii() {
                if c != '\'' {
                    push((c as u8).to_ascii_lowercase(), &mut len)?;
                }
                continue;
            }
            if let Some(s) = extra_fold(c) {
                for &b in s.as_bytes() {
                    push(b, &mut len)?;
                }
                continue;
            }
            if matches!(c, '\u{2019}' | '\u{2018}' | '\u{00B4}' | '`') {
                continue;
            }
            for d in std::iter::once(c).nfkd() {
                if d.is_ascii_alphanumeric() || d == '-' {
                    push((d as u8).to_ascii_lowercase(), &mut len)?;
                } else if is_mark(d) {
                    continue;
                } else {
                    return None;
                }
            }
        }
    }
    std::str::from_utf8(&buf[..len]).ok()
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

fn extra_fold(c: char) -> Option<&'static str> {
    Some(match c {
        'ł' | 'Ł' | 'ŀ' => "l",
        'ø' | 'Ø' => "o",
        'đ' | 'Đ' | 'ð' => "d",
        'ß' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ı' => "i",
        'þ' | 'Þ' => "th",
        'ħ' => "h",
        'º' | 'ª' => "o",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_and_letters_without_decomposition() {
        let mut buf = [0u8; MAX_KEY];
        assert_eq!(fold("Nguyễn", &mut buf), Some("nguyen"));
        assert_eq!(fold("Łódź", &mut buf), Some("lodz"));
        assert_eq!(fold("O'Brien", &mut buf), Some("obrien"));
        assert_eq!(fold("Straße", &mut buf), Some("strasse"));
        assert_eq!(fold("東京", &mut buf), None);
    }

    /// Rebuilds both tables the way `build.rs` does and compares them with
    /// the compiled ones.
    #[test]
    fn compiled_tables_match_the_lists() {
        fn bytes(slots: &[(u32, u32)]) -> Vec<u8> {
            slots
                .iter()
                .flat_map(|(f, c)| f.to_le_bytes().into_iter().chain(c.to_le_bytes()))
                .collect()
        }
        fn add_curated(slots: &mut [(u32, u32)]) {
            for (words, flag) in CURATED_LISTS {
                for word in *words {
                    crate::table::insert(slots, word, *flag);
                }
            }
        }
        let lists = [
            (include_str!("../data/given.txt"), GIVEN),
            (include_str!("../data/surnames.txt"), SURNAME),
            (include_str!("../data/places.txt"), PLACE),
            (include_str!("../data/regions.txt"), REGION),
            (include_str!("../data/countries.txt"), REGION | COUNTRY),
            (include_str!("../data/common.txt"), COMMON),
            (include_str!("../data/english.txt"), ENGLISH),
        ];
        let heads: Vec<&str> = lists
            .iter()
            .filter(|(_, flag)| flag & (PLACE | REGION) != 0)
            .flat_map(|(list, _)| list.lines())
            .filter_map(|line| line.trim().split_once(' ').map(|(head, _)| head))
            .collect();
        let count: usize =
            lists.iter().map(|(l, _)| l.lines().count()).sum::<usize>() + heads.len();
        let mut slots = vec![(0, 0); crate::table::slot_count(count + 1024)];
        for (list, flag) in lists {
            for word in list.lines().map(str::trim) {
                if !word.is_empty() && !word.starts_with('#') {
                    crate::table::insert(&mut slots, word, flag);
                }
            }
        }
        for head in heads {
            crate::table::insert(&mut slots, head, PLACE_HEAD);
        }
        add_curated(&mut slots);
        assert!(bytes(&slots) == LEXICON_SLOTS.0);
        let mut small = vec![(0, 0); crate::table::slot_count(1024)];
        add_curated(&mut small);
        assert!(bytes(&small) == CURATED_SLOTS.0);
    }

    #[test]
    fn shapes_rule_out_only_other_words() {
        const SHAPES: [u32; 16] = shapes(&["ltd", "gmbh", "co"]);
        for word in ["ltd", "LTD", "GmbH", "Co", "co"] {
            assert!(has_shape(&SHAPES, word.as_bytes()), "{word}");
        }
        for word in ["lt", "gmb", "inc", "", "cox"] {
            assert!(!has_shape(&SHAPES, word.as_bytes()), "{word}");
        }
    }

    #[test]
    fn word_hash_is_key_hash() {
        let text = b"a Bo cat Dove eagle Falcon griffin Hummingbird x-ray O9 ";
        for start in 0..text.len() {
            for end in start..=text.len() {
                assert_eq!(
                    word_hash(text, start, end),
                    key_hash(&text[start..end]),
                    "{start}..{end}"
                );
            }
        }
    }

    #[test]
    fn gazetteers_are_loaded() {
        assert_ne!(classes("maria") & GIVEN, 0);
        assert_ne!(classes("nowak") & SURNAME, 0);
        assert_ne!(classes("rotterdam") & PLACE, 0);
        assert_ne!(classes("france") & REGION, 0);
        assert_ne!(classes("will") & COMMON, 0);
        // English words, less the frequent names.
        assert_ne!(classes("boot") & ENGLISH, 0);
        assert_eq!(classes("turner") & ENGLISH, 0);
        assert_eq!(classes("zzzqx"), 0);
    }
}
