//! Compares two API surfaces and classifies each change for a Rust caller of the generated crate.
//!
//! The rules follow what the emitters write: structs have public fields and no
//! `#[non_exhaustive]` (a caller may build one with a literal or destructure it without `..`),
//! enums and unions are matched exhaustively, query parameters are builder setters whose
//! required ones `send()` checks, path parameters are arguments of the resource method.

use std::collections::BTreeMap;

use crate::diff::surface::{
    Body, EnumSurface, FieldSurface, OperationSurface, Param, Response, StructSurface, Surface,
    TypeShape, TypeSurface, UnionSurface,
};

/// Where a change belongs in the changelog.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// Operations of one resource (`tasks`).
    Resource(String),
    /// Models in `crate::types` that several resources (or none) use.
    Types,
    /// Webhook events.
    Webhooks,
    /// The client: base URL and authentication.
    Client,
}

impl Group {
    /// The heading of the changelog section.
    pub fn title(&self) -> String {
        match self {
            Group::Resource(name) => format!("`client.{}()`", crate::ident::unraw(name)),
            Group::Types => "Types".to_owned(),
            Group::Webhooks => "Webhooks".to_owned(),
            Group::Client => "Client".to_owned(),
        }
    }
}

/// One change of the API surface.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Changelog section.
    pub group: Group,
    /// The item, in the SDK's terms (`client.tasks().list().status()`, `types::Task.id`).
    pub location: String,
    /// What kind of change (`field_added`, `enum_value_removed`, …).
    pub kind: &'static str,
    /// Whether some caller of the old crate stops compiling or working with the new one.
    pub breaking: bool,
    /// What changed and why it is breaking or compatible.
    pub detail: String,
}

impl Change {
    /// Something new that callers may start to use (a minor release from 1.0 on).
    pub fn is_addition(&self) -> bool {
        !self.breaking && self.kind.ends_with("_added")
    }
}

/// Every change from `old` to `new`, in changelog order.
pub fn compare(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut out = Changes(Vec::new());
    client(old, new, &mut out);
    resources(old, new, &mut out);
    types(old, new, &mut out);
    webhooks(old, new, &mut out);
    let mut changes = out.0;
    changes.sort();
    changes
}

fn resources(old: &Surface, new: &Surface, out: &mut Changes) {
    for (name, side) in pair(&old.resources, &new.resources) {
        let group = Group::Resource(name.clone());
        let at = format!("client.{}()", unraw(name));
        match side {
            Side::Added(r) => out.push(
                &group,
                &at,
                "resource_added",
                false,
                format!(
                    "new resource with {}; compatible: `Client` gains a method",
                    list_operations(&r.operations)
                ),
            ),
            Side::Removed(r) => out.push(
                &group,
                &at,
                "resource_removed",
                true,
                format!(
                    "resource removed with {}; breaking: calls to `client.{}()` no longer compile",
                    list_operations(&r.operations),
                    unraw(name)
                ),
            ),
            Side::Both(a, b) => operations(&group, &at, &a.operations, &b.operations, out),
        }
    }
}

fn operations(
    group: &Group,
    at: &str,
    a: &BTreeMap<String, OperationSurface>,
    b: &BTreeMap<String, OperationSurface>,
    out: &mut Changes,
) {
    for (method, side) in pair(a, b) {
        let at = format!("{at}.{}()", unraw(method));
        match side {
            Side::Added(op) => out.push(
                group,
                &at,
                "operation_added",
                false,
                format!("new operation `{}`; compatible: a new method", op.http),
            ),
            Side::Removed(op) => out.push(
                group,
                &at,
                "operation_removed",
                true,
                format!(
                    "operation `{}` removed; breaking: calls to it no longer compile",
                    op.http
                ),
            ),
            Side::Both(x, y) => operation(group, &at, x, y, out),
        }
    }
}

fn types(old: &Surface, new: &Surface, out: &mut Changes) {
    for (name, side) in pair(&old.types, &new.types) {
        let at = format!("types::{}", unraw(name));
        let first = out.0.len();
        match side {
            Side::Added(t) => out.push(
                &Group::Types,
                &at,
                "type_added",
                false,
                format!(
                    "new {} (`{}`); compatible: a new name in `types`",
                    shape_word(&t.kind),
                    t.origin
                ),
            ),
            Side::Removed(t) => out.push(
                &Group::Types,
                &at,
                "type_removed",
                true,
                format!(
                    "{} removed (was `{}`); breaking: code naming it no longer compiles",
                    shape_word(&t.kind),
                    t.origin
                ),
            ),
            Side::Both(a, b) => named_type(&at, a, b, out),
        }
        let group = type_group(old.types.get(name), new.types.get(name));
        for change in &mut out.0[first..] {
            change.group = group.clone();
        }
    }
}

/// A type only one resource takes or returns is told with that resource.
fn type_group(old: Option<&TypeSurface>, new: Option<&TypeSurface>) -> Group {
    let users: std::collections::BTreeSet<&String> = [old, new]
        .into_iter()
        .flatten()
        .flat_map(|t| &t.used_by)
        .collect();
    match users.into_iter().collect::<Vec<_>>()[..] {
        [only] => Group::Resource(only.clone()),
        _ => Group::Types,
    }
}

fn webhooks(old: &Surface, new: &Surface, out: &mut Changes) {
    let payload = |p: &Option<String>| match p {
        Some(t) => format!("`{t}`"),
        None => "no payload".to_owned(),
    };
    for (name, side) in pair(&old.webhooks, &new.webhooks) {
        let at = format!("webhook `{name}`");
        match side {
            Side::Added(p) => out.push(
                &Group::Webhooks,
                &at,
                "webhook_added",
                false,
                format!(
                    "new event with {}; compatible: endpoints receive a new kind of event",
                    payload(p)
                ),
            ),
            Side::Removed(p) => out.push(
                &Group::Webhooks,
                &at,
                "webhook_removed",
                true,
                format!(
                    "event with {} no longer sent; breaking: handlers for it never run again",
                    payload(p)
                ),
            ),
            Side::Both(a, b) if a != b => out.push(
                &Group::Webhooks,
                &at,
                "webhook_payload_changed",
                true,
                format!(
                    "payload {} → {}; breaking: handlers decode a different type",
                    payload(a),
                    payload(b)
                ),
            ),
            Side::Both(..) => {}
        }
    }
}

struct Changes(Vec<Change>);

impl Changes {
    fn push(
        &mut self,
        group: &Group,
        location: &str,
        kind: &'static str,
        breaking: bool,
        detail: String,
    ) {
        self.0.push(Change {
            group: group.clone(),
            location: location.to_owned(),
            kind,
            breaking,
            detail,
        });
    }
}

enum Side<'a, T> {
    Added(&'a T),
    Removed(&'a T),
    Both(&'a T, &'a T),
}

/// The union of two maps' keys in order, with each key's side.
fn pair<'a, T>(
    old: &'a BTreeMap<String, T>,
    new: &'a BTreeMap<String, T>,
) -> Vec<(&'a String, Side<'a, T>)> {
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|k| {
            let side = match (old.get(k), new.get(k)) {
                (Some(a), Some(b)) => Side::Both(a, b),
                (Some(a), None) => Side::Removed(a),
                (None, Some(b)) => Side::Added(b),
                (None, None) => unreachable!("the key comes from one of the maps"),
            };
            (k, side)
        })
        .collect()
}

fn unraw(name: &str) -> &str {
    crate::ident::unraw(name)
}

fn list_operations(ops: &BTreeMap<String, OperationSurface>) -> String {
    let names: Vec<String> = ops.keys().map(|m| format!("`{}()`", unraw(m))).collect();
    match names.len() {
        1 => format!("the operation {}", names[0]),
        _ => format!("the operations {}", names.join(", ")),
    }
}

fn client(old: &Surface, new: &Surface, out: &mut Changes) {
    if old.base_url != new.base_url {
        out.push(
            &Group::Client,
            "Client base URL",
            "base_url_changed",
            false,
            format!(
                "default base URL `{}` → `{}`; compatible: the client follows the new server, \
                 callers that set a base URL keep theirs",
                old.base_url, new.base_url
            ),
        );
    }
    if old.auth != new.auth {
        let list = |a: &[String]| {
            if a.is_empty() {
                "none".to_owned()
            } else {
                a.join(", ")
            }
        };
        let breaking = old.auth.is_empty() && !new.auth.is_empty();
        let why = if breaking {
            "breaking: requests now need credentials the callers never had to give"
        } else {
            "compatible: the client sends the same key the new way"
        };
        out.push(
            &Group::Client,
            "Client authentication",
            "auth_changed",
            breaking,
            format!("{} → {}; {why}", list(&old.auth), list(&new.auth)),
        );
    }
}
fn operation(
    group: &Group,
    at: &str,
    a: &OperationSurface,
    b: &OperationSurface,
    out: &mut Changes,
) {
    endpoint(group, at, a, b, out);
    markers(group, at, a, b, out);
    arguments(group, at, &a.args, &b.args, out);
    setters(group, at, &a.setters, &b.setters, out);
    body(group, at, a.body.as_ref(), b.body.as_ref(), out);
    response(group, at, &a.response, &b.response, out);
    pagination(
        group,
        at,
        a.stream_item.as_ref(),
        b.stream_item.as_ref(),
        out,
    );
}

/// Where the request goes and how: the HTTP method and path, the transport.
fn endpoint(
    group: &Group,
    at: &str,
    a: &OperationSurface,
    b: &OperationSurface,
    out: &mut Changes,
) {
    if a.http != b.http {
        out.push(
            group,
            at,
            "operation_endpoint_changed",
            false,
            format!(
                "`{}` → `{}`; compatible: the method keeps its name and arguments",
                a.http, b.http
            ),
        );
    }
    if a.transport != b.transport {
        out.push(
            group,
            at,
            "transport_changed",
            true,
            format!(
                "{} → {}; breaking: `send()` returns a different type",
                a.transport, b.transport
            ),
        );
    }
}

/// Deprecation and credentials, which change no signature.
fn markers(group: &Group, at: &str, a: &OperationSurface, b: &OperationSurface, out: &mut Changes) {
    if a.deprecated != b.deprecated {
        let detail = if b.deprecated {
            "now deprecated; compatible: calls compile with a deprecation warning"
        } else {
            "no longer deprecated; compatible"
        };
        out.push(
            group,
            at,
            "operation_deprecation_changed",
            false,
            detail.to_owned(),
        );
    }
    if a.anonymous != b.anonymous {
        let detail = if b.anonymous {
            "now sent without credentials; compatible"
        } else {
            "now sent with the client's credentials; compatible: the client adds them"
        };
        out.push(
            group,
            at,
            "operation_credentials_changed",
            false,
            detail.to_owned(),
        );
    }
}

/// The builder setters of parameters (query, header, cookie, multipart parts).
fn setters(
    group: &Group,
    at: &str,
    a: &BTreeMap<String, Param>,
    b: &BTreeMap<String, Param>,
    out: &mut Changes,
) {
    for (name, side) in pair(a, b) {
        let at = format!("{at}.{}()", unraw(name));
        match side {
            Side::Added(p) if p.required => out.push(
                group,
                &at,
                "parameter_added",
                true,
                format!(
                    "new required {} `{}` (`{}`); breaking: `send()` fails with a \
                     missing-parameter error until `.{}(…)` is set",
                    p.location,
                    p.wire,
                    p.ty,
                    unraw(name)
                ),
            ),
            Side::Added(p) => out.push(
                group,
                &at,
                "parameter_added",
                false,
                format!(
                    "new optional {} `{}` (`{}`); compatible: a new builder setter",
                    p.location, p.wire, p.ty
                ),
            ),
            Side::Removed(p) => out.push(
                group,
                &at,
                "parameter_removed",
                true,
                format!(
                    "{} {} `{}` removed; breaking: calls to `.{}(…)` no longer compile",
                    if p.required { "required" } else { "optional" },
                    p.location,
                    p.wire,
                    unraw(name)
                ),
            ),
            Side::Both(x, y) => parameter(group, &at, x, y, out),
        }
    }
}

/// `into_stream()` of a paged operation.
fn pagination(group: &Group, at: &str, a: Option<&String>, b: Option<&String>, out: &mut Changes) {
    match (a, b) {
        (None, Some(item)) => out.push(
            group,
            at,
            "pagination_added",
            false,
            format!("now pages: `into_stream()` yields `{item}`; compatible: a new method"),
        ),
        (Some(item), None) => out.push(
            group,
            at,
            "pagination_removed",
            true,
            format!("no longer pages (`into_stream()` of `{item}` removed); breaking"),
        ),
        (Some(x), Some(y)) if x != y => out.push(
            group,
            at,
            "pagination_item_changed",
            true,
            format!("`into_stream()` yields `{x}` → `{y}`; breaking"),
        ),
        _ => {}
    }
}

fn arguments(group: &Group, at: &str, a: &[Param], b: &[Param], out: &mut Changes) {
    let sig = |ps: &[Param]| {
        ps.iter()
            .map(|p| format!("{}: {}", unraw(&p.name), p.ty))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (sa, sb) = (sig(a), sig(b));
    if sa != sb {
        let kind = match a.len().cmp(&b.len()) {
            std::cmp::Ordering::Less => "argument_added",
            std::cmp::Ordering::Greater => "argument_removed",
            std::cmp::Ordering::Equal => "argument_changed",
        };
        out.push(
            group,
            at,
            kind,
            true,
            format!("path parameters `({sa})` → `({sb})`; breaking: the method's arguments change"),
        );
        return;
    }
    for (x, y) in a.iter().zip(b) {
        if x.wire != y.wire {
            out.push(
                group,
                &format!("{at} argument `{}`", unraw(&x.name)),
                "argument_wire_name_changed",
                false,
                format!(
                    "path parameter `{{{}}}` → `{{{}}}`; compatible: the argument keeps its name",
                    x.wire, y.wire
                ),
            );
        }
    }
}

fn parameter(group: &Group, at: &str, x: &Param, y: &Param, out: &mut Changes) {
    if x.location != y.location || x.wire != y.wire {
        out.push(
            group,
            at,
            "parameter_wire_name_changed",
            false,
            format!(
                "{} `{}` → {} `{}`; compatible: the setter keeps its name",
                x.location, x.wire, y.location, y.wire
            ),
        );
    }
    if x.ty != y.ty {
        out.push(
            group,
            at,
            "parameter_type_changed",
            true,
            format!(
                "`{}` → `{}`; breaking: the setter takes a different type",
                x.ty, y.ty
            ),
        );
    }
    if x.required != y.required {
        let (breaking, detail) = if y.required {
            (
                true,
                format!(
                    "optional → required; breaking: `send()` fails with a missing-parameter \
                     error until `.{}(…)` is set",
                    unraw(&y.name)
                ),
            )
        } else {
            (
                false,
                "required → optional; compatible: calls that set it still do".to_owned(),
            )
        };
        out.push(group, at, "parameter_presence_changed", breaking, detail);
    }
}
fn body(group: &Group, at: &str, a: Option<&Body>, b: Option<&Body>, out: &mut Changes) {
    let at = format!("{at}.body()");
    match (a, b) {
        (None, Some(b)) => {
            let (breaking, why) = if b.required {
                (true, "breaking: the method gains a `body` argument")
            } else {
                (false, "compatible: a new builder setter")
            };
            let presence = if b.required { "required" } else { "optional" };
            out.push(
                group,
                &at,
                "body_added",
                breaking,
                format!(
                    "new {presence} `{}` body (`{}`); {why}",
                    b.content_type, b.ty
                ),
            );
        }
        (Some(a), None) => out.push(
            group,
            &at,
            "body_removed",
            true,
            format!(
                "`{}` body (`{}`) removed; breaking: calls that pass it no longer compile",
                a.content_type, a.ty
            ),
        ),
        (Some(x), Some(y)) => body_changed(group, &at, x, y, out),
        (None, None) => {}
    }
}

fn body_changed(group: &Group, at: &str, x: &Body, y: &Body, out: &mut Changes) {
    if x.ty != y.ty {
        out.push(
            group,
            at,
            "body_type_changed",
            true,
            format!(
                "`{}` → `{}`; breaking: the body is of a different type",
                x.ty, y.ty
            ),
        );
    }
    if x.content_type != y.content_type {
        out.push(
            group,
            at,
            "body_content_type_changed",
            false,
            format!(
                "sent as `{}` → `{}`; compatible: the SDK encodes it the new way",
                x.content_type, y.content_type
            ),
        );
    }
    if x.required != y.required {
        // A required body is an argument of the method, an optional one a `.body(…)` setter.
        let detail = if y.required {
            "optional → required; breaking: the body moves from `.body(…)` to an argument of the \
             method"
        } else {
            "required → optional; breaking: the body moves from the method's argument to \
             `.body(…)`"
        };
        out.push(group, at, "body_presence_changed", true, detail.to_owned());
    }
}

fn response(group: &Group, at: &str, a: &Response, b: &Response, out: &mut Changes) {
    let at = format!("{at}.send()");
    let describe = |r: &Response| match r {
        Response::Single(t) => format!("`{t}`"),
        Response::Outcomes { name, statuses } => format!(
            "`{name}` (one variant per status: {})",
            statuses.keys().cloned().collect::<Vec<_>>().join(", ")
        ),
    };
    match (a, b) {
        (
            Response::Outcomes {
                name: na,
                statuses: sa,
            },
            Response::Outcomes {
                name: nb,
                statuses: sb,
            },
        ) if na == nb => {
            for (status, side) in pair(sa, sb) {
                let at = format!("{at} status {status}");
                match side {
                    Side::Added((variant, ty)) => out.push(
                        group,
                        &at,
                        "response_status_added",
                        true,
                        format!(
                            "new success `{nb}::{variant}` (`{ty}`); breaking: a `match` on \
                             `{nb}` that names every variant no longer compiles"
                        ),
                    ),
                    Side::Removed((variant, ty)) => out.push(
                        group,
                        &at,
                        "response_status_removed",
                        true,
                        format!(
                            "success `{na}::{variant}` (`{ty}`) removed; breaking: code naming \
                             the variant no longer compiles"
                        ),
                    ),
                    Side::Both(x, y) if x != y => out.push(
                        group,
                        &at,
                        "response_status_changed",
                        true,
                        format!(
                            "`{na}::{}({})` → `{nb}::{}({})`; breaking",
                            x.0, x.1, y.0, y.1
                        ),
                    ),
                    Side::Both(..) => {}
                }
            }
        }
        _ if a != b => out.push(
            group,
            &at,
            "response_type_changed",
            true,
            format!(
                "returns {} → {}; breaking: callers get a different type",
                describe(a),
                describe(b)
            ),
        ),
        _ => {}
    }
}

fn shape_word(shape: &TypeShape) -> &'static str {
    match shape {
        TypeShape::Struct(_) => "struct",
        TypeShape::Enum(_) => "enum",
        TypeShape::Union(_) => "union",
        TypeShape::Alias(_) => "type alias",
    }
}

fn named_type(at: &str, a: &TypeSurface, b: &TypeSurface, out: &mut Changes) {
    let group = Group::Types;
    match (&a.kind, &b.kind) {
        (TypeShape::Struct(x), TypeShape::Struct(y)) => structure(at, x, y, out),
        (TypeShape::Enum(x), TypeShape::Enum(y)) => enumeration(at, x, y, out),
        (TypeShape::Union(x), TypeShape::Union(y)) => union(at, x, y, out),
        (TypeShape::Alias(x), TypeShape::Alias(y)) => {
            if x != y {
                out.push(
                    &group,
                    at,
                    "alias_changed",
                    true,
                    format!("`{x}` → `{y}`; breaking: the alias names a different type"),
                );
            }
        }
        (x, y) => out.push(
            &group,
            at,
            "type_kind_changed",
            true,
            format!(
                "{} → {}; breaking: code using it as a {} no longer compiles",
                shape_word(x),
                shape_word(y),
                shape_word(x)
            ),
        ),
    }
}

/// Why a new field breaks callers of a struct.
fn literal_reason(s: &StructSurface, name: &str) -> String {
    if s.literal {
        format!(
            "a struct literal or a pattern without `..` that omits `{}` no longer compiles (the \
             fields are public and the struct is not `#[non_exhaustive]`)",
            unraw(name)
        )
    } else {
        String::new()
    }
}
fn structure(at: &str, x: &StructSurface, y: &StructSurface, out: &mut Changes) {
    fields(at, x, y, out);
    constructor(at, x, y, out);
    default(at, x, y, out);
}

/// Whether `new()` of `s` takes the field `name`. Arguments of `new()` are compared where both
/// sides have the constructor (`both_new`); a constructor that appears or goes is one change of
/// its own.
fn in_new(both_new: bool, s: &StructSurface, name: &str) -> bool {
    both_new
        && s.new_args
            .as_ref()
            .is_some_and(|args| args.iter().any(|(n, _)| n == name))
}

fn fields(at: &str, x: &StructSurface, y: &StructSurface, out: &mut Changes) {
    let both_new = x.new_args.is_some() && y.new_args.is_some();
    for (name, side) in pair(&x.fields, &y.fields) {
        let at = format!("{at}.{}", unraw(name));
        match side {
            Side::Added(f) => field_added(&at, name, f, y, in_new(both_new, y, name), out),
            Side::Removed(f) => field_removed(&at, name, f, in_new(both_new, x, name), out),
            Side::Both(f, g) => {
                let new_arg = (in_new(both_new, x, name), in_new(both_new, y, name));
                let setters = if x.sent && y.sent {
                    (f.setter.as_deref(), g.setter.as_deref())
                } else {
                    (None, None)
                };
                field(&at, name, f, g, new_arg, setters, out);
            }
        }
    }
}

fn field_added(
    at: &str,
    name: &str,
    f: &FieldSurface,
    y: &StructSurface,
    new_arg: bool,
    out: &mut Changes,
) {
    let mut why = Vec::new();
    if new_arg {
        why.push(format!("`new()` gains the argument `{}`", unraw(name)));
    }
    let literal = literal_reason(y, name);
    if !literal.is_empty() {
        why.push(literal);
    }
    let breaking = !why.is_empty();
    let why = if breaking {
        format!("breaking: {}", why.join("; "))
    } else {
        "compatible: callers cannot build the struct field by field".to_owned()
    };
    out.push(
        &Group::Types,
        at,
        "field_added",
        breaking,
        format!("new {} field `{}` (`{}`); {why}", presence(f), f.wire, f.ty),
    );
}

fn field_removed(at: &str, name: &str, f: &FieldSurface, new_arg: bool, out: &mut Changes) {
    let mut why = format!(
        "breaking: code reading `.{}` no longer compiles",
        unraw(name)
    );
    if new_arg {
        why.push_str(&format!("; `new()` loses the argument `{}`", unraw(name)));
    }
    out.push(
        &Group::Types,
        at,
        "field_removed",
        true,
        format!(
            "{} field `{}` (`{}`) removed; {why}",
            presence(f),
            f.wire,
            f.ty
        ),
    );
}

/// `new()` and the setters appearing or going, and the arguments of `new()` changing order.
fn constructor(at: &str, x: &StructSurface, y: &StructSurface, out: &mut Changes) {
    let group = Group::Types;
    let gained = y.sent && (!x.sent || (x.new_args.is_none() && y.new_args.is_some()));
    let lost = x.sent && (!y.sent || (x.new_args.is_some() && y.new_args.is_none()));
    let builds = |s: &StructSurface| {
        if s.new_args.is_some() {
            "`new()` with its required fields and a setter per optional field"
        } else {
            "a setter per optional field"
        }
    };
    if gained {
        out.push(
            &group,
            at,
            "constructor_added",
            false,
            format!("gains {}; compatible", builds(y)),
        );
    }
    if lost {
        out.push(
            &group,
            at,
            "constructor_removed",
            true,
            format!(
                "loses {}; breaking: calls to them no longer compile",
                builds(x)
            ),
        );
    }
    if let (Some(a), Some(b)) = (&x.new_args, &y.new_args) {
        let order = |v: &[(String, String)]| -> Vec<String> {
            v.iter().map(|(n, _)| unraw(n).to_owned()).collect()
        };
        let (oa, ob) = (order(a), order(b));
        let mut sorted_a = oa.clone();
        let mut sorted_b = ob.clone();
        sorted_a.sort();
        sorted_b.sort();
        // Arguments added or removed are told with their fields; here only a new order.
        if oa != ob && sorted_a == sorted_b {
            out.push(
                &group,
                at,
                "constructor_changed",
                true,
                format!(
                    "`new({})` → `new({})`; breaking: the arguments change order",
                    oa.join(", "),
                    ob.join(", ")
                ),
            );
        }
    }
}

fn default(at: &str, x: &StructSurface, y: &StructSurface, out: &mut Changes) {
    if x.default == y.default {
        return;
    }
    let (kind, breaking, detail) = if y.default {
        (
            "default_added",
            false,
            "now implements `Default`; compatible",
        )
    } else {
        (
            "default_removed",
            true,
            "no longer implements `Default`; breaking: `Default::default()` and \
             `..Default::default()` no longer compile",
        )
    };
    out.push(&Group::Types, at, kind, breaking, detail.to_owned());
}

fn presence(f: &FieldSurface) -> &'static str {
    match (f.required, f.nullable) {
        (true, false) => "required",
        (true, true) => "required, nullable",
        (false, false) => "optional",
        (false, true) => "optional, nullable",
    }
}
fn field(
    at: &str,
    name: &str,
    f: &FieldSurface,
    g: &FieldSurface,
    new_arg: (bool, bool),
    setters: (Option<&str>, Option<&str>),
    out: &mut Changes,
) {
    let group = Group::Types;
    if f.wire != g.wire {
        out.push(
            &group,
            at,
            "field_wire_name_changed",
            false,
            format!(
                "sent and read as `{}` → `{}`; compatible: the Rust field keeps its name",
                f.wire, g.wire
            ),
        );
    }
    let n = unraw(name);
    let arg = constructor_argument(new_arg, n);
    let setter = setter_change(setters, n);
    let presence_changed = f.required != g.required || f.nullable != g.nullable;
    if presence_changed || f.ty != g.ty {
        // One change for the field, with every way it breaks callers.
        let mut why = Vec::new();
        if f.ty != g.ty {
            why.push(format!(
                "the field's type changes from `{}` to `{}`",
                f.ty, g.ty
            ));
        }
        why.extend(arg.map(|(_, w)| w));
        why.extend(setter.filter(|(_, b, _)| *b).map(|(_, _, w)| w));
        let breaking = !why.is_empty();
        let why = if breaking {
            format!("breaking: {}", why.join("; "))
        } else {
            format!("compatible: the Rust type stays `{}`", g.ty)
        };
        let (kind, what) = if presence_changed {
            (
                "field_presence_changed",
                format!("{} → {}", presence(f), presence(g)),
            )
        } else {
            ("field_type_changed", format!("`{}` → `{}`", f.ty, g.ty))
        };
        out.push(&group, at, kind, breaking, format!("{what}; {why}"));
        return;
    }
    if let Some((kind, why)) = arg {
        out.push(&group, at, kind, true, format!("breaking: {why}"));
    }
    if let Some((kind, breaking, why)) = setter {
        let verdict = if breaking { "breaking" } else { "compatible" };
        out.push(&group, at, kind, breaking, format!("{why}; {verdict}"));
    }
}

/// The field `n` becoming or ceasing to be an argument of `new()`: the kind and why it breaks.
fn constructor_argument(
    (was_arg, is_arg): (bool, bool),
    n: &str,
) -> Option<(&'static str, String)> {
    match (was_arg, is_arg) {
        (false, true) => Some((
            "constructor_argument_added",
            format!("`new()` gains the argument `{n}`"),
        )),
        (true, false) => Some((
            "constructor_argument_removed",
            format!("`new()` loses the argument `{n}`"),
        )),
        _ => None,
    }
}

/// The setter of the field `n` (its argument type on each side): the kind, whether it breaks
/// callers, and what happens.
fn setter_change(
    setters: (Option<&str>, Option<&str>),
    n: &str,
) -> Option<(&'static str, bool, String)> {
    match setters {
        (Some(_), None) => Some((
            "field_setter_removed",
            true,
            format!("the setter `.{n}(…)` is gone"),
        )),
        (None, Some(_)) => Some((
            "field_setter_added",
            false,
            format!("gains the setter `.{n}(…)`"),
        )),
        (Some(a), Some(b)) if a != b => Some((
            "field_setter_changed",
            true,
            format!("the setter takes `{b}` instead of `{a}`"),
        )),
        _ => None,
    }
}

fn enumeration(at: &str, x: &EnumSurface, y: &EnumSurface, out: &mut Changes) {
    let group = Group::Types;
    if x.integer != y.integer {
        let word = |i: bool| if i { "integer" } else { "string" };
        out.push(
            &group,
            at,
            "enum_repr_changed",
            true,
            format!(
                "{} values → {} values; breaking: the catch-all variant and conversions change type",
                word(x.integer),
                word(y.integer)
            ),
        );
    }
    for (variant, side) in pair(&x.values, &y.values) {
        let at = format!("{at}::{}", unraw(variant));
        match side {
            Side::Added(wire) => {
                let why = if y.exhaustive {
                    format!(
                        "breaking: a `match` that names every variant no longer compiles (the \
                         enum is not `#[non_exhaustive]`); older releases read `{wire}` as the \
                         catch-all variant"
                    )
                } else {
                    "compatible: the enum is `#[non_exhaustive]`".to_owned()
                };
                out.push(
                    &group,
                    &at,
                    "enum_value_added",
                    y.exhaustive,
                    format!("new value `{wire}`; {why}"),
                );
            }
            Side::Removed(wire) => out.push(
                &group,
                &at,
                "enum_value_removed",
                true,
                format!(
                    "value `{wire}` removed; breaking: code naming `{}` no longer compiles",
                    unraw(variant)
                ),
            ),
            Side::Both(a, b) if a != b => out.push(
                &group,
                &at,
                "enum_value_wire_changed",
                false,
                format!("sent and read as `{a}` → `{b}`; compatible: the variant keeps its name"),
            ),
            Side::Both(..) => {}
        }
    }
}

fn union(at: &str, x: &UnionSurface, y: &UnionSurface, out: &mut Changes) {
    let group = Group::Types;
    if x.discriminator != y.discriminator {
        let word = |d: &Option<String>| match d {
            Some(p) => format!("tagged by `{p}`"),
            None => "untagged".to_owned(),
        };
        out.push(
            &group,
            at,
            "union_discriminator_changed",
            false,
            format!(
                "{} → {}; compatible where the variants stay: values are told apart another way",
                word(&x.discriminator),
                word(&y.discriminator)
            ),
        );
    }
    for (name, side) in pair(&x.variants, &y.variants) {
        let vat = format!("{at}::{}", unraw(name));
        match side {
            Side::Added((ty, _)) => {
                let why = if y.exhaustive {
                    "breaking: a `match` that names every variant no longer compiles (the enum \
                     is not `#[non_exhaustive]`)"
                } else {
                    "compatible: the enum is `#[non_exhaustive]`"
                };
                out.push(
                    &group,
                    &vat,
                    "union_variant_added",
                    y.exhaustive,
                    format!("new variant of `{ty}`; {why}"),
                );
            }
            Side::Removed((ty, _)) => out.push(
                &group,
                &vat,
                "union_variant_removed",
                true,
                format!("variant of `{ty}` removed; breaking: code naming it no longer compiles"),
            ),
            Side::Both((ta, tags_a), (tb, tags_b)) => {
                if ta != tb {
                    out.push(
                        &group,
                        &vat,
                        "union_variant_type_changed",
                        true,
                        format!("`{ta}` → `{tb}`; breaking: the variant holds a different type"),
                    );
                }
                if tags_a != tags_b {
                    out.push(
                        &group,
                        &vat,
                        "union_tags_changed",
                        false,
                        format!(
                            "chosen by `{}` → `{}`; compatible: the SDK reads the new tags",
                            tags_a.join("`, `"),
                            tags_b.join("`, `")
                        ),
                    );
                }
            }
        }
    }
}
