//! Named types: structs, enums, unions, and the references to them fields and operations use.

use serde_json::Value;

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
    /// The schema's `example` (or the first of its 3.1 `examples`), as written in the spec: a
    /// value for doc examples, used only where it fits the Rust type.
    pub example: Option<Value>,
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
    /// Some required field takes a value from the caller (it has no fixed value), so `new(…)`
    /// takes those values.
    pub has_required_values: bool,
}

impl Struct {
    /// The struct has `new(…)`: it is `#[non_exhaustive]`, so a caller outside the crate builds it
    /// with `new` and setters unless it derives `Default` (a struct whose required fields all have
    /// fixed values gets an argument-less `new()`).
    pub fn has_new(&self) -> bool {
        self.has_required_values || !self.derive_default
    }

    /// The struct implements `Default`: derived when no field is required, else (every required
    /// field has a fixed value) as its argument-less `new()`.
    pub fn has_default(&self) -> bool {
        !self.has_required_values
    }
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
    /// The property's own `example` (or the first of its 3.1 `examples`), as written in the
    /// spec; the example of the object that holds it, or of the field's type, may give one too.
    pub example: Option<Value>,
}

impl Field {
    /// The name of the field's chainable setter: the field's own, except `new` and `default`,
    /// which would hide the constructor and `Default::default` (`Type::default()` finds an
    /// inherent method first): those are `set_new` and `set_default`.
    pub fn setter_name(&self) -> String {
        match crate::ident::unraw(&self.name) {
            "new" | "default" => format!("set_{}", crate::ident::unraw(&self.name)),
            _ => self.name.clone(),
        }
    }
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
    /// A resource id newtype over a string (`crate::types::TaskId`), one of [`Api::ids`](super::Api::ids):
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
