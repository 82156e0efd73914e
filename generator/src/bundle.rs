//! Bundles a spec split over several files into one document: external `$ref`s (`other.yaml`,
//! `models/pet.yaml#/Pet`) are resolved relative to the file that holds them. Schemas are hoisted
//! into `#/components/schemas` under a name taken from the reference (so that a model keeps one
//! name however often it is used); everything else (path items, responses, parameters, headers,
//! text) is inlined.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{Error, Result, escape_pointer};
use crate::ident::Namespace;

/// Resolves every external reference of `root`, which was read from `path`.
pub fn bundle(root: Value, path: &Path) -> Result<Value> {
    if !has_external_ref(&root, false) {
        return Ok(root);
    }
    let root_path = normalize_path(path);
    let mut bundler = Bundler {
        root_path: root_path.clone(),
        files: HashMap::new(),
        hoisted: BTreeMap::new(),
        names: Namespace::default(),
        schemas: Vec::new(),
        emitted: HashSet::new(),
        inlining: Vec::new(),
    };
    let mut root = root;
    if let Some(Value::Object(schemas)) = root.get("components").and_then(|c| c.get("schemas")) {
        for name in schemas.keys() {
            bundler.names.claim(name);
        }
    }
    // Component schemas that are a bare external reference take the component's own name.
    if let Some(Value::Object(schemas)) = root
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
    {
        for (name, schema) in schemas.iter_mut() {
            if let Some(reference) = bare_ref(schema).filter(|r| !r.starts_with('#')) {
                let target = bundler.target(&reference, &root_path, "#/components/schemas")?;
                bundler.hoisted.insert(target, name.clone());
            }
        }
    }
    bundler.rewrite(&mut root, &root_path, false, false, "#")?;
    if !bundler.schemas.is_empty() {
        let components = root
            .as_object_mut()
            .expect("an OpenAPI document is an object")
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        let schemas = components
            .as_object_mut()
            .ok_or_else(|| Error::Structure {
                pointer: "#/components".into(),
                message: "expected an object".into(),
            })?
            .entry("schemas")
            .or_insert_with(|| Value::Object(Map::new()));
        let schemas = schemas.as_object_mut().ok_or_else(|| Error::Structure {
            pointer: "#/components/schemas".into(),
            message: "expected an object".into(),
        })?;
        for (name, schema) in std::mem::take(&mut bundler.schemas) {
            schemas.insert(name, schema);
        }
    }
    Ok(root)
}

type Target = (PathBuf, String);

struct Bundler {
    root_path: PathBuf,
    files: HashMap<PathBuf, Value>,
    /// External schema → its name under `#/components/schemas`.
    hoisted: BTreeMap<Target, String>,
    names: Namespace,
    schemas: Vec<(String, Value)>,
    /// Names whose content has been (or is being) pulled in.
    emitted: HashSet<String>,
    /// Non-schema references being inlined, to report cycles instead of looping.
    inlining: Vec<Target>,
}

impl Bundler {
    /// Splits a reference into (absolute file, fragment pointer).
    fn target(&self, reference: &str, current: &Path, at: &str) -> Result<Target> {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        // A relative URI reference: `my%20models.yaml` names `my models.yaml`.
        let decoded = crate::pointer::percent_decode(file);
        let file = decoded.as_deref().unwrap_or(file);
        let file_path = if file.is_empty() {
            current.to_owned()
        } else if file.starts_with("http://") || file.starts_with("https://") {
            return Err(Error::Reference {
                reference: reference.to_owned(),
                pointer: at.to_owned(),
            });
        } else {
            normalize_path(&current.parent().unwrap_or(Path::new(".")).join(file))
        };
        Ok((file_path, fragment.to_owned()))
    }

    fn load(&mut self, file: &Path) -> Result<&Value> {
        if !self.files.contains_key(file) {
            let text = std::fs::read_to_string(file).map_err(|source| Error::Read {
                path: file.to_owned(),
                source,
            })?;
            let value = crate::load::parse_text(&text, &file.display().to_string())?;
            self.files.insert(file.to_owned(), value);
        }
        Ok(&self.files[file])
    }

    fn resolve(&mut self, target: &Target, reference: &str, at: &str) -> Result<Value> {
        let doc = self.load(&target.0)?;
        let found = if target.1.is_empty() {
            Some(doc)
        } else {
            crate::pointer::lookup(doc, &target.1)
        };
        found.cloned().ok_or_else(|| Error::Reference {
            reference: reference.to_owned(),
            pointer: at.to_owned(),
        })
    }

    /// Rewrites references inside `value`, which lives in `file`. `in_schema` says whether `value`
    /// sits in a schema position, `names` whether its keys are names rather than fields.
    fn rewrite(
        &mut self,
        value: &mut Value,
        file: &Path,
        in_schema: bool,
        names: bool,
        at: &str,
    ) -> Result<()> {
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str).map(str::to_owned)
                {
                    return self.rewrite_ref(value, &reference, file, in_schema, at);
                }
                if in_schema {
                    self.rewrite_mapping(map, file, at)?;
                }
                self.rewrite_fields(map, file, in_schema, names, at)
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.rewrite(item, file, in_schema, false, &format!("{at}/{i}"))?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Rewrites the object `value` holding `$ref: reference`: a reference into the root document
    /// becomes local, a schema is hoisted, anything else is inlined (its own references rewritten).
    fn rewrite_ref(
        &mut self,
        value: &mut Value,
        reference: &str,
        file: &Path,
        in_schema: bool,
        at: &str,
    ) -> Result<()> {
        let target = self.target(reference, file, at)?;
        let local = if target.0 == self.root_path {
            Some(format!("#{}", target.1))
        } else if in_schema || self.hoisted.contains_key(&target) {
            let name = self.hoist(&target, reference, at)?;
            Some(format!("#/components/schemas/{}", escape_pointer(&name)))
        } else {
            None
        };
        if let Some(local) = local {
            if let Value::Object(map) = value {
                map.insert("$ref".into(), Value::String(local));
            }
            return Ok(());
        }
        if self.inlining.contains(&target) {
            return Err(Error::Structure {
                pointer: at.to_owned(),
                message: format!("reference cycle through `{reference}` outside a schema"),
            });
        }
        let mut inlined = self.resolve(&target, reference, at)?;
        self.inlining.push(target.clone());
        let result = self.rewrite(&mut inlined, &target.0, false, false, at);
        self.inlining.pop();
        result?;
        *value = inlined;
        Ok(())
    }

    /// A discriminator's `mapping` holds references as plain strings: they follow the schemas they
    /// name into `#/components/schemas`.
    fn rewrite_mapping(
        &mut self,
        map: &mut Map<String, Value>,
        file: &Path,
        at: &str,
    ) -> Result<()> {
        let mapping = map
            .get_mut("discriminator")
            .and_then(|d| d.get_mut("mapping"))
            .and_then(Value::as_object_mut);
        let Some(mapping) = mapping else {
            return Ok(());
        };
        for target in mapping.values_mut() {
            let Some(reference) = target.as_str().map(str::to_owned) else {
                continue;
            };
            let is_local_name = !reference.contains('#') && !reference.contains('.');
            if is_local_name || (reference.starts_with('#') && file == self.root_path) {
                continue;
            }
            let resolved = self.target(&reference, file, at)?;
            let name = if resolved.0 == self.root_path {
                format!("#{}", resolved.1)
            } else {
                format!(
                    "#/components/schemas/{}",
                    escape_pointer(&self.hoist(&resolved, &reference, at)?)
                )
            };
            *target = Value::String(name);
        }
        Ok(())
    }

    /// Rewrites the values of an object's fields (extensions and data such as examples skipped).
    fn rewrite_fields(
        &mut self,
        map: &mut Map<String, Value>,
        file: &Path,
        in_schema: bool,
        names: bool,
        at: &str,
    ) -> Result<()> {
        for (key, child) in map.iter_mut() {
            if is_extension(key, names) {
                continue;
            }
            let child_at = format!("{at}/{}", escape_pointer(key));
            let child_in_schema = match key.as_str() {
                "example" | "examples" | "enum" | "const" => continue,
                // A schema's default value; `responses/default` is a response.
                "default" if in_schema => continue,
                "schema" | "schemas" => true,
                _ => in_schema,
            };
            // `properties: {$ref: …}` refers to a map of properties, not to a schema: pull the
            // map in, then treat its entries as schemas.
            if in_schema && matches!(key.as_str(), "properties" | "patternProperties") {
                if let Some(reference) = bare_ref(child).filter(|r| !r.starts_with('#')) {
                    let target = self.target(&reference, file, &child_at)?;
                    let mut inlined = self.resolve(&target, &reference, &child_at)?;
                    self.rewrite(&mut inlined, &target.0, true, true, &child_at)?;
                    *child = inlined;
                    continue;
                }
            }
            self.rewrite(child, file, child_in_schema, holds_names(key), &child_at)?;
        }
        Ok(())
    }

    fn hoist(&mut self, target: &Target, reference: &str, at: &str) -> Result<String> {
        let name = match self.hoisted.get(target) {
            Some(name) => name.clone(),
            None => {
                let wanted = target
                    .1
                    .rsplit('/')
                    .find(|s| !s.is_empty())
                    .map(str::to_owned)
                    .unwrap_or_else(|| file_stem(&target.0));
                let name = self.names.claim(&wanted);
                self.hoisted.insert(target.clone(), name.clone());
                name
            }
        };
        if !self.emitted.insert(name.clone()) {
            return Ok(name);
        }
        let mut schema = self.resolve(target, reference, at)?;
        let target_file = target.0.clone();
        self.rewrite(
            &mut schema,
            &target_file,
            true,
            false,
            &format!("#/components/schemas/{}", escape_pointer(&name)),
        )?;
        self.schemas.push((name.clone(), schema));
        Ok(name)
    }
}

fn bare_ref(value: &Value) -> Option<String> {
    let map = value.as_object()?;
    (map.len() == 1)
        .then(|| map.get("$ref")?.as_str().map(str::to_owned))
        .flatten()
}

fn has_external_ref(value: &Value, names: bool) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(k, v)| {
            if is_extension(k, names) {
                return false;
            }
            (k == "$ref" && v.as_str().is_some_and(|r| !r.starts_with('#')))
                || has_external_ref(v, holds_names(k))
        }),
        Value::Array(items) => items.iter().any(|v| has_external_ref(v, false)),
        _ => false,
    }
}

/// Whether the keys of the map under `key` are names (of properties, schemas, headers), which may
/// start with `x-` without being extensions.
fn holds_names(key: &str) -> bool {
    matches!(
        key,
        "properties"
            | "patternProperties"
            | "definitions"
            | "$defs"
            | "dependentSchemas"
            | "headers"
            | "schemas"
    )
}

/// An extension's value is never generated, so references inside it are not followed (a
/// `$ref` to documentation that is not there must not stop the load). `x-webhooks`, the 3.0
/// spelling of `webhooks`, is the one extension the generator reads.
fn is_extension(key: &str, names: bool) -> bool {
    !names && key.starts_with("x-") && key != "x-webhooks"
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Schema".to_owned())
}

/// Resolves `.` and `..` without touching the file system.
fn normalize_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
