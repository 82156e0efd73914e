//! `Request`: one API call being assembled (path, query, headers, body) and sent with retries, timeouts and
//! size limits.
//!
//! Parameters arrive as `T: serde::Serialize` and become text the way OpenAPI describes: strings as they are,
//! numbers and booleans plainly, `None` and `()` leave the parameter out. Arrays and objects follow the
//! parameter's [`QueryStyle`]. Path parameters are percent-encoded as one path segment. A value that fails to
//! serialize, an invalid header or a missing path parameter is reported when the request is sent, as
//! `Error::Build`, and nothing is sent.
//!
//! Retries follow the policy described in [`crate::retry`].

use ::std::string::{String, ToString};
use ::std::time::{Duration, Instant};
use ::std::vec::Vec;

use serde_json::Value;
use tracing::Instrument;

use crate::error::{ApiError, ErrorDetail};
use crate::response::{ByteStream, ResponseHead};
use crate::retry::{self, Failure};
use crate::{Client, Error, RateLimit, RawResponse, Response};

/// Error bodies are kept up to this size (or the client's `max_response_bytes`, if smaller).
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// How an array or object query parameter is written (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form`. Explode: `id=1&id=2`, objects `a=1&b=2`; otherwise `id=1,2`, objects `name=a,1,b,2`.
    Form {
        /// Repeat the key for every array item (the OpenAPI default).
        explode: bool,
    },
    /// `id=1%202` (items joined with spaces).
    SpaceDelimited,
    /// `id=1|2` (items joined with `|`).
    PipeDelimited,
    /// `name[a]=1&name[b]=2`; nested objects nest further (`name[a][b]=1`).
    DeepObject,
}

impl Default for QueryStyle {
    fn default() -> Self {
        QueryStyle::Form { explode: true }
    }
}

/// Per-call settings that override the client's: extra headers, timeout, retries.
#[derive(Default, Clone)]
pub struct RequestOptions {
    /// Extra headers as `(name, value)`, checked when the request is sent.
    pub headers: Vec<(String, String)>,
    /// Time allowed for each attempt; the client's timeout when `None`.
    pub timeout: Option<Duration>,
    /// Retries after the first attempt; the client's setting when `None`.
    pub max_retries: Option<u32>,
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
            .finish()
    }
}

enum Body {
    Empty,
    Bytes(bytes::Bytes, http::HeaderValue),
    /// Rebuilt for every attempt, so a multipart request is retried like any other.
    Multipart(crate::multipart::Multipart),
}

/// One API call being assembled. Created by [`Client::request`]; sent by one of the `send_*` methods.
pub struct Request<'a> {
    client: &'a Client,
    method: http::Method,
    path_template: &'static str,
    path_params: Vec<(String, String)>,
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
        value: &T,
    ) -> Option<Value> {
        match serde_json::to_value(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(format!("{what} could not be serialized: {e}"));
                None
            }
        }
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
        let Some(v) = self.serialize_param(&format!("path parameter {name}"), value) else {
            return self;
        };
        match simple_text(&v) {
            None => self.fail(format!("path parameter {name} has no value")),
            Some(text) if text.is_empty() => self.fail(format!("path parameter {name} is empty")),
            Some(text) if text == "." || text == ".." => {
                self.fail(format!("path parameter {name} must not be {text:?}"));
            }
            Some(text) => self.path_params.push((name.to_owned(), text)),
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
        if let Some(v) = self.serialize_param(&format!("query parameter {name}"), value) {
            query_pairs(name, &v, style, &mut self.query);
        }
        self
    }

    /// Sets a header (arrays comma-joined). `None` leaves it out.
    pub fn header<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        let Some(v) = self.serialize_param(&format!("header {name}"), value) else {
            return self;
        };
        let Some(text) = simple_text(&v) else {
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
        let Some(v) = self.serialize_param(&format!("cookie {name}"), value) else {
            return self;
        };
        let Some(text) = simple_text(&v) else {
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
        let Some(v) = self.serialize_param("the form body", body) else {
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

    /// A `multipart/form-data` body (value and file parts).
    pub fn multipart(&mut self, form: crate::multipart::Multipart) -> &mut Self {
        self.body = Body::Multipart(form);
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
    pub async fn send_json<T: serde::de::DeserializeOwned>(mut self) -> Result<Response<T>, Error> {
        if !self.headers.contains_key(http::header::ACCEPT) {
            self.headers.insert(
                http::header::ACCEPT,
                http::HeaderValue::from_static("application/json"),
            );
        }
        let span = self.span();
        async move {
            let raw = self.dispatch(false, true).await?.into_body()?;
            let value = raw.json::<T>()?;
            Ok(raw.into_response(value))
        }
        .instrument(span)
        .await
    }

    /// Sends the request and discards the body of a 2xx response.
    pub async fn send_empty(self) -> Result<Response<()>, Error> {
        let span = self.span();
        async move {
            let raw = self.dispatch(false, true).await?.into_body()?;
            Ok(raw.into_response(()))
        }
        .instrument(span)
        .await
    }

    /// Sends the request and returns a 2xx body as text (it must be UTF-8).
    pub async fn send_text(self) -> Result<Response<String>, Error> {
        let span = self.span();
        async move {
            let raw = self.dispatch(false, true).await?.into_body()?;
            let text = raw.text()?;
            Ok(raw.into_response(text))
        }
        .instrument(span)
        .await
    }

    /// Sends the request and returns the body of a 2xx response as a stream. The timeout covers only the wait
    /// for the response headers; the body may take as long as it takes.
    pub async fn send_stream(self) -> Result<Response<ByteStream>, Error> {
        let span = self.span();
        async move {
            Ok(self
                .dispatch(false, false)
                .await?
                .into_head()?
                .into_stream())
        }
        .instrument(span)
        .await
    }

    /// Sends the request (with retries) and returns the final response whatever its status, body read (up to
    /// the size limit). For operations with several typed outcomes.
    pub async fn send_raw(self) -> Result<RawResponse, Error> {
        let span = self.span();
        async move { self.dispatch(true, true).await?.into_body() }
            .instrument(span)
            .await
    }

    /// Sends attempts until one succeeds (or, with `any_status`, until an answer that is not retried) or the
    /// retry policy gives up. With `buffered` the body is read as part of the attempt, so that a connection
    /// that breaks while the body arrives is retried like one that breaks before.
    async fn dispatch(self, any_status: bool, buffered: bool) -> Result<Outcome<'a>, Error> {
        let Request {
            client,
            method,
            path_template: path,
            path_params,
            query,
            headers: request_headers,
            mut body,
            idempotency_header,
            options,
            error,
            anonymous,
        } = self;
        if let Some(error) = error {
            return Err(error);
        }
        let expanded =
            expand_path(path, &path_params).map_err(|m| Error::build(&method, path, m))?;
        let mut url = client.endpoint_url(&expanded)?;
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        let mut headers = client.auth_headers();
        if anonymous {
            if let Some(name) = &client.inner.credential_header {
                headers.remove(name);
            }
        } else {
            client.apply_auth_query(&mut url);
        }
        if let Body::Bytes(_, content_type) = &body {
            headers.insert(http::header::CONTENT_TYPE, content_type.clone());
        }
        for (name, value) in request_headers {
            if let Some(name) = name {
                headers.insert(name, value);
            }
        }
        for (name, value) in &options.headers {
            let header_name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::build(&method, path, format!("header name {name:?} is not valid"))
            })?;
            let mut header_value = http::HeaderValue::from_str(value).map_err(|_| {
                Error::build(
                    &method,
                    path,
                    format!("value of header {name} is not a valid header value"),
                )
            })?;
            header_value.set_sensitive(true);
            headers.insert(header_name, header_value);
        }
        if let Some(name) = idempotency_header {
            let name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::build(&method, path, format!("header name {name:?} is not valid"))
            })?;
            if !headers.contains_key(&name) {
                let key = http::HeaderValue::from_str(&new_idempotency_key())
                    .expect("hex digits and dashes");
                headers.insert(name, key);
            }
        }

        let inner = &client.inner;
        let timeout = options.timeout.unwrap_or(inner.timeout);
        let max_retries = options.max_retries.unwrap_or(inner.max_retries);
        let has_key = idempotency_header.is_some();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            tracing::Span::current().record("attempts", attempt);
            if let Some(wait) = client.rate_limit_wait() {
                tracing::debug!(
                    wait_ms = wait.as_millis() as u64,
                    "rate limit used up; waiting for the reset"
                );
                tokio::time::sleep(wait).await;
            }
            let Ok(permit) = inner.permits.clone().acquire_owned().await else {
                return Err(Error::build(&method, path, "the client is shutting down"));
            };
            let mut builder = inner
                .http
                .request(method.clone(), url.clone())
                .headers(headers.clone());
            match &mut body {
                // A POST, PUT or PATCH without a body still says `Content-Length: 0`
                // (RFC 9110 §8.6); some front ends answer 411 without it.
                Body::Empty
                    if matches!(
                        method,
                        http::Method::POST | http::Method::PUT | http::Method::PATCH
                    ) =>
                {
                    builder = builder.header(http::header::CONTENT_LENGTH, "0");
                }
                Body::Empty => {}
                Body::Bytes(bytes, _) => builder = builder.body(bytes.clone()),
                Body::Multipart(parts) => {
                    let form = parts
                        .to_form()
                        .map_err(|message| Error::build(&method, path, message))?;
                    builder = builder.multipart(form);
                }
            }
            let req = builder
                .build()
                .map_err(|e| Error::transport(&method, path, e))?;

            let attempt_span = tracing::debug_span!(
                "attempt",
                attempt,
                status = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            let started = Instant::now();
            let deadline = started + timeout;
            let result = tokio::time::timeout_at(deadline.into(), inner.http.execute(req))
                .instrument(attempt_span.clone())
                .await;
            attempt_span.record("duration_ms", started.elapsed().as_millis() as u64);
            let retries_left = attempt <= max_retries;

            let (failure, error, requested_wait) = match result {
                Ok(Ok(response)) => {
                    let status = response.status();
                    attempt_span.record("status", status.as_u16());
                    tracing::Span::current().record("status", status.as_u16());
                    client.record_rate_limit(RateLimit::from_headers(response.headers()));
                    let dispatched = Dispatched {
                        client,
                        method: method.clone(),
                        path,
                        response,
                        deadline,
                        timeout,
                        permit,
                    };
                    if status.is_success() && !buffered {
                        return Ok(Outcome::Head(dispatched));
                    }
                    if status.is_success() {
                        match dispatched.read_body().await {
                            Ok(raw) => return Ok(Outcome::Body(raw)),
                            Err(error @ (Error::Transport { .. } | Error::Timeout { .. })) => {
                                if !(retries_left
                                    && retry::may_retry(&method, has_key, Failure::Unknown))
                                {
                                    return Err(error);
                                }
                                let reason = error.to_string();
                                let wait = inner.backoff.delay(attempt);
                                retry_pause(attempt, &reason, Failure::Unknown, wait).await;
                                continue;
                            }
                            Err(other) => return Err(other),
                        }
                    }
                    let failure = Failure::Status(status);
                    let requested = retry::retry_after(dispatched.response.headers());
                    let retry = retries_left
                        && retry::may_retry(&method, has_key, failure)
                        && requested.is_none_or(|wait| wait <= inner.max_retry_after);
                    if !retry {
                        if any_status {
                            return dispatched.read_body().await.map(Outcome::Body);
                        }
                        return Err(dispatched.into_api_error().await);
                    }
                    dispatched.drain().await;
                    (failure, status.to_string(), requested)
                }
                Ok(Err(e)) => {
                    let failure = if e.is_connect() {
                        Failure::NotSent
                    } else {
                        Failure::Unknown
                    };
                    let error = if e.is_timeout() && !e.is_connect() {
                        Error::Timeout {
                            method: method.clone(),
                            path,
                            timeout,
                        }
                    } else {
                        Error::transport(&method, path, e)
                    };
                    if !(retries_left && retry::may_retry(&method, has_key, failure)) {
                        return Err(error);
                    }
                    (failure, error.to_string(), None)
                }
                Err(_elapsed) => {
                    let error = Error::Timeout {
                        method: method.clone(),
                        path,
                        timeout,
                    };
                    if !(retries_left && retry::may_retry(&method, has_key, Failure::Unknown)) {
                        return Err(error);
                    }
                    (Failure::Unknown, error.to_string(), None)
                }
            };
            let wait = requested_wait.unwrap_or_else(|| inner.backoff.delay(attempt));
            retry_pause(attempt, &error, failure, wait).await;
        }
    }
}

/// Logs why another attempt follows and waits before it.
async fn retry_pause(attempt: u32, reason: &str, failure: Failure, wait: Duration) {
    tracing::debug!(
        attempt,
        reason,
        not_sent = failure == Failure::NotSent,
        wait_ms = wait.as_millis() as u64,
        "retrying"
    );
    tokio::time::sleep(wait).await;
}

/// What `dispatch` ends with: a buffered response, or the head of one whose body is still to be streamed.
enum Outcome<'a> {
    Body(RawResponse),
    Head(Dispatched<'a>),
}

impl<'a> Outcome<'a> {
    fn into_body(self) -> Result<RawResponse, Error> {
        match self {
            Outcome::Body(raw) => Ok(raw),
            Outcome::Head(d) => Err(Error::build(
                &d.method,
                d.path,
                "internal: body was not read",
            )),
        }
    }

    fn into_head(self) -> Result<Dispatched<'a>, Error> {
        match self {
            Outcome::Head(d) => Ok(d),
            Outcome::Body(raw) => Err(raw.into_error()),
        }
    }
}

/// The response headers of the attempt that ended a call, its body not read yet.
pub(crate) struct Dispatched<'a> {
    client: &'a Client,
    method: http::Method,
    path: &'static str,
    response: reqwest::Response,
    deadline: Instant,
    /// The attempt's timeout, for the error message.
    timeout: Duration,
    permit: tokio::sync::OwnedSemaphorePermit,
}

enum BodyRead {
    Complete(bytes::Bytes),
    /// Reading stopped at the limit; the bytes read so far.
    TooLarge(bytes::Bytes),
}

impl Dispatched<'_> {
    fn head(&self) -> ResponseHead {
        ResponseHead::new(
            self.method.clone(),
            self.path,
            self.response.status(),
            self.response.headers().clone(),
        )
    }

    /// Reads up to `limit` bytes of the body before the attempt's deadline.
    /// With `precheck`, a declared `content-length` above the limit fails before reading anything.
    async fn read_limited(&mut self, limit: u64, precheck: bool) -> Result<BodyRead, Error> {
        let (method, path, timeout) = (&self.method, self.path, self.timeout);
        if precheck
            && self
                .response
                .content_length()
                .is_some_and(|len| len > limit)
        {
            return Ok(BodyRead::TooLarge(bytes::Bytes::new()));
        }
        let response = &mut self.response;
        let read = async {
            let mut buf = bytes::BytesMut::new();
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|e| Error::transport(method, path, e))?
            {
                let room = limit.saturating_sub(buf.len() as u64) as usize;
                if chunk.len() > room {
                    buf.extend_from_slice(&chunk[..room]);
                    return Ok(BodyRead::TooLarge(buf.freeze()));
                }
                buf.extend_from_slice(&chunk);
            }
            Ok(BodyRead::Complete(buf.freeze()))
        };
        match tokio::time::timeout_at(self.deadline.into(), read).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout {
                method: method.clone(),
                path,
                timeout,
            }),
        }
    }

    /// Reads the whole body within the client's size limit.
    async fn read_body(mut self) -> Result<RawResponse, Error> {
        let limit = self.client.inner.max_response_bytes;
        match self.read_limited(limit, true).await? {
            BodyRead::Complete(body) => Ok(RawResponse::new(self.head(), body)),
            BodyRead::TooLarge(_) => Err(Error::BodyTooLarge {
                method: self.method.clone(),
                path: self.path,
                status: self.response.status(),
                limit,
            }),
        }
    }

    /// Reads and drops a small error body before a retry so that the connection can be reused (a struggling
    /// server is spared new connections); gives up after 64 KiB or 250 ms.
    async fn drain(mut self) {
        let limit = ERROR_BODY_LIMIT;
        let _ =
            tokio::time::timeout(Duration::from_millis(250), self.read_limited(limit, true)).await;
    }

    /// Turns an error response into `Error::Api`, reading a bounded part of its body.
    async fn into_api_error(mut self) -> Error {
        let limit = ERROR_BODY_LIMIT.min(self.client.inner.max_response_bytes);
        let (body, complete) = match self.read_limited(limit, false).await {
            Ok(BodyRead::Complete(body)) => (body, true),
            Ok(BodyRead::TooLarge(partial)) => (partial, false),
            Err(_) => (bytes::Bytes::new(), false),
        };
        api_error(self.head(), &body, complete)
    }

    fn into_stream(self) -> Response<ByteStream> {
        let head = self.head();
        let limit = self.client.inner.max_response_bytes;
        let Dispatched {
            method,
            path,
            response,
            permit,
            ..
        } = self;
        let status = response.status();
        let context = (method.clone(), path, status);
        let stream = futures_util::StreamExt::map(response.bytes_stream(), move |chunk| {
            // The in-flight slot is held until the body is dropped.
            let _slot = &permit;
            chunk.map_err(|e| Error::transport(&method, path, e))
        });
        let body = ByteStream::with_context(stream, limit, context);
        head.into_response(body)
    }
}

/// Builds `Error::Api` from an error response.
pub(crate) fn api_error(head: ResponseHead, body: &[u8], complete: bool) -> Error {
    let json: Option<Value> = if complete {
        serde_json::from_slice(body).ok()
    } else {
        None
    };
    let detail = json.as_ref().and_then(ErrorDetail::from_json);
    let retry_after = retry::retry_after(&head.headers);
    Error::Api(::std::boxed::Box::new(ApiError {
        method: head.method,
        path: head.path,
        status: head.status,
        detail,
        body: json,
        body_excerpt: crate::error::body_excerpt(body, crate::error::BODY_EXCERPT_LIMIT),
        rate_limit: head.rate_limit,
        request_id: head.request_id,
        retry_after,
        headers: head.headers,
    }))
}

/// A random UUID v4 for idempotency keys.
fn new_idempotency_key() -> String {
    let n =
        (fastrand::u128(..) & !(0xf000 << 64) | (0x4000 << 64)) & !(0xc000 << 48) | (0x8000 << 48);
    let hex = format!("{n:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Replaces every `{name}` in `template` with its percent-encoded value.
pub(crate) fn expand_path(template: &str, params: &[(String, String)]) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut used = vec![false; params.len()];
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("unclosed '{{' in path template {template:?}"))?;
        let name = &after[..close];
        let index = params
            .iter()
            .position(|(n, _)| n == name)
            .ok_or_else(|| format!("path parameter {name} is missing"))?;
        used[index] = true;
        encode_path_segment(&params[index].1, &mut out);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    if let Some(unused) = used.iter().position(|u| !u) {
        return Err(format!(
            "path parameter {} is not in the path template",
            params[unused].0
        ));
    }
    Ok(out)
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so that `/`, `?`, `#` and `%` stay inside
/// the segment.
fn encode_path_segment(text: &str, out: &mut String) {
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// `application/x-www-form-urlencoded` encoding of one key or value.
fn form_urlencode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        match b {
            b' ' => out.push('+'),
            b if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') => {
                out.push(b as char)
            }
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A scalar as text: strings as they are, numbers and booleans plainly; arrays and objects as JSON.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Bool(_) | Value::Number(_) | Value::Array(_) | Value::Object(_) => value.to_string(),
    }
}

/// OpenAPI `simple` style (path and header parameters): arrays `a,b`, objects `k,v,k,v`; `None` for null.
fn simple_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Array(items) => Some(
            items
                .iter()
                .filter(|v| !v.is_null())
                .map(scalar_text)
                .collect::<Vec<_>>()
                .join(","),
        ),
        Value::Object(map) => Some(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .flat_map(|(k, v)| [k.clone(), scalar_text(v)])
                .collect::<Vec<_>>()
                .join(","),
        ),
        other => Some(scalar_text(other)),
    }
}

/// Appends the query pairs of one parameter. Null values (and empty arrays) add nothing.
pub(crate) fn query_pairs(
    name: &str,
    value: &Value,
    style: QueryStyle,
    out: &mut Vec<(String, String)>,
) {
    match (value, style) {
        (Value::Null, _) => {}
        (Value::Array(items), _) if items.iter().all(Value::is_null) => {}
        (Value::Array(items), QueryStyle::Form { explode: true } | QueryStyle::DeepObject) => {
            out.extend(
                items
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(|v| (name.to_owned(), scalar_text(v))),
            );
        }
        (
            Value::Array(items),
            QueryStyle::Form { explode: false }
            | QueryStyle::SpaceDelimited
            | QueryStyle::PipeDelimited,
        ) => {
            let sep = match style {
                QueryStyle::SpaceDelimited => " ",
                QueryStyle::PipeDelimited => "|",
                _ => ",",
            };
            let joined = items
                .iter()
                .filter(|v| !v.is_null())
                .map(scalar_text)
                .collect::<Vec<_>>()
                .join(sep);
            out.push((name.to_owned(), joined));
        }
        (Value::Object(map), QueryStyle::DeepObject) => {
            for (key, v) in map {
                let nested = format!("{name}[{key}]");
                query_pairs(&nested, v, QueryStyle::DeepObject, out);
            }
        }
        (Value::Object(map), QueryStyle::Form { explode: true }) => {
            for (key, v) in map {
                query_pairs(key, v, QueryStyle::Form { explode: true }, out);
            }
        }
        (Value::Object(map), _) => {
            let sep = match style {
                QueryStyle::SpaceDelimited => " ",
                QueryStyle::PipeDelimited => "|",
                _ => ",",
            };
            let joined = map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .flat_map(|(k, v)| [k.clone(), scalar_text(v)])
                .collect::<Vec<_>>()
                .join(sep);
            if !joined.is_empty() {
                out.push((name.to_owned(), joined));
            }
        }
        (scalar, _) => out.push((name.to_owned(), scalar_text(scalar))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(value: Value, style: QueryStyle) -> Vec<(String, String)> {
        let mut out = Vec::new();
        query_pairs("p", &value, style, &mut out);
        out
    }

    fn p(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const EXPLODE: QueryStyle = QueryStyle::Form { explode: true };
    const NO_EXPLODE: QueryStyle = QueryStyle::Form { explode: false };

    #[test]
    fn scalars_in_every_style() {
        for style in [
            EXPLODE,
            NO_EXPLODE,
            QueryStyle::SpaceDelimited,
            QueryStyle::PipeDelimited,
            QueryStyle::DeepObject,
        ] {
            assert_eq!(pairs(json!("a b&c"), style), p(&[("p", "a b&c")]));
            assert_eq!(pairs(json!(42), style), p(&[("p", "42")]));
            assert_eq!(pairs(json!(-1.5), style), p(&[("p", "-1.5")]));
            assert_eq!(pairs(json!(true), style), p(&[("p", "true")]));
            assert_eq!(pairs(json!(null), style), p(&[]));
            assert_eq!(pairs(json!([]), style), p(&[]));
        }
    }

    #[test]
    fn arrays() {
        let v = json!([1, "two", false]);
        assert_eq!(
            pairs(v.clone(), EXPLODE),
            p(&[("p", "1"), ("p", "two"), ("p", "false")])
        );
        assert_eq!(pairs(v.clone(), NO_EXPLODE), p(&[("p", "1,two,false")]));
        assert_eq!(
            pairs(v.clone(), QueryStyle::SpaceDelimited),
            p(&[("p", "1 two false")])
        );
        assert_eq!(
            pairs(v, QueryStyle::PipeDelimited),
            p(&[("p", "1|two|false")])
        );
    }

    #[test]
    fn objects() {
        // Keys in alphabetical order: serde_json may or may not preserve insertion order.
        let v = json!({"a": 1, "b": "x y", "c": null});
        assert_eq!(pairs(v.clone(), EXPLODE), p(&[("a", "1"), ("b", "x y")]));
        assert_eq!(pairs(v.clone(), NO_EXPLODE), p(&[("p", "a,1,b,x y")]));
        assert_eq!(
            pairs(v.clone(), QueryStyle::DeepObject),
            p(&[("p[a]", "1"), ("p[b]", "x y")])
        );
        let nested = json!({"f": {"g": 1}, "h": [1, 2]});
        assert_eq!(
            pairs(nested, QueryStyle::DeepObject),
            p(&[("p[f][g]", "1"), ("p[h]", "1"), ("p[h]", "2")])
        );
    }

    #[test]
    fn path_expansion_encodes_one_segment() {
        let params = p(&[("task_id", "a/b c?d#e%f"), ("n", "7")]);
        assert_eq!(
            expand_path("/tasks/{task_id}/runs/{n}", &params).unwrap(),
            "/tasks/a%2Fb%20c%3Fd%23e%25f/runs/7"
        );
        assert_eq!(
            expand_path("/x/{id}", &p(&[("id", "ünï-._~")])).unwrap(),
            "/x/%C3%BCn%C3%AF-._~"
        );
        assert!(expand_path("/x/{id}", &[]).unwrap_err().contains("missing"));
        assert!(
            expand_path("/x", &p(&[("id", "1")]))
                .unwrap_err()
                .contains("not in the path")
        );
        assert!(
            expand_path("/x/{id", &p(&[("id", "1")]))
                .unwrap_err()
                .contains("unclosed")
        );
    }

    #[test]
    fn simple_style_for_path_and_headers() {
        assert_eq!(simple_text(&json!(["a", 1])).as_deref(), Some("a,1"));
        assert_eq!(
            simple_text(&json!({"a": 1, "b": 2})).as_deref(),
            Some("a,1,b,2")
        );
        assert_eq!(simple_text(&json!(null)), None);
        assert_eq!(simple_text(&json!(3)).as_deref(), Some("3"));
    }

    #[test]
    fn form_encoding() {
        assert_eq!(form_urlencode("a b&c=d/é*"), "a+b%26c%3Dd%2F%C3%A9*");
    }

    #[test]
    fn idempotency_keys_are_uuid_v4() {
        let a = new_idempotency_key();
        let b = new_idempotency_key();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
    }

    #[test]
    fn options_replace_headers_case_insensitively() {
        let mut o = RequestOptions::default();
        o.insert_header("X-Trace", "1");
        o.insert_header("x-trace", "2");
        assert_eq!(o.headers, p(&[("x-trace", "2")]));
        o.insert_header("Authorization", "Bearer secret");
        assert!(!format!("{o:?}").contains("secret"));
    }

    fn percent_decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn random_values_survive_the_url_parser_unchanged() {
        const SPECIAL: &[char] = &[
            ' ', '/', '?', '#', '%', '[', ']', '{', '}', '.', ':', '@', '!', '$', '&', '\'', '(',
            ')', '*', '+', ',', ';', '=', '\\', '"', '<', '>', '^', '`', '|', '~', '-', '_', '\t',
            'é', 'ß', '中', '😀',
        ];
        let mut rng = fastrand::Rng::with_seed(20261129);
        for _ in 0..3000 {
            let len = rng.usize(1..10);
            let text: String = (0..len)
                .map(|_| {
                    if rng.bool() {
                        rng.alphanumeric()
                    } else {
                        SPECIAL[rng.usize(..SPECIAL.len())]
                    }
                })
                .collect();
            if text == "." || text == ".." {
                continue;
            }
            let path = expand_path("/a/{x}/b", &[("x".to_owned(), text.clone())]).unwrap();
            let mut url = reqwest::Url::parse(&format!("http://h/v1{path}")).unwrap();
            assert_eq!(
                url.path(),
                format!("/v1{path}"),
                "the URL parser changed the path of {text:?}"
            );
            let segments: Vec<&str> = url.path_segments().unwrap().collect();
            assert_eq!(segments.len(), 4, "{text:?} split the path: {path}");
            assert_eq!(percent_decode(segments[2]), text);

            let mut pairs = Vec::new();
            query_pairs("q", &json!(text), QueryStyle::default(), &mut pairs);
            url.query_pairs_mut()
                .extend_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let back: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            assert_eq!(back, vec![("q".to_owned(), text.clone())]);
        }
    }
}
