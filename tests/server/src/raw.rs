//! A plain TCP server for faults a well-behaved HTTP server cannot produce: a connection reset before any
//! answer, a response head written by hand (a `Content-Length` the body never reaches, a `206` for a range).
//! Use [`crate::TestServer`] for everything else.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::BASE_PATH;

/// The raw server: its address, how many connections it accepted, and the request heads it read.
pub struct RawServer {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    heads: Arc<Mutex<Vec<String>>>,
}

impl RawServer {
    /// `http://127.0.0.1:<port>` followed by [`BASE_PATH`].
    pub fn base_url(&self) -> String {
        format!("http://{}{BASE_PATH}", self.addr)
    }

    /// Raw request heads received (up to the blank line), in order.
    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }

    /// How many connections the server accepted so far.
    pub fn connection_count(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// A TCP server on `127.0.0.1:0` that hands every accepted connection, its 0-based number and the list of
/// request heads (for [`read_request`]) to `handler`.
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

/// Reads one request (head and a `content-length` body) and records its head; empty when the client closed
/// the connection first.
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
    let length: usize = head_header(&head, "content-length")
        .and_then(|v| v.parse().ok())
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
