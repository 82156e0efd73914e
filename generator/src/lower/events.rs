//! What the API sends besides responses: webhook and callback payloads, WebSocket messages.

use crate::document::{Document, PathOperation, WebSocketMessage};
use crate::error::Result;
use crate::ident;
use crate::ir::{TypeRef, WebhookEvent};
use crate::lower::bodies::request_payload_type;
use crate::lower::types::TypeSpace;

/// Webhooks (3.1 `webhooks`, or `x-webhooks` in 3.0): each event's payload type.
pub(super) fn webhooks(doc: &Document, space: &mut TypeSpace<'_>) -> Result<Vec<WebhookEvent>> {
    let mut events = Vec::new();
    for webhook in &doc.webhooks {
        let op = &webhook.operation;
        let hint = format!("{}Webhook", ident::camel(&webhook.name));
        events.push(WebhookEvent {
            name: webhook.name.clone(),
            payload: request_payload_type(op, space, &hint, &webhook.at)?,
            docs: op.summary.clone().or_else(|| op.description.clone()),
        });
    }
    Ok(events)
}

/// The callbacks of an operation, as events named `<operation id>.<callback name>`.
pub(super) fn callbacks(
    space: &mut TypeSpace<'_>,
    spec: &PathOperation,
    id: &str,
) -> Result<Vec<WebhookEvent>> {
    let mut events = Vec::new();
    for callback in &spec.callbacks {
        let op = &callback.operation;
        let hint = format!(
            "{}{}Callback",
            ident::camel(id),
            ident::camel(&callback.name)
        );
        events.push(WebhookEvent {
            name: format!("{id}.{}", callback.name),
            payload: request_payload_type(op, space, &hint, &callback.at)?,
            docs: op.summary.clone().or_else(|| op.description.clone()),
        });
    }
    Ok(events)
}

/// The message type of a WebSocket operation, if it is one.
pub(super) fn websocket_message(
    space: &mut TypeSpace<'_>,
    spec: &PathOperation,
    hint: &str,
) -> Result<Option<TypeRef>> {
    match &spec.websocket {
        Some(WebSocketMessage::Schema(schema)) => {
            let at = format!("{}/x-websocket/message", spec.at);
            Ok(Some(
                space.lower(schema, &format!("{hint}Message"), &at)?.ty,
            ))
        }
        Some(WebSocketMessage::Untyped) => Ok(Some(TypeRef::Json)),
        None => Ok(None),
    }
}
