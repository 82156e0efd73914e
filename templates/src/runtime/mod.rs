//! The runtime every generated SDK crate carries: client, requests, responses, errors, retries, pagination.

pub mod bytes;
mod client;
mod error;
pub mod multipart;
pub mod pagination;
mod rate_limit;
mod request;
mod response;
pub mod retry;
mod secret;
pub mod sse;
pub mod time;
pub mod webhooks;
pub mod websocket;
pub mod wire;

pub use client::{AuthScheme, Client, ClientBuilder, ClientDefaults};
pub use error::{ApiError, Error, ErrorDetail, ValidationIssue};
pub use rate_limit::RateLimit;
pub use request::{QueryStyle, Request, RequestOptions};
pub use response::{ByteStream, RawResponse, Response};
pub use secret::Secret;
