//! Splitting a tag's resource into sub-resources by navigation path, where that separates names
//! that would otherwise be numbered, and naming the parts (see the module docs of `naming`).

use std::collections::BTreeMap;

use super::methods::assign;
use super::shape::{self, words as name_words};
use super::{Draft, words};
use crate::ident;

/// A tag's resource is split only when this many of its names would be numbered: a collision or
/// two (as a new operation may bring) is numbered in place rather than moving every operation of
/// the resource into a new one. A part made by a split is split again on any numbered name.
pub(super) const MIN_NUMBERED_TO_SPLIT: usize = 8;

/// The resource's drafts, split into sub-resources by navigation path where that separates names
/// that would otherwise be numbered (see the module docs): the drafts are grouped by the first
/// literal path segment they do not all share (`/users/{u}/calendar/…`, `/users/{u}/calendars/…`
/// in `users_calendar` → `users_calendar`, `users_calendars`), each group is split again the same
/// way, and the split is kept only when it leaves fewer numbered names than the resource had.
/// Names in `in_use` (every tag's resource, and sub-resources already made) are joined, not made
/// again, by a part they stand for, and not taken by one they do not (see [`part_name`]).
pub(super) fn split(
    resource: &str,
    min_numbered: usize,
    members: Vec<usize>,
    all: &[Draft],
    in_use: &mut InUse,
) -> Vec<(String, Vec<usize>)> {
    let numbered = |name: &str, members: &[usize]| {
        let refs: Vec<&Draft> = members.iter().map(|&i| &all[i]).collect();
        assign(&refs, name, false).1
    };
    let before = numbered(resource, &members);
    if before < min_numbered {
        return vec![(resource.to_owned(), members)];
    }
    let literals: Vec<Vec<Vec<String>>> = members
        .iter()
        .map(|&i| shape::literal_segments(&all[i].op.path))
        .collect();
    let first = &literals[0];
    let common = (0..first.len())
        .take_while(|&k| literals.iter().all(|l| l.get(k) == Some(&first[k])))
        .count();
    let mut parent = Vec::new();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut prefixes: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for (&i, l) in members.iter().zip(&literals) {
        let prefix = &l[..l.len().min(common + 1)];
        match l
            .get(common)
            .and_then(|key| part_name(resource, key, prefix, in_use))
        {
            Some(name) => {
                if name != resource {
                    prefixes
                        .entry(name.clone())
                        .or_insert_with(|| prefix.to_vec());
                }
                groups.entry(name).or_default().push(i);
            }
            None => parent.push(i),
        }
    }
    if groups.is_empty() || (groups.len() == 1 && parent.is_empty()) {
        return vec![(resource.to_owned(), members)];
    }
    let reserved = in_use.clone();
    for (name, prefix) in prefixes {
        in_use.entry(name).or_insert(Some(prefix));
    }
    let mut parts: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    parts.insert(resource.to_owned(), parent);
    for (name, group) in groups {
        for (name, members) in split(&name, 1, group, all, in_use) {
            parts.entry(name).or_default().extend(members);
        }
    }
    let mut out: Vec<(String, Vec<usize>)> = parts.into_iter().collect();
    let after: usize = out.iter().map(|(name, m)| numbered(name, m)).sum();
    if after < before {
        out.retain(|(_, m)| !m.is_empty());
        out
    } else {
        *in_use = reserved;
        vec![(resource.to_owned(), members)]
    }
}

/// Every resource name given out so far, with the path prefix (its literal segments) a split made
/// it for, or `None` for a tag's own resource.
pub(super) type InUse = BTreeMap<String, Option<Vec<Vec<String>>>>;

/// The name of the part of `resource` whose operations share the literal segments `prefix`
/// (`key` its last): [`sub_resource`]'s name, also when a tag has it or another tag's split made
/// it for the same prefix (the parts are one resource: the untagged `/users/{u}/calendars/…`
/// and the `users.calendar` tag's join in `users_calendars`); when the
/// name stands for something else, the resource's name with all the segment's words
/// (`users_calendars` and `calendarView` → `users_calendars_calendar_view`, where
/// `users_calendar_view` is `/users/{u}/calendarView`'s). The part the segment names the
/// resource itself by (`/users/{u}/calendar/…` in `users_calendar`) keeps the resource's name and
/// is split again like the others. `None` when both names are taken.
fn part_name(
    resource: &str,
    key: &[String],
    prefix: &[Vec<String>],
    in_use: &InUse,
) -> Option<String> {
    let near = sub_resource(resource, key);
    if near == resource {
        return Some(near);
    }
    let mut whole = name_words(resource);
    whole.extend(key.iter().cloned());
    let whole = ident::module(&whole.join("_"));
    [near, whole]
        .into_iter()
        .find(|name| match in_use.get(name) {
            None => true,
            Some(Some(made_for)) => made_for.as_slice() == prefix,
            Some(None) => true,
        })
}

/// The name of the part of `resource` under the path segment `key`: the resource's name with the
/// segment's words, the resource's last word replaced when the segment starts with the same noun
/// (`users_calendar` and `calendar_groups` → `users_calendar_groups`, `groups_site` and
/// `term_stores` → `groups_site_term_stores`).
fn sub_resource(resource: &str, key: &[String]) -> String {
    let mut words = name_words(resource);
    let mut key = key.to_vec();
    if let (Some(last), Some(head)) = (words.last(), key.first()) {
        if words::same_noun(last, head) {
            words.pop();
        } else if words.contains(head) {
            key.remove(0);
        }
    }
    words.extend(key);
    ident::module(&words.join("_"))
}
