//! Hoisting: a schema referred to anywhere but `#/components/schemas/<name>` moves into
//! `#/components/schemas` under a name taken from where it was, and its old place refers to it.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value};

use super::{Child, Found, HOISTED_FROM, Kind, child, follow, is_component_schema, scan};
use crate::error::{Error, Result, escape_pointer};
use crate::ident::{self, Namespace};
use crate::pointer;

/// Hoists every schema referred to outside `#/components/schemas/<name>` into the components.
pub(super) fn hoist(doc: &mut Value) -> Result<()> {
    let found = scan(doc)?;
    let targets = hoist_targets(doc, &found);
    if targets.is_empty() {
        return Ok(());
    }
    let (ends, to_move) = reference_ends(doc, &targets)?;
    let moved = move_into_components(doc, to_move)?;
    retarget(doc, ends, &moved)
}

/// The local schema references that point outside `#/components/schemas`: (target, referring
/// place).
fn hoist_targets(doc: &Value, found: &Found) -> BTreeSet<(String, String)> {
    let mut targets = BTreeSet::new();
    for site in &found.refs {
        if site.position.kind != Kind::Schema {
            continue;
        }
        let Some(fragment) = site.reference.strip_prefix('#') else {
            continue;
        };
        if !is_component_schema(fragment) && doc.pointer(fragment).is_some() && hoistable(fragment)
        {
            targets.insert((fragment.to_owned(), site.at.clone()));
        }
    }
    targets
}

/// Where each reference ends (a component, or a place whose schema moves into the components),
/// and the places to move.
fn reference_ends(
    doc: &Value,
    targets: &BTreeSet<(String, String)>,
) -> Result<(BTreeMap<String, String>, BTreeSet<String>)> {
    let mut ends: BTreeMap<String, String> = BTreeMap::new();
    let mut to_move = BTreeSet::new();
    for (target, at) in targets {
        if ends.contains_key(target) {
            continue;
        }
        let end = follow(doc, &format!("#{target}"), at, true)?;
        if !is_component_schema(&end) {
            if !hoistable(&end) {
                continue;
            }
            to_move.insert(end.clone());
        }
        ends.insert(target.clone(), end);
    }
    Ok((ends, to_move))
}

/// Moves the schema at each place into `#/components/schemas` under a name of its own (a
/// reference to it left behind where a schema stood), deepest place first. Returns each place's
/// new name.
fn move_into_components(
    doc: &mut Value,
    to_move: BTreeSet<String>,
) -> Result<HashMap<String, String>> {
    let mut names = Namespace::default();
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        for name in schemas.keys() {
            names.claim(name);
            names.claim(ident::unraw(&ident::camel(name)));
        }
    }
    // Deepest first: a place inside another place that moves has moved out of it already.
    let mut order: Vec<String> = to_move.into_iter().collect();
    order.sort_by_key(|p| {
        (
            Reverse(pointer::segments(p).map_or(0, |s| s.len())),
            p.clone(),
        )
    });
    let mut moved: HashMap<String, String> = HashMap::new();
    let mut hoisted = Vec::new();
    for place in order {
        let segments = pointer::segments(&place).unwrap_or_default();
        let name = names.claim(&hoist_name(&segments, doc));
        let new_ref = format!("#/components/schemas/{}", escape_pointer(&name));
        let in_schema_position = kind_at(&segments) == Some(Kind::Schema);
        let slot = doc
            .pointer_mut(&place)
            .expect("places to move were found in the document");
        let mut schema = if in_schema_position {
            let mut reference = Map::new();
            reference.insert("$ref".into(), Value::String(new_ref));
            std::mem::replace(slot, Value::Object(reference))
        } else {
            slot.clone()
        };
        if let Value::Object(map) = &mut schema {
            map.insert(HOISTED_FROM.into(), Value::String(format!("#{place}")));
        }
        hoisted.push((name.clone(), schema));
        moved.insert(place, name);
    }
    let schemas = components_schemas(doc)?;
    for (name, schema) in hoisted {
        schemas.insert(name, schema);
    }
    Ok(moved)
}

/// Points every schema reference at where it ends: the component, or the moved schema's new name.
fn retarget(
    doc: &mut Value,
    ends: BTreeMap<String, String>,
    moved: &HashMap<String, String>,
) -> Result<()> {
    let rewritten: HashMap<String, String> = ends
        .into_iter()
        .map(|(target, end)| {
            let reference = match moved.get(&end) {
                Some(name) => format!("#/components/schemas/{}", escape_pointer(name)),
                None => format!("#{end}"),
            };
            (target, reference)
        })
        .collect();
    let found = scan(doc)?;
    for site in found.refs {
        if site.position.kind != Kind::Schema {
            continue;
        }
        let Some(new_ref) = site
            .reference
            .strip_prefix('#')
            .and_then(|f| rewritten.get(f))
        else {
            continue;
        };
        if let Some(slot) = doc.pointer_mut(&format!("{}/$ref", site.at)) {
            *slot = Value::String(new_ref.clone());
        }
    }
    Ok(())
}

/// Whether the value at `place` may become a component schema: a schema, or a place the document
/// structure does not define (`#/definitions/X`); never the document, a parameter or a response.
fn hoistable(place: &str) -> bool {
    pointer::segments(place).is_some_and(|segments| {
        !segments.is_empty() && matches!(kind_at(&segments), Some(Kind::Schema) | None)
    })
}

fn components_schemas(doc: &mut Value) -> Result<&mut Map<String, Value>> {
    let not_object = |pointer: &str| Error::Structure {
        pointer: pointer.to_owned(),
        message: "expected an object".to_owned(),
    };
    let root = doc.as_object_mut().ok_or_else(|| not_object("#"))?;
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| not_object("#/components"))?;
    components
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| not_object("#/components/schemas"))
}

/// The kind of the position `segments` lead to, if it is one the document structure defines.
fn kind_at(segments: &[String]) -> Option<Kind> {
    let mut kind = Kind::Document;
    let mut i = 0;
    while i < segments.len() {
        if kind == Kind::Callback {
            kind = Kind::PathItem;
            i += 1;
            continue;
        }
        match child(kind, &segments[i])? {
            Child::One(p) => {
                kind = p.kind;
                i += 1;
                let tuple = kind == Kind::Schema
                    && segments[i - 1] == "items"
                    && segments.get(i).is_some_and(|s| s.parse::<usize>().is_ok());
                if tuple {
                    i += 1;
                }
            }
            Child::Map(p, _) | Child::List(p) => {
                i += 2;
                if i > segments.len() {
                    return None;
                }
                kind = p.kind;
            }
        }
    }
    Some(kind)
}

/// A name for a schema hoisted from `segments`, made of the names along the way:
/// `components/schemas/Firewall/properties/rules` → `FirewallRules`,
/// `paths/~1chargers/get/responses/200/content/application~1json/schema` → `ListChargersResponse`
/// (with the operation's id).
pub(super) fn hoist_name(segments: &[String], doc: &Value) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut i = leading_words(segments, doc, &mut words);
    while i < segments.len() {
        i += segment_words(segments, i, doc, &mut words);
    }
    let name = ident::camel(&words.join(" "));
    let name = ident::unraw(&name).trim_end_matches('_');
    if name.is_empty() {
        "Schema".to_owned()
    } else {
        name.to_owned()
    }
}

/// The words naming where a place starts (a component's name, an operation's id, a path);
/// returns how many segments they cover.
fn leading_words(segments: &[String], doc: &Value, words: &mut Vec<String>) -> usize {
    const METHODS: &[&str] = &[
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let seg = |i: usize| segments.get(i).map(String::as_str);
    match (seg(0), seg(1), seg(2)) {
        (Some("components"), Some(_), Some(name)) => {
            words.push(name.to_owned());
            3
        }
        (Some("paths" | "webhooks" | "x-webhooks"), Some(path), Some(method))
            if METHODS.contains(&method) =>
        {
            let id = doc
                .pointer(&pointer::join(&segments[..3]))
                .and_then(|op| op.get("operationId"))
                .and_then(Value::as_str);
            match id {
                Some(id) => words.push(id.to_owned()),
                None => {
                    words.push(method.to_owned());
                    words.push(path.to_owned());
                }
            }
            3
        }
        (Some("paths" | "webhooks" | "x-webhooks"), Some(path), _) => {
            words.push(path.to_owned());
            2
        }
        _ => 0,
    }
}

/// The words for the segment at `i` (and the name after it, for maps and lists); returns how many
/// segments they cover.
fn segment_words(segments: &[String], i: usize, doc: &Value, words: &mut Vec<String>) -> usize {
    let next = segments.get(i + 1).map(String::as_str);
    match segments[i].as_str() {
        "properties" | "patternProperties" | "definitions" | "$defs" | "dependentSchemas"
        | "headers" | "schemas" | "callbacks"
            if next.is_some() =>
        {
            words.push(next.unwrap_or_default().to_owned());
            2
        }
        "allOf" | "prefixItems" if next.is_some() => {
            words.push(format!("Part {}", part_number(next)));
            2
        }
        "anyOf" | "oneOf" if next.is_some() => {
            words.push(format!("Variant {}", part_number(next)));
            2
        }
        "parameters" if next.is_some() => {
            let name = doc
                .pointer(&pointer::join(&segments[..i + 2]))
                .and_then(|p| p.get("name"))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("Param {}", part_number(next)));
            words.push(name);
            2
        }
        "responses" if next.is_some() => {
            let code = next.unwrap_or_default();
            if code.starts_with('2') || code == "default" {
                words.push("Response".to_owned());
            } else {
                words.push(format!("Response {code}"));
            }
            2
        }
        "content" => 2,
        "schema" => 1,
        "items" => {
            words.push("Item".to_owned());
            1
        }
        "additionalProperties" => {
            words.push("Value".to_owned());
            1
        }
        "requestBody" => {
            words.push("Request".to_owned());
            1
        }
        other => {
            words.push(other.to_owned());
            1
        }
    }
}

fn part_number(index: Option<&str>) -> String {
    index.and_then(|i| i.parse::<usize>().ok()).map_or_else(
        || index.unwrap_or_default().to_owned(),
        |i| (i + 1).to_string(),
    )
}
