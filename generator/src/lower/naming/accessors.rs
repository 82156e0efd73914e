//! Accessor names of resources (`client.<name>()`, also their modules and features): a
//! resource's own name when it is short enough, else the words that say what it is.

use std::collections::{BTreeMap, BTreeSet};

use super::report::MAX_RESOURCE_LEN;
use crate::ident;

/// The accessor name of each planned resource (`tag_of`: resource → the tag it was made from):
/// its own name when that has at most [`MAX_RESOURCE_LEN`] characters, else the first of its
/// [`short_accessors`] that no other resource has (short names are given out first, the long
/// ones in order of their full names), or its full name when all are taken (numbered by the
/// namespace then).
/// `roots` holds, for a resource whose paths start with a one-word segment its name starts with
/// (Microsoft Graph's `me`, `users`, `groups`), that word: its shortened accessor keeps it.
/// A resource in `kept` has the accessor the name lock gives it, and no other resource takes
/// that one while it has another to take.
pub(super) fn accessors(
    tag_of: &BTreeMap<String, String>,
    roots: &BTreeMap<String, String>,
    kept: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = kept.clone();
    let mut taken: BTreeSet<String> = kept.values().cloned().collect();
    let unkept: Vec<(&str, &str)> = tag_of
        .iter()
        .filter(|(n, _)| !kept.contains_key(*n))
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    for &(name, _) in unkept.iter().filter(|(n, _)| n.len() <= MAX_RESOURCE_LEN) {
        taken.insert(name.to_owned());
        out.insert(name.to_owned(), name.to_owned());
    }
    for &(name, tag) in unkept.iter().filter(|(n, _)| n.len() > MAX_RESOURCE_LEN) {
        let short = short_accessors(name, tag, roots.get(name).map(String::as_str))
            .into_iter()
            .find(|c| !taken.contains(c))
            .unwrap_or_else(|| name.to_owned());
        taken.insert(short.clone());
        out.insert(name.to_owned(), short);
    }
    out
}

/// The accessor names a resource named `name` (over [`MAX_RESOURCE_LEN`] characters) may take,
/// best first, each at most that long: a part made by splitting the tag's resource `tag` drops
/// the words it starts with that the tag already says
/// (`identity_governance_entitlement_management_access_package_assignments_package` →
/// `access_package_assignments_package`); then, while too long, a word that comes again later
/// goes (the earlier one: the trailing words say what the resource is), then the leading word.
/// Further candidates keep the first one, two… of the remaining words (dropping those after
/// them instead), then add the tag's words back, last first, to tell it from another resource;
/// the last ones are the name's trailing words as they are, the longest that fit first; none
/// stammers (`certificate_certificate_…`, see [`stammers`]). With a one-word `root` (the path's
/// first segment, `me` or `users`), the first candidate keeps it before the trailing words that
/// say what the resource is (`me_events_instances_…` and `users_events_instances_…` stay
/// apart); when that is taken, the candidates above follow.
fn short_accessors(name: &str, tag: &str, root: Option<&str>) -> Vec<String> {
    let words: Vec<&str> = name.split('_').filter(|w| !w.is_empty()).collect();
    let tag_words: Vec<&str> = tag.split('_').filter(|w| !w.is_empty()).collect();
    let said = words
        .iter()
        .zip(&tag_words)
        .take_while(|(a, b)| a == b)
        .count();
    let said = if said == words.len() { 0 } else { said };
    let mut out: Vec<String> = Vec::new();
    if let Some(root) = root.filter(|r| words.len() > 2 && words[0] == *r) {
        for start in (1..=said.max(1)).rev() {
            let rest = fit(&words[start..], 0, MAX_RESOURCE_LEN - root.len() - 1);
            let candidate = format!("{root}_{rest}");
            if candidate.len() <= MAX_RESOURCE_LEN
                && !rest.is_empty()
                && !stammers(&candidate, &words)
                && !out.contains(&candidate)
            {
                out.push(candidate);
            }
        }
    }
    for start in (0..=said).rev() {
        for keep in 0..words.len() - start {
            let candidate = fit(&words[start..], keep, MAX_RESOURCE_LEN);
            let stammers = stammers(&candidate, &words);
            if candidate.len() <= MAX_RESOURCE_LEN
                && !candidate.is_empty()
                && !stammers
                && !out.contains(&candidate)
            {
                out.push(candidate);
            }
        }
    }
    for start in 1..words.len() {
        let candidate = ident::module(&words[start..].join("_"));
        if candidate.len() <= MAX_RESOURCE_LEN
            && !stammers(&candidate, &words)
            && !out.contains(&candidate)
        {
            out.push(candidate);
        }
    }
    out
}

/// `words` joined by `_`, with words dropped until it has at most `max` characters: the first
/// `keep` words stay, and so does the last; of the others, first a run of words that comes again
/// later (the earlier of the two), then the leading one.
fn fit(words: &[&str], keep: usize, max: usize) -> String {
    let mut words = words.to_vec();
    let len = |w: &[&str]| w.iter().map(|w| w.len()).sum::<usize>() + w.len().saturating_sub(1);
    while len(&words) > max && words.len() > keep + 1 {
        match (keep..words.len()).find_map(|i| repeated_run(&words, i).map(|n| (i, n))) {
            Some((i, n)) => {
                words.drain(i..i + n);
            }
            None => {
                words.remove(keep);
            }
        }
    }
    ident::module(&words.join("_"))
}

/// Whether a shortened name says a word twice in a row where the full name `words` does not
/// (`certificate_certificate_…`), or a run of two or more words twice
/// (`certificate_based_certificate_based_…`).
fn stammers(candidate: &str, words: &[&str]) -> bool {
    let short: Vec<&str> = candidate.split('_').collect();
    short
        .windows(2)
        .any(|w| w[0] == w[1] && !words.windows(2).any(|v| v == w))
        || (0..short.len()).any(|i| repeated_run(&short, i).is_some_and(|n| n > 1))
}

/// The length of the longest run of words starting at `i` that comes again after it
/// (`access_package` in `access_package_catalogs_custom_access_package`), if any.
fn repeated_run(words: &[&str], i: usize) -> Option<usize> {
    (1..=(words.len() - i) / 2).rev().find(|&n| {
        let run = &words[i..i + n];
        words[i + n..].windows(n).any(|w| w == run)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_accessors_keep_the_words_that_say_what_the_resource_is() {
        let tag = "identity_governance_entitlement_management";
        let assignments = format!("{tag}_access_package_assignments_package");
        let extensions =
            format!("{tag}_access_package_catalogs_custom_access_package_workflow_extensions");
        assert_eq!(
            short_accessors(&assignments, tag, None)[0],
            "access_package_assignments_package"
        );
        assert_eq!(
            short_accessors(&extensions, tag, None)[0],
            "catalogs_custom_access_package_workflow_extensions"
        );
        let short = "users_calendar_view".to_owned();
        let taken_by_tag = format!("{tag}_users_calendar_view_{}", "x".repeat(30));
        let tag_of: BTreeMap<String, String> = [
            (assignments.clone(), tag.to_owned()),
            (extensions.clone(), tag.to_owned()),
            (short.clone(), "users".to_owned()),
            (
                "access_package_assignments_package".to_owned(),
                "other".to_owned(),
            ),
            (taken_by_tag.clone(), tag.to_owned()),
        ]
        .into_iter()
        .collect();
        let accessors = accessors(&tag_of, &BTreeMap::new(), &BTreeMap::new());
        let doubled = "certificate_based_auth_configuration".to_owned();
        let doubled_long = format!("{doubled}_{doubled}");
        let both: BTreeMap<String, String> = [
            (doubled.clone(), doubled.clone()),
            (doubled_long.clone(), doubled_long.clone()),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            super::accessors(&both, &BTreeMap::new(), &BTreeMap::new())[&doubled_long],
            "configuration_certificate_based_auth_configuration"
        );
        assert_eq!(accessors[&short], short);
        // Another resource has the short name: the tag's last word comes back.
        assert_eq!(
            accessors[&assignments],
            "management_access_package_assignments_package"
        );
        assert!(accessors.values().all(|a| a.len() <= MAX_RESOURCE_LEN));
        // A one-word root stays: `me` and `users` are told apart by it, not by a number.
        let tail = "calendar_groups_calendars_events_instances_single_value_extended_properties";
        let rooted: BTreeMap<String, String> = ["me", "users"]
            .into_iter()
            .map(|r| (format!("{r}_{tail}"), format!("{r}_{tail}")))
            .collect();
        let roots = ["me", "users"]
            .into_iter()
            .map(|r| (format!("{r}_{tail}"), r.to_owned()))
            .collect();
        let short = super::accessors(&rooted, &roots, &BTreeMap::new());
        assert_eq!(
            short[&format!("me_{tail}")],
            "me_events_instances_single_value_extended_properties"
        );
        assert_eq!(
            short[&format!("users_{tail}")],
            "users_events_instances_single_value_extended_properties"
        );
        let unique: BTreeSet<&String> = accessors.values().collect();
        assert_eq!(unique.len(), accessors.len());
    }
}
