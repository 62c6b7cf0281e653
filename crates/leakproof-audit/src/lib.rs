//! Finds datastore and network-rule misconfigurations in config files, cloud
//! network rules and infrastructure code, and answers the question the other
//! tools leave open: can someone on the internet reach this datastore
//! without credentials?
//!
//! [`audit_paths`] walks files and directories, recognises each file's kind
//! by name and content, runs the checks of the [`rules`] catalogue, and
//! combines a datastore answering without authentication with a network
//! rule that opens its port to the internet into one critical finding.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use leakproof_core::{Finding, Location, Severity};

mod catalogue;
mod chain;
mod inputs;
mod net;
mod text;
mod tree;

pub use catalogue::{InputKind, Rule, rule, rules};

/// What an audit found.
#[derive(Debug, Clone, Default)]
pub struct AuditReport {
    /// Findings, including error findings for files that could not be parsed,
    /// ordered by path, line and rule id.
    pub findings: Vec<Finding>,
    /// How many files were recognised and checked.
    pub files_checked: usize,
    /// How many files were skipped because their kind was not recognised.
    pub files_skipped: usize,
}

/// Why an audit could not run at all (a single bad file is a finding, not an error).
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// A path given by the user does not exist or cannot be read.
    #[error("cannot read {path}: {source}")]
    Unreadable {
        /// The path as given.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Directories never worth walking: version control and build output.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "target",
    ".terraform",
];

/// Files larger than this are not configuration (Terraform plans of large
/// estates stay well below it); they are skipped and counted.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Audits files and directories (recursively).
pub fn audit_paths(paths: &[PathBuf]) -> Result<AuditReport, AuditError> {
    let mut files = Vec::new();
    for path in paths {
        collect(path, &mut files, true)?;
    }
    files.sort();
    files.dedup();
    let mut out = inputs::Output::default();
    let mut report = AuditReport::default();
    for path in &files {
        let display = path.to_string_lossy().into_owned();
        let too_big = fs::metadata(path).map_or(true, |m| m.len() > MAX_FILE_BYTES);
        let Some(bytes) = (!too_big).then(|| fs::read(path).ok()).flatten() else {
            report.files_skipped += 1;
            continue;
        };
        let text = decode(&bytes);
        let file = inputs::SourceFile {
            path,
            display: &display,
            text: &text,
        };
        if inputs::check_file(&file, &mut out) {
            report.files_checked += 1;
        } else {
            report.files_skipped += 1;
        }
    }
    inputs::finish(&mut out);
    let mut findings = out.findings;
    findings.extend(chain::combine(&out.unauthenticated, &out.internet_openings));
    let mut seen = BTreeSet::new();
    findings.retain(|f| seen.insert(f.fingerprint.clone()));
    findings.sort_by(|a, b| {
        (
            &a.location.path,
            a.location.line,
            &a.rule_id,
            &a.location.resource,
        )
            .cmp(&(
                &b.location.path,
                b.location.line,
                &b.rule_id,
                &b.location.resource,
            ))
    });
    report.findings = findings;
    Ok(report)
}

/// File text as UTF-8, with a byte-order mark dropped. UTF-16 is decoded
/// too: `az ... > nsg.json` in Windows PowerShell 5 writes UTF-16LE.
fn decode(bytes: &[u8]) -> String {
    let utf16 = |rest: &[u8], big_endian: bool| {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|pair| {
                let pair = [pair[0], pair[1]];
                if big_endian {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    match bytes {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, false),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, true),
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn collect(path: &Path, files: &mut Vec<PathBuf>, top: bool) -> Result<(), AuditError> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        // Below the paths the user named, a dangling link is not worth failing for.
        Err(_) if !top => return Ok(()),
        Err(source) => {
            return Err(AuditError::Unreadable {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    if meta.is_file() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    if !meta.is_dir() {
        return Ok(());
    }
    let entries = match fs::read_dir(path) {
        Ok(entries) => entries,
        Err(_) if !top => return Ok(()),
        Err(source) => {
            return Err(AuditError::Unreadable {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let child = entry.path();
        // Symbolic links are followed to files only: a link to a directory
        // can loop back on the tree.
        let linked_dir = kind.is_symlink() && child.is_dir();
        let skipped = kind.is_dir() && SKIPPED_DIRS.iter().any(|d| entry.file_name() == *d);
        if linked_dir || skipped {
            continue;
        }
        collect(&child, files, false)?;
    }
    Ok(())
}

/// The severity to report for a rule whose default is `default`, given
/// whether the thing it guards is reachable beyond loopback.
pub(crate) fn exposure_severity(default: Severity, beyond_loopback: bool) -> Severity {
    if beyond_loopback {
        default
    } else {
        default.min(Severity::Medium)
    }
}

/// A location in a file at a line (0 means "no line": the setting is absent).
pub(crate) fn at(path: &str, line: u32) -> Location {
    let location = Location::file(path);
    if line == 0 {
        location
    } else {
        location.with_line(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_boms_and_utf16() {
        let text = "{\"securityRules\": []}";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le), text);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend(text.as_bytes());
        assert_eq!(decode(&bom), text);
        assert_eq!(decode(text.as_bytes()), text);
    }
}
