//! The names the generator keeps free for the runtime (`BUILDER_METHODS`, `CLIENT_METHODS` in
//! `src/lower/naming/mod.rs`) must cover every name the runtime and the emitted builders really use: read them from
//! the sources with `syn` and fail naming each one that is missing.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator sits in the workspace")
        .to_path_buf()
}

fn parse(path: &Path) -> syn::File {
    let text =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
}

/// Every `.rs` file under `dir`, in a stable order.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The strings of `const NAME: &[&str] = &[...]` in `naming/mod.rs`.
fn reserved_list(name: &str) -> BTreeSet<String> {
    let file = parse(&root().join("generator/src/lower/naming/mod.rs"));
    for item in file.items {
        let syn::Item::Const(c) = item else { continue };
        if c.ident != name {
            continue;
        }
        let syn::Expr::Reference(r) = *c.expr else {
            panic!("{name} is not `&[...]`")
        };
        let syn::Expr::Array(array) = *r.expr else {
            panic!("{name} is not `&[...]`")
        };
        return array
            .elems
            .iter()
            .map(|e| match e {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => s.value(),
                other => panic!("{name} holds a non-string: {}", quote::quote!(#other)),
            })
            .collect();
    }
    panic!("naming/mod.rs has no const {name}")
}

fn self_type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Names of the inherent methods and implemented trait methods of the type named `ty` in `files`.
fn methods_of(files: &[PathBuf], ty: &str, inherent_pub_only: bool) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for path in files {
        for item in parse(path).items {
            let syn::Item::Impl(imp) = item else { continue };
            if self_type_name(&imp.self_ty).as_deref() != Some(ty) {
                continue;
            }
            for item in &imp.items {
                let syn::ImplItem::Fn(f) = item else { continue };
                let public = matches!(f.vis, syn::Visibility::Public(_));
                if imp.trait_.is_some() || !inherent_pub_only || public {
                    names.insert(f.sig.ident.to_string());
                }
            }
        }
    }
    names
}

#[track_caller]
fn assert_covered(list: &str, wanted: &BTreeSet<String>, source: &str) {
    let have = reserved_list(list);
    let missing: Vec<_> = wanted.difference(&have).collect();
    assert!(
        missing.is_empty(),
        "{list} in generator/src/lower/naming/mod.rs lacks {missing:?}, used by {source}"
    );
}

#[test]
fn client_methods_cover_the_runtime_client_and_the_generated_one() {
    // The generated `Client` derefs to the runtime's, so a resource accessor named like one of the runtime's
    // public methods would hide it.
    let runtime = rust_files(&root().join("templates/src"));
    let wanted = methods_of(&runtime, "Client", true);
    assert!(
        wanted.contains("request"),
        "found no methods of the runtime's Client: {wanted:?}"
    );
    assert_covered(
        "CLIENT_METHODS",
        &wanted,
        "the runtime's Client (templates/src)",
    );

    let generated = [root().join("generated/src/lib.rs")];
    let wanted = methods_of(&generated, "Client", false);
    assert!(
        wanted.contains("builder"),
        "found no methods of miteos::Client: {wanted:?}"
    );
    assert_covered(
        "CLIENT_METHODS",
        &wanted,
        "the generated Client (generated/src/lib.rs)",
    );
}

/// The methods and fields of every operation builder in a generated crate that do not come from one of the
/// operation's parameters or parts. A parameter or part setter takes `value` (or `file_name` for a file part,
/// or `values` for a typed filter that sets its parameter from enum values; lowering gives that setter a
/// name no parameter and no fixed method has) and sets the field of its own name; a path parameter is an argument of the resource method that creates the
/// builder, kept in the field of its own name.
fn fixed_builder_names(src: &Path) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for path in rust_files(&src.join("resources")) {
        let file = parse(&path);
        let builders: BTreeSet<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Struct(s) if s.attrs.iter().any(|a| a.path().is_ident("must_use")) => {
                    Some(s.ident.to_string())
                }
                _ => None,
            })
            .collect();
        let mut setters = BTreeSet::new();
        for item in &file.items {
            let syn::Item::Impl(imp) = item else { continue };
            let Some(ty) = self_type_name(&imp.self_ty) else {
                continue;
            };
            if imp.trait_.is_some() {
                continue;
            }
            for item in &imp.items {
                let syn::ImplItem::Fn(f) = item else { continue };
                if !builders.contains(&ty) {
                    // A resource method: its arguments are path parameters.
                    setters.extend(f.sig.inputs.iter().filter_map(|arg| match arg {
                        syn::FnArg::Typed(t) => match &*t.pat {
                            syn::Pat::Ident(i) => Some(i.ident.to_string()),
                            _ => None,
                        },
                        syn::FnArg::Receiver(_) => None,
                    }));
                    continue;
                }
                let first_arg = f.sig.inputs.iter().find_map(|arg| match arg {
                    syn::FnArg::Typed(t) => match &*t.pat {
                        syn::Pat::Ident(i) => Some(i.ident.to_string()),
                        _ => None,
                    },
                    syn::FnArg::Receiver(_) => None,
                });
                let name = f.sig.ident.to_string();
                if matches!(first_arg.as_deref(), Some("value" | "values" | "file_name")) {
                    setters.insert(name);
                } else {
                    names.insert(name);
                }
            }
        }
        for item in &file.items {
            let syn::Item::Struct(s) = item else { continue };
            if !builders.contains(&s.ident.to_string()) {
                continue;
            }
            for field in &s.fields {
                let name = field.ident.as_ref().expect("named field").to_string();
                if !setters.contains(&name) {
                    names.insert(name);
                }
            }
        }
    }
    names
}

#[test]
fn builder_methods_cover_what_every_builder_gets() {
    let mut crates = vec![root().join("generated/src")];
    for entry in fs::read_dir(root().join("fixtures/snapshots")).expect("snapshot fixtures") {
        let src = entry.expect("entry").path().join("expected/src");
        if src.join("resources").is_dir() {
            crates.push(src);
        }
    }
    crates.sort();
    let mut wanted = BTreeSet::new();
    for src in &crates {
        wanted.extend(fixed_builder_names(src));
    }
    for name in ["send", "extra_header", "client", "options"] {
        assert!(
            wanted.contains(name),
            "found no builder `{name}`: {wanted:?}"
        );
    }
    assert_covered(
        "BUILDER_METHODS",
        &wanted,
        "the generated builders (generated/, fixtures/snapshots/*/expected)",
    );
}
