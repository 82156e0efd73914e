//! Method names from operationIds: the id's words without the resource's own words, articles,
//! stumps and `by_<path parameter>`, or the REST shape's name when the id adds nothing to it.

use super::shape::{Shape, names_resource, resource_words, words};
use super::words::{
    ARTICLES, AUXILIARIES, CREATE_VERBS, DANGLING, DELETE_VERBS, NEGATIONS, READ_VERBS,
    REPLACE_VERBS, UPDATE_VERBS, VERBS, same_noun,
};
use crate::ident;

/// HTTP methods, as the first word of ids written from the method and path.
const HTTP_METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "options"];

/// The words of the method name for operation `id` (`method path` in `resource`).
pub(super) fn method_words(id: &str, method: &str, path: &str, resource: &str) -> Vec<String> {
    let shape = Shape::of(method, path, resource);
    let resource = resource_words(resource);
    let mut w = id_words(id, method, path);
    if is_path_derived(&w, &shape) {
        return shape.name();
    }
    drop_method_prefix(&mut w, id, method);
    w.retain(|x| !ARTICLES.contains(&x.as_str()));
    // `Get.Count.attachments` on `…/attachments/$count`: the count is the verb, `get` adds nothing.
    if shape.verb == ["count"] && w.len() > 2 && w[0] == "get" && w[1] == "count" {
        w.remove(0);
    }
    strip_resource(&mut w, &resource, &shape);
    strip_by_param(&mut w, &shape, &resource);
    drop_namespace_word(&mut w);
    verb_first(&mut w);
    while w.last().is_some_and(|l| DANGLING.contains(&l.as_str())) {
        w.pop();
    }
    if let Some(name) = trivial(&w, method, &shape) {
        return name;
    }
    normalise_read_verb(&mut w, method, &shape);
    w
}

/// The id's words: FastAPI's path-and-method suffix, a `tag/` prefix, OData navigation before
/// the last dotted part, versions (`v2`) and dates (`2020_05_31`) left out.
fn id_words(id: &str, method: &str, path: &str) -> Vec<String> {
    let mut name = id.rsplit('/').next().unwrap_or(id).to_owned();
    if let Some(function) = fastapi_function(&name, method, path) {
        name = function;
    }
    let name = without_dates(&name);
    let name = if name.contains('.') {
        dotted_action(&name)
    } else {
        name
    };
    let mut words: Vec<String> = words(&ident::snake(&name))
        .into_iter()
        .filter(|w| w == "api" || !super::is_version_segment(w))
        .collect();
    // `updateClientNotes_1`, `Coming_Soon_feed(2)`, `post_v0_1_Call`: the author's collision
    // numbers and the parts of versions; digits inside a word (`oauth2`) stay.
    let number = |w: &String| w.chars().all(|c| c.is_ascii_digit());
    if words.iter().any(|w| !number(w)) {
        words.retain(|w| !number(w));
    }
    words
}

/// `CopyDistribution2020_05_31` → `CopyDistribution`: a date in an id is the API's version.
fn without_dates(name: &str) -> String {
    let c: Vec<char> = name.chars().collect();
    let digits =
        |at: usize, n: usize| at + n <= c.len() && c[at..at + n].iter().all(char::is_ascii_digit);
    let sep = |at: usize| c.get(at).is_some_and(|c| matches!(c, '_' | '-'));
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < c.len() {
        if digits(i, 4) && sep(i + 4) && digits(i + 5, 2) && sep(i + 7) && digits(i + 8, 2) {
            i += 10;
            continue;
        }
        out.push(c[i]);
        i += 1;
    }
    out
}

/// FastAPI ids are `{function}{path with non-word characters as _}_{method}`: the function.
fn fastapi_function(name: &str, method: &str, path: &str) -> Option<String> {
    let stripped = name.strip_suffix(&format!("_{method}"))?;
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
    let function = super::strip_version_suffix(stripped.strip_suffix(&path_words)?);
    (!function.is_empty()).then(|| function.to_owned())
}

/// The owner a dotted id's navigation names when its path does not
/// (`containeranalysis.projects.occurrences.getNotes` on `GET /v1/{name}/notes` → `[occurrence]`):
/// the nearest part before the action that is not the path's object, singular, unless it names
/// the resource.
pub(super) fn navigation_owner(id: &str, shape: &Shape, resource: &str) -> Option<Vec<String>> {
    let id = id.rsplit('/').next().unwrap_or(id);
    let mut parts: Vec<&str> = id.split('.').collect();
    parts.pop()?;
    let resource = resource_words(resource);
    let object = shape.named_object.last();
    let part = parts
        .into_iter()
        .rev()
        .map(|p| words(&ident::snake(p)))
        .find(|w| !(w.len() == 1 && object.is_some_and(|o| same_noun(o, &w[0]))))?;
    if part.is_empty()
        || names_resource(&part, &resource)
        || shape.owners.iter().any(|o| o == &singular_words(&part))
    {
        return None;
    }
    Some(singular_words(&part))
}

fn singular_words(words: &[String]) -> Vec<String> {
    let mut out = words.to_vec();
    if let Some(last) = out.last_mut() {
        *last = super::words::singular(last);
    }
    out
}

/// `groups.calendarView.GetAttachments` → `GetAttachments`: the navigation before the last part
/// repeats the path. A four-digit hash that makes such ids unique (`relations-0c01`) is left out.
/// Ids whose last part is not a verb phrase (`Get.Count.relations`) keep all their parts.
fn dotted_action(name: &str) -> String {
    let name = match name.rsplit_once('-') {
        Some((head, hash)) if hash.len() == 4 && hash.chars().all(|c| c.is_ascii_hexdigit()) => {
            head
        }
        _ => name,
    };
    // `microsoft.graph.user`: an OData cast, named by its namespace and its type.
    let name = &name.replace("microsoft.graph.", "");
    let last = name.rsplit('.').next().unwrap_or(name);
    let first = words(&ident::snake(last));
    if first.first().is_some_and(|w| VERBS.contains(&w.as_str())) {
        last.to_owned()
    } else {
        name.replace('.', "_")
    }
}

/// An id spelled from the method and the path (`GetCustomersCustomerBalanceTransactions`,
/// `post-legalEntities-id-pciQuestionnaires`): it says no more than the shape does. It starts
/// with the method, and its other words and the path's literal words are the same.
fn is_path_derived(w: &[String], shape: &Shape) -> bool {
    let within = |a: &[String], b: &[String]| a.iter().all(|x| b.iter().any(|y| same_noun(x, y)));
    w.len() >= 2
        && HTTP_METHODS.contains(&w[0].as_str())
        && within(&w[1..], &shape.path_words)
        && within(&shape.literal_words, &w[1..])
}

/// Removes runs of words that name the resource (the whole name, or two or more of its words in
/// order; singular or plural; the last word alone before a verb at the start, as in
/// `registries_list` in `container_registries`). A leading verb that is also the resource's word
/// stays when no verb follows it (`search_code` in `search`), and so does a run after a
/// preposition inside the name (`versions_for_package_owned_by_user`). When the resource was the
/// object at the end and only owners remain, they become a qualifier (`get_user_repos` in
/// `repos` → `get_for_user`).
fn strip_resource(w: &mut Vec<String>, resource: &[String], shape: &Shape) {
    let is_verb = |x: Option<&String>| x.is_some_and(|n| VERBS.contains(&n.as_str()));
    if resource.len() > 1
        && w.len() > 1
        && same_noun(&w[0], &resource[resource.len() - 1])
        && is_verb(w.get(1))
    {
        w.remove(0);
    }
    let shortest = resource.len().min(2);
    let mut removed_at_end = false;
    let mut i = 0;
    while i < w.len() {
        let hit = (shortest..=resource.len())
            .rev()
            .find(|&len| i + len <= w.len() && names_resource(&w[i..i + len], resource));
        let Some(len) = hit else {
            i += 1;
            continue;
        };
        let at_end = i + len == w.len();
        let before = i.checked_sub(1).map(|b| w[b].as_str());
        let keep = (i == 0 && VERBS.contains(&w[0].as_str()) && !is_verb(w.get(len)))
            || (!at_end && before.is_some_and(|b| DANGLING.contains(&b)))
            || before.is_some_and(|b| NEGATIONS.contains(&b))
            || (at_end && before.is_some_and(|b| AUXILIARIES.contains(&b)));
        if keep {
            i += len;
            continue;
        }
        removed_at_end = at_end;
        w.drain(i..i + len);
    }
    let owner_words: Vec<&String> = shape.owners.iter().flatten().collect();
    let only_owners = w.len() >= 2
        && w[1..]
            .iter()
            .all(|x| owner_words.iter().any(|o| same_noun(o, x)));
    if removed_at_end && only_owners && !DANGLING.contains(&w[1].as_str()) {
        w.insert(1, "for".to_owned());
    }
}

/// `get_by_id` or `get_by_username` on a path that ends in that parameter → `get`: the argument
/// already says it. `by_actor` on `{actor_id}` stays.
fn strip_by_param(w: &mut Vec<String>, shape: &Shape, resource: &[String]) {
    let Some(by) = w.iter().rposition(|x| x == "by") else {
        return;
    };
    if by == 0 || shape.item_param.is_empty() {
        return;
    }
    let tail = &w[by + 1..];
    let param = &shape.item_param;
    let without_resource: Vec<String> = param
        .iter()
        .filter(|p| !resource.iter().any(|r| same_noun(r, p)))
        .cloned()
        .collect();
    if tail == param.as_slice() || tail == without_resource.as_slice() || tail == ["id"] {
        w.truncate(by);
    }
}

/// The shape's name when the id is at most one verb of the shape's family (`getUser` on
/// `GET /users/{id}` in `users`, `Accounts_List`), keeping the id's canonical verb
/// (`updatePet` on a PUT is `update`).
fn trivial(w: &[String], method: &str, shape: &Shape) -> Option<Vec<String>> {
    let verb = match w {
        [] => return Some(shape.name()),
        [verb] => verb.as_str(),
        _ => return None,
    };
    if verb == "list" && shape.verb.len() == 1 && ["get", "list"].contains(&shape.verb[0].as_str())
    {
        return Some(shape.name_with(vec!["list".to_owned()], 1));
    }
    if READ_VERBS.contains(&verb) || verb == method {
        return Some(shape.name());
    }
    let canonical = [
        (CREATE_VERBS, "create"),
        (UPDATE_VERBS, "update"),
        (REPLACE_VERBS, "replace"),
        (DELETE_VERBS, "delete"),
    ]
    .into_iter()
    .find(|(family, _)| family.contains(&verb))?
    .1;
    Some(shape.name_with(vec![canonical.to_owned()], 1))
}

/// `get_all_tracks` / `get_tracks` on a collection → `list_tracks`; `read_settings` and
/// `retrieve_settings` elsewhere → `get_settings`.
fn normalise_read_verb(w: &mut Vec<String>, method: &str, shape: &Shape) {
    if method != "get" || !["get", "list", "retrieve", "fetch", "read"].contains(&w[0].as_str()) {
        return;
    }
    if w.len() > 2 && w[1] == "all" {
        w.remove(1);
        w[0] = "list".to_owned();
    }
    if shape.collection && w[0] != "list" {
        w[0] = "list".to_owned();
    } else if w[0] != "list" {
        w[0] = "get".to_owned();
    }
}

/// `GET_DescribeAccountAttributes` → `describe_account_attributes`: a `GET_` prefix that
/// repeats the HTTP method before the action's verb is not a word of the name (AWS's query
/// protocol spells every action so). Such specs often have `POST_X` for the same action too; the
/// POST keeps its `post`, so the two are told apart by the method whether or not the other exists
/// (`describe_account_attributes`, `post_describe_account_attributes`).
fn drop_method_prefix(w: &mut Vec<String>, id: &str, method: &str) {
    let prefixed = id
        .split_once('_')
        .is_some_and(|(head, _)| head.eq_ignore_ascii_case(method));
    if prefixed && method == "get" && w.len() > 2 && w[0] == "get" && VERBS.contains(&w[1].as_str())
    {
        w.remove(0);
    }
}

/// `OrderApi_GetFields` in `orders` → `get_fields`: a controller's word before the verb.
fn drop_namespace_word(w: &mut Vec<String>) {
    const NAMESPACE: &[&str] = &[
        "api",
        "apis",
        "service",
        "controller",
        "resource",
        "endpoint",
    ];
    if w.len() > 2 && NAMESPACE.contains(&w[0].as_str()) && VERBS.contains(&w[1].as_str()) {
        w.remove(0);
    }
}

/// `notification_settings_read` → `read_notification_settings`: Django REST framework's
/// `{basename}_{action}` ids put the verb last.
fn verb_first(w: &mut [String]) {
    const LAST: &[&str] = &[
        "list", "read", "create", "update", "delete", "retrieve", "destroy",
    ];
    let n = w.len();
    if n < 2 || VERBS.contains(&w[0].as_str()) || !LAST.contains(&w[n - 1].as_str()) {
        return;
    }
    let take = if n > 2 && w[n - 2] == "partial" { 2 } else { 1 };
    w.rotate_right(take);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(id: &str, method: &str, path: &str, resource: &str) -> String {
        method_words(id, method, path, resource).join("_")
    }

    #[test]
    fn the_shape_where_the_id_adds_nothing() {
        assert_eq!(name("get-bookings", "get", "/bookings", "bookings"), "list");
        assert_eq!(
            name("get-booking", "get", "/bookings/{id}", "bookings"),
            "get"
        );
        assert_eq!(name("getPetById", "get", "/pet/{petId}", "pet"), "get");
        assert_eq!(
            name(
                "Activities_GetActivity",
                "get",
                "/activities/{id}",
                "activities"
            ),
            "get"
        );
        assert_eq!(
            name(
                "PostAccountsAccount",
                "post",
                "/v1/accounts/{account}",
                "accounts"
            ),
            "update"
        );
        assert_eq!(name("updatePet", "put", "/pet/{id}", "pet"), "update");
        assert_eq!(
            name(
                "GetCustomersCustomerBalanceTransactions",
                "get",
                "/v1/customers/{customer}/balance_transactions",
                "customers"
            ),
            "list_balance_transactions"
        );
    }

    #[test]
    fn verbs_first_and_namespaces_dropped() {
        assert_eq!(
            name("post_v0_1_Call", "post", "/v0.1/call", "call"),
            "create"
        );
        assert_eq!(
            name("updateClientNotes_1", "put", "/notes/{id}", "jobs"),
            "update_client_notes"
        );
        assert_eq!(
            name(
                "notification_settings_read",
                "get",
                "/settings",
                "notifications"
            ),
            "get_settings"
        );
        assert_eq!(
            name(
                "OrderApi_GetPatchableFields",
                "get",
                "/orders/fields",
                "orders"
            ),
            "list_patchable_fields"
        );
        assert_eq!(
            name(
                "Directions_ForDirection",
                "get",
                "/directions/{id}",
                "directions"
            ),
            "get"
        );
    }

    #[test]
    fn words_not_stumps() {
        assert_eq!(
            name(
                "get-an-albums-tracks",
                "get",
                "/albums/{id}/tracks",
                "albums"
            ),
            "list_tracks"
        );
        assert_eq!(
            name(
                "users/list-gpg-keys-for-user",
                "get",
                "/users/{username}/gpg_keys",
                "users"
            ),
            "list_gpg_keys"
        );
        assert_eq!(
            name("addFeedToGroup", "post", "/groups/{g}/add", "groups"),
            "add_feed"
        );
        assert_eq!(
            name("get_user_repos", "get", "/users/{u}/repos", "repos"),
            "list"
        );
        assert_eq!(
            name("search-code", "get", "/search/code", "search"),
            "search_code"
        );
        assert_eq!(
            name("findPetsByStatus", "get", "/pet/findByStatus", "pet"),
            "find_by_status"
        );
        assert_eq!(
            name("repos/list-for-org", "get", "/orgs/{org}/repos", "repos"),
            "list_for_org"
        );
    }

    #[test]
    fn negations_and_auxiliaries_keep_what_they_need() {
        let path = "/contacts/do-not-contact";
        assert_eq!(
            name("getDoNotContact", "get", path, "contacts"),
            "get_do_not_contact"
        );
        assert_eq!(
            name("addDoNotContactList", "post", path, "contacts"),
            "add_do_not_contact_list"
        );
        assert_eq!(
            name("getIsAdmin", "get", "/admins/{id}/flag", "admins"),
            "get_is_admin"
        );
        assert_eq!(
            name("getContactNotes", "get", "/contacts/{id}/notes", "contacts"),
            "list_notes"
        );
    }

    #[test]
    fn a_get_prefix_that_repeats_the_method_is_no_word() {
        let path = "/#Action=DescribeAccountAttributes";
        assert_eq!(
            name("GET_DescribeAccountAttributes", "get", path, ""),
            "describe_account_attributes"
        );
        assert_eq!(
            name("POST_DescribeAccountAttributes", "post", path, ""),
            "post_describe_account_attributes"
        );
        assert_eq!(
            name("get_users_search", "get", "/users/search", "users"),
            "search"
        );
        assert_eq!(
            name("getUserPosts", "get", "/users/{id}/posts", "users"),
            "list_posts"
        );
    }

    #[test]
    fn dotted_ids_and_dates() {
        assert_eq!(
            name(
                "groups.calendarView.GetAttachments",
                "get",
                "/groups/{g}/calendarView/{e}/attachments",
                "groups_event"
            ),
            "list_attachments"
        );
        assert_eq!(
            name(
                "groups.events.GetAttachments",
                "get",
                "/groups/{g}/events/{e}/attachments",
                "groups_event"
            ),
            "list_attachments"
        );
        assert_eq!(
            name(
                "Get.Count.attachments-1f2e",
                "get",
                "/users/{u}/messages/{m}/attachments/$count",
                "users_message"
            ),
            "count_attachments"
        );
        assert_eq!(
            name(
                "CopyDistribution2020_05_31",
                "post",
                "/2020-05-31/distribution/{id}/copy",
                "distribution"
            ),
            "copy"
        );
    }
}
