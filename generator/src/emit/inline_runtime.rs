//! The inline runtime copy: the runtime's files a crate generated with `Runtime::Inline` carries
//! in `src/runtime/`, with the parts it does not need and the runtime's unit tests left out.

use crate::emit::Features;
use crate::emit::manifest::templates_manifest;
use crate::ir::CrateFeatures;

/// The runtime's files, copied into a crate generated with the inline runtime: (file name in
/// `src/runtime/`, contents, the runtime feature that holds it). `lib.rs` becomes `mod.rs`.
pub const RUNTIME_FILES: &[(&str, &str, Option<&str>)] = &[
    (
        "mod.rs",
        include_str!("../../../templates/src/lib.rs"),
        None,
    ),
    (
        "builder.rs",
        include_str!("../../../templates/src/builder.rs"),
        None,
    ),
    (
        "client.rs",
        include_str!("../../../templates/src/client.rs"),
        None,
    ),
    ("de.rs", include_str!("../../../templates/src/de.rs"), None),
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
        "websocket/options.rs",
        include_str!("../../../templates/src/websocket/options.rs"),
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

/// The runtime features (optional parts) a crate needs.
pub(super) fn runtime_features(features: &Features) -> Vec<&'static str> {
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
