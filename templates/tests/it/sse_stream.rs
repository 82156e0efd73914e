//! `text/event-stream` parsing: a real loopback HTTP server streaming in small chunks, and the
//! parser on tricky inputs.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt as _;
use sdkgen_runtime::sse::{SseError, SseEvent, SseStream, TypedSseStream};
use sdkgen_test_server::{Canned, TestServer};

// ---------------------------------------------------------------------------------------------
// A loopback server: each path streams a script of chunks, with a short pause between chunks so
// that the client really receives them separately.

/// What the server does after the last chunk.
#[derive(Clone, Copy)]
enum End {
    /// Ends the chunked body properly.
    Clean,
    /// Aborts the connection without the terminating chunk.
    Break,
}

/// Serves `text` as `text/event-stream` in pieces of `size` bytes (UTF-8 sequences and CRLF pairs get split
/// too), 2 ms apart; returns the server (alive while held) and the stream's URL.
async fn serve(text: &str, size: usize, end: End) -> (TestServer, String) {
    let answer = Canned::bytes(200, "text/event-stream", text.to_owned())
        .chunked(size, Duration::from_millis(2));
    let answer = match end {
        End::Clean => answer,
        End::Break => answer.cut(),
    };
    let server = sdkgen_test_server::serve(move |_| answer.clone()).await;
    let url = format!("{}/events", server.url());
    (server, url)
}

async fn connect(url: &str) -> impl futures_core::Stream<Item = reqwest::Result<Bytes>> + Unpin {
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    Box::pin(response.bytes_stream())
}

fn event(event: Option<&str>, data: &str, id: Option<&str>, retry: Option<u64>) -> SseEvent {
    SseEvent {
        event: event.map(str::to_owned),
        data: data.to_owned(),
        id: id.map(str::to_owned),
        retry: retry.map(Duration::from_millis),
    }
}

const SCRIPT: &str = "\u{FEFF}: welcome, this is a comment\r\n\
retry: 2500\r\n\
\r\n\
id: 1\n\
event: task.created\n\
data: {\"id\": \"task_1\",\n\
data:  \"prompt\": \"héllo ✓\"}\n\
\n\
: keep-alive\n\
\n\
data: second\rdata: line\r\r\
id: 2\r\n\
event: agent.action\r\n\
retry: 100\r\n\
data:third\r\n\
\r\n";

fn script_events() -> Vec<SseEvent> {
    vec![
        event(
            Some("task.created"),
            "{\"id\": \"task_1\",\n \"prompt\": \"héllo ✓\"}",
            Some("1"),
            None,
        ),
        event(None, "second\nline", Some("1"), None),
        event(Some("agent.action"), "third", Some("2"), Some(100)),
    ]
}

#[tokio::test]
async fn loopback_stream_in_small_chunks() {
    for size in [1, 3, 7, 64] {
        let (_server, url) = serve(SCRIPT, size, End::Clean).await;
        let mut events = SseStream::new(connect(&url).await);
        let mut seen = Vec::new();
        while let Some(event) = events.next().await {
            seen.push(event.unwrap());
        }
        assert_eq!(seen, script_events(), "chunk size {size}");
        assert_eq!(events.last_event_id(), Some("2"));
        assert_eq!(events.reconnection_time(), Some(Duration::from_millis(100)));
    }
}

#[tokio::test]
async fn loopback_unterminated_last_event_is_discarded() {
    let text = "data: kept\n\ndata: never finished\n";
    let (_server, url) = serve(text, 4, End::Clean).await;
    let seen: Vec<_> = SseStream::new(connect(&url).await)
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(seen, vec![event(None, "kept", None, None)]);
}

/// A connection that breaks mid-event: the complete events arrive, then one transport error,
/// then the stream ends; the half-received event is never yielded.
#[tokio::test]
async fn loopback_connection_broken_mid_event() {
    let text = "id: a\ndata: one\n\nid: b\ndata: two\n\nid: c\ndata: half of thr";
    let (_server, url) = serve(text, 5, End::Break).await;
    let mut events = SseStream::new(connect(&url).await);
    assert_eq!(
        events.next().await.unwrap().unwrap(),
        event(None, "one", Some("a"), None)
    );
    assert_eq!(
        events.next().await.unwrap().unwrap(),
        event(None, "two", Some("b"), None)
    );
    let Err(SseError::Transport(err)) = events.next().await.unwrap() else {
        panic!("expected a transport error");
    };
    // reqwest reports a body cut short while streaming as a decode-kind error.
    assert!(err.is_body() || err.is_decode(), "{err:?}");
    assert!(events.next().await.is_none());
    assert!(events.next().await.is_none(), "stays ended");
    // The broken block's `id: c` never took effect: a reconnect resumes after "b".
    assert_eq!(events.last_event_id(), Some("b"));
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Chunk {
    n: u32,
}

#[tokio::test]
async fn loopback_typed_stream_decodes_and_stops_at_done() {
    let text = "data: {\"n\": 1}\n\n\
                event: oops\nid: 7\ndata: {\"n\": \"not a number\"}\n\n\
                data: {\"n\": 2}\n\n\
                data: [DONE]\n\n\
                data: {\"n\": 3}\n\n";
    let (_server, url) = serve(text, 6, End::Clean).await;
    let mut stream = TypedSseStream::<Chunk, _>::new(connect(&url).await);

    assert_eq!(stream.next().await.unwrap().unwrap(), Chunk { n: 1 });
    match stream.next().await.unwrap().unwrap_err() {
        SseError::Decode {
            event_type,
            id,
            excerpt,
            ..
        } => {
            assert_eq!(event_type, "oops");
            assert_eq!(id.as_deref(), Some("7"));
            assert_eq!(excerpt, "{\"n\": \"not a number\"}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(stream.next().await.unwrap().unwrap(), Chunk { n: 2 });
    assert!(stream.next().await.is_none(), "[DONE] ends the stream");
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn loopback_typed_stream_reports_a_broken_connection_once() {
    let (_server, url) = serve("data: {\"n\": 1}\n\ndata: {\"n\"", 4, End::Break).await;
    let mut stream = TypedSseStream::<Chunk, _>::new(connect(&url).await);
    assert_eq!(stream.next().await.unwrap().unwrap(), Chunk { n: 1 });
    let err = stream.next().await.unwrap().unwrap_err();
    assert!(matches!(err, SseError::Transport(_)), "{err:?}");
    assert!(std::error::Error::source(&err).is_some());
    assert!(stream.next().await.is_none());
}

static DEFAULTS: sdkgen_runtime::ClientDefaults = sdkgen_runtime::ClientDefaults {
    base_url: "https://api.example.com/v1",
    user_agent: "sse-test",
    api_key_env: None,
    base_url_env: None,
    auth: &[sdkgen_runtime::AuthScheme::Bearer],
};

/// The way generated code streams an operation: `send_stream` gives the runtime's `ByteStream`
/// (errors already `runtime::Error`), which the typed layer decodes.
#[tokio::test]
async fn loopback_through_the_client_send_stream() {
    let (_server, url) = serve(SCRIPT, 5, End::Clean).await;
    let base_url = url.trim_end_matches("/events");
    let client = sdkgen_runtime::ClientBuilder::new(&DEFAULTS)
        .api_key("sk_test")
        .base_url(base_url)
        .build()
        .unwrap();
    let mut request = client.request(http::Method::GET, "/events");
    request.header("accept", "text/event-stream");
    let body = request.send_stream().await.unwrap().into_inner();
    let events: Vec<SseEvent> = SseStream::new(body).map(Result::unwrap).collect().await;
    assert_eq!(events, script_events());

    // The typed layer over the same body, named as generated code names it (the byte stream
    // type defaults to `ByteStream`, so errors are `SseError<runtime::Error>`).
    let text = "data: {\"n\": 1}\n\ndata: [DONE]\n\n";
    let (_server, url) = serve(text, 3, End::Clean).await;
    let client = sdkgen_runtime::ClientBuilder::new(&DEFAULTS)
        .api_key("sk_test")
        .base_url(url.trim_end_matches("/events"))
        .build()
        .unwrap();
    let body = client
        .request(http::Method::GET, "/events")
        .send_stream()
        .await
        .unwrap()
        .into_inner();
    let typed: TypedSseStream<Chunk> = TypedSseStream::new(body);
    let items: Vec<Result<Chunk, SseError<sdkgen_runtime::Error>>> = typed.collect().await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].as_ref().unwrap(), &Chunk { n: 1 });
}

// ---------------------------------------------------------------------------------------------
// The parser on tricky inputs, fed from an in-memory stream.

fn parse_chunks(chunks: &[&[u8]]) -> Vec<SseEvent> {
    let chunks: Vec<Result<Vec<u8>, Infallible>> = chunks.iter().map(|c| Ok(c.to_vec())).collect();
    let stream = SseStream::new(futures_util::stream::iter(chunks));
    futures_executor_lite(stream.map(|e| e.unwrap()).collect())
}

fn parse(text: &str) -> Vec<SseEvent> {
    parse_chunks(&[text.as_bytes()])
}

/// Runs a future that never waits (an in-memory stream) to completion.
fn futures_executor_lite<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn every_split_point_gives_the_same_events() {
    let bytes = SCRIPT.as_bytes();
    for at in 0..=bytes.len() {
        let (a, b) = bytes.split_at(at);
        assert_eq!(parse_chunks(&[a, b]), script_events(), "split at {at}");
    }
    for at in 0..bytes.len() {
        let (a, rest) = bytes.split_at(at);
        let (b, c) = rest.split_at(rest.len().min(3));
        assert_eq!(
            parse_chunks(&[a, b, &[], c]),
            script_events(),
            "split at {at}, +3"
        );
    }
}

#[test]
fn multi_line_data_is_joined_with_newlines() {
    let events = parse("data: a\ndata: b\ndata:\ndata: c\n\n");
    assert_eq!(events, vec![event(None, "a\nb\n\nc", None, None)]);
}

#[test]
fn only_one_leading_space_is_stripped() {
    let events = parse("data:  two spaces\ndata:none\ndata: trailing \n\n");
    assert_eq!(events[0].data, " two spaces\nnone\ntrailing ");
}

#[test]
fn field_without_colon_has_an_empty_value() {
    // `data` alone appends an empty line; `event` alone gives the default type.
    let events = parse("data\ndata\n\nevent\ndata: x\n\n");
    assert_eq!(
        events,
        vec![event(None, "\n", None, None), event(None, "x", None, None)]
    );
}

#[test]
fn empty_data_field_still_dispatches() {
    assert_eq!(parse("data:\n\n"), vec![event(None, "", None, None)]);
}

#[test]
fn blocks_without_data_dispatch_nothing() {
    let events = parse("event: lonely\n\nid: 5\n\nretry: 10\n\n: only a comment\n\n\n\n");
    assert_eq!(events, vec![]);
    // ...but the id still becomes the stream's last event id, seen by the next event.
    let events = parse("id: 5\n\ndata: x\n\n");
    assert_eq!(events, vec![event(None, "x", Some("5"), None)]);
}

#[test]
fn comments_and_unknown_fields_are_ignored() {
    let events = parse(":comment\n: another\nfoo: bar\nDATA: upper\ndata: x\n:tail\n\n");
    assert_eq!(events, vec![event(None, "x", None, None)]);
}

#[test]
fn id_persists_and_an_empty_id_resets_it() {
    let events = parse("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 2\ndata: d\n\n");
    let ids: Vec<_> = events.iter().map(|e| e.id.as_deref()).collect();
    assert_eq!(ids, [Some("1"), Some("1"), None, Some("2")]);
}

#[test]
fn id_containing_nul_is_ignored() {
    let events = parse("id: 1\ndata: a\n\nid: bad\0id\ndata: b\n\n");
    assert_eq!(events[1].id.as_deref(), Some("1"));
}

#[test]
fn retry_must_be_ascii_digits() {
    let events = parse(
        "retry: 1500\ndata: a\n\n\
         retry: 15s\ndata: b\n\n\
         retry: -1\ndata: c\n\n\
         retry:\ndata: d\n\n\
         retry: 99999999999999999999999\ndata: e\n\n",
    );
    let retries: Vec<_> = events.iter().map(|e| e.retry).collect();
    assert_eq!(
        retries,
        [Some(Duration::from_millis(1500)), None, None, None, None]
    );
}

#[test]
fn every_line_ending_style_works() {
    let expected = vec![
        event(Some("x"), "1\n2", None, None),
        event(None, "3", None, None),
    ];
    assert_eq!(parse("event: x\ndata: 1\ndata: 2\n\ndata: 3\n\n"), expected);
    assert_eq!(
        parse("event: x\r\ndata: 1\r\ndata: 2\r\n\r\ndata: 3\r\n\r\n"),
        expected
    );
    assert_eq!(parse("event: x\rdata: 1\rdata: 2\r\rdata: 3\r\r"), expected);
    assert_eq!(
        parse("event: x\rdata: 1\r\ndata: 2\n\r\ndata: 3\n\r"),
        expected
    );
}

#[test]
fn lone_cr_chunks_are_line_endings() {
    let events = parse_chunks(&[b"data: a", b"\r", b"\r", b"data: b", b"\r", b"\n", b"\r\n"]);
    assert_eq!(
        events,
        vec![event(None, "a", None, None), event(None, "b", None, None)]
    );
}

#[test]
fn bom_split_across_chunks_is_stripped() {
    let events = parse_chunks(&[b"\xEF", b"\xBB", b"\xBF", b"data: x\n\n"]);
    assert_eq!(events, vec![event(None, "x", None, None)]);
    // Without the BOM the first field is read as usual; a BOM-like prefix is not a field name.
    assert_eq!(parse("data: y\n\n")[0].data, "y");
    assert_eq!(parse("\u{FEFF}\u{FEFF}data: z\n\n"), vec![]);
}

#[test]
fn final_event_without_blank_line_is_discarded() {
    assert_eq!(
        parse("data: done\n\ndata: pending"),
        vec![event(None, "done", None, None)]
    );
    assert_eq!(
        parse("data: done\n\ndata: pending\n"),
        vec![event(None, "done", None, None)]
    );
}

#[test]
fn event_type_defaults_to_message() {
    let events = parse("data: a\n\nevent:\ndata: b\n\nevent: update\ndata: c\n\n");
    let types: Vec<_> = events.iter().map(SseEvent::event_type).collect();
    assert_eq!(types, ["message", "message", "update"]);
}

#[test]
fn event_type_does_not_leak_into_the_next_event() {
    let events = parse("event: first\ndata: a\n\ndata: b\n\n");
    assert_eq!(events[1].event, None);
}

#[test]
fn typed_stream_done_sentinel_may_be_padded() {
    let chunks: Vec<Result<&[u8], Infallible>> =
        vec![Ok(b"data: {\"n\": 4}\n\ndata:  [DONE] \n\n")];
    let stream = TypedSseStream::<Chunk, _>::new(futures_util::stream::iter(chunks));
    let items: Vec<_> = futures_executor_lite(stream.collect::<Vec<_>>());
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].as_ref().unwrap(), &Chunk { n: 4 });
}
