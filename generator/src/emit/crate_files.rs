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
        Some("multipart"),
    ),
    (
        "orchestrator.rs",
        include_str!("../../../templates/src/orchestrator.rs"),
        None,
    ),
    (
        "param_text.rs",
        include_str!("../../../templates/src/param_text.rs"),
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
        "tagged.rs",
        include_str!("../../../templates/src/tagged.rs"),
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
        "websocket/recent_ids.rs",
        include_str!("../../../templates/src/websocket/recent_ids.rs"),
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
        ("multipart", features.multipart),
        ("uuid", features.uuid),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.then_some(name))
    .collect()
}

/// The runtime files of an inline runtime: the parts this crate needs, without their unit tests,
/// with paths into the runtime made paths into `crate::runtime`.
pub fn runtime_files(
    features: &Features,
    crate_features: &CrateFeatures,
) -> Vec<(&'static str, String)> {
    let enabled = runtime_features(features);
    let capabilities = crate_features.capabilities();
    let version = templates_manifest()["package"]["version"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    RUNTIME_FILES
        .iter()
        .filter(|(_, _, part)| part.is_none_or(|p| enabled.contains(&p)))
        .map(|(name, text, _)| {
            let text = if *name == "mod.rs" {
                inline_mod_rs(text, &enabled, &capabilities, &version)
            } else {
                without_tests(text).to_owned()
            };
            (*name, text.replace("crate::", "crate::runtime::"))
        })
        .collect()
}

/// The runtime's `lib.rs` as the `mod.rs` of an inline copy: a one-line doc in place of the crate
/// docs, no crate attributes, feature gates resolved (the modules of disabled parts dropped), but
/// those of the parts behind a capability feature kept, under that feature's name in this crate.
fn inline_mod_rs(
    lib_rs: &str,
    enabled: &[&str],
    capabilities: &[(&str, &str)],
    version: &str,
) -> String {
    let mut out = format!(
        "//! A copy of `sdkgen-runtime` {version}, the runtime this crate carries in place of a dependency on it.\n"
    );
    // The parts this crate leaves out: the item after each of their gates (a module declaration, or
    // a re-export) is dropped with it. A part's name may be a module's that is always compiled
    // (the `time` conversions and `pub mod time;`), so only the gate decides.
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
        let capability = gate
            .and_then(|g| capabilities.iter().find(|(part, _)| *part == g))
            .filter(|_| !item_gated_off);
        if let Some((_, feature)) = capability {
            out.push_str(&format!("#[cfg(feature = \"{feature}\")]\n"));
            continue;
        }
        let dropped =
            t.starts_with("//!") || t.starts_with("#![") || gate.is_some() || item_gated_off;
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
    crate_features: &CrateFeatures,
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
    // The runtime parts behind a capability feature of this crate, which turns them on.
    let capability_parts: Vec<&str> = crate_features
        .capabilities()
        .into_iter()
        .map(|(part, _)| part)
        .collect();
    // The optional dependencies an inline copy needs only for a capability: optional here too.
    let capability_deps = runtime_part_entries(&capability_parts, "dep:");
    let mut out = String::new();
    if let Runtime::Crate { path } = runtime {
        let version = templates["package"]["version"]
            .as_str()
            .expect("templates has a version");
        let requirement: Vec<&str> = version.split('.').take(2).collect();
        let features: Vec<String> = enabled
            .iter()
            .filter(|f| !capability_parts.contains(f))
            .map(|f| format!("\"{f}\""))
            .collect();
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
        let mut spec = versions
            .get(name)
            .cloned()
            .expect("every runtime dependency is a workspace dependency");
        if matches!(runtime, Runtime::Inline) && capability_deps.contains(name) {
            spec = made_optional(spec);
        }
        out.push_str(&dependency_line(name, spec));
    }
    out
}

/// A dependency spec with `optional = true`.
fn made_optional(spec: toml::Value) -> toml::Value {
    let mut table = match spec {
        toml::Value::Table(t) => t,
        version => toml::Table::from_iter([("version".to_owned(), version)]),
    };
    table.insert("optional".to_owned(), toml::Value::Boolean(true));
    toml::Value::Table(table)
}

/// The entries starting with `prefix` (`dep:`, the prefix removed) of the runtime features `parts`, or
/// every entry when `prefix` is empty.
fn runtime_part_entries(parts: &[&str], prefix: &str) -> Vec<String> {
    templates_manifest()["features"]
        .as_table()
        .expect("templates has features")
        .iter()
        .filter(|(feature, _)| parts.contains(&feature.as_str()))
        .filter_map(|(_, entries)| entries.as_array())
        .flatten()
        .filter_map(|e| e.as_str()?.strip_prefix(prefix).map(str::to_owned))
        .collect()
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
    let (mock_feature, tokio) = match options.runtime {
        Runtime::Crate { .. } => (
            "# `full-serde`: `Serialize` on response models and `Deserialize` on request models too (each\n# model derives by default only the direction the API uses)\nfull-serde = []\n# `mock`: `mock::MockTransport`, canned answers and recorded requests for tests without a network\nmock = [\"sdkgen-runtime/mock\", \"full-serde\"]\n",
            "tokio = { version = \"1\", features = [\"rt\", \"time\"] }\n",
        ),
        Runtime::Inline => ("", ""),
    };
    let dependencies = dependencies(features, &api.features, &options.runtime, files);
    // The tour in the crate docs reads a list with `futures_util::StreamExt` (a dev-dependency
    // unless the crate depends on it anyway).
    let futures = if !dependencies.contains("\nfutures-util = ")
        && crate::emit::examples::tour(api)
            .iter()
            .any(|l| l.contains("futures_util::"))
    {
        "futures-util = { version = \"0.3\", default-features = false, features = [\"std\"] }\n"
    } else {
        ""
    };
    let dev_dependencies = if tokio.is_empty() && futures.is_empty() {
        String::new()
    } else {
        format!("\n[dev-dependencies]\n{futures}{tokio}")
    };
    format!(
        "# @generated by cargo xtask codegen from {}. Do not edit.\n[package]\nname = \"{}\"\nversion = \"{}\"\nedition = \"2024\"\nrust-version = \"1.85\"\ndescription = \"{description}\"\nlicense = \"MIT OR Apache-2.0\"\n{}\n[dependencies]\n{}\n{}{mock_feature}{dev_dependencies}{workspace}",
        m.source,
        m.crate_name,
        m.version,
        package_metadata(&m.package),
        dependencies,
        features_table(&api.features, &options.runtime)
    )
}

/// The `[package]` keys crates.io shows: links, keywords, categories and the README.
fn package_metadata(meta: &crate::config::PackageMetadata) -> String {
    let list = |values: &[String]| {
        let quoted: Vec<String> = values
            .iter()
            .map(|v| toml::Value::from(v.as_str()).to_string())
            .collect();
        format!("[{}]", quoted.join(", "))
    };
    let mut out = String::new();
    let links = [
        ("repository", meta.repository.as_deref()),
        ("documentation", Some(meta.documentation.as_str())),
        ("homepage", meta.homepage.as_deref()),
    ];
    for (key, url) in links {
        if let Some(url) = url {
            out.push_str(&format!("{key} = {}\n", toml::Value::from(url)));
        }
    }
    out.push_str("readme = \"README.md\"\n");
    out.push_str(&format!("keywords = {}\n", list(&meta.keywords)));
    out.push_str(&format!("categories = {}\n", list(&meta.categories)));
    out
}

/// The `[features]` table: every feature on by default. Resource and webhook payload features
/// depend on nothing; a capability turns on its runtime part (the runtime crate's feature, or, for an
/// inline copy, what that feature turns on: optional dependencies, reqwest's features), and
/// `webhook-verify` the payloads it verifies.
fn features_table(features: &CrateFeatures, runtime: &Runtime) -> String {
    let all = features.all();
    let quoted: Vec<String> = all.iter().map(|f| format!("\"{f}\"")).collect();
    let mut out = format!("[features]\ndefault = [{}]\n", quoted.join(", "));
    let capabilities = features.capabilities();
    for feature in all {
        let mut needs = Vec::new();
        if let Some((part, _)) = capabilities.iter().find(|(_, f)| *f == feature) {
            if features.webhook_verify.as_deref() == Some(feature) {
                needs.extend(features.webhooks.clone());
            }
            match runtime {
                Runtime::Crate { .. } => needs.push(format!("sdkgen-runtime/{part}")),
                Runtime::Inline => needs.extend(runtime_part_entries(&[part], "")),
            }
        }
        let needs: Vec<String> = needs.iter().map(|n| format!("\"{n}\"")).collect();
        out.push_str(&format!("{feature} = [{}]\n", needs.join(", ")));
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
         let client = {krate}::Client::builder().api_key(\"test\"){base_url}.max_retries(0).transport(mock.clone()).build()?;\n\
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
        // A spec without servers has no default base URL; the mock answers whatever the URL.
        base_url = if api.meta.base_url.is_empty() {
            ".base_url(\"https://api.example.com\")"
        } else {
            ""
        },
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
            let with = api
                .features
                .capability_of_resource(r)
                .map(|c| format!(" (with `{c}`)"))
                .unwrap_or_default();
            out.push_str(&format!(
                "- `{feature}`: `client.{}()`, {} operation{}{with}\n",
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
    let f = &api.features;
    if let Some(feature) = &f.websocket {
        out.push_str(&format!(
            "- `{feature}`: the WebSocket operations and their event streams\n"
        ));
    }
    if let Some(feature) = &f.webhook_verify {
        out.push_str(&format!(
            "- `{feature}`: `webhooks::Webhook`, signature verification of deliveries (turns on `{}`)\n",
            f.webhooks.as_deref().unwrap_or_default()
        ));
    }
    if let Some(feature) = &f.multipart {
        out.push_str(&format!(
            "- `{feature}`: the operations with `multipart/form-data` bodies\n"
        ));
    }
    out
}

/// `src/lib.rs`: the crate docs, the modules, the re-exports and the `Client`.
pub fn lib_rs(api: &Api, features: &Features, runtime: &Runtime) -> TokenStream {
    let docs = crate_docs(api, runtime);
    let runtime_item = match runtime {
        Runtime::Crate { .. } => quote!(
            use sdkgen_runtime as runtime;
        ),
        Runtime::Inline => quote! {
            #[allow(dead_code, unused_imports, reason = "the runtime is shared by every generated SDK; this API may not use all of it")]
            mod runtime;
        },
    };
    let webhooks_mod = features.webhooks.then(|| {
        let gate = crate::emit::cfg_any(api.features.webhooks.as_slice());
        quote! {
            /// Webhook payloads and their signature verification.
            #gate
            pub mod webhooks;
        }
    });
    let reexports = reexports(api, features, runtime);
    let client = client_items(api);
    quote! {
        #docs
        #![forbid(unsafe_code)]
        #![allow(clippy::large_enum_variant, reason = "model enums mirror the API's unions; boxing every variant would make them harder to use")]
        #![allow(clippy::too_many_arguments, reason = "constructors take every required field of a model")]

        pub mod resources;
        pub mod types;
        #webhooks_mod
        #runtime_item

        #reexports
        #client
    }
}

/// The crate docs: the API, the tour, configuration, errors and retries, features and testing.
/// The tour and the testing example call resources; without their features they are left out.
fn crate_docs(api: &Api, runtime: &Runtime) -> TokenStream {
    let krate = api.meta.crate_name.replace('-', "_");
    let tour_features: Vec<&String> = crate::emit::examples::tour_resources(api)
        .iter()
        .filter_map(|r| api.features.resources.get(r))
        .collect();
    let tour_gate = match tour_features.as_slice() {
        [] => None,
        [one] => Some(quote!(feature = #one)),
        all => Some(quote!(all(#(feature = #all),*))),
    };
    let tour = format!(
        "\n## A tour\n\n{}\n",
        crate::emit::examples::tour(api).join("\n")
    );
    let after = format!(
        "\n{}\n{}",
        errors_doc(&krate, &api.meta.env_prefix),
        features_doc(api)
    );
    // The testing example calls the example operation, so it has that operation's gate.
    let testing_gate = example_operation(api)
        .and_then(|(r, _)| api.features.resources.get(&r.name))
        .map(|f| quote!(feature = #f));
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
    let lines = intro_doc(api)
        .lines()
        .map(|l| doc_attr(l, None))
        .chain(tour.lines().map(|l| doc_attr(l, tour_gate.as_ref())))
        .chain(after.lines().map(|l| doc_attr(l, None)))
        .chain(testing.lines().map(|l| doc_attr(l, testing_gate.as_ref())))
        .collect::<Vec<_>>();
    quote!(#(#lines)*)
}

/// The title, the API version and the first paragraph of the API's description.
fn intro_doc(api: &Api) -> String {
    let m = &api.meta;
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
    doc
}

/// Configuration from the environment, then errors, retries and rate limits.
fn errors_doc(krate: &str, env: &str) -> String {
    format!(
        "`Client::from_env` reads the API key from `{env}_API_KEY` and, when set, the base URL from `{env}_BASE_URL`; \
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
    )
}

/// The crate's re-exports: the runtime's types, and those of the parts this API uses.
fn reexports(api: &Api, features: &Features, runtime: &Runtime) -> TokenStream {
    // The stream types are the `websocket` capability's.
    let websocket_gate = crate::emit::cfg_any(api.features.websocket.as_slice());
    let optional = [
        (
            features.websocket,
            quote!(
                #websocket_gate
                pub use runtime::websocket::{EventStream, StreamError, StreamOptions};
            ),
        ),
        (
            features.sse,
            quote!(
                pub use runtime::sse::{SseError, SseEvent, SseStream, TypedSseStream};
            ),
        ),
        (
            features.time,
            quote!(
                pub use runtime::time::{Date, Timestamp};
            ),
        ),
        (
            features.base64,
            quote!(
                pub use runtime::bytes::Base64Bytes;
            ),
        ),
        (
            features.uuid,
            quote!(
                pub use runtime::uuid::{self, Uuid};
            ),
        ),
        (
            features.pagination,
            quote!(
                pub use runtime::pagination::{ItemStream, Page, PageStream};
            ),
        ),
    ];
    let optional = optional
        .into_iter()
        .filter_map(|(on, item)| on.then_some(item));
    let mock_use = matches!(runtime, Runtime::Crate { .. }).then(|| {
        quote! {
            /// Tests without a network: canned answers and recorded requests (the `mock` feature).
            #[cfg(feature = "mock")]
            pub use runtime::mock;
        }
    });
    quote! {
        pub use runtime::{ApiError, ByteStream, Error, ErrorDetail, Hook, Operation, RateLimit, RawResponse, Request, RequestOptions, Response, Transport, TransportFuture, ValidationIssue};
        /// The HTTP types hooks and raw requests use, and the HTTP client underneath, as this crate uses them.
        pub use runtime::{http, reqwest};
        #mock_use
        #(#optional)*
    }
}

/// The client defaults (base URL, environment variables, authentication) and the `Client` type.
fn client_items(api: &Api) -> TokenStream {
    let m = &api.meta;
    let env = &m.env_prefix;
    let base_url = &m.base_url;
    let user_agent = format!("{}-rust/", m.crate_name);
    let api_key_env = format!("{env}_API_KEY");
    let base_url_env = format!("{env}_BASE_URL");
    let auth = m.auth.iter().map(auth_tokens);
    let client_doc = format!(
        " The {} client. Cheap to clone: clones share connections, configuration and the in-flight limit.",
        m.title
    );
    quote! {
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
            let (serde, serialize_attr) =
                crate::emit::types::serde_derives(crate::ir::Usage::ResponseOnly, paths);
            let variants = variants.iter().map(|(name, ty)| {
                let n = ident(name);
                let t = paths.ty(ty);
                quote!(#[allow(missing_docs)] #n(#t),)
            });
            (
                quote!(WebhookPayload),
                quote! {
                    /// Any payload the API's webhooks deliver.
                    #[derive(Debug, Clone, PartialEq, #serde)]
                    #serialize_attr
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
    // Verification is the `webhook-verify` feature; the payload types are the module's.
    let verify_gate = crate::emit::cfg_any(api.features.webhook_verify.as_slice());
    let events_doc = doc_attrs(Some(&format!(
        "The events the API delivers:\n\n{}",
        list.join("\n")
    )));
    quote! {
        //! Webhook payloads and their signature verification (Standard Webhooks).
        #events_doc
        #verify_gate
        pub type Webhook = crate::runtime::webhooks::Webhook<#event_ty>;
        #verify_gate
        pub use crate::runtime::webhooks::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, WebhookError};
        #extra
    }
}

/// The shown lines of a doctest, indented as the body of a function: no fences, no hidden lines.
fn readme_code(doctest: &[String]) -> String {
    doctest
        .iter()
        .filter(|l| !l.starts_with("```") && !l.starts_with("# ") && l.as_str() != "#")
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
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
        "## A tour\n\n```rust,no_run\nasync fn run() -> Result<(), {krate}::Error> {{\n{}\n    Ok(())\n}}\n```\n\n",
        readme_code(&crate::emit::examples::tour(api))
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
        let files = runtime_files(&features, &CrateFeatures::default());
        let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
        assert!(names.contains(&"sse.rs") && !names.contains(&"websocket/mod.rs"));
        let (_, mod_rs) = &files[0];
        assert!(mod_rs.contains("pub mod sse;") && !mod_rs.contains("websocket"));
        assert!(!mod_rs.contains("#![") && !mod_rs.contains("cfg(feature"));
        let (_, client) = files.iter().find(|(n, _)| *n == "client.rs").unwrap();
        assert!(client.contains("use crate::runtime::secret::Secret;"));
    }

    /// The parts behind a capability feature stay gated in an inline copy, under the crate's feature
    /// names, and the features turn on what the runtime's would; a part that shares its name with
    /// an always compiled module (`time`) leaves that module alone.
    #[test]
    fn capabilities_of_an_inline_copy_and_of_a_runtime_dependency() {
        let features = Features {
            webhooks: true,
            websocket: true,
            time: true,
            ..Default::default()
        };
        let crate_features = CrateFeatures {
            webhooks: Some("webhook-events".to_owned()),
            webhook_verify: Some("webhook-verify".to_owned()),
            websocket: Some("websocket".to_owned()),
            ..Default::default()
        };
        let files = runtime_files(&features, &crate_features);
        let (_, mod_rs) = &files[0];
        assert!(mod_rs.contains("#[cfg(feature = \"webhook-verify\")]\npub mod webhooks;\n"));
        assert!(mod_rs.contains("#[cfg(feature = \"websocket\")]\npub mod websocket;\n"));
        assert!(mod_rs.contains("\npub mod time;\n") && !mod_rs.contains("multipart"));
        let inline = features_table(&crate_features, &Runtime::Inline);
        assert!(inline.contains("\nwebsocket = [\"dep:tokio-tungstenite\"]\n"));
        assert!(
            inline
                .contains("\nwebhook-verify = [\"webhook-events\", \"dep:hmac\", \"dep:sha2\"]\n")
        );
        let dependency = features_table(&crate_features, &Runtime::default());
        assert!(dependency.contains("\nwebsocket = [\"sdkgen-runtime/websocket\"]\n"));
        assert!(
            dependency
                .contains("\nwebhook-verify = [\"webhook-events\", \"sdkgen-runtime/webhooks\"]\n")
        );
        assert!(dependency.contains("\nwebhook-events = []\n"));
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
