//! EMAIL: the textbook form with stray spaces and line breaks around `@` and
//! `.`, and the spelled-out form `john dot doe at contoso dot com`.
//! Bracketed and escaped separators were already folded by normalisation.

use crate::tld::is_known_tld;
use crate::{Candidate, EntityType};

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
        let bytes = text.as_bytes();
        for at in memchr::memchr_iter(b'@', bytes) {
            if let Some(candidate) = with_at_sign(bytes, at) {
                out.push(candidate);
            }
        }
    }
    if triggers & crate::triggers::SPELLED_AT != 0 {
        let bytes = text.as_bytes();
        for at in memchr::memchr2_iter(b'a', b'A', bytes) {
            let Some((start, local_end, domain_start, end)) = spelled_bounds(bytes, at) else {
                continue;
            };
            if let Some(candidate) = spelled(
                start,
                end,
                &text[start..local_end],
                &text[domain_start..end],
            ) {
                out.push(candidate);
            }
        }
    }
}

/// Most labels in a domain after an `@`, the TLD included.
const MAX_AT_LABELS: usize = 7;

/// The address around the `@` at `at`: a local part of up to 64 bytes
/// starting with a letter or digit at a boundary, up to three blanks on
/// each side of the `@` and of each dot, then labels; the address ends at
/// the last label that is a known TLD.
fn with_at_sign(bytes: &[u8], at: usize) -> Option<Candidate> {
    let mut local_end = at;
    while at - local_end < 3 && local_end > 0 && is_blank(bytes[local_end - 1]) {
        local_end -= 1;
    }
    let mut run = local_end;
    while run > 0 && local_end - run < MAX_LOCAL && is_local_byte(bytes[run - 1]) {
        run -= 1;
    }
    let start = (run..local_end).find(|&p| bytes[p].is_ascii_alphanumeric())?;
    // A local part glued to a preceding word character is a fragment
    // (`x@y` inside a longer token).
    if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'@') {
        return None;
    }
    if in_url_authority(bytes, start) {
        return None;
    }
    let local = &bytes[start..local_end];
    if local.ends_with(b".") || local.windows(2).any(|w| w == b"..") {
        return None;
    }
    let skip_blanks = |mut p: usize| {
        let from = p;
        while p - from < 3 && bytes.get(p).copied().is_some_and(is_blank) {
            p += 1;
        }
        p
    };
    let mut labels = [(0usize, 0usize); MAX_AT_LABELS];
    let mut count = 0;
    let mut p = skip_blanks(at + 1);
    while count < MAX_AT_LABELS {
        let len = bytes[p..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        let label = &bytes[p..p + len];
        if len == 0 || len > 63 || label[0] == b'-' || label[len - 1] == b'-' {
            break;
        }
        labels[count] = (p, p + len);
        count += 1;
        let dot = skip_blanks(p + len);
        if bytes.get(dot) != Some(&b'.') {
            break;
        }
        p = skip_blanks(dot + 1);
    }
    // The TLD is the last label that is a known TLD (a sentence's full
    // stop and what follows it are not part of the address).
    let keep = (2..=count).rev().find(|&k| {
        let (s, e) = labels[k - 1];
        std::str::from_utf8(&bytes[s..e]).is_ok_and(is_known_tld)
    })?;
    let mut canonical = String::with_capacity(local.len() + 1 + labels[keep - 1].1 - labels[0].0);
    // Local part and labels are ASCII: the scan took only ASCII bytes.
    canonical.extend(local.iter().map(|b| char::from(b.to_ascii_lowercase())));
    canonical.push('@');
    for (i, &(s, e)) in labels[..keep].iter().enumerate() {
        if i > 0 {
            canonical.push('.');
        }
        canonical.extend(
            bytes[s..e]
                .iter()
                .map(|b| char::from(b.to_ascii_lowercase())),
        );
    }
    Some(Candidate::new(
        EntityType::Email,
        start,
        labels[keep - 1].1,
        0.95,
        canonical,
    ))
}

/// Longest local part, as in the textbook form.
const MAX_LOCAL: usize = 64;
/// Most labels before the TLD in a spelled-out domain.
const MAX_LABELS: usize = 5;

/// Whether the text before `start` opens a URL's user part
/// (`postgres://svc@db`, `https://admin:s3cret@db`): what follows is a
/// user name or a password and the host, found as such, not a mailbox.
fn in_url_authority(bytes: &[u8], start: usize) -> bool {
    let mut p = start;
    // `user:` before a password.
    if p > 0 && bytes[p - 1] == b':' {
        p -= 1;
        while p > 0 && start - p < MAX_LOCAL && is_local_byte(bytes[p - 1]) {
            p -= 1;
        }
    }
    p >= 2 && &bytes[p - 2..p] == b"//"
}

fn is_local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whitespace then `word` (any case) then whitespace, starting at `pos`:
/// the position after the trailing whitespace.
fn spaced_word_at(bytes: &[u8], pos: usize, word: &[u8]) -> Option<usize> {
    let mut p = pos;
    while bytes.get(p).is_some_and(u8::is_ascii_whitespace) {
        p += 1;
    }
    if p == pos || !bytes.get(p..p + word.len())?.eq_ignore_ascii_case(word) {
        return None;
    }
    let after = p + word.len();
    let mut q = after;
    while bytes.get(q).is_some_and(u8::is_ascii_whitespace) {
        q += 1;
    }
    (q > after).then_some(q)
}

/// The start of a local part ending at `end` (exclusive): it starts with a
/// letter or digit at a word boundary and holds at most [`MAX_LOCAL`] bytes.
fn local_start(bytes: &[u8], end: usize) -> Option<usize> {
    let mut run = end;
    while run > 0 && end - run < MAX_LOCAL && is_local_byte(bytes[run - 1]) {
        run -= 1;
    }
    (run..end)
        .find(|&p| bytes[p].is_ascii_alphanumeric() && (p == 0 || !is_word_byte(bytes[p - 1])))
}

/// `local( dot local){0,3} at label((.| dot )label){0,4}(.| dot )tld` around
/// the "at" whose `a` is at `at`: (start, local end, domain start, end).
fn spelled_bounds(bytes: &[u8], at: usize) -> Option<(usize, usize, usize, usize)> {
    // The word "at" with whitespace on both sides.
    let mut local_end = at;
    while local_end > 0 && bytes[local_end - 1].is_ascii_whitespace() {
        local_end -= 1;
    }
    if local_end == at || local_end == 0 {
        return None;
    }
    let domain_start = spaced_word_at(bytes, local_end, b"at")?;
    // Local part, extended leftwards over ` dot ` joined words.
    let mut start = local_start(bytes, local_end)?;
    for _ in 0..3 {
        let run_start = {
            let mut r = start;
            while r > 0 && is_local_byte(bytes[r - 1]) {
                r -= 1;
            }
            r
        };
        if run_start != start {
            break;
        }
        let mut dot_end = start;
        while dot_end > 0 && bytes[dot_end - 1].is_ascii_whitespace() {
            dot_end -= 1;
        }
        let Some(dot_start) = dot_end.checked_sub(3) else {
            break;
        };
        let mut word_end = dot_start;
        while word_end > 0 && bytes[word_end - 1].is_ascii_whitespace() {
            word_end -= 1;
        }
        if dot_end == start
            || word_end == dot_start
            || !bytes[dot_start..dot_end].eq_ignore_ascii_case(b"dot")
        {
            break;
        }
        match local_start(bytes, word_end) {
            Some(s) => start = s,
            None => break,
        }
    }
    // Domain: labels joined by `.` or ` dot `, then an alphabetic TLD at a
    // word boundary; the longest such domain wins.
    let mut end = None;
    let mut p = domain_start;
    for labels in 0..=MAX_LABELS {
        let token_end = p + bytes[p..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        let alpha = bytes[p..token_end]
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        if labels > 0
            && (2..=24).contains(&alpha)
            && bytes.get(p + alpha).is_none_or(|b| !is_word_byte(*b))
        {
            end = Some(p + alpha);
        }
        let label = &bytes[p..token_end];
        let label_ok = !label.is_empty()
            && label.len() <= 63
            && label[0].is_ascii_alphanumeric()
            && label[label.len() - 1].is_ascii_alphanumeric();
        if !label_ok || labels == MAX_LABELS {
            break;
        }
        p = if bytes.get(token_end) == Some(&b'.') {
            token_end + 1
        } else {
            match spaced_word_at(bytes, token_end, b"dot") {
                Some(next) => next,
                None => break,
            }
        };
    }
    Some((start, local_end, domain_start, end?))
}

/// How many labels to keep: up to the last one that is a known TLD, with at
/// least one label before it.
fn tld_cut(labels: &[String]) -> Option<usize> {
    (2..=labels.len())
        .rev()
        .find(|&k| is_known_tld(&labels[k - 1]) && labels[..k].iter().all(|l| !l.is_empty()))
}

fn spelled(start: usize, end: usize, local: &str, domain: &str) -> Option<Candidate> {
    // Most spelled-out "at"s are prose ("at 10:22", "at home"): the last
    // label must be a known TLD, which is cheap to check before building
    // anything.
    let last_label = domain
        .split_whitespace()
        .rfind(|w| !w.eq_ignore_ascii_case("dot"))
        .and_then(|w| w.rsplit('.').next())
        .unwrap_or_default();
    if !is_known_tld(last_label) {
        return None;
    }
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
    fn addresses_on_internal_domains_are_emails() {
        for (text, address) in [
            (
                "cc maria.garcia@fs-fin-02.internal please",
                "maria.garcia@fs-fin-02.internal",
            ),
            ("from: ops@mail.corp.lan", "ops@mail.corp.lan"),
            (
                "Email:helpdesk@intranet.home.arpa",
                "helpdesk@intranet.home.arpa",
            ),
            ("mailto:it@acme.corp", "it@acme.corp"),
        ] {
            assert_eq!(emails(text)[0].0, address, "{text}");
        }
    }

    #[test]
    fn a_urls_user_and_password_are_no_mailbox() {
        for text in [
            "postgres://admin:s3cret@db.internal:5432/app",
            "postgres://report_ro@db.example.com:5432/analytics",
            "https://svc-build:Tok3n%21@git.example.com/repo.git",
        ] {
            assert!(emails(text).is_empty(), "{text}: {:?}", emails(text));
        }
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
