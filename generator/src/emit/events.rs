//! Emits the accessors of tagged unions whose variants share an envelope: the discriminator as its
//! enum (`Event::event_type()`) and each field every variant has (`Event::id()`), whatever the variant.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::doc_paragraphs;
use crate::emit::types::{TypePaths, ident};
use crate::ir::{CommonField, TagAccessor, TypeDef, TypeKind, TypeRef, UnionAccessors};

/// The inherent impl of accessors of `def`, when it is a union that has them.
pub fn union_accessors(def: &TypeDef, paths: &TypePaths) -> Option<TokenStream> {
    let TypeKind::Union(u) = &def.kind else {
        return None;
    };
    let (accessors, tag) = (u.accessors.as_ref()?, u.tag.as_ref()?);
    let name = ident(&def.name);
    let unknown = ident(&tag.unknown);
    let tag_method = tag_accessor(&def.name, &accessors.tag, &unknown, paths);
    let fields = accessors
        .common
        .iter()
        .map(|f| common_field(&def.name, accessors, f, &unknown, paths));
    Some(quote! {
        impl #name {
            #tag_method
            #(#fields)*
        }
    })
}

/// `event_type()`: the variant's tag value as the enum of tag values.
fn tag_accessor(
    union: &str,
    tag: &TagAccessor,
    unknown: &proc_macro2::Ident,
    paths: &TypePaths,
) -> TokenStream {
    let method = ident(&tag.method);
    let enum_ty = paths.ty(&TypeRef::Named(tag.enum_type.clone()));
    let property = &tag.property;
    let arms = tag.variants.iter().map(|(variant, named)| {
        let v = ident(variant);
        match (named, &tag.field) {
            (Some(named), _) => {
                let n = ident(named);
                quote!(Self::#v(_) => #enum_ty::#n,)
            }
            (None, Some(field)) => {
                let f = ident(field);
                quote!(Self::#v(inner) => #enum_ty::from(inner.#f.as_str()),)
            }
            (None, None) => unreachable!("lowering gives every variant its tag"),
        }
    });
    let doc = format!(
        " The `{property}` tag: which kind of `{union}` this is. For a kind this version of the SDK \
         does not know, the value as sent (empty if the message had none)."
    );
    let s = paths.string();
    quote! {
        #[doc = #doc]
        pub fn #method(&self) -> #enum_ty {
            match self {
                #(#arms)*
                Self::#unknown(value) => value
                    .get(#property)
                    .and_then(::serde_json::Value::as_str)
                    .map_or_else(|| #enum_ty::Unknown(#s::new()), #enum_ty::from),
            }
        }
    }
}

/// A field every variant has, borrowed; `None` when it is absent, or when the event is of a kind this
/// version does not know and the field is not a string (a string is read from the JSON value).
fn common_field(
    union: &str,
    accessors: &UnionAccessors,
    field: &CommonField,
    unknown: &proc_macro2::Ident,
    paths: &TypePaths,
) -> TokenStream {
    let f = ident(&field.name);
    let is_string = field.ty == TypeRef::String;
    let ret = if is_string {
        quote!(&str)
    } else {
        let t = paths.ty(&field.ty);
        quote!(&#t)
    };
    let read = match (field.optional, is_string) {
        (false, true) => quote!(Some(inner.#f.as_str())),
        (false, false) => quote!(Some(&inner.#f)),
        (true, true) => quote!(inner.#f.as_deref()),
        (true, false) => quote!(inner.#f.as_ref()),
    };
    let arms = accessors.tag.variants.iter().map(|(variant, _)| {
        let v = ident(variant);
        quote!(Self::#v(inner) => #read,)
    });
    let wire = &field.wire;
    let unknown_arm = if is_string {
        quote!(Self::#unknown(value) => value.get(#wire).and_then(::serde_json::Value::as_str),)
    } else {
        quote!(Self::#unknown(_) => None,)
    };
    let presence = if field.optional {
        format!("`None` when the `{union}` has none")
    } else {
        format!("every known kind of `{union}` has it")
    };
    let unknown_note = if is_string {
        "for a kind this version of the SDK does not know, read from the message as sent"
    } else {
        "`None` for a kind this version of the SDK does not know"
    };
    let note = format!("`{wire}`, whatever the kind: {presence}; {unknown_note}.");
    let docs = doc_paragraphs(&[field.docs.clone(), Some(note)]);
    quote! {
        #docs
        pub fn #f(&self) -> Option<#ret> {
            match self {
                #(#arms)*
                #unknown_arm
            }
        }
    }
}
