//! The generator's error type: every message names where in the spec the problem is.

use std::path::PathBuf;

/// Why generation failed. Messages start lowercase, name the place in the spec (a JSON pointer or an
/// operation) and say what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec could not be read from disk.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file that could not be read.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The text is neither JSON nor YAML.
    #[error("{origin} is not valid JSON or YAML: {message}")]
    Syntax {
        /// Where the text came from.
        origin: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// The document is not an OpenAPI 3.0 or 3.1 document.
    #[error("{origin}: {message}")]
    Version {
        /// Where the document came from.
        origin: String,
        /// What was found instead.
        message: String,
    },
    /// The document does not match the OpenAPI structure at a place.
    #[error("invalid OpenAPI document at {pointer}: {message}")]
    Structure {
        /// JSON pointer to the offending value.
        pointer: String,
        /// What is wrong there.
        message: String,
    },
    /// A `$ref` points nowhere.
    #[error("unresolved reference `{reference}` at {pointer}")]
    Reference {
        /// The reference as written.
        reference: String,
        /// JSON pointer of the place that refers.
        pointer: String,
    },
    /// The SDK config file is invalid.
    #[error("invalid SDK config {}: {message}", path.display())]
    Config {
        /// The config file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The name lock beside a generated crate is invalid.
    #[error("invalid name lock {}: {message}", path.display())]
    NameLock {
        /// The lock file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Emitted code did not parse (a generator bug, reported instead of panicking).
    #[error("internal error: generated code for {what} does not parse: {message}")]
    Emit {
        /// Which file or item.
        what: String,
        /// The parser's message.
        message: String,
    },
    /// Writing or checking the output failed.
    #[error("{message}")]
    Output {
        /// What went wrong.
        message: String,
    },
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Turns a serde path (`paths./tasks.post.responses`) into a JSON pointer (`#/paths/~1tasks/post/responses`).
pub(crate) fn pointer_from_serde_path(path: &serde_path_to_error::Path) -> String {
    let mut out = String::from("#");
    for segment in path.iter() {
        out.push('/');
        let text = match segment {
            serde_path_to_error::Segment::Seq { index } => index.to_string(),
            serde_path_to_error::Segment::Map { key } => key.clone(),
            serde_path_to_error::Segment::Enum { variant } => variant.clone(),
            serde_path_to_error::Segment::Unknown => "?".to_owned(),
        };
        out.push_str(&escape_pointer(&text));
    }
    out
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
