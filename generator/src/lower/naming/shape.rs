//! The REST shape of an operation: what its HTTP method and path say it does, as a method name
//! (`GET /albums/{id}/tracks` in `albums` → `list_tracks`, `POST /orders/{id}/cancel` → `cancel`,
//! `GET /repos/{o}/{r}/issues` in `issues` → `list_for_repo`).

use super::words::{DANGLING, VERBS, is_plural, same_noun, singular};
use crate::ident;

/// One path segment, as words.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// A literal segment (`balance_transactions` → `[balance, transactions]`).
    Literal(Vec<String>),
    /// A template parameter (`{customer_id}` → `[customer, id]`).
    Param(Vec<String>),
    /// A custom method after a colon (`/{name}:cancel`).
    Action(Vec<String>),
}

/// What the method and path say about an operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Shape {
    /// The verb: `list`, `get`, `create`, `update`, `replace`, `delete`, or an action's words.
    pub verb: Vec<String>,
    /// The thing acted on when it is not the resource itself (`tracks`, `balance_transactions`).
    pub object: Vec<String>,
    /// Owners in the path that are not the resource, nearest last (`/orgs/{org}/teams/{t}/repos`
    /// in `repos` → `[[org], [team]]`).
    pub owners: Vec<Vec<String>>,
    /// The first owner is the path's first segment (`/organizations/{id}/…`): a root that many
    /// paths share, left out of the shape's name and used only to tell paths apart.
    pub root_owner: bool,
    /// The path ends in a plural literal: the call reads or adds to a collection.
    pub collection: bool,
    /// Every word of the path, parameters included.
    pub path_words: Vec<String>,
    /// The words of the path's literal segments.
    pub literal_words: Vec<String>,
    /// The parameter the path ends in, when it names an item (`{username}` → `[username]`).
    pub item_param: Vec<String>,
    /// The path's version segment (`v1`), when it has one.
    pub version: Vec<String>,
    /// The path's object even when it names the resource (`/v1/{parent}/skus` in `sku_groups` →
    /// `[skus]`), singular for an item.
    pub named_object: Vec<String>,
    /// The parameter just before the object when no literal names what it stands for
    /// (`/{userId}/stats` → `[user]`, `/v1/{project}/subscriptions` → `[project]`); nothing for
    /// parameters that say no more than that they are one (`{parent}`, `{name}`, `{id}`).
    pub param_owner: Vec<String>,
    /// The verb comes from an action at the end of the path (`/orders/{id}/cancel`,
    /// `/{name}:pause`) and the HTTP method performs it: POST or PUT, not a GET that reads it.
    pub acts: bool,
    /// For a GET or PATCH on an action's path (`GET /images/export`), the verb that says what the
    /// method does to it (`get`, `update`), which with the action names the call when a POST on
    /// the same path performs the action (`get_export` beside `export`).
    pub reads_action: Vec<String>,
    /// The literal segments before the object, singular, nearest last, even those that name the
    /// resource (`/sets/{s}/terms/{t}/relations` in `term_store_sets` → `[[set], [term]]`): what
    /// tells two navigation paths to one collection apart when their owners do not.
    pub before: Vec<Vec<String>>,
}

impl Shape {
    /// The shape of `method path` in `resource` (a snake-case name).
    pub(super) fn of(method: &str, path: &str, resource: &str) -> Self {
        let resource: Vec<String> = resource_words(resource);
        let mut segments = segments(path);
        let path_words = segments
            .iter()
            .flat_map(|s| match s {
                Segment::Literal(w) | Segment::Param(w) | Segment::Action(w) => w.clone(),
            })
            .collect();
        let action = take_action(&mut segments, method);
        let item = matches!(segments.last(), Some(Segment::Param(_)));
        let object_at = segments
            .iter()
            .rposition(|s| matches!(s, Segment::Literal(_)));
        let literal_words = segments
            .iter()
            .flat_map(|s| match s {
                Segment::Literal(w) => w.clone(),
                _ => Vec::new(),
            })
            .collect();
        let version = path
            .split('/')
            .find(|s| s.len() >= 2 && super::is_version_segment(s) && *s != "api")
            .map(|v| vec![v.to_ascii_lowercase()])
            .unwrap_or_default();
        let mut shape = Shape {
            path_words,
            literal_words,
            version,
            ..Shape::default()
        };
        if let Some(Segment::Param(w)) = segments.last() {
            shape.item_param = w.clone();
        }
        let mut object = Vec::new();
        if let Some(at) = object_at {
            if let Some(Segment::Param(p)) = at.checked_sub(1).map(|k| &segments[k]) {
                let lone = at < 2 || !matches!(segments[at - 2], Segment::Literal(_));
                let mut p = p.clone();
                if p.len() > 1 && p.last().is_some_and(|l| l == "id") {
                    p.pop();
                }
                let says_nothing = p.len() == 1 && GENERIC_PARAMS.contains(&p[0].as_str());
                if lone && !says_nothing {
                    shape.param_owner = p;
                }
            }
            if let Segment::Literal(w) = &segments[at] {
                shape.named_object = if item { singular_words(w) } else { w.clone() };
                shape.collection =
                    action.is_none() && !item && w.last().is_some_and(|l| is_plural(l));
                if !names_resource(w, &resource) {
                    object = if item { singular_words(w) } else { w.clone() };
                }
            }
            for (i, s) in segments[..at].iter().enumerate() {
                if let Segment::Literal(w) = s {
                    shape.before.push(singular_words(w));
                    if !names_resource(w, &resource) {
                        shape.root_owner |= i == 0;
                        shape.owners.push(singular_words(w));
                    }
                }
            }
        }
        let counts = action.as_ref().is_some_and(|w| w == &["count"]);
        if let (Some(_), false) = (&action, counts) {
            match method.to_ascii_lowercase().as_str() {
                "post" | "put" => shape.acts = true,
                "get" => shape.reads_action = vec!["get".to_owned()],
                "patch" => shape.reads_action = vec!["update".to_owned()],
                _ => {}
            }
        }
        shape.verb = match action {
            // `DELETE /snippets/{id}/watch` undoes what `PUT` on the path does.
            Some(words)
                if method.eq_ignore_ascii_case("delete")
                    && words.first().is_some_and(|w| w != "delete") =>
            {
                std::iter::once("delete".to_owned()).chain(words).collect()
            }
            Some(words) => words,
            None => vec![verb_of(method, item, shape.collection).to_owned()],
        };
        shape.object = object;
        shape
    }

    /// The name the shape gives: verb, object, and the nearest owner (`list_events_for_user`).
    pub(super) fn name(&self) -> Vec<String> {
        self.name_with(self.verb.clone(), 1)
    }

    /// The name a GET or PATCH on an action's path takes beside the POST that performs it
    /// (`get_export`), or nothing for other shapes.
    pub(super) fn reading_name(&self) -> Vec<String> {
        if self.reads_action.is_empty() {
            return Vec::new();
        }
        let mut verb = self.reads_action.clone();
        verb.extend(self.verb.iter().cloned());
        self.name_with(verb, 1)
    }

    /// The name with `verb` and up to `owners` owners, nearest first in the `for_` part.
    pub(super) fn name_with(&self, verb: Vec<String>, owners: usize) -> Vec<String> {
        let mut name = verb;
        name.extend(self.object.iter().cloned());
        name.extend(self.qualifier(owners));
        name
    }

    /// The name with all owners, the root included (`list_events_for_user`).
    pub(super) fn name_with_root(&self) -> Vec<String> {
        let mut name = self.verb.clone();
        name.extend(self.object.iter().cloned());
        name.extend(self.qualifier_with_root(self.owners.len()));
        name
    }

    /// `for` and the nearest `count` owners below the root (`for_org_team`), or nothing without
    /// owners.
    pub(super) fn qualifier(&self, count: usize) -> Vec<String> {
        self.qualifier_of(&self.owners[usize::from(self.root_owner)..], count)
    }

    /// `for` and the nearest `count` owners, the root included.
    pub(super) fn qualifier_with_root(&self, count: usize) -> Vec<String> {
        self.qualifier_of(&self.owners, count)
    }

    fn qualifier_of(&self, owners: &[Vec<String>], count: usize) -> Vec<String> {
        let start = owners.len().saturating_sub(count);
        let owners = &owners[start..];
        if owners.is_empty() {
            return Vec::new();
        }
        let mut q = vec!["for".to_owned()];
        q.extend(owners.iter().flatten().cloned());
        q
    }
}

/// Parameter names that say only that they stand for something.
const GENERIC_PARAMS: &[&str] = &["name", "parent", "id", "resource", "key", "path", "uuid"];

/// The verb a method gives to the thing at the end of its path.
fn verb_of(method: &str, item: bool, collection: bool) -> &'static str {
    match method.to_ascii_lowercase().as_str() {
        "get" if collection => "list",
        "get" => "get",
        "post" if item => "update",
        "post" => "create",
        "put" => "replace",
        "patch" => "update",
        "delete" => "delete",
        "head" => "exists",
        "options" => "options",
        "trace" => "trace",
        _ => "call",
    }
}

/// Removes and returns the action at the end of the path: a custom method (`:cancel`), a
/// literal after a parameter or at the end whose first word is a verb (`/orders/{id}/cancel`,
/// `/pet/findByStatus`), or `$count`.
fn take_action(segments: &mut Vec<Segment>, method: &str) -> Option<Vec<String>> {
    match segments.last()? {
        Segment::Action(w) => {
            let w = w.clone();
            segments.pop();
            Some(w)
        }
        Segment::Literal(w) if w.len() == 1 && w[0] == "count" && method == "get" => {
            segments.pop();
            Some(vec!["count".to_owned()])
        }
        Segment::Literal(w)
            if segments.len() > 1
                && VERBS.contains(&w[0].as_str())
                && !w.last().is_some_and(|l| l.len() > 3 && is_plural(l)) =>
        {
            let w = w.clone();
            segments.pop();
            Some(w)
        }
        _ => None,
    }
}

/// Whether a literal segment names the resource: its words, one maybe plural, run inside the
/// resource's (`messages` in `users_message`, `access_packages` in `access_package_assignments`).
pub(super) fn names_resource(segment: &[String], resource: &[String]) -> bool {
    !segment.is_empty()
        && segment.len() <= resource.len()
        && resource
            .windows(segment.len())
            .any(|w| w.iter().zip(segment).all(|(a, b)| same_noun(a, b)))
}

fn singular_words(words: &[String]) -> Vec<String> {
    let mut out = words.to_vec();
    if let Some(last) = out.last_mut() {
        *last = singular(last);
    }
    out
}

/// Segments that say where the API lives, not what a call does: `api`, `rest`, versions (`v1`,
/// `v2beta1`, `3`, `2020-05-31`).
fn is_noise_segment(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if super::is_version_segment(&lower) || lower == "rest" {
        return true;
    }
    let digits = |t: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == '.')
    };
    if digits(&lower) {
        return true;
    }
    let Some(rest) = lower.strip_prefix('v') else {
        return false;
    };
    let number_end = rest
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(rest.len());
    let tag = rest[number_end..].trim_end_matches(|c: char| c.is_ascii_digit());
    number_end > 0 && ["", "alpha", "beta", "preview"].contains(&tag)
}

/// The words of the path's literal segments, one entry per segment, in order (versions, a
/// `#fragment` and OData cast prefixes left out as in the shape).
pub(super) fn literal_segments(path: &str) -> Vec<Vec<String>> {
    segments(path)
        .into_iter()
        .filter_map(|s| match s {
            Segment::Literal(w) => Some(w),
            _ => None,
        })
        .collect()
}

/// The words of a resource's name without versions (`core_v1` → `[core]`).
pub(super) fn resource_words(resource: &str) -> Vec<String> {
    let w = words(resource);
    let kept: Vec<String> = w
        .iter()
        .filter(|x| !super::is_version_segment(x))
        .cloned()
        .collect();
    if kept.is_empty() { w } else { kept }
}

/// The words of a snake-case name.
pub(super) fn words(name: &str) -> Vec<String> {
    ident::unraw(name)
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The path's segments as words: versions (`v1`, `api`) and a `#fragment` left out, OData casts
/// (`microsoft.graph.user`) reduced to their last part.
fn segments(path: &str) -> Vec<Segment> {
    let path = path.split('#').next().unwrap_or_default();
    let mut out = Vec::new();
    for raw in path.split('/').filter(|s| !s.is_empty()) {
        let (main, custom) = match raw.rsplit_once(':') {
            Some((m, c)) if !c.contains('}') && !c.is_empty() => (m, Some(c)),
            _ => (raw, None),
        };
        if main.contains('{') {
            let name = main.split(['{', '}']).nth(1).unwrap_or_default();
            let head = main
                .split('{')
                .next()
                .unwrap_or_default()
                .trim_end_matches('(');
            if !head.is_empty() {
                out.push(Segment::Literal(words(&ident::snake(head))));
            }
            out.push(Segment::Param(words(&ident::snake(name))));
        } else if !is_noise_segment(main) {
            let main = main.trim_start_matches('$');
            let main = main.rsplit('.').next().unwrap_or(main);
            let w = words(&ident::snake(main));
            let only_stumps = w.iter().all(|x| DANGLING.contains(&x.as_str()));
            if !only_stumps && w != ["value"] {
                out.push(Segment::Literal(w));
            }
        }
        if let Some(c) = custom {
            out.push(Segment::Action(words(&ident::snake(c))));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(method: &str, path: &str, resource: &str) -> String {
        Shape::of(method, path, resource).name().join("_")
    }

    #[test]
    fn crud_shapes() {
        assert_eq!(name("get", "/v1/tasks", "tasks"), "list");
        assert_eq!(name("get", "/v1/tasks/{task_id}", "tasks"), "get");
        assert_eq!(name("post", "/v1/tasks", "tasks"), "create");
        assert_eq!(name("put", "/tasks/{id}", "tasks"), "replace");
        assert_eq!(name("patch", "/tasks/{id}", "tasks"), "update");
        assert_eq!(name("delete", "/tasks/{id}", "tasks"), "delete");
        assert_eq!(name("post", "/v1/accounts/{account}", "accounts"), "update");
    }

    #[test]
    fn sub_paths_and_owners() {
        assert_eq!(name("get", "/albums/{id}/tracks", "albums"), "list_tracks");
        assert_eq!(
            name("get", "/albums/{id}/tracks/{t}", "albums"),
            "get_track"
        );
        assert_eq!(name("post", "/orders/{id}/cancel", "orders"), "cancel");
        assert_eq!(name("put", "/snippets/{id}/watch", "snippets"), "watch");
        assert_eq!(
            name("delete", "/snippets/{id}/watch", "snippets"),
            "delete_watch"
        );
        assert_eq!(name("post", "/v1/{name}:pause", "jobs"), "pause");
        let read = |method: &str, path: &str| Shape::of(method, path, "images").reading_name();
        assert_eq!(read("get", "/images/export").join("_"), "get_export");
        assert_eq!(
            read("patch", "/images/{id}/export").join("_"),
            "update_export"
        );
        assert!(read("post", "/images/export").is_empty());
        assert!(read("get", "/images/{id}").is_empty());
        assert!(Shape::of("post", "/images/export", "images").acts);
        assert!(!Shape::of("get", "/images/export", "images").acts);
        assert_eq!(name("get", "/repos/{o}/{r}/issues", "issues"), "list");
        let shape = Shape::of("get", "/orgs/{org}/issues", "issues");
        assert_eq!(shape.name_with_root().join("_"), "list_for_org");
        let shape = Shape::of("get", "/users/{u}/events", "activity");
        assert_eq!(shape.name_with_root().join("_"), "list_events_for_user");
        assert_eq!(
            name(
                "delete",
                "/customers/{c}/subscriptions/{s}/discount",
                "customers"
            ),
            "delete_discount_for_subscription"
        );
        assert_eq!(name("get", "/users/{id}/profile", "users"), "get_profile");
        assert_eq!(name("get", "/pet/findByStatus", "pet"), "find_by_status");
        assert_eq!(
            name(
                "get",
                "/users/{u}/messages/{m}/attachments/$count",
                "users_message"
            ),
            "count_attachments"
        );
    }
}
