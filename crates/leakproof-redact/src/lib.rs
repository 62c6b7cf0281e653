//! Record formats (text, NDJSON, JSON, CSV) and redaction operators.
