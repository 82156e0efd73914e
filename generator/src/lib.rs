//! sdkgen: turns an OpenAPI 3.0/3.1 document into a typed async Rust SDK crate.
//!
//! The pipeline runs one way: [`load`] (file, JSON or YAML, 3.0 or 3.1, external refs bundled)
//! into a normalized [`document::Document`] → [`lower`] (names, refs, schemas and operations into
//! the plain-data [`ir`], every decision taken) → [`emit`] (tokens with `quote!`, formatted by
//! prettyplease) → [`output`] (write, or check for drift).
#![deny(missing_docs)]

pub mod bundle;
pub mod config;
pub mod diff;
pub mod document;
pub mod emit;
pub mod error;
pub mod ident;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
pub mod normalize;
pub mod output;
pub mod pointer;
pub mod repair;
pub mod resolve;

pub use config::SdkConfig;
pub use error::{Error, Result};

use std::path::Path;

/// Everything needed to generate one crate.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Crate name (else the config's, else derived from the title).
    pub crate_name: Option<String>,
    /// How the spec is named in `@generated` headers (a path relative to the repo, or a URL).
    pub source_label: String,
    /// Build the crate outside a workspace.
    pub standalone: bool,
    /// Where the crate gets its runtime (else as the config says, else the `sdkgen-runtime` crate).
    pub runtime: Option<config::RuntimeKind>,
    /// The path from the generated crate to `sdkgen-runtime` (else this checkout's `templates/`,
    /// as an absolute path).
    pub runtime_path: Option<String>,
    /// The names the crate gave its operations when it was last generated (its
    /// [`names.lock`](names)); empty for a new crate.
    pub names: names::NameLock,
}

impl Options {
    fn emit_options(&self, config: &SdkConfig) -> emit::EmitOptions {
        let kind = self.runtime.or(config.package.runtime).unwrap_or_default();
        let runtime = match kind {
            config::RuntimeKind::Inline => emit::Runtime::Inline,
            config::RuntimeKind::Crate => emit::Runtime::Crate {
                path: self
                    .runtime_path
                    .clone()
                    .unwrap_or_else(emit::Runtime::checkout_path),
            },
        };
        emit::EmitOptions {
            standalone: self.standalone,
            runtime,
        }
    }
}

/// Lowers and emits a loaded spec.
pub fn generate(
    spec: &load::LoadedSpec,
    config: &SdkConfig,
    options: &Options,
) -> Result<emit::GeneratedCrate> {
    let lower_options = lower::LowerOptions {
        crate_name: options.crate_name.clone(),
        source: options.source_label.clone(),
        names: options.names.clone(),
    };
    let api = lower::lower(spec, config, &lower_options)?;
    emit::emit(&api, &options.emit_options(config))
}

/// Loads the spec at `path` (with the `sdk.toml` beside it, if any) and generates its crate.
pub fn generate_from_path(path: &Path, options: &Options) -> Result<emit::GeneratedCrate> {
    let spec = load::load_path(path)?;
    let config = match SdkConfig::beside(path) {
        Some(config) => SdkConfig::from_path(&config)?,
        None => SdkConfig::default(),
    };
    generate(&spec, &config, options)
}

/// A generated crate with the size of the API it came from.
#[derive(Debug, Clone)]
pub struct Report {
    /// The files and diagnostics.
    pub generated: emit::GeneratedCrate,
    /// Number of operations.
    pub operations: usize,
    /// Number of named types.
    pub types: usize,
    /// Struct fields, and those that fell back to a JSON value.
    pub json_fields: ir::JsonFields,
    /// The method names: numbered, dangling, their lengths.
    pub naming: lower::naming::report::NamingReport,
    /// Diagnostics per kind, every kind listed (zero when none).
    pub diagnostics_by_kind: std::collections::BTreeMap<ir::DiagnosticKind, usize>,
}

/// Like [`generate_from_path`], also counting operations and types.
pub fn generate_report(path: &Path, options: &Options) -> Result<Report> {
    let spec = load::load_path(path)?;
    let config = match SdkConfig::beside(path) {
        Some(config) => SdkConfig::from_path(&config)?,
        None => SdkConfig::default(),
    };
    let lower_options = lower::LowerOptions {
        crate_name: options.crate_name.clone(),
        source: options.source_label.clone(),
        names: options.names.clone(),
    };
    let api = lower::lower(&spec, &config, &lower_options)?;
    let operations = api.resources.iter().map(|r| r.operations.len()).sum();
    let types = api.types.len();
    let json_fields = api.json_fields();
    let naming = lower::naming::report::NamingReport::of(&api);
    let mut diagnostics_by_kind: std::collections::BTreeMap<ir::DiagnosticKind, usize> =
        ir::DiagnosticKind::ALL.iter().map(|k| (*k, 0)).collect();
    let generated = emit::emit(&api, &options.emit_options(&config))?;
    for d in &generated.diagnostics {
        *diagnostics_by_kind.entry(d.kind).or_default() += 1;
    }
    Ok(Report {
        generated,
        operations,
        types,
        json_fields,
        naming,
        diagnostics_by_kind,
    })
}
