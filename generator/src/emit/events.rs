//! Emits the accessors of tagged unions whose variants share an envelope: the discriminator as its
//! enum (`Event::event_type()`) and each field every variant has (`Event::id()`), whatever the variant;
//! and what the builder of a WebSocket subscription has beside its parameters (`options()`, the typed
//! tag filter `event_types()`).

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::doc_paragraphs;
use crate::emit::types::{TypePaths, ident};
use crate::ir::{
    CommonField, Operation, TagAccessor, TagFilter, Transport, TypeDef, TypeKind, TypeRef,
    UnionAccessors,
};

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

/// What a WebSocket operation's builder has beside its parameters: the stream options (a field,
/// its setter and its default), and the typed setter of its tag filter.
pub struct WebSocketMembers {
    /// The builder's fields.
    pub field: TokenStream,
    /// The setters.
    pub setters: TokenStream,
    /// The fields' initial values.
    pub init: TokenStream,
}

/// The members of a WebSocket operation's builder; `None` for a plain HTTP operation.
pub fn websocket_members(op: &Operation, paths: &TypePaths) -> Option<WebSocketMembers> {
    let Transport::WebSocket(_) = &op.transport else {
        return None;
    };
    let filter = op
        .tag_filter
        .as_ref()
        .map(|filter| tag_filter_setter(op, filter, paths));
    Some(WebSocketMembers {
        field: quote!(options: crate::StreamOptions,),
        setters: quote! {
            #filter
            /// How the stream connects, reconnects (attempts, backoff), de-duplicates and limits
            /// message sizes (`StreamOptions::default()` unless set).
            pub fn options(mut self, options: crate::StreamOptions) -> Self {
                self.options = options;
                self
            }
        },
        init: quote!(options: crate::StreamOptions::default(),),
    })
}

/// `event_types(…)`: the filter parameter from values of the tag enum.
fn tag_filter_setter(op: &Operation, filter: &TagFilter, paths: &TypePaths) -> TokenStream {
    let setter = ident(&filter.setter);
    let field = ident(&filter.param);
    let enum_ty = paths.ty(&TypeRef::Named(filter.enum_type.clone()));
    let wire = op
        .params
        .iter()
        .find(|p| p.name == filter.param)
        .map_or(filter.param.as_str(), |p| p.wire.as_str());
    let param_setter = crate::ident::unraw(&filter.param);
    let value = if filter.comma_separated {
        quote! {
            let mut list = ::std::string::String::new();
            for value in values {
                if !list.is_empty() {
                    list.push(',');
                }
                list.push_str(value.as_str());
            }
            self.#field = Some(list);
        }
    } else {
        quote! {
            self.#field = Some(values.into_iter().map(|value| value.as_str().to_owned()).collect());
        }
    };
    let doc = format!(
        " Only messages of these kinds: the `{wire}` query parameter from `{}` values (`{param_setter}()` \
         takes the text itself, for patterns the API accepts).",
        filter.enum_type
    );
    quote! {
        #[doc = #doc]
        pub fn #setter(mut self, values: impl IntoIterator<Item = #enum_ty>) -> Self {
            #value
            self
        }
    }
}
