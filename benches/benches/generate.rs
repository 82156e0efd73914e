//! Generator speed on large real-world specs, phase by phase, against a bare parse of the same file.
//!
//! Run: `cargo bench -p sdk-benches --bench generate` (the bench profile is release).
//! `BENCH_ITERS=3` (default) runs per spec; `BENCH_SPECS=github,stripe` picks specs by name.
//!
//! The specs are read from `../shared/specs` beside the repository (GitHub's REST API, Stripe, Oxide's
//! Nexus); when that folder is missing the bench says so and exits successfully. Each run reads the
//! file, loads it (parse, bundle, resolve, normalize, typed document), lowers, emits (tokens and
//! prettyplease formatting, one piece per thread) and writes the crate into a fresh temporary
//! folder; in the same run, the same file is parsed into a bare `serde_json::Value`, and the table
//! gives the whole generation as a multiple of that parse. Tokens and format are CPU time summed
//! over the emit threads; emit is their wall time. The table shows medians over runs. Each spec is
//! measured in a child process of this bench (the allocator keeps freed memory, so a second spec in
//! the same process would start from the first one's heap): its peak resident set size (`VmHWM`) is
//! the spec's own. The process runs on mimalloc, the allocator `cargo xtask codegen` runs on; the
//! bare parse is measured on it too.

use std::path::Path;
use std::time::{Duration, Instant};

use sdk_benches::{env_usize, median_duration, mib, peak_rss_kib, rss_kib};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The target: generating GitHub's crate takes at most this many bare parses of its spec.
const GITHUB_TARGET_RATIO: f64 = 6.0;

const SPECS: &[(&str, &str)] = &[
    ("github", "github/api.github.com.json"),
    ("stripe", "stripe/spec3.json"),
    ("oxide-nexus", "oxide-nexus/nexus.json"),
];

/// The phases, in pipeline order, with their column names.
const PHASES: &[&str] = &[
    "read", "parse", "bundle", "resolve", "normal", "typed", "lower", "tokens*", "format*", "emit",
    "write",
];

struct Run {
    /// Parsing the file's text into a `serde_json::Value`, nothing else.
    bare_parse: Duration,
    /// One entry per [`PHASES`].
    phases: Vec<Duration>,
    /// The whole generation, read to write.
    total: Duration,
    threads: usize,
    operations: usize,
    types: usize,
    files: usize,
    output_bytes: usize,
}

fn run_once(path: &Path, label: &str, out: &Path) -> Result<Run, sdkgen::Error> {
    let text = std::fs::read_to_string(path).map_err(|source| sdkgen::Error::Read {
        path: path.to_owned(),
        source,
    })?;
    let started = Instant::now();
    let bare: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| sdkgen::Error::Syntax {
            origin: path.display().to_string(),
            message: e.to_string(),
        })?;
    let bare_parse = started.elapsed();
    drop((bare, text));
    let _ = std::fs::remove_dir_all(out);

    let started = Instant::now();
    let config = match sdkgen::SdkConfig::beside(path) {
        Some(config) => sdkgen::SdkConfig::from_path(&config)?,
        None => sdkgen::SdkConfig::default(),
    };
    let (spec, load) = sdkgen::load::load_path_timed(path)?;

    let lower_started = Instant::now();
    let options = sdkgen::lower::LowerOptions {
        crate_name: None,
        source: label.to_owned(),
        names: Default::default(),
    };
    let api = sdkgen::lower::lower(&spec, &config, &options)?;
    let lower = lower_started.elapsed();

    let (generated, emit) = sdkgen::emit::emit_timed(&api, &sdkgen::emit::EmitOptions::default())?;

    let write_started = Instant::now();
    sdkgen::output::sync(
        out,
        &generated.files,
        sdkgen::output::Mode::Write,
        "cargo bench",
    )?;
    let write = write_started.elapsed();
    let total = started.elapsed();
    let _ = std::fs::remove_dir_all(out);

    Ok(Run {
        bare_parse,
        phases: vec![
            load.read,
            load.parse,
            load.bundle,
            load.resolve,
            load.normalize,
            load.typed,
            lower,
            emit.tokens,
            emit.format,
            emit.wall,
            write,
        ],
        total,
        threads: emit.threads,
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
        "generate: read → write (files into a fresh temporary folder) against a bare serde_json::Value parse \
         of the same file in the same run; {iters} runs per spec, medians, ms; * = CPU time summed over the \
         emit threads; peak RSS is VmHWM of the process measuring the spec"
    );
    let mut columns = vec![format!("{:<12}", "spec"), format!("{:>7}", "bare")];
    columns.extend(PHASES.iter().map(|p| format!("{p:>7}")));
    columns.push(format!("{:>7}", "total"));
    columns.push(format!("{:>6}", "ratio"));
    columns.push(format!("{:>8}", "peak MiB"));
    println!("{}", columns.join(" "));
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
    let out = std::env::temp_dir().join(format!("sdk-benches-generate-{}", std::process::id()));
    let rss_before = rss_kib();
    let mut runs = Vec::new();
    for _ in 0..iters {
        match run_once(&path, &label, &out) {
            Ok(run) => runs.push(run),
            Err(error) => {
                println!("{name:<12} failed: {error}");
                return;
            }
        }
    }
    let pick =
        |f: &dyn Fn(&Run) -> Duration| median_duration(&runs.iter().map(f).collect::<Vec<_>>());
    let bare = pick(&|r| r.bare_parse);
    let total = pick(&|r| r.total);
    // The ratio of each run (total and bare parse measured together), then their median.
    let mut ratios: Vec<f64> = runs
        .iter()
        .map(|r| r.total.as_secs_f64() / r.bare_parse.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    let ratio = ratios[ratios.len() / 2];
    let peak = peak_rss_kib();
    let mut columns = vec![format!("{name:<12}"), format!("{:>7}", ms(bare))];
    for i in 0..PHASES.len() {
        columns.push(format!("{:>7}", ms(pick(&|r| r.phases[i]))));
    }
    columns.push(format!("{:>7}", ms(total)));
    columns.push(format!("{ratio:>5.1}x"));
    columns.push(format!("{:>8}", mib(peak)));
    println!("{}", columns.join(" "));
    let first = &runs[0];
    let totals: Vec<String> = runs.iter().map(|r| ms(r.total)).collect();
    let ratios: Vec<String> = ratios.iter().map(|r| format!("{r:.1}x")).collect();
    println!(
        "{:<12} {} ops, {} types, {} files, {} KiB out, {} emit threads; totals {} ms; ratios {}; RSS before {} MiB",
        "",
        first.operations,
        first.types,
        first.files,
        first.output_bytes / 1024,
        first.threads,
        totals.join(", "),
        ratios.join(", "),
        mib(rss_before)
    );
    if name == "github" {
        println!(
            "{:<12} target: at most {GITHUB_TARGET_RATIO}x the bare parse: {}",
            "",
            if ratio <= GITHUB_TARGET_RATIO {
                "met"
            } else {
                "NOT met"
            }
        );
    }
}
