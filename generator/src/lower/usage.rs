//! Facts about the whole API that only hold once every operation is lowered: which types are
//! sent and which received (and so how optional nullable fields are represented), the webhook
//! payload type, and how stream messages carry their event ids.

use std::collections::{BTreeMap, BTreeSet};

use crate::ident::Namespace;
use crate::ir::{
    BodyEncoding, EventId, IdField, Presence, Resource, ResponseShape, StreamMessage, Transport,
    TypeDef, TypeKind, TypeRef, Usage, WebhookEvent, WebhookPayload,
};

/// Sets every type's [`Usage`], and keeps "absent" apart from "null" only in types that are
/// only ever sent: elsewhere an optional nullable field is a plain `Option`.
pub fn apply_usage(types: &mut [TypeDef], resources: &[Resource], webhooks: &[WebhookEvent]) {
    let sent = reachable(types, request_roots(resources));
    let mut received = reachable(types, response_roots(resources, webhooks));
    // A model only the spec defines still decodes, so what it reaches must decode too.
    let unused: Vec<TypeRef> = types
        .iter()
        .filter(|t| !sent.contains(&t.name) && !received.contains(&t.name))
        .map(|t| TypeRef::Named(t.name.clone()))
        .collect();
    let unused_names: BTreeSet<String> = unused
        .iter()
        .filter_map(|t| match t {
            TypeRef::Named(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    received.extend(
        reachable(types, unused)
            .into_iter()
            .filter(|n| !unused_names.contains(n)),
    );
    for def in types.iter_mut() {
        def.usage = match (sent.contains(&def.name), received.contains(&def.name)) {
            (false, false) => Usage::Unused,
            (true, false) => Usage::RequestOnly,
            (false, true) => Usage::ResponseOnly,
            (true, true) => Usage::Both,
        };
        let request_only = def.usage == Usage::RequestOnly;
        if let TypeKind::Struct(s) = &mut def.kind {
            let taken: BTreeSet<String> = s
                .fields
                .iter()
                .map(|f| crate::ident::unraw(&f.name).to_owned())
                .collect();
            for field in &mut s.fields {
                if field.presence != Presence::AbsentOrNull {
                    continue;
                }
                if !request_only || field.ty == TypeRef::Json {
                    field.presence = Presence::Optional;
                    continue;
                }
                // `foo_null()` sends an explicit null; skipped if a field already has that name.
                let null_name = format!("{}_null", crate::ident::unraw(&field.name));
                field.null_setter = (!taken.contains(&null_name)).then_some(null_name);
            }
        }
    }
}

/// Roots of what requests carry: path and other parameters, JSON and form bodies, multipart value
/// parts.
fn request_roots(resources: &[Resource]) -> Vec<TypeRef> {
    let mut roots = Vec::new();
    for op in resources.iter().flat_map(|r| &r.operations) {
        roots.extend(
            op.path_params
                .iter()
                .chain(&op.params)
                .map(|p| p.ty.clone()),
        );
        match op.body.as_ref().map(|b| &b.encoding) {
            Some(BodyEncoding::Json(ty, _) | BodyEncoding::Form(ty)) => roots.push(ty.clone()),
            Some(BodyEncoding::Multipart(parts)) => {
                roots.extend(parts.iter().map(|p| p.ty.clone()))
            }
            _ => {}
        }
    }
    roots
}

/// Roots of what a client receives: response bodies, stream messages, webhook payloads.
fn response_roots(resources: &[Resource], webhooks: &[WebhookEvent]) -> Vec<TypeRef> {
    fn shape_roots(shape: &ResponseShape, roots: &mut Vec<TypeRef>) {
        match shape {
            ResponseShape::Json(ty) | ResponseShape::EventStream(ty) => roots.push(ty.clone()),
            ResponseShape::Outcomes(_, outcomes) => {
                outcomes.iter().for_each(|o| shape_roots(&o.body, roots))
            }
            _ => {}
        }
    }
    let mut roots = Vec::new();
    for op in resources.iter().flat_map(|r| &r.operations) {
        shape_roots(&op.response, &mut roots);
        if let Transport::WebSocket(ty) = &op.transport {
            roots.push(ty.clone());
        }
    }
    roots.extend(webhooks.iter().filter_map(|w| w.payload.clone()));
    roots
}

/// Every named type reachable from `roots`.
pub(super) fn reachable(types: &[TypeDef], roots: Vec<TypeRef>) -> BTreeSet<String> {
    let by_name: BTreeMap<&str, &TypeDef> = types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<TypeRef> = roots;
    while let Some(ty) = stack.pop() {
        match ty {
            TypeRef::Named(n) if seen.insert(n.clone()) => {
                match by_name.get(n.as_str()).map(|d| &d.kind) {
                    Some(TypeKind::Struct(s)) => {
                        stack.extend(s.fields.iter().map(|f| f.ty.clone()));
                        stack.extend(s.additional.iter().cloned());
                    }
                    Some(TypeKind::Union(u)) => {
                        stack.extend(u.variants.iter().map(|v| v.ty.clone()));
                        // The discriminator's accessor names the enum of the tag values.
                        stack.extend(
                            u.accessors
                                .iter()
                                .map(|a| TypeRef::Named(a.tag.enum_type.clone())),
                        );
                    }
                    Some(TypeKind::Alias(t)) => stack.push(t.clone()),
                    Some(TypeKind::Enum(_)) | None => {}
                }
            }
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => {
                stack.push(*inner)
            }
            _ => {}
        }
    }
    seen
}

fn find<'a>(types: &'a [TypeDef], name: &str) -> Option<&'a TypeDef> {
    types.iter().find(|t| t.name == name)
}

/// The type webhook payloads decode as: the one payload type, a spec union covering them all,
/// or an untagged enum of them, the payload with the most required fields first (so that a
/// payload is not taken for a smaller one whose fields it also has).
pub fn webhook_payload(types: &[TypeDef], webhooks: &[WebhookEvent]) -> WebhookPayload {
    let mut distinct: Vec<&TypeRef> = Vec::new();
    for p in webhooks.iter().filter_map(|w| w.payload.as_ref()) {
        if !distinct.contains(&p) {
            distinct.push(p);
        }
    }
    let covering = types.iter().find(|t| match &t.kind {
        TypeKind::Union(u) => distinct
            .iter()
            .all(|p| u.variants.iter().any(|v| &&v.ty == p)),
        _ => false,
    });
    match (distinct.len(), covering) {
        (0, _) => WebhookPayload::Json,
        (1, _) => WebhookPayload::Type(distinct[0].clone()),
        (_, Some(def)) => WebhookPayload::Type(TypeRef::Named(def.name.clone())),
        (_, None) => {
            let required = |ty: &TypeRef| match ty {
                TypeRef::Named(n) => find(types, n).map_or(0, |t| match &t.kind {
                    TypeKind::Struct(s) => {
                        s.fields.iter().filter(|f| f.presence.is_required()).count()
                    }
                    _ => 0,
                }),
                _ => 0,
            };
            distinct.sort_by_key(|ty| std::cmp::Reverse(required(ty)));
            let mut names = Namespace::default();
            let variants = distinct
                .into_iter()
                .map(|p| {
                    let name = names.claim(&match p {
                        TypeRef::Named(n) => n.clone(),
                        _ => "Json".to_owned(),
                    });
                    (name, p.clone())
                })
                .collect();
            WebhookPayload::Untagged(variants)
        }
    }
}

/// The message type of every WebSocket operation (each once, JSON values left out: they carry
/// no typed id) with where its event id is.
pub fn stream_messages(types: &[TypeDef], resources: &[Resource]) -> Vec<StreamMessage> {
    let mut messages: Vec<StreamMessage> = Vec::new();
    for op in resources.iter().flat_map(|r| &r.operations) {
        let Transport::WebSocket(ty) = &op.transport else {
            continue;
        };
        if *ty == TypeRef::Json || messages.iter().any(|m| &m.ty == ty) {
            continue;
        }
        let event_id = match ty {
            TypeRef::Named(name) => match find(types, name).map(|d| &d.kind) {
                Some(TypeKind::Union(u)) => EventId::Variants {
                    variants: u
                        .variants
                        .iter()
                        .map(|v| {
                            let field = match &v.ty {
                                TypeRef::Named(n) => id_field(types, n),
                                _ => None,
                            };
                            (v.name.clone(), field)
                        })
                        .collect(),
                    unknown: u.tag.as_ref().map(|t| t.unknown.clone()),
                },
                Some(TypeKind::Struct(_)) => {
                    id_field(types, name).map_or(EventId::None, EventId::Field)
                }
                _ => EventId::None,
            },
            _ => EventId::None,
        };
        messages.push(StreamMessage {
            ty: ty.clone(),
            event_id,
        });
    }
    messages
}

/// The string `id` field of a named struct, if it has one.
fn id_field(types: &[TypeDef], name: &str) -> Option<IdField> {
    let TypeKind::Struct(s) = &find(types, name)?.kind else {
        return None;
    };
    let field = s
        .fields
        .iter()
        .find(|f| f.wire == "id" && f.ty == TypeRef::String)?;
    Some(IdField {
        name: field.name.clone(),
        optional: field.presence != Presence::Required,
    })
}
