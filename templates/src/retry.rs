//! When a failed request is sent again, and how long the client waits first.
//!
//! # Policy
//! A request is tried at most `1 + max_retries` times (`max_retries` defaults to 2; set it on the client with
//! `ClientBuilder::max_retries` or per request with `RequestOptions::max_retries`). A new attempt is made after:
//!
//! - an error **before the request was sent**: connection refused, DNS failure, TLS failure, connect timeout.
//!   Safe for every method;
//! - a **429 Too Many Requests**: the server did not act on the request. Safe for every method;
//! - **408, 409 and 5xx** answers, broken connections after the request may have been sent, and timeouts waiting
//!   for the response: the request's fate is unknown, so these are retried only for idempotent methods (`GET`,
//!   `HEAD`, `OPTIONS`, `TRACE`, `PUT`, `DELETE`) or when the request carries an idempotency key
//!   (`Request::idempotency_header`). The key is generated once per call and sent unchanged on every attempt;
//!   a value the caller set for that header wins. A `POST` or `PATCH` without a key is never sent twice.
//!
//! # Waiting
//! Before retry `n` (1-based) the client waits `base · 2^(n-1)`, capped at `cap` (0.5 s doubling to 8 s by
//! default), less up to 25 % random jitter so that many clients do not retry in lockstep. When the response says
//! how long to wait (`retry-after-ms`, or `Retry-After` in seconds or as an HTTP date) that wait is used
//! instead, as long as it is at most the client's `max_retry_after` (60 s by default); a longer requested wait
//! ends the call at once with the error, which carries [`Error::retry_after`](crate::Error::retry_after)
//! so the caller can schedule the work later.

use ::std::time::{Duration, SystemTime};

/// Default number of retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Default first backoff delay.
pub const DEFAULT_BACKOFF_BASE: Duration = Duration::from_millis(500);
/// Default longest backoff delay.
pub const DEFAULT_BACKOFF_CAP: Duration = Duration::from_secs(8);
/// Default longest server-requested wait the client honours by sleeping.
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Statuses worth trying again: 408, 409, 429 and every 5xx.
pub(crate) fn is_retryable_status(status: http::StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429 | 500..=599)
}

/// Methods that RFC 9110 defines as idempotent.
pub(crate) fn is_idempotent(method: &http::Method) -> bool {
    matches!(
        *method,
        http::Method::GET
            | http::Method::HEAD
            | http::Method::OPTIONS
            | http::Method::TRACE
            | http::Method::PUT
            | http::Method::DELETE
    )
}

/// How an attempt failed, as far as the retry decision cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Nothing reached the server (connect error).
    NotSent,
    /// The request may have reached the server; no answer arrived.
    Unknown,
    /// The server answered with this status.
    Status(http::StatusCode),
}

/// Whether the policy above allows another attempt after `failure`.
pub(crate) fn may_retry(
    method: &http::Method,
    has_idempotency_key: bool,
    failure: Failure,
) -> bool {
    let replay_safe = is_idempotent(method) || has_idempotency_key;
    match failure {
        Failure::NotSent => true,
        Failure::Unknown => replay_safe,
        Failure::Status(status) if status == http::StatusCode::TOO_MANY_REQUESTS => true,
        Failure::Status(status) => is_retryable_status(status) && replay_safe,
    }
}

/// Exponential backoff with jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Backoff {
    pub(crate) base: Duration,
    pub(crate) cap: Duration,
}

impl Backoff {
    /// Delay before retry number `retry` (1 for the first retry).
    pub(crate) fn delay(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(20);
        let full = self.base.saturating_mul(1u32 << exp).min(self.cap);
        full.mul_f64(1.0 - 0.25 * fastrand::f64())
    }
}

/// The wait a response asks for: `retry-after-ms` (milliseconds), else `Retry-After` (seconds or an HTTP date).
pub(crate) fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    if let Some(ms) = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|ms| ms.is_finite() && *ms >= 0.0)
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(1e9)));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A random UUID v4 for idempotency keys.
pub(crate) fn new_idempotency_key() -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use http::{Method, StatusCode};

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
    fn policy_table() {
        let post = Method::POST;
        assert!(may_retry(&post, false, Failure::NotSent));
        assert!(!may_retry(&post, false, Failure::Unknown));
        assert!(may_retry(&post, true, Failure::Unknown));
        assert!(may_retry(
            &post,
            false,
            Failure::Status(StatusCode::TOO_MANY_REQUESTS)
        ));
        assert!(!may_retry(
            &post,
            false,
            Failure::Status(StatusCode::SERVICE_UNAVAILABLE)
        ));
        assert!(may_retry(
            &post,
            true,
            Failure::Status(StatusCode::SERVICE_UNAVAILABLE)
        ));
        assert!(!may_retry(
            &Method::PATCH,
            false,
            Failure::Status(StatusCode::INTERNAL_SERVER_ERROR)
        ));
        assert!(may_retry(&Method::GET, false, Failure::Unknown));
        assert!(may_retry(
            &Method::DELETE,
            false,
            Failure::Status(StatusCode::CONFLICT)
        ));
        assert!(may_retry(
            &Method::GET,
            false,
            Failure::Status(StatusCode::REQUEST_TIMEOUT)
        ));
        assert!(!may_retry(
            &Method::GET,
            false,
            Failure::Status(StatusCode::NOT_FOUND)
        ));
        assert!(!may_retry(
            &Method::GET,
            true,
            Failure::Status(StatusCode::BAD_REQUEST)
        ));
    }

    #[test]
    fn backoff_doubles_to_the_cap_with_jitter() {
        let b = Backoff {
            base: DEFAULT_BACKOFF_BASE,
            cap: DEFAULT_BACKOFF_CAP,
        };
        for (retry, full_ms) in [
            (1, 500u64),
            (2, 1000),
            (3, 2000),
            (4, 4000),
            (5, 8000),
            (6, 8000),
            (40, 8000),
        ] {
            let d = b.delay(retry).as_millis() as u64;
            assert!(
                d <= full_ms && d >= full_ms * 3 / 4,
                "retry {retry}: {d} ms"
            );
        }
    }

    #[test]
    fn retry_after_forms() {
        let mut h = http::HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert("retry-after", "3".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert("retry-after-ms", "250".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_millis(250)));
        h.remove("retry-after-ms");
        let later = SystemTime::now() + Duration::from_secs(120);
        h.insert(
            "retry-after",
            httpdate::fmt_http_date(later).parse().unwrap(),
        );
        let d = retry_after(&h).unwrap();
        assert!(
            d > Duration::from_secs(115) && d <= Duration::from_secs(120),
            "{d:?}"
        );
        h.insert(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }
}
