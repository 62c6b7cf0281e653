//! Checksums and plausibility checks run on candidates only.

/// Luhn check over ASCII digits.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !digits.is_empty() && sum % 10 == 0
}

/// Whether `digits` starts like a card of a known scheme, at a length that
/// scheme issues.
pub(crate) fn card_issuer_ok(digits: &[u8]) -> bool {
    let n = digits.len();
    let prefix = |k: usize| -> u32 {
        digits[..k.min(n)]
            .iter()
            .fold(0, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    match digits.first() {
        Some(b'4') => matches!(n, 13 | 16 | 19), // Visa
        Some(b'5') => n == 16 && (51..=55).contains(&prefix(2)), // Mastercard
        Some(b'2') => n == 16 && (2221..=2720).contains(&prefix(4)), // Mastercard 2-series
        Some(b'3') => {
            (n == 15 && matches!(prefix(2), 34 | 37))                                // Amex
                || (n == 14 && (matches!(prefix(2), 36 | 38) || (300..=305).contains(&prefix(3)))) // Diners
                || ((16..=19).contains(&n) && (3528..=3589).contains(&prefix(4))) // JCB
        }
        Some(b'6') => {
            (16..=19).contains(&n)
                && (prefix(4) == 6011
                    || (644..=649).contains(&prefix(3))
                    || prefix(2) == 65
                    || prefix(2) == 62) // Discover, UnionPay
        }
        _ => false,
    }
}

/// IBAN lengths per country (ISO 13616 registry).
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NL", 18),
    ("NO", 15),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("SA", 24),
    ("SC", 31),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
];

/// Mod-97 check of an IBAN given without spaces, upper case.
pub(crate) fn iban_ok(iban: &[u8]) -> bool {
    if iban.len() < 15 || !iban.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let Ok(country) = std::str::from_utf8(&iban[..2]) else {
        return false;
    };
    let Some((_, len)) = IBAN_LENGTHS.iter().find(|(c, _)| *c == country) else {
        return false;
    };
    if iban.len() != *len || !iban[2..4].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut rem = 0u32;
    for &b in iban[4..].iter().chain(&iban[..4]) {
        let v = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b.to_ascii_uppercase() - b'A') + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// US SSN rules: area not 000, 666 or 9xx; group not 00; serial not 0000;
/// and not the advertising numbers that were never issued.
pub(crate) fn ssn_ok(digits: &[u8]) -> bool {
    if digits.len() != 9 {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> u32 {
        digits[r]
            .iter()
            .fold(0, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    let (area, group, serial) = (num(0..3), num(3..5), num(5..9));
    area != 0
        && area != 666
        && area < 900
        && group != 0
        && serial != 0
        && !digits.iter().all(|d| *d == digits[0])
        && digits != b"123456789"
}

/// Shannon entropy in bits per character.
pub(crate) fn shannon_entropy(value: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in value.bytes() {
        counts[b as usize] += 1;
    }
    let n = value.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_and_issuers() {
        assert!(luhn(b"4111111111111111") && card_issuer_ok(b"4111111111111111"));
        assert!(luhn(b"378282246310005") && card_issuer_ok(b"378282246310005"));
        assert!(luhn(b"5555555555554444") && card_issuer_ok(b"5555555555554444"));
        assert!(!luhn(b"4111111111111112"));
        assert!(!card_issuer_ok(b"1234567812345670"));
    }

    #[test]
    fn iban_mod97() {
        assert!(iban_ok(b"GB82WEST12345698765432"));
        assert!(iban_ok(b"DE89370400440532013000"));
        assert!(!iban_ok(b"GB82WEST12345698765433"));
        assert!(!iban_ok(b"XX82WEST12345698765432"));
    }

    #[test]
    fn ssn_rules() {
        assert!(ssn_ok(b"078051120")); // shape-valid, so redacted like any other
        assert!(ssn_ok(b"536221234"));
        assert!(!ssn_ok(b"000123456") && !ssn_ok(b"666123456") && !ssn_ok(b"912345678"));
        assert!(!ssn_ok(b"123006789") && !ssn_ok(b"123450000") && !ssn_ok(b"111111111"));
    }

    #[test]
    fn entropy_orders_values() {
        assert!(shannon_entropy("aaaaaaaaaaaaaaaa") < 1.0);
        assert!(shannon_entropy("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") > 4.0);
    }
}
