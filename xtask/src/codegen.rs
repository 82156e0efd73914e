//! `cargo xtask codegen`: spec (file or URL) → generated crate, written or checked.

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
    let spec_arg = match args.spec.as_deref() {
        Some("live") => LIVE_SPEC_URL.to_owned(),
        Some(s) => s.to_owned(),
        None => root.join(PINNED_SPEC).display().to_string(),
    };
    let default_out = args.out.is_none();
    let out = args.out.clone().unwrap_or_else(|| root.join(GENERATED_DIR));
    let is_url = spec_arg.starts_with("http://") || spec_arg.starts_with("https://");

    let (spec, label, config_path) = if is_url {
        eprintln!("fetching {spec_arg}");
        let text = fetch(&spec_arg, Duration::from_secs(args.timeout))?;
        let spec = load::load_str(&text, &spec_arg)
            .with_context(|| format!("cannot load the spec from {spec_arg}"))?;
        if args.update_pinned {
            if args.check {
                bail!("--update-pinned and --check exclude each other");
            }
            let pretty = serde_json::to_string_pretty(&load::parse_text(&text, &spec_arg)?)? + "\n";
            let pinned = root.join(PINNED_SPEC);
            std::fs::write(&pinned, pretty)
                .with_context(|| format!("cannot write {}", pinned.display()))?;
            eprintln!("updated {PINNED_SPEC}");
        }
        // The crate's header names the pinned spec, so that a live spec equal to it gives no drift.
        let label = if default_out {
            PINNED_SPEC.to_owned()
        } else {
            spec_arg.clone()
        };
        let config = args
            .config
            .clone()
            .or_else(|| default_out.then(|| root.join("fixtures/miteos/sdk.toml")));
        (spec, label, config)
    } else {
        let path = PathBuf::from(&spec_arg);
        if args.update_pinned {
            bail!("--update-pinned needs a URL spec (for example `--spec live`)");
        }
        let spec = load::load_path(&path)
            .with_context(|| format!("cannot load the spec {}", path.display()))?;
        let label = path
            .strip_prefix(&root)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| {
                path.file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
        let config = args.config.clone().or_else(|| SdkConfig::beside(&path));
        (spec, label, config)
    };
    let config = match &config_path {
        Some(p) => SdkConfig::from_path(p)
            .with_context(|| format!("cannot read the SDK config {}", p.display()))?,
        None => SdkConfig::default(),
    };
    let options = sdkgen::Options {
        crate_name: args.name.clone(),
        source_label: label,
        standalone: !default_out,
    };
    let generated =
        sdkgen::generate(&spec, &config, &options).context("cannot generate the crate")?;
    for d in &generated.diagnostics {
        eprintln!("note: not generated faithfully: {d}");
    }
    let fix = if is_url {
        format!("cargo xtask codegen --spec {spec_arg}")
    } else {
        "cargo xtask codegen".to_owned()
    };
    let mode = if args.check { Mode::Check } else { Mode::Write };
    let report = sync(&out, &generated.files, mode, &fix)?;
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
