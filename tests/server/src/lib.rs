//! A recording HTTP/1.1 test server on loopback, shared by the runtime's tests (`templates/tests`) and the
//! generated SDK's tests (`tests/miteos`).
//!
//! [`TestServer::start`] binds `127.0.0.1:0` and serves with hyper on the current Tokio runtime. Answers are
//! scripted per method and path ([`TestServer::on`], [`TestServer::on_sequence`], [`TestServer::on_fn`]), with
//! a [`TestServer::fallback`] for every other request; a [`Canned`] answer sets the status, headers and body
//! and can delay, trickle (chunked encoding) or cut its body short. Every request is recorded as it arrived
//! ([`Recorded`]: method, raw path, query, headers, body, arrival index, connection) for the tests' asserts.
//!
//! [`raw`] is a plain TCP server for the few tests that need a server to misbehave at the byte level
//! (a connection reset before any answer, a hand-written response head), which a real HTTP server cannot do.

#![deny(missing_docs)]

mod canned;
pub mod raw;
mod recorded;
mod server;

pub use canned::Canned;
pub use recorded::{Recorded, parse_query};
pub use server::{BASE_PATH, TestServer, serve};
