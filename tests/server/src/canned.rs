//! [`Canned`]: a scripted answer of the test server, and how it becomes a hyper response.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt as _;
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
    /// Send this block again and again after the body, without end.
    pub repeat: Option<Bytes>,
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
            repeat: None,
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

    /// After the body, sends `block` again and again, without end, as a stream that never finishes would
    /// (chunked encoding; the body goes in one piece unless [`Canned::chunked`] says more).
    pub fn repeating(mut self, block: impl Into<Bytes>) -> Canned {
        self.chunk_size = self.chunk_size.or(Some(self.body.len().max(1)));
        self.repeat = Some(block.into());
        self
    }

    /// Whether a header `name` is among the canned ones (ASCII case-insensitive).
    pub(crate) fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// The response head and body; `extra` headers go first, unless the canned ones set them. The body adds
    /// the bytes it sends to `sent`.
    pub(crate) fn into_response(
        self,
        extra: &[(&str, String)],
        sent: Arc<AtomicUsize>,
    ) -> http::Response<Body> {
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
            .body(self.into_body(sent))
            .expect("a valid canned response")
    }

    /// The body; every byte it hands to hyper is added to `sent`.
    fn into_body(self, sent: Arc<AtomicUsize>) -> Body {
        let Some(size) = self.chunk_size else {
            sent.fetch_add(self.body.len(), Ordering::SeqCst);
            return Full::new(self.body).map_err(|never| match never {}).boxed();
        };
        let pieces = Pieces {
            queue: (0..self.body.len())
                .step_by(size)
                .map(|start| self.body.slice(start..(start + size).min(self.body.len())))
                .collect(),
            repeat: self.repeat,
            pause: self.pause,
            breaks: self.cut || self.missing_bytes > 0,
        };
        let stream = futures_util::stream::unfold(pieces, Pieces::next).map(move |frame| {
            if let Some(data) = frame.as_ref().ok().and_then(Frame::data_ref) {
                sent.fetch_add(data.len(), Ordering::SeqCst);
            }
            frame
        });
        BodyExt::boxed(StreamBody::new(stream))
    }
}

/// What is left to send of a streamed body.
struct Pieces {
    queue: VecDeque<Bytes>,
    /// Sent again and again once the queue is empty.
    repeat: Option<Bytes>,
    pause: Duration,
    /// End in an error, which makes hyper drop the connection mid-message (a cut or truncated body).
    breaks: bool,
}

impl Pieces {
    async fn next(mut self) -> Option<(Result<Frame<Bytes>, std::io::Error>, Pieces)> {
        let Some(piece) = self.queue.pop_front().or_else(|| self.repeat.clone()) else {
            if !self.breaks {
                return None;
            }
            // Long enough for hyper to flush what was sent before it drops the connection.
            tokio::time::sleep(FLUSH_PAUSE).await;
            self.breaks = false;
            return Some((Err(std::io::Error::other("the server breaks off")), self));
        };
        if !self.pause.is_zero() {
            tokio::time::sleep(self.pause).await;
        }
        Some((Ok(Frame::data(piece)), self))
    }
}
