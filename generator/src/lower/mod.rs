//! Lowers a loaded spec's [`Document`](crate::document::Document) into the IR: names, `$ref`s,
//! schemas and operations become plain data, and every decision the emitters need is taken here.

mod bodies;
mod events;
mod naming;
mod operations;
mod pagination;
mod params;
mod reach;
pub(crate) mod recursion;
mod responses;
pub mod types;
mod usage;

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
}

/// Lowers a loaded spec into the IR.
pub fn lower(spec: &LoadedSpec, config: &SdkConfig, options: &LowerOptions) -> Result<Api> {
    let input = &spec.document;
    let doc = &input.openapi;
    let mut space = types::TypeSpace::new(input)?;
    let (resources, webhooks_from_callbacks) =
        operations::lower_operations(input, config, &mut space)?;
    let mut webhooks = events::webhooks(input, &mut space)?;
    webhooks.extend(webhooks_from_callbacks);
    webhooks.sort_by(|a, b| a.name.cmp(&b.name));
    let (mut types, mut diagnostics) = space.finish();
    usage::apply_usage(&mut types, &resources, &webhooks);
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
        crate_name,
    };
    let webhook_payload = usage::webhook_payload(&types, &webhooks);
    Ok(Api {
        meta,
        features: reach::crate_features(&types, &resources, &webhooks, &webhook_payload),
        webhook_payload,
        stream_messages: usage::stream_messages(&types, &resources),
        types,
        resources,
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
