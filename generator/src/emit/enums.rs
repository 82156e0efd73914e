//! The forward-compatible enums of `crate::types`: integer and string enums, each with a
//! catch-all variant that keeps a value this version of the SDK does not know.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::emit::types::{TypePaths, ident};
use crate::ir::Enum;

pub(super) fn emit_enum(
    name: &Ident,
    docs: &TokenStream,
    e: &Enum,
    paths: &TypePaths,
) -> TokenStream {
    let variants: Vec<TokenStream> = e
        .variants
        .iter()
        .map(|v| {
            let vname = ident(&v.name);
            let doc = format!(" `{}`", v.wire.replace('`', "'"));
            quote! { #[doc = #doc] #vname, }
        })
        .collect();
    if e.integer {
        integer_enum(name, docs, e, &variants)
    } else {
        string_enum(name, docs, e, &variants, paths)
    }
}

/// An enum of integers, with a catch-all for values this version does not know.
fn integer_enum(
    name: &Ident,
    docs: &TokenStream,
    e: &Enum,
    variants: &[TokenStream],
) -> TokenStream {
    let unknown = ident(&e.unknown);
    let values: Vec<i64> = e
        .variants
        .iter()
        .map(|v| v.wire.parse().unwrap_or_default())
        .collect();
    let names: Vec<Ident> = e.variants.iter().map(|v| ident(&v.name)).collect();
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the SDK does not know.
            #unknown(i64),
        }
        impl #name {
            /// The value on the wire.
            pub fn value(self) -> i64 {
                match self { #(Self::#names => #values,)* Self::#unknown(v) => v }
            }
        }
        impl ::std::convert::From<i64> for #name {
            fn from(value: i64) -> Self {
                match value { #(#values => Self::#names,)* other => Self::#unknown(other) }
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <i64 as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

/// An enum of strings, with a catch-all that keeps values this version does not know.
fn string_enum(
    name: &Ident,
    docs: &TokenStream,
    e: &Enum,
    variants: &[TokenStream],
    paths: &TypePaths,
) -> TokenStream {
    let unknown = ident(&e.unknown);
    let s = paths.string();
    let wires: Vec<&str> = e.variants.iter().map(|v| v.wire.as_str()).collect();
    let names: Vec<Ident> = e.variants.iter().map(|v| ident(&v.name)).collect();
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the SDK does not know; kept as sent.
            #unknown(#s),
        }
        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self { #(Self::#names => #wires,)* Self::#unknown(v) => v }
            }
        }
        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value { #(#wires => Self::#names,)* other => Self::#unknown(other.to_owned()) }
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::runtime::wire::deserialize_str(deserializer)
            }
        }
    }
}
