//! Credentials the user supplies for their own endpoints, read from a TOML
//! file whose passwords come from environment variables or files, never
//! from the command line.
//!
//! ```toml
//! [[credential]]
//! target = "127.0.0.1:9200"        # any target spelling; every endpoint it expands to
//! user = "elastic"                  # optional for Redis (AUTH password)
//! password_env = "ES_PASSWORD"      # or: password_file = "/run/secrets/es"
//! ```

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::target::Target;

/// A user name and password for one endpoint. `Debug` never shows the password.
#[derive(Clone)]
pub struct Credential {
    /// The user name, if the protocol takes one.
    pub user: Option<String>,
    password: String,
}

impl Credential {
    /// A credential from a user name and password.
    pub fn new(user: Option<String>, password: String) -> Self {
        Credential { user, password }
    }

    /// The password, for the wire only.
    pub(crate) fn password(&self) -> &str {
        &self.password
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Credentials by endpoint (`host:port`).
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    by_endpoint: HashMap<String, Credential>,
}

/// Why a credentials file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    /// The file cannot be read.
    #[error("cannot read credentials file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML of the expected shape.
    #[error("credentials file {path} is invalid: {reason}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong (never contains a password).
        reason: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialsFile {
    #[serde(default)]
    credential: Vec<CredentialEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialEntry {
    target: String,
    user: Option<String>,
    password_env: Option<String>,
    password_file: Option<PathBuf>,
}

impl Credentials {
    /// Reads a credentials file (see the module docs for its shape).
    pub fn load(path: &Path) -> Result<Credentials, CredentialsError> {
        let text = std::fs::read_to_string(path).map_err(|source| CredentialsError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let invalid = |reason: String| CredentialsError::Invalid {
            path: path.to_path_buf(),
            reason,
        };
        // The TOML error quotes the offending line, which may hold a secret
        // typed in by mistake: report only its position-free message kind.
        let file: CredentialsFile = toml::from_str(&text)
            .map_err(|e| invalid(format!("not a [[credential]] list ({})", e.message())))?;
        let mut credentials = Credentials::default();
        for (index, entry) in file.credential.into_iter().enumerate() {
            let n = index + 1;
            let target: Target = entry
                .target
                .parse()
                .map_err(|e| invalid(format!("credential {n}: {e}")))?;
            let password = match (&entry.password_env, &entry.password_file) {
                (Some(var), None) => std::env::var(var).map_err(|_| {
                    invalid(format!(
                        "credential {n}: environment variable {var} is not set"
                    ))
                })?,
                (None, Some(file)) => std::fs::read_to_string(file)
                    .map_err(|e| {
                        invalid(format!(
                            "credential {n}: cannot read {}: {e}",
                            file.display()
                        ))
                    })?
                    .trim_end_matches(['\r', '\n'])
                    .to_string(),
                _ => {
                    return Err(invalid(format!(
                        "credential {n}: give exactly one of password_env or password_file"
                    )));
                }
            };
            let credential = Credential::new(entry.user.clone(), password);
            for endpoint in target.endpoints() {
                credentials
                    .by_endpoint
                    .insert(endpoint.address(), credential.clone());
            }
        }
        Ok(credentials)
    }

    /// Adds a credential for one endpoint (`host:port`).
    pub fn insert(&mut self, endpoint: impl Into<String>, credential: Credential) {
        self.by_endpoint.insert(endpoint.into(), credential);
    }

    /// The credential for an endpoint (`host:port`), if any.
    pub fn get(&self, endpoint: &str) -> Option<&Credential> {
        self.by_endpoint.get(endpoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_from_env_and_file_and_hides_passwords() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("pw");
        std::fs::write(&secret, "s3cret-from-file\n").unwrap();
        let path = dir.path().join("creds.toml");
        // SAFETY: the variable name is unique to this test.
        unsafe { std::env::set_var("LEAKPROOF_TEST_CRED_PW", "s3cret-from-env") };
        std::fs::write(
            &path,
            format!(
                "[[credential]]\ntarget = \"127.0.0.1:9200\"\nuser = \"elastic\"\npassword_env = \"LEAKPROOF_TEST_CRED_PW\"\n\n[[credential]]\ntarget = \"redis://127.0.0.1:6380\"\npassword_file = {:?}\n",
                secret.display().to_string()
            ),
        )
        .unwrap();
        let creds = Credentials::load(&path).unwrap();
        let es = creds.get("127.0.0.1:9200").unwrap();
        assert_eq!(es.user.as_deref(), Some("elastic"));
        assert_eq!(es.password(), "s3cret-from-env");
        assert_eq!(
            creds.get("127.0.0.1:6380").unwrap().password(),
            "s3cret-from-file"
        );
        assert!(!format!("{creds:?}").contains("s3cret"));
    }

    #[test]
    fn rejects_inline_passwords() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("creds.toml");
        std::fs::write(
            &path,
            "[[credential]]\ntarget = \"h:1\"\npassword = \"hunter2\"\n",
        )
        .unwrap();
        let err = Credentials::load(&path).unwrap_err().to_string();
        assert!(!err.contains("hunter2"), "{err}");
    }
}
