//! The word hash and the open-addressing table layout. Shared with the
//! build script (`build.rs`), which fills the tables at compile time; the
//! crate only reads them, so hashing here and there must agree.

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

/// The high bits of a hash, never 0 (0 marks an empty slot).
#[inline]
pub(crate) fn fingerprint(h: u64) -> u32 {
    ((h >> 32) as u32).max(1)
}

/// The number of slots for up to `n` keys: a power of two, at most half full.
pub(crate) fn slot_count(n: usize) -> usize {
    (n * 2).next_power_of_two().max(64)
}

/// Adds `classes` to `key` in `slots` (a power-of-two length, never full):
/// each slot is a 32-bit fingerprint and the classes; a key whose
/// fingerprint is already in its probe run shares that slot.
pub(crate) fn insert(slots: &mut [(u32, u32)], key: &str, classes: u32) {
    let mask = slots.len() - 1;
    let h = key_hash(key.as_bytes());
    let fp = fingerprint(h);
    let mut i = (h as usize) & mask;
    loop {
        let slot = &mut slots[i];
        if slot.0 == 0 {
            *slot = (fp, classes);
            return;
        }
        if slot.0 == fp {
            slot.1 |= classes;
            return;
        }
        i = (i + 1) & mask;
    }
}
