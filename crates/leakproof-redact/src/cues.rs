//! What a field's name says its value is ([`FieldCue::of`]), cached per
//! thread: the same few keys and column names come back in every record,
//! and working a cue out costs more than looking it up.

use leakproof_detect::FieldCue;

/// Slots of the cache of field-name cues.
const CUE_SLOTS: usize = 128;

/// One cached cue: the hash of the raw key (and the parent's, where the
/// cue depends on it: a bare `name`), the keys, and the cue.
struct CachedCue {
    hash: u64,
    key: Box<str>,
    parent: Option<Box<str>>,
    cue: Option<FieldCue>,
}

/// Most records of a stream have the same fields in the same order: the
/// last record's keys, in the order they were asked for, are checked
/// first, with no hashing. At most this many are kept.
const ORDER_MAX: usize = 256;

/// A key asked for in the last record, at its place in [`CueCache::order`];
/// its strings are reused, not reallocated, as the order changes.
struct OrderedCue {
    key: String,
    parent: Option<String>,
    cue: Option<FieldCue>,
}

/// Field-name cues by raw key, two-way set-associative: the same few keys
/// come back in every record, and working a cue out costs more than
/// looking it up.
pub(crate) struct CueCache {
    slots: [Option<CachedCue>; CUE_SLOTS],
    /// The keys of the last record in the order they were asked for.
    order: Vec<OrderedCue>,
    /// How many keys this record has asked for so far.
    cursor: usize,
}

impl CueCache {
    /// An empty cache.
    pub(crate) fn new() -> Box<CueCache> {
        Box::new(CueCache {
            slots: [const { None }; CUE_SLOTS],
            order: Vec::new(),
            cursor: 0,
        })
    }

    /// [`FieldCue::of`], looked up. Only a bare `name` depends on its
    /// parent (`customer.name`, `product.name`).
    pub(crate) fn cue(&mut self, key: &str, parent: Option<&str>) -> Option<FieldCue> {
        let parent = parent.filter(|_| key.eq_ignore_ascii_case("name"));
        let at = self.cursor;
        self.cursor += 1;
        if let Some(o) = self.order.get(at) {
            if o.key == key && o.parent.as_deref() == parent {
                return o.cue;
            }
        }
        let cue = self.hashed(key, parent);
        let len = self.order.len();
        if let Some(o) = self.order.get_mut(at) {
            o.key.clear();
            o.key.push_str(key);
            match (&mut o.parent, parent) {
                (Some(p), Some(q)) => {
                    p.clear();
                    p.push_str(q);
                }
                (slot, q) => *slot = q.map(str::to_string),
            }
            o.cue = cue;
        } else if at == len && at < ORDER_MAX {
            self.order.push(OrderedCue {
                key: key.to_string(),
                parent: parent.map(str::to_string),
                cue,
            });
        }
        cue
    }

    /// [`CueCache::cue`] by the hash of the key.
    fn hashed(&mut self, key: &str, parent: Option<&str>) -> Option<FieldCue> {
        let hash =
            key_hash(key.as_bytes()) ^ parent.map_or(0, |p| key_hash(p.as_bytes()).rotate_left(31));
        let set = (hash >> 58) as usize * 2;
        for way in 0..2 {
            if let Some(c) = &self.slots[set + way] {
                if c.hash == hash && *c.key == *key && c.parent.as_deref() == parent {
                    let cue = c.cue;
                    // The latest first, so that two keys of one record that
                    // share a set do not evict each other.
                    if way == 1 {
                        self.slots.swap(set, set + 1);
                    }
                    return cue;
                }
            }
        }
        let cue = FieldCue::of(key, parent);
        self.slots.swap(set, set + 1);
        self.slots[set] = Some(CachedCue {
            hash,
            key: key.into(),
            parent: parent.map(Into::into),
            cue,
        });
        cue
    }
}

/// The eight bytes of `bytes` at `i` as one word (`i + 8 <= bytes.len()`).
fn word_at(bytes: &[u8], i: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[i..i + 8]);
    u64::from_le_bytes(word)
}

thread_local! {
    /// One cue cache per thread, lent to each record.
    static CUES: std::cell::Cell<Option<Box<CueCache>>> = const { std::cell::Cell::new(None) };
}

/// The thread's cue cache, lent to one record until [`give_back`].
pub(crate) fn lend() -> Box<CueCache> {
    let mut cache = CUES.take().unwrap_or_else(CueCache::new);
    cache.cursor = 0;
    cache
}

/// Returns the cache [`lend`] lent.
pub(crate) fn give_back(cache: Box<CueCache>) {
    CUES.set(Some(cache));
}

/// Whether a raw string value can have a shape a field's name cues (see
/// `FieldCue::span`): at most 200 bytes, and starting with a letter (or an
/// escape, a blank or a byte beyond ASCII), or with a digit and holding a
/// blank, as an address does. Timestamps, versions and phone numbers are
/// not looked up.
pub(crate) fn may_be_cued(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    match bytes.first() {
        _ if bytes.len() > 200 => false,
        Some(b) if b.is_ascii_alphabetic() || *b >= 0x80 || matches!(b, b'\\' | b' ') => true,
        Some(b) if b.is_ascii_digit() => bytes.contains(&b' '),
        _ => false,
    }
}

/// A hash of a key: eight bytes at a time (FxHash's step), then the tail
/// byte by byte. No copy and no library call: keys are short, and one is
/// hashed for every string of every record.
fn key_hash(key: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = key.len() as u64;
    let mut i = 0;
    while i + 8 <= key.len() {
        h = (h.rotate_left(5) ^ word_at(key, i)).wrapping_mul(K);
        i += 8;
    }
    while i < key.len() {
        h = (h.rotate_left(5) ^ u64::from(key[i])).wrapping_mul(K);
        i += 1;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_are_the_same_whether_the_order_repeats_or_changes() {
        let records: [&[(&str, Option<&str>)]; 3] = [
            &[("city", None), ("name", Some("customer")), ("status", None)],
            &[("city", None), ("name", Some("customer")), ("status", None)],
            &[
                ("name", Some("product")),
                ("hostname", None),
                ("city", None),
                ("extra", None),
            ],
        ];
        let mut cache = CueCache::new();
        for record in records {
            cache.cursor = 0;
            for &(key, parent) in record {
                assert_eq!(cache.cue(key, parent), FieldCue::of(key, parent), "{key}");
            }
        }
        // The last record's order is kept for the next.
        assert_eq!(cache.order.len(), 4);
        assert_eq!(cache.order[0].key, "name");
        assert_eq!(cache.order[0].parent.as_deref(), Some("product"));
    }
}
