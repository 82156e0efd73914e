//! Word lists and word forms for method names: articles and prepositions that must not end a
//! name, the verbs of the REST shapes, and plural and singular forms of resource nouns.

/// Articles: dropped wherever they stand in a method name (`get_an_album` → `get_album`).
pub(super) const ARTICLES: &[&str] = &["a", "an", "the"];

/// Words that cannot end a method name: they announce a word that is not there
/// (`list_gpg_keys_for`, `get_page_of`). Particles of phrasal verbs (`sign_in`, `log_out`,
/// `opt_in`, `set_up`, `turn_on`) are not in the list: they finish their verb.
pub(super) const DANGLING: &[&str] = &[
    "a", "an", "the", "of", "for", "by", "to", "from", "with", "at", "into", "onto", "per", "via",
    "about", "as", "within", "without", "between", "through", "against", "across", "upon", "and",
    "or", "than", "from", "under", "along", "toward", "towards", "amongst", "among",
];

/// Negations: the words after one are what it negates (`do_not_contact`), so they stay.
pub(super) const NEGATIONS: &[&str] = &["not", "no", "non", "dont", "never", "without"];

/// Auxiliary verbs, which need the word after them (`is_contact` is not `is`).
pub(super) const AUXILIARIES: &[&str] = &[
    "do", "does", "did", "is", "are", "was", "were", "be", "been", "can", "cannot", "could", "has",
    "have", "had", "should", "will", "would", "must", "may",
];

/// Whether a method name ends in a word that announces another (see [`DANGLING`]).
pub fn ends_dangling(name: &str) -> bool {
    name.rsplit('_')
        .next()
        .is_some_and(|last| DANGLING.contains(&last))
}

/// Verbs an operationId uses for reading one item or a collection: the REST shape says which.
pub(super) const READ_VERBS: &[&str] = &[
    "get", "list", "retrieve", "fetch", "read", "show", "find", "query", "all", "index", "browse",
];

/// Actions a GET performs, beside the [`READ_VERBS`] (`GET /pet/findByStatus`, `GET
/// /users/search`): the GET on such a path keeps the action's name.
pub(super) const READING_ACTIONS: &[&str] = &["search", "lookup", "download", "preview"];

/// Verbs for making a new item: a POST on a collection.
pub(super) const CREATE_VERBS: &[&str] = &["create", "new", "post", "insert", "make"];

/// Verbs for changing an item.
pub(super) const UPDATE_VERBS: &[&str] = &["update", "patch", "modify", "edit", "change"];

/// Verbs for replacing an item.
pub(super) const REPLACE_VERBS: &[&str] = &["replace", "put", "set", "upsert", "save"];

/// Verbs for removing an item.
pub(super) const DELETE_VERBS: &[&str] = &["delete", "remove", "destroy", "del", "erase"];

/// Verbs that may open a method name; a name whose first word is one of these already says what
/// the call does. Not exhaustive: a word outside the list is not treated as a noun.
pub(super) const VERBS: &[&str] = &[
    "get",
    "list",
    "retrieve",
    "fetch",
    "read",
    "show",
    "find",
    "query",
    "search",
    "create",
    "new",
    "post",
    "insert",
    "make",
    "update",
    "patch",
    "modify",
    "edit",
    "change",
    "replace",
    "put",
    "set",
    "upsert",
    "save",
    "delete",
    "remove",
    "destroy",
    "del",
    "erase",
    "add",
    "cancel",
    "pause",
    "resume",
    "start",
    "stop",
    "restart",
    "run",
    "execute",
    "trigger",
    "send",
    "upload",
    "download",
    "import",
    "export",
    "check",
    "test",
    "validate",
    "verify",
    "enable",
    "disable",
    "activate",
    "deactivate",
    "archive",
    "unarchive",
    "restore",
    "move",
    "copy",
    "clone",
    "merge",
    "sync",
    "refresh",
    "reset",
    "revoke",
    "grant",
    "approve",
    "reject",
    "accept",
    "decline",
    "assign",
    "unassign",
    "attach",
    "detach",
    "link",
    "unlink",
    "register",
    "unregister",
    "subscribe",
    "unsubscribe",
    "follow",
    "unfollow",
    "publish",
    "unpublish",
    "lock",
    "unlock",
    "block",
    "unblock",
    "star",
    "unstar",
    "count",
    "exists",
    "upgrade",
    "rename",
    "resend",
    "retry",
    "rotate",
    "generate",
    "calculate",
    "compute",
    "invite",
    "confirm",
    "close",
    "open",
    "reopen",
    "apply",
    "submit",
    "complete",
    "finalize",
    "void",
    "capture",
    "refund",
    "pay",
    "mark",
    "login",
    "logout",
    "sign",
    "opt",
    "watch",
    "connect",
    "disconnect",
    "install",
    "uninstall",
    "deploy",
    "rollback",
    "scale",
    "suspend",
    "unsuspend",
    "transfer",
    "convert",
    "estimate",
    "preview",
    "render",
    "share",
    "unshare",
    "batch",
    "bulk",
    "describe",
    "lookup",
    "probe",
    "ping",
    "push",
    "pull",
    "replay",
    "rerun",
    "answer",
    "reply",
    "schedule",
    "notify",
    "invoke",
];

/// Whether `word` looks like a plural noun (`tracks`, `policies`), so that a path ending in it is
/// a collection. Words ending in `ss`, `us` and `is` are singular (`access`, `status`, `analysis`),
/// and so are nouns that name one thing in a plural form (`settings`, `stats`).
pub(super) fn is_plural(word: &str) -> bool {
    const PLURAL: &[&str] = &[
        "people", "children", "men", "women", "apis", "uris", "kpis", "menus", "skus", "gpus",
        "cpus",
    ];
    const SINGULAR: &[&str] = &[
        "news",
        "series",
        "species",
        "alias",
        "canvas",
        "gas",
        "bus",
        "lens",
        "atlas",
        "chaos",
        "bias",
        "this",
        "yes",
        "always",
        "its",
        "has",
        "does",
        "was",
        "settings",
        "details",
        "stats",
        "statistics",
        "analytics",
        "preferences",
        "progress",
        "access",
        "status",
        "physics",
        "economics",
        "ethics",
    ];
    if PLURAL.contains(&word) {
        return true;
    }
    !SINGULAR.contains(&word)
        && word.len() > 3
        && word.ends_with('s')
        && !["ss", "us", "is"].iter().any(|e| word.ends_with(e))
}

/// The singular of a plural noun (`policies` → `policy`, `addresses` → `address`); other words as
/// they are.
pub(super) fn singular(word: &str) -> String {
    const IRREGULAR: &[(&str, &str)] = &[
        ("people", "person"),
        ("children", "child"),
        ("men", "man"),
        ("women", "woman"),
        ("indices", "index"),
        ("statuses", "status"),
        ("aliases", "alias"),
        ("analyses", "analysis"),
        ("buses", "bus"),
        ("lenses", "lens"),
    ];
    if let Some((_, s)) = IRREGULAR.iter().find(|(p, _)| *p == word) {
        return (*s).to_owned();
    }
    if !is_plural(word) {
        return word.to_owned();
    }
    if let Some(stem) = word.strip_suffix("ies").filter(|s| s.len() > 1) {
        return format!("{stem}y");
    }
    for ending in ["sses", "xes", "ches", "shes", "zzes"] {
        if word.ends_with(ending) {
            return word[..word.len() - 2].to_owned();
        }
    }
    word[..word.len() - 1].to_owned()
}

/// Whether two words name the same thing, one maybe the plural of the other.
pub(super) fn same_noun(a: &str, b: &str) -> bool {
    a == b || singular(a) == singular(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_and_singulars() {
        for (plural, one) in [
            ("tracks", "track"),
            ("policies", "policy"),
            ("addresses", "address"),
            ("boxes", "box"),
            ("branches", "branch"),
            ("people", "person"),
            ("statuses", "status"),
        ] {
            assert!(is_plural(plural), "{plural}");
            assert_eq!(singular(plural), one);
        }
        for word in [
            "status", "access", "analysis", "profile", "news", "me", "bus",
        ] {
            assert!(!is_plural(word), "{word}");
            assert_eq!(singular(word), word);
        }
        assert!(!is_plural("settings"));
        assert!(is_plural("keys") && is_plural("repos") && is_plural("apis"));
        assert!(same_noun("album", "albums"));
        assert!(!same_noun("album", "track"));
    }

    #[test]
    fn dangling_words() {
        assert!(ends_dangling("list_gpg_keys_for"));
        assert!(ends_dangling("get_an"));
        assert!(ends_dangling("get_page_of"));
        assert!(!ends_dangling("sign_in"));
        assert!(!ends_dangling("log_out"));
        assert!(!ends_dangling("list_for_org"));
    }
}
