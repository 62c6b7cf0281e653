//! Redis over RESP: PING, INFO, and sampling with SCAN plus type-aware reads.
//! Never KEYS (it blocks the server), never a write.

use crate::net::{Conn, Parsed, ProbeError};
use crate::observation::{Access, Observation, Resource, SampleStats};
use crate::session::Session;

/// A RESP2 reply.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reply {
    Simple(String),
    Error(String),
    Integer(i64),
    Bulk(Option<Vec<u8>>),
    Array(Option<Vec<Reply>>),
}

impl Reply {
    fn text(&self) -> Option<String> {
        match self {
            Reply::Simple(s) => Some(s.clone()),
            Reply::Bulk(Some(b)) => Some(String::from_utf8_lossy(b).into_owned()),
            Reply::Integer(i) => Some(i.to_string()),
            _ => None,
        }
    }
}

/// Deepest nesting accepted, so a hostile reply cannot recurse us to death.
const MAX_DEPTH: usize = 8;
/// Most elements in one array, so a hostile length cannot reserve gigabytes.
const MAX_ELEMENTS: i64 = 1 << 20;

/// Encodes a command as a RESP array of bulk strings.
pub(crate) fn encode(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for arg in args {
        out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Parses one reply from the front of `buf`.
pub(crate) fn parse(buf: &[u8]) -> Parsed<Reply> {
    parse_at(buf, 0)
}

fn line(buf: &[u8]) -> Option<(&[u8], usize)> {
    let end = buf.windows(2).position(|w| w == b"\r\n")?;
    Some((&buf[..end], end + 2))
}

fn parse_at(buf: &[u8], depth: usize) -> Parsed<Reply> {
    if depth > MAX_DEPTH {
        return Err("reply nested too deeply".into());
    }
    let Some(&kind) = buf.first() else {
        return Ok(None);
    };
    let Some((head, used)) = line(&buf[1..]) else {
        return Ok(None);
    };
    let used = used + 1;
    let text = std::str::from_utf8(head).map_err(|_| "reply header is not UTF-8".to_string())?;
    let number = || {
        text.parse::<i64>()
            .map_err(|_| format!("bad length {:?}", text.chars().take(20).collect::<String>()))
    };
    match kind {
        b'+' => Ok(Some((Reply::Simple(text.to_string()), used))),
        b'-' => Ok(Some((Reply::Error(text.to_string()), used))),
        b':' => Ok(Some((Reply::Integer(number()?), used))),
        b'$' => {
            let len = number()?;
            if len < 0 {
                return Ok(Some((Reply::Bulk(None), used)));
            }
            let len = usize::try_from(len).map_err(|_| "bad bulk length".to_string())?;
            let end = used.checked_add(len).ok_or("bad bulk length")?;
            if buf.len() < end + 2 {
                return Ok(None);
            }
            if &buf[end..end + 2] != b"\r\n" {
                return Err("bulk string not terminated".into());
            }
            Ok(Some((Reply::Bulk(Some(buf[used..end].to_vec())), end + 2)))
        }
        b'*' => {
            let count = number()?;
            if count < 0 {
                return Ok(Some((Reply::Array(None), used)));
            }
            if count > MAX_ELEMENTS {
                return Err("array too long".into());
            }
            let mut items = Vec::new();
            let mut at = used;
            for _ in 0..count {
                match parse_at(&buf[at..], depth + 1)? {
                    Some((item, n)) => {
                        items.push(item);
                        at += n;
                    }
                    None => return Ok(None),
                }
            }
            Ok(Some((Reply::Array(Some(items)), at)))
        }
        other => Err(format!("unknown reply type byte 0x{other:02x}")),
    }
}

async fn call(conn: &mut Conn, args: &[&[u8]]) -> Result<Reply, ProbeError> {
    conn.send(&encode(args)).await?;
    conn.read_frame(parse).await
}

/// Does RESP answer a PING here?
pub(crate) async fn answers(session: &Session<'_>) -> Result<bool, ProbeError> {
    let mut conn = session.connect("RESP").await?;
    match call(&mut conn, &[b"PING"]).await {
        Ok(Reply::Simple(s)) => Ok(s == "PONG"),
        Ok(Reply::Error(e)) => Ok(e.starts_with("NOAUTH") || e.starts_with("DENIED")),
        _ => Ok(false),
    }
}

/// Probes a Redis endpoint.
pub(crate) async fn probe(
    session: &Session<'_>,
    observation: &mut Observation,
) -> Result<(), ProbeError> {
    let mut conn = session.connect("RESP").await?;
    observation.service = Some("Redis");
    let ping = call(&mut conn, &[b"PING"]).await?;
    match ping {
        Reply::Simple(s) if s == "PONG" => observation.access = Some(Access::Open),
        Reply::Error(e) if e.starts_with("NOAUTH") => {
            let detail = "NOAUTH: a password is required".to_string();
            observation.access = Some(Access::Locked {
                detail: detail.clone(),
            });
            let Some(credential) = session.credential else {
                return Ok(());
            };
            let password = credential.password().as_bytes();
            let auth = match &credential.user {
                Some(user) => call(&mut conn, &[b"AUTH", user.as_bytes(), password]).await?,
                None => call(&mut conn, &[b"AUTH", password]).await?,
            };
            if !matches!(auth, Reply::Simple(ref s) if s == "OK") {
                observation.fact("credentials_accepted", false);
                return Ok(());
            }
            observation.access = Some(Access::LockedCredentialsAccepted { detail });
        }
        Reply::Error(e) if e.starts_with("DENIED") => {
            observation.access = Some(Access::Locked {
                detail: "protected mode refuses connections from non-loopback addresses"
                    .to_string(),
            });
            return Ok(());
        }
        Reply::Error(e) => {
            return Err(ProbeError::malformed(
                "RESP",
                format!("PING refused: {}", e.chars().take(80).collect::<String>()),
            ));
        }
        other => {
            return Err(ProbeError::malformed(
                "RESP",
                format!("unexpected PING reply {:?}", kind_of(&other)),
            ));
        }
    }
    let info = call(&mut conn, &[b"INFO"]).await?;
    let info = info.text().unwrap_or_default();
    let mut keyspaces = Vec::new();
    for line in info.lines() {
        if let Some(version) = line.strip_prefix("redis_version:") {
            observation.version = Some(version.trim().to_string());
        } else if let Some(mode) = line.strip_prefix("redis_mode:") {
            observation.fact("mode", mode.trim());
        } else if let Some(role) = line.strip_prefix("role:") {
            observation.fact("role", role.trim());
        } else if let Some(memory) = line.strip_prefix("used_memory:") {
            if let Ok(bytes) = memory.trim().parse::<u64>() {
                observation.fact("used_memory_bytes", bytes);
            }
        } else if let Some((db, stats)) = line.split_once(':')
            && let Some(number) = db.strip_prefix("db")
            && let Ok(number) = number.parse::<u32>()
        {
            let keys = stats
                .split(',')
                .find_map(|kv| kv.strip_prefix("keys="))
                .and_then(|n| n.trim().parse::<u64>().ok())
                .unwrap_or(0);
            keyspaces.push((number, keys));
        }
    }
    for (db, keys) in &keyspaces {
        observation
            .resources
            .push(Resource::new("keyspace", format!("db{db}")).with("keys", *keys));
        if *keys > 0 {
            observation.serves_data = true;
        }
    }
    let sample = session.options.sample;
    if sample == 0 {
        return Ok(());
    }
    for (index, (db, keys)) in keyspaces.iter().enumerate() {
        if *keys == 0 {
            continue;
        }
        let selected = call(&mut conn, &[b"SELECT", db.to_string().as_bytes()]).await?;
        if matches!(selected, Reply::Error(_)) {
            continue;
        }
        let stats = sample_keyspace(&mut conn, session, sample).await?;
        observation.resources[index].sample = Some(stats);
    }
    Ok(())
}

fn kind_of(reply: &Reply) -> &'static str {
    match reply {
        Reply::Simple(_) => "simple string",
        Reply::Error(_) => "error",
        Reply::Integer(_) => "integer",
        Reply::Bulk(_) => "bulk string",
        Reply::Array(_) => "array",
    }
}

/// SCAN rounds at most per keyspace, so a sparse keyspace cannot keep us busy.
const MAX_SCAN_ROUNDS: usize = 64;

async fn sample_keyspace(
    conn: &mut Conn,
    session: &Session<'_>,
    sample: usize,
) -> Result<SampleStats, ProbeError> {
    let mut stats = SampleStats::default();
    let mut cursor = b"0".to_vec();
    let count = sample.clamp(10, 1000).to_string();
    let limit = sample.to_string();
    let last = sample.saturating_sub(1).to_string();
    for _ in 0..MAX_SCAN_ROUNDS {
        let reply = call(conn, &[b"SCAN", &cursor, b"COUNT", count.as_bytes()]).await?;
        let Reply::Array(Some(parts)) = reply else {
            return Err(ProbeError::malformed("RESP", "SCAN reply is not an array"));
        };
        let (Some(next), Some(Reply::Array(Some(keys)))) = (parts.first(), parts.get(1)) else {
            return Err(ProbeError::malformed(
                "RESP",
                "SCAN reply has no cursor and keys",
            ));
        };
        cursor = next.text().unwrap_or_else(|| "0".into()).into_bytes();
        for key in keys {
            if stats.documents >= sample {
                return Ok(stats);
            }
            let Reply::Bulk(Some(key)) = key else {
                continue;
            };
            let kind = call(conn, &[b"TYPE", key])
                .await?
                .text()
                .unwrap_or_default();
            let value = match kind.as_str() {
                "string" => call(conn, &[b"GET", key]).await?,
                "hash" => call(conn, &[b"HSCAN", key, b"0", b"COUNT", limit.as_bytes()]).await?,
                "list" => call(conn, &[b"LRANGE", key, b"0", last.as_bytes()]).await?,
                "set" => call(conn, &[b"SSCAN", key, b"0", b"COUNT", limit.as_bytes()]).await?,
                "zset" => call(conn, &[b"ZRANGE", key, b"0", last.as_bytes()]).await?,
                _ => Reply::Bulk(None),
            };
            // The key name is scanned too: keys such as `session:jane@x.com` leak.
            let mut text = String::from_utf8_lossy(key).into_owned();
            flatten(&value, &mut text);
            stats.add_document(session.detector, &text);
        }
        if cursor == b"0" {
            break;
        }
    }
    Ok(stats)
}

fn flatten(reply: &Reply, out: &mut String) {
    match reply {
        Reply::Array(Some(items)) => items.iter().for_each(|item| flatten(item, out)),
        other => {
            if let Some(text) = other.text() {
                out.push('\n');
                out.push_str(&text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_commands() {
        assert_eq!(encode(&[b"PING"]), b"*1\r\n$4\r\nPING\r\n");
    }

    #[test]
    fn parses_replies_and_waits_for_more() {
        assert_eq!(
            parse(b"+PONG\r\n").unwrap(),
            Some((Reply::Simple("PONG".into()), 7))
        );
        assert_eq!(parse(b"$5\r\nhel").unwrap(), None);
        assert_eq!(
            parse(b"*2\r\n$1\r\na\r\n:5\r\n").unwrap(),
            Some((
                Reply::Array(Some(vec![
                    Reply::Bulk(Some(b"a".to_vec())),
                    Reply::Integer(5)
                ])),
                15
            ))
        );
        assert_eq!(parse(b"$-1\r\n").unwrap(), Some((Reply::Bulk(None), 5)));
        assert!(parse(b"?x\r\n").is_err());
        assert!(parse(b"*99999999999\r\n").is_err());
        assert!(parse(b"$3\r\nabcXY").is_err());
    }
}
