//! Operation naming: resource accessors, method names and builder type names, and the names the
//! runtime's builders and client already use.
//!
//! Without an `sdk.toml` entry, an operation's method name is a function of the operation alone:
//!
//! 1. **The id's words, not the resource's.** The operationId is split into words (a `tag/`
//!    prefix, FastAPI's path-and-method suffix, OData navigation before the last dotted part,
//!    versions and dates left out). Runs of words that name the resource go (singular or plural,
//!    anywhere in the id; the `default` resource of paths that name nothing has no words to
//!    strip, so `CreateDefaultVpc` stays `create_default_vpc`), and so do articles and a
//!    trailing `by_<path parameter>`; a trailing preposition or conjunction left behind goes
//!    too, so no name ends in a stump
//!    (`get-an-albums-tracks` in `albums` → `list_tracks`, `list-gpg-keys-for-user` in `users` →
//!    `list_gpg_keys`). Words after a negation, and a last one after an auxiliary verb, stay
//!    (`getDoNotContact` in `contacts` → `get_do_not_contact`, not `get_do_not`); a `GET_`
//!    prefix repeating the method before a verb goes (`GET_DescribeVpcs` → `describe_vpcs`).
//! 2. **The REST shape where the id adds nothing.** An id that is empty after that, one verb of
//!    the shape's family, or spelled from the method and the path (`GetCustomersCustomer`) takes
//!    the shape's name: GET on a collection `list`, on an item `get`; POST on a collection
//!    `create`, on an item `update`; PUT `replace`, PATCH `update`, DELETE `delete`; a trailing
//!    verb in the path is the action (`POST /orders/{id}/cancel` → `cancel`). A sub-resource is
//!    named (`list_balance_transactions`) and so is the nearest owner in the path that is neither
//!    the resource nor the path's first segment (`DELETE /customers/{c}/subscriptions/{s}/discount`
//!    in `customers` → `delete_discount_for_subscription`). The first segment (`/orgs/{org}/…`,
//!    `/repos/{owner}/{repo}/…`) is a root many paths share; it is used only to tell colliding
//!    paths apart (`list_for_org`). Django-style ids put their verb first
//!    (`settings_read` → `get_settings`), and a GET on a collection reads `list` even when the id
//!    says `get`.
//! 3. **Operations whose path is their name**, target-routed (AWS's
//!    `POST /#X-Amz-Target=Service.OperationName`) or RPC style (an untagged path of one
//!    segment, versions aside, that spells an operationId opening with a verb:
//!    `PUT /StartImagePipelineExecution`):
//!    the path says nothing, so the operation name's object is the resource and its verb the
//!    method (`DescribeStream` → `streams().describe()`, `ListTagsForResource` →
//!    `tags().list_for_resource()`, `StartImagePipelineExecution` →
//!    `image_pipeline_executions().start()`); two that meet (`PutRecord`, `PutRecords` in
//!    `records`) fall back to the operation's whole name (`put_records`).
//! 4. **The resource** is the operation's first tag; without one, or when it has no letters,
//!    the path's first literal segment that has letters, is no version and is not the
//!    operation's own name (`/api/2/password/…` → `password`); else `default`.
//! 5. **At most 60 characters**: words the resource already says go first, then repeated words,
//!    then words after the verb, until the name fits.
//!
//! Collisions are resolved by meaning before numbers. Each operation has a list of candidates
//! computed from itself alone: its name; with its nearest owner (`_for_team`); with the path's
//! root (`_for_org`); its shape's name; for a GET or PATCH on an action's path, the action read
//! or updated (`get_export`, `update_export`); with the path's version (`_v2`); with its item
//! parameter (`_by_username`); with all its owners; with the owner a dotted operationId's
//! navigation names when the path does not (`list_notes_for_occurrence` from
//! `projects.occurrences.getNotes` on `GET /v1/{name}/notes`); with the parameter just before
//! the object when no literal says what it is (`get_stats_for_user` on `/{userId}/stats`,
//! `list_subscriptions_for_topic` on `/v1/{topic}/subscriptions`); the shape's verb with the
//! path's object when the resource names it (`list_skus` on `/v1/{parent}/skus` in
//! `sku_groups`); with its nearest two, three… owners; with the nearest one, two… literal
//! segments before the object, those that name the resource included (`list_relations_for_term`
//! under `…/terms/{t}/relations` in a resource named after term stores), which tell navigation
//! paths apart. Candidates are handed out in rounds: in round `k` each unnamed operation asks for
//! its `k`-th candidate, and of several asking for one free name, the operation that performs
//! the action the name is wins (`POST /images/export` takes `export` from `GET /images/export`),
//! then the operation with no owner in its path (the root included) or its id's navigation, then
//! the one with the shorter path, then by path and method. Only an operation whose candidates
//! are all taken gets a number (`get_2`), claimed in the same order.
//!
//! A tag that covers several navigation paths to one entity (Microsoft Graph's
//! `/users/{u}/calendar/…`, `/users/{u}/calendars/{c}/…`) would leave many names numbered. When
//! at least eight of a tag's names would be, the resource is split by the first literal path
//! segment its operations do not all share, into sub-resources named from the resource and that
//! segment (`users_calendar` and `calendars` → `users_calendars`; `groups_site` and `term_stores`
//! → `groups_site_term_stores`), and each part that still has a numbered name is split again the
//! same way (the part the segment names the resource itself by, `/users/{u}/calendar/…` in
//! `users_calendar`, too); a split is kept only when it leaves fewer numbered names. A name is
//! made for one path prefix: another tag's split under the same prefix, or one named like a tag,
//! joins that resource (the untagged `/users/{u}/calendars/{c}/…` operations and the
//! `users.calendar` tag's meet in `users_calendars`); a part whose name stands for another
//! prefix takes the resource's name with all the segment's words (`users_calendars` and
//! `calendarView` → `users_calendars_calendar_view`, beside `/users/{u}/calendarView`'s
//! `users_calendar_view`), and stays in its resource when that is taken too. Splits count the
//! names numbered without the literal-segment candidates, which then resolve most of what is
//! left. Types keep the names the tag gave them.
//!
//! A resource's accessor (also its module, builder type prefix and cargo feature) is its name
//! when that has at most 60 characters. A longer one, as splits of a long tag make (Microsoft
//! Graph's `identity_governance_entitlement_management_…`), drops the leading words its tag
//! already says, then, while still too long, words that come again later (the earlier ones),
//! then its leading word: the trailing words that say what it is stay
//! (`…_access_package_catalogs_custom_access_package_workflow_extensions` →
//! `catalogs_custom_access_package_workflow_extensions`); a root of one word that starts both
//! the paths and the name (Graph's `me`, `users`, `groups`) stays in front
//! (`users_events_instances_single_value_extended_properties`), so `me_…` and `users_…` parts
//! stay apart and say whose they are. Only when another resource has that name do the first
//! words stay and the ones after them go, and then the tag's words come back; names of at most
//! 60 characters are given out first, so a long resource never takes a short one's name. Method names are stripped of the full
//! name's words. One growth case moves an accessor: a new resource named like a long one's
//! shortened accessor takes that name, and the long one takes its next candidate. No rule keeps
//! both: a spec with the short resource added and one with the long resource added can be the
//! same spec, so one of the two orders of growth moves a name whatever the rule; the short name
//! is the one a user reads off the spec (the tag), so the shortened one gives way, unless the
//! crate's name lock keeps it (below).
//!
//! Stability: adding an operation never renames an existing method unless the new operation
//! wants the same name in the same round and wins the tie (its path has no owner where the
//! existing one's has, or it is shorter). Names made from distinct operationIds or distinct
//! method-and-path shapes never meet, so in practice this happens only when two ids differ in
//! nothing but the resource's words or an article, when a trivial id (`list`) is added at
//! the resource's root beside one under a root owner (`/orgs/{org}/issues`), or when a POST is
//! added on the path of a GET named by an action that reads (`GET /users/search` named `search`
//! becomes `get_search` beside `POST /users/search`). A GET or PATCH on the path of any other
//! action reads or updates it (`get_export`, `update_export`) whether or not the POST that
//! performs it exists, and a query-style `GET_X` is `x` beside `POST_X`'s `post_x`, so adding
//! the other renames neither. Builder types follow their method's name.
//!
//! What no rule settles, the crate's name lock does ([`crate::names`]): regenerated with it, an
//! operation the SDK config does not name keeps the accessor and method it had. Of the planned
//! resources, the one with the most operations locked to an accessor keeps it (so a tag split
//! since keeps its old operations together: they move back into that part), those accessors are
//! claimed before any other, and inside a resource the locked methods are handed out before the
//! rounds above, which then name the new operations with what is left.
//!
//! Limits: the word lists
//! (verbs, plurals, prepositions) are English and not exhaustive. An operation that collides inside a resource made by a split, or that brings a
//! tag to eight numbered names, splits it (again): the operations moved get a new resource.

mod accessors;
mod from_id;
mod lock;
mod methods;
pub mod report;
mod resource;
mod shape;
mod split;
mod target;
mod words;

use std::collections::BTreeMap;

use openapiv3::Operation as SpecOperation;

use crate::ident::{self, Namespace};
use crate::ir::Resource;
use crate::lower::operations::OperationDraft;
use accessors::accessors;
use methods::{assign_keeping, shorten};
use report::MAX_METHOD_LEN;
use split::{InUse, MIN_NUMBERED_TO_SPLIT, split};

/// Builder methods every operation has; parameters must not take these names.
pub(super) const BUILDER_METHODS: &[&str] = &[
    "send",
    "send_with_response",
    "extra_header",
    "request_timeout",
    "max_retries",
    "deadline",
    // waiter builders
    "poll_interval",
    "max_poll_interval",
    "poll",
    "body",
    "into_stream",
    "into_pages",
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
    /// The operationId (or the one derived from the method and path).
    pub(super) id: String,
    pub(super) resource: String,
    pub(super) method: String,
    /// The names the name lock gives the operation, unless the SDK config names it.
    pub(super) locked: Option<Locked>,
    pub(super) op: OperationDraft,
}

/// The resource accessor and method an operation had when its crate was last generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Locked {
    pub(super) resource: String,
    pub(super) method: String,
}

impl Locked {
    pub(super) fn new(resource: &str, method: &str) -> Self {
        Locked {
            resource: resource.to_owned(),
            method: method.to_owned(),
        }
    }
}

/// Groups drafts into resources with unique accessor, method and builder names.
pub(super) fn group(drafts: Vec<Draft>, doc: &openapiv3::OpenAPI) -> Vec<Resource> {
    let mut by_tag: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, d) in drafts.iter().enumerate() {
        by_tag.entry(d.resource.clone()).or_default().push(i);
    }
    let mut in_use: InUse = by_tag.keys().map(|k| (k.clone(), None)).collect();
    let mut planned: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut tag_of: BTreeMap<String, String> = BTreeMap::new();
    for (resource, members) in by_tag {
        for (name, members) in split(
            &resource,
            MIN_NUMBERED_TO_SPLIT,
            members,
            &drafts,
            &mut in_use,
        ) {
            tag_of
                .entry(name.clone())
                .or_insert_with(|| resource.clone());
            planned.entry(name).or_default().extend(members);
        }
    }
    let kept = lock::kept_accessors(&planned, &drafts);
    lock::rehome(&mut planned, &drafts, &kept);
    let roots: BTreeMap<String, String> = planned
        .iter()
        .filter_map(|(name, members)| {
            let root = drafts[*members.first()?]
                .op
                .path
                .split('/')
                .find(|s| !s.is_empty() && !is_version_segment(s))
                .map(ident::module)?;
            let one_word = !root.contains('_') && name.starts_with(&format!("{root}_"));
            one_word.then(|| (name.clone(), root))
        })
        .collect();
    let accessors = accessors(&tag_of, &roots, &kept);
    let mut slots: Vec<Option<Draft>> = drafts.into_iter().map(Some).collect();
    let by_resource = planned.into_iter().map(|(resource, mut members)| {
        members.sort_unstable();
        let drafts: Vec<Draft> = members.iter().filter_map(|&i| slots[i].take()).collect();
        (resource, drafts)
    });
    let by_resource: Vec<(String, Vec<Draft>)> = by_resource.collect();
    // Accessors the lock keeps are claimed first, so a new resource cannot take one.
    let mut accessor_names = Namespace::with_reserved(CLIENT_METHODS.iter().copied());
    let mut claimed: BTreeMap<&str, String> = BTreeMap::new();
    for (resource, _) in by_resource.iter().filter(|(r, _)| kept.contains_key(r)) {
        claimed.insert(resource, accessor_names.claim(&accessors[resource]));
    }
    for (resource, _) in &by_resource {
        if !claimed.contains_key(resource.as_str()) {
            claimed.insert(resource, accessor_names.claim(&accessors[resource]));
        }
    }
    let claimed: BTreeMap<String, String> = claimed
        .into_iter()
        .map(|(r, a)| (r.to_owned(), a))
        .collect();
    let mut resources = Vec::new();
    for (resource, drafts) in by_resource {
        let name = claimed[&resource].clone();
        let type_name = ident::camel(&name);
        let locked: Vec<Option<&str>> = drafts
            .iter()
            .map(|d| {
                d.locked
                    .as_ref()
                    .filter(|l| l.resource == name)
                    .map(|l| l.method.as_str())
            })
            .collect();
        let (method_names, _) =
            assign_keeping(&drafts.iter().collect::<Vec<_>>(), &resource, true, &locked);
        let mut named: Vec<(String, OperationDraft)> = method_names
            .into_iter()
            .zip(drafts)
            .map(|(m, d)| (m, d.op))
            .collect();
        named.sort_by(|a, b| a.0.cmp(&b.0));
        let mut builders = Namespace::with_reserved([type_name.as_str()]);
        let mut operations = Vec::new();
        for (method_name, op) in named {
            let builder_name = builders.claim(&ident::camel(ident::unraw(&method_name)));
            operations.push(op.finish(method_name, builder_name, |builder| {
                builders.claim(&format!("{}Outcome", ident::unraw(builder)))
            }));
        }
        let docs = doc
            .tags
            .iter()
            .find(|t| ident::module(&t.name) == resource)
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
    if let (true, Some(name)) = (op.tags.is_empty(), target::call_name(id, path)) {
        let (resource, words) = target::names(name);
        let resource = resource.unwrap_or_else(|| "default".to_owned());
        let name = shorten(words, &resource, MAX_METHOD_LEN);
        return (resource, name);
    }
    let named = resource::named(id, op, path);
    // `default` holds what nothing names: it has no words of its own to strip from an id
    // (`CreateDefaultVpc` stays `create_default_vpc`).
    let words = from_id::method_words(id, method, path, named.as_deref().unwrap_or_default());
    let resource = named.unwrap_or_else(|| "default".to_owned());
    let words = if words.is_empty() {
        vec![method.to_owned()]
    } else {
        words
    };
    let name = shorten(words, &resource, MAX_METHOD_LEN);
    (resource, name)
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
    use super::methods::shorten_qualifier;
    use super::shape::words as name_words;
    use super::*;

    fn names(id: &str, tags: &[&str], method: &str, path: &str) -> (String, String) {
        let op = SpecOperation {
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            ..Default::default()
        };
        derive_names(id, &op, method, path)
    }

    /// A path that is the operation's name, RPC style, names it as a target-routed path does;
    /// a tag, or a segment before it that names something, keeps the resource.
    #[test]
    fn rpc_paths_name_their_call() {
        let rpc = |id: &str, tags: &[&str], path: &str| {
            let (r, m) = names(id, tags, "put", path);
            format!("{r}.{m}")
        };
        assert_eq!(
            rpc(
                "StartImagePipelineExecution",
                &[],
                "/StartImagePipelineExecution"
            ),
            "image_pipeline_executions.start"
        );
        assert_eq!(
            rpc("ListTagsForResource", &[], "/v1/{arn}/ListTagsForResource"),
            "tags.list_for_resource"
        );
        assert_eq!(rpc("ping", &[], "/ping"), "default.ping");
        assert_eq!(
            rpc("CreateComponent", &["imagebuilder"], "/CreateComponent"),
            "imagebuilder.create_component"
        );
        assert_eq!(rpc("ping", &[], "/v1/worker/ping"), "worker.ping");
        // An id that does not open with a verb names what the call returns.
        assert_eq!(
            rpc("ScoresByWeek", &[], "/{format}/ScoresByWeek"),
            "default.scores_by_week"
        );
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
            ("memory".into(), "list".into())
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
            ("customers".into(), "get".into())
        );
        assert_eq!(derived_id("get", "/users/{id}/repos"), "get_users_id_repos");
    }

    #[test]
    fn qualifiers_shorten_from_their_far_end() {
        let words =
            name_words("list_single_value_extended_properties_for_exception_occurrence_instance");
        assert_eq!(
            shorten_qualifier(words.clone(), "groups_event", MAX_METHOD_LEN),
            "list_single_value_extended_properties_for_instance"
        );
        assert_eq!(
            shorten(words, "groups_event", MAX_METHOD_LEN),
            "list_extended_properties_for_exception_occurrence_instance"
        );
    }
}
