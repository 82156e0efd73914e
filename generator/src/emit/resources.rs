//! Emits `crate::resources`: one module per resource, one builder per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::docs::{doc_attrs, doc_paragraphs};
use crate::emit::types::{TypePaths, ident};
use crate::ir::{
    BodyEncoding, Operation, Outcome, Pagination, Param, ParamLocation, QueryStyle, Resource,
    ResponseShape, StatusMatch, Transport, TypeRef,
};

/// Emits `resources/mod.rs`: the module list and the accessors on `Client`.
pub fn emit_mod(resources: &[Resource]) -> TokenStream {
    let mods = resources.iter().map(|r| {
        let m = ident(&r.name);
        let doc = format!(
            " Operations on {}.",
            crate::ident::unraw(&r.name)
                .trim_end_matches('_')
                .replace('_', " ")
        );
        quote! { #[doc = #doc] pub mod #m; }
    });
    let accessors = resources.iter().map(|r| {
        let m = ident(&r.name);
        let t = ident(&r.type_name);
        let doc = format!(
            " Operations on {}.",
            crate::ident::unraw(&r.name)
                .trim_end_matches('_')
                .replace('_', " ")
        );
        quote! {
            #[doc = #doc]
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

/// Emits one resource module.
pub fn emit_resource(
    resource: &Resource,
    waiters: &[&crate::ir::Waiter],
    paths: &TypePaths,
) -> TokenStream {
    let t = ident(&resource.type_name);
    let resource_doc = doc_paragraphs(&[
        resource.docs.clone(),
        Some(format!(
            "Reached with [`Client::{}`](crate::Client::{}).",
            crate::ident::unraw(&resource.name),
            crate::ident::unraw(&resource.name)
        )),
    ]);
    let methods = resource.operations.iter().map(|op| accessor(op, paths));
    let builders = resource.operations.iter().map(|op| builder(op, paths));
    let waiter_methods = crate::emit::waiters::methods(waiters, paths);
    let waiter_builders = crate::emit::waiters::builders(waiters, paths);
    quote! {
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
    }
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
                let n = ident(&part_field(p));
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
            }
        }
    }
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

fn part_field(p: &crate::ir::MultipartPart) -> String {
    p.name.clone()
}

/// The success type of an operation.
fn success_type(op: &Operation, paths: &TypePaths) -> TokenStream {
    match &op.response {
        ResponseShape::Outcomes(name, _) => {
            let n = ident(name);
            quote!(#n)
        }
        other => shape_type(other, paths),
    }
}

fn shape_type(shape: &ResponseShape, paths: &TypePaths) -> TokenStream {
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

fn builder(op: &Operation, paths: &TypePaths) -> TokenStream {
    let b = ident(&op.builder_name);
    let method_name = crate::ident::unraw(&op.method_name);
    let struct_doc = format!(
        " Builder for `{} {}`: set parameters, then call `send()`.",
        op.http_method, op.path
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
    let mut setters = Vec::new();
    for p in &op.params {
        setters.push(param_setter(p, paths));
    }
    match op.body.as_ref().map(|b| &b.encoding) {
        Some(BodyEncoding::Multipart(parts)) => {
            for part in parts {
                let n = ident(&part_field(part));
                if part.file {
                    fields.push(quote!(#n: Option<crate::runtime::multipart::FilePart>,));
                    let doc = format!(" The `{}` file part.", part.wire);
                    setters.push(quote! {
                        #[doc = #doc]
                        pub fn #n(mut self, file_name: impl Into<String>, bytes: impl Into<::bytes::Bytes>) -> Self {
                            self.#n = Some(crate::runtime::multipart::FilePart::new(file_name, bytes));
                            self
                        }
                    });
                } else {
                    let t = paths.ty(&part.ty);
                    let (arg, convert) = setter_arg(&part.ty, paths);
                    fields.push(quote!(#n: Option<#t>,));
                    let doc = format!(" The `{}` part.", part.wire);
                    setters.push(quote! {
                        #[doc = #doc]
                        pub fn #n(mut self, value: #arg) -> Self {
                            self.#n = Some(value #convert);
                            self
                        }
                    });
                }
            }
        }
        Some(encoding) => {
            let (stored, arg, convert) = body_types(encoding, paths);
            if op.body_argument().is_some() {
                fields.push(quote!(body: #stored,));
            } else {
                fields.push(quote!(body: Option<#stored>,));
                let docs = doc_paragraphs(&[
                    op.body.as_ref().and_then(|b| b.docs.clone()),
                    Some("The request body.".into()),
                ]);
                setters.push(quote! {
                    #docs
                    pub fn body(mut self, body: #arg) -> Self {
                        self.body = Some(body #convert);
                        self
                    }
                });
            }
        }
        None => {}
    }
    let send = match &op.transport {
        Transport::Http => http_send(op, paths),
        Transport::WebSocket(message) => websocket_send(op, message, paths),
    };
    let stream = op.pagination.as_ref().map(|p| into_stream(op, p, paths));
    let outcome_enum = match &op.response {
        ResponseShape::Outcomes(name, outcomes) => Some(outcome_enum(name, outcomes, paths)),
        _ => None,
    };
    let http = op.transport == Transport::Http;
    let options_field = http.then(|| quote!(options: crate::RequestOptions,));
    let option_setters = http.then(option_setters);
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
    quote! {
        #docs
        pub fn #n(mut self, value: #arg) -> Self {
            self.#n = Some(value #convert);
            self
        }
    }
}

fn style_tokens(style: QueryStyle) -> TokenStream {
    match style {
        QueryStyle::Form { explode } => {
            quote!(crate::runtime::QueryStyle::Form { explode: #explode })
        }
        QueryStyle::SpaceDelimited => quote!(crate::runtime::QueryStyle::SpaceDelimited),
        QueryStyle::PipeDelimited => quote!(crate::runtime::QueryStyle::PipeDelimited),
        QueryStyle::DeepObject => quote!(crate::runtime::QueryStyle::DeepObject),
    }
}

/// The statements that fill a runtime `Request` from the builder's fields.
fn request_statements(op: &Operation) -> Vec<TokenStream> {
    let mut stmts = Vec::new();
    for p in &op.path_params {
        let n = ident(&p.name);
        let wire = &p.wire;
        stmts.push(quote!(request.path_param(#wire, &self.#n);));
    }
    for p in &op.params {
        let n = ident(&p.name);
        let wire = &p.wire;
        if p.required {
            stmts.push(quote! {
                if self.#n.is_none() {
                    request.missing(#wire);
                }
            });
        }
        match p.location {
            ParamLocation::Query => {
                if p.style == (QueryStyle::Form { explode: true }) {
                    stmts.push(quote!(request.query(#wire, &self.#n);));
                } else {
                    let style = style_tokens(p.style);
                    stmts.push(quote!(request.query_styled(#wire, &self.#n, #style);));
                }
            }
            ParamLocation::Header => stmts.push(quote!(request.header(#wire, &self.#n);)),
            ParamLocation::Cookie => stmts.push(quote!(request.cookie(#wire, &self.#n);)),
            ParamLocation::Path => {}
        }
    }
    if op.anonymous {
        stmts.push(quote!(request.without_credentials();));
    }
    if let Some(h) = &op.idempotency_header {
        stmts.push(quote!(request.idempotency_header(#h);));
    }
    if let Some(body) = &op.body {
        let required = body.required;
        let set = match &body.encoding {
            BodyEncoding::Json(_, ct) if ct == "application/json" => {
                Some(quote!(request.json(&body)))
            }
            BodyEncoding::Json(_, ct) => Some(quote!(request.json_as(&body, #ct))),
            BodyEncoding::Form(_) => Some(quote!(request.form(&body))),
            BodyEncoding::Bytes(ct) => Some(quote!(request.bytes(body, #ct))),
            BodyEncoding::Text(ct) if ct.eq_ignore_ascii_case("text/plain") => {
                Some(quote!(request.text(body)))
            }
            BodyEncoding::Text(ct) => Some(quote!(request.bytes(body.into_bytes(), #ct))),
            BodyEncoding::Multipart(parts) => {
                let adds = parts.iter().map(|part| {
                    let n = ident(&part_field(part));
                    let wire = &part.wire;
                    let required_check = part.required.then(|| quote! {
                        if self.#n.is_none() {
                            request.missing(#wire);
                        }
                    });
                    if part.file {
                        quote! { #required_check if let Some(file) = self.#n { form.file(#wire, file); } }
                    } else {
                        quote! { #required_check if let Some(value) = &self.#n { form.value(#wire, value); } }
                    }
                });
                stmts.push(quote! {
                    let mut form = crate::runtime::multipart::Multipart::new();
                    #(#adds)*
                    request.multipart(form);
                });
                None
            }
        };
        if let Some(set) = set {
            if required {
                stmts.push(quote! {
                    let body = self.body;
                    #set;
                });
            } else {
                stmts.push(quote! {
                    if let Some(body) = self.body {
                        #set;
                    }
                });
            }
        }
    }
    stmts.push(quote!(request.options(self.options);));
    stmts
}

fn receive(shape: &ResponseShape, paths: &TypePaths) -> TokenStream {
    match shape {
        ResponseShape::Empty => quote!(request.send_empty().await),
        ResponseShape::Json(ty) => {
            let t = paths.ty(ty);
            quote!(request.send_json::<#t>().await)
        }
        ResponseShape::Text => quote!(request.send_text().await),
        ResponseShape::Stream => quote!(request.send_stream().await),
        ResponseShape::EventStream(_) => quote! {{
            request.header("accept", "text/event-stream");
            let response = request.send_stream().await?;
            Ok(response.map(crate::runtime::sse::TypedSseStream::new))
        }},
        ResponseShape::Outcomes(name, outcomes) => {
            let n = ident(name);
            let arms = outcomes.iter().map(|o| {
                let v = ident(&o.name);
                let decode = match &*o.body {
                    ResponseShape::Empty => quote!(#n::#v),
                    ResponseShape::Json(ty) => {
                        let t = paths.ty(ty);
                        quote!(#n::#v(raw.json::<#t>()?))
                    }
                    ResponseShape::Text => quote!(#n::#v(raw.text()?)),
                    _ => quote!(#n::#v(raw.bytes())),
                };
                let pattern = match o.status {
                    StatusMatch::Code(c) => quote!(#c),
                    StatusMatch::Range(r) => {
                        let lo = r * 100;
                        let hi = r * 100 + 99;
                        quote!(#lo..=#hi)
                    }
                };
                quote!(#pattern => #decode,)
            });
            quote! {{
                let raw = request.send_raw().await?;
                let value = match raw.status() {
                    #(#arms)*
                    _ => return Err(raw.into_error()),
                };
                Ok(raw.into_response(value))
            }}
        }
    }
}

fn http_send(op: &Operation, paths: &TypePaths) -> TokenStream {
    let ty = success_type(op, paths);
    let method = format_ident!("{}", op.http_method);
    let path = &op.path;
    let stmts = request_statements(op);
    let receive = receive(&op.response, paths);
    let send_doc = format!(
        " Sends the request; returns the {}.",
        describe(&op.response)
    );
    quote! {
        #[doc = #send_doc]
        pub async fn send(self) -> Result<#ty, crate::Error> {
            self.send_with_response().await.map(crate::Response::into_inner)
        }
        /// Sends the request; returns the value with the status, headers and rate-limit figures.
        pub async fn send_with_response(self) -> Result<crate::Response<#ty>, crate::Error> {
            let mut request = self.client.request(::reqwest::Method::#method, #path);
            #(#stmts)*
            #receive
        }
    }
}

fn describe(shape: &ResponseShape) -> &'static str {
    match shape {
        ResponseShape::Empty => "status only (the response has no body)",
        ResponseShape::Json(_) => "decoded body",
        ResponseShape::Text => "body as text",
        ResponseShape::Stream => "body as a stream of bytes (not buffered)",
        ResponseShape::EventStream(_) => "stream of server-sent events",
        ResponseShape::Outcomes(..) => "outcome for the status the server chose",
    }
}

fn websocket_send(op: &Operation, message: &TypeRef, paths: &TypePaths) -> TokenStream {
    let t = paths.ty(message);
    let path = &op.path;
    let query_params: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .collect();
    let declare = if query_params.is_empty() {
        quote!(let query = Vec::new();)
    } else {
        quote!(let mut query = Vec::new();)
    };
    let pushes = query_params.iter().map(|p| {
        let n = ident(&p.name);
        let wire = &p.wire;
        quote! {
            if let Some(value) = self.#n.as_ref().and_then(crate::runtime::wire::param_text) {
                query.push((#wire.to_owned(), value));
            }
        }
    });
    let connect = if op.path_params.is_empty() {
        quote! {
            crate::runtime::websocket::connect(
                self.client,
                #path,
                query,
                crate::runtime::websocket::StreamOptions::default(),
            )
        }
    } else {
        let pairs = op.path_params.iter().map(|p| {
            let n = ident(&p.name);
            let wire = &p.wire;
            quote!((#wire.to_owned(), crate::runtime::wire::param_text(&self.#n).unwrap_or_default()))
        });
        quote! {
            let path_params = [#(#pairs),*];
            crate::runtime::websocket::connect_template(
                self.client,
                #path,
                &path_params,
                query,
                crate::runtime::websocket::StreamOptions::default(),
            )
        }
    };
    quote! {
        /// Opens the stream. Events arrive in order, once each; after a dropped connection the
        /// stream reconnects with backoff and resumes after the last event it delivered.
        pub async fn send(self) -> Result<crate::EventStream<#t>, crate::Error> {
            #declare
            #(#pushes)*
            #connect
        }
    }
}

fn into_stream(op: &Operation, pagination: &Pagination, paths: &TypePaths) -> TokenStream {
    let (page, item_access, body) = match pagination {
        Pagination::Offset {
            offset_param,
            limit_param,
            page,
            total_field,
        } => {
            let offset = ident(offset_param);
            let total = match total_field {
                Some(t) => {
                    let t = ident(t);
                    quote!(u64::try_from(page.#t).ok())
                }
                None => quote!(None),
            };
            let items = items_expr(page);
            let limit = match limit_param {
                Some(l) => {
                    let l = ident(l);
                    quote!(self.#l.map_or(0, |l| u64::try_from(l).unwrap_or(0)))
                }
                None => quote!(0),
            };
            (
                page,
                quote!((#items, #total)),
                quote! {
                    let start = self.#offset.map_or(0, |o| u64::try_from(o).unwrap_or(0));
                    let page_size = #limit;
                    crate::runtime::pagination::offset_stream(
                        start,
                        page_size,
                        move |offset: u64| {
                            let mut next = self.clone();
                            next.#offset = Some(offset.try_into().unwrap_or_default());
                            next.send()
                        },
                        |page: PAGE| ITEMS,
                    )
                },
            )
        }
        Pagination::Cursor {
            cursor_param,
            page,
            next_field,
            from_last_item,
        } => {
            let cursor = ident(cursor_param);
            let next = ident(next_field);
            let items = items_expr(page);
            let split = match from_last_item {
                Some(id) => {
                    let id = ident(id);
                    quote! {{
                        let items = #items;
                        let next = if page.#next { items.last().map(|item| String::from(item.#id.clone())) } else { None };
                        (items, next)
                    }}
                }
                None => quote! {{
                    let next = page.#next.clone();
                    (#items, next)
                }},
            };
            (
                page,
                split,
                quote! {
                    crate::runtime::pagination::cursor_stream(
                        move |cursor: Option<String>| {
                            let mut next = self.clone();
                            if cursor.is_some() {
                                next.#cursor = cursor;
                            }
                            next.send()
                        },
                        |page: PAGE| ITEMS,
                    )
                },
            )
        }
    };
    let item = paths.ty(&page.item);
    let page_ty = match &op.response {
        ResponseShape::Json(ty) => paths.ty(ty),
        _ => quote!(_),
    };
    let body = replace_ident(body, "ITEMS", item_access);
    let body = replace_ident(body, "PAGE", page_ty);
    quote! {
        /// Every item of every page, fetched lazily page by page, in order. The stream is
        /// `Unpin`: `stream.next().await` needs no `pin!`.
        pub fn into_stream(self) -> crate::ItemStream<'a, #item> {
            crate::ItemStream::new({ #body })
        }
    }
}

fn items_expr(page: &crate::ir::PageAccess) -> TokenStream {
    match &page.items_field {
        Some(f) => {
            let f = ident(f);
            if page.items_optional {
                quote!(page.#f.unwrap_or_default())
            } else {
                quote!(page.#f)
            }
        }
        None => quote!(page),
    }
}

/// Substitutes a placeholder identifier in a token stream.
fn replace_ident(tokens: TokenStream, placeholder: &str, with: TokenStream) -> TokenStream {
    tokens
        .into_iter()
        .flat_map(|tt| match tt {
            proc_macro2::TokenTree::Ident(ref i) if i == placeholder => with.clone(),
            proc_macro2::TokenTree::Group(g) => {
                let inner = replace_ident(g.stream(), placeholder, with.clone());
                let mut group = proc_macro2::Group::new(g.delimiter(), inner);
                group.set_span(g.span());
                TokenStream::from(proc_macro2::TokenTree::Group(group))
            }
            other => TokenStream::from(other),
        })
        .collect()
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
    let doc = " The documented successes of this operation, one variant per status.".to_string();
    let _ = doc_attrs;
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #n {
            #(#variants)*
        }
    }
}
