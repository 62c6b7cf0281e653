//! CSV/TSV records: each field is redacted on its own, with the column
//! header as its field path; untouched fields keep their exact bytes and
//! quoting, and a changed field keeps its quoting (or gains quotes when the
//! replacement needs them).

use crate::cues;
use crate::policy::FieldAction;
use crate::{Redactor, Tally};

/// One field as written: its raw bytes and whether it was quoted.
struct RawField<'a> {
    raw: &'a str,
    quoted: bool,
}

/// Why a CSV record is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid CSV record: {0}")]
pub(crate) struct CsvError(pub(crate) &'static str);

/// Whether a record is complete (its quotes are balanced), so a reader
/// knows to append the next line to a field that spans lines.
pub(crate) fn is_complete(record: &str) -> bool {
    record.bytes().filter(|b| *b == b'"').count() % 2 == 0
}

fn split(record: &str, delimiter: u8) -> Result<Vec<RawField<'_>>, CsvError> {
    let bytes = record.as_bytes();
    let mut fields = Vec::new();
    let mut pos = 0;
    loop {
        if bytes.get(pos) == Some(&b'"') {
            let mut p = pos + 1;
            loop {
                match memchr::memchr(b'"', &bytes[p..]) {
                    Some(off) if bytes.get(p + off + 1) == Some(&b'"') => p += off + 2,
                    Some(off) => {
                        p += off + 1;
                        break;
                    }
                    None => return Err(CsvError("unterminated quoted field")),
                }
            }
            fields.push(RawField {
                raw: &record[pos..p],
                quoted: true,
            });
            pos = p;
            match bytes.get(pos) {
                None => return Ok(fields),
                Some(b) if *b == delimiter => pos += 1,
                Some(_) => return Err(CsvError("characters after a closing quote")),
            }
        } else {
            let end = memchr::memchr(delimiter, &bytes[pos..]).map_or(bytes.len(), |o| pos + o);
            let raw = &record[pos..end];
            if raw.contains('"') {
                return Err(CsvError("quote inside an unquoted field"));
            }
            fields.push(RawField { raw, quoted: false });
            if end == bytes.len() {
                return Ok(fields);
            }
            pos = end + 1;
        }
    }
}

/// The column names of a header record.
pub(crate) fn header(record: &str, delimiter: u8) -> Result<Vec<String>, CsvError> {
    Ok(split(record.trim_end_matches(['\n', '\r']), delimiter)?
        .iter()
        .map(|f| decode(f).trim().to_string())
        .collect())
}

fn decode(field: &RawField<'_>) -> String {
    if field.quoted {
        field.raw[1..field.raw.len() - 1].replace("\"\"", "\"")
    } else {
        field.raw.to_string()
    }
}

fn encode(value: &str, quoted: bool, delimiter: u8, out: &mut String) {
    let needs = quoted
        || value
            .bytes()
            .any(|b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r');
    if needs {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// Redacts one record (without its line ending) against `columns`.
pub(crate) fn redact_record(
    redactor: &Redactor,
    record: &str,
    columns: &[String],
    delimiter: u8,
    tally: &mut Tally,
) -> Result<String, CsvError> {
    let fields = split(record, delimiter)?;
    let mut out = String::with_capacity(record.len());
    let mut cue_cache = cues::lend();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(delimiter as char);
        }
        let column = columns
            .get(i)
            .map_or_else(|| format!("column{}", i + 1), Clone::clone);
        let rule = if redactor.needs_paths() {
            redactor.policy().field_rule(&[column.as_str()]).cloned()
        } else {
            None
        };
        let value = decode(field);
        match rule.as_ref().map(|r| &r.action) {
            Some(FieldAction::Keep) => out.push_str(field.raw),
            Some(FieldAction::Remove) => {}
            Some(FieldAction::Force(entity)) if !value.trim().is_empty() => {
                let entity = entity.clone();
                let replacement = rule
                    .as_ref()
                    .and_then(|r| redactor.forced(&entity, &value, &column, r, tally))
                    .unwrap_or_default();
                encode(&replacement, field.quoted, delimiter, &mut out);
            }
            _ => {
                let mut detections = Vec::new();
                let cue = if redactor.uses_field_cues() && cues::may_be_cued(&value) {
                    cue_cache.cue(&column, None)
                } else {
                    None
                };
                redactor.detect_into(&value, cue, &mut detections);
                if detections.is_empty() {
                    out.push_str(field.raw);
                    continue;
                }
                let mut redacted = String::with_capacity(value.len());
                let mut last = 0;
                for d in &detections {
                    redacted.push_str(&value[last..d.start]);
                    redactor.replace_into(
                        d,
                        &column,
                        rule.as_ref(),
                        tally,
                        &mut redacted,
                        |s, o| o.push_str(s),
                    );
                    last = d.end;
                }
                redacted.push_str(&value[last..]);
                encode(&redacted, field.quoted, delimiter, &mut out);
            }
        }
    }
    cues::give_back(cue_cache);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    #[test]
    fn keeps_quoting_and_untouched_fields() {
        let r = Redactor::new(Policy::default(), None).expect("builds");
        let cols = header("id,note,\"email\"", b',').expect("header");
        assert_eq!(cols, ["id", "note", "email"]);
        let mut t = Tally::default();
        let out = redact_record(
            &r,
            "7,\"said \"\"hi\"\", call 555.123.4567\",  ann@example.com ",
            &cols,
            b',',
            &mut t,
        )
        .expect("valid");
        assert_eq!(out, "7,\"said \"\"hi\"\", call [PHONE]\",  [EMAIL] ");
        let untouched = "8,\"quoted, plain\",x";
        assert_eq!(
            redact_record(&r, untouched, &cols, b',', &mut t).expect("valid"),
            untouched
        );
    }

    #[test]
    fn column_names_cue_names_and_places() {
        let r = Redactor::new(Policy::default(), None).expect("builds");
        let cols = header("id,First Name,city,status", b',').expect("header");
        let mut t = Tally::default();
        let out = redact_record(&r, "7,Tadeusz,Calauan,open", &cols, b',', &mut t).expect("valid");
        assert_eq!(out, "7,[PERSON],[LOCATION],open");
    }

    #[test]
    fn malformed_records_are_errors() {
        let r = Redactor::new(Policy::default(), None).expect("builds");
        let mut t = Tally::default();
        assert!(redact_record(&r, "1,\"open", &[], b',', &mut t).is_err());
        assert!(redact_record(&r, "1,\"a\"b", &[], b',', &mut t).is_err());
        assert!(!is_complete("1,\"spans\nlines"));
    }
}
