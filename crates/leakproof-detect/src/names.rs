//! Glue to `leakproof-names`: persons, places, street addresses and
//! internal hosts, found on the normalised view like every other type.

use leakproof_names::{NameFinder, NameKind, NameSpan, NamesConfig};

use crate::{BUILTIN_COUNT, Candidate, DetectError, DetectorConfig, EntityType};

/// The finder, when any of its four types is enabled.
pub(crate) fn finder(
    config: &DetectorConfig,
    enabled: &[bool; BUILTIN_COUNT],
) -> Result<Option<NameFinder>, DetectError> {
    let wanted = [
        EntityType::Person,
        EntityType::Location,
        EntityType::StreetAddress,
        EntityType::InternalHostname,
    ]
    .iter()
    .any(|t| t.builtin_index().is_some_and(|i| enabled[i]));
    if !wanted {
        return Ok(None);
    }
    NameFinder::new(NamesConfig {
        internal_suffixes: config.internal_suffixes.clone(),
    })
    .map(Some)
    .map_err(|e| DetectError::BadPattern {
        name: "internal_suffixes".to_string(),
        reason: e.to_string(),
    })
}

/// Appends the names, places, addresses and hosts in `text` at or above
/// `min_confidence`, with a canonical value: lower case, runs of blanks
/// and line breaks as one space.
pub(crate) fn find(finder: &NameFinder, text: &str, min_confidence: f32, out: &mut Vec<Candidate>) {
    let mut spans: Vec<NameSpan> = Vec::new();
    finder.find(text, &mut spans);
    for s in spans.iter().filter(|s| s.confidence >= min_confidence) {
        let entity = match s.kind {
            NameKind::Person => EntityType::Person,
            NameKind::Location => EntityType::Location,
            NameKind::StreetAddress => EntityType::StreetAddress,
            NameKind::InternalHostname => EntityType::InternalHostname,
        };
        let canonical = text[s.start..s.end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        out.push(Candidate::new(
            entity,
            s.start,
            s.end,
            s.confidence,
            canonical,
        ));
    }
}
