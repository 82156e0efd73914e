//! Example code for the generated docs, built from the IR: a call per resource (its most
//! representative operation, with its required arguments filled in by values that type-check), a
//! tour for the crate docs and README, and what each builder's `send()` returns.

use serde_json::Value;

use literals::{
    MAX_EXAMPLE_CHARS, calendar_date, float_literal, is_rfc3339, json_tokens, readable, uuid_value,
};

use crate::ir::{
    Api, BodyEncoding, Operation, Pagination, Resource, ResponseShape, Transport, TypeKind, TypeRef,
};

mod literals;

/// How deep a value example may nest (a body whose constructor takes a struct that takes …).
const MAX_DEPTH: usize = 4;

/// Builds Rust expressions for values of IR types, as a user would write them.
struct Values<'a> {
    api: &'a Api,
    krate: String,
}

/// Where a value goes: an `impl Into<…>` argument (a `&str` does for strings and ids) or a place
/// that takes the exact type (inside a `Vec`, a union variant).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Argument,
    Exact,
}

impl<'a> Values<'a> {
    fn new(api: &'a Api) -> Self {
        Values {
            api,
            krate: api.meta.crate_name.replace('-', "_"),
        }
    }

    fn path(&self, name: &str) -> String {
        format!("{}::types::{name}", self.krate)
    }

    /// An expression of type `ty` for a value named `hint`, or `None` when none reads well. The
    /// spec's `example`, when there is one and it fits the type (see [`Values::fitting`]), gives the
    /// value; otherwise one is made up from the type and the hint.
    fn value(
        &self,
        ty: &TypeRef,
        hint: &str,
        place: Place,
        depth: usize,
        example: Option<&Value>,
    ) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        if let Some(value) = example.and_then(|e| self.fitting(ty, place, depth, e)) {
            return Some(value);
        }
        let text = |literal: String| match place {
            Place::Argument => format!("{literal:?}"),
            Place::Exact => format!("{literal:?}.to_owned()"),
        };
        Some(match ty {
            TypeRef::String => text(string_literal(hint)),
            TypeRef::Id(id) => self.id(id, &id_literal(id), place),
            TypeRef::Bool => "true".to_owned(),
            TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => "10".to_owned(),
            TypeRef::F32 | TypeRef::F64 => "10.0".to_owned(),
            TypeRef::Vec(inner) => format!(
                "vec![{}]",
                self.value(inner, hint, Place::Exact, depth + 1, None)?
            ),
            TypeRef::Map(_) => "Default::default()".to_owned(),
            TypeRef::Option(_) => "None".to_owned(),
            TypeRef::Named(name) => self.named(name, place, depth, None)?,
            TypeRef::Json => "serde_json::json!({})".to_owned(),
            TypeRef::Bytes if place == Place::Argument => "b\"contents\".to_vec()".to_owned(),
            TypeRef::Bytes => return None,
            TypeRef::Timestamp => self.timestamp("2025-01-15T10:23:44Z"),
            TypeRef::Date => self.date(2025, 1, 15),
            TypeRef::Base64 => format!("{}::Base64Bytes::new(b\"contents\".to_vec())", self.krate),
            TypeRef::Uuid => self.uuid(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8),
        })
    }

    /// The spec's example `e` written as a value of `ty`, or `None` when it does not fit: a
    /// string for a string or an id, an integer in the type's range, a finite number, a boolean,
    /// an RFC 3339 time, a calendar date, a UUID, a value of the enum, an object for a struct
    /// (its fields' values taken from it), an array of fitting items, any JSON for a JSON value.
    /// Whatever the example holds, the expression compiles.
    fn fitting(&self, ty: &TypeRef, place: Place, depth: usize, e: &Value) -> Option<String> {
        match (ty, e) {
            (TypeRef::String, Value::String(s)) if readable(s) => Some(match place {
                Place::Argument => format!("{s:?}"),
                Place::Exact => format!("{s:?}.to_owned()"),
            }),
            (TypeRef::Id(id), Value::String(s)) if readable(s) => Some(self.id(id, s, place)),
            (TypeRef::Bool, Value::Bool(b)) => Some(b.to_string()),
            (TypeRef::I32, Value::Number(n)) => n
                .as_i64()
                .filter(|n| i32::try_from(*n).is_ok())
                .map(|n| n.to_string()),
            (TypeRef::I64, Value::Number(n)) => n.as_i64().map(|n| n.to_string()),
            (TypeRef::U64, Value::Number(n)) => n.as_u64().map(|n| n.to_string()),
            (TypeRef::F64, Value::Number(n)) => n.as_f64().and_then(float_literal),
            (TypeRef::F32, Value::Number(n)) => n
                .as_f64()
                .filter(|f| f.abs() <= f64::from(f32::MAX))
                .and_then(|f| float_literal(f64::from(f as f32))),
            (TypeRef::Timestamp, Value::String(s)) if is_rfc3339(s) => Some(self.timestamp(s)),
            (TypeRef::Date, Value::String(s)) => {
                let (y, m, d) = calendar_date(s)?;
                Some(self.date(y, m, d))
            }
            (TypeRef::Uuid, Value::String(s)) => uuid_value(s).map(|u| self.uuid(u)),
            (TypeRef::Vec(inner), Value::Array(items)) if !items.is_empty() => {
                let items: Option<Vec<String>> = items
                    .iter()
                    .take(3)
                    .map(|item| self.fitting(inner, Place::Exact, depth + 1, item))
                    .collect();
                Some(format!("vec![{}]", items?.join(", ")))
            }
            (TypeRef::Json, e) => {
                let tokens = json_tokens(e);
                (tokens.chars().count() <= 2 * MAX_EXAMPLE_CHARS && !tokens.contains("```"))
                    .then(|| format!("serde_json::json!({tokens})"))
            }
            (TypeRef::Named(name), e) => self.named(name, place, depth, Some(e)),
            _ => None,
        }
    }

    /// An id of type `id` with the text `literal`.
    fn id(&self, id: &str, literal: &str, place: Place) -> String {
        match place {
            Place::Argument => format!("{literal:?}"),
            Place::Exact => format!("{}::from({literal:?})", self.path(id)),
        }
    }

    /// A `Timestamp` parsed from `text` (an RFC 3339 time).
    fn timestamp(&self, text: &str) -> String {
        format!(
            "{text:?}.parse::<{}::Timestamp>().expect(\"an RFC 3339 time\")",
            self.krate
        )
    }

    /// A `Date` of a valid calendar day.
    fn date(&self, year: u32, month: u32, day: u32) -> String {
        format!(
            "{}::Date::new({year}, {month}, {day}).expect(\"a valid date\")",
            self.krate
        )
    }

    /// A `Uuid` from its 128 bits.
    fn uuid(&self, bits: u128) -> String {
        let hex = format!("{bits:032x}");
        let groups: Vec<&str> = (0..8).map(|i| &hex[i * 4..i * 4 + 4]).collect();
        format!("{}::Uuid::from_u128(0x{})", self.krate, groups.join("_"))
    }

    /// A value of a named type: `new(required…)`, `default()`, an enum's first value, a union's
    /// first variant that can be built. With an example (the spec's, of the use site): the enum
    /// value it names, a struct whose `new` arguments come from its properties; `None` when the
    /// example does not fit. Without one, the type's own example is tried first.
    fn named(
        &self,
        name: &str,
        place: Place,
        depth: usize,
        example: Option<&Value>,
    ) -> Option<String> {
        let def = self.api.types.iter().find(|t| t.name == name)?;
        let path = self.path(name);
        if example.is_none() {
            if let Some(own) = def.example.as_ref() {
                if let Some(value) = self.named(name, place, depth, Some(own)) {
                    return Some(value);
                }
            }
        }
        match &def.kind {
            TypeKind::Struct(s) if s.has_new() => {
                let object = match example {
                    Some(Value::Object(object)) => Some(object),
                    Some(_) => return None,
                    None => None,
                };
                let args: Option<Vec<String>> = s
                    .fields
                    .iter()
                    .filter(|f| f.presence.is_required() && f.constant.is_none())
                    .map(|f| {
                        let hint = crate::ident::unraw(&f.name);
                        let example = object.and_then(|o| o.get(&f.wire)).or(f.example.as_ref());
                        self.value(&f.ty, hint, Place::Argument, depth + 1, example)
                    })
                    .collect();
                Some(format!("{path}::new({})", args?.join(", ")))
            }
            TypeKind::Struct(s) if s.derive_default && example.is_none() => {
                Some(format!("{path}::default()"))
            }
            TypeKind::Struct(_) => None,
            TypeKind::Enum(e) => {
                let variant = match example {
                    None => e.variants.first(),
                    Some(value) => {
                        let wire = match value {
                            Value::String(s) if !e.integer => s.clone(),
                            Value::Number(n) if e.integer => n.to_string(),
                            _ => return None,
                        };
                        Some(e.variants.iter().find(|v| v.wire == wire)?)
                    }
                };
                variant.map(|v| format!("{path}::{}", v.name))
            }
            TypeKind::Union(_) if example.is_some() => None,
            TypeKind::Union(u) => u.variants.iter().find_map(|v| {
                let inner = self.value(&v.ty, &v.name, Place::Exact, depth + 1, None)?;
                let inner = if v.boxed {
                    format!("Box::new({inner})")
                } else {
                    inner
                };
                Some(format!("{path}::{}({inner})", v.name))
            }),
            TypeKind::Alias(ty) => match example {
                Some(e) => self.fitting(ty, place, depth + 1, e),
                None => self.value(ty, name, place, depth + 1, None),
            },
        }
    }

    /// `client.resource().method(args…).required_setter(value)…`, or `None` when some required
    /// value cannot be written.
    fn call(&self, resource: &Resource, op: &Operation) -> Option<String> {
        let mut args = Vec::new();
        for p in &op.path_params {
            let hint = path_hint(crate::ident::unraw(&p.name), resource);
            args.push(self.value(&p.ty, &hint, Place::Argument, 0, p.example.as_ref())?);
        }
        if let Some(encoding) = op.body_argument() {
            let example = op.body.as_ref().and_then(|b| b.example.as_ref());
            args.push(match encoding {
                BodyEncoding::Json(ty, _) | BodyEncoding::Form(ty) => {
                    self.value(ty, "body", Place::Exact, 0, example)?
                }
                BodyEncoding::Bytes(_) => "b\"contents\".to_vec()".to_owned(),
                BodyEncoding::Text(_) => "\"contents\"".to_owned(),
                BodyEncoding::Multipart(_) => return None,
            });
        }
        let mut call = format!(
            "client.{}().{}({})",
            resource.name,
            op.method_name,
            args.join(", ")
        );
        // The required parts of a multipart body are set part by part.
        if let Some(BodyEncoding::Multipart(parts)) = op.body.as_ref().map(|b| &b.encoding) {
            for part in parts.iter().filter(|p| p.required) {
                let value = if part.file {
                    "\"report.pdf\", b\"contents\".to_vec()".to_owned()
                } else {
                    let hint = crate::ident::unraw(&part.name);
                    self.value(&part.ty, hint, Place::Argument, 0, None)?
                };
                call.push_str(&format!(".{}({value})", part.name));
            }
        }
        for p in op.params.iter().filter(|p| p.required) {
            let hint = crate::ident::unraw(&p.name);
            let value = self.value(&p.ty, hint, Place::Argument, 0, p.example.as_ref())?;
            call.push_str(&format!(".{}({value})", p.name));
        }
        Some(call)
    }
}

/// A string that reads like the value it stands for.
fn string_literal(hint: &str) -> String {
    let hint = hint.trim_start_matches("r#");
    if let Some(stem) = hint.strip_suffix("_id").filter(|s| !s.is_empty()) {
        return format!("{stem}_123");
    }
    if hint == "email" || hint.ends_with("_email") {
        return "user@example.com".to_owned();
    }
    if hint == "url" || hint.ends_with("_url") || hint == "uri" {
        return "https://example.com/hook".to_owned();
    }
    if hint == "name" || hint == "title" {
        return "Example".to_owned();
    }
    hint.trim_matches('_').replace('_', " ")
}

/// `TaskId` → `"task_123"`.
fn id_literal(id: &str) -> String {
    let snake = crate::ident::snake(id);
    let stem = snake
        .strip_suffix("_id")
        .filter(|s| !s.is_empty())
        .unwrap_or(&snake);
    format!("{}_123", crate::ident::unraw(stem))
}

/// The word a path parameter's example value is made of: `id` of `customers` reads `customer_id`.
/// Other path parameters are ids too (`{session}` reads `session_123`), unless their name says
/// they are names (`owner`, `repo`, `username`, `path`).
fn path_hint(name: &str, resource: &Resource) -> String {
    let name = name.trim_matches('_');
    const NAMES: &[&str] = &[
        "name",
        "owner",
        "repo",
        "org",
        "path",
        "slug",
        "key",
        "user",
        "version",
        "ref",
        "branch",
        "tag",
        "namespace",
        "project",
        "file",
        "sha",
    ];
    if name == "id" {
        let singular = crate::ident::singular(crate::ident::unraw(&resource.name));
        format!("{}_id", singular.trim_end_matches('_'))
    } else if NAMES
        .iter()
        .any(|n| name == *n || name.ends_with(&format!("_{n}")) || name.ends_with(n))
    {
        name.to_owned()
    } else {
        format!("{}_id", name.trim_end_matches("_id"))
    }
}

/// How representative an operation is for a resource's example: lists first, then gets, then
/// the rest; deprecated operations last.
fn rank(op: &Operation) -> (bool, u8) {
    let kind = match (&op.transport, op.http_method.as_str()) {
        (Transport::Http, "GET") if op.pagination.is_some() => 0,
        (Transport::Http, "GET") if matches!(op.method_name.as_str(), "list" | "get") => 1,
        (Transport::Http, "GET") => 2,
        (Transport::Http, _) => 3,
        (Transport::WebSocket(_), _) => 4,
    };
    (op.deprecated, kind)
}

/// A variable name for what `op` answers.
fn binding(op: &Operation) -> String {
    if op.pagination.is_some() {
        return "page".to_owned();
    }
    if matches!(op.transport, Transport::WebSocket(_)) {
        return "events".to_owned();
    }
    match &op.response {
        ResponseShape::Empty => String::new(),
        ResponseShape::Stream => "body".to_owned(),
        ResponseShape::EventStream(_) => "events".to_owned(),
        ResponseShape::Json(TypeRef::Vec(_)) => "items".to_owned(),
        // `TaskResponse` reads `task`.
        ResponseShape::Json(TypeRef::Named(name)) => {
            let snake = crate::ident::snake(name);
            let stem = snake.strip_suffix("_response").unwrap_or(&snake);
            if stem.is_empty() || stem.starts_with("r#") || stem.starts_with('_') {
                "response".to_owned()
            } else {
                stem.to_owned()
            }
        }
        _ => "response".to_owned(),
    }
}

/// `# async fn run() …` wrapped lines of a `no_run` doctest.
fn doctest(krate: &str, body: &[String]) -> Vec<String> {
    let mut lines = vec![
        "```no_run".to_owned(),
        format!("# async fn run() -> Result<(), {krate}::Error> {{"),
        format!("let client = {krate}::Client::from_env()?;"),
    ];
    lines.extend(body.iter().cloned());
    lines.push("# Ok(())".to_owned());
    lines.push("# }".to_owned());
    lines.push("```".to_owned());
    lines
}

/// The doc lines of a resource's example (an `# Example` heading and a `no_run` doctest), or
/// nothing when no operation of it can be called with values written from the IR.
pub fn resource_example(api: &Api, resource: &Resource) -> Vec<String> {
    let values = Values::new(api);
    let mut ops: Vec<&Operation> = resource.operations.iter().collect();
    ops.sort_by_key(|op| rank(op));
    let Some((op, call)) = ops
        .into_iter()
        .find_map(|op| values.call(resource, op).map(|call| (op, call)))
    else {
        return Vec::new();
    };
    let name = binding(op);
    let statement = if name.is_empty() {
        format!("{call}.send().await?;")
    } else {
        format!("let {name} = {call}.send().await?;")
    };
    let mut lines = vec!["# Example".to_owned(), String::new()];
    lines.extend(doctest(&values.krate, &[statement]));
    lines
}

/// The doc lines of a waiter's example: the polled operation's call with the waiter's method in
/// its place, a deadline, and the final status; nothing when that call cannot be written.
pub fn waiter_example(api: &Api, resource: &Resource, waiter: &crate::ir::Waiter) -> Vec<String> {
    let values = Values::new(api);
    let Some(op) = resource
        .operations
        .iter()
        .find(|op| op.method_name == waiter.operation)
    else {
        return Vec::new();
    };
    let Some(call) = values.call(resource, op) else {
        return Vec::new();
    };
    // `client.tasks().get("task_123")` → `client.tasks().wait_until_done("task_123")`; the
    // waiter takes the polled operation's path parameters and nothing else.
    let polled = format!(".{}(", crate::ident::unraw(&op.method_name));
    let Some(at) = call
        .rfind(&polled)
        .filter(|at| call.ends_with(')') && call[*at..].matches('(').count() == 1)
    else {
        return Vec::new();
    };
    let waiter_call = format!(
        "{}.{}({}",
        &call[..at],
        crate::ident::unraw(&waiter.method_name),
        &call[at + polled.len()..]
    );
    let name = binding(op);
    let name = if name.is_empty() {
        "answer".to_owned()
    } else {
        name
    };
    let body = [
        format!("let {name} = {waiter_call}"),
        "    .deadline(std::time::Duration::from_secs(600))".to_owned(),
        "    .send()".to_owned(),
        "    .await?;".to_owned(),
        format!("println!(\"finished: {{:?}}\", {name}.{});", waiter.field),
    ];
    let mut lines = vec!["# Example".to_owned(), String::new()];
    lines.extend(doctest(&values.krate, &body));
    lines
}

/// What a builder's `send()` gives, for its doc ("…, which returns {this}").
pub fn returns(op: &Operation) -> String {
    let what = match &op.transport {
        Transport::WebSocket(message) => format!(
            "a [`EventStream`](crate::EventStream) of {}",
            type_phrase(message)
        ),
        Transport::Http => match &op.response {
            ResponseShape::Empty => "`()` once the server answers with success".to_owned(),
            ResponseShape::Json(ty) => type_phrase(ty),
            ResponseShape::Text => "the body as a `String`".to_owned(),
            ResponseShape::Stream => {
                "the body as a [`ByteStream`](crate::ByteStream), not buffered".to_owned()
            }
            ResponseShape::EventStream(ty) => {
                format!("a stream of server-sent events, each {}", type_phrase(ty))
            }
            ResponseShape::Outcomes(name, _) => {
                format!("[`{name}`], one variant per documented success")
            }
        },
    };
    let mut out = what;
    if op.pagination.is_some() {
        out.push_str(" (one page); `into_stream()` yields every item of every page");
    }
    out.push('.');
    out
}

/// A type as prose with a link (`` [`Task`](crate::types::Task) `` in the generated crate), a `Vec` of …
fn type_phrase(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) | TypeRef::Id(n) => format!("[`{n}`](crate::types::{n})"),
        TypeRef::Vec(inner) => format!("a `Vec` of {}", type_phrase(inner)),
        TypeRef::Map(inner) => format!("a map from names to {}", type_phrase(inner)),
        TypeRef::Option(inner) => format!("an optional {}", type_phrase(inner)),
        TypeRef::Json => "a JSON value (`serde_json::Value`)".to_owned(),
        TypeRef::String => "a `String`".to_owned(),
        TypeRef::Bool => "a `bool`".to_owned(),
        TypeRef::I32 => "an `i32`".to_owned(),
        TypeRef::I64 => "an `i64`".to_owned(),
        TypeRef::U64 => "a `u64`".to_owned(),
        TypeRef::F32 => "an `f32`".to_owned(),
        TypeRef::F64 => "an `f64`".to_owned(),
        TypeRef::Bytes => "bytes".to_owned(),
        TypeRef::Timestamp => "a [`Timestamp`](crate::Timestamp)".to_owned(),
        TypeRef::Date => "a [`Date`](crate::Date)".to_owned(),
        TypeRef::Base64 => "a [`Base64Bytes`](crate::Base64Bytes)".to_owned(),
        TypeRef::Uuid => "a [`Uuid`](crate::Uuid)".to_owned(),
    }
}

/// The tour of the crate docs and README: a client from the environment, a call with a required
/// body, every item of a list, and an error matched by status. Lines of a `no_run` doctest.
pub fn tour(api: &Api) -> Vec<String> {
    let values = Values::new(api);
    let ops = || {
        api.resources
            .iter()
            .flat_map(|r| r.operations.iter().map(move |o| (r, o)))
            .filter(|(_, o)| o.transport == Transport::Http && !o.deprecated)
    };
    let mut body = Vec::new();
    // A call with a required body.
    let mut with_body: Vec<_> = ops().filter(|(_, o)| o.body_argument().is_some()).collect();
    with_body.sort_by_key(|(_, o)| (o.method_name != "create", o.http_method != "POST"));
    let create = with_body
        .into_iter()
        .find_map(|(r, o)| values.call(r, o).map(|c| (o, c)));
    if let Some((op, call)) = &create {
        body.push(format!("// {} {}", op.http_method, op.path));
        let name = binding(op);
        body.push(if name.is_empty() {
            format!("{call}.send().await?;")
        } else {
            format!("let created = {call}.send().await?;")
        });
    }
    // Every item of a list, page by page.
    let mut lists: Vec<_> = ops().filter(|(_, o)| o.pagination.is_some()).collect();
    lists.sort_by_key(|(_, o)| o.method_name != "list");
    let list = lists
        .into_iter()
        .find_map(|(r, o)| values.call(r, o).map(|c| (o, c)));
    if let Some((op, call)) = &list {
        let item = match &op.pagination {
            Some(Pagination::Offset { page, .. } | Pagination::Cursor { page, .. }) => {
                type_name(&page.item)
            }
            None => None,
        };
        body.push(format!(
            "// every item of {} {}, fetching pages as it goes",
            op.http_method, op.path
        ));
        body.push("use futures_util::StreamExt;".to_owned());
        body.push(format!("let mut items = {call}.into_stream();"));
        body.push("while let Some(item) = items.next().await {".to_owned());
        match item {
            Some(ty) => body.push(format!(
                "    let _item: {}::types::{ty} = item?;",
                values.krate
            )),
            None => body.push("    let _item = item?;".to_owned()),
        }
        body.push("}".to_owned());
    }
    // An error matched by status: a get by id, else the first call that can be written.
    let mut gets: Vec<_> = ops()
        .filter(|(_, o)| o.http_method == "GET" && !o.path_params.is_empty())
        .collect();
    gets.sort_by_key(|(_, o)| o.method_name != "get");
    let get = gets
        .into_iter()
        .chain(ops())
        .find_map(|(r, o)| values.call(r, o).map(|c| (o, c)));
    if let Some((op, call)) = &get {
        let name = binding(op);
        let ok = if name.is_empty() { "Ok(())" } else { "Ok(_)" };
        body.extend([
            format!("match {call}.send().await {{"),
            format!("    {ok} => {{}}"),
            "    Err(e) if e.status() == Some(404) => println!(\"not found\"),".to_owned(),
            "    Err(e) if e.status() == Some(422) => println!(\"invalid: {:?}\", e.detail()),"
                .to_owned(),
            "    Err(e) if e.status() == Some(429) => println!(\"retry after {:?}\", e.retry_after()),"
                .to_owned(),
            "    Err(e) => return Err(e),".to_owned(),
            "}".to_owned(),
        ]);
    }
    doctest(&values.krate, &body)
}

/// The Rust name of a named item type, for a typed binding.
fn type_name(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(n) | TypeRef::Id(n) => Some(n),
        _ => None,
    }
}

/// The resources whose features the tour needs (every one it calls), for its gate.
pub fn tour_resources(api: &Api) -> Vec<String> {
    let lines = tour(api).join("\n");
    api.resources
        .iter()
        .filter(|r| lines.contains(&format!("client.{}()", r.name)))
        .map(|r| r.name.clone())
        .collect()
}
