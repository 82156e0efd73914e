//! The API diff's classification checked against the compiler: for every planted change, a
//! small caller is compiled against the crate generated from the pinned Miteos spec and against
//! the crate generated from the changed spec. A change classified compatible must leave its caller
//! compiling; a breaking one must break it (or, where the break is the request `send()` refuses,
//! make the caller's call fail at run time).
//!
//! All crates sit in one temporary workspace under `target/tmp/api-diff-crates`, checked by one
//! `cargo check --offline` with their own target dir (kept between runs, so only the first run
//! compiles the dependencies), resolved from the repository's `Cargo.lock`.

mod planted;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use sdkgen::output::{Mode, sync};
use sdkgen::{SdkConfig, load};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn config() -> SdkConfig {
    SdkConfig::from_path(&root().join("fixtures/miteos/sdk.toml")).unwrap()
}

/// Whether the API diff calls the change from the pinned spec to `spec` breaking.
fn classified_breaking(spec: &serde_json::Value) -> bool {
    let lower = |s: serde_json::Value| {
        let loaded = load::from_value(s, "planted").unwrap();
        sdkgen::lower::lower(&loaded, &config(), &Default::default()).unwrap()
    };
    sdkgen::diff::diff(&lower(planted::miteos_spec()), &lower(spec.clone())).is_breaking()
}

/// Generates the crate of `spec` as package `name` into `dir`.
fn generate(spec: serde_json::Value, name: &str, dir: &Path) {
    let config = config();
    let loaded = load::from_value(spec, "planted").unwrap();
    let options = sdkgen::Options {
        crate_name: Some(name.to_owned()),
        source_label: format!("a planted change ({name})"),
        // In the workspace of the check, with the runtime as the generator gives it by default.
        ..Default::default()
    };
    let generated = sdkgen::generate(&loaded, &config, &options).unwrap();
    sync(dir, &generated.files, Mode::Write, "").unwrap();
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap();
    }
}

/// A caller crate of `sdk` (a package in the workspace) named `name`.
fn caller(dir: &Path, name: &str, sdk: &str, body: &str, runs: bool) {
    let tokio = if runs {
        "tokio = { version = \"1\", features = [\"rt\"] }\n"
    } else {
        ""
    };
    write(
        &dir.join(name).join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nmiteos = {{ package = \"{sdk}\", path = \"../{sdk}\" }}\n{tokio}"
        ),
    );
    let call = format!(
        "/// Uses the SDK the way a caller of the old release does.\n\
         pub async fn call(client: &miteos::Client) -> Result<(), miteos::Error> {{\n{body}\n}}\n"
    );
    let (file, text) = if runs {
        (
            "src/main.rs",
            format!(
                "//! Calls the SDK against a port nothing listens on and prints the error.\n\
                 #![allow(deprecated)]\n{call}\n\
                 fn main() {{\n\
                     let client = miteos::Client::builder().api_key(\"key\")\n\
                         .base_url(\"http://127.0.0.1:9\").max_retries(0).build().expect(\"a client\");\n\
                     let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();\n\
                     match runtime.block_on(call(&client)) {{\n\
                         Ok(()) => println!(\"ok\"),\n\
                         Err(e) => println!(\"error: {{e}}\"),\n\
                     }}\n\
                 }}\n"
            ),
        )
    } else {
        (
            "src/lib.rs",
            format!("//! A caller of the SDK.\n#![allow(deprecated)]\n{call}"),
        )
    };
    write(&dir.join(name).join(file), &text);
}

/// Runs cargo in the workspace at `dir`; returns its JSON messages.
fn cargo(dir: &Path, args: &[&str]) -> (bool, Vec<serde_json::Value>) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(args)
        .args(["--offline", "--message-format=json"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let messages = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    if !output.status.success() && output.stdout.is_empty() {
        panic!(
            "cargo {args:?} failed before compiling:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    (output.status.success(), messages)
}

/// Package (target) name → its compiler errors.
fn errors(messages: &[serde_json::Value]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in messages {
        if m["reason"] == "compiler-message" && m["message"]["level"] == "error" {
            let target = m["target"]["name"]
                .as_str()
                .unwrap_or_default()
                .replace('_', "-");
            let text = m["message"]["rendered"].as_str().unwrap_or_default();
            out.entry(target).or_default().push(text.to_owned());
        }
    }
    out
}

#[test]
fn compatible_changes_keep_callers_compiling_and_breaking_ones_break_them() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("api-diff-crates");
    let cases = planted::cases();
    let mut members = vec!["miteos-old".to_owned()];
    let mut breaking = BTreeMap::new();
    generate(
        planted::miteos_spec(),
        "miteos-old",
        &dir.join("miteos-old"),
    );
    for case in &cases {
        let sdk = format!("miteos-{}", case.name);
        let mut spec = planted::miteos_spec();
        (case.plant)(&mut spec);
        breaking.insert(case.name, classified_breaking(&spec));
        generate(spec, &sdk, &dir.join(&sdk));
        let runs = case.fails_at_run_time.is_some();
        for (side, package) in [("old", "miteos-old"), ("new", sdk.as_str())] {
            let name = format!("call-{}-{side}", case.name);
            caller(&dir, &name, package, case.caller, runs);
            members.push(name);
        }
        members.push(sdk);
    }
    members.sort();
    let list: Vec<String> = members.iter().map(|m| format!("    \"{m}\",\n")).collect();
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"3\"\nmembers = [\n{}]\n",
            list.concat()
        ),
    );
    // Resolve exactly as the repository does, without the network.
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
    if !dir.join("Cargo.lock").exists() {
        write(&dir.join("Cargo.lock"), &lock);
    }

    let (_, messages) = cargo(&dir, &["check", "--workspace", "--keep-going"]);
    let errors = errors(&messages);
    let known: BTreeSet<&str> = members.iter().map(String::as_str).collect();
    for package in errors.keys() {
        assert!(
            known.contains(package.as_str()),
            "errors in `{package}`, not a crate of the check: {:?}",
            errors[package]
        );
    }
    let sdk_errors: Vec<&String> = errors.keys().filter(|p| p.starts_with("miteos-")).collect();
    assert!(
        sdk_errors.is_empty(),
        "generated crates that do not compile: {sdk_errors:?}\n{}",
        sdk_errors
            .iter()
            .flat_map(|p| &errors[p.as_str()])
            .cloned()
            .collect::<String>()
    );
    let mut wrong = Vec::new();
    let mut runs = Vec::new();
    for case in &cases {
        let old = format!("call-{}-old", case.name);
        let new = format!("call-{}-new", case.name);
        if let Some(e) = errors.get(&old) {
            wrong.push(format!(
                "`{}`: the caller does not compile against the old crate:\n{}",
                case.name,
                e.concat()
            ));
            continue;
        }
        match (
            breaking[case.name],
            case.fails_at_run_time,
            errors.get(&new),
        ) {
            (false, _, Some(e)) => wrong.push(format!(
                "`{}` is classified compatible, yet the caller breaks:\n{}",
                case.name,
                e.concat()
            )),
            (true, None, None) => wrong.push(format!(
                "`{}` is classified breaking, yet the caller still compiles",
                case.name
            )),
            (true, Some(expected), None) => runs.push((case.name, old, new, expected)),
            (true, Some(_), Some(e)) => wrong.push(format!(
                "`{}` should fail at run time, yet the caller does not compile:\n{}",
                case.name,
                e.concat()
            )),
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));

    // Breaks that show at run time: build both callers, run them, compare what they print.
    let mut args = vec!["build"];
    for (_, old, new, _) in &runs {
        args.extend(["-p", old.as_str(), "-p", new.as_str()]);
    }
    if runs.is_empty() {
        return;
    }
    let (ok, messages) = cargo(&dir, &args);
    assert!(
        ok,
        "the run-time callers do not build: {:?}",
        errors_of(&messages)
    );
    for (name, old, new, expected) in runs {
        let run = |bin: &str| {
            let out = Command::new(dir.join("target/debug").join(bin))
                .output()
                .expect("the caller runs");
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let (before, after) = (run(&old), run(&new));
        assert!(
            after.contains(expected) && !before.contains(expected),
            "`{name}`: expected the new crate's call to fail with {expected:?}\n\
             old: {before}\nnew: {after}"
        );
    }
}

fn errors_of(messages: &[serde_json::Value]) -> BTreeMap<String, Vec<String>> {
    errors(messages)
}
