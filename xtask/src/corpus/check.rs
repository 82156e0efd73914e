//! Type-checking many generated crates cheaply: they are members of one workspace with one target
//! directory (dependencies compile once), checked by one `cargo check --keep-going` per batch of
//! packages, whose JSON messages are split per package (errors and warnings of the crate's own
//! code, and whether it was built).

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result};
use serde_json::Value;

use super::table::{Check, first_line};

/// Writes the workspace manifest over `members` (folders relative to `work`) and its lockfile (the
/// repository's, so that dependency versions are those the repository builds with).
pub fn write_workspace(work: &Path, root: &Path, members: &[String]) -> Result<()> {
    let list: Vec<String> = members.iter().map(|m| format!("    \"{m}\",\n")).collect();
    std::fs::write(
        work.join("Cargo.toml"),
        format!(
            "# Written by cargo xtask corpus: the generated crates under check.\n[workspace]\nresolver = \"3\"\nmembers = [\n{}]\n",
            list.concat()
        ),
    )?;
    let lock = work.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(root.join("Cargo.lock"), &lock)
            .with_context(|| format!("cannot write {}", lock.display()))?;
    }
    Ok(())
}

/// Runs `cargo <subcommand>` over `packages` in `work`, in batches of `batch`, with `jobs` rustc
/// processes, and returns each package's result. With a batch of one, each result has its time.
pub fn check_packages(
    work: &Path,
    target_dir: &Path,
    subcommand: &str,
    packages: &[String],
    batch: usize,
    jobs: usize,
) -> Result<BTreeMap<String, Check>> {
    let mut results = BTreeMap::new();
    let started = Instant::now();
    let batches: Vec<&[String]> = packages.chunks(batch.max(1)).collect();
    for (i, chunk) in batches.iter().enumerate() {
        let batch_started = Instant::now();
        let mut got = run_batch(work, target_dir, subcommand, chunk, jobs)?;
        if chunk.len() == 1 {
            for check in got.values_mut() {
                check.seconds = Some(batch_started.elapsed().as_secs_f64());
            }
        }
        let bad = got.values().filter(|c| !c.clean()).count();
        eprintln!(
            "{subcommand} batch {}/{}: {} crates, {bad} not clean, {:.0} s (total {:.0} s)",
            i + 1,
            batches.len(),
            chunk.len(),
            batch_started.elapsed().as_secs_f64(),
            started.elapsed().as_secs_f64()
        );
        results.append(&mut got);
    }
    Ok(results)
}

fn run_batch(
    work: &Path,
    target_dir: &Path,
    subcommand: &str,
    packages: &[String],
    jobs: usize,
) -> Result<BTreeMap<String, Check>> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(work)
        .arg(subcommand)
        .args(["--keep-going", "--message-format=json", "--quiet"])
        .args(["--jobs", &jobs.max(1).to_string()])
        .env("CARGO_TARGET_DIR", target_dir)
        // Generated crates are checked once: incremental state would only cost disk.
        .env("CARGO_INCREMENTAL", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for p in packages {
        cmd.args(["-p", p]);
    }
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot run cargo {subcommand}"))?;
    let stderr = child.stderr.take().expect("piped");
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(|l| l.ok())
        {
            text.push_str(&line);
            text.push('\n');
        }
        text
    });
    // Targets are named after their package with `-` as `_`.
    let by_target: BTreeMap<String, &String> =
        packages.iter().map(|p| (p.replace('-', "_"), p)).collect();
    let mut results: BTreeMap<String, Check> = packages
        .iter()
        .map(|p| (p.clone(), Check::default()))
        .collect();
    let mut shown: BTreeMap<String, usize> = BTreeMap::new();
    let stdout = child.stdout.take().expect("piped");
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line?;
        let Ok(msg) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let Some(package) = msg["target"]["name"]
            .as_str()
            .and_then(|t| by_target.get(t))
        else {
            continue;
        };
        let check = results.get_mut(*package).expect("listed");
        match msg["reason"].as_str() {
            Some("compiler-artifact") => check.built = true,
            Some("compiler-message") => count_message(check, &msg["message"], &mut shown),
            _ => {}
        }
    }
    let status = child.wait()?;
    let stderr_text = stderr_reader.join().unwrap_or_default();
    if !status.success() && results.values().all(|c| !c.built && c.errors == 0) {
        // Cargo stopped before any crate (a manifest or resolution error): say why in every row.
        let why = first_line(
            stderr_text
                .lines()
                .find(|l| l.starts_with("error"))
                .unwrap_or("cargo failed"),
            300,
        );
        eprint!("{stderr_text}");
        for check in results.values_mut() {
            check.first.get_or_insert_with(|| why.clone());
        }
    }
    Ok(results)
}

/// Distinct messages printed per batch.
const SHOWN_PER_BATCH: usize = 20;

/// Counts one compiler message of a crate's own code; prints the first few of each kind.
fn count_message(check: &mut Check, message: &Value, shown: &mut BTreeMap<String, usize>) {
    let level = message["level"].as_str().unwrap_or("");
    // Summary lines ("aborting due to…", "N warnings emitted") have no span.
    let spanless = message["spans"].as_array().is_none_or(|s| s.is_empty());
    if spanless {
        return;
    }
    let text = message["message"].as_str().unwrap_or("").to_owned();
    match level {
        "error" => {
            check.errors += 1;
            if check.errors == 1 {
                check.first = Some(format!("error: {text}"));
            }
        }
        "warning" => {
            check.warnings += 1;
            if check.errors == 0 && check.first.is_none() {
                check.first = Some(format!("warning: {text}"));
            }
        }
        _ => return,
    }
    // Enough to see what is wrong; the table and summary have the counts.
    if shown.len() >= SHOWN_PER_BATCH {
        return;
    }
    let rendered = message["rendered"].as_str().unwrap_or("");
    let seen = shown.entry(format!("{level}: {text}")).or_default();
    *seen += 1;
    if *seen <= 2 {
        eprint!("{rendered}");
    }
}
