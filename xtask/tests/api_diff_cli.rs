//! `cargo xtask api-diff` as a process: its exit status (0 nothing breaking, 1 breaking, 2 an
//! error) and its two output formats.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str, side: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/api-diff")
        .join(name)
        .join(format!("{side}.json"))
}

fn api_diff(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("api-diff")
        .args(args)
        .output()
        .expect("xtask runs")
}

#[test]
fn nothing_breaking_exits_0() {
    let out = api_diff(&["pinned", "pinned", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json, serde_json::json!({"bump": "none", "changes": []}));
}

#[test]
fn a_breaking_change_exits_1_with_a_changelog() {
    let (old, new) = (
        fixture("google-webfonts", "old"),
        fixture("google-webfonts", "new"),
    );
    let out = api_diff(&[old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("## google-fonts-developer 0.2.0\n"),
        "{text}"
    );
    assert!(text.contains("\n### `client.webfonts()`\n"), "{text}");
    assert!(
        text.contains("- **Breaking:** `client.webfonts()"),
        "{text}"
    );
}

#[test]
fn an_error_exits_2() {
    let missing = fixture("google-webfonts", "missing");
    let out = api_diff(&["pinned", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.json"));
    let out = api_diff(&["pinned"]);
    assert_eq!(out.status.code(), Some(2), "a missing argument");
}
