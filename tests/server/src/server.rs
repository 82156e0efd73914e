//! [`TestServer`]: the hyper server on loopback, its routes and its record of requests.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use http::Method;
use http_body_util::BodyExt;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

use crate::canned::{Body, Canned};
use crate::recorded::{Recorded, parse_query};

/// The path prefix of the APIs under test (`https://api.miteos.com/v1`, and the runtime tests' defaults).
pub const BASE_PATH: &str = "/v1";

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
    fallback: Mutex<Option<Handler>>,
    rate_limit: Mutex<Option<u64>>,
    connections: AtomicUsize,
    body_bytes_sent: Arc<AtomicUsize>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not hide the recorded requests from the others.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The recording server. Stops accepting connections when dropped.
pub struct TestServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

/// Starts a server that answers every request with what `handler` computes from it (its
/// [`Recorded::index`] tells the attempts apart).
pub async fn serve(handler: impl Fn(&Recorded) -> Canned + Send + Sync + 'static) -> TestServer {
    let server = TestServer::start().await;
    server.fallback(handler);
    server
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
        let task = tokio::spawn(accept(listener, state.clone()));
        TestServer { addr, state, task }
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The API's base URL on this server: [`TestServer::url`] followed by [`BASE_PATH`].
    pub fn base_url(&self) -> String {
        format!("{}{BASE_PATH}", self.url())
    }

    /// Sends `X-RateLimit-Limit: limit` and an `X-RateLimit-Remaining` that counts down from it, one per
    /// request, on every answer that does not set them itself.
    pub fn send_rate_limit(&self, limit: u64) {
        *lock(&self.state.rate_limit) = Some(limit);
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

    /// Answers every request that no route matches with what `handler` computes from it (without one: 404
    /// with a FastAPI-style `detail`).
    pub fn fallback(&self, handler: impl Fn(&Recorded) -> Canned + Send + Sync + 'static) {
        *lock(&self.state.fallback) = Some(Arc::new(handler));
    }

    /// Every request received so far, in order of arrival.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.state.requests).clone()
    }

    /// How many requests arrived so far.
    pub fn request_count(&self) -> usize {
        lock(&self.state.requests).len()
    }

    /// How many connections the server accepted so far.
    pub fn connection_count(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// How many response body bytes the server has handed to the connections so far (a stream that never
    /// ends counts what it produced).
    pub fn body_bytes_sent(&self) -> usize {
        self.state.body_bytes_sent.load(Ordering::SeqCst)
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

/// Accepts connections and serves each on a task of its own.
async fn accept(listener: tokio::net::TcpListener, state: Arc<State>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let connection = state.connections.fetch_add(1, Ordering::SeqCst);
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| answer(state.clone(), request, connection));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(
    state: Arc<State>,
    request: http::Request<hyper::body::Incoming>,
    connection: usize,
) -> Result<http::Response<Body>, Infallible> {
    let recorded = record(&state, request, connection).await;
    let canned = choose(&state, &recorded);
    if !canned.delay.is_zero() {
        tokio::time::sleep(canned.delay).await;
    }
    let extra = match *lock(&state.rate_limit) {
        Some(limit) => vec![
            ("x-ratelimit-limit", limit.to_string()),
            (
                "x-ratelimit-remaining",
                limit.saturating_sub(recorded.index as u64 + 1).to_string(),
            ),
        ],
        None => Vec::new(),
    };
    Ok(canned.into_response(&extra, state.body_bytes_sent.clone()))
}

/// Reads the whole request and adds it to the record.
async fn record(
    state: &State,
    request: http::Request<hyper::body::Incoming>,
    connection: usize,
) -> Recorded {
    let (parts, body) = request.into_parts();
    // A body that breaks off is recorded as far as it arrived.
    let body = body
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default();
    let raw_query = parts.uri.query().map(str::to_owned);
    let mut requests = lock(&state.requests);
    let recorded = Recorded {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: raw_query.as_deref().map(parse_query).unwrap_or_default(),
        raw_query,
        headers: parts.headers,
        body,
        index: requests.len(),
        connection,
    };
    requests.push(recorded.clone());
    recorded
}

/// The answer to `recorded`: its route's, else the fallback's, else a 404.
fn choose(state: &State, recorded: &Recorded) -> Canned {
    let key = (recorded.method.clone(), recorded.path.clone());
    let handler = match lock(&state.routes).get_mut(&key) {
        Some(Route::Sequence(queue)) if queue.len() > 1 => {
            return queue.pop_front().expect("a response");
        }
        Some(Route::Sequence(queue)) => return queue.front().cloned().expect("a response"),
        Some(Route::Handler(handler)) => Some(handler.clone()),
        None => lock(&state.fallback).clone(),
    };
    // Called outside the lock, so that a handler may look at the server.
    match handler {
        Some(handler) => handler(recorded),
        None => Canned::json(
            404,
            &serde_json::json!({
                "detail": format!("no canned response for {} {}", recorded.method, recorded.path)
            }),
        ),
    }
}
