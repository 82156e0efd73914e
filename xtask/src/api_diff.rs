//! `cargo xtask api-diff OLD NEW`: what changed between two specs for callers of the generated
//! SDK, whether it breaks them, and the version bump that follows.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use sdkgen::diff::Report;
use sdkgen::load::LoadedSpec;
use sdkgen::names::NameLock;
use sdkgen::{SdkConfig, load};

use crate::codegen::{LIVE_SPEC_URL, PINNED_SPEC, fetch, repo_root};

/// Options of `cargo xtask api-diff`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The old spec: a file path, an http(s) URL, `pinned` or `live`.
    pub old: String,
    /// The new spec: a file path, an http(s) URL, `pinned` or `live`.
    pub new: String,
    /// The SDK config both are lowered with (default: `sdk.toml` beside the new spec, else beside
    /// the old one; for `pinned`, `live` and URLs, the pinned spec's).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// `text` (a changelog section) or `json`.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Timeout for fetching a URL, in seconds.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
}

/// Output formats.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A changelog section in Markdown.
    Text,
    /// `{"bump": …, "changes": […]}`.
    Json,
}

/// A spec argument resolved: the loaded document and, for files, its path.
struct Source {
    spec: LoadedSpec,
    path: Option<PathBuf>,
}

/// Runs `cargo xtask api-diff`; `Ok(true)` when a change is breaking.
pub fn run(args: &Args) -> Result<bool> {
    let timeout = Duration::from_secs(args.timeout);
    let old = resolve(&args.old, timeout)?;
    let new = resolve(&args.new, timeout)?;
    let config_path = args.config.clone().or_else(|| {
        let beside = |s: &Source| s.path.as_deref().and_then(SdkConfig::beside);
        // Like `codegen --spec`: a spec without a file of its own takes the pinned spec's config.
        let remote = old.path.is_none() || new.path.is_none();
        beside(&new)
            .or_else(|| beside(&old))
            .or_else(|| remote.then(|| repo_root().join("fixtures/miteos/sdk.toml")))
    });
    let config = match &config_path {
        Some(p) => SdkConfig::from_path(p)
            .with_context(|| format!("cannot read the SDK config {}", p.display()))?,
        None => SdkConfig::default(),
    };
    let report = report_between(&old.spec, &new.spec, &config)?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report.to_json())?),
        Format::Text => print!("{}", report.changelog()),
    }
    eprintln!("{}", report.summary());
    Ok(report.is_breaking())
}

/// Lowers both specs with the same config and compares them.
pub fn report_between(old: &LoadedSpec, new: &LoadedSpec, config: &SdkConfig) -> Result<Report> {
    report_keeping(old, new, config, &NameLock::default())
}

/// Like [`report_between`], both sides named as a crate with the name lock `names` would be
/// (the names a regenerated crate keeps are no renames).
pub fn report_keeping(
    old: &LoadedSpec,
    new: &LoadedSpec,
    config: &SdkConfig,
    names: &NameLock,
) -> Result<Report> {
    let options = sdkgen::lower::LowerOptions {
        names: names.clone(),
        ..Default::default()
    };
    let lower = |spec: &LoadedSpec, which: &str| {
        sdkgen::lower::lower(spec, config, &options)
            .with_context(|| format!("cannot read the {which} spec as an SDK"))
    };
    let (a, b) = (lower(old, "old")?, lower(new, "new")?);
    Ok(sdkgen::diff::diff(&a, &b))
}

fn resolve(arg: &str, timeout: Duration) -> Result<Source> {
    let target = match arg {
        "pinned" => {
            let path = repo_root().join(PINNED_SPEC);
            let spec = load::load_path(&path)
                .with_context(|| format!("cannot load the pinned spec {}", path.display()))?;
            // Not a file of its own: it takes the Miteos config like `live` does.
            return Ok(Source { spec, path: None });
        }
        "live" => LIVE_SPEC_URL.to_owned(),
        other => other.to_owned(),
    };
    if target.starts_with("http://") || target.starts_with("https://") {
        eprintln!("fetching {target}");
        let text = fetch(&target, timeout)?;
        let spec = load::load_str(&text, &target)
            .with_context(|| format!("cannot load the spec from {target}"))?;
        return Ok(Source { spec, path: None });
    }
    let path = PathBuf::from(&target);
    let spec = load::load_path(&path)
        .with_context(|| format!("cannot load the spec {}", path.display()))?;
    Ok(Source {
        spec,
        path: Some(path),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(old: &str, new: &str) -> Args {
        Args {
            old: old.to_owned(),
            new: new.to_owned(),
            config: None,
            format: Format::Json,
            timeout: 5,
        }
    }

    fn fixture(name: &str, side: &str) -> String {
        repo_root()
            .join("fixtures/api-diff")
            .join(name)
            .join(format!("{side}.json"))
            .display()
            .to_string()
    }

    #[test]
    fn the_exit_status_says_whether_a_change_breaks() {
        assert!(!run(&args("pinned", "pinned")).unwrap());
        let (old, new) = (
            fixture("swagger-generator", "old"),
            fixture("swagger-generator", "new"),
        );
        assert!(run(&args(&old, &new)).unwrap());
        assert!(!run(&args(&old, &old)).unwrap());
    }

    #[test]
    fn a_spec_that_cannot_be_read_is_an_error() {
        let missing = repo_root().join("fixtures/api-diff/no-such-spec.json");
        let message = format!(
            "{:#}",
            run(&args("pinned", &missing.display().to_string())).unwrap_err()
        );
        assert!(message.contains("no-such-spec.json"), "{message}");
    }
}
