//! `src/webhooks.rs` of a generated crate: the webhook payload type and the verifier.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::doc_attrs;
use crate::emit::types::{TypePaths, ident};
use crate::ir::{Api, Diagnostic, TypeRef, WebhookPayload};

/// `src/webhooks.rs`: the payload type and the verifier.
pub fn webhooks_rs(api: &Api, paths: &TypePaths, diagnostics: &mut Vec<Diagnostic>) -> TokenStream {
    let (event_ty, extra) = match &api.webhook_payload {
        WebhookPayload::Json => (quote!(::serde_json::Value), TokenStream::new()),
        WebhookPayload::Type(ty) => (paths.ty(ty), TokenStream::new()),
        WebhookPayload::Untagged(variants) => {
            let (serde, serialize_attr) =
                crate::emit::types::serde_derives(crate::ir::Usage::ResponseOnly, paths);
            let variants = variants.iter().map(|(name, ty)| {
                let n = ident(name);
                let t = paths.ty(ty);
                quote!(#[allow(missing_docs)] #n(#t),)
            });
            (
                quote!(WebhookPayload),
                quote! {
                    /// Any payload the API's webhooks deliver.
                    #[derive(Debug, Clone, PartialEq, #serde)]
                    #serialize_attr
                    #[serde(untagged)]
                    pub enum WebhookPayload { #(#variants)* }
                },
            )
        }
    };
    let _ = diagnostics;
    let list: Vec<String> = api
        .webhooks
        .iter()
        .map(|w| {
            let payload = match &w.payload {
                Some(TypeRef::Named(n)) => format!(": [`{n}`](crate::types::{n})"),
                _ => String::new(),
            };
            format!("- `{}`{payload}", w.name.replace('`', "'"))
        })
        .collect();
    // Verification is the `webhook-verify` feature; the payload types are the module's.
    let verify_gate = crate::emit::cfg_any(api.features.webhook_verify.as_slice());
    let events_doc = doc_attrs(Some(&format!(
        "The events the API delivers:\n\n{}",
        list.join("\n")
    )));
    quote! {
        //! Webhook payloads and their signature verification (Standard Webhooks).
        #events_doc
        #verify_gate
        pub type Webhook = crate::runtime::webhooks::Webhook<#event_ty>;
        #verify_gate
        pub use crate::runtime::webhooks::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, WebhookError};
        #extra
    }
}
