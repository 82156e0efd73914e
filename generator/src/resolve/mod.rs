//! Local `$ref`s made readable for the later stages, before the document is typed:
//!
//! - every followed fragment is decoded to one canonical pointer (percent-encoding, RFC 6901);
//! - a schema referred to at any place but `#/components/schemas/<name>` (a property of another
//!   schema, an `allOf` item, a nested `definitions` entry, a schema inside `paths`) is hoisted into
//!   `#/components/schemas` under a name taken from where it was, and its old place refers to it;
//! - callbacks and the path items of callbacks and webhooks, which `openapiv3` and the lowering read
//!   as objects, are inlined when they are references;
//! - extensions (`x-…` keys) in maps of named objects are not entries;
//! - reference chains that never reach a value are an error naming where they start.
//!
//! `$ref`s inside extensions, examples and defaults are data: they are not followed.

use serde_json::{Map, Value};

use crate::error::{Error, Result, escape_pointer};
use crate::pointer;

mod hoist;

use hoist::hoist;

/// The longest reference chain followed before giving up.
const MAX_CHAIN: usize = 64;
/// How deeply objects may nest before the document is refused.
const MAX_DEPTH: usize = 256;
/// How many JSON nodes inlining may add before the document is refused.
const MAX_INLINED_NODES: usize = 2_000_000;

/// Marks a hoisted schema with the place it came from, so that messages can name that place.
pub const HOISTED_FROM: &str = "x-sdkgen-hoisted-from";

/// The place in the source document that `pointer` (into the resolved document) names: inside a
/// hoisted schema, the place the schema came from.
pub fn source_pointer(doc: &Value, pointer: &str) -> String {
    let Some(rest) = pointer.strip_prefix("#/components/schemas/") else {
        return pointer.to_owned();
    };
    let (name, below) = rest.split_once('/').map_or((rest, ""), |(n, b)| (n, b));
    let origin = doc
        .pointer(&format!("/components/schemas/{name}"))
        .and_then(|s| s.get(HOISTED_FROM))
        .and_then(Value::as_str);
    match origin {
        Some(origin) if below.is_empty() => origin.to_owned(),
        Some(origin) => format!("{origin}/{below}"),
        None => pointer.to_owned(),
    }
}

/// Resolves the local references of `doc` as the module documentation says.
pub fn resolve(doc: &mut Value) -> Result<()> {
    inline_required(doc)?;
    let found = scan(doc)?;
    for (map_at, key) in &found.extensions {
        if let Some(Value::Object(map)) = doc.pointer_mut(map_at) {
            map.shift_remove(key);
        }
    }
    canonicalize(doc, &found)?;
    check_component_aliases(doc)?;
    hoist(doc)
}

/// What a position in the document holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Document,
    Info,
    Server,
    Tag,
    Components,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    MediaType,
    Header,
    Schema,
    Callback,
    Example,
    Link,
    Encoding,
    SecurityScheme,
}

/// A position: its kind and whether a `$ref` there has to be replaced by what it points at.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Position {
    pub(crate) kind: Kind,
    inline: bool,
}

/// How the keys of a map of named objects are read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keys {
    /// An extensible object (`paths`, `responses`): `x-` keys are extensions, which `openapiv3`
    /// keeps apart itself.
    Extensible,
    /// Named entries: an `x-` key whose value is not an object is an extension, not an entry.
    Named,
    /// Names only (schema properties): every key is an entry.
    Names,
}

/// What the value under a key of an object holds.
pub(crate) enum Child {
    One(Position),
    Map(Position, Keys),
    List(Position),
}

/// The structure of the document: what the value under `key` of a `kind` object holds.
pub(crate) fn child(kind: Kind, key: &str) -> Option<Child> {
    use Kind::*;
    let at = |kind| Position {
        kind,
        inline: false,
    };
    let inlined = |kind| Position { kind, inline: true };
    Some(match (kind, key) {
        (Document, "paths") => Child::Map(at(PathItem), Keys::Extensible),
        (Document, "webhooks" | "x-webhooks") => Child::Map(inlined(PathItem), Keys::Named),
        (Document, "components") => Child::One(at(Components)),
        (Document, "info") => Child::One(at(Info)),
        (Document, "tags") => Child::List(at(Tag)),
        (Document | PathItem | Operation, "servers") => Child::List(at(Server)),
        (Components, "schemas") => Child::Map(at(Schema), Keys::Named),
        (Components, "responses") => Child::Map(at(Response), Keys::Named),
        (Components, "parameters") => Child::Map(at(Parameter), Keys::Named),
        (Components, "examples") => Child::Map(at(Example), Keys::Named),
        (Components, "requestBodies") => Child::Map(at(RequestBody), Keys::Named),
        (Components, "headers") => Child::Map(at(Header), Keys::Named),
        (Components, "securitySchemes") => Child::Map(at(SecurityScheme), Keys::Named),
        (Components, "links") => Child::Map(at(Link), Keys::Named),
        (Components, "callbacks") => Child::Map(at(Callback), Keys::Named),
        (Components, "pathItems") => Child::Map(at(PathItem), Keys::Named),
        (PathItem, "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace") => {
            Child::One(at(Operation))
        }
        (PathItem | Operation, "parameters") => Child::List(at(Parameter)),
        (Operation, "requestBody") => Child::One(at(RequestBody)),
        (Operation, "responses") => Child::Map(at(Response), Keys::Extensible),
        (Operation, "callbacks") => Child::Map(inlined(Callback), Keys::Named),
        (Parameter | Header | MediaType, "schema") => Child::One(at(Schema)),
        (Parameter | Header | RequestBody | Response, "content") => {
            Child::Map(at(MediaType), Keys::Named)
        }
        (Parameter | Header | MediaType, "examples") => Child::Map(at(Example), Keys::Named),
        (Response | Encoding, "headers") => Child::Map(at(Header), Keys::Named),
        (Response, "links") => Child::Map(at(Link), Keys::Named),
        (MediaType, "encoding") => Child::Map(at(Encoding), Keys::Named),
        (
            Schema,
            "properties" | "patternProperties" | "definitions" | "$defs" | "dependentSchemas",
        ) => Child::Map(at(Schema), Keys::Names),
        (
            Schema,
            "items"
            | "additionalProperties"
            | "not"
            | "contains"
            | "propertyNames"
            | "if"
            | "then"
            | "else"
            | "unevaluatedProperties"
            | "unevaluatedItems"
            | "additionalItems",
        ) => Child::One(at(Schema)),
        (Schema, "allOf" | "anyOf" | "oneOf" | "prefixItems") => Child::List(at(Schema)),
        _ => return None,
    })
}

/// A `$ref` found at `at` (the pointer of the object that holds it).
struct RefSite {
    at: String,
    position: Position,
    reference: String,
}

#[derive(Default)]
struct Found {
    refs: Vec<RefSite>,
    /// Discriminator mapping values that are references: (pointer of the string, reference).
    mappings: Vec<(String, String)>,
    /// Extensions in maps of named objects: (pointer of the map, key).
    extensions: Vec<(String, String)>,
}

fn scan(doc: &Value) -> Result<Found> {
    let mut found = Found::default();
    let mut at = String::new();
    walk(
        doc,
        Position {
            kind: Kind::Document,
            inline: false,
        },
        &mut at,
        0,
        &mut found,
    )?;
    Ok(found)
}

fn walk(
    value: &Value,
    position: Position,
    at: &mut String,
    depth: usize,
    found: &mut Found,
) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(Error::Structure {
            pointer: format!("#{at}"),
            message: format!("the document nests deeper than {MAX_DEPTH} levels"),
        });
    }
    let Value::Object(map) = value else {
        return Ok(());
    };
    if let Some(Value::String(reference)) = map.get("$ref") {
        found.refs.push(RefSite {
            at: at.clone(),
            position,
            reference: reference.clone(),
        });
        // Beside a `$ref`, only a schema's keywords mean something (3.1 applies them).
        if position.kind != Kind::Schema {
            return Ok(());
        }
    }
    if position.kind == Kind::Callback {
        return walk_callback(map, at, depth, found);
    }
    let len = at.len();
    for (key, child_value) in map {
        if position.kind == Kind::Schema && key == "discriminator" {
            record_mappings(child_value, at, found);
            continue;
        }
        let Some(child_kind) = child(position.kind, key) else {
            continue;
        };
        push(at, key);
        match child_kind {
            Child::One(p) => match child_value {
                // Draft-4 tuple `items`.
                Value::Array(items) if p.kind == Kind::Schema => {
                    walk_list(items, p, at, depth, found)?;
                }
                _ => walk(child_value, p, at, depth + 1, found)?,
            },
            Child::List(p) => {
                if let Value::Array(items) = child_value {
                    walk_list(items, p, at, depth, found)?;
                }
            }
            Child::Map(p, keys) => {
                if let Value::Object(entries) = child_value {
                    walk_entries(entries, p, keys, at, depth, found)?;
                }
            }
        }
        at.truncate(len);
    }
    Ok(())
}

/// A callback is a map of expressions to path items, extensible like `paths`.
fn walk_callback(
    map: &Map<String, Value>,
    at: &mut String,
    depth: usize,
    found: &mut Found,
) -> Result<()> {
    let len = at.len();
    for (key, item) in map {
        if key.starts_with("x-") {
            found.extensions.push((at.clone(), key.clone()));
            continue;
        }
        push(at, key);
        let item_position = Position {
            kind: Kind::PathItem,
            inline: true,
        };
        walk(item, item_position, at, depth + 1, found)?;
        at.truncate(len);
    }
    Ok(())
}

/// Records the references among the `mapping` values of a schema's `discriminator`.
fn record_mappings(discriminator: &Value, at: &str, found: &mut Found) {
    let Some(Value::Object(mapping)) = discriminator.get("mapping") else {
        return;
    };
    for (name, target) in mapping {
        if let Some(reference) = target.as_str().filter(|r| r.starts_with('#')) {
            let string_at = format!("{at}/discriminator/mapping/{}", escape_pointer(name));
            found.mappings.push((string_at, reference.to_owned()));
        }
    }
}

/// Walks the entries of a map of named objects (`properties`, `responses`, …) at `at`.
fn walk_entries(
    entries: &Map<String, Value>,
    position: Position,
    keys: Keys,
    at: &mut String,
    depth: usize,
    found: &mut Found,
) -> Result<()> {
    let len = at.len();
    for (name, entry) in entries {
        if name.starts_with("x-") {
            match keys {
                Keys::Extensible => continue,
                Keys::Named if !entry.is_object() => {
                    found.extensions.push((at.clone(), name.clone()));
                    continue;
                }
                _ => {}
            }
        }
        push(at, name);
        walk(entry, position, at, depth + 2, found)?;
        at.truncate(len);
    }
    Ok(())
}

fn walk_list(
    items: &[Value],
    position: Position,
    at: &mut String,
    depth: usize,
    found: &mut Found,
) -> Result<()> {
    let len = at.len();
    for (i, item) in items.iter().enumerate() {
        at.push('/');
        at.push_str(&i.to_string());
        walk(item, position, at, depth + 2, found)?;
        at.truncate(len);
    }
    Ok(())
}

fn push(at: &mut String, key: &str) {
    at.push('/');
    at.push_str(&escape_pointer(key));
}

/// Replaces the references that must not stay references (callbacks, their path items, webhook
/// path items) by what they point at, until none is left.
fn inline_required(doc: &mut Value) -> Result<()> {
    let mut budget = MAX_INLINED_NODES;
    for _round in 0..16 {
        let sites: Vec<RefSite> = scan(doc)?
            .refs
            .into_iter()
            .filter(|s| s.position.inline)
            .collect();
        let Some(first) = sites.first() else {
            return Ok(());
        };
        let first_at = first.at.clone();
        for site in sites {
            let end = follow(doc, &site.reference, &site.at, false)?;
            let target = doc
                .pointer(&end)
                .cloned()
                .expect("follow returns pointers that exist");
            let size = node_count(&target, budget);
            if size >= budget {
                return Err(Error::Structure {
                    pointer: format!("#{first_at}"),
                    message: "inlining the references of callbacks and webhooks grows the \
                              document without bound"
                        .to_owned(),
                });
            }
            budget -= size;
            if let Some(slot) = doc.pointer_mut(&site.at) {
                *slot = target;
            }
        }
    }
    Err(Error::Structure {
        pointer: "#".to_owned(),
        message: "callbacks or webhooks refer to themselves without end".to_owned(),
    })
}

/// Number of JSON nodes in `value`, counting no further than `limit`.
fn node_count(value: &Value, limit: usize) -> usize {
    let mut count = 1;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                count += m.len();
                stack.extend(m.values());
            }
            Value::Array(a) => {
                count += a.len();
                stack.extend(a.iter());
            }
            _ => {}
        }
        if count >= limit {
            return limit;
        }
    }
    count
}

/// Follows `reference` (found at `at`) through references that are nothing but a reference, to
/// the pointer of the value the chain ends at. With `stop_at_component`, the chain ends at the first
/// component schema.
fn follow(doc: &Value, reference: &str, at: &str, stop_at_component: bool) -> Result<String> {
    let unresolved = |reference: &str, at: &str| Error::Reference {
        reference: reference.to_owned(),
        pointer: format!("#{at}"),
    };
    let fragment = reference
        .strip_prefix('#')
        .ok_or_else(|| unresolved(reference, at))?;
    let mut current = pointer::canonical(doc, fragment).ok_or_else(|| unresolved(reference, at))?;
    let mut chain = vec![current.clone()];
    let mut from = at.to_owned();
    let mut written = reference.to_owned();
    loop {
        let Some(value) = doc.pointer(&current) else {
            return Err(unresolved(&written, &from));
        };
        if stop_at_component && is_component_schema(&current) {
            return Ok(current);
        }
        let Some(next) = bare_ref(value) else {
            return Ok(current);
        };
        let Some(next_fragment) = next.strip_prefix('#') else {
            return Ok(current);
        };
        let next_pointer =
            pointer::canonical(doc, next_fragment).ok_or_else(|| unresolved(next, &current))?;
        if chain.contains(&next_pointer) {
            chain.push(next_pointer);
            return Err(cycle(&chain));
        }
        if chain.len() >= MAX_CHAIN {
            return Err(Error::Structure {
                pointer: format!("#{}", chain[0]),
                message: format!("a chain of more than {MAX_CHAIN} references"),
            });
        }
        from = current;
        written = next.to_owned();
        current = next_pointer;
        chain.push(current.clone());
    }
}

fn cycle(chain: &[String]) -> Error {
    let shown: Vec<String> = chain.iter().map(|p| format!("#{p}")).collect();
    Error::Structure {
        pointer: shown[0].clone(),
        message: format!(
            "the references `{}` come back to where they started and never reach a value",
            shown.join("` → `")
        ),
    }
}

/// The reference of an object that is nothing but a reference (titles and descriptions aside).
fn bare_ref(value: &Value) -> Option<&str> {
    let map = value.as_object()?;
    let reference = map.get("$ref")?.as_str()?;
    map.keys()
        .all(|k| matches!(k.as_str(), "$ref" | "description" | "summary" | "title"))
        .then_some(reference)
}

fn is_component_schema(pointer: &str) -> bool {
    pointer::segments(pointer)
        .is_some_and(|s| s.len() == 3 && s[0] == "components" && s[1] == "schemas")
}

/// Writes every followed reference in its canonical form.
fn canonicalize(doc: &mut Value, found: &Found) -> Result<()> {
    let mut changes = Vec::new();
    for site in &found.refs {
        if let Some(fragment) = site.reference.strip_prefix('#') {
            if let Some(c) = pointer::canonical(doc, fragment) {
                if c != fragment {
                    changes.push((format!("{}/$ref", site.at), format!("#{c}")));
                }
            }
        }
    }
    for (at, reference) in &found.mappings {
        let fragment = &reference[1..];
        if let Some(c) = pointer::canonical(doc, fragment) {
            if c != fragment {
                changes.push((at.clone(), format!("#{c}")));
            }
        }
    }
    for (at, reference) in changes {
        if let Some(slot) = doc.pointer_mut(&at) {
            *slot = Value::String(reference);
        }
    }
    Ok(())
}

/// Component schemas that are only a reference must reach a schema.
fn check_component_aliases(doc: &Value) -> Result<()> {
    let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") else {
        return Ok(());
    };
    for (name, schema) in schemas {
        if let Some(reference) = bare_ref(schema).filter(|r| r.starts_with('#')) {
            let at = format!("/components/schemas/{}", escape_pointer(name));
            match follow(doc, reference, &at, false) {
                // A dangling reference is reported where it is used, with its context.
                Err(Error::Reference { .. }) | Ok(_) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::hoist::hoist_name;
    use super::*;
    use serde_json::json;

    fn resolved(mut doc: Value) -> Value {
        resolve(&mut doc).expect("resolves");
        doc
    }

    #[test]
    fn percent_encoded_fragments_are_decoded() {
        let doc = resolved(json!({
            "paths": {"/a/{id}": {"get": {"parameters": [{"name": "id", "in": "path"}]},
                                  "put": {"parameters": [{"$ref": "#/paths/~1a~1%7Bid%7D/get/parameters/0"}]}}}
        }));
        assert_eq!(
            doc.pointer("/paths/~1a~1{id}/put/parameters/0/$ref"),
            Some(&json!("#/paths/~1a~1{id}/get/parameters/0"))
        );
    }

    #[test]
    fn schemas_anywhere_are_hoisted_once() {
        let doc = resolved(json!({
            "paths": {},
            "components": {"schemas": {
                "Firewall": {"type": "object", "properties": {"rules": {"type": "array", "items": {"type": "string"}}}},
                "Rules": {"allOf": [{"$ref": "#/components/schemas/Firewall/properties/rules"}]},
                "Other": {"$ref": "#/components/schemas/Firewall/properties/rules/items"}
            }}
        }));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Firewall"]["properties"]["rules"],
            json!({"$ref": "#/components/schemas/FirewallRules"})
        );
        assert_eq!(
            schemas["FirewallRules"],
            json!({"type": "array", "items": {"$ref": "#/components/schemas/FirewallRulesItem"},
                   HOISTED_FROM: "#/components/schemas/Firewall/properties/rules"})
        );
        assert_eq!(
            schemas["FirewallRulesItem"],
            json!({"type": "string", HOISTED_FROM: "#/components/schemas/Firewall/properties/rules/items"})
        );
        assert_eq!(
            source_pointer(&doc, "#/components/schemas/FirewallRulesItem/format"),
            "#/components/schemas/Firewall/properties/rules/items/format"
        );
        assert_eq!(
            schemas["Rules"]["allOf"][0],
            json!({"$ref": "#/components/schemas/FirewallRules"})
        );
        assert_eq!(
            schemas["Other"],
            json!({"$ref": "#/components/schemas/FirewallRulesItem"})
        );
    }

    #[test]
    fn recursion_through_a_hoisted_schema_terminates() {
        let doc = resolved(
            json!({"components": {"schemas": {"Tree": {"type": "object", "properties": {
                "node": {"type": "object", "properties": {
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree/properties/node"}}
                }}
            }}}}}),
        );
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["TreeNode"]["properties"]["children"]["items"],
            json!({"$ref": "#/components/schemas/TreeNode"})
        );
        assert_eq!(
            schemas["Tree"]["properties"]["node"],
            json!({"$ref": "#/components/schemas/TreeNode"})
        );
    }

    #[test]
    fn reference_loops_are_errors() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}
        }}});
        let err = resolve(&mut doc).unwrap_err().to_string();
        assert!(err.contains("never reach a value"), "{err}");
        let mut doc = json!({"components": {"schemas": {
            "A": {"properties": {"p": {"$ref": "#/components/schemas/A/properties/p"}}}
        }}});
        let err = resolve(&mut doc).unwrap_err().to_string();
        assert!(err.contains("#/components/schemas/A/properties/p"), "{err}");
    }

    #[test]
    fn callbacks_given_as_references_are_inlined_and_extensions_set_aside() {
        let doc = resolved(json!({
            "paths": {"/s": {"post": {"callbacks": {"done": {"$ref": "#/components/callbacks/Done"}}}}},
            "x-webhooks": {"x-sdk-exclude": true, "ping": {"post": {}}},
            "components": {"callbacks": {"Done": {"{$request.body#/url}": {"post": {}}, "x-internal": true}}}
        }));
        assert_eq!(
            doc.pointer("/paths/~1s/post/callbacks/done"),
            Some(&json!({"{$request.body#/url}": {"post": {}}}))
        );
        assert_eq!(doc["x-webhooks"], json!({"ping": {"post": {}}}));
    }

    #[test]
    fn refs_in_extensions_and_examples_are_data() {
        let before = json!({
            "x-topics": [{"content": {"$ref": "./docs.md"}}],
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"type": "object", "example": {"$ref": "#/nowhere"}}}}}}}}}
        });
        assert_eq!(resolved(before.clone()), before);
    }

    #[test]
    fn hoisted_names_come_from_the_place() {
        let doc = json!({"paths": {"/chargers/{id}": {"get": {"operationId": "getCharger",
            "parameters": [{"name": "id", "in": "path"}]}}}});
        let name = |p: &str| hoist_name(&pointer::segments(p).unwrap(), &doc);
        assert_eq!(
            name("/paths/~1chargers~1{id}/get/responses/200/content/application~1json/schema"),
            "GetChargerResponse"
        );
        assert_eq!(
            name("/paths/~1chargers~1{id}/get/parameters/0/schema"),
            "GetChargerId"
        );
        assert_eq!(name("/components/schemas/Order/allOf/0"), "OrderPart1");
        assert_eq!(
            name("/components/schemas/Item/definitions/itemType"),
            "ItemItemType"
        );
    }
}
