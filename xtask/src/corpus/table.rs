//! The corpus table: one row per document, its columns defined once and written as markdown, CSV
//! and JSON (`summary.json`, with totals, the slowest and largest documents and failure classes).
//! A new column set is one more entry in [`columns`] (and a field of [`Row`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use serde_json::{Value, json};

use super::docs::Doc;
pub use super::summary::{summary, summary_text};

/// How generation of one document ended.
#[derive(Debug, Clone)]
pub enum Generation {
    /// A crate was written.
    Ok,
    /// The generator refused the document with a typed error.
    Refused(String),
    /// The generator reported a bug of its own (generated code that does not parse).
    Internal(String),
    /// The generator panicked (message and place).
    Panic(String),
    /// The worker died otherwise (a signal, an abort, no result).
    Crash(String),
    /// The worker was killed after the time limit.
    Timeout(Duration),
}

impl Generation {
    /// The result column: `ok`, `error`, `internal`, `panic`, `crash`, `timeout`.
    pub fn name(&self) -> &'static str {
        match self {
            Generation::Ok => "ok",
            Generation::Refused(_) => "error",
            Generation::Internal(_) => "internal",
            Generation::Panic(_) => "panic",
            Generation::Crash(_) => "crash",
            Generation::Timeout(_) => "timeout",
        }
    }

    /// The error text, if any.
    pub fn message(&self) -> Option<String> {
        match self {
            Generation::Ok => None,
            Generation::Refused(m)
            | Generation::Internal(m)
            | Generation::Panic(m)
            | Generation::Crash(m) => Some(m.clone()),
            Generation::Timeout(t) => Some(format!("no result after {} s", t.as_secs())),
        }
    }

    /// `name: message`, for progress lines.
    pub fn summary(&self) -> String {
        match self.message() {
            Some(m) => format!("{}: {}", self.name(), first_line(&m, 300)),
            None => self.name().to_owned(),
        }
    }
}

/// The result of `cargo check` (or clippy) for one crate.
#[derive(Debug, Clone, Default)]
pub struct Check {
    /// Errors in the crate's own code.
    pub errors: usize,
    /// Warnings in the crate's own code.
    pub warnings: usize,
    /// The crate was compiled (an artifact was produced).
    pub built: bool,
    /// The first error, or else the first warning (its one-line message).
    pub first: Option<String>,
    /// Seconds the check took, when the crate was checked on its own.
    pub seconds: Option<f64>,
}

impl Check {
    /// Built, with no error and no warning.
    pub fn clean(&self) -> bool {
        self.built && self.errors == 0 && self.warnings == 0
    }

    /// `ok`, `errors`, `warnings` or `not built`.
    pub fn name(&self) -> &'static str {
        if self.errors > 0 {
            "errors"
        } else if !self.built {
            "not built"
        } else if self.warnings > 0 {
            "warnings"
        } else {
            "ok"
        }
    }
}

/// The method names of one crate (from the generator's naming report).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Naming {
    /// Methods.
    pub methods: usize,
    /// Methods numbered to resolve a collision (`get_2`).
    pub numbered: usize,
    /// Methods ending in an article, preposition or conjunction.
    pub dangling: usize,
    /// The median length of a method name, in characters.
    pub median: usize,
    /// The longest method name, `resource.method`.
    pub longest: Option<String>,
}

impl Naming {
    /// The length of the longest method name (without its resource).
    pub fn longest_len(&self) -> usize {
        self.longest
            .as_deref()
            .map_or(0, |l| l.rsplit('.').next().unwrap_or(l).len())
    }
}

/// One document of the corpus table.
#[derive(Debug, Clone)]
pub struct Row {
    /// Document id.
    pub id: String,
    /// Crate folder name.
    pub crate_name: String,
    /// Package name of the generated crate (from its manifest).
    pub package: Option<String>,
    /// Declared `openapi` version.
    pub version: String,
    /// Size of the document.
    pub bytes: u64,
    /// Generation outcome.
    pub generation: Generation,
    /// Operations generated.
    pub operations: usize,
    /// Named types generated.
    pub types: usize,
    /// Bytes of generated code.
    pub code_bytes: usize,
    /// Load, lower and emit, measured in the worker (the worker's wall time when it gave no result).
    pub generate_time: Duration,
    /// The worker's peak resident set, KiB.
    pub peak_rss_kb: Option<u64>,
    /// All diagnostics.
    pub diagnostics: usize,
    /// Diagnostics by kind: count and one example.
    pub kinds: BTreeMap<String, (usize, String)>,
    /// Fields typed as an untyped JSON value, of all fields (when the generator counts them).
    pub untyped: Option<(usize, usize)>,
    /// Method names (when the crate was generated).
    pub naming: Option<Naming>,
    /// Why the crate was checked (`3.1`, `largest`, `random`, `all`), if it was.
    pub stratum: Option<&'static str>,
    /// `cargo check`.
    pub check: Option<Check>,
    /// `cargo clippy`.
    pub clippy: Option<Check>,
    /// The document is listed as an expected refusal / a known compile failure (the class).
    pub listed_refusal: bool,
    /// The class a known compile failure is listed with.
    pub listed_failure: Option<String>,
}

impl Row {
    /// An empty row for a document.
    pub fn new(doc: &Doc) -> Self {
        Row {
            id: doc.id.clone(),
            crate_name: doc.crate_name.clone(),
            package: None,
            version: doc.version.clone(),
            bytes: doc.bytes,
            generation: Generation::Ok,
            operations: 0,
            types: 0,
            code_bytes: 0,
            generate_time: Duration::ZERO,
            peak_rss_kb: None,
            diagnostics: 0,
            kinds: BTreeMap::new(),
            untyped: None,
            naming: None,
            stratum: None,
            check: None,
            clippy: None,
            listed_refusal: false,
            listed_failure: None,
        }
    }

    /// The package name to pass to cargo.
    pub fn package(&self) -> &str {
        self.package.as_deref().unwrap_or(&self.crate_name)
    }
}

type Cell = fn(&Row) -> String;

/// The table's columns: header and cell.
pub fn columns() -> Vec<(&'static str, Cell)> {
    vec![
        ("document", |r| r.id.clone()),
        ("openapi", |r| r.version.clone()),
        ("KiB", |r| (r.bytes / 1024).to_string()),
        ("result", |r| r.generation.name().to_owned()),
        ("operations", |r| r.operations.to_string()),
        ("types", |r| r.types.to_string()),
        ("generate s", |r| {
            format!("{:.2}", r.generate_time.as_secs_f64())
        }),
        ("peak MiB", |r| {
            r.peak_rss_kb
                .map(|k| format!("{:.0}", k as f64 / 1024.0))
                .unwrap_or_default()
        }),
        ("diagnostics", |r| r.diagnostics.to_string()),
        ("by kind", |r| {
            r.kinds
                .iter()
                .map(|(k, (n, _))| format!("{n}× {k}"))
                .collect::<Vec<_>>()
                .join("; ")
        }),
        ("untyped fields", |r| match r.untyped {
            Some((u, all)) if all > 0 => format!("{:.1}%", 100.0 * u as f64 / all as f64),
            Some(_) => "0%".into(),
            None => "-".into(),
        }),
        ("numbered", |r| naming_cell(r, |n| n.numbered.to_string())),
        ("dangling", |r| naming_cell(r, |n| n.dangling.to_string())),
        ("median name", |r| naming_cell(r, |n| n.median.to_string())),
        ("longest name", |r| {
            naming_cell(r, |n| n.longest_len().to_string())
        }),
        ("check", |r| check_cell(r.check.as_ref())),
        ("errors", |r| {
            sum_checks(r, |c| c.errors)
                .map(|n| n.to_string())
                .unwrap_or_default()
        }),
        ("warnings", |r| {
            sum_checks(r, |c| c.warnings)
                .map(|n| n.to_string())
                .unwrap_or_default()
        }),
        ("clippy", |r| check_cell(r.clippy.as_ref())),
        ("listed", |r| {
            if r.listed_refusal {
                "refusal".into()
            } else {
                r.listed_failure.clone().unwrap_or_default()
            }
        }),
        ("error", |r| {
            r.generation
                .message()
                .or_else(|| r.check.as_ref().and_then(|c| c.first.clone()))
                .or_else(|| r.clippy.as_ref().and_then(|c| c.first.clone()))
                .map(|m| first_line(&m, 200))
                .unwrap_or_default()
        }),
    ]
}

fn naming_cell(r: &Row, f: fn(&Naming) -> String) -> String {
    r.naming.as_ref().map_or_else(|| "-".into(), f)
}

fn check_cell(check: Option<&Check>) -> String {
    match check {
        None => "-".into(),
        Some(c) => match c.seconds {
            Some(s) if c.clean() => format!("ok {s:.1} s"),
            _ => c.name().to_owned(),
        },
    }
}

fn sum_checks(r: &Row, f: fn(&Check) -> usize) -> Option<usize> {
    match (&r.check, &r.clippy) {
        (None, None) => None,
        (a, b) => Some(a.as_ref().map_or(0, f) + b.as_ref().map_or(0, f)),
    }
}

/// The table as markdown.
pub fn markdown(rows: &[Row]) -> String {
    let cols = columns();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| {} |",
        cols.iter().map(|(h, _)| *h).collect::<Vec<_>>().join(" | ")
    );
    let _ = writeln!(out, "|{}", "---|".repeat(cols.len()));
    for r in rows {
        let cells: Vec<String> = cols
            .iter()
            .map(|(_, f)| f(r).replace('|', "\\|").replace('\n', " "))
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out
}

/// The table as CSV (RFC 4180 quoting).
pub fn csv(rows: &[Row]) -> String {
    let cols = columns();
    let quote = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let mut out = String::new();
    let header: Vec<String> = cols.iter().map(|(h, _)| quote(h)).collect();
    let _ = writeln!(out, "{}", header.join(","));
    for r in rows {
        let cells: Vec<String> = cols.iter().map(|(_, f)| quote(&f(r))).collect();
        let _ = writeln!(out, "{}", cells.join(","));
    }
    out
}

/// A message with names, quoted text, pointers, paths and numbers blanked, so that messages of one
/// class compare equal (`unresolved reference `#/x` at #/paths/~1a` → `unresolved reference `…` at #/…`).
pub fn shape(message: &str) -> String {
    let line = message.lines().next().unwrap_or("");
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' | '"' | '\'' => {
                // Skip to the closing quote (an apostrophe inside a word is kept).
                if c == '\'' && out.chars().last().is_some_and(char::is_alphanumeric) {
                    out.push(c);
                    continue;
                }
                for d in chars.by_ref() {
                    if d == c {
                        break;
                    }
                }
                out.push(c);
                out.push('…');
                out.push(c);
            }
            '#' if chars.peek() == Some(&'/') => {
                while chars
                    .peek()
                    .is_some_and(|d| !d.is_whitespace() && *d != ':' && *d != ',')
                {
                    chars.next();
                }
                out.push_str("#/…");
            }
            '/' => {
                // A path: drop what came before it in the same word too.
                while out.chars().last().is_some_and(|d| !d.is_whitespace()) {
                    out.pop();
                }
                while chars
                    .peek()
                    .is_some_and(|d| !d.is_whitespace() && *d != ':' && *d != ',')
                {
                    chars.next();
                }
                out.push('…');
            }
            d if d.is_ascii_digit() => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                out.push('N');
            }
            _ => out.push(c),
        }
    }
    first_line(&out, 120)
}

/// The first line of a text, cut to `max` characters.
pub fn first_line(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() > max {
        let cut: String = line.chars().take(max).collect();
        format!("{cut}…")
    } else {
        line.to_owned()
    }
}

/// Writes `table.md`, `table.csv` and `summary.json` into `dir`.
pub fn write_all(dir: &Path, rows: &[Row], summary: &Value) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("table.md"), markdown(rows))?;
    std::fs::write(dir.join("table.csv"), csv(rows))?;
    let mut all = summary.clone();
    all["rows"] = rows.iter().map(row_json).collect::<Vec<_>>().into();
    std::fs::write(
        dir.join("summary.json"),
        serde_json::to_string_pretty(&all)? + "\n",
    )?;
    Ok(())
}

fn row_json(r: &Row) -> Value {
    let check = |c: &Option<Check>| {
        c.as_ref().map(|c| {
            json!({"result": c.name(), "errors": c.errors, "warnings": c.warnings, "first": c.first, "seconds": c.seconds})
        })
    };
    json!({
        "document": r.id,
        "crate": r.package(),
        "openapi": r.version,
        "bytes": r.bytes,
        "result": r.generation.name(),
        "error": r.generation.message(),
        "operations": r.operations,
        "types": r.types,
        "code_bytes": r.code_bytes,
        "generate_seconds": r.generate_time.as_secs_f64(),
        "peak_rss_kb": r.peak_rss_kb,
        "diagnostics": r.diagnostics,
        "diagnostic_kinds": r.kinds.iter().map(|(k, (n, _))| (k.clone(), json!(n))).collect::<serde_json::Map<_, _>>(),
        "untyped_fields": r.untyped.map(|(u, all)| json!({"untyped": u, "fields": all})),
        "naming": r.naming.as_ref().map(|n| json!({
            "methods": n.methods,
            "numbered": n.numbered,
            "dangling": n.dangling,
            "median": n.median,
            "longest": n.longest,
        })),
        "stratum": r.stratum,
        "check": check(&r.check),
        "clippy": check(&r.clippy),
        "listed_refusal": r.listed_refusal,
        "listed_failure": r.listed_failure,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_of_one_class_have_one_shape() {
        let a = shape("unresolved reference `#/components/schemas/A` at #/paths/~1a/get");
        let b = shape("unresolved reference `#/components/schemas/B` at #/paths/~1b/post");
        assert_eq!(a, b);
        assert_eq!(a, "unresolved reference `…` at #/…");
        assert_eq!(
            shape("/tmp/x/a.json: version 2.0 is not supported"),
            shape("/other/b.json: version 2.0 is not supported")
        );
        assert_eq!(shape("a field's type"), "a field's type");
        assert_eq!(shape("1 of 23"), "N of N");
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        let doc = Doc {
            id: "a,b".into(),
            path: "a".into(),
            crate_name: "a".into(),
            label: "a".into(),
            bytes: 2048,
            version: "3.0.0".into(),
        };
        let mut row = Row::new(&doc);
        row.generation = Generation::Refused("bad \"x\"".into());
        let text = csv(&[row]);
        let line = text.lines().nth(1).unwrap();
        assert!(line.starts_with("\"a,b\",3.0.0,2,error,"), "{line}");
        assert!(line.ends_with("\"bad \"\"x\"\"\""), "{line}");
    }

    #[test]
    fn naming_totals_and_the_median_crate() {
        let row = |id: &str, numbered: usize, median: usize, longest: &str| {
            let doc = Doc {
                id: id.into(),
                path: id.into(),
                crate_name: id.into(),
                label: id.into(),
                bytes: 10,
                version: "3.0.0".into(),
            };
            let mut row = Row::new(&doc);
            row.untyped = Some((1, 4));
            row.naming = Some(Naming {
                methods: 10,
                numbered,
                dangling: 1,
                median,
                longest: Some(longest.into()),
            });
            row
        };
        let rows = [
            row("a", 0, 12, "tasks.list"),
            row("b", 2, 20, "users.list_events_for_calendar"),
            row("c", 1, 9, "pets.get"),
        ];
        let summary = summary(&rows, Value::Null);
        let naming = &summary["naming"];
        assert_eq!(naming["methods"], 30);
        assert_eq!(naming["numbered"], 3);
        assert_eq!(naming["numbered_percent"], 10.0);
        assert_eq!(naming["dangling"], 3);
        assert_eq!(naming["median_crate"]["document"], "a");
        assert_eq!(naming["median_crate"]["median_length"], 12);
        assert_eq!(naming["longest"]["length"], 24);
        assert_eq!(summary["untyped_fields"]["untyped"], 3);
        let text = markdown(&rows);
        let header = text.lines().next().unwrap();
        assert!(header.contains("| numbered | dangling | median name | longest name |"));
        assert!(
            text.lines().nth(3).unwrap().contains("| 2 | 1 | 20 | 24 |"),
            "{text}"
        );
        assert!(summary_text(&summary).contains("3 of 30 numbered (10.0%)"));
    }
}
