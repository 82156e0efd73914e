//! Emits `crate::types`: structs, ids and unions (the forward-compatible enums are `enums.rs`'s).

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::emit::docs::doc_attrs;
use crate::emit::enums::emit_enum;
use crate::emit::model_de::model_deserialize;
use crate::ir::{
    Field, Presence, Struct, TypeDef, TypeKind, TypeRef, Union, UnionTag, UnionVariant, Usage,
};

/// The crate feature that gives every model both serde directions (on with `mock`, which builds
/// canned answers from response models and reads recorded requests back).
pub const FULL_SERDE_FEATURE: &str = "full-serde";

/// The serde derives a model's usage needs: `Serialize` if requests carry it, `Deserialize` if
/// responses do (or only the spec defines it). Each direction is most of a model's compile time,
/// so it is paid only where it is used; the [`FULL_SERDE_FEATURE`] adds the other one. (Structs
/// derive only `Serialize`, as `SerializeDerive` says; their `Deserialize` is `model_de`'s.)
pub fn serde_derives(usage: Usage, paths: &TypePaths) -> (TokenStream, TokenStream) {
    let usage = if paths.mock { usage } else { Usage::Both };
    match usage {
        Usage::ResponseOnly | Usage::Unused => (
            quote!(::serde::Deserialize,),
            quote!(#[cfg_attr(feature = #FULL_SERDE_FEATURE, derive(::serde::Serialize))]),
        ),
        Usage::RequestOnly => (
            quote!(::serde::Serialize,),
            quote!(#[cfg_attr(feature = #FULL_SERDE_FEATURE, derive(::serde::Deserialize))]),
        ),
        Usage::Both => (
            quote!(::serde::Serialize, ::serde::Deserialize,),
            TokenStream::new(),
        ),
    }
}

/// `#[cfg(feature = "full-serde")]` for the serde direction a model's usage does not need (as
/// [`serde_derives`]): on a union's hand-written impls, on a struct's `Deserialize` impls, and
/// (as a `cfg_attr`, see `SerializeDerive`) on a struct's derived `Serialize`.
fn serde_gates(usage: Usage, paths: &TypePaths) -> (TokenStream, TokenStream) {
    let usage = if paths.mock { usage } else { Usage::Both };
    let mock = quote!(#[cfg(feature = #FULL_SERDE_FEATURE)]);
    match usage {
        Usage::ResponseOnly | Usage::Unused => (mock, TokenStream::new()),
        Usage::RequestOnly => (TokenStream::new(), mock),
        Usage::Both => (TokenStream::new(), TokenStream::new()),
    }
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
    fn std(&self, short: &str, full: TokenStream) -> TokenStream {
        if self.in_types_module && self.defined.contains(short) {
            full
        } else {
            let id = ident(short);
            quote!(#id)
        }
    }

    /// `String`, or its full path when a spec type shadows it.
    pub fn string(&self) -> TokenStream {
        self.std("String", quote!(::std::string::String))
    }

    /// `Option`, or its full path.
    pub fn option(&self) -> TokenStream {
        self.std("Option", quote!(::std::option::Option))
    }

    /// `Vec`, or its full path.
    pub fn vec(&self) -> TokenStream {
        self.std("Vec", quote!(::std::vec::Vec))
    }

    /// `Into`, or its full path.
    pub fn into(&self) -> TokenStream {
        self.std("Into", quote!(::std::convert::Into))
    }

    /// `Box`, or its full path.
    pub fn boxed(&self) -> TokenStream {
        self.std("Box", quote!(::std::boxed::Box))
    }

    /// The tokens of a type reference.
    pub fn ty(&self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::Named(n) | TypeRef::Id(n) => {
                let id = ident(n);
                if self.in_types_module {
                    quote!(#id)
                } else {
                    quote!(crate::types::#id)
                }
            }
            TypeRef::String | TypeRef::Bytes => self.string(),
            TypeRef::Timestamp => quote!(crate::Timestamp),
            TypeRef::Date => quote!(crate::Date),
            TypeRef::Base64 => quote!(crate::Base64Bytes),
            TypeRef::Uuid => quote!(crate::Uuid),
            TypeRef::Bool => quote!(bool),
            TypeRef::I32 => quote!(i32),
            TypeRef::I64 => quote!(i64),
            TypeRef::U64 => quote!(u64),
            TypeRef::F32 => quote!(f32),
            TypeRef::F64 => quote!(f64),
            TypeRef::Json => quote!(::serde_json::Value),
            TypeRef::Vec(inner) => {
                let v = self.vec();
                let inner = self.ty(inner);
                quote!(#v<#inner>)
            }
            TypeRef::Map(inner) => {
                let s = self.string();
                let inner = self.ty(inner);
                quote!(::std::collections::BTreeMap<#s, #inner>)
            }
            TypeRef::Option(inner) => {
                let o = self.option();
                let inner = self.ty(inner);
                quote!(#o<#inner>)
            }
        }
    }
}

/// Emits one type definition.
pub fn emit_type(def: &TypeDef, paths: &TypePaths) -> TokenStream {
    let docs = doc_attrs(def.docs.as_deref());
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct(s) => emit_struct(&name, &docs, s, paths, def.usage),
        TypeKind::Enum(e) => emit_enum(&name, &docs, e, paths),
        TypeKind::Union(u) => emit_union(&name, &docs, u, paths, def.usage),
        TypeKind::Alias(ty) => {
            let ty = paths.ty(ty);
            quote! { #docs pub type #name = #ty; }
        }
    }
}

/// The type a field has in the struct (with `Option`/`Box` as its presence and boxing say).
fn field_type(field: &Field, paths: &TypePaths) -> TokenStream {
    let mut inner = paths.ty(&field.ty);
    if field.boxed {
        let b = paths.boxed();
        inner = quote!(#b<#inner>);
    }
    let o = paths.option();
    match field.presence {
        Presence::Required => inner,
        // A JSON value holds null itself.
        Presence::Nullable if field.ty == TypeRef::Json => inner,
        Presence::Optional | Presence::Nullable => quote!(#o<#inner>),
        Presence::AbsentOrNull => quote!(#o<#o<#inner>>),
    }
}

fn emit_struct(
    name: &Ident,
    docs: &TokenStream,
    s: &Struct,
    paths: &TypePaths,
    usage: Usage,
) -> TokenStream {
    let (serialize_gate, deserialize_gate) = serde_gates(usage, paths);
    let ser = SerializeDerive::of(&serialize_gate);
    let fields = s.fields.iter().map(|f| struct_field(f, paths, &ser));
    let additional = s.additional.as_ref().map(|ty| {
        let s_ty = paths.string();
        let v = paths.ty(ty);
        let flatten = ser.field_attr(&[quote!(flatten)]);
        quote! {
            /// Properties not named in the schema.
            #flatten
            pub additional_properties: ::std::collections::BTreeMap<#s_ty, #v>,
        }
    });
    let default = s.derive_default.then(|| quote!(Default,));
    let any_deprecated = s.fields.iter().any(|f| f.deprecated);
    let allow_deprecated = any_deprecated.then(|| quote!(#[allow(deprecated)]));
    let constructor = constructor(name, s, paths);
    // Write-only fields are secrets sent to the API (credentials, signing secrets): `Debug`
    // shows that they are set, never their value.
    let secret = s.fields.iter().any(|f| f.write_only);
    let (debug_derive, debug_impl) = if secret {
        (
            TokenStream::new(),
            redacted_debug(name, s, &allow_deprecated),
        )
    } else {
        (quote!(Debug,), TokenStream::new())
    };
    let deserialize = model_deserialize(name, s, paths, &deserialize_gate);
    let (serialize, serialize_attr) = (&ser.derive, &ser.attr);
    quote! {
        #docs
        #allow_deprecated
        #[derive(#debug_derive Clone, PartialEq, #default #serialize)]
        #serialize_attr
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #additional
        }
        #deserialize
        #debug_impl
        #constructor
    }
}

/// How a struct gets `Serialize`: derived (in the derive list), or derived under the
/// [`FULL_SERDE_FEATURE`] for a struct only responses carry; then its `#[serde]` attributes, which
/// only the derive reads, are under the feature too. (`Deserialize` is `model_de`'s.)
struct SerializeDerive {
    derive: TokenStream,
    attr: TokenStream,
    gated: bool,
}

impl SerializeDerive {
    /// The `Serialize` of a struct whose `Serialize` is under `serialize_gate` ([`serde_gates`]).
    fn of(serialize_gate: &TokenStream) -> Self {
        if serialize_gate.is_empty() {
            Self {
                derive: quote!(::serde::Serialize,),
                attr: TokenStream::new(),
                gated: false,
            }
        } else {
            Self {
                derive: TokenStream::new(),
                attr: quote!(#[cfg_attr(feature = #FULL_SERDE_FEATURE, derive(::serde::Serialize))]),
                gated: true,
            }
        }
    }

    /// `#[serde(args)]` for a field, under the feature if the derive is.
    fn field_attr(&self, args: &[TokenStream]) -> TokenStream {
        if args.is_empty() {
            TokenStream::new()
        } else if self.gated {
            quote!(#[cfg_attr(feature = #FULL_SERDE_FEATURE, serde(#(#args),*))])
        } else {
            quote!(#[serde(#(#args),*)])
        }
    }
}

/// One struct field with its docs and the attributes of its `Serialize`.
fn struct_field(f: &Field, paths: &TypePaths, serialize: &SerializeDerive) -> TokenStream {
    let fname = ident(&f.name);
    let ty = field_type(f, paths);
    let mut field_docs = f.docs.clone();
    if f.read_only {
        field_docs = Some(match field_docs {
            Some(d) => format!("{d}\n\nRead-only: set by the server."),
            None => "Read-only: set by the server.".to_owned(),
        });
    }
    let doc = doc_attrs(field_docs.as_deref());
    let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
    let rename = (crate::ident::unraw(&f.name) != f.wire).then(|| {
        let wire = &f.wire;
        quote!(rename = #wire)
    });
    let mut serde_args: Vec<TokenStream> = rename.into_iter().collect();
    if matches!(f.presence, Presence::Optional | Presence::AbsentOrNull) {
        serde_args.push(quote!(
            skip_serializing_if = "::std::option::Option::is_none"
        ));
    }
    let serde_attr = serialize.field_attr(&serde_args);
    quote! { #doc #deprecated #serde_attr pub #fname: #ty, }
}

/// A `Debug` impl that shows write-only fields as `<redacted>`.
fn redacted_debug(name: &Ident, s: &Struct, allow_deprecated: &Option<TokenStream>) -> TokenStream {
    let label = name.to_string();
    let entries = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let key = crate::ident::unraw(&f.name);
        if f.write_only && f.presence.is_optional() {
            quote!(.field(#key, &self.#fname.as_ref().map(|_| "<redacted>")))
        } else if f.write_only {
            quote!(.field(#key, &"<redacted>"))
        } else {
            quote!(.field(#key, &self.#fname))
        }
    });
    let additional_entry = s
        .additional
        .as_ref()
        .map(|_| quote!(.field("additional_properties", &self.additional_properties)));
    quote! {
        #allow_deprecated
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label) #(#entries)* #additional_entry .finish()
            }
        }
    }
}

/// `new(required…)` plus a chainable setter per optional field. Every model has them, request or
/// response: the struct is `#[non_exhaustive]` (a field the spec adds later must not break a
/// caller's code), so they are how a caller builds one, a request body or a canned answer in a test.
fn constructor(name: &Ident, s: &Struct, paths: &TypePaths) -> TokenStream {
    let required: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.presence.is_required() && f.constant.is_none())
        .collect();
    let args = required.iter().map(|f| {
        let fname = ident(&f.name);
        let (ty, _) = setter_type(f, paths);
        quote!(#fname: #ty)
    });
    let inits = s.fields.iter().map(|f| field_init(f, paths));
    let additional_init = s
        .additional
        .as_ref()
        .map(|_| quote!(additional_properties: ::std::collections::BTreeMap::new(),));
    let setters = s
        .fields
        .iter()
        .filter(|f| !f.presence.is_required())
        .map(|f| optional_setter(f, paths));
    let new_fn = s.has_new().then(|| {
        let any_deprecated = s
            .fields
            .iter()
            .any(|f| f.deprecated)
            .then(|| quote!(#[allow(deprecated)]));
        quote! {
            /// Creates a value with the required fields; optional ones start unset.
            #any_deprecated
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits)* #additional_init }
            }
        }
    });
    // An argument-less `new()` (every required field has a fixed value) is also `Default`.
    let default_impl = (!s.derive_default && s.has_default()).then(|| {
        quote! {
            impl ::std::default::Default for #name {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    quote! {
        impl #name {
            #new_fn
            #(#setters)*
        }
        #default_impl
    }
}

/// How `new(…)` initialises a field: its fixed value, its argument, or unset.
fn field_init(f: &Field, paths: &TypePaths) -> TokenStream {
    let fname = ident(&f.name);
    if let (Some(constant), true) = (&f.constant, f.presence.is_required()) {
        let value = match constant {
            serde_json::Value::String(s) => quote!(#s.to_owned()),
            other => {
                let text: TokenStream = other.to_string().parse().unwrap_or_default();
                quote!(#text)
            }
        };
        return if f.presence == Presence::Nullable {
            quote!(#fname: Some(#value),)
        } else {
            quote!(#fname: #value,)
        };
    }
    if !f.presence.is_required() {
        return quote!(#fname: None,);
    }
    let (_, convert) = setter_type(f, paths);
    let mut value = quote!(#fname #convert);
    let convert = convert.to_string();
    if f.boxed {
        value = quote!(::std::boxed::Box::new(#value));
    }
    // A JSON value holds null itself (see `field_type`).
    if f.presence == Presence::Nullable && f.ty != TypeRef::Json {
        quote!(#fname: Some(#value),)
    } else if convert.is_empty() && !f.boxed {
        quote!(#fname,)
    } else {
        quote!(#fname: #value,)
    }
}

/// The chainable setter of an optional field; an absent-or-null field also gets `foo_null()`,
/// which sends an explicit null.
fn optional_setter(f: &Field, paths: &TypePaths) -> TokenStream {
    let fname = ident(&f.name);
    let setter = ident(&f.setter_name());
    let (ty, convert) = setter_type(f, paths);
    let mut value = quote!(value #convert);
    if f.boxed {
        value = quote!(::std::boxed::Box::new(#value));
    }
    let doc = if f.read_only {
        format!(
            " Sets `{}`, which the server sets: for a value built by hand, such as a canned answer in a test.",
            f.wire
        )
    } else {
        format!(" Sets `{}`.", f.wire)
    };
    let deprecated = f
        .deprecated
        .then(|| quote!(#[deprecated] #[allow(deprecated)]));
    let operator = crate::ident::is_operator_method(&f.setter_name())
        .then(|| quote!(#[allow(clippy::should_implement_trait)]));
    if f.presence != Presence::AbsentOrNull {
        return quote! {
            #[doc = #doc]
            #deprecated
            #operator
            pub fn #setter(mut self, value: #ty) -> Self {
                self.#fname = Some(#value);
                self
            }
        };
    }
    let null_setter = f.null_setter.as_ref().map(|null_name| {
        let null_fn = ident(null_name);
        let null_doc = format!(
            " Sends `{}` as an explicit `null` (unset, it is left out).",
            f.wire
        );
        quote! {
            #[doc = #null_doc]
            #deprecated
            pub fn #null_fn(mut self) -> Self {
                self.#fname = Some(None);
                self
            }
        }
    });
    quote! {
        #[doc = #doc]
        #deprecated
        #operator
        pub fn #setter(mut self, value: #ty) -> Self {
            self.#fname = Some(Some(#value));
            self
        }
        #null_setter
    }
}

/// The argument type of a setter and the conversion applied to it.
pub fn setter_type(f: &Field, paths: &TypePaths) -> (TokenStream, TokenStream) {
    into_arg(&f.ty, paths)
}

/// How a value of `ty` is taken as an argument: strings and ids as `impl Into<…>` (so that a
/// `&str` does), everything else as it is. Returns the argument type and the conversion.
pub fn into_arg(ty: &TypeRef, paths: &TypePaths) -> (TokenStream, TokenStream) {
    match ty {
        TypeRef::String | TypeRef::Bytes | TypeRef::Id(_) => {
            let t = paths.ty(ty);
            let into = paths.into();
            (quote!(impl #into<#t>), quote!(.into()))
        }
        _ => (paths.ty(ty), TokenStream::new()),
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
