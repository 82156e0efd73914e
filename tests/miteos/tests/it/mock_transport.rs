//! `miteos::mock::MockTransport` as a user's test meets it: typed answers, API errors with `detail` and
//! `Retry-After` (retried by the SDK), pagination over canned pages, and the requests as the SDK encoded them.

use std::time::Duration;

use futures_util::StreamExt;
use miteos::http::Method;
use miteos::mock::{MockResponse, MockTransport};
use miteos::types::{TaskCreate, TaskStatus};
use serde_json::json;

fn task(id: &str) -> serde_json::Value {
    json!({"id": id, "prompt": "Build a landing page", "status": "running", "created_at": "2025-01-15T10:23:44Z"})
}

fn client(mock: &MockTransport) -> miteos::Client {
    miteos::Client::builder()
        .api_key("sk_test")
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .transport(mock.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn answers_with_a_typed_value_and_records_the_request() {
    let mock = MockTransport::new();
    mock.on(
        Method::POST,
        "/tasks",
        [MockResponse::json(&task("task_1")).header("x-request-id", "req_1")],
    );
    let client = client(&mock);
    let created = client
        .tasks()
        .create(TaskCreate::new("Build a landing page"))
        .extra_header("x-trace", "t-1")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);
    assert_eq!(created.value().id, "task_1");
    assert_eq!(created.value().status, TaskStatus::Running);
    assert_eq!(created.request_id(), Some("req_1"));

    let sent = mock.requests();
    assert_eq!(sent.len(), 1);
    let sent = &sent[0];
    assert_eq!(sent.method, Method::POST);
    assert_eq!(sent.operation, "/tasks");
    assert_eq!(sent.path, "/v1/tasks");
    assert_eq!(sent.header("authorization"), Some("Bearer sk_test"));
    assert_eq!(sent.header("x-trace"), Some("t-1"));
    assert_eq!(sent.json().unwrap()["prompt"], "Build a landing page");
}

#[tokio::test]
async fn api_errors_carry_detail_and_retry_after_and_are_retried() {
    let mock = MockTransport::new();
    mock.on(
        Method::GET,
        "/tasks/{task_id}",
        [
            MockResponse::error(503, "busy").header("retry-after", "0"),
            MockResponse::error(404, "task not found").header("x-request-id", "req_2"),
        ],
    );
    let error = client(&mock)
        .tasks()
        .get("task_x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.detail().as_deref(), Some("task not found"));
    assert_eq!(error.request_id(), Some("req_2"));
    let attempts: Vec<_> = mock
        .requests()
        .iter()
        .map(|r| (r.attempt, r.path.clone()))
        .collect();
    assert_eq!(
        attempts,
        [
            (1, "/v1/tasks/task_x".to_owned()),
            (2, "/v1/tasks/task_x".to_owned())
        ]
    );

    let mock = MockTransport::new();
    mock.on(
        Method::GET,
        "/tasks/{task_id}",
        [MockResponse::error(429, "slow down").header("retry-after", "7")],
    );
    let error = client(&mock)
        .tasks()
        .get("task_x")
        .max_retries(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn pages_through_canned_pages() {
    let mock = MockTransport::new();
    mock.on(
        Method::GET,
        "/tasks",
        [
            MockResponse::json(&json!({"tasks": [task("task_1"), task("task_2")], "total": 3})),
            MockResponse::json(&json!({"tasks": [task("task_3")], "total": 3})),
        ],
    );
    let client = client(&mock);
    let ids: Vec<String> = client
        .tasks()
        .list()
        .limit(2)
        .into_stream()
        .map(|task| task.unwrap().id.to_string())
        .collect()
        .await;
    assert_eq!(ids, ["task_1", "task_2", "task_3"]);
    let offsets: Vec<_> = mock
        .requests()
        .iter()
        .map(|r| r.query_param("offset").unwrap_or("0").to_owned())
        .collect();
    assert_eq!(offsets, ["0", "2"]);
}

#[tokio::test]
async fn an_unanswered_operation_is_a_404_naming_it() {
    let mock = MockTransport::new();
    let error = client(&mock).billing().get().send().await.unwrap_err();
    assert_eq!(error.status(), Some(404));
    assert_eq!(
        error.detail().as_deref(),
        Some("no mock answers GET /billing")
    );
}

#[test]
fn api_errors_and_responses_are_built_in_tests() {
    let mut headers = miteos::http::HeaderMap::new();
    headers.insert("retry-after", miteos::http::HeaderValue::from_static("3"));
    headers.insert(
        "x-request-id",
        miteos::http::HeaderValue::from_static("req_9"),
    );
    let api = miteos::ApiError::new(
        Method::GET,
        "/tasks/{task_id}",
        miteos::http::StatusCode::TOO_MANY_REQUESTS,
        headers.clone(),
        br#"{"detail":"slow down"}"#,
    );
    let error = miteos::Error::from(api);
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.detail().as_deref(), Some("slow down"));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3)));
    assert_eq!(error.request_id(), Some("req_9"));
    assert_eq!(
        error.to_string(),
        "GET /tasks/{task_id}: 429 Too Many Requests: slow down (request id req_9)"
    );

    let response = miteos::Response::new(miteos::http::StatusCode::CREATED, headers, 7_u32);
    assert_eq!(
        (response.status(), response.request_id(), *response.value()),
        (201, Some("req_9"), 7)
    );
}

fn event(id: &str, kind: &str) -> serde_json::Value {
    json!({"id": id, "type": kind, "created_at": "2025-01-15T10:23:44Z", "task_id": "task_1",
           "data": {"task_id": "task_1", "status": "pending", "prompt": "Build a landing page"}})
}

#[tokio::test]
async fn a_subscription_reads_scripted_connections_reconnects_and_ends_with_the_close_code() {
    use miteos::StreamError;
    use miteos::mock::ScriptedConnection;
    use miteos::types::{Event, EventType};

    let mock = MockTransport::new();
    mock.on_websocket(
        "/events",
        [
            ScriptedConnection::new()
                .json(&event("evt_1", "task.created"))
                .json(&event("evt_2", "task.archived"))
                .frame("{not json")
                .drop_connection(),
            // The reconnection: the server replays evt_2, which the stream drops, then refuses the key.
            ScriptedConnection::new()
                .json(&event("evt_2", "task.archived"))
                .json(&event("evt_3", "task.created"))
                .close(4001, "key revoked"),
        ],
    );
    let client = client(&mock);
    let stream = client
        .events()
        .subscribe()
        .event_types([EventType::TaskCreated])
        .types("task.*")
        .options(
            miteos::StreamOptions::default()
                .backoff(Duration::from_millis(1), Duration::from_millis(1)),
        )
        .send()
        .await
        .unwrap();
    let items: Vec<Result<Event, StreamError>> = stream.collect().await;

    let kinds: Vec<String> = items
        .iter()
        .map(|item| match item {
            Ok(event) => format!("{} {}", event.id().unwrap_or("-"), event.event_type()),
            Err(StreamError::Decode { .. }) => "decode error".to_owned(),
            Err(StreamError::Unauthorized { reason }) => format!("unauthorized: {reason}"),
            Err(other) => format!("other: {other}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "evt_1 task.created",
            "evt_2 task.archived",
            "decode error",
            "evt_3 task.created",
            "unauthorized: key revoked",
        ]
    );
    // Two connections: the second resumes after the last event delivered.
    let queries: Vec<Vec<(String, String)>> =
        mock.requests().into_iter().map(|r| r.query).collect();
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(
        queries,
        [
            vec![pair("types", "task.*")],
            vec![pair("types", "task.*"), pair("last_event_id", "evt_2")],
        ]
    );
}

#[tokio::test]
async fn a_subscription_without_a_scripted_connection_ends_disconnected() {
    use miteos::StreamError;

    let mock = MockTransport::new();
    let client = client(&mock);
    let items: Vec<_> = client
        .events()
        .subscribe()
        .send()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert!(
        matches!(&items[0], Err(StreamError::Disconnected { .. })),
        "{:?}",
        items[0]
    );
}
