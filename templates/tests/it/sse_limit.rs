//! A server-sent event stream holds a bounded amount of memory: a loopback server that streams
//! bytes forever without a line ending (or lines forever without a blank one) ends the stream
//! with `SseError::EventTooLarge` instead of growing a buffer without end.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt as _;
use sdkgen_runtime::sse::{DEFAULT_MAX_EVENT_BYTES, SseError, SseStream, TypedSseStream};
use sdkgen_test_server::{Canned, TestServer, serve};

const CHUNK: usize = 16 * 1024;

/// Serves, on every request, `prefix` and then `filler` repeated forever, in 16 KiB chunks; the
/// server counts the bytes sent.
async fn serve_forever(prefix: &'static [u8], filler: &'static [u8]) -> (TestServer, String) {
    let answer = Canned::bytes(200, "text/event-stream", prefix)
        .repeating(filler.repeat(CHUNK / filler.len()));
    let server = serve(move |_| answer.clone()).await;
    let url = format!("{}/events", server.url());
    (server, url)
}

async fn connect(url: &str) -> impl futures_core::Stream<Item = reqwest::Result<Bytes>> + Unpin {
    Box::pin(reqwest::get(url).await.unwrap().bytes_stream())
}

/// Fails the test instead of hanging when the limit does not hold.
async fn within<F: std::future::Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), future)
        .await
        .expect("the stream did not stop at its limit")
}

#[tokio::test]
async fn a_line_without_end_stops_at_the_limit() {
    // Complete events first: they are delivered before the error.
    let (server, url) = serve_forever(b"data: one\n\ndata: two\n\ndata: ", b"x").await;
    let limit = 256 * 1024;
    let mut events = SseStream::new(connect(&url).await).with_max_event_bytes(limit);
    let (one, two, err, end) = within(async {
        (
            events.next().await.unwrap().unwrap(),
            events.next().await.unwrap().unwrap(),
            events.next().await.unwrap().unwrap_err(),
            events.next().await,
        )
    })
    .await;
    assert_eq!((one.data.as_str(), two.data.as_str()), ("one", "two"));
    assert!(
        matches!(err, SseError::EventTooLarge { limit: 262_144 }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "server-sent event is larger than the limit of 262144 bytes"
    );
    assert!(end.is_none(), "the stream ends after the error");
    drop(events);
    // The server really sent past the limit before the stream gave up.
    let sent = server.body_bytes_sent();
    assert!(sent >= limit, "{sent}");
}

#[tokio::test]
async fn data_lines_without_a_blank_line_stop_at_the_limit() {
    let (_server, url) =
        serve_forever(b"event: log\n", b"data: 0123456789abcdef0123456789abcd\n").await;
    let mut events = SseStream::new(connect(&url).await).with_max_event_bytes(64 * 1024);
    let err = within(events.next()).await.unwrap().unwrap_err();
    assert!(
        matches!(err, SseError::EventTooLarge { limit: 65_536 }),
        "{err:?}"
    );
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn the_default_limit_holds_and_the_typed_stream_reports_it() {
    #[derive(Debug, serde::Deserialize)]
    struct Chunk {}
    let (server, url) = serve_forever(b"data: ", b"y").await;
    let mut typed = TypedSseStream::<Chunk, _>::new(connect(&url).await);
    let err = within(typed.next()).await.unwrap().unwrap_err();
    assert!(
        matches!(err, SseError::EventTooLarge { limit } if limit == DEFAULT_MAX_EVENT_BYTES),
        "{err:?}"
    );
    assert!(typed.next().await.is_none());
    assert!(server.body_bytes_sent() >= DEFAULT_MAX_EVENT_BYTES);

    // Into the SDK's error type, as `?` does it.
    let error =
        sdkgen_runtime::Error::from(SseError::<sdkgen_runtime::Error>::EventTooLarge { limit: 10 });
    assert_eq!(
        error.to_string(),
        "event stream: server-sent event is larger than the limit of 10 bytes"
    );
}

#[test]
fn an_event_just_within_the_limit_passes() {
    let text = format!("data: {}\n\n", "z".repeat(100 - "data: ".len()));
    let chunks = vec![Ok::<_, Infallible>(text.into_bytes())];
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let events: Vec<_> = runtime.block_on(
        SseStream::new(futures_util::stream::iter(chunks.clone()))
            .with_max_event_bytes(100)
            .collect(),
    );
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].as_ref().unwrap().data.len(), 94);
    let events: Vec<_> = runtime.block_on(
        SseStream::new(futures_util::stream::iter(chunks))
            .with_max_event_bytes(99)
            .collect(),
    );
    assert!(
        matches!(events[..], [Err(SseError::EventTooLarge { limit: 99 })]),
        "{events:?}"
    );
}
