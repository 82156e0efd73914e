//! Rewrites an OpenAPI 3.1 document (JSON Schema 2020-12 flavoured) into the 3.0 shapes that
//! `openapiv3` reads, without losing meaning the generator uses:
//!
//! - `type: [T, "null"]` → `type: T, nullable: true`; several non-null types → `anyOf` of each;
//! - `anyOf`/`oneOf` with a `{type: "null"}` branch → the other branches, `nullable: true`;
//! - `const: v` → `enum: [v]` (with the type inferred from the value);
//! - `examples: [..]` in a schema → `example`;
//! - numeric `exclusiveMinimum`/`exclusiveMaximum` → `minimum`/`maximum` plus the 3.0 boolean;
//! - `$ref` with sibling keywords → `allOf: [{$ref}]` plus the siblings;
//! - boolean schemas → `{}` (true) or `{not: {}}` (false).
//!
//! 3.0 documents pass through unchanged apart from the `$ref` siblings rule, which 3.0 specs use too.

use serde_json::{Map, Value, json};

/// Normalises the whole document in place.
pub fn normalize(doc: &mut Value) {
    if let Some(root) = doc.as_object_mut() {
        if root
            .get("openapi")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("3.1"))
        {
            root.insert("openapi".into(), Value::String("3.0.3".into()));
        }
        root.entry("paths").or_insert_with(|| json!({}));
        if let Some(Value::Object(schemas)) = root
            .get_mut("components")
            .and_then(|c| c.get_mut("schemas"))
        {
            for (name, schema) in schemas.iter_mut() {
                let own = format!(
                    "#/components/schemas/{}",
                    crate::error::escape_pointer(name)
                );
                resolve_recursive_refs(schema, &own);
                normalize_schema(schema);
            }
        }
    }
    walk(doc);
}

/// Finds schema positions outside `components/schemas` (parameters, media types, headers).
fn walk(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match key.as_str() {
                    "schema" => normalize_schema(child),
                    "schemas" | "example" | "examples" => {}
                    _ => walk(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(walk),
        _ => {}
    }
}

const NULL_MARK: &str = "x-sdkgen-null";

/// `$recursiveRef: "#"` and `$dynamicRef: "#…"` (JSON Schema 2019/2020, in OpenAI's spec) name the
/// schema they sit in: inside a component, that component.
fn resolve_recursive_refs(schema: &mut Value, own: &str) {
    match schema {
        Value::Object(map) => {
            for key in ["$recursiveRef", "$dynamicRef"] {
                if map
                    .get(key)
                    .and_then(Value::as_str)
                    .is_some_and(|r| r.starts_with('#'))
                {
                    map.remove(key);
                    map.insert("$ref".into(), Value::String(own.to_owned()));
                }
            }
            for (key, child) in map.iter_mut() {
                if !matches!(
                    key.as_str(),
                    "example" | "examples" | "default" | "enum" | "const"
                ) {
                    resolve_recursive_refs(child, own);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|i| resolve_recursive_refs(i, own)),
        _ => {}
    }
}

/// Normalises one schema and everything nested in it.
pub fn normalize_schema(schema: &mut Value) {
    match schema {
        Value::Bool(true) => *schema = json!({}),
        Value::Bool(false) => *schema = json!({"not": {}}),
        Value::Object(_) => {}
        _ => return,
    }
    let Value::Object(map) = schema else { return };
    if fold_ref_siblings(map) {
        return;
    }
    // Children first, so that nested null branches are already rewritten.
    normalize_children(map);
    keep_first_tuple_item(map);
    fold_type_array(map);
    drop_null_branches(map);
    fold_const(map);
    fold_examples(map);
    fold_exclusive_bounds(map);
    drop_null_enum_values(map);
    // openapiv3 wants `items` on arrays.
    if map.get("type").is_some_and(|t| t == "array") && !map.contains_key("items") {
        map.insert("items".into(), json!({}));
    }
}

/// `$ref` with siblings: 3.0 ignores siblings, 3.1 applies them. Keeps them by composition
/// (`allOf: [{$ref}]` beside them), or drops them when they only document. Returns whether the
/// schema is a plain reference, with nothing left to normalise.
fn fold_ref_siblings(map: &mut Map<String, Value>) -> bool {
    if map.contains_key("$ref") && map.len() > 1 {
        let reference = map.remove("$ref").expect("checked above");
        // Extensions beside a `$ref` change nothing the generator reads.
        let only_docs = map.keys().all(|key| {
            matches!(key.as_str(), "description" | "summary" | "title") || key.starts_with("x-")
        });
        if only_docs {
            // Descriptions beside a `$ref` are common (3.1 allows them); keep the reference plain.
            map.clear();
            map.insert("$ref".into(), reference);
            return true;
        }
        let mut inner = Map::new();
        inner.insert("$ref".into(), reference);
        map.insert("allOf".into(), Value::Array(vec![Value::Object(inner)]));
    }
    map.contains_key("$ref")
}

/// Normalises the schemas nested in a schema's keywords.
fn normalize_children(map: &mut Map<String, Value>) {
    for key in [
        "items",
        "additionalProperties",
        "not",
        "contains",
        "propertyNames",
    ] {
        // `additionalProperties: false` stays a boolean (openapiv3 reads it as such).
        if let Some(child) = map
            .get_mut(key)
            .filter(|c| key != "additionalProperties" || !c.is_boolean())
        {
            normalize_schema(child);
        }
    }
    for key in ["properties", "patternProperties", "$defs", "definitions"] {
        if let Some(Value::Object(children)) = map.get_mut(key) {
            children.values_mut().for_each(normalize_schema);
        }
    }
    for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
        if let Some(Value::Array(children)) = map.get_mut(key) {
            children.iter_mut().for_each(normalize_schema);
        }
    }
}

/// Draft-4 style tuple `items`: keeps the first schema, which is what 3.0 can say.
fn keep_first_tuple_item(map: &mut Map<String, Value>) {
    if let Some(Value::Array(items)) = map.get("items") {
        let first = items.first().cloned().unwrap_or_else(|| json!({}));
        map.insert("items".into(), first);
    }
}

/// `type: [T, "null"]` → `type: T, nullable: true`; several types → an `anyOf` of each;
/// `type: "null"` → a nullable schema marked as the null type.
fn fold_type_array(map: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = map.get("type") {
        let nullable = types.iter().any(|t| t == "null");
        let others: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        map.remove("type");
        if nullable {
            map.insert("nullable".into(), Value::Bool(true));
        }
        match others.len() {
            0 if nullable => {
                map.insert(NULL_MARK.into(), Value::Bool(true));
            }
            0 => {}
            1 => {
                map.insert("type".into(), others[0].clone());
            }
            _ => {
                let branches = others.into_iter().map(|t| type_branch(map, t)).collect();
                retain_generic(map);
                map.insert("anyOf".into(), Value::Array(branches));
            }
        }
    } else if map.get("type").is_some_and(|t| t == "null") {
        map.remove("type");
        map.insert("nullable".into(), Value::Bool(true));
        map.insert(NULL_MARK.into(), Value::Bool(true));
    }
}

/// Null branches of `anyOf`/`oneOf` are removed; the schema becomes nullable instead.
fn drop_null_branches(map: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = map.get_mut(key) {
            let before = branches.len();
            branches.retain(|b| !is_null_schema(b));
            if branches.len() != before {
                map.insert("nullable".into(), Value::Bool(true));
            }
        }
    }
}

/// `const: v` → `enum: [v]`, marked, with the type inferred from the value when none is given.
fn fold_const(map: &mut Map<String, Value>) {
    let Some(value) = map.remove("const") else {
        return;
    };
    if !map.contains_key("type") {
        let inferred = match &value {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            _ => None,
        };
        if let Some(t) = inferred {
            map.insert("type".into(), Value::String(t.into()));
        }
    }
    map.insert("enum".into(), Value::Array(vec![value]));
    map.insert("x-sdkgen-const".into(), Value::Bool(true));
}

/// An `examples` array → `example` (its first value), unless the schema has an `example`.
fn fold_examples(map: &mut Map<String, Value>) {
    if let Some(Value::Array(examples)) = map.get("examples") {
        let first = examples.first().cloned();
        map.remove("examples");
        if let Some(first) = first {
            map.entry("example").or_insert(first);
        }
    }
}

/// Numeric `exclusiveMinimum`/`exclusiveMaximum` → `minimum`/`maximum` plus the 3.0 boolean.
fn fold_exclusive_bounds(map: &mut Map<String, Value>) {
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Number(n)) = map.get(exclusive) {
            let n = n.clone();
            map.insert(bound.into(), Value::Number(n));
            map.insert(exclusive.into(), Value::Bool(true));
        }
    }
}

/// A `nullable` enum in 3.0 may list `null` among its values; the null is not a variant.
fn drop_null_enum_values(map: &mut Map<String, Value>) {
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        let before = values.len();
        values.retain(|v| !v.is_null());
        if values.len() != before {
            map.insert("nullable".into(), Value::Bool(true));
        }
    }
}

/// The branch of a multi-type schema for one type: the type plus the keywords that apply to it.
fn type_branch(map: &Map<String, Value>, ty: Value) -> Value {
    const FOR_TYPE: &[(&str, &[&str])] = &[
        (
            "string",
            &["format", "pattern", "minLength", "maxLength", "enum"],
        ),
        (
            "integer",
            &[
                "format",
                "minimum",
                "maximum",
                "exclusiveMinimum",
                "exclusiveMaximum",
                "multipleOf",
                "enum",
            ],
        ),
        (
            "number",
            &[
                "format",
                "minimum",
                "maximum",
                "exclusiveMinimum",
                "exclusiveMaximum",
                "multipleOf",
                "enum",
            ],
        ),
        ("array", &["items", "minItems", "maxItems", "uniqueItems"]),
        (
            "object",
            &[
                "properties",
                "required",
                "additionalProperties",
                "minProperties",
                "maxProperties",
            ],
        ),
    ];
    let mut branch = Map::new();
    if let Some((_, keys)) = FOR_TYPE.iter().find(|(t, _)| ty == *t) {
        for key in *keys {
            if let Some(v) = map.get(*key) {
                branch.insert((*key).into(), v.clone());
            }
        }
    }
    branch.insert("type".into(), ty);
    Value::Object(branch)
}

/// Drops the type-specific keywords from a schema that became an `anyOf` of its types.
fn retain_generic(map: &mut Map<String, Value>) {
    map.retain(|k, _| {
        matches!(
            k.as_str(),
            "description"
                | "title"
                | "nullable"
                | "default"
                | "example"
                | "readOnly"
                | "writeOnly"
                | "deprecated"
        ) || k.starts_with("x-")
    });
}

fn is_null_schema(schema: &Value) -> bool {
    match schema {
        Value::Object(m) => {
            m.get("type").is_some_and(|t| t == "null")
                || m.get(NULL_MARK).is_some_and(|v| v == true)
                || m.get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.len() == 1 && e[0].is_null())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(v: Value) -> Value {
        let mut v = v;
        normalize_schema(&mut v);
        v
    }

    #[test]
    fn type_arrays_become_nullable() {
        assert_eq!(
            norm(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        let multi =
            norm(json!({"type": ["string", "integer"], "format": "int64", "description": "d"}));
        assert_eq!(
            multi,
            json!({"description": "d", "anyOf": [{"format": "int64", "type": "string"}, {"format": "int64", "type": "integer"}]})
        );
    }

    #[test]
    fn null_branches_are_removed() {
        let v = norm(json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}));
        assert_eq!(
            v,
            json!({"anyOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
        );
    }

    #[test]
    fn const_examples_and_bounds() {
        assert_eq!(
            norm(json!({"const": "a"})),
            json!({"type": "string", "enum": ["a"], "x-sdkgen-const": true})
        );
        assert_eq!(
            norm(json!({"type": "integer", "examples": [1, 2]})),
            json!({"type": "integer", "example": 1})
        );
        assert_eq!(
            norm(json!({"type": "number", "exclusiveMinimum": 0})),
            json!({"type": "number", "exclusiveMinimum": true, "minimum": 0})
        );
    }

    #[test]
    fn ref_siblings() {
        assert_eq!(
            norm(json!({"$ref": "#/x", "description": "d"})),
            json!({"$ref": "#/x"})
        );
        assert_eq!(
            norm(json!({"$ref": "#/x", "nullable": true})),
            json!({"nullable": true, "allOf": [{"$ref": "#/x"}]})
        );
    }
}

#[cfg(test)]
mod recursive_ref_tests {
    use super::*;

    #[test]
    fn recursive_refs_name_their_component() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "components": {"schemas": {"Filter": {"type": "object", "properties": {
                "filters": {"type": "array", "items": {"oneOf": [{"type": "string"}, {"$recursiveRef": "#"}]}}
            }}}}
        });
        normalize(&mut doc);
        assert_eq!(
            doc.pointer("/components/schemas/Filter/properties/filters/items/oneOf/1")
                .unwrap(),
            &json!({"$ref": "#/components/schemas/Filter"})
        );
    }
}
