//! Finds PII and secrets in text, whatever way they are written.
//!
//! Detection runs on a normalised view of the text (escapes decoded,
//! compatibility forms and look-alike letters folded, invisible characters
//! dropped, bracketed `(at)`/`[dot]` separators folded) and maps every value
//! it finds back to the exact original bytes. Recognisers are cheap scans
//! gated by prefilters; checksums and metadata checks (Luhn, mod-97, SSN
//! rules, phone metadata, TLD list, JWT header) run on candidates only.
//!
//! ```
//! use leakproof_detect::{Detector, DetectorConfig, EntityType};
//!
//! let detector = Detector::new(DetectorConfig::default()).unwrap();
//! let text = "write to JOHN.DOE @ contoso . com or call (555) 123 4567";
//! let found = detector.detect(text);
//! assert_eq!(found[0].entity, EntityType::Email);
//! assert_eq!(&text[found[0].start..found[0].end], "JOHN.DOE @ contoso . com");
//! assert_eq!(found[0].canonical, "john.doe@contoso.com");
//! assert_eq!(found[1].entity, EntityType::Phone);
//! ```

use std::fmt;
use std::sync::Arc;

use aho_corasick::AhoCorasick;
use regex::Regex;

mod email;
mod names;
mod network;
mod normalise;
mod numeric;
mod secrets;
mod tld;
mod triggers;
mod validate;

pub use leakproof_names::FieldCue;
use normalise::Normalised;

/// A kind of sensitive value, with a stable upper-case name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityType {
    /// `EMAIL`
    Email,
    /// `IP_ADDRESS`: IPv4 and IPv6.
    IpAddress,
    /// `PHONE`
    Phone,
    /// `CREDIT_CARD`: Luhn-valid card numbers.
    CreditCard,
    /// `IBAN`: mod-97-valid account numbers.
    Iban,
    /// `US_SSN`
    UsSsn,
    /// `MAC_ADDRESS`
    MacAddress,
    /// `URL_CREDENTIALS`: the `user:pass` of `scheme://user:pass@host`.
    UrlCredentials,
    /// `PASSWORD`: a password stated in prose or as key=value.
    Password,
    /// `AWS_ACCESS_KEY_ID`
    AwsAccessKeyId,
    /// `AWS_SECRET_KEY`
    AwsSecretKey,
    /// `GITHUB_TOKEN`
    GithubToken,
    /// `SLACK_TOKEN`
    SlackToken,
    /// `GOOGLE_API_KEY`
    GoogleApiKey,
    /// `STRIPE_KEY`
    StripeKey,
    /// `JWT`
    Jwt,
    /// `BEARER_TOKEN`
    BearerToken,
    /// `PRIVATE_KEY`: a PEM private key block.
    PrivateKey,
    /// `GENERIC_SECRET`: a high-entropy value next to a key word.
    GenericSecret,
    /// `DATE_OF_BIRTH`: a date cued by birth-date context.
    DateOfBirth,
    /// `PERSON`: a person's name in free text.
    Person,
    /// `LOCATION`: a city, region or country.
    Location,
    /// `STREET_ADDRESS`: a postal address.
    StreetAddress,
    /// `INTERNAL_HOSTNAME`: a host under a private suffix, a UNC server, a
    /// NetBIOS-style server name.
    InternalHostname,
    /// A user-defined type from a policy (custom pattern or dictionary).
    Custom(Arc<str>),
}

/// Whether an entity is personal data or a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityCategory {
    /// Personal data.
    Pii,
    /// A credential or key.
    Secret,
}

impl EntityType {
    /// The stable upper-case name (`EMAIL`, `IP_ADDRESS`, or the custom name).
    pub fn name(&self) -> &str {
        match self {
            EntityType::Email => "EMAIL",
            EntityType::IpAddress => "IP_ADDRESS",
            EntityType::Phone => "PHONE",
            EntityType::CreditCard => "CREDIT_CARD",
            EntityType::Iban => "IBAN",
            EntityType::UsSsn => "US_SSN",
            EntityType::MacAddress => "MAC_ADDRESS",
            EntityType::UrlCredentials => "URL_CREDENTIALS",
            EntityType::Password => "PASSWORD",
            EntityType::AwsAccessKeyId => "AWS_ACCESS_KEY_ID",
            EntityType::AwsSecretKey => "AWS_SECRET_KEY",
            EntityType::GithubToken => "GITHUB_TOKEN",
            EntityType::SlackToken => "SLACK_TOKEN",
            EntityType::GoogleApiKey => "GOOGLE_API_KEY",
            EntityType::StripeKey => "STRIPE_KEY",
            EntityType::Jwt => "JWT",
            EntityType::BearerToken => "BEARER_TOKEN",
            EntityType::PrivateKey => "PRIVATE_KEY",
            EntityType::GenericSecret => "GENERIC_SECRET",
            EntityType::DateOfBirth => "DATE_OF_BIRTH",
            EntityType::Person => "PERSON",
            EntityType::Location => "LOCATION",
            EntityType::StreetAddress => "STREET_ADDRESS",
            EntityType::InternalHostname => "INTERNAL_HOSTNAME",
            EntityType::Custom(name) => name,
        }
    }

    /// Every built-in type.
    pub fn builtins() -> &'static [EntityType] {
        &[
            EntityType::Email,
            EntityType::IpAddress,
            EntityType::Phone,
            EntityType::CreditCard,
            EntityType::Iban,
            EntityType::UsSsn,
            EntityType::MacAddress,
            EntityType::UrlCredentials,
            EntityType::Password,
            EntityType::AwsAccessKeyId,
            EntityType::AwsSecretKey,
            EntityType::GithubToken,
            EntityType::SlackToken,
            EntityType::GoogleApiKey,
            EntityType::StripeKey,
            EntityType::Jwt,
            EntityType::BearerToken,
            EntityType::PrivateKey,
            EntityType::GenericSecret,
            EntityType::DateOfBirth,
            EntityType::Person,
            EntityType::Location,
            EntityType::StreetAddress,
            EntityType::InternalHostname,
        ]
    }

    /// The built-in type with this name (case-insensitive), if any.
    pub fn from_builtin_name(name: &str) -> Option<EntityType> {
        Self::builtins()
            .iter()
            .find(|t| t.name().eq_ignore_ascii_case(name))
            .cloned()
    }

    /// Personal data or credential. Custom types count as personal data.
    pub fn category(&self) -> EntityCategory {
        match self {
            EntityType::Password
            | EntityType::UrlCredentials
            | EntityType::AwsAccessKeyId
            | EntityType::AwsSecretKey
            | EntityType::GithubToken
            | EntityType::SlackToken
            | EntityType::GoogleApiKey
            | EntityType::StripeKey
            | EntityType::Jwt
            | EntityType::BearerToken
            | EntityType::PrivateKey
            | EntityType::GenericSecret => EntityCategory::Secret,
            _ => EntityCategory::Pii,
        }
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One sensitive value found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// What it is.
    pub entity: EntityType,
    /// Byte offset of the first original byte of the value (inclusive).
    /// Always on a char boundary, and never inside an escape sequence.
    pub start: usize,
    /// Byte offset just past the last original byte (exclusive).
    pub end: usize,
    /// How sure the recogniser is, 0.0 to 1.0.
    pub confidence: f32,
    /// The value in one canonical spelling (`john.doe@contoso.com` for
    /// `JOHN.DOE @ contoso . com`; digits only for cards and phones), so
    /// that every spelling of one value hashes and encrypts alike.
    pub canonical: String,
}

impl Detection {
    /// The value masked for reports and logs (`j***@c******.com`,
    /// `AKIA******** (20 chars)`, `********1111`): never the raw value.
    pub fn masked(&self) -> String {
        use leakproof_core::mask;
        match (&self.entity, self.entity.category()) {
            (EntityType::Email, _) => mask::mask_email(&self.canonical),
            (EntityType::CreditCard, _) => mask::mask_generic(&self.canonical, 0, 4),
            (_, EntityCategory::Secret) => mask::mask_secret(&self.canonical),
            _ => mask::mask_generic(&self.canonical, 1, 1),
        }
    }
}

/// A user-defined pattern from a policy.
#[derive(Debug, Clone)]
pub struct CustomPattern {
    /// The entity name it reports (`CASE_NUMBER`).
    pub name: String,
    /// A regular expression (regex crate syntax) matched on the normalised text.
    pub pattern: String,
    /// Confidence reported for a match.
    pub confidence: f32,
}

/// A dictionary of terms (VIP names, internal host names) that must never appear.
#[derive(Debug, Clone)]
pub struct Dictionary {
    /// The entity name it reports (`VIP_CUSTOMER`).
    pub name: String,
    /// The terms, matched case-insensitively on word boundaries in the
    /// normalised text.
    pub terms: Vec<String>,
}

/// What a [`Detector`] looks for.
#[derive(Debug, Clone)]
pub struct DetectorConfig {
    /// Built-in types to look for; all by default.
    pub enabled: Vec<EntityType>,
    /// Detections below this confidence are dropped.
    pub min_confidence: f32,
    /// User-defined patterns.
    pub custom_patterns: Vec<CustomPattern>,
    /// User-defined dictionaries.
    pub dictionaries: Vec<Dictionary>,
    /// Values never reported (compared with the canonical value, case-insensitive).
    pub allow_values: Vec<String>,
    /// Patterns never reported (matched against the canonical value).
    pub allow_patterns: Vec<String>,
    /// Private DNS suffixes for `INTERNAL_HOSTNAME` beyond `local`,
    /// `localdomain`, `internal`, `intranet`, `corp`, `lan`, `home.arpa`.
    pub internal_suffixes: Vec<String>,
    /// `PERSON`, `LOCATION`, `STREET_ADDRESS` and `INTERNAL_HOSTNAME`
    /// detections below this confidence are dropped (on top of
    /// `min_confidence`).
    pub names_min_confidence: f32,
}

impl Default for DetectorConfig {
    fn default() -> Self {
        DetectorConfig {
            enabled: EntityType::builtins().to_vec(),
            min_confidence: 0.5,
            custom_patterns: Vec::new(),
            dictionaries: Vec::new(),
            allow_values: Vec::new(),
            allow_patterns: Vec::new(),
            internal_suffixes: Vec::new(),
            names_min_confidence: 0.6,
        }
    }
}

/// Why a [`Detector`] could not be built.
#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    /// A custom or allowlist pattern does not compile.
    #[error("pattern {name:?} is not a valid regular expression: {reason}")]
    BadPattern {
        /// The entity name or `allowlist`.
        name: String,
        /// What the regex compiler said.
        reason: String,
    },
}

/// A value a recogniser found, in normalised coordinates.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub(crate) entity: EntityType,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) confidence: f32,
    pub(crate) canonical: String,
}

impl Candidate {
    pub(crate) fn new(
        entity: EntityType,
        start: usize,
        end: usize,
        confidence: f32,
        canonical: String,
    ) -> Self {
        Candidate {
            entity,
            start,
            end,
            confidence,
            canonical,
        }
    }
}

/// A compiled custom pattern.
#[derive(Debug)]
struct CompiledPattern {
    entity: EntityType,
    regex: Regex,
    confidence: f32,
}

/// Finds sensitive values in text. Build once, share across threads.
#[derive(Debug)]
pub struct Detector {
    config: DetectorConfig,
    enabled: [bool; BUILTIN_COUNT],
    custom: Vec<CompiledPattern>,
    dictionary: Option<(AhoCorasick, Vec<EntityType>)>,
    allow_values: Vec<String>,
    allow_patterns: Vec<Regex>,
    names: Option<leakproof_names::NameFinder>,
}

/// How many built-in types there are ([`EntityType::builtins`]).
pub const BUILTIN_COUNT: usize = 24;

impl EntityType {
    /// Index in [`EntityType::builtins`], `None` for custom types: a
    /// match, as it is asked for every candidate and every count.
    pub fn builtin_index(&self) -> Option<usize> {
        use EntityType::*;
        Some(match self {
            Email => 0,
            IpAddress => 1,
            Phone => 2,
            CreditCard => 3,
            Iban => 4,
            UsSsn => 5,
            MacAddress => 6,
            UrlCredentials => 7,
            Password => 8,
            AwsAccessKeyId => 9,
            AwsSecretKey => 10,
            GithubToken => 11,
            SlackToken => 12,
            GoogleApiKey => 13,
            StripeKey => 14,
            Jwt => 15,
            BearerToken => 16,
            PrivateKey => 17,
            GenericSecret => 18,
            DateOfBirth => 19,
            Person => 20,
            Location => 21,
            StreetAddress => 22,
            InternalHostname => 23,
            Custom(_) => return None,
        })
    }
}

impl Detector {
    /// Builds a detector; fails on invalid custom or allowlist patterns.
    pub fn new(config: DetectorConfig) -> Result<Self, DetectError> {
        let mut enabled = [false; BUILTIN_COUNT];
        for entity in &config.enabled {
            if let Some(i) = entity.builtin_index() {
                enabled[i] = true;
            }
        }
        let custom = config
            .custom_patterns
            .iter()
            .map(|p| {
                Regex::new(&p.pattern)
                    .map(|regex| CompiledPattern {
                        entity: EntityType::Custom(Arc::from(p.name.as_str())),
                        regex,
                        confidence: p.confidence,
                    })
                    .map_err(|e| DetectError::BadPattern {
                        name: p.name.clone(),
                        reason: e.to_string(),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut terms = Vec::new();
        let mut term_entities = Vec::new();
        for dictionary in &config.dictionaries {
            let entity = EntityType::Custom(Arc::from(dictionary.name.as_str()));
            for term in dictionary.terms.iter().filter(|t| !t.trim().is_empty()) {
                terms.push(Normalised::new(term.trim()).text().to_string());
                term_entities.push(entity.clone());
            }
        }
        let dictionary = if terms.is_empty() {
            None
        } else {
            let automaton = AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(&terms)
                .map_err(|e| DetectError::BadPattern {
                    name: "dictionary".to_string(),
                    reason: e.to_string(),
                })?;
            Some((automaton, term_entities))
        };
        let allow_patterns = config
            .allow_patterns
            .iter()
            .map(|p| {
                Regex::new(p).map_err(|e| DetectError::BadPattern {
                    name: "allowlist".to_string(),
                    reason: e.to_string(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let allow_values = config
            .allow_values
            .iter()
            .map(|v| v.trim().to_lowercase())
            .collect();
        let names = names::finder(&config, &enabled)?;
        Ok(Detector {
            config,
            enabled,
            custom,
            dictionary,
            allow_values,
            allow_patterns,
            names,
        })
    }

    /// The configuration this detector was built from.
    pub fn config(&self) -> &DetectorConfig {
        &self.config
    }

    /// Every sensitive value in `text`, sorted by `start`, non-overlapping.
    /// `text` may be plain text or the raw (still escaped) contents of a JSON
    /// string: escapes such as `\u0040` and `\n` are seen through.
    pub fn detect(&self, text: &str) -> Vec<Detection> {
        let mut out = Vec::new();
        self.detect_into(text, &mut out);
        out
    }

    /// Like [`Detector::detect`], appending to `out` (cleared first) so a
    /// caller can reuse one buffer across calls.
    pub fn detect_into(&self, text: &str, out: &mut Vec<Detection>) {
        out.clear();
        if text.len() < 3 {
            return;
        }
        let raw_classes = triggers::byte_classes(text.as_bytes());
        let view = Normalised::with_hint(text, raw_classes & triggers::FOLDABLE != 0);
        let normalised = view.text();
        let mut candidates = CANDIDATES.take();
        candidates.clear();
        let classes = if normalised.len() == text.len() && raw_classes & triggers::FOLDABLE == 0 {
            raw_classes
        } else {
            triggers::byte_classes(normalised.as_bytes())
        };
        let triggers = triggers::scan(normalised) | classes;
        email::find(normalised, triggers, &mut candidates);
        if classes & triggers::DIGIT != 0 {
            numeric::find(normalised, &mut candidates);
        }
        if classes & (triggers::DIGIT | triggers::COLON) != 0 {
            network::find(normalised, triggers, &mut candidates);
        }
        secrets::find(normalised, triggers, &mut candidates);
        // A value already found whole (an e-mail field) beats any name in
        // it, and names need a letter (see `has_name_letter`).
        let found_whole = || {
            candidates.iter().any(|c| {
                c.start == 0
                    && c.end == normalised.len()
                    && c.confidence > leakproof_names::MAX_CONFIDENCE
                    && self.keeps(c)
            })
        };
        if let Some(finder) = self
            .names
            .as_ref()
            .filter(|_| has_name_letter(normalised.as_bytes()) && !found_whole())
        {
            names::find(
                finder,
                normalised,
                self.config.names_min_confidence,
                &mut candidates,
            );
        }
        for pattern in &self.custom {
            for m in pattern.regex.find_iter(normalised) {
                if m.start() < m.end() {
                    candidates.push(Candidate::new(
                        pattern.entity.clone(),
                        m.start(),
                        m.end(),
                        pattern.confidence,
                        m.as_str().trim().to_lowercase(),
                    ));
                }
            }
        }
        if let Some((automaton, entities)) = &self.dictionary {
            let bytes = normalised.as_bytes();
            for m in automaton.find_iter(normalised) {
                let before = m.start().checked_sub(1).map(|i| bytes[i]);
                let after = bytes.get(m.end()).copied();
                let is_word =
                    |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
                if !is_word(before) && !is_word(after) {
                    candidates.push(Candidate::new(
                        entities[m.pattern().as_usize()].clone(),
                        m.start(),
                        m.end(),
                        0.9,
                        normalised[m.start()..m.end()].to_lowercase(),
                    ));
                }
            }
        }
        if !candidates.is_empty() {
            candidates.retain(|c| self.keeps(c));
            resolve_overlaps(&mut candidates);
            for c in candidates.drain(..) {
                let (start, end) = view.original_range(c.start, c.end);
                out.push(Detection {
                    entity: c.entity,
                    start,
                    end,
                    confidence: c.confidence,
                    canonical: c.canonical,
                });
            }
        }
        CANDIDATES.set(candidates);
    }

    /// Whether [`Detector::detect_field_into`] can find more than
    /// [`Detector::detect_into`]: some of the four free-text types are on.
    pub fn uses_field_cues(&self) -> bool {
        self.names.is_some()
    }

    /// Like [`Detector::detect_into`] for the value of a field whose name
    /// says it holds a person's name, a place, an address or a host
    /// ([`FieldCue::of`]): a value of that shape is found whole, as the
    /// field's name outranks what its words alone suggest (`Calauan` in a
    /// `city` field, `LICSRV` in `hostname`); a more confident finding in
    /// it (an e-mail, a secret) stands instead.
    pub fn detect_field_into(&self, text: &str, cue: FieldCue, out: &mut Vec<Detection>) {
        self.detect_into(text, out);
        if self.names.is_none() {
            return;
        }
        // Already found whole, as most names in name fields are.
        let start = text.len() - text.trim_start().len();
        let end = start + text.trim().len();
        let entity = names::entity_of(cue.kind());
        if let [d] = out.as_slice() {
            if (d.start, d.end) == (start, end) && d.entity == entity {
                return;
            }
        }
        let view = Normalised::new(text);
        let Some(candidate) = names::field_value(view.text(), cue) else {
            return;
        };
        if candidate.confidence < self.config.names_min_confidence
            || !self.keeps(&candidate)
            || out.iter().any(|d| d.confidence > candidate.confidence)
        {
            return;
        }
        let (start, end) = view.original_range(candidate.start, candidate.end);
        out.clear();
        out.push(Detection {
            entity: candidate.entity,
            start,
            end,
            confidence: candidate.confidence,
            canonical: candidate.canonical,
        });
    }

    fn keeps(&self, c: &Candidate) -> bool {
        if c.confidence < self.config.min_confidence {
            return false;
        }
        if let Some(i) = c.entity.builtin_index() {
            if !self.enabled[i] {
                return false;
            }
        }
        if self.allow_values.is_empty() && self.allow_patterns.is_empty() {
            return true;
        }
        let canonical = c.canonical.to_lowercase();
        !self.allow_values.contains(&canonical)
            && !self.allow_patterns.iter().any(|p| p.is_match(&c.canonical))
    }
}

/// Whether `text` holds a letter a name, place, address or host could
/// use: values such as phone numbers, versions and timestamps have none
/// (the `T` and `Z` of `2024-03-06T10:22:11Z` follow a digit; names and
/// hosts start with a letter).
fn has_name_letter(text: &[u8]) -> bool {
    text.iter().enumerate().any(|(i, &b)| {
        !b.is_ascii()
            || (b.is_ascii_alphabetic()
                && !(matches!(b, b'T' | b'Z') && i > 0 && text[i - 1].is_ascii_digit()))
    })
}

thread_local! {
    /// One candidate buffer per thread, reused across texts: most texts
    /// yield a few candidates, and a fresh vector for each cost an
    /// allocation.
    static CANDIDATES: std::cell::Cell<Vec<Candidate>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Keeps non-overlapping candidates: where two overlap, the more confident
/// one, then the longer one, wins.
fn resolve_overlaps(candidates: &mut Vec<Candidate>) {
    // The common case: values already apart, nothing to choose.
    candidates.sort_by_key(|c| c.start);
    if candidates.windows(2).all(|w| w[0].end <= w[1].start) {
        return;
    }
    candidates.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<Candidate> = Vec::with_capacity(candidates.len());
    for c in candidates.drain(..) {
        if kept.iter().all(|k| c.end <= k.start || c.start >= k.end) {
            kept.push(c);
        }
    }
    kept.sort_by_key(|c| c.start);
    *candidates = kept;
}

/// The canonical spelling of `raw` taken as a whole value of type `entity`
/// (used when a policy forces a whole field to a type), so a forced field
/// and the same value found in free text hash alike.
pub fn canonicalize(entity: &EntityType, raw: &str) -> String {
    let view = Normalised::new(raw);
    let text = view.text().trim();
    match entity {
        EntityType::Email => text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase(),
        EntityType::CreditCard | EntityType::UsSsn => {
            text.chars().filter(char::is_ascii_digit).collect()
        }
        EntityType::Phone => {
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            if text.starts_with('+') {
                format!("+{digits}")
            } else {
                digits
            }
        }
        EntityType::Iban => text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase(),
        EntityType::IpAddress => {
            let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            compact
                .parse::<std::net::IpAddr>()
                .map_or(compact.to_lowercase(), |ip| ip.to_string())
        }
        EntityType::MacAddress => text.to_lowercase().replace('-', ":"),
        _ if entity.category() == EntityCategory::Secret => text.to_string(),
        _ => text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_indexes_follow_the_list_of_builtins() {
        assert_eq!(EntityType::builtins().len(), BUILTIN_COUNT);
        for (i, t) in EntityType::builtins().iter().enumerate() {
            assert_eq!(t.builtin_index(), Some(i), "{}", t.name());
        }
        assert_eq!(
            EntityType::Custom(Arc::from("CASE_ID")).builtin_index(),
            None
        );
    }

    fn detector() -> Detector {
        Detector::new(DetectorConfig::default()).expect("default config builds")
    }

    fn emails_in(text: &str) -> Vec<String> {
        detector()
            .detect(text)
            .into_iter()
            .filter(|d| d.entity == EntityType::Email)
            .map(|d| text[d.start..d.end].to_string())
            .collect()
    }

    #[test]
    fn timestamps_phones_and_versions_hold_no_letter_a_name_could_use() {
        for text in [
            "2024-03-06T10:22:11Z",
            "+1 521 349 3421",
            "10.0.19041.2047",
            "12:30Z",
        ] {
            assert!(!has_name_letter(text.as_bytes()), "{text}");
        }
        for text in ["Tbilisi", "DC01", "T-800", "Zoë", "2024 Z", "10:22 Ana"] {
            assert!(has_name_letter(text.as_bytes()), "{text}");
        }
    }

    #[test]
    fn an_email_found_whole_is_not_also_a_host_or_a_name() {
        // The address's domain is internal: found whole as an e-mail, the
        // host search is skipped and the e-mail wins as it did before.
        for text in ["ops@dc01.corp.local", "maria.garcia@fs-fin-02.internal"] {
            let found = detector().detect(text);
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            assert_eq!(found[0].entity, EntityType::Email);
            assert_eq!((found[0].start, found[0].end), (0, text.len()));
        }
        // Inside a sentence the host search runs, and the e-mail still wins
        // over the host name inside it.
        let text = "mail ops@dc01.corp.local or ping dc02.corp.local";
        let kinds: Vec<_> = detector()
            .detect(text)
            .into_iter()
            .map(|d| (d.entity, &text[d.start..d.end]))
            .collect();
        assert_eq!(
            kinds,
            [
                (EntityType::Email, "ops@dc01.corp.local"),
                (EntityType::InternalHostname, "dc02.corp.local")
            ]
        );
    }

    #[test]
    fn every_email_evasion_is_seen_through_and_mapped_back() {
        let zw = '\u{200B}';
        let cases = [
            "john.doe @ contoso.com".to_string(),
            "john.doe@ contoso .com".to_string(),
            "john.doe@\ncontoso.com".to_string(),
            r"john.doe@\ncontoso.com".to_string(),
            "john.doe[at]contoso[dot]com".to_string(),
            "john.doe (AT) contoso (Dot) com".to_string(),
            "john.doe{at}contoso{dot}com".to_string(),
            "john.doe<at>contoso<dot>com".to_string(),
            "john.doe at contoso dot com".to_string(),
            "john.doe＠contoso．com".to_string(),
            "john.doe@micrоsoft.com".to_string(), // Cyrillic о
            format!("jo{zw}hn.doe@con{zw}toso.com"),
            r"jo\u200bhn.doe@contoso.com".to_string(),
            "john.doe%40contoso.com".to_string(),
            "john.doe&#64;contoso.com".to_string(),
            "john.doe&commat;contoso&period;com".to_string(),
            r"john.doe\u0040contoso.com".to_string(),
            "jo\u{0301}hn.doe@contoso.com".to_string(),
        ];
        for value in cases {
            let text = format!("Customer: {value} (VIP)");
            assert_eq!(emails_in(&text), std::slice::from_ref(&value), "{value}");
        }
    }

    #[test]
    fn every_spelling_has_one_canonical() {
        let d = detector();
        for s in [
            "john.doe@contoso.com",
            "JOHN.DOE @ contoso . com",
            "john.doe&#64;contoso.com",
            r"john.doe\u0040contoso.com",
            "john.doe [at] contoso [dot] com",
            "john dot doe at contoso dot com",
        ] {
            let found = d.detect(s);
            assert_eq!(found.len(), 1, "{s}");
            assert_eq!(found[0].canonical, "john.doe@contoso.com", "{s}");
        }
        assert_eq!(
            canonicalize(&EntityType::Email, " JOHN.DOE @ contoso.com "),
            "john.doe@contoso.com"
        );
        assert_eq!(
            canonicalize(&EntityType::CreditCard, "4111 1111-1111 1111"),
            "4111111111111111"
        );
    }

    #[test]
    fn results_are_sorted_and_disjoint() {
        let text = "ip 10.0.0.5, card 4111 1111 1111 1111, mail a@b.com, ssn 536-22-1234, key AKIAIOSFODNN7EXAMPLE";
        let found = detector().detect(text);
        let names: Vec<&str> = found.iter().map(|d| d.entity.name()).collect();
        assert_eq!(
            names,
            [
                "IP_ADDRESS",
                "CREDIT_CARD",
                "EMAIL",
                "US_SSN",
                "AWS_ACCESS_KEY_ID"
            ]
        );
        assert!(found.windows(2).all(|w| w[0].end <= w[1].start));
    }

    #[test]
    fn config_switches_types_allowlists_and_custom_entities() {
        let config = DetectorConfig {
            enabled: vec![EntityType::Email],
            allow_values: vec!["support@contoso.com".into()],
            custom_patterns: vec![CustomPattern {
                name: "CASE_NUMBER".into(),
                pattern: r"\bCASE-\d{6}\b".into(),
                confidence: 0.9,
            }],
            dictionaries: vec![Dictionary {
                name: "VIP_CUSTOMER".into(),
                terms: vec!["Ada Lovelace".into()],
            }],
            ..DetectorConfig::default()
        };
        let d = Detector::new(config).expect("builds");
        let text =
            "CASE-123456 from ada lovelace, a@contoso.com cc support@contoso.com ip 10.0.0.1";
        let names: Vec<String> = d
            .detect(text)
            .iter()
            .map(|x| x.entity.name().to_string())
            .collect();
        assert_eq!(names, ["CASE_NUMBER", "VIP_CUSTOMER", "EMAIL"]);
        let bad = DetectorConfig {
            custom_patterns: vec![CustomPattern {
                name: "BAD".into(),
                pattern: "(".into(),
                confidence: 1.0,
            }],
            ..DetectorConfig::default()
        };
        assert!(matches!(
            Detector::new(bad),
            Err(DetectError::BadPattern { .. })
        ));
    }

    #[test]
    fn masked_evidence_never_holds_the_value() {
        let found = detector().detect("reach john.doe@contoso.com");
        assert_eq!(found[0].masked(), "j***@c******.com");
    }
}
