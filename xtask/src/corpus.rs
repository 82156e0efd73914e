//! `cargo xtask corpus`: generates a crate for every real-world spec in `../shared/specs`, type-checks
//! each one, and prints a table. Fails when any spec does not generate, any crate has an error or a
//! warning, or the generator panics.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::codegen::repo_root;

/// Options of `cargo xtask corpus`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Args {
    /// The folder of specs, one sub-folder each (default: ../shared/specs beside the repository).
    #[arg(long)]
    pub specs: Option<PathBuf>,
    /// Only the specs whose folder name contains this text (repeatable).
    #[arg(long)]
    pub only: Vec<String>,
    /// Also run `cargo clippy -D warnings` on each generated crate.
    #[arg(long)]
    pub clippy: bool,
    /// Generate only; do not type-check.
    #[arg(long)]
    pub no_check: bool,
}

struct Row {
    name: String,
    operations: usize,
    types: usize,
    gen_time: Duration,
    check_time: Option<Duration>,
    errors: usize,
    warnings: usize,
    diagnostics: usize,
    failure: Option<String>,
}

/// The spec file of a corpus folder: `specification/*.yaml` for a multi-file tree, else the one
/// JSON or YAML file in it.
pub fn entry_point(dir: &Path) -> Result<PathBuf> {
    let spec_dir = dir.join("specification");
    let search = if spec_dir.is_dir() {
        spec_dir
    } else {
        dir.to_owned()
    };
    let mut candidates: Vec<PathBuf> = std::fs::read_dir(&search)
        .with_context(|| format!("cannot list {}", search.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("json" | "yaml" | "yml")
                )
        })
        .collect();
    candidates.sort();
    match candidates.len() {
        1 => Ok(candidates.remove(0)),
        0 => bail!("no *.json or *.yaml spec in {}", search.display()),
        _ => {
            // A multi-file tree: the file that declares `openapi:` at its top.
            for c in &candidates {
                let text = std::fs::read_to_string(c).unwrap_or_default();
                if text
                    .lines()
                    .take(5)
                    .any(|l| l.starts_with("openapi:") || l.contains("\"openapi\""))
                {
                    return Ok(c.clone());
                }
            }
            bail!(
                "several spec files in {} and none declares `openapi`",
                search.display()
            )
        }
    }
}

/// Runs `cargo xtask corpus`.
pub fn run(args: &Args) -> Result<()> {
    let root = repo_root();
    let specs = args
        .specs
        .clone()
        .unwrap_or_else(|| root.join("../shared/specs"));
    if !specs.is_dir() {
        let message = format!(
            "no spec corpus at {}: the corpus needs ../shared/specs beside the repository",
            specs.display()
        );
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            bail!(message);
        }
        eprintln!("{message}; nothing to do outside CI");
        return Ok(());
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&specs)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            args.only.is_empty() || args.only.iter().any(|o| name.contains(o.as_str()))
        })
        .collect();
    dirs.sort();
    let work = root.join("target/corpus");
    let crates_dir = work.join("crates");
    std::fs::create_dir_all(&crates_dir)?;

    let mut rows = Vec::new();
    for dir in &dirs {
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let crate_name = crate_name_for(&name);
        let mut row = Row {
            name: name.clone(),
            operations: 0,
            types: 0,
            gen_time: Duration::ZERO,
            check_time: None,
            errors: 0,
            warnings: 0,
            diagnostics: 0,
            failure: None,
        };
        eprintln!("generating {name}");
        let started = Instant::now();
        let outcome = entry_point(dir).and_then(|spec| {
            let options = sdkgen::Options {
                crate_name: Some(crate_name.clone()),
                source_label: format!(
                    "../shared/specs/{name}/{}",
                    spec.strip_prefix(dir).unwrap_or(&spec).display()
                ),
                standalone: false,
                ..Default::default()
            };
            let caught = std::panic::catch_unwind(|| sdkgen::generate_report(&spec, &options));
            match caught {
                Ok(result) => result.map_err(anyhow::Error::from),
                Err(_) => Err(anyhow::anyhow!("the generator panicked")),
            }
        });
        row.gen_time = started.elapsed();
        match outcome {
            Ok(report) => {
                row.operations = report.operations;
                row.types = report.types;
                row.diagnostics = report.generated.diagnostics.len();
                for d in &report.generated.diagnostics {
                    eprintln!("  note: {d}");
                }
                let out = crates_dir.join(&name);
                sdkgen::output::sync(
                    &out,
                    &report.generated.files,
                    sdkgen::output::Mode::Write,
                    "cargo xtask corpus",
                )?;
            }
            Err(e) => row.failure = Some(format!("{e:#}")),
        }
        rows.push(row);
    }

    // One workspace over the generated crates, so that dependencies are built once.
    let members: Vec<String> = rows
        .iter()
        .filter(|r| r.failure.is_none())
        .map(|r| format!("\"crates/{}\"", r.name))
        .collect();
    std::fs::write(
        work.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )?;
    if !work.join("Cargo.lock").exists() {
        std::fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock"))?;
    }
    if !args.no_check {
        for row in rows.iter_mut().filter(|r| r.failure.is_none()) {
            let crate_name = crate_name_for(&row.name);
            eprintln!("checking {crate_name}");
            let started = Instant::now();
            let (errors, warnings, ok) = cargo_check(&work, &crate_name, "check")?;
            row.check_time = Some(started.elapsed());
            row.errors = errors;
            row.warnings = warnings;
            if !ok && errors == 0 {
                row.failure = Some("cargo check failed".into());
            }
            if args.clippy {
                let (e, w, _) = cargo_check(&work, &crate_name, "clippy")?;
                row.errors += e;
                row.warnings += w;
            }
        }
    }
    print_table(&rows);
    let bad: Vec<&Row> = rows
        .iter()
        .filter(|r| r.failure.is_some() || r.errors > 0 || r.warnings > 0)
        .collect();
    if !bad.is_empty() {
        for r in &bad {
            if let Some(f) = &r.failure {
                eprintln!("{}: {f}", r.name);
            }
        }
        bail!(
            "{} of {} specs failed the corpus gate",
            bad.len(),
            rows.len()
        );
    }
    Ok(())
}

/// Runs `cargo check` (or clippy) on one crate of the corpus workspace; counts its own errors and
/// warnings (not those of dependencies).
fn cargo_check(work: &Path, crate_name: &str, subcommand: &str) -> Result<(usize, usize, bool)> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(work)
        .arg(subcommand)
        .args(["-p", crate_name, "--message-format=json", "--quiet"])
        .env("CARGO_TARGET_DIR", work.join("target"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if subcommand == "clippy" {
        cmd.args(["--", "-D", "warnings"]);
    }
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot run cargo {subcommand}"))?;
    let stdout = child.stdout.take().expect("piped");
    let mut errors = 0;
    let mut warnings = 0;
    let mut shown: BTreeMap<String, usize> = BTreeMap::new();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line?;
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if msg["reason"] != "compiler-message"
            || msg["target"]["name"].as_str() != Some(&crate_name.replace('-', "_"))
        {
            continue;
        }
        let level = msg["message"]["level"].as_str().unwrap_or("");
        let rendered = msg["message"]["rendered"].as_str().unwrap_or("").to_owned();
        let counted = match level {
            "error" => {
                errors += 1;
                true
            }
            "warning" => {
                warnings += 1;
                true
            }
            _ => false,
        };
        // Summary lines ("aborting due to…", "N warnings emitted") are not diagnostics of the code.
        if counted
            && msg["message"]["spans"]
                .as_array()
                .is_some_and(|s| s.is_empty())
        {
            if level == "error" {
                errors -= 1;
            } else {
                warnings -= 1;
            }
            continue;
        }
        let first = rendered.lines().next().unwrap_or("").to_owned();
        let seen = shown.entry(first).or_default();
        *seen += 1;
        if *seen <= 3 {
            eprint!("{rendered}");
        }
    }
    let status = child.wait()?;
    Ok((errors, warnings, status.success()))
}

/// The package name of a corpus crate (`museum-3.1` → `corpus-museum-3-1`).
fn crate_name_for(spec: &str) -> String {
    let clean: String = spec
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("corpus-{clean}")
}

fn print_table(rows: &[Row]) {
    println!(
        "\n| spec | operations | types | generate | check | errors | warnings | diagnostics |\n|---|---:|---:|---:|---:|---:|---:|---:|"
    );
    for r in rows {
        let check = r
            .check_time
            .map(|t| format!("{:.1} s", t.as_secs_f64()))
            .unwrap_or_else(|| "-".into());
        let status = if r.failure.is_some() { " (FAILED)" } else { "" };
        println!(
            "| {}{status} | {} | {} | {:.2} s | {check} | {} | {} | {} |",
            r.name,
            r.operations,
            r.types,
            r.gen_time.as_secs_f64(),
            r.errors,
            r.warnings,
            r.diagnostics
        );
    }
}
