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

/// Classes of messages (by [`shape`]), each with its count and first example document and text.
fn classes<'a>(
    items: impl Iterator<Item = (&'a Row, String)>,
) -> Vec<(String, usize, String, String)> {
    let mut by: BTreeMap<String, (usize, String, String)> = BTreeMap::new();
    for (row, message) in items {
        let entry = by
            .entry(shape(&message))
            .or_insert_with(|| (0, row.id.clone(), first_line(&message, 400)));
        entry.0 += 1;
    }
    let mut out: Vec<_> = by.into_iter().map(|(k, (n, d, m))| (k, n, d, m)).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// The totals and rankings of a run, as JSON.
pub fn summary(rows: &[Row], extra: Value) -> Value {
    let mut results: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        *results.entry(r.generation.name()).or_default() += 1;
    }
    let ok: Vec<&Row> = rows
        .iter()
        .filter(|r| matches!(r.generation, Generation::Ok))
        .collect();
    let row_brief = |r: &Row| {
        json!({
            "document": r.id,
            "KiB": r.bytes / 1024,
            "operations": r.operations,
            "types": r.types,
            "generate_seconds": (r.generate_time.as_secs_f64() * 100.0).round() / 100.0,
            "peak_rss_mib": r.peak_rss_kb.map(|k| k / 1024),
            "result": r.generation.name(),
        })
    };
    let mut slowest: Vec<&Row> = rows.iter().collect();
    slowest.sort_by(|a, b| {
        b.generate_time
            .cmp(&a.generate_time)
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut largest: Vec<&Row> = rows.iter().collect();
    largest.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.id.cmp(&b.id)));
    let mut kinds: BTreeMap<&str, (usize, usize, &str)> = BTreeMap::new();
    for r in &ok {
        for (k, (n, example)) in &r.kinds {
            let e = kinds.entry(k).or_insert((0, 0, example));
            e.0 += n;
            e.1 += 1;
        }
    }
    let class_json = |cs: Vec<(String, usize, String, String)>| {
        cs.into_iter()
            .map(|(class, n, doc, message)| {
                json!({"class": class, "count": n, "example": doc, "message": message})
            })
            .collect::<Vec<_>>()
    };
    let generation_classes = class_json(classes(rows.iter().filter_map(|r| {
        r.generation
            .message()
            .map(|m| (r, format!("{}: {m}", r.generation.name())))
    })));
    let checked: Vec<&Row> = rows.iter().filter(|r| r.check.is_some()).collect();
    let mut check_results: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &checked {
        *check_results
            .entry(r.check.as_ref().map_or("-", Check::name))
            .or_default() += 1;
    }
    let check_classes = class_json(classes(rows.iter().filter_map(|r| {
        r.check
            .iter()
            .chain(r.clippy.iter())
            .find(|c| !c.clean())
            .map(|c| (r, c.first.clone().unwrap_or_else(|| c.name().to_owned())))
    })));
    let clippy: Vec<&Row> = rows.iter().filter(|r| r.clippy.is_some()).collect();
    let untyped: (usize, usize) = ok
        .iter()
        .filter_map(|r| r.untyped)
        .fold((0, 0), |(a, b), (u, all)| (a + u, b + all));
    let named: Vec<(&Row, &Naming)> = ok
        .iter()
        .filter_map(|r| Some((*r, r.naming.as_ref()?)))
        .filter(|(_, n)| n.methods > 0)
        .collect();
    json!({
        "documents": rows.len(),
        "results": results,
        "operations": ok.iter().map(|r| r.operations).sum::<usize>(),
        "types": ok.iter().map(|r| r.types).sum::<usize>(),
        "generate_seconds_total": (rows.iter().map(|r| r.generate_time.as_secs_f64()).sum::<f64>() * 10.0).round() / 10.0,
        "diagnostics": ok.iter().map(|r| r.diagnostics).sum::<usize>(),
        "documents_with_diagnostics": ok.iter().filter(|r| r.diagnostics > 0).count(),
        "diagnostic_kinds": kinds.into_iter().map(|(k, (n, docs, example))| json!({"kind": k, "count": n, "documents": docs, "example": example})).collect::<Vec<_>>(),
        "untyped_fields": if untyped.1 > 0 { json!({"untyped": untyped.0, "fields": untyped.1}) } else { Value::Null },
        "naming": naming_summary(&named),
        "generation_failure_classes": generation_classes,
        "checked": checked.len(),
        "check_results": check_results,
        "check_failure_classes": check_classes,
        "clippy_checked": clippy.len(),
        "clippy_clean": clippy.iter().filter(|r| r.clippy.as_ref().is_some_and(Check::clean)).count(),
        "slowest": slowest.into_iter().take(10).map(&row_brief).collect::<Vec<_>>(),
        "largest": largest.into_iter().take(10).map(&row_brief).collect::<Vec<_>>(),
        "run": extra,
    })
}

/// The naming totals: methods, numbered and dangling names, the median crate (by its median name
/// length, the lower of the middle two) and the longest name.
fn naming_summary(named: &[(&Row, &Naming)]) -> Value {
    if named.is_empty() {
        return Value::Null;
    }
    let methods: usize = named.iter().map(|(_, n)| n.methods).sum();
    let numbered: usize = named.iter().map(|(_, n)| n.numbered).sum();
    let mut by_median: Vec<&(&Row, &Naming)> = named.iter().collect();
    by_median.sort_by(|a, b| (a.1.median, &a.0.id).cmp(&(b.1.median, &b.0.id)));
    let (median_row, median) = by_median[(by_median.len() - 1) / 2];
    let longest = named
        .iter()
        .max_by(|a, b| (a.1.longest_len(), &b.0.id).cmp(&(b.1.longest_len(), &a.0.id)))
        .map(|(r, n)| json!({"document": r.id, "method": n.longest, "length": n.longest_len()}));
    json!({
        "methods": methods,
        "numbered": numbered,
        "numbered_percent": (10000.0 * numbered as f64 / methods.max(1) as f64).round() / 100.0,
        "dangling": named.iter().map(|(_, n)| n.dangling).sum::<usize>(),
        "median_crate": {"document": median_row.id, "median_length": median.median},
        "longest": longest,
    })
}

/// A short human-readable account of a summary.
pub fn summary_text(summary: &Value) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} documents: {}; {} operations, {} types, {} diagnostics in {} documents",
        summary["documents"],
        summary["results"],
        summary["operations"],
        summary["types"],
        summary["diagnostics"],
        summary["documents_with_diagnostics"],
    );
    if summary["checked"].as_u64().unwrap_or(0) > 0 {
        let _ = writeln!(
            out,
            "checked {}: {}; clippy {} of which {} clean",
            summary["checked"],
            summary["check_results"],
            summary["clippy_checked"],
            summary["clippy_clean"]
        );
    }
    let naming = &summary["naming"];
    if !naming.is_null() {
        let _ = writeln!(
            out,
            "method names: {} of {} numbered ({}%), {} dangling; median crate {} (median {} characters); longest {} ({} characters)",
            naming["numbered"],
            naming["methods"],
            naming["numbered_percent"],
            naming["dangling"],
            naming["median_crate"]["document"].as_str().unwrap_or(""),
            naming["median_crate"]["median_length"],
            naming["longest"]["method"].as_str().unwrap_or(""),
            naming["longest"]["length"],
        );
    }
    if let Some(untyped) = summary["untyped_fields"].as_object() {
        let (u, all) = (
            untyped["untyped"].as_u64().unwrap_or(0),
            untyped["fields"].as_u64().unwrap_or(0),
        );
        let _ = writeln!(
            out,
            "untyped JSON fields: {u} of {all} ({:.1}%)",
            100.0 * u as f64 / all.max(1) as f64
        );
    }
    let list = |out: &mut String, title: &str, key: &str| {
        let items = summary[key].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            return;
        }
        let _ = writeln!(out, "{title}:");
        for c in items {
            let _ = writeln!(
                out,
                "  {:>4} × {}\n         e.g. {}: {}",
                c["count"],
                c["class"].as_str().unwrap_or(""),
                c["example"].as_str().unwrap_or(""),
                c["message"].as_str().unwrap_or("")
            );
        }
    };
    list(
        &mut out,
        "generation failures by class",
        "generation_failure_classes",
    );
    list(&mut out, "check failures by class", "check_failure_classes");
    let _ = writeln!(out, "slowest:");
    for r in summary["slowest"].as_array().into_iter().flatten().take(5) {
        let _ = writeln!(
            out,
            "  {:>7.2} s  {:>6} KiB  {:>5} MiB  {}",
            r["generate_seconds"].as_f64().unwrap_or(0.0),
            r["KiB"],
            r["peak_rss_mib"],
            r["document"].as_str().unwrap_or("")
        );
    }
    out
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
