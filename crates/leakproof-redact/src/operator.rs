//! Redaction operators: what a found value is replaced with.

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use aes_siv::KeyInit;
use aes_siv::aead::Aead;
use aes_siv::{Aes256SivAead, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use leakproof_detect::{EntityCategory, EntityType};
use regex::Regex;
use sha2::Sha256;

/// How a found value is replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `[EMAIL]`.
    Mask,
    /// A keyed pseudonym, `[EMAIL:3f9a1c2b7d4e]`, the same for every
    /// spelling of one value.
    Hash,
    /// Keep a part: the last digits of a number, the domain of an email.
    Partial,
    /// Deterministic authenticated encryption, `[ENC:EMAIL:...]`, reversible
    /// with `leakproof reveal` and the key.
    Encrypt,
    /// Drop the value (the field, in structured formats).
    Remove,
}

impl Operator {
    /// The name used on the command line and in policies.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Mask => "mask",
            Operator::Hash => "hash",
            Operator::Partial => "partial",
            Operator::Encrypt => "encrypt",
            Operator::Remove => "remove",
        }
    }

    /// Whether the operator needs a key.
    pub fn needs_key(self) -> bool {
        matches!(self, Operator::Hash | Operator::Encrypt)
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An operator name that is not one of mask, hash, partial, encrypt, remove.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown operator {0:?}: expected one of mask, hash, partial, encrypt, remove")]
pub struct ParseOperatorError(String);

impl FromStr for Operator {
    type Err = ParseOperatorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mask" => Ok(Operator::Mask),
            "hash" => Ok(Operator::Hash),
            "partial" => Ok(Operator::Partial),
            "encrypt" => Ok(Operator::Encrypt),
            "remove" => Ok(Operator::Remove),
            _ => Err(ParseOperatorError(s.to_string())),
        }
    }
}

/// Key problems.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// An operator needs a key and none was given.
    #[error("the {0} operator needs a key: pass --key-file FILE or set LEAKPROOF_KEY")]
    Missing(Operator),
    /// The key is too short to be a key.
    #[error("the key must be at least 16 bytes (it is {0})")]
    TooShort(usize),
    /// A token does not decrypt under this key.
    #[error("token {index} does not decrypt with this key (wrong key, or the token was altered)")]
    WrongKey {
        /// 1-based position of the token in the input.
        index: usize,
    },
}

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// The secret behind `hash` and `encrypt`, split into one sub-key each so
/// that a pseudonym reveals nothing about a ciphertext.
#[derive(Clone)]
pub struct Keys {
    hash_key: [u8; 32],
    siv_key: [u8; 64],
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Keys(..)")
    }
}

impl Keys {
    /// Derives the keys from secret bytes (from a key file or `LEAKPROOF_KEY`).
    pub fn from_secret(secret: &[u8]) -> Result<Self, KeyError> {
        let secret = secret.trim_ascii();
        if secret.len() < 16 {
            return Err(KeyError::TooShort(secret.len()));
        }
        let hash_key = hmac(secret, &[b"leakproof hash v1"]);
        let mut siv_key = [0u8; 64];
        siv_key[..32].copy_from_slice(&hmac(secret, &[b"leakproof siv v1 a"]));
        siv_key[32..].copy_from_slice(&hmac(secret, &[b"leakproof siv v1 b"]));
        Ok(Keys { hash_key, siv_key })
    }

    fn cipher(&self) -> Aes256SivAead {
        Aes256SivAead::new((&self.siv_key).into())
    }

    /// A pseudonym for `canonical` of `entity`: 12 hex characters of HMAC.
    pub fn pseudonym(&self, entity: &EntityType, canonical: &str) -> String {
        let digest = hmac(
            &self.hash_key,
            &[entity.name().as_bytes(), b"\x1f", canonical.as_bytes()],
        );
        digest[..6].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Deterministic encryption of `value`, bound to the entity name.
    pub fn encrypt(&self, entity: &EntityType, value: &str) -> String {
        // A fixed nonce makes AES-SIV deterministic, which is the point: one
        // value, one token, so joins and counts still work.
        let nonce = Nonce::from_slice(&[0u8; 16]);
        let payload = aes_siv::aead::Payload {
            msg: value.as_bytes(),
            aad: entity.name().as_bytes(),
        };
        match self.cipher().encrypt(nonce, payload) {
            Ok(ct) => URL_SAFE_NO_PAD.encode(ct),
            // SIV encryption fails only on absurd lengths; fail closed.
            Err(_) => String::from("?"),
        }
    }

    fn decrypt(&self, entity: &str, token: &str) -> Option<String> {
        let ct = URL_SAFE_NO_PAD.decode(token).ok()?;
        let nonce = Nonce::from_slice(&[0u8; 16]);
        let pt = self
            .cipher()
            .decrypt(
                nonce,
                aes_siv::aead::Payload {
                    msg: &ct,
                    aad: entity.as_bytes(),
                },
            )
            .ok()?;
        String::from_utf8(pt).ok()
    }
}

/// What to replace a found value with, or `None` to remove it.
pub fn replacement(
    operator: Operator,
    entity: &EntityType,
    canonical: &str,
    keys: Option<&Keys>,
    keep_digits: usize,
) -> Result<Option<String>, KeyError> {
    let name = entity.name();
    Ok(Some(match operator {
        Operator::Mask => format!("[{name}]"),
        Operator::Remove => return Ok(None),
        Operator::Hash => {
            let keys = keys.ok_or(KeyError::Missing(operator))?;
            format!("[{name}:{}]", keys.pseudonym(entity, canonical))
        }
        Operator::Encrypt => {
            let keys = keys.ok_or(KeyError::Missing(operator))?;
            format!("[ENC:{name}:{}]", keys.encrypt(entity, canonical))
        }
        Operator::Partial => partial(entity, canonical, keep_digits),
    }))
}

fn partial(entity: &EntityType, canonical: &str, keep_digits: usize) -> String {
    let name = entity.name();
    match entity {
        EntityType::Email => match canonical.rsplit_once('@') {
            Some((_, domain)) if is_token_safe(domain) => format!("[{name}]@{domain}"),
            _ => format!("[{name}]"),
        },
        EntityType::CreditCard | EntityType::Phone | EntityType::Iban | EntityType::UsSsn => {
            let digits: Vec<char> = canonical.chars().filter(char::is_ascii_digit).collect();
            // Keep at most a third of the digits, so short values stay hidden.
            let keep = keep_digits.min(digits.len() / 3);
            let tail: String = digits[digits.len() - keep..].iter().collect();
            format!("[{name}:…{tail}]")
        }
        _ if entity.category() == EntityCategory::Secret => format!("[{name}]"),
        _ => format!("[{name}]"),
    }
}

/// Characters that need no escaping in JSON or CSV.
fn is_token_safe(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

static ENCRYPTED_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[ENC:([A-Za-z0-9_]+):([A-Za-z0-9_\-]+)\]").expect("static regex")
});

/// Replaces every `[ENC:...]` token in `text` with the value it encrypts.
/// `index` counts tokens across calls, for error messages.
pub fn reveal(text: &str, keys: &Keys, index: &mut usize) -> Result<String, KeyError> {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for caps in ENCRYPTED_TOKEN.captures_iter(text) {
        let (Some(whole), Some(entity), Some(token)) = (caps.get(0), caps.get(1), caps.get(2))
        else {
            continue;
        };
        *index += 1;
        let value = keys
            .decrypt(entity.as_str(), token.as_str())
            .ok_or(KeyError::WrongKey { index: *index })?;
        out.push_str(&text[last..whole.start()]);
        out.push_str(&value);
        last = whole.end();
    }
    out.push_str(&text[last..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::from_secret(b"0123456789abcdef0123456789abcdef\n").expect("key")
    }

    #[test]
    fn hash_is_stable_and_keyed() {
        let a = keys().pseudonym(&EntityType::Email, "john.doe@contoso.com");
        assert_eq!(
            a,
            keys().pseudonym(&EntityType::Email, "john.doe@contoso.com")
        );
        assert_eq!(a.len(), 12);
        let other = Keys::from_secret(b"another key of enough length").expect("key");
        assert_ne!(
            a,
            other.pseudonym(&EntityType::Email, "john.doe@contoso.com")
        );
        assert!(Keys::from_secret(b"short").is_err());
    }

    #[test]
    fn encrypt_round_trips_and_wrong_key_fails() {
        let token = replacement(
            Operator::Encrypt,
            &EntityType::Email,
            "john.doe@contoso.com",
            Some(&keys()),
            4,
        )
        .expect("key given")
        .expect("not removed");
        let mut n = 0;
        assert_eq!(
            reveal(&format!("to {token}."), &keys(), &mut n).expect("decrypts"),
            "to john.doe@contoso.com."
        );
        let wrong = Keys::from_secret(b"another key of enough length").expect("key");
        assert!(matches!(
            reveal(&token, &wrong, &mut 0),
            Err(KeyError::WrongKey { index: 1 })
        ));
    }

    #[test]
    fn partial_keeps_little() {
        assert_eq!(
            partial(&EntityType::CreditCard, "4111111111111111", 4),
            "[CREDIT_CARD:…1111]"
        );
        assert_eq!(
            partial(&EntityType::Email, "john.doe@contoso.com", 4),
            "[EMAIL]@contoso.com"
        );
        assert_eq!(partial(&EntityType::UsSsn, "536221234", 4), "[US_SSN:…234]");
    }

    #[test]
    fn keyed_operators_without_a_key_fail() {
        assert!(matches!(
            replacement(Operator::Hash, &EntityType::Email, "a@b.com", None, 4),
            Err(KeyError::Missing(Operator::Hash))
        ));
    }
}
