//! Error answers of a loopback server as the generated `miteos` crate reports them: status, `detail` (plain and
//! FastAPI validation lists), rate limit, request id, retries, proxy pages, undecodable bodies, timeouts,
//! refused connections and client misconfiguration. Every error is also checked for the API key, which must
//! never show in its `Display`, `Debug` or source chain.

use std::error::Error as _;
use std::time::Duration;

use http::Method;
use miteos::types::TaskCreate;
use miteos::{Error, ErrorDetail};
use miteos_tests::server::{API_KEY, Canned, RATE_LIMIT, TestServer};
use serde_json::json;

/// Fails when the API key (or its secret part) shows anywhere in the error's texts.
#[track_caller]
fn assert_key_hidden(err: &Error) {
    let secret_part = API_KEY.trim_start_matches("mt_test_");
    let mut texts = vec![err.to_string(), format!("{err:?}"), format!("{err:#?}")];
    let mut source = err.source();
    while let Some(inner) = source {
        texts.push(inner.to_string());
        texts.push(format!("{inner:?}"));
        source = inner.source();
    }
    for text in texts {
        assert!(
            !text.contains(secret_part),
            "the API key shows in an error: {text}"
        );
    }
}

fn billing_json() -> serde_json::Value {
    json!({"plan": "free", "billing_period_start": "2025-01-01", "billing_period_end": "2025-01-31",
           "tasks_used": 1, "tasks_limit": 10, "agents_minutes": 0.5, "credits_remaining": 0.0})
}

#[tokio::test]
async fn not_found_carries_status_detail_rate_limit_and_request_id() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        "/v1/tasks/task_missing",
        Canned::json(404, &json!({"detail": "task not found"}))
            .header("x-request-id", "req_404")
            .header("x-ratelimit-remaining", "17"),
    );

    let err = server
        .client()
        .tasks()
        .get("task_missing")
        .send()
        .await
        .expect_err("404");

    assert_eq!(err.status(), Some(404));
    assert_eq!(err.detail().as_deref(), Some("task not found"));
    let rate_limit = err.rate_limit().expect("rate limit on the error");
    assert_eq!(rate_limit.limit, Some(RATE_LIMIT));
    assert_eq!(rate_limit.remaining, Some(17));
    assert_eq!(err.request_id(), Some("req_404"));
    assert!(!err.is_retryable());
    let api = err.api_error().expect("an API error");
    assert_eq!(api.method, Method::GET);
    assert_eq!(api.path, "/tasks/{task_id}");
    assert_eq!(
        api.detail,
        Some(ErrorDetail::Message("task not found".to_owned()))
    );
    assert_eq!(api.body, Some(json!({"detail": "task not found"})));
    assert_eq!(
        err.to_string(),
        "GET /tasks/{task_id}: 404 Not Found: task not found (request id req_404)"
    );
    assert_key_hidden(&err);
    assert_eq!(server.requests().len(), 1, "a 404 is not retried");
}

#[tokio::test]
async fn a_fastapi_validation_error_decodes_into_typed_issues() {
    let server = TestServer::start().await;
    server.on(
        Method::POST,
        "/v1/tasks",
        Canned::json(
            422,
            &json!({"detail": [
                {"loc": ["body", "prompt"], "msg": "field required", "type": "missing"},
                {"loc": ["body", "config", "max_agents"], "msg": "Input should be less than or equal to 10",
                 "type": "less_than_equal", "input": 50, "ctx": {"le": 10}}
            ]}),
        ),
    );

    let err = server
        .client()
        .tasks()
        .create(TaskCreate::new(""))
        .send()
        .await
        .expect_err("422");

    assert_eq!(err.status(), Some(422));
    assert_eq!(
        err.detail().as_deref(),
        Some(
            "body.prompt: field required; body.config.max_agents: Input should be less than or equal to 10"
        )
    );
    let Some(ErrorDetail::Validation(issues)) = &err.api_error().expect("API error").detail else {
        panic!("expected validation issues: {err:?}");
    };
    assert_eq!(issues.len(), 2);
    assert_eq!(issues[0].loc, [json!("body"), json!("prompt")]);
    assert_eq!(issues[0].msg, "field required");
    assert_eq!(issues[0].kind, "missing");
    assert_eq!(issues[0].location(), "body.prompt");
    assert_eq!(issues[1].kind, "less_than_equal");
    assert_eq!(issues[1].location(), "body.config.max_agents");
    // The same body as the type the spec documents for 422.
    let typed = err
        .body_as::<miteos::types::HttpValidationError>()
        .expect("HTTPValidationError");
    assert_eq!(typed.detail.expect("detail").len(), 2);
    assert!(err.body_as::<miteos::types::TaskResponse>().is_none());
    assert!(err.rate_limit().is_some());
    assert_key_hidden(&err);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn client_errors_401_402_403_are_reported_once_each() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        "/v1/billing",
        Canned::json(401, &json!({"detail": "Invalid API key"}))
            .header("www-authenticate", "Bearer"),
    );
    server.on(
        Method::POST,
        "/v1/commerce/cards",
        Canned::json(
            402,
            &json!({"detail": "Virtual cards need the Business plan"}),
        ),
    );
    server.on(
        Method::GET,
        "/v1/trading/brokers",
        Canned::json(
            403,
            &json!({"detail": "Trading is not enabled for this workspace"}),
        ),
    );
    let client = server.client();

    let unauthorized = client.billing().get().send().await.expect_err("401");
    let payment = client
        .commerce()
        .create_card(miteos::types::CardCreate::new("Ads", 10.0))
        .send()
        .await
        .expect_err("402");
    let forbidden = client
        .trading()
        .list_brokers()
        .send()
        .await
        .expect_err("403");

    for (err, status, detail) in [
        (&unauthorized, 401, "Invalid API key"),
        (&payment, 402, "Virtual cards need the Business plan"),
        (&forbidden, 403, "Trading is not enabled for this workspace"),
    ] {
        assert_eq!(err.status(), Some(status), "{err}");
        assert_eq!(err.detail().as_deref(), Some(detail));
        assert!(!err.is_retryable(), "{err}");
        assert!(err.rate_limit().is_some(), "{err}");
        assert_key_hidden(err);
    }
    assert_eq!(
        unauthorized
            .api_error()
            .and_then(|api| api.headers.get("www-authenticate"))
            .and_then(|v| v.to_str().ok()),
        Some("Bearer")
    );
    assert_eq!(server.requests().len(), 3, "4xx answers are not retried");
}

#[tokio::test]
async fn a_500_on_a_get_is_retried_twice_by_default_then_reported() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        "/v1/billing",
        Canned::json(500, &json!({"detail": "Internal Server Error"})),
    );
    let client = server.client();

    let err = client.billing().get().send().await.expect_err("500");
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.detail().as_deref(), Some("Internal Server Error"));
    assert!(err.is_retryable());
    assert_key_hidden(&err);
    assert_eq!(server.requests().len(), 3, "one attempt and two retries");

    let err = client
        .billing()
        .get()
        .max_retries(0)
        .send()
        .await
        .expect_err("500 without retries");
    assert_eq!(err.status(), Some(500));
    assert_eq!(server.requests().len(), 4, "max_retries(0) sends once");
}

#[tokio::test]
async fn a_get_succeeds_after_a_503_and_a_post_is_not_replayed_after_a_500() {
    let server = TestServer::start().await;
    server.on_sequence(
        Method::GET,
        "/v1/billing",
        vec![
            Canned::json(503, &json!({"detail": "try again"})),
            Canned::json(200, &billing_json()),
        ],
    );
    server.on(
        Method::POST,
        "/v1/tasks",
        Canned::json(500, &json!({"detail": "Internal Server Error"})),
    );
    let client = server.client();

    let billing = client
        .billing()
        .get()
        .send_with_response()
        .await
        .expect("retried");
    assert_eq!(billing.status(), 200);
    assert_eq!(server.requests().len(), 2);

    // POST /tasks has no idempotency key: a 500 leaves its fate unknown, so it is not sent twice.
    let err = client
        .tasks()
        .create(TaskCreate::new("x"))
        .send()
        .await
        .expect_err("500");
    assert_eq!(err.status(), Some(500));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_429_is_retried_even_for_a_post_honouring_retry_after() {
    let server = TestServer::start().await;
    let created = json!({"id": "ws_1", "name": "w", "description": null, "status": "active",
                         "file_count": 0, "created_at": "2025-01-15T10:23:44Z"});
    server.on_sequence(
        Method::POST,
        "/v1/workspaces",
        vec![
            Canned::json(429, &json!({"detail": "Rate limit exceeded"}))
                .header("retry-after", "0")
                .header("x-ratelimit-remaining", "0"),
            Canned::json(201, &created),
        ],
    );
    let client = server.client();

    let workspace = client
        .workspaces()
        .create(miteos::types::WorkspaceCreate::new("w"))
        .send()
        .await
        .expect("retried after the 429");
    assert_eq!(workspace.id, "ws_1");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].body, requests[1].body,
        "the same body both times"
    );

    server.on(
        Method::GET,
        "/v1/memory",
        Canned::json(429, &json!({"detail": "Rate limit exceeded"})).header("retry-after", "7"),
    );
    let err = client
        .memory()
        .list()
        .max_retries(0)
        .send()
        .await
        .expect_err("429");
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn an_html_502_page_from_a_proxy_is_an_api_error_with_an_excerpt() {
    let server = TestServer::start().await;
    let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    server.on(
        Method::GET,
        "/v1/integrations",
        Canned::bytes(502, "text/html", page).header("x-ratelimit-limit", "1000"),
    );

    let err = server
        .client()
        .integrations()
        .list()
        .max_retries(0)
        .send()
        .await
        .expect_err("502");

    assert_eq!(err.status(), Some(502));
    assert_eq!(err.detail(), None);
    let api = err.api_error().expect("API error");
    assert_eq!(api.body, None, "not JSON");
    assert_eq!(api.body_excerpt, page);
    assert_eq!(err.to_string(), "GET /integrations: 502 Bad Gateway");
    assert!(err.is_retryable());
    assert_key_hidden(&err);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn invalid_json_on_a_200_is_a_decode_error_with_status_and_excerpt() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        "/v1/webhooks",
        Canned::bytes(
            200,
            "application/json",
            "[{\"id\": \"whk_8Tg3mQ1s\", \"url\": ",
        ),
    );
    server.on(
        Method::GET,
        "/v1/webhooks/whk_1",
        Canned::json(200, &json!({"id": "whk_1", "events": "not a list"})),
    );
    let client = server.client();

    let err = client.webhooks().list().send().await.expect_err("bad JSON");
    let Error::Decode {
        status,
        body_excerpt,
        path,
        ..
    } = &err
    else {
        panic!("expected a decode error: {err:?}");
    };
    assert_eq!(*status, http::StatusCode::OK);
    assert_eq!(*path, "/webhooks");
    assert_eq!(body_excerpt, "[{\"id\": \"whk_8Tg3mQ1s\", \"url\": ");
    assert_eq!(err.status(), Some(200));
    assert!(err.to_string().contains("whk_8Tg3mQ1s"), "{err}");
    assert!(err.source().is_some(), "the serde error is the source");
    assert_key_hidden(&err);

    let err = client
        .webhooks()
        .get("whk_1")
        .send()
        .await
        .expect_err("wrong shape");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(err.status(), Some(200));
    assert_eq!(server.requests().len(), 2, "a decode error is not retried");
}

#[tokio::test]
async fn a_body_above_the_size_limit_is_refused() {
    let server = TestServer::start().await;
    let big = vec![b'x'; 4096];
    server.on(
        Method::GET,
        "/v1/tasks/t/deliverables/d/download",
        Canned::bytes(200, "application/octet-stream", big.clone()),
    );
    server.on(
        Method::GET,
        "/v1/memory",
        Canned::bytes(200, "application/json", big),
    );
    let client = server
        .client_builder()
        .max_response_bytes(1024)
        .build()
        .expect("client");

    let err = client.memory().list().send().await.expect_err("too large");
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(200));
    let stream = client
        .tasks()
        .download_deliverable("t", "d")
        .send()
        .await
        .expect("the stream starts");
    let err = stream.collect_bytes().await.expect_err("too large");
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        "/v1/billing",
        Canned::json(200, &billing_json()).delayed(Duration::from_secs(5)),
    );

    let started = std::time::Instant::now();
    let err = server
        .client()
        .billing()
        .get()
        .request_timeout(Duration::from_millis(100))
        .max_retries(0)
        .send()
        .await
        .expect_err("timeout");

    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.status(), None);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(err.to_string(), "GET /billing: timed out after 100 ms");
    assert_key_hidden(&err);
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_retried_as_never_sent() {
    // A port that was just free: nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let client = miteos::Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://127.0.0.1:{port}/v1"))
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .expect("client");

    let err = client
        .tasks()
        .create(TaskCreate::new("x"))
        .send()
        .await
        .expect_err("refused");

    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(err.status(), None);
    assert!(err.to_string().starts_with("POST /tasks: "), "{err}");
    assert!(!err.to_string().contains("127.0.0.1"), "no URL in {err}");
    assert_key_hidden(&err);
}

#[tokio::test]
async fn the_api_key_never_shows_in_debug_output_or_build_errors() {
    let server = TestServer::start().await;
    let client = server.client();
    let secret_part = API_KEY.trim_start_matches("mt_test_");

    let shown = [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{:?}", server.client_builder()),
        format!(
            "{:?}",
            client
                .tasks()
                .get("t")
                .extra_header("Authorization", &format!("Bearer {API_KEY}"))
        ),
    ];
    for text in &shown {
        assert!(!text.contains(secret_part), "the API key shows: {text}");
    }
    assert!(shown[0].contains("***"), "{}", shown[0]);

    // A key that is not a valid header value: the error says so without echoing it.
    let err = miteos::Client::builder()
        .api_key(format!("{API_KEY}\n"))
        .base_url(server.base_url())
        .build()
        .expect_err("invalid key");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert_key_hidden(&err);

    let err = client
        .billing()
        .get()
        .extra_header("X-Api-Key", &format!("{API_KEY}\r\n"))
        .send()
        .await
        .expect_err("invalid header value");
    assert!(matches!(err, Error::Build { .. }), "{err:?}");
    assert_key_hidden(&err);

    let err = miteos::Client::builder()
        .api_key(API_KEY)
        .base_url("ftp://files.example.com")
        .build()
        .expect_err("bad base URL");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert_key_hidden(&err);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_download_is_retried_after_a_503_and_reports_a_404_with_its_detail() {
    let server = TestServer::start().await;
    server.on_sequence(
        Method::GET,
        "/v1/tasks/task_1/deliverables/dlvr_1/download",
        vec![
            Canned::json(503, &json!({"detail": "storage warming up"})),
            Canned::bytes(200, "text/markdown", "# Competitor pricing\n").header(
                "content-disposition",
                "attachment; filename=\"competitor-pricing.md\"",
            ),
        ],
    );
    server.on(
        Method::GET,
        "/v1/tasks/task_1/deliverables/dlvr_gone/download",
        Canned::json(404, &json!({"detail": "deliverable not found"})),
    );
    let client = server.client();

    let bytes = client
        .tasks()
        .download_deliverable("task_1", "dlvr_1")
        .send()
        .await
        .expect("retried after the 503")
        .collect_bytes()
        .await
        .expect("body");
    assert_eq!(&bytes[..], b"# Competitor pricing\n");
    assert_eq!(server.requests().len(), 2);

    let err = client
        .tasks()
        .download_deliverable("task_1", "dlvr_gone")
        .send()
        .await
        .map(drop)
        .expect_err("404");
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.detail().as_deref(), Some("deliverable not found"));
    assert!(err.rate_limit().is_some());
    assert_eq!(
        err.api_error().map(|api| api.path),
        Some("/tasks/{task_id}/deliverables/{deliverable_id}/download")
    );
    assert_key_hidden(&err);
    assert_eq!(server.requests().len(), 3);
}
