//! PostgreSQL: the startup message tells whether `trust` lets a stranger in;
//! if so, read-only simple queries list databases and tables and sample rows.
//! A password request (cleartext, MD5, SCRAM) means locked: we never answer
//! it with a guess. Credentials the user supplies answer SCRAM-SHA-256 and
//! cleartext requests, to confirm the lock and sample with permission.

use crate::Credential;
use crate::net::{Conn, Parsed, ProbeError};
use crate::observation::{Access, Observation, Resource, SampleStats};
use crate::session::Session;

/// The user a stranger tries first.
const STRANGER_USER: &str = "postgres";
/// Databases visited at most.
const MAX_DATABASES: usize = 16;
/// Tables listed (and sampled) at most per database.
const MAX_TABLES: usize = 50;

/// One backend message: type byte and body.
pub(crate) fn parse_message(buf: &[u8]) -> Parsed<(u8, Vec<u8>)> {
    if buf.len() < 5 {
        return Ok(None);
    }
    let len = u32::from_be_bytes([buf[1], buf[2], buf[3], buf[4]]) as usize;
    if len < 4 {
        return Err(format!("message length {len} is too small"));
    }
    if buf.len() < len + 1 {
        return Ok(None);
    }
    Ok(Some(((buf[0], buf[5..len + 1].to_vec()), len + 1)))
}

fn startup_message(user: &str, database: &str) -> Vec<u8> {
    let mut body = 196_608u32.to_be_bytes().to_vec();
    for (key, value) in [
        ("user", user),
        ("database", database),
        ("application_name", "leakproof-probe"),
    ] {
        body.extend_from_slice(key.as_bytes());
        body.push(0);
        body.extend_from_slice(value.as_bytes());
        body.push(0);
    }
    body.push(0);
    let mut message = ((body.len() + 4) as u32).to_be_bytes().to_vec();
    message.extend_from_slice(&body);
    message
}

fn query_message(sql: &str) -> Vec<u8> {
    let mut message = vec![b'Q'];
    message.extend_from_slice(&((sql.len() + 5) as u32).to_be_bytes());
    message.extend_from_slice(sql.as_bytes());
    message.push(0);
    message
}

/// The `M` (message) and `C` (SQLSTATE) fields of an ErrorResponse.
fn error_fields(body: &[u8]) -> (String, String) {
    let mut message = String::new();
    let mut code = String::new();
    for field in body.split(|b| *b == 0) {
        if let Some((&kind, value)) = field.split_first() {
            let value = String::from_utf8_lossy(value).chars().take(160).collect();
            match kind {
                b'M' => message = value,
                b'C' => code = value,
                _ => {}
            }
        }
    }
    (code, message)
}

/// Does PostgreSQL answer an SSLRequest here?
pub(crate) async fn answers(session: &Session<'_>) -> Result<bool, ProbeError> {
    let mut conn = session.connect("PostgreSQL").await?;
    let mut request = 8u32.to_be_bytes().to_vec();
    request.extend_from_slice(&80_877_103u32.to_be_bytes());
    conn.send(&request).await?;
    let reply = conn
        .read_frame(|buf| Ok(buf.first().map(|b| (*b, 1))))
        .await;
    Ok(matches!(reply, Ok(b'S' | b'N')))
}

enum Startup {
    Ready(Conn),
    Locked(String),
}

async fn start(
    session: &Session<'_>,
    database: &str,
    credential: Option<&Credential>,
    observation: &mut Observation,
) -> Result<Startup, ProbeError> {
    let user = credential
        .and_then(|c| c.user.as_deref())
        .unwrap_or(STRANGER_USER);
    let mut conn = session.connect("PostgreSQL").await?;
    conn.send(&startup_message(user, database)).await?;
    loop {
        let (kind, body) = conn.read_frame(parse_message).await?;
        match kind {
            b'R' => {
                let code = body
                    .get(..4)
                    .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
                    .ok_or_else(|| ProbeError::malformed("PostgreSQL", "short auth request"))?;
                let mechanisms: Vec<String> = body[4..]
                    .split(|b| *b == 0)
                    .filter(|m| !m.is_empty())
                    .map(|m| String::from_utf8_lossy(m).into_owned())
                    .collect();
                // Supplied credentials answer the password methods we
                // speak; a stranger (no credential) never sends a password.
                match (code, credential) {
                    // AuthenticationOk, and SASLFinal after our SCRAM exchange
                    // (the AuthenticationOk or the error that follows decides).
                    (0, _) | (12, Some(_)) => continue,
                    (3, Some(credential)) => {
                        let mut payload = credential.password().as_bytes().to_vec();
                        payload.push(0);
                        conn.send(&password_message(&payload)).await?;
                        continue;
                    }
                    (10, Some(credential)) if mechanisms.iter().any(|m| m == "SCRAM-SHA-256") => {
                        scram_sha_256(&mut conn, credential).await?;
                        continue;
                    }
                    _ => {}
                }
                let method = match code {
                    3 => "a cleartext password".to_string(),
                    5 => "an MD5 password".to_string(),
                    10 => format!("SASL ({})", mechanisms.join(", ")),
                    7 | 9 => "GSSAPI or SSPI".to_string(),
                    other => format!("authentication method {other}"),
                };
                return Ok(Startup::Locked(format!("the server asks for {method}")));
            }
            b'S' => {
                let mut parts = body.split(|b| *b == 0);
                if let (Some(b"server_version"), Some(value)) = (parts.next(), parts.next()) {
                    observation.version = Some(String::from_utf8_lossy(value).into_owned());
                }
            }
            b'E' => {
                let (code, message) = error_fields(&body);
                return Ok(Startup::Locked(format!(
                    "refused: {message} (SQLSTATE {code})"
                )));
            }
            b'Z' => return Ok(Startup::Ready(conn)),
            // BackendKeyData, NoticeResponse: nothing to learn.
            _ => {}
        }
    }
}

/// A frontend message of type `p` (PasswordMessage, SASLInitialResponse,
/// SASLResponse share it).
fn password_message(payload: &[u8]) -> Vec<u8> {
    let mut message = vec![b'p'];
    message.extend_from_slice(&((payload.len() + 4) as u32).to_be_bytes());
    message.extend_from_slice(payload);
    message
}

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

fn hmac_sha256(key: &[u8], data: &[&[u8]]) -> [u8; 32] {
    use hmac::Mac;
    // HMAC takes keys of any length.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    for part in data {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// PBKDF2-HMAC-SHA-256 for one 32-byte block (RFC 8018), as SCRAM uses it.
fn pbkdf2_sha256(password: &[u8], salt: &[u8], iterations: u32) -> [u8; 32] {
    let mut u = hmac_sha256(password, &[salt, &1u32.to_be_bytes()]);
    let mut out = u;
    for _ in 1..iterations {
        u = hmac_sha256(password, &[&u]);
        for (o, x) in out.iter_mut().zip(u.iter()) {
            *o ^= x;
        }
    }
    out
}

/// A client nonce: unique per exchange, which is all SCRAM asks of it.
fn client_nonce() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::new();
    for round in 0..3u8 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u8(round);
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        out.push_str(&format!("{:016x}", hasher.finish()));
    }
    out
}

/// The SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) after the server asked
/// for SASL. Success is signalled by the AuthenticationOk that follows;
/// failure by an ErrorResponse, both read by the caller.
async fn scram_sha_256(conn: &mut Conn, credential: &Credential) -> Result<(), ProbeError> {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use sha2::Digest;
    let nonce = client_nonce();
    // PostgreSQL takes the user from the startup message: `n=` stays empty.
    let client_first_bare = format!("n=,r={nonce}");
    let client_first = format!("n,,{client_first_bare}");
    let mut initial = b"SCRAM-SHA-256\0".to_vec();
    initial.extend_from_slice(&(client_first.len() as u32).to_be_bytes());
    initial.extend_from_slice(client_first.as_bytes());
    conn.send(&password_message(&initial)).await?;
    let (kind, body) = conn.read_frame(parse_message).await?;
    if kind != b'R' || body.get(..4) != Some(&11u32.to_be_bytes()[..]) {
        return Err(ProbeError::malformed(
            "PostgreSQL",
            "expected SASL continue",
        ));
    }
    let server_first = String::from_utf8_lossy(&body[4..]).into_owned();
    let field = |name: &str| {
        server_first
            .split(',')
            .find_map(|f| f.strip_prefix(name))
            .map(str::to_string)
    };
    let (Some(server_nonce), Some(salt), Some(iterations)) =
        (field("r="), field("s="), field("i="))
    else {
        return Err(ProbeError::malformed(
            "PostgreSQL",
            "incomplete SCRAM server message",
        ));
    };
    let iterations: u32 = iterations
        .parse()
        .ok()
        .filter(|i| (1..=1_000_000).contains(i))
        .ok_or_else(|| ProbeError::malformed("PostgreSQL", "SCRAM iteration count out of range"))?;
    if !server_nonce.starts_with(&nonce) {
        return Err(ProbeError::malformed(
            "PostgreSQL",
            "SCRAM nonce does not extend ours",
        ));
    }
    let salt = STANDARD
        .decode(salt)
        .map_err(|_| ProbeError::malformed("PostgreSQL", "SCRAM salt is not base64"))?;
    let salted = pbkdf2_sha256(credential.password().as_bytes(), &salt, iterations);
    let client_key = hmac_sha256(&salted, &[b"Client Key"]);
    let stored_key: [u8; 32] = sha2::Sha256::digest(client_key).into();
    let client_final_bare = format!("c=biws,r={server_nonce}");
    let auth_message = format!("{client_first_bare},{server_first},{client_final_bare}");
    let signature = hmac_sha256(&stored_key, &[auth_message.as_bytes()]);
    let proof: Vec<u8> = client_key
        .iter()
        .zip(signature.iter())
        .map(|(k, s)| k ^ s)
        .collect();
    let client_final = format!("{client_final_bare},p={}", STANDARD.encode(proof));
    conn.send(&password_message(client_final.as_bytes()))
        .await?;
    Ok(())
}

/// Rows of a simple query, or the server's error message.
async fn query(
    conn: &mut Conn,
    sql: &str,
) -> Result<Result<Vec<Vec<Option<String>>>, String>, ProbeError> {
    conn.send(&query_message(sql)).await?;
    let mut rows = Vec::new();
    let mut error = None;
    loop {
        let (kind, body) = conn.read_frame(parse_message).await?;
        match kind {
            b'D' => rows.push(data_row(&body)?),
            b'E' => error = Some(error_fields(&body).1),
            b'Z' => {
                return Ok(match error {
                    Some(message) => Err(message),
                    None => Ok(rows),
                });
            }
            _ => {}
        }
    }
}

pub(crate) fn data_row(body: &[u8]) -> Result<Vec<Option<String>>, ProbeError> {
    let malformed = || ProbeError::malformed("PostgreSQL", "truncated DataRow");
    let count = u16::from_be_bytes([
        *body.first().ok_or_else(malformed)?,
        *body.get(1).ok_or_else(malformed)?,
    ]);
    let mut at = 2;
    let mut values = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let len = body.get(at..at + 4).ok_or_else(malformed)?;
        let len = i32::from_be_bytes([len[0], len[1], len[2], len[3]]);
        at += 4;
        if len < 0 {
            values.push(None);
            continue;
        }
        let end = at + len as usize;
        let value = body.get(at..end).ok_or_else(malformed)?;
        values.push(Some(String::from_utf8_lossy(value).into_owned()));
        at = end;
    }
    Ok(values)
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Probes a PostgreSQL endpoint.
pub(crate) async fn probe(
    session: &Session<'_>,
    observation: &mut Observation,
) -> Result<(), ProbeError> {
    observation.service = Some("PostgreSQL");
    let (mut conn, credential) = match start(session, STRANGER_USER, None, observation).await? {
        Startup::Ready(conn) => {
            observation.access = Some(Access::Open);
            (conn, None)
        }
        Startup::Locked(detail) => {
            let Some(credential) = session.credential else {
                observation.access = Some(Access::Locked { detail });
                return Ok(());
            };
            match start(session, STRANGER_USER, Some(credential), observation).await? {
                Startup::Ready(conn) => {
                    observation.access = Some(Access::LockedCredentialsAccepted { detail });
                    (conn, Some(credential))
                }
                Startup::Locked(_) => {
                    observation.access = Some(Access::Locked { detail });
                    observation.fact("credentials_accepted", false);
                    return Ok(());
                }
            }
        }
    };
    observation.fact(
        "user",
        credential
            .and_then(|c| c.user.as_deref())
            .unwrap_or(STRANGER_USER),
    );
    let databases = query(
        &mut conn,
        "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1",
    )
    .await?
    .map_err(|m| ProbeError::malformed("PostgreSQL", format!("listing databases failed: {m}")))?;
    let databases: Vec<String> = databases
        .into_iter()
        .filter_map(|row| row.into_iter().next().flatten())
        .collect();
    observation.fact("databases", databases.clone());
    for database in databases.iter().take(MAX_DATABASES) {
        let Startup::Ready(mut conn) = start(session, database, credential, observation).await?
        else {
            continue;
        };
        // Belt and braces: this session cannot write even by mistake.
        query(&mut conn, "SET default_transaction_read_only = on")
            .await?
            .ok();
        let tables = query(
            &mut conn,
            &format!(
                "SELECT n.nspname, c.relname, greatest(c.reltuples, 0)::bigint \
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
                 AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, 2 LIMIT {MAX_TABLES}"
            ),
        )
        .await?
        .unwrap_or_default();
        for row in tables {
            let [Some(schema), Some(table), estimate] = <[Option<String>; 3]>::try_from(row)
                .map_err(|_| {
                    ProbeError::malformed("PostgreSQL", "table listing has the wrong shape")
                })?
            else {
                continue;
            };
            let rows = estimate.and_then(|e| e.parse::<u64>().ok()).unwrap_or(0);
            let mut resource = Resource::new("table", format!("{database}.{schema}.{table}"))
                .with("rows_estimate", rows);
            if rows > 0 {
                observation.serves_data = true;
            }
            let sample = session.options.sample;
            if sample > 0 {
                let sql = format!(
                    "SELECT to_jsonb(t)::text FROM {}.{} AS t LIMIT {sample}",
                    quote_ident(&schema),
                    quote_ident(&table)
                );
                if let Ok(rows) = query(&mut conn, &sql).await? {
                    let mut stats = SampleStats::default();
                    for value in rows
                        .into_iter()
                        .filter_map(|r| r.into_iter().next().flatten())
                    {
                        stats.add_document(session.detector, &value);
                    }
                    if stats.documents > 0 {
                        observation.serves_data = true;
                    }
                    resource.sample = Some(stats);
                }
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
    fn pbkdf2_matches_rfc_7914_vector() {
        // RFC 7914 section 11: PBKDF2-HMAC-SHA256("passwd", "salt", 1).
        let out = pbkdf2_sha256(b"passwd", b"salt", 1);
        assert_eq!(&out[..8], &[0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f]);
    }

    #[test]
    fn frames_messages() {
        assert_eq!(
            parse_message(b"Z\0\0\0\x05I").unwrap(),
            Some(((b'Z', b"I".to_vec()), 6))
        );
        assert_eq!(parse_message(b"Z\0\0\0\x05").unwrap(), None);
        assert!(parse_message(b"Z\0\0\0\x01").is_err());
        let startup = startup_message(STRANGER_USER, "db");
        assert_eq!(
            u32::from_be_bytes(startup[..4].try_into().unwrap()) as usize,
            startup.len()
        );
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn reads_data_rows_with_nulls() {
        let body = [0, 2, 0, 0, 0, 2, b'h', b'i', 0xff, 0xff, 0xff, 0xff];
        assert_eq!(data_row(&body).unwrap(), vec![Some("hi".to_string()), None]);
        assert!(data_row(&[0, 1, 0, 0, 0, 9, b'x']).is_err());
    }
}
