//! `into_stream()` and `into_pages()` of the paginated list operations against a loopback server that
//! honours `limit` and `offset` over a thousand items: every item exactly once, in order, with as many
//! requests as pages; whole pages with their offset, the total, and their response's head.

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

/// Serves `TOTAL` tasks like `serve_tasks`, each page's response naming its offset in `x-request-id`.
fn serve_tasks_with_heads(server: &TestServer, cap: usize) {
    server.on_fn(Method::GET, "/v1/tasks", move |request| {
        let (limit, offset) = page_bounds(request, 20);
        let end = (offset + limit.min(cap)).min(TOTAL);
        let tasks: Vec<Value> = (offset.min(end)..end).map(task).collect();
        Canned::json(200, &json!({"tasks": tasks, "total": TOTAL}))
            .header("x-request-id", &format!("req_{offset}"))
            .header("x-ratelimit-limit", "600")
            .header("x-ratelimit-remaining", &(600 - offset / 10).to_string())
    });
}

#[tokio::test]
async fn tasks_into_pages_yields_each_page_with_its_offset_total_and_head() {
    let server = TestServer::start().await;
    serve_tasks_with_heads(&server, 100);
    let client = server.client();

    let mut pages = client.tasks().list().limit(80).into_pages();
    let mut offsets = Vec::new();
    let mut ids = Vec::new();
    let mut last = None;
    while let Some(page) = pages.next().await {
        let page = page.expect("a page");
        assert_eq!(page.total(), Some(TOTAL as u64));
        assert_eq!(page.cursor(), None);
        let offset = page.offset().expect("offset pages know their offset");
        assert_eq!(page.request_id(), Some(format!("req_{offset}").as_str()));
        let rate_limit = page.rate_limit().expect("rate-limit headers");
        assert_eq!(rate_limit.remaining, Some(600 - offset / 10));
        offsets.push(offset);
        ids.extend(page.items().iter().map(|t| t.id.to_string()));
        last = Some(page);
    }

    // 1,000 items in pages of 80: twelve full pages and a last one of 40; the total ends the
    // stream without asking for an empty page.
    let expected_offsets: Vec<u64> = (0..13).map(|p| p * 80).collect();
    assert_eq!(offsets, expected_offsets);
    let last = last.expect("a last page");
    assert_eq!(last.len(), 40);
    assert_eq!(last.items()[39].id.as_str(), "task_0999");
    let expected: Vec<String> = (0..TOTAL).map(|i| format!("task_{i:04}")).collect();
    assert_eq!(ids, expected);
    assert_eq!(server.requests().len(), 13);
}

#[tokio::test]
async fn pages_from_an_offset_are_fetched_only_when_taken() {
    let server = TestServer::start().await;
    serve_tasks_with_heads(&server, 30);
    let client = server.client();

    let mut pages = client.tasks().list().limit(50).offset(900).into_pages();
    let first = pages.next().await.expect("a page").expect("ok");
    assert_eq!(server.requests().len(), 1, "one request for the first page");
    assert_eq!((first.offset(), first.len()), (Some(900), 30));

    let rest: Vec<_> = pages.collect().await;
    let shape: Vec<(Option<u64>, usize)> = rest
        .into_iter()
        .map(|p| p.expect("a page"))
        .map(|p| (p.offset(), p.len()))
        .collect();
    // The server caps pages at 30: the offset advances by what came, up to the total.
    assert_eq!(shape, [(Some(930), 30), (Some(960), 30), (Some(990), 10)]);
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn a_failing_page_ends_the_page_stream_with_its_error() {
    let server = TestServer::start().await;
    server.on_fn(Method::GET, "/v1/deployments", |request| {
        let (limit, offset) = page_bounds(request, 20);
        if offset >= 100 {
            return Canned::json(404, &json!({"detail": "gone"}));
        }
        let deployments: Vec<Value> = (offset..offset + limit).map(deployment).collect();
        Canned::json(200, &json!({"deployments": deployments, "total": TOTAL}))
    });
    let client = server.client();

    let pages: Vec<_> = client
        .deployments()
        .list()
        .limit(50)
        .into_pages()
        .collect()
        .await;

    assert_eq!(pages.len(), 3);
    assert!(
        pages[..2]
            .iter()
            .all(|p| p.as_ref().is_ok_and(|p| p.len() == 50))
    );
    let error = pages[2].as_ref().expect_err("the third page fails");
    assert_eq!(error.status(), Some(404));
}
