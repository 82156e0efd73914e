//! Names for operations whose path is their name rather than a resource's: routed by a target
//! header (AWS's JSON protocols: every operation is `POST /#X-Amz-Target=Service.OperationName`),
//! or RPC style, a path of one segment that spells the operationId (AWS's REST documents:
//! `PUT /StartImagePipelineExecution`). The operation name's object is the resource and its verb
//! the method (`DescribeStream` → `streams().describe()`, `ListTagsForResource` →
//! `tags().list_for_resource()`, `StartImagePipelineExecution` →
//! `image_pipeline_executions().start()`).

use super::shape::words;
use super::words::{DANGLING, VERBS, is_plural};
use crate::ident;

/// The operation name a target-routed path carries (`/#X-Amz-Target=Kinesis_20131202.ListStreams`
/// → `ListStreams`), or `None` for a path that routes by itself.
pub(super) fn operation_name(path: &str) -> Option<&str> {
    let (route, fragment) = path.split_once('#')?;
    if !route.trim_matches('/').is_empty() {
        return None;
    }
    let target = fragment
        .split('&')
        .find_map(|kv| kv.strip_prefix("X-Amz-Target="))?;
    let name = target.rsplit('.').next().unwrap_or(target);
    (!name.is_empty()).then_some(name)
}

/// The operation name `path` carries instead of a resource: a target-routed path's, or the one
/// literal segment (versions aside) of a path when it spells the operationId `id` and that
/// opens with a verb (`/StartImagePipelineExecution`, `/v1/{id}/ListTags`; not
/// `/ScoresByWeek`, which names what it returns).
pub(super) fn call_name<'p>(id: &str, path: &'p str) -> Option<&'p str> {
    if let Some(name) = operation_name(path) {
        return Some(name);
    }
    let route = path.split('#').next().unwrap_or_default();
    let mut literals = route
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{') && !super::is_version_segment(s));
    let (Some(segment), None) = (literals.next(), literals.next()) else {
        return None;
    };
    let id_name = ident::snake(id.rsplit('/').next().unwrap_or(id));
    let opens_with_verb = words(&id_name).first().is_some_and(|w| {
        VERBS.contains(&w.as_str())
            || VERB_PREFIXES.contains(&w.as_str())
            || VERB_QUALIFIERS.contains(&w.as_str())
    });
    (opens_with_verb && ident::snake(segment) == id_name).then_some(segment)
}

/// Words that open an operation name together with the verb after them, whatever it is
/// (`BatchWriteItem` → `batch_write`, `TransactGetItems` → `transact_get`).
const VERB_PREFIXES: &[&str] = &["batch", "transact"];

/// Words that open an operation name together with the verb after them when it is one of
/// [`VERBS`] (`AdminCreateUser` → `admin_create`).
const VERB_QUALIFIERS: &[&str] = &["admin"];

/// Noun phrases whose preposition is part of the noun, not the start of an owner
/// (`DescribeTimeToLive`, `RegisterOnPremisesInstance`).
const COMPOUNDS: &[&[&str]] = &[&["time", "to", "live"], &["on", "premises"]];

/// The resource and method words of a target-routed operation named `name`: the verb (with a
/// leading `batch`, `transact` or `admin`), the object up to the first preposition as the
/// resource (its last word plural unless it ends a compound noun), and the verb with the
/// prepositional phrase as the method. A name without an object (`Query`, `Scan`) gives no
/// resource.
pub(super) fn names(name: &str) -> (Option<String>, Vec<String>) {
    let w = words(&ident::snake(name));
    let Some(first) = w.first() else {
        return (None, Vec::new());
    };
    let prefix = VERB_PREFIXES.contains(&first.as_str())
        || (VERB_QUALIFIERS.contains(&first.as_str())
            && w.get(1).is_some_and(|v| VERBS.contains(&v.as_str())));
    let verb_len = if w.len() > 2 && prefix { 2 } else { 1 };
    let mut verb = w[..verb_len].to_vec();
    let rest = &w[verb_len..];
    let split = preposition_at(rest).unwrap_or(rest.len());
    let object = &rest[..split];
    if object.is_empty() {
        return (None, w);
    }
    let mut resource = object.to_vec();
    let ends_in_compound = COMPOUNDS
        .iter()
        .any(|c| object.len() >= c.len() && compound_at(object, object.len() - c.len(), c));
    if let (Some(last), false) = (resource.last_mut(), ends_in_compound) {
        *last = plural(last);
    }
    verb.extend(rest[split..].iter().cloned());
    (Some(ident::module(&resource.join("_"))), verb)
}

/// Where the first preposition that starts an owner stands in `rest` (not inside a compound
/// noun, and with words after it).
fn preposition_at(rest: &[String]) -> Option<usize> {
    let mut i = 0;
    while i < rest.len() {
        if let Some(c) = COMPOUNDS.iter().find(|c| compound_at(rest, i, c)) {
            i += c.len();
            continue;
        }
        if i > 0 && i + 1 < rest.len() && DANGLING.contains(&rest[i].as_str()) {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn compound_at(words: &[String], at: usize, compound: &[&str]) -> bool {
    words.len() >= at + compound.len()
        && words[at..at + compound.len()]
            .iter()
            .zip(compound)
            .all(|(a, b)| a == b)
}

/// The plural of a noun (`stream` → `streams`, `policy` → `policies`, `box` → `boxes`); a word
/// ending in `s` stays as it is (`settings`, `status`, `limits`).
fn plural(word: &str) -> String {
    if word.ends_with('s') || is_plural(word) {
        return word.to_owned();
    }
    if let Some(stem) = word.strip_suffix('y') {
        if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) && !stem.is_empty() {
            return format!("{stem}ies");
        }
    }
    if ["x", "ch", "sh", "z"].iter().any(|e| word.ends_with(e)) {
        return format!("{word}es");
    }
    format!("{word}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(op: &str) -> (Option<String>, String) {
        let (resource, method) = names(op);
        (resource, method.join("_"))
    }

    #[test]
    fn target_paths() {
        assert_eq!(
            operation_name("/#X-Amz-Target=DynamoDB_20120810.BatchGetItem"),
            Some("BatchGetItem")
        );
        assert_eq!(operation_name("/users/{id}#fragment"), None);
        assert_eq!(operation_name("/users"), None);
    }

    #[test]
    fn object_is_the_resource_verb_the_method() {
        let some = |r: &str, m: &str| (Some(r.to_owned()), m.to_owned());
        assert_eq!(name("DescribeStream"), some("streams", "describe"));
        assert_eq!(name("ListStreams"), some("streams", "list"));
        assert_eq!(name("GetShardIterator"), some("shard_iterators", "get"));
        assert_eq!(name("BatchGetItem"), some("items", "batch_get"));
        assert_eq!(name("TransactGetItems"), some("items", "transact_get"));
        assert_eq!(name("BatchWriteItem"), some("items", "batch_write"));
        assert_eq!(name("AdminCreateUser"), some("users", "admin_create"));
        assert_eq!(name("DescribeLimits"), some("limits", "describe"));
        assert_eq!(name("CreateGlobalTable"), some("global_tables", "create"));
        assert_eq!(
            name("DeleteBackupPolicy"),
            some("backup_policies", "delete")
        );
        assert_eq!(name("TagResource"), some("resources", "tag"));
        assert_eq!(
            name("ListTagsForResource"),
            some("tags", "list_for_resource")
        );
        assert_eq!(
            name("RestoreTableFromBackup"),
            some("tables", "restore_from_backup")
        );
        assert_eq!(name("DescribeTimeToLive"), some("time_to_live", "describe"));
        assert_eq!(
            name("RegisterOnPremisesInstance"),
            some("on_premises_instances", "register")
        );
        assert_eq!(name("Query"), (None, "query".to_owned()));
        assert_eq!(name("Admin"), (None, "admin".to_owned()));
    }
}
