//! The gazetteers shipped with the crate and the hand-written word classes,
//! in one hash map from a folded word (lower-case ASCII) to its classes.

use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

/// A given name (census, Faker locales, curated list).
pub(crate) const GIVEN: u32 = 1;
/// A surname.
pub(crate) const SURNAME: u32 = 1 << 1;
/// A city or town (GeoNames, 5,000+ people).
pub(crate) const PLACE: u32 = 1 << 2;
/// A country, US state or major region.
pub(crate) const REGION: u32 = 1 << 3;
/// Also a lower-case English word (Webster's 2nd): `will`, `mark`, `page`.
pub(crate) const COMMON: u32 = 1 << 4;
/// Never part of a name: function words, product and organisation nouns.
pub(crate) const STOP: u32 = 1 << 5;
/// A lower-case name particle: `de`, `van`, `der`, `da`.
pub(crate) const PARTICLE: u32 = 1 << 6;
/// An honorific before a name: `Mr`, `Dr`, `Frau`.
pub(crate) const TITLE: u32 = 1 << 7;
/// A street type written after the name: `Street`, `Rd`, `Avenue`.
pub(crate) const STREET_LAST: u32 = 1 << 8;
/// A street type written before the name: `Rue`, `Via`, `Calle`.
pub(crate) const STREET_FIRST: u32 = 1 << 9;
/// A unit inside an address: `Apt`, `Suite`, `Flat`.
pub(crate) const UNIT: u32 = 1 << 10;
/// A greeting or closing before a name: `Hi`, `Dear`, `Regards`.
pub(crate) const GREETING: u32 = 1 << 11;
/// A word after which a name often follows: `colleague`, `with`, `to`.
pub(crate) const PERSON_CUE: u32 = 1 << 12;
/// A word after which a place often follows: `in`, `from`, `near`.
pub(crate) const PLACE_CUE: u32 = 1 << 13;
/// A field label for a name: `Name`, `Customer`, `Reporter` (before `:`).
pub(crate) const NAME_LABEL: u32 = 1 << 14;
/// A field label for a place: `City`, `Location`, `Office` (before `:`).
pub(crate) const PLACE_LABEL: u32 = 1 << 15;
/// A noun after a place that makes it a site: `office`, `branch`, `warehouse`.
pub(crate) const SITE_NOUN: u32 = 1 << 16;
/// A word that starts a host name in context: `server`, `host`, `hostname`.
pub(crate) const HOST_CUE: u32 = 1 << 17;

const GIVEN_LIST: &str = include_str!("../data/given.txt");
const SURNAME_LIST: &str = include_str!("../data/surnames.txt");
const PLACE_LIST: &str = include_str!("../data/places.txt");
const REGION_LIST: &str = include_str!("../data/regions.txt");
const COMMON_LIST: &str = include_str!("../data/common.txt");

const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "from",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "i",
    "we",
    "you",
    "he",
    "she",
    "they",
    "me",
    "my",
    "our",
    "your",
    "his",
    "her",
    "their",
    "us",
    "please",
    "hi",
    "hello",
    "hey",
    "dear",
    "thanks",
    "thank",
    "regards",
    "cheers",
    "best",
    "kind",
    "sir",
    "madam",
    "team",
    "support",
    "service",
    "services",
    "desk",
    "queue",
    "tier",
    "customer",
    "customers",
    "user",
    "users",
    "client",
    "admin",
    "administrator",
    "system",
    "bot",
    "engine",
    "rule",
    "policy",
    "default",
    "general",
    "ltd",
    "inc",
    "gmbh",
    "llc",
    "co",
    "group",
    "windows",
    "microsoft",
    "linux",
    "azure",
    "google",
    "server",
    "office",
    "online",
    "cloud",
    "desktop",
    "mobile",
    "app",
    "portal",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "not",
    "no",
    "yes",
    "ok",
    "if",
    "but",
    "so",
    "as",
    "also",
    "all",
    "any",
    "some",
    "new",
    "old",
    "same",
    "other",
    "after",
    "before",
    "when",
    "then",
    "there",
    "here",
    "what",
    "who",
    "how",
    "why",
    "can",
    "could",
    "would",
    "should",
    "will",
    "may",
    "might",
    "must",
    "do",
    "does",
    "did",
    "has",
    "have",
    "had",
    "get",
    "set",
    "open",
    "close",
    "closed",
    "n/a",
    "none",
    "unassigned",
    "noreply",
    "automation",
    "workflow",
    "monitoring",
    "manager",
    "engineer",
    "agent",
    "owner",
    "account",
    "billing",
    "sales",
    "finance",
    "legal",
    "hr",
    "it",
    "ops",
    "night",
    "shift",
    "ticket",
    "case",
    "issue",
    "error",
    "update",
    "release",
    "version",
    "build",
    "project",
    "product",
    "edition",
];

const PARTICLES: &[&str] = &[
    "de", "da", "di", "do", "dos", "das", "del", "della", "der", "den", "van", "von", "la", "le",
    "du", "des", "ter", "ten", "y", "al", "el", "bin", "ibn", "dela", "delos", "st",
];

const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "herr",
    "frau",
    "mme",
    "mlle",
    "monsieur",
    "madame",
    "sr",
    "sra",
    "srta",
    "don",
    "dona",
    "sig",
    "signor",
    "signora",
    "pan",
    "pani",
    "dhr",
    "mevr",
    "sen",
    "rev",
];

const STREET_LAST_WORDS: &[&str] = &[
    "street",
    "st",
    "road",
    "rd",
    "avenue",
    "ave",
    "av",
    "lane",
    "ln",
    "drive",
    "dr",
    "boulevard",
    "blvd",
    "way",
    "court",
    "ct",
    "place",
    "pl",
    "terrace",
    "close",
    "crescent",
    "cres",
    "parkway",
    "pkwy",
    "highway",
    "hwy",
    "square",
    "sq",
    "circle",
    "cir",
    "walk",
    "loop",
    "row",
    "grove",
    "gardens",
    "mews",
    "hill",
    "park",
    "trail",
    "trl",
    "path",
    "pike",
    "alley",
    "strasse",
    "str",
    "weg",
    "gasse",
    "platz",
    "allee",
    "ring",
    "damm",
    "ufer",
];

const STREET_FIRST_WORDS: &[&str] = &[
    "rue",
    "avenue",
    "av",
    "avda",
    "avenida",
    "boulevard",
    "bd",
    "bvd",
    "allee",
    "chemin",
    "quai",
    "impasse",
    "place",
    "cours",
    "route",
    "via",
    "viale",
    "piazza",
    "piazzale",
    "corso",
    "largo",
    "vicolo",
    "calle",
    "c",
    "paseo",
    "plaza",
    "carrer",
    "camino",
    "ronda",
    "rua",
    "travessa",
    "praca",
    "estrada",
    "strada",
    "bulevardul",
    "ul",
    "ulica",
    "aleja",
    "al",
    "laan",
    "am",
    "an",
    "im",
    "auf",
    "chaussee",
];

const UNIT_WORDS: &[&str] = &[
    "apt",
    "apartment",
    "suite",
    "ste",
    "unit",
    "flat",
    "floor",
    "fl",
    "room",
    "rm",
    "bldg",
    "building",
    "m",
    "lok",
    "piso",
    "puerta",
    "district",
    "po",
    "box",
    "etage",
    "stock",
];

const GREETINGS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "dear",
    "thanks",
    "thank",
    "regards",
    "cheers",
    "welcome",
    "sorry",
    "signed",
    "best",
    "greetings",
    "morning",
    "afternoon",
    "evening",
    "hallo",
    "bonjour",
    "hola",
    "ciao",
    "hej",
    "sincerely",
    "yours",
];

const PERSON_CUES: &[&str] = &[
    "colleague",
    "coworker",
    "co-worker",
    "manager",
    "hire",
    "requester",
    "requestor",
    "reporter",
    "caller",
    "contact",
    "owner",
    "customer",
    "user",
    "to",
    "with",
    "by",
    "from",
    "for",
    "is",
    "named",
    "called",
    "per",
    "cc",
    "and",
    "boss",
    "supervisor",
    "admin",
    "friend",
    "wife",
    "husband",
    "client",
    "tech",
    "technician",
    "agent",
    "approver",
    "delegate",
    "of",
];

const PLACE_CUES: &[&str] = &[
    "in", "from", "to", "near", "at", "visiting", "between", "outside", "around", "towards", "and",
    "a", "au", "aus", "uit", "di", "z", "en", "nach", "naar", "bei", "dans", "en",
];

const NAME_LABELS: &[&str] = &[
    "name",
    "customer",
    "user",
    "contact",
    "owner",
    "reporter",
    "requester",
    "requestor",
    "caller",
    "from",
    "cc",
    "bcc",
    "to",
    "attendees",
    "assignee",
    "agent",
    "employee",
    "person",
    "approver",
    "manager",
    "signed",
    "by",
];

const PLACE_LABELS: &[&str] = &[
    "city", "location", "office", "town", "country", "site", "branch", "based", "hometown",
];

const SITE_NOUNS: &[&str] = &[
    "office",
    "offices",
    "site",
    "branch",
    "store",
    "shop",
    "warehouse",
    "depot",
    "lab",
    "clinic",
    "plant",
    "factory",
    "headquarters",
    "hq",
];

const HOST_CUES: &[&str] = &[
    "server",
    "host",
    "hostname",
    "machine",
    "computer",
    "workstation",
    "node",
    "vm",
    "pc",
    "laptop",
    "device",
    "controller",
    "named",
    "box",
];

/// For each word length (1 to 15), the first letters of cue words
/// (person, place, greeting, label) of that length: a cheap pre-check
/// before hashing a lower-case word.
static CUE_SHAPES: LazyLock<[u32; 16]> = LazyLock::new(|| {
    let mut shapes = [0u32; 16];
    for list in [PERSON_CUES, PLACE_CUES, GREETINGS, NAME_LABELS] {
        for w in list {
            let b = w.as_bytes();
            if b.len() < 16 && b[0].is_ascii_lowercase() {
                shapes[b.len()] |= 1 << (b[0] - b'a');
            }
        }
    }
    shapes
});

/// Whether a lower-case word may be a cue word (no false negatives).
#[inline]
pub(crate) fn maybe_cue(word: &[u8]) -> bool {
    match word.first() {
        Some(&f) if word.len() < 16 && f.is_ascii_lowercase() => {
            CUE_SHAPES[word.len()] & (1 << (f - b'a')) != 0
        }
        Some(_) => true,
        None => false,
    }
}

/// Every word class, keyed by folded word.
pub(crate) static LEXICON: LazyLock<Table> = LazyLock::new(build);

/// The hand-written classes only: small enough to stay in cache, for
/// lower-case words (cue words, particles, street types).
static CURATED: LazyLock<Table> = LazyLock::new(|| {
    let mut table = Table::with_capacity(1024);
    add_curated(&mut table);
    table
});

/// The hand-written classes of a folded key (0 when none).
pub(crate) fn curated_classes(key: &str) -> u32 {
    CURATED.get(key_hash(key.as_bytes()))
}

/// The hand-written classes of a key by its [`key_hash`].
pub(crate) fn curated_classes_hashed(hash: u64) -> u32 {
    CURATED.get(hash)
}

/// All classes of a key by its [`key_hash`].
pub(crate) fn classes_hashed(hash: u64) -> u32 {
    LEXICON.get(hash)
}

/// Hash of a folded key (lower-case ASCII letters, digits, `-`, space).
/// ASCII upper-case letters hash like lower-case ones (bit 0x20 is set on
/// every byte), so a word's hash needs no lower-cased copy.
#[inline]
pub(crate) fn key_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let w: [u8; 8] = chunk.try_into().unwrap_or([0; 8]);
        let v = u64::from_le_bytes(w) | 0x2020_2020_2020_2020;
        h = (h.rotate_left(5) ^ v).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut v = 0x2020_2020_2020_2020u64;
        for (k, &b) in rest.iter().enumerate() {
            v |= u64::from(b) << (8 * k);
        }
        h = (h.rotate_left(5) ^ v).wrapping_mul(K);
    }
    h ^= h >> 29;
    h = h.wrapping_mul(K);
    h ^ (h >> 32)
}

/// An open-addressing table from key hash to classes: 8 bytes a slot (a
/// 32-bit fingerprint and the classes), so the 230,000 gazetteer words fit
/// in 4 MiB. Two different words collide only if their 64-bit hashes agree
/// on the slot bits and the fingerprint (about 1 in 2^50 per look-up).
pub(crate) struct Table {
    slots: Vec<(u32, u32)>,
    mask: usize,
}

impl Table {
    /// An empty table for up to `n` keys (at most half full).
    fn with_capacity(n: usize) -> Table {
        let size = (n * 2).next_power_of_two().max(64);
        Table {
            slots: vec![(0, 0); size],
            mask: size - 1,
        }
    }

    /// Adds `classes` to `key`.
    fn insert(&mut self, key: &str, classes: u32) {
        let h = key_hash(key.as_bytes());
        let fp = fingerprint(h);
        let mut i = (h as usize) & self.mask;
        loop {
            let slot = &mut self.slots[i];
            if slot.0 == 0 {
                *slot = (fp, classes);
                return;
            }
            if slot.0 == fp {
                slot.1 |= classes;
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    #[inline]
    fn get(&self, h: u64) -> u32 {
        let fp = fingerprint(h);
        let mut i = (h as usize) & self.mask;
        loop {
            let (f, c) = self.slots[i];
            if f == fp {
                return c;
            }
            if f == 0 {
                return 0;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// The high bits of a hash, never 0 (0 marks an empty slot).
#[inline]
fn fingerprint(h: u64) -> u32 {
    ((h >> 32) as u32).max(1)
}

fn build() -> Table {
    let lists = [
        (GIVEN_LIST, GIVEN),
        (SURNAME_LIST, SURNAME),
        (PLACE_LIST, PLACE),
        (REGION_LIST, REGION),
        (COMMON_LIST, COMMON),
    ];
    let count: usize = lists.iter().map(|(l, _)| l.lines().count()).sum();
    let mut table = Table::with_capacity(count + 1024);
    for (list, flag) in lists {
        for word in list.lines() {
            let word = word.trim();
            if !word.is_empty() && !word.starts_with('#') {
                table.insert(word, flag);
            }
        }
    }
    add_curated(&mut table);
    table
}

fn add_curated(table: &mut Table) {
    for (words, flag) in [
        (STOP_WORDS, STOP),
        (PARTICLES, PARTICLE),
        (TITLES, TITLE),
        (STREET_LAST_WORDS, STREET_LAST),
        (STREET_FIRST_WORDS, STREET_FIRST),
        (UNIT_WORDS, UNIT),
        (GREETINGS, GREETING),
        (PERSON_CUES, PERSON_CUE),
        (PLACE_CUES, PLACE_CUE),
        (NAME_LABELS, NAME_LABEL),
        (PLACE_LABELS, PLACE_LABEL),
        (SITE_NOUNS, SITE_NOUN),
        (HOST_CUES, HOST_CUE),
    ] {
        for word in words {
            table.insert(word, flag);
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

    #[test]
    fn gazetteers_are_loaded() {
        assert_ne!(classes("maria") & GIVEN, 0);
        assert_ne!(classes("nowak") & SURNAME, 0);
        assert_ne!(classes("rotterdam") & PLACE, 0);
        assert_ne!(classes("france") & REGION, 0);
        assert_ne!(classes("will") & COMMON, 0);
        assert_eq!(classes("zzzqx"), 0);
    }
}
