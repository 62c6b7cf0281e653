//! MySQL and MariaDB: the server greets first (HandshakeV10, with its
//! version); we answer with HandshakeResponse41 for the anonymous user with
//! an empty password, and if that is accepted list databases with
//! `SHOW DATABASES`. Nothing else is tried.

use crate::net::{Conn, Parsed, ProbeError};
use crate::observation::{Access, Observation, Resource};
use crate::session::Session;

const CLIENT_LONG_PASSWORD: u32 = 0x0000_0001;
const CLIENT_PROTOCOL_41: u32 = 0x0000_0200;
const CLIENT_TRANSACTIONS: u32 = 0x0000_2000;
const CLIENT_SECURE_CONNECTION: u32 = 0x0000_8000;
const CLIENT_PLUGIN_AUTH: u32 = 0x0008_0000;

/// One packet: sequence id and payload.
pub(crate) fn parse_packet(buf: &[u8]) -> Parsed<(u8, Vec<u8>)> {
    if buf.len() < 4 {
        return Ok(None);
    }
    let len = usize::from(buf[0]) | usize::from(buf[1]) << 8 | usize::from(buf[2]) << 16;
    if buf.len() < 4 + len {
        return Ok(None);
    }
    Ok(Some(((buf[3], buf[4..4 + len].to_vec()), 4 + len)))
}

fn packet(sequence: u8, payload: &[u8]) -> Vec<u8> {
    let len = payload.len() as u32;
    let mut out = vec![len as u8, (len >> 8) as u8, (len >> 16) as u8, sequence];
    out.extend_from_slice(payload);
    out
}

/// What the greeting says.
#[derive(Debug, PartialEq)]
pub(crate) struct Greeting {
    version: String,
    auth_plugin: String,
}

pub(crate) fn parse_greeting(payload: &[u8]) -> Result<Greeting, String> {
    match payload.first() {
        Some(10) => {}
        Some(0xff) => {
            let message = payload.get(9..).unwrap_or_default();
            return Err(format!(
                "the server refused the connection: {}",
                String::from_utf8_lossy(message)
                    .chars()
                    .take(120)
                    .collect::<String>()
            ));
        }
        _ => return Err("not a HandshakeV10 greeting".into()),
    }
    let rest = &payload[1..];
    let nul = rest
        .iter()
        .position(|b| *b == 0)
        .ok_or("unterminated version")?;
    let version = String::from_utf8_lossy(&rest[..nul]).into_owned();
    // version NUL, thread id (4), salt part 1 (8), filler (1), caps low (2),
    // charset (1), status (2), caps high (2), salt length (1), reserved (10),
    // salt part 2 (max(13, len - 8)), plugin name NUL.
    let mut at = 1 + nul + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2;
    let salt_len = usize::from(*payload.get(at).unwrap_or(&0));
    at += 1 + 10 + salt_len.saturating_sub(8).max(13);
    let auth_plugin = payload
        .get(at..)
        .map(|p| p.split(|b| *b == 0).next().unwrap_or_default())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .unwrap_or_default();
    Ok(Greeting {
        version,
        auth_plugin,
    })
}

/// The greeting payload, when the bytes the server sent first are one.
pub(crate) async fn read_greeting(conn: &mut Conn) -> Option<Vec<u8>> {
    match conn.read_frame(parse_packet).await {
        Ok((0, payload)) if parse_greeting(&payload).is_ok() => Some(payload),
        _ => None,
    }
}

/// Probes a MySQL endpoint named by a `mysql://` target.
pub(crate) async fn probe(
    session: &Session<'_>,
    observation: &mut Observation,
) -> Result<(), ProbeError> {
    let mut conn = session.connect("MySQL").await?;
    let (_, greeting) = conn.read_frame(parse_packet).await?;
    probe_with(conn, &greeting, observation).await
}

fn handshake_response() -> Vec<u8> {
    let flags = CLIENT_LONG_PASSWORD
        | CLIENT_PROTOCOL_41
        | CLIENT_TRANSACTIONS
        | CLIENT_SECURE_CONNECTION
        | CLIENT_PLUGIN_AUTH;
    let mut payload = flags.to_le_bytes().to_vec();
    payload.extend_from_slice(&(16u32 * 1024 * 1024).to_le_bytes());
    payload.push(0x21); // utf8_general_ci
    payload.extend_from_slice(&[0; 23]);
    payload.push(0); // empty user name, NUL-terminated
    payload.push(0); // empty auth response (length-prefixed)
    payload.extend_from_slice(b"mysql_native_password\0");
    payload
}

/// Continues a probe on a connection whose greeting has been read.
pub(crate) async fn probe_with(
    mut conn: Conn,
    greeting: &[u8],
    observation: &mut Observation,
) -> Result<(), ProbeError> {
    let greeting = parse_greeting(greeting).map_err(|r| ProbeError::malformed("MySQL", r))?;
    observation.service = Some(
        if greeting.version.to_ascii_lowercase().contains("mariadb") {
            "MariaDB"
        } else {
            "MySQL"
        },
    );
    observation.version = Some(greeting.version.clone());
    observation.fact("auth_plugin", greeting.auth_plugin.clone());
    conn.send(&packet(1, &handshake_response())).await?;
    let (sequence, mut reply) = conn.read_frame(parse_packet).await?;
    if reply.first() == Some(&0xfe) {
        // AuthSwitchRequest: the empty password is empty under any plugin.
        conn.send(&packet(sequence.wrapping_add(1), &[])).await?;
        reply = conn.read_frame(parse_packet).await?.1;
    }
    match reply.first() {
        Some(0x00) => {}
        Some(0xff) => {
            let message = reply.get(9..).unwrap_or_default();
            observation.access = Some(Access::Locked {
                detail: format!(
                    "anonymous login refused: {}",
                    String::from_utf8_lossy(message)
                        .chars()
                        .take(120)
                        .collect::<String>()
                ),
            });
            return Ok(());
        }
        _ => {
            observation.access = Some(Access::Locked {
                detail: "the server wants more than an empty password".into(),
            });
            return Ok(());
        }
    }
    observation.access = Some(Access::Open);
    observation.fact("user", "anonymous (empty user name and password)");
    let mut command = vec![0x03];
    command.extend_from_slice(b"SHOW DATABASES");
    conn.send(&packet(0, &command)).await?;
    for name in text_resultset_first_column(&mut conn).await? {
        let system = matches!(
            name.as_str(),
            "information_schema" | "performance_schema" | "mysql" | "sys"
        );
        if !system {
            observation.serves_data = true;
        }
        observation.resources.push(Resource::new("database", name));
    }
    Ok(())
}

/// Reads a text resultset and returns its first column.
async fn text_resultset_first_column(conn: &mut Conn) -> Result<Vec<String>, ProbeError> {
    let (_, head) = conn.read_frame(parse_packet).await?;
    let columns = match head.first() {
        Some(0xff) => return Err(ProbeError::malformed("MySQL", "query refused")),
        Some(0x00) => return Ok(Vec::new()),
        Some(&n) if n < 0xfb => usize::from(n),
        _ => return Err(ProbeError::malformed("MySQL", "bad column count")),
    };
    for _ in 0..columns {
        conn.read_frame(parse_packet).await?;
    }
    // EOF after the column definitions (no CLIENT_DEPRECATE_EOF asked).
    conn.read_frame(parse_packet).await?;
    let mut values = Vec::new();
    loop {
        let (_, row) = conn.read_frame(parse_packet).await?;
        match row.first() {
            Some(0xfe) if row.len() < 9 => return Ok(values),
            Some(0xff) => return Err(ProbeError::malformed("MySQL", "error inside the resultset")),
            Some(0xfb) => {}
            Some(&len) if len < 0xfb => {
                let value = row
                    .get(1..1 + usize::from(len))
                    .ok_or_else(|| ProbeError::malformed("MySQL", "truncated row"))?;
                values.push(String::from_utf8_lossy(value).into_owned());
            }
            _ => return Err(ProbeError::malformed("MySQL", "unsupported row encoding")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_greeting() {
        let mut payload = vec![10];
        payload.extend_from_slice(b"11.8.3-MariaDB\0");
        payload.extend_from_slice(&[1, 0, 0, 0]);
        payload.extend_from_slice(b"abcdefgh");
        payload.push(0);
        payload.extend_from_slice(&[0xff, 0xf7, 0x21, 2, 0, 0xff, 0x81, 21]);
        payload.extend_from_slice(&[0; 10]);
        payload.extend_from_slice(b"ijklmnopqrst\0");
        payload.extend_from_slice(b"mysql_native_password\0");
        let greeting = parse_greeting(&payload).unwrap();
        assert_eq!(greeting.version, "11.8.3-MariaDB");
        assert_eq!(greeting.auth_plugin, "mysql_native_password");
        assert!(parse_greeting(b"\x09old").is_err());
        let framed = packet(0, &payload);
        let ((seq, back), used) = parse_packet(&framed).unwrap().unwrap();
        assert_eq!((seq, used), (0, framed.len()));
        assert_eq!(back, payload);
    }
}
