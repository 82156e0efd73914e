//! `cargo xtask`: the project's command-line entry point, a thin caller of the `sdkgen` library.
//!
//! - `cargo xtask codegen` regenerates `generated/` from the pinned Miteos spec;
//!   `--check` writes nothing and fails with a diff when the committed crate has drifted.
//! - `cargo xtask api-diff OLD NEW` says what changed between two specs for the SDK's callers and
//!   the version bump that follows (exit 1 when a change is breaking, 2 on an error).
//! - `cargo xtask corpus` generates and type-checks a crate for every spec in `../shared/specs`;
//!   `--directory` does the same for the APIs-guru directory (`scripts/install-corpus.sh`).
//! - `cargo xtask naming-report` lowers many specs and reports on their method names.
//! - `cargo xtask bench compile` times clean checks of GitHub's generated crate, per feature set.

mod api_diff;
mod bench;
mod codegen;
mod corpus;
mod naming_report;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Generation allocates and frees millions of small strings, maps and token trees; mimalloc takes a
/// quarter off its CPU time against glibc's allocator (see the README's build-time section).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Generates and checks the SDK crates")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a crate from an OpenAPI spec (default: the pinned Miteos spec into generated/).
    Codegen(codegen::Args),
    /// Compare two specs as SDKs: changes, breaking or compatible, and the version bump.
    ApiDiff(api_diff::Args),
    /// Generate and type-check a crate for every spec in ../shared/specs (or, with --directory, the
    /// APIs-guru directory); write a table.
    Corpus(corpus::Args),
    /// Lower many specs (../shared/specs, or the APIs-guru directory) and report on method names.
    NamingReport(naming_report::Args),
    /// Time clean `cargo check`s of GitHub's generated crate: all features, one, none.
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::ApiDiff(args) => {
            return match api_diff::run(&args) {
                Ok(false) => ExitCode::SUCCESS,
                Ok(true) => ExitCode::from(1),
                Err(error) => {
                    report(&error);
                    ExitCode::from(2)
                }
            };
        }
        Command::Codegen(args) => codegen::run(&args),
        Command::Corpus(args) => corpus::run(&args),
        Command::NamingReport(args) => naming_report::run(&args),
        Command::Bench(args) => bench::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report(&error);
            ExitCode::FAILURE
        }
    }
}

/// Prints an error with its whole cause chain.
fn report(error: &anyhow::Error) {
    eprintln!("error: {error}");
    for cause in error.chain().skip(1) {
        eprintln!("\nCaused by:\n    {cause}");
    }
}
