//! Values made of digits with separators: CREDIT_CARD, US_SSN, PHONE and
//! IPv4 addresses. One hand-written pass finds runs of digits joined by
//! spaces, dots, dashes, slashes and parentheses; each run is then classified
//! by its shape and checked (Luhn, SSN rules, phone metadata, octet ranges).

use std::net::Ipv4Addr;

use phonenumber::country::Id as Country;

use crate::validate::{card_issuer_ok, luhn, ssn_ok};
use crate::{Candidate, EntityType};

/// Longest run considered, in bytes.
const MAX_RUN: usize = 48;

/// A run of digits and separators, and its digit groups.
struct Run<'a> {
    text: &'a str,
    /// Up to 16 bytes of text before the run, for version cues.
    before: &'a str,
    start: usize,
    digit_buf: [u8; MAX_RUN],
    digit_count: usize,
    /// Lengths of the digit groups.
    group_buf: [u8; MAX_RUN],
    group_count: usize,
    /// The kinds of separator seen between groups ([`SEP_DOT`]...).
    separators: u16,
    leading_plus: bool,
    leading_paren: bool,
}

/// Blanks only between two digit groups (`555 123`).
const SEP_NONE: u16 = 1;
/// `.`
const SEP_DOT: u16 = 1 << 1;
/// `-`
const SEP_DASH: u16 = 1 << 2;
/// `/`
const SEP_SLASH: u16 = 1 << 3;
/// `)`, as in `(555) 123`.
const SEP_CLOSE: u16 = 1 << 4;
/// `-)`
const SEP_DASH_CLOSE: u16 = 1 << 5;
/// `(`
const SEP_OPEN: u16 = 1 << 6;
/// Any other combination (`..`, `/-`).
const SEP_OTHER: u16 = 1 << 7;

/// The kind of a separator, blanks trimmed.
fn separator_kind(trimmed: &[u8]) -> u16 {
    match trimmed {
        b"" => SEP_NONE,
        b"." => SEP_DOT,
        b"-" => SEP_DASH,
        b"/" => SEP_SLASH,
        b")" => SEP_CLOSE,
        b"-)" => SEP_DASH_CLOSE,
        b"(" => SEP_OPEN,
        _ => SEP_OTHER,
    }
}

fn is_separator(b: u8) -> bool {
    matches!(b, b' ' | b'.' | b'-' | b'/' | b'(' | b')' | b'\t')
}

/// Finds numeric values in the normalised `text`.
pub(crate) fn find(text: &str, out: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Jump to the next digit; a `+` or `(` right before it opens the run.
        let Some(next) = next_digit(bytes, i) else {
            break;
        };
        i = next;
        if i > 0
            && matches!(bytes[i - 1], b'+' | b'(')
            && (i < 2 || !bytes[i - 2].is_ascii_alphanumeric())
        {
            i -= 1;
        }
        // A run glued to a word (KB5005565, 0x8007, v10) is an identifier:
        // skip that word only, so the values after it are still seen.
        let glued = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if glued {
            i += 1;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            continue;
        }
        let end = run_end(bytes, i);
        let glued_after = bytes
            .get(end)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
        if end - i <= MAX_RUN {
            classify_run(text, i, end, glued_after, out);
        }
        i = end.max(i + 1);
        // Skip the rest of a glued token.
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
    }
}

/// The position of the first ASCII digit at or after `from`. Prose holds
/// few digits, so eight bytes are tested at a time.
fn next_digit(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = ONES * 0x7f;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // Per byte on its low seven bits, so no carry crosses bytes: the
        // top bit is set where `b'0' <= b <= b'9'` (bytes >= 0x80 masked
        // out by `!x`).
        let low = x & LOW7;
        let digits = (ONES * (0x7f + u64::from(b'9') + 1) - low)
            & !x
            & (low + ONES * (0x7f - u64::from(b'0') + 1))
            & (ONES * 0x80);
        if digits != 0 {
            return Some(i + (digits.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes
        .get(i..)?
        .iter()
        .position(u8::is_ascii_digit)
        .map(|p| i + p)
}

/// Classifies a run, or the values inside it: two numbers written one after
/// the other (`(555) 123-4567 10.0.19041.1`) join into one run, so the run
/// is cut at spaces and the longest classifiable piece from each start wins.
fn classify_run(text: &str, start: usize, end: usize, glued_after: bool, out: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    // The common case: the whole run is one value.
    if !glued_after && worth_classifying(&bytes[start..end]) {
        if let Some(c) = classify(&Run::new(text, start, end)) {
            out.push(c);
            return;
        }
    }
    if !bytes[start..end].contains(&b' ') {
        return;
    }
    // Places where a piece may end or begin: after a space between groups.
    let cuts: Vec<usize> = (start + 1..end)
        .filter(|&p| bytes[p] == b' ' && (bytes[p - 1].is_ascii_digit() || bytes[p - 1] == b')'))
        .collect();
    // A tail glued to a word (`2024-03-05T10`) is part of an identifier.
    let last_end = if glued_after {
        cuts.last().copied().unwrap_or(start)
    } else {
        end
    };
    let mut from = start;
    while from < last_end {
        let ends = std::iter::once(last_end).chain(
            cuts.iter()
                .rev()
                .copied()
                .filter(|&c| c > from && c < last_end),
        );
        let mut matched = None;
        for to in ends {
            if !worth_classifying(&bytes[from..to]) {
                continue;
            }
            if let Some(c) = classify(&Run::new(text, from, to)) {
                out.push(c);
                matched = Some(to);
                break;
            }
        }
        let next =
            matched.unwrap_or_else(|| cuts.iter().copied().find(|&c| c > from).unwrap_or(last_end));
        from = next;
        while from < last_end
            && !(bytes[from].is_ascii_digit() || bytes[from] == b'(' || bytes[from] == b'+')
        {
            from += 1;
        }
    }
}

/// Every value here has at least seven digits, or is a dotted quad.
fn worth_classifying(run: &[u8]) -> bool {
    let digits = run.iter().filter(|b| b.is_ascii_digit()).count();
    digits >= 7 || (digits >= 4 && run.iter().filter(|b| **b == b'.').count() == 3)
}

/// The end of the run starting at `start`: digits, joined by at most two
/// separator bytes that are followed by a digit.
fn run_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    if matches!(bytes[i], b'+' | b'(') {
        i += 1;
    }
    let mut end = i;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            i += 1;
            end = i;
            continue;
        }
        let mut j = i;
        while j < bytes.len() && j - i < 3 && is_separator(bytes[j]) {
            j += 1;
        }
        if j > i && j < bytes.len() && bytes[j].is_ascii_digit() {
            i = j;
        } else {
            // A closing parenthesis right after digits belongs to the run.
            if bytes.get(i) == Some(&b')') && bytes[start] == b'(' {
                end = i + 1;
            }
            break;
        }
    }
    end
}

impl<'a> Run<'a> {
    fn new(full: &'a str, start: usize, end: usize) -> Self {
        let text = &full[start..end];
        // Runs are at most MAX_RUN bytes, so fixed buffers hold them
        // without allocating.
        let mut digit_buf = [0u8; MAX_RUN];
        let mut digit_count = 0;
        let mut group_buf = [0u8; MAX_RUN];
        let mut group_count = 0;
        let mut separators = 0;
        // Alternating digit groups and separators, each taken whole: a
        // byte-at-a-time state machine cost twice as much on every run.
        // What precedes the first group (`+`, `(`) and follows the last
        // (`)`) separates nothing.
        let bytes = text.as_bytes();
        let mut i = bytes
            .iter()
            .position(u8::is_ascii_digit)
            .unwrap_or(bytes.len());
        while i < bytes.len() {
            let group_start = i;
            while let Some(&b) = bytes.get(i).filter(|b| b.is_ascii_digit()) {
                digit_buf[digit_count] = b;
                digit_count += 1;
                i += 1;
            }
            // At most MAX_RUN digits, so the length fits a byte.
            group_buf[group_count] = (i - group_start) as u8;
            group_count += 1;
            let sep_start = i;
            while bytes.get(i).is_some_and(|b| !b.is_ascii_digit()) {
                i += 1;
            }
            if i < bytes.len() {
                let blank = |b: &&u8| **b == b' ' || **b == b'\t';
                let raw = &bytes[sep_start..i];
                let lead = raw.iter().take_while(blank).count();
                let trail = raw[lead..].iter().rev().take_while(blank).count();
                separators |= separator_kind(&raw[lead..raw.len() - trail]);
            }
        }
        let mut from = start.saturating_sub(16);
        while !full.is_char_boundary(from) {
            from += 1;
        }
        Run {
            text,
            before: &full[from..start],
            start,
            digit_buf,
            digit_count,
            group_buf,
            group_count,
            separators,
            leading_plus: text.starts_with('+'),
            leading_paren: text.starts_with('('),
        }
    }

    fn digits(&self) -> &[u8] {
        &self.digit_buf[..self.digit_count]
    }

    fn groups(&self) -> &[u8] {
        &self.group_buf[..self.group_count]
    }

    fn candidate(&self, entity: EntityType, confidence: f32, canonical: String) -> Candidate {
        Candidate::new(
            entity,
            self.start,
            self.start + self.text.len(),
            confidence,
            canonical,
        )
    }

    /// Whether every separator is of the `allowed` kinds.
    fn separators_all(&self, allowed: u16) -> bool {
        self.separators & !allowed == 0
    }
}

fn classify(run: &Run<'_>) -> Option<Candidate> {
    if let Some(c) = ipv4(run) {
        return Some(c);
    }
    if looks_like_date_or_version(run) {
        return None;
    }
    let n = run.digits().len();
    if (13..=19).contains(&n)
        && !run.leading_plus
        && !run.leading_paren
        && run.separators_all(SEP_NONE | SEP_DASH)
        && luhn(run.digits())
        && card_issuer_ok(run.digits())
    {
        let canonical = String::from_utf8_lossy(run.digits()).into_owned();
        return Some(run.candidate(EntityType::CreditCard, 0.95, canonical));
    }
    if n == 9
        && run.groups() == [3, 2, 4]
        && run.separators_all(SEP_DASH | SEP_NONE | SEP_DOT)
        && ssn_ok(run.digits())
    {
        let canonical = String::from_utf8_lossy(run.digits()).into_owned();
        return Some(run.candidate(EntityType::UsSsn, 0.85, canonical));
    }
    phone(run)
}

/// Dotted quads with octets in range; more than four groups (a Windows build
/// number) or a group over 255 is not an address.
fn ipv4(run: &Run<'_>) -> Option<Candidate> {
    if run.groups().len() != 4
        || run.leading_plus
        || run.leading_paren
        || !run.separators_all(SEP_DOT)
    {
        return None;
    }
    if run.groups().iter().any(|g| *g > 3) || preceded_by_version_word(run.before) {
        return None;
    }
    let mut octets = [0u8; 4];
    let mut pos = 0;
    for (k, len) in run.groups().iter().enumerate() {
        let len = usize::from(*len);
        let value = run.digits()[pos..pos + len]
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
        octets[k] = u8::try_from(value).ok()?;
        pos += len;
    }
    let addr = Ipv4Addr::from(octets);
    // Spaces around dots are an evasion; tolerate them but trust a clean
    // quad more.
    let spaced = run.text.contains(' ');
    Some(run.candidate(
        EntityType::IpAddress,
        if spaced { 0.8 } else { 0.9 },
        addr.to_string(),
    ))
}

/// "version 1.2.3.4", "build 10.0.1.2": a dotted quad named as a version.
fn preceded_by_version_word(before: &str) -> bool {
    let lower = before.to_ascii_lowercase();
    let last_word = lower
        .trim_end_matches([' ', ':', '=', '#'])
        .rsplit([' ', '(', '"', '\'', ','])
        .next()
        .unwrap_or("");
    matches!(
        last_word,
        "version"
            | "ver"
            | "ver."
            | "v"
            | "v."
            | "build"
            | "release"
            | "firmware"
            | "driver"
            | "rev"
            | "revision"
    )
}

/// yyyy-mm-dd, dd/mm/yyyy, dd.mm.yy and similar: dates are decoys unless a
/// birth-date cue says otherwise (handled by the date-of-birth recogniser).
fn looks_like_date_or_version(run: &Run<'_>) -> bool {
    let g = run.groups();
    let date_seps = run.separators_all(SEP_DASH | SEP_SLASH | SEP_DOT);
    let dotted = run.separators_all(SEP_DOT);
    (date_seps && matches!(g, [4, 1 | 2, 1 | 2] | [1 | 2, 1 | 2, 4] | [1 | 2, 1 | 2, 2]))
        || (dotted && g.len() >= 3 && run.digits().len() < 12 && g != [3, 3, 4])
}

/// Regions tried for numbers written without a country code.
const NATIONAL_REGIONS: &[Country] = &[
    Country::US,
    Country::GB,
    Country::DE,
    Country::FR,
    Country::IN,
    Country::AU,
];

fn phone(run: &Run<'_>) -> Option<Candidate> {
    let n = run.digits().len();
    if !(7..=15).contains(&n) {
        return None;
    }
    // A bare digit string is an id far more often than a phone number.
    if run.groups().len() == 1 && !run.leading_plus {
        return None;
    }
    // The North American shape (555) 123-4567 / 555.123.4567: area code and
    // grouping checked here; metadata checks would reject the fictional 555
    // numbers people actually write, and they are slow.
    let nanp = matches!(run.groups(), [3, 3, 4] | [1, 3, 3, 4])
        && run
            .separators_all(SEP_DASH | SEP_DOT | SEP_NONE | SEP_CLOSE | SEP_DASH_CLOSE | SEP_OPEN)
        && (run.groups().len() == 3 || run.digits()[0] == b'1')
        && !matches!(
            run.digits()[usize::from(run.groups().len() == 4)],
            b'0' | b'1'
        );
    // Digits are ASCII.
    let digits = || String::from_utf8_lossy(run.digits()).into_owned();
    if nanp {
        // Built by hand: `format!` costs more than the rest of this path.
        let digits = run.digits();
        let mut canonical = String::with_capacity(12);
        canonical.push_str("+1");
        // Digits are ASCII, so this never falls back.
        canonical.push_str(std::str::from_utf8(&digits[digits.len() - 10..]).unwrap_or_default());
        return Some(run.candidate(EntityType::Phone, 0.8, canonical));
    }
    if run.leading_plus {
        if let Ok(number) = phonenumber::parse(None, run.text) {
            if phonenumber::is_valid(&number) {
                let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
                return Some(run.candidate(EntityType::Phone, 0.9, e164));
            }
        }
        return (n >= 8).then(|| run.candidate(EntityType::Phone, 0.6, format!("+{}", digits())));
    }
    // National numbers with a trunk prefix (020 7946 0958, 030 1234567).
    if run.digits()[0] != b'0' {
        return None;
    }
    NATIONAL_REGIONS.iter().find_map(|region| {
        let number = phonenumber::parse(Some(*region), run.text).ok()?;
        phonenumber::is_valid(&number).then(|| {
            let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
            run.candidate(EntityType::Phone, 0.85, e164)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(EntityType, String, String)> {
        let mut out = Vec::new();
        find(text, &mut out);
        out.into_iter()
            .map(|c| (c.entity, text[c.start..c.end].to_string(), c.canonical))
            .collect()
    }

    #[test]
    fn next_digit_matches_a_plain_search() {
        // Every byte value at every offset of a word, and past the last word.
        for b in 0..=255u8 {
            for at in 0..11 {
                let mut bytes = vec![b'x'; 11];
                bytes[at] = b;
                let plain = bytes.iter().position(u8::is_ascii_digit);
                assert_eq!(next_digit(&bytes, 0), plain, "{b:#x} at {at}");
            }
        }
        assert_eq!(next_digit(b"12", 2), None);
        assert_eq!(next_digit(b"", 0), None);
    }

    #[test]
    fn cards_with_mixed_separators() {
        let f = found("card 4111 1111-1111 1111 exp");
        assert_eq!(f[0].0, EntityType::CreditCard);
        assert_eq!(f[0].1, "4111 1111-1111 1111");
        assert_eq!(f[0].2, "4111111111111111");
        assert!(
            found("card 4111 1111 1111 1112")
                .iter()
                .all(|(e, ..)| *e != EntityType::CreditCard)
        );
    }

    #[test]
    fn ssn_with_separators() {
        assert_eq!(found("ssn 536-22-1234")[0].0, EntityType::UsSsn);
        assert_eq!(found("ssn 536 22 1234")[0].2, "536221234");
        assert!(
            found("ssn 000-22-1234")
                .iter()
                .all(|(e, ..)| *e != EntityType::UsSsn)
        );
    }

    #[test]
    fn phones_in_many_formats() {
        for text in [
            "555.123.4567",
            "(555) 123 4567",
            "555-123-4567",
            "+44 20 7946 0958",
            "+1 (415) 555-2671",
            "020 7946 0958",
        ] {
            let f = found(&format!("call {text} today"));
            assert_eq!(f.len(), 1, "{text}: {f:?}");
            assert_eq!(f[0].0, EntityType::Phone, "{text}");
            assert_eq!(f[0].1, text);
        }
    }

    #[test]
    fn ipv4_with_spaces_and_leading_zeros() {
        assert_eq!(found("from 10 . 0 . 0 . 5 ok")[0].2, "10.0.0.5");
        assert_eq!(found("from 010.000.000.005 ok")[0].2, "10.0.0.5");
        assert_eq!(found("http://192.168.1.20:8080/x")[0].2, "192.168.1.20");
    }

    #[test]
    fn numbers_written_one_after_another_are_split() {
        let f = found("call (200) 200-0000 10.0.19041.1 ok");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].1, "(200) 200-0000");
        let f = found("ext 4471 555.123.4567");
        assert_eq!(f[0].1, "555.123.4567");
    }

    #[test]
    fn decoys_survive() {
        for decoy in [
            "version 10.0.19041.1",
            "error 0x80070005",
            "KB5005565",
            "INC0012345",
            "2024-03-05T10:22:11Z",
            "on 05/03/2024",
            "at 10:22:11",
            "order 123456789",
            "build 1.2.3",
            "ticket #48213",
            "score 256.1.1.1",
            "total 1,234,567.89",
            "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            "4111 1111 1111 1112",
        ] {
            assert!(found(decoy).is_empty(), "{decoy}: {:?}", found(decoy));
        }
    }
}
