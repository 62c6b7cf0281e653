//! One endpoint's probe: identify what answers, then speak its protocol.

use std::time::Duration;

use leakproof_detect::Detector;

use crate::credentials::Credential;
use crate::net::{Conn, ProbeError};
use crate::observation::Observation;
use crate::target::{Endpoint, Protocol};
use crate::{ProbeOptions, http, memcached, mongo, mysql, postgres, redis};

/// What every protocol probe of one endpoint needs.
pub(crate) struct Session<'a> {
    pub(crate) endpoint: &'a Endpoint,
    pub(crate) options: &'a ProbeOptions,
    pub(crate) detector: &'a Detector,
    pub(crate) http: &'a reqwest::Client,
    pub(crate) credential: Option<&'a Credential>,
    /// True while guessing the protocol of a bare `host:port`: an answer in
    /// another protocol then means "try the next one", not an error.
    pub(crate) identifying: bool,
}

impl Session<'_> {
    pub(crate) async fn connect(&self, protocol: &'static str) -> Result<Conn, ProbeError> {
        Conn::connect(self.endpoint, self.options.max_response_bytes, protocol).await
    }

    /// Time allowed to one identification attempt, so a server that stays
    /// silent on one protocol leaves time to try the others.
    fn attempt_timeout(&self) -> Duration {
        (self.options.timeout / 4).clamp(Duration::from_millis(250), Duration::from_secs(3))
    }
}

/// Probes one endpoint; the caller bounds it with the per-target timeout.
pub(crate) async fn probe_endpoint(
    session: &mut Session<'_>,
    observation: &mut Observation,
) -> Result<(), ProbeError> {
    if let Some(protocol) = session.endpoint.protocol {
        session.identifying = false;
        return speak(session, protocol, observation).await;
    }
    session.identifying = true;
    // Listen for a server-first greeting (MySQL/MariaDB) while the
    // client-first protocols are tried on other connections: a server that
    // greets first answers none of them, and one that answers them never
    // greets, so both can run at once.
    let decision = {
        let session: &Session<'_> = session;
        let greeting = listen_for_greeting(session);
        let client_first = first_client_protocol(session);
        tokio::pin!(greeting, client_first);
        let mut heard: Option<Heard> = None;
        loop {
            tokio::select! {
                result = &mut greeting, if heard.is_none() => match result? {
                    Heard::Mysql(conn, greeting) => break Decision::Mysql(conn, greeting),
                    other => heard = Some(other),
                },
                result = &mut client_first => match result? {
                    Some(protocol) => break Decision::Speak(protocol),
                    None => break Decision::Nothing(heard),
                },
            }
        }
    };
    session.identifying = false;
    match decision {
        Decision::Mysql(conn, greeting) => {
            mysql::probe_with(session, conn, &greeting, observation).await
        }
        Decision::Speak(protocol) => speak(session, protocol, observation).await,
        Decision::Nothing(heard) => {
            observation.banner = Some(match heard {
                Some(Heard::Unknown) => "the server spoke first in an unknown protocol".into(),
                _ => "no answer to HTTP, RESP, memcached, PostgreSQL or MongoDB".into(),
            });
            Ok(())
        }
    }
}

/// What the greeting connection heard.
enum Heard {
    Mysql(Conn, Vec<u8>),
    Unknown,
    Silence,
}

/// What identification decided.
enum Decision {
    Mysql(Conn, Vec<u8>),
    Speak(Protocol),
    Nothing(Option<Heard>),
}

/// How long the greeting connection listens before calling the server silent.
const GREETING_WAIT: Duration = Duration::from_secs(2);

async fn listen_for_greeting(session: &Session<'_>) -> Result<Heard, ProbeError> {
    let mut conn = session.connect("greeting").await?;
    // The client-first attempts run meanwhile, so a long wait costs nothing
    // on servers that accept connections concurrently, and a loaded server
    // may greet late; a server that serves one connection at a time waits
    // on this silent one, hence a bound.
    let wait = session.attempt_timeout().min(GREETING_WAIT);
    if !conn.server_speaks_first(wait).await? {
        return Ok(Heard::Silence);
    }
    Ok(match mysql::read_greeting(&mut conn).await {
        Some(greeting) => Heard::Mysql(conn, greeting),
        None => Heard::Unknown,
    })
}

/// The first client-first protocol that answers, the well-known port's first.
async fn first_client_protocol(session: &Session<'_>) -> Result<Option<Protocol>, ProbeError> {
    for protocol in attempt_order(session.endpoint.port) {
        if try_protocol(session, protocol).await? {
            return Ok(Some(protocol));
        }
    }
    Ok(None)
}

/// One identification attempt within its own time budget; only a refused
/// connection is an error (the endpoint is gone), anything else is "no".
async fn try_protocol(session: &Session<'_>, protocol: Protocol) -> Result<bool, ProbeError> {
    match tokio::time::timeout(session.attempt_timeout(), identify(session, protocol)).await {
        Ok(Ok(answers)) => Ok(answers),
        Ok(Err(ProbeError::Connect(reason))) => Err(ProbeError::Connect(reason)),
        Ok(Err(_)) | Err(_) => Ok(false),
    }
}

/// Does `protocol` answer here? One short, harmless exchange.
async fn identify(session: &Session<'_>, protocol: Protocol) -> Result<bool, ProbeError> {
    match protocol {
        Protocol::Http | Protocol::Https => http_answers(session, protocol).await,
        Protocol::Redis => redis::answers(session).await,
        Protocol::Memcached => memcached::answers(session).await,
        Protocol::Postgres => postgres::answers(session).await,
        Protocol::Mongo => mongo::answers(session).await,
        Protocol::Mysql => Ok(false),
    }
}

async fn http_answers(session: &Session<'_>, protocol: Protocol) -> Result<bool, ProbeError> {
    let scheme = if protocol == Protocol::Https {
        "https"
    } else {
        "http"
    };
    let url = format!("{scheme}://{}/", session.endpoint.address());
    // Any HTTP answer counts, whatever its status; anything else is another protocol.
    Ok(session.http.head(url).send().await.is_ok())
}

async fn speak(
    session: &Session<'_>,
    protocol: Protocol,
    observation: &mut Observation,
) -> Result<(), ProbeError> {
    match protocol {
        Protocol::Http => http::probe(session, false, observation).await.map(|_| ()),
        Protocol::Https => http::probe(session, true, observation).await.map(|_| ()),
        Protocol::Redis => redis::probe(session, observation).await,
        Protocol::Memcached => memcached::probe(session, observation).await,
        Protocol::Postgres => postgres::probe(session, observation).await,
        Protocol::Mysql => mysql::probe(session, observation).await,
        Protocol::Mongo => mongo::probe(session, observation).await,
    }
}

/// The order in which protocols are tried on a bare `host:port`: the
/// well-known port's protocol first, as a hint only.
fn attempt_order(port: u16) -> Vec<Protocol> {
    let hinted = hint(port);
    let mut order = vec![
        Protocol::Http,
        Protocol::Redis,
        Protocol::Memcached,
        Protocol::Postgres,
        Protocol::Mongo,
        Protocol::Https,
    ];
    if let Some(first) = hinted {
        order.retain(|p| *p != first);
        order.insert(0, first);
    }
    order
}

/// The client-first protocol a well-known port suggests.
fn hint(port: u16) -> Option<Protocol> {
    match port {
        6379 | 6380 => Some(Protocol::Redis),
        11211 => Some(Protocol::Memcached),
        5432 => Some(Protocol::Postgres),
        27017..=27019 => Some(Protocol::Mongo),
        443 | 8443 | 9243 => Some(Protocol::Https),
        80 | 5601 | 5984 | 8080 | 9200 => Some(Protocol::Http),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_is_only_a_hint_for_order() {
        assert_eq!(attempt_order(6379)[0], Protocol::Redis);
        assert_eq!(attempt_order(6379).len(), 6);
        assert_eq!(attempt_order(9200)[0], Protocol::Http);
        assert_eq!(attempt_order(5432)[0], Protocol::Postgres);
    }
}
