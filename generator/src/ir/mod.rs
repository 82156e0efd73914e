//! The intermediate representation: plain data lowered from the spec, read by the emitters.
//!
//! Invariants: no tokens and no `openapiv3` types live here; every name is final (sanitised, unique
//! in its namespace) and sits beside the wire name it came from; every list is in a deterministic
//! order.

mod diagnostics;
mod events;
mod operations;
mod types;

pub use diagnostics::*;
pub use events::*;
pub use operations::*;
pub use types::*;

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
    /// `other-models`: the types no operation or webhook reaches, and what they reach, when the
    /// spec has such types.
    pub other_models: Option<String>,
    /// Type name → the features (sorted) any of which compiles it (`other-models` among them for
    /// the types it compiles). Every type is listed.
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
    /// Every feature, in order: resources (by resource name), webhooks, other models, then the
    /// capabilities.
    pub fn all(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self.resources.values().map(String::as_str).collect();
        all.extend(self.webhooks.as_deref());
        all.extend(self.other_models.as_deref());
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
