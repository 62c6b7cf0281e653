//! Glue to `leakproof-names`: persons, places, street addresses and
//! internal hosts, found on the normalised view like every other type.

use std::cell::Cell;

use leakproof_names::{FieldCue, NameFinder, NameKind, NameSpan, NamesConfig};

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

thread_local! {
    /// One span buffer per thread, reused across calls.
    static SPANS: Cell<Vec<NameSpan>> = const { Cell::new(Vec::new()) };
}

/// Appends the names, places, addresses and hosts in `text` at or above
/// `min_confidence`, with a canonical value: lower case, runs of blanks
/// and line breaks as one space.
pub(crate) fn find(finder: &NameFinder, text: &str, min_confidence: f32, out: &mut Vec<Candidate>) {
    let mut spans = SPANS.take();
    spans.clear();
    finder.find(text, &mut spans);
    for s in spans.iter().filter(|s| s.confidence >= min_confidence) {
        let canonical = canonical(&text[s.start..s.end]);
        out.push(Candidate::new(
            entity_of(s.kind),
            s.start,
            s.end,
            s.confidence,
            canonical,
        ));
    }
    SPANS.set(spans);
}

/// The whole of `text` as the value of a field with `cue`, if it has
/// that shape.
pub(crate) fn field_value(text: &str, cue: FieldCue) -> Option<Candidate> {
    let span = cue.span(text)?;
    Some(Candidate::new(
        entity_of(span.kind),
        span.start,
        span.end,
        span.confidence,
        canonical(&text[span.start..span.end]),
    ))
}

/// The entity type of a kind of name.
#[inline]
pub(crate) fn entity_of(kind: NameKind) -> EntityType {
    match kind {
        NameKind::Person => EntityType::Person,
        NameKind::Location => EntityType::Location,
        NameKind::StreetAddress => EntityType::StreetAddress,
        NameKind::InternalHostname => EntityType::InternalHostname,
    }
}

/// `span` in lower case with runs of blanks and line breaks as one space
/// and none at either end. ASCII (nearly every span) in one pass into one
/// allocation; other text the long way, since Unicode lower-casing of a
/// whole string depends on context (a final sigma).
fn canonical(span: &str) -> String {
    if !span.is_ascii() {
        return span
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
    }
    let mut out = String::with_capacity(span.len());
    let mut blank = false;
    for b in span.bytes() {
        // The ASCII bytes `split_whitespace` splits on.
        if matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push(' ');
            blank = false;
        }
        out.push(char::from(b.to_ascii_lowercase()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn canonical_values_match_the_long_way() {
        for s in [
            "John  Rossi",
            " 4 Rue de la Paix,\n 75002 Paris ",
            "\tFS-FIN-02\r\n",
            "Łódź  Kraków",
            "ΣΟΦΟΣ Σ",
            "",
            "a\x0bb\x0cc",
        ] {
            let long = s
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            assert_eq!(canonical(s), long, "{s:?}");
        }
    }
}
