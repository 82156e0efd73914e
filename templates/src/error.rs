//! `Error`: the one error type of the SDK, with the API's error body (`detail`, FastAPI validation issues) made
//! readable.
//!
//! `Display` is a single line naming the operation by method and path *template* (`POST /tasks/{task_id}/cancel:
//! 404 Not Found: task not found`). It never contains the API key, the full URL (a query-string key would show),
//! request headers or a full response body.

use ::std::string::String;
use ::std::time::Duration;
use ::std::vec::Vec;

use crate::RateLimit;

/// Longest body excerpt kept in an error, in bytes.
pub const BODY_EXCERPT_LIMIT: usize = 512;

/// Longest `detail` shown by `Display`, in bytes; the full text stays in [`ApiError::detail`].
const DISPLAY_DETAIL_LIMIT: usize = 300;

/// Everything that can go wrong when calling the API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be sent, or the connection broke before the response was complete.
    #[error("{method} {path}: {message}")]
    Transport {
        /// HTTP method.
        method: http::Method,
        /// Path template of the operation, e.g. `/tasks/{task_id}`.
        path: &'static str,
        /// What failed, e.g. `could not connect: Connection refused (os error 111)`.
        message: String,
        /// The underlying error, with the URL removed.
        #[source]
        source: reqwest::Error,
    },
    /// No response (headers, or the whole body for buffered responses) arrived within the timeout.
    #[error("{method} {path}: timed out after {}", fmt_duration(*.timeout))]
    Timeout {
        /// HTTP method.
        method: http::Method,
        /// Path template of the operation.
        path: &'static str,
        /// The timeout that ran out.
        timeout: Duration,
    },
    /// The call's deadline (`ClientBuilder::deadline`, or one call's) passed before it ended: during an attempt,
    /// or before a retry whose wait would outlast it.
    #[error("{method} {path}: deadline of {} passed after {attempts} attempt(s)", fmt_duration(*.deadline))]
    DeadlineExceeded {
        /// HTTP method.
        method: http::Method,
        /// Path template of the operation.
        path: &'static str,
        /// The deadline that passed.
        deadline: Duration,
        /// How many attempts had started.
        attempts: u32,
    },
    /// The response arrived but its body is not what the operation expects (bad JSON, wrong types, not UTF-8).
    #[error("{method} {path}: {status}: could not decode the response body: {source}{}", fmt_excerpt(.body_excerpt))]
    Decode {
        /// HTTP method.
        method: http::Method,
        /// Path template of the operation.
        path: &'static str,
        /// Status of the response.
        status: http::StatusCode,
        /// The start of the body, at most `BODY_EXCERPT_LIMIT` (512) bytes, cut on a character boundary.
        body_excerpt: String,
        /// The decoder's error (a `serde_json::Error` for JSON).
        #[source]
        source: ::std::boxed::Box<dyn ::std::error::Error + Send + Sync + 'static>,
    },
    /// The server answered with an error status.
    #[error("{0}")]
    Api(::std::boxed::Box<ApiError>),
    /// The response body is larger than the client's `max_response_bytes`; reading stopped at the limit.
    #[error("{method} {path}: {status}: response body is larger than the limit of {limit} bytes")]
    BodyTooLarge {
        /// HTTP method.
        method: http::Method,
        /// Path template of the operation.
        path: &'static str,
        /// Status of the response.
        status: http::StatusCode,
        /// The limit that was exceeded, in bytes.
        limit: u64,
    },
    /// A streamed body ([`ByteStream`](crate::ByteStream)) broke off part way. `received`
    /// bytes had arrived; a server that supports ranges sends the rest to a request with the header
    /// `Range: bytes={received}-`.
    #[error("{method} {path}: {status}: the body broke off after {received} bytes")]
    BodyInterrupted {
        /// HTTP method.
        method: http::Method,
        /// Path template of the operation.
        path: &'static str,
        /// Status of the response.
        status: http::StatusCode,
        /// How many bytes of the body had arrived.
        received: u64,
        /// Why the body broke off (an [`Error::Transport`], usually).
        #[source]
        source: ::std::boxed::Box<Error>,
    },
    /// The client is misconfigured (missing API key, invalid base URL, ...).
    #[error("configuration error: {message}")]
    Config {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The request could not be built (a parameter failed to serialize, an invalid header, a missing path
    /// parameter). Nothing was sent.
    #[error("{method} {path}: could not build the request: {message}")]
    Build {
        /// HTTP method.
        method: http::Method,
        /// Path template of the operation.
        path: &'static str,
        /// What is wrong.
        message: String,
    },
    /// An event stream (WebSocket or server-sent events) failed; the source says how.
    #[error("event stream: {0}")]
    Stream(::std::boxed::Box<dyn ::std::error::Error + Send + Sync + 'static>),
    /// A waiter's deadline passed before the resource reached a terminal state.
    #[error("{method} {path}: still not done after {} ({attempts} polls)", fmt_duration(*.waited))]
    WaitTimeout {
        /// HTTP method of the polled operation.
        method: http::Method,
        /// Path template of the polled operation.
        path: &'static str,
        /// How long the waiter waited (its deadline).
        waited: Duration,
        /// How many times it polled.
        attempts: u32,
    },
}

/// An error status from the API, with what the body said about it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP method of the request.
    pub method: http::Method,
    /// Path template of the operation, e.g. `/tasks/{task_id}/cancel`.
    pub path: &'static str,
    /// Status of the response.
    pub status: http::StatusCode,
    /// The error message the body carried, if it had one in a known shape.
    pub detail: Option<ErrorDetail>,
    /// The body, when it was JSON (and not larger than the error-body limit).
    pub body: Option<serde_json::Value>,
    /// The start of the body, at most `BODY_EXCERPT_LIMIT` (512) bytes (useful when the body is not JSON, e.g. an
    /// HTML page from a proxy).
    pub body_excerpt: String,
    /// Rate-limit headers of the response.
    pub rate_limit: Option<RateLimit>,
    /// Headers of the response.
    pub headers: http::HeaderMap,
    /// `x-request-id` / `request-id` of the response.
    pub request_id: Option<String>,
    /// How long the server asked to wait (`retry-after-ms` or `Retry-After`).
    pub retry_after: Option<Duration>,
}

/// The message of an error body.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorDetail {
    /// A plain message: FastAPI's `{"detail": "..."}`, `{"error": {"message": "..."}}`, `{"message": "..."}`.
    Message(String),
    /// FastAPI / pydantic validation errors: `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`.
    Validation(Vec<ValidationIssue>),
}

/// One validation problem as FastAPI reports it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct ValidationIssue {
    /// Where the problem is, e.g. `["body", "items", 0, "name"]`.
    #[serde(default)]
    pub loc: Vec<serde_json::Value>,
    /// What is wrong.
    pub msg: String,
    /// Machine-readable kind, e.g. `missing`.
    #[serde(rename = "type", default)]
    pub kind: String,
}

impl ValidationIssue {
    /// `loc` joined with dots: `body.items.0.name`.
    pub fn location(&self) -> String {
        self.loc
            .iter()
            .map(|part| match part {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }
}

impl ::std::fmt::Display for ValidationIssue {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        let location = self.location();
        if location.is_empty() {
            f.write_str(&self.msg)
        } else {
            write!(f, "{location}: {}", self.msg)
        }
    }
}

impl ::std::fmt::Display for ErrorDetail {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match self {
            ErrorDetail::Message(message) => f.write_str(message),
            ErrorDetail::Validation(issues) => {
                for (i, issue) in issues.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{issue}")?;
                }
                Ok(())
            }
        }
    }
}

impl ErrorDetail {
    /// Finds the message in an error body of a known shape.
    pub fn from_json(body: &serde_json::Value) -> Option<ErrorDetail> {
        use serde_json::Value;
        let message = |v: &Value| -> Option<ErrorDetail> {
            match v {
                Value::String(s) if !s.is_empty() => Some(ErrorDetail::Message(s.clone())),
                _ => None,
            }
        };
        match body {
            Value::String(_) => message(body),
            Value::Object(map) => {
                if let Some(detail) = map.get("detail") {
                    match detail {
                        Value::String(_) => return message(detail),
                        Value::Array(items) => {
                            if let Ok(issues) =
                                serde_json::from_value::<Vec<ValidationIssue>>(detail.clone())
                            {
                                return Some(ErrorDetail::Validation(issues));
                            }
                            let texts: Vec<String> = items
                                .iter()
                                .filter_map(|i| i.as_str().map(String::from))
                                .collect();
                            if !texts.is_empty() {
                                return Some(ErrorDetail::Message(texts.join("; ")));
                            }
                        }
                        Value::Object(inner) => {
                            if let Some(found) = inner
                                .get("message")
                                .or_else(|| inner.get("msg"))
                                .and_then(message)
                            {
                                return Some(found);
                            }
                        }
                        _ => {}
                    }
                }
                if let Some(error) = map.get("error") {
                    match error {
                        Value::String(_) => {
                            // OAuth style: {"error": "invalid_token", "error_description": "..."}
                            return map
                                .get("error_description")
                                .and_then(message)
                                .or_else(|| message(error));
                        }
                        Value::Object(inner) => {
                            if let Some(found) = inner.get("message").and_then(message) {
                                return Some(found);
                            }
                        }
                        _ => {}
                    }
                }
                map.get("message")
                    .and_then(message)
                    .or_else(|| map.get("title").and_then(message))
            }
            _ => None,
        }
    }
}

impl ::std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        write!(f, "{} {}: {}", self.method, self.path, self.status)?;
        if let Some(detail) = &self.detail {
            let text = detail.to_string();
            let cut = truncate_on_char_boundary(&text, DISPLAY_DETAIL_LIMIT);
            write!(f, ": {cut}")?;
            if cut.len() < text.len() {
                f.write_str("…")?;
            }
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl ::std::error::Error for ApiError {}

impl ApiError {
    /// The error a call to `method` on `path` (its template, e.g. `/tasks/{task_id}`) gives when the server
    /// answers `status` with `headers` and `body`: `detail`, `Retry-After`, rate limit and request id are read
    /// from them as from a real response. For tests of code that handles API errors.
    pub fn new(
        method: http::Method,
        path: &'static str,
        status: http::StatusCode,
        headers: http::HeaderMap,
        body: &[u8],
    ) -> Self {
        let head = crate::response::ResponseHead::new(method, path, status, headers);
        crate::request::decode_api_error(head, body, true)
    }
}

impl From<ApiError> for Error {
    fn from(api: ApiError) -> Self {
        Error::Api(::std::boxed::Box::new(api))
    }
}

impl Error {
    /// HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status.as_u16()),
            Error::Decode { status, .. }
            | Error::BodyTooLarge { status, .. }
            | Error::BodyInterrupted { status, .. } => Some(status.as_u16()),
            _ => None,
        }
    }

    /// The API's error message (`detail`), validation issues joined with `; `.
    pub fn detail(&self) -> Option<String> {
        match self {
            Error::Api(api) => api.detail.as_ref().map(ToString::to_string),
            _ => None,
        }
    }

    /// Rate-limit headers of the error response.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        match self {
            Error::Api(api) => api.rate_limit,
            _ => None,
        }
    }

    /// Whether trying again later may succeed: transport failures, timeouts, a streamed body that broke off and
    /// the statuses 408, 409, 429 and 5xx. The client already retried these as far as its retry policy allows
    /// (a streamed body is never fetched again by itself).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } | Error::BodyInterrupted { .. } => true,
            Error::Api(api) => crate::retry::is_retryable_status(api.status),
            _ => false,
        }
    }

    /// `x-request-id` (or `request-id`) of the error response, to quote to the API's support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            _ => None,
        }
    }

    /// How long the server asked to wait before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(api) => api.retry_after,
            _ => None,
        }
    }

    /// The API error, when the server answered with an error status.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The error body decoded as the type the spec documents for that status (for example
    /// `err.body_as::<types::HttpValidationError>()` on a 422); `None` when there is no JSON
    /// body or it has another shape.
    pub fn body_as<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        let body = self.api_error()?.body.as_ref()?;
        T::deserialize(body).ok()
    }

    /// `true` for [`Error::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::Config {
            message: message.into(),
        }
    }

    pub(crate) fn build(
        method: &http::Method,
        path: &'static str,
        message: impl Into<String>,
    ) -> Error {
        Error::Build {
            method: method.clone(),
            path,
            message: message.into(),
        }
    }

    /// Wraps a reqwest error, dropping its URL (it may carry a query-string API key).
    pub(crate) fn transport(
        method: &http::Method,
        path: &'static str,
        source: reqwest::Error,
    ) -> Error {
        let source = source.without_url();
        let what = if source.is_connect() {
            "could not connect"
        } else if source.is_body() || source.is_decode() {
            "connection failed while reading the response body"
        } else {
            "connection failed"
        };
        let mut cause: &dyn ::std::error::Error = &source;
        while let Some(next) = cause.source() {
            cause = next;
        }
        let message = format!("{what}: {cause}");
        Error::Transport {
            method: method.clone(),
            path,
            message,
            source,
        }
    }

    pub(crate) fn decode(
        method: &http::Method,
        path: &'static str,
        status: http::StatusCode,
        body: &[u8],
        source: impl Into<::std::boxed::Box<dyn ::std::error::Error + Send + Sync + 'static>>,
    ) -> Error {
        Error::Decode {
            method: method.clone(),
            path,
            status,
            body_excerpt: body_excerpt(body, BODY_EXCERPT_LIMIT),
            source: source.into(),
        }
    }
}

/// The start of `body` as text, at most `max` bytes, never splitting a character.
pub(crate) fn body_excerpt(body: &[u8], max: usize) -> String {
    let prefix = &body[..body.len().min(max + 4)];
    let text = String::from_utf8_lossy(prefix);
    truncate_on_char_boundary(&text, max).to_owned()
}

fn truncate_on_char_boundary(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn fmt_excerpt(excerpt: &str) -> String {
    const SHOWN: usize = 80;
    let trimmed = excerpt.trim();
    if trimmed.is_empty() {
        return " (empty body)".to_owned();
    }
    let cut = truncate_on_char_boundary(trimmed, SHOWN);
    let cut: String = cut
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let more = if trimmed.len() > SHOWN { "…" } else { "" };
    format!(" (body starts {cut:?}{more})")
}

fn fmt_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 && d.as_secs() > 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn api(detail: Option<ErrorDetail>) -> Error {
        Error::Api(::std::boxed::Box::new(ApiError {
            method: http::Method::POST,
            path: "/tasks/{task_id}/cancel",
            status: http::StatusCode::NOT_FOUND,
            detail,
            body: None,
            body_excerpt: String::new(),
            rate_limit: None,
            headers: http::HeaderMap::new(),
            request_id: None,
            retry_after: None,
        }))
    }

    #[test]
    fn display_is_one_line_with_detail() {
        let e = api(Some(ErrorDetail::Message("task not found".into())));
        assert_eq!(
            e.to_string(),
            "POST /tasks/{task_id}/cancel: 404 Not Found: task not found"
        );
        assert_eq!(e.status(), Some(404));
        assert_eq!(e.detail().as_deref(), Some("task not found"));
        assert!(!e.is_retryable());
        assert_eq!(
            api(None).to_string(),
            "POST /tasks/{task_id}/cancel: 404 Not Found"
        );
    }

    #[test]
    fn detail_shapes() {
        let d = |v: serde_json::Value| ErrorDetail::from_json(&v).map(|d| d.to_string());
        assert_eq!(d(json!({"detail": "nope"})).as_deref(), Some("nope"));
        assert_eq!(
            d(json!({"error": {"message": "bad key", "type": "auth"}})).as_deref(),
            Some("bad key")
        );
        assert_eq!(
            d(json!({"message": "slow down"})).as_deref(),
            Some("slow down")
        );
        assert_eq!(
            d(json!({"error": "invalid_token", "error_description": "expired"})).as_deref(),
            Some("expired")
        );
        assert_eq!(d(json!({"other": 1})), None);
        assert_eq!(d(json!([1, 2])), None);
        let v = json!({"detail": [
            {"loc": ["body", "items", 0, "name"], "msg": "Field required", "type": "missing"},
            {"loc": ["query", "limit"], "msg": "must be <= 100", "type": "less_than_equal"}
        ]});
        match ErrorDetail::from_json(&v) {
            Some(ErrorDetail::Validation(issues)) => {
                assert_eq!(issues.len(), 2);
                assert_eq!(issues[0].location(), "body.items.0.name");
                assert_eq!(issues[0].kind, "missing");
            }
            other => panic!("expected validation issues, got {other:?}"),
        }
        assert_eq!(
            d(v).as_deref(),
            Some("body.items.0.name: Field required; query.limit: must be <= 100")
        );
    }

    #[test]
    fn long_detail_is_cut_in_display() {
        let e = api(Some(ErrorDetail::Message("é".repeat(1000))));
        let shown = e.to_string();
        assert!(shown.len() < 400, "{}", shown.len());
        assert!(shown.ends_with('…'));
    }

    #[test]
    fn excerpt_never_splits_a_character() {
        let body = "é".repeat(600);
        let excerpt = body_excerpt(body.as_bytes(), BODY_EXCERPT_LIMIT);
        assert!(excerpt.len() <= BODY_EXCERPT_LIMIT);
        assert!(excerpt.chars().all(|c| c == 'é'));
        assert_eq!(body_excerpt(b"\xff\xfeabc", 512), "\u{fffd}\u{fffd}abc");
    }
}
