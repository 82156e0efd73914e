//! `cargo xtask bench compile`: how long a user waits for `cargo check` of a big generated crate
//! (GitHub's), in full and with one resource's feature, against the floor of the same crate with
//! every feature off, each a clean check of the crate alone (dependencies already built).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// Arguments of `cargo xtask bench`.
#[derive(clap::Args)]
pub struct Args {
    /// What to measure (only `compile` so far).
    #[arg(value_parser = ["compile"])]
    what: String,
    /// The spec to generate (default: GitHub's in ../shared/specs).
    #[arg(long)]
    spec: Option<PathBuf>,
    /// The feature measured alone.
    #[arg(long, default_value = "issues")]
    feature: String,
    /// Clean checks per feature set; the table shows the fastest.
    #[arg(long, default_value_t = 1)]
    runs: usize,
}

/// One measured feature set.
struct Figure {
    label: String,
    seconds: f64,
    peak_kib: u64,
}

pub fn run(args: &Args) -> Result<()> {
    let root = crate::codegen::repo_root();
    let spec = args
        .spec
        .clone()
        .unwrap_or_else(|| root.join("../shared/specs/github/api.github.com.json"));
    let work = std::env::temp_dir().join(format!("sdkgen-bench-compile-{}", std::process::id()));
    let name = "bench-compile";
    let status = Command::new(std::env::current_exe()?)
        .arg("codegen")
        .arg("--spec")
        .arg(&spec)
        .arg("--out")
        .arg(&work)
        .args(["--name", name])
        .status()
        .context("cannot run codegen")?;
    if !status.success() {
        bail!("cannot generate a crate from {}", spec.display());
    }
    std::fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock"))?;
    // The checkout's target directory: its dependencies are already built.
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let lines = std::fs::read_to_string(work.join("src/types.rs"))?
        .lines()
        .count();
    eprintln!(
        "building the dependencies of {} ({lines} lines of models)",
        work.display()
    );
    // The floor builds every dependency and little of the crate.
    cargo_check(&work, &target, &["--no-default-features"], false)?;

    let sets: [(&str, Vec<&str>); 3] = [
        ("no features (the floor)", vec!["--no-default-features"]),
        (
            &format!("only `{}`", args.feature),
            vec!["--no-default-features", "--features", &args.feature],
        ),
        ("all features (the default)", vec![]),
    ];
    let mut figures = Vec::new();
    for (label, flags) in &sets {
        let mut best: Option<Figure> = None;
        for _ in 0..args.runs.max(1) {
            let clean = Command::new(cargo())
                .current_dir(&work)
                .env("CARGO_TARGET_DIR", &target)
                .args(["clean", "--quiet", "-p", name])
                .status()?;
            if !clean.success() {
                bail!("cargo clean -p {name} failed");
            }
            let (seconds, peak_kib) = cargo_check(&work, &target, flags, true)?;
            eprintln!("{label}: {seconds:.1} s, {:.2} GB", gb(peak_kib));
            if best.as_ref().is_none_or(|b| seconds < b.seconds) {
                best = Some(Figure {
                    label: label.to_string(),
                    seconds,
                    peak_kib,
                });
            }
        }
        figures.extend(best);
    }
    let _ = std::fs::remove_dir_all(&work);

    let floor = &figures[0];
    println!(
        "clean `cargo check` of the crate generated from {} (dependencies built), {} cores, load {}",
        spec.file_name().unwrap_or_default().to_string_lossy(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        load_average()
    );
    println!();
    println!("| features | time | × floor | peak memory | × floor |");
    println!("|---|---:|---:|---:|---:|");
    for f in &figures {
        println!(
            "| {} | {:.1} s | {:.2} | {:.2} GB | {:.2} |",
            f.label,
            f.seconds,
            f.seconds / floor.seconds,
            gb(f.peak_kib),
            f.peak_kib as f64 / floor.peak_kib.max(1) as f64
        );
    }
    Ok(())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn gb(kib: u64) -> f64 {
    kib as f64 / 1024.0 / 1024.0
}

/// Runs `cargo check` in `work` (under `/usr/bin/time -v` when `measure`) and returns the wall time
/// and the peak resident memory of the largest process, in KiB.
fn cargo_check(work: &Path, target: &Path, flags: &[&str], measure: bool) -> Result<(f64, u64)> {
    let mut cmd = if measure {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-v").arg(cargo());
        c
    } else {
        Command::new(cargo())
    };
    cmd.current_dir(work)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .args(["check", "--quiet"])
        .args(flags);
    let started = Instant::now();
    let output = cmd.output().context("cannot run cargo check")?;
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        bail!("cargo check {} failed:\n{stderr}", flags.join(" "));
    }
    let peak_kib = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    Ok((seconds, peak_kib))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}
