//! EMAIL: the textbook form with stray spaces and line breaks around `@` and
//! `.`, and the spelled-out form `john dot doe at contoso dot com`.
//! Bracketed and escaped separators were already folded by normalisation.

use std::sync::LazyLock;

use regex::Regex;

use crate::tld::is_known_tld;
use crate::{Candidate, EntityType};

static WITH_AT_SIGN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i-u)[a-z0-9][a-z0-9._%+\-]{0,63}[ \t\r\n]{0,3}@[ \t\r\n]{0,3}(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?[ \t\r\n]{0,3}\.[ \t\r\n]{0,3}){1,6}[a-z]{2,24}",
    )
    .expect("static regex")
});

static SPELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i-u)\b([a-z0-9][a-z0-9._%+\-]{0,63}(?:\s+dot\s+[a-z0-9][a-z0-9._%+\-]{0,63}){0,3})\s+at\s+((?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?(?:\.|\s+dot\s+)){1,5}[a-z]{2,24})\b",
    )
    .expect("static regex")
});

/// Words that stand before "at" in ordinary sentences ("meet me at ...").
const NOT_A_LOCAL_PART: &[&str] = &[
    "a", "am", "an", "and", "are", "arrive", "arrived", "back", "be", "been", "but", "call", "do",
    "email", "emails", "even", "here", "him", "home", "i", "is", "it", "just", "look", "looked",
    "me", "meet", "mail", "or", "out", "reach", "see", "them", "there", "this", "us", "was", "we",
    "were", "while", "you", "contact", "write", "ping", "only", "not", "also",
];

/// Finds email addresses in the normalised `text`.
pub(crate) fn find(text: &str, triggers: u32, out: &mut Vec<Candidate>) {
    if triggers & crate::triggers::AT_SIGN != 0 {
        for m in WITH_AT_SIGN.find_iter(text) {
            if let Some(candidate) = with_at_sign(text, m.start(), m.as_str()) {
                out.push(candidate);
            }
        }
    }
    if triggers & crate::triggers::SPELLED_AT != 0 {
        for caps in SPELLED.captures_iter(text) {
            let (Some(whole), Some(local), Some(domain)) = (caps.get(0), caps.get(1), caps.get(2))
            else {
                continue;
            };
            if let Some(candidate) =
                spelled(whole.start(), whole.end(), local.as_str(), domain.as_str())
            {
                out.push(candidate);
            }
        }
    }
}

fn with_at_sign(text: &str, start: usize, matched: &str) -> Option<Candidate> {
    // A local part glued to a preceding word character is a fragment
    // (`x@y` inside a longer token); start at a boundary.
    if start > 0 {
        let prev = text.as_bytes()[start - 1];
        if prev.is_ascii_alphanumeric() || prev == b'@' {
            return None;
        }
    }
    let (local, domain) = matched.split_once('@')?;
    let local = local.trim_end();
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return None;
    }
    // Labels without the blanks around dots; the TLD is the last label that
    // is a known TLD (a sentence's full stop is not part of the address).
    let mut labels: [&str; 8] = [""; 8];
    let mut count = 0;
    for label in domain.split('.') {
        if count == labels.len() {
            break;
        }
        labels[count] = label.trim();
        count += 1;
    }
    let keep = (2..=count).rev().find(|&k| {
        labels[..k].iter().all(|l| !l.is_empty())
            && is_known_tld(&labels[k - 1].to_ascii_lowercase())
    })?;
    // The match ends with the last character of the kept TLD.
    let at = matched.len() - domain.len();
    let mut dots = 0;
    let mut end = start + at;
    for (i, b) in matched.bytes().enumerate().skip(at) {
        if b == b'.' {
            dots += 1;
            if dots == keep {
                break;
            }
        } else if b.is_ascii_alphanumeric() || b == b'-' {
            end = start + i + 1;
        }
    }
    let mut canonical = String::with_capacity(matched.len());
    canonical.extend(
        local
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_lowercase()),
    );
    canonical.push('@');
    for (i, label) in labels[..keep].iter().enumerate() {
        if i > 0 {
            canonical.push('.');
        }
        canonical.extend(label.chars().map(|c| c.to_ascii_lowercase()));
    }
    Some(Candidate::new(
        EntityType::Email,
        start,
        end,
        0.95,
        canonical,
    ))
}

/// How many labels to keep: up to the last one that is a known TLD, with at
/// least one label before it.
fn tld_cut(labels: &[String]) -> Option<usize> {
    (2..=labels.len())
        .rev()
        .find(|&k| is_known_tld(&labels[k - 1]) && labels[..k].iter().all(|l| !l.is_empty()))
}

fn spelled(start: usize, end: usize, local: &str, domain: &str) -> Option<Candidate> {
    let local_words: Vec<&str> = local.split_whitespace().collect();
    let local_canon = local_words
        .iter()
        .filter(|w| !w.eq_ignore_ascii_case("dot"))
        .copied()
        .collect::<Vec<_>>()
        .join(".")
        .to_lowercase();
    if NOT_A_LOCAL_PART.contains(&local_canon.as_str()) {
        return None;
    }
    let domain_lower = domain.to_ascii_lowercase();
    let labels: Vec<String> = domain_lower
        .split_whitespace()
        .filter(|w| *w != "dot")
        .flat_map(|w| w.split('.'))
        .map(str::to_string)
        .collect();
    let keep = tld_cut(&labels)?;
    if keep != labels.len() {
        return None;
    }
    let canonical = format!("{local_canon}@{}", labels.join("."));
    Some(Candidate::new(
        EntityType::Email,
        start,
        end,
        0.8,
        canonical,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emails(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let t = crate::triggers::scan(text) | crate::triggers::byte_classes(text.as_bytes());
        find(text, t, &mut out);
        out.into_iter()
            .map(|c| (text[c.start..c.end].to_string(), c.canonical))
            .collect()
    }

    #[test]
    fn textbook_and_spaced() {
        assert_eq!(
            emails("mail john.doe@contoso.com now")[0].1,
            "john.doe@contoso.com"
        );
        let spaced = emails("mail john.doe @ contoso.com now");
        assert_eq!(spaced[0].0, "john.doe @ contoso.com");
        assert_eq!(spaced[0].1, "john.doe@contoso.com");
        assert_eq!(
            emails("JOHN.DOE@ contoso .com")[0].1,
            "john.doe@contoso.com"
        );
        assert_eq!(
            emails("john.doe@\ncontoso.com")[0].1,
            "john.doe@contoso.com"
        );
    }

    #[test]
    fn sentence_end_is_not_part_of_the_domain() {
        let found = emails("Write to ann@example.org. Next we");
        assert_eq!(found[0].0, "ann@example.org");
    }

    #[test]
    fn spelled_out() {
        assert_eq!(emails("john at contoso dot com")[0].1, "john@contoso.com");
        assert_eq!(
            emails("john dot doe AT contoso DOT co DOT uk")[0].1,
            "john.doe@contoso.co.uk"
        );
        assert_eq!(
            emails("reach jane.roe at example.org today")[0].1,
            "jane.roe@example.org"
        );
    }

    #[test]
    fn at_in_prose_is_not_an_email() {
        assert!(emails("meet me at home dot").is_empty());
        assert!(emails("we arrived at the office at 10.30").is_empty());
        assert!(emails("look at build.log and at setup.exe").is_empty());
        assert!(emails("user@localhost-box").is_empty());
    }
}
