//! The `Deserialize` of a tagged union: the runtime's one-pass reader (`runtime::tagged`) finds the tag, and
//! the union's `Tagged` impl, emitted here, decodes the variant it names. A tag that several variants share
//! is decoded through a `serde_json::Value` and tried variant by variant; an unknown tag is kept as sent.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::emit::types::ident;
use crate::ir::{UnionTag, UnionVariant};

/// `Deserialize` and `runtime::tagged::Tagged` for the tagged union `name`, each under `gate` (a
/// `#[cfg]`, or nothing); `variant_ty` spells a variant's payload type (boxed where the variant is).
pub(crate) fn tagged_deserialize(
    name: &Ident,
    variants: &[UnionVariant],
    tag: &UnionTag,
    variant_ty: impl Fn(&UnionVariant) -> TokenStream,
    gate: &TokenStream,
) -> TokenStream {
    let property = &tag.property;
    let unknown = ident(&tag.unknown);
    let mut by_tag: Vec<(&str, Vec<&UnionVariant>)> = Vec::new();
    for v in variants {
        for tag in &v.tags {
            match by_tag.iter_mut().find(|(t, _)| t == tag) {
                Some((_, list)) => list.push(v),
                None => by_tag.push((tag, vec![v])),
            }
        }
    }
    let arms = by_tag
        .iter()
        .filter_map(|(tag, list)| match list.as_slice() {
            [] => None,
            [only] => {
                let ty = variant_ty(only);
                let vname = ident(&only.name);
                Some(quote! {
                    #tag => <#ty as ::serde::Deserialize>::deserialize(deserializer).map(Self::#vname),
                })
            }
            [first @ .., last] => Some(shared_tag_arm(tag, first, last)),
        });
    quote! {
        #gate
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::runtime::tagged::deserialize(deserializer)
            }
        }
        #gate
        impl crate::runtime::tagged::Tagged for #name {
            const TAG: &'static str = #property;
            fn from_tagged<'de, D: ::serde::Deserializer<'de>>(
                tag: &str,
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                match tag {
                    #(#arms)*
                    _ => <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer).map(Self::#unknown),
                }
            }
            fn untagged(value: ::serde_json::Value) -> Self {
                Self::#unknown(value)
            }
        }
    }
}

/// A tag several variants share: the object is read once as a `Value`, then each variant is tried in order
/// (the last one's error is reported).
fn shared_tag_arm(tag: &str, first: &[&UnionVariant], last: &UnionVariant) -> TokenStream {
    let decode = |v: &UnionVariant, value: TokenStream| {
        let vname = ident(&v.name);
        let wrap = if v.boxed {
            quote!(.map(::std::boxed::Box::new))
        } else {
            TokenStream::new()
        };
        quote!(::serde_json::from_value(#value)#wrap.map(Self::#vname))
    };
    let tries = first.iter().map(|v| {
        let attempt = decode(v, quote!(value.clone()));
        quote! {
            if let Ok(decoded) = #attempt {
                return Ok(decoded);
            }
        }
    });
    let last = decode(last, quote!(value));
    quote! {
        #tag => {
            let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
            #(#tries)*
            #last.map_err(::serde::de::Error::custom)
        }
    }
}
