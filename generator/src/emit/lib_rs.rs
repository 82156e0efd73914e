//! `src/lib.rs` of a generated crate: the crate docs (tour, configuration, errors, features,
//! testing), the modules, the re-exports and the `Client`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{Features, Runtime};
use crate::ir::{Api, AuthScheme, TypeRef};

fn auth_tokens(scheme: &AuthScheme) -> TokenStream {
    match scheme {
        AuthScheme::Bearer => quote!(crate::runtime::AuthScheme::Bearer),
        AuthScheme::Basic => quote!(crate::runtime::AuthScheme::Basic),
        AuthScheme::ApiKeyHeader(n) => quote!(crate::runtime::AuthScheme::ApiKeyHeader(#n)),
        AuthScheme::ApiKeyQuery(n) => quote!(crate::runtime::AuthScheme::ApiKeyQuery(#n)),
        AuthScheme::ApiKeyCookie(n) => quote!(crate::runtime::AuthScheme::ApiKeyCookie(#n)),
    }
}

/// The operation the docs' examples call: the first GET that needs no arguments beyond string path
/// parameters.
fn example_operation(api: &Api) -> Option<(&crate::ir::Resource, &crate::ir::Operation)> {
    api.resources
        .iter()
        .flat_map(|r| r.operations.iter().map(move |o| (r, o)))
        .find(|(_, o)| {
            o.transport == crate::ir::Transport::Http
                && o.http_method == "GET"
                && o.path_params
                    .iter()
                    .all(|p| matches!(p.ty, TypeRef::String | TypeRef::Id(_)))
                && o.params.iter().all(|p| !p.required)
                && o.body.is_none()
        })
}

/// The crate docs' "Testing your code" section: a doctest that answers the example operation from a
/// `MockTransport` with an API error and checks what was sent. Empty when no operation suits.
fn testing_section(api: &Api) -> String {
    let krate = api.meta.crate_name.replace('-', "_");
    let Some((r, o)) = example_operation(api) else {
        return String::new();
    };
    let args: Vec<String> = o
        .path_params
        .iter()
        .map(|p| format!("\"{}\"", crate::ident::unraw(&p.name)))
        .collect();
    format!(
        "\n## Testing your code\n\nWith the `mock` feature, `mock::MockTransport` answers calls from canned responses and records \
         what was sent, so code that uses this crate is tested without a network while the SDK's own request \
         building, retries, decoding and errors run as they do in production. `MockResponse::json(&model)` \
         answers with a model, `MockResponse::error(status, detail)` with an API error; several responses for \
         one operation are given one per attempt (pages, or a failure then a success).\n\n\
         ```\n\
         # #[cfg(feature = \"mock\")] fn main() {{\n\
         use {krate}::mock::{{MockResponse, MockTransport}};\n\
         # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {{\n\
         let mock = MockTransport::new();\n\
         mock.on({krate}::http::Method::{method}, \"{path}\", [\n    \
         MockResponse::error(429, \"slow down\").header(\"retry-after\", \"1\"),\n\
         ]);\n\
         let client = {krate}::Client::builder().api_key(\"test\"){base_url}.max_retries(0).transport(mock.clone()).build()?;\n\
         let error = client.{resource}().{op}({args}).send().await.unwrap_err();\n\
         assert_eq!(error.status(), Some(429));\n\
         assert_eq!(error.detail().as_deref(), Some(\"slow down\"));\n\
         assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(1)));\n\
         let sent = &mock.requests()[0];\n\
         assert_eq!((sent.method.as_str(), sent.operation), (\"{method}\", \"{path}\"));\n\
         # Ok::<(), {krate}::Error>(())\n\
         # }}).unwrap();\n\
         # }}\n\
         # #[cfg(not(feature = \"mock\"))] fn main() {{}}\n\
         ```\n",
        method = o.http_method,
        path = o.path,
        resource = r.name,
        op = o.method_name,
        args = args.join(", "),
        // A spec without servers has no default base URL; the mock answers whatever the URL.
        base_url = if api.meta.base_url.is_empty() {
            ".base_url(\"https://api.example.com\")"
        } else {
            ""
        },
    )
}

/// The features section of the crate docs and README.
pub(super) fn features_doc(api: &Api, runtime: &Runtime) -> String {
    let mut out = String::from(
        "## Cargo features\n\nEvery feature is on by default. Each compiles one resource with the models its \
         operations reach (a model shared by several compiles when any of them is on); models no operation or \
         webhook reaches are always compiled. To build only what you call: \
         `default-features = false, features = [\"…\"]`.\n\n",
    );
    for r in &api.resources {
        if let Some(feature) = api.features.resources.get(&r.name) {
            let with = api
                .features
                .capability_of_resource(r)
                .map(|c| format!(" (with `{c}`)"))
                .unwrap_or_default();
            out.push_str(&format!(
                "- `{feature}`: `client.{}()`, {} operation{}{with}\n",
                crate::ident::unraw(&r.name),
                r.operations.len(),
                if r.operations.len() == 1 { "" } else { "s" }
            ));
        }
    }
    if let Some(feature) = &api.features.webhooks {
        out.push_str(&format!(
            "- `{feature}`: the `webhooks` module and its payload models\n"
        ));
    }
    let f = &api.features;
    if let Some(feature) = &f.other_models {
        out.push_str(&format!(
            "- `{feature}`: the models of the spec that no operation uses\n"
        ));
    }
    if let Some(feature) = &f.websocket {
        out.push_str(&format!(
            "- `{feature}`: the WebSocket operations and their event streams\n"
        ));
    }
    if let Some(feature) = &f.webhook_verify {
        out.push_str(&format!(
            "- `{feature}`: `webhooks::Webhook`, signature verification of deliveries (turns on `{}`)\n",
            f.webhooks.as_deref().unwrap_or_default()
        ));
    }
    if let Some(feature) = &f.multipart {
        out.push_str(&format!(
            "- `{feature}`: the operations with `multipart/form-data` bodies\n"
        ));
    }
    if matches!(runtime, Runtime::Crate { .. }) {
        out.push_str(&format!(
            "\nOff by default:\n\n\
             - `{full_serde}`: `Serialize` on the models the API only sends back and `Deserialize` on those it \
             only receives (by default each model derives the direction the API uses), for storing or forwarding \
             them\n\
             - `mock`: `mock::MockTransport`, for testing code that uses this crate (turns on `{full_serde}`)\n",
            full_serde = crate::emit::types::FULL_SERDE_FEATURE
        ));
    }
    out
}

/// `src/lib.rs`: the crate docs, the modules, the re-exports and the `Client`.
pub fn lib_rs(api: &Api, features: &Features, runtime: &Runtime) -> TokenStream {
    let docs = crate_docs(api, runtime);
    let runtime_item = match runtime {
        Runtime::Crate { .. } => quote!(
            use sdkgen_runtime as runtime;
        ),
        Runtime::Inline => quote! {
            #[allow(dead_code, unused_imports, reason = "the runtime is shared by every generated SDK; this API may not use all of it")]
            mod runtime;
        },
    };
    let webhooks_mod = features.webhooks.then(|| {
        let gate = crate::emit::cfg_any(api.features.webhooks.as_slice());
        quote! {
            /// Webhook payloads and their signature verification.
            #gate
            pub mod webhooks;
        }
    });
    let reexports = reexports(api, features, runtime);
    let client = client_items(api);
    quote! {
        #docs
        #![forbid(unsafe_code)]
        #![allow(clippy::large_enum_variant, reason = "model enums mirror the API's unions; boxing every variant would make them harder to use")]
        #![allow(clippy::too_many_arguments, reason = "constructors take every required field of a model")]

        pub mod resources;
        pub mod types;
        #webhooks_mod
        #runtime_item

        #reexports
        #client
    }
}

/// The crate docs: the API, the tour, configuration, errors and retries, features and testing.
/// The tour and the testing example call resources; without their features they are left out.
fn crate_docs(api: &Api, runtime: &Runtime) -> TokenStream {
    let krate = api.meta.crate_name.replace('-', "_");
    let tour_features: Vec<&String> = crate::emit::examples::tour_resources(api)
        .iter()
        .filter_map(|r| api.features.resources.get(r))
        .collect();
    let tour_gate = match tour_features.as_slice() {
        [] => None,
        [one] => Some(quote!(feature = #one)),
        all => Some(quote!(all(#(feature = #all),*))),
    };
    let tour = format!(
        "\n## A tour\n\n{}\n",
        crate::emit::examples::tour(api).join("\n")
    );
    let after = format!(
        "\n{}\n{}",
        errors_doc(&krate, &api.meta.env_prefix),
        features_doc(api, runtime)
    );
    // The testing example calls the example operation, so it has that operation's gate.
    let testing_gate = example_operation(api)
        .and_then(|(r, _)| api.features.resources.get(&r.name))
        .map(|f| quote!(feature = #f));
    let testing = match runtime {
        Runtime::Crate { .. } => testing_section(api),
        Runtime::Inline => String::new(),
    };
    let doc_attr = |l: &str, gate: Option<&TokenStream>| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        match gate {
            Some(gate) => quote!(#![cfg_attr(#gate, doc = #l)]),
            None => quote!(#![doc = #l]),
        }
    };
    let lines = intro_doc(api)
        .lines()
        .map(|l| doc_attr(l, None))
        .chain(tour.lines().map(|l| doc_attr(l, tour_gate.as_ref())))
        .chain(after.lines().map(|l| doc_attr(l, None)))
        .chain(testing.lines().map(|l| doc_attr(l, testing_gate.as_ref())))
        .collect::<Vec<_>>();
    quote!(#(#lines)*)
}

/// The title, the API version and the first paragraph of the API's description.
fn intro_doc(api: &Api) -> String {
    let m = &api.meta;
    let mut doc = format!(
        "# {} Rust SDK\n\nAn async client for the {} (API version {}).\n",
        m.title, m.title, m.api_version
    );
    if let Some(d) = &m.description {
        let first = d.split("\n\n").next().unwrap_or(d);
        doc.push_str(&format!(
            "\n{}\n",
            crate::emit::docs::sanitize(first).join("\n")
        ));
    }
    doc
}

/// Configuration from the environment, then errors, retries and rate limits.
fn errors_doc(krate: &str, env: &str) -> String {
    format!(
        "`Client::from_env` reads the API key from `{env}_API_KEY` and, when set, the base URL from `{env}_BASE_URL`; \
         `Client::builder()` sets both (and timeouts, retries, headers) in code.\n\n\
         ## Errors, retries and rate limits\n\n\
         Every call returns `Result<_, {krate}::Error>`. An API error carries the status, the server's `detail`, \
         the rate-limit figures, the request id and the headers: `err.status()`, `err.detail()`, \
         `err.rate_limit()`, `err.request_id()`, and `err.body_as::<T>()` for the error type the spec documents. \
         `send_with_response()` gives the status, headers and `RateLimit` of a success.\n\n\
         Retries (2 by default; `ClientBuilder::max_retries`, or `max_retries` on one call) wait with exponential \
         backoff from 0.5 s up to 8 s, with jitter, or as long as the server's `Retry-After` / `retry-after-ms` \
         asks (a longer wait than the client accepts returns the error instead). A request is never sent twice \
         when its first attempt may have had an effect: connection failures before sending and 429 answers are \
         retried for every method; timeouts, broken connections, 408, 409 and 5xx only for idempotent methods \
         (GET, HEAD, PUT, DELETE, OPTIONS) and for operations that declare an idempotency header, which then \
         carries the same key on every attempt.\n"
    )
}

/// The crate's re-exports: the runtime's types, and those of the parts this API uses.
fn reexports(api: &Api, features: &Features, runtime: &Runtime) -> TokenStream {
    // The stream types are the `websocket` capability's.
    let websocket_gate = crate::emit::cfg_any(api.features.websocket.as_slice());
    let optional = [
        (
            features.websocket,
            quote!(
                #websocket_gate
                pub use runtime::websocket::{EventStream, StreamError, StreamOptions};
            ),
        ),
        (
            features.sse,
            quote!(
                pub use runtime::sse::{SseError, SseEvent, SseStream, TypedSseStream};
            ),
        ),
        (
            features.time,
            quote!(
                pub use runtime::time::{Date, Timestamp};
            ),
        ),
        (
            features.base64,
            quote!(
                pub use runtime::bytes::Base64Bytes;
            ),
        ),
        (
            features.uuid,
            quote!(
                pub use runtime::uuid::{self, Uuid};
            ),
        ),
        (
            features.pagination,
            quote!(
                pub use runtime::pagination::{ItemStream, Page, PageStream};
            ),
        ),
    ];
    let optional = optional
        .into_iter()
        .filter_map(|(on, item)| on.then_some(item));
    let mock_use = matches!(runtime, Runtime::Crate { .. }).then(|| {
        quote! {
            /// Tests without a network: canned answers and recorded requests (the `mock` feature).
            #[cfg(feature = "mock")]
            pub use runtime::mock;
        }
    });
    quote! {
        pub use runtime::{ApiError, ByteStream, Error, ErrorDetail, Hook, Operation, RateLimit, RawResponse, Request, RequestOptions, Response, ResponseFuture, Transport, TransportFuture, ValidationIssue, ValueFuture};
        /// The HTTP types hooks and raw requests use, and the HTTP client underneath, as this crate uses them.
        pub use runtime::{http, reqwest};
        #mock_use
        #(#optional)*
    }
}

/// The client defaults (base URL, environment variables, authentication) and the `Client` type.
fn client_items(api: &Api) -> TokenStream {
    let m = &api.meta;
    let env = &m.env_prefix;
    let base_url = &m.base_url;
    let user_agent = format!("{}-rust/", m.crate_name);
    let api_key_env = format!("{env}_API_KEY");
    let base_url_env = format!("{env}_BASE_URL");
    let auth = m.auth.iter().map(auth_tokens);
    let client_doc = format!(
        " The {} client. Cheap to clone: clones share connections, configuration and the in-flight limit.",
        m.title
    );
    quote! {
        /// What this API's clients start from: base URL, environment variables, authentication.
        pub(crate) static DEFAULTS: runtime::ClientDefaults = runtime::ClientDefaults {
            base_url: #base_url,
            user_agent: concat!(#user_agent, env!("CARGO_PKG_VERSION")),
            api_key_env: Some(#api_key_env),
            base_url_env: Some(#base_url_env),
            auth: &[#(#auth),*],
        };

        #[doc = #client_doc]
        #[derive(Clone)]
        pub struct Client(runtime::Client);

        /// Configures and builds a [`Client`]: API key, base URL, timeouts, retries, headers.
        pub type ClientBuilder = runtime::ClientBuilder<Client>;

        impl Client {
            /// A builder for a client: API key, base URL, timeouts, retries, headers.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::with_defaults(&DEFAULTS)
            }

            /// A client configured from the environment (see the crate docs for the variable names).
            pub fn from_env() -> Result<Client, Error> {
                ClientBuilder::with_defaults(&DEFAULTS).from_env()?.build()
            }
        }

        impl ::std::convert::From<runtime::Client> for Client {
            fn from(client: runtime::Client) -> Self {
                Client(client)
            }
        }

        /// The runtime's client: `request`, `base_url`, `last_rate_limit`.
        impl ::std::ops::Deref for Client {
            type Target = runtime::Client;

            fn deref(&self) -> &runtime::Client {
                &self.0
            }
        }

        impl ::std::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }
    }
}
