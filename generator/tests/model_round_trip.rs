//! Models decode as they did with `#[derive(Deserialize)]`: a crate is generated from a spec with every
//! field shape (required, optional, nullable, required and nullable, renamed, a JSON value, a boxed
//! recursive field, a list, additional properties, and, in a request model, absent-or-null), and a small
//! program decodes the same inputs into its models and into structs that derive `Deserialize` with the
//! attributes the generator gave models before. Both must accept and reject the same inputs with the same
//! messages, and what they accept must encode to the same JSON. One difference is by design: a model is
//! read from an object only, where the derive also took an array by position.
//!
//! The crates sit in a temporary workspace under `target/tmp/model-round-trip`, run by one
//! `cargo run --offline` with their own target dir (kept between runs), resolved from the repository's
//! `Cargo.lock`.

use std::path::{Path, PathBuf};
use std::process::Command;

use sdkgen::output::{Mode, sync};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn spec() -> serde_json::Value {
    let object = |required: &[&str], properties: serde_json::Value| serde_json::json!({ "type": "object", "required": required, "properties": properties });
    let mut shape = object(
        &["id", "createdBy", "nullableRequired"],
        serde_json::json!({
            "id": { "type": "integer" },
            "createdBy": { "type": "string" },
            "nullableRequired": { "type": "string", "nullable": true },
            "note": { "type": "string" },
            "maybe": { "type": "string", "nullable": true },
            "extra": {},
            "parent": { "$ref": "#/components/schemas/Shape" },
            "tags": { "type": "array", "items": { "type": "string" } }
        }),
    );
    shape["additionalProperties"] = serde_json::json!({ "type": "integer" });
    let patch = object(
        &[],
        serde_json::json!({
            "name": { "type": "string", "nullable": true },
            "size": { "type": "integer" }
        }),
    );
    let body = |name: &str| serde_json::json!({ "application/json": { "schema": { "$ref": format!("#/components/schemas/{name}") } } });
    serde_json::json!({
        "openapi": "3.0.3",
        "info": { "title": "Shapes", "version": "1.0.0" },
        "paths": {
            "/shapes": {
                "get": {
                    "operationId": "getShape",
                    "responses": { "200": { "description": "A shape.", "content": body("Shape") } }
                },
                "patch": {
                    "operationId": "patchShape",
                    "requestBody": { "required": true, "content": body("ShapePatch") },
                    "responses": { "204": { "description": "Patched." } }
                }
            }
        },
        "components": { "schemas": { "Shape": shape, "ShapePatch": patch } }
    })
}

/// The program: the derived structs as models were before, the inputs, and the comparison. It prints one
/// line per input and exits non-zero on the first difference.
const COMPARE: &str = r##"//! Decodes each input into a generated model and into its derived twin, and compares.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Shape {
    id: i64,
    #[serde(rename = "createdBy")]
    created_by: String,
    #[serde(rename = "nullableRequired", default)]
    nullable_required: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    maybe: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    extra: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent: Option<Box<Shape>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tags: Option<Vec<String>>,
    #[serde(flatten)]
    additional_properties: BTreeMap<String, i64>,
}

fn absent_or_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[derive(Serialize, Deserialize)]
struct ShapePatch {
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "absent_or_null")]
    name: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    size: Option<i64>,
}

/// What an input decodes to: its JSON encoding, or the error without its position.
fn decode<T: serde::de::DeserializeOwned + Serialize>(json: &str) -> Result<serde_json::Value, String> {
    match serde_json::from_str::<T>(json) {
        Ok(value) => Ok(serde_json::to_value(&value).unwrap()),
        Err(e) => Err(e.to_string().split(" at line ").next().unwrap().to_owned()),
    }
}

fn main() {
    let shapes = [
        r#"{"id":1,"createdBy":"ann","nullableRequired":"x","note":"n","maybe":"m","extra":[1,{"a":null}],"tags":["a"]}"#,
        r#"{"tags":[],"nullableRequired":null,"createdBy":"ann","id":1}"#,
        r#"{"id":1,"createdBy":"ann"}"#,
        r#"{"id":1,"createdBy":"ann","maybe":null,"note":null,"extra":null,"parent":null,"tags":null}"#,
        r#"{"id":1,"createdBy":"ann","parent":{"id":2,"createdBy":"bob","parent":{"id":3,"createdBy":"cy","x":3}}}"#,
        r#"{"id":1,"cr\u0065atedBy":"ann","z\n":7,"a":1,"a":2}"#,
        r#"{"id":1,"createdBy":"ann","size":"big"}"#,
        r#"{"id":1,"createdBy":"ann","parent":{"id":2}}"#,
        r#"{"createdBy":"ann"}"#,
        r#"{"id":1}"#,
        r#"{"id":null,"createdBy":"ann"}"#,
        r#"{"id":1,"createdBy":"ann","id":2}"#,
        r#"{"id":1,"createdBy":"ann","note":1}"#,
        r#"[1,"ann",null]"#,
        r#""text""#,
        r#"null"#,
    ];
    let patches = [
        r#"{}"#,
        r#"{"name":null}"#,
        r#"{"name":"x","size":2}"#,
        r#"{"size":null,"other":{"deep":[1]}}"#,
        r#"{"name":"x","name":null}"#,
        r#"{"name":1}"#,
        r#"7"#,
    ];
    let mut same = true;
    for json in shapes {
        let before = decode::<Shape>(json);
        let after = decode::<shapes::types::Shape>(json);
        println!("{json}\n  before: {before:?}\n  after:  {after:?}");
        same &= before == after;
    }
    for json in patches {
        let before = decode::<ShapePatch>(json);
        let after = decode::<shapes::types::ShapePatch>(json);
        println!("{json}\n  before: {before:?}\n  after:  {after:?}");
        same &= before == after;
    }
    // The one difference: the derive took an array by position.
    let array = r#"["x",2]"#;
    let before = decode::<ShapePatch>(array);
    let after = decode::<shapes::types::ShapePatch>(array);
    println!("{array}\n  before: {before:?}\n  after:  {after:?}");
    same &= before.is_ok()
        && after == Err("invalid type: sequence, expected struct ShapePatch".to_owned());
    if !same {
        eprintln!("a model decodes differently from its derived twin");
        std::process::exit(1);
    }
}
"##;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn models_decode_as_their_derived_twins() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("model-round-trip");
    let loaded = sdkgen::load::from_value(spec(), "shapes").unwrap();
    let options = sdkgen::Options {
        crate_name: Some("shapes".to_owned()),
        source_label: "the model round-trip test".to_owned(),
        ..Default::default()
    };
    let generated = sdkgen::generate(&loaded, &Default::default(), &options).unwrap();
    sync(&dir.join("shapes"), &generated.files, Mode::Write, "").unwrap();
    write(
        &dir.join("compare/Cargo.toml"),
        "[package]\nname = \"compare\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nshapes = { path = \"../shapes\", features = [\"full-serde\"] }\n\
         serde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\n",
    );
    write(&dir.join("compare/src/main.rs"), COMPARE);
    write(
        &dir.join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"shapes\", \"compare\"]\n",
    );
    if !dir.join("Cargo.lock").exists() {
        let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
        write(&dir.join("Cargo.lock"), &lock);
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["run", "--offline", "--quiet", "-p", "compare"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
