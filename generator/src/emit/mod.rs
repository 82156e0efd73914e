//! Emits the files of a generated crate from the IR, each with an `@generated` header: model
//! structs as text laid out as prettyplease lays them out (`structs`, `text`), the rest as tokens
//! with `quote!` formatted by prettyplease. Emitters read only the IR.

pub mod docs;
mod enums;
pub(crate) mod events;
mod examples;
mod inline_runtime;
mod lib_rs;
mod manifest;
mod paging;
mod readme;
mod resources;
mod send;
mod structs;
mod text;
pub mod types;
mod union_de;
mod waiters;
mod webhooks;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::{Error, Result};
use crate::ir::{
    Api, BodyEncoding, Diagnostic, EventId, IdField, ResponseShape, Transport, TypeKind, TypeRef,
};

pub use inline_runtime::RUNTIME_FILES;

/// Options for emitting a crate.
#[derive(Debug, Clone, Default)]
pub struct EmitOptions {
    /// Add an empty `[workspace]` table so the crate builds outside any workspace.
    pub standalone: bool,
    /// Where the crate gets its runtime.
    pub runtime: Runtime,
}

/// Where a generated crate gets its runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runtime {
    /// A dependency on the `sdkgen-runtime` crate, found at `path` (relative to the generated
    /// crate's directory, or absolute).
    Crate {
        /// The directory of `sdkgen-runtime`.
        path: String,
    },
    /// A copy of the runtime in `src/runtime/`, so the crate needs nothing from this repository.
    Inline,
}

impl Runtime {
    /// The absolute path of this checkout's runtime crate (`templates/`): how a crate generated
    /// anywhere finds the runtime until it is published.
    pub fn checkout_path() -> String {
        let generator = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = generator.parent().unwrap_or(generator);
        root.join("templates").display().to_string()
    }
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime::Crate {
            path: Runtime::checkout_path(),
        }
    }
}

/// A generated crate: relative path → file contents, plus what could not be represented.
#[derive(Debug, Clone)]
pub struct GeneratedCrate {
    /// Files, by path relative to the crate root (`src/lib.rs`).
    pub files: BTreeMap<String, String>,
    /// Things the generator reports instead of dropping silently.
    pub diagnostics: Vec<Diagnostic>,
}

/// How long emitting took. Token building and formatting are summed over the pieces of the
/// crate (CPU time, on however many threads made them); `wall` is the time of the whole.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmitTimings {
    /// Building the code: token streams with `quote!`, and the structs' text.
    pub tokens: Duration,
    /// Parsing the tokens with syn and printing them with prettyplease.
    pub format: Duration,
    /// The whole emit, start to end.
    pub wall: Duration,
    /// How many threads made the pieces.
    pub threads: usize,
}

/// Emits every file of the crate.
pub fn emit(api: &Api, options: &EmitOptions) -> Result<GeneratedCrate> {
    emit_timed(api, options).map(|(generated, _)| generated)
}

/// Like [`emit`], also timing it. The pieces of the crate are made on one thread per core; the
/// files are the same bytes however many threads there are.
pub fn emit_timed(api: &Api, options: &EmitOptions) -> Result<(GeneratedCrate, EmitTimings)> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    emit_on(api, options, threads, TYPES_PER_PIECE)
}

/// How many type definitions one piece of `src/types.rs` holds: small enough to share the file
/// between threads, big enough that a piece is worth a thread's turn.
const TYPES_PER_PIECE: usize = 64;

/// A part of a file, made (tokens, then formatted text) on one thread: token streams cannot move
/// between threads, text can. A file is the concatenation of its pieces' text, in order.
enum Piece<'a> {
    /// The top of `src/types.rs`: its doc and the id newtypes.
    TypesHead,
    /// Some of the type definitions.
    Types(&'a [crate::ir::TypeDef]),
    /// The end of `src/types.rs`: event-id and terminal-status impls.
    TypesTail,
    ResourcesMod,
    Resource(&'a crate::ir::Resource),
    Lib,
    Webhooks,
}

impl Piece<'_> {
    fn path(&self) -> String {
        match self {
            Piece::TypesHead | Piece::Types(_) | Piece::TypesTail => "src/types.rs".to_owned(),
            Piece::ResourcesMod => "src/resources/mod.rs".to_owned(),
            Piece::Resource(r) => format!("src/resources/{}.rs", crate::ident::unraw(&r.name)),
            Piece::Lib => "src/lib.rs".to_owned(),
            Piece::Webhooks => "src/webhooks.rs".to_owned(),
        }
    }
}

/// The pieces of every Rust file of the crate, in file order.
fn pieces(api: &Api, types_per_piece: usize) -> Vec<Piece<'_>> {
    let mut pieces = vec![Piece::TypesHead];
    pieces.extend(api.types.chunks(types_per_piece).map(Piece::Types));
    pieces.push(Piece::TypesTail);
    pieces.push(Piece::ResourcesMod);
    pieces.extend(api.resources.iter().map(Piece::Resource));
    pieces.push(Piece::Lib);
    if !api.webhooks.is_empty() {
        pieces.push(Piece::Webhooks);
    }
    pieces
}

/// What every piece reads.
struct Context<'a> {
    api: &'a Api,
    features: Features,
    runtime: &'a Runtime,
    /// Type paths as seen from `src/types.rs`.
    in_types: types::TypePaths,
    /// Type paths as seen from every other module.
    outside: types::TypePaths,
}

/// A piece's text, what it reported and how long it took.
struct Made {
    text: String,
    diagnostics: Vec<Diagnostic>,
    tokens: Duration,
    format: Duration,
}

fn emit_on(
    api: &Api,
    options: &EmitOptions,
    threads: usize,
    types_per_piece: usize,
) -> Result<(GeneratedCrate, EmitTimings)> {
    let started = Instant::now();
    let defined: BTreeSet<String> = api
        .types
        .iter()
        .map(|t| t.name.clone())
        .chain(api.ids.iter().map(|id| id.name.clone()))
        .collect();
    let mock = options.runtime != Runtime::Inline;
    let context = Context {
        api,
        features: Features::of(api),
        runtime: &options.runtime,
        in_types: types::TypePaths {
            defined: defined.clone(),
            in_types_module: true,
            mock,
        },
        outside: types::TypePaths {
            defined,
            in_types_module: false,
            mock,
        },
    };
    let pieces = pieces(api, types_per_piece.max(1));
    let threads = threads.clamp(1, pieces.len());
    let header = format!(
        "// @generated by cargo xtask codegen from {}. Do not edit.\n",
        api.meta.source
    );
    let mut timings = EmitTimings {
        threads,
        ..EmitTimings::default()
    };
    let mut diagnostics = api.diagnostics.clone();
    let mut files = BTreeMap::new();
    for (piece, made) in pieces.iter().zip(make_all(&context, &pieces, threads)) {
        let made = made?;
        timings.tokens += made.tokens;
        timings.format += made.format;
        diagnostics.extend(made.diagnostics);
        files
            .entry(piece.path())
            .or_insert_with(|| header.clone())
            .push_str(&made.text);
    }
    if options.runtime == Runtime::Inline {
        for (name, text) in inline_runtime::runtime_files(&context.features, &api.features) {
            files.insert(format!("src/runtime/{name}"), text);
        }
    }
    let cargo_toml = manifest::cargo_toml(api, &context.features, options, &files);
    // A manifest cargo cannot read breaks the crate (and any workspace it is a member of) as surely
    // as code that does not parse.
    if let Err(e) = cargo_toml.parse::<toml::Table>() {
        return Err(Error::Emit {
            what: "Cargo.toml".to_owned(),
            message: e.to_string(),
        });
    }
    files.insert("Cargo.toml".to_owned(), cargo_toml);
    files.insert(
        "README.md".to_owned(),
        readme::readme(api, &options.runtime),
    );
    files.insert(
        "rustfmt.toml".to_owned(),
        format!("# @generated by cargo xtask codegen from {}. Do not edit.\n# The code is formatted by prettyplease when it is generated; rustfmt must leave it as it is,\n# so that regenerating gives the same bytes.\ndisable_all_formatting = true\n", api.meta.source),
    );
    files.insert(
        crate::names::FILE.to_owned(),
        crate::names::NameLock::of(api).render(&api.meta.source),
    );
    diagnostics.sort();
    diagnostics.dedup();
    timings.wall = started.elapsed();
    Ok((GeneratedCrate { files, diagnostics }, timings))
}

/// Makes every piece on `threads` threads, each taking the next piece not yet taken; the results
/// come back in piece order.
fn make_all(context: &Context<'_>, pieces: &[Piece<'_>], threads: usize) -> Vec<Result<Made>> {
    if threads <= 1 {
        return pieces.iter().map(|p| make(context, p)).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut made: Vec<(usize, Result<Made>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(piece) = pieces.get(i) else {
                            return mine;
                        };
                        mine.push((i, make(context, piece)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    made.sort_by_key(|(i, _)| *i);
    made.into_iter().map(|(_, made)| made).collect()
}

/// Builds one piece's tokens and formats them.
fn make(context: &Context<'_>, piece: &Piece<'_>) -> Result<Made> {
    if let Piece::Types(defs) = piece {
        return type_text(context, defs);
    }
    let mut diagnostics = Vec::new();
    let started = Instant::now();
    let piece_tokens = piece_tokens(context, piece, &mut diagnostics)?;
    let parse_started = Instant::now();
    let file = parse_file(piece_tokens, &piece.path())?;
    let text = prettyplease::unparse(&file);
    Ok(Made {
        text,
        diagnostics,
        tokens: parse_started - started,
        format: parse_started.elapsed(),
    })
}

/// The text of some type definitions, each item under its type's feature gate: structs are
/// written as text (formatted by prettyplease only where the text says it is unsure of a line),
/// the other types as tokens that prettyplease formats.
fn type_text(context: &Context<'_>, defs: &[crate::ir::TypeDef]) -> Result<Made> {
    let mut made = Made {
        text: String::new(),
        diagnostics: Vec::new(),
        tokens: Duration::ZERO,
        format: Duration::ZERO,
    };
    for def in defs {
        let started = Instant::now();
        let features = context.api.features.types.get(&def.name);
        let gate = text::Meta::cfg_any(features.map_or(&[], Vec::as_slice));
        let emitted = types::emit_type(def, &context.in_types, gate.as_ref());
        let format_started = Instant::now();
        made.tokens += format_started - started;
        match emitted {
            types::Emitted::Text(text) => match text.finish() {
                (text, false) => made.text.push_str(&text),
                (text, true) => {
                    let file = syn::parse_file(&text).map_err(|e| Error::Emit {
                        what: "src/types.rs".to_owned(),
                        message: format!("`{}`: {e}", def.name),
                    })?;
                    made.text.push_str(&prettyplease::unparse(&file));
                }
            },
            types::Emitted::Tokens(item) => {
                let accessors = events::union_accessors(def, &context.in_types);
                let gate = type_gate(context.api, &TypeRef::Named(def.name.clone()));
                let items = gated_items(quote!(#item #accessors), &gate, &def.name)?;
                made.text.push_str(&prettyplease::unparse(&items));
            }
        }
        made.format += format_started.elapsed();
    }
    Ok(made)
}

/// The items of one type definition's tokens, each after `gate`.
fn gated_items(tokens: TokenStream, gate: &TokenStream, type_name: &str) -> Result<syn::File> {
    let mut file = parse_file(tokens, "src/types.rs")?;
    if !gate.is_empty() {
        let gate =
            syn::parse::Parser::parse2(syn::Attribute::parse_outer, gate.clone()).map_err(|e| {
                Error::Emit {
                    what: "src/types.rs".to_owned(),
                    message: e.to_string(),
                }
            })?;
        for item in &mut file.items {
            item_attrs(item, type_name)?.splice(0..0, gate.iter().cloned());
        }
    }
    Ok(file)
}

/// The attributes of an item, to put a gate in front of them.
fn item_attrs<'a>(item: &'a mut syn::Item, type_name: &str) -> Result<&'a mut Vec<syn::Attribute>> {
    use syn::Item;
    Ok(match item {
        Item::Const(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Struct(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        _ => {
            return Err(Error::Emit {
                what: "src/types.rs".to_owned(),
                message: format!("an item of `{type_name}` that cannot carry a feature gate"),
            });
        }
    })
}

fn piece_tokens(
    context: &Context<'_>,
    piece: &Piece<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<TokenStream> {
    let api = context.api;
    Ok(match piece {
        Piece::TypesHead => {
            let id_items = api
                .ids
                .iter()
                .map(|id| types::emit_id(id, &context.in_types));
            quote! {
                //! Models: the request and response bodies of the API.
                #(#id_items)*
            }
        }
        Piece::Types(_) => unreachable!("`make` writes type definitions as text"),
        Piece::TypesTail => {
            let stream_impls = stream_event_impls(api, &context.in_types);
            // `is_terminal()` of each status enum a waiter reads, under the enum's gate.
            let mut terminal_impls = Vec::new();
            let mut seen = std::collections::BTreeSet::new();
            for w in api.waiters.iter().filter(|w| seen.insert(&w.status_enum)) {
                let gate = type_gate(api, &TypeRef::Named(w.status_enum.clone()));
                terminal_impls.push(gated(
                    waiters::terminal_impls(std::slice::from_ref(w)),
                    &gate,
                )?);
            }
            quote! {
                #stream_impls
                #(#terminal_impls)*
            }
        }
        Piece::ResourcesMod => resources::emit_mod(api),
        Piece::Resource(resource) => {
            let resource_waiters: Vec<&crate::ir::Waiter> = api
                .waiters
                .iter()
                .filter(|w| w.resource == resource.name)
                .collect();
            let waiter_examples: Vec<Vec<String>> = resource_waiters
                .iter()
                .map(|w| examples::waiter_example(api, resource, w))
                .collect();
            resources::emit_resource(
                resource,
                &resource_waiters,
                &waiter_examples,
                &api.features,
                &context.outside,
            )?
        }
        Piece::Lib => lib_rs::lib_rs(api, &context.features, context.runtime),
        Piece::Webhooks => webhooks::webhooks_rs(api, &context.outside, diagnostics),
    })
}

/// Which optional runtime parts a crate needs.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// A WebSocket operation exists.
    pub websocket: bool,
    /// Webhook payloads exist.
    pub webhooks: bool,
    /// A server-sent-events response exists.
    pub sse: bool,
    /// Some type holds a `uuid::Uuid`.
    pub uuid: bool,
    /// Some type holds a `Timestamp` or `Date`.
    pub time: bool,
    /// Some type holds `Base64Bytes`.
    pub base64: bool,
    /// Some operation pages (its builder has `into_stream()`).
    pub pagination: bool,
    /// Some operation sends a `multipart/form-data` body.
    pub multipart: bool,
}

impl Features {
    fn of(api: &Api) -> Self {
        let ops = api.resources.iter().flat_map(|r| &r.operations);
        let mut f = Features {
            webhooks: !api.webhooks.is_empty(),
            ..Default::default()
        };
        let mut refs = Vec::new();
        for op in ops {
            f.websocket |= matches!(op.transport, Transport::WebSocket(_));
            f.sse |= shape_has_sse(&op.response);
            f.pagination |= op.pagination.is_some();
            refs.extend(op.path_params.iter().chain(&op.params).map(|p| &p.ty));
            match op.body.as_ref().map(|b| &b.encoding) {
                Some(BodyEncoding::Json(ty, _) | BodyEncoding::Form(ty)) => refs.push(ty),
                Some(BodyEncoding::Multipart(parts)) => {
                    f.multipart = true;
                    refs.extend(parts.iter().map(|p| &p.ty));
                }
                _ => {}
            }
            refs.extend(op.response.types());
        }
        for t in &api.types {
            match &t.kind {
                TypeKind::Struct(s) => {
                    refs.extend(s.fields.iter().map(|f| &f.ty));
                    refs.extend(&s.additional);
                }
                TypeKind::Union(u) => refs.extend(u.variants.iter().map(|v| &v.ty)),
                TypeKind::Alias(ty) => refs.push(ty),
                TypeKind::Enum(_) => {}
            }
        }
        let holds = |wanted: &[TypeRef]| refs.iter().any(|ty| holds(ty, wanted));
        f.uuid = holds(&[TypeRef::Uuid]);
        f.time = holds(&[TypeRef::Timestamp, TypeRef::Date]);
        f.base64 = holds(&[TypeRef::Base64]);
        f
    }
}

/// Whether a type reference is or contains one of `wanted` (named types are looked at where they
/// are defined).
fn holds(ty: &TypeRef, wanted: &[TypeRef]) -> bool {
    match ty {
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => holds(inner, wanted),
        other => wanted.contains(other),
    }
}

fn shape_has_sse(shape: &ResponseShape) -> bool {
    match shape {
        ResponseShape::EventStream(_) => true,
        ResponseShape::Outcomes(_, o) => o.iter().any(|o| shape_has_sse(&o.body)),
        _ => false,
    }
}

/// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", feature = "b"))]`; nothing for an item
/// every feature set compiles (`None`).
pub(crate) fn cfg_any(features: &[String]) -> TokenStream {
    match features {
        [] => TokenStream::new(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// The gate of code that needs a capability feature (when given) and any of `features` (when any).
pub(crate) fn cfg_capability(capability: Option<&str>, features: &[String]) -> TokenStream {
    let Some(capability) = capability else {
        return cfg_any(features);
    };
    match features {
        [] => quote!(#[cfg(feature = #capability)]),
        [one] => quote!(#[cfg(all(feature = #capability, feature = #one))]),
        many => quote!(#[cfg(all(feature = #capability, any(#(feature = #many),*)))]),
    }
}

/// The gate of a named type (nothing for other types).
fn type_gate(api: &Api, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Named(name) => cfg_any(api.features.types.get(name).map_or(&[], Vec::as_slice)),
        _ => TokenStream::new(),
    }
}

/// The items of `tokens`, each under `gate` (an attribute, or nothing).
fn gated(tokens: TokenStream, gate: &TokenStream) -> Result<TokenStream> {
    if gate.is_empty() {
        return Ok(tokens);
    }
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Emit {
        what: "src/types.rs".to_owned(),
        message: e.to_string(),
    })?;
    let items = file.items.iter();
    Ok(quote!(#(#gate #items)*))
}

/// Parses tokens as (a part of) a file; `what` names the file in errors.
fn parse_file(tokens: TokenStream, what: &str) -> Result<syn::File> {
    syn::parse2(tokens).map_err(|e| Error::Emit {
        what: what.to_owned(),
        message: e.to_string(),
    })
}

/// `StreamEvent` impls (the event id, for resuming and de-duplicating) for WebSocket message types.
fn stream_event_impls(api: &Api, paths: &types::TypePaths) -> TokenStream {
    let read_id = |field: &IdField, value: TokenStream| {
        let f = types::ident(&field.name);
        if field.optional {
            quote!(#value.#f.as_deref())
        } else {
            quote!(Some(#value.#f.as_str()))
        }
    };
    let impls = api.stream_messages.iter().map(|message| {
        let t = paths.ty(&message.ty);
        let type_features = match &message.ty {
            TypeRef::Named(name) => api.features.types.get(name).map_or(&[][..], Vec::as_slice),
            _ => &[],
        };
        let gate = cfg_capability(api.features.websocket.as_deref(), type_features);
        let body = match &message.event_id {
            EventId::None => quote!(None),
            EventId::Field(field) => read_id(field, quote!(self)),
            EventId::Variants { variants, unknown } => {
                let arms = variants.iter().map(|(variant, field)| {
                    let vn = types::ident(variant);
                    match field {
                        Some(field) => {
                            let read = read_id(field, quote!(event));
                            quote!(Self::#vn(event) => #read,)
                        }
                        None => quote!(Self::#vn(_) => None,),
                    }
                });
                let unknown = unknown.as_ref().map(|u| {
                    let un = types::ident(u);
                    quote!(Self::#un(value) => value.get("id").and_then(::serde_json::Value::as_str),)
                });
                quote!(match self { #(#arms)* #unknown })
            }
        };
        quote! {
            #gate
            impl crate::runtime::websocket::StreamEvent for #t {
                fn event_id(&self) -> Option<&str> {
                    #body
                }
            }
        }
    });
    quote!(#(#impls)*)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn miteos() -> Api {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let spec = crate::load::load_path(&root.join("fixtures/miteos/openapi.json")).unwrap();
        let config = crate::SdkConfig::from_path(&root.join("fixtures/miteos/sdk.toml")).unwrap();
        let options = crate::lower::LowerOptions {
            crate_name: None,
            source: "fixtures/miteos/openapi.json".to_owned(),
            names: Default::default(),
        };
        crate::lower::lower(&spec, &config, &options).unwrap()
    }

    /// However the crate is cut into pieces and however many threads make them, the files are the
    /// same bytes, run after run.
    #[test]
    fn parallel_emit_is_deterministic() {
        let api = miteos();
        let options = EmitOptions::default();
        let (one, _) = emit_on(&api, &options, 1, usize::MAX).unwrap();
        assert!(api.types.len() > 1 && api.resources.len() > 1);
        for (threads, per_piece) in [(4, 1), (4, 1), (2, 3), (8, TYPES_PER_PIECE)] {
            let (many, timings) = emit_on(&api, &options, threads, per_piece).unwrap();
            assert_eq!(timings.threads, threads);
            assert_eq!(
                one.files.keys().collect::<Vec<_>>(),
                many.files.keys().collect::<Vec<_>>()
            );
            for (path, text) in &one.files {
                assert!(
                    many.files[path] == *text,
                    "{path} differs with {threads} threads, {per_piece} types a piece"
                );
            }
            assert_eq!(one.diagnostics, many.diagnostics);
        }
    }

    /// The types file cut between every definition prints as the committed crate, which was
    /// formatted as one file.
    #[test]
    fn pieces_concatenate_to_the_committed_crate() {
        let api = miteos();
        let (made, _) = emit_on(&api, &EmitOptions::default(), 3, 1).unwrap();
        let committed =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/src/types.rs");
        let committed = std::fs::read_to_string(committed).unwrap();
        assert!(
            made.files["src/types.rs"] == committed,
            "src/types.rs differs from generated/"
        );
    }
}
