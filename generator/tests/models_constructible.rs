//! A user who unit-tests code that takes a model must be able to build one, request or response,
//! and a field the spec adds later must not break that code: every struct of every generated crate
//! (the snapshot crates and `generated/`) is `#[non_exhaustive]` with public fields, derives
//! `Default` or has a `pub fn new` taking its required fields, and has a setter per optional
//! field; an id newtype converts `From` a value.

use std::collections::{BTreeMap, BTreeSet};
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

/// What the inherent impls of a file offer, by type name.
#[derive(Default)]
struct Impls {
    /// The argument names of `pub fn new`.
    new_args: BTreeMap<String, Vec<String>>,
    /// The fields `pub fn new` fills without an argument (fixed values, empty maps).
    new_fills: BTreeMap<String, BTreeSet<String>>,
    /// The names of `pub fn x(self, value)` setters.
    setters: BTreeMap<String, BTreeSet<String>>,
    /// Types with a `From` impl.
    from: BTreeSet<String>,
}

fn impls(file: &syn::File) -> Impls {
    let mut out = Impls::default();
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        let Some(name) = self_name(&imp.self_ty) else {
            continue;
        };
        match &imp.trait_ {
            Some((_, path, _)) if path.segments.last().is_some_and(|s| s.ident == "From") => {
                out.from.insert(name);
            }
            None => {
                for f in imp.items.iter().filter_map(|i| match i {
                    syn::ImplItem::Fn(f) if matches!(f.vis, syn::Visibility::Public(_)) => Some(f),
                    _ => None,
                }) {
                    let args: Vec<String> = f
                        .sig
                        .inputs
                        .iter()
                        .filter_map(|a| match a {
                            syn::FnArg::Typed(t) => match &*t.pat {
                                syn::Pat::Ident(i) => Some(i.ident.to_string()),
                                _ => None,
                            },
                            syn::FnArg::Receiver(_) => None,
                        })
                        .collect();
                    let takes_self = f.sig.receiver().is_some();
                    if f.sig.ident == "new" && !takes_self {
                        out.new_fills
                            .insert(name.clone(), filled_without(&f.block, &args));
                        out.new_args.insert(name.clone(), args);
                    } else if takes_self && args.len() == 1 {
                        out.setters
                            .entry(name.clone())
                            .or_default()
                            .insert(f.sig.ident.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The fields of the `Self { … }` a constructor's body ends with whose value uses none of `args`.
fn filled_without(body: &syn::Block, args: &[String]) -> BTreeSet<String> {
    let Some(syn::Stmt::Expr(syn::Expr::Struct(value), None)) = body.stmts.last() else {
        return BTreeSet::new();
    };
    let uses_arg = |expr: &syn::Expr| {
        use quote::ToTokens;
        fn idents(tokens: proc_macro2::TokenStream, out: &mut Vec<String>) {
            for t in tokens {
                match t {
                    proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
                    proc_macro2::TokenTree::Group(g) => idents(g.stream(), out),
                    _ => {}
                }
            }
        }
        let mut found = Vec::new();
        idents(expr.to_token_stream(), &mut found);
        found.iter().any(|i| args.contains(i))
    };
    value
        .fields
        .iter()
        .filter_map(|f| match &f.member {
            syn::Member::Named(field) if !uses_arg(&f.expr) => Some(field.to_string()),
            _ => None,
        })
        .collect()
}

/// The setter of a field: its name, but `set_new` and `set_default` (a method `new` or `default`
/// would hide the constructor and `Default::default`).
fn setter_name(field: &str) -> String {
    match field {
        "new" | "default" => format!("set_{field}"),
        _ => field.to_owned(),
    }
}

/// `Option<…>`: a field a caller may leave unset.
fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p)
        if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// The structs of a file that a user outside the crate could not build, or could build only in
/// part, with why. A model is `#[non_exhaustive]` (a field added later must not break a caller),
/// so public fields do not count: it needs `new()` or `Default`, every field without a value of
/// its own (not an `Option`) an argument of `new()`, and every `Option` field a setter or an
/// argument of `new()`. Only the fields `new()` fills itself (fixed values, the map of additional
/// properties) need neither. An id newtype converts `From` a value.
fn unconstructible(file: &syn::File) -> Vec<String> {
    let impls = impls(file);
    let mut problems = Vec::new();
    for item in &file.items {
        let syn::Item::Struct(s) = item else { continue };
        if !matches!(s.vis, syn::Visibility::Public(_)) {
            continue;
        }
        let name = s.ident.to_string();
        let syn::Fields::Named(fields) = &s.fields else {
            if !impls.from.contains(&name) {
                problems.push(format!("{name}: a tuple struct without From"));
            }
            continue;
        };
        if !s.attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
            problems.push(format!("{name}: not #[non_exhaustive]"));
        }
        let default = derives_default(&s.attrs);
        let new_args = impls.new_args.get(&name);
        if !default && new_args.is_none() {
            problems.push(format!("{name}: neither new() nor Default"));
            continue;
        }
        let no_setters = BTreeSet::new();
        let setters = impls.setters.get(&name).unwrap_or(&no_setters);
        for field in &fields.named {
            let field_name = field.ident.as_ref().expect("a named field").to_string();
            let in_new = new_args.is_some_and(|args| args.contains(&field_name));
            let filled = impls
                .new_fills
                .get(&name)
                .is_some_and(|f| f.contains(&field_name));
            if !matches!(field.vis, syn::Visibility::Public(_)) {
                problems.push(format!("{name}.{field_name}: a private field"));
            } else if !is_option(&field.ty) && !default && !in_new && !filled {
                problems.push(format!(
                    "{name}.{field_name}: required, not an argument of new()"
                ));
            } else if is_option(&field.ty)
                && !in_new
                && !setters.contains(&setter_name(&field_name))
            {
                problems.push(format!("{name}.{field_name}: optional, without a setter"));
            }
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
fn the_check_finds_models_a_user_cannot_build() {
    let file = syn::parse_file(
        "pub struct Open { pub a: u8 }\n\
         pub struct Hidden { a: u8 }\n\
         #[non_exhaustive] pub struct Marked { pub a: u8 }\n\
         #[derive(Default)] #[non_exhaustive] pub struct Defaulted { pub a: Option<u8> }\n\
         impl Defaulted { pub fn a(mut self, value: u8) -> Self { self.a = Some(value); self } }\n\
         #[derive(Default)] #[non_exhaustive] pub struct NoSetter { pub a: Option<u8> }\n\
         #[non_exhaustive] pub struct Built { pub a: u8, pub b: Option<u8>, pub c: Option<u8>, pub k: String }\n\
         impl Built {\n\
             pub fn new(a: u8, b: Option<u8>) -> Self { Self { a, b, c: None, k: \"fixed\".to_owned() } }\n\
             pub fn c(mut self, value: u8) -> Self { self.c = Some(value); self }\n\
         }\n\
         #[non_exhaustive] pub struct Partial { pub a: u8, pub b: u8 }\n\
         impl Partial { pub fn new(a: u8) -> Self { Self { a, b: a } } }\n\
         pub struct Id(String);\n\
         impl From<&str> for Id { fn from(s: &str) -> Self { Id(s.into()) } }\n\
         pub struct Bare(String);",
    )
    .unwrap();
    let problems = unconstructible(&file);
    assert_eq!(
        problems,
        [
            "Open: not #[non_exhaustive]",
            "Open: neither new() nor Default",
            "Hidden: not #[non_exhaustive]",
            "Hidden: neither new() nor Default",
            "Marked: neither new() nor Default",
            "NoSetter.a: optional, without a setter",
            "Partial.b: required, not an argument of new()",
            "Bare: a tuple struct without From",
        ]
    );
}
