//! The API surface: what a Rust caller of the generated crate sees, read off the IR.
//!
//! This is the one file of the diff that knows the IR. Every item here is spelled the way the
//! emitters spell it (the field type with its `Option`, the argument type of a setter, whether
//! `new()` takes a field), so that comparing two surfaces compares two crates, not two specs.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{
    Api, AuthScheme, BodyEncoding, Enum, Field, MultipartPart, Operation, Pagination,
    ParamLocation, Presence, RequestBody, Resource, ResponseShape, StatusMatch, Struct, Transport,
    TypeDef, TypeKind, TypeRef, Union,
};

/// Everything a caller of one generated crate can name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Surface {
    /// The crate's name.
    pub crate_name: String,
    /// The crate's version.
    pub version: String,
    /// The default base URL of the client (from the first server).
    pub base_url: String,
    /// How the client authenticates, in order of preference.
    pub auth: Vec<String>,
    /// Resources by accessor name (`tasks`).
    pub resources: BTreeMap<String, ResourceSurface>,
    /// Named types in `crate::types` by name.
    pub types: BTreeMap<String, TypeSurface>,
    /// Webhook events by name, with the payload type.
    pub webhooks: BTreeMap<String, Option<String>>,
}

/// A resource (`client.tasks()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceSurface {
    /// Operations by method name.
    pub operations: BTreeMap<String, OperationSurface>,
}

/// One operation: its method, its builder and what `send()` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationSurface {
    /// The operationId.
    pub id: String,
    /// `POST /tasks`.
    pub http: String,
    /// Deprecated.
    pub deprecated: bool,
    /// Sent without credentials.
    pub anonymous: bool,
    /// Arguments of the resource method (path parameters), in order.
    pub args: Vec<Param>,
    /// Builder setters for query, header and cookie parameters and multipart parts, by name.
    pub setters: BTreeMap<String, Param>,
    /// The `body()` setter, if any.
    pub body: Option<Body>,
    /// What `send()` returns.
    pub response: Response,
    /// The item type of `into_stream()`, when the operation pages.
    pub stream_item: Option<String>,
    /// `http`, or the message type of a WebSocket stream.
    pub transport: String,
}

/// A parameter: a method argument or a builder setter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Rust name.
    pub name: String,
    /// Wire name.
    pub wire: String,
    /// `path`, `query`, `header`, `cookie`, `multipart part` or `multipart file`.
    pub location: String,
    /// The argument type as the method or setter takes it (`impl Into<String>`).
    pub ty: String,
    /// `send()` fails with a missing-parameter error while it is unset.
    pub required: bool,
}

/// The request body setter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// The argument type of `body()`.
    pub ty: String,
    /// The content type sent.
    pub content_type: String,
    /// `send()` fails while it is unset.
    pub required: bool,
}

/// What `send()` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// One type for every success.
    Single(String),
    /// An enum with one variant per documented success status.
    Outcomes {
        /// The enum's name.
        name: String,
        /// Status (`200`, `2XX`) → variant name and its payload type (`()` when empty).
        statuses: BTreeMap<String, (String, String)>,
    },
}

/// A named type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeSurface {
    /// Where it came from in the spec.
    pub origin: String,
    /// Resources whose operations take or return it.
    pub used_by: BTreeSet<String>,
    /// Its shape.
    pub kind: TypeShape,
    /// The serde traits it implements without the `full-serde` feature.
    pub serde: SerdeByDefault,
}

/// The serde traits a model implements by default: a struct or union derives `Serialize` only if
/// requests carry it and `Deserialize` only if responses do (or nothing does); `full-serde` (on
/// with `mock`) adds the other, as a crate on the runtime crate spells it (the inline runtime has
/// both always). Enums and aliases have both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SerdeByDefault {
    /// `Serialize`.
    pub serialize: bool,
    /// `Deserialize`.
    pub deserialize: bool,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeShape {
    /// A struct with public fields.
    Struct(StructSurface),
    /// A string or integer enum with a catch-all variant.
    Enum(EnumSurface),
    /// An enum of alternatives.
    Union(UnionSurface),
    /// `pub type X = Y;`.
    Alias(String),
}

/// A struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructSurface {
    /// Fields by Rust name.
    pub fields: BTreeMap<String, FieldSurface>,
    /// It implements `Default` (derived, or as its argument-less `new()`).
    pub default: bool,
    /// The arguments of `new()` in order (name and type), when it has one.
    pub new_args: Option<Vec<(String, String)>>,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSurface {
    /// Wire name.
    pub wire: String,
    /// The field's type as declared (`Option<String>`).
    pub ty: String,
    /// The schema lists it as required.
    pub required: bool,
    /// The schema allows null.
    pub nullable: bool,
    /// The argument type of its chainable setter, when the field has one (it is optional).
    pub setter: Option<String>,
    /// The name of that setter (`set_default` for a field `default`).
    pub setter_name: String,
}

/// A forward-compatible enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumSurface {
    /// Variant name → wire value.
    pub values: BTreeMap<String, String>,
    /// Integer values (else strings).
    pub integer: bool,
    /// `match` must name every variant (no `#[non_exhaustive]`).
    pub exhaustive: bool,
}

/// A union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionSurface {
    /// Variant name → payload type and the tag values that select it.
    pub variants: BTreeMap<String, (String, Vec<String>)>,
    /// The discriminating property of a tagged union.
    pub discriminator: Option<String>,
    /// `match` must name every variant (no `#[non_exhaustive]`).
    pub exhaustive: bool,
}

/// The surface of a lowered API.
pub fn surface(api: &Api) -> Surface {
    let usage = Usage::of(api);
    let used_by = used_by(api);
    let types = api
        .types
        .iter()
        .map(|def| {
            let surface = TypeSurface {
                origin: def.origin.clone(),
                used_by: used_by.get(&def.name).cloned().unwrap_or_default(),
                kind: type_shape(def, &usage),
                serde: usage.serde_by_default(def),
            };
            (def.name.clone(), surface)
        })
        .collect();
    let resources = api
        .resources
        .iter()
        .map(|r| (r.name.clone(), resource(r)))
        .collect();
    Surface {
        crate_name: api.meta.crate_name.clone(),
        version: api.meta.version.clone(),
        base_url: api.meta.base_url.clone(),
        auth: api.meta.auth.iter().map(auth).collect(),
        resources,
        types,
        webhooks: api
            .webhooks
            .iter()
            .map(|w| (w.name.clone(), w.payload.as_ref().map(rust_type)))
            .collect(),
    }
}

/// What kind of named type `def` is, with what a caller sees of it.
fn type_shape(def: &TypeDef, usage: &Usage) -> TypeShape {
    match &def.kind {
        TypeKind::Struct(s) => TypeShape::Struct(structure(def, s, usage)),
        TypeKind::Enum(e) => TypeShape::Enum(enumeration(e)),
        TypeKind::Union(u) => TypeShape::Union(union(u)),
        TypeKind::Alias(ty) => TypeShape::Alias(rust_type(ty)),
    }
}

/// A struct's fields, setters and constructor.
fn structure(def: &TypeDef, s: &Struct, usage: &Usage) -> StructSurface {
    let only_sent = usage.only_sent(def);
    let fields = s
        .fields
        .iter()
        .map(|f| (f.name.clone(), field(f, only_sent)))
        .chain(s.additional.as_ref().map(|ty| {
            let field = FieldSurface {
                wire: "(additional properties)".to_owned(),
                ty: format!("BTreeMap<String, {}>", rust_type(ty)),
                required: true,
                nullable: false,
                setter: None,
                setter_name: String::new(),
            };
            ("additional_properties".to_owned(), field)
        }))
        .collect();
    let new_args = s.has_new().then(|| {
        s.fields
            .iter()
            .filter(|f| required(f) && f.constant.is_none())
            .map(|f| (f.name.clone(), setter_type(&f.ty)))
            .collect()
    });
    StructSurface {
        fields,
        default: s.has_default(),
        new_args,
    }
}

/// One field of a struct; every struct has a setter per optional field.
fn field(f: &Field, only_sent: bool) -> FieldSurface {
    let setter = (!required(f)).then(|| setter_type(&f.ty));
    FieldSurface {
        wire: f.wire.clone(),
        ty: field_type(f, only_sent),
        required: required(f),
        nullable: nullable(f),
        setter,
        setter_name: f.setter_name(),
    }
}

fn enumeration(e: &Enum) -> EnumSurface {
    EnumSurface {
        values: e
            .variants
            .iter()
            .map(|v| (v.name.clone(), v.wire.clone()))
            .collect(),
        integer: e.integer,
        exhaustive: true,
    }
}

/// A union's variants, with the catch-all variant of a tagged union.
fn union(u: &Union) -> UnionSurface {
    UnionSurface {
        variants: u
            .variants
            .iter()
            .map(|v| {
                let ty = if v.boxed {
                    format!("Box<{}>", rust_type(&v.ty))
                } else {
                    rust_type(&v.ty)
                };
                (v.name.clone(), (ty, v.tags.clone()))
            })
            .chain(union_tag(u).map(|(_, unknown)| {
                (
                    unknown.clone(),
                    ("serde_json::Value".to_owned(), Vec::new()),
                )
            }))
            .collect(),
        discriminator: union_tag(u).map(|(property, _)| property.clone()),
        exhaustive: true,
    }
}

fn resource(r: &Resource) -> ResourceSurface {
    let operations = r
        .operations
        .iter()
        .map(|op| (op.method_name.clone(), operation(op)))
        .collect();
    ResourceSurface { operations }
}

fn operation(op: &Operation) -> OperationSurface {
    let mut setters: BTreeMap<String, Param> = op
        .params
        .iter()
        .map(|p| (p.name.clone(), param(p)))
        .collect();
    let mut body = None;
    match op.body.as_ref() {
        Some(RequestBody {
            encoding: BodyEncoding::Multipart(parts),
            ..
        }) => setters.extend(
            parts
                .iter()
                .map(|part| (part.name.clone(), multipart(part))),
        ),
        Some(b) => body = Some(request_body(b)),
        None => {}
    }
    OperationSurface {
        id: op.id.clone(),
        http: format!("{} {}", op.http_method, op.path),
        deprecated: op.deprecated,
        anonymous: op.anonymous,
        args: op.path_params.iter().map(param).collect(),
        setters,
        body,
        response: response(&op.response),
        stream_item: op.pagination.as_ref().map(|p| match p {
            Pagination::Offset { page, .. } | Pagination::Cursor { page, .. } => {
                rust_type(&page.item)
            }
        }),
        transport: match &op.transport {
            Transport::Http => "http".to_owned(),
            Transport::WebSocket(ty) => format!("WebSocket of {}", rust_type(ty)),
        },
    }
}

/// A path argument or a parameter setter.
fn param(p: &crate::ir::Param) -> Param {
    Param {
        name: p.name.clone(),
        wire: p.wire.clone(),
        location: match p.location {
            ParamLocation::Path => "path parameter",
            ParamLocation::Query => "query parameter",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
        .to_owned(),
        ty: setter_type(&p.ty),
        required: p.required,
    }
}

/// The setter of one part of a multipart body.
fn multipart(part: &MultipartPart) -> Param {
    let (location, ty) = if part.file {
        (
            "multipart file",
            "(impl Into<String>, impl Into<Bytes>)".to_owned(),
        )
    } else {
        ("multipart part", setter_type(&part.ty))
    };
    Param {
        name: part.name.clone(),
        wire: part.wire.clone(),
        location: location.to_owned(),
        ty,
        required: part.required,
    }
}

/// A body that is not multipart: one value of one type.
fn request_body(b: &RequestBody) -> Body {
    let (ty, content_type) = match &b.encoding {
        BodyEncoding::Json(ty, ct) => (rust_type(ty), ct.clone()),
        BodyEncoding::Form(ty) => (
            rust_type(ty),
            "application/x-www-form-urlencoded".to_owned(),
        ),
        BodyEncoding::Bytes(ct) => ("impl Into<Bytes>".to_owned(), ct.clone()),
        BodyEncoding::Text(ct) => ("impl Into<String>".to_owned(), ct.clone()),
        BodyEncoding::Multipart(_) => unreachable!("multipart bodies are setters"),
    };
    Body {
        ty,
        content_type,
        required: b.required,
    }
}

/// What `send()` returns: one type, or an enum with a variant per success status.
fn response(shape: &ResponseShape) -> Response {
    match shape {
        ResponseShape::Outcomes(name, outcomes) => Response::Outcomes {
            name: name.clone(),
            statuses: outcomes
                .iter()
                .map(|o| {
                    let status = match o.status {
                        StatusMatch::Code(c) => c.to_string(),
                        StatusMatch::Range(r) => format!("{r}XX"),
                    };
                    let payload = match &*o.body {
                        ResponseShape::Stream => "Bytes".to_owned(),
                        other => response_type(other),
                    };
                    (status, (o.name.clone(), payload))
                })
                .collect(),
        },
        other => Response::Single(response_type(other)),
    }
}

/// The type `send()` gives for a response shape.
fn response_type(shape: &ResponseShape) -> String {
    match shape {
        ResponseShape::Empty => "()".to_owned(),
        ResponseShape::Json(ty) => rust_type(ty),
        ResponseShape::Text => "String".to_owned(),
        ResponseShape::Stream => "ByteStream".to_owned(),
        ResponseShape::EventStream(ty) => format!("TypedSseStream<{}>", rust_type(ty)),
        ResponseShape::Outcomes(name, _) => name.clone(),
    }
}

/// A type reference as Rust spells it (short paths).
fn rust_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) | TypeRef::Id(n) => n.clone(),
        TypeRef::String | TypeRef::Bytes => "String".to_owned(),
        TypeRef::Timestamp => "Timestamp".to_owned(),
        TypeRef::Date => "Date".to_owned(),
        TypeRef::Base64 => "Base64Bytes".to_owned(),
        TypeRef::Uuid => "Uuid".to_owned(),
        TypeRef::Bool => "bool".to_owned(),
        TypeRef::I32 => "i32".to_owned(),
        TypeRef::I64 => "i64".to_owned(),
        TypeRef::U64 => "u64".to_owned(),
        TypeRef::F32 => "f32".to_owned(),
        TypeRef::F64 => "f64".to_owned(),
        TypeRef::Json => "serde_json::Value".to_owned(),
        TypeRef::Vec(inner) => format!("Vec<{}>", rust_type(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", rust_type(inner)),
        TypeRef::Option(inner) => format!("Option<{}>", rust_type(inner)),
    }
}

/// The argument type of a setter or method: strings are taken as `impl Into<String>`.
fn setter_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String | TypeRef::Bytes => "impl Into<String>".to_owned(),
        TypeRef::Id(n) => format!("impl Into<{n}>"),
        other => rust_type(other),
    }
}

fn auth(scheme: &AuthScheme) -> String {
    match scheme {
        AuthScheme::Bearer => "bearer token".to_owned(),
        AuthScheme::Basic => "HTTP basic".to_owned(),
        AuthScheme::ApiKeyHeader(n) => format!("API key in the `{n}` header"),
        AuthScheme::ApiKeyQuery(n) => format!("API key in the `{n}` query parameter"),
        AuthScheme::ApiKeyCookie(n) => format!("API key in the `{n}` cookie"),
    }
}

/// For each named type, the resources whose operations reach it.
fn used_by(api: &Api) -> BTreeMap<String, BTreeSet<String>> {
    let by_name: BTreeMap<&str, &TypeKind> = api
        .types
        .iter()
        .map(|t| (t.name.as_str(), &t.kind))
        .collect();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &api.resources {
        let mut stack: Vec<&TypeRef> = Vec::new();
        for op in &r.operations {
            stack.extend(op.path_params.iter().chain(&op.params).map(|p| &p.ty));
            match op.body.as_ref().map(|b| &b.encoding) {
                Some(BodyEncoding::Json(ty, _) | BodyEncoding::Form(ty)) => stack.push(ty),
                Some(BodyEncoding::Multipart(parts)) => stack.extend(parts.iter().map(|p| &p.ty)),
                _ => {}
            }
            let mut shapes = vec![&op.response];
            while let Some(shape) = shapes.pop() {
                match shape {
                    ResponseShape::Json(ty) | ResponseShape::EventStream(ty) => stack.push(ty),
                    ResponseShape::Outcomes(_, outcomes) => {
                        shapes.extend(outcomes.iter().map(|o| &*o.body))
                    }
                    _ => {}
                }
            }
            if let Transport::WebSocket(ty) = &op.transport {
                stack.push(ty);
            }
        }
        let mut seen = BTreeSet::new();
        while let Some(ty) = stack.pop() {
            match ty {
                TypeRef::Named(n) if seen.insert(n.as_str()) => match by_name.get(n.as_str()) {
                    Some(TypeKind::Struct(s)) => {
                        stack.extend(s.fields.iter().map(|f| &f.ty));
                        stack.extend(s.additional.iter());
                    }
                    Some(TypeKind::Union(u)) => stack.extend(u.variants.iter().map(|v| &v.ty)),
                    Some(TypeKind::Alias(t)) => stack.push(t),
                    Some(TypeKind::Enum(_)) | None => {}
                },
                TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => {
                    stack.push(inner)
                }
                _ => {}
            }
        }
        for name in seen {
            out.entry(name.to_owned())
                .or_default()
                .insert(r.name.clone());
        }
    }
    out
}

// What the emitters decide from the IR, one function each: the only code here that reads the IR's
// decisions about presence, usage and tags.

/// Which named types requests carry (lowering decides it; `emit::types` renders it).
struct Usage;

impl Usage {
    fn of(_api: &Api) -> Self {
        Usage
    }

    /// Only requests carry it: optional nullable fields keep absent apart from null.
    fn only_sent(&self, def: &TypeDef) -> bool {
        def.usage == crate::ir::Usage::RequestOnly
    }

    /// The serde traits of `def` without `full-serde` (as `emit::types::serde_derives` gives them).
    fn serde_by_default(&self, def: &TypeDef) -> SerdeByDefault {
        match def.kind {
            TypeKind::Struct(_) | TypeKind::Union(_) => SerdeByDefault {
                serialize: def.usage.is_sent(),
                deserialize: def.usage != crate::ir::Usage::RequestOnly,
            },
            TypeKind::Enum(_) | TypeKind::Alias(_) => SerdeByDefault {
                serialize: true,
                deserialize: true,
            },
        }
    }
}

/// The schema lists the field as required.
fn required(f: &Field) -> bool {
    f.presence.is_required()
}

/// The schema allows null.
fn nullable(f: &Field) -> bool {
    f.presence.is_nullable()
}

/// A field's declared type, as `emit::types` writes it.
fn field_type(f: &Field, _only_sent: bool) -> String {
    let mut inner = rust_type(&f.ty);
    if f.boxed {
        inner = format!("Box<{inner}>");
    }
    match f.presence {
        Presence::Required => inner,
        // A JSON value holds null itself.
        Presence::Nullable if matches!(f.ty, TypeRef::Json) => inner,
        Presence::Optional | Presence::Nullable => format!("Option<{inner}>"),
        Presence::AbsentOrNull => format!("Option<Option<{inner}>>"),
    }
}

/// The discriminating property and the catch-all variant of a tagged union.
fn union_tag(u: &Union) -> Option<(&String, &String)> {
    u.tag.as_ref().map(|t| (&t.property, &t.unknown))
}
