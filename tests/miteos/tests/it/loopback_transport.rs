//! How the generated `miteos` crate's runtime copes with the transport, against a loopback server: bodies that
//! arrive slowly or break off, redirects within and out of the API's origin, and server-requested waits.

use std::time::{Duration, Instant};

use http::Method;
use miteos::Error;
use miteos::types::TaskCreate;
use miteos_tests::server::{API_KEY, AssertCall, Canned, TestServer};
use serde_json::{Value, json};

fn billing_json() -> Value {
    json!({"plan": "business", "billing_period_start": "2025-01-01", "billing_period_end": "2025-01-31",
           "tasks_used": 42, "tasks_limit": 500, "agents_minutes": 318.5, "credits_remaining": 1250.0})
}

#[tokio::test]
async fn a_buffered_body_slower_than_the_timeout_times_out() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        "/v1/billing",
        Canned::json(200, &billing_json()).trickled(5, Duration::from_millis(100)),
    );

    let err = server
        .client()
        .billing()
        .get()
        .request_timeout(Duration::from_millis(200))
        .max_retries(0)
        .send()
        .await
        .expect_err("the whole body must arrive within the timeout");

    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn a_streamed_download_is_not_cut_by_the_timeout() {
    let server = TestServer::start().await;
    let bytes: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    server.on(
        Method::GET,
        "/v1/tasks/t/deliverables/d/download",
        Canned::bytes(200, "application/octet-stream", bytes.clone())
            .trickled(4, Duration::from_millis(150)),
    );

    let started = Instant::now();
    let received = server
        .client()
        .tasks()
        .download_deliverable("t", "d")
        .request_timeout(Duration::from_millis(300))
        .send()
        .await
        .expect("headers arrive at once")
        .collect_bytes()
        .await
        .expect("the body may take longer than the timeout");

    assert!(started.elapsed() >= Duration::from_millis(600));
    assert!(received[..] == bytes[..], "downloaded bytes differ");
}

#[tokio::test]
async fn a_get_whose_body_breaks_off_is_retried() {
    let server = TestServer::start().await;
    server.on_sequence(
        Method::GET,
        "/v1/billing",
        vec![
            Canned::json(200, &billing_json()).truncated(100),
            Canned::json(200, &billing_json()),
        ],
    );

    let billing = server
        .client()
        .billing()
        .get()
        .send()
        .await
        .expect("the second attempt succeeds");

    assert_eq!(billing.tasks_used, 42);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_post_whose_answer_breaks_off_is_not_replayed() {
    let server = TestServer::start().await;
    server.on(
        Method::POST,
        "/v1/tasks",
        Canned::json(201, &json!({"id": "task_1"})).truncated(100),
    );

    let err = server
        .client()
        .tasks()
        .create(TaskCreate::new("x"))
        .send()
        .await
        .expect_err("broken off");

    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(
        server.requests().len(),
        1,
        "the task may exist: not sent twice"
    );
}

#[tokio::test]
async fn a_redirect_within_the_api_origin_is_followed_with_the_key() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        "/v1/billing",
        Canned::empty(307).header("location", "/v1/billing/current"),
    );
    server.on(
        Method::GET,
        "/v1/billing/current",
        Canned::json(200, &billing_json()),
    );

    let billing = server
        .client()
        .billing()
        .get()
        .send()
        .await
        .expect("followed");

    assert_eq!(billing.tasks_limit, 500);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    requests[1].assert_call(Method::GET, "/v1/billing/current");
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed() {
    let server = TestServer::start().await;
    let elsewhere = TestServer::start().await;
    elsewhere.on(
        Method::GET,
        "/v1/billing",
        Canned::json(200, &billing_json()),
    );
    server.on(
        Method::GET,
        "/v1/billing",
        Canned::empty(302).header("location", &format!("{}/billing", elsewhere.base_url())),
    );

    let err = server
        .client()
        .billing()
        .get()
        .send()
        .await
        .expect_err("not followed");

    assert_eq!(err.status(), Some(302));
    assert!(
        elsewhere.requests().is_empty(),
        "the API key went to another origin: {:?}",
        elsewhere.requests()
    );
    assert!(!format!("{err:?}").contains(API_KEY));
}

#[tokio::test]
async fn a_retry_after_beyond_the_maximum_is_reported_at_once() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        "/v1/billing",
        Canned::json(429, &json!({"detail": "Rate limit exceeded"}))
            .header("retry-after", "3600")
            .header("x-ratelimit-remaining", "0"),
    );

    let started = Instant::now();
    let err = server
        .client()
        .billing()
        .get()
        .send()
        .await
        .expect_err("429");

    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(err.rate_limit().and_then(|r| r.remaining), Some(0));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn wait_on_rate_limit_holds_the_next_request_until_the_reset() {
    let server = TestServer::start().await;
    server.on_sequence(
        Method::GET,
        "/v1/billing",
        vec![
            Canned::json(200, &billing_json())
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", "0.4"),
            Canned::json(200, &billing_json()),
        ],
    );
    let client = server
        .client_builder()
        .wait_on_rate_limit(true)
        .build()
        .expect("client");

    client.billing().get().send().await.expect("first");
    let started = Instant::now();
    client.billing().get().send().await.expect("second");

    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "held back only {:?}",
        started.elapsed()
    );
    assert_eq!(server.requests().len(), 2);
}
