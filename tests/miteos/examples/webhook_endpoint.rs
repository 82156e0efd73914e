//! A Miteos webhook endpoint in axum: verify the delivery (Standard Webhooks), skip redeliveries,
//! dispatch on the typed `miteos::types::Event`.
//!
//! ```text
//! MITEOS_WEBHOOK_SECRET=whsec_... cargo run -p miteos-tests --example webhook_endpoint
//! cargo run -p miteos-tests --example webhook_endpoint -- --demo
//! ```
//!
//! `--demo` listens on a free loopback port, posts a signed delivery twice and a forged one to
//! itself, prints the answers and exits.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use miteos::types::Event;
use miteos::webhooks::{Webhook, WebhookError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct App {
    webhook: Webhook,
    /// Event ids already handled: delivery is at least once.
    seen: Mutex<HashSet<String>>,
}

async fn receive(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    // Verify the raw body as received: re-serialising it would break the signature.
    let event = match app.webhook.verify(&headers, &body) {
        Ok(event) => event,
        Err(err @ WebhookError::Payload { .. }) => {
            eprintln!("signed delivery with an unreadable body: {err}");
            return StatusCode::UNPROCESSABLE_ENTITY;
        }
        Err(err) => {
            eprintln!("rejected delivery: {err}");
            return StatusCode::UNAUTHORIZED;
        }
    };
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if !app.seen.lock().expect("not poisoned").insert(id) {
        return StatusCode::NO_CONTENT; // a redelivery: acknowledged, not handled twice
    }
    match event {
        Event::ApprovalRequired(e) => {
            println!(
                "approval {} needed for {:?} (risk {})",
                e.data.approval_id, e.data.action, e.data.risk
            )
        }
        Event::TaskComplete(e) => println!("task done: {:?}", e.task_id),
        Event::DeploymentLive(e) => println!("deployment live: {:?}", e.data.url),
        Event::Unknown(raw) => {
            println!("an event type this SDK does not know yet: {}", raw["type"])
        }
        other => println!("event: {other:?}"),
    }
    StatusCode::NO_CONTENT
}

fn router(secret: &str) -> Result<Router, WebhookError> {
    let app = Arc::new(App {
        webhook: Webhook::new(secret)?,
        seen: Mutex::new(HashSet::new()),
    });
    Ok(Router::new()
        .route("/webhooks/miteos", post(receive))
        .with_state(app))
}

/// Posts `body` with the given signature headers; returns the status line.
async fn post_raw(
    addr: std::net::SocketAddr,
    id: &str,
    timestamp: i64,
    signature: &str,
    body: &[u8],
) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /webhooks/miteos HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nwebhook-id: {id}\r\nwebhook-timestamp: {timestamp}\r\nwebhook-signature: {signature}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    stream.write_all(body).await.expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read");
    answer.lines().next().unwrap_or_default().to_owned()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let demo = std::env::args().any(|a| a == "--demo");
    let secret = match std::env::var("MITEOS_WEBHOOK_SECRET") {
        Ok(s) => s,
        Err(_) if demo => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned(),
        Err(_) => return Err("set MITEOS_WEBHOOK_SECRET (or pass --demo)".into()),
    };
    let app = router(&secret)?;
    let addr = if demo {
        "127.0.0.1:0"
    } else {
        "127.0.0.1:3000"
    };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    if !demo {
        println!("listening on http://{addr}/webhooks/miteos");
        axum::serve(listener, app).await?;
        return Ok(());
    }
    tokio::spawn(async move { axum::serve(listener, app).await });
    let body = br#"{"id":"evt_1","type":"approval.required","created_at":"2025-01-15T10:23:44Z","task_id":"task_1","agent_id":"agnt_1","data":{"approval_id":"apr_1","agent_id":"agnt_1","action":"send_email","risk":"high"}}"#;
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() as i64;
    let signature = Webhook::new(&secret)?.sign("evt_1", now, body);
    println!(
        "signed:    {}",
        post_raw(addr, "evt_1", now, &signature, body).await
    );
    println!(
        "again:     {}",
        post_raw(addr, "evt_1", now, &signature, body).await
    );
    println!(
        "forged:    {}",
        post_raw(addr, "evt_2", now, "v1,AAAA", body).await
    );
    Ok(())
}
