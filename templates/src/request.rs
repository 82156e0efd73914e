//! `Request`: one API call being assembled (path, query, headers, body), then handed to the orchestrator
//! (`crate::orchestrator`), which sends it with retries, timeouts and size limits.
//!
//! Parameters arrive as `T: serde::Serialize` and become text the way OpenAPI describes: strings as they are,
//! numbers and booleans plainly, `None` and `()` leave the parameter out. Arrays and objects follow the
//! parameter's [`QueryStyle`]. Path parameters are percent-encoded as one path segment. A value that fails to
//! serialize, an invalid header or a missing path parameter is reported when the request is sent, as
//! `Error::Build`, and nothing is sent.
//!
//! Retries follow the policy described in [`crate::retry`].

use ::std::boxed::Box;
use ::std::future::Future;
use ::std::pin::Pin;
use ::std::string::String;
use ::std::task::{Context, Poll};
use ::std::time::Duration;
use ::std::vec::Vec;

use futures_util::FutureExt as _;
use serde_json::Value;
use tracing::Instrument;

use crate::error::{ApiError, ErrorDetail};
use crate::orchestrator::{Outcome, Prepared};
use crate::param_text::{Scalar, scalar};
use crate::params::{
    QueryStyle, expand_path_into, form_urlencode, placeholder, query_pairs, simple_text,
};
use crate::response::{ByteStream, ResponseHead};
use crate::retry;
use crate::{Client, Error, RawResponse, Response};

/// Per-call settings that override the client's: extra headers, timeout, retries, deadline.
#[derive(Default, Clone)]
pub struct RequestOptions {
    /// Extra headers as `(name, value)`, checked when the request is sent.
    pub headers: Vec<(String, String)>,
    /// Time allowed for each attempt; the client's timeout when `None`.
    pub timeout: Option<Duration>,
    /// Retries after the first attempt; the client's setting when `None`.
    pub max_retries: Option<u32>,
    /// Time allowed for the whole call, retries and waits included; the client's deadline when `None`.
    pub deadline: Option<Duration>,
}

impl RequestOptions {
    /// Sets a header, replacing an earlier one of the same name (names compare case-insensitively). An invalid
    /// name or value is reported when the request is sent.
    pub fn insert_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
    }
}

impl ::std::fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        // Header values may be credentials: show names only.
        f.debug_struct("RequestOptions")
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("deadline", &self.deadline)
            .finish()
    }
}

/// A parameter's value, as its encoding needs it.
enum Param {
    /// `None` or `()`: left out.
    Absent,
    /// A scalar's text.
    Text(String),
    /// An array or object (or a float), encoded by its style.
    Value(Value),
}

/// The body of a request, as the orchestrator sends it on every attempt.
pub(crate) enum Body {
    Empty,
    Bytes(bytes::Bytes, http::HeaderValue),
    /// Rebuilt for every attempt, so a multipart request is retried like any other.
    PerAttempt(Box<dyn PerAttemptBody>),
}

/// A body built anew for every attempt: a `multipart/form-data` form (`crate::multipart`, behind the
/// `multipart` feature) is a stream that one attempt uses up.
pub(crate) trait PerAttemptBody: Send + Sync {
    /// `builder` with the body of one attempt, or why the body could not be built.
    fn add_to(&self, builder: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder, String>;
}

/// One API call being assembled. Created by [`Client::request`]; sent by one of the `send_*` methods.
pub struct Request<'a> {
    client: &'a Client,
    method: http::Method,
    path_template: &'static str,
    /// Names borrowed from the path template.
    path_params: Vec<(&'static str, String)>,
    query: Vec<(String, String)>,
    headers: http::HeaderMap,
    body: Body,
    idempotency_header: Option<&'static str>,
    options: RequestOptions,
    /// The first problem found while assembling; returned by `send_*` before anything is sent.
    error: Option<Error>,
    /// Send without the client's credentials (an operation with `security: []`).
    anonymous: bool,
}

impl ::std::fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path_template)
            .finish_non_exhaustive()
    }
}

impl<'a> Request<'a> {
    pub(crate) fn new(
        client: &'a Client,
        method: http::Method,
        path_template: &'static str,
    ) -> Self {
        Request {
            client,
            method,
            path_template,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: http::HeaderMap::new(),
            body: Body::Empty,
            idempotency_header: None,
            options: RequestOptions::default(),
            error: None,
            anonymous: false,
        }
    }

    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(Error::build(&self.method, self.path_template, message));
        }
    }

    fn serialize_param<T: serde::Serialize + ?Sized>(
        &mut self,
        what: &str,
        name: &str,
        value: &T,
    ) -> Option<Value> {
        match serde_json::to_value(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(format!("{what}{name} could not be serialized: {e}"));
                None
            }
        }
    }

    /// A parameter's value: the text of a scalar, written directly, or else its `Value` (`None` after a
    /// serialization error, which is recorded).
    fn param<T: serde::Serialize + ?Sized>(
        &mut self,
        what: &str,
        name: &str,
        value: &T,
    ) -> Option<Param> {
        match scalar(value) {
            Ok(Scalar::Absent) => Some(Param::Absent),
            Ok(Scalar::Text(text)) => Some(Param::Text(text)),
            Ok(Scalar::Compound) => self.serialize_param(what, name, value).map(Param::Value),
            Err(e) => {
                self.fail(format!("{what}{name} could not be serialized: {e}"));
                None
            }
        }
    }

    /// A parameter's text in the `simple` style (path, header and cookie parameters); `None` leaves it out.
    fn simple_param<T: serde::Serialize + ?Sized>(
        &mut self,
        what: &str,
        name: &str,
        value: &T,
    ) -> Option<Option<String>> {
        Some(match self.param(what, name, value)? {
            Param::Absent => None,
            Param::Text(text) => Some(text),
            Param::Value(v) => simple_text(&v),
        })
    }

    /// Sends this request without the client's credentials (no `Authorization`, API key header,
    /// cookie or query parameter), for operations the spec declares with `security: []`.
    pub fn without_credentials(&mut self) -> &mut Self {
        self.anonymous = true;
        self
    }

    /// Records that a required parameter (or the body) was not set; `send_*` then fails before
    /// sending anything.
    pub fn missing(&mut self, name: &str) -> &mut Self {
        self.fail(format!("the required `{name}` was not set"));
        self
    }

    /// Fills `{name}` in the path template; the value is percent-encoded as one path segment. Arrays are
    /// joined with commas (OpenAPI `simple` style).
    pub fn path_param<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        let Some(text) = self.simple_param("path parameter ", name, value) else {
            return self;
        };
        match text {
            None => self.fail(format!("path parameter {name} has no value")),
            Some(text) if text.is_empty() => self.fail(format!("path parameter {name} is empty")),
            Some(text) if text == "." || text == ".." => {
                self.fail(format!("path parameter {name} must not be {text:?}"));
            }
            Some(text) => match placeholder(self.path_template, name) {
                Some(name) => self.path_params.push((name, text)),
                None => self.fail(format!("path parameter {name} is not in the path template")),
            },
        }
        self
    }

    /// Adds a query parameter in the default style (form, explode). `None` leaves it out.
    pub fn query<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        self.query_styled(name, value, QueryStyle::default())
    }

    /// Adds a query parameter written in `style`. `None` leaves it out.
    pub fn query_styled<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
    ) -> &mut Self {
        match self.param("query parameter ", name, value) {
            None | Some(Param::Absent) => {}
            Some(Param::Text(text)) => self.query.push((name.to_owned(), text)),
            Some(Param::Value(v)) => query_pairs(name, &v, style, &mut self.query),
        }
        self
    }

    /// Sets a header (arrays comma-joined). `None` leaves it out.
    pub fn header<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        let Some(Some(text)) = self.simple_param("header ", name, value) else {
            return self;
        };
        match (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(&text),
        ) {
            (Ok(name), Ok(value)) => {
                self.headers.insert(name, value);
            }
            (Err(_), _) => self.fail(format!("header name {name:?} is not valid")),
            (_, Err(_)) => self.fail(format!(
                "value of header {name} is not a valid header value"
            )),
        }
        self
    }

    /// A cookie parameter: `name=value` added to the `Cookie` header (`None` and unit skip it).
    pub fn cookie<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        let Some(Some(text)) = self.simple_param("cookie ", name, value) else {
            return self;
        };
        let pair = format!("{name}={text}");
        let cookie = match self
            .headers
            .get(http::header::COOKIE)
            .and_then(|c| c.to_str().ok())
        {
            Some(existing) => format!("{existing}; {pair}"),
            None => pair,
        };
        match http::HeaderValue::from_str(&cookie) {
            Ok(value) => {
                self.headers.insert(http::header::COOKIE, value);
            }
            Err(_) => self.fail(format!(
                "value of cookie {name} is not a valid header value"
            )),
        }
        self
    }

    /// A JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> &mut Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = Body::Bytes(
                    bytes.into(),
                    http::HeaderValue::from_static("application/json"),
                );
            }
            Err(e) => self.fail(format!("the JSON body could not be serialized: {e}")),
        }
        self
    }

    /// A JSON body sent with another JSON media type (`application/merge-patch+json`, …).
    pub fn json_as<T: serde::Serialize + ?Sized>(
        &mut self,
        body: &T,
        content_type: &str,
    ) -> &mut Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.bytes(bytes, content_type),
            Err(e) => {
                self.fail(format!("the JSON body could not be serialized: {e}"));
                self
            }
        }
    }

    /// An `application/x-www-form-urlencoded` body from a struct or map (arrays repeat the key, nested
    /// objects are written `outer[inner]=v`, `None` fields are left out).
    pub fn form<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> &mut Self {
        let Some(v) = self.serialize_param("the form body", "", body) else {
            return self;
        };
        let Value::Object(fields) = v else {
            self.fail("the form body must serialize to a struct or map".to_owned());
            return self;
        };
        let mut pairs = Vec::new();
        for (name, value) in &fields {
            match value {
                Value::Object(_) => query_pairs(name, value, QueryStyle::DeepObject, &mut pairs),
                _ => query_pairs(name, value, QueryStyle::Form { explode: true }, &mut pairs),
            }
        }
        let encoded = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", form_urlencode(k), form_urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let content_type = http::HeaderValue::from_static("application/x-www-form-urlencoded");
        self.body = Body::Bytes(encoded.into(), content_type);
        self
    }

    /// A raw body with its content type.
    pub fn bytes(&mut self, body: impl Into<bytes::Bytes>, content_type: &str) -> &mut Self {
        match http::HeaderValue::from_str(content_type) {
            Ok(ct) => self.body = Body::Bytes(body.into(), ct),
            Err(_) => self.fail(format!(
                "content type {content_type:?} is not a valid header value"
            )),
        }
        self
    }

    /// A `text/plain; charset=utf-8` body.
    pub fn text(&mut self, body: impl Into<String>) -> &mut Self {
        let content_type = http::HeaderValue::from_static("text/plain; charset=utf-8");
        self.body = Body::Bytes(body.into().into(), content_type);
        self
    }

    /// A body rebuilt for every attempt (`Request::multipart` in `crate::multipart`).
    #[allow(
        dead_code,
        reason = "only the multipart module builds such bodies; it is an optional part"
    )]
    pub(crate) fn per_attempt_body(&mut self, body: impl PerAttemptBody + 'static) -> &mut Self {
        self.body = Body::PerAttempt(Box::new(body));
        self
    }

    /// Sends an idempotency key in header `name`, generated once and repeated on every attempt, which makes a
    /// `POST`/`PATCH` safe to retry. A value the caller set for that header (`header`, `RequestOptions`) wins.
    pub fn idempotency_header(&mut self, name: &'static str) -> &mut Self {
        self.idempotency_header = Some(name);
        self
    }

    /// Per-call headers, timeout and retries.
    pub fn options(&mut self, options: RequestOptions) -> &mut Self {
        self.options = options;
        self
    }

    fn span(&self) -> tracing::Span {
        tracing::info_span!(
            "http_request",
            method = %self.method,
            path = self.path_template,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        )
    }

    /// Sends the request and decodes a 2xx JSON body as `T`. Other statuses become `Error::Api`.
    pub fn send_json<T: serde::de::DeserializeOwned + 'a>(mut self) -> ResponseFuture<'a, T> {
        if !self.headers.contains_key(http::header::ACCEPT) {
            self.headers.insert(
                http::header::ACCEPT,
                http::HeaderValue::from_static("application/json"),
            );
        }
        self.buffered(false, |raw| {
            let value = raw.json::<T>()?;
            Ok(raw.into_response(value))
        })
    }

    /// Sends the request and discards the body of a 2xx response.
    pub fn send_empty(self) -> ResponseFuture<'a, ()> {
        self.buffered(false, |raw| Ok(raw.into_response(())))
    }

    /// Sends the request and returns a 2xx body as text (it must be UTF-8).
    pub fn send_text(self) -> ResponseFuture<'a, String> {
        self.buffered(false, |raw| {
            let text = raw.text()?;
            Ok(raw.into_response(text))
        })
    }

    /// Sends the request and returns the body of a 2xx response as a stream. The timeout covers only the wait
    /// for the response headers; the body may take as long as it takes.
    pub fn send_stream(self) -> ResponseFuture<'a, ByteStream> {
        self.send_stream_as(::core::convert::identity)
    }

    /// Sends the request and returns the body of a 2xx response as a stream that `wrap` reads (a stream of
    /// server-sent events, …). The timeout covers only the wait for the response headers.
    pub fn send_stream_as<T: 'a>(self, wrap: fn(ByteStream) -> T) -> ResponseFuture<'a, T> {
        self.sent(false, false, move |outcome| {
            Ok(outcome.into_head()?.into_stream().map(wrap))
        })
    }

    /// Sends the request (with retries) and returns the final response whatever its status, body read (up to
    /// the size limit). For operations with several typed outcomes.
    pub async fn send_raw(self) -> Result<RawResponse, Error> {
        let span = self.span();
        async move { self.prepare()?.send(true, true).await?.into_body() }
            .instrument(span)
            .await
    }

    /// Sends the request (with retries) and gives the final response, whatever its status, to `decode`: for
    /// operations with several typed outcomes, whose `decode` matches the status and turns the statuses it does
    /// not know into [`RawResponse::into_error`].
    pub fn send_decoded<T: 'a>(
        self,
        decode: fn(RawResponse) -> Result<Response<T>, Error>,
    ) -> ResponseFuture<'a, T> {
        self.buffered(true, decode)
    }

    /// Sends the request, reads the body (up to the size limit) and decodes it with `decode`; with
    /// `any_status` false, a status other than 2xx is `Error::Api`.
    fn buffered<T: 'a>(
        self,
        any_status: bool,
        decode: fn(RawResponse) -> Result<Response<T>, Error>,
    ) -> ResponseFuture<'a, T> {
        self.sent(any_status, true, move |outcome| {
            decode(outcome.into_body()?)
        })
    }

    /// The call as one future: the request is checked and resolved now (an error is what the future
    /// answers), sent when the future is first polled, and `finish` turns the attempt that ended it into the
    /// response.
    ///
    /// The future is the orchestrator's own, mapped and instrumented: no `async` block around it, which would
    /// hold the `Request` and the `Prepared` call beside the orchestrator's state and double what every poll
    /// and every move of the boxed future copies.
    fn sent<T: 'a>(
        self,
        any_status: bool,
        buffered: bool,
        finish: impl FnOnce(Outcome<'a>) -> Result<Response<T>, Error> + Send + 'a,
    ) -> ResponseFuture<'a, T> {
        let span = self.span();
        match self.prepare() {
            Ok(prepared) => ResponseFuture::new(
                prepared
                    .send(any_status, buffered)
                    .map(move |outcome| finish(outcome?))
                    .instrument(span),
            ),
            // An async block rather than `future::ready`, which would hold a `T` and need it to be `Send`.
            Err(error) => ResponseFuture::new(async move { Err(error) }),
        }
    }

    /// Checks what was assembled and resolves it into what every attempt sends: the URL with its query and
    /// credentials, the headers (the per-call ones last, so they win) and an idempotency key if the operation
    /// declares one.
    fn prepare(self) -> Result<Prepared<'a>, Error> {
        let Request {
            client,
            method,
            path_template: path,
            path_params,
            query,
            headers: request_headers,
            body,
            idempotency_header,
            options,
            error,
            anonymous,
        } = self;
        if let Some(error) = error {
            return Err(error);
        }
        let invalid = |message: String| Error::build(&method, path, message);
        let more = path.len() + path_params.iter().map(|(_, v)| v.len()).sum::<usize>();
        let mut full_path = client.path_start(path, more);
        expand_path_into(path, &path_params, &mut full_path).map_err(invalid)?;
        // The call's own headers, which win over the client's: the body's type, the request's headers,
        // the per-call ones, an idempotency key.
        let mut own = request_headers;
        if let Body::Bytes(_, content_type) = &body {
            if !own.contains_key(http::header::CONTENT_TYPE) {
                own.insert(http::header::CONTENT_TYPE, content_type.clone());
            }
        }
        for (name, value) in &options.headers {
            let mut header_value = http::HeaderValue::from_str(value).map_err(|_| {
                invalid(format!(
                    "value of header {name} is not a valid header value"
                ))
            })?;
            header_value.set_sensitive(true);
            own.insert(header_name(name).map_err(invalid)?, header_value);
        }
        if let Some(name) = idempotency_header {
            let name = header_name(name).map_err(invalid)?;
            if !own.contains_key(&name) && !client.inner.headers.contains_key(&name) {
                let key = http::HeaderValue::from_str(&retry::new_idempotency_key())
                    .expect("hex digits and dashes");
                own.insert(name, key);
            }
        }
        let mut prepared = Prepared {
            client,
            timeout: options.timeout.unwrap_or(client.inner.timeout),
            max_retries: options.max_retries.unwrap_or(client.inner.max_retries),
            deadline: options.deadline.or(client.inner.deadline),
            has_idempotency_key: idempotency_header.is_some(),
            method,
            path,
            full_path,
            query,
            anonymous,
            own_headers: own,
            first: None,
            body,
        };
        prepared.first = Some(prepared.resolve()?);
        Ok(prepared)
    }
}

/// A request on its way: what `send_with_response()` of a generated builder returns. `.await` it for the
/// response, a [`Response<T>`] (the decoded value with the status, headers and rate-limit figures), or the
/// [`Error`] that ended the call. Nothing is sent before it is first polled, and dropping it cancels the call.
/// It is `Send` and `Unpin`, so it can be spawned, boxed or stored like any future.
#[must_use = "a request is sent only when its future is awaited"]
pub struct ResponseFuture<'a, T> {
    inner: Pin<Box<dyn Future<Output = Result<Response<T>, Error>> + Send + 'a>>,
}

impl<'a, T> ResponseFuture<'a, T> {
    fn new(future: impl Future<Output = Result<Response<T>, Error>> + Send + 'a) -> Self {
        ResponseFuture {
            inner: Box::pin(future),
        }
    }

    /// The same call, answering the decoded value alone (what `send()` of a generated builder returns).
    pub fn into_value(self) -> ValueFuture<'a, T> {
        ValueFuture { inner: self }
    }
}

impl<T> Future for ResponseFuture<'_, T> {
    type Output = Result<Response<T>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

impl<T> ::std::fmt::Debug for ResponseFuture<'_, T> {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

/// A request on its way: what `send()` of a generated builder returns. `.await` it for the decoded value `T`
/// alone, or the [`Error`] that ended the call ([`ResponseFuture`] keeps the status and headers too). Nothing is
/// sent before it is first polled, and dropping it cancels the call. It is `Send` and `Unpin`.
#[must_use = "a request is sent only when its future is awaited"]
pub struct ValueFuture<'a, T> {
    inner: ResponseFuture<'a, T>,
}

impl<T> Future for ValueFuture<'_, T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.inner)
            .poll(cx)
            .map(|result| result.map(Response::into_inner))
    }
}

impl<T> ::std::fmt::Debug for ValueFuture<'_, T> {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.debug_struct("ValueFuture").finish_non_exhaustive()
    }
}

/// Builds `Error::Api` from an error response.
pub(crate) fn api_error(head: ResponseHead, body: &[u8], complete: bool) -> Error {
    Error::Api(::std::boxed::Box::new(decode_api_error(
        head, body, complete,
    )))
}

/// The `ApiError` of an error response; `complete` says whether `body` is the whole body.
pub(crate) fn decode_api_error(head: ResponseHead, body: &[u8], complete: bool) -> ApiError {
    let json: Option<Value> = if complete {
        serde_json::from_slice(body).ok()
    } else {
        None
    };
    let detail = json.as_ref().and_then(ErrorDetail::from_json);
    let retry_after = retry::retry_after(&head.headers);
    let request_id = head.request_id().map(String::from);
    ApiError {
        method: head.method,
        path: head.path,
        status: head.status,
        detail,
        body: json,
        body_excerpt: crate::error::body_excerpt(body, crate::error::BODY_EXCERPT_LIMIT),
        rate_limit: head.rate_limit,
        request_id,
        retry_after,
        headers: head.headers,
    }
}

fn header_name(name: &str) -> Result<http::HeaderName, String> {
    http::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("header name {name:?} is not valid"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_replace_headers_case_insensitively() {
        let mut o = RequestOptions::default();
        o.insert_header("X-Trace", "1");
        o.insert_header("x-trace", "2");
        assert_eq!(o.headers, vec![("x-trace".to_owned(), "2".to_owned())]);
        o.insert_header("Authorization", "Bearer secret");
        assert!(!format!("{o:?}").contains("secret"));
    }
}
