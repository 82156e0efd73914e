//! Changes of the webhook events: events added or removed, payloads that change type.

use super::{Changes, Group, Side, pair};
use crate::diff::surface::Surface;

pub(super) fn webhooks(old: &Surface, new: &Surface, out: &mut Changes) {
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
