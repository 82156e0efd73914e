//! The optional SDK config file (`sdk.toml` next to the spec): crate name, env var prefix, operation
//! names and pagination, in the spirit of Stainless's config.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// The parsed SDK config. Every part is optional; without a file, names derive from the spec.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SdkConfig {
    /// Crate-level settings.
    #[serde(default)]
    pub package: PackageConfig,
    /// operationId → `resource.method`.
    #[serde(default)]
    pub operations: BTreeMap<String, String>,
    /// operationId → how its list pages.
    #[serde(default)]
    pub pagination: BTreeMap<String, PaginationConfig>,
    /// Resource id types: type name → the places that hold one. A place is a property or
    /// parameter name (`task_id`: every property and parameter of that name) or
    /// `Schema.property` (one property of a component schema, such as `TaskResponse.id`).
    #[serde(default)]
    pub ids: BTreeMap<String, Vec<String>>,
    /// Waiters: resource name → the operation to poll and when its answer is done.
    #[serde(default)]
    pub waiters: BTreeMap<String, WaiterConfig>,
}

/// A waiter (`[waiters.tasks]`): `client.tasks().wait_until_done(id)` polls `operation` until
/// `field` of its answer is one of `terminal`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct WaiterConfig {
    /// The polled operation as `resource.method` (`tasks.get`).
    pub operation: String,
    /// The status property of its answer (wire name).
    pub field: String,
    /// The status values that end the wait (wire values).
    pub terminal: Vec<String>,
    /// The waiter's method name (default `wait_until_done`).
    pub method: Option<String>,
}

/// Crate-level settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageConfig {
    /// Crate name of the generated SDK.
    pub name: Option<String>,
    /// Prefix of the environment variables the client reads (`MITEOS` gives `MITEOS_API_KEY`).
    pub env_prefix: Option<String>,
    /// Crate version.
    pub version: Option<String>,
    /// Where the crate gets its runtime (default: the `sdkgen-runtime` crate).
    pub runtime: Option<RuntimeKind>,
}

/// Where a generated crate gets its runtime.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RuntimeKind {
    /// A dependency on the `sdkgen-runtime` crate.
    #[default]
    Crate,
    /// A copy of the runtime in the crate's `src/runtime/`: a self-contained crate.
    Inline,
}

/// How a list operation pages.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PaginationConfig {
    /// `offset` (limit/offset query parameters) or `cursor`.
    pub style: PaginationStyle,
    /// The response field holding the page's items (absent when the response is a bare array).
    pub items: Option<String>,
    /// The response field holding the total count (offset style).
    pub total: Option<String>,
    /// The query parameter that takes the cursor (cursor style).
    pub cursor_param: Option<String>,
    /// The response field holding the next cursor (cursor style).
    pub next_cursor: Option<String>,
}

/// Pagination styles.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PaginationStyle {
    /// `limit` and `offset` query parameters.
    Offset,
    /// A cursor query parameter and a next-cursor response field.
    Cursor,
}

impl SdkConfig {
    /// Reads a config file.
    pub fn from_path(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses config text; `path` is used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let config: Self = toml::from_str(text).map_err(|e| Error::Config {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        for (id, name) in &config.operations {
            let valid = name.split_once('.').is_some_and(|(resource, method)| {
                !resource.is_empty() && !method.is_empty() && !method.contains('.')
            });
            if !valid {
                return Err(Error::Config {
                    path: path.to_owned(),
                    message: format!(
                        "operation `{id}` maps to `{name}`, expected `resource.method`"
                    ),
                });
            }
        }
        Ok(config)
    }

    /// The config file that sits next to a spec, if any (`sdk.toml` in the same folder).
    pub fn beside(spec: &Path) -> Option<PathBuf> {
        let candidate = spec.parent()?.join("sdk.toml");
        candidate.is_file().then_some(candidate)
    }
}
