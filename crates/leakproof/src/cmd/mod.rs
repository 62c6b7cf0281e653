//! One module per subcommand; each has `Args` (or `Command`) and `run`.

pub mod alert;
pub mod audit;
pub mod bench;
pub mod findings;
pub mod policy;
pub mod probe;
pub mod redact;
pub mod reindex;
pub mod reveal;
pub mod rules;
pub mod scan;
pub mod watch;
