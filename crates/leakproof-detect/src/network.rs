//! IPv6 addresses, MAC addresses, credentials inside URLs, and IBANs (which
//! share the "letters and digits in fixed groups" shape).

use std::net::Ipv6Addr;
use std::sync::LazyLock;

use regex::Regex;

use crate::validate::iban_ok;
use crate::{Candidate, EntityType};

static IPV6_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i-u)[0-9a-f:]*:[0-9a-f:]*:[0-9a-f:.]*").expect("static regex"));

static MAC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i-u)\b(?:[0-9a-f]{2}([:\-])){5}[0-9a-f]{2}\b|\b[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}\b",
    )
    .expect("static regex")
});

static URL_CREDENTIALS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b[a-z][a-z0-9+.\-]{1,20}://((?u:[^\s:/@?#]){1,128}:(?u:[^\s/@?#]){1,256})@[a-z0-9\[]")
        .expect("static regex")
});

static IBAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u)\b[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
        .expect("static regex")
});

/// Finds IPv6 addresses, MAC addresses, URL credentials and IBANs in `text`.
pub(crate) fn find(text: &str, triggers: u32, out: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    // Compressed addresses have `::`; full ones have seven colons
    // (timestamps have two).
    if triggers & crate::triggers::DOUBLE_COLON != 0
        || (triggers & crate::triggers::COLON != 0
            && memchr::memchr_iter(b':', bytes).nth(4).is_some())
    {
        ipv6(text, out);
    }
    if triggers & crate::triggers::DIGIT != 0
        && triggers & (crate::triggers::COLON | crate::triggers::DASH_OR_DOT) != 0
        && bytes.len() >= MIN_MAC
        && has_mac_shape(bytes)
    {
        for m in MAC.find_iter(text) {
            let s = m.as_str();
            // One separator throughout (`aa:bb-cc` is not a MAC address).
            let seps: Vec<u8> = s
                .bytes()
                .filter(|b| matches!(b, b':' | b'-' | b'.'))
                .collect();
            if seps.windows(2).all(|w| w[0] == w[1]) {
                let hex: String = s
                    .chars()
                    .filter(char::is_ascii_hexdigit)
                    .collect::<String>()
                    .to_lowercase();
                // All-digit dotted groups are versions or dates, not MACs.
                if s.contains('.') && hex.bytes().all(|b| b.is_ascii_digit()) {
                    continue;
                }
                let canonical = hex
                    .as_bytes()
                    .chunks(2)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect::<Vec<_>>()
                    .join(":");
                out.push(Candidate::new(
                    EntityType::MacAddress,
                    m.start(),
                    m.end(),
                    0.85,
                    canonical,
                ));
            }
        }
    }
    if triggers & crate::triggers::URL != 0 && triggers & crate::triggers::COLON != 0 {
        for caps in URL_CREDENTIALS.captures_iter(text) {
            if let Some(userinfo) = caps.get(1) {
                out.push(Candidate::new(
                    EntityType::UrlCredentials,
                    userinfo.start(),
                    userinfo.end(),
                    0.95,
                    userinfo.as_str().to_string(),
                ));
            }
        }
    }
    let iban_classes = crate::triggers::DIGIT | crate::triggers::UPPER;
    if triggers & iban_classes == iban_classes && has_iban_shape(bytes) {
        for m in IBAN.find_iter(text) {
            let compact: Vec<u8> = m.as_str().bytes().filter(|b| *b != b' ').collect();
            if iban_ok(&compact) {
                let canonical = String::from_utf8_lossy(&compact).into_owned();
                out.push(Candidate::new(
                    EntityType::Iban,
                    m.start(),
                    m.end(),
                    0.95,
                    canonical,
                ));
            }
        }
    }
}

/// The shortest MAC address written (`hhhh.hhhh.hhhh`): shorter texts,
/// most phone numbers and dates among them, skip the shape scan.
const MIN_MAC: usize = 14;

/// Six hex pairs joined by one `:` or `-`, or `hhhh.hhhh.hhhh`, somewhere:
/// cheap enough to run on every text before the MAC regex (a timestamp's
/// `10:22:11` is not enough).
fn has_mac_shape(bytes: &[u8]) -> bool {
    let hex = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_hexdigit);
    memchr::memchr2_iter(b':', b'-', bytes).any(|p| {
        // The separators first: they rule out most dashes and colons.
        p >= 2
            && (1..5).all(|k| bytes.get(p + 3 * k) == Some(&bytes[p]))
            && (0..6).all(|k| hex(p - 2 + 3 * k) && hex(p - 1 + 3 * k))
    }) || memchr::memchr_iter(b'.', bytes).any(|p| {
        // The second dot first: it rules out most sentence ends at once.
        p >= 4 && bytes.get(p + 5) == Some(&b'.') && (p - 4..p).all(hex) && (p + 1..p + 5).all(hex)
    })
}

/// Shortest IBAN (Norway's), in characters without spaces.
const MIN_IBAN: usize = 15;

/// Two capital letters and two digits at a word start, followed by enough
/// capitals, digits and single spaces to make an IBAN: where one can begin.
/// Case and invoice numbers (`CS0000042`, `KB5005565`) are too short.
fn has_iban_shape(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i + MIN_IBAN <= bytes.len() {
        // Look at the fourth byte first: a start at `i` or `i + 1` needs a
        // digit there, and at `i + 2` or `i + 3` a capital, so most bytes of
        // prose rule out four starts at once.
        let fourth = bytes[i + 3];
        if !fourth.is_ascii_digit() {
            i += if fourth.is_ascii_uppercase() { 2 } else { 4 };
            continue;
        }
        let starts = bytes[i].is_ascii_uppercase()
            && bytes[i + 1].is_ascii_uppercase()
            && bytes[i + 2].is_ascii_digit()
            && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric());
        if starts {
            let body = bytes[i + 4..]
                .iter()
                .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || **b == b' ')
                .filter(|b| **b != b' ')
                .count();
            if 4 + body >= MIN_IBAN {
                return true;
            }
        }
        i += 1;
    }
    false
}

fn ipv6(text: &str, out: &mut Vec<Candidate>) {
    for m in IPV6_RUN.find_iter(text) {
        let bytes = text.as_bytes();
        // Part of a longer word (`abc::def` in code) is not an address.
        if m.start() > 0
            && (bytes[m.start() - 1].is_ascii_alphanumeric() || bytes[m.start() - 1] == b'_')
        {
            continue;
        }
        if bytes
            .get(m.end())
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            continue;
        }
        let s = m.as_str().trim_end_matches('.');
        let trimmed = s.trim_end_matches(':');
        // `[2001:db8::1]:8080` leaves `:8080` outside the brackets; a bare
        // `host::port` form is too ambiguous to trim.
        for candidate in [s, trimmed] {
            if candidate.matches(':').count() < 2 {
                continue;
            }
            if let Ok(addr) = candidate.parse::<Ipv6Addr>() {
                // `::` alone and `::1`-style loopback are still addresses, but
                // C++/Rust paths like `std::io` never parse.
                out.push(Candidate::new(
                    EntityType::IpAddress,
                    m.start(),
                    m.start() + candidate.len(),
                    if candidate.len() > 4 { 0.9 } else { 0.5 },
                    addr.to_string(),
                ));
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(EntityType, String, String)> {
        let mut out = Vec::new();
        let t = crate::triggers::scan(text) | crate::triggers::byte_classes(text.as_bytes());
        find(text, t, &mut out);
        out.into_iter()
            .map(|c| (c.entity, text[c.start..c.end].to_string(), c.canonical))
            .collect()
    }

    #[test]
    fn ipv6_full_compressed_and_in_urls() {
        assert_eq!(
            found("from 2001:0db8:0000:0000:0000:ff00:0042:8329 x")[0].2,
            "2001:db8::ff00:42:8329"
        );
        assert_eq!(found("from 2001:db8::1 x")[0].1, "2001:db8::1");
        assert_eq!(found("http://[2001:db8::7]:8080/path")[0].2, "2001:db8::7");
        assert_eq!(
            found("mapped ::ffff:192.0.2.1 ok")[0].0,
            EntityType::IpAddress
        );
        assert!(found("at 10:22:11 and std::io::Error").is_empty());
    }

    #[test]
    fn mac_addresses() {
        assert_eq!(found("mac 00:1A:2b:3c:4D:5e up")[0].2, "00:1a:2b:3c:4d:5e");
        assert_eq!(
            found("mac 00-1a-2b-3c-4d-5e up")[0].0,
            EntityType::MacAddress
        );
        assert_eq!(found("mac 001a.2b3c.4d5e up")[0].0, EntityType::MacAddress);
        assert!(
            found("mac 00:1a-2b:3c:4d:5e")
                .iter()
                .all(|f| f.0 != EntityType::MacAddress)
        );
    }

    #[test]
    fn url_credentials_cover_user_and_password() {
        let f = found("db at postgres://admin:S3cret!@db.internal:5432/app");
        assert_eq!(f[0].0, EntityType::UrlCredentials);
        assert_eq!(f[0].1, "admin:S3cret!");
        assert!(found("see https://example.com/a:b").is_empty());
    }

    #[test]
    fn ibans_with_checksum() {
        assert_eq!(
            found("pay GB82 WEST 1234 5698 7654 32 now")[0].2,
            "GB82WEST12345698765432"
        );
        assert_eq!(found("pay DE89370400440532013000")[0].0, EntityType::Iban);
        assert!(found("pay GB82 WEST 1234 5698 7654 33").is_empty());
    }
}
