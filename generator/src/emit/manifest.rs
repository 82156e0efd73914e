//! `Cargo.toml` of a generated crate: its dependencies (versions from the workspace manifest), its
//! features and the `[package]` keys crates.io shows.

use std::collections::{BTreeMap, BTreeSet};

use crate::emit::inline_runtime::runtime_features;
use crate::emit::{Features, Runtime};
use crate::ir::{Api, CrateFeatures};

/// The runtime's manifest: its version, dependencies and features.
const TEMPLATES_MANIFEST: &str = include_str!("../../../templates/Cargo.toml");
/// The workspace manifest, for dependency versions (one source of truth).
const WORKSPACE_MANIFEST: &str = include_str!("../../../Cargo.toml");

pub(super) fn templates_manifest() -> toml::Table {
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

/// The names the crate's code starts a path with (`krate::…`, `::krate::…`; not `a::krate::…`):
/// the crates it names, and its own modules. One pass over each file, outside the runtime's copy.
fn path_roots(files: &BTreeMap<String, String>) -> BTreeSet<&str> {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut roots = BTreeSet::new();
    for (_, text) in files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs") && !path.starts_with("src/runtime/"))
    {
        let bytes = text.as_bytes();
        for (at, _) in text.match_indices("::") {
            let mut start = at;
            while start > 0 && ident(bytes[start - 1]) {
                start -= 1;
            }
            if start == at {
                continue;
            }
            let before = &bytes[..start];
            let root = match before.strip_suffix(b"::") {
                Some(outer) => !outer.last().is_some_and(|&b| ident(b)),
                None => true,
            };
            if root {
                roots.insert(&text[start..at]);
            }
        }
    }
    roots
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
    let roots = path_roots(files);
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
            Runtime::Crate { .. } => roots.contains(name.replace('-', "_").as_str()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::inline_runtime::runtime_files;

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
        let names = |text: &str, krate: &str| path_roots(&files(text)).contains(krate);
        assert!(names("x(::reqwest::Method::GET)", "reqwest"));
        assert!(names("use bytes::Bytes;", "bytes"));
        assert!(names("a::b(); bytes::Bytes", "bytes"));
        assert!(!names("crate::runtime::http::X", "http"));
        assert!(!names("my_bytes::X", "bytes"));
        assert!(!names("x::bytes::X", "bytes"));
        let runtime_only = BTreeMap::from([("src/runtime/a.rs".to_owned(), "http::X".to_owned())]);
        assert!(!path_roots(&runtime_only).contains("http"));
    }
}
