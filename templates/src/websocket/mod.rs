//! A typed, resuming WebSocket event stream.
//!
//! [`connect`] turns an operation path into a `ws(s)://` URL, sends the client's credentials on
//! the handshake and returns an [`EventStream`]: a `Stream` of decoded server messages that
//! reconnects with exponential backoff when the connection drops, resumes with
//! `last_event_id=<last id seen>`, and drops replayed duplicates by event id so that the caller
//! sees every event once, in order. Close code 1000 ends the stream; 4001 (unauthorized) and
//! 4008 (connection limit) end it with a typed error. The socket is read only while the caller
//! polls: nothing is buffered ahead of the consumer beyond the socket's own buffers.

use ::std::future::Future;
use ::std::pin::Pin;
use ::std::string::String;
use ::std::task::{Context, Poll};
use ::std::time::Duration;
use recent_ids::RecentIds;

use futures_core::Stream;
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::{Client, Error};

mod error;
mod options;
mod recent_ids;
mod scripted;
pub use crate::hook::ScriptedConnection;
use crate::hook::ScriptedEnd;
pub use error::StreamError;
use error::{BoxError, CloseOutcome, close_outcome};
pub use options::StreamOptions;
use scripted::Scripted;

/// Close code the server sends when the credentials are missing or invalid.
pub const CLOSE_UNAUTHORIZED: u16 = 4001;
/// Close code the server sends when the plan's number of concurrent connections is reached.
pub const CLOSE_CONNECTION_LIMIT: u16 = 4008;

const EXCERPT_CHARS: usize = 200;
/// How long to wait for the server's side of a closing handshake.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A message type of an event stream: it tells its id, by which replays are recognised.
pub trait StreamEvent {
    /// The event's unique id (`evt_…`); `None` for messages without one (never de-duplicated,
    /// never resumed from).
    fn event_id(&self) -> Option<&str>;
}

/// Untyped messages: the id is the top-level `"id"` string.
impl StreamEvent for serde_json::Value {
    fn event_id(&self) -> Option<&str> {
        self.get("id")?.as_str()
    }
}

/// Opens an event stream on a path template of the client's API (`/instances/{id}/console`),
/// filling its `{name}` parameters (percent-encoded as one segment each); otherwise as [`connect`].
pub fn connect_template<T>(
    client: &Client,
    template: &str,
    path_params: &[(String, String)],
    query: ::std::vec::Vec<(String, String)>,
    options: StreamOptions,
) -> ::std::result::Result<EventStream<T>, Error>
where
    T: serde::de::DeserializeOwned + StreamEvent,
{
    let mut path = String::with_capacity(template.len() + 16);
    crate::params::expand_path_into(template, path_params, &mut path)
        .map_err(|message| Error::config(format!("event stream path: {message}")))?;
    connect(client, &path, query, options)
}

/// Opens an event stream on `path` of the client's API, e.g. `/events`.
///
/// `query` is sent on every connection (e.g. `task_id`, `types`); a `last_event_id` in it is the
/// starting point of the first connection and is replaced by the last id seen on reconnects.
/// The connection is made on the first poll: handshake failures arrive as stream items.
pub fn connect<T>(
    client: &Client,
    path: &str,
    query: ::std::vec::Vec<(String, String)>,
    options: StreamOptions,
) -> ::std::result::Result<EventStream<T>, Error>
where
    T: serde::de::DeserializeOwned + StreamEvent,
{
    let mut full_path = client.path_start(path, path.len());
    full_path.push_str(path);
    let mut url = client.url_with_path(&full_path)?;
    client.apply_auth_query(&mut url);
    let stream = EventStream::new(url, client.inner.headers.clone(), query, options)?;
    Ok(stream.answered_by(client.inner.transport.as_ref(), path))
}

/// [`connect`] to a full `http(s)://` or `ws(s)://` URL with the given handshake headers.
pub fn connect_url<T>(
    url: &str,
    headers: http::HeaderMap,
    query: ::std::vec::Vec<(String, String)>,
    options: StreamOptions,
) -> ::std::result::Result<EventStream<T>, Error>
where
    T: serde::de::DeserializeOwned + StreamEvent,
{
    let url = reqwest::Url::parse(url)
        .map_err(|e| Error::config(format!("invalid event stream URL: {e}")))?;
    EventStream::new(url, headers, query, options)
}

/// A typed stream of server messages over a WebSocket, resuming across dropped connections.
///
/// Items are `Ok(message)` in the server's order, each event id at most once (within the
/// [`StreamOptions::dedup_window`] most recent ids), or `Err(StreamError)`: a
/// [`StreamError::Decode`] item lets the stream go on, any other error is the last item.
pub struct EventStream<T> {
    base_url: reqwest::Url,
    headers: http::HeaderMap,
    query: ::std::vec::Vec<(String, String)>,
    options: StreamOptions,
    state: State,
    last_event_id: Option<String>,
    recent: RecentIds,
    /// Failed attempts since a connection last delivered a message.
    attempts: u32,
    reconnects: u32,
    /// Set when a transport stands in for the server.
    scripted: Option<Scripted>,
    item: ::std::marker::PhantomData<fn() -> T>,
}

enum State {
    /// A connection a transport scripted, read message by message.
    Scripted(ScriptedConnection),
    Connecting(Pin<::std::boxed::Box<dyn Future<Output = Attempt> + Send>>),
    Open(::std::boxed::Box<Ws>),
    Waiting(Pin<::std::boxed::Box<tokio::time::Sleep>>),
    /// The server sent a close frame: let tungstenite answer it, then end with `then`.
    Closing {
        ws: ::std::boxed::Box<Ws>,
        deadline: Pin<::std::boxed::Box<tokio::time::Sleep>>,
        then: Option<StreamError>,
    },
    Done,
}

/// The outcome of one connection attempt.
enum Attempt {
    Connected(::std::boxed::Box<Ws>),
    /// Worth another attempt (network, timeout, 5xx, 429).
    Retry(BoxError),
    /// Final.
    Fatal(StreamError),
}

impl<T> ::std::fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        // No URL and no headers: they may carry the API key.
        let state = match self.state {
            State::Scripted(_) => "scripted",
            State::Connecting(_) => "connecting",
            State::Open(_) => "open",
            State::Waiting(_) => "waiting to reconnect",
            State::Closing { .. } => "closing",
            State::Done => "done",
        };
        f.debug_struct("EventStream")
            .field("path", &self.base_url.path())
            .field("state", &state)
            .field("last_event_id", &self.last_event_id)
            .field("reconnects", &self.reconnects)
            .finish_non_exhaustive()
    }
}

impl<T> EventStream<T>
where
    T: serde::de::DeserializeOwned + StreamEvent,
{
    fn new(
        mut url: reqwest::Url,
        headers: http::HeaderMap,
        mut query: ::std::vec::Vec<(String, String)>,
        options: StreamOptions,
    ) -> ::std::result::Result<Self, Error> {
        let scheme = match url.scheme() {
            "http" | "ws" => "ws",
            "https" | "wss" => "wss",
            other => {
                return Err(Error::config(format!(
                    "event stream URL has scheme {other:?}; expected http(s) or ws(s)"
                )));
            }
        };
        url.set_scheme(scheme)
            .map_err(|()| Error::config("event stream URL cannot be turned into ws(s)"))?;
        let mut last_event_id = None;
        query.retain(|(name, value)| {
            if name == "last_event_id" {
                last_event_id = Some(value.clone());
                false
            } else {
                true
            }
        });
        let mut stream = Self {
            base_url: url,
            headers,
            query,
            recent: RecentIds::new(options.dedup_window),
            options,
            state: State::Done,
            last_event_id,
            attempts: 0,
            reconnects: 0,
            scripted: None,
            item: ::std::marker::PhantomData,
        };
        stream.state = stream.connecting();
        Ok(stream)
    }
}

impl<T> EventStream<T> {
    /// The id of the last event yielded (or the `last_event_id` the stream started from): where a
    /// reconnection resumes.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// How many times the stream reconnected after a dropped connection or failed attempt.
    pub fn reconnects(&self) -> u32 {
        self.reconnects
    }

    /// Closes the connection cleanly (close code 1000) and waits briefly for the server's
    /// answer. Nothing further is read.
    pub async fn close(mut self) {
        let state = ::std::mem::replace(&mut self.state, State::Done);
        let mut ws = match state {
            State::Open(ws) | State::Closing { ws, .. } => ws,
            _ => return,
        };
        let frame = CloseFrame {
            code: CloseCode::Normal,
            reason: "".into(),
        };
        let _ = tokio::time::timeout(CLOSE_GRACE, async {
            if ws.close(Some(frame)).await.is_ok() {
                // Read until the server's close frame ends the connection.
                while let Some(Ok(_)) = futures_util::StreamExt::next(&mut *ws).await {}
            }
        })
        .await;
    }

    fn connecting(&self) -> State {
        if let Some(scripted) = &self.scripted {
            return self.scripted_connection(scripted);
        }
        let mut url = self.base_url.clone();
        {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &self.query {
                pairs.append_pair(name, value);
            }
            if let Some(id) = &self.last_event_id {
                pairs.append_pair("last_event_id", id);
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        let config = tungstenite::protocol::WebSocketConfig::default()
            .max_message_size(Some(self.options.max_message_bytes))
            .max_frame_size(Some(self.options.max_message_bytes));
        State::Connecting(::std::boxed::Box::pin(open(
            url,
            self.headers.clone(),
            config,
            self.options.handshake_timeout,
        )))
    }

    /// After a dropped connection or a failed attempt: wait and try again, or give up.
    fn retry_or_give_up(&mut self, error: BoxError) -> Option<StreamError> {
        if self.attempts >= self.options.max_reconnect_attempts {
            self.state = State::Done;
            return Some(StreamError::Disconnected {
                attempts: self.attempts,
                source: error,
            });
        }
        self.attempts += 1;
        self.reconnects += 1;
        let delay = self.options.backoff_delay(self.attempts);
        tracing::debug!(attempt = self.attempts, ?delay, error = %error, "event stream reconnecting");
        self.state = State::Waiting(::std::boxed::Box::pin(tokio::time::sleep(delay)));
        None
    }
}

impl<T> EventStream<T>
where
    T: serde::de::DeserializeOwned + StreamEvent,
{
    /// A message of the open socket other than a text frame (which [`Stream::poll_next`] decodes itself):
    /// `Some` ends this poll; `None` goes round the state machine again (a skipped frame, a reconnect, or an
    /// event already seen).
    #[allow(
        clippy::type_complexity,
        reason = "the poll result of `Stream::poll_next`, or none"
    )]
    #[inline(never)]
    fn on_message(
        &mut self,
        message: Option<::std::result::Result<tungstenite::Message, tungstenite::Error>>,
    ) -> Option<Poll<Option<::std::result::Result<T, StreamError>>>> {
        let payload = match message {
            Some(Ok(tungstenite::Message::Close(frame))) => {
                let State::Open(ws) = ::std::mem::replace(&mut self.state, State::Done) else {
                    unreachable!("called in State::Open")
                };
                if let Some(err) = self.on_close(ws, frame) {
                    return Some(Poll::Ready(Some(Err(err))));
                }
                return None;
            }
            Some(Ok(tungstenite::Message::Text(text))) => {
                self.attempts = 0;
                return self
                    .accept(Payload::Text(text.as_str()))
                    .map(|item| Poll::Ready(Some(item)));
            }
            Some(Ok(tungstenite::Message::Binary(bytes))) => bytes,
            // tungstenite answers pings itself while we read.
            Some(Ok(_)) => return None,
            Some(Err(err)) => {
                if let Some(err) = self.retry_or_give_up(err.into()) {
                    return Some(Poll::Ready(Some(Err(err))));
                }
                return None;
            }
            None => {
                let err = tungstenite::Error::ConnectionClosed.into();
                if let Some(err) = self.retry_or_give_up(err) {
                    return Some(Poll::Ready(Some(Err(err))));
                }
                return None;
            }
        };
        self.attempts = 0;
        self.accept(Payload::Binary(&payload))
            .map(|item| Poll::Ready(Some(item)))
    }

    /// Every state but an open connection: connecting, waiting, closing, scripted, done. `Some` ends this poll.
    #[allow(
        clippy::type_complexity,
        reason = "the poll result of `Stream::poll_next`, or none"
    )]
    #[inline(never)]
    fn poll_other(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Option<Poll<Option<::std::result::Result<T, StreamError>>>> {
        match &mut self.state {
            State::Done => Some(Poll::Ready(None)),
            State::Waiting(sleep) => {
                if sleep.as_mut().poll(cx).is_pending() {
                    return Some(Poll::Pending);
                }
                self.state = self.connecting();
                None
            }
            State::Connecting(attempt) => {
                let attempt = match attempt.as_mut().poll(cx) {
                    Poll::Pending => return Some(Poll::Pending),
                    Poll::Ready(attempt) => attempt,
                };
                match attempt {
                    Attempt::Connected(ws) => self.state = State::Open(ws),
                    Attempt::Retry(error) => {
                        if let Some(err) = self.retry_or_give_up(error) {
                            return Some(Poll::Ready(Some(Err(err))));
                        }
                    }
                    Attempt::Fatal(err) => {
                        self.state = State::Done;
                        return Some(Poll::Ready(Some(Err(err))));
                    }
                }
                None
            }
            // Read by `Stream::poll_next`.
            State::Open(_) => None,
            State::Closing { .. } => Some(self.poll_closing(cx)),
            State::Scripted(_) => self.poll_scripted().map(Poll::Ready),
        }
    }

    /// Waits (up to the deadline) for the server to finish a close handshake, then ends the stream.
    fn poll_closing(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<::std::result::Result<T, StreamError>>> {
        let State::Closing {
            mut ws,
            mut deadline,
            then,
        } = ::std::mem::replace(&mut self.state, State::Done)
        else {
            unreachable!("polled in State::Closing")
        };
        let finished = deadline.as_mut().poll(cx).is_ready()
            || loop {
                match Pin::new(&mut *ws).poll_next(cx) {
                    Poll::Pending => break false,
                    Poll::Ready(Some(Ok(_))) => {}
                    Poll::Ready(_) => break true,
                }
            };
        if !finished {
            self.state = State::Closing { ws, deadline, then };
            return Poll::Pending;
        }
        Poll::Ready(then.map(Err))
    }
}

impl<T> Stream for EventStream<T>
where
    T: serde::de::DeserializeOwned + StreamEvent,
{
    type Item = ::std::result::Result<T, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            // Almost every poll: a text frame on the open connection, decoded here, straight from the frame.
            let State::Open(ws) = &mut this.state else {
                if let Some(poll) = this.poll_other(cx) {
                    return poll;
                }
                continue;
            };
            let message = match Pin::new(&mut **ws).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(message) => message,
            };
            let Some(Ok(tungstenite::Message::Text(text))) = &message else {
                if let Some(poll) = this.on_message(message) {
                    return poll;
                }
                continue;
            };
            this.attempts = 0;
            match serde_json::from_str::<T>(text.as_str()) {
                Ok(event) => {
                    if this.is_new(event.event_id()) {
                        return Poll::Ready(Some(Ok(event)));
                    }
                }
                Err(source) => {
                    return Poll::Ready(Some(Err(decode_error(Payload::Text(text), source))));
                }
            }
        }
    }
}

impl<T> EventStream<T>
where
    T: serde::de::DeserializeOwned + StreamEvent,
{
    /// Decodes one message; `None` for a duplicate.
    #[inline(never)]
    fn accept(&mut self, payload: Payload<'_>) -> Option<::std::result::Result<T, StreamError>> {
        let decoded = match payload {
            Payload::Text(text) => serde_json::from_str(text),
            Payload::Binary(bytes) => serde_json::from_slice(bytes),
        };
        let event: T = match decoded {
            Ok(event) => event,
            Err(source) => return Some(Err(decode_error(payload, source))),
        };
        self.is_new(event.event_id()).then_some(Ok(event))
    }
}

impl<T> EventStream<T> {
    /// Whether an event with id `id` is new (and, if it has an id, remembers it and resumes after it); `false`
    /// for a replayed event.
    fn is_new(&mut self, id: Option<&str>) -> bool {
        let Some(id) = id else {
            return true;
        };
        if !self.recent.insert(id) {
            tracing::trace!(id, "event stream dropped a replayed event");
            return false;
        }
        // The buffer of the previous id is reused.
        let last = self.last_event_id.get_or_insert_with(String::new);
        last.clear();
        last.push_str(id);
        true
    }
}

/// A message that does not decode, with the start of its text.
#[cold]
#[inline(never)]
fn decode_error(payload: Payload<'_>, source: serde_json::Error) -> StreamError {
    let excerpt = match payload {
        Payload::Text(text) => text.chars().take(EXCERPT_CHARS).collect(),
        Payload::Binary(bytes) => String::from_utf8_lossy(bytes)
            .chars()
            .take(EXCERPT_CHARS)
            .collect(),
    };
    StreamError::Decode { excerpt, source }
}

impl<T> EventStream<T> {
    /// Handles a close frame from the server: ends the stream (after letting tungstenite answer
    /// the close) or reconnects, depending on the code.
    fn on_close(
        &mut self,
        ws: ::std::boxed::Box<Ws>,
        frame: Option<CloseFrame>,
    ) -> Option<StreamError> {
        let (code, reason) = match frame {
            Some(frame) => (u16::from(frame.code), frame.reason.as_str().to_owned()),
            None => (1005, String::new()),
        };
        let then = match close_outcome(code, reason) {
            CloseOutcome::End(then) => then,
            CloseOutcome::Reconnect(error) => {
                drop(ws);
                return self.retry_or_give_up(error);
            }
        };
        self.state = State::Closing {
            ws,
            deadline: ::std::boxed::Box::pin(tokio::time::sleep(CLOSE_GRACE)),
            then,
        };
        None
    }
}

/// A message's payload as it arrived.
#[derive(Clone, Copy)]
enum Payload<'p> {
    /// A text frame: tungstenite has checked it is UTF-8, so the JSON parser need not check every string
    /// again.
    Text(&'p str),
    Binary(&'p [u8]),
}

/// One connection attempt: handshake with a timeout, classified for retrying.
async fn open(
    url: reqwest::Url,
    headers: http::HeaderMap,
    config: tungstenite::protocol::WebSocketConfig,
    timeout: Duration,
) -> Attempt {
    let mut request = match url.as_str().into_client_request() {
        Ok(request) => request,
        Err(err) => return Attempt::Fatal(handshake_failed(err)),
    };
    for (name, value) in &headers {
        request.headers_mut().append(name, value.clone());
    }
    let handshake =
        tokio_tungstenite::connect_async_tls_with_config(request, Some(config), true, None);
    match tokio::time::timeout(timeout, handshake).await {
        Err(_) => Attempt::Retry(format!("handshake timed out after {timeout:?}").into()),
        Ok(Ok((ws, _response))) => Attempt::Connected(::std::boxed::Box::new(ws)),
        Ok(Err(tungstenite::Error::Http(response))) => {
            let status = response.status().as_u16();
            let body_excerpt = response
                .body()
                .as_deref()
                .map(|body| {
                    String::from_utf8_lossy(body)
                        .chars()
                        .take(EXCERPT_CHARS)
                        .collect()
                })
                .unwrap_or_default();
            match status {
                401 => Attempt::Fatal(StreamError::Unauthorized {
                    reason: body_excerpt,
                }),
                408 | 429 | 500..=599 => {
                    Attempt::Retry(format!("handshake answered HTTP {status}").into())
                }
                _ => Attempt::Fatal(StreamError::Rejected {
                    status,
                    body_excerpt,
                }),
            }
        }
        Ok(Err(
            err @ (tungstenite::Error::Url(_)
            | tungstenite::Error::HttpFormat(_)
            | tungstenite::Error::Capacity(_)
            | tungstenite::Error::Tls(_)),
        )) => Attempt::Fatal(handshake_failed(err)),
        Ok(Err(err)) => Attempt::Retry(err.into()),
    }
}

fn handshake_failed(err: tungstenite::Error) -> StreamError {
    StreamError::Handshake { source: err.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_stream_can_move_between_tasks() {
        fn assert_send<S: Send + 'static>() {}
        assert_send::<EventStream<serde_json::Value>>();
        assert_send::<StreamError>();
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let options =
            StreamOptions::default().backoff(Duration::from_millis(100), Duration::from_secs(1));
        for _ in 0..50 {
            let first = options.backoff_delay(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = options.backoff_delay(3);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            let late = options.backoff_delay(40);
            assert!(late >= Duration::from_millis(500) && late <= Duration::from_secs(1));
        }
    }
}
