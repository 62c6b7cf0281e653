//! A YAML/JSON document tree that remembers the line of every node, built
//! from saphyr's event parser (serde-based loaders drop positions).
//! Anchors, aliases and `<<` merge keys are resolved while building.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// A node and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub value: Value,
    pub line: u32,
}

/// The shape of a node. Scalars stay text: each checker reads them the way
/// the program that owns the file does.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Scalar(String),
    Seq(Vec<Node>),
    /// Entries in file order: key, key line, value.
    Map(Vec<(String, u32, Node)>),
}

/// A document that could not be parsed, with where the parser stopped.
#[derive(Debug, Clone)]
pub(crate) struct ParseFailure {
    pub line: u32,
    pub message: String,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _, _)| k == key)
                .map(|(_, _, v)| v),
            _ => None,
        }
    }

    /// A key looked up case-insensitively (ARM and cloud JSON vary in case).
    pub fn get_ci(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, _, v)| v),
            _ => None,
        }
    }

    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn str_of(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::str)
    }

    pub fn seq(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn entries(&self) -> &[(String, u32, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// How many nodes this one is made of, itself included.
    fn size(&self) -> usize {
        match &self.value {
            Value::Null | Value::Scalar(_) => 1,
            Value::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            Value::Map(entries) => 1 + entries.iter().map(|(_, _, v)| 1 + v.size()).sum::<usize>(),
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// The scalars of a node that is either one scalar or a list of them.
    pub fn strings(&self) -> Vec<&str> {
        match &self.value {
            Value::Scalar(s) => vec![s.as_str()],
            Value::Seq(items) => items.iter().filter_map(Node::str).collect(),
            _ => Vec::new(),
        }
    }

    /// Leaves keyed by their dotted path, so that `xpack.security.enabled:
    /// false` and `xpack: {security: {enabled: false}}` read the same.
    pub fn flatten(&self) -> Vec<(String, u32, &Node)> {
        let mut out = Vec::new();
        flatten_into(self, String::new(), &mut out);
        out
    }
}

fn flatten_into<'a>(node: &'a Node, prefix: String, out: &mut Vec<(String, u32, &'a Node)>) {
    for (key, line, value) in node.entries() {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        if value.is_map() {
            flatten_into(value, full, out);
        } else {
            out.push((full, *line, value));
        }
    }
}

fn line_of(span: &Span) -> u32 {
    u32::try_from(span.start.line()).unwrap_or(u32::MAX)
}

enum Frame {
    Seq {
        items: Vec<Node>,
        line: u32,
        anchor: usize,
    },
    Map {
        entries: Vec<(String, u32, Node)>,
        pending_key: Option<(String, u32)>,
        line: u32,
        anchor: usize,
    },
}

/// The most nodes a document may expand to through aliases: configs are
/// small, and "billion laughs" documents must not exhaust memory.
const MAX_NODES: usize = 1_000_000;

/// Parses every document of a YAML stream (JSON is YAML too: tabs, which
/// JSON allows as whitespace only, are turned into spaces first).
pub(crate) fn parse_documents(text: &str, json: bool) -> Result<Vec<Node>, ParseFailure> {
    let owned;
    let text = if json {
        owned = text.replace('\t', " ");
        owned.as_str()
    } else {
        text
    };
    // Each anchor with its size, so that alias expansion is budgeted.
    let mut anchors: HashMap<usize, (Node, usize)> = HashMap::new();
    let mut budget = MAX_NODES;
    let mut stack: Vec<Frame> = Vec::new();
    let mut docs = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|err| ParseFailure {
            line: u32::try_from(err.marker().line()).unwrap_or(u32::MAX),
            message: err.info().to_string(),
        })?;
        let line = line_of(&span);
        let finished = match event {
            Event::SequenceStart(anchor, _) => {
                stack.push(Frame::Seq {
                    items: Vec::new(),
                    line,
                    anchor,
                });
                None
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Frame::Map {
                    entries: Vec::new(),
                    pending_key: None,
                    line,
                    anchor,
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq {
                    items,
                    line,
                    anchor,
                }) => Some((
                    Node {
                        value: Value::Seq(items),
                        line,
                    },
                    anchor,
                )),
                Some(Frame::Map {
                    entries,
                    line,
                    anchor,
                    ..
                }) => Some((
                    Node {
                        value: Value::Map(entries),
                        line,
                    },
                    anchor,
                )),
                None => None,
            },
            Event::Scalar(text, style, anchor, _) => {
                let value = if style == ScalarStyle::Plain
                    && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL")
                {
                    Value::Null
                } else {
                    Value::Scalar(text.into_owned())
                };
                Some((Node { value, line }, anchor))
            }
            Event::Alias(id) => {
                let (node, size) = anchors.get(&id).cloned().unwrap_or((
                    Node {
                        value: Value::Null,
                        line,
                    },
                    1,
                ));
                budget = budget.checked_sub(size).ok_or_else(|| ParseFailure {
                    line,
                    message: format!("aliases expand to more than {MAX_NODES} nodes"),
                })?;
                Some((node, 0))
            }
            _ => None,
        };
        let Some((node, anchor)) = finished else {
            continue;
        };
        if anchor != 0 {
            anchors.insert(anchor, (node.clone(), node.size()));
        }
        match stack.last_mut() {
            None => docs.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => {
                    let key = match &node.value {
                        Value::Scalar(s) => s.clone(),
                        Value::Null => String::new(),
                        // Complex keys never name a setting we check.
                        _ => String::from("?"),
                    };
                    *pending_key = Some((key, node.line));
                }
                Some((key, _)) if key == "<<" => merge_into(entries, node),
                Some((key, key_line)) => entries.push((key, key_line, node)),
            },
        }
    }
    Ok(docs)
}

/// A `<<` merge: keys already present win over merged ones.
fn merge_into(entries: &mut Vec<(String, u32, Node)>, merged: Node) {
    let sources = match merged.value {
        Value::Seq(items) => items,
        _ => vec![merged],
    };
    for source in sources {
        for (key, line, value) in source.entries() {
            if !entries.iter().any(|(k, _, _)| k == key) {
                entries.push((key.clone(), *line, value.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_anchors_and_merge_keys() {
        let text = "base: &b\n  port: 9200\n  host: a\nsvc:\n  <<: *b\n  host: b\n";
        let docs = parse_documents(text, false).unwrap();
        let svc = docs[0].get("svc").unwrap();
        assert_eq!(svc.str_of("port"), Some("9200"));
        assert_eq!(svc.str_of("host"), Some("b"));
        assert_eq!(docs[0].path(&["base", "host"]).unwrap().line, 3);
    }

    #[test]
    fn flattens_dotted_and_nested_alike() {
        let a = &parse_documents("xpack.security.enabled: false\n", false).unwrap()[0];
        let b = &parse_documents("xpack:\n  security:\n    enabled: false\n", false).unwrap()[0];
        let key = |n: &Node| {
            n.flatten()
                .into_iter()
                .map(|(k, l, v)| (k, l, v.str().map(String::from)))
                .collect::<Vec<_>>()
        };
        assert_eq!(key(a)[0].0, key(b)[0].0);
        assert_eq!(key(b)[0].1, 3);
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        let err = parse_documents(&text, false).unwrap_err();
        assert!(err.message.contains("aliases expand"), "{}", err.message);
    }

    #[test]
    fn json_with_tabs_and_errors_have_lines() {
        let docs = parse_documents("{\n\t\"a\": [1,\n\t2]\n}", true).unwrap();
        assert_eq!(docs[0].get("a").unwrap().seq()[1].line, 3);
        let err = parse_documents("a: [1, 2\nb: c\n", false).unwrap_err();
        assert!(err.line >= 1 && !err.message.is_empty());
    }
}
