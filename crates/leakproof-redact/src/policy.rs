//! The policy file: which entity types to look for, how to replace them, and
//! per-field rules addressed by dotted paths with globs.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use leakproof_detect::{CustomPattern, DetectorConfig, Dictionary, EntityType};
use serde::Deserialize;
use toml::Spanned;

use crate::Operator;

/// Why a policy is invalid: the line (1-based) and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file cannot be read.
    #[error("cannot read policy {path}: {source}")]
    Read {
        /// The policy path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has a field of the wrong shape.
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// The policy path.
        path: String,
        /// The line of the offending field.
        line: usize,
        /// What is wrong, naming the field.
        message: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    min_confidence: Option<Spanned<f32>>,
    operator: Option<Spanned<String>>,
    #[serde(default)]
    entities: RawEntities,
    #[serde(default)]
    operators: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    partial: RawPartial,
    #[serde(default)]
    fields: Vec<RawField>,
    #[serde(default)]
    patterns: Vec<RawPattern>,
    #[serde(default)]
    dictionaries: Vec<RawDictionary>,
    #[serde(default)]
    allow: RawAllow,
    #[serde(default)]
    names: RawNames,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntities {
    enable: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    disable: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPartial {
    keep_digits: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    path: Spanned<String>,
    entity: Option<Spanned<String>>,
    action: Option<Spanned<String>>,
    operator: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPattern {
    name: Spanned<String>,
    regex: Spanned<String>,
    confidence: Option<f32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDictionary {
    name: Spanned<String>,
    #[serde(default)]
    terms: Vec<String>,
    file: Option<Spanned<String>>,
}

/// `[names]`: PERSON, LOCATION, STREET_ADDRESS and INTERNAL_HOSTNAME.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNames {
    min_confidence: Option<Spanned<f32>>,
    #[serde(default)]
    internal_suffixes: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllow {
    #[serde(default)]
    values: Vec<String>,
    #[serde(default)]
    patterns: Vec<Spanned<String>>,
}

/// What a field rule does with the field it matches.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldAction {
    /// Look for entities inside the value (the default for every field).
    Detect,
    /// The whole value is of this type: replace it whole, malformed or not.
    Force(EntityType),
    /// Leave the value untouched.
    Keep,
    /// Drop the field (structured formats) or empty it (CSV, text).
    Remove,
}

/// A per-field rule.
#[derive(Debug, Clone)]
pub struct FieldRule {
    pattern: Vec<String>,
    /// What to do with a matching field.
    pub action: FieldAction,
    /// The operator for this field, overriding the entity's.
    pub operator: Option<Operator>,
}

impl FieldRule {
    /// Whether the rule's glob matches a field path (`customer.email`).
    /// `*` matches one segment, `**` any number of segments.
    pub fn matches(&self, path: &[&str]) -> bool {
        glob_match(&self.pattern, path)
    }
}

fn glob_match(pattern: &[String], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((first, rest)) if first == "**" => {
            (0..=path.len()).any(|skip| glob_match(rest, &path[skip..]))
        }
        Some((first, rest)) => match path.split_first() {
            Some((segment, path_rest)) => {
                (first == "*" || first.eq_ignore_ascii_case(segment)) && glob_match(rest, path_rest)
            }
            None => false,
        },
    }
}

/// A validated policy. [`Policy::default`] is the built-in default: every
/// entity type, masked.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The detector configuration (types, confidence, custom types, allowlists).
    pub detector: DetectorConfig,
    /// The operator for types without their own.
    pub default_operator: Operator,
    /// Operators per entity name.
    pub operators: BTreeMap<String, Operator>,
    /// How many trailing digits `partial` keeps.
    pub keep_digits: usize,
    /// Per-field rules, first match wins.
    pub fields: Vec<FieldRule>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            detector: DetectorConfig::default(),
            default_operator: Operator::Mask,
            operators: BTreeMap::new(),
            keep_digits: 4,
            fields: Vec::new(),
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

impl Policy {
    /// Reads and validates a policy file. Dictionary files are resolved
    /// relative to the policy's directory.
    pub fn from_file(path: &Path) -> Result<Self, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_toml(&text, &path.display().to_string(), path.parent())
    }

    /// Parses and validates policy text; `name` is used in errors.
    pub fn from_toml(text: &str, name: &str, base_dir: Option<&Path>) -> Result<Self, PolicyError> {
        let invalid = |offset: usize, message: String| PolicyError::Invalid {
            path: name.to_string(),
            line: line_of(text, offset),
            message,
        };
        let raw: RawPolicy = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            invalid(offset, e.message().to_string())
        })?;
        let entity = |s: &Spanned<String>, field: &str| -> Result<EntityType, PolicyError> {
            let name = s.get_ref();
            if let Some(builtin) = EntityType::from_builtin_name(name) {
                return Ok(builtin);
            }
            let custom = raw.patterns.iter().any(|p| p.name.get_ref() == name)
                || raw.dictionaries.iter().any(|d| d.name.get_ref() == name);
            if custom {
                Ok(EntityType::Custom(Arc::from(name.as_str())))
            } else {
                Err(invalid(
                    s.span().start,
                    format!(
                        "{field}: unknown entity type {name:?} (see `leakproof policy check --help` for the list)"
                    ),
                ))
            }
        };
        let operator = |s: &Spanned<String>, field: &str| -> Result<Operator, PolicyError> {
            s.get_ref()
                .parse::<Operator>()
                .map_err(|e| invalid(s.span().start, format!("{field}: {e}")))
        };

        let mut policy = Policy::default();
        if let Some(conf) = &raw.min_confidence {
            if !(0.0..=1.0).contains(conf.get_ref()) {
                return Err(invalid(
                    conf.span().start,
                    "min_confidence: must be between 0 and 1".into(),
                ));
            }
            policy.detector.min_confidence = *conf.get_ref();
        }
        if let Some(op) = &raw.operator {
            policy.default_operator = operator(op, "operator")?;
        }
        if let Some(enable) = &raw.entities.enable {
            policy.detector.enabled = enable
                .iter()
                .map(|e| entity(e, "entities.enable"))
                .collect::<Result<_, _>>()?;
        }
        for disabled in &raw.entities.disable {
            let e = entity(disabled, "entities.disable")?;
            policy.detector.enabled.retain(|x| *x != e);
        }
        for (name, op) in &raw.operators {
            let key = Spanned::new(op.span(), name.clone());
            let e = entity(&key, "operators")?;
            policy.operators.insert(
                e.name().to_string(),
                operator(op, &format!("operators.{name}"))?,
            );
        }
        if let Some(keep) = raw.partial.keep_digits {
            policy.keep_digits = keep.min(8);
        }
        for p in &raw.patterns {
            if let Err(e) = regex::Regex::new(p.regex.get_ref()) {
                return Err(invalid(
                    p.regex.span().start,
                    format!("patterns.regex of {:?}: {e}", p.name.get_ref()),
                ));
            }
            if p.name.get_ref().is_empty()
                || EntityType::from_builtin_name(p.name.get_ref()).is_some()
            {
                return Err(invalid(
                    p.name.span().start,
                    format!(
                        "patterns.name {:?}: must be a new, non-empty name",
                        p.name.get_ref()
                    ),
                ));
            }
            policy.detector.custom_patterns.push(CustomPattern {
                name: p.name.get_ref().clone(),
                pattern: p.regex.get_ref().clone(),
                confidence: p.confidence.unwrap_or(0.9),
            });
        }
        for d in &raw.dictionaries {
            let mut terms = d.terms.clone();
            if let Some(file) = &d.file {
                let path = base_dir.map_or_else(
                    || Path::new(file.get_ref()).to_path_buf(),
                    |b| b.join(file.get_ref()),
                );
                let content = std::fs::read_to_string(&path).map_err(|e| {
                    invalid(
                        file.span().start,
                        format!("dictionaries.file {}: {e}", path.display()),
                    )
                })?;
                terms.extend(
                    content
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with('#'))
                        .map(String::from),
                );
            }
            policy.detector.dictionaries.push(Dictionary {
                name: d.name.get_ref().clone(),
                terms,
            });
        }
        for p in &raw.allow.patterns {
            if let Err(e) = regex::Regex::new(p.get_ref()) {
                return Err(invalid(p.span().start, format!("allow.patterns: {e}")));
            }
            policy.detector.allow_patterns.push(p.get_ref().clone());
        }
        policy.detector.allow_values = raw.allow.values.clone();
        if let Some(conf) = &raw.names.min_confidence {
            if !(0.0..=1.0).contains(conf.get_ref()) {
                return Err(invalid(
                    conf.span().start,
                    "names.min_confidence: must be between 0 and 1".into(),
                ));
            }
            policy.detector.names_min_confidence = *conf.get_ref();
        }
        for suffix in &raw.names.internal_suffixes {
            let s = suffix.get_ref().trim().trim_start_matches('.');
            let valid = !s.is_empty()
                && s.split('.').all(|l| {
                    !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                });
            if !valid {
                return Err(invalid(
                    suffix.span().start,
                    "names.internal_suffixes: not a DNS suffix".into(),
                ));
            }
            policy.detector.internal_suffixes.push(s.to_string());
        }
        for f in &raw.fields {
            let path = f.path.get_ref().trim_start_matches('/');
            if path.is_empty() {
                return Err(invalid(
                    f.path.span().start,
                    "fields.path: must not be empty".into(),
                ));
            }
            let separator = if f.path.get_ref().starts_with('/') {
                '/'
            } else {
                '.'
            };
            let action = match (&f.entity, f.action.as_ref().map(|a| a.get_ref().as_str())) {
                (Some(e), None | Some("redact")) => FieldAction::Force(entity(e, "fields.entity")?),
                (None, None | Some("detect")) => FieldAction::Detect,
                (None, Some("keep")) => FieldAction::Keep,
                (None, Some("remove")) => FieldAction::Remove,
                (_, Some(other)) => {
                    let span = f
                        .action
                        .as_ref()
                        .map_or(f.path.span().start, |a| a.span().start);
                    return Err(invalid(
                        span,
                        format!(
                            "fields.action: {other:?} is not one of detect, redact (with entity), keep, remove"
                        ),
                    ));
                }
            };
            policy.fields.push(FieldRule {
                pattern: path.split(separator).map(String::from).collect(),
                action,
                operator: f
                    .operator
                    .as_ref()
                    .map(|o| operator(o, "fields.operator"))
                    .transpose()?,
            });
        }
        // Build once to surface any pattern problem the detector sees.
        leakproof_detect::Detector::new(policy.detector.clone())
            .map_err(|e| invalid(0, e.to_string()))?;
        Ok(policy)
    }

    /// The first field rule matching `path`, if any.
    pub fn field_rule(&self, path: &[&str]) -> Option<&FieldRule> {
        self.fields.iter().find(|r| r.matches(path))
    }

    /// The operator for an entity in a field (field rule first, then the
    /// entity's, then the default).
    pub fn operator_for(&self, entity: &EntityType, rule: Option<&FieldRule>) -> Operator {
        rule.and_then(|r| r.operator)
            .or_else(|| self.operators.get(entity.name()).copied())
            .unwrap_or(self.default_operator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_segments() {
        let rule = |p: &str| FieldRule {
            pattern: p.split('.').map(String::from).collect(),
            action: FieldAction::Keep,
            operator: None,
        };
        assert!(rule("customer.email").matches(&["customer", "email"]));
        assert!(rule("*.agent_email").matches(&["case", "agent_email"]));
        assert!(!rule("*.agent_email").matches(&["agent_email"]));
        assert!(rule("**.agent_email").matches(&["agent_email"]));
        assert!(rule("notes.*").matches(&["notes", "3"]));
        assert!(!rule("notes.*").matches(&["notes", "3", "text"]));
    }

    #[test]
    fn full_policy_parses() {
        let text = r#"
min_confidence = 0.6
operator = "mask"
[entities]
disable = ["DATE_OF_BIRTH"]
[operators]
EMAIL = "hash"
[[fields]]
path = "customer.email"
entity = "EMAIL"
[[fields]]
path = "product.version"
action = "keep"
[[patterns]]
name = "CASE_NUMBER"
regex = 'CASE-\d{6}'
[[dictionaries]]
name = "VIP"
terms = ["Ada Lovelace"]
[allow]
values = ["support@contoso.com"]
[names]
min_confidence = 0.7
internal_suffixes = ["corp.example", ".ad.example.com"]
"#;
        let p = Policy::from_toml(text, "p.toml", None).expect("valid");
        assert_eq!(p.operators.get("EMAIL"), Some(&Operator::Hash));
        assert!(!p.detector.enabled.contains(&EntityType::DateOfBirth));
        assert_eq!(p.fields.len(), 2);
        assert_eq!(
            p.field_rule(&["customer", "email"]).map(|r| &r.action),
            Some(&FieldAction::Force(EntityType::Email))
        );
        assert_eq!(p.detector.names_min_confidence, 0.7);
        assert_eq!(
            p.detector.internal_suffixes,
            ["corp.example", "ad.example.com"]
        );
        let bad = Policy::from_toml("[names]\ninternal_suffixes = [\"a b\"]\n", "p.toml", None);
        assert!(bad.is_err());
    }

    #[test]
    fn errors_name_line_and_field() {
        let err = Policy::from_toml(
            "operator = \"mask\"\n\n[[fields]]\npath = \"a\"\nentity = \"EMAIL_ADDRESS\"\n",
            "p.toml",
            None,
        )
        .expect_err("unknown entity");
        assert_eq!(err.to_string().split(':').nth(1), Some("5"), "{err}");
        assert!(err.to_string().contains("fields.entity"), "{err}");
        let err = Policy::from_toml(
            "[[patterns]]\nname = \"X\"\nregex = \"(\"\n",
            "p.toml",
            None,
        )
        .expect_err("bad regex");
        assert!(
            err.to_string().starts_with("p.toml:3: patterns.regex"),
            "{err}"
        );
        let err =
            Policy::from_toml("operatr = \"mask\"\n", "p.toml", None).expect_err("unknown key");
        assert!(err.to_string().starts_with("p.toml:1:"), "{err}");
        let err =
            Policy::from_toml("operator = \"shred\"\n", "p.toml", None).expect_err("bad operator");
        assert!(err.to_string().contains("shred"), "{err}");
    }
}
