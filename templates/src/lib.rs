//! Hand-written runtime copied into every generated SDK crate; a crate of its own only to build and test it.
#![deny(missing_docs)]

pub mod runtime;
