//! Throughput of the `miteos` WebSocket event stream: 10,000 events through one
//! `client.events().subscribe().send().await` stream.
//!
//! Run: `cargo bench -p sdk-benches --bench events`
//! (`BENCH_EVENTS=10000 BENCH_ROUNDS=5` are the defaults: events per connection, connections per row).
//!
//! A tokio-tungstenite server on 127.0.0.1 (its own thread and runtime) checks nothing: on every connection it
//! sends the same pre-built B5 envelopes (60% `agent.action`, 20% `agent.thinking`, 10% `task.running`, 10%
//! `task.complete`, ids `evt_1`, `evt_2`, …) as text frames, then closes with 1000. The client runs on the
//! main thread in a current-thread runtime; allocations are counted on that thread only.
//!
//! Rows: the SDK's `EventStream<Event>`; bare tokio-tungstenite + `serde_json::from_str::<Event>` on the same
//! server (what the stream adds: reconnect bookkeeping, de-duplication, resume id); and decoding alone,
//! in memory, through the generated `Event`, by reading the `type` first and then parsing the message once into
//! its struct, and straight into each event's own struct (what finding the tag costs the `Event`
//! deserializer). Peak RSS growth is `VmHWM` after a run minus
//! `VmRSS` before it (peak reset before each run where the kernel allows it; the server's buffers count too).
//! CPU µs/event is the client thread's own CPU time (`/proc/thread-self/schedstat`, kernel time included),
//! which other processes hardly disturb, unlike events/s.
//!
//! `BENCH_ONLY=sdk` or `BENCH_ONLY=bare` measures one of the two socket rows alone (and skips the decode-only
//! rows), so that `perf record` or `strace -c` of the whole process shows that side's work only.

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::Instant;

use futures_util::{SinkExt as _, StreamExt as _};
use miteos::types::{
    AgentActionEvent, AgentThinkingEvent, Event, TaskCompleteEvent, TaskRunningEvent,
};
use sdk_benches::{AllocCount, env_usize, median, peak_rss_kib, reset_peak_rss, rss_kib};
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

#[global_allocator]
static ALLOC: sdk_benches::CountingAlloc = sdk_benches::CountingAlloc;

const API_KEY: &str = "mt_live_4eC39HqLyjWDarjtT1zdp7dc";

#[derive(Debug, Clone, Copy)]
enum Kind {
    AgentAction,
    AgentThinking,
    TaskRunning,
    TaskComplete,
}

/// The `n`th event (1-based) as a JSON envelope, and its kind.
fn envelope(n: usize) -> (String, Kind) {
    let task_id = format!("task_{:04x}", n / 500);
    let agent_id = format!("agnt_{}", n % 7);
    let created_at = format!("2025-01-15T10:{:02}:{:02}Z", (n / 60) % 60, n % 60);
    let (kind, data, event_type) = match n % 10 {
        0..=5 => (
            Kind::AgentAction,
            serde_json::json!({
                "agent_id": agent_id,
                "task_id": task_id,
                "agent_type": "builder",
                "status": "acting",
                "tool": "write_file",
                "summary": format!("Writing src/components/Pricing{n}.tsx with the three plans"),
                "progress": n % 100,
            }),
            "agent.action",
        ),
        6 | 7 => (
            Kind::AgentThinking,
            serde_json::json!({
                "agent_id": agent_id,
                "task_id": task_id,
                "status": "thinking",
                "message": "Comparing layouts for the pricing table; the three-column one reads best on mobile",
            }),
            "agent.thinking",
        ),
        8 => (
            Kind::TaskRunning,
            serde_json::json!({
                "task_id": task_id,
                "status": "running",
                "previous_status": "planning",
            }),
            "task.running",
        ),
        _ => (
            Kind::TaskComplete,
            serde_json::json!({
                "task_id": task_id,
                "status": "complete",
                "completed_at": created_at,
                "total_tokens_used": 48213,
                "total_cost_cents": 37,
                "deliverable_ids": ["dlv_1a2b", "dlv_3c4d"],
            }),
            "task.complete",
        ),
    };
    let envelope = serde_json::json!({
        "id": format!("evt_{n}"),
        "type": event_type,
        "created_at": created_at,
        "task_id": task_id,
        "agent_id": agent_id,
        "data": data,
    });
    (envelope.to_string(), kind)
}

/// Starts the server on its own thread; every connection gets `messages` and a close with 1000.
fn start_server(messages: Vec<Utf8Bytes>) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind loopback");
            tx.send(listener.local_addr().expect("local addr"))
                .expect("main thread waits");
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
                    continue;
                };
                for message in &messages {
                    if ws.feed(Message::Text(message.clone())).await.is_err() {
                        break;
                    }
                }
                let close = CloseFrame {
                    code: CloseCode::Normal,
                    reason: "".into(),
                };
                let _ = ws.close(Some(close)).await;
                // Wait for the client's side of the closing handshake.
                while let Some(Ok(_)) = ws.next().await {}
            }
        });
    });
    rx.recv().expect("server started")
}

struct Sample {
    events_per_sec: f64,
    cpu_us_per_event: f64,
    allocs_per_event: f64,
    rss_growth_kib: Option<u64>,
}

/// Runs `body` on `events` events and measures it.
async fn measure<F: std::future::Future<Output = usize>>(events: usize, body: F) -> Sample {
    reset_peak_rss();
    let rss_before = rss_kib();
    let cpu_before = sdk_benches::thread_cpu_ns();
    let before = AllocCount::now();
    let started = Instant::now();
    sdk_benches::sdk_benches_boundary();
    let received = body.await;
    sdk_benches::sdk_benches_boundary();
    let elapsed = started.elapsed();
    let counted = AllocCount::since(before);
    // Read after counting stops: reading the file allocates.
    let cpu_ns = sdk_benches::thread_cpu_ns()
        .zip(cpu_before)
        .map_or(0, |(after, before)| after - before);
    assert_eq!(received, events, "every event arrives, typed");
    Sample {
        events_per_sec: events as f64 / elapsed.as_secs_f64(),
        cpu_us_per_event: cpu_ns as f64 / 1000.0 / events as f64,
        allocs_per_event: counted.allocations as f64 / events as f64,
        rss_growth_kib: peak_rss_kib()
            .zip(rss_before)
            .map(|(peak, before)| peak.saturating_sub(before)),
    }
}

/// Whether `event` decoded as one of the typed variants the server sends (not the unknown-type fallback).
fn known(event: &Event) -> bool {
    matches!(
        event,
        Event::AgentAction(_)
            | Event::AgentThinking(_)
            | Event::TaskRunning(_)
            | Event::TaskComplete(_)
    )
}

async fn sdk_run(client: &miteos::Client) -> usize {
    let mut stream = client
        .events()
        .subscribe()
        .send()
        .await
        .expect("stream opens");
    let mut received = 0;
    while let Some(item) = stream.next().await {
        let event = item.expect("no stream error");
        received += usize::from(known(&event));
        black_box(event);
    }
    received
}

async fn bare_run(url: &str) -> usize {
    let mut request = url.into_client_request().expect("valid URL");
    request.headers_mut().insert(
        http::header::AUTHORIZATION,
        http::HeaderValue::from_str(&format!("Bearer {API_KEY}")).expect("ascii"),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("handshake");
    let mut received = 0;
    while let Some(message) = ws.next().await {
        match message.expect("no socket error") {
            Message::Text(text) => {
                let event: Event = serde_json::from_str(&text).expect("an Event");
                received += usize::from(known(&event));
                black_box(event);
            }
            Message::Close(_) => {}
            other => panic!("unexpected frame {other:?}"),
        }
    }
    received
}

fn decode_concrete(text: &str, kind: Kind) -> Event {
    let event = match kind {
        Kind::AgentAction => serde_json::from_str::<AgentActionEvent>(text).map(Event::AgentAction),
        Kind::AgentThinking => {
            serde_json::from_str::<AgentThinkingEvent>(text).map(Event::AgentThinking)
        }
        Kind::TaskRunning => serde_json::from_str::<TaskRunningEvent>(text).map(Event::TaskRunning),
        Kind::TaskComplete => {
            serde_json::from_str::<TaskCompleteEvent>(text).map(Event::TaskComplete)
        }
    };
    event.expect("decodes")
}

/// The `type` of an envelope, borrowed from the text: what a deserializer that knows its input is a JSON
/// slice could read first, before parsing the whole message once into the right struct.
#[derive(serde::Deserialize)]
struct Tag<'a> {
    #[serde(borrow, rename = "type")]
    kind: std::borrow::Cow<'a, str>,
}

fn decode_peeked(text: &str) -> Event {
    let tag: Tag<'_> = serde_json::from_str(text).expect("has a type");
    let event = match tag.kind.as_ref() {
        "agent.action" => serde_json::from_str::<AgentActionEvent>(text).map(Event::AgentAction),
        "agent.thinking" => {
            serde_json::from_str::<AgentThinkingEvent>(text).map(Event::AgentThinking)
        }
        "task.running" => serde_json::from_str::<TaskRunningEvent>(text).map(Event::TaskRunning),
        "task.complete" => serde_json::from_str::<TaskCompleteEvent>(text).map(Event::TaskComplete),
        other => panic!("unexpected type {other}"),
    };
    event.expect("decodes")
}

fn main() {
    let events = env_usize("BENCH_EVENTS", 10_000);
    let rounds = env_usize("BENCH_ROUNDS", 5);
    let only = std::env::var("BENCH_ONLY").ok();
    let (run_sdk, run_bare, run_decode) = match only.as_deref() {
        Some("sdk") => (true, false, false),
        Some("bare") => (false, true, false),
        _ => (true, true, true),
    };
    let built: Vec<(String, Kind)> = (1..=events).map(envelope).collect();
    let bytes: usize = built.iter().map(|(text, _)| text.len()).sum();
    let messages: Vec<Utf8Bytes> = built
        .iter()
        .map(|(text, _)| Utf8Bytes::from(text.clone()))
        .collect();
    let addr = start_server(messages);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    sdk_benches::count_this_thread();
    let client = miteos::Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://{addr}/v1"))
        .build()
        .expect("sdk client");
    let url = format!("ws://{addr}/v1/events");

    let labels = [
        "sdk  events().subscribe() stream",
        "bare tokio-tungstenite + serde_json",
        "decode only: serde_json -> Event",
        "decode only: peek type, then its struct",
        "decode only: -> each event's struct",
    ];
    let mut samples: Vec<Vec<Sample>> = labels.iter().map(|_| Vec::new()).collect();
    runtime.block_on(async {
        // Warm-up: one connection each way.
        assert_eq!(sdk_run(&client).await, events);
        assert_eq!(bare_run(&url).await, events);
        for _ in 0..rounds {
            if run_sdk {
                samples[0].push(measure(events, sdk_run(&client)).await);
            }
            if run_bare {
                samples[1].push(measure(events, bare_run(&url)).await);
            }
            if !run_decode {
                continue;
            }
            samples[2].push(
                measure(events, async {
                    built
                        .iter()
                        .map(|(text, _)| {
                            let event: Event = serde_json::from_str(text).expect("an Event");
                            usize::from(known(black_box(&event)))
                        })
                        .sum()
                })
                .await,
            );
            samples[3].push(
                measure(events, async {
                    built
                        .iter()
                        .map(|(text, _)| usize::from(known(black_box(&decode_peeked(text)))))
                        .sum()
                })
                .await,
            );
            samples[4].push(
                measure(events, async {
                    built
                        .iter()
                        .map(|(text, kind)| {
                            usize::from(known(black_box(&decode_concrete(text, *kind))))
                        })
                        .sum()
                })
                .await,
            );
        }
    });

    println!();
    println!(
        "events: {events} events per connection ({:.0} bytes each on average), {rounds} runs per row, \
         tokio-tungstenite server on {addr}; medians over runs",
        bytes as f64 / events as f64
    );
    println!(
        "{:<38} {:>12} {:>14} {:>13} {:>16}",
        "path", "events/s", "cpu us/event", "allocs/event", "peak RSS +MiB"
    );
    for (label, samples) in labels.iter().zip(&samples) {
        if samples.is_empty() {
            continue;
        }
        let eps: Vec<f64> = samples.iter().map(|s| s.events_per_sec).collect();
        let cpu: Vec<f64> = samples.iter().map(|s| s.cpu_us_per_event).collect();
        let allocs: Vec<f64> = samples.iter().map(|s| s.allocs_per_event).collect();
        let growth: Vec<f64> = samples
            .iter()
            .filter_map(|s| s.rss_growth_kib)
            .map(|k| k as f64 / 1024.0)
            .collect();
        let growth = if growth.is_empty() {
            "?".to_owned()
        } else {
            format!("{:.1}", median(&growth))
        };
        println!(
            "{:<38} {:>12.0} {:>14.2} {:>13.1} {:>16}",
            label,
            median(&eps),
            median(&cpu),
            median(&allocs),
            growth
        );
    }
    let eps = |row: usize| {
        samples[row]
            .iter()
            .map(|s| s.events_per_sec)
            .collect::<Vec<_>>()
    };
    if !(run_sdk && run_bare) {
        return;
    }
    let ratios: Vec<f64> = eps(0).iter().zip(eps(1)).map(|(s, b)| s / b).collect();
    let cpu = |row: usize| {
        samples[row]
            .iter()
            .map(|s| s.cpu_us_per_event)
            .collect::<Vec<_>>()
    };
    let cpu_ratios: Vec<f64> = cpu(0).iter().zip(cpu(1)).map(|(s, b)| s / b).collect();
    println!(
        "sdk/bare events/s, median of per-run ratios: {:.2}x (target >= 0.95x); CPU us/event: {:.2}x",
        median(&ratios),
        median(&cpu_ratios)
    );
    if !run_decode {
        return;
    }
    let decoded: Vec<f64> = eps(2).iter().zip(eps(4)).map(|(e, c)| e / c).collect();
    println!(
        "decode only, Event/each struct events/s, median of per-run ratios: {:.2}x",
        median(&decoded)
    );
}
