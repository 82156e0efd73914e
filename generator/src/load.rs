//! Reading a spec: bytes → JSON value (JSON or YAML, sniffed from the content), version check,
//! external `$ref` bundling, 3.1 → 3.0 normalisation, then the typed `openapiv3` document.

use std::path::Path;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result, pointer_from_serde_path};

/// A loaded spec: the typed document plus the raw (normalised) JSON for what `openapiv3` does not
/// model (3.1 `webhooks`, vendor extensions in odd places).
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The normalised document, references of path items, parameters, bodies and responses
    /// resolved: what lowering reads.
    pub document: crate::document::Document,
    /// The `openapi` version the source declared (`3.0.3`, `3.1.0`, …).
    pub source_version: String,
    /// What reading had to repair (values of the wrong JSON type), one per node.
    pub diagnostics: Vec<crate::ir::Diagnostic>,
}

/// Reads and loads a spec file. External `$ref`s are resolved relative to it.
pub fn load_path(path: &Path) -> Result<LoadedSpec> {
    load_path_timed(path).map(|(spec, _)| spec)
}

/// How long each step of loading a spec took.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadTimings {
    /// Reading the file.
    pub read: Duration,
    /// Parsing the text into a JSON value.
    pub parse: Duration,
    /// Bundling external references.
    pub bundle: Duration,
    /// Resolving local references (hoisting, inlining).
    pub resolve: Duration,
    /// Normalising 3.1 shapes into 3.0 ones.
    pub normalize: Duration,
    /// Reading the typed document (with repairs, if needed) and resolving what lowering reads.
    pub typed: Duration,
}

/// Like [`load_path`], also timing each step.
pub fn load_path_timed(path: &Path) -> Result<(LoadedSpec, LoadTimings)> {
    let mut timings = LoadTimings::default();
    let started = Instant::now();
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    timings.read = started.elapsed();
    let origin = path.display().to_string();
    let started = Instant::now();
    let value = parse_text(&text, &origin)?;
    drop(text);
    timings.parse = started.elapsed();
    let started = Instant::now();
    let value = crate::bundle::bundle(value, path)?;
    timings.bundle = started.elapsed();
    let spec = from_value_timed(value, &origin, &mut timings)?;
    Ok((spec, timings))
}

/// Loads a spec from text (JSON or YAML); `origin` names it in messages. External `$ref`s are not
/// allowed here, since there is no file to resolve them against.
pub fn load_str(text: &str, origin: &str) -> Result<LoadedSpec> {
    let value = parse_text(text, origin)?;
    from_value(value, origin)
}

/// Parses JSON or YAML text into a JSON value.
pub fn parse_text(text: &str, origin: &str) -> Result<Value> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        serde_json::from_str(trimmed).map_err(|e| Error::Syntax {
            origin: origin.to_owned(),
            message: e.to_string(),
        })
    } else {
        let yaml: YamlJson = serde_yaml_ng::from_str(trimmed).map_err(|e| Error::Syntax {
            origin: origin.to_owned(),
            message: e.to_string(),
        })?;
        Ok(yaml.0)
    }
}

/// openapiv3 reads maps through `#[serde(flatten)]` and untagged enums, which hide where below
/// them an error is. Reading the parts of each operation on their own finds the full pointer.
fn refine_path_error(doc: &Value) -> Option<Error> {
    use openapiv3::{Operation, Parameter, ReferenceOr, RequestBody, Response};
    let esc = crate::error::escape_pointer;
    let paths = doc.get("paths")?.as_object()?;
    for (path, item) in paths {
        let at = format!("#/paths/{}", esc(path));
        let Some(item) = item.as_object() else {
            return Some(structure(at, "expected a path item object".to_owned()));
        };
        for (method, op) in item {
            let op_at = format!("{at}/{}", esc(method));
            let known = [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ];
            if !known.contains(&method.as_str()) || probe::<Operation>(op, &op_at).is_none() {
                continue;
            }
            // The operation does not read: find the part that does not.
            match op.get("responses") {
                Some(Value::Object(responses)) => {
                    for (status, response) in responses {
                        let r_at = format!("{op_at}/responses/{}", esc(status));
                        if let Some(e) = probe::<ReferenceOr<Response>>(response, &r_at) {
                            return Some(e);
                        }
                    }
                }
                Some(other) => {
                    let r_at = format!("{op_at}/responses");
                    return probe::<openapiv3::Responses>(other, &r_at).or_else(|| {
                        Some(structure(
                            r_at,
                            "expected a map of status codes to responses".to_owned(),
                        ))
                    });
                }
                None => return Some(structure(op_at, "missing field `responses`".to_owned())),
            }
            if let Some(Value::Array(params)) = op.get("parameters") {
                for (i, param) in params.iter().enumerate() {
                    if let Some(e) =
                        probe::<ReferenceOr<Parameter>>(param, &format!("{op_at}/parameters/{i}"))
                    {
                        return Some(e);
                    }
                }
            }
            if let Some(body) = op.get("requestBody") {
                if let Some(e) =
                    probe::<ReferenceOr<RequestBody>>(body, &format!("{op_at}/requestBody"))
                {
                    return Some(e);
                }
            }
            return probe::<Operation>(op, &op_at);
        }
    }
    None
}

fn structure(pointer: String, message: String) -> Error {
    Error::Structure { pointer, message }
}

/// Reads `value` as `T`; on failure, the error with `at` plus the path serde saw below it.
fn probe<T: serde::de::DeserializeOwned>(value: &Value, at: &str) -> Option<Error> {
    let e = serde_path_to_error::deserialize::<_, T>(value).err()?;
    let below = pointer_from_serde_path(e.path());
    let below = below.strip_prefix('#').unwrap_or(&below).to_owned();
    Some(structure(
        format!("{at}{below}"),
        e.into_inner().to_string(),
    ))
}

/// YAML read straight into JSON the way a spec author means it: non-string keys (`200:`) become
/// strings, integers beyond 64 bits become floats, tags are dropped.
struct YamlJson(Value);

impl<'de> serde::Deserialize<'de> for YamlJson {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(YamlVisitor).map(YamlJson)
    }
}

struct YamlVisitor;

impl<'de> serde::de::Visitor<'de> for YamlVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> std::result::Result<Value, E> {
        Ok(float(v as f64))
    }
    fn visit_u128<E>(self, v: u128) -> std::result::Result<Value, E> {
        Ok(float(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(YamlJson(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some((YamlJson(key), YamlJson(value))) = map.next_entry()? {
            let key = match key {
                Value::String(s) => s,
                other => other.to_string(),
            };
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(
        self,
        data: A,
    ) -> std::result::Result<Value, A::Error> {
        // A tagged YAML value (`!tag value`): keep the value, drop the tag.
        use serde::de::VariantAccess;
        let (_tag, variant): (YamlJson, _) = data.variant()?;
        variant.newtype_variant::<YamlJson>().map(|v| v.0)
    }
}

fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// Checks the version, normalises and converts a JSON value into the typed document.
pub fn from_value(value: Value, origin: &str) -> Result<LoadedSpec> {
    from_value_timed(value, origin, &mut LoadTimings::default())
}

fn from_value_timed(
    mut value: Value,
    origin: &str,
    timings: &mut LoadTimings,
) -> Result<LoadedSpec> {
    let source_version = source_version(&value, origin)?;
    let started = Instant::now();
    crate::resolve::resolve(&mut value)?;
    timings.resolve = started.elapsed();
    let started = Instant::now();
    crate::normalize::normalize(&mut value);
    timings.normalize = started.elapsed();
    let started = Instant::now();
    let (document, diagnostics) = read_document(&mut value)?;
    let document = crate::document::Document::new(document, value)?;
    timings.typed = started.elapsed();
    Ok(LoadedSpec {
        document,
        source_version,
        diagnostics,
    })
}

/// The `openapi` version a document declares, when it is one this generator reads.
fn source_version(value: &Value, origin: &str) -> Result<String> {
    let version_error = |message: String| Error::Version {
        origin: origin.to_owned(),
        message,
    };
    let Some(root) = value.as_object() else {
        return Err(version_error(
            "the document is not a JSON object".to_owned(),
        ));
    };
    if let Some(swagger) = root.get("swagger") {
        return Err(version_error(format!(
            "Swagger {} is not supported; convert it to OpenAPI 3 first (for example with swagger2openapi)",
            swagger.as_str().unwrap_or("2.0")
        )));
    }
    match root.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") || v.starts_with("3.1") => Ok(v.to_owned()),
        Some(v) => Err(version_error(format!(
            "OpenAPI {v} is not supported; expected 3.0.x or 3.1.x"
        ))),
        None => Err(version_error(
            "no `openapi` version field; is this an OpenAPI document?".to_owned(),
        )),
    }
}

/// Reads the typed document as it is, or `None` when it does not read. The components (most of a
/// large document's schemas) are read on a thread of their own beside the rest; `value` is left as
/// it was.
fn read_plain(value: &mut Value) -> Option<openapiv3::OpenAPI> {
    let components = match value.get_mut("components") {
        Some(components) if components.is_object() => std::mem::take(components),
        _ => return openapiv3::OpenAPI::deserialize(&*value).ok(),
    };
    // The taken components left `null` in their place, which reads as no components.
    let (document, read_components) = std::thread::scope(|scope| {
        let read_components = scope.spawn(|| openapiv3::Components::deserialize(&components).ok());
        let document = openapiv3::OpenAPI::deserialize(&*value).ok();
        let read_components = read_components
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (document, read_components)
    });
    value["components"] = components;
    let mut document = document?;
    document.components = Some(read_components?);
    Some(document)
}

/// Reads the typed document from the normalised JSON, repairing values of the wrong type when
/// it does not read as it is; an error names the place that does not read.
fn read_document(value: &mut Value) -> Result<(openapiv3::OpenAPI, Vec<crate::ir::Diagnostic>)> {
    // Read plainly first: tracking the path of every node slows the reading down, and is only
    // needed to say where a document that does not read goes wrong.
    if let Some(document) = read_plain(value) {
        return Ok((document, Vec::new()));
    }
    match serde_path_to_error::deserialize(&*value) {
        Ok(document) => Ok((document, Vec::new())),
        Err(e) => match crate::repair::read_repaired(value) {
            Some(read) => Ok(read),
            None => {
                let pointer = pointer_from_serde_path(e.path());
                Err(refine_path_error(value).unwrap_or(Error::Structure {
                    pointer,
                    message: e.into_inner().to_string(),
                }))
            }
        },
    }
}
