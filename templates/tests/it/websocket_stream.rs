//! The WebSocket event stream (reference B6) against a real tokio-tungstenite server on loopback
//! that plays the Miteos side: Bearer auth on the handshake, JSON envelopes, `last_event_id`
//! replay, close codes 1000/4001/4008, dropped connections and a slow consumer.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use sdkgen_runtime::websocket::{self, EventStream, StreamError, StreamEvent, StreamOptions};
use sdkgen_runtime::{AuthScheme, Client, ClientBuilder, ClientDefaults};
use tokio::net::TcpListener;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

const KEY: &str = "mt_test_key";

static DEFAULTS: ClientDefaults = ClientDefaults {
    base_url: "https://api.miteos.com/v1",
    user_agent: "websocket-test",
    api_key_env: None,
    base_url_env: None,
    auth: &[AuthScheme::Bearer],
};

/// The event envelope of reference B5, reduced to what the tests look at.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: serde_json::Value,
}

impl StreamEvent for Event {
    fn event_id(&self) -> Option<&str> {
        Some(&self.id)
    }
}

fn envelope(n: usize) -> String {
    serde_json::json!({
        "id": format!("evt_{n}"),
        "type": "agent.action",
        "created_at": "2025-01-15T10:23:44Z",
        "task_id": "task_1",
        "data": {"n": n},
    })
    .to_string()
}

fn ids(events: &[Event]) -> Vec<String> {
    events.iter().map(|e| e.id.clone()).collect()
}

fn expected_ids(range: std::ops::RangeInclusive<usize>) -> Vec<String> {
    range.map(|n| format!("evt_{n}")).collect()
}

// ---------------------------------------------------------------------------------------------
// The fake server.

/// One accepted connection, as the handler sees it.
struct Conn {
    /// 0 for the first connection, 1 for the first reconnection...
    index: usize,
    ws: WebSocketStream<tokio::net::TcpStream>,
    query: HashMap<String, String>,
}

impl Conn {
    async fn send_events(&mut self, range: std::ops::RangeInclusive<usize>) {
        for n in range {
            self.ws.send(Message::text(envelope(n))).await.unwrap();
        }
    }

    async fn close(mut self, code: u16, reason: &'static str) {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: Utf8Bytes::from_static(reason),
        };
        let _ = self.ws.close(Some(frame)).await;
        // Let the client answer the close before the TCP connection goes.
        while let Some(Ok(_)) = self.ws.next().await {}
    }

    /// Drops the TCP connection without a close frame, as a crashed server or a cut cable would.
    fn drop_connection(self) {
        drop(self.ws);
    }

    /// The event number the client asked to resume after (`last_event_id=evt_N`).
    fn resume_after(&self) -> Option<usize> {
        let id = self.query.get("last_event_id")?;
        Some(id.strip_prefix("evt_").unwrap().parse().unwrap())
    }
}

/// What the server saw of each handshake.
#[derive(Debug, Clone, Default)]
struct Handshake {
    path: String,
    authorization: Option<String>,
    query: HashMap<String, String>,
}

struct Server {
    addr: std::net::SocketAddr,
    handshakes: Arc<Mutex<Vec<Handshake>>>,
}

impl Server {
    fn client(&self, key: &str) -> Client {
        ClientBuilder::new(&DEFAULTS)
            .api_key(key)
            .base_url(format!("http://{}/v1", self.addr))
            .build()
            .unwrap()
    }

    fn handshakes(&self) -> Vec<Handshake> {
        self.handshakes.lock().unwrap().clone()
    }
}

/// How the server answers the HTTP upgrade of connection `index`.
#[derive(Clone, Copy)]
enum Upgrade {
    /// 401 unless the Bearer key is right, then accept.
    CheckAuth,
    /// Accept whatever the credentials (the handler may close with 4001).
    AcceptAll,
    /// Answer with this status instead of upgrading.
    Status(u16),
}

/// Serves WebSocket connections on loopback; `upgrade` decides each handshake, `handler` plays
/// each accepted connection.
async fn serve<U, H, F>(upgrade: U, handler: H) -> Server
where
    U: Fn(usize) -> Upgrade + Send + Sync + 'static,
    H: Fn(Conn) -> F + Send + Sync + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handshakes = Arc::new(Mutex::new(Vec::new()));
    let log = handshakes.clone();
    let (upgrade, handler) = (Arc::new(upgrade), Arc::new(handler));
    tokio::spawn(async move {
        let mut index = 0;
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let this = index;
            index += 1;
            let (upgrade, handler, log) = (upgrade.clone(), handler.clone(), log.clone());
            tokio::spawn(async move {
                let mut seen = Handshake::default();
                let decision = upgrade(this);
                // The callback's signature (and its large `Err`) is tungstenite's.
                #[allow(clippy::result_large_err)]
                let callback = |request: &Request, response: Response| {
                    seen.path = request.uri().path().to_owned();
                    seen.authorization = request
                        .headers()
                        .get("authorization")
                        .map(|v| v.to_str().unwrap().to_owned());
                    seen.query = request
                        .uri()
                        .query()
                        .map(|q| {
                            url_decode_pairs(q)
                                .into_iter()
                                .collect::<HashMap<String, String>>()
                        })
                        .unwrap_or_default();
                    let status = match decision {
                        Upgrade::AcceptAll => return Ok(response),
                        Upgrade::CheckAuth
                            if seen.authorization.as_deref() == Some(&format!("Bearer {KEY}")) =>
                        {
                            return Ok(response);
                        }
                        Upgrade::CheckAuth => 401,
                        Upgrade::Status(status) => status,
                    };
                    let body = r#"{"detail": "refused by the test server"}"#.to_owned();
                    let mut refusal = ErrorResponse::new(Some(body));
                    *refusal.status_mut() = http::StatusCode::from_u16(status).unwrap();
                    Err(refusal)
                };
                let accepted = tokio_tungstenite::accept_hdr_async(tcp, callback).await;
                let query = seen.query.clone();
                log.lock().unwrap().push(seen);
                if let Ok(ws) = accepted {
                    handler(Conn {
                        index: this,
                        ws,
                        query,
                    })
                    .await;
                }
            });
        }
    });
    Server { addr, handshakes }
}

/// `a=b&c=d` into pairs, percent-decoded (enough for the ids and values used here).
fn url_decode_pairs(query: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://x/?{query}"))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn fast_options() -> StreamOptions {
    StreamOptions::default()
        .backoff(Duration::from_millis(5), Duration::from_millis(50))
        .max_reconnect_attempts(5)
        .handshake_timeout(Duration::from_secs(5))
}

fn subscribe(server: &Server, key: &str, query: &[(&str, &str)]) -> EventStream<Event> {
    let query = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    websocket::connect::<Event>(&server.client(key), "/events", query, fast_options()).unwrap()
}

/// Reads items until the stream ends, with an overall time limit.
async fn collect(stream: EventStream<Event>) -> Vec<Result<Event, StreamError>> {
    tokio::time::timeout(Duration::from_secs(20), stream.collect())
        .await
        .expect("the stream should end")
}

fn split(items: Vec<Result<Event, StreamError>>) -> (Vec<Event>, Vec<StreamError>) {
    let mut events = Vec::new();
    let mut errors = Vec::new();
    for item in items {
        match item {
            Ok(event) => events.push(event),
            Err(err) => errors.push(err),
        }
    }
    (events, errors)
}

// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn events_arrive_in_order_with_bearer_auth_on_the_handshake() {
    let server = serve(
        |_| Upgrade::CheckAuth,
        |mut conn| async move {
            conn.send_events(1..=5).await;
            conn.close(1000, "bye").await;
        },
    )
    .await;
    let stream = subscribe(
        &server,
        KEY,
        &[("task_id", "task_1"), ("types", "agent.*,task.complete")],
    );
    let (events, errors) = split(collect(stream).await);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(ids(&events), expected_ids(1..=5));
    assert_eq!(events[0].kind, "agent.action");
    assert_eq!(events[4].data["n"], 5);

    let handshakes = server.handshakes();
    assert_eq!(handshakes.len(), 1);
    assert_eq!(handshakes[0].path, "/v1/events");
    assert_eq!(
        handshakes[0].authorization.as_deref(),
        Some("Bearer mt_test_key")
    );
    assert_eq!(handshakes[0].query["task_id"], "task_1");
    assert_eq!(handshakes[0].query["types"], "agent.*,task.complete");
    assert!(!handshakes[0].query.contains_key("last_event_id"));
}

#[tokio::test]
async fn http_401_on_the_handshake_is_unauthorized_and_not_retried() {
    let server = serve(|_| Upgrade::CheckAuth, |_conn| async {}).await;
    let items = collect(subscribe(&server, "mt_test_wrong", &[])).await;
    assert_eq!(items.len(), 1, "{items:?}");
    match &items[0] {
        Err(StreamError::Unauthorized { reason }) => {
            assert!(reason.contains("refused by the test server"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.handshakes().len(), 1, "no reconnection after 401");
}

#[tokio::test]
async fn close_4001_after_accept_is_unauthorized_and_not_retried() {
    let server = serve(
        |_| Upgrade::AcceptAll,
        // Accept the upgrade, then refuse the key the way B6 says: close code 4001.
        |conn| async move { conn.close(4001, "invalid API key").await },
    )
    .await;
    let items = collect(subscribe(&server, "mt_test_wrong", &[])).await;
    assert_eq!(items.len(), 1, "{items:?}");
    match &items[0] {
        Err(err @ StreamError::Unauthorized { reason }) => {
            assert_eq!(reason, "invalid API key");
            assert!(err.to_string().contains("unauthorized"), "{err}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.handshakes().len(), 1, "no reconnection after 4001");
    assert_eq!(
        server.handshakes()[0].authorization.as_deref(),
        Some("Bearer mt_test_wrong")
    );
}

#[tokio::test]
async fn close_4008_is_a_connection_limit_error() {
    let server = serve(
        |_| Upgrade::CheckAuth,
        |mut conn| async move {
            conn.send_events(1..=1).await;
            conn.close(4008, "tier allows 1 connection").await;
        },
    )
    .await;
    let items = collect(subscribe(&server, KEY, &[])).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().id, "evt_1");
    match &items[1] {
        Err(StreamError::ConnectionLimit { reason }) => {
            assert_eq!(reason, "tier allows 1 connection")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.handshakes().len(), 1, "no reconnection after 4008");
}

/// The server drops the connection twice mid-stream. Each time the client reconnects with
/// `last_event_id`, and the server replays from one event *before* it (an event the client has
/// already seen): the caller still sees every event exactly once, in order.
#[tokio::test]
async fn dropped_connections_resume_from_last_event_id_without_loss_or_duplicates() {
    let server = serve(
        |_| Upgrade::CheckAuth,
        |mut conn| async move {
            // Replay from the resume point, one already-seen event included.
            let from = conn.resume_after().map_or(1, |n| n);
            match conn.index {
                0 => {
                    conn.send_events(from..=4).await;
                    conn.drop_connection();
                }
                1 => {
                    conn.send_events(from..=7).await;
                    conn.drop_connection();
                }
                _ => {
                    conn.send_events(from..=10).await;
                    conn.close(1000, "").await;
                }
            }
        },
    )
    .await;
    let mut stream = subscribe(&server, KEY, &[("task_id", "task_1")]);
    let mut events = Vec::new();
    while let Some(item) = tokio::time::timeout(Duration::from_secs(20), stream.next())
        .await
        .unwrap()
    {
        events.push(item.unwrap());
    }
    assert_eq!(ids(&events), expected_ids(1..=10), "none lost, none twice");
    assert_eq!(stream.reconnects(), 2);
    assert_eq!(stream.last_event_id(), Some("evt_10"));

    let handshakes = server.handshakes();
    let resumed: Vec<_> = handshakes
        .iter()
        .map(|h| h.query.get("last_event_id").cloned())
        .collect();
    assert_eq!(
        resumed,
        [None, Some("evt_4".to_owned()), Some("evt_7".to_owned())]
    );
    // The caller's own query is kept on every reconnection, and so are the credentials.
    assert!(handshakes.iter().all(|h| h.query["task_id"] == "task_1"));
    assert!(
        handshakes
            .iter()
            .all(|h| h.authorization.as_deref() == Some("Bearer mt_test_key"))
    );
}

#[tokio::test]
async fn a_given_last_event_id_is_the_first_resume_point() {
    let server = serve(
        |_| Upgrade::CheckAuth,
        |mut conn| async move {
            let from = conn.resume_after().unwrap() + 1;
            conn.send_events(from..=from + 1).await;
            conn.close(1000, "").await;
        },
    )
    .await;
    let (events, errors) =
        split(collect(subscribe(&server, KEY, &[("last_event_id", "evt_41")])).await);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(ids(&events), expected_ids(42..=43));
    assert_eq!(
        server.handshakes()[0].query["last_event_id"],
        "evt_41",
        "sent once, not duplicated"
    );
}

#[tokio::test]
async fn restart_close_code_and_5xx_handshake_are_retried() {
    // Connection 0 closes with 1012 (service restart); the next upgrade answers 503; the one
    // after that works.
    let server = serve(
        |index| {
            if index == 1 {
                Upgrade::Status(503)
            } else {
                Upgrade::CheckAuth
            }
        },
        |mut conn| async move {
            if conn.index == 0 {
                conn.send_events(1..=2).await;
                conn.close(1012, "restarting").await;
            } else {
                let from = conn.resume_after().unwrap() + 1;
                conn.send_events(from..=4).await;
                conn.close(1000, "").await;
            }
        },
    )
    .await;
    let mut stream = subscribe(&server, KEY, &[]);
    let mut events = Vec::new();
    while let Some(item) = stream.next().await {
        events.push(item.unwrap());
    }
    assert_eq!(ids(&events), expected_ids(1..=4));
    assert_eq!(stream.reconnects(), 2);
    assert_eq!(server.handshakes().len(), 3);
}

#[tokio::test]
async fn other_http_refusals_are_not_retried() {
    let server = serve(|_| Upgrade::Status(404), |_conn| async {}).await;
    let items = collect(subscribe(&server, KEY, &[])).await;
    assert!(
        matches!(&items[..], [Err(StreamError::Rejected { status: 404, .. })]),
        "{items:?}"
    );
    assert_eq!(server.handshakes().len(), 1);
}

#[tokio::test]
async fn gives_up_after_the_configured_reconnection_attempts() {
    // The server sends one event and drops the connection, then goes away for good.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        ws.send(Message::text(envelope(1))).await.unwrap();
        // Listener and socket dropped here: every reconnection is refused.
    });
    let options = fast_options().max_reconnect_attempts(3);
    let client = ClientBuilder::new(&DEFAULTS)
        .api_key(KEY)
        .base_url(format!("http://{addr}/v1"))
        .build()
        .unwrap();
    let mut stream = websocket::connect::<Event>(&client, "/events", vec![], options).unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap().id, "evt_1");
    let err = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    match &err {
        StreamError::Disconnected { attempts, .. } => assert_eq!(*attempts, 3),
        other => panic!("{other:?}"),
    }
    assert!(std::error::Error::source(&err).is_some());
    assert_eq!(stream.reconnects(), 3);
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn unknown_message_shapes_are_decode_errors_and_the_stream_goes_on() {
    let server = serve(
        |_| Upgrade::CheckAuth,
        |mut conn| async move {
            conn.ws.send(Message::text("not json")).await.unwrap();
            conn.ws
                .send(Message::text(r#"{"unexpected": true}"#))
                .await
                .unwrap();
            conn.send_events(1..=1).await;
            conn.close(1000, "").await;
        },
    )
    .await;
    let items = collect(subscribe(&server, KEY, &[])).await;
    assert_eq!(items.len(), 3, "{items:?}");
    match &items[0] {
        Err(StreamError::Decode { excerpt, .. }) => assert_eq!(excerpt, "not json"),
        other => panic!("{other:?}"),
    }
    match &items[1] {
        Err(StreamError::Decode { excerpt, .. }) => assert_eq!(excerpt, r#"{"unexpected": true}"#),
        other => panic!("{other:?}"),
    }
    assert_eq!(items[2].as_ref().unwrap().id, "evt_1");
}

#[tokio::test]
async fn server_pings_are_answered() {
    let server = serve(
        |_| Upgrade::CheckAuth,
        |mut conn| async move {
            conn.ws
                .send(Message::Ping(b"are you there".to_vec().into()))
                .await
                .unwrap();
            // Only once the pong came back does the event go out.
            loop {
                match conn.ws.next().await {
                    Some(Ok(Message::Pong(payload))) => {
                        assert_eq!(&payload[..], b"are you there");
                        break;
                    }
                    Some(Ok(_)) => {}
                    other => panic!("no pong: {other:?}"),
                }
            }
            conn.send_events(1..=1).await;
            conn.close(1000, "").await;
        },
    )
    .await;
    let (events, errors) = split(collect(subscribe(&server, KEY, &[])).await);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(ids(&events), expected_ids(1..=1));
}

#[tokio::test]
async fn close_sends_a_normal_close_frame() {
    let (seen_tx, seen_rx) = tokio::sync::oneshot::channel();
    let seen_tx = Arc::new(Mutex::new(Some(seen_tx)));
    let server = serve(
        |_| Upgrade::CheckAuth,
        move |mut conn| {
            let seen_tx = seen_tx.clone();
            async move {
                conn.send_events(1..=3).await;
                let mut close_code = None;
                while let Some(Ok(message)) = conn.ws.next().await {
                    if let Message::Close(frame) = message {
                        close_code = frame.map(|f| u16::from(f.code));
                    }
                }
                let _ = seen_tx.lock().unwrap().take().unwrap().send(close_code);
            }
        },
    )
    .await;
    let mut stream = subscribe(&server, KEY, &[]);
    assert_eq!(stream.next().await.unwrap().unwrap().id, "evt_1");
    stream.close().await;
    let code = tokio::time::timeout(Duration::from_secs(5), seen_rx)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(code, Some(1000));
}

/// Backpressure: the socket is read only when the consumer polls. A server that sends as fast
/// as it can gets only as far ahead as the TCP buffers allow, however slow the consumer.
#[tokio::test]
async fn a_slow_consumer_holds_the_server_back() {
    const PAYLOAD: usize = 64 * 1024;
    const TOTAL: usize = 1000; // 64 MiB if nothing held the server back
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let server = serve(
        |_| Upgrade::CheckAuth,
        move |mut conn| {
            let counter = counter.clone();
            async move {
                let padding = "x".repeat(PAYLOAD);
                for n in 1..=TOTAL {
                    let message = serde_json::json!({
                        "id": format!("evt_{n}"), "type": "agent.thinking", "data": {"pad": padding},
                    });
                    if conn.ws.send(Message::text(message.to_string())).await.is_err() {
                        return; // the client went away
                    }
                    counter.store(n, Ordering::SeqCst);
                }
            }
        },
    )
    .await;
    let mut stream = subscribe(&server, KEY, &[]);
    let mut consumed = 0;
    let mut most_ahead = 0;
    for i in 0..10 {
        let event = stream.next().await.unwrap().unwrap();
        consumed += 1;
        assert_eq!(event.id, format!("evt_{consumed}"));
        // A slow consumer: the server has all the time it wants to run ahead (a whole second
        // after the first event, long enough to push all 64 MiB through loopback).
        let pause = if i == 0 { 1000 } else { 20 };
        tokio::time::sleep(Duration::from_millis(pause)).await;
        most_ahead = most_ahead.max(sent.load(Ordering::SeqCst) - consumed);
    }
    let ahead_bytes = most_ahead * PAYLOAD;
    println!(
        "server got at most {most_ahead} events ({} KiB) ahead of the consumer",
        ahead_bytes / 1024
    );
    // Socket buffers on loopback hold a few MiB at most; an unbounded client-side queue would
    // have let the server send all 1000 events (64 MiB) by now.
    assert!(most_ahead < 200, "server ran {most_ahead} events ahead");
    assert!(sent.load(Ordering::SeqCst) < TOTAL);
    stream.close().await;
}

/// An `https` base URL becomes `wss`: the client opens TLS (rustls) before the WebSocket
/// handshake. The loopback server only checks that a TLS ClientHello arrives, then hangs up.
#[tokio::test]
async fn https_base_url_connects_with_tls() {
    use tokio::io::AsyncReadExt as _;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let first_byte = tokio::spawn(async move {
        let (mut tcp, _) = listener.accept().await.unwrap();
        let mut byte = [0u8; 1];
        tcp.read_exact(&mut byte).await.unwrap();
        byte[0]
    });
    let url = format!("https://{addr}/v1/events");
    let options = fast_options().max_reconnect_attempts(0);
    let stream =
        websocket::connect_url::<Event>(&url, http::HeaderMap::new(), vec![], options).unwrap();
    let items = collect(stream).await;
    assert_eq!(first_byte.await.unwrap(), 0x16, "a TLS handshake record");
    assert!(
        matches!(
            &items[..],
            [Err(
                StreamError::Disconnected { attempts: 0, .. } | StreamError::Handshake { .. }
            )]
        ),
        "{items:?}"
    );
}

#[test]
fn other_url_schemes_are_a_configuration_error() {
    let err = websocket::connect_url::<Event>(
        "ftp://example.com/events",
        http::HeaderMap::new(),
        vec![],
        StreamOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("ftp"), "{err}");
}
