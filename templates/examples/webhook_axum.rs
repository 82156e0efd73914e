//! Receiving webhooks with axum: verify the signature (Standard Webhooks), skip redeliveries,
//! and dispatch on the event type.
//!
//! ```text
//! MITEOS_WEBHOOK_SECRET=whsec_... cargo run -p sdkgen-runtime --example webhook_axum
//! cargo run -p sdkgen-runtime --example webhook_axum -- --demo
//! ```
//!
//! `--demo` listens on a free loopback port, posts a few signed (and one forged) deliveries to
//! itself and exits. The payload here is `serde_json::Value`; a generated crate's
//! `webhooks::Webhook` decodes into its typed `types::Event` instead, so `dispatch` becomes a
//! `match` on the enum.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use sdkgen_runtime::webhooks::{
    HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, Webhook, WebhookError,
};
use serde_json::Value;

struct App {
    webhook: Webhook<Value>,
    /// Ids of recently handled events: delivery is at least once.
    seen: Mutex<RecentIds>,
}

async fn receive(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    // Verify the raw body exactly as received: parsing and re-serialising it breaks the MAC.
    let event = match app.webhook.verify(&headers, &body) {
        Ok(event) => event,
        Err(err @ WebhookError::Payload { .. }) => {
            // Genuine, but not a shape we read: a retry would not help.
            eprintln!("signed delivery with an unreadable body: {err}");
            return StatusCode::UNPROCESSABLE_ENTITY;
        }
        Err(err) => {
            // Forged, tampered, replayed late or misconfigured: never act on it.
            eprintln!("rejected delivery: {err}");
            return StatusCode::UNAUTHORIZED;
        }
    };
    // The envelope id is the de-duplication key; `webhook-id` carries the same for senders
    // that put it only in the header.
    let id = event["id"]
        .as_str()
        .or_else(|| headers.get(HEADER_ID)?.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if !app.seen.lock().unwrap().insert(id.clone()) {
        println!("{id}: already handled, acknowledged again");
        return StatusCode::NO_CONTENT;
    }
    // Answer quickly; hand slow work to a queue or a spawned task in a real service.
    dispatch(&id, &event);
    StatusCode::NO_CONTENT
}

fn dispatch(id: &str, event: &Value) {
    let text = |value: &Value| value.as_str().unwrap_or("?").to_owned();
    let data = &event["data"];
    let task = text(&event["task_id"]);
    match event["type"].as_str().unwrap_or_default() {
        "task.complete" => println!("{id}: task {task} complete"),
        "task.failed" => println!("{id}: task {task} failed"),
        "approval.required" => {
            let (agent, approval) = (text(&data["agent_id"]), text(&data["approval_id"]));
            println!(
                "{id}: agent {agent} asks to {} (risk {}): answer with POST /agents/{agent}/approve/{approval}",
                text(&data["action"]),
                text(&data["risk"]),
            );
        }
        "deployment.live" => println!("{id}: deployment live at {}", text(&data["url"])),
        "billing.credit_low" => println!("{id}: credits running low"),
        other => println!("{id}: {other} (not handled here)"),
    }
}

/// A bounded memory of handled ids (a real service would keep them in its database).
struct RecentIds {
    order: VecDeque<String>,
    set: HashSet<String>,
}

impl RecentIds {
    const CAPACITY: usize = 10_000;

    fn insert(&mut self, id: String) -> bool {
        if !self.set.insert(id.clone()) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > Self::CAPACITY {
            let oldest = self.order.pop_front().unwrap();
            self.set.remove(&oldest);
        }
        true
    }
}

fn router(secret: &str) -> Result<Router, WebhookError> {
    let app = App {
        webhook: Webhook::new(secret)?,
        seen: Mutex::new(RecentIds {
            order: VecDeque::new(),
            set: HashSet::new(),
        }),
    };
    Ok(Router::new()
        .route("/webhooks/miteos", post(receive))
        .with_state(Arc::new(app)))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().any(|arg| arg == "--demo") {
        return demo().await;
    }
    let secret = std::env::var("MITEOS_WEBHOOK_SECRET")
        .map_err(|_| "set MITEOS_WEBHOOK_SECRET to the endpoint's whsec_ secret, or pass --demo")?;
    let app = router(&secret)?;
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{addr}/webhooks/miteos");
    axum::serve(listener, app).await?;
    Ok(())
}

/// Posts signed deliveries to a server on a free loopback port, the way the API would.
async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/miteos", listener.local_addr()?);
    tokio::spawn(axum::serve(listener, router(SECRET)?).into_future());

    let signer = Webhook::<Value>::new(SECRET)?;
    let http = reqwest::Client::new();
    let now = i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs())?;
    let deliveries = [
        (
            "msg_1",
            r#"{"id":"evt_1","type":"approval.required","created_at":"2025-01-15T10:23:44Z","task_id":"task_1","agent_id":"agnt_1","data":{"approval_id":"apr_1","agent_id":"agnt_1","action":"deploy to production","risk":"high"}}"#,
            true,
        ),
        // The same delivery again (at-least-once): acknowledged, not handled twice.
        (
            "msg_1",
            r#"{"id":"evt_1","type":"approval.required","created_at":"2025-01-15T10:23:44Z","task_id":"task_1","agent_id":"agnt_1","data":{"approval_id":"apr_1","agent_id":"agnt_1","action":"deploy to production","risk":"high"}}"#,
            true,
        ),
        (
            "msg_2",
            r#"{"id":"evt_2","type":"task.complete","created_at":"2025-01-15T10:30:00Z","task_id":"task_1","data":{}}"#,
            true,
        ),
        // Signed with another secret: rejected.
        (
            "msg_3",
            r#"{"id":"evt_3","type":"task.failed","created_at":"2025-01-15T10:31:00Z","data":{}}"#,
            false,
        ),
    ];
    for (msg_id, body, genuine) in deliveries {
        let signature = if genuine {
            signer.sign(msg_id, now, body.as_bytes())
        } else {
            Webhook::<Value>::new("whsec_Zm9yZ2VkIGJ5IHNvbWVvbmUgZWxzZQ==")?.sign(
                msg_id,
                now,
                body.as_bytes(),
            )
        };
        let response = http
            .post(&url)
            .header("content-type", "application/json")
            .header(HEADER_ID, msg_id)
            .header(HEADER_TIMESTAMP, now.to_string())
            .header(HEADER_SIGNATURE, signature)
            .body(body)
            .send()
            .await?;
        println!("  -> {msg_id}: HTTP {}", response.status().as_u16());
    }
    Ok(())
}
