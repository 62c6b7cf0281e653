//! MySQL and MariaDB: the server greets first (HandshakeV10, with its
//! version); we answer with HandshakeResponse41 for the anonymous user with
//! an empty password, and if that is accepted list databases with
//! `SHOW DATABASES`, tables from `information_schema`, and sample rows with
//! `SELECT ... LIMIT N`. The only other login is with credentials the user
//! supplied (`mysql_native_password`), to confirm the lock and sample with
//! permission; passwords are never guessed.

use crate::net::{Conn, Parsed, ProbeError};
use crate::observation::{Access, Observation, Resource, SampleStats};
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
    /// The 20-byte challenge for `mysql_native_password`.
    scramble: Vec<u8>,
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
    let part1_at = 1 + nul + 1 + 4;
    let mut scramble = payload
        .get(part1_at..part1_at + 8)
        .unwrap_or_default()
        .to_vec();
    let mut at = 1 + nul + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2;
    let salt_len = usize::from(*payload.get(at).unwrap_or(&0));
    let part2_at = at + 1 + 10;
    let part2_len = salt_len.saturating_sub(8).max(13);
    if let Some(part2) = payload.get(part2_at..part2_at + part2_len) {
        // The last byte of part 2 is a NUL terminator.
        scramble.extend_from_slice(part2.strip_suffix(&[0]).unwrap_or(part2));
    }
    at += 1 + 10 + part2_len;
    let auth_plugin = payload
        .get(at..)
        .map(|p| p.split(|b| *b == 0).next().unwrap_or_default())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .unwrap_or_default();
    Ok(Greeting {
        version,
        auth_plugin,
        scramble,
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
    probe_with(session, conn, &greeting, observation).await
}

fn handshake_response(user: &str, auth: &[u8]) -> Vec<u8> {
    let flags = CLIENT_LONG_PASSWORD
        | CLIENT_PROTOCOL_41
        | CLIENT_TRANSACTIONS
        | CLIENT_SECURE_CONNECTION
        | CLIENT_PLUGIN_AUTH;
    let mut payload = flags.to_le_bytes().to_vec();
    payload.extend_from_slice(&(16u32 * 1024 * 1024).to_le_bytes());
    payload.push(0x21); // utf8_general_ci
    payload.extend_from_slice(&[0; 23]);
    payload.extend_from_slice(user.as_bytes());
    payload.push(0);
    payload.push(auth.len() as u8); // length-prefixed auth response
    payload.extend_from_slice(auth);
    payload.extend_from_slice(b"mysql_native_password\0");
    payload
}

/// The `mysql_native_password` response: SHA1(password) XOR
/// SHA1(scramble + SHA1(SHA1(password))); empty for an empty password.
fn native_password(password: &str, scramble: &[u8]) -> Vec<u8> {
    use sha1::{Digest, Sha1};
    if password.is_empty() {
        return Vec::new();
    }
    let stage1 = Sha1::digest(password.as_bytes());
    let stage2 = Sha1::digest(stage1);
    let mut hasher = Sha1::new();
    hasher.update(scramble);
    hasher.update(stage2);
    let mix = hasher.finalize();
    stage1.iter().zip(mix.iter()).map(|(a, b)| a ^ b).collect()
}

/// Logs in as `user` with `password` (empty for the stranger's anonymous
/// try): `Ok(Ok(()))` when the server accepts, `Ok(Err(reason))` when it
/// refuses.
async fn login(
    conn: &mut Conn,
    greeting: &Greeting,
    user: &str,
    password: &str,
) -> Result<Result<(), String>, ProbeError> {
    let auth = native_password(password, &greeting.scramble);
    conn.send(&packet(1, &handshake_response(user, &auth)))
        .await?;
    let (sequence, mut reply) = conn.read_frame(parse_packet).await?;
    if reply.first() == Some(&0xfe) {
        // AuthSwitchRequest: plugin name NUL, then a new scramble.
        let rest = &reply[1..];
        let nul = rest.iter().position(|b| *b == 0).unwrap_or(rest.len());
        let plugin = String::from_utf8_lossy(&rest[..nul]).into_owned();
        let scramble = rest.get(nul + 1..).unwrap_or_default();
        let scramble = scramble.strip_suffix(&[0]).unwrap_or(scramble);
        let response = if plugin == "mysql_native_password" {
            native_password(password, scramble)
        } else {
            Vec::new()
        };
        conn.send(&packet(sequence.wrapping_add(1), &response))
            .await?;
        reply = conn.read_frame(parse_packet).await?.1;
    }
    Ok(match reply.first() {
        Some(0x00) => Ok(()),
        Some(0xff) => Err(format!(
            "login refused: {}",
            String::from_utf8_lossy(reply.get(9..).unwrap_or_default())
                .chars()
                .take(120)
                .collect::<String>()
        )),
        _ => Err("the server wants more than this client offers".into()),
    })
}

/// Continues a probe on a connection whose greeting has been read.
pub(crate) async fn probe_with(
    session: &Session<'_>,
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
    match login(&mut conn, &greeting, "", "").await? {
        Ok(()) => {
            observation.access = Some(Access::Open);
            observation.fact("user", "anonymous (empty user name and password)");
        }
        Err(reason) => {
            let detail = format!("anonymous {reason}");
            let Some(credential) = session.credential else {
                observation.access = Some(Access::Locked { detail });
                return Ok(());
            };
            // A fresh connection for the supplied credentials.
            conn = session.connect("MySQL").await?;
            let (_, payload) = conn.read_frame(parse_packet).await?;
            let fresh = parse_greeting(&payload).map_err(|r| ProbeError::malformed("MySQL", r))?;
            let user = credential.user.as_deref().unwrap_or("root");
            if login(&mut conn, &fresh, user, credential.password())
                .await?
                .is_err()
            {
                observation.access = Some(Access::Locked { detail });
                observation.fact("credentials_accepted", false);
                return Ok(());
            }
            observation.access = Some(Access::LockedCredentialsAccepted { detail });
            observation.fact("user", user);
        }
    }

    let databases = query(&mut conn, "SHOW DATABASES")
        .await?
        .map_err(|m| ProbeError::malformed("MySQL", format!("SHOW DATABASES refused: {m}")))?;
    let databases: Vec<String> = databases
        .into_iter()
        .filter_map(|row| row.into_iter().next().flatten())
        .collect();
    observation.fact("databases", databases.clone());
    let tables = query(
        &mut conn,
        "SELECT table_schema, table_name, table_rows FROM information_schema.tables \
         WHERE table_type = 'BASE TABLE' AND table_schema NOT IN \
         ('mysql', 'information_schema', 'performance_schema', 'sys') \
         ORDER BY 1, 2 LIMIT 50",
    )
    .await?
    .unwrap_or_default();
    let sample = session.options.sample;
    for row in tables {
        let mut row = row.into_iter();
        let (Some(Some(schema)), Some(Some(table))) = (row.next(), row.next()) else {
            continue;
        };
        let rows = row.next().flatten().and_then(|r| r.parse::<u64>().ok());
        let mut resource = Resource::new("table", format!("{schema}.{table}"));
        if let Some(rows) = rows {
            resource = resource.with("rows_estimate", rows);
            if rows > 0 {
                observation.serves_data = true;
            }
        }
        if sample > 0 {
            let sql = format!(
                "SELECT * FROM {}.{} LIMIT {sample}",
                quote_ident(&schema),
                quote_ident(&table)
            );
            if let Ok(rows) = query(&mut conn, &sql).await? {
                let mut stats = SampleStats::default();
                for row in rows {
                    let text: Vec<String> = row.into_iter().flatten().collect();
                    stats.add_document(session.detector, &text.join("\n"));
                }
                if stats.documents > 0 {
                    observation.serves_data = true;
                }
                resource.sample = Some(stats);
            }
        }
        observation.resources.push(resource);
    }
    Ok(())
}

fn quote_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A length-encoded integer at `at`: its value (`None` for the NULL marker
/// 0xfb) and the bytes it took.
fn lenenc(buf: &[u8], at: usize) -> Result<(Option<u64>, usize), String> {
    let truncated = || "truncated length-encoded integer".to_string();
    let first = *buf.get(at).ok_or_else(truncated)?;
    let wide = |n: usize| -> Result<(Option<u64>, usize), String> {
        let bytes = buf.get(at + 1..at + 1 + n).ok_or_else(truncated)?;
        let value = bytes
            .iter()
            .rev()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        Ok((Some(value), 1 + n))
    };
    match first {
        0xfb => Ok((None, 1)),
        0xfc => wide(2),
        0xfd => wide(3),
        0xfe => wide(8),
        0xff => Err("0xff is not a length".into()),
        n => Ok((Some(u64::from(n)), 1)),
    }
}

/// One text-protocol row of `columns` values.
pub(crate) fn parse_row(payload: &[u8], columns: usize) -> Result<Vec<Option<String>>, String> {
    let mut values = Vec::with_capacity(columns.min(256));
    let mut at = 0;
    for _ in 0..columns {
        let (len, used) = lenenc(payload, at)?;
        at += used;
        match len {
            None => values.push(None),
            Some(len) => {
                let len = usize::try_from(len).map_err(|_| "value too long".to_string())?;
                let end = at.checked_add(len).ok_or("value too long")?;
                let value = payload.get(at..end).ok_or("truncated row value")?;
                values.push(Some(String::from_utf8_lossy(value).into_owned()));
                at = end;
            }
        }
    }
    Ok(values)
}

/// Runs one COM_QUERY: its rows, or the server's error message.
async fn query(
    conn: &mut Conn,
    sql: &str,
) -> Result<Result<Vec<Vec<Option<String>>>, String>, ProbeError> {
    let mut command = vec![0x03];
    command.extend_from_slice(sql.as_bytes());
    conn.send(&packet(0, &command)).await?;
    let (_, head) = conn.read_frame(parse_packet).await?;
    let columns = match head.first() {
        Some(0xff) => return Ok(Err(error_message(&head))),
        Some(0x00) => return Ok(Ok(Vec::new())),
        _ => lenenc(&head, 0)
            .ok()
            .and_then(|(n, _)| n)
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| *n > 0 && *n <= 4096)
            .ok_or_else(|| ProbeError::malformed("MySQL", "bad column count"))?,
    };
    for _ in 0..columns {
        conn.read_frame(parse_packet).await?;
    }
    // EOF after the column definitions (no CLIENT_DEPRECATE_EOF asked).
    conn.read_frame(parse_packet).await?;
    let mut rows = Vec::new();
    loop {
        let (_, row) = conn.read_frame(parse_packet).await?;
        match row.first() {
            Some(0xfe) if row.len() < 9 => return Ok(Ok(rows)),
            Some(0xff) => return Ok(Err(error_message(&row))),
            _ => {
                rows.push(parse_row(&row, columns).map_err(|r| ProbeError::malformed("MySQL", r))?)
            }
        }
    }
}

/// The message of an ERR packet (after the code and SQL state).
fn error_message(payload: &[u8]) -> String {
    let message = payload.get(9..).unwrap_or_default();
    String::from_utf8_lossy(message).chars().take(160).collect()
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
        assert_eq!(
            parse_row(&[2, b'h', b'i', 0xfb, 0xfc, 1, 0, b'x'], 3).unwrap(),
            vec![Some("hi".to_string()), None, Some("x".to_string())]
        );
        assert!(parse_row(&[5, b'a'], 1).is_err());
        assert_eq!(quote_ident("a`b"), "`a``b`");
        let framed = packet(0, &payload);
        let ((seq, back), used) = parse_packet(&framed).unwrap().unwrap();
        assert_eq!((seq, used), (0, framed.len()));
        assert_eq!(back, payload);
    }
}
