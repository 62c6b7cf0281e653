//! memcached over its text protocol: `version`, `stats`, `stats items`, and
//! a sample through `stats cachedump` and `get`. Never a write.

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
    for (index, (slab, _)) in slabs.iter().take(MAX_SLABS).enumerate() {
        let dump = lines(&mut conn, &format!("stats cachedump {slab} {sample}")).await?;
        let keys: Vec<&str> = dump
            .iter()
            .filter_map(|l| l.strip_prefix("ITEM "))
            .filter_map(|l| l.split(' ').next())
            .take(sample)
            .collect();
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
    }
}
