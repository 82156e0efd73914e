//! Hooks and deadlines against loopback servers: a hook sees and changes every attempt's request and response;
//! a deadline bounds a whole call, retries and waits included, and ends it with `Error::DeadlineExceeded`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::http_support::*;
use http::Method;
use sdkgen_runtime::{Error, Hook, Operation, RequestOptions};
use serde_json::Value;

/// Records what it saw and tags each request with its attempt number.
#[derive(Default, Clone)]
struct Recorder {
    seen: Arc<Mutex<Vec<String>>>,
}

impl Hook for Recorder {
    fn on_request(
        &self,
        operation: &Operation<'_>,
        request: &mut sdkgen_runtime::reqwest::Request,
    ) {
        self.seen.lock().unwrap().push(format!(
            "request {} {} #{}",
            operation.method, operation.path, operation.attempt
        ));
        let value = http::HeaderValue::from(operation.attempt);
        request.headers_mut().insert("x-attempt", value);
    }

    fn on_response(
        &self,
        operation: &Operation<'_>,
        response: &mut sdkgen_runtime::reqwest::Response,
    ) {
        self.seen.lock().unwrap().push(format!(
            "response {} #{}",
            response.status().as_u16(),
            operation.attempt
        ));
        // A hook may rewrite what the SDK reads: here the server's request id.
        response
            .headers_mut()
            .insert("x-request-id", http::HeaderValue::from_static("from-hook"));
    }
}

#[tokio::test]
async fn hooks_see_and_change_every_attempt() {
    let server = serve(|r| {
        if r.index == 0 {
            Canned::json_text(503, r#"{"detail":"busy"}"#)
        } else {
            Canned::json_text(200, r#"{"ok":true}"#)
        }
    })
    .await;
    let recorder = Recorder::default();
    let second = Recorder::default();
    let client = server
        .client()
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .hook(recorder.clone())
        .hook(second.clone())
        .build()
        .unwrap();
    let mut request = client.request(Method::GET, "/tasks/{task_id}");
    request.path_param("task_id", "t_1");
    let response = request.send_json::<Value>().await.unwrap();
    assert_eq!(response.value()["ok"], true);
    assert_eq!(response.request_id(), Some("from-hook"));
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        [
            "request GET /tasks/{task_id} #1",
            "response 503 #1",
            "request GET /tasks/{task_id} #2",
            "response 200 #2",
        ]
    );
    assert_eq!(*second.seen.lock().unwrap(), *recorder.seen.lock().unwrap());
    let attempts: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("x-attempt").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(attempts, ["1", "2"]);
    assert_eq!(server.requests()[0].path, "/v1/tasks/t_1");
}

#[tokio::test]
async fn client_deadline_covers_every_retry() {
    // Every attempt takes 150 ms and fails; without a deadline the client would try 5 times (750 ms+).
    let server = serve(|_| {
        Canned::json_text(503, r#"{"detail":"busy"}"#).delayed(Duration::from_millis(150))
    })
    .await;
    let client = server
        .client()
        .max_retries(4)
        .retry_backoff(Duration::from_millis(10), Duration::from_millis(10))
        .deadline(Duration::from_millis(400))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .request(Method::GET, "/status")
        .send_json::<Value>()
        .await
        .unwrap_err();
    let took = started.elapsed();
    let Error::DeadlineExceeded {
        path,
        deadline,
        attempts,
        ..
    } = &error
    else {
        panic!("expected DeadlineExceeded, got {error:?}")
    };
    assert_eq!(*path, "/status");
    assert_eq!(*deadline, Duration::from_millis(400));
    assert_eq!(*attempts, 3, "attempts at 0, 160 and 320 ms");
    assert!(
        took >= Duration::from_millis(390) && took < Duration::from_millis(700),
        "{took:?}"
    );
    assert_eq!(
        error.to_string(),
        "GET /status: deadline of 400 ms passed after 3 attempt(s)"
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_call_sets_its_own_deadline() {
    let server = serve(|_| Canned::json_text(200, "{}").delayed(Duration::from_secs(5))).await;
    let client = server
        .client()
        .deadline(Duration::from_secs(60))
        .build()
        .unwrap();
    let started = Instant::now();
    let mut request = client.request(Method::GET, "/slow");
    request.options(RequestOptions {
        deadline: Some(Duration::from_millis(200)),
        ..RequestOptions::default()
    });
    let error = request.send_json::<Value>().await.unwrap_err();
    assert!(
        matches!(error, Error::DeadlineExceeded { attempts: 1, .. }),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_wait_that_would_outlast_the_deadline_ends_the_call_at_once() {
    let server =
        serve(|_| Canned::raw(429, &[("retry-after", "2")], r#"{"detail":"slow down"}"#)).await;
    let client = server
        .client()
        .deadline(Duration::from_secs(1))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .request(Method::GET, "/limited")
        .send_json::<Value>()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::DeadlineExceeded { attempts: 1, .. }),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.request_count(), 1);
}
