//! Small readers shared by the config checkers: booleans, bind addresses,
//! `${VAR}` substitution and whitespace/quote-aware tokenising.

use std::collections::HashMap;
use std::net::IpAddr;

/// A boolean the way config files write it (`true`, `yes`, `on`, `1`).
pub(crate) fn parse_bool(value: &str) -> Option<bool> {
    match value
        .trim()
        .trim_matches(['"', '\''])
        .to_ascii_lowercase()
        .as_str()
    {
        "true" | "yes" | "on" | "1" | "enabled" => Some(true),
        "false" | "no" | "off" | "0" | "disabled" => Some(false),
        _ => None,
    }
}

/// Whether a bind address keeps a server on this machine only.
pub(crate) fn is_loopback_bind(value: &str) -> bool {
    let v = value
        .trim()
        .trim_matches(['"', '\'', '[', ']'])
        .trim_start_matches('-');
    let v = v.split('%').next().unwrap_or(v);
    match v.to_ascii_lowercase().as_str() {
        "localhost" | "_local_" | "_lo_" | "_lo0_" | "_lo:ipv4_" | "_lo:ipv6_" | "_local:ipv4_"
        | "_local:ipv6_" => true,
        other => other.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback()),
    }
}

/// Whether a bind address means every interface.
pub(crate) fn is_wildcard_bind(value: &str) -> bool {
    matches!(
        value.trim().trim_matches(['"', '\'', '[', ']']),
        "0.0.0.0" | "::" | "*" | "0:0:0:0:0:0:0:0" | "::0"
    )
}

/// `${VAR}`, `${VAR:-default}` and `${VAR-default}` substitution, the
/// Compose and Elasticsearch way. A variable with neither a value in `vars`
/// nor a default leaves the result unknown (`None`): we do not guess a
/// deployment's environment.
pub(crate) fn substitute(value: &str, vars: &HashMap<String, String>) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}')?;
        let expr = &after[..end];
        let (name, default) = match expr.find(":-").or_else(|| expr.find('-')) {
            Some(i) => {
                let skip = if expr[i..].starts_with(":-") { 2 } else { 1 };
                (&expr[..i], Some(&expr[i + skip..]))
            }
            None => (expr, None),
        };
        let name = name.split(':').next().unwrap_or(name);
        match (vars.get(name), default) {
            (Some(v), _) if !v.is_empty() => out.push_str(v),
            (_, Some(d)) => out.push_str(d),
            (Some(v), None) => out.push_str(v),
            (None, None) => return None,
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Splits a config line into words, honouring single and double quotes and
/// dropping a trailing `#` comment.
pub(crate) fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '#') if !in_word => break,
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            (None, c) => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(current);
    }
    out
}

/// The major version named by an `ES_VERSION=7.17` / `version: 7.10`
/// comment, an `elasticsearch:7.17.0` image, or an `elasticsearch-6.8.0`
/// directory in the path.
pub(crate) fn version_hint(path: &str, text: &str) -> Option<u32> {
    let lower_path = path.to_ascii_lowercase();
    for marker in [
        "elasticsearch-",
        "elasticsearch/elasticsearch:",
        "elasticsearch:",
    ] {
        if let Some(v) = major_after(&lower_path, marker) {
            return Some(v);
        }
    }
    for line in text.lines().map(str::trim).filter(|l| l.starts_with('#')) {
        let lower = line.to_ascii_lowercase();
        for marker in [
            "es_version=",
            "es_version:",
            "es_version ",
            "elasticsearch:",
            "version:",
            "version ",
        ] {
            if let Some(v) = major_after(&lower, marker) {
                return Some(v);
            }
        }
    }
    None
}

fn major_after(text: &str, marker: &str) -> Option<u32> {
    let start = text.find(marker)? + marker.len();
    let digits: String = text[start..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitution() {
        let mut vars = HashMap::new();
        vars.insert("HOST".to_string(), "0.0.0.0".to_string());
        assert_eq!(
            substitute("${HOST}:9200", &vars).as_deref(),
            Some("0.0.0.0:9200")
        );
        assert_eq!(
            substitute("${BIND:-127.0.0.1}", &vars).as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(substitute("${MISSING}", &vars), None);
        assert_eq!(substitute("plain", &vars).as_deref(), Some("plain"));
    }

    #[test]
    fn words_and_binds() {
        assert_eq!(
            words(r#"rename-command CONFIG "" # off"#),
            vec!["rename-command", "CONFIG", ""]
        );
        assert!(
            is_loopback_bind("127.0.0.1")
                && is_loopback_bind("-::1")
                && is_loopback_bind("_local_")
        );
        assert!(!is_loopback_bind("0.0.0.0") && !is_loopback_bind("_site_"));
        assert!(is_wildcard_bind("::") && !is_wildcard_bind("10.0.0.1"));
    }

    #[test]
    fn versions() {
        assert_eq!(
            version_hint("/opt/elasticsearch-6.8.23/config/elasticsearch.yml", ""),
            Some(6)
        );
        assert_eq!(
            version_hint("elasticsearch.yml", "# ES_VERSION=7.17.9\n"),
            Some(7)
        );
        assert_eq!(version_hint("elasticsearch.yml", "cluster.name: x\n"), None);
    }
}
