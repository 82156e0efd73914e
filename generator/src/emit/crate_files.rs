//! The crate-level files of a generated SDK: `lib.rs`, `webhooks.rs`, the inline runtime copy,
//! `Cargo.toml` and `README.md`.

use proc_macro2::TokenStream;
use quote::quote;

use std::collections::BTreeMap;

use crate::emit::docs::doc_attrs;
use crate::emit::types::{TypePaths, ident};
use crate::emit::{Features, Runtime};
use crate::ir::{Api, AuthScheme, CrateFeatures, Diagnostic, TypeRef, WebhookPayload};

/// The runtime's files, copied into a crate generated with the inline runtime: (file name in
/// `src/runtime/`, contents, the runtime feature that holds it). `lib.rs` becomes `mod.rs`.
pub const RUNTIME_FILES: &[(&str, &str, Option<&str>)] = &[
    (
        "mod.rs",
        include_str!("../../../templates/src/lib.rs"),
        None,
    ),
    (
        "client.rs",
        include_str!("../../../templates/src/client.rs"),
        None,
    ),
    (
        "error.rs",
        include_str!("../../../templates/src/error.rs"),
        None,
    ),
    (
        "hook.rs",
        include_str!("../../../templates/src/hook.rs"),
        None,
    ),
    (
        "mock.rs",
        include_str!("../../../templates/src/mock.rs"),
        Some("mock"),
    ),
    (
        "multipart.rs",
        include_str!("../../../templates/src/multipart.rs"),
        None,
    ),
    (
        "orchestrator.rs",
        include_str!("../../../templates/src/orchestrator.rs"),
        None,
    ),
    (
        "pagination.rs",
        include_str!("../../../templates/src/pagination.rs"),
        None,
    ),
    (
        "params.rs",
        include_str!("../../../templates/src/params.rs"),
        None,
    ),
    (
        "rate_limit.rs",
        include_str!("../../../templates/src/rate_limit.rs"),
        None,
    ),
    (
        "request.rs",
        include_str!("../../../templates/src/request.rs"),
        None,
    ),
    (
        "response.rs",
        include_str!("../../../templates/src/response.rs"),
        None,
    ),
    (
        "retry.rs",
        include_str!("../../../templates/src/retry.rs"),
        None,
    ),
    (
        "secret.rs",
        include_str!("../../../templates/src/secret.rs"),
        None,
    ),
    (
        "waiter.rs",
        include_str!("../../../templates/src/waiter.rs"),
        None,
    ),
    (
        "wire.rs",
        include_str!("../../../templates/src/wire.rs"),
        None,
    ),
    (
        "sse.rs",
        include_str!("../../../templates/src/sse.rs"),
        Some("sse"),
    ),
    (
        "webhooks.rs",
        include_str!("../../../templates/src/webhooks.rs"),
        Some("webhooks"),
    ),
    (
        "websocket/mod.rs",
        include_str!("../../../templates/src/websocket/mod.rs"),
        Some("websocket"),
    ),
    (
        "websocket/error.rs",
        include_str!("../../../templates/src/websocket/error.rs"),
        Some("websocket"),
    ),
    (
        "websocket/scripted.rs",
        include_str!("../../../templates/src/websocket/scripted.rs"),
        Some("websocket"),
    ),
    (
        "time.rs",
        include_str!("../../../templates/src/time.rs"),
        None,
    ),
    (
        "bytes.rs",
        include_str!("../../../templates/src/bytes.rs"),
        None,
    ),
    (
        "time_chrono.rs",
        include_str!("../../../templates/src/time_chrono.rs"),
        Some("chrono"),
    ),
    (
        "time_jiff.rs",
        include_str!("../../../templates/src/time_jiff.rs"),
        Some("jiff"),
    ),
    (
        "time_time.rs",
        include_str!("../../../templates/src/time_time.rs"),
        Some("time"),
    ),
];

/// Crates the runtime re-exports, each behind a feature of its name.
const REEXPORTS: &[&str] = &["uuid"];

/// The runtime's manifest: its version, dependencies and features.
const TEMPLATES_MANIFEST: &str = include_str!("../../../templates/Cargo.toml");
/// The workspace manifest, for dependency versions (one source of truth).
const WORKSPACE_MANIFEST: &str = include_str!("../../../Cargo.toml");

/// The runtime features (optional parts) a crate needs.
fn runtime_features(features: &Features) -> Vec<&'static str> {
    [
        ("sse", features.sse),
        ("webhooks", features.webhooks),
        ("websocket", features.websocket),
        ("uuid", features.uuid),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.then_some(name))
    .collect()
}

/// The runtime files of an inline runtime: the parts this crate needs, without their unit tests,
/// with paths into the runtime made paths into `crate::runtime`.
pub fn runtime_files(features: &Features) -> Vec<(&'static str, String)> {
    let enabled = runtime_features(features);
    let version = templates_manifest()["package"]["version"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    RUNTIME_FILES
        .iter()
        .filter(|(_, _, part)| part.is_none_or(|p| enabled.contains(&p)))
        .map(|(name, text, _)| {
            let text = if *name == "mod.rs" {
                inline_mod_rs(text, &enabled, &version)
            } else {
                without_tests(text).to_owned()
            };
            (*name, text.replace("crate::", "crate::runtime::"))
        })
        .collect()
}

/// The runtime's `lib.rs` as the `mod.rs` of an inline copy: a one-line doc in place of the crate
/// docs, no crate attributes, feature gates resolved (the modules of disabled parts dropped).
fn inline_mod_rs(lib_rs: &str, enabled: &[&str], version: &str) -> String {
    let mut out = format!(
        "//! A copy of `sdkgen-runtime` {version}, the runtime this crate carries in place of a dependency on it.\n"
    );
    // The modules of the parts this crate leaves out: `websocket/mod.rs` declares `websocket`.
    let disabled: Vec<&str> = RUNTIME_FILES
        .iter()
        .filter_map(|(_, _, part)| *part)
        .chain(REEXPORTS.iter().copied())
        .filter(|p| !enabled.contains(p))
        .collect();
    // The item after a feature gate goes with its gate.
    let mut gated_off = false;
    for line in lib_rs.lines() {
        let t = line.trim();
        let gate = t
            .strip_prefix("#[cfg(feature = \"")
            .and_then(|rest| rest.strip_suffix("\")]"));
        let item_gated_off =
            std::mem::replace(&mut gated_off, gate.is_some_and(|g| disabled.contains(&g)));
        let dropped = t.starts_with("//!")
            || t.starts_with("#![")
            || gate.is_some()
            || item_gated_off
            || disabled.iter().any(|p| mentions_module(line, p));
        if !dropped {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The runtime's unit tests stay in `templates/`: an inline copy gets the code without its
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
        || t == format!("pub use {module};")
        || t.starts_with(&format!("pub use {module}::"))
}

fn templates_manifest() -> toml::Table {
    TEMPLATES_MANIFEST
        .parse()
        .expect("templates/Cargo.toml is valid TOML")
}

/// `name = <spec>` with the workspace's spec for a dependency.
fn dependency_line(name: &str, spec: toml::Value) -> String {
    match spec {
        toml::Value::String(v) => format!("{name} = \"{v}\"\n"),
        toml::Value::Table(t) => format!("{name} = {}\n", inline_table(t)),
        other => format!("{name} = {other}\n"),
    }
}

fn inline_table(t: toml::Table) -> String {
    let mut inline = toml::map::Map::new();
    for (k, v) in t {
        inline.insert(k, v);
    }
    toml::Value::Table(inline).to_string().replace('\n', " ")
}

/// Whether the crate's code names `krate` as the first segment of a path (`krate::…`, `::krate::…`).
fn names_crate(files: &BTreeMap<String, String>, krate: &str) -> bool {
    let needle = format!("{krate}::");
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs") && !path.starts_with("src/runtime/"))
        .any(|(_, text)| {
            text.match_indices(&needle).any(|(at, _)| {
                let before = &text[..at];
                match before.strip_suffix("::") {
                    Some(outer) => !outer.ends_with(ident),
                    None => !before.ends_with(ident),
                }
            })
        })
}

/// The `[dependencies]` of the generated crate, with versions from the workspace manifest: the
/// runtime (as a crate, with the features this API needs, or the dependencies of its inline copy)
/// and the crates the generated code names itself.
fn dependencies(
    features: &Features,
    runtime: &Runtime,
    files: &BTreeMap<String, String>,
) -> String {
    let templates = templates_manifest();
    let workspace: toml::Table = WORKSPACE_MANIFEST
        .parse()
        .expect("Cargo.toml is valid TOML");
    let versions = workspace["workspace"]["dependencies"]
        .as_table()
        .expect("workspace.dependencies is a table");
    let deps = templates["dependencies"]
        .as_table()
        .expect("templates has dependencies");
    let enabled = runtime_features(features);
    // `dep:name` entries of the enabled features: the optional dependencies an inline copy needs.
    let optional_enabled: Vec<String> = templates["features"]
        .as_table()
        .expect("templates has features")
        .iter()
        .filter(|(feature, _)| enabled.contains(&feature.as_str()))
        .filter_map(|(_, deps)| deps.as_array())
        .flatten()
        .filter_map(|d| d.as_str()?.strip_prefix("dep:").map(str::to_owned))
        .collect();
    let mut out = String::new();
    if let Runtime::Crate { path } = runtime {
        let version = templates["package"]["version"]
            .as_str()
            .expect("templates has a version");
        let requirement: Vec<&str> = version.split('.').take(2).collect();
        let features: Vec<String> = enabled.iter().map(|f| format!("\"{f}\"")).collect();
        out.push_str(&format!(
            "sdkgen-runtime = {{ version = \"{}\", path = {}, default-features = false, features = [{}] }}\n",
            requirement.join("."),
            toml::Value::from(path.as_str()),
            features.join(", ")
        ));
    }
    for (name, runtime_spec) in deps {
        let optional = runtime_spec
            .get("optional")
            .and_then(toml::Value::as_bool)
            .unwrap_or(false);
        let needed = match runtime {
            Runtime::Inline => !optional || optional_enabled.contains(name),
            Runtime::Crate { .. } => names_crate(files, &name.replace('-', "_")),
        };
        if !needed {
            continue;
        }
        let spec = versions
            .get(name)
            .cloned()
            .expect("every runtime dependency is a workspace dependency");
        out.push_str(&dependency_line(name, spec));
    }
    out
}

/// `Cargo.toml` of the generated crate.
pub fn cargo_toml(
    api: &Api,
    features: &Features,
    options: &super::EmitOptions,
    files: &BTreeMap<String, String>,
) -> String {
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
    // The runtime's `mock` part (tests without a network) is offered as a feature of this crate; its
    // documentation example runs on tokio's current-thread runtime.
    let (mock_feature, dev_dependencies) = match options.runtime {
        Runtime::Crate { .. } => (
            "# `mock`: `mock::MockTransport`, canned answers and recorded requests for tests without a network\nmock = [\"sdkgen-runtime/mock\"]\n",
            "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"rt\", \"time\"] }\n",
        ),
        Runtime::Inline => ("", ""),
    };
    format!(
        "# @generated by cargo xtask codegen from {}. Do not edit.\n[package]\nname = \"{}\"\nversion = \"{}\"\nedition = \"2024\"\nrust-version = \"1.85\"\ndescription = \"{description}\"\nlicense = \"MIT OR Apache-2.0\"\n\n[dependencies]\n{}\n{}{mock_feature}{dev_dependencies}{workspace}",
        m.source,
        m.crate_name,
        m.version,
        dependencies(features, &options.runtime, files),
        features_table(&api.features)
    )
}

/// The `[features]` table: every feature on by default, none depending on another.
fn features_table(features: &CrateFeatures) -> String {
    let all = features.all();
    let quoted: Vec<String> = all.iter().map(|f| format!("\"{f}\"")).collect();
    let mut out = format!("[features]\ndefault = [{}]\n", quoted.join(", "));
    for feature in all {
        out.push_str(&format!("{feature} = []\n"));
    }
    out
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

/// The operation the docs' examples call: the first GET that needs no arguments beyond string path
/// parameters.
fn example_operation(api: &Api) -> Option<(&crate::ir::Resource, &crate::ir::Operation)> {
    api.resources
        .iter()
        .flat_map(|r| r.operations.iter().map(move |o| (r, o)))
        .find(|(_, o)| {
            o.transport == crate::ir::Transport::Http
                && o.http_method == "GET"
                && o.path_params
                    .iter()
                    .all(|p| matches!(p.ty, TypeRef::String | TypeRef::Id(_)))
                && o.params.iter().all(|p| !p.required)
                && o.body.is_none()
        })
}

/// A short Rust example for the crate docs and README: the first operation that needs no
/// arguments beyond string path parameters.
fn example(api: &Api) -> String {
    let krate = api.meta.crate_name.replace('-', "_");
    let mut lines = vec![format!("let client = {krate}::Client::from_env()?;")];
    if let Some((r, o)) = example_operation(api) {
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

/// The crate docs' "Testing your code" section: a doctest that answers the example operation from a
/// `MockTransport` with an API error and checks what was sent. Empty when no operation suits.
fn testing_section(api: &Api) -> String {
    let krate = api.meta.crate_name.replace('-', "_");
    let Some((r, o)) = example_operation(api) else {
        return String::new();
    };
    let args: Vec<String> = o
        .path_params
        .iter()
        .map(|p| format!("\"{}\"", crate::ident::unraw(&p.name)))
        .collect();
    format!(
        "\n## Testing your code\n\nWith the `mock` feature, `mock::MockTransport` answers calls from canned responses and records \
         what was sent, so code that uses this crate is tested without a network while the SDK's own request \
         building, retries, decoding and errors run as they do in production. `MockResponse::json(&model)` \
         answers with a model, `MockResponse::error(status, detail)` with an API error; several responses for \
         one operation are given one per attempt (pages, or a failure then a success).\n\n\
         ```\n\
         # #[cfg(feature = \"mock\")] fn main() {{\n\
         use {krate}::mock::{{MockResponse, MockTransport}};\n\
         # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {{\n\
         let mock = MockTransport::new();\n\
         mock.on({krate}::http::Method::{method}, \"{path}\", [\n    \
         MockResponse::error(429, \"slow down\").header(\"retry-after\", \"1\"),\n\
         ]);\n\
         let client = {krate}::Client::builder().api_key(\"test\").max_retries(0).transport(mock.clone()).build()?;\n\
         let error = client.{resource}().{op}({args}).send().await.unwrap_err();\n\
         assert_eq!(error.status(), Some(429));\n\
         assert_eq!(error.detail().as_deref(), Some(\"slow down\"));\n\
         assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(1)));\n\
         let sent = &mock.requests()[0];\n\
         assert_eq!((sent.method.as_str(), sent.operation), (\"{method}\", \"{path}\"));\n\
         # Ok::<(), {krate}::Error>(())\n\
         # }}).unwrap();\n\
         # }}\n\
         # #[cfg(not(feature = \"mock\"))] fn main() {{}}\n\
         ```\n",
        method = o.http_method,
        path = o.path,
        resource = r.name,
        op = o.method_name,
        args = args.join(", "),
    )
}

/// The features section of the crate docs and README.
fn features_doc(api: &Api) -> String {
    let mut out = String::from(
        "## Cargo features\n\nEvery feature is on by default. Each compiles one resource with the models its \
         operations reach (a model shared by several compiles when any of them is on); models no operation or \
         webhook reaches are always compiled. To build only what you call: \
         `default-features = false, features = [\"…\"]`.\n\n",
    );
    for r in &api.resources {
        if let Some(feature) = api.features.resources.get(&r.name) {
            out.push_str(&format!(
                "- `{feature}`: `client.{}()`, {} operation{}\n",
                crate::ident::unraw(&r.name),
                r.operations.len(),
                if r.operations.len() == 1 { "" } else { "s" }
            ));
        }
    }
    if let Some(feature) = &api.features.webhooks {
        out.push_str(&format!(
            "- `{feature}`: the `webhooks` module and its payload models\n"
        ));
    }
    out
}

/// `src/lib.rs`.
pub fn lib_rs(api: &Api, features: &Features, runtime: &Runtime) -> TokenStream {
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
    let quick_start = format!(
        "\n## Quick start\n\n```no_run\n# async fn run() -> Result<(), {krate}::Error> {{\n{}\n# Ok(())\n# }}\n```\n",
        example(api)
    );
    // The example calls one resource; without its feature the crate docs leave it out.
    let example_gate = example_operation(api)
        .and_then(|(r, _)| api.features.resources.get(&r.name))
        .map(|f| quote!(feature = #f));
    let mut doc_after = String::new();
    doc_after.push_str(&format!(
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
    doc_after.push_str(&format!(
        "
{}",
        features_doc(api)
    ));
    // The testing example calls the same operation as the quick start, so it has the same gate.
    let testing = match runtime {
        Runtime::Crate { .. } => testing_section(api),
        Runtime::Inline => String::new(),
    };
    let doc_attr = |l: &str, gate: Option<&TokenStream>| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        match gate {
            Some(gate) => quote!(#![cfg_attr(#gate, doc = #l)]),
            None => quote!(#![doc = #l]),
        }
    };
    let doc_lines = doc
        .lines()
        .map(|l| doc_attr(l, None))
        .chain(
            quick_start
                .lines()
                .map(|l| doc_attr(l, example_gate.as_ref())),
        )
        .chain(doc_after.lines().map(|l| doc_attr(l, None)))
        .chain(testing.lines().map(|l| doc_attr(l, example_gate.as_ref())));
    let base_url = &m.base_url;
    let user_agent = format!("{}-rust/", m.crate_name);
    let api_key_env = format!("{env}_API_KEY");
    let base_url_env = format!("{env}_BASE_URL");
    let auth = m.auth.iter().map(auth_tokens);
    let webhooks_mod = features.webhooks.then(|| {
        let gate = crate::emit::cfg_any(api.features.webhooks.as_slice());
        quote! {
            /// Webhook payloads and their signature verification.
            #gate
            pub mod webhooks;
        }
    });
    let websocket_use = features.websocket.then(|| {
        quote!(
            pub use runtime::websocket::{EventStream, StreamError, StreamOptions};
        )
    });
    let time_use = features.time.then(|| {
        quote!(
            pub use runtime::time::{Date, Timestamp};
        )
    });
    let base64_use = features.base64.then(|| {
        quote!(
            pub use runtime::bytes::Base64Bytes;
        )
    });
    let uuid_use = features.uuid.then(|| {
        quote!(
            pub use runtime::uuid::{self, Uuid};
        )
    });
    let pagination_use = features.pagination.then(|| {
        quote!(
            pub use runtime::pagination::{ItemStream, Page, PageStream};
        )
    });
    let sse_use = features.sse.then(|| {
        quote!(
            pub use runtime::sse::{SseError, SseEvent, SseStream, TypedSseStream};
        )
    });
    let runtime_item = match runtime {
        Runtime::Crate { .. } => quote!(
            use sdkgen_runtime as runtime;
        ),
        Runtime::Inline => quote! {
            #[allow(dead_code, unused_imports, reason = "the runtime is shared by every generated SDK; this API may not use all of it")]
            mod runtime;
        },
    };
    let mock_use = matches!(runtime, Runtime::Crate { .. }).then(|| {
        quote! {
            /// Tests without a network: canned answers and recorded requests (the `mock` feature).
            #[cfg(feature = "mock")]
            pub use runtime::mock;
        }
    });
    let client_doc = format!(
        " The {} client. Cheap to clone: clones share connections, configuration and the in-flight limit.",
        m.title
    );
    quote! {
        #(#doc_lines)*
        #![forbid(unsafe_code)]
        #![allow(clippy::large_enum_variant, reason = "model enums mirror the API's unions; boxing every variant would make them harder to use")]
        #![allow(clippy::too_many_arguments, reason = "constructors take every required field of a model")]

        pub mod resources;
        pub mod types;
        #webhooks_mod
        #runtime_item

        pub use runtime::{ApiError, ByteStream, Error, ErrorDetail, Hook, Operation, RateLimit, RawResponse, Request, RequestOptions, Response, Transport, TransportFuture, ValidationIssue};
        /// The HTTP types hooks and raw requests use, and the HTTP client underneath, as this crate uses them.
        pub use runtime::{http, reqwest};
        #mock_use
        #websocket_use
        #sse_use
        #time_use
        #base64_use
        #uuid_use
        #pagination_use

        /// What this API's clients start from: base URL, environment variables, authentication.
        pub(crate) static DEFAULTS: runtime::ClientDefaults = runtime::ClientDefaults {
            base_url: #base_url,
            user_agent: concat!(#user_agent, env!("CARGO_PKG_VERSION")),
            api_key_env: Some(#api_key_env),
            base_url_env: Some(#base_url_env),
            auth: &[#(#auth),*],
        };

        #[doc = #client_doc]
        #[derive(Clone)]
        pub struct Client(runtime::Client);

        /// Configures and builds a [`Client`]: API key, base URL, timeouts, retries, headers.
        pub type ClientBuilder = runtime::ClientBuilder<Client>;

        impl Client {
            /// A builder for a client: API key, base URL, timeouts, retries, headers.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::with_defaults(&DEFAULTS)
            }

            /// A client configured from the environment (see the crate docs for the variable names).
            pub fn from_env() -> Result<Client, Error> {
                ClientBuilder::with_defaults(&DEFAULTS).from_env()?.build()
            }
        }

        impl ::std::convert::From<runtime::Client> for Client {
            fn from(client: runtime::Client) -> Self {
                Client(client)
            }
        }

        /// The runtime's client: `request`, `base_url`, `last_rate_limit`.
        impl ::std::ops::Deref for Client {
            type Target = runtime::Client;

            fn deref(&self) -> &runtime::Client {
                &self.0
            }
        }

        impl ::std::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }
    }
}

/// `src/webhooks.rs`: the payload type and the verifier.
pub fn webhooks_rs(api: &Api, paths: &TypePaths, diagnostics: &mut Vec<Diagnostic>) -> TokenStream {
    let (event_ty, extra) = match &api.webhook_payload {
        WebhookPayload::Json => (quote!(::serde_json::Value), TokenStream::new()),
        WebhookPayload::Type(ty) => (paths.ty(ty), TokenStream::new()),
        WebhookPayload::Untagged(variants) => {
            let variants = variants.iter().map(|(name, ty)| {
                let n = ident(name);
                let t = paths.ty(ty);
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
    out.push_str(&features_doc(api));
    out.push_str("\n## Operations\n\n| call | HTTP |\n|---|---|\n");
    for r in &api.resources {
        for o in &r.operations {
            let args: Vec<&str> = o
                .path_params
                .iter()
                .map(|p| crate::ident::unraw(&p.name))
                .chain(o.body_argument().map(|_| "body"))
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

    /// An inline copy resolves feature gates by dropping module declarations, so the runtime may gate
    /// nothing else, and each gate names the part its module holds.
    #[test]
    fn feature_gates_are_module_declarations_of_lib_rs() {
        for (name, text, _) in RUNTIME_FILES {
            if *name != "mod.rs" {
                assert!(!text.contains("cfg(feature"), "{name}: a feature gate");
            }
        }
        let (_, lib_rs, _) = RUNTIME_FILES[0];
        let lines: Vec<&str> = lib_rs.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if let Some(rest) = line.strip_prefix("#[cfg(feature = \"") {
                let part = rest.trim_end_matches("\")]");
                let next = lines.get(i + 1).copied().unwrap_or_default();
                assert!(
                    next == format!("pub mod {part};")
                        || next
                            .strip_prefix("mod ")
                            .is_some_and(|m| m.ends_with(&format!("{part};")))
                        || (next == format!("pub use {part};") && REEXPORTS.contains(&part)),
                    "line {i}: {next}"
                );
                assert!(
                    RUNTIME_FILES.iter().any(|(_, _, p)| *p == Some(part))
                        || REEXPORTS.contains(&part)
                );
            }
        }
    }

    #[test]
    fn inline_copy_has_only_the_enabled_parts() {
        let features = Features {
            sse: true,
            ..Default::default()
        };
        let files = runtime_files(&features);
        let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
        assert!(names.contains(&"sse.rs") && !names.contains(&"websocket/mod.rs"));
        let (_, mod_rs) = &files[0];
        assert!(mod_rs.contains("pub mod sse;") && !mod_rs.contains("websocket"));
        assert!(!mod_rs.contains("#![") && !mod_rs.contains("cfg(feature"));
        let (_, client) = files.iter().find(|(n, _)| *n == "client.rs").unwrap();
        assert!(client.contains("use crate::runtime::secret::Secret;"));
    }

    #[test]
    fn a_crate_is_named_only_at_the_start_of_a_path() {
        let files = |text: &str| BTreeMap::from([("src/lib.rs".to_owned(), text.to_owned())]);
        assert!(names_crate(&files("x(::reqwest::Method::GET)"), "reqwest"));
        assert!(names_crate(&files("use bytes::Bytes;"), "bytes"));
        assert!(!names_crate(&files("crate::runtime::http::X"), "http"));
        assert!(!names_crate(&files("my_bytes::X"), "bytes"));
        let runtime_only = BTreeMap::from([("src/runtime/a.rs".to_owned(), "http::X".to_owned())]);
        assert!(!names_crate(&runtime_only, "http"));
    }

    /// Every source file of the runtime is in the inline copy (lib.rs as mod.rs), and each stays
    /// small enough to read.
    #[test]
    fn the_inline_copy_lists_every_runtime_file() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates/src");
        let mut on_disk = Vec::new();
        let mut dirs = vec![src.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let rel = path.strip_prefix(&src).unwrap().to_string_lossy();
                    on_disk.push(rel.replace('\\', "/").replace("lib.rs", "mod.rs"));
                }
            }
        }
        on_disk.sort();
        let mut listed: Vec<String> = RUNTIME_FILES
            .iter()
            .map(|(n, _, _)| n.to_string())
            .collect();
        listed.sort();
        assert_eq!(on_disk, listed, "RUNTIME_FILES and templates/src differ");
        for (name, text, _) in RUNTIME_FILES {
            assert!(text.lines().count() <= 700, "{name} is over 700 lines");
        }
    }
}
