//! Hooks: user code that sees, and may change, every attempt's request before it is sent and its response
//! before the SDK reads it, for metrics, tracing or extra headers, without changing the SDK itself.
//!
//! A hook is registered with [`ClientBuilder::hook`](crate::ClientBuilder::hook); hooks run in the order they
//! were added, once per attempt (a retried call runs them again), and are told which operation the attempt
//! belongs to.
//!
//! A hook is a type implementing [`Hook`] (both methods default to doing nothing), e.g. one that counts
//! error answers in an `AtomicU64` from `on_response` and adds an `x-trace-id` header in `on_request`.

/// The operation an attempt belongs to, as hooks see it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Operation<'a> {
    /// HTTP method.
    pub method: &'a http::Method,
    /// Path template of the operation, e.g. `/tasks/{task_id}` (never the expanded path, which may hold ids).
    pub path: &'static str,
    /// The attempt's number, from 1; above 1 for a retry.
    pub attempt: u32,
}

/// Code that runs around every attempt. Both methods do nothing unless implemented.
pub trait Hook: Send + Sync + 'static {
    /// Sees the request of an attempt just before it is sent; may change its headers, URL or timeout. The
    /// credentials are already in its headers, marked sensitive: a hook that logs headers must skip those.
    fn on_request(&self, operation: &Operation<'_>, request: &mut reqwest::Request) {
        let _ = (operation, request);
    }

    /// Sees the response of an attempt when its headers have arrived, before the SDK decides on retries and
    /// reads the body; may change its headers.
    fn on_response(&self, operation: &Operation<'_>, response: &mut reqwest::Response) {
        let _ = (operation, response);
    }
}

/// What a [`Transport`] returns: the response, or the HTTP client's error.
pub type TransportFuture =
    ::std::pin::Pin<Box<dyn Future<Output = Result<reqwest::Response, reqwest::Error>> + Send>>;

/// Sends one attempt's request in place of the HTTP client: set with
/// [`ClientBuilder::transport`](crate::ClientBuilder::transport). Everything before and after the call
/// (building the request, hooks, timeouts, retries, decoding, errors, pagination) runs as it does over the
/// network. The `mock` feature's [`MockTransport`](crate::mock::MockTransport) is one.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request`, an attempt of `operation`.
    fn send(&self, operation: &Operation<'_>, request: reqwest::Request) -> TransportFuture;
}
