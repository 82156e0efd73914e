//! Compares two API surfaces and classifies each change for a Rust caller of the generated crate.
//!
//! The rules follow what the emitters write: structs have public fields but are
//! `#[non_exhaustive]` (a caller builds one with `new()` or `Default` and setters, so only a new
//! argument of `new()` breaks it), enums and unions are matched exhaustively, query parameters are builder setters whose
//! required ones `send()` checks, path parameters are arguments of the resource method.
//!
//! One sub-module per part compared: `operations` compares the client, its resources and their
//! operations, `types` the named types (structs and their fields, enums, unions, aliases),
//! `webhooks` the webhook events. This module holds the change record and the helpers they share.

mod operations;
mod types;
mod webhooks;

use std::collections::BTreeMap;

use crate::diff::surface::Surface;

/// Where a change belongs in the changelog.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// Operations of one resource (`tasks`).
    Resource(String),
    /// Models in `crate::types` that several resources (or none) use.
    Types,
    /// Webhook events.
    Webhooks,
    /// The client: base URL and authentication.
    Client,
}

impl Group {
    /// The heading of the changelog section.
    pub fn title(&self) -> String {
        match self {
            Group::Resource(name) => format!("`client.{}()`", crate::ident::unraw(name)),
            Group::Types => "Types".to_owned(),
            Group::Webhooks => "Webhooks".to_owned(),
            Group::Client => "Client".to_owned(),
        }
    }
}

/// One change of the API surface.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Changelog section.
    pub group: Group,
    /// The item, in the SDK's terms (`client.tasks().list().status()`, `types::Task.id`).
    pub location: String,
    /// What kind of change (`field_added`, `enum_value_removed`, …).
    pub kind: &'static str,
    /// Whether some caller of the old crate stops compiling or working with the new one.
    pub breaking: bool,
    /// What changed and why it is breaking or compatible.
    pub detail: String,
}

impl Change {
    /// Something new that callers may start to use (a minor release from 1.0 on).
    pub fn is_addition(&self) -> bool {
        !self.breaking && self.kind.ends_with("_added")
    }
}

/// Every change from `old` to `new`, in changelog order.
pub fn compare(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut out = Changes(Vec::new());
    operations::client(old, new, &mut out);
    operations::resources(old, new, &mut out);
    types::types(old, new, &mut out);
    webhooks::webhooks(old, new, &mut out);
    let mut changes = out.0;
    changes.sort();
    changes
}

struct Changes(Vec<Change>);

impl Changes {
    fn push(
        &mut self,
        group: &Group,
        location: &str,
        kind: &'static str,
        breaking: bool,
        detail: String,
    ) {
        self.0.push(Change {
            group: group.clone(),
            location: location.to_owned(),
            kind,
            breaking,
            detail,
        });
    }
}

enum Side<'a, T> {
    Added(&'a T),
    Removed(&'a T),
    Both(&'a T, &'a T),
}

/// The union of two maps' keys in order, with each key's side.
fn pair<'a, T>(
    old: &'a BTreeMap<String, T>,
    new: &'a BTreeMap<String, T>,
) -> Vec<(&'a String, Side<'a, T>)> {
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|k| {
            let side = match (old.get(k), new.get(k)) {
                (Some(a), Some(b)) => Side::Both(a, b),
                (Some(a), None) => Side::Removed(a),
                (None, Some(b)) => Side::Added(b),
                (None, None) => unreachable!("the key comes from one of the maps"),
            };
            (k, side)
        })
        .collect()
}

fn unraw(name: &str) -> &str {
    crate::ident::unraw(name)
}
