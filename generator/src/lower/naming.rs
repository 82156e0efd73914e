//! Operation naming: resource accessors, method names and builder type names, and the names the
//! runtime's builders and client already use.

use std::collections::BTreeMap;

use openapiv3::Operation as SpecOperation;

use crate::ident::{self, Namespace};
use crate::ir::Resource;
use crate::lower::operations::OperationDraft;

/// Builder methods every operation has; parameters must not take these names.
pub(super) const BUILDER_METHODS: &[&str] = &[
    "send",
    "send_with_response",
    "extra_header",
    "request_timeout",
    "max_retries",
    "deadline",
    "body",
    "into_stream",
    "client",
    "options",
    "new",
];

/// Methods of `Client` that resource accessors must not shadow.
pub(super) const CLIENT_METHODS: &[&str] = &[
    "builder",
    "from_env",
    "request",
    "endpoint_url",
    "auth_headers",
    "clone",
    "fmt",
    "new",
    "base_url",
    "last_rate_limit",
    "deref",
    "from",
];

pub(super) struct Draft {
    pub(super) resource: String,
    pub(super) method: String,
    pub(super) op: OperationDraft,
}

/// Groups drafts into resources with unique accessor, method and builder names.
pub(super) fn group(drafts: Vec<Draft>, doc: &openapiv3::OpenAPI) -> Vec<Resource> {
    let mut by_resource: BTreeMap<String, Vec<Draft>> = BTreeMap::new();
    for d in drafts {
        by_resource.entry(d.resource.clone()).or_default().push(d);
    }
    let mut accessor_names = Namespace::with_reserved(CLIENT_METHODS.iter().copied());
    let mut resources = Vec::new();
    for (resource, mut drafts) in by_resource {
        drafts.sort_by(|a, b| {
            (&a.method, &a.op.path, &a.op.http_method).cmp(&(
                &b.method,
                &b.op.path,
                &b.op.http_method,
            ))
        });
        let name = accessor_names.claim(&resource);
        let type_name = ident::camel(&name);
        let mut methods = Namespace::default();
        let mut builders = Namespace::with_reserved([type_name.as_str()]);
        let mut operations = Vec::new();
        for d in drafts {
            let method_name = methods.claim(&d.method);
            let builder_name = builders.claim(&ident::camel(ident::unraw(&method_name)));
            operations.push(d.op.finish(method_name, builder_name, |builder| {
                builders.claim(&format!("{}Outcome", ident::unraw(builder)))
            }));
        }
        let docs = doc
            .tags
            .iter()
            .find(|t| ident::snake(&t.name) == resource)
            .and_then(|t| t.description.clone());
        resources.push(Resource {
            name,
            type_name,
            docs,
            operations,
        });
    }
    resources
}

/// `get /users/{id}/repos` → `get_users_id_repos`.
pub(super) fn derived_id(method: &str, path: &str) -> String {
    let words: Vec<&str> = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    format!("{method}_{}", words.join("_"))
}

/// Resource and method names when the config does not give them.
pub(super) fn derive_names(
    id: &str,
    op: &SpecOperation,
    method: &str,
    path: &str,
) -> (String, String) {
    let resource = op
        .tags
        .first()
        .map(|t| ident::snake(t))
        .or_else(|| {
            path.split('/')
                .find(|s| !s.is_empty() && !s.starts_with('{') && !is_version_segment(s))
                .map(ident::snake)
        })
        .unwrap_or_else(|| "default".to_owned());
    let resource = ident::unraw(&resource).to_owned();
    let mut name = id.rsplit('/').next().unwrap_or(id).to_owned();
    // FastAPI ids: `{function}{path with non-word characters as _}_{method}`.
    if let Some(stripped) = name.strip_suffix(&format!("_{method}")) {
        let path_words: String = path
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if let Some(function) = stripped.strip_suffix(&path_words) {
            let function = strip_version_suffix(function);
            if !function.is_empty() {
                name = function.to_owned();
            }
        }
    }
    let mut method_name = ident::unraw(&ident::snake(&name)).to_owned();
    // `create_task` in `tasks` → `create`.
    let singular = ident::singular(&resource);
    for noun in [resource.as_str(), singular.as_str()] {
        if let Some(stripped) = method_name.strip_suffix(&format!("_{noun}")) {
            if !stripped.is_empty() {
                method_name = stripped.to_owned();
                break;
            }
        }
    }
    (resource, ident::snake(&method_name))
}

fn is_version_segment(s: &str) -> bool {
    s == "api" || (s.len() >= 2 && s.starts_with('v') && s[1..].chars().all(|c| c.is_ascii_digit()))
}

fn strip_version_suffix(function: &str) -> &str {
    let mut f = function;
    loop {
        let Some((head, last)) = f.rsplit_once('_') else {
            return f;
        };
        if is_version_segment(last) || last.is_empty() {
            f = head;
        } else {
            return f;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(id: &str, tags: &[&str], method: &str, path: &str) -> (String, String) {
        let op = SpecOperation {
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            ..Default::default()
        };
        derive_names(id, &op, method, path)
    }

    #[test]
    fn fastapi_ids_become_short_methods() {
        assert_eq!(
            names("create_task_v1_tasks_post", &["tasks"], "post", "/tasks"),
            ("tasks".into(), "create".into())
        );
        assert_eq!(
            names(
                "get_task_v1_tasks__task_id__get",
                &["tasks"],
                "get",
                "/tasks/{task_id}"
            ),
            ("tasks".into(), "get".into())
        );
        assert_eq!(
            names(
                "list_deliverables_v1_tasks__task_id__deliverables_get",
                &["tasks"],
                "get",
                "/tasks/{task_id}/deliverables"
            ),
            ("tasks".into(), "list_deliverables".into())
        );
        assert_eq!(
            names("list_memories_v1_memory_get", &["memory"], "get", "/memory"),
            ("memory".into(), "list_memories".into())
        );
    }

    #[test]
    fn other_styles() {
        assert_eq!(
            names(
                "repos/get-content",
                &["repos"],
                "get",
                "/repos/{o}/{r}/contents/{p}"
            ),
            ("repos".into(), "get_content".into())
        );
        assert_eq!(
            names(
                "GetCustomersCustomer",
                &[],
                "get",
                "/v1/customers/{customer}"
            ),
            ("customers".into(), "get_customers".into())
        );
        assert_eq!(derived_id("get", "/users/{id}/repos"), "get_users_id_repos");
    }
}
