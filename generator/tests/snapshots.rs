//! Snapshot tests: each fixture under `fixtures/snapshots/<case>/` is a small hand-written spec and
//! `expected/`, the crate the generator makes of it. The expected crates are workspace members, so
//! `cargo build --workspace` also proves that every snapshot compiles.
//!
//! `SNAPSHOTS=overwrite cargo test -p sdkgen --test snapshots` rewrites the expected crates.

use std::path::{Path, PathBuf};

use sdkgen::output::{Mode, sync};

const FIX: &str = "SNAPSHOTS=overwrite cargo test -p sdkgen --test snapshots";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/snapshots")
}

/// The spec of a case: `openapi.json` or `openapi.yaml`.
fn spec(case: &str) -> (PathBuf, String) {
    for file in ["openapi.json", "openapi.yaml"] {
        let path = fixtures().join(case).join(file);
        if path.exists() {
            return (path, format!("fixtures/snapshots/{case}/{file}"));
        }
    }
    panic!("fixture `{case}` has no openapi.json or openapi.yaml");
}

fn options(case: &str, source_label: String) -> sdkgen::Options {
    sdkgen::Options {
        crate_name: Some(format!("snapshot-{case}")),
        source_label,
        standalone: false,
        runtime: None,
        // from fixtures/snapshots/<case>/expected/ to templates/
        runtime_path: Some("../../../../templates".to_owned()),
        names: Default::default(),
    }
}

/// Generates the crate of `case` and compares it with `expected/` (or rewrites it with
/// `SNAPSHOTS=overwrite`).
#[track_caller]
fn check(case: &str) {
    let (path, label) = spec(case);
    let generated = sdkgen::generate_from_path(&path, &options(case, label))
        .unwrap_or_else(|e| panic!("fixture `{case}`: generation failed: {e}"));
    let mode = match std::env::var("SNAPSHOTS").as_deref() {
        Ok("overwrite") => Mode::Write,
        _ => Mode::Check,
    };
    let expected = fixtures().join(case).join("expected");
    if let Err(e) = sync(&expected, &generated.files, mode, FIX) {
        panic!("fixture `{case}`: {e}");
    }
    check_diagnostics(case, &generated.diagnostics, mode);
    // Generated again with the lock it wrote, the crate is the same, byte for byte.
    let lock = &generated.files[sdkgen::names::FILE];
    let lock = sdkgen::names::NameLock::parse(lock, Path::new(sdkgen::names::FILE))
        .unwrap_or_else(|e| panic!("fixture `{case}`: {e}"));
    let options = sdkgen::Options {
        names: lock,
        ..options(case, spec(case).1)
    };
    let again = sdkgen::generate_from_path(&path, &options)
        .unwrap_or_else(|e| panic!("fixture `{case}`: generation with its lock failed: {e}"));
    for (file, text) in &generated.files {
        assert!(
            again.files.get(file) == Some(text),
            "fixture `{case}`: generated with its own name lock, {file} differs"
        );
    }
    assert_eq!(again.files.len(), generated.files.len(), "fixture `{case}`");
}

/// The generator's diagnostics for `case` are kept in `diagnostics.txt` beside the spec, one a
/// line; no file means none.
#[track_caller]
fn check_diagnostics(case: &str, diagnostics: &[sdkgen::ir::Diagnostic], mode: Mode) {
    let path = fixtures().join(case).join("diagnostics.txt");
    let actual: String = diagnostics.iter().map(|d| format!("{d}\n")).collect();
    match mode {
        Mode::Write if actual.is_empty() => {
            let _ = std::fs::remove_file(&path);
        }
        Mode::Write => std::fs::write(&path, &actual).expect("write diagnostics.txt"),
        Mode::Check => {
            let expected = std::fs::read_to_string(&path).unwrap_or_default();
            assert_eq!(
                expected.replace("\r\n", "\n"),
                actual,
                "fixture `{case}`: diagnostics differ from {}; run `{FIX}` to update",
                path.display()
            );
        }
    }
}

/// The error the generator gives for `fixtures/snapshots/<file>`.
#[track_caller]
fn error_of(file: &str) -> String {
    let path = fixtures().join(file);
    let label = format!("fixtures/snapshots/{file}");
    match sdkgen::generate_from_path(&path, &options("error", label)) {
        Ok(_) => panic!("`{file}`: generation succeeded, expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn petstore_min() {
    check("petstore_min");
}

#[test]
fn openapi31() {
    check("openapi31");
}

#[test]
fn enums() {
    check("enums");
}

#[test]
fn examples() {
    check("examples");
}

#[test]
fn ids() {
    check("ids");
}

#[test]
fn formats() {
    check("formats");
}

#[test]
fn unions() {
    check("unions");
}

#[test]
fn objects() {
    check("objects");
}

#[test]
fn names() {
    check("names");
}

#[test]
fn naming() {
    check("naming");
}

#[test]
fn docs() {
    check("docs");
}

#[test]
fn params() {
    check("params");
}

#[test]
fn bodies() {
    check("bodies");
}

#[test]
fn responses() {
    check("responses");
}

#[test]
fn security() {
    check("security");
}

#[test]
fn webhooks31() {
    check("webhooks31");
}

#[test]
fn callbacks() {
    check("callbacks");
}

/// Resource modules and fields named after Rust keywords; `self` beside `Self`.
#[test]
fn keywords() {
    check("keywords");
}

/// Percent-encoded fragments, refs into paths and into other schemas, callbacks by reference,
/// extensions in maps of named objects and in external files, repaired values.
#[test]
fn refs() {
    check("refs");
}

#[test]
fn pagination() {
    check("pagination");
}

#[test]
fn multipart() {
    check("multipart");
}

#[test]
fn swagger2() {
    let err = error_of("swagger2/openapi.json");
    assert!(
        err.contains("swagger2/openapi.json"),
        "names the file: {err}"
    );
    assert!(err.contains("Swagger 2.0 is not supported"), "{err}");
    assert!(
        err.contains("convert it to OpenAPI 3"),
        "says what to do: {err}"
    );
}

#[test]
fn malformed_responses_string() {
    let err = error_of("malformed/responses_string.json");
    assert!(
        err.starts_with("invalid OpenAPI document at #/paths"),
        "{err}"
    );
    assert!(
        err.contains("expected struct Responses"),
        "says what is wrong: {err}"
    );
}

/// The pointer should lead to the offending value, not stop at `#/paths`: `openapiv3` reads the
/// path map with `#[serde(flatten)]`, which hides the path below it from `serde_path_to_error`.
#[test]
fn malformed_responses_string_full_pointer() {
    let err = error_of("malformed/responses_string.json");
    assert!(
        err.contains("#/paths/~1x/get/responses"),
        "names the JSON pointer: {err}"
    );
}

#[test]
fn malformed_dangling_ref() {
    let err = error_of("malformed/dangling_ref.json");
    assert_eq!(
        err,
        "unresolved reference `#/components/schemas/Missing` at \
         #/paths/~1x/get/responses/200/content/application~1json/schema"
    );
}
