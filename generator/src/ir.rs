//! The intermediate representation: plain data lowered from the spec, read by the emitters.
//!
//! Invariants: no tokens and no `openapiv3` types live here; every name is final (sanitised, unique
//! in its namespace) and sits beside the wire name it came from; every list is in a deterministic
//! order.

use serde_json::Value;

/// A whole API, ready to emit.
#[derive(Debug, Clone)]
pub struct Api {
    /// Crate-level facts.
    pub meta: Meta,
    /// Named types (`crate::types`), sorted by name.
    pub types: Vec<TypeDef>,
    /// Resource id newtypes (`crate::types::TaskId`) the SDK config declares, sorted by name.
    pub ids: Vec<IdType>,
    /// Operation groups (`client.tasks()`), sorted by name.
    pub resources: Vec<Resource>,
    /// Waiters the SDK config declares (`client.tasks().wait_until_done(id)`), sorted by resource.
    pub waiters: Vec<Waiter>,
    /// Webhook events the API sends (3.1 `webhooks`, `x-webhooks`), sorted by name.
    pub webhooks: Vec<WebhookEvent>,
    /// The type webhook payloads decode as.
    pub webhook_payload: WebhookPayload,
    /// The message types of WebSocket streams, each once, in operation order.
    pub stream_messages: Vec<StreamMessage>,
    /// What the generator could not represent faithfully.
    pub diagnostics: Vec<Diagnostic>,
    /// The crate's cargo features and what each compiles.
    pub features: CrateFeatures,
}

/// The cargo features of a generated crate (all on by default): one per resource, one for the
/// webhook payloads, which of them each model type needs, and the capability features, each
/// present when the API uses that capability and compiling the code and runtime part it needs.
#[derive(Debug, Clone, Default)]
pub struct CrateFeatures {
    /// Resource name → the feature that compiles it.
    pub resources: std::collections::BTreeMap<String, String>,
    /// The feature that compiles `crate::webhooks`, when the API has webhooks.
    pub webhooks: Option<String>,
    /// Type name → the features (sorted) any of which compiles it. A type not listed is always
    /// compiled: no operation or webhook reaches it, or such a type reaches it.
    pub types: std::collections::BTreeMap<String, Vec<String>>,
    /// `websocket`: the WebSocket operations, their messages' `StreamEvent` impls and the
    /// runtime's event stream, when the API has a WebSocket operation.
    pub websocket: Option<String>,
    /// `webhook-verify`: `crate::webhooks::Webhook` (signature verification) and the runtime's
    /// verifier, when the API has webhooks. It turns on the webhook payloads' feature.
    pub webhook_verify: Option<String>,
    /// `multipart`: the operations with `multipart/form-data` bodies and the runtime's (and
    /// reqwest's) multipart support, when the API has such an operation.
    pub multipart: Option<String>,
}

impl CrateFeatures {
    /// Every feature, in order: resources (by resource name), webhooks, then the capabilities.
    pub fn all(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self.resources.values().map(String::as_str).collect();
        all.extend(self.webhooks.as_deref());
        all.extend(self.capabilities().into_iter().map(|(_, feature)| feature));
        all
    }

    /// The capability features the crate has: (the runtime part it turns on, the feature).
    pub fn capabilities(&self) -> Vec<(&'static str, &str)> {
        [
            ("websocket", &self.websocket),
            ("webhooks", &self.webhook_verify),
            ("multipart", &self.multipart),
        ]
        .into_iter()
        .filter_map(|(part, feature)| Some((part, feature.as_deref()?)))
        .collect()
    }

    /// The capability feature every operation of a resource needs (the `events` resource of one
    /// WebSocket operation): the resource compiles only with it, rather than as an empty shell.
    pub fn capability_of_resource(&self, resource: &Resource) -> Option<&str> {
        let mut needs = resource.operations.iter().map(|op| self.capability_of(op));
        let first = needs.next()??;
        needs.all(|c| c == Some(first)).then_some(first)
    }

    /// The capability feature an operation needs besides its resource's: `websocket` for a
    /// WebSocket operation, `multipart` for a `multipart/form-data` body.
    pub fn capability_of(&self, op: &Operation) -> Option<&str> {
        if matches!(op.transport, Transport::WebSocket(_)) {
            return self.websocket.as_deref();
        }
        match op.body.as_ref().map(|b| &b.encoding) {
            Some(BodyEncoding::Multipart(_)) => self.multipart.as_deref(),
            _ => None,
        }
    }
}

impl Api {
    /// How many struct fields there are, and how many of them are JSON values
    /// (`serde_json::Value`, alone or as the items of an `Option`, `Vec` or map): the fields whose
    /// schema states no type the generator can use.
    pub fn json_fields(&self) -> JsonFields {
        let mut share = JsonFields::default();
        for def in &self.types {
            if let TypeKind::Struct(s) = &def.kind {
                share.fields += s.fields.len();
                share.json += s.fields.iter().filter(|f| f.ty.is_json()).count();
            }
        }
        share
    }
}

/// Struct fields and those of them typed as a JSON value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JsonFields {
    /// Every struct field.
    pub fields: usize,
    /// The fields typed as a JSON value.
    pub json: usize,
}

impl JsonFields {
    /// The share of fields typed as a JSON value, from 0 to 1 (0 when there are no fields).
    pub fn share(&self) -> f64 {
        if self.fields == 0 {
            0.0
        } else {
            self.json as f64 / self.fields as f64
        }
    }
}

/// Crate-level facts.
#[derive(Debug, Clone)]
pub struct Meta {
    /// Crate name (`miteos`).
    pub crate_name: String,
    /// Crate version.
    pub version: String,
    /// The API's title.
    pub title: String,
    /// The API's version as the spec states it.
    pub api_version: String,
    /// The API's description.
    pub description: Option<String>,
    /// The default base URL (first server, variables at their defaults).
    pub base_url: String,
    /// Prefix of the env vars the client reads (`MITEOS`).
    pub env_prefix: String,
    /// How the client authenticates, in order of preference.
    pub auth: Vec<AuthScheme>,
    /// Where the spec came from, for the `@generated` header.
    pub source: String,
    /// `Cargo.toml` metadata: repository, documentation, homepage, keywords, categories.
    pub package: crate::config::PackageMetadata,
}

/// An authentication scheme from `components/securitySchemes`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum AuthScheme {
    /// `Authorization: Bearer <token>` (http bearer, oauth2, openIdConnect).
    Bearer,
    /// `Authorization: Basic …`.
    Basic,
    /// An API key in a header.
    ApiKeyHeader(String),
    /// An API key in the query string.
    ApiKeyQuery(String),
    /// An API key in a cookie.
    ApiKeyCookie(String),
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Rust name, unique in `crate::types`.
    pub name: String,
    /// Where it came from (`#/components/schemas/Task`, or the inline position).
    pub origin: String,
    /// Doc text.
    pub docs: Option<String>,
    /// What it is.
    pub kind: TypeKind,
    /// Whether clients send it, receive it, or both.
    pub usage: Usage,
}

/// How a client uses a named type: what it is reachable from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    /// Reached from no request, response, stream or webhook (only defined in the spec).
    Unused,
    /// Only sent: reached from request bodies and nothing a client receives.
    RequestOnly,
    /// Only received: responses, stream messages, webhook payloads.
    ResponseOnly,
    /// Both sent and received.
    Both,
}

impl Usage {
    /// Whether requests carry it (it gets a constructor and setters).
    pub fn is_sent(self) -> bool {
        matches!(self, Usage::RequestOnly | Usage::Both)
    }
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct(Struct),
    /// A forward-compatible enum of string or integer values.
    Enum(Enum),
    /// A union of alternatives.
    Union(Union),
    /// Another name for a type (`pub type X = Y;`).
    Alias(TypeRef),
}

/// A struct.
#[derive(Debug, Clone)]
pub struct Struct {
    /// Fields in spec order.
    pub fields: Vec<Field>,
    /// Extra properties kept in a flattened map (`additionalProperties`).
    pub additional: Option<TypeRef>,
    /// No field is required, so `Default` is derived.
    pub derive_default: bool,
    /// Some required field takes a value from the caller (it has no fixed value), so sent types get
    /// a `new(…)` taking those values.
    pub has_required_values: bool,
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Rust name.
    pub name: String,
    /// Wire name.
    pub wire: String,
    /// The value's type, without the `Option` that presence adds.
    pub ty: TypeRef,
    /// Whether the field may be absent or null, and how the two are told apart.
    pub presence: Presence,
    /// For [`Presence::AbsentOrNull`] fields of sent types: the setter that sends an explicit
    /// null (`foo_null`), unless another field has that name.
    pub null_setter: Option<String>,
    /// Boxed to break a recursive cycle.
    pub boxed: bool,
    /// Doc text.
    pub docs: Option<String>,
    /// A fixed value (`const` or a one-value enum), for constructors.
    pub constant: Option<Value>,
    /// Only in responses.
    pub read_only: bool,
    /// Only in requests.
    pub write_only: bool,
    /// Deprecated.
    pub deprecated: bool,
}

/// Whether a field may be absent from the JSON object, or null.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    /// Always there, never null: `T`.
    Required,
    /// May be absent (and null, where the schema allows it, reads as absent): `Option<T>`, left
    /// out when `None`.
    Optional,
    /// Always there, may be null: `Option<T>` (a JSON value holds the null itself).
    Nullable,
    /// May be absent or null, and the two stay apart (optional nullable fields of types only
    /// ever sent): `Option<Option<T>>`, `None` absent, `Some(None)` null.
    AbsentOrNull,
}

impl Presence {
    /// Required in the schema (`Required` or `Nullable`).
    pub fn is_required(self) -> bool {
        matches!(self, Presence::Required | Presence::Nullable)
    }

    /// A value may be missing: `Option` wraps the type (except a JSON value, which holds null).
    pub fn is_optional(self) -> bool {
        !matches!(self, Presence::Required)
    }

    /// The schema allows null.
    pub fn is_nullable(self) -> bool {
        matches!(self, Presence::Nullable | Presence::AbsentOrNull)
    }
}

/// A forward-compatible enum.
#[derive(Debug, Clone)]
pub struct Enum {
    /// Known values in spec order.
    pub variants: Vec<EnumVariant>,
    /// Whether the values are integers (else strings).
    pub integer: bool,
    /// Name of the catch-all variant.
    pub unknown: String,
}

/// One enum value.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// Rust name.
    pub name: String,
    /// The value on the wire (a string, or an integer as text).
    pub wire: String,
}

/// A union.
#[derive(Debug, Clone)]
pub struct Union {
    /// Alternatives, in the order they are tried (untagged) or listed (tagged).
    pub variants: Vec<UnionVariant>,
    /// How a tagged union is told apart; `None` for an untagged one.
    pub tag: Option<UnionTag>,
    /// Accessors over the variants of a tagged union of structs (its discriminator and the
    /// envelope fields every variant shares); `None` when it has none.
    pub accessors: Option<UnionAccessors>,
}

/// The accessors of a tagged union whose variants are structs sharing an envelope.
#[derive(Debug, Clone)]
pub struct UnionAccessors {
    /// The discriminator as a forward-compatible enum of the tag values.
    pub tag: TagAccessor,
    /// Fields every variant struct has with the same Rust name, type and presence, in the first
    /// variant's order (the tag property left out).
    pub common: Vec<CommonField>,
}

/// The accessor of a tagged union's discriminator.
#[derive(Debug, Clone)]
pub struct TagAccessor {
    /// Method name (`event_type`).
    pub method: String,
    /// The string enum of the tag values (`EventType`), an existing one or one lowering added.
    pub enum_type: String,
    /// Per union variant (in order): the enum variant its tag names, or `None` when several tags
    /// select it (then the tag is read from the variant's own tag field).
    pub variants: Vec<(String, Option<String>)>,
    /// Rust name of the tag field in the variant structs, when every one has it as a string.
    pub field: Option<String>,
    /// Wire name of the tag property, read from the catch-all variant's JSON value.
    pub property: String,
}

/// A field every variant of a tagged union has.
#[derive(Debug, Clone)]
pub struct CommonField {
    /// Rust name of the field, and of its accessor.
    pub name: String,
    /// Wire name, read from the catch-all variant's JSON value when the type is a string.
    pub wire: String,
    /// The value's type, without the `Option` that presence adds.
    pub ty: TypeRef,
    /// Whether the variant structs hold it as `Option<T>`.
    pub optional: bool,
    /// Doc text of the first variant's field.
    pub docs: Option<String>,
}

/// The tag of a tagged union.
#[derive(Debug, Clone)]
pub struct UnionTag {
    /// The discriminating property.
    pub property: String,
    /// Name of the catch-all variant, for tags this version does not know.
    pub unknown: String,
}

/// One union alternative.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// Rust name.
    pub name: String,
    /// The alternative's type.
    pub ty: TypeRef,
    /// Tag values that select it (tagged unions).
    pub tags: Vec<String>,
    /// Boxed to break a recursive cycle or keep the enum small.
    pub boxed: bool,
}

/// A reference to a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    /// A named type in `crate::types`.
    Named(String),
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u64`.
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// Any JSON value.
    Json,
    /// Raw bytes (`format: binary` outside a streamed body).
    Bytes,
    /// An instant (`format: date-time`): the runtime's `time::Timestamp`, RFC 3339 on the wire.
    Timestamp,
    /// A calendar date (`format: date`): the runtime's `time::Date`, `2024-05-01` on the wire.
    Date,
    /// Bytes written as base64 text (`format: byte`): the runtime's `bytes::Base64Bytes`.
    Base64,
    /// A UUID (`format: uuid`): `uuid::Uuid`, re-exported by the runtime's `uuid` feature.
    Uuid,
    /// A resource id newtype over a string (`crate::types::TaskId`), one of [`Api::ids`]:
    /// arguments and setters take `impl Into<TaskId>`, so a `&str` still does.
    Id(String),
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>` (nullable inside a container).
    Option(Box<TypeRef>),
}

impl TypeRef {
    /// A JSON value, alone or inside an `Option`, a `Vec` or a map.
    pub fn is_json(&self) -> bool {
        match self {
            TypeRef::Json => true,
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => inner.is_json(),
            _ => false,
        }
    }
}

/// A resource id type the SDK config declares (`[ids] TaskId = ["TaskResponse.id", "task_id"]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdType {
    /// Rust name, unique in `crate::types`.
    pub name: String,
    /// The places it is used, as the config names them (`TaskResponse.id`, `task_id`).
    pub places: Vec<String>,
}

/// A waiter: polls an operation until a status field of its answer is terminal.
#[derive(Debug, Clone)]
pub struct Waiter {
    /// The resource it is a method of (`tasks`).
    pub resource: String,
    /// Method name (`wait_until_done`).
    pub method_name: String,
    /// Builder struct name (`WaitUntilDone`).
    pub builder_name: String,
    /// The polled operation's method on the resource (`get`).
    pub operation: String,
    /// The polled operation's builder (`Get`).
    pub operation_builder: String,
    /// HTTP method and path of the polled operation, for docs and the timeout error.
    pub http_method: String,
    /// Path template of the polled operation.
    pub path: String,
    /// The polled operation's path parameters: the waiter's arguments.
    pub path_params: Vec<Param>,
    /// What the operation returns.
    pub response: TypeRef,
    /// Rust name of the status field.
    pub field: String,
    /// Whether the status field is optional (`Option<Status>`).
    pub field_optional: bool,
    /// The status enum.
    pub status_enum: String,
    /// Its terminal variants (Rust names), in config order.
    pub terminal: Vec<String>,
    /// Their wire values, for docs.
    pub terminal_wire: Vec<String>,
}

/// An operation group, reached as `client.<name>()`.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Accessor and module name (`tasks`).
    pub name: String,
    /// Struct name (`Tasks`).
    pub type_name: String,
    /// Doc text (from the tag).
    pub docs: Option<String>,
    /// Operations sorted by method name.
    pub operations: Vec<Operation>,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// operationId as written (or derived from method and path when missing).
    pub id: String,
    /// Method on the resource (`create`).
    pub method_name: String,
    /// Builder struct name (`Create`).
    pub builder_name: String,
    /// HTTP method, upper case.
    pub http_method: String,
    /// Path template relative to the base URL.
    pub path: String,
    /// Summary and description.
    pub docs: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// Path parameters in template order: method arguments.
    pub path_params: Vec<Param>,
    /// Query, header and cookie parameters: builder setters.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<RequestBody>,
    /// What `send()` returns.
    pub response: ResponseShape,
    /// Pagination, when the operation lists pages.
    pub pagination: Option<Pagination>,
    /// A header that makes retries of this operation safe (`Idempotency-Key`).
    pub idempotency_header: Option<String>,
    /// Plain HTTP or a WebSocket upgrade.
    pub transport: Transport,
    /// The spec says `security: []`: sent without credentials.
    pub anonymous: bool,
    /// A WebSocket operation's query parameter that filters the messages by their tag, with a
    /// typed setter taking the tag enum.
    pub tag_filter: Option<TagFilter>,
}

/// A query parameter listing tag values of a stream's message union (`types=task.created,…`).
#[derive(Debug, Clone)]
pub struct TagFilter {
    /// Rust name of the parameter's builder field (`types`).
    pub param: String,
    /// Name of the typed setter (`event_types`).
    pub setter: String,
    /// The enum of the tag values (`EventType`).
    pub enum_type: String,
    /// The parameter is one string of comma-separated values (else a list of strings).
    pub comma_separated: bool,
}

impl Operation {
    /// The body's encoding when the body is a method argument: a required body of one value
    /// (multipart bodies are built part by part with setters, optional ones with a setter).
    pub fn body_argument(&self) -> Option<&BodyEncoding> {
        self.body
            .as_ref()
            .filter(|b| b.required)
            .map(|b| &b.encoding)
            .filter(|e| !matches!(e, BodyEncoding::Multipart(_)))
    }
}

/// How the operation talks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// A request and a response.
    Http,
    /// A WebSocket whose server messages have this type.
    WebSocket(TypeRef),
}

/// A WebSocket message type, with how to read its event id (for resuming and de-duplicating).
#[derive(Debug, Clone)]
pub struct StreamMessage {
    /// The message type.
    pub ty: TypeRef,
    /// Where its event id is.
    pub event_id: EventId,
}

/// Where the event id of a stream message is.
#[derive(Debug, Clone)]
pub enum EventId {
    /// The message carries none.
    None,
    /// A string field of the message struct.
    Field(IdField),
    /// A union: per variant (in order), the id field of its struct, if any; the catch-all
    /// variant of a tagged union reads `id` from the JSON value.
    Variants {
        /// Variant name and its id field.
        variants: Vec<(String, Option<IdField>)>,
        /// The catch-all variant of a tagged union.
        unknown: Option<String>,
    },
}

/// A string id field of a struct.
#[derive(Debug, Clone)]
pub struct IdField {
    /// Rust field name.
    pub name: String,
    /// Whether the field is `Option<String>` (else `String`).
    pub optional: bool,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

/// Query serialisation styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form`, exploded (`a=1&a=2`) or not (`a=1,2`).
    Form {
        /// Explode arrays and objects.
        explode: bool,
    },
    /// `a=1%202`.
    SpaceDelimited,
    /// `a=1|2`.
    PipeDelimited,
    /// `a[x]=1`.
    DeepObject,
}

/// A parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Rust name (argument or setter).
    pub name: String,
    /// Wire name.
    pub wire: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type.
    pub ty: TypeRef,
    /// Required.
    pub required: bool,
    /// Query style.
    pub style: QueryStyle,
    /// Doc text.
    pub docs: Option<String>,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// Required.
    pub required: bool,
    /// How it is encoded.
    pub encoding: BodyEncoding,
    /// Doc text.
    pub docs: Option<String>,
}

/// Request body encodings.
#[derive(Debug, Clone)]
pub enum BodyEncoding {
    /// JSON (also `+json` and parameters); the content type as written.
    Json(TypeRef, String),
    /// `application/x-www-form-urlencoded`.
    Form(TypeRef),
    /// `multipart/form-data` with these parts.
    Multipart(Vec<MultipartPart>),
    /// Raw bytes with a content type.
    Bytes(String),
    /// Text with a content type.
    Text(String),
}

/// One multipart part.
#[derive(Debug, Clone)]
pub struct MultipartPart {
    /// Rust setter name.
    pub name: String,
    /// Part name.
    pub wire: String,
    /// A file part (bytes) or a value part.
    pub file: bool,
    /// Value type for non-file parts.
    pub ty: TypeRef,
    /// Required.
    pub required: bool,
}

/// What a successful call gives back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseShape {
    /// Nothing useful (204, or no content declared).
    Empty,
    /// A JSON value of this type.
    Json(TypeRef),
    /// Text.
    Text,
    /// A byte stream.
    Stream,
    /// A typed stream of server-sent events carrying this type.
    EventStream(TypeRef),
    /// Several documented successes with different bodies: an enum (this name) with a variant
    /// per status.
    Outcomes(String, Vec<Outcome>),
}

/// One documented success of an operation with several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Variant name.
    pub name: String,
    /// Status code (`200`) or range start (`2` for `2XX`).
    pub status: StatusMatch,
    /// The body.
    pub body: Box<ResponseShape>,
}

/// Which statuses an outcome covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    /// Exactly this status.
    Code(u16),
    /// A range such as `2XX` (the digit).
    Range(u16),
}

/// List pagination.
#[derive(Debug, Clone)]
pub enum Pagination {
    /// `limit`/`offset` query parameters.
    Offset {
        /// Rust name of the offset setter field.
        offset_param: String,
        /// Rust name of the page-size (`limit`) field, if the operation has one.
        limit_param: Option<String>,
        /// How to get the items and total out of a page.
        page: PageAccess,
        /// Rust field name holding the total, if any.
        total_field: Option<String>,
    },
    /// A cursor query parameter.
    Cursor {
        /// Rust name of the cursor parameter field.
        cursor_param: String,
        /// How to get the items out of a page.
        page: PageAccess,
        /// Rust field name holding the next cursor.
        next_field: String,
        /// When the cursor is the last item's id (Stripe's `starting_after`), the item field.
        from_last_item: Option<String>,
    },
}

/// Where a page's items are.
#[derive(Debug, Clone)]
pub struct PageAccess {
    /// Rust field name of the items array; `None` when the response is the array.
    pub items_field: Option<String>,
    /// Item type.
    pub item: TypeRef,
    /// Whether the items field is optional in the page type.
    pub items_optional: bool,
}

/// A webhook event the API sends to the user's endpoint.
#[derive(Debug, Clone)]
pub struct WebhookEvent {
    /// Name as in the spec (`task.created`).
    pub name: String,
    /// Payload type.
    pub payload: Option<TypeRef>,
    /// Doc text.
    pub docs: Option<String>,
}

/// The type `crate::webhooks::Webhook` decodes payloads as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookPayload {
    /// No event declares a payload type: JSON values.
    Json,
    /// Every payload has this type (one type, or a union in the spec that covers them all).
    Type(TypeRef),
    /// Several payload types: an untagged `WebhookPayload` enum with these variants (name,
    /// type), tried in order, the one with the most required fields first.
    Untagged(Vec<(String, TypeRef)>),
}

/// Something the generator could not represent faithfully.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// JSON pointer or operation id.
    pub location: String,
    /// What was done instead.
    pub message: String,
    /// What sort of problem it is, for grouping.
    pub kind: DiagnosticKind,
}

/// What sort of problem a diagnostic reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DiagnosticKind {
    /// A construct the generator does not support; something simpler was generated instead.
    Unsupported,
    /// A type represented more loosely than the spec states (a JSON value, an untagged union).
    LossyType,
    /// A reference that is not followed.
    UnresolvedReference,
    /// Something the spec uses but does not declare.
    Undeclared,
    /// The SDK config asks for something the spec does not offer.
    Config,
    /// A value of the wrong JSON type that the reader repaired or dropped to read the document.
    Repaired,
}

impl DiagnosticKind {
    /// Every kind, in order.
    pub const ALL: [DiagnosticKind; 6] = [
        DiagnosticKind::Unsupported,
        DiagnosticKind::LossyType,
        DiagnosticKind::UnresolvedReference,
        DiagnosticKind::Undeclared,
        DiagnosticKind::Config,
        DiagnosticKind::Repaired,
    ];

    /// A short label (`lossy type`).
    pub fn label(self) -> &'static str {
        match self {
            DiagnosticKind::Unsupported => "unsupported construct",
            DiagnosticKind::LossyType => "lossy type",
            DiagnosticKind::UnresolvedReference => "unresolved reference",
            DiagnosticKind::Undeclared => "undeclared",
            DiagnosticKind::Config => "config mismatch",
            DiagnosticKind::Repaired => "repaired input",
        }
    }
}

impl std::fmt::Display for DiagnosticKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}: {}", self.kind, self.location, self.message)
    }
}

impl Diagnostic {
    /// A diagnostic of `kind` at `location`.
    pub fn new(
        kind: DiagnosticKind,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            location: location.into(),
            message: message.into(),
            kind,
        }
    }
}
