//! Lowers a loaded spec's [`Document`](crate::document::Document) into the IR: names, `$ref`s,
//! schemas and operations become plain data, and every decision the emitters need is taken here.

mod bodies;
mod events;
mod formats;
mod ids;
pub mod naming;
mod operations;
mod pagination;
mod params;
mod reach;
pub(crate) mod recursion;
mod responses;
pub mod types;
mod usage;
mod waiters;

use openapiv3::{ReferenceOr, SecurityScheme};

use crate::config::SdkConfig;
use crate::error::Result;
use crate::ir::{Api, AuthScheme, Meta};
use crate::load::LoadedSpec;

/// What the caller knows that the spec does not say.
#[derive(Debug, Clone, Default)]
pub struct LowerOptions {
    /// Crate name; overrides the config file.
    pub crate_name: Option<String>,
    /// Where the spec came from, for headers.
    pub source: String,
    /// The names the crate gave its operations when it was last generated (see [`crate::names`]).
    pub names: crate::names::NameLock,
}

/// Lowers a loaded spec into the IR.
pub fn lower(spec: &LoadedSpec, config: &SdkConfig, options: &LowerOptions) -> Result<Api> {
    let input = &spec.document;
    let doc = &input.openapi;
    let mut space = types::TypeSpace::new(input)?;
    let (resources, webhooks_from_callbacks) =
        operations::lower_operations(input, config, &options.names, &mut space)?;
    let mut webhooks = events::webhooks(input, &mut space)?;
    webhooks.extend(webhooks_from_callbacks);
    webhooks.sort_by(|a, b| a.name.cmp(&b.name));
    let (mut types, mut diagnostics) = space.finish();
    let mut resources = resources;
    let ids = ids::apply(&config.ids, &mut types, &mut resources, &mut diagnostics);
    let waiters = waiters::lower(&config.waiters, &types, &resources, &mut diagnostics);
    usage::apply_usage(&mut types, &resources, &webhooks);
    // After usage: it settles the presence of received fields.
    events::union_accessors(&mut types);
    events::tag_filters(&types, &mut resources);
    diagnostics.extend(spec.diagnostics.iter().cloned());
    diagnostics.sort();
    diagnostics.dedup();

    let crate_name = options
        .crate_name
        .clone()
        .or_else(|| config.package.name.clone())
        .unwrap_or_else(|| crate::ident::snake(&doc.info.title).replace('_', "-"));
    let crate_name = crate_name_of(&crate_name);
    let env_prefix = config
        .package
        .env_prefix
        .clone()
        .unwrap_or_else(|| crate_name.to_uppercase().replace('-', "_"));
    let meta = Meta {
        version: config
            .package
            .version
            .clone()
            .unwrap_or_else(|| "0.1.0".to_owned()),
        title: doc.info.title.clone(),
        api_version: doc.info.version.clone(),
        description: doc.info.description.clone(),
        base_url: base_url(doc),
        env_prefix,
        auth: auth_schemes(doc),
        source: options.source.clone(),
        package: config.package.metadata(&crate_name, &doc.info.title),
        crate_name,
    };
    let webhook_payload = usage::webhook_payload(&types, &webhooks);
    Ok(Api {
        meta,
        features: reach::crate_features(&types, &resources, &webhooks, &webhook_payload),
        webhook_payload,
        stream_messages: usage::stream_messages(&types, &resources),
        types,
        ids,
        resources,
        waiters,
        webhooks,
        diagnostics,
    })
}

/// A valid package name: ASCII letters, digits, `-` and `_`, starting with a letter.
fn crate_name_of(wanted: &str) -> String {
    let mut name: String = wanted
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "api-");
    }
    name
}

/// The first server's URL with its variables at their defaults.
fn base_url(doc: &openapiv3::OpenAPI) -> String {
    let Some(server) = doc.servers.first() else {
        return String::new();
    };
    let mut url = server.url.clone();
    if let Some(vars) = &server.variables {
        for (name, var) in vars {
            url = url.replace(&format!("{{{name}}}"), &var.default);
        }
    }
    url.trim_end_matches('/').to_owned()
}

/// The security schemes the client supports, in the order the spec prefers them.
fn auth_schemes(doc: &openapiv3::OpenAPI) -> Vec<AuthScheme> {
    let Some(components) = &doc.components else {
        return Vec::new();
    };
    let mut order: Vec<&String> = Vec::new();
    for requirement in doc.security.iter().flatten() {
        for name in requirement.keys() {
            if !order.contains(&name) {
                order.push(name);
            }
        }
    }
    let mut rest: Vec<&String> = components
        .security_schemes
        .keys()
        .filter(|n| !order.contains(n))
        .collect();
    rest.sort();
    order.extend(rest);
    let mut schemes = Vec::new();
    for name in order {
        let Some(ReferenceOr::Item(scheme)) = components.security_schemes.get(name) else {
            continue;
        };
        let lowered = match scheme {
            SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => {
                AuthScheme::Basic
            }
            SecurityScheme::HTTP { .. }
            | SecurityScheme::OAuth2 { .. }
            | SecurityScheme::OpenIDConnect { .. } => AuthScheme::Bearer,
            SecurityScheme::APIKey { location, name, .. } => match location {
                openapiv3::APIKeyLocation::Header => AuthScheme::ApiKeyHeader(name.clone()),
                openapiv3::APIKeyLocation::Query => AuthScheme::ApiKeyQuery(name.clone()),
                openapiv3::APIKeyLocation::Cookie => AuthScheme::ApiKeyCookie(name.clone()),
            },
        };
        if !schemes.contains(&lowered) {
            schemes.push(lowered);
        }
    }
    schemes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{DiagnosticKind, JsonFields};

    fn api(schemas: serde_json::Value) -> Api {
        let text = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas},
        })
        .to_string();
        let spec = crate::load::load_str(&text, "test").expect("loads");
        lower(&spec, &SdkConfig::default(), &LowerOptions::default()).expect("lowers")
    }

    #[test]
    fn json_fields_are_only_the_untyped_ones() {
        let api = api(serde_json::json!({
            "Thing": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "anything": {},
                    "list": {"type": "array"},
                    "bag": {"type": "object"},
                    "note": {"description": "untyped but nullable", "nullable": true},
                },
            },
        }));
        let share = api.json_fields();
        assert_eq!(share, JsonFields { fields: 7, json: 4 });
        assert!((share.share() - 4.0 / 7.0).abs() < 1e-9);
        assert_eq!(JsonFields::default().share(), 0.0);
    }

    #[test]
    fn diagnostics_carry_their_kind() {
        let api = api(serde_json::json!({
            "Pet": {
                "oneOf": [{"type": "string"}, {"type": "integer"}],
                "discriminator": {"propertyName": "kind"},
            },
        }));
        assert!(!api.diagnostics.is_empty());
        assert!(
            api.diagnostics
                .iter()
                .all(|d| d.kind == DiagnosticKind::LossyType)
        );
        let text = api.diagnostics[0].to_string();
        assert!(
            text.starts_with("[lossy type] #/components/schemas/"),
            "{text}"
        );
    }
}
