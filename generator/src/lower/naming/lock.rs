//! Keeping the resources the name lock gives (see [`crate::names`]): which planned resource keeps
//! which accessor, and operations moved back to the resource they were in.

use std::collections::BTreeMap;

use super::Draft;

/// The accessor each planned resource (by name → the indexes of its drafts) keeps: the one most
/// of its locked operations had (the first by name on a tie). Of several resources keeping one
/// accessor (a tag split since), the one with the most operations locked to it keeps it; the
/// others are named afresh.
pub(super) fn kept_accessors(
    planned: &BTreeMap<String, Vec<usize>>,
    drafts: &[Draft],
) -> BTreeMap<String, String> {
    // accessor → (how many locked operations, the resource), best first
    let mut best: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for (resource, members) in planned {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for &i in members {
            if let Some(locked) = &drafts[i].locked {
                *counts.entry(locked.resource.as_str()).or_default() += 1;
            }
        }
        let Some((accessor, count)) =
            counts
                .into_iter()
                .fold(None, |top: Option<(&str, usize)>, (a, n)| match top {
                    Some((_, m)) if m >= n => top,
                    _ => Some((a, n)),
                })
        else {
            continue;
        };
        let entry = best.entry(accessor).or_insert((count, resource));
        if count > entry.0 {
            *entry = (count, resource);
        }
    }
    best.into_iter()
        .map(|(accessor, (_, resource))| (resource.to_owned(), accessor.to_owned()))
        .collect()
}

/// Moves each locked operation into the resource that keeps its accessor, when that is not the
/// one it was planned in (the spec's growth changed how a tag splits), and drops resources left
/// empty.
pub(super) fn rehome(
    planned: &mut BTreeMap<String, Vec<usize>>,
    drafts: &[Draft],
    kept: &BTreeMap<String, String>,
) {
    let home: BTreeMap<&str, &str> = kept
        .iter()
        .map(|(resource, accessor)| (accessor.as_str(), resource.as_str()))
        .collect();
    let mut moves: Vec<(String, usize, String)> = Vec::new();
    for (resource, members) in planned.iter() {
        for &i in members {
            let Some(locked) = &drafts[i].locked else {
                continue;
            };
            if kept.get(resource) == Some(&locked.resource) {
                continue;
            }
            if let Some(&to) = home.get(locked.resource.as_str()) {
                moves.push((resource.clone(), i, to.to_owned()));
            }
        }
    }
    for (from, i, to) in moves {
        if let Some(members) = planned.get_mut(&from) {
            members.retain(|&m| m != i);
        }
        planned.entry(to).or_default().push(i);
    }
    planned.retain(|_, members| !members.is_empty());
}
