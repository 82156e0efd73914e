//! A naming report over a lowered API: how many method names are numbered, how many end in a
//! word that announces another, and how long they are.

use crate::ident;
use crate::ir::Api;

/// Method names longer than this count as too long.
pub const MAX_METHOD_LEN: usize = 60;

/// Resource names (the client's accessors) longer than this count as too long.
pub const MAX_RESOURCE_LEN: usize = 60;

/// One method of a resource, with the operation it calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodName {
    /// The resource accessor (`repos`).
    pub resource: String,
    /// The method, without `r#` (`list_for_org`).
    pub method: String,
    /// The operationId it came from.
    pub operation_id: String,
    /// The HTTP method and path it calls (`GET /repos/{owner}/{repo}`).
    pub route: String,
}

/// Figures about the method names of one API.
#[derive(Debug, Clone, Default)]
pub struct NamingReport {
    /// Every method, resource by resource, in the IR's order.
    pub methods: Vec<MethodName>,
    /// Methods whose name ends in `_<number>`: two operations wanted the same name.
    pub numbered: Vec<MethodName>,
    /// Methods whose name ends in an article, preposition or conjunction (`get_page_of`).
    pub dangling: Vec<MethodName>,
    /// Methods longer than [`MAX_METHOD_LEN`] characters.
    pub too_long: Vec<MethodName>,
    /// The median length of a method name, in characters (0 without methods).
    pub median_len: usize,
    /// The longest method name.
    pub longest: Option<MethodName>,
    /// Every resource accessor, without `r#`, in the IR's order.
    pub resources: Vec<String>,
    /// Resource accessors longer than [`MAX_RESOURCE_LEN`] characters.
    pub long_resources: Vec<String>,
    /// The longest resource accessor.
    pub longest_resource: Option<String>,
}

impl NamingReport {
    /// The report for `api`.
    pub fn of(api: &Api) -> Self {
        let mut report = Self::default();
        for resource in &api.resources {
            let accessor = ident::unraw(&resource.name).to_owned();
            if accessor.len() > MAX_RESOURCE_LEN {
                report.long_resources.push(accessor.clone());
            }
            if report
                .longest_resource
                .as_ref()
                .is_none_or(|l| accessor.len() > l.len())
            {
                report.longest_resource = Some(accessor.clone());
            }
            report.resources.push(accessor);
            for op in &resource.operations {
                let name = MethodName {
                    resource: ident::unraw(&resource.name).to_owned(),
                    method: ident::unraw(&op.method_name).to_owned(),
                    operation_id: op.id.clone(),
                    route: format!("{} {}", op.http_method.to_ascii_uppercase(), op.path),
                };
                if is_numbered(&name.method) {
                    report.numbered.push(name.clone());
                }
                if super::words::ends_dangling(&name.method) {
                    report.dangling.push(name.clone());
                }
                if name.method.len() > MAX_METHOD_LEN {
                    report.too_long.push(name.clone());
                }
                if report
                    .longest
                    .as_ref()
                    .is_none_or(|l| name.method.len() > l.method.len())
                {
                    report.longest = Some(name.clone());
                }
                report.methods.push(name);
            }
        }
        let mut lengths: Vec<usize> = report.methods.iter().map(|m| m.method.len()).collect();
        report.median_len = median(&mut lengths);
        report
    }

    /// The length of the longest resource accessor (0 without resources).
    pub fn longest_resource_len(&self) -> usize {
        self.longest_resource.as_ref().map_or(0, String::len)
    }

    /// The report as columns for a table: `methods`, `numbered`, `dangling`, `median`, `longest`,
    /// `resources`, `longest resource`, `resources over 60`.
    pub fn columns(&self) -> [(&'static str, String); 8] {
        [
            ("methods", self.methods.len().to_string()),
            ("numbered", self.numbered.len().to_string()),
            ("dangling", self.dangling.len().to_string()),
            ("median", self.median_len.to_string()),
            (
                "longest",
                self.longest
                    .as_ref()
                    .map_or(0, |l| l.method.len())
                    .to_string(),
            ),
            ("resources", self.resources.len().to_string()),
            ("longest resource", self.longest_resource_len().to_string()),
            ("resources over 60", self.long_resources.len().to_string()),
        ]
    }
}

/// The name a numbered method would have had without its number (`get_count_2` → `get_count`).
pub fn unnumbered(name: &str) -> &str {
    match name.rsplit_once('_') {
        Some((head, _)) if is_numbered(name) => head,
        _ => name,
    }
}

/// Whether a method name ends in `_<number>`, the mark of a collision resolved by counting.
pub fn is_numbered(name: &str) -> bool {
    name.rsplit_once('_').is_some_and(|(head, last)| {
        !head.is_empty() && !last.is_empty() && last.chars().all(|c| c.is_ascii_digit())
    })
}

/// The median of `values` (the lower one of the middle two), 0 when empty.
pub fn median(values: &mut [usize]) -> usize {
    if values.is_empty() {
        return 0;
    }
    values.sort_unstable();
    values[(values.len() - 1) / 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_names() {
        assert!(is_numbered("get_2"));
        assert!(is_numbered("get_count_attachments_37"));
        assert!(!is_numbered("get_v2"));
        assert!(!is_numbered("_2fa"));
        assert!(!is_numbered("list"));
        assert_eq!(
            unnumbered("get_count_attachments_37"),
            "get_count_attachments"
        );
        assert_eq!(unnumbered("get_v2"), "get_v2");
    }

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), 0);
        assert_eq!(median(&mut [5, 1, 3]), 3);
        assert_eq!(median(&mut [4, 1, 3, 2]), 2);
    }
}
