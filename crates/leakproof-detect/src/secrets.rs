//! Credentials: vendor tokens with known prefixes, JWTs, Bearer tokens, PEM
//! private keys, passwords stated in prose or as key=value, high-entropy
//! values next to a key word, and dates of birth (which, like passwords, are
//! only recognisable by the words before them).

use std::sync::LazyLock;

use base64::Engine;
use regex::Regex;

use crate::validate::shannon_entropy;
use crate::{Candidate, EntityType};

/// Vendor tokens, one alternative per type, in group order.
static TOKENS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?-u)\b(?:",
        r"(?P<aws>(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})",
        r"|(?P<github>gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})",
        r"|(?P<slack>xox[abposre]-[A-Za-z0-9\-]{10,250})",
        r"|(?P<google>AIza[0-9A-Za-z_\-]{35})",
        r"|(?P<stripe>(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,247})",
        r"|(?P<jwt>eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,})",
        r")(?:\b|$)"
    ))
    .expect("static regex")
});

static PEM_BEGIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----").expect("static regex")
});

static PEM_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----").expect("static regex")
});

/// The longest PEM block looked for (an 8192-bit RSA key is about 6.5 KiB).
const MAX_PEM: usize = 16 * 1024;

static BEARER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\bbearer\s+([A-Za-z0-9\-._~+/]{16,}=*)").expect("static regex")
});

static AWS_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i-u)aws[a-z0-9_\- ]{0,24}(?:secret|private)[a-z0-9_\- ]{0,24}[\s:="'>]+([A-Za-z0-9/+]{40})(?:(?u:[^A-Za-z0-9/+=])|$)"#)
        .expect("static regex")
});

/// Run anchored at each `p` that starts a word, so a text costs a few
/// steps per candidate instead of a full search. Anchored searches use no
/// prefilter, so none is built: extracting literals for one (and the
/// reverse-inner strategy that comes with it) cost more than every search
/// on a 4 MB corpus.
static PASSWORD: LazyLock<regex_automata::meta::Regex> = LazyLock::new(|| {
    regex_automata::meta::Builder::new()
        .configure(regex_automata::meta::Config::new().auto_prefilter(false))
        .build(
        r#"(?i-u)\b(?:password|passwort|passwd|passcode|passphrase|pass phrase|pwd|pw|pin code)\b(?:\s+(?:is|was|will be|=|:)|\s*[:=]|\s+set\s+to|\s+to)\s*["'`]?((?u:[^\s"'`,;]){3}(?u:[^\s"'`,;])*)"#,
    )
    .expect("static regex")
});

static GENERIC_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i-u)\b(?:secret|token|api[_\-\s]?key|apikey|access[_\-\s]?key|client[_\-\s]?secret|auth[_\-\s]?token|private[_\-\s]?key|signing[_\-\s]?key)\b["']?\s*(?:[:=]|\s+is)\s*["']?([A-Za-z0-9+/=_\-.]{16,256})"#,
    )
    .expect("static regex")
});

static DATE_OF_BIRTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i-u)\b(?:dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on)?|geb\.?|geboren(?:\s+am)?)",
        r"[\s:=\-,]{0,4}(?:on\s+|is\s+)?",
        r"(?P<date>\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./\-]\d{1,2}[./\-]\d{2,4}",
        r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[a-z]{3,9}\.?,?\s+\d{4}|[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})\b"
    ))
    .expect("static regex")
});

/// Words that follow "password is" in prose without being a password.
const NOT_A_PASSWORD: &[&str] = &[
    "incorrect",
    "wrong",
    "invalid",
    "expired",
    "correct",
    "required",
    "empty",
    "blank",
    "missing",
    "not",
    "too",
    "being",
    "reset",
    "changed",
    "the",
    "a",
    "an",
    "my",
    "your",
    "their",
    "his",
    "her",
    "our",
    "still",
    "now",
    "also",
    "was",
    "is",
    "has",
    "had",
    "same",
    "different",
    "locked",
    "set",
    "case",
    "sensitive",
    "weak",
    "strong",
    "long",
    "short",
    "working",
    "ok",
    "fine",
    "change",
    "update",
    "updated",
    "field",
    "policy",
    "length",
    "again",
    "below",
    "above",
    "attached",
    "saved",
    "stored",
    "hidden",
    "redacted",
    "none",
    "null",
    "***",
    "****",
    "*****",
    "<redacted>",
    "[redacted]",
    "encrypted",
    "hashed",
    "unknown",
    "for",
    "and",
    "that",
    "this",
    "it",
    "in",
    "on",
    "to",
    "of",
    "when",
    "after",
    "before",
    "via",
    "manager",
    "protected",
];

/// Finds credentials (and dates of birth) in the normalised `text`.
pub(crate) fn find(text: &str, triggers: u32, out: &mut Vec<Candidate>) {
    use crate::triggers::{
        BEARER_WORD, BIRTH_WORD, PASSWORD_WORD, PEM as PEM_TRIGGER, SECRET_WORD, TOKEN,
    };
    if triggers & (TOKEN | PEM_TRIGGER | BEARER_WORD | SECRET_WORD | PASSWORD_WORD | BIRTH_WORD)
        == 0
    {
        return;
    }
    let run = |bit: u32| triggers & bit != 0;
    let tokens = run(TOKEN)
        .then(|| TOKENS.captures_iter(text))
        .into_iter()
        .flatten();
    for caps in tokens {
        let (entity, m) = if let Some(m) = caps.name("aws") {
            (EntityType::AwsAccessKeyId, m)
        } else if let Some(m) = caps.name("github") {
            (EntityType::GithubToken, m)
        } else if let Some(m) = caps.name("slack") {
            (EntityType::SlackToken, m)
        } else if let Some(m) = caps.name("google") {
            (EntityType::GoogleApiKey, m)
        } else if let Some(m) = caps.name("stripe") {
            (EntityType::StripeKey, m)
        } else if let Some(m) = caps.name("jwt") {
            if !jwt_header_ok(m.as_str()) {
                continue;
            }
            (EntityType::Jwt, m)
        } else {
            continue;
        };
        out.push(Candidate::new(
            entity,
            m.start(),
            m.end(),
            0.95,
            m.as_str().to_string(),
        ));
    }
    if triggers & PEM_TRIGGER != 0 {
        let mut from = 0;
        while let Some(begin) = PEM_BEGIN.find_at(text, from) {
            let limit = floor_char_boundary(text, begin.end() + MAX_PEM);
            // An unterminated block is redacted to the end of what we looked
            // at: a truncated key is still a key.
            let end = PEM_END
                .find(&text[begin.end()..limit])
                .map_or(limit, |m| begin.end() + m.end());
            out.push(Candidate::new(
                EntityType::PrivateKey,
                begin.start(),
                end,
                0.99,
                text[begin.start()..end].to_string(),
            ));
            from = end;
        }
    }
    for caps in run(BEARER_WORD)
        .then(|| BEARER.captures_iter(text))
        .into_iter()
        .flatten()
    {
        if let Some(m) = caps.get(1) {
            if m.as_str().bytes().any(|b| b.is_ascii_digit()) || shannon_entropy(m.as_str()) > 3.5 {
                out.push(Candidate::new(
                    EntityType::BearerToken,
                    m.start(),
                    m.end(),
                    0.9,
                    m.as_str().to_string(),
                ));
            }
        }
    }
    for caps in run(SECRET_WORD)
        .then(|| AWS_SECRET.captures_iter(text))
        .into_iter()
        .flatten()
    {
        if let Some(m) = caps.get(1) {
            if shannon_entropy(m.as_str()) > 3.5 {
                out.push(Candidate::new(
                    EntityType::AwsSecretKey,
                    m.start(),
                    m.end(),
                    0.9,
                    m.as_str().to_string(),
                ));
            }
        }
    }
    if run(PASSWORD_WORD) {
        passwords(text, out);
    }
    for caps in run(SECRET_WORD)
        .then(|| GENERIC_SECRET.captures_iter(text))
        .into_iter()
        .flatten()
    {
        if let Some(m) = caps.get(1) {
            let value = m.as_str().trim_end_matches('.');
            let classes = [
                value.bytes().any(|b| b.is_ascii_lowercase()),
                value.bytes().any(|b| b.is_ascii_uppercase()),
                value.bytes().any(|b| b.is_ascii_digit()),
            ]
            .iter()
            .filter(|x| **x)
            .count();
            if classes >= 2 && shannon_entropy(value) >= 3.5 {
                out.push(Candidate::new(
                    EntityType::GenericSecret,
                    m.start(),
                    m.start() + value.len(),
                    0.75,
                    value.to_string(),
                ));
            }
        }
    }
    for caps in run(BIRTH_WORD)
        .then(|| DATE_OF_BIRTH.captures_iter(text))
        .into_iter()
        .flatten()
    {
        if let Some(m) = caps.name("date") {
            let canonical = m
                .as_str()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            out.push(Candidate::new(
                EntityType::DateOfBirth,
                m.start(),
                m.end(),
                0.85,
                canonical,
            ));
        }
    }
}

/// A token a redactor left in place of a value (`[PASSWORD]`,
/// `[PASSWORD:3f9a...]`, `[ENC:PASSWORD:...]`): redacted text scanned again
/// must not report its own masks.
fn is_redaction_token(value: &str) -> bool {
    let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) else {
        return false;
    };
    let name = inner.split(':').next().unwrap_or_default();
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Longest password reported, in characters.
const MAX_PASSWORD_CHARS: usize = 128;

/// Passwords stated after a password word (`password`, `pwd`, `pin code`...).
fn passwords(text: &str, out: &mut Vec<Candidate>) {
    use regex_automata::{Anchored, Input};
    let bytes = text.as_bytes();
    // Made on the first match only: most texts with a password word hold
    // no stated password, and the captures cost an allocation.
    let mut caps = None;
    let mut from = 0;
    for p in memchr::memchr2_iter(b'p', b'P', bytes) {
        if p < from || (p > 0 && (bytes[p - 1].is_ascii_alphanumeric() || bytes[p - 1] == b'_')) {
            continue;
        }
        let input = Input::new(text).span(p..text.len()).anchored(Anchored::Yes);
        // The DFA rejects most words in a few steps; captures only on a match.
        if PASSWORD.search_half(&input).is_none() {
            continue;
        }
        let caps = caps.get_or_insert_with(|| PASSWORD.create_captures());
        PASSWORD.search_captures(&input, caps);
        let Some(span) = caps.get_group(1) else {
            continue;
        };
        from = span.end;
        // Unbounded in the pattern (a bounded repeat of a Unicode class
        // makes the capture engine slow); at most 128 characters kept.
        let value = &text[span.start..span.end];
        let value = value
            .char_indices()
            .nth(MAX_PASSWORD_CHARS)
            .map_or(value, |(i, _)| &value[..i])
            .trim_end_matches(['.', ')']);
        if value.len() < 3
            || NOT_A_PASSWORD.iter().any(|w| w.eq_ignore_ascii_case(value))
            || is_redaction_token(value)
        {
            continue;
        }
        out.push(Candidate::new(
            EntityType::Password,
            span.start,
            span.start + value.len(),
            0.8,
            value.to_string(),
        ));
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A JWT's header decodes to a JSON object with an `alg`.
fn jwt_header_ok(token: &str) -> bool {
    let Some(header) = token.split('.').next() else {
        return false;
    };
    let Ok(bytes) =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header.trim_end_matches('='))
    else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .is_some_and(|v| v.get("alg").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(EntityType, String)> {
        let mut out = Vec::new();
        find(text, crate::triggers::scan(text), &mut out);
        out.into_iter()
            .map(|c| (c.entity, text[c.start..c.end].to_string()))
            .collect()
    }

    const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    #[test]
    fn vendor_tokens() {
        assert_eq!(
            found("key AKIAIOSFODNN7EXAMPLE used")[0].0,
            EntityType::AwsAccessKeyId
        );
        assert_eq!(
            found("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 x")[0].0,
            EntityType::GithubToken
        );
        assert_eq!(
            found("xoxb-1234567890-abcdefghij x")[0].0,
            EntityType::SlackToken
        );
        assert_eq!(
            found("AIzaSyA1234567890abcdefghijklmnopqrstuv x")[0].0,
            EntityType::GoogleApiKey
        );
        assert_eq!(
            found("sk_live_4eC39HqLyjWDarjtT1zdp7dc x")[0].0,
            EntityType::StripeKey
        );
        assert_eq!(
            found(&format!("t={JWT};"))[0],
            (EntityType::Jwt, JWT.to_string())
        );
        assert!(found("eyJub3RhbGciOjF9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijk").is_empty());
    }

    #[test]
    fn bearer_and_aws_secret() {
        let f = found("Authorization: Bearer abcDEF123456ghiJKL789");
        assert_eq!(
            f[0],
            (EntityType::BearerToken, "abcDEF123456ghiJKL789".to_string())
        );
        let f = found("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        assert!(
            f.iter().any(|(e, v)| *e == EntityType::AwsSecretKey
                && v == "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            "{f:?}"
        );
    }

    #[test]
    fn passwords_in_prose_and_key_value() {
        assert_eq!(found("my password is hunter2.")[0].1, "hunter2");
        assert_eq!(found("pwd: Tr0ub4dor&3")[0].1, "Tr0ub4dor&3");
        assert_eq!(found("password=Summer2024!")[0].1, "Summer2024!");
        assert!(found("the password is incorrect").is_empty());
        assert!(found("I reset my password yesterday").is_empty());
        // Redacted text scanned again: the mask is not a password.
        assert!(found("my password is [PASSWORD] and it stopped").is_empty());
        assert!(found("password: [PASSWORD:9f86d081884c7d65]").is_empty());
        assert_eq!(found("password: [Summer2024]")[0].1, "[Summer2024]");
    }

    #[test]
    fn pem_block_whole() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAAAA\n-----END RSA PRIVATE KEY-----";
        let f = found(&format!("key:\n{pem}\nend"));
        assert_eq!(f[0], (EntityType::PrivateKey, pem.to_string()));
    }

    #[test]
    fn generic_secret_needs_entropy() {
        assert_eq!(
            found("client_secret: 9fK2mQ7xLp4Rt8Vw1Zb6")[0].0,
            EntityType::GenericSecret
        );
        assert!(found("token: aaaaaaaaaaaaaaaaaaaa").is_empty());
    }

    #[test]
    fn dates_of_birth_need_a_cue() {
        assert_eq!(
            found("DOB: 04/12/1985")[0],
            (EntityType::DateOfBirth, "04/12/1985".to_string())
        );
        assert_eq!(found("born on March 3, 1990 in")[0].1, "March 3, 1990");
        assert_eq!(found("date of birth 1985-12-04")[0].1, "1985-12-04");
        assert!(found("created 04/12/1985").is_empty());
    }
}
