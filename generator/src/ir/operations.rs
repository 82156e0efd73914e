//! Operations and the groups they belong to: parameters, bodies, responses, pagination and
//! waiters.

use super::TypeRef;

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
    /// The named models of its documented error responses (read with `Error::body_as`): they
    /// compile with the operation's resource.
    pub error_types: Vec<TypeRef>,
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
    /// An example value from the spec: the parameter's `example`, else the first of its
    /// `examples`, else its schema's; as written, used only where it fits the Rust type.
    pub example: Option<serde_json::Value>,
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
    /// The media type's `example`, else the first of its `examples`, as written in the spec;
    /// used only where it fits the body's Rust type.
    pub example: Option<serde_json::Value>,
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

impl ResponseShape {
    /// The types its code names: the body, or the bodies of every outcome.
    pub fn types(&self) -> Vec<&TypeRef> {
        match self {
            ResponseShape::Json(ty) | ResponseShape::EventStream(ty) => vec![ty],
            ResponseShape::Outcomes(_, outcomes) => {
                outcomes.iter().flat_map(|o| o.body.types()).collect()
            }
            ResponseShape::Empty | ResponseShape::Text | ResponseShape::Stream => Vec::new(),
        }
    }
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
