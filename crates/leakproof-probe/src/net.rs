//! A bounded TCP conversation: every response is read with a byte cap, and
//! the caller wraps the whole exchange in the per-target timeout.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::target::Endpoint;

/// Why a probe could not finish talking to an endpoint.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum ProbeError {
    /// Nothing accepted the connection.
    #[error("connection failed: {0}")]
    Connect(String),
    /// The exchange took longer than the per-target timeout.
    #[error("timed out")]
    Timeout,
    /// A response was larger than the per-response byte cap.
    #[error("a response exceeded the cap of {limit} bytes")]
    TooLarge {
        /// The cap in bytes.
        limit: usize,
    },
    /// The peer closed the connection mid-exchange.
    #[error("the server closed the connection")]
    Closed,
    /// The peer answered something the protocol does not allow.
    #[error("malformed {protocol} response: {reason}")]
    Malformed {
        /// The protocol being spoken.
        protocol: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// The TLS handshake failed, typically an untrusted certificate.
    #[error(
        "TLS handshake failed ({0}); for an endpoint you own with a self-signed certificate, use --insecure"
    )]
    Tls(String),
    /// A read or write failed.
    #[error("i/o error: {0}")]
    Io(String),
}

impl ProbeError {
    pub(crate) fn malformed(protocol: &'static str, reason: impl Into<String>) -> Self {
        ProbeError::Malformed {
            protocol,
            reason: reason.into(),
        }
    }
}

/// What a frame parser says about the bytes read so far.
pub(crate) type Parsed<T> = Result<Option<(T, usize)>, String>;

/// A TCP connection whose responses are read with a byte cap.
pub(crate) struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    max_response_bytes: usize,
    protocol: &'static str,
}

impl Conn {
    pub(crate) async fn connect(
        endpoint: &Endpoint,
        max_response_bytes: usize,
        protocol: &'static str,
    ) -> Result<Conn, ProbeError> {
        let stream = TcpStream::connect((endpoint.host.as_str(), endpoint.port))
            .await
            .map_err(|e| ProbeError::Connect(e.kind().to_string()))?;
        // Small request/response exchanges: send each at once.
        stream
            .set_nodelay(true)
            .map_err(|e| ProbeError::Io(e.kind().to_string()))?;
        Ok(Conn {
            stream,
            buf: Vec::new(),
            max_response_bytes,
            protocol,
        })
    }

    pub(crate) async fn send(&mut self, bytes: &[u8]) -> Result<(), ProbeError> {
        self.stream
            .write_all(bytes)
            .await
            .map_err(|e| ProbeError::Io(e.kind().to_string()))
    }

    /// Reads until `parse` recognises one whole frame, and consumes it.
    pub(crate) async fn read_frame<T>(
        &mut self,
        mut parse: impl FnMut(&[u8]) -> Parsed<T>,
    ) -> Result<T, ProbeError> {
        loop {
            match parse(&self.buf) {
                Ok(Some((frame, used))) => {
                    self.buf.drain(..used);
                    return Ok(frame);
                }
                Ok(None) => {}
                Err(reason) => return Err(ProbeError::malformed(self.protocol, reason)),
            }
            if self.buf.len() >= self.max_response_bytes {
                return Err(ProbeError::TooLarge {
                    limit: self.max_response_bytes,
                });
            }
            self.fill().await?;
        }
    }

    /// Waits up to `wait` for the server to speak first; true when it did.
    pub(crate) async fn server_speaks_first(&mut self, wait: Duration) -> Result<bool, ProbeError> {
        if !self.buf.is_empty() {
            return Ok(true);
        }
        match tokio::time::timeout(wait, self.fill()).await {
            Ok(Ok(())) => Ok(true),
            Ok(Err(e)) => Err(e),
            Err(_) => Ok(false),
        }
    }

    async fn fill(&mut self) -> Result<(), ProbeError> {
        let room = self
            .max_response_bytes
            .saturating_sub(self.buf.len())
            .clamp(1, 64 * 1024);
        let start = self.buf.len();
        self.buf.resize(start + room, 0);
        let read = self.stream.read(&mut self.buf[start..]).await;
        match read {
            Ok(0) => {
                self.buf.truncate(start);
                Err(ProbeError::Closed)
            }
            Ok(n) => {
                self.buf.truncate(start + n);
                Ok(())
            }
            Err(e) => {
                self.buf.truncate(start);
                Err(ProbeError::Io(e.kind().to_string()))
            }
        }
    }
}
