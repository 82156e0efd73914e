//! The runtime of the SDKs that `sdkgen` generates from OpenAPI documents: the client and its builder,
//! requests and their retries, responses, errors, rate limits, pagination, RFC 3339 times and dates,
//! base64 bytes, and, as cargo features, server-sent events (`sse`), WebSocket event streams
//! (`websocket`), webhook verification (`webhooks`), `multipart/form-data` bodies (`multipart`) and
//! a re-export of the `uuid` crate (`uuid`).
//!
//! A generated crate depends on this crate and gives it what is particular to its API through a
//! [`ClientDefaults`] `static`; its own `Client` wraps [`Client`] and its builder is a
//! [`ClientBuilder`] of that type. Every generated crate shares the one [`Error`] type defined here.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod builder;
pub mod bytes;
mod client;
pub mod de;
mod error;
mod hook;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "multipart")]
pub mod multipart;
mod orchestrator;
pub mod pagination;
mod param_text;
mod params;
mod rate_limit;
mod request;
mod response;
pub mod retry;
mod secret;
#[cfg(feature = "sse")]
pub mod sse;
pub mod tagged;
pub mod time;
#[cfg(feature = "chrono")]
mod time_chrono;
#[cfg(feature = "jiff")]
mod time_jiff;
#[cfg(feature = "time")]
mod time_time;
pub mod waiter;
#[cfg(feature = "webhooks")]
pub mod webhooks;
#[cfg(feature = "websocket")]
pub mod websocket;
pub mod wire;

#[cfg(feature = "uuid")]
pub use uuid;

pub use builder::{AuthScheme, ClientBuilder, ClientDefaults};
pub use client::Client;
pub use error::{ApiError, Error, ErrorDetail, ValidationIssue};
pub use hook::{Hook, Operation, Transport, TransportFuture};
pub use params::QueryStyle;
pub use rate_limit::RateLimit;
pub use request::{Request, RequestOptions, ResponseFuture, ValueFuture};
pub use response::{ByteStream, RawResponse, Response};
pub use secret::Secret;

/// The HTTP types of requests and responses that hooks see.
pub use http;
/// The HTTP client underneath: [`ClientBuilder::http_client`] takes one, and hooks see its requests and
/// responses.
pub use reqwest;
