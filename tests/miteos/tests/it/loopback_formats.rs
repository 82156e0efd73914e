//! `format: date-time`, `date` and friends decode into typed values, and a value that is not one is a
//! decode error naming the field and the value.

use std::time::{Duration, SystemTime};

use http::Method;
use miteos::{Date, Error, Timestamp};
use miteos_tests::server::{Canned, TestServer};
use serde_json::json;

fn billing(start: &str) -> serde_json::Value {
    json!({"plan": "pro", "billing_period_start": start, "billing_period_end": "2025-01-31",
           "tasks_used": 12, "tasks_limit": 100, "agents_minutes": 340.5,
           "credits_remaining": 12.25})
}

#[tokio::test]
async fn dates_and_times_decode_into_typed_values() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        "/v1/billing",
        Canned::json(200, &billing("2025-01-01")),
    );
    server.on(
        Method::GET,
        "/v1/webhooks/whk_1",
        Canned::json(
            200,
            &json!({"id": "whk_1", "url": "https://example.com/hook", "events": [],
                    "created_at": "2025-01-15T12:23:44.250+02:00"}),
        ),
    );
    let client = server.client();

    let bill = client.billing().get().send().await.expect("billing");
    let start: Date = bill.billing_period_start;
    assert_eq!((start.year(), start.month(), start.day()), (2025, 1, 1));
    assert!(bill.billing_period_end > start);
    assert_eq!(bill.billing_period_end.to_string(), "2025-01-31");

    let hook = client
        .webhooks()
        .get("whk_1")
        .send()
        .await
        .expect("webhook");
    let created: Timestamp = hook.created_at;
    assert_eq!(
        created.to_string(),
        "2025-01-15T10:23:44.250Z",
        "kept as UTC"
    );
    let since_epoch = SystemTime::try_from(created)
        .expect("in SystemTime's range")
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("after 1970");
    assert_eq!(since_epoch, Duration::from_millis(1_736_936_624_250));
}

#[tokio::test]
async fn an_impossible_date_is_a_decode_error_naming_the_field_and_the_value() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        "/v1/billing",
        Canned::json(200, &billing("2025-02-30")),
    );

    let err = server
        .client()
        .billing()
        .get()
        .send()
        .await
        .expect_err("2025-02-30 is not a date");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("billing_period_start"), "{message}");
    assert!(message.contains("2025-02-30"), "{message}");
    assert_eq!(server.requests().len(), 1, "a decode error is not retried");
}
