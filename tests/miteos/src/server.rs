//! A recording HTTP/1.1 server on loopback for tests of the generated `miteos` crate.
//!
//! [`TestServer::start`] binds `127.0.0.1:0` and answers every request with the [`Canned`] response set for its
//! method and path (404 with a FastAPI-style `detail` when there is none). Every request is recorded as it
//! arrived on the wire ([`Recorded`]): method, raw path, query pairs, headers and body bytes. Every answer carries
//! `X-RateLimit-Limit` / `X-RateLimit-Remaining` unless the canned response sets them itself.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;

/// The API key every test client uses; tests check it never shows in `Debug`/`Display` output.
pub const API_KEY: &str = "mt_test_4eC39HqLyjWDarjtT1zdp7dcQ";

/// `X-RateLimit-Limit` the server sends; `X-RateLimit-Remaining` counts down from it, one per request.
pub const RATE_LIMIT: u64 = 1000;

/// The path prefix of the API (the spec's server is `https://api.miteos.com/v1`).
pub const BASE_PATH: &str = "/v1";

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Request method.
    pub method: Method,
    /// The path exactly as sent, still percent-encoded (`/v1/tasks/a%20b`).
    pub path: String,
    /// The query string as sent, without `?`.
    pub raw_query: Option<String>,
    /// The query string decoded into pairs (`application/x-www-form-urlencoded`), in order.
    pub query: Vec<(String, String)>,
    /// Request headers.
    pub headers: HeaderMap,
    /// Request body.
    pub body: Bytes,
}

impl Recorded {
    /// The value of header `name` as text, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body parsed as JSON; panics with the body when it is not JSON.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "request body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts the parts every authenticated call of the SDK shares: method, raw path, `Authorization` and
    /// `User-Agent`.
    #[track_caller]
    pub fn assert_call(&self, method: Method, path: &str) {
        assert_eq!(self.method, method, "method of {}", self.path);
        assert_eq!(self.path, path, "path");
        let bearer = format!("Bearer {API_KEY}");
        assert_eq!(self.header("authorization"), Some(bearer.as_str()));
        let agent = self.header("user-agent").unwrap_or_default();
        assert!(
            agent.starts_with("miteos-rust/"),
            "user-agent {agent:?} should start with miteos-rust/"
        );
    }

    /// Asserts a JSON body equal to `expected` with `Content-Type: application/json`.
    #[track_caller]
    pub fn assert_json_body(&self, expected: &Value) {
        assert_eq!(self.header("content-type"), Some("application/json"));
        assert_eq!(&self.json(), expected, "request body");
    }

    /// Asserts that the request has no body and no query string.
    #[track_caller]
    pub fn assert_no_body_no_query(&self) {
        assert!(
            self.body.is_empty(),
            "unexpected body {:?}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.header("content-type"), None);
        assert_eq!(self.raw_query, None, "query string");
    }
}

/// A response the server sends for a method and path.
#[derive(Debug, Clone)]
pub struct Canned {
    /// Status code.
    pub status: u16,
    /// Headers, in order (a name may repeat).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Bytes,
    /// How long to wait before answering.
    pub delay: Duration,
    /// Send the body in this many chunks with `pause` before each (0: all at once).
    pub chunks: usize,
    /// Pause before each chunk of a trickled body.
    pub pause: Duration,
    /// Declare this many bytes more in `Content-Length` than the body has, so the connection breaks off.
    pub missing_bytes: usize,
}

impl Canned {
    /// A JSON body with `Content-Type: application/json`.
    pub fn json(status: u16, body: &Value) -> Canned {
        Canned::bytes(status, "application/json", body.to_string())
    }

    /// A body of any media type.
    pub fn bytes(status: u16, content_type: &str, body: impl Into<Bytes>) -> Canned {
        Canned {
            status,
            headers: vec![("content-type".to_owned(), content_type.to_owned())],
            body: body.into(),
            delay: Duration::ZERO,
            chunks: 0,
            pause: Duration::ZERO,
            missing_bytes: 0,
        }
    }

    /// No body.
    pub fn empty(status: u16) -> Canned {
        Canned {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
            delay: Duration::ZERO,
            chunks: 0,
            pause: Duration::ZERO,
            missing_bytes: 0,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Canned {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Answers only after `delay`.
    pub fn delayed(mut self, delay: Duration) -> Canned {
        self.delay = delay;
        self
    }

    /// Sends the headers at once and the body in `chunks` pieces, each after `pause`.
    pub fn trickled(mut self, chunks: usize, pause: Duration) -> Canned {
        self.chunks = chunks;
        self.pause = pause;
        self
    }

    /// Declares `missing` bytes more in `Content-Length` than the body has: the server closes the connection
    /// after the body, as a crashed upstream would.
    pub fn truncated(mut self, missing: usize) -> Canned {
        self.missing_bytes = missing;
        self
    }
}

type Handler = Arc<dyn Fn(&Recorded) -> Canned + Send + Sync>;

enum Route {
    /// Answered in order; the last one repeats.
    Sequence(VecDeque<Canned>),
    /// Computed from the request.
    Handler(Handler),
}

#[derive(Default)]
struct State {
    requests: Mutex<Vec<Recorded>>,
    routes: Mutex<HashMap<(Method, String), Route>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not hide the recorded requests from the others.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The recording server. Stops when dropped.
pub struct TestServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Binds `127.0.0.1:0` and starts serving on the current Tokio runtime.
    pub async fn start() -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        TestServer::serve(listener)
    }

    /// Serves on a listener bound beforehand (to know the URL before a runtime exists).
    pub async fn start_on(listener: std::net::TcpListener) -> TestServer {
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        TestServer::serve(tokio::net::TcpListener::from_std(listener).expect("a Tokio listener"))
    }

    fn serve(listener: tokio::net::TcpListener) -> TestServer {
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(State::default());
        let accept_state = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let state = accept_state.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| answer(state.clone(), request));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        TestServer { addr, state, task }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The API's base URL on this server: [`TestServer::url`] followed by [`BASE_PATH`].
    pub fn base_url(&self) -> String {
        format!("{}{BASE_PATH}", self.url())
    }

    /// A client for this server with the test API key.
    pub fn client(&self) -> miteos::Client {
        self.client_builder().build().expect("client")
    }

    /// A builder for a client of this server with the test API key and short retry backoff.
    pub fn client_builder(&self) -> miteos::ClientBuilder {
        miteos::Client::builder()
            .api_key(API_KEY)
            .base_url(self.base_url())
            .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
    }

    /// Answers `method` on `path` (as sent, percent-encoded, with [`BASE_PATH`]) with `response`, every time.
    pub fn on(&self, method: Method, path: &str, response: Canned) {
        self.on_sequence(method, path, vec![response]);
    }

    /// Answers `method` on `path` with `responses` in order; the last one repeats.
    pub fn on_sequence(&self, method: Method, path: &str, responses: Vec<Canned>) {
        assert!(!responses.is_empty(), "a sequence needs a response");
        lock(&self.state.routes)
            .insert((method, path.to_owned()), Route::Sequence(responses.into()));
    }

    /// Answers `method` on `path` with what `handler` computes from the request.
    pub fn on_fn(
        &self,
        method: Method,
        path: &str,
        handler: impl Fn(&Recorded) -> Canned + Send + Sync + 'static,
    ) {
        lock(&self.state.routes)
            .insert((method, path.to_owned()), Route::Handler(Arc::new(handler)));
    }

    /// Every request received so far, in order of arrival.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.state.requests).clone()
    }

    /// The one request received so far; panics when there were none or several.
    #[track_caller]
    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request, got {:?}",
            requests
                .iter()
                .map(|r| format!("{} {}", r.method, r.path))
                .collect::<Vec<_>>()
        );
        requests.into_iter().next().expect("one request")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    state: Arc<State>,
    request: http::Request<hyper::body::Incoming>,
) -> Result<http::Response<BoxBody<Bytes, Infallible>>, Infallible> {
    let (parts, body) = request.into_parts();
    // A body that breaks off is recorded as far as it arrived.
    let body = body
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default();
    let raw_query = parts.uri.query().map(str::to_owned);
    let recorded = Recorded {
        method: parts.method.clone(),
        path: parts.uri.path().to_owned(),
        query: raw_query.as_deref().map(parse_query).unwrap_or_default(),
        raw_query,
        headers: parts.headers,
        body,
    };
    let count = {
        let mut requests = lock(&state.requests);
        requests.push(recorded.clone());
        requests.len() as u64
    };
    let answer =
        match lock(&state.routes).get_mut(&(recorded.method.clone(), recorded.path.clone())) {
            Some(Route::Sequence(queue)) if queue.len() > 1 => queue.pop_front().map(Answer::Fixed),
            Some(Route::Sequence(queue)) => queue.front().cloned().map(Answer::Fixed),
            Some(Route::Handler(handler)) => Some(Answer::Computed(handler.clone())),
            None => None,
        };
    let canned = match answer {
        Some(Answer::Fixed(canned)) => canned,
        // Called outside the lock, so that a handler may look at the server.
        Some(Answer::Computed(handler)) => handler(&recorded),
        None => Canned::json(
            404,
            &serde_json::json!({
                "detail": format!("no canned response for {} {}", recorded.method, recorded.path)
            }),
        ),
    };
    if !canned.delay.is_zero() {
        tokio::time::sleep(canned.delay).await;
    }
    let mut response = http::Response::builder().status(canned.status);
    let has = |name: &str| {
        canned
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    if !has("x-ratelimit-limit") {
        response = response.header("x-ratelimit-limit", RATE_LIMIT.to_string());
    }
    if !has("x-ratelimit-remaining") {
        let remaining = RATE_LIMIT.saturating_sub(count);
        response = response.header("x-ratelimit-remaining", remaining.to_string());
    }
    for (name, value) in &canned.headers {
        response = response.header(name.as_str(), value.as_str());
    }
    if canned.missing_bytes > 0 {
        let declared = canned.body.len() + canned.missing_bytes;
        response = response.header("content-length", declared.to_string());
    }
    let body = if canned.chunks == 0 {
        Full::new(canned.body.clone()).boxed()
    } else {
        let size = canned.body.len().div_ceil(canned.chunks).max(1);
        let pieces: VecDeque<Bytes> = (0..canned.body.len())
            .step_by(size)
            .map(|start| {
                canned
                    .body
                    .slice(start..(start + size).min(canned.body.len()))
            })
            .collect();
        let pause = canned.pause;
        let stream = futures_util::stream::unfold(pieces, move |mut pieces| async move {
            let piece = pieces.pop_front()?;
            tokio::time::sleep(pause).await;
            Some((Ok::<_, Infallible>(Frame::data(piece)), pieces))
        });
        StreamBody::new(stream).boxed()
    };
    Ok(response.body(body).expect("a valid canned response"))
}

/// A route's answer: a fixed response or the handler to compute one.
enum Answer {
    Fixed(Canned),
    Computed(Handler),
}

/// Decodes an `application/x-www-form-urlencoded` query string into pairs, in order.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            (form_decode(key), form_decode(value))
        })
        .collect()
}

fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match hex_pair(bytes[i + 1], bytes[i + 2]) {
                Some(byte) => {
                    out.push(byte);
                    i += 2;
                }
                None => out.push(b'%'),
            },
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_pair(high: u8, low: u8) -> Option<u8> {
    let digit = |b: u8| (b as char).to_digit(16);
    Some((digit(high)? * 16 + digit(low)?) as u8)
}

#[cfg(test)]
mod tests {
    use super::parse_query;

    #[test]
    fn query_pairs_are_form_decoded_in_order() {
        let pairs = parse_query("limit=50&q=a+b%20c&path=%2Fx%3Fy&bad=%zz%4&flag&&status=running");
        let expected = [
            ("limit", "50"),
            ("q", "a b c"),
            ("path", "/x?y"),
            ("bad", "%zz%4"),
            ("flag", ""),
            ("status", "running"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        assert_eq!(pairs, expected);
    }
}
