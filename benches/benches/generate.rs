//! Generator speed on large real-world specs: load, lower and emit (formatting included, no file writes).
//!
//! Run: `cargo bench -p sdk-benches --bench generate` (the bench profile is release).
//! `BENCH_ITERS=3` (default) runs per spec; `BENCH_SPECS=github,stripe` picks specs by name.
//!
//! The specs are read from `../shared/specs` beside the repository (GitHub's REST API, Stripe, Oxide's
//! Nexus); when that folder is missing the bench says so and exits successfully. Each phase is timed
//! separately, the same sequence as `sdkgen::generate_report`; the table shows medians over runs. Each spec is
//! measured in a child process of this bench (the allocator keeps freed memory, so a second spec in the same
//! process would start from the first one's heap): its peak resident set size (`VmHWM`) is the spec's own.

use std::path::Path;
use std::time::{Duration, Instant};

use sdk_benches::{env_usize, median_duration, mib, peak_rss_kib, rss_kib};

/// Target from the project brief: GitHub's spec in under 1.5 s, all phases.
const GITHUB_TARGET: Duration = Duration::from_millis(1500);

const SPECS: &[(&str, &str)] = &[
    ("github", "github/api.github.com.json"),
    ("stripe", "stripe/spec3.json"),
    ("oxide-nexus", "oxide-nexus/nexus.json"),
];

struct Run {
    load: Duration,
    lower: Duration,
    emit: Duration,
    peak_kib: Option<u64>,
    operations: usize,
    types: usize,
    files: usize,
    output_bytes: usize,
}

fn run_once(path: &Path, label: &str) -> Result<Run, sdkgen::Error> {
    let config = match sdkgen::SdkConfig::beside(path) {
        Some(config) => sdkgen::SdkConfig::from_path(&config)?,
        None => sdkgen::SdkConfig::default(),
    };
    let started = Instant::now();
    let spec = sdkgen::load::load_path(path)?;
    let load = started.elapsed();

    let started = Instant::now();
    let options = sdkgen::lower::LowerOptions {
        crate_name: None,
        source: label.to_owned(),
    };
    let api = sdkgen::lower::lower(&spec, &config, &options)?;
    let lower = started.elapsed();

    let started = Instant::now();
    let generated = sdkgen::emit::emit(&api, &sdkgen::emit::EmitOptions::default())?;
    let emit = started.elapsed();

    let peak_kib = peak_rss_kib();
    Ok(Run {
        load,
        lower,
        emit,
        peak_kib,
        operations: api.resources.iter().map(|r| r.operations.len()).sum(),
        types: api.types.len(),
        files: generated.files.len(),
        output_bytes: generated.files.values().map(String::len).sum(),
    })
}

fn ms(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1000.0)
}

/// Set in a child process: the name of the one spec it measures.
const CHILD_ENV: &str = "SDK_BENCHES_GENERATE_SPEC";

fn main() {
    let specs_dir = sdk_benches::repo_root().join("../shared/specs");
    if !specs_dir.is_dir() {
        println!(
            "generate: {} is missing; nothing to measure",
            specs_dir.display()
        );
        return;
    }
    let iters = env_usize("BENCH_ITERS", 3);
    if let Ok(name) = std::env::var(CHILD_ENV) {
        if let Some((name, relative)) = SPECS.iter().find(|(n, _)| *n == name) {
            measure_spec(&specs_dir, name, relative, iters);
        }
        return;
    }
    let only: Option<Vec<String>> = std::env::var("BENCH_SPECS")
        .ok()
        .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect());

    println!();
    println!(
        "generate: load + lower + emit (prettyplease included, nothing written), {iters} runs per spec, medians; \
         peak RSS is VmHWM of the process measuring the spec"
    );
    println!(
        "{:<12} {:>8} {:>8} {:>8} {:>8} {:>9} {:>5} {:>6} {:>6} {:>9}",
        "spec",
        "load ms",
        "lower ms",
        "emit ms",
        "total ms",
        "peak MiB",
        "ops",
        "types",
        "files",
        "out KiB"
    );
    let exe = std::env::current_exe().expect("path of this bench");
    for (name, _) in SPECS {
        if only.as_ref().is_some_and(|o| !o.iter().any(|n| n == name)) {
            continue;
        }
        // The child inherits stdout and prints its own rows.
        let status = std::process::Command::new(&exe)
            .env(CHILD_ENV, name)
            .status()
            .expect("run the bench for one spec");
        if !status.success() {
            println!("{name:<12} the measuring process failed: {status}");
        }
    }
}

/// Measures one spec `iters` times and prints its rows.
fn measure_spec(specs_dir: &Path, name: &str, relative: &str, iters: usize) {
    let path = specs_dir.join(relative);
    if !path.is_file() {
        println!("{name:<12} missing: {}", path.display());
        return;
    }
    let label = format!("../shared/specs/{relative}");
    let rss_before = rss_kib();
    let mut runs = Vec::new();
    for _ in 0..iters {
        match run_once(&path, &label) {
            Ok(run) => runs.push(run),
            Err(error) => {
                println!("{name:<12} failed: {error}");
                return;
            }
        }
    }
    let pick =
        |f: &dyn Fn(&Run) -> Duration| median_duration(&runs.iter().map(f).collect::<Vec<_>>());
    let (load, lower, emit) = (pick(&|r| r.load), pick(&|r| r.lower), pick(&|r| r.emit));
    let total = pick(&|r| r.load + r.lower + r.emit);
    let peak = runs.iter().filter_map(|r| r.peak_kib).max();
    let first = &runs[0];
    println!(
        "{:<12} {:>8} {:>8} {:>8} {:>8} {:>9} {:>5} {:>6} {:>6} {:>9}",
        name,
        ms(load),
        ms(lower),
        ms(emit),
        ms(total),
        mib(peak),
        first.operations,
        first.types,
        first.files,
        first.output_bytes / 1024
    );
    let totals: Vec<String> = runs.iter().map(|r| ms(r.load + r.lower + r.emit)).collect();
    println!(
        "{:<12} totals of each run: {} ms; RSS of the process before the first run {} MiB",
        "",
        totals.join(", "),
        mib(rss_before)
    );
    if name == "github" {
        println!(
            "{:<12} target: under {} ms total: {}",
            "",
            GITHUB_TARGET.as_millis(),
            if total < GITHUB_TARGET {
                "met"
            } else {
                "NOT met"
            }
        );
    }
}
