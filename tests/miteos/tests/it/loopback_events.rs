//! `events().subscribe()` of the generated `miteos` crate against a WebSocket server on loopback: the
//! handshake (path, query, bearer key) and the typed events it delivers, in order and once each.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use miteos::StreamError;
use miteos::types::{AgentStatus, Event, TaskStatus};
use miteos_tests::server::{API_KEY, parse_query};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

fn task_created() -> Value {
    json!({"id": "evt_01Kx7pQ2m", "type": "task.created", "created_at": "2025-01-15T10:23:44Z",
           "task_id": "task_2x8KqLmN4pR7",
           "data": {"task_id": "task_2x8KqLmN4pR7", "status": "pending",
                    "prompt": "Build a landing page for my coffee subscription startup and deploy it",
                    "workspace_id": "ws_4fT9aQ2c"}})
}

fn agent_action() -> Value {
    json!({"id": "evt_06Kx7pQ2m", "type": "agent.action", "created_at": "2025-01-15T10:23:44Z",
           "task_id": "task_2x8KqLmN4pR7", "agent_id": "agnt_7hQ2mZp1",
           "data": {"agent_id": "agnt_7hQ2mZp1", "task_id": "task_2x8KqLmN4pR7", "agent_type": "builder",
                    "status": "acting", "tool": "write_file", "summary": "Writing src/pages/index.tsx",
                    "progress": 45}})
}

fn archived() -> Value {
    json!({"id": "evt_09Kx7pQ2m", "type": "task.archived", "created_at": "2025-01-15T11:00:00Z",
           "task_id": "task_2x8KqLmN4pR7", "data": {"task_id": "task_2x8KqLmN4pR7", "archived_by": "user"}})
}

#[tokio::test]
async fn subscribe_handshakes_with_the_key_and_delivers_typed_events_once_each() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base_url = format!("http://{}/v1", listener.local_addr().expect("address"));
    let handshake: Arc<Mutex<Option<Request>>> = Arc::default();
    let seen = handshake.clone();
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.expect("accept");
        #[allow(
            clippy::result_large_err,
            reason = "the signature is tungstenite's handshake callback"
        )]
        let record = |request: &Request, response: Response| {
            *seen.lock().expect("lock") = Some(request.clone());
            Ok(response)
        };
        let mut socket = tokio_tungstenite::accept_hdr_async(stream, record)
            .await
            .expect("handshake");
        for message in [
            task_created().to_string(),
            agent_action().to_string(),
            // A replay of the first event: dropped by the client.
            task_created().to_string(),
            "{not json".to_owned(),
            archived().to_string(),
        ] {
            socket.send(Message::text(message)).await.expect("send");
        }
        socket
            .close(Some(CloseFrame {
                code: CloseCode::Normal,
                reason: "done".into(),
            }))
            .await
            .expect("close");
        // Let the client's side of the closing handshake arrive.
        while let Some(Ok(_)) = socket.next().await {}
    });

    let client = miteos::Client::builder()
        .api_key(API_KEY)
        .base_url(base_url)
        .build()
        .expect("client");
    let stream = client
        .events()
        .subscribe()
        .task_id("task_2x8KqLmN4pR7")
        .types("task.created,agent.action")
        .send()
        .await
        .expect("stream");
    let items: Vec<Result<Event, StreamError>> =
        tokio::time::timeout(Duration::from_secs(10), stream.collect())
            .await
            .expect("the stream ends after close code 1000");
    server.await.expect("server");

    let request = handshake.lock().expect("lock").take().expect("a handshake");
    assert_eq!(request.uri().path(), "/v1/events");
    let query = parse_query(request.uri().query().unwrap_or_default());
    assert_eq!(
        query,
        [
            ("task_id", "task_2x8KqLmN4pR7"),
            ("types", "task.created,agent.action")
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    let bearer = format!("Bearer {API_KEY}");
    assert_eq!(
        request
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok()),
        Some(bearer.as_str())
    );

    assert_eq!(items.len(), 4, "{items:?}");
    let Ok(Event::TaskCreated(created)) = &items[0] else {
        panic!("expected task.created: {:?}", items[0]);
    };
    assert_eq!(created.data.status, TaskStatus::Pending);
    assert_eq!(created.data.workspace_id.as_deref(), Some("ws_4fT9aQ2c"));
    let Ok(Event::AgentAction(action)) = &items[1] else {
        panic!("expected agent.action: {:?}", items[1]);
    };
    assert_eq!(action.data.status, Some(AgentStatus::Acting));
    assert_eq!(action.data.progress, Some(45));
    assert!(
        matches!(&items[2], Err(StreamError::Decode { excerpt, .. }) if excerpt.starts_with("{not json")),
        "{:?}",
        items[2]
    );
    // An event type this SDK does not know: the catch-all variant, kept as sent.
    let unknown = items[3].as_ref().expect("an unknown event still decodes");
    assert!(
        !matches!(
            unknown,
            Event::TaskCreated(_) | Event::TaskComplete(_) | Event::TaskFailed(_)
        ),
        "{unknown:?}"
    );
    assert_eq!(
        serde_json::to_value(unknown).expect("serialise"),
        archived()
    );
}

#[test]
fn events_answer_their_kind_and_envelope_whatever_the_variant() {
    use miteos::types::EventType;

    let created: Event = serde_json::from_value(task_created()).expect("an event");
    assert_eq!(created.event_type(), EventType::TaskCreated);
    assert_eq!(created.id(), Some("evt_01Kx7pQ2m"));
    assert_eq!(
        created.task_id().map(|t| t.as_str()),
        Some("task_2x8KqLmN4pR7")
    );
    assert_eq!(created.agent_id(), None);
    assert_eq!(
        created.created_at().map(ToString::to_string).as_deref(),
        Some("2025-01-15T10:23:44Z")
    );

    let action: Event = serde_json::from_value(agent_action()).expect("an event");
    assert_eq!(action.event_type(), EventType::AgentAction);
    assert_eq!(action.event_type().as_str(), "agent.action");
    assert_eq!(action.agent_id().map(|a| a.as_str()), Some("agnt_7hQ2mZp1"));

    // A kind this version does not know: the tag and the string fields as sent, typed ones `None`.
    let unknown: Event = serde_json::from_value(archived()).expect("an unknown event is kept");
    assert!(matches!(unknown, Event::Unknown(_)));
    let sent = archived();
    assert_eq!(
        unknown.event_type(),
        EventType::Unknown(sent["type"].as_str().unwrap().to_owned())
    );
    assert_eq!(unknown.id(), sent["id"].as_str());
    assert_eq!(unknown.created_at(), None);
    assert_eq!(unknown.task_id(), None);
}

#[tokio::test]
async fn subscribe_sends_typed_event_types_and_follows_its_stream_options() {
    use miteos::types::EventType;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base_url = format!("http://{}/v1", listener.local_addr().expect("address"));
    let handshake: Arc<Mutex<Option<Request>>> = Arc::default();
    let seen = handshake.clone();
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.expect("accept");
        #[allow(
            clippy::result_large_err,
            reason = "the signature is tungstenite's handshake callback"
        )]
        let record = |request: &Request, response: Response| {
            *seen.lock().expect("lock") = Some(request.clone());
            Ok(response)
        };
        let mut socket = tokio_tungstenite::accept_hdr_async(stream, record)
            .await
            .expect("handshake");
        socket
            .send(Message::text(task_created().to_string()))
            .await
            .expect("send");
        // The connection drops without a close frame.
        drop(socket);
        // The default options would reconnect after about 500 ms; these never reconnect.
        tokio::time::timeout(Duration::from_millis(1500), listener.accept())
            .await
            .is_ok()
    });

    let client = miteos::Client::builder()
        .api_key(API_KEY)
        .base_url(base_url)
        .build()
        .expect("client");
    let stream = client
        .events()
        .subscribe()
        .event_types([EventType::TaskCreated, EventType::ApprovalRequired])
        .options(miteos::StreamOptions::default().max_reconnect_attempts(0))
        .send()
        .await
        .expect("stream");
    let items: Vec<Result<Event, StreamError>> =
        tokio::time::timeout(Duration::from_secs(10), stream.collect())
            .await
            .expect("the stream gives up at the first drop");
    let reconnected = server.await.expect("server");

    let request = handshake.lock().expect("lock").take().expect("a handshake");
    let query = parse_query(request.uri().query().unwrap_or_default());
    assert_eq!(
        query,
        [(
            "types".to_owned(),
            "task.created,approval.required".to_owned()
        )]
    );
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(
        items[0].as_ref().expect("the event").event_type(),
        EventType::TaskCreated
    );
    assert!(
        matches!(
            &items[1],
            Err(StreamError::Disconnected { attempts: 0, .. })
        ),
        "{:?}",
        items[1]
    );
    assert!(!reconnected, "max_reconnect_attempts(0) never reconnects");
}
