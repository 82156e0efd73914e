//! Server-sent events: a `text/event-stream` parser over a byte stream, and a typed JSON layer.
//!
//! [`SseStream`] follows the WHATWG HTML "event stream interpretation" rules: UTF-8 with an
//! optional leading BOM, CRLF/LF/CR line endings anywhere (also split across chunks), `:`
//! comments, `data` lines joined with `\n`, `id` and `retry` fields, and an unterminated event
//! at end of stream discarded. [`TypedSseStream`] decodes each event's `data` as JSON and ends at
//! OpenAI's `[DONE]` sentinel.
//!
//! Memory is bounded: an event still being received (its data so far and the line in progress)
//! may grow to [`DEFAULT_MAX_EVENT_BYTES`] (see [`SseStream::with_max_event_bytes`]); a server
//! that goes past it, say by never sending a line ending, ends the stream with
//! [`SseError::EventTooLarge`].

use ::std::collections::VecDeque;
use ::std::pin::Pin;
use ::std::task::{Context, Poll};
use ::std::time::Duration;

use futures_core::Stream;

const BOM: &[u8] = b"\xEF\xBB\xBF";
const EXCERPT_CHARS: usize = 200;
/// The data OpenAI-style APIs send as their last event; [`TypedSseStream`] ends there.
pub const DONE_SENTINEL: &str = "[DONE]";
/// How large an event still being received may grow (8 MiB), unless the stream sets another
/// limit.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 8 * 1024 * 1024;

/// One dispatched server-sent event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event` field; `None` when absent or empty (the spec's default type `message`).
    pub event: Option<::std::string::String>,
    /// The `data` lines joined with `\n` (no trailing newline).
    pub data: ::std::string::String,
    /// The stream's last event id when this event was dispatched: the latest `id` field seen so
    /// far, in this event or an earlier one (as the spec's `lastEventId`); `None` when never set
    /// or reset by an empty `id`.
    pub id: Option<::std::string::String>,
    /// A `retry` field (reconnection time) given in this event's block, if any.
    pub retry: Option<Duration>,
}

impl SseEvent {
    /// The event type, `message` when the server gave none.
    pub fn event_type(&self) -> &str {
        self.event.as_deref().unwrap_or("message")
    }
}

/// The line-oriented parser behind [`SseStream`]: feed it bytes, take finished events.
#[derive(Debug, Default)]
struct Parser {
    /// Bytes of the line being received (terminators never appear inside UTF-8 sequences, so
    /// lines are split as bytes and decoded whole).
    line: ::std::vec::Vec<u8>,
    /// The previous chunk ended with CR: a LF at the start of the next one belongs to it.
    skip_lf: bool,
    /// No line completed yet: the first one may start with a BOM.
    first_line: bool,
    data: ::std::string::String,
    has_data: bool,
    event: ::std::string::String,
    retry: Option<Duration>,
    /// The spec's "last event ID buffer": set by `id` lines, committed when a block ends.
    id_buffer: ::std::string::String,
    /// The spec's "last event ID string": the id as of the last complete block.
    last_event_id: ::std::string::String,
    reconnection_time: Option<Duration>,
    ready: VecDeque<SseEvent>,
    /// The most bytes the pending line and the pending event's data may hold together.
    max_event_bytes: usize,
}

/// The pending event outgrew the parser's limit.
#[derive(Debug)]
struct TooLarge;

impl Parser {
    fn new() -> Self {
        Self {
            first_line: true,
            max_event_bytes: DEFAULT_MAX_EVENT_BYTES,
            ..Self::default()
        }
    }

    /// Fails when the pending line, with the pending event's data, would pass the limit; the
    /// data only grows by what a line holds, so checking lines bounds both.
    fn feed(&mut self, mut chunk: &[u8]) -> Result<(), TooLarge> {
        if self.skip_lf && !chunk.is_empty() {
            self.skip_lf = false;
            if chunk[0] == b'\n' {
                chunk = &chunk[1..];
            }
        }
        while let Some(end) = chunk.iter().position(|&b| b == b'\n' || b == b'\r') {
            self.check_room(end)?;
            self.line.extend_from_slice(&chunk[..end]);
            let terminator = chunk[end];
            chunk = &chunk[end + 1..];
            self.end_line();
            if terminator == b'\r' {
                match chunk.first() {
                    Some(b'\n') => chunk = &chunk[1..],
                    Some(_) => {}
                    None => self.skip_lf = true,
                }
            }
        }
        self.check_room(chunk.len())?;
        self.line.extend_from_slice(chunk);
        Ok(())
    }

    fn check_room(&self, more: usize) -> Result<(), TooLarge> {
        let pending = self.line.len() + self.data.len() + more;
        if pending > self.max_event_bytes {
            return Err(TooLarge);
        }
        Ok(())
    }

    fn end_line(&mut self) {
        let mut line = ::std::mem::take(&mut self.line);
        if ::std::mem::replace(&mut self.first_line, false) && line.starts_with(BOM) {
            line.drain(..BOM.len());
        }
        self.process_line(&String::from_utf8_lossy(&line));
        // Keep the allocation for the next line.
        line.clear();
        self.line = line;
    }

    fn process_line(&mut self, line: &str) {
        if line.is_empty() {
            self.dispatch();
            return;
        }
        if line.starts_with(':') {
            return; // comment (often a keep-alive)
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => value.clone_into(&mut self.event),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => value.clone_into(&mut self.id_buffer),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // Digits only, so the parse fails only on overflow: ignore that like junk.
                if let Ok(millis) = value.parse::<u64>() {
                    let retry = Duration::from_millis(millis);
                    self.retry = Some(retry);
                    self.reconnection_time = Some(retry);
                }
            }
            _ => {} // unknown fields are ignored
        }
    }

    fn dispatch(&mut self) {
        self.last_event_id.clone_from(&self.id_buffer);
        let event = ::std::mem::take(&mut self.event);
        let retry = self.retry.take();
        if !::std::mem::replace(&mut self.has_data, false) {
            // A block without data dispatches nothing (its `id`/`retry` still took effect).
            return;
        }
        self.ready.push_back(SseEvent {
            event: (!event.is_empty()).then_some(event),
            data: ::std::mem::take(&mut self.data),
            id: (!self.last_event_id.is_empty()).then(|| self.last_event_id.clone()),
            retry,
        });
    }

    /// Forgets a half-received line and event (end of stream or a broken connection).
    fn discard_pending(&mut self) {
        self.line.clear();
        self.data.clear();
        self.has_data = false;
        self.event.clear();
        self.retry = None;
        // An `id` line of an unfinished block never took effect.
        self.id_buffer.clone_from(&self.last_event_id);
    }
}

/// A stream of [`SseEvent`]s parsed from a stream of byte chunks (any chunking).
///
/// The inner stream must be `Unpin`; wrap others with `Box::pin`. An error from the inner
/// stream is yielded once, as [`SseError::Transport`], and ends the event stream: the event
/// being received when the connection broke is discarded, as is an unterminated event at a
/// clean end of stream (the spec's rule; a well-formed stream ends every event with a blank
/// line). An event that outgrows the limit ends it the same way, with
/// [`SseError::EventTooLarge`].
#[derive(Debug)]
pub struct SseStream<S = crate::ByteStream> {
    inner: S,
    parser: Parser,
    done: bool,
    /// The limit was hit: the error follows the events finished before it.
    too_large: bool,
}

impl<S> SseStream<S> {
    /// Parses `inner`, a `text/event-stream` body.
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            parser: Parser::new(),
            done: false,
            too_large: false,
        }
    }

    /// Sets how large an event still being received may grow, in bytes (its data so far and
    /// the line in progress; [`DEFAULT_MAX_EVENT_BYTES`] unless set). Past it the stream ends
    /// with [`SseError::EventTooLarge`].
    pub fn with_max_event_bytes(mut self, limit: usize) -> Self {
        self.parser.max_event_bytes = limit;
        self
    }

    /// The last event id as of the last complete event block (what to send as `Last-Event-ID`
    /// when reconnecting); an `id` in a block cut off by the end of the stream does not count.
    pub fn last_event_id(&self) -> Option<&str> {
        let id = self.parser.last_event_id.as_str();
        (!id.is_empty()).then_some(id)
    }

    /// The reconnection time the server asked for with its latest `retry` field.
    pub fn reconnection_time(&self) -> Option<Duration> {
        self.parser.reconnection_time
    }
}

impl<S, B, E> Stream for SseStream<S>
where
    S: Stream<Item = ::std::result::Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
{
    type Item = ::std::result::Result<SseEvent, SseError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(event) = this.parser.ready.pop_front() {
                return Poll::Ready(Some(Ok(event)));
            }
            if ::std::mem::take(&mut this.too_large) {
                return Poll::Ready(Some(Err(SseError::EventTooLarge {
                    limit: this.parser.max_event_bytes,
                })));
            }
            if this.done {
                return Poll::Ready(None);
            }
            match Pin::new(&mut this.inner).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => {
                    if this.parser.feed(chunk.as_ref()).is_err() {
                        // Events finished before the limit was hit still go out first.
                        this.done = true;
                        this.parser.discard_pending();
                        this.too_large = true;
                    }
                }
                Poll::Ready(Some(Err(err))) => {
                    this.done = true;
                    this.parser.discard_pending();
                    return Poll::Ready(Some(Err(SseError::Transport(err))));
                }
                Poll::Ready(None) => {
                    this.done = true;
                    this.parser.discard_pending();
                }
            }
        }
    }
}

/// Lets `?` turn a stream item's error into the crate's one error type.
impl From<SseError<crate::Error>> for crate::Error {
    fn from(error: SseError<crate::Error>) -> Self {
        match error {
            SseError::Transport(inner) => inner,
            other => crate::Error::Stream(::std::boxed::Box::new(other)),
        }
    }
}

/// Why an [`SseStream`] or [`TypedSseStream`] item failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SseError<E> {
    /// Reading the byte stream failed; the stream ends after this item.
    #[error("event stream broke")]
    Transport(#[source] E),
    /// An event grew past the stream's limit before it ended (a server that never sends a line
    /// ending, or an event without end); the stream ends after this item.
    #[error("server-sent event is larger than the limit of {limit} bytes")]
    EventTooLarge {
        /// The limit, in bytes ([`DEFAULT_MAX_EVENT_BYTES`] unless the stream set another).
        limit: usize,
    },
    /// An event's `data` is not JSON of the expected shape ([`TypedSseStream`] only); the
    /// stream goes on.
    #[error("server-sent event `{event_type}` does not decode: {source}; data starts {excerpt:?}")]
    Decode {
        /// The event's type (`message` when the server gave none).
        event_type: ::std::string::String,
        /// The event's last event id, if any.
        id: Option<::std::string::String>,
        /// The first characters of the data.
        excerpt: ::std::string::String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
}

/// [`SseStream`] with each event's `data` decoded as JSON into `T`.
///
/// Ends when the byte stream ends or at an event whose data is `[DONE]` (OpenAI's sentinel; the
/// rest of the body is not read). A `data` that does not decode is an [`SseError::Decode`] item
/// and the stream goes on.
#[derive(Debug)]
pub struct TypedSseStream<T, S = crate::ByteStream> {
    events: SseStream<S>,
    done: bool,
    item: ::std::marker::PhantomData<fn() -> T>,
}

impl<T, S> TypedSseStream<T, S> {
    /// Decodes the events of `inner`, a `text/event-stream` body.
    pub fn new(inner: S) -> Self {
        Self::from_events(SseStream::new(inner))
    }

    /// Decodes the events of an [`SseStream`].
    pub fn from_events(events: SseStream<S>) -> Self {
        Self {
            events,
            done: false,
            item: ::std::marker::PhantomData,
        }
    }

    /// The last event id seen so far.
    pub fn last_event_id(&self) -> Option<&str> {
        self.events.last_event_id()
    }

    /// The underlying event stream.
    pub fn into_events(self) -> SseStream<S> {
        self.events
    }
}

impl<T, S, B, E> Stream for TypedSseStream<T, S>
where
    T: serde::de::DeserializeOwned,
    S: Stream<Item = ::std::result::Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
{
    type Item = ::std::result::Result<T, SseError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        let event = match Pin::new(&mut this.events).poll_next(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(None) => {
                this.done = true;
                return Poll::Ready(None);
            }
            Poll::Ready(Some(Err(err))) => {
                // Every error of the event layer ends its stream.
                this.done = true;
                return Poll::Ready(Some(Err(err)));
            }
            Poll::Ready(Some(Ok(event))) => event,
        };
        if event.data.trim() == DONE_SENTINEL {
            this.done = true;
            return Poll::Ready(None);
        }
        Poll::Ready(Some(serde_json::from_str(&event.data).map_err(|source| {
            SseError::Decode {
                event_type: event.event_type().to_owned(),
                excerpt: event.data.chars().take(EXCERPT_CHARS).collect(),
                id: event.id,
                source,
            }
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(chunks: &[&[u8]]) -> ::std::vec::Vec<SseEvent> {
        let mut parser = Parser::new();
        for chunk in chunks {
            parser.feed(chunk).unwrap();
        }
        parser.ready.into_iter().collect()
    }

    #[test]
    fn cr_at_chunk_end_followed_by_lf_is_one_line_ending() {
        // Counting that LF as a second line ending would make a blank line and dispatch `a`
        // on its own.
        let events = parse(&[b"data:a\r", b"\ndata:b\r", b"\n\r", b"\n"]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].data, "a\nb");
    }

    #[test]
    fn bom_is_stripped_only_at_the_start() {
        let events = parse(&[b"\xEF\xBB", b"\xBFdata: x\n\n\xEF\xBB\xBFdata: y\n\n"]);
        assert_eq!(events.len(), 1, "a BOM later on makes an unknown field");
        assert_eq!(events[0].data, "x");
    }

    #[test]
    fn utf8_split_across_chunks_is_kept() {
        let text = "data: héllo wörld ✓\n\n".as_bytes();
        let chunks: ::std::vec::Vec<&[u8]> = text.chunks(1).collect();
        assert_eq!(parse(&chunks)[0].data, "héllo wörld ✓");
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        let events = parse(&[b"data: a\xFFb\n\n"]);
        assert_eq!(events[0].data, "a\u{FFFD}b");
    }
}
