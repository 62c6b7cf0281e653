//! Finds PII and secrets in text, whatever way they are written.
//!
//! CONTRACT SKELETON: the types and signatures below are the API that
//! leakproof-redact and leakproof-probe code against. The implementation is
//! being written on the `detect` branch.

use std::fmt;
use std::sync::Arc;

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

/// Finds sensitive values in text. Build once, share across threads.
#[derive(Debug)]
pub struct Detector {
    config: DetectorConfig,
}

impl Detector {
    /// Builds a detector; fails on invalid custom patterns.
    pub fn new(config: DetectorConfig) -> Result<Self, DetectError> {
        Ok(Detector { config })
    }

    /// The configuration this detector was built from.
    pub fn config(&self) -> &DetectorConfig {
        &self.config
    }

    /// Every sensitive value in `text`, sorted by `start`, non-overlapping.
    /// `text` may be plain text or the raw (still escaped) contents of a JSON
    /// string: escapes such as `\u0040` and `\n` are seen through.
    pub fn detect(&self, text: &str) -> Vec<Detection> {
        let _ = text;
        Vec::new()
    }
}

/// The canonical spelling of `raw` taken as a whole value of type `entity`
/// (used when a policy forces a whole field to a type), so a forced field
/// and the same value found in free text hash alike.
pub fn canonicalize(entity: &EntityType, raw: &str) -> String {
    let _ = entity;
    raw.trim().to_lowercase()
}
