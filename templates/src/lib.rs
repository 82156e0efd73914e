//! Hand-written runtime copied into every generated SDK crate; a crate of its own only to build and test it.

pub mod runtime;
