//! Emits `send()`: the statements that build a request from a builder's fields, the decoding
//! of the response, and the WebSocket connect of streaming operations.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::resources::shape_type;
use crate::emit::types::{TypePaths, ident};
use crate::ir::{
    BodyEncoding, MultipartPart, Operation, Param, ParamLocation, QueryStyle, RequestBody,
    ResponseShape, StatusMatch, TypeRef,
};

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
    let mut stmts = param_statements(op);
    if op.anonymous {
        stmts.push(quote!(request.without_credentials();));
    }
    if let Some(h) = &op.idempotency_header {
        stmts.push(quote!(request.idempotency_header(#h);));
    }
    if let Some(body) = &op.body {
        stmts.push(body_statement(body));
    }
    stmts.push(quote!(request.options(self.options);));
    stmts
}

/// Path, query, header and cookie parameters; a required one that is unset is reported.
fn param_statements(op: &Operation) -> Vec<TokenStream> {
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
    stmts
}

/// The statement that encodes the body (a required body that is unset is reported).
fn body_statement(body: &RequestBody) -> TokenStream {
    // A required body is an argument of the operation's method, stored as it is.
    let value = if body.required {
        quote!(self.body)
    } else {
        quote!(body)
    };
    let set = match &body.encoding {
        BodyEncoding::Json(_, ct) if ct == "application/json" => quote!(request.json(&#value)),
        BodyEncoding::Json(_, ct) => quote!(request.json_as(&#value, #ct)),
        BodyEncoding::Form(_) => quote!(request.form(&#value)),
        BodyEncoding::Bytes(ct) => quote!(request.bytes(#value, #ct)),
        BodyEncoding::Text(ct) if ct.eq_ignore_ascii_case("text/plain") => {
            quote!(request.text(#value))
        }
        BodyEncoding::Text(ct) => quote!(request.bytes(#value.into_bytes(), #ct)),
        BodyEncoding::Multipart(parts) => return multipart_statement(parts),
    };
    if body.required {
        quote!(#set;)
    } else {
        quote! {
            if let Some(body) = self.body {
                #set;
            }
        }
    }
}

/// A multipart form of the parts that are set.
fn multipart_statement(parts: &[MultipartPart]) -> TokenStream {
    let adds = parts.iter().map(|part| {
        let n = ident(&part.name);
        let wire = &part.wire;
        let required_check = part.required.then(|| {
            quote! {
                if self.#n.is_none() {
                    request.missing(#wire);
                }
            }
        });
        if part.file {
            quote! { #required_check if let Some(file) = self.#n { form.file(#wire, file); } }
        } else {
            quote! { #required_check if let Some(value) = &self.#n { form.value(#wire, value); } }
        }
    });
    // A form no part is added to (the body declares none) is sent empty, never mutated.
    let form = if parts.is_empty() {
        quote!(form)
    } else {
        quote!(mut form)
    };
    quote! {
        let #form = crate::runtime::multipart::Multipart::new();
        #(#adds)*
        request.multipart(form);
    }
}

/// The last expression of `send_with_response()`: the runtime future that sends the request and
/// decodes the response (no `async` body of its own).
fn receive(shape: &ResponseShape, paths: &TypePaths) -> TokenStream {
    match shape {
        ResponseShape::Empty => quote!(request.send_empty()),
        ResponseShape::Json(_) => quote!(request.send_json()),
        ResponseShape::Text => quote!(request.send_text()),
        ResponseShape::Stream => quote!(request.send_stream()),
        ResponseShape::EventStream(_) => quote! {
            request.header("accept", "text/event-stream");
            request.send_stream_as(crate::runtime::sse::TypedSseStream::new)
        },
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
            quote! {
                request.send_decoded(|raw| {
                    let value = match raw.status() {
                        #(#arms)*
                        _ => return Err(raw.into_error()),
                    };
                    Ok(raw.into_response(value))
                })
            }
        }
    }
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

/// `send()` and `send_with_response()` of a plain HTTP operation.
pub fn http_send(op: &Operation, paths: &TypePaths) -> TokenStream {
    let ty = success_type(op, paths);
    let method = format_ident!("{}", op.http_method);
    let path = &op.path;
    let stmts = request_statements(op);
    let receive = receive(&op.response, paths);
    let send_doc = format!(
        " Sends the request when awaited; returns the {} (a [`ValueFuture`](crate::ValueFuture)).",
        describe(&op.response)
    );
    quote! {
        #[doc = #send_doc]
        pub fn send(self) -> crate::ValueFuture<'a, #ty> {
            self.send_with_response().into_value()
        }
        /// Sends the request when awaited; returns the value with the status, headers and
        /// rate-limit figures (a [`ResponseFuture`](crate::ResponseFuture)).
        pub fn send_with_response(self) -> crate::ResponseFuture<'a, #ty> {
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

/// `send()` of a WebSocket operation: connects and returns the event stream.
pub fn websocket_send(op: &Operation, message: &TypeRef, paths: &TypePaths) -> TokenStream {
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
                self.options,
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
                self.options,
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
