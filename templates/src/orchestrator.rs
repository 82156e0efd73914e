//! The orchestrator: sends a prepared request attempt by attempt until one succeeds or the retry policy
//! ([`crate::retry`]) says stop, and reads the response of the attempt that ended the call.
//!
//! Each attempt waits for the rate limit and for a free in-flight slot, then has `timeout` for the response
//! headers and, for buffered responses, the whole body. How it ended is one of [`Attempt`]'s cases; whether
//! another attempt follows is decided in one place, [`Prepared::next_attempt_after`].

use ::std::future::Future;
use ::std::string::{String, ToString};
use ::std::sync::atomic::{AtomicU32, Ordering};
use ::std::time::{Duration, Instant};
use ::std::vec::Vec;

use futures_util::future::Either;
use tracing::Instrument;

use crate::request::{Body, api_error};
use crate::response::{ByteStream, ResponseHead};
use crate::retry::{self, Failure};
use crate::{Client, Error, Operation, RateLimit, RawResponse, Response};

/// Error bodies are kept up to this size (or the client's `max_response_bytes`, if smaller).
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// A request resolved into what every attempt sends, with the limits that apply to it.
pub(crate) struct Prepared<'a> {
    pub(crate) client: &'a Client,
    pub(crate) method: http::Method,
    pub(crate) path: &'static str,
    /// The path of the URL, the base URL's path included, expanded and encoded.
    pub(crate) full_path: String,
    pub(crate) query: Vec<(String, String)>,
    /// Sent without the client's credentials.
    pub(crate) anonymous: bool,
    /// The headers the call adds to the client's (and that win over them).
    pub(crate) own_headers: http::HeaderMap,
    /// The URL and headers of the next attempt, if already resolved: `Request::prepare` resolves the
    /// first attempt's (so that a URL that cannot be built fails before anything waits); later attempts
    /// resolve their own, so that a call that needs one attempt copies nothing.
    pub(crate) first: Option<(reqwest::Url, http::HeaderMap)>,
    pub(crate) body: Body,
    pub(crate) timeout: Duration,
    pub(crate) max_retries: u32,
    /// Time allowed for the whole call, if limited.
    pub(crate) deadline: Option<Duration>,
    /// The operation sends an idempotency key, so the server recognises a repeated attempt.
    pub(crate) has_idempotency_key: bool,
}

/// How one attempt ended.
enum Attempt<'a> {
    /// A 2xx answer: its body read (buffered) or still to be streamed.
    Succeeded(Outcome<'a>),
    /// Anything else: a candidate for a retry.
    Unsuccessful(Unsuccessful<'a>),
}

/// An attempt that did not succeed.
enum Unsuccessful<'a> {
    /// An answer with a status that is not 2xx, its body not read yet.
    Answered(Dispatched<'a>),
    /// No answer to go by: the connection failed or broke, or the attempt timed out.
    Failed { error: Error, failure: Failure },
}

impl<'a> Unsuccessful<'a> {
    /// What the retry policy weighs: the kind of failure and the wait the server asked for.
    fn failure(&self) -> (Failure, Option<Duration>) {
        match self {
            Unsuccessful::Answered(answer) => (
                Failure::Status(answer.response.status()),
                retry::retry_after(answer.response.headers()),
            ),
            Unsuccessful::Failed { failure, .. } => (*failure, None),
        }
    }

    /// Frees the connection for the next attempt; says why there is one.
    async fn before_retry(self) -> String {
        match self {
            Unsuccessful::Answered(answer) => {
                let status = answer.response.status();
                answer.drain().await;
                status.to_string()
            }
            Unsuccessful::Failed { error, .. } => error.to_string(),
        }
    }

    /// The end of a call that is not retried: the answer itself (with `any_status`), or the error.
    async fn into_result(self, any_status: bool) -> Result<Outcome<'a>, Error> {
        match self {
            Unsuccessful::Answered(answer) if any_status => {
                answer.read_body().await.map(Outcome::Body)
            }
            Unsuccessful::Answered(answer) => Err(answer.into_api_error().await),
            Unsuccessful::Failed { error, .. } => Err(error),
        }
    }
}

impl Prepared<'_> {
    /// Whether another attempt follows attempt number `attempt`, which failed as `failure`, and after how
    /// long. The whole retry decision:
    ///
    /// | condition                                   | retry?                                   |
    /// |---------------------------------------------|------------------------------------------|
    /// | attempts used up (`attempt > max_retries`)  | no                                       |
    /// | the policy refuses `failure` for the method | no ([`retry::may_retry`])                |
    /// | the server asks for a wait over the maximum | no (`max_retry_after`)                   |
    /// | otherwise                                   | after the server's wait, else the backoff |
    fn next_attempt_after(
        &self,
        attempt: u32,
        failure: Failure,
        requested: Option<Duration>,
    ) -> Option<Duration> {
        let inner = &self.client.inner;
        let retry = attempt <= self.max_retries
            && retry::may_retry(&self.method, self.has_idempotency_key, failure)
            && requested.is_none_or(|wait| wait <= inner.max_retry_after);
        retry.then(|| requested.unwrap_or_else(|| inner.backoff.delay(attempt)))
    }
}

impl<'a> Prepared<'a> {
    /// Sends attempts until one succeeds (or, with `any_status`, until an answer that is not retried) or the
    /// retry policy gives up. With `buffered` the body is read as part of the attempt, so that a connection
    /// that breaks while the body arrives is retried like one that breaks before.
    ///
    /// A call with a deadline ends with `Error::DeadlineExceeded` when the deadline passes, whatever it was
    /// doing, or as soon as the wait before the next attempt would outlast it.
    pub(crate) async fn send(
        mut self,
        any_status: bool,
        buffered: bool,
    ) -> Result<Outcome<'a>, Error> {
        let attempts = AtomicU32::new(0);
        // `run` borrows `self` rather than taking it: the request is not copied into another future.
        let Some(deadline) = self.deadline else {
            return self.run(any_status, buffered, None, &attempts).await;
        };
        let ends = Instant::now() + deadline;
        let run = self.run(any_status, buffered, Some(ends), &attempts);
        match tokio::time::timeout_at(ends.into(), run).await {
            Ok(result) => result,
            Err(_elapsed) => Err(Error::DeadlineExceeded {
                method: self.method.clone(),
                path: self.path,
                deadline,
                attempts: attempts.load(Ordering::Relaxed),
            }),
        }
    }

    /// The attempts of [`Prepared::send`], counted in `attempts`.
    async fn run(
        &mut self,
        any_status: bool,
        buffered: bool,
        ends: Option<Instant>,
        attempts: &AtomicU32,
    ) -> Result<Outcome<'a>, Error> {
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            attempts.store(attempt, Ordering::Relaxed);
            tracing::Span::current().record("attempts", attempt);
            let unsuccessful = match self.attempt(attempt, buffered).await? {
                Attempt::Succeeded(outcome) => return Ok(outcome),
                Attempt::Unsuccessful(unsuccessful) => unsuccessful,
            };
            let (failure, requested) = unsuccessful.failure();
            let Some(wait) = self.next_attempt_after(attempt, failure, requested) else {
                return unsuccessful.into_result(any_status).await;
            };
            let outlasts = ends.is_some_and(|ends| Instant::now() + wait >= ends);
            if let (true, Some(deadline)) = (outlasts, self.deadline) {
                return Err(Error::DeadlineExceeded {
                    method: self.method.clone(),
                    path: self.path,
                    deadline,
                    attempts: attempt,
                });
            }
            let reason = unsuccessful.before_retry().await;
            retry_pause(attempt, &reason, failure, wait).await;
        }
    }

    /// One attempt: waits for the rate limit and a free slot, sends, and sorts out how it ended. Errors
    /// here (a body that cannot be built, a body over the size limit) end the call.
    async fn attempt(&mut self, attempt: u32, buffered: bool) -> Result<Attempt<'a>, Error> {
        let client = self.client;
        let permit = self.wait_for_turn().await?;
        let mut request = self.build_request()?;
        let operation = Operation {
            method: &self.method,
            path: self.path,
            attempt,
        };
        for hook in &client.inner.hooks {
            hook.on_request(&operation, &mut request);
        }
        let attempt_span = tracing::debug_span!(
            "attempt",
            attempt,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        // The request goes into the HTTP client's future here, so that the future of the exchange holds
        // that future alone, not the request beside it.
        let started = Instant::now();
        let sent = match &client.inner.transport {
            Some(transport) => Either::Left(transport.send(&operation, request)),
            None => Either::Right(client.inner.http.execute(request)),
        };
        let (mut response, deadline) = match self.exchange(sent, started, &attempt_span).await {
            Ok(answered) => answered,
            Err(unsuccessful) => return Ok(Attempt::Unsuccessful(unsuccessful)),
        };
        for hook in &client.inner.hooks {
            hook.on_response(&operation, &mut response);
        }
        let status = response.status();
        attempt_span.record("status", status.as_u16());
        tracing::Span::current().record("status", status.as_u16());
        let rate_limit = RateLimit::from_headers(response.headers());
        client.record_rate_limit(rate_limit);
        let dispatched = Dispatched {
            client,
            rate_limit,
            method: self.method.clone(),
            path: self.path,
            response,
            deadline,
            timeout: self.timeout,
            permit,
        };
        // Settled here rather than in a function of its own, whose future would hold a second copy of
        // `dispatched` beside the one `read_body` holds.
        if !dispatched.response.status().is_success() {
            return Ok(Attempt::Unsuccessful(Unsuccessful::Answered(dispatched)));
        }
        if !buffered {
            return Ok(Attempt::Succeeded(Outcome::Head(dispatched)));
        }
        match dispatched.read_body().await {
            Ok(raw) => Ok(Attempt::Succeeded(Outcome::Body(raw))),
            // The body broke off or took too long: the request may have had its effect.
            Err(error @ (Error::Transport { .. } | Error::Timeout { .. })) => {
                let failure = Failure::Unknown;
                Ok(Attempt::Unsuccessful(Unsuccessful::Failed {
                    error,
                    failure,
                }))
            }
            Err(other) => Err(other),
        }
    }

    /// Waits until the rate limit resets, if it is used up, and for a free slot among the client's
    /// concurrent requests.
    async fn wait_for_turn(&self) -> Result<tokio::sync::OwnedSemaphorePermit, Error> {
        let client = self.client;
        if let Some(wait) = client.rate_limit_wait() {
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "rate limit used up; waiting for the reset"
            );
            tokio::time::sleep(wait).await;
        }
        let Ok(permit) = client.inner.permits.clone().acquire_owned().await else {
            return Err(self.error("the client is shutting down"));
        };
        Ok(permit)
    }

    /// Awaits `sent`, the request sent at `started`, within the attempt's timeout, in `attempt_span`: the
    /// response and the instant its body must have arrived by, or how the attempt failed.
    async fn exchange(
        &self,
        sent: impl Future<Output = Result<reqwest::Response, reqwest::Error>>,
        started: Instant,
        attempt_span: &tracing::Span,
    ) -> Result<(reqwest::Response, Instant), Unsuccessful<'a>> {
        let deadline = started + self.timeout;
        let result = tokio::time::timeout_at(deadline.into(), sent)
            .instrument(attempt_span.clone())
            .await;
        attempt_span.record("duration_ms", started.elapsed().as_millis() as u64);
        match result {
            Ok(Ok(response)) => Ok((response, deadline)),
            Ok(Err(e)) => Err(self.transport_failure(e)),
            Err(_elapsed) => {
                let error = self.timeout_error();
                let failure = Failure::Unknown;
                Err(Unsuccessful::Failed { error, failure })
            }
        }
    }

    /// The URL (query and query-string credentials included) and the headers of one attempt: the client's
    /// (without its credentials for an anonymous call), then the call's own, which win.
    pub(crate) fn resolve(&self) -> Result<(reqwest::Url, http::HeaderMap), Error> {
        let client = self.client;
        let mut url = client.url_with_path(&self.full_path)?;
        if !self.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(self.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        if !self.anonymous {
            client.apply_auth_query(&mut url);
        }
        let inner = &client.inner;
        // One spare entry: reqwest adds `Accept: */*` where no `Accept` is set.
        let mut headers = http::HeaderMap::with_capacity(
            inner.headers.keys_len() + self.own_headers.keys_len() + 1,
        );
        let skipped = if self.anonymous {
            inner.credential_header.as_ref()
        } else {
            None
        };
        for (name, value) in &inner.headers {
            if Some(name) != skipped && !self.own_headers.contains_key(name) {
                headers.append(name.clone(), value.clone());
            }
        }
        for (name, value) in &self.own_headers {
            headers.append(name.clone(), value.clone());
        }
        Ok((url, headers))
    }

    /// The HTTP request of the next attempt (a multipart body is rebuilt every time).
    fn build_request(&mut self) -> Result<reqwest::Request, Error> {
        let (url, headers) = match self.first.take() {
            Some(first) => first,
            None => self.resolve()?,
        };
        let mut builder = self.client.inner.http.request(self.method.clone(), url);
        match &mut self.body {
            // A POST, PUT or PATCH without a body still says `Content-Length: 0`
            // (RFC 9110 §8.6); some front ends answer 411 without it.
            Body::Empty
                if matches!(
                    self.method,
                    http::Method::POST | http::Method::PUT | http::Method::PATCH
                ) =>
            {
                builder = builder.header(http::header::CONTENT_LENGTH, "0");
            }
            Body::Empty => {}
            Body::Bytes(bytes, _) => builder = builder.body(bytes.clone()),
            Body::PerAttempt(body) => {
                builder = body
                    .add_to(builder)
                    .map_err(|message| self.error(message))?;
            }
        }
        let mut request = builder
            .build()
            .map_err(|e| Error::transport(&self.method, self.path, e))?;
        // The body's own headers (a multipart boundary, `Content-Length: 0`) win, as they did when set last.
        let own = ::std::mem::replace(request.headers_mut(), headers);
        request.headers_mut().extend(own);
        Ok(request)
    }

    /// A failure reported by the HTTP client: not sent (connect errors), or sent with an unknown fate.
    fn transport_failure(&self, e: reqwest::Error) -> Unsuccessful<'a> {
        let failure = if e.is_connect() {
            Failure::NotSent
        } else {
            Failure::Unknown
        };
        let error = if e.is_timeout() && !e.is_connect() {
            self.timeout_error()
        } else {
            Error::transport(&self.method, self.path, e)
        };
        Unsuccessful::Failed { error, failure }
    }

    fn timeout_error(&self) -> Error {
        Error::Timeout {
            method: self.method.clone(),
            path: self.path,
            timeout: self.timeout,
        }
    }

    fn error(&self, message: impl Into<String>) -> Error {
        Error::build(&self.method, self.path, message)
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

/// What `Prepared::send` ends with: a buffered response, or the head of one whose body is still to be streamed.
pub(crate) enum Outcome<'a> {
    Body(RawResponse),
    Head(Dispatched<'a>),
}

impl<'a> Outcome<'a> {
    pub(crate) fn into_body(self) -> Result<RawResponse, Error> {
        match self {
            Outcome::Body(raw) => Ok(raw),
            Outcome::Head(d) => Err(Error::build(
                &d.method,
                d.path,
                "internal: body was not read",
            )),
        }
    }

    pub(crate) fn into_head(self) -> Result<Dispatched<'a>, Error> {
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
    /// Read from the headers once, when the answer arrived.
    rate_limit: Option<RateLimit>,
    deadline: Instant,
    /// The attempt's timeout, for the error message.
    timeout: Duration,
    permit: tokio::sync::OwnedSemaphorePermit,
}

/// A body read chunk by chunk: a body that arrives in one chunk (most do) is kept as it came, without a copy.
#[derive(Default)]
struct BodyBuf {
    first: bytes::Bytes,
    /// The chunks after the first, the first copied in front of them.
    joined: Option<bytes::BytesMut>,
}

impl BodyBuf {
    fn len(&self) -> usize {
        self.joined
            .as_ref()
            .map_or(self.first.len(), bytes::BytesMut::len)
    }

    fn push(&mut self, chunk: bytes::Bytes) {
        if let Some(joined) = &mut self.joined {
            joined.extend_from_slice(&chunk);
        } else if self.first.is_empty() {
            self.first = chunk;
        } else {
            let mut joined = bytes::BytesMut::with_capacity(self.first.len() + chunk.len());
            joined.extend_from_slice(&self.first);
            joined.extend_from_slice(&chunk);
            self.joined = Some(joined);
        }
    }

    fn freeze(self) -> bytes::Bytes {
        self.joined.map_or(self.first, bytes::BytesMut::freeze)
    }
}

enum BodyRead {
    Complete(bytes::Bytes),
    /// Reading stopped at the limit; the bytes read so far.
    TooLarge(bytes::Bytes),
}

impl Dispatched<'_> {
    /// The status and headers, which move out of the response (its body may still be read).
    fn head(&mut self) -> ResponseHead {
        ResponseHead {
            method: self.method.clone(),
            path: self.path,
            status: self.response.status(),
            headers: ::std::mem::take(self.response.headers_mut()),
            rate_limit: self.rate_limit,
        }
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
            let mut buf = BodyBuf::default();
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|e| Error::transport(method, path, e))?
            {
                let room = limit.saturating_sub(buf.len() as u64) as usize;
                if chunk.len() > room {
                    buf.push(chunk.slice(..room));
                    return Ok(BodyRead::TooLarge(buf.freeze()));
                }
                buf.push(chunk);
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

    pub(crate) fn into_stream(mut self) -> Response<ByteStream> {
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
