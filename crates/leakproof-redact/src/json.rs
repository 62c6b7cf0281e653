//! A JSON walker that validates the grammar and copies the input byte for
//! byte, replacing only detected spans inside string values (and whole
//! values or members where a field rule says so).

use crate::cues::{self, CueCache, may_be_cued};
use crate::policy::{FieldAction, FieldRule};
use crate::{Redactor, Tally};
use leakproof_detect::{Detection, FieldCue};

/// Nesting deeper than this is refused (and the record fails closed).
pub(crate) const MAX_DEPTH: usize = 256;

/// Why a JSON record is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid JSON at byte {offset}: {message}")]
pub(crate) struct JsonError {
    pub(crate) offset: usize,
    pub(crate) message: &'static str,
}

struct Walker<'a> {
    redactor: &'a Redactor,
    input: &'a str,
    bytes: &'a [u8],
    pos: usize,
    out: String,
    path: Vec<String>,
    track_paths: bool,
    tally: &'a mut Tally,
    /// Reused across the strings of a record.
    detections: Vec<Detection>,
    /// The raw keys of the objects around the current value, outermost
    /// first: what a field's name says its value is (`city`, `first_name`).
    keys: Vec<&'a str>,
    /// The thread's cue cache, lent for the walk.
    cues: Box<CueCache>,
    /// Whether field names can cue anything (some free-text type is on).
    use_cues: bool,
}

/// Redacts one JSON value (a whole NDJSON line or document, or one element
/// of a top-level array). Leading and trailing whitespace is kept.
pub(crate) fn redact_json(
    redactor: &Redactor,
    input: &str,
    tally: &mut Tally,
) -> Result<String, JsonError> {
    let mut walker = Walker {
        redactor,
        input,
        bytes: input.as_bytes(),
        pos: 0,
        out: String::with_capacity(input.len() + 16),
        path: Vec::new(),
        track_paths: redactor.needs_paths(),
        tally,
        detections: DETECTIONS.take(),
        keys: Vec::new(),
        cues: cues::lend(),
        use_cues: redactor.uses_field_cues(),
    };
    let walked = walker.walk();
    walker.detections.clear();
    DETECTIONS.set(std::mem::take(&mut walker.detections));
    cues::give_back(walker.cues);
    walked?;
    Ok(walker.out)
}

thread_local! {
    /// One detection buffer per thread, reused across records: a fresh one
    /// per record cost an allocation as soon as the record held a value.
    static DETECTIONS: std::cell::Cell<Vec<Detection>> = const { std::cell::Cell::new(Vec::new()) };
}

/// The byte ranges of the elements of a top-level JSON array, for records
/// processed in parallel; `None` when `input` is not an array.
pub(crate) fn array_elements(input: &str) -> Result<Option<Vec<(usize, usize)>>, JsonError> {
    let bytes = input.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    if bytes.get(pos) != Some(&b'[') {
        return Ok(None);
    }
    pos += 1;
    let mut elements = Vec::new();
    pos = skip_ws(bytes, pos);
    if bytes.get(pos) == Some(&b']') {
        return Ok(Some(elements));
    }
    loop {
        pos = skip_ws(bytes, pos);
        let start = pos;
        pos = skip_value(bytes, pos, 1)?;
        elements.push((start, pos));
        pos = skip_ws(bytes, pos);
        match bytes.get(pos) {
            Some(b',') => pos += 1,
            Some(b']') => {
                let end = skip_ws(bytes, pos + 1);
                if end != bytes.len() {
                    return Err(JsonError {
                        offset: end,
                        message: "trailing characters after the array",
                    });
                }
                return Ok(Some(elements));
            }
            _ => {
                return Err(JsonError {
                    offset: pos,
                    message: "expected ',' or ']' in the array",
                });
            }
        }
    }
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() && matches!(bytes[pos], b' ' | b'\t' | b'\n' | b'\r') {
        pos += 1;
    }
    pos
}

/// Skips one value without copying (validating as it goes).
fn skip_value(bytes: &[u8], pos: usize, depth: usize) -> Result<usize, JsonError> {
    if depth > MAX_DEPTH {
        return Err(JsonError {
            offset: pos,
            message: "nesting too deep",
        });
    }
    match bytes.get(pos) {
        Some(b'"') => string_end(bytes, pos),
        Some(b'{') | Some(b'[') => {
            let close = if bytes[pos] == b'{' { b'}' } else { b']' };
            let is_object = close == b'}';
            let mut p = skip_ws(bytes, pos + 1);
            if bytes.get(p) == Some(&close) {
                return Ok(p + 1);
            }
            loop {
                p = skip_ws(bytes, p);
                if is_object {
                    if bytes.get(p) != Some(&b'"') {
                        return Err(JsonError {
                            offset: p,
                            message: "expected a key",
                        });
                    }
                    p = skip_ws(bytes, string_end(bytes, p)?);
                    if bytes.get(p) != Some(&b':') {
                        return Err(JsonError {
                            offset: p,
                            message: "expected ':'",
                        });
                    }
                    p = skip_ws(bytes, p + 1);
                }
                p = skip_ws(bytes, skip_value(bytes, p, depth + 1)?);
                match bytes.get(p) {
                    Some(b',') => p += 1,
                    Some(c) if *c == close => return Ok(p + 1),
                    _ => {
                        return Err(JsonError {
                            offset: p,
                            message: "expected ',' or a closing bracket",
                        });
                    }
                }
            }
        }
        Some(_) => scalar_end(bytes, pos),
        None => Err(JsonError {
            offset: pos,
            message: "unexpected end of input",
        }),
    }
}

/// Bytes that end the plain run of a string: the quote, a backslash, and
/// control characters (which JSON forbids raw).
static STRING_STOP: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// The position just past the closing quote of the string at `pos`.
fn string_end(bytes: &[u8], pos: usize) -> Result<usize, JsonError> {
    // Most strings in records are short: a table walk beats a SIMD search's
    // set-up, and checks for control characters in the same pass.
    let mut p = pos + 1;
    loop {
        // Eight bytes at a time while none is a quote, a backslash or a
        // control character (the classic has-zero-byte bit trick).
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGHS: u64 = 0x8080_8080_8080_8080;
        let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
        while let Some(chunk) = bytes.get(p..p + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let x = u64::from_le_bytes(word);
            let stops = has_zero(x ^ (ONES * u64::from(b'"')))
                | has_zero(x ^ (ONES * u64::from(b'\\')))
                | (x.wrapping_sub(ONES * 0x20) & !x & HIGHS);
            if stops != 0 {
                // Little-endian: the lowest flag is the first stop, and it
                // is a real one (a false flag needs a borrow from below).
                p += (stops.trailing_zeros() / 8) as usize;
                break;
            }
            p += 8;
        }
        while p < bytes.len() && !STRING_STOP[bytes[p] as usize] {
            p += 1;
        }
        match bytes.get(p) {
            Some(b'"') => return Ok(p + 1),
            Some(b'\\') => match bytes.get(p + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => p += 2,
                Some(b'u')
                    if bytes
                        .get(p + 2..p + 6)
                        .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) =>
                {
                    p += 6
                }
                _ => {
                    return Err(JsonError {
                        offset: p,
                        message: "invalid escape",
                    });
                }
            },
            Some(b'\n') => {
                return Err(JsonError {
                    offset: p,
                    message: "raw line break in a string",
                });
            }
            Some(_) => {
                return Err(JsonError {
                    offset: pos,
                    message: "control character in a string",
                });
            }
            None => {
                return Err(JsonError {
                    offset: bytes.len(),
                    message: "unterminated string",
                });
            }
        }
    }
}

/// The end of a number or literal at `pos`.
fn scalar_end(bytes: &[u8], pos: usize) -> Result<usize, JsonError> {
    for literal in [&b"true"[..], b"false", b"null"] {
        if bytes[pos..].starts_with(literal) {
            return Ok(pos + literal.len());
        }
    }
    let mut p = pos;
    if bytes.get(p) == Some(&b'-') {
        p += 1;
    }
    let digits = |p: &mut usize| {
        let s = *p;
        while bytes.get(*p).is_some_and(u8::is_ascii_digit) {
            *p += 1;
        }
        *p > s
    };
    if !digits(&mut p) {
        return Err(JsonError {
            offset: pos,
            message: "expected a value",
        });
    }
    if bytes.get(p) == Some(&b'.') {
        p += 1;
        if !digits(&mut p) {
            return Err(JsonError {
                offset: p,
                message: "bad number",
            });
        }
    }
    if matches!(bytes.get(p), Some(b'e' | b'E')) {
        p += 1;
        if matches!(bytes.get(p), Some(b'+' | b'-')) {
            p += 1;
        }
        if !digits(&mut p) {
            return Err(JsonError {
                offset: p,
                message: "bad number",
            });
        }
    }
    Ok(p)
}

/// Escapes a replacement for use inside a JSON string.
pub(crate) fn escape_into(s: &str, out: &mut String) {
    // Entity names and most replacements need no escaping.
    if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
}

impl<'a> Walker<'a> {
    /// Walks the whole input: one value between optional whitespace.
    fn walk(&mut self) -> Result<(), JsonError> {
        self.ws();
        self.value(0)?;
        self.ws();
        if self.pos != self.bytes.len() {
            return Err(self.error("trailing characters after the value"));
        }
        Ok(())
    }

    fn error(&self, message: &'static str) -> JsonError {
        JsonError {
            offset: self.pos,
            message,
        }
    }

    /// Copies any whitespace at `pos` through.
    #[inline]
    fn ws(&mut self) {
        // Compact NDJSON has no whitespace between tokens: the test is
        // inlined, the copy is not.
        if matches!(self.bytes.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.copy_ws();
        }
    }

    /// Copies the (non-empty) whitespace at `pos` through.
    #[inline(never)]
    fn copy_ws(&mut self) {
        let end = skip_ws(self.bytes, self.pos);
        self.out.push_str(&self.input[self.pos..end]);
        self.pos = end;
    }

    /// The field path for reports, array indices folded to `*` so that
    /// `notes.0` and `notes.7` count as one field.
    fn field(&self) -> String {
        let segments: Vec<&str> = self
            .path
            .iter()
            .map(|s| {
                if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                    "*"
                } else {
                    s.as_str()
                }
            })
            .collect();
        segments.join(".")
    }

    fn rule(&self) -> Option<&FieldRule> {
        if self.path.is_empty() || !self.track_paths {
            return None;
        }
        let segments: Vec<&str> = self.path.iter().map(String::as_str).collect();
        self.redactor.policy().field_rule(&segments)
    }

    /// Copies or redacts the value at `pos`. Returns `false` when a field
    /// rule removes it (nothing was written).
    fn value(&mut self, depth: usize) -> Result<bool, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        let rule = self.rule().cloned();
        match rule.as_ref().map(|r| &r.action) {
            Some(FieldAction::Keep) => {
                let end = skip_value(self.bytes, self.pos, depth + 1)?;
                self.out.push_str(&self.input[self.pos..end]);
                self.pos = end;
                return Ok(true);
            }
            Some(FieldAction::Remove) => {
                self.pos = skip_value(self.bytes, self.pos, depth + 1)?;
                let field = self.field();
                if self.redactor.collect_fields {
                    self.tally
                        .fields
                        .entry(("REMOVED".to_string(), field))
                        .or_default()
                        .0 += 1;
                }
                return Ok(false);
            }
            Some(FieldAction::Force(entity)) => {
                if matches!(
                    self.bytes.get(self.pos),
                    Some(b'"') | Some(b'-') | Some(b'0'..=b'9')
                ) {
                    let end = skip_value(self.bytes, self.pos, depth + 1)?;
                    let raw = &self.input[self.pos..end];
                    let decoded = if raw.starts_with('"') {
                        serde_json::from_str::<String>(raw)
                            .unwrap_or_else(|_| raw.trim_matches('"').to_string())
                    } else {
                        raw.to_string()
                    };
                    self.pos = end;
                    if decoded.is_empty() {
                        self.out.push_str(raw);
                        return Ok(true);
                    }
                    let entity = entity.clone();
                    let field = self.field();
                    let Some(rule) = rule.as_ref() else {
                        return Ok(true);
                    };
                    return Ok(
                        match self
                            .redactor
                            .forced(&entity, &decoded, &field, rule, self.tally)
                        {
                            Some(replacement) => {
                                self.out.push('"');
                                escape_into(&replacement, &mut self.out);
                                self.out.push('"');
                                true
                            }
                            None => false,
                        },
                    );
                }
            }
            Some(FieldAction::Detect) | None => {}
        }
        match self.bytes.get(self.pos) {
            Some(b'{') => self.container(depth, true, rule.as_ref()).map(|()| true),
            Some(b'[') => self.container(depth, false, rule.as_ref()).map(|()| true),
            Some(b'"') => self.string(rule.as_ref()).map(|()| true),
            Some(_) => self.scalar(rule.as_ref()).map(|()| true),
            None => Err(self.error("unexpected end of input")),
        }
    }

    fn container(
        &mut self,
        depth: usize,
        is_object: bool,
        _rule: Option<&FieldRule>,
    ) -> Result<(), JsonError> {
        let close = if is_object { b'}' } else { b']' };
        self.out.push(if is_object { '{' } else { '[' });
        self.pos += 1;
        self.ws();
        if self.bytes.get(self.pos) == Some(&close) {
            self.out.push(close as char);
            self.pos += 1;
            return Ok(());
        }
        let mut index = 0usize;
        let mut written = 0usize;
        // The separator before the next member (`,` with its whitespace),
        // written with that member so a removed member takes it along.
        let mut separator = "";
        loop {
            let member_start = self.out.len();
            self.out.push_str(separator);
            let key_pushed = if is_object {
                if self.bytes.get(self.pos) != Some(&b'"') {
                    return Err(self.error("expected a key"));
                }
                let end = string_end(self.bytes, self.pos)?;
                let raw_key = &self.input[self.pos..end];
                let input: &'a str = self.input;
                self.keys.push(&input[self.pos + 1..end - 1]);
                if self.track_paths {
                    let key = serde_json::from_str::<String>(raw_key)
                        .unwrap_or_else(|_| raw_key.trim_matches('"').to_string());
                    self.path.push(key);
                }
                self.out.push_str(raw_key);
                self.pos = end;
                self.ws();
                if self.bytes.get(self.pos) != Some(&b':') {
                    return Err(self.error("expected ':'"));
                }
                self.out.push(':');
                self.pos += 1;
                self.ws();
                self.track_paths
            } else {
                if self.track_paths {
                    self.path.push(index.to_string());
                }
                self.track_paths
            };
            let kept = self.value(depth + 1)?;
            if is_object {
                self.keys.pop();
            }
            if key_pushed {
                self.path.pop();
            }
            if !kept {
                self.out.truncate(member_start);
            } else {
                if written == 0 && index > 0 {
                    // Every earlier member was removed: this one is first now.
                    if let Some(comma) = self.out[member_start..].find(',') {
                        self.out.remove(member_start + comma);
                    }
                }
                written += 1;
            }
            index += 1;
            let sep_start = self.pos;
            self.pos = skip_ws(self.bytes, self.pos);
            match self.bytes.get(self.pos) {
                Some(b',') => {
                    self.pos = skip_ws(self.bytes, self.pos + 1);
                    separator = &self.input[sep_start..self.pos];
                }
                Some(c) if *c == close => {
                    self.out.push_str(&self.input[sep_start..self.pos]);
                    self.out.push(close as char);
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected ',' or a closing bracket")),
            }
        }
    }

    /// What the current field's name says its value is; the caller asks
    /// only for values that [`may_be_cued`]. Out of line: the walk's own
    /// loop stays as tight as it was.
    #[inline(never)]
    fn field_cue(&mut self) -> Option<FieldCue> {
        let key = self.keys.last()?;
        let parent = self.keys.len().checked_sub(2).map(|p| self.keys[p]);
        self.cues.cue(key, parent)
    }

    fn string(&mut self, rule: Option<&FieldRule>) -> Result<(), JsonError> {
        let end = string_end(self.bytes, self.pos)?;
        let raw = &self.input[self.pos + 1..end - 1];
        self.pos = end;
        let mut detections = std::mem::take(&mut self.detections);
        let cue = if self.use_cues && may_be_cued(raw) {
            self.field_cue()
        } else {
            None
        };
        self.redactor.detect_into(raw, cue, &mut detections);
        self.out.push('"');
        if detections.is_empty() {
            self.out.push_str(raw);
        } else {
            let field = if self.redactor.collect_fields {
                self.field()
            } else {
                String::new()
            };
            let mut last = 0;
            for d in &detections {
                self.out.push_str(&raw[last..d.start]);
                self.redactor
                    .replace_into(d, &field, rule, self.tally, &mut self.out, escape_into);
                last = d.end;
            }
            self.out.push_str(&raw[last..]);
        }
        self.detections = detections;
        self.out.push('"');
        Ok(())
    }

    /// Numbers can be card or phone numbers written without quotes.
    fn scalar(&mut self, rule: Option<&FieldRule>) -> Result<(), JsonError> {
        let end = scalar_end(self.bytes, self.pos)?;
        let raw = &self.input[self.pos..end];
        self.pos = end;
        if raw.len() >= 7 && raw.bytes().all(|b| b.is_ascii_digit()) {
            let detections = self.redactor.detect(raw);
            if let Some(d) = detections
                .iter()
                .find(|d| d.start == 0 && d.end == raw.len())
            {
                let field = if self.redactor.collect_fields {
                    self.field()
                } else {
                    String::new()
                };
                self.out.push('"');
                self.redactor
                    .replace_into(d, &field, rule, self.tally, &mut self.out, escape_into);
                self.out.push('"');
                return Ok(());
            }
        }
        self.out.push_str(raw);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    fn redact(policy: Policy, input: &str) -> Result<String, JsonError> {
        let r = Redactor::new(policy, None).expect("builds");
        let mut tally = Tally::default();
        redact_json(&r, input, &mut tally)
    }

    #[test]
    fn untouched_json_is_byte_identical() {
        let input =
            r#" { "a" : 1.50e3, "b":[true,false,null, -0.5 ],"c":{"d":"plain \"text\" \u00e9"} } "#;
        assert_eq!(redact(Policy::default(), input).as_deref(), Ok(input));
    }

    #[test]
    fn only_spans_change() {
        let input = r#"{"id":7,"note":"mail john.doe\u0040contoso.com\nthanks","n":[1,2]}"#;
        let out = redact(Policy::default(), input).expect("valid");
        assert_eq!(out, r#"{"id":7,"note":"mail [EMAIL]\nthanks","n":[1,2]}"#);
    }

    #[test]
    fn field_rules_force_keep_and_remove() {
        let policy = Policy::from_toml(
            "[[fields]]\npath = \"customer.email\"\nentity = \"EMAIL\"\n[[fields]]\npath = \"notes\"\naction = \"remove\"\n[[fields]]\npath = \"keep\"\naction = \"keep\"\n",
            "p",
            None,
        )
        .expect("policy");
        let input = r#"{"notes":"x","customer":{"email":"not even an email","name":"Ann"},"keep":"a@b.com","last":1}"#;
        let out = redact(policy, input).expect("valid");
        // `customer.name` is a person's name by its field's name.
        assert_eq!(
            out,
            r#"{"customer":{"email":"[EMAIL]","name":"[PERSON]"},"keep":"a@b.com","last":1}"#
        );
    }

    #[test]
    fn only_values_of_a_cued_shape_look_their_field_up() {
        for raw in [
            "Calauan",
            "priya",
            r"\u00c9lodie",
            "4 Rue de la Paix",
            " Ann",
            "Ørsted",
        ] {
            assert!(may_be_cued(raw), "{raw}");
        }
        for raw in [
            "2024-03-06T10:22:11Z",
            "10.0.19041.2047",
            "+1 521 349 3421",
            "",
            "12345",
        ] {
            assert!(!may_be_cued(raw), "{raw}");
        }
        assert!(!may_be_cued(&"a".repeat(201)));
    }

    #[test]
    fn field_names_cue_names_places_addresses_and_hosts() {
        let input = r#"{"contact_name":"Nguyen Van An","city":"Calauan","country":"PH","location":"Building 4","address":"4 Rue de la Paix, 75002 Paris","agent":"priya","hostname":"LICSRV","server":"fs-fin-02","first_name":"Tadeusz","surname":"Okonkwo","region":"Bavaria","product":{"name":"Mobile App"},"status":"open","assignee":"Billing Team","owner":{"name":"n/a"}}"#;
        let out = redact(Policy::default(), input).expect("valid");
        assert_eq!(
            out,
            r#"{"contact_name":"[PERSON]","city":"[LOCATION]","country":"PH","location":"Building 4","address":"[STREET_ADDRESS]","agent":"[PERSON]","hostname":"[INTERNAL_HOSTNAME]","server":"[INTERNAL_HOSTNAME]","first_name":"[PERSON]","surname":"[PERSON]","region":"[LOCATION]","product":{"name":"Mobile App"},"status":"open","assignee":"Billing Team","owner":{"name":"n/a"}}"#
        );
        // Types turned off stay off, and a policy's keep rule wins.
        let policy = Policy::from_toml(
            "[entities]\ndisable = [\"LOCATION\"]\n[[fields]]\npath = \"agent\"\naction = \"keep\"\n",
            "p",
            None,
        )
        .expect("policy");
        let out = redact(
            policy,
            r#"{"city":"Calauan","agent":"priya","first_name":"Tadeusz"}"#,
        )
        .expect("valid");
        assert_eq!(
            out,
            r#"{"city":"Calauan","agent":"priya","first_name":"[PERSON]"}"#
        );
    }

    #[test]
    fn malformed_json_is_an_error_not_a_panic() {
        for bad in [
            r#"{"a":}"#,
            r#"{"a":"b"#,
            "[1,2",
            r#"{"a" 1}"#,
            "tru",
            r#""\x""#,
            "{} {}",
            "",
        ] {
            assert!(redact(Policy::default(), bad).is_err(), "{bad}");
        }
        let deep = "[".repeat(MAX_DEPTH + 5) + &"]".repeat(MAX_DEPTH + 5);
        assert!(redact(Policy::default(), &deep).is_err());
    }

    #[test]
    fn bare_card_numbers_are_redacted() {
        let out = redact(Policy::default(), r#"{"card":4111111111111111,"qty":3}"#).expect("valid");
        assert_eq!(out, r#"{"card":"[CREDIT_CARD]","qty":3}"#);
    }

    #[test]
    fn array_elements_are_split() {
        let input = r#" [ {"a":1} , "x", [2] ] "#;
        let elements = array_elements(input).expect("valid").expect("array");
        let parts: Vec<&str> = elements.iter().map(|(s, e)| &input[*s..*e]).collect();
        assert_eq!(parts, [r#"{"a":1}"#, r#""x""#, "[2]"]);
        assert_eq!(array_elements("{}").expect("valid"), None);
    }
}
