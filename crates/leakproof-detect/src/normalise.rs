//! The normalised view of a text, and the map from it back to the original.
//!
//! Recognisers never see the raw text: they see a view in which escapes
//! (JSON, percent, HTML), compatibility forms (fullwidth `＠`), look-alike
//! letters from other scripts, invisible characters, combining marks and
//! bracketed separators (`(at)`, `[dot]`) are folded to plain ASCII. Every
//! byte of the view maps back to the exact original bytes it came from, so a
//! value found in the view is replaced in the original without splitting an
//! escape sequence.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// One stretch of the view and where it came from. `Copy` stretches are
/// byte-for-byte identical to the original; a `Unit` is one original unit
/// (an escape, a folded character) that became `norm_len` bytes (0 when it
/// was dropped).
#[derive(Debug, Clone, Copy)]
struct Segment {
    norm_start: u32,
    norm_len: u32,
    orig_start: u32,
    orig_len: u32,
    copy: bool,
}

/// A text as recognisers see it, with the way back to the original bytes.
#[derive(Debug)]
pub(crate) struct Normalised<'a> {
    text: Cow<'a, str>,
    /// Empty when `text` is the original itself.
    segments: Vec<Segment>,
}

impl<'a> Normalised<'a> {
    /// The normalised view of `original`. Borrowed, with no map, when there
    /// is nothing to fold (the common case).
    pub(crate) fn new(original: &'a str) -> Self {
        let may_fold = original
            .bytes()
            .any(|b| b >= 0x80 || INTRODUCERS[usize::from(b)]);
        Self::with_hint(original, may_fold)
    }

    /// Like [`Normalised::new`], where `may_fold` says whether `original`
    /// holds an escape introducer, a bracket or a non-ASCII byte (from a
    /// byte-class pass the caller already made): `false` skips every
    /// check, and `true` skips the pass that would find that out again.
    #[inline]
    pub(crate) fn with_hint(original: &'a str, may_fold: bool) -> Self {
        if may_fold {
            Self::folded(original)
        } else {
            Self::borrowed(original)
        }
    }

    fn borrowed(original: &'a str) -> Self {
        Normalised {
            text: Cow::Borrowed(original),
            segments: Vec::new(),
        }
    }

    /// The view of a text that may fold. Kept out of line: most texts never
    /// get here, and inlined it made every call save and restore the
    /// registers the fold uses.
    #[inline(never)]
    fn folded(original: &'a str) -> Self {
        if !needs_folding(original) {
            return Self::borrowed(original);
        }
        let mut builder = Builder::new(original.len());
        fold(original, &mut builder);
        builder.finish()
    }

    /// The normalised text.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The original byte range of the normalised range `start..end`
    /// (`start < end`). Whole original units only.
    pub(crate) fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        if self.segments.is_empty() {
            return (start, end);
        }
        let first = self.segment_at(start);
        let orig_start = if first.copy {
            first.orig_start as usize + (start - first.norm_start as usize)
        } else {
            first.orig_start as usize
        };
        let last = self.segment_at(end - 1);
        let orig_end = if last.copy {
            last.orig_start as usize + (end - last.norm_start as usize)
        } else {
            (last.orig_start + last.orig_len) as usize
        };
        (orig_start, orig_end)
    }

    /// The segment holding normalised byte `pos` (segments with bytes only).
    fn segment_at(&self, pos: usize) -> Segment {
        let pos = pos as u32;
        // Segments cover the view contiguously and in order.
        let idx = self
            .segments
            .partition_point(|s| s.norm_start + s.norm_len <= pos);
        let idx = idx.min(self.segments.len() - 1);
        self.segments[idx]
    }
}

/// Whether anything in `text` could fold: an escape, a non-ASCII byte, or
/// a bracketed separator, in a text known to hold one of their
/// first bytes.
fn needs_folding(text: &str) -> bool {
    let bytes = text.as_bytes();
    if !text.is_ascii() {
        return true;
    }
    for pos in memchr::memchr3_iter(b'\\', b'%', b'&', bytes) {
        if escape_at(text, pos).is_some() {
            return true;
        }
    }
    for pos in memchr::memchr3_iter(b'(', b'[', b'{', bytes) {
        if bracket_separator_at(bytes, pos).is_some() {
            return true;
        }
    }
    memchr::memchr_iter(b'<', bytes).any(|pos| bracket_separator_at(bytes, pos).is_some())
}

/// Bytes that may start a fold: escapes and bracketed separators.
static INTRODUCERS: [bool; 128] = {
    let mut table = [false; 128];
    let mut i = 0;
    let bytes = b"\\%&([{<";
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

struct Builder {
    out: String,
    segments: Vec<Segment>,
}

impl Builder {
    fn new(capacity: usize) -> Self {
        Builder {
            out: String::with_capacity(capacity),
            // A folded text has a few segments (plain, folded, plain...):
            // room for them up front saves growing the vector twice.
            segments: Vec::with_capacity(8),
        }
    }

    /// Appends original bytes `orig_start..` copied unchanged.
    fn copy(&mut self, text: &str, orig_start: usize) {
        if text.is_empty() {
            return;
        }
        let norm_start = self.out.len() as u32;
        if let Some(last) = self.segments.last_mut() {
            if last.copy
                && last.norm_start + last.norm_len == norm_start
                && (last.orig_start + last.orig_len) as usize == orig_start
            {
                last.norm_len += text.len() as u32;
                last.orig_len += text.len() as u32;
                self.out.push_str(text);
                return;
            }
        }
        self.segments.push(Segment {
            norm_start,
            norm_len: text.len() as u32,
            orig_start: orig_start as u32,
            orig_len: text.len() as u32,
            copy: true,
        });
        self.out.push_str(text);
    }

    /// Appends `replacement` standing for original bytes `orig_start..orig_end`.
    fn unit(&mut self, replacement: &str, orig_start: usize, orig_end: usize) {
        self.segments.push(Segment {
            norm_start: self.out.len() as u32,
            norm_len: replacement.len() as u32,
            orig_start: orig_start as u32,
            orig_len: (orig_end - orig_start) as u32,
            copy: false,
        });
        self.out.push_str(replacement);
    }

    fn finish<'a>(mut self) -> Normalised<'a> {
        // Dropped units (zero length) are never looked up.
        self.segments.retain(|s| s.norm_len > 0);
        Normalised {
            text: Cow::Owned(self.out),
            segments: self.segments,
        }
    }
}

/// An escape sequence starting at `pos` (which holds `\`, `%` or `&`): the
/// decoded character and the escape's length in bytes.
fn escape_at(text: &str, pos: usize) -> Option<(char, usize)> {
    let bytes = text.as_bytes();
    match bytes[pos] {
        b'\\' => json_escape_at(bytes, pos),
        b'%' => {
            let hi = hex_value(*bytes.get(pos + 1)?)?;
            let lo = hex_value(*bytes.get(pos + 2)?)?;
            let byte = hi * 16 + lo;
            // Only ASCII decodes on its own; a multi-byte sequence is left.
            (0x20..0x7f).contains(&byte).then_some((byte as char, 3))
        }
        b'&' => html_entity_at(bytes, pos),
        _ => None,
    }
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

fn hex4(bytes: &[u8], pos: usize) -> Option<u32> {
    let digits = bytes.get(pos..pos + 4)?;
    digits
        .iter()
        .try_fold(0u32, |acc, &b| Some(acc * 16 + u32::from(hex_value(b)?)))
}

fn json_escape_at(bytes: &[u8], pos: usize) -> Option<(char, usize)> {
    let c = match *bytes.get(pos + 1)? {
        b'n' | b'r' | b't' => ' ',
        b'/' => '/',
        b'"' => '"',
        b'\\' => '\\',
        b'\'' => '\'',
        b'u' => {
            let first = hex4(bytes, pos + 2)?;
            if (0xD800..0xDC00).contains(&first) {
                // A surrogate pair: `\uD83D\uDE00`.
                if bytes.get(pos + 6) == Some(&b'\\') && bytes.get(pos + 7) == Some(&b'u') {
                    let second = hex4(bytes, pos + 8)?;
                    if (0xDC00..0xE000).contains(&second) {
                        let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                        return char::from_u32(code).map(|c| (c, 12));
                    }
                }
                return None;
            }
            return char::from_u32(first).map(|c| (c, 6));
        }
        _ => return None,
    };
    Some((c, 2))
}

/// Named HTML entities that matter for the values we look for.
const HTML_NAMED: &[(&str, char)] = &[
    ("commat", '@'),
    ("period", '.'),
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", ' '),
    ("colon", ':'),
    ("sol", '/'),
    ("hyphen", '-'),
    ("dash", '-'),
    ("lowbar", '_'),
    ("plus", '+'),
    ("num", '#'),
    ("percnt", '%'),
];

fn html_entity_at(bytes: &[u8], pos: usize) -> Option<(char, usize)> {
    let rest = bytes.get(pos + 1..)?;
    let semi = rest.iter().take(12).position(|&b| b == b';')?;
    let body = std::str::from_utf8(&rest[..semi]).ok()?;
    let c = if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        char::from_u32(code)?
    } else {
        HTML_NAMED
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(body))
            .map(|(_, c)| *c)?
    };
    Some((c, semi + 2))
}

/// A bracketed separator at `pos` (`(at)`, `[dot]`, `{at}`, `<at>`, `[.]`,
/// `[@]`, with optional inner spaces, any case): the separator and length.
fn bracket_separator_at(bytes: &[u8], pos: usize) -> Option<(char, usize)> {
    let close = match bytes[pos] {
        b'(' => b')',
        b'[' => b']',
        b'{' => b'}',
        b'<' => b'>',
        _ => return None,
    };
    let window = bytes.get(pos + 1..(pos + 9).min(bytes.len()))?;
    let end = window.iter().position(|&b| b == close)?;
    let inner = std::str::from_utf8(&window[..end]).ok()?.trim();
    let sep = if inner.eq_ignore_ascii_case("at") || inner == "@" {
        '@'
    } else if inner.eq_ignore_ascii_case("dot") || inner == "." {
        '.'
    } else {
        return None;
    };
    Some((sep, end + 2))
}

/// Invisible characters dropped from the view.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{034F}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

fn is_combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}'
    )
}

/// Letters from other scripts that look like Latin ones.
fn confusable(c: char) -> Option<char> {
    Some(match c {
        'а' => 'a',
        'в' => 'b',
        'е' | 'ё' => 'e',
        'к' => 'k',
        'м' => 'm',
        'н' => 'h',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'т' => 't',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'ԁ' => 'd',
        'ԛ' => 'q',
        'ԝ' => 'w',
        'ӏ' => 'l',
        'ɡ' => 'g',
        'ı' => 'i',
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'У' => 'Y',
        'Х' => 'X',
        'І' => 'I',
        'Ј' => 'J',
        'Ѕ' => 'S',
        'α' => 'a',
        'ο' => 'o',
        'ρ' => 'p',
        'ν' => 'v',
        'κ' => 'k',
        'τ' => 't',
        'ι' => 'i',
        'υ' => 'u',
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        '‚' => ',',
        '。' | '｡' | '․' | '∙' | '·' => '.',
        '‐' | '‑' | '‒' | '–' | '—' | '−' => '-',
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => ' ',
        _ => return None,
    })
}

/// Folds one non-ASCII character into `out` (ASCII where it has a form).
fn fold_char(c: char, out: &mut String) {
    if is_invisible(c) || is_combining_mark(c) {
        return;
    }
    if let Some(latin) = confusable(c) {
        out.push(latin);
        return;
    }
    // Compatibility decomposition folds fullwidth and styled forms; the
    // combining marks it leaves behind (é -> e + ´) are dropped.
    for folded in std::iter::once(c).nfkd() {
        if is_combining_mark(folded) {
            continue;
        }
        match confusable(folded) {
            Some(latin) => out.push(latin),
            None => out.push(folded),
        }
    }
}

fn fold(text: &str, builder: &mut Builder) {
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut run_start = 0;
    // The replacement for the unit at `pos`, reused rather than allocated
    // for each unit.
    let mut scratch = String::new();
    loop {
        // ASCII bytes that introduce nothing stay as they are: skipped in
        // a tight loop here rather than one by one through the match below
        // (most of a folded text is plain).
        while bytes
            .get(pos)
            .is_some_and(|&b| b < 0x80 && !INTRODUCERS[usize::from(b)])
        {
            pos += 1;
        }
        let Some(&b) = bytes.get(pos) else {
            break;
        };
        // The length of the original unit at `pos` when it folds, its
        // replacement in `scratch`.
        let unit: Option<usize> = match b {
            b'\\' | b'%' | b'&' => escape_at(text, pos).map(|(c, len)| {
                scratch.clear();
                if c.is_ascii() {
                    scratch.push(c);
                } else {
                    fold_char(c, &mut scratch);
                }
                len
            }),
            b'(' | b'[' | b'{' | b'<' => bracket_separator_at(bytes, pos).map(|(c, len)| {
                scratch.clear();
                scratch.push(c);
                len
            }),
            _ if b >= 0x80 => {
                let c = text[pos..].chars().next().unwrap_or('\u{FFFD}');
                let len = c.len_utf8();
                scratch.clear();
                fold_char(c, &mut scratch);
                if scratch.len() == len && scratch.as_str() == &text[pos..pos + len] {
                    None
                } else {
                    Some(len)
                }
            }
            _ => None,
        };
        match unit {
            Some(len) => {
                builder.copy(&text[run_start..pos], run_start);
                builder.unit(&scratch, pos, pos + len);
                pos += len;
                run_start = pos;
            }
            None => {
                pos += if b >= 0x80 {
                    text[pos..].chars().next().map_or(1, char::len_utf8)
                } else {
                    1
                };
            }
        }
    }
    builder.copy(&text[run_start..], run_start);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(s: &str) -> String {
        Normalised::new(s).text().to_string()
    }

    #[test]
    fn plain_ascii_is_borrowed() {
        let n = Normalised::new("nothing to fold here (really)");
        assert!(matches!(n.text, Cow::Borrowed(_)));
        assert_eq!(n.original_range(3, 7), (3, 7));
    }

    #[test]
    fn folds_escapes() {
        assert_eq!(view(r"john\u0040contoso.com"), "john@contoso.com");
        assert_eq!(view("john%40contoso%2Ecom"), "john@contoso.com");
        assert_eq!(view("john&#64;contoso&period;com"), "john@contoso.com");
        assert_eq!(view("john&commat;contoso&#x2E;com"), "john@contoso.com");
        assert_eq!(view(r#"a\nb\"c\\d"#), "a b\"c\\d");
        assert_eq!(view(r"\ud83d\ude00"), "😀");
    }

    #[test]
    fn folds_unicode_evasions() {
        assert_eq!(view("john＠contoso．com"), "john@contoso.com");
        assert_eq!(view("micrоsoft.com"), "microsoft.com"); // Cyrillic о
        assert_eq!(view("jo\u{200B}hn@con\u{FEFF}toso.com"), "john@contoso.com");
        assert_eq!(view("jo\u{0301}hn"), "john");
        assert_eq!(view("café"), "cafe");
    }

    #[test]
    fn folds_bracketed_separators() {
        assert_eq!(view("jane(at)example[dot]org"), "jane@example.org");
        assert_eq!(
            view("jane { AT } example <dot> org"),
            "jane @ example . org"
        );
        assert_eq!(view("see (attached) [dotted]"), "see (attached) [dotted]");
    }

    #[test]
    fn maps_back_to_whole_units() {
        let original = r"mail: john\u0040con\u200btoso.com!";
        let n = Normalised::new(original);
        let start = n.text().find("john").unwrap();
        let end = n.text().find('!').unwrap();
        let (s, e) = n.original_range(start, end);
        assert_eq!(&original[s..e], r"john\u0040con\u200btoso.com");
        // A range ending on the escape covers all of it.
        let at = n.text().find('@').unwrap();
        let (s, e) = n.original_range(at, at + 1);
        assert_eq!(&original[s..e], r"\u0040");
    }

    #[test]
    fn maps_back_across_multibyte_folds() {
        let original = "x jöhn＠contoso．com y";
        let n = Normalised::new(original);
        assert_eq!(n.text(), "x john@contoso.com y");
        let (s, e) = n.original_range(2, n.text().len() - 2);
        assert_eq!(&original[s..e], "jöhn＠contoso．com");
    }

    #[test]
    fn broken_escapes_stay_as_they_are() {
        assert_eq!(
            view(r"100% sure \x &nope; %zz \u12"),
            r"100% sure \x &nope; %zz \u12"
        );
    }
}
