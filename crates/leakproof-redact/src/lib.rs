//! Redaction of support records: plain text, NDJSON, JSON and CSV/TSV,
//! same data and same shape, with PII and secrets replaced.
//!
//! Structured records are walked by scanners of our own that copy the
//! input byte for byte and hand each string value (still escaped) to the
//! detector, so keys, key order, numbers, whitespace and untouched strings
//! survive exactly and only the replaced spans change. A record that cannot
//! be parsed is never written through raw: it is redacted as plain text or
//! quarantined, and counted.

use std::collections::BTreeMap;

use leakproof_detect::{BUILTIN_COUNT, Detection, Detector, EntityType, FieldCue, canonicalize};

pub mod corpus;
mod csv;
mod cues;
pub mod document;
mod json;
mod operator;
mod policy;
mod stream;

pub use operator::{KeyError, Keys, Operator, ParseOperatorError, reveal};
pub use policy::{FieldAction, FieldRule, Policy, PolicyError};
pub use stream::{Format, StreamError, StreamOptions, Summary, redact_stream};

/// Why a redactor cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum RedactError {
    /// The policy's detector configuration is invalid.
    #[error(transparent)]
    Detect(#[from] leakproof_detect::DetectError),
    /// An operator needs a key that was not given.
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// How many masked examples are kept per entity type and field.
const EXAMPLES_PER_FIELD: usize = 3;

/// What was found in one or many records, for the summary and for `scan`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Values found (or forced) per built-in type, by
    /// [`EntityType::builtin_index`]: an array, as every record is counted
    /// and merged and a map would allocate for each.
    builtin: [u64; BUILTIN_COUNT],
    /// Values found per custom type.
    custom: BTreeMap<EntityType, u64>,
    /// Per (entity name, field path): the count and a few masked examples.
    /// Filled only when the redactor collects fields.
    pub fields: BTreeMap<(String, String), (u64, Vec<String>)>,
}

impl Tally {
    fn record(
        &mut self,
        entity: &EntityType,
        field: Option<&str>,
        masked: impl FnOnce() -> String,
    ) {
        match entity.builtin_index() {
            Some(i) => self.builtin[i] += 1,
            None => *self.custom.entry(entity.clone()).or_default() += 1,
        }
        if let Some(field) = field {
            let entry = self
                .fields
                .entry((entity.name().to_string(), field.to_string()))
                .or_default();
            entry.0 += 1;
            if entry.1.len() < EXAMPLES_PER_FIELD {
                let example = masked();
                if !entry.1.contains(&example) {
                    entry.1.push(example);
                }
            }
        }
    }

    /// Adds another tally into this one.
    pub fn merge(&mut self, other: Tally) {
        for (n, m) in self.builtin.iter_mut().zip(other.builtin) {
            *n += m;
        }
        for (k, v) in other.custom {
            *self.custom.entry(k).or_default() += v;
        }
        for (k, (n, examples)) in other.fields {
            let entry = self.fields.entry(k).or_default();
            entry.0 += n;
            for e in examples {
                if entry.1.len() < EXAMPLES_PER_FIELD && !entry.1.contains(&e) {
                    entry.1.push(e);
                }
            }
        }
    }

    /// Values found (or forced) per entity type, in the types' order;
    /// types with none are left out.
    pub fn entities(&self) -> BTreeMap<EntityType, u64> {
        let builtin = EntityType::builtins()
            .iter()
            .zip(self.builtin)
            .filter(|(_, n)| *n > 0)
            .map(|(t, n)| (t.clone(), n));
        builtin
            .chain(self.custom.iter().map(|(t, n)| (t.clone(), *n)))
            .collect()
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }

    /// Counts per entity name, for reports.
    pub fn by_name(&self) -> BTreeMap<String, u64> {
        self.entities()
            .iter()
            .map(|(k, v)| (k.name().to_string(), *v))
            .collect()
    }

    /// Total values found.
    pub fn total(&self) -> u64 {
        self.builtin.iter().sum::<u64>() + self.custom.values().sum::<u64>()
    }
}

/// Redacts values in text and records according to a policy.
#[derive(Debug)]
pub struct Redactor {
    detector: Detector,
    policy: Policy,
    keys: Option<Keys>,
    collect_fields: bool,
}

impl Redactor {
    /// Builds a redactor. Fails when the policy asks for a keyed operator
    /// (hash, encrypt) and no key is given.
    pub fn new(policy: Policy, keys: Option<Keys>) -> Result<Self, RedactError> {
        let detector = Detector::new(policy.detector.clone())?;
        if keys.is_none() {
            let needs_key = std::iter::once(policy.default_operator)
                .chain(policy.operators.values().copied())
                .chain(policy.fields.iter().filter_map(|f| f.operator))
                .find(|op| op.needs_key());
            if let Some(op) = needs_key {
                return Err(KeyError::Missing(op).into());
            }
        }
        Ok(Redactor {
            detector,
            policy,
            keys,
            collect_fields: false,
        })
    }

    /// Also count findings per field with masked examples (for `scan`).
    pub fn collecting_fields(mut self) -> Self {
        self.collect_fields = true;
        self
    }

    /// Whether field names can cue what a value is (see
    /// [`FieldCue::of`]): not when the four free-text types are all off.
    pub(crate) fn uses_field_cues(&self) -> bool {
        self.detector.uses_field_cues()
    }

    /// Whether field paths must be tracked while walking records.
    pub(crate) fn needs_paths(&self) -> bool {
        self.collect_fields || !self.policy.fields.is_empty()
    }

    pub(crate) fn policy(&self) -> &Policy {
        &self.policy
    }

    fn replacement_for(
        &self,
        entity: &EntityType,
        canonical: &str,
        rule: Option<&FieldRule>,
    ) -> Option<String> {
        let operator = self.policy.operator_for(entity, rule);
        // Redactor::new checked that keyed operators have a key; should one
        // slip through, mask rather than pass the value.
        operator::replacement(
            operator,
            entity,
            canonical,
            self.keys.as_ref(),
            self.policy.keep_digits,
        )
        .unwrap_or_else(|_| Some(format!("[{}]", entity.name())))
    }

    /// Redacts free text (a text record, or a record that failed to parse).
    pub fn redact_text(&self, text: &str, tally: &mut Tally) -> String {
        let detections = self.detector.detect(text);
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for d in &detections {
            out.push_str(&text[last..d.start]);
            self.replace_into(d, "", None, tally, &mut out, |s, out| out.push_str(s));
            last = d.end;
        }
        out.push_str(&text[last..]);
        out
    }

    fn count(&self, d: &Detection, field: Option<&str>, tally: &mut Tally) {
        let field = if self.collect_fields {
            Some(field.unwrap_or(""))
        } else {
            None
        };
        tally.record(&d.entity, field, || d.masked());
    }

    /// Detections in `raw` (for callers that splice themselves).
    pub(crate) fn detect(&self, raw: &str) -> Vec<Detection> {
        self.detector.detect(raw)
    }

    /// Like [`Redactor::detect`], into a buffer the caller reuses; `cue`
    /// is what the field's name says its value is, if anything.
    pub(crate) fn detect_into(&self, raw: &str, cue: Option<FieldCue>, out: &mut Vec<Detection>) {
        match cue {
            Some(cue) => self.detector.detect_field_into(raw, cue, out),
            None => self.detector.detect_into(raw, out),
        }
    }

    /// The replacement for a whole field forced to `entity`, or `None` when
    /// the operator removes it.
    pub(crate) fn forced(
        &self,
        entity: &EntityType,
        value: &str,
        field: &str,
        rule: &FieldRule,
        tally: &mut Tally,
    ) -> Option<String> {
        let canonical = canonicalize(entity, value);
        let field = self.collect_fields.then_some(field);
        tally.record(entity, field, || {
            leakproof_core::mask::mask_generic(&canonical, 1, 1)
        });
        self.replacement_for(entity, &canonical, Some(rule))
    }

    /// Appends the replacement for one detection in a field to `out`,
    /// through `escape` (nothing when the operator removes the value).
    /// The default mask is written without building a string first.
    pub(crate) fn replace_into(
        &self,
        d: &Detection,
        field: &str,
        rule: Option<&FieldRule>,
        tally: &mut Tally,
        out: &mut String,
        escape: fn(&str, &mut String),
    ) {
        self.count(d, Some(field), tally);
        if self.policy.operator_for(&d.entity, rule) == Operator::Mask {
            out.push('[');
            if let EntityType::Custom(name) = &d.entity {
                escape(name, out);
            } else {
                // Built-in names are upper-case letters and `_`, which no
                // escape changes.
                out.push_str(d.entity.name());
            }
            out.push(']');
        } else if let Some(replacement) = self.replacement_for(&d.entity, &d.canonical, rule) {
            escape(&replacement, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_count_and_merge_built_in_and_custom_types() {
        let case_id = EntityType::Custom(std::sync::Arc::from("CASE_ID"));
        let mut a = Tally::default();
        assert!(a.is_empty());
        a.record(&EntityType::Email, None, String::new);
        a.record(&case_id, None, String::new);
        let mut b = Tally::default();
        b.record(&EntityType::Email, None, String::new);
        b.record(&EntityType::Person, Some("customer.name"), || "J***".into());
        a.merge(b);
        let entities: Vec<(String, u64)> = a
            .entities()
            .into_iter()
            .map(|(t, n)| (t.name().to_string(), n))
            .collect();
        assert_eq!(
            entities,
            [
                ("EMAIL".into(), 2),
                ("PERSON".into(), 1),
                ("CASE_ID".into(), 1)
            ]
        );
        assert_eq!(a.total(), 4);
        assert!(!a.is_empty());
        assert_eq!(
            a.fields[&("PERSON".into(), "customer.name".into())],
            (1, vec!["J***".into()])
        );
    }

    #[test]
    fn text_is_redacted_with_the_default_policy() {
        let r = Redactor::new(Policy::default(), None).expect("no key needed");
        let mut tally = Tally::default();
        let out = r.redact_text(
            "mail john.doe @ contoso.com or call (555) 123 4567",
            &mut tally,
        );
        assert_eq!(out, "mail [EMAIL] or call [PHONE]");
        assert_eq!(tally.total(), 2);
    }

    #[test]
    fn keyed_operator_without_key_is_refused() {
        let policy = Policy {
            default_operator: Operator::Hash,
            ..Policy::default()
        };
        assert!(matches!(
            Redactor::new(policy, None),
            Err(RedactError::Key(KeyError::Missing(Operator::Hash)))
        ));
    }

    #[test]
    fn hash_is_the_same_for_every_spelling() {
        let policy = Policy {
            default_operator: Operator::Hash,
            ..Policy::default()
        };
        let keys = Keys::from_secret(b"a key that is long enough").expect("key");
        let r = Redactor::new(policy, Some(keys)).expect("builds");
        let mut t = Tally::default();
        let a = r.redact_text("john.doe@contoso.com", &mut t);
        let b = r.redact_text("JOHN.DOE @ contoso . com", &mut t);
        let c = r.redact_text("john.doe&#64;contoso.com", &mut t);
        assert!(a.starts_with("[EMAIL:"), "{a}");
        assert_eq!(a, b);
        assert_eq!(a, c);
    }
}
