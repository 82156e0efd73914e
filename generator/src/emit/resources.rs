//! Emits `crate::resources`: one module per resource, one builder per operation.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::doc_paragraphs;
use crate::emit::types::{TypePaths, ident};
use crate::emit::{paging, send};
use crate::ir::{
    BodyEncoding, CrateFeatures, MultipartPart, Operation, Outcome, Param, ParamLocation,
    RequestBody, Resource, ResponseShape, StatusMatch, Transport, TypeRef,
};

/// Emits `resources/mod.rs`: the module list and the accessors on `Client`.
pub fn emit_mod(api: &crate::ir::Api) -> TokenStream {
    let (resources, features) = (&api.resources, &api.features);
    let gate = |r: &Resource| {
        crate::emit::cfg_capability(
            features.capability_of_resource(r),
            features
                .resources
                .get(&r.name)
                .map_or(&[], std::slice::from_ref),
        )
    };
    let mods = resources.iter().map(|r| {
        let m = ident(&r.name);
        let cfg = gate(r);
        let doc = format!(
            " Operations on {}.",
            crate::ident::unraw(&r.name)
                .trim_end_matches('_')
                .replace('_', " ")
        );
        quote! { #[doc = #doc] #cfg pub mod #m; }
    });
    let accessors = resources.iter().map(|r| {
        let m = ident(&r.name);
        let cfg = gate(r);
        let t = ident(&r.type_name);
        let doc = format!(
            " Operations on {}.",
            crate::ident::unraw(&r.name)
                .trim_end_matches('_')
                .replace('_', " ")
        );
        let example =
            crate::emit::docs::doc_lines(&crate::emit::examples::resource_example(api, r));
        quote! {
            #[doc = #doc]
            #example
            #cfg
            pub fn #m(&self) -> #m::#t<'_> {
                #m::#t { client: self }
            }
        }
    });
    quote! {
        #(#mods)*
        impl crate::Client {
            #(#accessors)*
        }
    }
}

/// Emits one resource module. An operation that needs a capability feature (a WebSocket, a
/// multipart body) is compiled with it: its method and its builder.
pub fn emit_resource(
    resource: &Resource,
    waiters: &[&crate::ir::Waiter],
    waiter_examples: &[Vec<String>],
    features: &CrateFeatures,
    paths: &TypePaths,
) -> crate::error::Result<TokenStream> {
    let t = ident(&resource.type_name);
    let resource_doc = doc_paragraphs(&[
        resource.docs.clone(),
        Some(format!(
            "Reached with [`Client::{}`](crate::Client::{}).",
            crate::ident::unraw(&resource.name),
            crate::ident::unraw(&resource.name)
        )),
    ]);
    // A resource whose operations all need the capability is compiled with it as a whole.
    let whole = features.capability_of_resource(resource).is_some();
    let gate = |op: &Operation| match whole {
        true => TokenStream::new(),
        false => crate::emit::cfg_capability(features.capability_of(op), &[]),
    };
    let methods = resource.operations.iter().map(|op| {
        let gate = gate(op);
        let method = accessor(op, paths);
        quote!(#gate #method)
    });
    let builders: Vec<TokenStream> = resource
        .operations
        .iter()
        .map(|op| crate::emit::gated(builder(op, paths), &gate(op)))
        .collect::<crate::error::Result<_>>()?;
    let waiter_methods = crate::emit::waiters::methods(waiters, waiter_examples, paths);
    let waiter_builders = crate::emit::waiters::builders(waiters, paths);
    Ok(quote! {
        #resource_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #t<'a> {
            pub(crate) client: &'a crate::Client,
        }
        impl<'a> #t<'a> {
            #(#methods)*
            #waiter_methods
        }
        #(#builders)*
        #waiter_builders
    })
}

fn op_docs(op: &Operation) -> TokenStream {
    doc_paragraphs(&[
        op.docs.clone(),
        Some(format!("`{} {}`", op.http_method, op.path)),
    ])
}

/// The argument type of a path parameter and its conversion.
fn arg_type(ty: &TypeRef, paths: &TypePaths) -> (TokenStream, TokenStream, TokenStream) {
    let (arg, convert) = crate::emit::types::into_arg(ty, paths);
    (arg, convert, paths.ty(ty))
}

fn accessor(op: &Operation, paths: &TypePaths) -> TokenStream {
    let m = ident(&op.method_name);
    let b = ident(&op.builder_name);
    let docs = match op.body_argument() {
        Some(_) => doc_paragraphs(&[
            op.docs.clone(),
            Some(format!("`{} {}`", op.http_method, op.path)),
            Some(match op.body.as_ref().and_then(|b| b.docs.as_deref()) {
                Some(d) => format!("`body`: {d}"),
                None => "`body`: the request body.".to_owned(),
            }),
        ]),
        None => op_docs(op),
    };
    let body_arg = op.body_argument().map(|encoding| {
        let (_, arg, _) = body_types(encoding, paths);
        quote!(body: #arg)
    });
    let args = op
        .path_params
        .iter()
        .map(|p| {
            let n = ident(&p.name);
            let (ty, _, _) = arg_type(&p.ty, paths);
            quote!(#n: #ty)
        })
        .chain(body_arg);
    let inits = op.path_params.iter().map(|p| {
        let n = ident(&p.name);
        let (_, convert, _) = arg_type(&p.ty, paths);
        if convert.is_empty() {
            quote!(#n,)
        } else {
            quote!(#n: #n #convert,)
        }
    });
    let params = op.params.iter().map(|p| {
        let n = ident(&p.name);
        quote!(#n: None,)
    });
    let body_init = op.body.as_ref().map(|b| match &b.encoding {
        BodyEncoding::Multipart(parts) => {
            let inits = parts.iter().map(|p| {
                let n = ident(&p.name);
                quote!(#n: None,)
            });
            quote!(#(#inits)*)
        }
        encoding => match op.body_argument() {
            Some(_) => {
                let (_, _, convert) = body_types(encoding, paths);
                if convert.is_empty() {
                    quote!(body,)
                } else {
                    quote!(body: body #convert,)
                }
            }
            None => quote!(body: None,),
        },
    });
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let options_init = (op.transport == Transport::Http)
        .then(|| quote!(options: crate::RequestOptions::default(),));
    let stream_init = crate::emit::events::websocket_members(op, paths).map(|m| m.init);
    quote! {
        #docs
        #deprecated
        pub fn #m(&self, #(#args),*) -> #b<'a> {
            #b {
                client: self.client,
                #(#inits)*
                #(#params)*
                #body_init
                #options_init
                #stream_init
            }
        }
    }
}

/// The Rust type of a response shape.
pub(super) fn shape_type(shape: &ResponseShape, paths: &TypePaths) -> TokenStream {
    match shape {
        ResponseShape::Empty => quote!(()),
        ResponseShape::Json(ty) => paths.ty(ty),
        ResponseShape::Text => paths.string(),
        ResponseShape::Stream => quote!(crate::ByteStream),
        ResponseShape::EventStream(ty) => {
            let t = paths.ty(ty);
            quote!(crate::runtime::sse::TypedSseStream<#t>)
        }
        ResponseShape::Outcomes(name, _) => {
            let n = ident(name);
            quote!(#n)
        }
    }
}

fn setter_arg(ty: &TypeRef, paths: &TypePaths) -> (TokenStream, TokenStream) {
    crate::emit::types::into_arg(ty, paths)
}

/// The builder struct of an operation, its setters, `send()` and `into_stream()`.
fn builder(op: &Operation, paths: &TypePaths) -> TokenStream {
    let b = ident(&op.builder_name);
    let method_name = crate::ident::unraw(&op.method_name);
    let struct_doc = format!(
        " Builder for `{} {}`: set parameters, then call `send()`, which returns {}",
        op.http_method,
        op.path,
        crate::emit::examples::returns(op)
    );
    let doc_more = format!(" Created by the `{method_name}` method of its resource.");
    let mut fields = Vec::new();
    for p in &op.path_params {
        let n = ident(&p.name);
        let (_, _, stored) = arg_type(&p.ty, paths);
        fields.push(quote!(#n: #stored,));
    }
    for p in &op.params {
        let n = ident(&p.name);
        let t = paths.ty(&p.ty);
        fields.push(quote!(#n: Option<#t>,));
    }
    let mut setters: Vec<TokenStream> = op.params.iter().map(|p| param_setter(p, paths)).collect();
    if let Some(body) = &op.body {
        body_members(
            body,
            op.body_argument().is_some(),
            paths,
            &mut fields,
            &mut setters,
        );
    }
    let send = match &op.transport {
        Transport::Http => send::http_send(op, paths),
        Transport::WebSocket(message) => send::websocket_send(op, message, paths),
    };
    let stream = op
        .pagination
        .as_ref()
        .map(|p| paging::into_stream(op, p, paths));
    let outcome_enum = match &op.response {
        ResponseShape::Outcomes(name, outcomes) => Some(outcome_enum(name, outcomes, paths)),
        _ => None,
    };
    let http = op.transport == Transport::Http;
    let websocket = crate::emit::events::websocket_members(op, paths);
    let options_field = http
        .then(|| quote!(options: crate::RequestOptions,))
        .or_else(|| websocket.as_ref().map(|m| m.field.clone()));
    let option_setters = http
        .then(option_setters)
        .or_else(|| websocket.map(|m| m.setters));
    let must_use = format!(
        "a {} does nothing until `send()` is awaited",
        crate::ident::unraw(&op.builder_name)
    );
    quote! {
        #[doc = #struct_doc]
        #[doc = ""]
        #[doc = #doc_more]
        #[derive(Debug, Clone)]
        #[must_use = #must_use]
        pub struct #b<'a> {
            client: &'a crate::Client,
            #(#fields)*
            #options_field
        }
        impl<'a> #b<'a> {
            #(#setters)*
            #option_setters
            #send
            #stream
        }
        #outcome_enum
    }
}

/// The builder fields and setters of a body: one per multipart part, else `body`.
fn body_members(
    body: &RequestBody,
    argument: bool,
    paths: &TypePaths,
    fields: &mut Vec<TokenStream>,
    setters: &mut Vec<TokenStream>,
) {
    if let BodyEncoding::Multipart(parts) = &body.encoding {
        for part in parts {
            let (field, setter) = part_members(part, paths);
            fields.push(field);
            setters.push(setter);
        }
        return;
    }
    let (stored, arg, convert) = body_types(&body.encoding, paths);
    if argument {
        fields.push(quote!(body: #stored,));
        return;
    }
    fields.push(quote!(body: Option<#stored>,));
    let docs = doc_paragraphs(&[body.docs.clone(), Some("The request body.".into())]);
    setters.push(quote! {
        #docs
        pub fn body(mut self, body: #arg) -> Self {
            self.body = Some(body #convert);
            self
        }
    });
}

/// How a one-value body is stored, taken as an argument, and converted from the argument.
fn body_types(
    encoding: &BodyEncoding,
    paths: &TypePaths,
) -> (TokenStream, TokenStream, TokenStream) {
    match encoding {
        BodyEncoding::Json(ty, _) | BodyEncoding::Form(ty) => {
            let t = paths.ty(ty);
            (t.clone(), t, TokenStream::new())
        }
        BodyEncoding::Bytes(_) => (
            quote!(::bytes::Bytes),
            quote!(impl Into<::bytes::Bytes>),
            quote!(.into()),
        ),
        BodyEncoding::Text(_) | BodyEncoding::Multipart(_) => {
            let s = paths.string();
            (s.clone(), quote!(impl Into<#s>), quote!(.into()))
        }
    }
}

/// The builder field and setter of one multipart part.
fn part_members(part: &MultipartPart, paths: &TypePaths) -> (TokenStream, TokenStream) {
    let n = ident(&part.name);
    if part.file {
        let doc = format!(" The `{}` file part.", part.wire);
        let field = quote!(#n: Option<crate::runtime::multipart::FilePart>,);
        let setter = quote! {
            #[doc = #doc]
            pub fn #n(mut self, file_name: impl Into<String>, bytes: impl Into<::bytes::Bytes>) -> Self {
                self.#n = Some(crate::runtime::multipart::FilePart::new(file_name, bytes));
                self
            }
        };
        return (field, setter);
    }
    let t = paths.ty(&part.ty);
    let (arg, convert) = setter_arg(&part.ty, paths);
    let doc = format!(" The `{}` part.", part.wire);
    let field = quote!(#n: Option<#t>,);
    let setter = quote! {
        #[doc = #doc]
        pub fn #n(mut self, value: #arg) -> Self {
            self.#n = Some(value #convert);
            self
        }
    };
    (field, setter)
}

fn option_setters() -> TokenStream {
    quote! {
            /// Adds a header to this request only.
            pub fn extra_header(mut self, name: &str, value: &str) -> Self {
                self.options.insert_header(name, value);
                self
            }
            /// Overrides the client's timeout for this request.
            pub fn request_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.options.timeout = Some(timeout);
                self
            }
            /// Overrides the client's retry count for this request.
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.options.max_retries = Some(retries);
                self
            }
            /// Overrides the client's deadline for this call: the time allowed for every attempt and
            /// every wait between them.
            pub fn deadline(mut self, deadline: ::std::time::Duration) -> Self {
                self.options.deadline = Some(deadline);
                self
            }
    }
}

fn param_setter(p: &Param, paths: &TypePaths) -> TokenStream {
    let n = ident(&p.name);
    let (arg, convert) = setter_arg(&p.ty, paths);
    let where_ = match p.location {
        ParamLocation::Query => "query parameter",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
        ParamLocation::Path => "path parameter",
    };
    let required = if p.required { " (required)" } else { "" };
    let docs = doc_paragraphs(&[
        p.docs.clone(),
        Some(format!("The `{}` {where_}{required}.", p.wire)),
    ]);
    let operator = crate::ident::is_operator_method(&p.name)
        .then(|| quote!(#[allow(clippy::should_implement_trait)]));
    quote! {
        #docs
        #operator
        pub fn #n(mut self, value: #arg) -> Self {
            self.#n = Some(value #convert);
            self
        }
    }
}

fn outcome_enum(name: &str, outcomes: &[Outcome], paths: &TypePaths) -> TokenStream {
    let n = ident(name);
    let variants = outcomes.iter().map(|o| {
        let v = ident(&o.name);
        let doc = match o.status {
            StatusMatch::Code(c) => format!(" Status {c}."),
            StatusMatch::Range(r) => format!(" A {r}xx status."),
        };
        match &*o.body {
            ResponseShape::Empty => quote! { #[doc = #doc] #v, },
            ResponseShape::Stream => quote! { #[doc = #doc] #v(::bytes::Bytes), },
            other => {
                let t = shape_type(other, paths);
                quote! { #[doc = #doc] #v(#t), }
            }
        }
    });
    let doc = " The documented successes of this operation, one variant per status.";
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #n {
            #(#variants)*
        }
    }
}
