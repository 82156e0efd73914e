//! Writes a generated crate to disk, or checks that the disk already matches (drift check).
//!
//! All output goes through [`sync`]: newlines are normalised, unchanged files are not touched,
//! and in check mode every difference (changed, missing or no-longer-produced file) is reported
//! with a unified diff and the command that fixes it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Write the files, or only compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write changed files and delete files no longer produced.
    Write,
    /// Change nothing; fail when anything differs.
    Check,
}

/// What [`sync`] did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Files written (or that would be, in check mode).
    pub changed: Vec<String>,
    /// Files already up to date.
    pub unchanged: usize,
    /// Files deleted because the generator no longer produces them.
    pub removed: Vec<String>,
}

/// Brings `dir` in line with `files` (paths relative to `dir`). `fix` is the command a user runs
/// to regenerate, quoted in check-mode errors.
pub fn sync(dir: &Path, files: &BTreeMap<String, String>, mode: Mode, fix: &str) -> Result<Report> {
    let io = |what: &str, path: &Path, e: std::io::Error| Error::Output {
        message: format!("cannot {what} {}: {e}", path.display()),
    };
    let mut report = Report::default();
    let mut diffs = String::new();
    for (rel, contents) in files {
        let path = dir.join(rel);
        let wanted = normalize(contents);
        let current = std::fs::read_to_string(&path).ok().map(|c| normalize(&c));
        if current.as_deref() == Some(wanted.as_str()) {
            report.unchanged += 1;
            continue;
        }
        report.changed.push(rel.clone());
        match mode {
            Mode::Write => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| io("create", parent, e))?;
                }
                std::fs::write(&path, &wanted).map_err(|e| io("write", &path, e))?;
            }
            Mode::Check => {
                let old = current.unwrap_or_default();
                diffs.push_str(&unified_diff(&old, &wanted, &display(dir, rel)));
            }
        }
    }
    for stale in existing_files(dir)? {
        if files.contains_key(&stale) {
            continue;
        }
        report.removed.push(stale.clone());
        let path = dir.join(&stale);
        match mode {
            Mode::Write => std::fs::remove_file(&path).map_err(|e| io("remove", &path, e))?,
            Mode::Check => {
                let old = std::fs::read_to_string(&path).unwrap_or_default();
                diffs.push_str(&format!(
                    "{} is no longer generated\n",
                    display(dir, &stale)
                ));
                diffs.push_str(&unified_diff(&normalize(&old), "", &display(dir, &stale)));
            }
        }
    }
    if mode == Mode::Check && (!report.changed.is_empty() || !report.removed.is_empty()) {
        let mut names: Vec<String> = report
            .changed
            .iter()
            .chain(&report.removed)
            .map(|r| display(dir, r))
            .collect();
        names.sort();
        return Err(Error::Output {
            message: format!(
                "the generated crate is out of date ({} file(s) differ: {})\n\n{diffs}\nrun `{fix}` to update it",
                names.len(),
                names.join(", ")
            ),
        });
    }
    Ok(report)
}

fn display(dir: &Path, rel: &str) -> String {
    dir.join(rel).display().to_string()
}

fn normalize(text: &str) -> String {
    let mut t = text.replace("\r\n", "\n");
    if !t.ends_with('\n') {
        t.push('\n');
    }
    t
}

/// Files below `dir`, relative, skipping build output (`target/`) and hidden entries.
fn existing_files(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack: Vec<PathBuf> = vec![dir.to_owned()];
    while let Some(current) = stack.pop() {
        let entries = std::fs::read_dir(&current).map_err(|e| Error::Output {
            message: format!("cannot list {}: {e}", current.display()),
        })?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::Output {
                message: format!("cannot list {}: {e}", current.display()),
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "target" || name == "Cargo.lock" {
                continue;
            }
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(dir) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A unified diff of two texts, with a few lines of context.
pub fn unified_diff(old: &str, new: &str, name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_then_check_then_drift() {
        let dir = std::env::temp_dir().join(format!("sdkgen-output-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut files = BTreeMap::new();
        files.insert("src/lib.rs".to_owned(), "fn a() {}\n".to_owned());
        let r = sync(&dir, &files, Mode::Write, "fix").unwrap();
        assert_eq!(r.changed, ["src/lib.rs"]);
        assert!(sync(&dir, &files, Mode::Check, "fix").is_ok());
        std::fs::write(dir.join("src/extra.rs"), "x").unwrap();
        files.insert("src/lib.rs".to_owned(), "fn b() {}\n".to_owned());
        let err = sync(&dir, &files, Mode::Check, "cargo xtask codegen")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("-fn a() {}") && err.contains("+fn b() {}"),
            "{err}"
        );
        assert!(err.contains("extra.rs is no longer generated"), "{err}");
        assert!(err.contains("run `cargo xtask codegen`"), "{err}");
        sync(&dir, &files, Mode::Write, "fix").unwrap();
        assert!(!dir.join("src/extra.rs").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
