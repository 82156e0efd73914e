//! The tests of the generated `miteos` crate, in one binary so that a test run links the SDK and the HTTP
//! stack once: every operation against a recording loopback server, errors, transport faults, pagination,
//! the WebSocket event stream, decoder fuzzing, and the contract against Prism.
//!
//! `loopback_env` is a binary of its own: it changes the process environment, which is unsound while other
//! test threads may read it.

mod fuzz_decoders;
mod loopback;
mod loopback_errors;
mod loopback_events;
mod loopback_formats;
mod loopback_ids;
mod loopback_pagination;
mod loopback_transport;
mod loopback_waiters;
mod mock_transport;
mod prism_contract;
