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
        return speak(session, protocol, observation).await.map(|_| ());
    }
    session.identifying = true;
    // Server-first protocols (MySQL/MariaDB) greet on connect.
    {
        let mut conn = session.connect("greeting").await?;
        let wait = session.attempt_timeout().min(Duration::from_millis(500));
        if conn.server_speaks_first(wait).await? {
            if let Some(greeting) = mysql::read_greeting(&mut conn).await {
                session.identifying = false;
                return mysql::probe_with(conn, &greeting, observation).await;
            }
            observation.banner = Some("the server spoke first in an unknown protocol".into());
            return Ok(());
        }
    }
    for protocol in attempt_order(session.endpoint.port) {
        let attempt =
            tokio::time::timeout(session.attempt_timeout(), identify(session, protocol)).await;
        match attempt {
            Ok(Ok(true)) => {
                session.identifying = false;
                return speak(session, protocol, observation).await.map(|_| ());
            }
            Ok(Ok(false)) | Err(_) => {}
            Ok(Err(ProbeError::Connect(reason))) => return Err(ProbeError::Connect(reason)),
            Ok(Err(_)) => {}
        }
    }
    observation.banner = Some("no answer to HTTP, RESP, memcached, PostgreSQL or MongoDB".into());
    Ok(())
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
) -> Result<bool, ProbeError> {
    match protocol {
        Protocol::Http => http::probe(session, false, observation).await,
        Protocol::Https => http::probe(session, true, observation).await,
        Protocol::Redis => redis::probe(session, observation).await.map(|()| true),
        Protocol::Memcached => memcached::probe(session, observation).await.map(|()| true),
        Protocol::Postgres => postgres::probe(session, observation).await.map(|()| true),
        Protocol::Mysql => mysql::probe(session, observation).await.map(|()| true),
        Protocol::Mongo => mongo::probe(session, observation).await.map(|()| true),
    }
}

/// The order in which protocols are tried on a bare `host:port`: the
/// well-known port's protocol first, as a hint only.
fn attempt_order(port: u16) -> Vec<Protocol> {
    let hinted = match port {
        6379 | 6380 => Some(Protocol::Redis),
        11211 => Some(Protocol::Memcached),
        5432 => Some(Protocol::Postgres),
        27017..=27019 => Some(Protocol::Mongo),
        443 | 8443 | 9243 => Some(Protocol::Https),
        _ => None,
    };
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
