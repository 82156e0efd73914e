//! What a call returns: `Response<T>` (a decoded body with status and headers), `RawResponse` (a buffered body
//! to decode by status) and `ByteStream` (a body read as it arrives).

use ::std::pin::Pin;
use ::std::string::String;
use ::std::task::{Context, Poll};

use crate::{Error, RateLimit};

/// Status and headers of a response, with what the runtime reads from them.
#[derive(Debug, Clone)]
pub(crate) struct ResponseHead {
    pub(crate) method: http::Method,
    pub(crate) path: &'static str,
    pub(crate) status: http::StatusCode,
    pub(crate) headers: http::HeaderMap,
    pub(crate) rate_limit: Option<RateLimit>,
}

impl ResponseHead {
    pub(crate) fn new(
        method: http::Method,
        path: &'static str,
        status: http::StatusCode,
        headers: http::HeaderMap,
    ) -> Self {
        let rate_limit = RateLimit::from_headers(&headers);
        ResponseHead {
            method,
            path,
            status,
            headers,
            rate_limit,
        }
    }

    /// `x-request-id` (or `request-id`) header.
    pub(crate) fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    pub(crate) fn into_response<T>(self, value: T) -> Response<T> {
        Response {
            status: self.status,
            headers: self.headers,
            rate_limit: self.rate_limit,
            value,
        }
    }
}

/// The `x-request-id` (or `request-id`) header, read when asked for.
fn request_id(headers: &http::HeaderMap) -> Option<&str> {
    ["x-request-id", "request-id"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
}

/// A successful response: the decoded body with the status and headers it came with.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: http::StatusCode,
    headers: http::HeaderMap,
    rate_limit: Option<RateLimit>,
    value: T,
}

impl<T> Response<T> {
    /// A response as a call would return it: `value` with `status` and `headers`, whose rate-limit and
    /// request-id headers are read as for a real response. For tests of code that takes a `Response`.
    pub fn new(status: http::StatusCode, headers: http::HeaderMap, value: T) -> Self {
        ResponseHead::new(http::Method::GET, "", status, headers).into_response(value)
    }

    /// HTTP status code.
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// Response headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// Rate-limit headers, if the response had any.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit
    }

    /// `x-request-id` (or `request-id`) header.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The body.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The body, borrowed.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// Transforms the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            rate_limit: self.rate_limit,
            value: f(self.value),
        }
    }
}

/// A final response of any status with its body read (within the size limit), for operations whose body type
/// depends on the status.
#[derive(Debug, Clone)]
pub struct RawResponse {
    head: ResponseHead,
    body: bytes::Bytes,
}

impl RawResponse {
    pub(crate) fn new(head: ResponseHead, body: bytes::Bytes) -> Self {
        RawResponse { head, body }
    }

    /// HTTP status code.
    pub fn status(&self) -> u16 {
        self.head.status.as_u16()
    }

    /// `true` for 2xx.
    pub fn is_success(&self) -> bool {
        self.head.status.is_success()
    }

    /// Response headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.head.headers
    }

    /// Rate-limit headers, if the response had any.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.head.rate_limit
    }

    /// `x-request-id` (or `request-id`) header.
    pub fn request_id(&self) -> Option<&str> {
        self.head.request_id()
    }

    /// Decodes the body as JSON. A failure is `Error::Decode` with the status and a body excerpt;
    /// its source names the field that failed (`agents[1].created_at: …`).
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        // The common case decodes without tracking the path; only a failure is decoded again to name
        // the field (the same input fails the same way).
        match serde_json::from_slice(&self.body) {
            Ok(value) => Ok(value),
            Err(error) => Err(self.decode_error::<T>(error)),
        }
    }

    /// The decode error of a body that does not decode as `T`, its source naming the field.
    fn decode_error<T: serde::de::DeserializeOwned>(&self, plain: serde_json::Error) -> Error {
        let decode = |source: Box<dyn ::std::error::Error + Send + Sync + 'static>| {
            Error::decode(
                &self.head.method,
                self.head.path,
                self.head.status,
                &self.body,
                source,
            )
        };
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            // As `serde_json::from_slice`: nothing but whitespace may follow the value.
            Ok(_) => match deserializer.end() {
                Err(trailing) => decode(Box::new(trailing)),
                Ok(()) => decode(Box::new(plain)),
            },
            Err(with_path) => decode(Box::new(with_path)),
        }
    }

    /// The body as text; `Error::Decode` when it is not UTF-8.
    pub fn text(&self) -> Result<String, Error> {
        String::from_utf8(self.body.to_vec()).map_err(|e| {
            Error::decode(
                &self.head.method,
                self.head.path,
                self.head.status,
                &self.body,
                e,
            )
        })
    }

    /// The body bytes (cheap to clone).
    pub fn bytes(&self) -> bytes::Bytes {
        self.body.clone()
    }

    /// A `Response` with this status and headers around an already decoded `value`.
    pub fn into_response<T>(self, value: T) -> Response<T> {
        self.head.into_response(value)
    }

    /// This response as `Error::Api` (detail, request id, rate limit and retry-after read from it), for
    /// statuses the operation has no type for.
    pub fn into_error(self) -> Error {
        crate::request::api_error(self.head, &self.body, true)
    }
}

type BoxedStream =
    Pin<::std::boxed::Box<dyn futures_core::Stream<Item = Result<bytes::Bytes, Error>> + Send>>;

/// A response body read as it arrives. Not cut by the request timeout.
///
/// When the connection breaks part way, the stream yields one [`Error::BodyInterrupted`] saying how many
/// bytes had arrived (also [`ByteStream::received`]), and ends.
pub struct ByteStream {
    inner: BoxedStream,
    limit: u64,
    context: Option<(http::Method, &'static str, http::StatusCode)>,
    received: u64,
    ended: bool,
}

impl ByteStream {
    /// Wraps any stream of chunks (e.g. to feed parsers in tests). `collect_bytes` on it has no size limit.
    pub fn new(
        stream: impl futures_core::Stream<Item = Result<bytes::Bytes, Error>> + Send + 'static,
    ) -> Self {
        ByteStream {
            inner: ::std::boxed::Box::pin(stream),
            limit: u64::MAX,
            context: None,
            received: 0,
            ended: false,
        }
    }

    pub(crate) fn with_context(
        stream: impl futures_core::Stream<Item = Result<bytes::Bytes, Error>> + Send + 'static,
        limit: u64,
        context: (http::Method, &'static str, http::StatusCode),
    ) -> Self {
        ByteStream {
            inner: ::std::boxed::Box::pin(stream),
            limit,
            context: Some(context),
            received: 0,
            ended: false,
        }
    }

    /// How many bytes of the body have been read so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Reads the rest of the body into memory, within the client's `max_response_bytes`
    /// (`Error::BodyTooLarge` beyond it).
    pub async fn collect_bytes(mut self) -> Result<bytes::Bytes, Error> {
        use futures_util::StreamExt;
        let mut buf = bytes::BytesMut::new();
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            if (buf.len() + chunk.len()) as u64 > self.limit {
                let (method, path, status) =
                    self.context
                        .take()
                        .unwrap_or((http::Method::GET, "", http::StatusCode::OK));
                return Err(Error::BodyTooLarge {
                    method,
                    path,
                    status,
                    limit: self.limit,
                });
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf.freeze())
    }
}

impl futures_core::Stream for ByteStream {
    type Item = Result<bytes::Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.ended {
            return Poll::Ready(None);
        }
        match this.inner.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                this.received += chunk.len() as u64;
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(error))) => {
                this.ended = true;
                // A body of a real response says where it broke; a wrapped stream's error passes as it is.
                let error = match &this.context {
                    Some((method, path, status)) => Error::BodyInterrupted {
                        method: method.clone(),
                        path,
                        status: *status,
                        received: this.received,
                        source: ::std::boxed::Box::new(error),
                    },
                    None => error,
                };
                Poll::Ready(Some(Err(error)))
            }
            Poll::Ready(None) => {
                this.ended = true;
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl ::std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.debug_struct("ByteStream")
            .field("limit", &self.limit)
            .field("received", &self.received)
            .finish_non_exhaustive()
    }
}
