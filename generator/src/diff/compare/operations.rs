//! Changes of the client (base URL, authentication), its resources and their operations: the
//! endpoint, markers, arguments, setters, body, response and pagination of each operation.

use std::collections::BTreeMap;

use super::{Changes, Group, Side, pair, unraw};
use crate::diff::surface::{Body, OperationSurface, Param, Response, Surface};

pub(super) fn client(old: &Surface, new: &Surface, out: &mut Changes) {
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

pub(super) fn resources(old: &Surface, new: &Surface, out: &mut Changes) {
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

fn list_operations(ops: &BTreeMap<String, OperationSurface>) -> String {
    let names: Vec<String> = ops.keys().map(|m| format!("`{}()`", unraw(m))).collect();
    match names.len() {
        1 => format!("the operation {}", names[0]),
        _ => format!("the operations {}", names.join(", ")),
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
