//! memcached over its text protocol: `version`, `stats`, `stats items`, and
//! a sample through `stats cachedump` and `get`. Never a write.

use std::collections::BTreeMap;

use crate::net::{Conn, Parsed, ProbeError};
use crate::observation::{Access, Observation, Resource, SampleStats};
use crate::session::Session;

/// Slabs sampled at most.
const MAX_SLABS: usize = 64;

/// Reads lines up to and including a terminating `END` line (or an error line).
pub(crate) fn parse_until_end(buf: &[u8]) -> Parsed<Vec<String>> {
    let mut lines = Vec::new();
    let mut at = 0;
    while let Some(pos) = buf[at..].windows(2).position(|w| w == b"\r\n") {
        let line = String::from_utf8_lossy(&buf[at..at + pos]).into_owned();
        at += pos + 2;
        let done = line == "END"
            || line == "ERROR"
            || line.starts_with("CLIENT_ERROR")
            || line.starts_with("SERVER_ERROR");
        lines.push(line);
        if done {
            return Ok(Some((lines, at)));
        }
    }
    Ok(None)
}

/// Parses a `get` reply: `VALUE key flags bytes` headers, data blocks, `END`.
pub(crate) fn parse_values(buf: &[u8]) -> Parsed<Vec<(String, Vec<u8>)>> {
    let mut values = Vec::new();
    let mut at = 0;
    loop {
        let Some(pos) = buf[at..].windows(2).position(|w| w == b"\r\n") else {
            return Ok(None);
        };
        let line = String::from_utf8_lossy(&buf[at..at + pos]).into_owned();
        at += pos + 2;
        if line == "END" {
            return Ok(Some((values, at)));
        }
        if line == "ERROR" || line.contains("_ERROR") {
            return Err(format!(
                "get refused: {}",
                line.chars().take(60).collect::<String>()
            ));
        }
        let mut parts = line.split(' ');
        let (Some("VALUE"), Some(key), Some(_flags), Some(bytes)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("expected VALUE or END".into());
        };
        let bytes: usize = bytes.parse().map_err(|_| "bad VALUE length".to_string())?;
        let end = at.checked_add(bytes).ok_or("bad VALUE length")?;
        if buf.len() < end + 2 {
            return Ok(None);
        }
        values.push((key.to_string(), buf[at..end].to_vec()));
        at = end + 2;
    }
}

fn parse_line(buf: &[u8]) -> Parsed<String> {
    match buf.windows(2).position(|w| w == b"\r\n") {
        Some(pos) => Ok(Some((
            String::from_utf8_lossy(&buf[..pos]).into_owned(),
            pos + 2,
        ))),
        None => Ok(None),
    }
}

/// One line ended by LF, with any CR trimmed: metadump ends its key lines
/// with a bare LF.
pub(crate) fn parse_lf_line(buf: &[u8]) -> Parsed<String> {
    match buf.iter().position(|b| *b == b'\n') {
        Some(pos) => {
            let line = buf[..pos].strip_suffix(b"\r").unwrap_or(&buf[..pos]);
            Ok(Some((String::from_utf8_lossy(line).into_owned(), pos + 1)))
        }
        None => Ok(None),
    }
}

/// Does memcached answer `version` here?
pub(crate) async fn answers(session: &Session<'_>) -> Result<bool, ProbeError> {
    let mut conn = session.connect("memcached").await?;
    conn.send(b"version\r\n").await?;
    Ok(conn
        .read_frame(parse_line)
        .await
        .is_ok_and(|line| line.starts_with("VERSION ")))
}

async fn lines(conn: &mut Conn, command: &str) -> Result<Vec<String>, ProbeError> {
    conn.send(format!("{command}\r\n").as_bytes()).await?;
    conn.read_frame(parse_until_end).await
}

/// Probes a memcached endpoint.
pub(crate) async fn probe(
    session: &Session<'_>,
    observation: &mut Observation,
) -> Result<(), ProbeError> {
    let mut conn = session.connect("memcached").await?;
    let stats = lines(&mut conn, "stats").await?;
    if stats.first().is_some_and(|l| !l.starts_with("STAT ")) {
        // The text protocol with SASL enabled refuses everything until auth.
        observation.service = Some("memcached");
        observation.access = Some(Access::Locked {
            detail: "the server refused `stats`".into(),
        });
        return Ok(());
    }
    observation.service = Some("memcached");
    observation.access = Some(Access::Open);
    for line in &stats {
        let mut parts = line.splitn(3, ' ');
        if let (Some("STAT"), Some(name), Some(value)) = (parts.next(), parts.next(), parts.next())
        {
            match name {
                "version" => observation.version = Some(value.to_string()),
                "curr_items" | "bytes" | "curr_connections" => {
                    if let Ok(n) = value.parse::<u64>() {
                        observation.fact(name, n);
                        if name == "curr_items" && n > 0 {
                            observation.serves_data = true;
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let items = lines(&mut conn, "stats items").await?;
    let mut slabs: Vec<(u32, u64)> = Vec::new();
    for line in &items {
        // STAT items:<slab>:number <count>
        let Some(rest) = line.strip_prefix("STAT items:") else {
            continue;
        };
        let Some((slab, rest)) = rest.split_once(':') else {
            continue;
        };
        if let Some(count) = rest.strip_prefix("number ")
            && let (Ok(slab), Ok(count)) = (slab.parse::<u32>(), count.trim().parse::<u64>())
        {
            slabs.push((slab, count));
        }
    }
    for (slab, count) in slabs.iter().take(MAX_SLABS) {
        observation
            .resources
            .push(Resource::new("slab", format!("slab {slab}")).with("items", *count));
    }
    let sample = session.options.sample;
    if sample == 0 {
        return Ok(());
    }
    let slabs: Vec<(u32, u64)> = slabs.into_iter().take(MAX_SLABS).collect();
    let wanted: usize = slabs
        .iter()
        .map(|(_, count)| usize::try_from(*count).unwrap_or(usize::MAX).min(sample))
        .sum();
    let patience = (session.options.timeout / 4).min(METADUMP_PATIENCE);
    let give_up = tokio::time::Instant::now() + patience;
    let mut metadump = Metadump::Busy;
    while tokio::time::Instant::now() < give_up {
        metadump = metadump_keys(session, sample, wanted).await?;
        if !matches!(metadump, Metadump::Busy) {
            break;
        }
        // One crawler runs at a time (another client, or a concurrent probe
        // of this server): wait for it briefly.
        tokio::time::sleep(METADUMP_RETRY).await;
    }
    let mut by_slab = match metadump {
        Metadump::Keys(keys) => keys,
        Metadump::Busy | Metadump::Unsupported => cachedump_keys(&mut conn, &slabs, sample).await?,
    };
    for (index, (slab, _)) in slabs.iter().enumerate() {
        let keys = by_slab.remove(slab).unwrap_or_default();
        if keys.is_empty() {
            continue;
        }
        conn.send(format!("get {}\r\n", keys.join(" ")).as_bytes())
            .await?;
        let values = conn.read_frame(parse_values).await?;
        let mut stats = SampleStats::default();
        for (key, value) in values {
            let text = format!("{key}\n{}", String::from_utf8_lossy(&value));
            stats.add_document(session.detector, &text);
        }
        observation.resources[index].sample = Some(stats);
    }
    Ok(())
}

/// Lines of a metadump read at most, so a cache of millions of keys is
/// never read in full.
const MAX_METADUMP_LINES: usize = 100_000;

/// How long to wait at most for a busy crawler (and at most a quarter of
/// the per-target timeout).
const METADUMP_PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);
/// Pause between those attempts.
const METADUMP_RETRY: std::time::Duration = std::time::Duration::from_millis(50);

/// What `lru_crawler metadump` gave.
enum Metadump {
    /// Keys by slab class.
    Keys(BTreeMap<u32, Vec<String>>),
    /// Another crawl is running.
    Busy,
    /// The server does not know the command.
    Unsupported,
}

/// Up to `sample` keys per slab class from `lru_crawler metadump all`, which
/// sees every LRU segment (`stats cachedump` sees only the hot one, so
/// recently moved items are missed).
async fn metadump_keys(
    session: &Session<'_>,
    sample: usize,
    wanted: usize,
) -> Result<Metadump, ProbeError> {
    // Its own connection: it is dropped as soon as enough keys are in,
    // without reading the rest of the dump.
    let mut conn = session.connect("memcached").await?;
    conn.send(b"lru_crawler metadump all\r\n").await?;
    let mut keys: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut found = 0;
    for _ in 0..MAX_METADUMP_LINES {
        let line = conn.read_frame(parse_lf_line).await?;
        if line == "END" || found >= wanted {
            break;
        }
        if line.starts_with("BUSY") {
            return Ok(Metadump::Busy);
        }
        if line.starts_with("ERROR") || line.contains("_ERROR") {
            return Ok(Metadump::Unsupported);
        }
        let mut key = None;
        let mut class = None;
        for field in line.split(' ') {
            if let Some(k) = field.strip_prefix("key=") {
                key = Some(percent_decode(k));
            } else if let Some(c) = field.strip_prefix("cls=") {
                class = c.parse::<u32>().ok();
            }
        }
        if let (Some(key), Some(class)) = (key, class) {
            let slot = keys.entry(class).or_default();
            if slot.len() < sample && !key.contains([' ', '\r', '\n']) {
                slot.push(key);
                found += 1;
            }
        }
    }
    Ok(Metadump::Keys(keys))
}

/// Up to `sample` keys per slab from `stats cachedump` (older servers).
async fn cachedump_keys(
    conn: &mut Conn,
    slabs: &[(u32, u64)],
    sample: usize,
) -> Result<BTreeMap<u32, Vec<String>>, ProbeError> {
    let mut keys = BTreeMap::new();
    for (slab, _) in slabs {
        let dump = lines(conn, &format!("stats cachedump {slab} {sample}")).await?;
        let slab_keys: Vec<String> = dump
            .iter()
            .filter_map(|l| l.strip_prefix("ITEM "))
            .filter_map(|l| l.split(' ').next())
            .take(sample)
            .map(str::to_string)
            .collect();
        keys.insert(*slab, slab_keys);
    }
    Ok(keys)
}

/// Decodes the `%XX` escapes metadump uses in key names.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stats_and_values() {
        let (lines, used) = parse_until_end(b"STAT pid 1\r\nEND\r\nrest")
            .unwrap()
            .unwrap();
        assert_eq!(lines, ["STAT pid 1", "END"]);
        assert_eq!(used, 17);
        assert_eq!(parse_until_end(b"STAT pid 1\r\n").unwrap(), None);
        let (values, _) = parse_values(b"VALUE k 0 3\r\nabc\r\nEND\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(values, [("k".to_string(), b"abc".to_vec())]);
        assert_eq!(parse_values(b"VALUE k 0 30\r\nabc").unwrap(), None);
        assert!(parse_values(b"BOGUS\r\n").is_err());
        assert_eq!(
            parse_lf_line(b"key=a cls=1\nEND\r\n").unwrap(),
            Some(("key=a cls=1".to_string(), 12))
        );
        assert_eq!(
            parse_lf_line(b"END\r\n").unwrap(),
            Some(("END".to_string(), 5))
        );
        assert_eq!(percent_decode("session%3A1%zz%4"), "session:1%zz%4");
    }
}
