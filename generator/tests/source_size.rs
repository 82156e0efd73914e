//! Every Rust source file of the generator, the runtime and the xtask stays at most 700 lines
//! long (tests included), so that each file can be read as one job.

use std::fs;
use std::path::{Path, PathBuf};

/// The most lines a source file may have.
const MAX_LINES: usize = 700;

/// The source trees checked, relative to the workspace root.
const TREES: &[&str] = &["generator/src", "templates/src", "xtask/src"];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator crate sits in the workspace")
        .to_path_buf()
}

/// Every `.rs` file under `dir`, in path order.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            fs::read_dir(&dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The files under `dir` longer than `max` lines, with their line counts.
fn oversized(dir: &Path, max: usize) -> Vec<(PathBuf, usize)> {
    rust_files(dir)
        .into_iter()
        .filter_map(|path| {
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            let lines = text.lines().count();
            (lines > max).then_some((path, lines))
        })
        .collect()
}

#[test]
fn no_source_file_is_over_700_lines() {
    let root = workspace_root();
    let mut over = Vec::new();
    for tree in TREES {
        let dir = root.join(tree);
        assert!(
            !rust_files(&dir).is_empty(),
            "{} holds no Rust source files",
            dir.display()
        );
        over.extend(oversized(&dir, MAX_LINES));
    }
    let report: Vec<String> = over
        .iter()
        .map(|(path, lines)| {
            let shown = path.strip_prefix(&root).unwrap_or(path);
            format!("  {} ({lines} lines)", shown.display())
        })
        .collect();
    assert!(
        report.is_empty(),
        "source files over {MAX_LINES} lines; split each by subject:\n{}",
        report.join("\n")
    );
}

#[test]
fn files_over_the_limit_are_found_at_any_depth() {
    let dir = std::env::temp_dir().join(format!("sdkgen-source-size-{}", std::process::id()));
    let nested = dir.join("a/b");
    fs::create_dir_all(&nested).expect("creates the scratch tree");
    fs::write(dir.join("short.rs"), "fn f() {}\n".repeat(3)).expect("writes");
    fs::write(dir.join("exact.rs"), "fn f() {}\n".repeat(5)).expect("writes");
    fs::write(nested.join("long.rs"), "fn f() {}\n".repeat(6)).expect("writes");
    fs::write(nested.join("long.txt"), "text\n".repeat(9)).expect("writes");
    let found = oversized(&dir, 5);
    fs::remove_dir_all(&dir).expect("removes the scratch tree");
    assert_eq!(found, vec![(nested.join("long.rs"), 6)]);
}
