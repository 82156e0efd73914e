//! A user who unit-tests code that takes a model must be able to build one: every struct of every
//! generated crate (the snapshot crates and `generated/`) has only public fields, derives `Default`,
//! has a `pub fn new`, or (an id newtype) converts `From` a value.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The `.rs` files under `dir`, recursively, in a stable order.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The model files of every generated crate: `src/types.rs` and `src/webhooks.rs`.
fn model_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut crates = vec![root.join("generated")];
    let snapshots = root.join("fixtures/snapshots");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&snapshots)
        .expect("fixtures/snapshots is readable")
        .map(|e| e.unwrap().path().join("expected"))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    crates.extend(cases);
    let mut files = Vec::new();
    for krate in crates {
        let src = krate.join("src");
        let mut all = Vec::new();
        rust_files(&src, &mut all);
        files.extend(all.into_iter().filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            p.parent() == Some(src.as_path()) && (name == "types.rs" || name == "webhooks.rs")
        }));
    }
    files
}

fn derives_default(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && a.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .is_ok_and(|paths| paths.iter().any(|p| p.is_ident("Default")))
    })
}

fn self_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The structs of a file that a user outside the crate could not build, with why.
fn unconstructible(file: &syn::File) -> Vec<String> {
    let mut with_new = BTreeSet::new();
    let mut with_from = BTreeSet::new();
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        let Some(name) = self_name(&imp.self_ty) else {
            continue;
        };
        match &imp.trait_ {
            Some((_, path, _)) if path.segments.last().is_some_and(|s| s.ident == "From") => {
                with_from.insert(name);
            }
            None => {
                let has_new = imp.items.iter().any(|i| {
                    matches!(i, syn::ImplItem::Fn(f)
                        if f.sig.ident == "new" && matches!(f.vis, syn::Visibility::Public(_)))
                });
                if has_new {
                    with_new.insert(name);
                }
            }
            _ => {}
        }
    }
    let mut problems = Vec::new();
    for item in &file.items {
        let syn::Item::Struct(s) = item else { continue };
        if !matches!(s.vis, syn::Visibility::Public(_)) {
            continue;
        }
        let name = s.ident.to_string();
        let non_exhaustive = s.attrs.iter().any(|a| a.path().is_ident("non_exhaustive"));
        let all_public = s
            .fields
            .iter()
            .all(|f| matches!(f.vis, syn::Visibility::Public(_)));
        let literal = all_public && !non_exhaustive;
        let ok = literal
            || derives_default(&s.attrs)
            || with_new.contains(&name)
            || (matches!(s.fields, syn::Fields::Unnamed(_)) && with_from.contains(&name));
        if !ok {
            problems.push(format!(
                "{name}: {}",
                if non_exhaustive {
                    "#[non_exhaustive] without new() or Default"
                } else {
                    "a private field, and no new(), Default or From"
                }
            ));
        }
    }
    problems
}

#[test]
fn every_model_can_be_built_by_a_user() {
    let files = model_files();
    assert!(
        files.len() > 20,
        "expected the model files of generated/ and the snapshot crates, found {}",
        files.len()
    );
    let mut structs = 0;
    let mut problems = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let file = syn::parse_file(&text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
        structs += file
            .items
            .iter()
            .filter(|i| matches!(i, syn::Item::Struct(_)))
            .count();
        for problem in unconstructible(&file) {
            problems.push(format!("{}: {problem}", path.display()));
        }
    }
    assert!(structs > 100, "only {structs} structs found");
    assert!(
        problems.is_empty(),
        "models a user cannot build:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_check_finds_a_struct_with_a_private_field() {
    let file = syn::parse_file(
        "pub struct Open { pub a: u8 }\n\
         pub struct Hidden { a: u8 }\n\
         #[non_exhaustive] pub struct Marked { pub a: u8 }\n\
         #[derive(Default)] #[non_exhaustive] pub struct Defaulted { pub a: u8 }\n\
         pub struct Built { a: u8 }\n\
         impl Built { pub fn new(a: u8) -> Self { Self { a } } }\n\
         pub struct Id(String);\n\
         impl From<&str> for Id { fn from(s: &str) -> Self { Id(s.into()) } }",
    )
    .unwrap();
    let problems = unconstructible(&file);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("Hidden:") && problems[1].starts_with("Marked:"));
}
