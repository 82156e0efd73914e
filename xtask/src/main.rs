//! `cargo xtask`: the project's command-line entry point, a thin caller of the `sdkgen` library.
//!
//! - `cargo xtask codegen` regenerates `generated/` from the pinned Miteos spec;
//!   `--check` writes nothing and fails with a diff when the committed crate has drifted.
//! - `cargo xtask corpus` generates and type-checks a crate for every spec in `../shared/specs`;
//!   `--directory` does the same for the APIs-guru directory (`scripts/install-corpus.sh`).
//! - `cargo xtask bench compile` times clean checks of GitHub's generated crate, per feature set.

mod bench;
mod codegen;
mod corpus;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    /// Generate and type-check a crate for every spec in ../shared/specs (or, with --directory, the
    /// APIs-guru directory); write a table.
    Corpus(corpus::Args),
    /// Time clean `cargo check`s of GitHub's generated crate: all features, one, none.
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Codegen(args) => codegen::run(&args),
        Command::Corpus(args) => corpus::run(&args),
        Command::Bench(args) => bench::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("\nCaused by:\n    {cause}");
            }
            ExitCode::FAILURE
        }
    }
}
