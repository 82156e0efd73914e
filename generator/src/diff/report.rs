//! The outcome of a diff: the version bump, JSON for tools and a changelog section for people.

use std::fmt::Write as _;

use crate::diff::compare::{Change, Group};
use crate::diff::surface::Surface;

/// How the next release's version moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing a caller can see changed.
    None,
    /// Compatible changes only (before 1.0: any compatible change).
    Patch,
    /// New API from 1.0 on, or a breaking change before 1.0.
    Minor,
    /// A breaking change from 1.0 on.
    Major,
}

impl Bump {
    /// `none`, `patch`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// The version after this bump (`0.3.1` + minor = `0.4.0`); `None` when `version` is not
    /// `MAJOR.MINOR.PATCH`.
    pub fn apply(self, version: &str) -> Option<String> {
        let core = version.split(['-', '+']).next().unwrap_or(version);
        let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
        let (Some(Some(major)), Some(Some(minor)), Some(Some(patch)), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        Some(match self {
            Bump::None => version.to_owned(),
            Bump::Patch => format!("{major}.{minor}.{}", patch + 1),
            Bump::Minor => format!("{major}.{}.0", minor + 1),
            Bump::Major => format!("{}.0.0", major + 1),
        })
    }
}

/// The changes between two crates and what they mean for the next release.
#[derive(Debug, Clone)]
pub struct Report {
    /// The crate's name.
    pub crate_name: String,
    /// The version of the old crate.
    pub version: String,
    /// How the version moves.
    pub bump: Bump,
    /// Every change, in changelog order.
    pub changes: Vec<Change>,
}

impl Report {
    /// The report of `changes` between the `old` and `new` surfaces.
    pub fn new(old: &Surface, _new: &Surface, changes: Vec<Change>) -> Self {
        let pre_1 = old.version.starts_with("0.");
        let breaking = changes.iter().any(|c| c.breaking);
        let additions = changes.iter().any(Change::is_addition);
        let bump = match (changes.is_empty(), breaking, pre_1) {
            (true, _, _) => Bump::None,
            (false, true, true) => Bump::Minor,
            (false, true, false) => Bump::Major,
            (false, false, true) => Bump::Patch,
            (false, false, false) if additions => Bump::Minor,
            (false, false, false) => Bump::Patch,
        };
        Report {
            crate_name: old.crate_name.clone(),
            version: old.version.clone(),
            bump,
            changes,
        }
    }

    /// Whether any change breaks callers.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.breaking)
    }

    /// The suggested version of the next release.
    pub fn next_version(&self) -> Option<String> {
        self.bump.apply(&self.version)
    }

    /// `{"bump": …, "changes": [{"kind", "breaking", "location", "detail"}]}`.
    pub fn to_json(&self) -> serde_json::Value {
        let changes: Vec<serde_json::Value> = self
            .changes
            .iter()
            .map(|c| {
                serde_json::json!({
                    "kind": c.kind,
                    "breaking": c.breaking,
                    "location": c.location,
                    "detail": c.detail,
                })
            })
            .collect();
        serde_json::json!({ "bump": self.bump.as_str(), "changes": changes })
    }

    /// One line: how many changes, how many breaking, and the bump.
    pub fn summary(&self) -> String {
        if self.changes.is_empty() {
            return "API diff: no change a caller of the SDK can see (bump: none)".to_owned();
        }
        let breaking = self.changes.iter().filter(|c| c.breaking).count();
        let next = self
            .next_version()
            .map(|v| format!(", {} → {v}", self.version))
            .unwrap_or_default();
        format!(
            "API diff: {} change(s), {breaking} breaking, {} compatible (bump: {}{next})",
            self.changes.len(),
            self.changes.len() - breaking,
            self.bump.as_str()
        )
    }

    /// A changelog section in Markdown, grouped by resource, breaking changes first in each group.
    pub fn changelog(&self) -> String {
        let mut out = String::new();
        let version = self.next_version().unwrap_or_else(|| "next".to_owned());
        let _ = writeln!(out, "## {} {version}\n", self.crate_name);
        if self.changes.is_empty() {
            out.push_str("No change to the API surface.\n");
            return out;
        }
        let breaking = self.changes.iter().filter(|c| c.breaking).count();
        let why = match (self.bump, self.version.starts_with("0.")) {
            (Bump::Minor, true) => " (before 1.0, breaking changes bump the minor version)",
            (Bump::Patch, true) => " (before 1.0, compatible changes bump the patch version)",
            _ => "",
        };
        let _ = writeln!(
            out,
            "{} change(s) since {}, {breaking} breaking: a {} release{why}.",
            self.changes.len(),
            self.version,
            self.bump.as_str()
        );
        let mut groups: Vec<&Group> = self.changes.iter().map(|c| &c.group).collect();
        groups.dedup();
        for group in groups {
            let _ = writeln!(out, "\n### {}\n", group.title());
            let in_group = || self.changes.iter().filter(|c| &c.group == group);
            for c in in_group()
                .filter(|c| c.breaking)
                .chain(in_group().filter(|c| !c.breaking))
            {
                let mark = if c.breaking { "**Breaking:** " } else { "" };
                let _ = writeln!(out, "- {mark}`{}`: {}", c.location, c.detail);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Bump;

    #[test]
    fn bumps_apply_to_versions() {
        assert_eq!(Bump::Minor.apply("0.3.1").as_deref(), Some("0.4.0"));
        assert_eq!(Bump::Patch.apply("0.3.1").as_deref(), Some("0.3.2"));
        assert_eq!(Bump::Major.apply("1.2.3").as_deref(), Some("2.0.0"));
        assert_eq!(Bump::None.apply("1.2.3").as_deref(), Some("1.2.3"));
        assert_eq!(Bump::Minor.apply("1.2.3-beta.1").as_deref(), Some("1.3.0"));
        assert_eq!(Bump::Minor.apply("1.2"), None);
    }
}
