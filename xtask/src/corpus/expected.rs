//! The committed lists the corpus gate accepts: expected refusals (`fixtures/corpus/refusals.md`)
//! and known compile failures (`fixtures/corpus/compile-failures.md`), each a markdown table with a
//! `document` column (the id, in backticks or not) and, for compile failures, a `class` column.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};

/// The documents of a list, each with the text of its `class` (or `error`) column.
#[derive(Debug, Default)]
pub struct List {
    /// Document id → class (empty when the table has no such column).
    pub entries: BTreeMap<String, String>,
}

impl List {
    /// Reads a list; a missing file is an empty list.
    pub fn read(path: &Path) -> Result<Self> {
        if !path.exists() {
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Ok(Self::parse(&text))
    }

    /// Parses every markdown table of `text` that has a `document` column.
    pub fn parse(text: &str) -> Self {
        let mut entries = BTreeMap::new();
        let mut columns: Option<(usize, Option<usize>)> = None;
        for line in text.lines() {
            let line = line.trim();
            if !line.starts_with('|') {
                columns = None;
                continue;
            }
            let cells = split_row(line);
            if cells
                .iter()
                .all(|c| c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
            {
                continue; // the |---|---| rule
            }
            match columns {
                None => {
                    let find = |names: &[&str]| {
                        cells.iter().position(|c| {
                            let c = c.to_ascii_lowercase();
                            names.iter().any(|n| c == *n)
                        })
                    };
                    if let Some(doc) = find(&["document", "spec", "id"]) {
                        columns = Some((doc, find(&["class", "error", "why"])));
                    }
                }
                Some((doc, class)) => {
                    let Some(id) = cells.get(doc).map(|c| c.trim_matches('`').trim()) else {
                        continue;
                    };
                    if id.is_empty() {
                        continue;
                    }
                    let class = class
                        .and_then(|i| cells.get(i))
                        .map(|c| c.to_string())
                        .unwrap_or_default();
                    entries.insert(normalize(id), class);
                }
            }
        }
        Self { entries }
    }

    /// The entry of a document id, if listed.
    pub fn get(&self, id: &str) -> Option<&String> {
        self.entries.get(&normalize(id))
    }
}

/// Ids compare without a leading `api/` and with `/` separators.
fn normalize(id: &str) -> String {
    let id = id.replace('\\', "/");
    id.strip_prefix("api/").unwrap_or(&id).to_owned()
}

/// The cells of a markdown table row (`\|` is a literal bar).
fn split_row(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut cell).trim().to_owned()),
            _ => cell.push(c),
        }
    }
    cells.push(cell.trim().to_owned());
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_with_a_document_column_are_read() {
        let text = "# Known compile failures\n\nSome prose | with a bar.\n\n| Document | Class | Example error |\n|---|---|---|\n| `api.video.json` | missing trait impl | error: `X: Y` \\| z |\n| api/b.com/c.json | lint | warning |\n\n| other | table |\n|---|---|\n| x | y |\n";
        let list = List::parse(text);
        assert_eq!(list.entries.len(), 2, "{:?}", list.entries);
        assert_eq!(list.get("api.video.json").unwrap(), "missing trait impl");
        assert_eq!(list.get("b.com/c.json").unwrap(), "lint");
        assert!(list.get("x").is_none());
    }

    #[test]
    fn a_list_without_a_class_column_lists_documents() {
        let list =
            List::parse("| document | why |\n|:--|:--|\n| a.json | its $ref points nowhere |\n");
        assert_eq!(list.get("a.json").unwrap(), "its $ref points nowhere");
        let bare = List::parse("| document |\n|---|\n| a.json |\n");
        assert_eq!(bare.get("a.json").unwrap(), "");
    }

    #[test]
    fn a_missing_file_is_an_empty_list() {
        let list = List::read(Path::new("/nonexistent/refusals.md")).unwrap();
        assert!(list.entries.is_empty());
    }
}
