//! `leakproof policy`: work with policy files.

use std::path::PathBuf;
use std::process::ExitCode;

use leakproof_detect::EntityType;
use leakproof_redact::Policy;

/// Subcommands of `leakproof policy`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Validate a policy file; errors name the line and the field.
    ///
    /// Built-in entity types: EMAIL, IP_ADDRESS, PHONE, CREDIT_CARD, IBAN,
    /// US_SSN, MAC_ADDRESS, URL_CREDENTIALS, PASSWORD, AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_KEY, GITHUB_TOKEN, SLACK_TOKEN, GOOGLE_API_KEY, STRIPE_KEY,
    /// JWT, BEARER_TOKEN, PRIVATE_KEY, GENERIC_SECRET, DATE_OF_BIRTH.
    Check {
        /// The policy file (TOML).
        file: PathBuf,
    },
}

/// Runs `leakproof policy`.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Check { file } => {
            let policy = Policy::from_file(&file)?;
            let builtins = EntityType::builtins().len();
            println!(
                "{}: valid: {} of {builtins} built-in types on, {} custom patterns, {} dictionaries, {} field rules, default operator {}",
                file.display(),
                policy.detector.enabled.len(),
                policy.detector.custom_patterns.len(),
                policy.detector.dictionaries.len(),
                policy.fields.len(),
                policy.default_operator,
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
