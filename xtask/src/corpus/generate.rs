//! Generation of a corpus, one child process per document: the parent runs `--jobs` children at a
//! time, each under a time limit, so that a panic, a crash or a hang in one document is recorded in
//! its row and the run goes on. The child (`cargo xtask corpus --worker …`, hidden) generates one
//! crate and prints one JSON line with what the table needs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::{Value, json};

use super::docs::Doc;
use sdkgen::lower::naming::report::NamingReport;

use super::table::{Generation, Naming, Row, shape};

/// What one worker is asked to do (the hidden `--worker` flags).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct WorkerArgs {
    /// Generate one document and print its result as JSON (used by the corpus itself).
    #[arg(long, hide = true)]
    pub worker: Option<PathBuf>,
    #[arg(long, hide = true)]
    pub worker_out: Option<PathBuf>,
    #[arg(long, hide = true)]
    pub worker_name: Option<String>,
    #[arg(long, hide = true)]
    pub worker_label: Option<String>,
}

/// The child: generates the document into its folder and prints the result line. A typed error is a
/// result, not a failure of the worker; a panic ends the process with the panic message on stderr.
pub fn worker(spec: &Path, args: &WorkerArgs) -> Result<()> {
    let out = args
        .worker_out
        .clone()
        .context("--worker needs --worker-out")?;
    let options = sdkgen::Options {
        crate_name: args.worker_name.clone(),
        source_label: args.worker_label.clone().unwrap_or_default(),
        standalone: false,
        ..Default::default()
    };
    let started = Instant::now();
    let result = sdkgen::generate_report(spec, &options);
    let generate_seconds = started.elapsed().as_secs_f64();
    let line = match result {
        Ok(report) => {
            sdkgen::output::sync(
                &out,
                &report.generated.files,
                sdkgen::output::Mode::Write,
                "cargo xtask corpus",
            )?;
            let mut kinds: BTreeMap<String, (usize, String)> = BTreeMap::new();
            for d in &report.generated.diagnostics {
                let entry = kinds
                    .entry(diagnostic_kind(d))
                    .or_insert_with(|| (0, d.to_string()));
                entry.0 += 1;
            }
            let package = report
                .generated
                .files
                .get("Cargo.toml")
                .and_then(|toml| package_name(toml))
                .or_else(|| args.worker_name.clone());
            let (untyped, fields) = untyped_fields(&report).unzip();
            json!({
                "result": "ok",
                "package": package,
                "operations": report.operations,
                "types": report.types,
                "files": report.generated.files.len(),
                "code_bytes": report.generated.files.values().map(String::len).sum::<usize>(),
                "diagnostics": report.generated.diagnostics.len(),
                "kinds": kinds.into_iter().map(|(k, (n, example))| (k, json!({"count": n, "example": example}))).collect::<serde_json::Map<_, _>>(),
                "untyped_fields": untyped,
                "fields": fields,
                "naming": naming_json(&report.naming),
                "generate_seconds": generate_seconds,
                "peak_rss_kb": peak_rss_kb(),
            })
        }
        Err(error) => json!({
            "result": if matches!(error, sdkgen::Error::Emit { .. }) { "internal" } else { "refused" },
            "error": format!("{:#}", anyhow::Error::from(error)),
            "generate_seconds": generate_seconds,
            "peak_rss_kb": peak_rss_kb(),
        }),
    };
    println!("{line}");
    Ok(())
}

/// The group a diagnostic is counted in. Diagnostics carry no kind of their own yet, so the group
/// is the message's shape (names and numbers blanked); when they get one, this returns it.
pub fn diagnostic_kind(d: &sdkgen::ir::Diagnostic) -> String {
    shape(&d.message)
}

/// Fields typed as an untyped JSON value (`serde_json::Value`), and all struct fields.
fn untyped_fields(report: &sdkgen::Report) -> Option<(usize, usize)> {
    Some((report.json_fields.json, report.json_fields.fields))
}

/// The naming report's figures for the worker's result line.
fn naming_json(naming: &NamingReport) -> Value {
    json!({
        "methods": naming.methods.len(),
        "numbered": naming.numbered.len(),
        "dangling": naming.dangling.len(),
        "median": naming.median_len,
        "longest": naming.longest.as_ref().map(|m| format!("{}.{}", m.resource, m.method)),
    })
}

/// `name = "…"` of the `[package]` table of a generated manifest.
fn package_name(toml: &str) -> Option<String> {
    let mut in_package = false;
    for line in toml.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package && let Some(rest) = line.strip_prefix("name") {
            let value = rest.trim_start().strip_prefix('=')?.trim();
            return Some(value.trim_matches('"').to_owned());
        }
    }
    None
}

/// The process's peak resident set (Linux `VmHWM`), in KiB.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Where the generation of a corpus writes.
pub struct Layout {
    /// One folder per crate.
    pub crates: PathBuf,
    /// Each worker's stdout (`<crate>.json`) and stderr (`<crate>.stderr`).
    pub logs: PathBuf,
}

/// Generates every document, `jobs` at a time, each child killed after `timeout`. The biggest
/// documents start first, so that the long ones overlap with the many short ones instead of
/// running alone at the end. Rows come back in the order of `docs`.
pub fn generate_all(
    docs: &[Doc],
    layout: &Layout,
    jobs: usize,
    timeout: Duration,
) -> Result<Vec<Row>> {
    std::fs::create_dir_all(&layout.crates)?;
    std::fs::create_dir_all(&layout.logs)?;
    let exe = std::env::current_exe().context("cannot find the xtask executable")?;
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by(|&a, &b| docs[b].bytes.cmp(&docs[a].bytes).then(a.cmp(&b)));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let rows: Mutex<Vec<Option<Row>>> = Mutex::new(vec![None; docs.len()]);
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                while let Some(&i) = order.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let doc = &docs[i];
                    match generate_one(&exe, doc, layout, timeout) {
                        Ok(row) => {
                            if !matches!(row.generation, Generation::Ok) {
                                eprintln!("  {}: {}", doc.id, row.generation.summary());
                            }
                            rows.lock().expect("not poisoned")[i] = Some(row);
                        }
                        Err(e) => {
                            *failure.lock().expect("not poisoned") = Some(e);
                            next.store(docs.len(), Ordering::SeqCst);
                            break;
                        }
                    }
                    let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                    if n % 100 == 0 || n == docs.len() {
                        eprintln!(
                            "generated {n}/{} in {:.0} s",
                            docs.len(),
                            started.elapsed().as_secs_f64()
                        );
                    }
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().expect("not poisoned") {
        return Err(e);
    }
    Ok(rows
        .into_inner()
        .expect("not poisoned")
        .into_iter()
        .flatten()
        .collect())
}

/// Runs one worker and reads its result into a row.
fn generate_one(exe: &Path, doc: &Doc, layout: &Layout, timeout: Duration) -> Result<Row> {
    let out_path = layout.logs.join(format!("{}.json", doc.crate_name));
    let err_path = layout.logs.join(format!("{}.stderr", doc.crate_name));
    let stdout = std::fs::File::create(&out_path)
        .with_context(|| format!("cannot create {}", out_path.display()))?;
    let stderr = std::fs::File::create(&err_path)
        .with_context(|| format!("cannot create {}", err_path.display()))?;
    let started = Instant::now();
    let mut child = Command::new(exe)
        .arg("corpus")
        .arg("--worker")
        .arg(&doc.path)
        .arg("--worker-out")
        .arg(layout.crates.join(&doc.crate_name))
        .args(["--worker-name", &doc.crate_name])
        .args(["--worker-label", &doc.label])
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .with_context(|| format!("cannot run {}", exe.display()))?;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let wall = started.elapsed();
    let mut row = Row::new(doc);
    row.generate_time = wall;
    let Some(status) = status else {
        row.generation = Generation::Timeout(timeout);
        return Ok(row);
    };
    let stderr_text = std::fs::read_to_string(&err_path).unwrap_or_default();
    let stdout_text = std::fs::read_to_string(&out_path).unwrap_or_default();
    let result: Option<Value> = stdout_text
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok());
    match result {
        Some(v) if status.success() => read_result(&mut row, &v),
        _ => {
            row.generation = if let Some(message) = panic_message(&stderr_text) {
                Generation::Panic(message)
            } else {
                use std::os::unix::process::ExitStatusExt;
                let what = match status.signal() {
                    Some(signal) => format!("killed by signal {signal}"),
                    None => format!("exit status {}", status.code().unwrap_or(-1)),
                };
                let tail: String = last_lines(&stderr_text, 3);
                Generation::Crash(format!("{what}: {tail}"))
            };
        }
    }
    Ok(row)
}

fn read_result(row: &mut Row, v: &Value) {
    let count = |k: &str| v[k].as_u64().map(|n| n as usize);
    if let Some(s) = v["generate_seconds"].as_f64() {
        row.generate_time = Duration::from_secs_f64(s);
    }
    row.peak_rss_kb = v["peak_rss_kb"].as_u64();
    match v["result"].as_str() {
        Some("ok") => {
            row.generation = Generation::Ok;
            row.package = v["package"].as_str().map(str::to_owned);
            row.operations = count("operations").unwrap_or(0);
            row.types = count("types").unwrap_or(0);
            row.code_bytes = count("code_bytes").unwrap_or(0);
            row.diagnostics = count("diagnostics").unwrap_or(0);
            if let Some(kinds) = v["kinds"].as_object() {
                for (k, entry) in kinds {
                    let n = entry["count"].as_u64().unwrap_or(0) as usize;
                    let example = entry["example"].as_str().unwrap_or("").to_owned();
                    row.kinds.insert(k.clone(), (n, example));
                }
            }
            row.untyped = count("untyped_fields").zip(count("fields"));
            row.naming = naming_of(&v["naming"]);
        }
        Some("internal") => {
            row.generation = Generation::Internal(v["error"].as_str().unwrap_or("").to_owned())
        }
        _ => row.generation = Generation::Refused(v["error"].as_str().unwrap_or("").to_owned()),
    }
}

/// The naming figures of a worker's result line, when it has them.
fn naming_of(v: &Value) -> Option<Naming> {
    let count = |k: &str| v[k].as_u64().map(|n| n as usize);
    Some(Naming {
        methods: count("methods")?,
        numbered: count("numbered")?,
        dangling: count("dangling")?,
        median: count("median")?,
        longest: v["longest"].as_str().map(str::to_owned),
    })
}

/// The message of a Rust panic report on stderr (`thread 'main' panicked at src/x.rs:1:2:\nmessage`).
fn panic_message(stderr: &str) -> Option<String> {
    let at = stderr.find("panicked at")?;
    let rest = &stderr[at..];
    let mut lines = rest.lines();
    let place = lines.next().unwrap_or("").trim_end_matches(':').to_owned();
    let message = lines.next().unwrap_or("").trim().to_owned();
    Some(format!("{message} ({place})"))
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_name_is_read_from_the_package_table() {
        let toml = "# header\n[package]\nname = \"dir-a-com\"\nversion = \"1\"\n\n[dependencies]\nname = \"x\"\n";
        assert_eq!(package_name(toml).as_deref(), Some("dir-a-com"));
        assert_eq!(package_name("[dependencies]\nname = \"x\"\n"), None);
    }

    #[test]
    fn a_panic_report_gives_its_message_and_place() {
        let stderr = "\nthread 'main' panicked at generator/src/lower/types.rs:10:5:\nindex out of bounds\nnote: run with `RUST_BACKTRACE=1`\n";
        assert_eq!(
            panic_message(stderr).as_deref(),
            Some("index out of bounds (panicked at generator/src/lower/types.rs:10:5)")
        );
        assert_eq!(panic_message("error: cannot read"), None);
    }
}
