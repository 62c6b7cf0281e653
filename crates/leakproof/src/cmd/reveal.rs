//! `leakproof reveal`: turn `encrypt` tokens back into the values.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use leakproof_redact::reveal;

use crate::common::{collect_inputs, load_keys, open_input};

/// Options of `leakproof reveal`.
///
/// Replaces every `[ENC:TYPE:...]` token written by `redact --operator
/// encrypt` with the original value, for whoever holds the key. A token
/// that does not decrypt under the key is an error (exit 2), never garbage.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File holding the key (else the LEAKPROOF_KEY environment variable).
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// Files or directories (recursively); none or `-` reads stdin.
    paths: Vec<PathBuf>,
}

/// Runs `leakproof reveal`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let keys = load_keys(args.key_file.as_deref())?.ok_or_else(|| {
        anyhow::anyhow!("reveal needs the key: pass --key-file FILE or set LEAKPROOF_KEY")
    })?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut index = 0;
    for input in collect_inputs(&args.paths)? {
        let mut reader = open_input(&input)?;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                break;
            }
            out.write_all(reveal(&line, &keys, &mut index)?.as_bytes())?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
