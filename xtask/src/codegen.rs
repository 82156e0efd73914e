//! `cargo xtask codegen`: spec (file or URL) → generated crate, written or checked.
//!
//! Given another spec than the pinned one for the Miteos crate, it also says what changed for the
//! SDK's users (the API diff against the pinned spec): before the text diff of a failed
//! `--check`, and as a changelog section with the suggested version on `--update-pinned`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use sdkgen::output::{Mode, sync};
use sdkgen::{SdkConfig, load};

/// The pinned spec, relative to the repository root.
pub const PINNED_SPEC: &str = "fixtures/miteos/openapi.json";
/// Where the Miteos crate lives, relative to the repository root.
pub const GENERATED_DIR: &str = "generated";
/// The live spec.
pub const LIVE_SPEC_URL: &str = "https://api.miteos.com/v1/openapi.json";

/// Options of `cargo xtask codegen`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Args {
    /// The spec: a file path or an http(s) URL (`live` is short for the published Miteos spec).
    #[arg(long)]
    pub spec: Option<String>,
    /// The SDK config file (default: `sdk.toml` beside the spec; for a URL, the pinned spec's).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Where to write the crate (default: generated/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The crate name (default: from the config, else from the spec's title).
    #[arg(long)]
    pub name: Option<String>,
    /// Write nothing; fail with a diff when the crate differs from what the spec produces.
    #[arg(long)]
    pub check: bool,
    /// With a URL spec: also replace the pinned spec with the fetched document.
    #[arg(long)]
    pub update_pinned: bool,
    /// Timeout for fetching a URL, in seconds.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// Where the crate gets its runtime: `crate` (a dependency on `sdkgen-runtime`) or `inline` (a
    /// copy in `src/runtime/`); default: as the SDK config says, else `crate`.
    #[arg(long, value_enum)]
    pub runtime: Option<RuntimeArg>,
}

/// Values of `--runtime`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuntimeArg {
    /// A dependency on the `sdkgen-runtime` crate.
    Crate,
    /// A copy of the runtime in the crate's `src/runtime/`.
    Inline,
}

impl From<RuntimeArg> for sdkgen::config::RuntimeKind {
    fn from(arg: RuntimeArg) -> Self {
        match arg {
            RuntimeArg::Crate => sdkgen::config::RuntimeKind::Crate,
            RuntimeArg::Inline => sdkgen::config::RuntimeKind::Inline,
        }
    }
}

/// The path from `out` to the runtime crate: relative when `out` is inside this repository (so
/// the output is the same on every machine), else none (the generator uses an absolute path).
fn runtime_path(root: &Path, out: &Path) -> Option<String> {
    let out = std::path::absolute(out).ok()?;
    let below = out.strip_prefix(root).ok()?;
    let ups = below.components().count();
    let mut path = PathBuf::new();
    for _ in 0..ups {
        path.push("..");
    }
    path.push("templates");
    Some(path.to_string_lossy().replace('\\', "/"))
}

/// The repository root (the parent of xtask/).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the repository")
        .to_owned()
}

/// Runs `cargo xtask codegen`.
pub fn run(args: &Args) -> Result<()> {
    let root = repo_root();
    let started = Instant::now();
    let spec_arg = spec_argument(args, &root);
    let default_out = args.out.is_none();
    let out = args.out.clone().unwrap_or_else(|| root.join(GENERATED_DIR));
    let is_url = spec_arg.starts_with("http://") || spec_arg.starts_with("https://");

    // The spec the committed crate was generated from, to say what a new one changes.
    let pinned_path = root.join(PINNED_SPEC);
    let pinned_before = (default_out && Path::new(&spec_arg) != pinned_path)
        .then(|| load::load_path(&pinned_path).ok())
        .flatten();
    let source = if is_url {
        load_url(args, &root, &spec_arg)?
    } else {
        load_file(args, &root, &spec_arg)?
    };
    let config = match &source.config {
        Some(p) => SdkConfig::from_path(p)
            .with_context(|| format!("cannot read the SDK config {}", p.display()))?,
        None => SdkConfig::default(),
    };
    // The names the crate has now: a regenerated crate keeps them (see `sdkgen::names`).
    let lock_path = out.join(sdkgen::names::FILE);
    let names = sdkgen::names::NameLock::read(&lock_path)
        .with_context(|| format!("cannot read the name lock {}", lock_path.display()))?
        .unwrap_or_default();
    let api_diff =
        pinned_before.and_then(|old| diff_against_pinned(&old, &source.spec, &config, &names));
    if let (Some(report), true) = (&api_diff, args.update_pinned) {
        print!("{}", report.changelog());
        eprintln!("{}", release_note(report));
    }
    let options = sdkgen::Options {
        crate_name: args.name.clone(),
        source_label: source.label,
        standalone: !default_out,
        runtime: args.runtime.map(Into::into),
        runtime_path: runtime_path(&root, &out),
        names,
    };
    let generated =
        sdkgen::generate(&source.spec, &config, &options).context("cannot generate the crate")?;
    // Freeing the loaded document (a few hundred thousand JSON and schema nodes for a large
    // spec) overlaps with writing the files; the process does not wait for it at exit.
    let spec = source.spec;
    std::thread::spawn(move || drop(spec));
    for d in &generated.diagnostics {
        eprintln!("note: not generated faithfully: {d}");
    }
    let fix = if is_url {
        format!("cargo xtask codegen --spec {spec_arg}")
    } else {
        "cargo xtask codegen".to_owned()
    };
    let mode = if args.check { Mode::Check } else { Mode::Write };
    let report = match sync(&out, &generated.files, mode, &fix) {
        Ok(report) => report,
        // Before the text diff: what the drift means for the SDK's users.
        Err(e) => match api_diff.as_ref().filter(|d| !d.changes.is_empty()) {
            Some(diff) => bail!("{}\n\n{}\n{e}", diff.summary(), diff.changelog()),
            None => return Err(e.into()),
        },
    };
    let verb = if args.check { "checked" } else { "generated" };
    eprintln!(
        "{verb} {} ({} files, {} changed, {} removed, {} diagnostics) in {:.2?}",
        out.display(),
        generated.files.len(),
        report.changed.len(),
        report.removed.len(),
        generated.diagnostics.len(),
        started.elapsed()
    );
    Ok(())
}

/// `--spec` as a URL or path: `live` is the live spec's URL, and without it the pinned spec.
fn spec_argument(args: &Args, root: &Path) -> String {
    match args.spec.as_deref() {
        Some("live") => LIVE_SPEC_URL.to_owned(),
        Some(s) => s.to_owned(),
        None => root.join(PINNED_SPEC).display().to_string(),
    }
}

/// The spec to generate from, the label the crate's header names it by, and the SDK config to read.
struct Source {
    spec: load::LoadedSpec,
    label: String,
    config: Option<PathBuf>,
}

/// Fetches and loads the spec at `url`; with `--update-pinned`, writes it as the new pinned spec.
fn load_url(args: &Args, root: &Path, url: &str) -> Result<Source> {
    let default_out = args.out.is_none();
    eprintln!("fetching {url}");
    let text = fetch(url, Duration::from_secs(args.timeout))?;
    let spec =
        load::load_str(&text, url).with_context(|| format!("cannot load the spec from {url}"))?;
    if args.update_pinned {
        if args.check {
            bail!("--update-pinned and --check exclude each other");
        }
        let pretty = serde_json::to_string_pretty(&load::parse_text(&text, url)?)? + "\n";
        let pinned = root.join(PINNED_SPEC);
        std::fs::write(&pinned, pretty)
            .with_context(|| format!("cannot write {}", pinned.display()))?;
        eprintln!("updated {PINNED_SPEC}");
    }
    // The crate's header names the pinned spec, so that a live spec equal to it gives no drift.
    let label = if default_out {
        PINNED_SPEC.to_owned()
    } else {
        url.to_owned()
    };
    let config = args
        .config
        .clone()
        .or_else(|| default_out.then(|| root.join("fixtures/miteos/sdk.toml")));
    Ok(Source {
        spec,
        label,
        config,
    })
}

/// Loads the spec file at `spec_arg`, labelled by its path in the repository (else its file name), with the
/// SDK config given or the one beside it.
fn load_file(args: &Args, root: &Path, spec_arg: &str) -> Result<Source> {
    let path = PathBuf::from(spec_arg);
    if args.update_pinned {
        bail!("--update-pinned needs a URL spec (for example `--spec live`)");
    }
    let spec = load::load_path(&path)
        .with_context(|| format!("cannot load the spec {}", path.display()))?;
    // A relative path names the same file as the absolute one: compare them canonical, so that
    // `--spec fixtures/miteos/openapi.json` labels (and so generates) what the default does.
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let label = canonical(&path)
        .strip_prefix(canonical(root))
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| {
            path.file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    let config = args.config.clone().or_else(|| SdkConfig::beside(&path));
    Ok(Source {
        spec,
        label,
        config,
    })
}

/// What the new spec changes for the SDK's users against the pinned one; a note, and no diff, when that
/// cannot be computed.
fn diff_against_pinned(
    pinned: &load::LoadedSpec,
    spec: &load::LoadedSpec,
    config: &SdkConfig,
    names: &sdkgen::names::NameLock,
) -> Option<sdkgen::diff::Report> {
    crate::api_diff::report_keeping(pinned, spec, config, names)
        .inspect_err(|e| eprintln!("note: no API diff against {PINNED_SPEC}: {e:#}"))
        .ok()
}

/// What `--update-pinned` says after the changelog: the summary and the suggested release.
fn release_note(report: &sdkgen::diff::Report) -> String {
    let mut note = report.summary();
    if let Some(next) = report.next_version().filter(|_| !report.changes.is_empty()) {
        note.push_str(&format!(
            "\nsuggested release: {} {next} (a {} bump from {}): set `version = \"{next}\"` under \
             [package] in fixtures/miteos/sdk.toml",
            report.crate_name,
            report.bump.as_str(),
            report.version
        ));
    }
    note
}

/// Fetches a spec over HTTP(S) with a timeout.
pub fn fetch(url: &str, timeout: Duration) -> Result<String> {
    let client = reqwest::blocking::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .user_agent(concat!("miteos-sdk-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("cannot build the HTTP client")?;
    let response = client
        .get(url)
        .send()
        .with_context(|| format!("cannot reach {url}"))?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().unwrap_or_default();
        let excerpt: String = body.chars().take(300).collect();
        bail!("{url} answered {status}: {excerpt}");
    }
    response
        .text()
        .with_context(|| format!("cannot read the body from {url}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    /// Serves `body` with `status` to every connection on a loopback port, from a thread.
    fn serve(status: &'static str, body: String) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request);
                let head = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(body.as_bytes());
            }
        });
        format!("http://{addr}/v1/openapi.json")
    }

    /// The live-spec path: a spec fetched over HTTP gives the same crate as the pinned file.
    #[test]
    fn a_spec_served_over_http_gives_the_committed_crate() {
        let pinned = std::fs::read_to_string(repo_root().join(PINNED_SPEC)).unwrap();
        let url = serve("200 OK", pinned);
        let args = Args {
            spec: Some(url),
            check: true,
            timeout: 10,
            ..Default::default()
        };
        if let Err(e) = run(&args) {
            panic!("{e:#}");
        }
    }

    /// The pinned file named by a relative path (tests run in `xtask/`) is labelled by its place in
    /// the repository, as the default is, so it gives the committed crate byte for byte.
    #[test]
    fn a_relative_path_to_the_pinned_spec_gives_the_committed_crate() {
        let args = Args {
            spec: Some(format!("../{PINNED_SPEC}")),
            check: true,
            ..Default::default()
        };
        if let Err(e) = run(&args) {
            panic!("{e:#}");
        }
    }

    /// A drifted live spec: the failed check says what changed for users before the text diff.
    #[test]
    fn drift_is_summarised_before_the_text_diff() {
        let mut spec: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(repo_root().join(PINNED_SPEC)).unwrap())
                .unwrap();
        spec["components"]["schemas"]["TaskStatus"]["enum"]
            .as_array_mut()
            .unwrap()
            .push("archived".into());
        let url = serve("200 OK", spec.to_string());
        let args = Args {
            spec: Some(url),
            check: true,
            timeout: 10,
            ..Default::default()
        };
        let message = format!("{:#}", run(&args).unwrap_err());
        let summary = message
            .find("API diff: 1 change(s), 1 breaking, 0 compatible (bump: minor, 0.1.0 → 0.2.0)")
            .unwrap_or_else(|| panic!("no summary in {message}"));
        let entry = message
            .find("`types::TaskStatus::Archived`: new value `archived`")
            .unwrap_or_else(|| panic!("no changelog in {message}"));
        let diff = message
            .find("the generated crate is out of date")
            .unwrap_or_else(|| panic!("no text diff in {message}"));
        assert!(summary < entry && entry < diff, "{message}");
    }

    #[test]
    fn update_pinned_suggests_the_next_version() {
        let pinned = load::load_path(&repo_root().join(PINNED_SPEC)).unwrap();
        let mut raw: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(repo_root().join(PINNED_SPEC)).unwrap())
                .unwrap();
        raw["paths"]
            .as_object_mut()
            .unwrap()
            .shift_remove("/billing");
        let changed = load::from_value(raw, "changed").unwrap();
        let config = SdkConfig::from_path(&repo_root().join("fixtures/miteos/sdk.toml")).unwrap();
        let report = crate::api_diff::report_between(&pinned, &changed, &config).unwrap();
        let note = release_note(&report);
        assert!(
            note.ends_with(
                "suggested release: miteos 0.2.0 (a minor bump from 0.1.0): set \
                 `version = \"0.2.0\"` under [package] in fixtures/miteos/sdk.toml"
            ),
            "{note}"
        );
        let same = crate::api_diff::report_between(&pinned, &pinned, &config).unwrap();
        assert!(!release_note(&same).contains("suggested release"));
    }

    #[test]
    fn an_unreachable_host_is_a_clear_error() {
        // Bind then drop: nothing listens on the port any more.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/v1/openapi.json");
        let args = Args {
            spec: Some(url.clone()),
            check: true,
            timeout: 5,
            ..Default::default()
        };
        let message = format!("{:#}", run(&args).unwrap_err());
        assert!(
            message.contains(&format!("cannot reach {url}")),
            "{message}"
        );
    }

    #[test]
    fn an_error_status_is_reported_with_the_body() {
        let url = serve(
            "503 Service Unavailable",
            r#"{"detail":"maintenance"}"#.to_owned(),
        );
        let args = Args {
            spec: Some(url),
            check: true,
            timeout: 5,
            ..Default::default()
        };
        let message = format!("{:#}", run(&args).unwrap_err());
        assert!(
            message.contains("503") && message.contains("maintenance"),
            "{message}"
        );
    }

    #[test]
    fn a_slow_server_times_out() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/openapi.json", listener.local_addr().unwrap());
        // Accept and never answer.
        let _keep = std::thread::spawn(move || {
            let held: Vec<_> = listener.incoming().take(1).collect();
            std::thread::sleep(Duration::from_secs(5));
            drop(held);
        });
        let started = Instant::now();
        let args = Args {
            spec: Some(url),
            check: true,
            timeout: 1,
            ..Default::default()
        };
        let message = format!("{:#}", run(&args).unwrap_err());
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "took {:?}",
            started.elapsed()
        );
        assert!(message.contains("cannot reach"), "{message}");
    }

    /// A crate generated again into its directory keeps the names its `names.lock` holds: a POST
    /// added on the path of a GET named `search` does not take the GET's name; a lock that cannot
    /// be read stops generation with the file's name.
    #[test]
    fn regenerating_into_a_crate_keeps_the_names_of_its_lock() {
        let dir = std::env::temp_dir().join(format!("sdkgen-lock-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let op = |id: &str| serde_json::json!({ "operationId": id, "responses": { "200": { "description": "ok" } } });
        let mut spec = serde_json::json!({
            "openapi": "3.0.3",
            "info": { "title": "Images", "version": "1" },
            "paths": { "/images/search": { "get": op("searchImages") } }
        });
        let spec_path = dir.join("openapi.json");
        let out = dir.join("crate");
        let generate = |spec: &serde_json::Value| {
            std::fs::write(&spec_path, spec.to_string()).unwrap();
            run(&Args {
                spec: Some(spec_path.display().to_string()),
                out: Some(out.clone()),
                name: Some("images".to_owned()),
                ..Default::default()
            })
        };
        let resource = || std::fs::read_to_string(out.join("src/resources/images.rs")).unwrap();
        generate(&spec).unwrap();
        assert!(resource().contains("pub fn search("), "{}", resource());
        let lock = std::fs::read_to_string(out.join(sdkgen::names::FILE)).unwrap();
        assert!(
            lock.contains("\"GET /images/search\" = \"images.search\""),
            "{lock}"
        );

        spec["paths"]["/images/search"]["post"] = op("post_images_search");
        generate(&spec).unwrap();
        assert!(resource().contains("pub fn search("), "{}", resource());
        assert!(
            resource().contains("pub fn search_images("),
            "{}",
            resource()
        );

        std::fs::write(
            out.join(sdkgen::names::FILE),
            "[operations]\n\"GET /images/search\" = \"images\"\n",
        )
        .unwrap();
        let message = format!("{:#}", generate(&spec).unwrap_err());
        assert!(
            message.contains("names.lock") && message.contains("maps to `images`"),
            "{message}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// `cargo test` fails when `generated/` is stale, exactly like `cargo xtask codegen --check`.
    #[test]
    fn generated_crate_is_up_to_date() {
        let args = Args {
            check: true,
            timeout: 30,
            ..Default::default()
        };
        if let Err(e) = run(&args) {
            panic!("{e:#}");
        }
    }
}
