//! Reading the typed document when a few values have the wrong JSON type: `openapiv3` refuses a
//! whole document for one `pattern: 0` or one `type: {…}`. The node that does not read is found
//! (the smallest part of the document that fails on its own), then repaired (a number or boolean
//! where text is expected becomes text) or dropped, and each repair is reported as a diagnostic
//! with its JSON pointer. Keys the generated code is made of (an operation's `responses`, a
//! parameter's `name`, a schema's `properties`, …) are never dropped: a document whose structure is
//! not OpenAPI stays an error naming the place.

use openapiv3::ReferenceOr;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::escape_pointer;
use crate::ir::{Diagnostic, DiagnosticKind};
use crate::resolve::{Child, Keys, Kind, child};

/// How many rounds of repairs are tried before giving up.
const MAX_ROUNDS: usize = 8;
/// How many trial readings one round may make (bounds the work on hostile input).
const MAX_PROBES: usize = 20_000;

/// A diagnostic saying that the node at `pointer` was repaired or dropped to read the document.
pub fn repair_diagnostic(pointer: &str, message: String) -> Diagnostic {
    Diagnostic {
        kind: DiagnosticKind::Repaired,
        location: pointer.to_owned(),
        message,
    }
}

/// Reads `value` as a document, repairing what stops it from reading. Returns the document and
/// one diagnostic per repair, or `None` (with the repairs undone) when no repair makes it read.
pub fn read_repaired(value: &mut Value) -> Option<(openapiv3::OpenAPI, Vec<Diagnostic>)> {
    let original = value.clone();
    let mut diagnostics = Vec::new();
    for _ in 0..MAX_ROUNDS {
        if let Ok(doc) = serde_json::from_value::<openapiv3::OpenAPI>(value.clone()) {
            return Some((doc, diagnostics));
        }
        let mut probes = MAX_PROBES;
        let mut repairs = Vec::new();
        locate(value, Kind::Document, "", &mut probes, &mut repairs);
        if repairs.is_empty() {
            break;
        }
        for repair in repairs {
            let Some(Value::Object(map)) = value.pointer_mut(&repair.object_at) else {
                continue;
            };
            match &repair.action {
                Action::Replace(new) => {
                    map.insert(repair.key.clone(), new.clone());
                }
                Action::Drop => {
                    map.shift_remove(&repair.key);
                }
            }
            let at = format!("#{}/{}", repair.object_at, escape_pointer(&repair.key));
            let at = crate::resolve::source_pointer(value, &at);
            diagnostics.push(repair_diagnostic(&at, repair.message));
        }
    }
    *value = original;
    None
}

struct Repair {
    object_at: String,
    key: String,
    action: Action,
    message: String,
}

enum Action {
    Replace(Value),
    Drop,
}

fn reads<T: DeserializeOwned>(value: &Value) -> bool {
    T::deserialize(value).is_ok()
}

/// Whether `value` reads as what a `kind` position holds.
fn reads_as(kind: Kind, value: &Value, probes: &mut usize) -> bool {
    use openapiv3 as o;
    *probes = probes.saturating_sub(1);
    match kind {
        Kind::Document => reads::<o::OpenAPI>(value),
        Kind::Info => reads::<o::Info>(value),
        Kind::Server => reads::<o::Server>(value),
        Kind::Tag => reads::<o::Tag>(value),
        Kind::Components => reads::<o::Components>(value),
        Kind::PathItem => reads::<ReferenceOr<o::PathItem>>(value),
        Kind::Operation => reads::<o::Operation>(value),
        Kind::Parameter => reads::<ReferenceOr<o::Parameter>>(value),
        Kind::RequestBody => reads::<ReferenceOr<o::RequestBody>>(value),
        Kind::Response => reads::<ReferenceOr<o::Response>>(value),
        Kind::MediaType => reads::<o::MediaType>(value),
        Kind::Header => reads::<ReferenceOr<o::Header>>(value),
        Kind::Schema => reads::<ReferenceOr<o::Schema>>(value),
        Kind::Callback => reads::<ReferenceOr<o::Callback>>(value),
        Kind::Example => reads::<ReferenceOr<o::Example>>(value),
        Kind::Link => reads::<ReferenceOr<o::Link>>(value),
        Kind::Encoding => reads::<o::Encoding>(value),
        Kind::SecurityScheme => reads::<ReferenceOr<o::SecurityScheme>>(value),
    }
}

/// Keys the generated code is made of: never dropped (a wrong scalar may still become text).
fn protected(kind: Kind, key: &str) -> bool {
    match kind {
        Kind::Document => matches!(
            key,
            "openapi" | "info" | "paths" | "components" | "webhooks"
        ),
        Kind::Components => true,
        Kind::PathItem => !matches!(key, "summary" | "description" | "servers"),
        Kind::Operation => matches!(
            key,
            "responses" | "parameters" | "requestBody" | "callbacks" | "operationId"
        ),
        Kind::Parameter | Kind::Header => {
            matches!(key, "name" | "in" | "schema" | "content" | "$ref")
        }
        Kind::RequestBody => matches!(key, "content" | "$ref"),
        Kind::Response => matches!(key, "content" | "headers" | "$ref"),
        Kind::MediaType => key == "schema",
        Kind::Schema => matches!(
            key,
            "$ref" | "properties" | "items" | "allOf" | "anyOf" | "oneOf" | "additionalProperties"
        ),
        Kind::SecurityScheme => matches!(key, "type" | "in" | "name" | "scheme" | "$ref"),
        Kind::Info => matches!(key, "title"),
        Kind::Callback | Kind::Example | Kind::Link | Kind::Encoding | Kind::Server | Kind::Tag => {
            key == "$ref"
        }
    }
}

/// Finds the smallest nodes below `at` that do not read and how to repair each.
fn locate(value: &Value, kind: Kind, at: &str, probes: &mut usize, out: &mut Vec<Repair>) {
    if *probes == 0 || reads_as(kind, value, probes) {
        return;
    }
    let Value::Object(map) = value else {
        return;
    };
    let before = out.len();
    let mut child_failed = false;
    for (key, child_value) in map {
        let Some(structure) = child(kind, key) else {
            continue;
        };
        let child_at = format!("{at}/{}", escape_pointer(key));
        match structure {
            Child::One(p) => match child_value {
                Value::Array(items) if p.kind == Kind::Schema => {
                    for (i, item) in items.iter().enumerate() {
                        child_failed |=
                            fails(item, p.kind, &format!("{child_at}/{i}"), probes, out);
                    }
                }
                _ => child_failed |= fails(child_value, p.kind, &child_at, probes, out),
            },
            Child::List(p) => {
                if let Value::Array(items) = child_value {
                    for (i, item) in items.iter().enumerate() {
                        child_failed |=
                            fails(item, p.kind, &format!("{child_at}/{i}"), probes, out);
                    }
                }
            }
            Child::Map(p, keys) => {
                if let Value::Object(entries) = child_value {
                    for (name, entry) in entries {
                        if keys == Keys::Extensible && name.starts_with("x-") {
                            continue;
                        }
                        let entry_at = format!("{child_at}/{}", escape_pointer(name));
                        child_failed |= fails(entry, p.kind, &entry_at, probes, out);
                    }
                }
            }
        }
    }
    if kind == Kind::Callback {
        for (expression, item) in map {
            if !expression.starts_with("x-") {
                let item_at = format!("{at}/{}", escape_pointer(expression));
                child_failed |= fails(item, Kind::PathItem, &item_at, probes, out);
            }
        }
    }
    if child_failed || out.len() > before {
        // The parts that fail explain this node; it is read again after their repair.
        return;
    }
    own_repairs(map, kind, at, probes, out);
}

/// Locates below a child; returns whether the child fails to read.
fn fails(value: &Value, kind: Kind, at: &str, probes: &mut usize, out: &mut Vec<Repair>) -> bool {
    if *probes == 0 || reads_as(kind, value, probes) {
        return false;
    }
    locate(value, kind, at, probes, out);
    true
}

/// The node's own fields: the fewest fields that, made text or dropped, let it read.
fn own_repairs(
    map: &Map<String, Value>,
    kind: Kind,
    at: &str,
    probes: &mut usize,
    out: &mut Vec<Repair>,
) {
    let mut work = map.clone();
    let mut changed: Vec<String> = Vec::new();
    let mut read = false;
    for (key, original) in map {
        if *probes == 0 {
            return;
        }
        let fixed = match as_text(original) {
            Some(text) => Some(text),
            None if protected(kind, key) => continue,
            None => None,
        };
        match fixed {
            Some(text) => work.insert(key.clone(), text),
            None => work.shift_remove(key),
        };
        changed.push(key.clone());
        if reads_as(kind, &Value::Object(work.clone()), probes) {
            read = true;
            break;
        }
    }
    if !read {
        // Text did not help: drop what was made text, where dropping is allowed.
        for key in &changed {
            if work.contains_key(key) && !protected(kind, key) {
                work.shift_remove(key);
            }
        }
        if !reads_as(kind, &Value::Object(work.clone()), probes) {
            return;
        }
    }
    // Undo the changes that were not needed.
    for key in changed.clone() {
        let current = work.get(&key).cloned();
        work.insert(key.clone(), map[&key].clone());
        if reads_as(kind, &Value::Object(work.clone()), probes) {
            changed.retain(|k| *k != key);
        } else {
            match current {
                Some(v) => work.insert(key.clone(), v),
                None => work.shift_remove(&key),
            };
        }
    }
    for key in changed {
        let original = &map[&key];
        let (action, message) = match work.get(&key) {
            Some(new) => (
                Action::Replace(new.clone()),
                format!(
                    "repaired: {} where the OpenAPI structure expects text; read as {}",
                    describe(original),
                    describe(new)
                ),
            ),
            None => (
                Action::Drop,
                format!(
                    "dropped: {} of a type the OpenAPI structure does not allow here; ignored",
                    describe(original)
                ),
            ),
        };
        out.push(Repair {
            object_at: at.to_owned(),
            key,
            action,
            message,
        });
    }
}

/// A number or boolean as text; a list of them with each as text; else `None`.
fn as_text(value: &Value) -> Option<Value> {
    match value {
        Value::Number(n) => Some(Value::String(n.to_string())),
        Value::Bool(b) => Some(Value::String(b.to_string())),
        Value::Array(items)
            if items.iter().any(|i| i.is_number() || i.is_boolean())
                && items.iter().all(|i| !i.is_object() && !i.is_array()) =>
        {
            Some(Value::Array(
                items
                    .iter()
                    .map(|i| match i {
                        Value::Number(n) => Value::String(n.to_string()),
                        Value::Bool(b) => Value::String(b.to_string()),
                        other => other.clone(),
                    })
                    .collect(),
            ))
        }
        _ => None,
    }
}

/// A short description of a value for messages: `the integer 0`, `an object`.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("the number `{n}`"),
        Value::Number(n) => format!("the integer `{n}`"),
        Value::String(s) if s.chars().count() <= 40 => format!("the string `{s:?}`"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(items) if items.iter().all(Value::is_string) => "a list of strings".to_owned(),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(schemas: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
               "components": {"schemas": schemas}})
    }

    #[test]
    fn wrong_scalars_become_text_and_wrong_shapes_are_dropped() {
        let mut value = doc(json!({
            "A": {"type": "object", "properties": {
                "t": {"type": "string", "pattern": 0},
                "u": {"type": {"description": "x", "type": "string"}, "description": "kept"}
            }}
        }));
        let (_, diagnostics) = read_repaired(&mut value).expect("repairs");
        let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "[repaired input] #/components/schemas/A/properties/t/pattern: repaired: the integer `0` where the \
                 OpenAPI structure expects text; read as the string `\"0\"`",
                "[repaired input] #/components/schemas/A/properties/u/type: dropped: an object of a type the \
                 OpenAPI structure does not allow here; ignored",
            ]
        );
        assert_eq!(
            value["components"]["schemas"]["A"]["properties"]["u"],
            json!({"description": "kept"})
        );
    }

    #[test]
    fn the_structure_is_not_repaired() {
        let mut value = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {"responses": "none"}}}});
        let before = value.clone();
        assert!(read_repaired(&mut value).is_none());
        assert_eq!(value, before);
    }

    #[test]
    fn versions_given_as_numbers_read_as_text() {
        let mut value =
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": 2}, "paths": {}});
        let (doc, diagnostics) = read_repaired(&mut value).expect("repairs");
        assert_eq!(doc.info.version, "2");
        assert_eq!(diagnostics[0].location, "#/info/version");
    }
}
