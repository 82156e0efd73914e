//! Bad and unusual responses from loopback servers: each becomes a typed error, never a panic; rate-limit and
//! request-id headers are read on success and on errors.

use std::time::{Duration, Instant};

use crate::http_support::*;
use futures_util::StreamExt;
use http::Method;
use sdkgen_runtime::{Error, ErrorDetail, RequestOptions};
use serde_json::Value;

#[derive(Debug, serde::Deserialize)]
struct Task {
    #[allow(dead_code)]
    id: String,
    priority: u32,
}

async fn get_task(url: &str) -> Result<Task, Error> {
    let client = client_for(url).build().unwrap();
    let mut request = client.request(Method::GET, "/tasks/{task_id}");
    request.path_param("task_id", "t1");
    request.send_json::<Task>().await.map(|r| r.into_inner())
}

#[tokio::test]
async fn invalid_json_is_a_decode_error_with_an_excerpt() {
    let server = serve(|_| Canned::json_text(200, r#"{"id": "t1", "priority": 1,,}"#)).await;
    let err = get_task(&server.base_url()).await.unwrap_err();
    match &err {
        Error::Decode {
            status,
            body_excerpt,
            ..
        } => {
            assert_eq!(status.as_u16(), 200);
            assert!(body_excerpt.starts_with(r#"{"id": "t1""#));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(err.status(), Some(200));
    let shown = err.to_string();
    assert!(
        shown.starts_with("GET /tasks/{task_id}: 200 OK: could not decode the response body: "),
        "{shown}"
    );
    assert!(!shown.contains('\n'));
}

#[tokio::test]
async fn wrong_types_are_a_decode_error() {
    let server = serve(|_| Canned::json_text(200, r#"{"id": 5, "priority": "high"}"#)).await;
    let err = get_task(&server.base_url()).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("invalid type"), "{err}");
}

#[tokio::test]
async fn empty_200_is_a_decode_error() {
    let server = serve(|_| Canned::json_text(200, "")).await;
    let err = get_task(&server.base_url()).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().ends_with("(empty body)"), "{err}");
}

#[tokio::test]
async fn html_error_page_from_a_proxy_is_an_api_error() {
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "x".repeat(5000)
    );
    let server =
        serve(move |_| Canned::raw(502, &[("content-type", "text/html")], page.clone())).await;
    let client = server.client().max_retries(0).build().unwrap();
    let err = client
        .request(Method::GET, "/tasks")
        .send_json::<Value>()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(err.detail(), None);
    let api = err.api_error().unwrap();
    assert!(api.body.is_none());
    assert!(api.body_excerpt.starts_with("<html>") && api.body_excerpt.len() <= 512);
    assert_eq!(err.to_string(), "GET /tasks: 502 Bad Gateway");
}

/// A server whose first `bad` connections send half a body (`Content-Length: 100`) and close.
async fn truncating(bad: usize) -> TestServer {
    serve(move |r| {
        if r.connection < bad {
            let half = r#"{"id": "t1","#;
            Canned::json_text(200, half).truncated(100 - half.len())
        } else {
            Canned::json_text(200, r#"{"id": "t1", "priority": 2}"#)
        }
    })
    .await
}

#[tokio::test]
async fn truncated_body_is_a_transport_error_after_retries() {
    let server = truncating(usize::MAX).await;
    let err = get_task(&server.base_url()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(
        err.to_string().contains("reading the response body"),
        "{err}"
    );
    assert_eq!(
        server.request_count(),
        3,
        "a GET whose body broke is retried"
    );

    // A POST whose answer broke off was processed: not sent again.
    let server = truncating(usize::MAX).await;
    let client = client_for(&server.base_url()).build().unwrap();
    let err = client
        .request(Method::POST, "/tasks")
        .send_json::<Value>()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_body_that_broke_once_is_fetched_again() {
    let server = truncating(1).await;
    let task = get_task(&server.base_url()).await.unwrap();
    assert_eq!(task.priority, 2);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn streamed_body_beyond_the_limit_stops_reading() {
    // 64 MiB offered in 64 KiB chunks, limit 1 MiB.
    let body = bytes::Bytes::from(vec![b'x'; 64 << 20]);
    let server =
        serve(move |_| Canned::raw(200, &[], body.clone()).chunked(64 << 10, Duration::ZERO)).await;
    let client = server.client().max_response_bytes(1 << 20).build().unwrap();
    let started = Instant::now();
    let err = client
        .request(Method::GET, "/export")
        .send_json::<Value>()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::BodyTooLarge {
                limit: 1_048_576,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "GET /export: 200 OK: response body is larger than the limit of 1048576 bytes"
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    // A declared content length over the limit fails before reading.
    let server = serve(|_| Canned::json_text(200, vec![b' '; 4096])).await;
    let client = server.client().max_response_bytes(1024).build().unwrap();
    let err = client
        .request(Method::GET, "/export")
        .send_text()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");

    // A stream is not limited while read chunk by chunk, only when collected.
    let body = bytes::Bytes::from(vec![b'x'; 3 << 20]);
    let server =
        serve(move |_| Canned::raw(200, &[], body.clone()).chunked(64 << 10, Duration::ZERO)).await;
    let client = server.client().max_response_bytes(1 << 20).build().unwrap();
    let mut stream = client
        .request(Method::GET, "/export")
        .send_stream()
        .await
        .unwrap()
        .into_inner();
    let mut total = 0;
    while let Some(chunk) = stream.next().await {
        total += chunk.unwrap().len();
    }
    assert_eq!(total, 3 << 20);
    let stream = client
        .request(Method::GET, "/export")
        .send_stream()
        .await
        .unwrap()
        .into_inner();
    assert!(matches!(
        stream.collect_bytes().await,
        Err(Error::BodyTooLarge { .. })
    ));
}

#[tokio::test]
async fn slow_server_times_out() {
    let server = serve(|_| Canned::json_text(200, "{}").delayed(Duration::from_secs(5))).await;
    let client = server
        .client()
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .request(Method::GET, "/slow")
        .send_json::<Value>()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.is_timeout() && err.is_retryable());
    assert_eq!(err.to_string(), "GET /slow: timed out after 200 ms");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.request_count(), 2, "a GET that timed out is retried");

    // A POST that timed out may have been processed: not retried. Per-request timeout overrides the client.
    let mut request = client.request(Method::POST, "/slow");
    request.options(RequestOptions {
        timeout: Some(Duration::from_millis(100)),
        ..Default::default()
    });
    let err = request.send_empty().await.unwrap_err();
    assert_eq!(err.to_string(), "POST /slow: timed out after 100 ms");
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn slow_body_times_out_but_a_stream_does_not() {
    // Four pieces of "abc", each after 150 ms.
    let server =
        serve(|_| Canned::raw(200, &[], "abcabcabcabc").chunked(3, Duration::from_millis(150)))
            .await;
    let client = server
        .client()
        .timeout(Duration::from_millis(300))
        .max_retries(0)
        .build()
        .unwrap();
    let err = client
        .request(Method::GET, "/drip")
        .send_text()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    let body = client
        .request(Method::GET, "/drip")
        .send_stream()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(&body.collect_bytes().await.unwrap()[..], b"abcabcabcabc");
}

#[tokio::test]
async fn fastapi_validation_errors_are_typed() {
    let server = serve(|_| {
        let body = r#"{"detail":[{"loc":["body","name"],"msg":"Field required","type":"missing","input":{}}]}"#;
        Canned::raw(422, &[("content-type", "application/json"), ("request-id", "r-42")], body)
    })
    .await;
    let client = server.client().build().unwrap();
    let err = client
        .request(Method::POST, "/tasks")
        .send_empty()
        .await
        .unwrap_err();
    assert_eq!(server.request_count(), 1);
    assert_eq!(err.status(), Some(422));
    assert_eq!(err.request_id(), Some("r-42"));
    match &err.api_error().unwrap().detail {
        Some(ErrorDetail::Validation(issues)) => {
            assert_eq!(issues[0].location(), "body.name");
            assert_eq!(issues[0].kind, "missing");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "POST /tasks: 422 Unprocessable Entity: body.name: Field required (request id r-42)"
    );
    assert_eq!(
        err.api_error().unwrap().body.as_ref().unwrap()["detail"][0]["msg"],
        "Field required"
    );
}

#[tokio::test]
async fn rate_limit_headers_on_success_and_error() {
    let server = serve(|r| {
        let headers = [
            ("X-RateLimit-Limit", "100"),
            ("X-RateLimit-Remaining", "42"),
            ("x-request-id", "abc"),
        ];
        if r.path.ends_with("/ok") {
            Canned::raw(200, &headers, r#"{"a":1}"#)
        } else {
            Canned::raw(404, &headers, r#"{"error":{"message":"no such thing"}}"#)
        }
    })
    .await;
    let client = server.client().build().unwrap();
    let ok = client
        .request(Method::GET, "/ok")
        .send_json::<Value>()
        .await
        .unwrap();
    let rl = ok.rate_limit().unwrap();
    assert_eq!((rl.limit, rl.remaining), (Some(100), Some(42)));
    assert_eq!(ok.request_id(), Some("abc"));
    assert_eq!(ok.headers()["x-ratelimit-limit"], "100");

    let err = client
        .request(Method::GET, "/missing")
        .send_json::<Value>()
        .await
        .unwrap_err();
    let rl = err.rate_limit().unwrap();
    assert_eq!((rl.limit, rl.remaining), (Some(100), Some(42)));
    assert_eq!(err.detail().as_deref(), Some("no such thing"));
    assert_eq!(client.last_rate_limit().unwrap().remaining, Some(42));
}

#[tokio::test]
async fn send_raw_returns_every_status_for_typed_decoding() {
    let server = serve(|r| {
        if r.path.ends_with("/a") {
            Canned::json_text(202, r#"{"job":"j1"}"#)
        } else {
            Canned::json_text(409, r#"{"message":"busy"}"#)
        }
    })
    .await;
    let client = server.client().max_retries(0).build().unwrap();
    let raw = client.request(Method::POST, "/a").send_raw().await.unwrap();
    assert_eq!(raw.status(), 202);
    let job: Value = raw.json().unwrap();
    let response = raw.into_response(job);
    assert_eq!(response.value()["job"], "j1");

    let raw = client.request(Method::POST, "/b").send_raw().await.unwrap();
    assert_eq!(raw.status(), 409);
    assert!(!raw.is_success());
    assert_eq!(raw.text().unwrap(), r#"{"message":"busy"}"#);
    assert!(matches!(raw.json::<Vec<u8>>(), Err(Error::Decode { .. })));
    let err = raw.into_error();
    assert_eq!(err.to_string(), "POST /b: 409 Conflict: busy");
}

/// Whether `T` can move to another thread and be polled without pinning.
fn send_and_unpin<T: Send + Unpin>(value: T) -> T {
    value
}

#[tokio::test]
async fn send_decoded_hands_every_status_to_the_decoder_and_nothing_is_sent_before_the_first_poll()
{
    #[derive(Debug, PartialEq)]
    enum Outcome {
        Accepted(Value),
        Busy,
    }
    fn decode(
        raw: sdkgen_runtime::RawResponse,
    ) -> Result<sdkgen_runtime::Response<Outcome>, Error> {
        let value = match raw.status() {
            202 => Outcome::Accepted(raw.json()?),
            409 => Outcome::Busy,
            _ => return Err(raw.into_error()),
        };
        Ok(raw.into_response(value))
    }
    let server = serve(|r| {
        if r.path.ends_with("/a") {
            Canned::json_text(202, r#"{"job":"j1"}"#)
        } else if r.path.ends_with("/b") {
            Canned::json_text(409, r#"{"message":"busy"}"#)
        } else {
            Canned::json_text(404, r#"{"detail":"no such thing"}"#)
        }
    })
    .await;
    let client = server.client().max_retries(0).build().unwrap();
    let accepted = send_and_unpin(client.request(Method::POST, "/a").send_decoded(decode));
    let busy = send_and_unpin(
        client
            .request(Method::POST, "/b")
            .send_decoded(decode)
            .into_value(),
    );
    let dropped = client
        .request(Method::POST, "/dropped")
        .send_decoded(decode);
    drop(dropped);
    assert!(
        server.requests().is_empty(),
        "a future sends nothing before it is polled"
    );

    let accepted = accepted.await.unwrap();
    assert_eq!(accepted.status(), 202);
    assert_eq!(
        *accepted.value(),
        Outcome::Accepted(serde_json::json!({"job": "j1"}))
    );
    assert_eq!(busy.await.unwrap(), Outcome::Busy);
    let err = client
        .request(Method::POST, "/c")
        .send_decoded(decode)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
    for (path, end) in paths.iter().zip(["/a", "/b", "/c"]) {
        assert!(path.ends_with(end), "{paths:?}");
    }
}

#[tokio::test]
async fn text_and_empty_bodies() {
    let server = serve(|r| match r.path.as_str() {
        "/v1/text" => Canned::raw(200, &[("content-type", "text/plain")], "héllo"),
        "/v1/binary" => Canned::raw(200, &[], vec![0xff, 0xfe]),
        _ => Canned::raw(204, &[], ""),
    })
    .await;
    let client = server.client().build().unwrap();
    assert_eq!(
        client
            .request(Method::GET, "/text")
            .send_text()
            .await
            .unwrap()
            .into_inner(),
        "héllo"
    );
    let err = client
        .request(Method::GET, "/binary")
        .send_text()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let empty = client
        .request(Method::DELETE, "/tasks")
        .send_empty()
        .await
        .unwrap();
    assert_eq!(empty.status(), 204);
}
