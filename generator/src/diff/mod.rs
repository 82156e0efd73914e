//! A semantic diff of two APIs in the terms of the generated SDK: what changed for a Rust caller,
//! whether each change is breaking, and the version bump that follows.
//!
//! [`surface`] reads what a caller can name off the IR (the only part that knows the IR),
//! [`compare`] compares two surfaces and classifies each change, [`report`] turns the changes into
//! a bump, JSON and a changelog section.

pub mod compare;
pub mod report;
pub mod surface;

pub use compare::{Change, Group};
pub use report::{Bump, Report};

use crate::ir::Api;

/// Compares two lowered APIs (lowered with the same SDK config).
pub fn diff(old: &Api, new: &Api) -> Report {
    let (a, b) = (surface::surface(old), surface::surface(new));
    Report::new(&a, &b, compare::compare(&a, &b))
}
