//! Diagnostics: what the generator could not represent faithfully, and why.

/// Something the generator could not represent faithfully.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// JSON pointer or operation id.
    pub location: String,
    /// What was done instead.
    pub message: String,
    /// What sort of problem it is, for grouping.
    pub kind: DiagnosticKind,
}

/// What sort of problem a diagnostic reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DiagnosticKind {
    /// A construct the generator does not support; something simpler was generated instead.
    Unsupported,
    /// A type represented more loosely than the spec states (a JSON value, an untagged union).
    LossyType,
    /// A reference that is not followed.
    UnresolvedReference,
    /// Something the spec uses but does not declare.
    Undeclared,
    /// The SDK config asks for something the spec does not offer.
    Config,
    /// A value of the wrong JSON type that the reader repaired or dropped to read the document.
    Repaired,
}

impl DiagnosticKind {
    /// Every kind, in order.
    pub const ALL: [DiagnosticKind; 6] = [
        DiagnosticKind::Unsupported,
        DiagnosticKind::LossyType,
        DiagnosticKind::UnresolvedReference,
        DiagnosticKind::Undeclared,
        DiagnosticKind::Config,
        DiagnosticKind::Repaired,
    ];

    /// A short label (`lossy type`).
    pub fn label(self) -> &'static str {
        match self {
            DiagnosticKind::Unsupported => "unsupported construct",
            DiagnosticKind::LossyType => "lossy type",
            DiagnosticKind::UnresolvedReference => "unresolved reference",
            DiagnosticKind::Undeclared => "undeclared",
            DiagnosticKind::Config => "config mismatch",
            DiagnosticKind::Repaired => "repaired input",
        }
    }
}

impl std::fmt::Display for DiagnosticKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}: {}", self.kind, self.location, self.message)
    }
}

impl Diagnostic {
    /// A diagnostic of `kind` at `location`.
    pub fn new(
        kind: DiagnosticKind,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            location: location.into(),
            message: message.into(),
            kind,
        }
    }
}
