//! The `Deserialize` of a model struct, written out as a short impl of the runtime's `de::Model`: the
//! model's name and wire field names, and a `from_map` that reads each field into a local and builds the
//! value. Matching keys, skipping or keeping unknown ones, and the duplicate and missing field errors are
//! the runtime's (`runtime::de`), so each model costs the compiler one small function, not the several
//! visitors and field enum a derived `Deserialize` expands to.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use crate::emit::types::{TypePaths, ident};
use crate::ir::{Presence, Struct};

/// `Deserialize` and `runtime::de::Model` for the struct `name`, each under `gate` (a `#[cfg]`, or
/// nothing).
pub(crate) fn model_deserialize(
    name: &Ident,
    s: &Struct,
    paths: &TypePaths,
    gate: &TokenStream,
) -> TokenStream {
    // `None` and `Ok` by their full paths where a spec type shadows them.
    let shadowed = |short: &str| paths.in_types_module && paths.defined.contains(short);
    let none = if shadowed("None") {
        quote!(::std::option::Option::None)
    } else {
        quote!(None)
    };
    let ok = if shadowed("Ok") {
        quote!(::std::result::Result::Ok)
    } else {
        quote!(Ok)
    };
    let label = crate::ident::unraw(&name.to_string()).to_owned();
    let wires = s.fields.iter().map(|f| f.wire.as_str());
    let taken: Vec<&str> = s
        .fields
        .iter()
        .map(|f| crate::ident::unraw(&f.name))
        .collect();
    let map = ident(&fresh("map", &taken));
    let field = ident(&fresh("field", &taken));
    let locals: Vec<Ident> = s.fields.iter().map(|f| ident(&f.name)).collect();
    let additional = s.additional.as_ref().map(|_| {
        quote! {
            let mut additional_properties = ::std::collections::BTreeMap::new();
        }
    });
    let next = if s.additional.is_some() {
        quote!(#map.next_field_keeping(&mut additional_properties)?)
    } else {
        quote!(#map.next_field()?)
    };
    let read = match locals.as_slice() {
        [] => quote! { while #next.is_some() {} },
        [only] => quote! {
            while #next.is_some() {
                #map.value(&mut #only)?;
            }
        },
        _ => {
            let arms = locals.iter().enumerate().map(|(i, local)| {
                let i = Literal::usize_unsuffixed(i);
                quote!(#i => #map.value(&mut #local)?,)
            });
            quote! {
                while let Some(#field) = #next {
                    match #field {
                        #(#arms)*
                        _ => {}
                    }
                }
            }
        }
    };
    let inits = s
        .fields
        .iter()
        .zip(&locals)
        .map(|(f, local)| match f.presence {
            Presence::Required => {
                let wire = &f.wire;
                quote!(#local: #map.required(#local, #wire)?,)
            }
            // Absent and null (the value `None`) are both "unset".
            Presence::Optional | Presence::Nullable => quote!(#local: #local.unwrap_or_default(),),
            // Absent is `None`, null is `Some(None)`.
            Presence::AbsentOrNull => quote!(#local,),
        });
    let additional_init = s
        .additional
        .as_ref()
        .map(|_| quote!(additional_properties,));
    let allow_deprecated = s
        .fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    quote! {
        #gate
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::runtime::de::deserialize(deserializer)
            }
        }
        #gate
        #[doc(hidden)]
        #allow_deprecated
        impl crate::runtime::de::Model for #name {
            const NAME: &'static str = #label;
            const FIELDS: &'static [&'static str] = &[#(#wires),*];
            fn from_map<'de, A: ::serde::de::MapAccess<'de>>(
                mut #map: crate::runtime::de::Fields<'de, A>,
            ) -> ::std::result::Result<Self, A::Error> {
                #(let mut #locals = #none;)*
                #additional
                #read
                #ok(Self { #(#inits)* #additional_init })
            }
        }
    }
}

/// `base`, or `base` with underscores after it until no field has that name.
fn fresh(base: &str, taken: &[&str]) -> String {
    let mut name = base.to_owned();
    while taken.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

#[cfg(test)]
mod tests {
    use super::fresh;

    #[test]
    fn locals_keep_away_from_field_names() {
        assert_eq!(fresh("map", &["id", "name"]), "map");
        assert_eq!(fresh("map", &["map", "map_"]), "map__");
    }
}
