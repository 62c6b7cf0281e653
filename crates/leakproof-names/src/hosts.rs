//! Internal host names: names under private suffixes (`.local`, `.corp`),
//! UNC paths (`\\server\share`) and NetBIOS-style names in context.

use crate::tokens::{Kind, Tok};
use crate::{NameKind, NameSpan, lexicon};

#[inline]
fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// The first bytes of `suffixes` as a bit set over ASCII, for
/// [`find_suffixed`] to pass over a dot no suffix can follow (a sentence's
/// full stop, a version's `.0`) without trying each suffix.
pub(crate) fn first_bytes(suffixes: &[String]) -> u128 {
    suffixes
        .iter()
        .filter_map(|s| s.as_bytes().first())
        .filter(|b| b.is_ascii())
        .fold(0, |set, &b| set | 1 << b)
}

/// Host names ending in one of `suffixes` (lower-case, no leading dot),
/// whose first bytes are `firsts` (from [`first_bytes`]). Every `.` of
/// `text` is a punctuation token of `toks`.
pub(crate) fn find_suffixed(
    text: &str,
    toks: &[Tok],
    suffixes: &[String],
    firsts: u128,
    out: &mut Vec<NameSpan>,
) {
    let bytes = text.as_bytes();
    let mut skip_to = 0;
    let dots = toks
        .iter()
        // `punct` is 0 on words and numbers.
        .filter(|t| t.punct == b'.')
        .map(|t| t.start as usize);
    for dot in dots {
        if dot < skip_to || dot == 0 || !is_host_byte(bytes[dot - 1]) {
            continue;
        }
        let first = match bytes.get(dot + 1) {
            Some(b) => b.to_ascii_lowercase(),
            None => continue,
        };
        // Before the configured suffixes: `.ad` is not one of them.
        if first == b'a' {
            if let Some(start) = ad_domain(bytes, dot) {
                out.push(NameSpan {
                    kind: NameKind::InternalHostname,
                    start,
                    end: dot + 3,
                    confidence: 0.85,
                });
                skip_to = dot + 3;
                continue;
            }
        }
        if first >= 128 || firsts & (1 << first) == 0 {
            continue;
        }
        for suffix in suffixes {
            let s = suffix.as_bytes();
            if s.first() != Some(&first) {
                continue;
            }
            let end = dot + 1 + s.len();
            let Some(label) = bytes.get(dot + 1..end) else {
                continue;
            };
            if !label.eq_ignore_ascii_case(s) {
                continue;
            }
            // The suffix must end the name: `settings.local.json` and
            // `config.internal_timeout` are not hosts.
            match bytes.get(end) {
                Some(&b) if is_host_byte(b) => continue,
                Some(b'.')
                    if bytes
                        .get(end + 1)
                        .is_some_and(|&n| n.is_ascii_alphanumeric()) =>
                {
                    continue;
                }
                _ => {}
            }
            let mut start = dot;
            while start > 0 && (is_host_byte(bytes[start - 1]) || bytes[start - 1] == b'.') {
                start -= 1;
            }
            while start < dot && bytes[start] == b'.' {
                start += 1;
            }
            let name = &text[start..dot];
            // `4.2.local` (a version) and `Contoso.Core.Internal` (code) are not hosts.
            if name.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                || name.split('.').any(str::is_empty)
                || (label[0].is_ascii_uppercase() && label[1..].iter().any(u8::is_ascii_lowercase))
            {
                continue;
            }
            out.push(NameSpan {
                kind: NameKind::InternalHostname,
                start,
                end,
                confidence: 0.9,
            });
            skip_to = end;
            break;
        }
    }
}

/// Where a name ending in an Active Directory `.ad` suffix at `dot`
/// starts (`DC01.contoso.ad`, `jira.eng.ad`). As `.ad` is also Andorra's
/// domain, the name needs a host label and a domain label before it, in
/// lower case after the first, and neither `www` first nor a public
/// second level (`govern.ad`, `www.andorra.ad`, `shop.com.ad` are sites).
fn ad_domain(bytes: &[u8], dot: usize) -> Option<usize> {
    let label = bytes.get(dot + 1..dot + 3)?;
    if label != b"ad" && label != b"AD" {
        return None;
    }
    match bytes.get(dot + 3) {
        Some(&b) if is_host_byte(b) => return None,
        Some(b'.') if bytes.get(dot + 4).is_some_and(u8::is_ascii_alphanumeric) => return None,
        _ => {}
    }
    let mut start = dot;
    while start > 0 && (is_host_byte(bytes[start - 1]) || bytes[start - 1] == b'.') {
        start -= 1;
    }
    let name = &bytes[start..dot];
    let mut labels = name.split(|&b| b == b'.');
    let first = labels.next()?;
    let rest: Vec<&[u8]> = labels.collect();
    let domain = rest.last()?;
    let lower = |l: &&[u8]| {
        !l.is_empty()
            && l.iter().any(u8::is_ascii_lowercase)
            && l.iter()
                .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    // `CORP.ACME.AD`: a domain written in capitals throughout, as
    // Windows shows it.
    let upper = |l: &&[u8]| {
        !l.is_empty()
            && l.iter().any(u8::is_ascii_uppercase)
            && l.iter()
                .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
    };
    (!first.is_empty()
        && first[0].is_ascii_alphabetic()
        && !first.eq_ignore_ascii_case(b"www")
        && (rest.iter().all(lower) || (label == b"AD" && upper(&first) && rest.iter().all(upper)))
        && !lexicon::one_of(domain, &["com", "net", "org", "edu", "gob", "nom"]))
    .then_some(start)
}

/// Server names of UNC paths: `\\server\share`, also with doubled
/// (JSON-escaped) backslashes, and with a single one as the detector's
/// view shows a JSON-decoded `\\` once more (`\FS-FIN-02\payroll`): then
/// the name must stand after a blank or a quote and look like a host
/// (one case, with a digit or a dash, or all upper-case), so that
/// `C:\Users\Public` and `\Windows\Temp` are not taken.
pub(crate) fn find_unc(text: &str, out: &mut Vec<NameSpan>) {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(pos) = memchr::memchr(b'\\', &bytes[from..]) {
        let first = from + pos;
        let mut start = first;
        while start < bytes.len() && bytes[start] == b'\\' {
            start += 1;
        }
        from = start;
        let doubled = start - first >= 2;
        if !doubled {
            let before = first.checked_sub(1).map(|p| bytes[p]);
            if !before
                .is_none_or(|b| matches!(b, b' ' | b'\t' | b'\n' | b'"' | b'\'' | b'(' | b'['))
            {
                continue;
            }
        }
        let mut end = start;
        while end < bytes.len() && (is_host_byte(bytes[end]) || bytes[end] == b'.') {
            end += 1;
        }
        while end > start && bytes[end - 1] == b'.' {
            end -= 1;
        }
        if end - start < 2 {
            continue;
        }
        // `psexec \\HELPDESK-PC22 ipconfig`: a host alone after a doubled
        // backslash, where a command names a machine.
        if bytes.get(end) != Some(&b'\\') {
            let alone = bytes
                .get(end)
                .is_none_or(|&b| matches!(b, b' ' | b'\t' | b'\n' | b'"' | b'\'' | b',' | b')'));
            let name = &bytes[start..end];
            if doubled
                && alone
                && name[0].is_ascii_alphabetic()
                && name.iter().any(|b| b.is_ascii_digit() || *b == b'-')
                && single_slash_host(name)
            {
                out.push(NameSpan {
                    kind: NameKind::InternalHostname,
                    start,
                    end,
                    confidence: 0.8,
                });
                from = end;
            }
            continue;
        }
        if !doubled && !single_slash_host(&bytes[start..end]) {
            continue;
        }
        let mut share = end;
        while bytes.get(share) == Some(&b'\\') {
            share += 1;
        }
        if !bytes
            .get(share)
            .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'$' || b == b'_')
        {
            continue;
        }
        out.push(NameSpan {
            kind: NameKind::InternalHostname,
            start,
            end,
            confidence: 0.85,
        });
        from = end;
    }
}

/// Whether a name after a single backslash looks like a server: one case,
/// and a digit or a dash unless it is all upper-case.
fn single_slash_host(name: &[u8]) -> bool {
    let upper = name.iter().any(u8::is_ascii_uppercase);
    let lower = name.iter().any(u8::is_ascii_lowercase);
    let marked = name.iter().any(|b| b.is_ascii_digit() || *b == b'-');
    !(upper && lower) && (marked || (upper && name.len() >= 3))
}

/// The shape of a NetBIOS-style name: letters and digits with dashes,
/// 3 to 24 bytes, at least one letter, and a digit or a dash.
fn netbios_shape(word: &[u8]) -> bool {
    if word.len() < 3 || word.len() > 24 || word[0] == b'-' || word[word.len() - 1] == b'-' {
        return false;
    }
    let mut letters = 0;
    let mut digits = 0;
    let mut dashes = 0;
    let mut upper = 0;
    let mut lower = 0;
    for &b in word {
        match b {
            b'A'..=b'Z' => {
                letters += 1;
                upper += 1;
            }
            b'a'..=b'z' => {
                letters += 1;
                lower += 1;
            }
            b'0'..=b'9' => digits += 1,
            b'-' => dashes += 1,
            _ => return false,
        }
    }
    // One case only: `EMEA-Paris-Tier2` is a queue, not a host.
    letters > 0 && (digits > 0 || dashes > 0) && (upper == 0 || lower == 0)
}

/// Prefixes that make a word a well-known machine name on their own.
const MACHINE_PREFIXES: &[&str] = &["DESKTOP-", "LAPTOP-", "WIN-"];

/// Prefixes of identifiers shaped like host names but not hosts.
const NOT_HOSTS: &[&str] = &[
    "ISO-", "RFC-", "CVE-", "UTF-", "SHA-", "AES-", "TLS-", "SSL-", "COVID-", "WPA", "GPT-", "X-",
    "KB", "INC", "CS", "REQ", "CHG", "PRB", "RITM", "TASK", "UTC", "CASE-", "TKT-", "TICKET-",
];

/// Server role codes in machine names (`WKS-0457`, `PRINTSRV-MAD`,
/// `ts-farm-03`): two-letter codes stand as a whole dash part, longer
/// ones may start or end one (`DBNODE`, `SCCMDP`).
const ROLE_CODES_SHORT: &[&str] = &[
    "dc", "db", "fs", "ts", "lt", "pc", "ws", "hv", "vm", "dp", "ps",
];
const ROLE_CODES: &[&str] = &[
    "srv", "svr", "server", "sql", "prt", "print", "wks", "node", "app", "web", "exch", "mail",
    "sccm", "rds", "ctx", "esx", "esxi", "nas", "san", "proxy", "dns", "dhcp", "adfs", "file",
    "bkp", "backup", "jump", "bastion", "host", "vdi", "citrix", "ora", "mssql", "wsus", "kms",
    "prn",
];

/// A bit for an ASCII letter of either case (0 for other bytes).
const fn letter_bit(b: u8) -> u32 {
    if b.is_ascii_alphabetic() {
        1 << ((b | 0x20) - b'a')
    } else {
        0
    }
}

/// The first (`ROLE_FIRSTS`) and last (`ROLE_LASTS`) letters of the
/// [`ROLE_CODES`].
const ROLE_FIRSTS: u32 = role_letters(true);
const ROLE_LASTS: u32 = role_letters(false);

const fn role_letters(first: bool) -> u32 {
    let mut bits = 0;
    let mut k = 0;
    while k < ROLE_CODES.len() {
        let c = ROLE_CODES[k].as_bytes();
        bits |= letter_bit(if first { c[0] } else { c[c.len() - 1] });
        k += 1;
    }
    bits
}

/// Whether a dash part of `word` is a server role code, and some part is
/// neither a letter nor an English word (`e-mail`, `re-file` and
/// `web-based` are words).
fn role_part(word: &[u8]) -> bool {
    // The role codes first: they need no look-up, and most words have
    // none. A part's first and last letters tell which codes it can hold.
    let role = word.split(|&b| b == b'-').any(|part| {
        // `HRAPP01`: a suffix code stands before the number.
        let letters =
            &part[..part.len() - part.iter().rev().take_while(|b| b.is_ascii_digit()).count()];
        let (Some(&first), Some(&last)) = (part.first(), letters.last()) else {
            return false;
        };
        // `nyc-dc01`: a short code may stand before its number too.
        ((part.len() == 2 || (letters.len() == 2 && part.len() > 2))
            && ROLE_CODES_SHORT
                .iter()
                .any(|c| letters.eq_ignore_ascii_case(c.as_bytes())))
            || (ROLE_FIRSTS & letter_bit(first) != 0
                && ROLE_CODES.iter().any(|c| {
                    let c = c.as_bytes();
                    part.len() >= c.len() && part[..c.len()].eq_ignore_ascii_case(c)
                }))
            || (ROLE_LASTS & letter_bit(last) != 0
                && ROLE_CODES.iter().any(|c| {
                    let c = c.as_bytes();
                    letters.len() >= c.len()
                        && letters[letters.len() - c.len()..].eq_ignore_ascii_case(c)
                }))
            // `ADDC03`, `HRDB02`: a domain controller, database or file
            // server code ending the letters before a number.
            || (letters.len() > 2
                && letters.len() < part.len()
                && lexicon::one_of(&letters[letters.len() - 2..], &["dc", "db", "fs"]))
    });
    if !role {
        return false;
    }
    // `SQL-2019`, `Exchange-2016`: a product and its year.
    let parts = word.split(|&b| b == b'-').count();
    let year = |p: &[u8]| {
        p.len() == 4
            && p.iter().all(u8::is_ascii_digit)
            && (p.starts_with(b"19") || p.starts_with(b"20"))
    };
    if parts == 2 && word.split(|&b| b == b'-').any(year) {
        return false;
    }
    word.split(|&b| b == b'-').any(|part| {
        part.len() >= 2
            && (part.iter().any(u8::is_ascii_digit)
                || lexicon::classes_hashed(lexicon::key_hash(part)) & lexicon::ENGLISH == 0)
    })
}

/// Nouns after a name that make it a queue, team or project, not a host.
fn group_noun_after(text: &str, toks: &[Tok], i: usize) -> bool {
    toks.get(i + 1).is_some_and(|t| {
        t.kind == Kind::Word && {
            let w = &text[t.start as usize..t.end as usize];
            [
                "queue", "team", "group", "channel", "list", "project", "board", "region",
            ]
            .iter()
            .any(|n| n.eq_ignore_ascii_case(w))
        }
    })
}

/// NetBIOS-style names after a host cue (`server SRV-EXCH-01`, `hostname:
/// APPSRV12`), and well-shaped multi-part names (`FIN-LT-0231`) anywhere,
/// among the tokens `candidates` of `toks`.
pub(crate) fn find_netbios(
    text: &str,
    toks: &[Tok],
    candidates: std::ops::Range<usize>,
    out: &mut Vec<NameSpan>,
) {
    for (i, tok) in toks
        .iter()
        .enumerate()
        .take(candidates.end)
        .skip(candidates.start)
    {
        // A host name needs a digit (a number token) or a dash, and the
        // shape below a letter, which most numbers lack: one flag tells.
        if !tok.host_word() {
            continue;
        }
        let word = &text.as_bytes()[tok.start as usize..tok.end as usize];
        if !netbios_shape(word) {
            continue;
        }
        // Part of a dotted name, a path or a URL: handled elsewhere or not a host.
        let before = tok
            .start
            .checked_sub(1)
            .map(|p| text.as_bytes()[p as usize]);
        let after = text.as_bytes().get(tok.end as usize).copied();
        let db_url = before == Some(b'/') && db_url_host(text, toks, i, word);
        // `http://WSUS01:8530`: a web URL's host of one label with a port,
        // or with a server's role, is on the local network (not an S3
        // bucket, `s3://LOGS2024`).
        let url_host = before == Some(b'/')
            && {
                let head = &text.as_bytes()[..tok.start as usize];
                head.ends_with(b"http://") || head.ends_with(b"https://")
            }
            && word[0].is_ascii_alphabetic()
            && (after == Some(b':') || (server_shaped(word) && role_part(word)));
        // The host of a database or web URL: not skipped as a path's part,
        // and cued.
        let url_named = db_url || url_host;
        if (matches!(
            before,
            Some(b'.' | b'/' | b'\\' | b'@' | b'_' | b'#' | b'$')
        ) && !url_named)
            || matches!(after, Some(b'/' | b'@' | b'_'))
            // `Server=SQLPROD03\INST1` and `sqlserver://SQLPROD03\INST1` name an
            // instance on the host.
            || (after == Some(b'\\')
                && before != Some(b'=')
                && !url_named
                // `sqlcmd -S RPTSQL01\SQLEXPRESS`: a server's shape names
                // the host of an instance.
                && !(word.iter().all(|b| !b.is_ascii_lowercase())
                    && server_shaped(word)
                    && role_part(word)))
            || (after == Some(b'.')
                && text
                    .as_bytes()
                    .get(tok.end as usize + 1)
                    .is_some_and(u8::is_ascii_alphanumeric))
        {
            continue;
        }
        // `ORA-12154`, `SQL-1045`: an error code, not a host, unless a
        // host cue says otherwise.
        if tok.dash() && error_code(word) && !host_cue_before(text, toks, i) {
            continue;
        }
        let upper = word.iter().all(|b| !b.is_ascii_lowercase());
        let digit = word.iter().any(u8::is_ascii_digit);
        // A dashed name with a role code after `on`, `to` or a host cue
        // (`failover to DBNODE-B`, `RDP to ts-farm-03`).
        let role = tok.dash()
            && word.len() >= 5
            && (preposition_before(text, toks, i) || host_cue_before(text, toks, i))
            && role_part(word)
            && !group_noun_after(text, toks, i);
        // `nslookup wsus01`, `ping FILESERVER2`: a network command's
        // argument is a host; four letters and a final digit make its shape.
        let commanded = command_before(text, toks, i)
            && (server_shaped(word) || (upper && final_digit_name(word)));
        // `Nov 21 03:12:45 mon01 kernel:`: the host field of a syslog line,
        // in lower case too where the time follows a date (a time in prose,
        // `at 12:00:01 step2`, does not).
        let logged = !upper
            && syslog_host(toks, i)
            && i >= 6
            && toks[i - 6].kind == Kind::Num
            && final_digit_name(word);
        // `relay mailrelay01`: after a host cue word, a server's shape in
        // lower case too; after `to` or `on`, with a role code (`points to
        // sapapp02`).
        // (Two trailing digits first: most lower-case candidates lack them.)
        let cue_shaped = !upper
            && word.len() >= 6
            && word[word.len() - 2..].iter().all(u8::is_ascii_digit)
            && server_shaped(word)
            && (host_cue_before(text, toks, i)
                || (preposition_before(text, toks, i) && role_part(word)));
        // A lower-case name needs a dash and a digit, and a cue.
        if !(upper || (tok.dash() && digit) || role || commanded || cue_shaped || logged) {
            continue;
        }
        let machine = upper
            && MACHINE_PREFIXES
                .iter()
                .any(|p| word.starts_with(p.as_bytes()));
        // The cheap tests first: most candidates are short ids and dates.
        let shaped = upper
            && word.len() >= 8
            && word[0].is_ascii_alphabetic()
            && word.split(|&b| b == b'-').count() >= 3
            && word
                .split(|&b| b == b'-')
                .filter(|p| p.iter().any(u8::is_ascii_alphabetic))
                .count()
                >= 2
            && (word
                .rsplit(|&b| b == b'-')
                .next()
                .is_some_and(|last| last.iter().any(u8::is_ascii_digit))
                // `PRN-2F-COLOR`: a role code first names the machine.
                || word
                    .split(|&b| b == b'-')
                    .next()
                    .is_some_and(|first| lexicon::one_of(first, ROLE_CODES)));
        // `WSUS01 not handing out updates`, `nyc-dc01 is not replicating`:
        // a server's shape with its role needs no cue; nor does the host
        // field of a syslog line.
        // (Timestamps such as `2024-03-06T10` start with a digit: a name
        // starts with a letter, checked first as it is cheapest.)
        let numbered = word[0].is_ascii_alphabetic()
            && word.iter().rev().take_while(|b| b.is_ascii_digit()).count() >= 2;
        let cued = role
            // `DC03 event log shows`: a short role code and two or three digits.
            || (upper && numbered && word.len() <= 5 && short_coded(word))
            || (upper && numbered && server_shaped(word) && role_part(word))
            || (tok.dash() && numbered && role_part(word))
            || syslog_host(toks, i)
            || host_cue_before(text, toks, i)
            || (upper
                && preposition_before(text, toks, i)
                && (server_shaped(word)
                    || (word.len() >= 7 && role_part(word))
                    || short_coded(word)));
        let cued = cued || commanded || cue_shaped || url_named || logged;
        // Most candidates (dates, ids) end here, before the prefix list.
        if !(cued || machine || shaped) {
            continue;
        }
        if upper
            && NOT_HOSTS.iter().any(|p| {
                word.len() >= p.len() && word[..p.len()].eq_ignore_ascii_case(p.as_bytes())
            })
        {
            continue;
        }
        // After a cue, a lower-case name needs both a dash and a digit.
        // `node:20-alpine` is an image tag: a name starts with a letter.
        let cued_ok = cued
            && word[0].is_ascii_alphabetic()
            && (upper
                || (word.contains(&b'-') && digit)
                || role
                || commanded
                || cue_shaped
                || logged)
            && !word.iter().all(|b| b.is_ascii_digit() || *b == b'-');
        if cued_ok
            || machine
            || (shaped && !group_noun_after(text, toks, i) && !id_label_before(text, toks, i))
        {
            out.push(NameSpan {
                kind: NameKind::InternalHostname,
                start: tok.start as usize,
                end: tok.end as usize,
                confidence: if cued_ok || machine { 0.85 } else { 0.7 },
            });
        }
    }
}

/// `ORA-12154`, `SQL-1045`, `ERR-404`: an error code's prefix, a dash
/// and digits only.
#[inline]
fn error_code(word: &[u8]) -> bool {
    word.iter().position(|&b| b == b'-').is_some_and(|dash| {
        all_digits(&word[dash + 1..])
            && lexicon::one_of(
                &word[..dash],
                &["ora", "sql", "err", "error", "pls", "tns", "sqlstate", "e"],
            )
    })
}

#[inline]
fn all_digits(w: &[u8]) -> bool {
    !w.is_empty() && w.iter().all(u8::is_ascii_digit)
}

/// `LICSRV`, `BUILDSRV`: an upper-case word ending in a server role code,
/// with no digit or dash (so not a [`Tok::host_word`]); the name shape
/// alone is rare enough in prose to need no cue.
#[inline]
pub(crate) fn srv_named(word: &[u8]) -> bool {
    word.len() >= 6
        && word.len() <= 15
        && (word.ends_with(b"SRV") || word.ends_with(b"SVR"))
        && word.iter().all(u8::is_ascii_uppercase)
}

/// Whether a label of a product or part number stands before token `i`
/// (`SKU WX-4410-BLK-64`, `part no. AB-12-CD-3`).
fn id_label_before(text: &str, toks: &[Tok], i: usize) -> bool {
    toks[i.saturating_sub(3)..i].iter().any(|t| {
        t.kind == Kind::Word
            && lexicon::one_of(
                t.bytes(text),
                &[
                    "sku", "part", "model", "item", "product", "pn", "mpn", "serial", "article",
                    "queue", "team", "group", "channel", "project",
                ],
            )
    })
}

/// Whether token `i` follows a `HH:MM:SS` time as the host of a syslog
/// line (`Nov 21 03:12:44 backup-srv-01 rsync[881]: ...`).
fn syslog_host(toks: &[Tok], i: usize) -> bool {
    i >= 5
        && toks[i - 1].kind == Kind::Num
        && toks[i - 2].punct == b':'
        && toks[i - 3].kind == Kind::Num
        && toks[i - 4].punct == b':'
        && toks[i - 5].kind == Kind::Num
        && toks[i].space()
        && toks[i - 1].end - toks[i - 1].start == 2
}

/// Whether token `i`, `word`, is the bare host of a database URL
/// (`jdbc:sqlserver://SQLCLUSTER01\\INST2`, `mysql://db01:3306`): a
/// server's shape in upper case straight after a database scheme's
/// `://`. Other schemes' first parts (`s3://logs-2024`) are buckets or
/// public sites, so only these.
fn db_url_host(text: &str, toks: &[Tok], i: usize, word: &[u8]) -> bool {
    i >= 4
        && word.iter().all(|b| !b.is_ascii_lowercase())
        && server_shaped(word)
        && toks[i - 1].punct == b'/'
        && toks[i - 2].punct == b'/'
        && toks[i - 3].punct == b':'
        && toks[i - 4].kind == Kind::Word
        && toks[i - 1].start + 1 == toks[i].start
        && toks[i - 3].start + 3 == toks[i].start
        && lexicon::one_of(
            toks[i - 4].bytes(text),
            &[
                "sqlserver",
                "mysql",
                "postgresql",
                "postgres",
                "mariadb",
                "oracle",
                "db2",
                "mongodb",
            ],
        )
}

/// `DC01`, `FS2`: a two-letter role code and a number.
fn short_coded(word: &[u8]) -> bool {
    word.len() <= 6
        && word.len() >= 3
        && word[2..].iter().all(u8::is_ascii_digit)
        && ROLE_CODES_SHORT
            .iter()
            .any(|c| word[..2].eq_ignore_ascii_case(c.as_bytes()))
}

/// `SQLPROD03`, `APPSRV12`, `XA-DDC01`, `EXCH2016-02`: four or more
/// letters and a number of two or more digits at the end, the shape of a
/// server's name (`SHA256`, `ISO27001`, `H264` have fewer letters).
fn server_shaped(word: &[u8]) -> bool {
    let letters = word.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let trailing_digits = word.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    letters >= 4 && trailing_digits >= 2 && word[0].is_ascii_alphabetic()
}

/// `FILESERVER2`, `mon01`: a name of letters (three or more) with a
/// number at its end, as hosts are numbered.
fn final_digit_name(word: &[u8]) -> bool {
    let digits = word.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    let letters = word.iter().filter(|b| b.is_ascii_alphabetic()).count();
    digits >= 1 && letters >= 3 && word[0].is_ascii_alphabetic()
}

/// `on X`, `to X`, `from X`, `rebooted X`: where a server is named in
/// passing (`restarted the spooler on APPSRV12`, `RDP to SQLPROD03`).
fn preposition_before(text: &str, toks: &[Tok], i: usize) -> bool {
    i.checked_sub(1).is_some_and(|j| {
        let t = &toks[j];
        t.kind == Kind::Word && {
            let word = &text[t.start as usize..t.end as usize];
            [
                "on",
                "to",
                "from",
                "via",
                "onto",
                "rebooted",
                "restarted",
                "reboot",
                "restart",
                "patched",
                "pinged",
                "ping",
                "into",
                "against",
            ]
            .iter()
            .any(|w| w.eq_ignore_ascii_case(word))
        }
    })
}

/// Whether a network command stands just before token `i` (`nslookup
/// wsus01`, `ssh build02`).
fn command_before(text: &str, toks: &[Tok], i: usize) -> bool {
    i.checked_sub(1).is_some_and(|j| {
        toks[j].kind == Kind::Word
            && lexicon::one_of(
                toks[j].bytes(text),
                &[
                    "nslookup",
                    "ping",
                    "ssh",
                    "rdp",
                    "mstsc",
                    "telnet",
                    "tracert",
                    "traceroute",
                ],
            )
    })
}

/// Whether a host cue word stands just before token `i` (`server X`,
/// `hostname: X`, `hostname=X`, `server named X`, `machine name is X`).
fn host_cue_before(text: &str, toks: &[Tok], i: usize) -> bool {
    let mut j = i;
    let mut steps = 0;
    while j > 0 && steps < 4 {
        j -= 1;
        steps += 1;
        let t = &toks[j];
        match t.kind {
            Kind::Punct if matches!(t.punct, b':' | b'=') => continue,
            Kind::Word if t.cur(text) & lexicon::HOST_CUE != 0 => return true,
            // `Data Source=ORA-RAC2`: a connection string's server key.
            Kind::Word
                if steps == 2
                    && j > 0
                    && t.bytes(text).eq_ignore_ascii_case(b"source")
                    && toks[j - 1].bytes(text).eq_ignore_ascii_case(b"data")
                    && toks[j + 1].punct == b'=' =>
            {
                return true;
            }
            Kind::Word => {
                let word = &text[t.start as usize..t.end as usize];
                if !["name", "named", "is", "called", "the", "our"]
                    .iter()
                    .any(|w| w.eq_ignore_ascii_case(word))
                {
                    return false;
                }
            }
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The NetBIOS-style names [`find_netbios`] finds in `text`.
    fn netbios_in(text: &str) -> Vec<String> {
        let mut toks = Vec::new();
        crate::tokens::tokenize(text, &mut toks);
        let mut out = Vec::new();
        find_netbios(text, &toks, 0..toks.len(), &mut out);
        out.iter()
            .map(|s| text[s.start..s.end].to_string())
            .collect()
    }

    #[test]
    fn suffixes_end_the_name() {
        let suffixes = vec!["local".to_string(), "corp".to_string()];
        let firsts = first_bytes(&suffixes);
        let find = |text: &str| {
            let mut toks = Vec::new();
            crate::tokens::tokenize(text, &mut toks);
            let mut out = Vec::new();
            find_suffixed(text, &toks, &suffixes, firsts, &mut out);
            out
        };
        let out = find("see dc01.corp.contoso.local now");
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].start, out[0].end), (4, 27));
        assert!(find("settings.local.json and 4.2.local").is_empty());
        let out = find("DC01.contoso.ad shows errors, also jira.eng.ad.");
        let got: Vec<&str> = out
            .iter()
            .map(|s| &"DC01.contoso.ad shows errors, also jira.eng.ad."[s.start..s.end])
            .collect();
        assert_eq!(got, ["DC01.contoso.ad", "jira.eng.ad"]);
        assert!(find("see www.andorra.ad, govern.ad and shop.com.ad or Foo.Bar.ad").is_empty());
        let text = "Joined the laptop to CORP.ACME.AD but not WWW.ANDORRA.AD or GOVERN.AD";
        let got: Vec<&str> = find(text).iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(got, ["CORP.ACME.AD"]);
    }

    #[test]
    fn role_coded_names_after_a_preposition() {
        let find = netbios_in;
        assert_eq!(find("a failover to DBNODE-B at 02:13"), ["DBNODE-B"]);
        assert_eq!(
            find("jdbc:sqlserver://SQLCLUSTER01\\INST2;databaseName=CRM"),
            ["SQLCLUSTER01"]
        );
        assert!(find("s3://LOGS2024/raw and https://SHOP2024/ and sqlserver://db-01x").is_empty());
        assert_eq!(find("RDP to ts-farm-03 froze"), ["ts-farm-03"]);
        assert_eq!(find("the queue on PRINTSRV-MAD"), ["PRINTSRV-MAD"]);
        for text in [
            "send it to e-mail please",
            "switch to web-based login",
            "upgrade to SQL-2019 soon",
            "assigned to DB-ADMINS team",
            "SKU WX-4410-BLK-64 is out of stock",
            "Built on WEB3 tech.",
        ] {
            assert!(find(text).is_empty(), "{text}");
        }
        // Role codes in one word, server verbs, SQL instances.
        assert_eq!(
            find("Restore failed on SQLCLUSTER2 last night"),
            ["SQLCLUSTER2"]
        );
        assert_eq!(find("Rebooted HYPERV-HOST3 at 02:15"), ["HYPERV-HOST3"]);
        assert_eq!(
            find(r"Server=SQLPROD03\INST1;Database=Billing"),
            ["SQLPROD03"]
        );
        assert_eq!(find("WSUS01 not handing out updates"), ["WSUS01"]);
        assert_eq!(find("Is HRAPP01 being decommissioned?"), ["HRAPP01"]);
        assert_eq!(find("Please reboot DC01, users can't log in."), ["DC01"]);
        assert_eq!(find("Slow logons; DC03 event log shows errors."), ["DC03"]);
        assert_eq!(
            find("restarted the spooler on ps-02 and the queue"),
            ["ps-02"]
        );
        assert_eq!(
            find("Nov 21 03:12:44 backup-srv-01 rsync[881]: error"),
            ["backup-srv-01"]
        );
        assert!(find("Docker image node:20-alpine fails to build").is_empty());
        // A short code before its number, a role code first.
        assert_eq!(find("nyc-dc01 is not replicating"), ["nyc-dc01"]);
        assert_eq!(
            find("shows up as PRN-2F-COLOR in the list"),
            ["PRN-2F-COLOR"]
        );
        assert!(find("shows up as ABC-2F-COLOR in the list").is_empty());
        // Error codes need a host cue.
        assert!(find("Error: ORA-12154: TNS:could not resolve").is_empty());
        assert!(find("failed with SQL-1045 again").is_empty());
        assert_eq!(find("server ORA-01 is down"), ["ORA-01"]);
        // After a host cue word, a server's shape in lower case.
        assert_eq!(
            find("smtp relay mailrelay01 refused connection"),
            ["mailrelay01"]
        );
        assert!(find("the relay mailrelay refused").is_empty());
        assert_eq!(
            find("the client points to sapapp02 on port 3200"),
            ["sapapp02"]
        );
        assert!(find("the client points to version10 on port 3200").is_empty());
        assert!(find("the price of version10 went up").is_empty());
    }

    #[test]
    fn log_fields_commands_and_connection_strings() {
        let find = netbios_in;
        assert_eq!(
            find("Mar 03 02:11:45 backup01 rsyncd[2231]: connect"),
            ["backup01"]
        );
        assert!(find("ran at 12:00:01 step2 of the job").is_empty());
        assert_eq!(find("nslookup FILESERVER2 returns"), ["FILESERVER2"]);
        assert!(find("please check FILESERVER2 returns").is_empty());
        assert_eq!(
            find("Data Source=ORA-RAC2;User Id=reporting;"),
            ["ORA-RAC2"]
        );
        assert!(find("Open Source=ORA-RAC2 is a code").is_empty());
        assert!(find("P1 response exceeded 15 minutes on CASE-77120.").is_empty());
    }

    #[test]
    fn server_words_without_digits() {
        assert!(srv_named(b"LICSRV"));
        assert!(srv_named(b"BUILDSRV"));
        assert!(!srv_named(b"SRV"));
        assert!(!srv_named(b"LicSrv"));
        assert!(!srv_named(b"OBSERVER"));
    }

    #[test]
    fn unc_server_names() {
        let mut out = Vec::new();
        find_unc(r"on \\FS-FIN-02\payroll and \\?\Volume", &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].start, out[0].end), (5, 14));
        out.clear();
        // The detector's view of a JSON-decoded `\\\\FS-FIN-02`.
        find_unc(r"on \FS-FIN-02\payroll", &mut out);
        assert_eq!(out.len(), 1);
        out.clear();
        find_unc(r"in C:\Users\Public and \Windows\Temp", &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn servers_in_urls_instances_commands_and_role_suffixes() {
        let find = |text: &str| {
            let mut out = Vec::new();
            crate::NameFinder::new(crate::NamesConfig::default())
                .expect("default config")
                .find(text, &mut out);
            out
        };
        for (text, host) in [
            (
                "The primary DC, ADDC02, replicated fine but ADDC03 is lagging.",
                "ADDC03",
            ),
            (
                "Outlook keeps prompting for a password against CASARRAY01.",
                "CASARRAY01",
            ),
            ("sqlcmd -S RPTSQL01\\SQLEXPRESS -E", "RPTSQL01"),
            ("WSUS at http://WSUS01:8530 not reachable", "WSUS01"),
            ("psexec \\\\HELPDESK-PC22 ipconfig /all", "HELPDESK-PC22"),
        ] {
            let got: Vec<&str> = find(text).iter().map(|s| &text[s.start..s.end]).collect();
            assert!(got.contains(&host), "{text}: {got:?}");
        }
        for text in [
            "see http://localhost:8080/",
            "C:\\WINDOWS\\SYSTEM32",
            "match \\d+ here",
        ] {
            assert!(find(text).is_empty(), "{text}");
        }
    }
}
