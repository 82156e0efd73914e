//! The resource an operation belongs to when the config does not say: its first tag, or the
//! first path segment that names something (see the module docs of `naming`).

use openapiv3::Operation as SpecOperation;

use super::is_version_segment;
use crate::ident;

/// The resource operation `id` on `path` names: its first tag, or without one (or with a tag of
/// no letters) the path's first literal segment that has letters, is no version and is not the
/// operation's own name; `None` when nothing names one (the operation goes to `default`).
///
/// A name needs a letter: a tag or segment of digits and signs (`2`, `(1)`) says nothing, and a
/// segment spelling the operation's own name (`/StartImagePipelineExecution`) is the call, not a
/// resource: such operations belong to the API's resource.
pub(super) fn named(id: &str, op: &SpecOperation, path: &str) -> Option<String> {
    let says_something = |s: &str| s.chars().any(char::is_alphabetic);
    let id_name = ident::snake(id.rsplit('/').next().unwrap_or(id));
    op.tags
        .first()
        .filter(|t| says_something(t))
        .map(|t| ident::module(t))
        .or_else(|| {
            path.split('#')
                .next()
                .unwrap_or_default()
                .split('/')
                .find(|s| {
                    !s.starts_with('{')
                        && says_something(s)
                        && !is_version_segment(s)
                        && ident::snake(s) != id_name
                })
                .map(ident::module)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(id: &str, tags: &[&str], path: &str) -> Option<String> {
        let op = SpecOperation {
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            ..Default::default()
        };
        named(id, &op, path)
    }

    #[test]
    fn resources_come_from_words_not_numbers_or_the_call() {
        // No tag, and a path whose first segments are a version and a number.
        assert_eq!(
            resource(
                "policyCheckCreateUser",
                &[],
                "/api/2/password/policy/createUser"
            ),
            Some("password".into())
        );
        // A tag with no words falls back to the path.
        assert_eq!(
            resource("listWidgets", &["(2)"], "/widgets"),
            Some("widgets".into())
        );
        assert_eq!(
            resource("listWidgets", &["Widgets"], "/v1/things"),
            Some("widgets".into())
        );
        // A segment that is the operation's name is the call, not a resource.
        assert_eq!(
            resource(
                "StartImagePipelineExecution",
                &[],
                "/StartImagePipelineExecution"
            ),
            None
        );
        assert_eq!(
            resource("ping", &[], "/v1/worker/ping"),
            Some("worker".into())
        );
    }
}
