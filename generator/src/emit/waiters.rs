//! Emits waiters: `is_terminal()` on status enums, and `wait_until_done(id)` on resources with
//! its builder, a thin caller of the runtime's `waiter::wait_until`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::types::{TypePaths, ident, into_arg};
use crate::ir::Waiter;

/// `impl Status { pub fn is_terminal(&self) -> bool }` for each status enum a waiter reads (once
/// per enum, in `crate::types`).
pub fn terminal_impls(waiters: &[Waiter]) -> TokenStream {
    let mut seen = std::collections::BTreeSet::new();
    let impls = waiters
        .iter()
        .filter(|w| seen.insert(w.status_enum.clone()))
        .map(|w| {
            let name = ident(&w.status_enum);
            let variants = w.terminal.iter().map(|v| ident(v));
            let values: Vec<String> = w.terminal_wire.iter().map(|v| format!("`{v}`")).collect();
            let doc = format!(
                " Whether this status is final ({}): `{}()` waits for one. A value this version of the SDK does not know is not.",
                values.join(", "),
                crate::ident::unraw(&w.method_name)
            );
            quote! {
                impl #name {
                    #[doc = #doc]
                    pub fn is_terminal(&self) -> bool {
                        matches!(self, #(Self::#variants)|*)
                    }
                }
            }
        });
    quote!(#(#impls)*)
}

/// The waiter methods of one resource.
/// `examples` holds each waiter's example doc lines (empty when there is none).
pub fn methods(waiters: &[&Waiter], examples: &[Vec<String>], paths: &TypePaths) -> TokenStream {
    let methods = waiters.iter().enumerate().map(|(i, w)| {
        let example = examples.get(i).into_iter().flatten().map(|line| {
            let line = if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            };
            quote!(#[doc = #line])
        });
        let example = if examples.get(i).is_some_and(|e| !e.is_empty()) {
            quote!(#[doc = ""] #(#example)*)
        } else {
            TokenStream::new()
        };
        let m = ident(&w.method_name);
        let b = ident(&w.builder_name);
        let op = ident(&w.operation);
        let args = w.path_params.iter().map(|p| {
            let n = ident(&p.name);
            let (ty, _) = into_arg(&p.ty, paths);
            quote!(#n: #ty)
        });
        let names = w.path_params.iter().map(|p| ident(&p.name));
        let doc = format!(
            " Polls `{} {}` until its `{}` is final ([`{}::is_terminal`](crate::types::{}::is_terminal)) and returns the last answer. Set the deadline and the pause between polls on the builder.",
            w.http_method,
            w.path,
            crate::ident::unraw(&w.field),
            w.status_enum,
            w.status_enum
        );
        quote! {
            #[doc = #doc]
            #example
            pub fn #m(&self, #(#args),*) -> #b<'a> {
                #b {
                    poll: self.#op(#(#names),*),
                    options: crate::runtime::waiter::WaitOptions::default(),
                }
            }
        }
    });
    quote!(#(#methods)*)
}

/// The builders of one resource's waiters.
pub fn builders(waiters: &[&Waiter], paths: &TypePaths) -> TokenStream {
    let builders = waiters.iter().map(|w| {
        let b = ident(&w.builder_name);
        let poll = ident(&w.operation_builder);
        let t = paths.ty(&w.response);
        let f = ident(&w.field);
        let done = if w.field_optional {
            quote!(|value: &#t| value.#f.as_ref().is_some_and(|s| s.is_terminal()))
        } else {
            quote!(|value: &#t| value.#f.is_terminal())
        };
        let method = quote::format_ident!("{}", w.http_method);
        let path = &w.path;
        let struct_doc = format!(
            " Waits for `{} {}` to answer a final `{}`: set the deadline and poll interval, then call `send()`.",
            w.http_method,
            w.path,
            crate::ident::unraw(&w.field)
        );
        let must_use = format!("a {} does nothing until `send()` is awaited", w.builder_name);
        quote! {
            #[doc = #struct_doc]
            #[derive(Debug, Clone)]
            #[must_use = #must_use]
            pub struct #b<'a> {
                poll: #poll<'a>,
                options: crate::runtime::waiter::WaitOptions,
            }
            impl<'a> #b<'a> {
                /// How long to wait in all before giving up with `Error::WaitTimeout` (default 10 minutes).
                pub fn deadline(mut self, deadline: ::std::time::Duration) -> Self {
                    self.options.deadline = deadline;
                    self
                }
                /// The pause after the first poll (default 1 s); later pauses grow by half, up to `max_poll_interval`.
                pub fn poll_interval(mut self, interval: ::std::time::Duration) -> Self {
                    self.options.poll_interval = interval;
                    self
                }
                /// The longest pause between polls (default 20 s).
                pub fn max_poll_interval(mut self, interval: ::std::time::Duration) -> Self {
                    self.options.max_poll_interval = interval;
                    self
                }
                /// Polls until the answer is final and returns it; an error of a poll ends the wait.
                pub async fn send(self) -> Result<#t, crate::Error> {
                    let poll = self.poll;
                    crate::runtime::waiter::wait_until(
                        self.options,
                        ::reqwest::Method::#method,
                        #path,
                        || poll.clone().send(),
                        #done,
                    )
                    .await
                }
            }
        }
    });
    quote!(#(#builders)*)
}
