//! Retry policy against loopback servers: which failures are retried, how long the client waits, and that a
//! non-idempotent request whose fate is unknown is never sent twice.

use std::time::{Duration, Instant};

use crate::http_support::*;
use http::Method;
use sdkgen_runtime::{Error, RequestOptions};
use serde_json::Value;
use tokio::io::AsyncWriteExt;

#[tokio::test]
async fn retries_503_then_succeeds() {
    let server = serve(|r| {
        if r.index == 0 {
            Canned::json_text(503, r#"{"detail":"busy"}"#)
        } else {
            Canned::json_text(200, r#"{"ok":true}"#)
        }
    })
    .await;
    let client = server.client().build().unwrap();
    let response = client
        .request(Method::GET, "/status")
        .send_json::<Value>()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.value()["ok"], true);
    assert_eq!(server.request_count(), 2);
    assert_eq!(
        server.connection_count(),
        1,
        "the 503's body was drained and its connection reused"
    );
}

#[tokio::test]
async fn honours_retry_after_seconds_on_429() {
    let server = serve(|r| {
        if r.index == 0 {
            Canned::raw(429, &[("retry-after", "1")], r#"{"detail":"slow down"}"#)
        } else {
            Canned::json_text(200, "{}")
        }
    })
    .await;
    let client = server.client().build().unwrap();
    let started = Instant::now();
    // POST without an idempotency key: a 429 says the server did not act, so it is retried anyway.
    client
        .request(Method::POST, "/tasks")
        .send_json::<Value>()
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(950) && waited < Duration::from_millis(1800),
        "{waited:?}"
    );
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn retry_after_beyond_the_cap_returns_the_error_at_once() {
    let server = serve(|_| {
        Canned::raw(
            429,
            &[("retry-after", "3600"), ("x-request-id", "req_1")],
            r#"{"detail":"quota"}"#,
        )
    })
    .await;
    let client = server.client().build().unwrap();
    let started = Instant::now();
    let err = client
        .request(Method::GET, "/quota")
        .send_json::<Value>()
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.request_count(), 1);
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(err.request_id(), Some("req_1"));
    assert!(err.is_retryable());
    assert_eq!(
        err.to_string(),
        "GET /quota: 429 Too Many Requests: quota (request id req_1)"
    );
}

#[tokio::test]
async fn retry_after_ms_is_preferred() {
    let server = serve(|r| {
        if r.index == 0 {
            Canned::raw(503, &[("retry-after-ms", "150"), ("retry-after", "30")], "")
        } else {
            Canned::json_text(200, "{}")
        }
    })
    .await;
    let client = server.client().build().unwrap();
    let started = Instant::now();
    client
        .request(Method::GET, "/x")
        .send_empty()
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(140) && waited < Duration::from_secs(2),
        "{waited:?}"
    );
}

#[tokio::test]
async fn connection_reset_before_any_byte_is_retried() {
    // A raw TCP server: a TCP reset before any byte of the answer is below what an HTTP server can send.
    let server = raw_serve(|mut stream, n, heads| async move {
        if n == 0 {
            // Close without reading or answering.
            reset(stream);
        } else {
            read_request(&mut stream, &heads).await;
            write_ok(&mut stream, r#"{"id":"t1"}"#).await;
        }
    })
    .await;
    let client = client_for(&server.base_url()).build().unwrap();
    let task: Value = client
        .request(Method::GET, "/tasks/t1")
        .send_json()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(task["id"], "t1");
    assert_eq!(server.connection_count(), 2);
}

/// A server that reads the request, then cuts the connection without answering on connection 0, and answers
/// on later connections. A raw TCP server: the reset comes where an HTTP server would send its answer.
async fn cut_after_request() -> RawServer {
    raw_serve(|mut stream, n, heads| async move {
        read_request(&mut stream, &heads).await;
        if n == 0 {
            reset(stream);
        } else {
            write_ok(&mut stream, r#"{"id":"t2"}"#).await;
            let _ = stream.shutdown().await;
        }
    })
    .await
}

#[tokio::test]
async fn post_cut_after_sending_is_not_retried() {
    let server = cut_after_request().await;
    let client = client_for(&server.base_url()).build().unwrap();
    let mut request = client.request(Method::POST, "/tasks");
    request.json(&serde_json::json!({"name": "x"}));
    let err = request.send_json::<Value>().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(server.heads().len(), 1, "the server saw the POST once");
    assert!(
        err.to_string()
            .starts_with("POST /tasks: connection failed"),
        "{err}"
    );
}

#[tokio::test]
async fn post_with_idempotency_key_is_retried_with_the_same_key() {
    let server = cut_after_request().await;
    let client = client_for(&server.base_url()).build().unwrap();
    let mut request = client.request(Method::POST, "/tasks");
    request
        .json(&serde_json::json!({"name": "x"}))
        .idempotency_header("Idempotency-Key");
    let task: Value = request.send_json().await.unwrap().into_inner();
    assert_eq!(task["id"], "t2");
    let heads = server.heads();
    assert_eq!(heads.len(), 2);
    let keys: Vec<_> = heads
        .iter()
        .map(|h| head_header(h, "idempotency-key").unwrap())
        .collect();
    assert_eq!(keys[0], keys[1]);
    assert_eq!(keys[0].len(), 36);
}

#[tokio::test]
async fn caller_provided_idempotency_key_wins() {
    let server = serve(|r| {
        if r.index == 0 {
            Canned::json_text(500, "{}")
        } else {
            Canned::json_text(200, "{}")
        }
    })
    .await;
    let client = server.client().build().unwrap();
    let mut options = RequestOptions::default();
    options.insert_header("Idempotency-Key", "my-key-1");
    let mut request = client.request(Method::POST, "/tasks");
    request
        .idempotency_header("Idempotency-Key")
        .options(options);
    request.send_empty().await.unwrap();
    let keys: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("idempotency-key").unwrap().to_owned())
        .collect();
    assert_eq!(keys, ["my-key-1", "my-key-1"]);
}

#[tokio::test]
async fn post_500_without_key_is_not_retried() {
    let server = serve(|_| Canned::json_text(500, r#"{"detail":"boom"}"#)).await;
    let client = server.client().build().unwrap();
    let err = client
        .request(Method::POST, "/tasks")
        .send_empty()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn persistent_500_makes_one_plus_max_retries_attempts() {
    let server = serve(|_| Canned::json_text(500, r#"{"detail":"boom"}"#)).await;
    let client = server.client().max_retries(3).build().unwrap();
    let err = client
        .request(Method::GET, "/tasks")
        .send_json::<Value>()
        .await
        .unwrap_err();
    assert_eq!(server.request_count(), 4);
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.detail().as_deref(), Some("boom"));

    // The default is 2 retries; per-request options override the client.
    let default_client = server.client().build().unwrap();
    default_client
        .request(Method::GET, "/tasks")
        .send_empty()
        .await
        .unwrap_err();
    assert_eq!(server.request_count(), 4 + 3);
    let mut request = default_client.request(Method::GET, "/tasks");
    request.options(RequestOptions {
        max_retries: Some(0),
        ..Default::default()
    });
    request.send_empty().await.unwrap_err();
    assert_eq!(server.request_count(), 4 + 3 + 1);
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    // Bind and drop to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = client_for(&format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .request(Method::POST, "/tasks")
        .send_empty()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("POST /tasks: could not connect"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn client_waits_for_rate_limit_reset_when_asked() {
    let server = serve(|r| {
        if r.index == 0 {
            Canned::raw(
                200,
                &[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1")],
                "{}",
            )
        } else {
            Canned::raw(200, &[("x-ratelimit-remaining", "9")], "{}")
        }
    })
    .await;
    let client = server.client().wait_on_rate_limit(true).build().unwrap();
    client
        .request(Method::GET, "/a")
        .send_empty()
        .await
        .unwrap();
    let started = Instant::now();
    client
        .request(Method::GET, "/a")
        .send_empty()
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(2),
        "{waited:?}"
    );
    assert_eq!(client.last_rate_limit().unwrap().remaining, Some(9));

    // Off by default: no wait.
    let server = serve(|_| Canned::raw(200, &[("x-ratelimit-remaining", "0")], "{}")).await;
    let client = server.client().build().unwrap();
    let started = Instant::now();
    for _ in 0..3 {
        client
            .request(Method::GET, "/a")
            .send_empty()
            .await
            .unwrap();
    }
    assert!(started.elapsed() < Duration::from_millis(500));
}

#[tokio::test]
async fn connect_timeout_is_retried_for_any_method() {
    // A listener with a full accept queue that never accepts: further SYNs go unanswered.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..16 {
        match tokio::time::timeout(
            Duration::from_millis(100),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            Ok(Ok(stream)) => fillers.push(stream),
            _ => break,
        }
    }
    let client = client_for(&format!("http://{addr}"))
        .connect_timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .request(Method::POST, "/tasks")
        .send_empty()
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("POST /tasks: could not connect"),
        "{err}"
    );
    // Three attempts of 150 ms each: nothing was sent, so even a POST is retried.
    assert!(
        elapsed >= Duration::from_millis(440) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
    drop(listener);
}

#[tokio::test]
async fn multipart_bodies_are_rebuilt_for_every_attempt() {
    let server = serve(|r| {
        if r.index == 0 {
            Canned::json_text(503, "{}")
        } else {
            Canned::json_text(200, "{}")
        }
    })
    .await;
    let client = server.client().build().unwrap();
    let mut form = sdkgen_runtime::multipart::Multipart::new();
    form.value("purpose", "upload");
    let mut request = client.request(Method::PUT, "/files/{name}");
    request.path_param("name", "a.txt").multipart(form);
    request.send_empty().await.unwrap();
    let seen = server.requests();
    assert_eq!(seen.len(), 2, "a 503 is retried, body included");
    // Each attempt gets a fresh boundary; the parts are the same.
    assert_eq!(seen[0].body.len(), seen[1].body.len());
    for request in &seen {
        assert!(
            String::from_utf8_lossy(&request.body).contains("name=\"purpose\"\r\n\r\nupload\r\n")
        );
    }
}
