//! The corpus summary (`summary.json` and the lines printed after a run): totals, failure classes by
//! message shape, the slowest and largest documents, naming figures and the untyped-JSON share.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Value, json};

use super::table::{Check, Generation, Naming, Row, first_line, shape};

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
    let generation_classes = class_json(classes(rows.iter().filter_map(|r| {
        r.generation
            .message()
            .map(|m| (r, format!("{}: {m}", r.generation.name())))
    })));
    let untyped: (usize, usize) = ok
        .iter()
        .filter_map(|r| r.untyped)
        .fold((0, 0), |(a, b), (u, all)| (a + u, b + all));
    let named: Vec<(&Row, &Naming)> = ok
        .iter()
        .filter_map(|r| Some((*r, r.naming.as_ref()?)))
        .filter(|(_, n)| n.methods > 0)
        .collect();
    let mut out = json!({
        "documents": rows.len(),
        "results": results,
        "operations": ok.iter().map(|r| r.operations).sum::<usize>(),
        "types": ok.iter().map(|r| r.types).sum::<usize>(),
        "generate_seconds_total": (rows.iter().map(|r| r.generate_time.as_secs_f64()).sum::<f64>() * 10.0).round() / 10.0,
        "diagnostics": ok.iter().map(|r| r.diagnostics).sum::<usize>(),
        "documents_with_diagnostics": ok.iter().filter(|r| r.diagnostics > 0).count(),
        "diagnostic_kinds": diagnostic_kinds(&ok),
        "untyped_fields": if untyped.1 > 0 { json!({"untyped": untyped.0, "fields": untyped.1}) } else { Value::Null },
        "naming": naming_summary(&named),
        "generation_failure_classes": generation_classes,
        "slowest": ranking(rows, |a, b| b.generate_time.cmp(&a.generate_time)),
        "largest": ranking(rows, |a, b| b.bytes.cmp(&a.bytes)),
        "run": extra,
    });
    if let (Value::Object(out), Value::Object(checks)) = (&mut out, check_summary(rows)) {
        out.extend(checks);
    }
    out
}

/// Failure classes as JSON objects.
fn class_json(cs: Vec<(String, usize, String, String)>) -> Vec<Value> {
    cs.into_iter()
        .map(|(class, n, doc, message)| {
            json!({"class": class, "count": n, "example": doc, "message": message})
        })
        .collect()
}

/// Diagnostic kinds over the generated documents: the count, how many documents, an example.
fn diagnostic_kinds(ok: &[&Row]) -> Vec<Value> {
    let mut kinds: BTreeMap<&str, (usize, usize, &str)> = BTreeMap::new();
    for r in ok {
        for (k, (n, example)) in &r.kinds {
            let e = kinds.entry(k).or_insert((0, 0, example));
            e.0 += n;
            e.1 += 1;
        }
    }
    kinds
        .into_iter()
        .map(|(k, (n, docs, example))| {
            json!({"kind": k, "count": n, "documents": docs, "example": example})
        })
        .collect()
}

/// The ten first rows in `order` (ties by document id), briefly.
fn ranking(rows: &[Row], order: impl Fn(&Row, &Row) -> std::cmp::Ordering) -> Vec<Value> {
    let mut sorted: Vec<&Row> = rows.iter().collect();
    sorted.sort_by(|a, b| order(a, b).then_with(|| a.id.cmp(&b.id)));
    sorted
        .into_iter()
        .take(10)
        .map(|r| {
            json!({
                "document": r.id,
                "KiB": r.bytes / 1024,
                "operations": r.operations,
                "types": r.types,
                "generate_seconds": (r.generate_time.as_secs_f64() * 100.0).round() / 100.0,
                "peak_rss_mib": r.peak_rss_kb.map(|k| k / 1024),
                "result": r.generation.name(),
            })
        })
        .collect()
}

/// The check and clippy figures: how many, results by name, failure classes, clippy clean.
fn check_summary(rows: &[Row]) -> Value {
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
    json!({
        "checked": checked.len(),
        "check_results": check_results,
        "check_failure_classes": check_classes,
        "clippy_checked": clippy.len(),
        "clippy_clean": clippy.iter().filter(|r| r.clippy.as_ref().is_some_and(Check::clean)).count(),
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
    naming_text(&mut out, &summary["naming"]);
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
    classes_text(
        &mut out,
        "generation failures by class",
        &summary["generation_failure_classes"],
    );
    classes_text(
        &mut out,
        "check failures by class",
        &summary["check_failure_classes"],
    );
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

/// The naming line of the summary text (nothing when no crate has methods).
fn naming_text(out: &mut String, naming: &Value) {
    if naming.is_null() {
        return;
    }
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

/// A titled list of failure classes, each with its count and an example (nothing when empty).
fn classes_text(out: &mut String, title: &str, classes: &Value) {
    let items = classes.as_array().cloned().unwrap_or_default();
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
}
