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
    /// The crate's source repository (`repository` in its `Cargo.toml`).
    pub repository: Option<String>,
    /// Where its documentation lives (default `https://docs.rs/<crate>`).
    pub documentation: Option<String>,
    /// The API's or the crate's home page.
    pub homepage: Option<String>,
    /// crates.io keywords: at most 5, each at most 20 ASCII characters (default: from the API title).
    pub keywords: Option<Vec<String>>,
    /// crates.io category slugs (default `api-bindings`, `web-programming::http-client`).
    pub categories: Option<Vec<String>>,
}

/// The package metadata of a generated crate's `Cargo.toml`, with the defaults filled in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageMetadata {
    /// `repository`, when configured.
    pub repository: Option<String>,
    /// `documentation`.
    pub documentation: String,
    /// `homepage`, when configured.
    pub homepage: Option<String>,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// `categories`.
    pub categories: Vec<String>,
}

/// The categories a crate without configured ones is listed in.
const DEFAULT_CATEGORIES: &[&str] = &["api-bindings", "web-programming::http-client"];

/// The category slugs crates.io accepts.
const CRATES_IO_CATEGORIES: &[&str] = &[
    "accessibility",
    "aerospace",
    "aerospace::drones",
    "aerospace::protocols",
    "aerospace::simulation",
    "aerospace::space-protocols",
    "aerospace::unmanned-aerial-vehicles",
    "algorithms",
    "api-bindings",
    "asynchronous",
    "authentication",
    "caching",
    "command-line-interface",
    "command-line-utilities",
    "compilers",
    "compression",
    "computer-vision",
    "concurrency",
    "config",
    "cryptography",
    "cryptography::cryptocurrencies",
    "data-structures",
    "database",
    "database-implementations",
    "date-and-time",
    "development-tools",
    "development-tools::build-utils",
    "development-tools::cargo-plugins",
    "development-tools::debugging",
    "development-tools::ffi",
    "development-tools::procedural-macro-helpers",
    "development-tools::profiling",
    "development-tools::testing",
    "email",
    "embedded",
    "emulators",
    "encoding",
    "external-ffi-bindings",
    "filesystem",
    "finance",
    "game-development",
    "game-engines",
    "games",
    "graphics",
    "gui",
    "hardware-support",
    "internationalization",
    "localization",
    "mathematics",
    "memory-management",
    "multimedia",
    "multimedia::audio",
    "multimedia::encoding",
    "multimedia::images",
    "multimedia::video",
    "network-programming",
    "no-std",
    "no-std::no-alloc",
    "os",
    "os::android-apis",
    "os::freebsd-apis",
    "os::linux-apis",
    "os::macos-apis",
    "os::unix-apis",
    "os::windows-apis",
    "parser-implementations",
    "parsing",
    "rendering",
    "rendering::data-formats",
    "rendering::engine",
    "rendering::graphics-api",
    "rust-patterns",
    "science",
    "science::bioinformatics",
    "science::bioinformatics::genomics",
    "science::bioinformatics::proteomics",
    "science::bioinformatics::sequence-analysis",
    "science::geo",
    "science::neuroscience",
    "science::robotics",
    "simulation",
    "template-engine",
    "text-editors",
    "text-processing",
    "value-formatting",
    "virtualization",
    "visualization",
    "wasm",
    "web-programming",
    "web-programming::http-client",
    "web-programming::http-server",
    "web-programming::websocket",
];

/// Whether crates.io accepts `keyword`: 1 to 20 ASCII characters, letters, digits, `_`, `-`
/// and `+`, starting with a letter or digit.
fn valid_keyword(keyword: &str) -> bool {
    (1..=20).contains(&keyword.len())
        && keyword.starts_with(|c: char| c.is_ascii_alphanumeric())
        && keyword
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
}

impl PackageConfig {
    /// The metadata of the crate `crate_name` for the API titled `title`: what is configured,
    /// defaults for the rest (keywords from the title's words, then `api` and `sdk`).
    pub fn metadata(&self, crate_name: &str, title: &str) -> PackageMetadata {
        let keywords = self.keywords.clone().unwrap_or_else(|| {
            let mut words: Vec<String> = Vec::new();
            let lower = title.to_lowercase();
            let candidates = lower
                .split(|c: char| !c.is_alphanumeric() && c != '-')
                .chain(["api", "sdk"]);
            for word in candidates {
                let word = word.trim_matches('-');
                let plain = word.len() >= 2 && !word.chars().all(|c| c.is_ascii_digit());
                if plain && valid_keyword(word) && !words.iter().any(|w| w == word) {
                    words.push(word.to_owned());
                }
            }
            words.truncate(5);
            words
        });
        PackageMetadata {
            repository: self.repository.clone(),
            documentation: self
                .documentation
                .clone()
                .unwrap_or_else(|| format!("https://docs.rs/{crate_name}")),
            homepage: self.homepage.clone(),
            keywords,
            categories: self
                .categories
                .clone()
                .unwrap_or_else(|| DEFAULT_CATEGORIES.iter().map(|c| (*c).to_owned()).collect()),
        }
    }

    /// What crates.io would refuse: too many or malformed keywords or categories, URLs that are
    /// not http(s).
    fn validate(&self) -> std::result::Result<(), String> {
        if let Some(keywords) = &self.keywords {
            if keywords.len() > 5 {
                return Err(format!(
                    "[package] keywords: {} given, crates.io allows at most 5",
                    keywords.len()
                ));
            }
            if let Some(bad) = keywords.iter().find(|k| !valid_keyword(k)) {
                return Err(format!(
                    "[package] keywords: `{bad}` is not a crates.io keyword (1 to 20 ASCII letters, digits, `_`, `-`, `+`, starting with a letter or digit)"
                ));
            }
        }
        if let Some(categories) = &self.categories {
            if categories.len() > 5 {
                return Err(format!(
                    "[package] categories: {} given, crates.io allows at most 5",
                    categories.len()
                ));
            }
            if let Some(bad) = categories
                .iter()
                .find(|c| !CRATES_IO_CATEGORIES.contains(&c.as_str()))
            {
                return Err(format!(
                    "[package] categories: `{bad}` is not a crates.io category slug (see https://crates.io/category_slugs)"
                ));
            }
        }
        let urls = [
            ("repository", &self.repository),
            ("documentation", &self.documentation),
            ("homepage", &self.homepage),
        ];
        for (key, url) in urls {
            if let Some(url) = url {
                let web = url.starts_with("https://") || url.starts_with("http://");
                if !web || url.contains(char::is_whitespace) || url.contains('"') {
                    return Err(format!("[package] {key}: `{url}` is not an http(s) URL"));
                }
            }
        }
        Ok(())
    }
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
        config.package.validate().map_err(|message| Error::Config {
            path: path.to_owned(),
            message,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<SdkConfig> {
        SdkConfig::parse(text, Path::new("sdk.toml"))
    }

    fn message(text: &str) -> String {
        match parse(text) {
            Err(Error::Config { message, .. }) => message,
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn package_metadata_is_read_and_checked() {
        let config = parse(
            "[package]\nrepository = \"https://github.com/o/r\"\nkeywords = [\"a\", \"b-c\"]\ncategories = [\"api-bindings\"]\n",
        )
        .unwrap();
        let meta = config.package.metadata("x", "X API");
        assert_eq!(meta.repository.as_deref(), Some("https://github.com/o/r"));
        assert_eq!(meta.keywords, ["a", "b-c"]);
        assert_eq!(meta.categories, ["api-bindings"]);
        assert_eq!(meta.documentation, "https://docs.rs/x");

        assert!(
            message("[package]\nkeywords = [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\"]")
                .contains("at most 5")
        );
        assert!(
            message("[package]\nkeywords = [\"twenty-one-characters\"]")
                .contains("`twenty-one-characters`")
        );
        assert!(
            message("[package]\nkeywords = [\"caf\u{e9}\"]").contains("not a crates.io keyword")
        );
        assert!(
            message("[package]\ncategories = [\"http\"]")
                .contains("`http` is not a crates.io category")
        );
        assert!(message("[package]\nhomepage = \"ftp://x\"").contains("homepage"));
    }

    #[test]
    fn defaults_come_from_the_title_and_crate_name() {
        let meta = PackageConfig::default().metadata("github", "GitHub v3 REST API");
        assert_eq!(meta.keywords, ["github", "v3", "rest", "api", "sdk"]);
        assert_eq!(
            meta.categories,
            ["api-bindings", "web-programming::http-client"]
        );
        assert_eq!(meta.documentation, "https://docs.rs/github");
        assert_eq!(meta.repository, None);
        let meta = PackageConfig::default().metadata("x", "Über 2 — Payments/API (v1)");
        assert_eq!(meta.keywords, ["payments", "api", "v1", "sdk"]);
    }
}
