//! `into_stream()` of the paginated list operations against a loopback server that honours `limit` and
//! `offset` over a thousand items: every item exactly once, in order, with as many requests as pages.

use std::pin::pin;

use futures_util::StreamExt;
use http::Method;
use miteos::types::{DeploymentStatus, TaskStatus};
use miteos_tests::server::{AssertCall, Canned, Recorded, TestServer};
use serde_json::{Value, json};

const TOTAL: usize = 1000;

/// The `limit` and `offset` of a list request; `default_limit` when the client sent none.
fn page_bounds(request: &Recorded, default_limit: usize) -> (usize, usize) {
    let number = |name: &str| {
        request
            .query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.parse::<usize>().expect("a number"))
    };
    (
        number("limit").unwrap_or(default_limit),
        number("offset").unwrap_or(0),
    )
}

fn task(i: usize) -> Value {
    json!({"id": format!("task_{i:04}"), "prompt": format!("prompt {i}"), "status": "running",
           "created_at": "2025-01-15T10:23:44Z"})
}

fn deployment(i: usize) -> Value {
    json!({"id": format!("dep_{i:04}"), "workspace_id": "ws_4fT9aQ2c", "target": "vercel", "status": "live",
           "url": format!("https://d{i}.vercel.app"), "created_at": "2025-01-14T16:40:00Z",
           "completed_at": null})
}

/// Serves `TOTAL` tasks, at most `cap` per page whatever the client asks for.
fn serve_tasks(server: &TestServer, cap: usize) {
    server.on_fn(Method::GET, "/v1/tasks", move |request| {
        let (limit, offset) = page_bounds(request, 20);
        let end = (offset + limit.min(cap)).min(TOTAL);
        let tasks: Vec<Value> = (offset.min(end)..end).map(task).collect();
        Canned::json(200, &json!({"tasks": tasks, "total": TOTAL}))
    });
}

fn query(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

#[tokio::test]
async fn tasks_into_stream_yields_every_task_once_in_order() {
    let server = TestServer::start().await;
    serve_tasks(&server, 100);
    let client = server.client();

    let tasks: Vec<_> = client
        .tasks()
        .list()
        .limit(50)
        .status(TaskStatus::Running)
        .extra_header("X-Trace-Id", "pages")
        .into_stream()
        .collect()
        .await;

    let ids: Vec<String> = tasks
        .into_iter()
        .map(|task| task.expect("a task").id.into_string())
        .collect();
    let expected: Vec<String> = (0..TOTAL).map(|i| format!("task_{i:04}")).collect();
    assert_eq!(ids, expected);

    let requests = server.requests();
    assert_eq!(
        requests.len(),
        TOTAL / 50,
        "one request per page, none after the total"
    );
    for (page, request) in requests.iter().enumerate() {
        request.assert_call(Method::GET, "/v1/tasks");
        assert_eq!(
            request.query,
            query(&[
                ("limit", "50".to_owned()),
                ("offset", (page * 50).to_string()),
                ("status", "running".to_owned()),
            ])
        );
        assert_eq!(request.header("x-trace-id"), Some("pages"));
    }
}

#[tokio::test]
async fn deployments_into_stream_yields_every_deployment_once_in_order() {
    let server = TestServer::start().await;
    server.on_fn(Method::GET, "/v1/deployments", |request| {
        let (limit, offset) = page_bounds(request, 20);
        let end = (offset + limit).min(TOTAL);
        let deployments: Vec<Value> = (offset.min(end)..end).map(deployment).collect();
        Canned::json(200, &json!({"deployments": deployments, "total": TOTAL}))
    });
    let client = server.client();

    let mut ids = Vec::new();
    let mut stream = pin!(client.deployments().list().limit(50).into_stream());
    while let Some(deployment) = stream.next().await {
        let deployment = deployment.expect("a deployment");
        assert_eq!(deployment.status, DeploymentStatus::Live);
        ids.push(deployment.id.into_string());
    }

    let expected: Vec<String> = (0..TOTAL).map(|i| format!("dep_{i:04}")).collect();
    assert_eq!(ids, expected);
    let requests = server.requests();
    assert_eq!(requests.len(), TOTAL / 50);
    for (page, request) in requests.iter().enumerate() {
        request.assert_call(Method::GET, "/v1/deployments");
        assert_eq!(
            request.raw_query.as_deref(),
            Some(format!("limit=50&offset={}", page * 50).as_str())
        );
    }
}

#[tokio::test]
async fn a_server_that_caps_the_page_below_the_limit_skips_nothing() {
    let server = TestServer::start().await;
    serve_tasks(&server, 30);
    let client = server.client();

    let ids: Vec<String> = client
        .tasks()
        .list()
        .limit(50)
        .into_stream()
        .map(|task| task.expect("a task").id.into_string())
        .collect()
        .await;

    let expected: Vec<String> = (0..TOTAL).map(|i| format!("task_{i:04}")).collect();
    assert_eq!(ids, expected);
    let offsets: Vec<(usize, usize)> = server
        .requests()
        .iter()
        .map(|r| page_bounds(r, 0))
        .collect();
    let expected_offsets: Vec<(usize, usize)> =
        (0..TOTAL.div_ceil(30)).map(|p| (50, p * 30)).collect();
    assert_eq!(offsets, expected_offsets);
}

#[tokio::test]
async fn without_a_limit_the_stream_follows_the_server_default_page_size() {
    let server = TestServer::start().await;
    serve_tasks(&server, 100);
    let client = server.client();

    let count = client.tasks().list().into_stream().count().await;

    assert_eq!(count, TOTAL);
    let requests = server.requests();
    assert_eq!(requests.len(), TOTAL / 20);
    assert_eq!(requests[0].raw_query.as_deref(), Some("offset=0"));
    assert_eq!(requests[1].raw_query.as_deref(), Some("offset=20"));
}

#[tokio::test]
async fn a_stream_starts_at_the_given_offset() {
    let server = TestServer::start().await;
    serve_tasks(&server, 100);
    let client = server.client();

    let ids: Vec<String> = client
        .tasks()
        .list()
        .limit(50)
        .offset(985)
        .into_stream()
        .map(|task| task.expect("a task").id.into_string())
        .collect()
        .await;

    let expected: Vec<String> = (985..TOTAL).map(|i| format!("task_{i:04}")).collect();
    assert_eq!(ids, expected);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let server = TestServer::start().await;
    server.on_fn(Method::GET, "/v1/tasks", |request| {
        let (limit, offset) = page_bounds(request, 20);
        if offset >= 100 {
            return Canned::json(500, &json!({"detail": "database unavailable"}));
        }
        let tasks: Vec<Value> = (offset..offset + limit).map(task).collect();
        Canned::json(200, &json!({"tasks": tasks, "total": TOTAL}))
    });
    let client = server.client();

    let items: Vec<_> = client
        .tasks()
        .list()
        .limit(50)
        .max_retries(0)
        .into_stream()
        .collect()
        .await;

    assert_eq!(items.len(), 101, "two pages, then the error, then nothing");
    assert!(items[..100].iter().all(Result::is_ok));
    let err = items[100].as_ref().expect_err("the third page fails");
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.detail().as_deref(), Some("database unavailable"));
    assert_eq!(server.requests().len(), 3);
}

/// A list stream is a named, `Unpin` type: it can live in a struct and be read with `.next().await`
/// without pinning.
#[tokio::test]
async fn a_list_stream_can_be_held_in_a_struct_and_read_without_pin() {
    struct Reader<'a> {
        tasks: miteos::ItemStream<'a, miteos::types::TaskResponse>,
        seen: usize,
    }
    let server = TestServer::start().await;
    serve_tasks(&server, 30);
    let client = server.client();

    let mut reader = Reader {
        tasks: client.tasks().list().limit(30).offset(940).into_stream(),
        seen: 0,
    };
    while let Some(task) = reader.tasks.next().await {
        task.expect("a task");
        reader.seen += 1;
    }
    assert_eq!(reader.seen, TOTAL - 940);
    assert_eq!(server.requests().len(), 2);
}
