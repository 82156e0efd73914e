//! Emits `crate::types`: structs, ids and unions (the forward-compatible enums are `enums.rs`'s).

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::emit::docs::doc_attrs;
use crate::emit::enums::emit_enum;
use crate::emit::text::{Meta, Text};
use crate::ir::{TypeDef, TypeKind, TypeRef, Union, UnionTag, UnionVariant, Usage};

/// The crate feature that gives every model both serde directions (on with `mock`, which builds
/// canned answers from response models and reads recorded requests back).
pub const FULL_SERDE_FEATURE: &str = "full-serde";

/// The serde derives a model's usage needs: `Serialize` if requests carry it, `Deserialize` if
/// responses do (or only the spec defines it). Each direction is most of a model's compile time,
/// so it is paid only where it is used; the [`FULL_SERDE_FEATURE`] adds the other one. (Structs
/// derive only `Serialize`; their `Deserialize` is written out by `structs`.)
pub fn serde_derives(usage: Usage, paths: &TypePaths) -> (TokenStream, TokenStream) {
    match gated_directions(usage, paths) {
        (true, _) => (
            quote!(::serde::Deserialize,),
            quote!(#[cfg_attr(feature = #FULL_SERDE_FEATURE, derive(::serde::Serialize))]),
        ),
        (false, true) => (
            quote!(::serde::Serialize,),
            quote!(#[cfg_attr(feature = #FULL_SERDE_FEATURE, derive(::serde::Deserialize))]),
        ),
        (false, false) => (
            quote!(::serde::Serialize, ::serde::Deserialize,),
            TokenStream::new(),
        ),
    }
}

/// Which serde directions of a model sit behind the [`FULL_SERDE_FEATURE`]: (`Serialize`,
/// `Deserialize`). Only the direction a model's usage does not need, and none without `mock`.
pub fn gated_directions(usage: Usage, paths: &TypePaths) -> (bool, bool) {
    let usage = if paths.mock { usage } else { Usage::Both };
    match usage {
        Usage::ResponseOnly | Usage::Unused => (true, false),
        Usage::RequestOnly => (false, true),
        Usage::Both => (false, false),
    }
}

/// `#[cfg(feature = "full-serde")]` for each serde direction [`gated_directions`] puts behind the
/// feature, else nothing: on a union's hand-written impls.
fn serde_gates(usage: Usage, paths: &TypePaths) -> (TokenStream, TokenStream) {
    let gate = |gated: bool| {
        if gated {
            quote!(#[cfg(feature = #FULL_SERDE_FEATURE)])
        } else {
            TokenStream::new()
        }
    };
    let (serialize, deserialize) = gated_directions(usage, paths);
    (gate(serialize), gate(deserialize))
}

/// How type references are spelled in one module.
pub struct TypePaths {
    /// Names defined in `crate::types` (to detect shadowed prelude names).
    pub defined: BTreeSet<String>,
    /// Prefix for named types: empty inside `types`, `crate::types::` elsewhere.
    pub in_types_module: bool,
    /// Whether the crate has the `mock` feature (not with the inline runtime); without it every
    /// model has both serde directions.
    pub mock: bool,
}

/// An identifier token, raw where needed.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

impl TypePaths {
    /// `short`, or `full` where a spec type in `crate::types` shadows it.
    fn std(&self, short: &'static str, full: &'static str) -> &'static str {
        if self.in_types_module && self.defined.contains(short) {
            full
        } else {
            short
        }
    }

    /// `String`, or its full path when a spec type shadows it.
    pub fn string(&self) -> TokenStream {
        tokens(self.string_text())
    }

    /// `String` as text, or its full path.
    pub fn string_text(&self) -> &'static str {
        self.std("String", "::std::string::String")
    }

    /// `Option` as text, or its full path.
    pub fn option_text(&self) -> &'static str {
        self.std("Option", "::std::option::Option")
    }

    /// `Vec` as text, or its full path.
    fn vec_text(&self) -> &'static str {
        self.std("Vec", "::std::vec::Vec")
    }

    /// `Into` as text, or its full path.
    fn convert_trait_text(&self) -> &'static str {
        self.std("Into", "::std::convert::Into")
    }

    /// `Box`, or its full path.
    pub fn boxed(&self) -> TokenStream {
        tokens(self.boxed_text())
    }

    /// `Box` as text, or its full path.
    pub fn boxed_text(&self) -> &'static str {
        self.std("Box", "::std::boxed::Box")
    }

    /// The tokens of a type reference.
    pub fn ty(&self, ty: &TypeRef) -> TokenStream {
        tokens(&self.ty_text(ty))
    }

    /// A type reference as source text.
    pub fn ty_text(&self, ty: &TypeRef) -> String {
        let mut out = String::new();
        self.push_ty(ty, &mut out);
        out
    }

    fn push_ty(&self, ty: &TypeRef, out: &mut String) {
        let wrapped = |out: &mut String, outer: &str, inner: &TypeRef| {
            out.push_str(outer);
            out.push('<');
            self.push_ty(inner, out);
            out.push('>');
        };
        match ty {
            TypeRef::Named(n) | TypeRef::Id(n) => {
                if !self.in_types_module {
                    out.push_str("crate::types::");
                }
                out.push_str(n);
            }
            TypeRef::String | TypeRef::Bytes => out.push_str(self.string_text()),
            TypeRef::Timestamp => out.push_str("crate::Timestamp"),
            TypeRef::Date => out.push_str("crate::Date"),
            TypeRef::Base64 => out.push_str("crate::Base64Bytes"),
            TypeRef::Uuid => out.push_str("crate::Uuid"),
            TypeRef::Bool => out.push_str("bool"),
            TypeRef::I32 => out.push_str("i32"),
            TypeRef::I64 => out.push_str("i64"),
            TypeRef::U64 => out.push_str("u64"),
            TypeRef::F32 => out.push_str("f32"),
            TypeRef::F64 => out.push_str("f64"),
            TypeRef::Json => out.push_str("::serde_json::Value"),
            TypeRef::Vec(inner) => wrapped(out, self.vec_text(), inner),
            TypeRef::Map(inner) => {
                out.push_str("::std::collections::BTreeMap<");
                out.push_str(self.string_text());
                out.push_str(", ");
                self.push_ty(inner, out);
                out.push('>');
            }
            TypeRef::Option(inner) => wrapped(out, self.option_text(), inner),
        }
    }
}

/// Tokens of source text the emitters made (type paths of identifiers the IR made valid).
fn tokens(text: &str) -> TokenStream {
    text.parse()
        .unwrap_or_else(|e| unreachable!("`{text}` is not Rust tokens: {e}"))
}

/// A type definition's items: text for structs (see `structs`), tokens for the rest.
pub(crate) enum Emitted {
    /// Laid out as prettyplease would, each item after the type's gate.
    Text(Text),
    /// Tokens, without the gate.
    Tokens(TokenStream),
}

/// Emits one type definition; `gate` is its feature gate (only text carries it).
pub(crate) fn emit_type(def: &TypeDef, paths: &TypePaths, gate: Option<&Meta>) -> Emitted {
    let name = ident(&def.name);
    let docs = || doc_attrs(def.docs.as_deref());
    match &def.kind {
        TypeKind::Struct(s) => {
            let mut text = Text::default();
            let docs = def.docs.as_deref();
            super::structs::emit_struct(&mut text, &def.name, docs, s, def.usage, paths, gate);
            Emitted::Text(text)
        }
        TypeKind::Enum(e) => Emitted::Tokens(emit_enum(&name, &docs(), e, paths)),
        TypeKind::Union(u) => Emitted::Tokens(emit_union(&name, &docs(), u, paths, def.usage)),
        TypeKind::Alias(ty) => {
            let (ty, docs) = (paths.ty(ty), docs());
            Emitted::Tokens(quote! { #docs pub type #name = #ty; })
        }
    }
}

/// How a value of `ty` is taken as an argument: strings and ids as `impl Into<…>` (so that a
/// `&str` does), everything else as it is. Returns the argument type and the conversion.
pub fn into_arg(ty: &TypeRef, paths: &TypePaths) -> (TokenStream, TokenStream) {
    let (arg, converts) = into_arg_text(ty, paths);
    let convert = if converts {
        quote!(.into())
    } else {
        TokenStream::new()
    };
    (tokens(&arg), convert)
}

/// [`into_arg`] as text: the argument type, and whether the value is converted with `.into()`.
pub fn into_arg_text(ty: &TypeRef, paths: &TypePaths) -> (String, bool) {
    match ty {
        TypeRef::String | TypeRef::Bytes | TypeRef::Id(_) => (
            format!("impl {}<{}>", paths.convert_trait_text(), paths.ty_text(ty)),
            true,
        ),
        _ => (paths.ty_text(ty), false),
    }
}

/// Emits a resource id newtype: a string that only converts explicitly into other ids.
pub fn emit_id(id: &crate::ir::IdType, paths: &TypePaths) -> TokenStream {
    let name = ident(&id.name);
    let s = paths.string();
    let places: Vec<String> = id.places.iter().map(|p| format!("`{p}`")).collect();
    let doc = format!(
        " A resource id: the value of {}. A type of its own, so that ids of different resources are not mixed up; made from a `String` or `&str` with `From`.",
        places.join(", ")
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(transparent)]
        pub struct #name(#s);
        impl #name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// The id as an owned `String`.
            pub fn into_string(self) -> #s {
                self.0
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl ::std::ops::Deref for #name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
        impl ::std::convert::AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl ::std::convert::From<#s> for #name {
            fn from(id: #s) -> Self {
                Self(id)
            }
        }
        impl ::std::convert::From<&str> for #name {
            fn from(id: &str) -> Self {
                Self(id.into())
            }
        }
        impl ::std::convert::From<&#name> for #name {
            fn from(id: &#name) -> Self {
                id.clone()
            }
        }
        impl ::std::convert::From<#name> for #s {
            fn from(id: #name) -> Self {
                id.0
            }
        }
        impl ::std::cmp::PartialEq<str> for #name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
        impl ::std::cmp::PartialEq<&str> for #name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
        impl ::std::cmp::PartialEq<#s> for #name {
            fn eq(&self, other: &#s) -> bool {
                self.0 == *other
            }
        }
    }
}

fn emit_union(
    name: &Ident,
    docs: &TokenStream,
    u: &Union,
    paths: &TypePaths,
    usage: Usage,
) -> TokenStream {
    let variant_ty = |v: &UnionVariant| {
        let ty = paths.ty(&v.ty);
        if v.boxed {
            let b = paths.boxed();
            quote!(#b<#ty>)
        } else {
            ty
        }
    };
    let Some(tag) = &u.tag else {
        let variants = u.variants.iter().map(|v| {
            let vname = ident(&v.name);
            let ty = variant_ty(v);
            quote! { #[allow(missing_docs)] #vname(#ty), }
        });
        let (serde, serialize_attr) = serde_derives(usage, paths);
        return quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, #serde)]
            #serialize_attr
            #[serde(untagged)]
            pub enum #name {
                #(#variants)*
            }
        };
    };
    tagged_union(name, docs, u, tag, variant_ty, serde_gates(usage, paths))
}

/// A tagged union: decoded by its tag (unknown tags kept as JSON), encoded as its variant.
fn tagged_union(
    name: &Ident,
    docs: &TokenStream,
    u: &Union,
    tag: &UnionTag,
    variant_ty: impl Fn(&UnionVariant) -> TokenStream,
    (serialize_gate, deserialize_gate): (TokenStream, TokenStream),
) -> TokenStream {
    let property = &tag.property;
    let unknown = ident(&tag.unknown);
    let variants = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let ty = variant_ty(v);
        let doc = format!(" `{property}` is `{}`.", v.tags.join("` or `"));
        quote! { #[doc = #doc] #vname(#ty), }
    });
    let deserialize =
        super::union_de::tagged_deserialize(name, &u.variants, tag, &variant_ty, &deserialize_gate);
    let ser_arms = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        quote! { Self::#vname(v) => v.serialize(serializer), }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
            /// A kind this version of the SDK does not know; kept as sent.
            #unknown(::serde_json::Value),
        }
        #serialize_gate
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self { #(#ser_arms)* Self::#unknown(v) => v.serialize(serializer) }
            }
        }
        #deserialize
    }
}
