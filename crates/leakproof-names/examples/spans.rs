//! Prints every span the finder reports for each text of a file (texts
//! separated by NUL bytes), one line per text: run it before and after a
//! change to the finder and diff the two outputs to see what it changed.

use std::io::Write;

use leakproof_names::{NameFinder, NamesConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: spans FILE (texts separated by NUL bytes)")?;
    let input = std::fs::read_to_string(path)?;
    let finder = NameFinder::new(NamesConfig::default())?;
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    let mut out = Vec::new();
    for (n, text) in input.split('\0').enumerate() {
        out.clear();
        finder.find(text, &mut out);
        write!(w, "{n}")?;
        for s in &out {
            write!(w, " {:?}:{}-{}:{}", s.kind, s.start, s.end, s.confidence)?;
        }
        writeln!(w)?;
    }
    Ok(())
}
