//! Shared helpers for the tests of the generated `miteos` crate.

pub mod prism;
pub mod server;
