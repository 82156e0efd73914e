//! Tests without a network (the `mock` feature): [`MockTransport`] answers each attempt from canned
//! [`MockResponse`]s chosen by method and path template, and records every request it was sent, so the code
//! under test runs the whole SDK path (builders, encoding, hooks, retries, decoding, errors, pagination)
//! with no server.
//!
//! Rules are tried in the order they were added; a rule with several responses gives them one per matching
//! attempt and then repeats the last, so a sequence of pages, or a 503 followed by a success, is a list. An
//! attempt no rule matches is answered `404` with a `detail` naming it.
//!
//! WebSocket streams (`EventStream`) are scripted too: [`MockTransport::on_websocket`] gives the
//! connections to a path, each a list of messages and how it ends, so code that consumes a
//! subscription is tested without a server:
//!
//! ```
//! # async fn demo(builder: sdkgen_runtime::ClientBuilder) -> Result<(), sdkgen_runtime::Error> {
//! use futures_util::StreamExt;
//! use sdkgen_runtime::mock::{MockTransport, ScriptedConnection};
//! use sdkgen_runtime::websocket::{EventStream, StreamEvent, StreamOptions};
//!
//! #[derive(serde::Deserialize)]
//! struct Event { id: String }
//! impl StreamEvent for Event {
//!     fn event_id(&self) -> Option<&str> { Some(&self.id) }
//! }
//!
//! let mock = MockTransport::new();
//! mock.on_websocket("/events", [ScriptedConnection::new()
//!     .json(&serde_json::json!({"id": "evt_1"}))
//!     .json(&serde_json::json!({"id": "evt_1"}))  // a replay: dropped
//!     .close(1000, "done")]);
//! let client = builder.transport(mock.clone()).build()?;
//! let stream: EventStream<Event> =
//!     sdkgen_runtime::websocket::connect(&client, "/events", Vec::new(), StreamOptions::default())?;
//! let ids: Vec<String> = stream.map(|event| event.map(|e| e.id)).filter_map(|e| async { e.ok() }).collect().await;
//! assert_eq!(ids, ["evt_1"]);
//! # Ok(()) }
//! ```

use ::std::string::{String, ToString};
use ::std::sync::{Arc, Mutex};
use ::std::vec::Vec;

use crate::{Operation, Transport, TransportFuture};

pub use crate::hook::ScriptedConnection;

/// A canned answer: status, headers and body.
#[derive(Debug, Clone)]
pub struct MockResponse {
    status: http::StatusCode,
    headers: http::HeaderMap,
    body: bytes::Bytes,
}

impl MockResponse {
    /// An answer with `status` and an empty body.
    pub fn status(status: u16) -> Self {
        MockResponse {
            status: http::StatusCode::from_u16(status)
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            headers: http::HeaderMap::new(),
            body: bytes::Bytes::new(),
        }
    }

    /// A `200` answer whose body is `value` as JSON (a model of the SDK, or a `serde_json::Value`).
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Self {
        MockResponse::status(200).with_json(value)
    }

    /// An error answer as the API sends one: `{"detail": detail}` with `status`.
    pub fn error(status: u16, detail: &str) -> Self {
        MockResponse::status(status).with_json(&serde_json::json!({ "detail": detail }))
    }

    /// Replaces the body with `value` as JSON.
    pub fn with_json<T: serde::Serialize + ?Sized>(mut self, value: &T) -> Self {
        // Serializing a model or a `Value` into memory does not fail; an impossible value gives `null`.
        self.body = serde_json::to_vec(value)
            .unwrap_or_else(|_| b"null".to_vec())
            .into();
        self.header("content-type", "application/json")
    }

    /// Replaces the body with `body`, sent as `content_type`.
    pub fn with_body(mut self, body: impl Into<bytes::Bytes>, content_type: &str) -> Self {
        self.body = body.into();
        self.header("content-type", content_type)
    }

    /// Sets a header (e.g. `Retry-After`, rate-limit headers, `x-request-id`). An invalid name or value is
    /// left out.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(value),
        ) {
            self.headers.insert(name, value);
        }
        self
    }

    fn to_reqwest(&self) -> reqwest::Response {
        let mut response = http::Response::new(self.body.clone());
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        reqwest::Response::from(response)
    }
}

/// A request the mock was sent, as the SDK encoded it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: http::Method,
    /// Path template of the operation, e.g. `/tasks/{task_id}`.
    pub operation: &'static str,
    /// The path sent, parameters filled in, e.g. `/v1/tasks/t_1`.
    pub path: String,
    /// Query parameters in the order sent, decoded.
    pub query: Vec<(String, String)>,
    /// Headers, credentials among them.
    pub headers: http::HeaderMap,
    /// The body; empty when there was none (a multipart body is streamed and not kept).
    pub body: bytes::Bytes,
    /// The attempt's number, from 1.
    pub attempt: u32,
}

impl RecordedRequest {
    /// A header's value, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The first value of query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

struct Rule {
    method: http::Method,
    path: String,
    responses: Vec<MockResponse>,
    used: usize,
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    requests: Vec<RecordedRequest>,
    streams: Vec<(String, ::std::collections::VecDeque<ScriptedConnection>)>,
}

/// A [`Transport`] that answers from canned responses and records requests. Cheap to clone: clones share
/// rules and records, so a test keeps one and gives a clone to
/// [`ClientBuilder::transport`](crate::ClientBuilder::transport).
#[derive(Clone, Default)]
pub struct MockTransport {
    state: Arc<Mutex<State>>,
}

impl ::std::fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        f.debug_struct("MockTransport")
            .field("rules", &state.rules.len())
            .field("requests", &state.requests.len())
            .finish()
    }
}

impl MockTransport {
    /// A mock with no rules.
    pub fn new() -> Self {
        Self::default()
    }

    /// Answers attempts of `method` on `path_template` (as the operation declares it, e.g.
    /// `/tasks/{task_id}`) with `responses`, one per attempt, the last repeated.
    pub fn on(
        &self,
        method: http::Method,
        path_template: &str,
        responses: impl IntoIterator<Item = MockResponse>,
    ) -> &Self {
        let responses: Vec<_> = responses.into_iter().collect();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.rules.push(Rule {
            method,
            path: path_template.to_string(),
            responses,
            used: 0,
        });
        self
    }

    /// Answers WebSocket connections to `path` (as connected, e.g. `/events`) with `connections`, one
    /// per connection in order: the first subscription gets the first, a reconnection the next.
    /// When they are used up, a further connection fails and the stream ends with
    /// `StreamError::Disconnected`. Each connection is recorded as a `GET` of `path` with its query
    /// (`last_event_id` on reconnections).
    pub fn on_websocket(
        &self,
        path: &str,
        connections: impl IntoIterator<Item = ScriptedConnection>,
    ) -> &Self {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state
            .streams
            .push((path.to_string(), connections.into_iter().collect()));
        self
    }

    /// Every request sent so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .requests
            .clone()
    }

    fn answer(&self, recorded: RecordedRequest) -> MockResponse {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (method, operation) = (recorded.method.clone(), recorded.operation);
        state.requests.push(recorded);
        let rule = state
            .rules
            .iter_mut()
            .find(|r| r.method == method && r.path == operation && !r.responses.is_empty());
        match rule {
            Some(rule) => {
                let i = rule.used.min(rule.responses.len() - 1);
                rule.used += 1;
                rule.responses[i].clone()
            }
            None => MockResponse::error(404, &format!("no mock answers {method} {operation}")),
        }
    }
}

impl Transport for MockTransport {
    fn websocket(&self, path: &str, query: &[(String, String)]) -> Option<ScriptedConnection> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let attempt = state
            .requests
            .iter()
            .filter(|r| r.method == http::Method::GET && r.path == path)
            .count() as u32;
        state.requests.push(RecordedRequest {
            method: http::Method::GET,
            operation: "",
            path: path.to_string(),
            query: query.to_vec(),
            headers: http::HeaderMap::new(),
            body: bytes::Bytes::new(),
            attempt,
        });
        state
            .streams
            .iter_mut()
            .find(|(p, _)| p == path)
            .and_then(|(_, connections)| connections.pop_front())
    }

    fn send(&self, operation: &Operation<'_>, request: reqwest::Request) -> TransportFuture {
        let url = request.url();
        let recorded = RecordedRequest {
            method: request.method().clone(),
            operation: operation.path,
            path: url.path().to_string(),
            query: url
                .query_pairs()
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect(),
            headers: request.headers().clone(),
            body: request
                .body()
                .and_then(reqwest::Body::as_bytes)
                .map(bytes::Bytes::copy_from_slice)
                .unwrap_or_default(),
            attempt: operation.attempt,
        };
        let response = self.answer(recorded).to_reqwest();
        Box::pin(async move { Ok(response) })
    }
}
