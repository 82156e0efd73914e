//! Method names inside one resource: each operation's candidates, computed from itself alone,
//! handed out in rounds (see the module docs of [`super`]), and the names a lock keeps.

use std::collections::{BTreeMap, BTreeSet};

use super::report::MAX_METHOD_LEN;
use super::shape::{Shape, words as name_words};
use super::{Draft, from_id, target, words};
use crate::ident::{self, Namespace};

/// Which of several operations asking for one name gets it: no owner in the path first, then
/// the shorter path, then by path and method.
type Precedence = (bool, usize, String, String);

/// Unique method names for the drafts of one resource, in their order (see the module docs), and
/// how many of them had to be numbered. Without `by_segments`, names qualified by the path's
/// literal segments (which tell navigation paths apart, see [`with_nearest`]) are not tried: a
/// resource is split by how many names the owners alone leave numbered.
pub(super) fn assign(drafts: &[&Draft], resource: &str, by_segments: bool) -> (Vec<String>, usize) {
    assign_keeping(drafts, resource, by_segments, &[])
}

/// Like [`assign`], except that a draft with a name in `locked` (by index) keeps it, unless an
/// earlier draft in precedence order keeps it too; the other drafts take the names left.
pub(super) fn assign_keeping(
    drafts: &[&Draft],
    resource: &str,
    by_segments: bool,
    locked: &[Option<&str>],
) -> (Vec<String>, usize) {
    let mut candidates = Vec::with_capacity(drafts.len());
    let mut precedence: Vec<Precedence> = Vec::with_capacity(drafts.len());
    let mut acting: Vec<Option<String>> = Vec::with_capacity(drafts.len());
    for d in drafts {
        let shape = Shape::of(&d.op.http_method.to_ascii_lowercase(), &d.op.path, resource);
        acting.push(
            shape
                .acts
                .then(|| shorten(shape.name(), resource, MAX_METHOD_LEN)),
        );
        let method = own_name(&d.method, &shape, resource);
        candidates.push(candidates_of(
            &d.id,
            &method,
            &d.op.path,
            &shape,
            resource,
            by_segments,
        ));
        precedence.push((
            !shape.owners.is_empty()
                || from_id::navigation_owner(&d.id, &shape, resource).is_some(),
            d.op.path.matches('/').count(),
            d.op.path.clone(),
            d.op.http_method.clone(),
        ));
    }
    let mut names: Vec<Option<String>> = vec![None; drafts.len()];
    let mut taken = BTreeSet::new();
    let mut by_precedence: Vec<usize> = (0..drafts.len()).collect();
    by_precedence.sort_by(|&a, &b| precedence[a].cmp(&precedence[b]));
    for &i in &by_precedence {
        if let Some(Some(name)) = locked.get(i)
            && taken.insert((*name).to_owned())
        {
            names[i] = Some((*name).to_owned());
        }
    }
    let rounds = candidates.iter().map(Vec::len).max().unwrap_or(0);
    for round in 0..rounds {
        let mut wanted: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, c) in candidates.iter().enumerate() {
            if let (None, Some(name)) = (&names[i], c.get(round)) {
                wanted.entry(name.as_str()).or_default().push(i);
            }
        }
        for (name, askers) in wanted {
            if taken.contains(name) {
                continue;
            }
            // The action's own name goes to the method that performs it (`POST …/export`).
            let acts = |a: usize| acting[a].as_deref() != Some(name);
            let winner = askers
                .into_iter()
                .min_by(|&a, &b| (acts(a), &precedence[a]).cmp(&(acts(b), &precedence[b])))
                .expect("a name in the map has an asker");
            names[winner] = Some(name.to_owned());
            taken.insert(name.to_owned());
        }
    }
    let mut numbered = Namespace::with_reserved(taken.iter().map(String::as_str));
    let mut count = 0;
    for i in by_precedence {
        if names[i].is_none() {
            let base = shorten(name_words(&candidates[i][0]), resource, MAX_METHOD_LEN - 4);
            names[i] = Some(numbered.claim(&base));
            count += 1;
        }
    }
    (names.into_iter().flatten().collect(), count)
}

/// The operation's own name: its id's, except that a GET or PATCH on the path of an action a
/// POST performs, named by the bare action (`GET /images/export` named `export`), reads or
/// updates it (`get_export`, `update_export`), whether or not the POST exists, so adding the
/// POST renames nothing. Actions that read (`GET /pet/findByStatus`, `GET /users/search`) are
/// what a GET does, and actions that change (`PATCH /rules/{id}/update`, `…/setNote`) what a
/// PATCH does: those keep their name.
fn own_name(method: &str, shape: &Shape, resource: &str) -> String {
    let performs = shape.verb.first().is_some_and(|v| {
        let own: &[&[&str]] = match shape.reads_action.first().map(String::as_str) {
            Some("get") => &[words::READ_VERBS, words::READING_ACTIONS],
            _ => &[words::UPDATE_VERBS, words::REPLACE_VERBS],
        };
        own.iter().any(|family| family.contains(&v.as_str()))
    });
    if shape.reads_action.is_empty()
        || performs
        || method != shorten(shape.name(), resource, MAX_METHOD_LEN)
    {
        return method.to_owned();
    }
    shorten(shape.reading_name(), resource, MAX_METHOD_LEN)
}

/// An operation's names in the order it asks for them: its own, with its owner, its shape's,
/// with all its owners; then (with `by_segments`) with its nearest two, three… owners and with
/// the nearest one, two… literal segments before its object. A target-routed operation asks for
/// its name and then its operation's whole name.
fn candidates_of(
    id: &str,
    method: &str,
    path: &str,
    shape: &Shape,
    resource: &str,
    by_segments: bool,
) -> Vec<String> {
    if let Some(operation) = target::operation_name(path) {
        // The path says nothing: the operation's whole name is the one other candidate.
        let whole = shorten(
            name_words(&ident::snake(operation)),
            resource,
            MAX_METHOD_LEN,
        );
        let mut out = vec![method.to_owned()];
        if whole != method {
            out.push(whole);
        }
        return out;
    }
    let own = name_words(method);
    let qualified = |owners: usize| {
        let q = shape.qualifier(owners);
        let mut w = own.clone();
        if !q.is_empty() && !own.windows(q.len()).any(|x| x == q.as_slice()) {
            w.extend(q);
        }
        w
    };
    let all = shape.owners.len();
    let mut out: Vec<String> = Vec::new();
    let with = |extra: &[String]| {
        let mut w = own.clone();
        w.extend(extra.iter().cloned());
        w
    };
    let mut by_param = vec!["by".to_owned()];
    by_param.extend(shape.item_param.iter().cloned());
    let with_root = {
        let q = shape.qualifier_with_root(1);
        let mut w = own.clone();
        if !q.is_empty() && !own.windows(q.len()).any(|x| x == q.as_slice()) {
            w.extend(q);
        }
        w
    };
    for (words, by_qualifier) in [
        own.clone(),
        qualified(1),
        with_root,
        shape.name(),
        if shape.reads_action.is_empty() {
            own.clone()
        } else {
            shape.reading_name()
        },
        with(&shape.version),
        if shape.item_param.is_empty() {
            own.clone()
        } else {
            with(&by_param)
        },
        qualified(all),
        shape.name_with(shape.verb.clone(), all),
        shape.name_with_root(),
        match from_id::navigation_owner(id, shape, resource) {
            Some(owner) => with_owner(&own, &owner),
            None => own.clone(),
        },
        with_owner(&own, &shape.param_owner),
        if shape.object.is_empty() && !shape.named_object.is_empty() {
            let mut w = shape.verb.clone();
            w.extend(shape.named_object.iter().cloned());
            w
        } else {
            own.clone()
        },
    ]
    .into_iter()
    .map(|w| (w, false))
    .chain((2..all).map(qualified).map(|w| (w, true)))
    .chain((1..=shape.before.len()).filter_map(|k| Some((with_nearest(&own, shape, k)?, true))))
    {
        if by_qualifier && !by_segments {
            continue;
        }
        let names = if words == own {
            vec![method.to_owned()]
        } else if by_qualifier {
            vec![
                shorten_qualifier(words.clone(), resource, MAX_METHOD_LEN),
                shorten(words, resource, MAX_METHOD_LEN),
            ]
        } else {
            vec![shorten(words, resource, MAX_METHOD_LEN)]
        };
        for name in names {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// The name with `for` and `owner`, unless the name says it already (or `owner` is empty).
fn with_owner(own: &[String], owner: &[String]) -> Vec<String> {
    let mut w = own.to_vec();
    if !owner.is_empty() && !own.windows(owner.len()).any(|x| x == owner) {
        w.push("for".to_owned());
        w.extend(owner.iter().cloned());
    }
    w
}

/// The name with `for` and the `count` literal segments nearest before the object, those that
/// name the resource included, when the id does not say them already (`list_relations` under
/// `…/terms/{t}/relations` in a resource named after term stores → `list_relations_for_term`).
fn with_nearest(own: &[String], shape: &Shape, count: usize) -> Option<Vec<String>> {
    let start = shape.before.len().checked_sub(count)?;
    let n: Vec<String> = shape.before[start..].iter().flatten().cloned().collect();
    if n.is_empty() || own.windows(n.len()).any(|x| x == n.as_slice()) {
        return None;
    }
    let mut w = own.to_vec();
    w.push("for".to_owned());
    w.extend(n);
    Some(w)
}

/// A name qualified by its path (`…_for_exception_occurrence_instance`) shortened from the far
/// end of its qualifier first, so that what the call does stays whole and the nearest part of
/// the path tells it apart (`list_single_value_extended_properties_for_exception_occurrence_instance`
/// → `list_single_value_extended_properties_for_instance`, where dropping words after the verb
/// would give the single- and the multi-value name the same stump).
pub(super) fn shorten_qualifier(mut words: Vec<String>, resource: &str, max: usize) -> String {
    let len = |w: &[String]| w.iter().map(String::len).sum::<usize>() + w.len().saturating_sub(1);
    if let Some(at) = words.iter().rposition(|w| w == "for") {
        while len(&words) > max && words.len() > at + 2 {
            words.remove(at + 1);
        }
    }
    shorten(words, resource, max)
}

/// The words as a snake-case name of at most `max` characters: words the resource already says
/// go first, then repeated words, then the words after the verb.
pub(super) fn shorten(mut words: Vec<String>, resource: &str, max: usize) -> String {
    let len = |w: &[String]| w.iter().map(String::len).sum::<usize>() + w.len().saturating_sub(1);
    let resource = name_words(resource);
    let mut i = 1;
    while len(&words) > max && i < words.len() && words.len() > 2 {
        if resource.iter().any(|r| words::same_noun(r, &words[i])) {
            words.remove(i);
        } else {
            i += 1;
        }
    }
    let mut i = 1;
    while len(&words) > max && i < words.len() && words.len() > 2 {
        if words[..i].contains(&words[i]) {
            words.remove(i);
        } else {
            i += 1;
        }
    }
    let before = words.len();
    while len(&words) > max && words.len() > 2 {
        words.remove(1);
    }
    let stump = |w: &String| words::DANGLING.contains(&w.as_str());
    while words.len() < before && words.len() > 2 && stump(&words[1]) {
        words.remove(1);
    }
    while words.len() > 1 && words.last().is_some_and(stump) {
        words.pop();
    }
    let mut name = words.join("_");
    if name.len() > max {
        name.truncate(max);
        name = name.trim_end_matches('_').to_owned();
    }
    ident::snake(&name)
}
