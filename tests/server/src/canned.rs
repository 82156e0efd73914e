//! [`Canned`]: a scripted answer of the test server, and how it becomes a hyper response.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use serde_json::Value;

/// How long a breaking body waits after its last piece, so that the piece reaches the client first.
const FLUSH_PAUSE: Duration = Duration::from_millis(10);

/// The body type the server sends: whole, or streamed in pieces that may end in a broken connection.
pub(crate) type Body = BoxBody<Bytes, std::io::Error>;

/// A response the server sends.
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
    /// Send the body with chunked encoding in pieces of this many bytes (`None`: all at once).
    pub chunk_size: Option<usize>,
    /// Pause before each piece of a chunked body.
    pub pause: Duration,
    /// Declare this many bytes more in `Content-Length` than the body has, so the connection breaks off.
    pub missing_bytes: usize,
    /// Break the connection after the last piece of a chunked body, without the terminating chunk.
    pub cut: bool,
}

impl Canned {
    /// No body.
    pub fn empty(status: u16) -> Canned {
        Canned {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
            delay: Duration::ZERO,
            chunk_size: None,
            pause: Duration::ZERO,
            missing_bytes: 0,
            cut: false,
        }
    }

    /// A JSON body with `Content-Type: application/json`.
    pub fn json(status: u16, body: &Value) -> Canned {
        Canned::bytes(status, "application/json", body.to_string())
    }

    /// A body sent as `application/json` as it is, valid JSON or not.
    pub fn json_text(status: u16, body: impl Into<Bytes>) -> Canned {
        Canned::bytes(status, "application/json", body)
    }

    /// A body of any media type.
    pub fn bytes(status: u16, content_type: &str, body: impl Into<Bytes>) -> Canned {
        Canned::empty(status)
            .header("content-type", content_type)
            .body(body)
    }

    /// Exactly these headers (no content type unless given) and body.
    pub fn raw(status: u16, headers: &[(&str, &str)], body: impl Into<Bytes>) -> Canned {
        headers
            .iter()
            .fold(Canned::empty(status), |canned, (name, value)| {
                canned.header(name, value)
            })
            .body(body)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Canned {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Canned {
        self.body = body.into();
        self
    }

    /// Answers only after `delay`.
    pub fn delayed(mut self, delay: Duration) -> Canned {
        self.delay = delay;
        self
    }

    /// Sends the headers at once and the body in `chunks` pieces, each after `pause`.
    pub fn trickled(self, chunks: usize, pause: Duration) -> Canned {
        let size = self.body.len().div_ceil(chunks.max(1)).max(1);
        self.chunked(size, pause)
    }

    /// Sends the headers at once and the body in pieces of `size` bytes (the last may be shorter), each
    /// after `pause`, with chunked encoding and no `Content-Length`.
    pub fn chunked(mut self, size: usize, pause: Duration) -> Canned {
        self.chunk_size = Some(size.max(1));
        self.pause = pause;
        self
    }

    /// Declares `missing` bytes more in `Content-Length` than the body has: the server closes the connection
    /// after the body, as a crashed upstream would.
    pub fn truncated(mut self, missing: usize) -> Canned {
        self.missing_bytes = missing;
        // A body of known length must match the header (hyper asserts it): stream it.
        self.chunk_size = self.chunk_size.or(Some(self.body.len().max(1)));
        self
    }

    /// Breaks the connection after the body's last piece, without the chunk that ends a chunked body, as a
    /// server that dies mid-stream would. Streams the body in one piece unless [`Canned::chunked`] says more.
    pub fn cut(mut self) -> Canned {
        self.chunk_size = self.chunk_size.or(Some(self.body.len().max(1)));
        self.cut = true;
        self
    }

    /// Whether a header `name` is among the canned ones (ASCII case-insensitive).
    pub(crate) fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// The response head and body; `extra` headers go first, unless the canned ones set them.
    pub(crate) fn into_response(self, extra: &[(&str, String)]) -> http::Response<Body> {
        let mut response = http::Response::builder().status(self.status);
        for (name, value) in extra.iter().filter(|(name, _)| !self.has_header(name)) {
            response = response.header(*name, value.as_str());
        }
        for (name, value) in &self.headers {
            response = response.header(name.as_str(), value.as_str());
        }
        if self.missing_bytes > 0 {
            let declared = self.body.len() + self.missing_bytes;
            response = response.header("content-length", declared.to_string());
        }
        response
            .body(self.into_body())
            .expect("a valid canned response")
    }

    fn into_body(self) -> Body {
        let Some(size) = self.chunk_size else {
            return Full::new(self.body).map_err(|never| match never {}).boxed();
        };
        let pieces: VecDeque<Bytes> = (0..self.body.len())
            .step_by(size)
            .map(|start| self.body.slice(start..(start + size).min(self.body.len())))
            .collect();
        // A cut or truncated body ends in an error, which makes hyper drop the connection mid-message.
        let (pause, breaks) = (self.pause, self.cut || self.missing_bytes > 0);
        let stream = futures_util::stream::unfold(
            (pieces, breaks),
            move |(mut pieces, breaks)| async move {
                let Some(piece) = pieces.pop_front() else {
                    if !breaks {
                        return None;
                    }
                    // Long enough for hyper to flush what was sent before it drops the connection.
                    tokio::time::sleep(FLUSH_PAUSE).await;
                    return Some((
                        Err(std::io::Error::other("the server breaks off")),
                        (pieces, false),
                    ));
                };
                if !pause.is_zero() {
                    tokio::time::sleep(pause).await;
                }
                Some((Ok(Frame::data(piece)), (pieces, breaks)))
            },
        );
        StreamBody::new(stream).boxed()
    }
}
