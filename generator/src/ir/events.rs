//! Events the API sends: WebSocket stream messages with their event ids, and webhook payloads.

use super::TypeRef;

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
