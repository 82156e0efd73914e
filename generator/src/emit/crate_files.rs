//! The crate-level files of a generated SDK: `lib.rs`, `webhooks.rs`, the copied runtime,
//! `Cargo.toml` and `README.md`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::Features;
use crate::emit::docs::doc_attrs;
use crate::emit::types::{TypePaths, ident};
use crate::ir::{Api, AuthScheme, Diagnostic, TypeKind, TypeRef};

/// The runtime files copied into every generated crate: (file name, contents, optional part).
pub const RUNTIME_FILES: &[(&str, &str, Option<&str>)] = &[
    (
        "mod.rs",
        include_str!("../../../templates/src/runtime/mod.rs"),
        None,
    ),
    (
        "client.rs",
        include_str!("../../../templates/src/runtime/client.rs"),
        None,
    ),
    (
        "error.rs",
        include_str!("../../../templates/src/runtime/error.rs"),
        None,
    ),
    (
        "multipart.rs",
        include_str!("../../../templates/src/runtime/multipart.rs"),
        None,
    ),
    (
        "pagination.rs",
        include_str!("../../../templates/src/runtime/pagination.rs"),
        None,
    ),
    (
        "rate_limit.rs",
        include_str!("../../../templates/src/runtime/rate_limit.rs"),
        None,
    ),
    (
        "request.rs",
        include_str!("../../../templates/src/runtime/request.rs"),
        None,
    ),
    (
        "response.rs",
        include_str!("../../../templates/src/runtime/response.rs"),
        None,
    ),
    (
        "retry.rs",
        include_str!("../../../templates/src/runtime/retry.rs"),
        None,
    ),
    (
        "secret.rs",
        include_str!("../../../templates/src/runtime/secret.rs"),
        None,
    ),
    (
        "wire.rs",
        include_str!("../../../templates/src/runtime/wire.rs"),
        None,
    ),
    (
        "sse.rs",
        include_str!("../../../templates/src/runtime/sse.rs"),
        Some("sse"),
    ),
    (
        "webhooks.rs",
        include_str!("../../../templates/src/runtime/webhooks.rs"),
        Some("webhooks"),
    ),
    (
        "websocket.rs",
        include_str!("../../../templates/src/runtime/websocket.rs"),
        Some("websocket"),
    ),
    (
        "time.rs",
        include_str!("../../../templates/src/runtime/time.rs"),
        Some("time"),
    ),
    (
        "bytes.rs",
        include_str!("../../../templates/src/runtime/bytes.rs"),
        Some("bytes"),
    ),
];

/// The runtime's manifest, for its dependency list.
const TEMPLATES_MANIFEST: &str = include_str!("../../../templates/Cargo.toml");
/// The workspace manifest, for dependency versions (one source of truth).
const WORKSPACE_MANIFEST: &str = include_str!("../../../Cargo.toml");

/// Dependencies only an optional runtime part needs.
const OPTIONAL_DEPS: &[(&str, &str)] = &[
    ("tokio-tungstenite", "websocket"),
    ("hmac", "webhooks"),
    ("sha2", "webhooks"),
];

fn enabled(features: &Features, part: &str) -> bool {
    match part {
        "sse" => features.sse,
        "webhooks" => features.webhooks,
        "websocket" => features.websocket,
        // No generated type uses `time` or `bytes` yet.
        _ => false,
    }
}

/// The runtime files this crate needs; `mod.rs` loses the lines of parts it does not need.
pub fn runtime_files(features: &Features) -> Vec<(&'static str, String)> {
    let disabled: Vec<&str> = RUNTIME_FILES
        .iter()
        .filter_map(|(_, _, part)| *part)
        .filter(|p| !enabled(features, p))
        .collect();
    RUNTIME_FILES
        .iter()
        .filter(|(_, _, part)| part.is_none_or(|p| enabled(features, p)))
        .map(|(name, text, _)| {
            let text = if *name == "mod.rs" {
                text.lines()
                    .filter(|line| !disabled.iter().any(|p| mentions_module(line, p)))
                    .map(|l| format!("{l}\n"))
                    .collect()
            } else {
                without_tests(text).to_owned()
            };
            (*name, text)
        })
        .collect()
}

/// The runtime's unit tests stay in `templates/`: a generated crate gets the code without its
/// `#[cfg(test)] mod tests`, which every runtime file keeps last.
fn without_tests(text: &str) -> &str {
    match text.find("\n#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..=at],
        None => text,
    }
}

fn mentions_module(line: &str, module: &str) -> bool {
    let t = line.trim();
    t == format!("mod {module};")
        || t == format!("pub mod {module};")
        || t.starts_with(&format!("pub use {module}::"))
}

/// The `[dependencies]` of the generated crate, with versions from the workspace manifest.
fn dependencies(features: &Features) -> String {
    let templates: toml::Table = TEMPLATES_MANIFEST
        .parse()
        .expect("templates/Cargo.toml is valid TOML");
    let workspace: toml::Table = WORKSPACE_MANIFEST
        .parse()
        .expect("Cargo.toml is valid TOML");
    let versions = workspace["workspace"]["dependencies"]
        .as_table()
        .expect("workspace.dependencies is a table");
    let deps = templates["dependencies"]
        .as_table()
        .expect("templates has dependencies");
    let mut out = String::new();
    for (name, dep) in deps {
        // Optional dependencies serve the runtime crate's own features (conversions to other crates'
        // types), which a copied runtime does not offer.
        if dep.get("optional").and_then(toml::Value::as_bool) == Some(true) {
            continue;
        }
        if let Some((_, part)) = OPTIONAL_DEPS.iter().find(|(d, _)| d == name) {
            if !enabled(features, part) {
                continue;
            }
        }
        let spec = versions
            .get(name)
            .cloned()
            .expect("every runtime dependency is a workspace dependency");
        let rendered = match spec {
            toml::Value::String(v) => format!("{name} = \"{v}\"\n"),
            toml::Value::Table(t) => {
                let mut inline = toml::map::Map::new();
                for (k, v) in t {
                    inline.insert(k, v);
                }
                format!(
                    "{name} = {}\n",
                    toml::Value::Table(inline).to_string().replace('\n', " ")
                )
            }
            other => format!("{name} = {other}\n"),
        };
        out.push_str(&rendered);
    }
    out
}

/// `Cargo.toml` of the generated crate.
pub fn cargo_toml(api: &Api, features: &Features, options: &super::EmitOptions) -> String {
    let m = &api.meta;
    let description = format!(
        "Rust SDK for the {} (generated from its OpenAPI spec)",
        m.title.replace('"', "'")
    );
    let workspace = if options.standalone {
        "\n[workspace]\n"
    } else {
        ""
    };
    format!(
        "# @generated by cargo xtask codegen from {}. Do not edit.\n[package]\nname = \"{}\"\nversion = \"{}\"\nedition = \"2024\"\nrust-version = \"1.85\"\ndescription = \"{description}\"\nlicense = \"MIT OR Apache-2.0\"\n\n[dependencies]\n{}{workspace}",
        m.source,
        m.crate_name,
        m.version,
        dependencies(features)
    )
}

fn auth_tokens(scheme: &AuthScheme) -> TokenStream {
    match scheme {
        AuthScheme::Bearer => quote!(crate::runtime::AuthScheme::Bearer),
        AuthScheme::Basic => quote!(crate::runtime::AuthScheme::Basic),
        AuthScheme::ApiKeyHeader(n) => quote!(crate::runtime::AuthScheme::ApiKeyHeader(#n)),
        AuthScheme::ApiKeyQuery(n) => quote!(crate::runtime::AuthScheme::ApiKeyQuery(#n)),
        AuthScheme::ApiKeyCookie(n) => quote!(crate::runtime::AuthScheme::ApiKeyCookie(#n)),
    }
}

/// A short Rust example for the crate docs and README: the first operation that needs no
/// arguments beyond string path parameters.
fn example(api: &Api) -> String {
    let krate = api.meta.crate_name.replace('-', "_");
    let mut lines = vec![format!("let client = {krate}::Client::from_env()?;")];
    let candidate = api
        .resources
        .iter()
        .flat_map(|r| r.operations.iter().map(move |o| (r, o)))
        .find(|(_, o)| {
            o.transport == crate::ir::Transport::Http
                && o.http_method == "GET"
                && o.path_params.iter().all(|p| p.ty == TypeRef::String)
                && o.params.iter().all(|p| !p.required)
                && o.body.is_none()
        });
    if let Some((r, o)) = candidate {
        let args: Vec<String> = o
            .path_params
            .iter()
            .map(|p| format!("\"{}\"", crate::ident::unraw(&p.name)))
            .collect();
        lines.push(format!(
            "let response = client.{}().{}({}).send_with_response().await?;",
            r.name,
            o.method_name,
            args.join(", ")
        ));
        lines.push(
            "println!(\"{} (rate limit: {:?})\", response.status(), response.rate_limit());"
                .to_owned(),
        );
    }
    lines.join("\n")
}

/// `src/lib.rs`.
pub fn lib_rs(api: &Api, features: &Features, _paths: &TypePaths) -> TokenStream {
    let m = &api.meta;
    let krate = m.crate_name.replace('-', "_");
    let env = &m.env_prefix;
    let mut doc = format!(
        "# {} Rust SDK\n\nAn async client for the {} (API version {}).\n",
        m.title, m.title, m.api_version
    );
    if let Some(d) = &m.description {
        let first = d.split("\n\n").next().unwrap_or(d);
        doc.push_str(&format!(
            "\n{}\n",
            crate::emit::docs::sanitize(first).join("\n")
        ));
    }
    doc.push_str(&format!(
        "\n## Quick start\n\n```no_run\n# async fn run() -> Result<(), {krate}::Error> {{\n{}\n# Ok(())\n# }}\n```\n",
        example(api)
    ));
    doc.push_str(&format!(
        "\n`Client::from_env` reads the API key from `{env}_API_KEY` and, when set, the base URL from `{env}_BASE_URL`; \
         `Client::builder()` sets both (and timeouts, retries, headers) in code.\n\n\
         ## Errors, retries and rate limits\n\n\
         Every call returns `Result<_, {krate}::Error>`. An API error carries the status, the server's `detail`, \
         the rate-limit figures, the request id and the headers: `err.status()`, `err.detail()`, \
         `err.rate_limit()`, `err.request_id()`, and `err.body_as::<T>()` for the error type the spec documents. \
         `send_with_response()` gives the status, headers and `RateLimit` of a success.\n\n\
         Retries (2 by default; `ClientBuilder::max_retries`, or `max_retries` on one call) wait with exponential \
         backoff from 0.5 s up to 8 s, with jitter, or as long as the server's `Retry-After` / `retry-after-ms` \
         asks (a longer wait than the client accepts returns the error instead). A request is never sent twice \
         when its first attempt may have had an effect: connection failures before sending and 429 answers are \
         retried for every method; timeouts, broken connections, 408, 409 and 5xx only for idempotent methods \
         (GET, HEAD, PUT, DELETE, OPTIONS) and for operations that declare an idempotency header, which then \
         carries the same key on every attempt.\n"
    ));
    let doc_lines = doc.lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#![doc = #l])
    });
    let base_url = &m.base_url;
    let user_agent = format!("{}-rust/", m.crate_name);
    let api_key_env = format!("{env}_API_KEY");
    let base_url_env = format!("{env}_BASE_URL");
    let auth = m.auth.iter().map(auth_tokens);
    let webhooks_mod = features.webhooks.then(|| {
        quote! {
            /// Webhook payloads and their signature verification.
            pub mod webhooks;
        }
    });
    let websocket_use = features.websocket.then(|| {
        quote!(
            pub use runtime::websocket::{EventStream, StreamError, StreamOptions};
        )
    });
    let sse_use = features.sse.then(|| {
        quote!(
            pub use runtime::sse::{SseError, SseEvent, SseStream, TypedSseStream};
        )
    });
    quote! {
        #(#doc_lines)*
        #![forbid(unsafe_code)]
        #![allow(clippy::large_enum_variant, reason = "model enums mirror the API's unions; boxing every variant would make them harder to use")]
        #![allow(clippy::too_many_arguments, reason = "constructors take every required field of a model")]

        pub mod resources;
        pub mod types;
        #webhooks_mod
        #[allow(dead_code, unused_imports, reason = "the runtime is shared by every generated SDK; this API may not use all of it")]
        mod runtime;

        pub use runtime::{ApiError, ByteStream, Client, ClientBuilder, Error, ErrorDetail, RateLimit, RawResponse, RequestOptions, Response, ValidationIssue};
        #websocket_use
        #sse_use

        /// What this API's clients start from: base URL, environment variables, authentication.
        pub(crate) static DEFAULTS: runtime::ClientDefaults = runtime::ClientDefaults {
            base_url: #base_url,
            user_agent: concat!(#user_agent, env!("CARGO_PKG_VERSION")),
            api_key_env: Some(#api_key_env),
            base_url_env: Some(#base_url_env),
            auth: &[#(#auth),*],
        };

        impl Client {
            /// A builder for a client: API key, base URL, timeouts, retries, headers.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new(&DEFAULTS)
            }

            /// A client configured from the environment (see the crate docs for the variable names).
            pub fn from_env() -> Result<Client, Error> {
                ClientBuilder::new(&DEFAULTS).from_env()?.build()
            }
        }
    }
}

/// `src/webhooks.rs`: the payload type and the verifier.
pub fn webhooks_rs(api: &Api, paths: &TypePaths, diagnostics: &mut Vec<Diagnostic>) -> TokenStream {
    let payloads: Vec<&TypeRef> = api
        .webhooks
        .iter()
        .filter_map(|w| w.payload.as_ref())
        .collect();
    let mut distinct: Vec<&TypeRef> = Vec::new();
    for p in &payloads {
        if !distinct.contains(p) {
            distinct.push(p);
        }
    }
    // A union that covers every payload is the natural event type.
    let covering = api.types.iter().find(|t| match &t.kind {
        TypeKind::Union(u) => distinct
            .iter()
            .all(|p| u.variants.iter().any(|v| &&v.ty == p)),
        _ => false,
    });
    let (event_ty, extra) = match (distinct.len(), covering) {
        (0, _) => (quote!(::serde_json::Value), TokenStream::new()),
        (1, _) => (paths.ty(distinct[0]), TokenStream::new()),
        (_, Some(def)) => (
            paths.ty(&TypeRef::Named(def.name.clone())),
            TokenStream::new(),
        ),
        (_, None) => {
            // Untagged: the payload with the most required fields is tried first, so that a
            // payload is not taken for a smaller one whose fields it also has.
            let required = |ty: &TypeRef| match ty {
                TypeRef::Named(n) => {
                    api.types
                        .iter()
                        .find(|t| &t.name == n)
                        .map_or(0, |t| match &t.kind {
                            TypeKind::Struct(s) => s.fields.iter().filter(|f| f.required).count(),
                            _ => 0,
                        })
                }
                _ => 0,
            };
            distinct.sort_by_key(|ty| std::cmp::Reverse(required(ty)));
            let mut names = crate::ident::Namespace::default();
            let variants = distinct.iter().map(|p| {
                let n = ident(&names.claim(&match p {
                    TypeRef::Named(n) => n.clone(),
                    _ => "Json".to_owned(),
                }));
                let t = paths.ty(p);
                quote!(#[allow(missing_docs)] #n(#t),)
            });
            (
                quote!(WebhookPayload),
                quote! {
                    /// Any payload the API's webhooks deliver.
                    #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                    #[serde(untagged)]
                    pub enum WebhookPayload { #(#variants)* }
                },
            )
        }
    };
    let _ = diagnostics;
    let list: Vec<String> = api
        .webhooks
        .iter()
        .map(|w| {
            let payload = match &w.payload {
                Some(TypeRef::Named(n)) => format!(": [`{n}`](crate::types::{n})"),
                _ => String::new(),
            };
            format!("- `{}`{payload}", w.name.replace('`', "'"))
        })
        .collect();
    let events_doc = doc_attrs(Some(&format!(
        "The events the API delivers:\n\n{}",
        list.join("\n")
    )));
    quote! {
        //! Webhook payloads and their signature verification (Standard Webhooks).
        #events_doc
        pub type Webhook = crate::runtime::webhooks::Webhook<#event_ty>;
        pub use crate::runtime::webhooks::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, WebhookError};
        #extra
    }
}

/// `README.md` of the generated crate.
pub fn readme(api: &Api) -> String {
    let m = &api.meta;
    let krate = m.crate_name.replace('-', "_");
    let mut out = format!(
        "<!-- @generated by cargo xtask codegen from {}. Do not edit. -->\n# {}\n\nAn async Rust client for the {} (API version {}), generated from its OpenAPI spec.\n\n",
        m.source, m.crate_name, m.title, m.api_version
    );
    out.push_str(&format!(
        "## Quick start\n\n```rust,no_run\nasync fn run() -> Result<(), {krate}::Error> {{\n{}\n    Ok(())\n}}\n```\n\n",
        example(api).lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
    ));
    out.push_str(&format!(
        "The client reads `{0}_API_KEY` (and `{0}_BASE_URL`, when set) from the environment; `Client::builder()` sets them in code.\n\n",
        m.env_prefix
    ));
    out.push_str("## Operations\n\n| call | HTTP |\n|---|---|\n");
    for r in &api.resources {
        for o in &r.operations {
            let args: Vec<&str> = o
                .path_params
                .iter()
                .map(|p| crate::ident::unraw(&p.name))
                .collect();
            out.push_str(&format!(
                "| `client.{}().{}({})` | `{} {}` |\n",
                r.name,
                o.method_name,
                args.join(", "),
                o.http_method,
                o.path.replace('|', "\\|")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test module is the last item of each runtime file, so cutting at it removes nothing else.
    #[test]
    fn runtime_tests_are_the_last_item_of_their_file() {
        for (name, text, _) in RUNTIME_FILES {
            let kept = without_tests(text);
            let cut = &text[kept.len()..];
            assert!(
                !kept.contains("#[cfg(test)]"),
                "{name}: a test item outside the final tests module"
            );
            if !cut.is_empty() {
                let items = syn::parse_file(cut)
                    .unwrap_or_else(|e| panic!("{name}: the cut part does not parse: {e}"))
                    .items;
                assert!(
                    matches!(items.as_slice(), [syn::Item::Mod(m)] if m.ident == "tests"),
                    "{name}: something follows the tests module"
                );
            }
            syn::parse_file(kept)
                .unwrap_or_else(|e| panic!("{name} without its tests does not parse: {e}"));
        }
    }
}
