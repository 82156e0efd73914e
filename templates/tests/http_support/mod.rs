//! Loopback HTTP servers for the client tests: a hyper server driven by a handler closure, and a raw TCP
//! server for faults a well-behaved server cannot produce (cut connections, truncated bodies).

#![allow(dead_code)] // each test binary uses a different part

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::Frame;
use sdkgen_runtime::{AuthScheme, ClientBuilder, ClientDefaults};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub type Body = BoxBody<Bytes, Infallible>;

pub static DEFAULTS: ClientDefaults = ClientDefaults {
    base_url: "http://127.0.0.1:9/v1",
    user_agent: "sdk-runtime-tests/0.1",
    api_key_env: Some("SDK_RUNTIME_TEST_API_KEY"),
    base_url_env: Some("SDK_RUNTIME_TEST_BASE_URL"),
    auth: &[AuthScheme::Bearer],
};

pub const KEY: &str = "sk-test-SECRET-9f8e7d6c5b4a";

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: http::Method,
    /// Path and query as sent, still percent-encoded.
    pub target: String,
    pub headers: http::HeaderMap,
    pub body: Bytes,
    /// Which connection (0-based, in accept order) carried it.
    pub connection: usize,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap()
    }

    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
    pub connections: Arc<AtomicUsize>,
}

impl TestServer {
    pub fn url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    pub fn request_count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    pub fn connection_count(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// A client for this server with the test key and tiny backoff.
    pub fn client(&self) -> ClientBuilder {
        client_for(&self.url())
    }
}

pub fn client_for(url: &str) -> ClientBuilder {
    ClientBuilder::new(&DEFAULTS)
        .base_url(url)
        .api_key(KEY)
        .retry_backoff(
            std::time::Duration::from_millis(10),
            std::time::Duration::from_millis(40),
        )
}

type HandlerFn = dyn Fn(Recorded, usize) -> Pin<Box<dyn Future<Output = http::Response<Body>> + Send>>
    + Send
    + Sync;

/// Starts a hyper HTTP/1.1 server on 127.0.0.1:0. `handler(request, index)` gets every request with its
/// 0-based position in arrival order.
pub async fn serve<H, Fut>(handler: H) -> TestServer
where
    H: Fn(Recorded, usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = http::Response<Body>> + Send + 'static,
{
    let handler: Arc<HandlerFn> = Arc::new(move |r, i| Box::pin(handler(r, i)));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let (reqs, conns) = (requests.clone(), connections.clone());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let connection = conns.fetch_add(1, Ordering::SeqCst);
            let (reqs, handler) = (reqs.clone(), handler.clone());
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                        let (reqs, handler) = (reqs.clone(), handler.clone());
                        async move {
                            let (parts, body) = req.into_parts();
                            let body = body
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            let recorded = Recorded {
                                method: parts.method,
                                target: parts
                                    .uri
                                    .path_and_query()
                                    .map_or("/".into(), |p| p.to_string()),
                                headers: parts.headers,
                                body,
                                connection,
                            };
                            let index = {
                                let mut all = reqs.lock().unwrap();
                                all.push(recorded.clone());
                                all.len() - 1
                            };
                            Ok::<_, Infallible>(handler(recorded, index).await)
                        }
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    TestServer {
        addr,
        requests,
        connections,
    }
}

pub fn full(body: impl Into<Bytes>) -> Body {
    Full::new(body.into()).boxed()
}

/// A response with `status`, a JSON content type and `body`.
pub fn json(status: u16, body: impl Into<Bytes>) -> http::Response<Body> {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(full(body))
        .unwrap()
}

pub fn respond(
    status: u16,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> http::Response<Body> {
    let mut builder = http::Response::builder().status(status);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    builder.body(full(body)).unwrap()
}

/// A body streamed in `chunk`-byte pieces, `total` bytes in all, without a content length.
pub fn streamed(total: usize, chunk: usize) -> Body {
    let chunks = (0..total.div_ceil(chunk)).map(move |i| {
        let len = chunk.min(total - i * chunk);
        Ok::<_, Infallible>(Frame::data(Bytes::from(vec![b'x'; len])))
    });
    StreamBody::new(futures_util::stream::iter(chunks)).boxed()
}

/// What a raw connection handler decides.
pub struct RawServer {
    pub addr: SocketAddr,
    pub connections: Arc<AtomicUsize>,
    /// Raw request heads received (up to the blank line), in order.
    pub heads: Arc<Mutex<Vec<String>>>,
}

impl RawServer {
    pub fn url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

/// A TCP server that hands every accepted connection (and its 0-based number) to `handler`.
pub async fn raw_serve<H, Fut>(handler: H) -> RawServer
where
    H: Fn(TcpStream, usize, Arc<Mutex<Vec<String>>>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let heads = Arc::new(Mutex::new(Vec::new()));
    let (conns, hs) = (connections.clone(), heads.clone());
    let handler = Arc::new(handler);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let n = conns.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(handler(stream, n, hs.clone()));
        }
    });
    RawServer {
        addr,
        connections,
        heads,
    }
}

/// Reads one request (head and a `content-length` body) and records its head.
pub async fn read_request(stream: &mut TcpStream, heads: &Mutex<Vec<String>>) -> String {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        let n = stream.read(&mut tmp).await.unwrap_or(0);
        if n == 0 {
            return String::new();
        }
        buf.extend_from_slice(&tmp[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut tmp).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&tmp[..n]);
    }
    heads.lock().unwrap().push(head.clone());
    head
}

/// Writes a complete `200` JSON response.
pub async fn write_ok(stream: &mut TcpStream, body: &str) {
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
}

/// The value of header `name` in a raw request head.
pub fn head_header(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_owned())
    })
}

/// Closes `stream` with a TCP reset (linger 0), as a crashed server or a middlebox would.
#[allow(deprecated)] // SO_LINGER blocks on drop only for a non-zero linger; zero sends RST at once
pub fn reset(stream: TcpStream) {
    let _ = stream.set_linger(Some(std::time::Duration::ZERO));
    drop(stream);
}
