//! Streams of records: read a batch, redact it in parallel, write it in
//! order. Memory is bounded by the batch, whatever the input size (a JSON
//! document is the exception: it is one record, bounded by a size limit).

use std::io::{self, BufRead, Read, Write};
use std::path::Path;
use std::str::FromStr;

use rayon::prelude::*;

use crate::json::{array_elements, redact_json};
use crate::{Redactor, Tally, csv};

/// A record format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One record per line of free text.
    Text,
    /// One JSON value per line.
    Ndjson,
    /// One JSON document; a top-level array's elements are the records.
    Json,
    /// Delimited values with a header row.
    Csv {
        /// `,` for CSV, tab for TSV.
        delimiter: u8,
    },
}

impl Format {
    /// The format a file name suggests, if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "ndjson" | "jsonl" => Format::Ndjson,
            "json" => Format::Json,
            "csv" => Format::Csv { delimiter: b',' },
            "tsv" | "tab" => Format::Csv { delimiter: b'\t' },
            "txt" | "log" | "text" | "md" => Format::Text,
            _ => return None,
        })
    }

    /// The format the first bytes of an input suggest.
    pub fn sniff(head: &[u8]) -> Format {
        let text = String::from_utf8_lossy(head);
        let trimmed = text.trim_start();
        let first_line = trimmed.lines().next().unwrap_or("");
        if trimmed.starts_with('[') {
            return Format::Json;
        }
        if trimmed.starts_with('{') {
            // One object per line is NDJSON; a document spread over lines is JSON.
            let parses = serde_json::from_str::<serde_json::Value>(first_line).is_ok();
            return if parses { Format::Ndjson } else { Format::Json };
        }
        let tabs = first_line.matches('\t').count();
        let commas = first_line.matches(',').count();
        let second = trimmed.lines().nth(1).unwrap_or("");
        if tabs >= 1 && second.matches('\t').count() == tabs {
            return Format::Csv { delimiter: b'\t' };
        }
        if commas >= 1 && !first_line.contains(". ") && second.matches(',').count() >= commas {
            return Format::Csv { delimiter: b',' };
        }
        Format::Text
    }

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Ndjson => "ndjson",
            Format::Json => "json",
            Format::Csv { delimiter: b'\t' } => "tsv",
            Format::Csv { .. } => "csv",
        }
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "text" | "txt" => Ok(Format::Text),
            "ndjson" | "jsonl" => Ok(Format::Ndjson),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv { delimiter: b',' }),
            "tsv" => Ok(Format::Csv { delimiter: b'\t' }),
            other => Err(format!(
                "unknown format {other:?}: expected text, ndjson, json, csv or tsv"
            )),
        }
    }
}

/// Limits and batch sizes.
#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// Records per parallel batch.
    pub batch_records: usize,
    /// Bytes per parallel batch.
    pub batch_bytes: usize,
    /// A longer record is handled in pieces as plain text (and counted as malformed).
    pub max_record_bytes: usize,
    /// The largest JSON document read whole.
    pub max_json_bytes: usize,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            batch_records: 4096,
            batch_bytes: 8 << 20,
            max_record_bytes: 64 << 20,
            max_json_bytes: 1 << 30,
        }
    }
}

/// Why a stream could not be redacted.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// Reading or writing failed.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// A JSON document is larger than the limit.
    #[error(
        "JSON document larger than {0} bytes: convert it to NDJSON (one record per line) to stream it"
    )]
    JsonTooLarge(usize),
}

/// What a stream held and what came of it. `records_in == records_out +
/// quarantined` always holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Records read.
    pub records_in: u64,
    /// Records written (redacted).
    pub records_out: u64,
    /// Records set aside raw in the quarantine file.
    pub quarantined: u64,
    /// Records that could not be parsed in their format and were redacted
    /// as plain text instead (included in `records_out`).
    pub malformed: u64,
    /// Bytes read.
    pub bytes_in: u64,
    /// What was found.
    pub tally: Tally,
}

impl Summary {
    /// Adds another summary into this one.
    pub fn merge(&mut self, other: Summary) {
        self.records_in += other.records_in;
        self.records_out += other.records_out;
        self.quarantined += other.quarantined;
        self.malformed += other.malformed;
        self.bytes_in += other.bytes_in;
        self.tally.merge(other.tally);
    }
}

enum Outcome {
    Redacted(String),
    Malformed { redacted: String, raw: Vec<u8> },
}

struct Record {
    raw: Vec<u8>,
    /// The line ending, written back as it was.
    ending: &'static str,
}

fn split_ending(mut raw: Vec<u8>) -> Record {
    let ending = if raw.ends_with(b"\r\n") {
        raw.truncate(raw.len() - 2);
        "\r\n"
    } else if raw.ends_with(b"\n") {
        raw.truncate(raw.len() - 1);
        "\n"
    } else {
        ""
    };
    Record { raw, ending }
}

/// Appends to `buf` up to `limit` bytes of `input`, through the next
/// newline: `input.take(limit).read_until(b'\n', buf)`, with memchr's
/// vectorised search in place of std's word-at-a-time one.
fn read_line(input: &mut dyn BufRead, limit: usize, buf: &mut Vec<u8>) -> io::Result<usize> {
    let mut read = 0;
    while read < limit {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        let window = &available[..available.len().min(limit - read)];
        let (found, used) = match memchr::memchr(b'\n', window) {
            Some(i) => (true, i + 1),
            None => (false, window.len()),
        };
        buf.extend_from_slice(&window[..used]);
        input.consume(used);
        read += used;
        if found {
            break;
        }
    }
    Ok(read)
}

/// Redacts a whole stream in `format`, writing redacted records to
/// `output` and malformed ones raw to `quarantine` when given. `progress`
/// is called with the bytes read so far.
pub fn redact_stream(
    redactor: &Redactor,
    format: Format,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    mut quarantine: Option<&mut dyn Write>,
    options: &StreamOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Summary, StreamError> {
    let mut summary = Summary::default();
    if format == Format::Json {
        json_document(
            redactor,
            input,
            output,
            &mut quarantine,
            options,
            &mut summary,
        )?;
        progress(summary.bytes_in);
        return Ok(summary);
    }
    let mut columns: Option<Vec<String>> = None;
    loop {
        let mut batch: Vec<Record> = Vec::new();
        let mut batch_bytes = 0;
        while batch.len() < options.batch_records && batch_bytes < options.batch_bytes {
            let mut raw = Vec::new();
            let n = read_line(input, options.max_record_bytes, &mut raw)?;
            if n == 0 {
                break;
            }
            summary.bytes_in += n as u64;
            if let Format::Csv { delimiter } = format {
                // A quoted field may span lines: read on until quotes balance.
                while !csv::is_complete(&String::from_utf8_lossy(&raw))
                    && raw.len() < options.max_record_bytes
                {
                    let m = read_line(input, options.max_record_bytes, &mut raw)?;
                    if m == 0 {
                        break;
                    }
                    summary.bytes_in += m as u64;
                }
                if columns.is_none() {
                    let record = split_ending(raw);
                    let text = String::from_utf8_lossy(&record.raw);
                    columns = Some(csv::header(&text, delimiter).unwrap_or_default());
                    // The header names columns; it holds no record data.
                    output.write_all(&record.raw)?;
                    output.write_all(record.ending.as_bytes())?;
                    continue;
                }
            }
            batch_bytes += raw.len();
            batch.push(split_ending(raw));
        }
        if batch.is_empty() {
            break;
        }
        let cols = columns.as_deref().unwrap_or(&[]);
        let results: Vec<(Option<Outcome>, Tally)> = batch
            .par_iter()
            .map(|record| {
                let mut tally = Tally::default();
                let outcome = redact_record(redactor, format, &record.raw, cols, &mut tally);
                (outcome, tally)
            })
            .collect();
        for (record, (outcome, tally)) in batch.iter().zip(results) {
            summary.tally.merge(tally);
            write_outcome(outcome, record, output, &mut quarantine, &mut summary)?;
        }
        progress(summary.bytes_in);
    }
    output.flush()?;
    Ok(summary)
}

fn write_outcome(
    outcome: Option<Outcome>,
    record: &Record,
    output: &mut dyn Write,
    quarantine: &mut Option<&mut dyn Write>,
    summary: &mut Summary,
) -> io::Result<()> {
    match outcome {
        // Blank lines are not records: they pass through.
        None => output.write_all(record.ending.as_bytes()),
        Some(Outcome::Redacted(text)) => {
            summary.records_in += 1;
            summary.records_out += 1;
            output.write_all(text.as_bytes())?;
            output.write_all(record.ending.as_bytes())
        }
        Some(Outcome::Malformed { redacted, raw }) => {
            summary.records_in += 1;
            if let Some(q) = quarantine.as_deref_mut() {
                summary.quarantined += 1;
                q.write_all(&raw)?;
                q.write_all(b"\n")
            } else {
                summary.records_out += 1;
                summary.malformed += 1;
                output.write_all(redacted.as_bytes())?;
                output.write_all(record.ending.as_bytes())
            }
        }
    }
}

fn redact_record(
    redactor: &Redactor,
    format: Format,
    raw: &[u8],
    columns: &[String],
    tally: &mut Tally,
) -> Option<Outcome> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let malformed = |tally: &mut Tally| {
        // Fail closed: what cannot be parsed is redacted as plain text.
        let text = String::from_utf8_lossy(raw);
        Outcome::Malformed {
            redacted: redactor.redact_text(&text, tally),
            raw: raw.to_vec(),
        }
    };
    let Ok(text) = std::str::from_utf8(raw) else {
        return Some(malformed(tally));
    };
    let result = match format {
        Format::Text => Ok(redactor.redact_text(text, tally)),
        Format::Ndjson | Format::Json => redact_json(redactor, text, tally).map_err(|_| ()),
        Format::Csv { delimiter } => {
            csv::redact_record(redactor, text, columns, delimiter, tally).map_err(|_| ())
        }
    };
    Some(match result {
        Ok(redacted) => Outcome::Redacted(redacted),
        Err(()) => {
            // Counts from a half-walked record are discarded with it.
            *tally = Tally::default();
            malformed(tally)
        }
    })
}

fn json_document(
    redactor: &Redactor,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    quarantine: &mut Option<&mut dyn Write>,
    options: &StreamOptions,
    summary: &mut Summary,
) -> Result<(), StreamError> {
    let mut raw = Vec::new();
    let n = input
        .take(options.max_json_bytes as u64 + 1)
        .read_to_end(&mut raw)?;
    summary.bytes_in += n as u64;
    if n > options.max_json_bytes {
        return Err(StreamError::JsonTooLarge(options.max_json_bytes));
    }
    let whole = Record {
        raw: Vec::new(),
        ending: "",
    };
    let text = match std::str::from_utf8(&raw) {
        Ok(text) if !text.trim().is_empty() => text,
        Ok(_) => return Ok(()),
        Err(_) => {
            let mut tally = Tally::default();
            let outcome =
                redact_record(redactor, Format::Text, &raw, &[], &mut tally).map(|o| match o {
                    Outcome::Redacted(redacted) => Outcome::Malformed {
                        redacted,
                        raw: raw.clone(),
                    },
                    other => other,
                });
            summary.tally.merge(tally);
            return Ok(write_outcome(outcome, &whole, output, quarantine, summary)?);
        }
    };
    match array_elements(text) {
        Ok(Some(elements)) => {
            let results: Vec<(Result<String, ()>, Tally)> = elements
                .par_iter()
                .map(|(s, e)| {
                    let mut tally = Tally::default();
                    let r = redact_json(redactor, &text[*s..*e], &mut tally).map_err(|_| ());
                    (r, tally)
                })
                .collect();
            // Elements were validated when the array was split.
            let mut last = 0;
            for ((s, e), (result, tally)) in elements.iter().zip(results) {
                output.write_all(&text.as_bytes()[last..*s])?;
                summary.records_in += 1;
                summary.records_out += 1;
                summary.tally.merge(tally);
                let redacted = result.unwrap_or_else(|()| {
                    summary.malformed += 1;
                    redactor.redact_text(&text[*s..*e], &mut summary.tally)
                });
                output.write_all(redacted.as_bytes())?;
                last = *e;
            }
            output.write_all(&text.as_bytes()[last..])?;
        }
        Ok(None) => {
            let mut tally = Tally::default();
            let outcome = redact_record(redactor, Format::Json, text.as_bytes(), &[], &mut tally);
            summary.tally.merge(tally);
            write_outcome(outcome, &whole, output, quarantine, summary)?;
        }
        Err(_) => {
            let mut tally = Tally::default();
            let outcome = Outcome::Malformed {
                redacted: redactor.redact_text(text, &mut tally),
                raw: raw.clone(),
            };
            summary.tally.merge(tally);
            write_outcome(Some(outcome), &whole, output, quarantine, summary)?;
        }
    }
    output.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    fn run(format: Format, input: &str, quarantine: bool) -> (String, String, Summary) {
        let r = Redactor::new(Policy::default(), None).expect("builds");
        let mut out = Vec::new();
        let mut q = Vec::new();
        let summary = redact_stream(
            &r,
            format,
            &mut input.as_bytes(),
            &mut out,
            if quarantine { Some(&mut q) } else { None },
            &StreamOptions {
                batch_records: 2,
                ..StreamOptions::default()
            },
            &mut |_| {},
        )
        .expect("runs");
        (
            String::from_utf8(out).expect("utf8"),
            String::from_utf8(q).expect("utf8"),
            summary,
        )
    }

    #[test]
    fn read_line_stops_at_newlines_and_the_limit_across_buffer_refills() {
        // A three-byte buffer makes every line span several `fill_buf` calls.
        let data = b"first line\nsecond, much longer line\nlast";
        let mut input = io::BufReader::with_capacity(3, &data[..]);
        let mut line = Vec::new();
        let mut next = |limit| {
            line.clear();
            let n = read_line(&mut input, limit, &mut line).expect("reads");
            (n, String::from_utf8(line.clone()).expect("utf8"))
        };
        assert_eq!(next(64), (11, "first line\n".to_string()));
        // A line over the limit is cut at the limit; the rest comes next.
        assert_eq!(next(6), (6, "second".to_string()));
        assert_eq!(next(64), (19, ", much longer line\n".to_string()));
        assert_eq!(next(64), (4, "last".to_string()));
        assert_eq!(next(64), (0, String::new()));
    }

    #[test]
    fn ndjson_keeps_order_and_fails_closed() {
        let input = "{\"a\":\"x@contoso.com\"}\n{\"a\":\"y@contoso.com\"\n\n{\"b\":1}\r\n{\"c\":\"call 555.123.4567\"}";
        let (out, _, s) = run(Format::Ndjson, input, false);
        assert_eq!(
            out,
            "{\"a\":\"[EMAIL]\"}\n{\"a\":\"[EMAIL]\"\n\n{\"b\":1}\r\n{\"c\":\"call [PHONE]\"}"
        );
        assert_eq!(
            (s.records_in, s.records_out, s.quarantined, s.malformed),
            (4, 4, 0, 1)
        );
        let (out, q, s) = run(Format::Ndjson, input, true);
        assert!(!out.contains("y@contoso.com"));
        assert_eq!(q, "{\"a\":\"y@contoso.com\"\n");
        assert_eq!((s.records_in, s.records_out, s.quarantined), (4, 3, 1));
    }

    #[test]
    fn json_array_elements_are_records() {
        let (out, _, s) = run(
            Format::Json,
            "[\n {\"e\":\"a@contoso.com\"},\n {\"n\":2}\n]\n",
            false,
        );
        assert_eq!(out, "[\n {\"e\":\"[EMAIL]\"},\n {\"n\":2}\n]\n");
        assert_eq!(s.records_in, 2);
    }

    #[test]
    fn csv_header_is_kept_and_records_span_lines() {
        let input = "id,note\n1,\"two\nlines a@contoso.com\"\n2,plain\n";
        let (out, _, s) = run(Format::Csv { delimiter: b',' }, input, false);
        assert_eq!(out, "id,note\n1,\"two\nlines [EMAIL]\"\n2,plain\n");
        assert_eq!(s.records_in, 2);
    }

    #[test]
    fn invalid_utf8_is_redacted_lossily() {
        let r = Redactor::new(Policy::default(), None).expect("builds");
        let mut out = Vec::new();
        let input: &[u8] = b"{\"a\":\"x@contoso.com \xff\"}\n";
        let s = redact_stream(
            &r,
            Format::Ndjson,
            &mut &input[..],
            &mut out,
            None,
            &StreamOptions::default(),
            &mut |_| {},
        )
        .expect("runs");
        assert!(!String::from_utf8_lossy(&out).contains("x@contoso.com"));
        assert_eq!(s.malformed, 1);
    }

    #[test]
    fn sniffs_formats() {
        assert_eq!(Format::sniff(b"{\"a\":1}\n{\"a\":2}\n"), Format::Ndjson);
        assert_eq!(Format::sniff(b"{\n  \"a\": 1\n}"), Format::Json);
        assert_eq!(Format::sniff(b"[{\"a\":1}]"), Format::Json);
        assert_eq!(
            Format::sniff(b"id,name\n1,Ann\n"),
            Format::Csv { delimiter: b',' }
        );
        assert_eq!(
            Format::sniff(b"id\tname\n1\tAnn\n"),
            Format::Csv { delimiter: b'\t' }
        );
        assert_eq!(
            Format::sniff(b"Hello, I need help. My card broke.\n"),
            Format::Text
        );
    }
}
