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

    /// What one WebSocket connection to `path` (as connected, e.g. `/events`) with `query` receives,
    /// when this transport stands in for the server (the `mock` feature's `MockTransport`). `None`,
    /// the default, connects over the network.
    fn websocket(
        &self,
        path: &str,
        query: &[(::std::string::String, ::std::string::String)],
    ) -> Option<ScriptedConnection> {
        let _ = (path, query);
        None
    }
}

/// What one WebSocket connection receives when a [`Transport`] stands in for the server (see
/// [`Transport::websocket`]): messages in order, then how it ends. The stream handles them as it would a server's frames: decoding, de-duplication, close
/// codes, and a new connection (asked of the transport, with `last_event_id`) after a drop.
#[derive(Debug, Clone)]
pub struct ScriptedConnection {
    pub(crate) messages: ::std::collections::VecDeque<bytes::Bytes>,
    pub(crate) end: ScriptedEnd,
}

#[derive(Debug, Clone)]
pub(crate) enum ScriptedEnd {
    Close(u16, ::std::string::String),
    Drop,
}

impl Default for ScriptedConnection {
    fn default() -> Self {
        Self::new()
    }
}

impl ScriptedConnection {
    /// A connection that delivers nothing and closes normally (code 1000).
    pub fn new() -> Self {
        Self {
            messages: ::std::collections::VecDeque::new(),
            end: ScriptedEnd::Close(1000, ::std::string::String::new()),
        }
    }

    /// Then a text frame holding `value` as JSON.
    pub fn json<V: serde::Serialize + ?Sized>(self, value: &V) -> Self {
        let text = serde_json::to_vec(value).unwrap_or_default();
        self.frame(text)
    }

    /// Then a frame holding `payload` as is (malformed JSON, say).
    pub fn frame(mut self, payload: impl Into<bytes::Bytes>) -> Self {
        self.messages.push_back(payload.into());
        self
    }

    /// Ends with a close frame of `code` and `reason` (1000 by default: the stream ends; 4001
    /// unauthorized, 4008 connection limit; 1001, 1011–1014 and the like reconnect).
    pub fn close(mut self, code: u16, reason: &str) -> Self {
        self.end = ScriptedEnd::Close(code, reason.to_owned());
        self
    }

    /// The messages still to be delivered, in order.
    pub fn messages(&self) -> impl Iterator<Item = &[u8]> {
        self.messages.iter().map(|m| &m[..])
    }

    /// The close code and reason the connection ends with; `None` when it drops without a close frame.
    pub fn closing(&self) -> Option<(u16, &str)> {
        match &self.end {
            ScriptedEnd::Close(code, reason) => Some((*code, reason.as_str())),
            ScriptedEnd::Drop => None,
        }
    }

    /// Ends with the connection dropped without a close frame: the stream reconnects.
    pub fn drop_connection(mut self) -> Self {
        self.end = ScriptedEnd::Drop;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::ScriptedConnection;

    #[test]
    fn a_scripted_connection_keeps_its_messages_in_order_and_its_ending() {
        let connection = ScriptedConnection::new()
            .json(&serde_json::json!({"id": "evt_1"}))
            .frame("{not json");
        let messages: Vec<&[u8]> = connection.messages().collect();
        assert_eq!(messages, [&br#"{"id":"evt_1"}"#[..], b"{not json"]);
        assert_eq!(connection.closing(), Some((1000, "")));
        assert_eq!(
            connection.clone().close(4001, "revoked").closing(),
            Some((4001, "revoked"))
        );
        assert_eq!(connection.drop_connection().closing(), None);
    }
}
