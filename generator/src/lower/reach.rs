//! Which cargo features compile which parts of a generated crate: one feature per resource, one
//! for the webhook payloads, and for every model type the features whose operations (or webhook
//! payloads) reach it, transitively through fields, variants, parameters, bodies and responses;
//! `other-models` for the spec's models that nothing reaches (and what they reach); and the
//! capability features (`websocket`, `webhook-verify`, `multipart`), each present when the
//! API uses that capability.

use std::collections::{BTreeMap, BTreeSet};

use crate::ident::Namespace;
use crate::ir::{
    BodyEncoding, CrateFeatures, Operation, Pagination, Resource, Transport, TypeDef, TypeRef,
    WebhookEvent, WebhookPayload,
};

/// Feature names no resource gets: cargo's `default`, the `mock` test transport, and the capability
/// features whose names are identifiers (`webhook-verify` and `other-models` have a hyphen, which
/// resource names never do).
pub const RESERVED: [&str; 4] = ["default", "mock", "websocket", "multipart"];

/// The feature of the models no operation or webhook reaches. A name with a hyphen, like
/// `webhook-events`: never a resource's.
const OTHER_MODELS: &str = "other-models";

/// The crate's features: a feature per resource (named after it), `webhook-events` for the webhook
/// payloads (when the API has webhooks), `other-models` for the types that no operation and no
/// webhook reaches (when there are any), and for each type the features that need it. The types
/// `other-models` compiles are on by default like everything else, but a crate built with a few
/// resource features does not pay for the spec's unused schemas (or whatever they reach).
pub fn crate_features(
    types: &[TypeDef],
    resources: &[Resource],
    webhooks: &[WebhookEvent],
    payload: &WebhookPayload,
) -> CrateFeatures {
    // `default` is cargo's own feature name, `mock` the crate's test transport, `websocket` and
    // `multipart` capability features: reserved whether or not this API has them, so that a
    // resource's feature keeps its name when the API starts using one.
    let mut names = Namespace::with_reserved(RESERVED);
    let mut groups: Vec<(String, Vec<TypeRef>)> = Vec::new();
    let mut by_resource = BTreeMap::new();
    for resource in resources {
        let feature = names.claim(crate::ident::unraw(&resource.name));
        by_resource.insert(resource.name.clone(), feature.clone());
        let roots = resource
            .operations
            .iter()
            .flat_map(operation_roots)
            .collect();
        groups.push((feature, roots));
    }
    let webhook_feature = (!webhooks.is_empty()).then(|| {
        // Resource features are Rust identifiers, so a name with a hyphen is never taken.
        let feature = "webhook-events".to_owned();
        // The events' payloads and the type `crate::webhooks` decodes them as (a spec union
        // covering them all, say).
        let mut roots: Vec<TypeRef> = webhooks.iter().filter_map(|w| w.payload.clone()).collect();
        match payload {
            WebhookPayload::Json => {}
            WebhookPayload::Type(ty) => roots.push(ty.clone()),
            WebhookPayload::Untagged(variants) => {
                roots.extend(variants.iter().map(|(_, ty)| ty.clone()))
            }
        }
        groups.push((feature.clone(), roots));
        feature
    });

    let mut needed_by: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (feature, roots) in groups {
        for name in super::usage::reachable(types, roots) {
            needed_by.entry(name).or_default().insert(feature.clone());
        }
    }
    // What no feature reaches is compiled by `other-models`, and so is everything it reaches.
    let unreached: Vec<TypeRef> = types
        .iter()
        .filter(|t| !needed_by.contains_key(&t.name))
        .map(|t| TypeRef::Named(t.name.clone()))
        .collect();
    let other_models = (!unreached.is_empty()).then(|| OTHER_MODELS.to_owned());
    for name in super::usage::reachable(types, unreached) {
        needed_by
            .entry(name)
            .or_default()
            .insert(OTHER_MODELS.to_owned());
    }
    let ops = || resources.iter().flat_map(|r| &r.operations);
    CrateFeatures {
        resources: by_resource,
        websocket: ops()
            .any(|op| matches!(op.transport, Transport::WebSocket(_)))
            .then(|| "websocket".to_owned()),
        // A name with a hyphen, like `webhook-events`: never a resource's.
        webhook_verify: webhook_feature
            .is_some()
            .then(|| "webhook-verify".to_owned()),
        multipart: ops()
            .any(|op| {
                matches!(
                    op.body.as_ref().map(|b| &b.encoding),
                    Some(BodyEncoding::Multipart(_))
                )
            })
            .then(|| "multipart".to_owned()),
        webhooks: webhook_feature,
        other_models,
        types: needed_by
            .into_iter()
            .map(|(name, features)| (name, features.into_iter().collect()))
            .collect(),
    }
}

/// Every type an operation's code names: parameters, body, response, stream messages, pages; and
/// the models of its error responses, which callers read errors' bodies as.
fn operation_roots(op: &Operation) -> Vec<TypeRef> {
    let mut roots: Vec<TypeRef> = op
        .path_params
        .iter()
        .chain(&op.params)
        .map(|p| p.ty.clone())
        .collect();
    match op.body.as_ref().map(|b| &b.encoding) {
        Some(BodyEncoding::Json(ty, _) | BodyEncoding::Form(ty)) => roots.push(ty.clone()),
        Some(BodyEncoding::Multipart(parts)) => roots.extend(parts.iter().map(|p| p.ty.clone())),
        Some(BodyEncoding::Bytes(_) | BodyEncoding::Text(_)) | None => {}
    }
    roots.extend(op.response.types().into_iter().cloned());
    roots.extend(op.error_types.iter().cloned());
    if let Transport::WebSocket(ty) = &op.transport {
        roots.push(ty.clone());
    }
    if let Some(Pagination::Offset { page, .. } | Pagination::Cursor { page, .. }) = &op.pagination
    {
        roots.push(page.item.clone());
    }
    roots
}

#[cfg(test)]
mod tests {
    use crate::config::SdkConfig;
    use crate::ir::Api;
    use crate::lower::{LowerOptions, lower};

    fn api(spec: serde_json::Value) -> Api {
        let spec = crate::load::load_str(&spec.to_string(), "test.json").expect("spec loads");
        lower(&spec, &SdkConfig::default(), &LowerOptions::default()).expect("spec lowers")
    }

    fn op(tag: &str, id: &str, response: &str) -> serde_json::Value {
        serde_json::json!({
            "tags": [tag],
            "operationId": id,
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": format!("#/components/schemas/{response}")}
            }}}}
        })
    }

    fn features<'a>(api: &'a Api, ty: &str) -> Option<Vec<&'a str>> {
        let list = api.features.types.get(ty)?;
        Some(list.iter().map(String::as_str).collect())
    }

    /// A shop: pets (with a query parameter and an error model), stores (a request body), `default` and `mock`
    /// resources sharing a model, a webhook, and a type nothing reaches.
    fn shop() -> Api {
        let mut list_pets = op("pets", "listPets", "Pet");
        list_pets["parameters"] = serde_json::json!([{
            "name": "color", "in": "query", "schema": {"$ref": "#/components/schemas/Color"}
        }]);
        list_pets["responses"]["4XX"] = serde_json::json!({
            "description": "bad", "content": {"application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"}
            }}
        });
        api(serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "Shop", "version": "1"},
            "paths": {
                "/pets": {"get": list_pets},
                "/stores": {"post": {
                    "tags": ["stores"],
                    "operationId": "createStore",
                    "requestBody": {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/StoreCreate"}
                    }}},
                    "responses": {"200": {"description": "ok", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Store"}
                    }}}}
                }},
                "/settings": {"get": op("default", "getSettings", "Settings")},
                "/mocks": {"get": op("mock", "listMocks", "Settings")}
            },
            "webhooks": {"pet.born": {"post": {
                "requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/PetBorn"}
                }}},
                "responses": {"200": {"description": "ok"}}
            }}},
            "components": {"schemas": {
                "Color": {"type": "string", "enum": ["red", "blue"]},
                "Owner": {"type": "object", "properties": {"name": {"type": "string"}}},
                "Pet": {"type": "object", "properties": {"owner": {"$ref": "#/components/schemas/Owner"}}},
                "PetBorn": {"type": "object", "properties": {"pet": {"$ref": "#/components/schemas/Pet"}}},
                "Store": {"type": "object", "properties": {
                    "pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                    "tag": {"$ref": "#/components/schemas/Tag"}
                }},
                "StoreCreate": {"type": "object", "properties": {"name": {"type": "string"}}},
                "Settings": {"type": "object", "properties": {"theme": {"type": "string"}}},
                "Tag": {"type": "object", "properties": {"label": {"type": "string"}}},
                "Problem": {"type": "object", "properties": {"title": {"type": "string"}}},
                "Orphan": {"type": "object", "properties": {"tag": {"$ref": "#/components/schemas/Tag"}}}
            }}
        }))
    }

    #[test]
    fn resources_webhooks_and_capabilities_get_features() {
        let api = shop();
        let resources: Vec<(&str, &str)> = api
            .features
            .resources
            .iter()
            .map(|(r, f)| (r.as_str(), f.as_str()))
            .collect();
        // `default` is cargo's and `mock` the test transport's: those resources' features get
        // other names.
        assert_eq!(
            resources,
            [
                ("default", "default_2"),
                ("mock", "mock_2"),
                ("pets", "pets"),
                ("stores", "stores")
            ]
        );
        assert_eq!(api.features.webhooks.as_deref(), Some("webhook-events"));
        assert_eq!(
            api.features.all(),
            [
                "default_2",
                "mock_2",
                "pets",
                "stores",
                "webhook-events",
                "other-models",
                "webhook-verify"
            ]
        );
        // Webhooks, but no WebSocket and no multipart operation: only `webhook-verify`.
        assert_eq!(
            api.features.capabilities(),
            [("webhooks", "webhook-verify")]
        );
    }

    #[test]
    fn each_type_needs_the_features_that_reach_it() {
        let api = shop();
        // Through fields, array items, parameters, request bodies and webhook payloads.
        let all_three = Some(vec!["pets", "stores", "webhook-events"]);
        assert_eq!(features(&api, "Pet"), all_three);
        assert_eq!(features(&api, "Owner"), all_three);
        assert_eq!(features(&api, "Color"), Some(vec!["pets"]));
        // An error response's model: callers read a failed call's body as it.
        assert_eq!(features(&api, "Problem"), Some(vec!["pets"]));
        assert_eq!(features(&api, "StoreCreate"), Some(vec!["stores"]));
        assert_eq!(features(&api, "Store"), Some(vec!["stores"]));
        assert_eq!(features(&api, "PetBorn"), Some(vec!["webhook-events"]));
        assert_eq!(
            features(&api, "Settings"),
            Some(vec!["default_2", "mock_2"])
        );
        // Reached by nothing: `other-models` compiles it, and what it reaches, which `stores`
        // compiles too.
        assert_eq!(api.features.other_models.as_deref(), Some("other-models"));
        assert_eq!(features(&api, "Orphan"), Some(vec!["other-models"]));
        assert_eq!(features(&api, "Tag"), Some(vec!["other-models", "stores"]));
        // Every type is listed: with no feature on, no model compiles.
        assert!(api.types.iter().all(|t| features(&api, &t.name).is_some()));
    }

    /// Capability features exist when the API uses the capability; a resource named like one (or
    /// like `mock`, the test transport's feature) gets another feature name, whether or not the API
    /// uses that capability.
    #[test]
    fn capability_features_and_the_names_they_reserve() {
        let upload = serde_json::json!({
            "tags": ["multipart"],
            "operationId": "upload",
            "requestBody": {"content": {"multipart/form-data": {"schema": {
                "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}
            }}}},
            "responses": {"204": {"description": "done"}}
        });
        let mut subscribe = op("websocket", "subscribe", "Pet");
        subscribe["x-websocket"] =
            serde_json::json!({"message": {"$ref": "#/components/schemas/Pet"}});
        let api = api(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "Shop", "version": "1"},
            "paths": {
                "/upload": {"post": upload},
                "/events": {"get": subscribe},
                "/mock": {"get": op("mock", "getMock", "Pet")}
            },
            "components": {"schemas": {"Pet": {"type": "object"}}}
        }));
        let f = &api.features;
        let resources: Vec<(&str, &str)> = f
            .resources
            .iter()
            .map(|(r, f)| (r.as_str(), f.as_str()))
            .collect();
        assert_eq!(
            resources,
            [
                ("mock", "mock_2"),
                ("multipart", "multipart_2"),
                ("websocket", "websocket_2")
            ]
        );
        assert_eq!(
            f.capabilities(),
            [("websocket", "websocket"), ("multipart", "multipart")]
        );
        assert_eq!(f.webhook_verify, None);
        // The operations reach every model but the struct of the multipart body, whose fields
        // are the parts (the operation sends them one by one): only it is an other model.
        let others: Vec<&str> = f
            .types
            .iter()
            .filter(|(_, features)| features.iter().any(|x| x == "other-models"))
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(others, ["MultipartUploadBody"]);
        let ops: Vec<_> = api.resources.iter().flat_map(|r| &r.operations).collect();
        let needs: Vec<Option<&str>> = ops.iter().map(|op| f.capability_of(op)).collect();
        assert_eq!(needs, [None, Some("multipart"), Some("websocket")]);
        let whole: Vec<Option<&str>> = api
            .resources
            .iter()
            .map(|r| f.capability_of_resource(r))
            .collect();
        assert_eq!(whole, [None, Some("multipart"), Some("websocket")]);

        // Without those operations the names stay reserved, and no capability feature exists.
        let api = api_without_capabilities();
        assert_eq!(api.features.resources["websocket"], "websocket_2");
        assert!(api.features.capabilities().is_empty());
    }

    fn api_without_capabilities() -> Api {
        api(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "Shop", "version": "1"},
            "paths": {"/ws": {"get": op("websocket", "getWs", "Pet")}},
            "components": {"schemas": {"Pet": {"type": "object"}}}
        }))
    }

    #[test]
    fn a_spec_without_webhooks_has_no_webhook_feature() {
        let api = api(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "Shop", "version": "1"},
            "paths": {"/pets": {"get": op("pets", "listPets", "Pet")}},
            "components": {"schemas": {"Pet": {"type": "object"}}}
        }));
        assert_eq!(api.features.webhooks, None);
        assert_eq!(api.features.all(), ["pets"]);
    }
}
