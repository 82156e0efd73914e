//! The runtime's integration tests, in one binary so that a test run links the HTTP stack once: the shared
//! recording server on loopback (`sdkgen-test-server`, with the tests' client set-up in `http_support`) for
//! requests, responses, retries, pagination, load and SSE; WebSocket and webhook verification.
//!
//! Three tests are binaries of their own because they need a process to themselves: `client_env` changes the
//! process environment (unsound while other test threads may read it), and `client_key_leak` installs a global
//! `tracing` subscriber at TRACE level and must see only its own requests' spans.
//! `secret_zeroize` installs a global allocator that inspects freed memory.

#[path = "../http_support/mod.rs"]
mod http_support;

mod bytes_base64;
mod client_hooks;
mod client_load;
mod client_pagination;
mod client_requests;
mod client_responses;
mod client_retries;
mod sse_limit;
mod sse_stream;
mod stream_resume;
mod time_interop;
mod time_values;
mod webhooks_verify;
mod websocket_stream;
