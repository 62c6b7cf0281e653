//! MongoDB over OP_MSG with a minimal BSON codec of our own: `hello`,
//! `listDatabases`, `listCollections` and a `find` sample. An `Unauthorized`
//! reply (code 13) means locked.

use serde_json::{Map, Value, json};

use crate::net::{Conn, Parsed, ProbeError};
use crate::observation::{Access, Observation, Resource, SampleStats};
use crate::session::Session;

const OP_MSG: i32 = 2013;
/// Databases visited at most.
const MAX_DATABASES: usize = 16;
/// Collections sampled at most per database.
const MAX_COLLECTIONS: usize = 50;
/// Deepest BSON nesting decoded.
const MAX_DEPTH: usize = 32;

/// A value we send in a command.
#[derive(Debug, Clone)]
pub(crate) enum Field<'a> {
    Int(i32),
    Str(&'a str),
    Bool(bool),
}

/// Encodes a flat BSON document.
pub(crate) fn encode_document(fields: &[(&str, Field<'_>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (key, value) in fields {
        let (kind, bytes) = match value {
            Field::Int(i) => (0x10, i.to_le_bytes().to_vec()),
            Field::Bool(b) => (0x08, vec![u8::from(*b)]),
            Field::Str(s) => {
                let mut bytes = ((s.len() + 1) as i32).to_le_bytes().to_vec();
                bytes.extend_from_slice(s.as_bytes());
                bytes.push(0);
                (0x02, bytes)
            }
        };
        body.push(kind);
        body.extend_from_slice(key.as_bytes());
        body.push(0);
        body.extend_from_slice(&bytes);
    }
    let mut doc = ((body.len() + 5) as i32).to_le_bytes().to_vec();
    doc.extend_from_slice(&body);
    doc.push(0);
    doc
}

/// Frames a command as an OP_MSG with one body section.
pub(crate) fn op_msg(request_id: i32, document: &[u8]) -> Vec<u8> {
    let len = 16 + 4 + 1 + document.len();
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(&(len as i32).to_le_bytes());
    out.extend_from_slice(&request_id.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes());
    out.extend_from_slice(&OP_MSG.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.push(0);
    out.extend_from_slice(document);
    out
}

/// Parses one OP_MSG reply and returns its body document as JSON.
pub(crate) fn parse_reply(buf: &[u8]) -> Parsed<Value> {
    if buf.len() < 4 {
        return Ok(None);
    }
    let len = i32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]);
    let len = usize::try_from(len).map_err(|_| "negative message length".to_string())?;
    if len < 21 {
        return Err(format!("message length {len} is too small"));
    }
    if buf.len() < len {
        return Ok(None);
    }
    let op = i32::from_le_bytes([buf[12], buf[13], buf[14], buf[15]]);
    if op != OP_MSG {
        return Err(format!("unexpected opcode {op}"));
    }
    if buf[20] != 0 {
        return Err("first section is not a body".into());
    }
    let (value, _) = decode_document(&buf[21..len], 0)?;
    Ok(Some((value, len)))
}

fn take(buf: &[u8], at: usize, n: usize) -> Result<&[u8], String> {
    buf.get(at..at.checked_add(n).ok_or("length overflow")?)
        .ok_or_else(|| "truncated BSON".to_string())
}

fn cstring(buf: &[u8], at: usize) -> Result<(String, usize), String> {
    let rest = buf.get(at..).ok_or("truncated BSON")?;
    let nul = rest
        .iter()
        .position(|b| *b == 0)
        .ok_or("unterminated BSON key")?;
    Ok((
        String::from_utf8_lossy(&rest[..nul]).into_owned(),
        at + nul + 1,
    ))
}

fn i32_at(buf: &[u8], at: usize) -> Result<i32, String> {
    let b = take(buf, at, 4)?;
    Ok(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Decodes a BSON document at the start of `buf` into JSON (extended types
/// become their plain value or a hex string); returns it and its length.
pub(crate) fn decode_document(buf: &[u8], depth: usize) -> Result<(Value, usize), String> {
    decode_container(buf, depth, false)
}

fn decode_container(buf: &[u8], depth: usize, array: bool) -> Result<(Value, usize), String> {
    if depth > MAX_DEPTH {
        return Err("BSON nested too deeply".into());
    }
    let len = usize::try_from(i32_at(buf, 0)?).map_err(|_| "negative BSON length")?;
    if len < 5 || len > buf.len() {
        return Err("bad BSON document length".into());
    }
    let doc = &buf[..len];
    let mut map = Map::new();
    let mut items = Vec::new();
    let mut at = 4;
    while at < len - 1 {
        let kind = doc[at];
        let (key, next) = cstring(doc, at + 1)?;
        at = next;
        let value = match kind {
            0x01 => {
                let b = take(doc, at, 8)?;
                at += 8;
                json!(f64::from_le_bytes(b.try_into().map_err(|_| "bad double")?))
            }
            0x02 | 0x0D | 0x0E => {
                let n = usize::try_from(i32_at(doc, at)?).map_err(|_| "negative string length")?;
                let s = take(doc, at + 4, n)?;
                at += 4 + n;
                json!(String::from_utf8_lossy(s.strip_suffix(&[0]).unwrap_or(s)))
            }
            0x03 | 0x04 => {
                let (value, used) = decode_container(&doc[at..], depth + 1, kind == 0x04)?;
                at += used;
                value
            }
            0x05 => {
                let n = usize::try_from(i32_at(doc, at)?).map_err(|_| "negative binary length")?;
                take(doc, at + 5, n)?;
                at += 5 + n;
                json!(format!("<binary {n} bytes>"))
            }
            0x07 => {
                let b = take(doc, at, 12)?;
                at += 12;
                json!(b.iter().map(|x| format!("{x:02x}")).collect::<String>())
            }
            0x08 => {
                let b = take(doc, at, 1)?;
                at += 1;
                json!(b[0] != 0)
            }
            0x09 | 0x11 | 0x12 => {
                let b = take(doc, at, 8)?;
                at += 8;
                json!(i64::from_le_bytes(b.try_into().map_err(|_| "bad int64")?))
            }
            0x0A | 0x06 | 0x7F | 0xFF => Value::Null,
            0x0B => {
                let (pattern, next) = cstring(doc, at)?;
                let (_, next) = cstring(doc, next)?;
                at = next;
                json!(pattern)
            }
            0x10 => {
                let v = i32_at(doc, at)?;
                at += 4;
                json!(v)
            }
            0x13 => {
                take(doc, at, 16)?;
                at += 16;
                json!("<decimal128>")
            }
            other => return Err(format!("unsupported BSON type 0x{other:02x}")),
        };
        if array {
            items.push(value);
        } else {
            map.insert(key, value);
        }
    }
    let value = if array {
        Value::Array(items)
    } else {
        Value::Object(map)
    };
    Ok((value, len))
}

struct Client {
    conn: Conn,
    next_id: i32,
}

impl Client {
    async fn command(&mut self, fields: &[(&str, Field<'_>)]) -> Result<Value, ProbeError> {
        self.next_id += 1;
        self.conn
            .send(&op_msg(self.next_id, &encode_document(fields)))
            .await?;
        self.conn.read_frame(parse_reply).await
    }
}

fn ok(reply: &Value) -> bool {
    reply.get("ok").and_then(Value::as_f64) == Some(1.0)
        || reply.get("ok").and_then(Value::as_i64) == Some(1)
}

fn unauthorized(reply: &Value) -> bool {
    reply.get("code").and_then(Value::as_i64) == Some(13)
        || reply.get("codeName").and_then(Value::as_str) == Some("Unauthorized")
}

/// Does MongoDB answer `hello` here?
pub(crate) async fn answers(session: &Session<'_>) -> Result<bool, ProbeError> {
    let conn = session.connect("MongoDB").await?;
    let mut client = Client { conn, next_id: 0 };
    let reply = client
        .command(&[("hello", Field::Int(1)), ("$db", Field::Str("admin"))])
        .await;
    Ok(reply.is_ok_and(|r| r.get("ok").is_some()))
}

/// Probes a MongoDB endpoint.
pub(crate) async fn probe(
    session: &Session<'_>,
    observation: &mut Observation,
) -> Result<(), ProbeError> {
    let conn = session.connect("MongoDB").await?;
    let mut client = Client { conn, next_id: 0 };
    observation.service = Some("MongoDB");
    let hello = client
        .command(&[("hello", Field::Int(1)), ("$db", Field::Str("admin"))])
        .await?;
    if let Some(wire) = hello.get("maxWireVersion").and_then(Value::as_i64) {
        observation.fact("max_wire_version", wire);
    }
    let build = client
        .command(&[("buildInfo", Field::Int(1)), ("$db", Field::Str("admin"))])
        .await?;
    if let Some(version) = build.get("version").and_then(Value::as_str) {
        observation.version = Some(version.to_string());
    }
    let listing = client
        .command(&[
            ("listDatabases", Field::Int(1)),
            ("$db", Field::Str("admin")),
        ])
        .await?;
    if unauthorized(&listing) {
        let message = listing
            .get("errmsg")
            .and_then(Value::as_str)
            .unwrap_or("Unauthorized");
        observation.access = Some(Access::Locked {
            detail: format!(
                "listDatabases: {}",
                message.chars().take(120).collect::<String>()
            ),
        });
        return Ok(());
    }
    if !ok(&listing) {
        return Err(ProbeError::malformed("MongoDB", "listDatabases failed"));
    }
    observation.access = Some(Access::Open);
    let databases: Vec<(String, Option<u64>)> = listing
        .get("databases")
        .and_then(Value::as_array)
        .map(|dbs| {
            dbs.iter()
                .filter_map(|d| {
                    let name = d.get("name")?.as_str()?.to_string();
                    let size = d
                        .get("sizeOnDisk")
                        .and_then(Value::as_f64)
                        .map(|s| s as u64);
                    Some((name, size))
                })
                .collect()
        })
        .unwrap_or_default();
    let sample = session.options.sample;
    for (name, size) in databases.iter().take(MAX_DATABASES) {
        let system = matches!(name.as_str(), "admin" | "local" | "config");
        let collections = client
            .command(&[
                ("listCollections", Field::Int(1)),
                ("nameOnly", Field::Bool(true)),
                ("$db", Field::Str(name)),
            ])
            .await?;
        let names: Vec<String> = collections
            .pointer("/cursor/firstBatch")
            .and_then(Value::as_array)
            .map(|c| {
                c.iter()
                    .filter_map(|c| c.get("name")?.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        for collection in names.iter().take(MAX_COLLECTIONS) {
            let mut resource = Resource::new("collection", format!("{name}.{collection}"));
            if let Some(size) = size {
                resource = resource.with("database_bytes", *size);
            }
            if !system {
                observation.serves_data = true;
            }
            if sample > 0 && !system {
                let found = client
                    .command(&[
                        ("find", Field::Str(collection)),
                        (
                            "limit",
                            Field::Int(i32::try_from(sample).unwrap_or(i32::MAX)),
                        ),
                        ("$db", Field::Str(name)),
                    ])
                    .await?;
                let mut stats = SampleStats::default();
                if let Some(docs) = found
                    .pointer("/cursor/firstBatch")
                    .and_then(Value::as_array)
                {
                    for doc in docs.iter().take(sample) {
                        stats.add_document(session.detector, &doc.to_string());
                    }
                }
                resource.sample = Some(stats);
            }
            observation.resources.push(resource);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_a_command_through_the_codec() {
        let doc = encode_document(&[
            ("hello", Field::Int(1)),
            ("nameOnly", Field::Bool(true)),
            ("$db", Field::Str("admin")),
        ]);
        let (value, used) = decode_document(&doc, 0).unwrap();
        assert_eq!(used, doc.len());
        assert_eq!(value, json!({"hello": 1, "nameOnly": true, "$db": "admin"}));
        let message = op_msg(7, &doc);
        let (reply, used) = parse_reply(&message).unwrap().unwrap();
        assert_eq!(used, message.len());
        assert_eq!(reply["$db"], "admin");
        assert_eq!(parse_reply(&message[..10]).unwrap(), None);
    }

    #[test]
    fn rejects_hostile_bson() {
        assert!(decode_document(&[0xff, 0xff, 0xff, 0x7f, 0], 0).is_err());
        assert!(decode_document(&[9, 0, 0, 0, 0x02, b'a', 0, 0xff, 0xff], 0).is_err());
        assert!(parse_reply(&[1, 0, 0, 0]).is_err());
    }
}
