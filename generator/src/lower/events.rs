//! What the API sends besides responses: webhook and callback payloads, WebSocket messages, and the
//! accessors of the tagged unions (event envelopes) they are often made of.

use crate::document::{Document, PathOperation, WebSocketMessage};
use crate::error::Result;
use crate::ident;
use crate::ir::{
    CommonField, Enum, EnumVariant, Field, Presence, Struct, TagAccessor, TypeDef, TypeKind,
    TypeRef, Union, UnionAccessors, WebhookEvent,
};
use crate::lower::bodies::request_payload_type;
use crate::lower::types::TypeSpace;

/// Webhooks (3.1 `webhooks`, or `x-webhooks` in 3.0): each event's payload type.
pub(super) fn webhooks(doc: &Document, space: &mut TypeSpace<'_>) -> Result<Vec<WebhookEvent>> {
    let mut events = Vec::new();
    for webhook in &doc.webhooks {
        let op = &webhook.operation;
        let hint = format!("{}Webhook", ident::camel(&webhook.name));
        events.push(WebhookEvent {
            name: webhook.name.clone(),
            payload: request_payload_type(op, space, &hint, &webhook.at)?,
            docs: op.summary.clone().or_else(|| op.description.clone()),
        });
    }
    Ok(events)
}

/// The callbacks of an operation, as events named `<operation id>.<callback name>`.
pub(super) fn callbacks(
    space: &mut TypeSpace<'_>,
    spec: &PathOperation,
    id: &str,
) -> Result<Vec<WebhookEvent>> {
    let mut events = Vec::new();
    for callback in &spec.callbacks {
        let op = &callback.operation;
        let hint = format!(
            "{}{}Callback",
            ident::camel(id),
            ident::camel(&callback.name)
        );
        events.push(WebhookEvent {
            name: format!("{id}.{}", callback.name),
            payload: request_payload_type(op, space, &hint, &callback.at)?,
            docs: op.summary.clone().or_else(|| op.description.clone()),
        });
    }
    Ok(events)
}

/// The message type of a WebSocket operation, if it is one.
pub(super) fn websocket_message(
    space: &mut TypeSpace<'_>,
    spec: &PathOperation,
    hint: &str,
) -> Result<Option<TypeRef>> {
    match &spec.websocket {
        Some(WebSocketMessage::Schema(schema)) => {
            let at = format!("{}/x-websocket/message", spec.at);
            Ok(Some(
                space.lower(schema, &format!("{hint}Message"), &at)?.ty,
            ))
        }
        Some(WebSocketMessage::Untyped) => Ok(Some(TypeRef::Json)),
        None => Ok(None),
    }
}

/// Fills in the accessors of each tagged union whose variants are all structs: the discriminator,
/// as a string enum of the tag values (an existing enum with every tag value, else a new
/// `<Union>Type`), and the fields every variant has with the same name, type and presence.
pub(super) fn union_accessors(types: &mut Vec<TypeDef>) {
    let mut added = Vec::new();
    for i in 0..types.len() {
        let Some(accessors) = accessors_of(types, &mut added, &types[i]) else {
            continue;
        };
        if let TypeKind::Union(u) = &mut types[i].kind {
            u.accessors = Some(accessors);
        }
    }
    if !added.is_empty() {
        types.extend(added);
        types.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

/// The accessors of `def`, if it is a tagged union of structs that can have them; a new tag enum
/// it needs goes to `added`.
fn accessors_of(
    types: &[TypeDef],
    added: &mut Vec<TypeDef>,
    def: &TypeDef,
) -> Option<UnionAccessors> {
    let TypeKind::Union(u) = &def.kind else {
        return None;
    };
    let tag = u.tag.as_ref()?;
    let structs = variant_structs(types, added, u)?;
    let (first, rest) = structs.split_first()?;
    let tag_field = tag_field(&structs, &tag.property);
    let common = common_fields(first, rest, &tag.property);
    let tags: Vec<&str> = u
        .variants
        .iter()
        .flat_map(|v| v.tags.iter().map(String::as_str))
        .collect();
    // A variant several tags select names its tag only through its own tag field.
    if tag_field.is_none() && u.variants.iter().any(|v| v.tags.len() != 1) {
        return None;
    }
    let (enum_type, values) = tag_values(types, added, def, &tag.property, &tags)?;
    let method = ident::snake(&enum_type);
    if common.iter().any(|f| ident::unraw(&f.name) == method) {
        return None;
    }
    Some(UnionAccessors {
        tag: TagAccessor {
            method,
            enum_type,
            variants: variant_tag_names(u, &values),
            field: tag_field,
            property: tag.property.clone(),
        },
        common,
    })
}

/// The struct of each variant, if every variant is an unboxed named struct.
fn variant_structs<'t>(
    types: &'t [TypeDef],
    added: &'t [TypeDef],
    u: &Union,
) -> Option<Vec<&'t Struct>> {
    u.variants
        .iter()
        .map(|v| match &v.ty {
            TypeRef::Named(n) if !v.boxed => match &find(types, added, n)?.kind {
                TypeKind::Struct(s) => Some(s),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The field holding the tag, if every variant has it under the same name as a required string.
fn tag_field(structs: &[&Struct], property: &str) -> Option<String> {
    structs
        .iter()
        .map(|s| {
            s.fields
                .iter()
                .find(|f| f.wire == property && f.ty == TypeRef::String)
                .filter(|f| f.presence == Presence::Required)
                .map(|f| f.name.clone())
        })
        .collect::<Option<Vec<String>>>()
        .filter(|names| names.windows(2).all(|w| w[0] == w[1]))
        .and_then(|names| names.into_iter().next())
}

/// The fields besides the tag that every variant has, accessible, with the same name, type and
/// presence.
fn common_fields(first: &Struct, rest: &[&Struct], property: &str) -> Vec<CommonField> {
    first
        .fields
        .iter()
        .filter(|f| f.wire != property && accessible(f))
        .filter(|f| {
            rest.iter().all(|s| {
                s.fields.iter().any(|g| {
                    g.name == f.name
                        && g.ty == f.ty
                        && g.presence.is_optional() == f.presence.is_optional()
                        && accessible(g)
                })
            })
        })
        .map(|f| CommonField {
            name: f.name.clone(),
            wire: f.wire.clone(),
            ty: f.ty.clone(),
            optional: f.presence.is_optional(),
            docs: f.docs.clone(),
        })
        .collect()
}

/// The tag enum of `union` and its (wire, variant) pairs: an existing enum with every tag value,
/// else a new one, pushed to `added`.
fn tag_values(
    types: &[TypeDef],
    added: &mut Vec<TypeDef>,
    union: &TypeDef,
    property: &str,
    tags: &[&str],
) -> Option<(String, Vec<(String, String)>)> {
    if let Some(found) = tag_enum(types, added, tags) {
        return Some(found);
    }
    let def = new_tag_enum(types, added, union, property, tags)?;
    let TypeKind::Enum(e) = &def.kind else {
        unreachable!("new_tag_enum makes an enum")
    };
    let values = e
        .variants
        .iter()
        .map(|v| (v.wire.clone(), v.name.clone()))
        .collect();
    let name = def.name.clone();
    added.push(def);
    Some((name, values))
}

/// Each variant's name, with the tag enum variant its single tag names (none for several tags).
fn variant_tag_names(u: &Union, values: &[(String, String)]) -> Vec<(String, Option<String>)> {
    u.variants
        .iter()
        .map(|v| {
            let named = match &v.tags[..] {
                [one] => values
                    .iter()
                    .find(|(w, _)| w == one)
                    .map(|(_, n)| n.clone()),
                _ => None,
            };
            (v.name.clone(), named)
        })
        .collect()
}

/// A field an accessor can lend: not boxed, and `T` or `Option<T>` in the struct (a JSON value
/// holds its own null; absent-or-null fields are only sent).
fn accessible(f: &Field) -> bool {
    !f.boxed
        && match f.presence {
            Presence::Required => true,
            Presence::Optional | Presence::Nullable => f.ty != TypeRef::Json,
            Presence::AbsentOrNull => false,
        }
}

fn find<'t>(types: &'t [TypeDef], added: &'t [TypeDef], name: &str) -> Option<&'t TypeDef> {
    types.iter().chain(added).find(|t| t.name == name)
}

/// The first string enum (by name) with every tag value: its name and its (wire, variant) pairs.
fn tag_enum(
    types: &[TypeDef],
    added: &[TypeDef],
    tags: &[&str],
) -> Option<(String, Vec<(String, String)>)> {
    types.iter().chain(added).find_map(|t| {
        let TypeKind::Enum(e) = &t.kind else {
            return None;
        };
        let has_all = !e.integer
            && tags
                .iter()
                .all(|tag| e.variants.iter().any(|v| v.wire == *tag));
        has_all.then(|| {
            let values = e
                .variants
                .iter()
                .map(|v| (v.wire.clone(), v.name.clone()))
                .collect();
            (t.name.clone(), values)
        })
    })
}

/// A new `<Union>Type` enum of the tag values, unless that name is taken.
fn new_tag_enum(
    types: &[TypeDef],
    added: &[TypeDef],
    union: &TypeDef,
    property: &str,
    tags: &[&str],
) -> Option<TypeDef> {
    let name = format!("{}Type", union.name);
    if find(types, added, &name).is_some() {
        return None;
    }
    let mut names = ident::Namespace::with_reserved([]);
    let mut seen = std::collections::BTreeSet::new();
    let variants = tags
        .iter()
        .filter(|t| seen.insert(**t))
        .map(|t| {
            let base = if t.is_empty() {
                "Empty".to_owned()
            } else {
                ident::camel(t)
            };
            EnumVariant {
                name: names.claim(ident::unraw(&base)),
                wire: (*t).to_owned(),
            }
        })
        .collect();
    Some(TypeDef {
        name,
        origin: format!("{}/discriminator", union.origin),
        docs: Some(format!(
            "The kinds of `{}`: the values of its `{property}` tag.",
            union.name
        )),
        kind: TypeKind::Enum(Enum {
            variants,
            integer: false,
            unknown: names.claim("Unknown"),
        }),
        usage: union.usage,
        example: None,
    })
}

/// Gives each WebSocket operation whose messages are a tagged union with accessors a typed filter:
/// the query parameter named for the tag (`types` for a `type` tag, or `event_types` for
/// `EventType`), a string of comma-separated values or a list of strings, gets a setter taking
/// the tag enum (`event_types`), beside its own setter, which still takes patterns.
pub(super) fn tag_filters(types: &[TypeDef], resources: &mut [crate::ir::Resource]) {
    for op in resources.iter_mut().flat_map(|r| r.operations.iter_mut()) {
        let crate::ir::Transport::WebSocket(TypeRef::Named(message)) = &op.transport else {
            continue;
        };
        let Some(TypeDef {
            kind:
                TypeKind::Union(crate::ir::Union {
                    accessors: Some(accessors),
                    ..
                }),
            ..
        }) = types.iter().find(|t| &t.name == message)
        else {
            continue;
        };
        let tag = &accessors.tag;
        let param = op.params.iter().find(|p| {
            let one = ident::singular(&p.wire);
            let listed = match &p.ty {
                TypeRef::String => true,
                TypeRef::Vec(item) => **item == TypeRef::String,
                _ => false,
            };
            p.location == crate::ir::ParamLocation::Query
                && listed
                && one != p.wire
                && (one == tag.property || one == tag.method)
        });
        let Some(param) = param else {
            continue;
        };
        let setter = format!("{}s", tag.method);
        let taken = super::naming::BUILDER_METHODS.contains(&setter.as_str())
            || op
                .params
                .iter()
                .chain(&op.path_params)
                .any(|p| ident::unraw(&p.name) == setter);
        if taken {
            continue;
        }
        op.tag_filter = Some(crate::ir::TagFilter {
            param: param.name.clone(),
            setter,
            enum_type: tag.enum_type.clone(),
            comma_separated: param.ty == TypeRef::String,
        });
    }
}

#[cfg(test)]
mod accessor_tests {
    use serde_json::json;

    use crate::config::SdkConfig;
    use crate::ir::{Api, TypeKind, TypeRef, UnionAccessors};
    use crate::lower::{LowerOptions, lower};

    fn api(schemas: serde_json::Value) -> Api {
        let spec = json!({
            "openapi": "3.0.3", "info": {"title": "T", "version": "1"},
            "paths": {"/events": {"get": {"operationId": "listEvents", "responses": {"200": {
                "description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}}
            }}}}},
            "components": {"schemas": schemas}
        });
        let spec = crate::load::load_str(&spec.to_string(), "test.json").expect("spec loads");
        lower(&spec, &SdkConfig::default(), &LowerOptions::default()).expect("spec lowers")
    }

    fn accessors<'a>(api: &'a Api, name: &str) -> Option<&'a UnionAccessors> {
        match &api.types.iter().find(|t| t.name == name)?.kind {
            TypeKind::Union(u) => u.accessors.as_ref(),
            _ => None,
        }
    }

    fn event(tag: &str, extra: serde_json::Value) -> serde_json::Value {
        let mut properties = json!({
            "id": {"type": "string"}, "type": {"type": "string", "enum": [tag]},
            "at": {"type": "string"}, "seq": {"type": "integer"}
        });
        properties
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({"type": "object", "required": ["id", "type", "seq"], "properties": properties})
    }

    #[test]
    fn common_fields_are_those_every_variant_has_alike() {
        let api = api(json!({
            "Event": {"oneOf": [{"$ref": "#/components/schemas/Opened"}, {"$ref": "#/components/schemas/Closed"}],
                      "discriminator": {"propertyName": "type",
                                        "mapping": {"opened": "#/components/schemas/Opened", "closed": "#/components/schemas/Closed"}}},
            // `seq` is optional here: not alike, so not common.
            "Opened": event("opened", json!({"who": {"type": "string"}})),
            "Closed": {"type": "object", "required": ["id", "type"], "properties": {
                "id": {"type": "string"}, "type": {"type": "string", "enum": ["closed"]},
                "at": {"type": "string"}, "seq": {"type": "integer"}}}
        }));
        let acc = accessors(&api, "Event").expect("accessors");
        let common: Vec<(&str, bool)> = acc
            .common
            .iter()
            .map(|f| (f.name.as_str(), f.optional))
            .collect();
        assert_eq!(common, [("id", false), ("at", true)]);
        // No enum of the tags in the spec: one is added, and the variants name its values.
        assert_eq!(acc.tag.enum_type, "EventType");
        assert_eq!(acc.tag.method, "event_type");
        let TypeKind::Enum(e) = &api
            .types
            .iter()
            .find(|t| t.name == "EventType")
            .unwrap()
            .kind
        else {
            panic!("EventType is an enum")
        };
        let wires: Vec<&str> = e.variants.iter().map(|v| v.wire.as_str()).collect();
        assert_eq!(wires, ["opened", "closed"]);
        assert!(acc.tag.variants.iter().all(|(_, named)| named.is_some()));
    }

    #[test]
    fn an_existing_enum_of_the_tag_values_is_reused_and_reached() {
        let api = api(json!({
            "Kind": {"type": "string", "enum": ["opened", "closed", "archived"]},
            "Event": {"oneOf": [{"$ref": "#/components/schemas/Opened"}, {"$ref": "#/components/schemas/Closed"}],
                      "discriminator": {"propertyName": "type",
                                        "mapping": {"opened": "#/components/schemas/Opened", "closed": "#/components/schemas/Closed"}}},
            "Opened": event("opened", json!({})),
            "Closed": event("closed", json!({}))
        }));
        let acc = accessors(&api, "Event").expect("accessors");
        assert_eq!(acc.tag.enum_type, "Kind");
        assert_eq!(acc.tag.method, "kind");
        assert!(api.types.iter().all(|t| t.name != "EventType"));
        let common: Vec<&str> = acc.common.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(common, ["id", "at", "seq"]);
        assert_eq!(acc.common[2].ty, TypeRef::I64);
        // The operation's feature reaches the enum through the accessor.
        let reaching = |ty: &str| api.features.types.get(ty).cloned();
        assert_eq!(reaching("Kind"), reaching("Event"));
        assert!(reaching("Kind").is_some());
    }

    #[test]
    fn a_union_of_non_structs_has_no_accessors() {
        let api = api(json!({
            "Event": {"oneOf": [{"$ref": "#/components/schemas/Opened"}, {"type": "string"}],
                      "discriminator": {"propertyName": "type"}},
            "Opened": event("opened", json!({}))
        }));
        assert!(accessors(&api, "Event").is_none());
    }
}
