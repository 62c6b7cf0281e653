//! One JSON document at a time, for callers that hold records one by one
//! (an Elasticsearch `_source`, a message off a queue) rather than a stream.

use crate::{Redactor, Tally};

/// Why a JSON document could not be redacted as JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid JSON document (byte {offset}): {message}")]
pub struct DocumentError {
    /// Where the document stops being valid JSON.
    pub offset: usize,
    /// What is wrong there (never a quote of the document).
    pub message: &'static str,
}

/// Redacts one JSON document with the same walker `redact` uses for NDJSON
/// lines: keys, key order, numbers and untouched strings are kept byte for
/// byte and only the detected spans change (field rules apply). On an
/// error nothing is returned, so the caller must fail closed (reject or
/// redact as text), never pass the input through.
pub fn redact_document(
    redactor: &Redactor,
    json: &str,
    tally: &mut Tally,
) -> Result<String, DocumentError> {
    let mut local = Tally::default();
    let redacted =
        crate::json::redact_json(redactor, json, &mut local).map_err(|e| DocumentError {
            offset: e.offset,
            message: e.message,
        })?;
    tally.merge(local);
    Ok(redacted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    #[test]
    fn a_document_is_redacted_in_place() {
        let r = Redactor::new(Policy::default(), None).expect("builds");
        let mut tally = Tally::default();
        let out = redact_document(&r, r#"{"a":"x@contoso.com","n":1}"#, &mut tally).expect("valid");
        assert_eq!(out, r#"{"a":"[EMAIL]","n":1}"#);
        assert_eq!(tally.total(), 1);
        assert!(redact_document(&r, r#"{"a":"x@contoso.com""#, &mut tally).is_err());
        assert_eq!(tally.total(), 1, "a failed document adds nothing");
    }
}
