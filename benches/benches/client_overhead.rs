//! Client overhead of the generated `miteos` SDK beside bare `reqwest` + `serde_json`.
//!
//! Run: `cargo bench -p sdk-benches --bench client_overhead`
//! (`BENCH_CALLS=500 BENCH_ROUNDS=20` are the defaults: calls per row in one round, and rounds).
//!
//! A hyper HTTP/1.1 server on 127.0.0.1 (its own thread and runtime) answers every request with the same
//! realistic `TaskResponse` JSON (200 for GET, 201 for POST) and checks nothing. The client runs on the main
//! thread in a current-thread runtime, one call at a time on one kept-alive connection, so that the counting
//! allocator sees the client's allocations (hyper's connection task included) and none of the server's.
//!
//! Both sides send the same headers (`Authorization`, `User-Agent`, `Accept`, and `Content-Type` with a body)
//! and decode into the same `miteos::types::TaskResponse`; the bare side checks the status and reads the whole
//! body as a careful hand-written client would.
//!
//! The machine may be busy with other work, so wall-clock figures drift. Rows are therefore measured
//! interleaved in short rounds, ratios are taken within each round (SDK and bare saw the same load) and the
//! table shows medians over rounds. Beside calls/s it shows the client thread's own CPU time per call (from
//! `/proc/thread-self/schedstat`), which other processes hardly disturb: the SDK/bare ratio of CPU time is the
//! steadiest measure of the client's overhead.
//!
//! `BENCH_ONLY=sdk` or `BENCH_ONLY=bare` measures one side alone (the other is still warmed up and checked), so
//! that `perf record`, `perf stat` or `strace -c` of the whole process shows that side's work only.

use std::convert::Infallible;
use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use miteos::types::{TaskCreate, TaskResponse};
use sdk_benches::{AllocCount, env_usize, median};

#[global_allocator]
static ALLOC: sdk_benches::CountingAlloc = sdk_benches::CountingAlloc;

const API_KEY: &str = "mt_live_4eC39HqLyjWDarjtT1zdp7dc";
const TASK_ID: &str = "task_8c1f2e7a9b3d";
const PROMPT: &str = "Build a landing page for a coffee subscription and deploy it to Vercel";
const USER_AGENT: &str = "miteos-rust/0.1.0";

/// A task with its config, three subtasks and three agents (about 1.6 KB), as `GET /tasks/{id}` answers.
fn task_json() -> Bytes {
    let subtask = |n: u32, agent: &str, status: &str, model: &str| {
        serde_json::json!({
            "id": format!("sub_{n}f3a9c2e"),
            "agent_type": agent,
            "prompt": format!("Step {n} of the plan: {agent} work for the landing page"),
            "status": status,
            "tokens_used": 1200 * n,
            "model_used": model,
        })
    };
    let agent = |n: u32, kind: &str, status: &str, tool: Option<&str>, progress: u32| {
        serde_json::json!({
            "id": format!("agnt_{n}7d2b41c"),
            "task_id": TASK_ID,
            "type": kind,
            "status": status,
            "current_tool": tool,
            "progress": progress,
        })
    };
    let task = serde_json::json!({
        "id": TASK_ID,
        "prompt": PROMPT,
        "status": "running",
        "created_at": "2025-01-15T10:23:44Z",
        "config": {
            "max_agents": 4,
            "autonomy_level": 60,
            "auto_deploy": true,
            "deploy_target": "vercel",
        },
        "workspace_id": "ws_51c0d9a2",
        "total_tokens_used": 48213,
        "total_cost_cents": 37,
        "completed_at": null,
        "subtasks": [
            subtask(1, "researcher", "complete", "claude-sonnet-4"),
            subtask(2, "builder", "running", "claude-sonnet-4"),
            subtask(3, "builder", "pending", "claude-haiku-4"),
        ],
        "agents": [
            agent(1, "researcher", "complete", None, 100),
            agent(2, "builder", "acting", Some("write_file"), 45),
            agent(3, "builder", "idle", None, 0),
        ],
    });
    Bytes::from(serde_json::to_vec(&task).expect("serializable"))
}

/// Starts the server on its own thread; returns its address.
fn start_server(body: Bytes) -> SocketAddr {
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
                let body = body.clone();
                tokio::spawn(async move {
                    let service =
                        service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                            let body = body.clone();
                            async move {
                                let status = if request.method() == http::Method::POST {
                                    http::StatusCode::CREATED
                                } else {
                                    http::StatusCode::OK
                                };
                                // Read the request body so the connection stays reusable.
                                let _ = request.into_body().collect().await;
                                let response = hyper::Response::builder()
                                    .status(status)
                                    .header(http::header::CONTENT_TYPE, "application/json")
                                    .header("x-ratelimit-limit", "1000")
                                    .header("x-ratelimit-remaining", "999")
                                    .header("x-request-id", "req_2c8e91f04b7a")
                                    .body(Full::new(body))
                                    .expect("valid response");
                                Ok::<_, Infallible>(response)
                            }
                        });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    rx.recv().expect("server started")
}

/// The bare client: a `reqwest::Client` with the same default headers the SDK sends.
struct Bare {
    http: reqwest::Client,
    base: String,
}

impl Bare {
    fn new(base: &str) -> Self {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::USER_AGENT,
            http::HeaderValue::from_static(USER_AGENT),
        );
        let mut auth = http::HeaderValue::from_str(&format!("Bearer {API_KEY}")).expect("ascii");
        auth.set_sensitive(true);
        headers.insert(http::header::AUTHORIZATION, auth);
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .expect("reqwest client");
        Bare {
            http,
            base: base.to_owned(),
        }
    }

    async fn decode(response: reqwest::Response) -> TaskResponse {
        let response = response.error_for_status().expect("2xx");
        let body = response.bytes().await.expect("body");
        serde_json::from_slice(&body).expect("a TaskResponse")
    }

    async fn get(&self, id: &str) -> TaskResponse {
        let response = self
            .http
            .get(format!("{}/tasks/{id}", self.base))
            .header(http::header::ACCEPT, "application/json")
            .send()
            .await
            .expect("bare GET");
        Self::decode(response).await
    }

    async fn create(&self, body: &TaskCreate) -> TaskResponse {
        let body = serde_json::to_vec(body).expect("serializable");
        let response = self
            .http
            .post(format!("{}/tasks", self.base))
            .header(http::header::ACCEPT, "application/json")
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .expect("bare POST");
        Self::decode(response).await
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Row {
    SdkGet,
    BareGet,
    SdkCreate,
    BareCreate,
}

impl Row {
    const ALL: [Row; 4] = [Row::SdkGet, Row::BareGet, Row::SdkCreate, Row::BareCreate];

    fn is_sdk(self) -> bool {
        matches!(self, Row::SdkGet | Row::SdkCreate)
    }

    /// Whether `BENCH_ONLY` (`sdk`, `bare` or unset) lets this row be measured.
    fn selected(self, only: Option<&str>) -> bool {
        match only {
            Some("sdk") => self.is_sdk(),
            Some("bare") => !self.is_sdk(),
            _ => true,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Row::SdkGet => "sdk  tasks().get(id).send()",
            Row::BareGet => "bare GET /tasks/{id}",
            Row::SdkCreate => "sdk  tasks().create(..).send()",
            Row::BareCreate => "bare POST /tasks",
        }
    }
}

async fn call(row: Row, sdk: &miteos::Client, bare: &Bare) -> TaskResponse {
    match row {
        Row::SdkGet => sdk.tasks().get(TASK_ID).send().await.expect("sdk GET"),
        Row::BareGet => bare.get(TASK_ID).await,
        Row::SdkCreate => sdk
            .tasks()
            .create(TaskCreate::new(PROMPT))
            .send()
            .await
            .expect("sdk POST"),
        Row::BareCreate => bare.create(&TaskCreate::new(PROMPT)).await,
    }
}

#[derive(Default)]
struct Samples {
    calls_per_sec: Vec<f64>,
    cpu_us_per_call: Vec<f64>,
    allocs_per_call: Vec<f64>,
    kib_per_call: Vec<f64>,
}

/// Median over rounds of `sdk[i] / bare[i]`.
fn median_ratio(sdk: &[f64], bare: &[f64]) -> f64 {
    let ratios: Vec<f64> = sdk.iter().zip(bare).map(|(s, b)| s / b).collect();
    median(&ratios)
}

fn main() {
    let calls = env_usize("BENCH_CALLS", 500);
    let rounds = env_usize("BENCH_ROUNDS", 20);
    let only = std::env::var("BENCH_ONLY").ok();
    let only = only.as_deref();
    let body = task_json();
    let addr = start_server(body.clone());
    let base = format!("http://{addr}/v1");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    sdk_benches::count_this_thread();

    let sdk = miteos::Client::builder()
        .api_key(API_KEY)
        .base_url(&base)
        .build()
        .expect("sdk client");
    let bare = Bare::new(&base);

    let mut samples: Vec<Samples> = Row::ALL.iter().map(|_| Samples::default()).collect();
    runtime.block_on(async {
        // Warm up: open the connections, fill pools and caches, and check both sides decode the same value.
        let expected: TaskResponse = serde_json::from_slice(&body).expect("fixture decodes");
        for row in Row::ALL {
            for _ in 0..calls.max(100) {
                assert_eq!(call(row, &sdk, &bare).await, expected, "{row:?}");
            }
        }
        for _ in 0..rounds {
            for (row, samples) in Row::ALL.iter().zip(&mut samples) {
                if !row.selected(only) {
                    continue;
                }
                let cpu_before = sdk_benches::thread_cpu_ns();
                let before = AllocCount::now();
                let started = Instant::now();
                sdk_benches::sdk_benches_boundary();
                for _ in 0..calls {
                    black_box(call(*row, &sdk, &bare).await);
                }
                sdk_benches::sdk_benches_boundary();
                let elapsed = started.elapsed();
                let counted = AllocCount::since(before);
                // Read after counting stops: reading the file allocates.
                let cpu_ns = sdk_benches::thread_cpu_ns()
                    .zip(cpu_before)
                    .map_or(0, |(after, before)| after - before);
                samples
                    .calls_per_sec
                    .push(calls as f64 / elapsed.as_secs_f64());
                samples
                    .cpu_us_per_call
                    .push(cpu_ns as f64 / 1000.0 / calls as f64);
                samples
                    .allocs_per_call
                    .push(counted.allocations as f64 / calls as f64);
                samples
                    .kib_per_call
                    .push(counted.bytes as f64 / 1024.0 / calls as f64);
            }
        }
    });

    // What decoding the body alone costs (both sides pay it).
    let before = AllocCount::now();
    let decode_calls = 1000;
    let started = Instant::now();
    for _ in 0..decode_calls {
        black_box(serde_json::from_slice::<TaskResponse>(black_box(&body)).expect("decodes"));
    }
    let decode_time = started.elapsed() / decode_calls;
    let decode_allocs = AllocCount::since(before).allocations as f64 / f64::from(decode_calls);

    println!();
    println!(
        "client_overhead: {rounds} rounds of {calls} calls per row, one call at a time on a kept-alive HTTP/1.1 \
         connection to a hyper server on {addr}; response body {} bytes; medians over rounds",
        body.len()
    );
    println!(
        "{:<38} {:>10} {:>12} {:>12} {:>10}",
        "call", "calls/s", "cpu us/call", "allocs/call", "KiB/call"
    );
    for (row, s) in Row::ALL.iter().zip(&samples) {
        if s.calls_per_sec.is_empty() {
            continue;
        }
        println!(
            "{:<38} {:>10.0} {:>12.1} {:>12.1} {:>10.1}",
            row.label(),
            median(&s.calls_per_sec),
            median(&s.cpu_us_per_call),
            median(&s.allocs_per_call),
            median(&s.kib_per_call)
        );
    }
    for (name, sdk, bare) in [("get", 0, 1), ("create", 2, 3)] {
        let (s, b) = (&samples[sdk], &samples[bare]);
        if s.calls_per_sec.is_empty() || b.calls_per_sec.is_empty() {
            continue;
        }
        println!(
            "{:<38} {:>9.2}x {:>11.2}x {:>11.2}x {:>9.2}x",
            format!("ratio sdk/bare, {name}"),
            median_ratio(&s.calls_per_sec, &b.calls_per_sec),
            median_ratio(&s.cpu_us_per_call, &b.cpu_us_per_call),
            median_ratio(&s.allocs_per_call, &b.allocs_per_call),
            median_ratio(&s.kib_per_call, &b.kib_per_call),
        );
    }
    println!(
        "target: SDK within 5% of bare reqwest (calls/s ratio >= 0.95x, CPU time ratio <= 1.05x)"
    );
    println!(
        "for scale: serde_json::from_slice::<TaskResponse> alone takes {:.1} us and {decode_allocs:.0} allocations",
        duration_us(decode_time)
    );
    // Every layer of a call's future is moved (copied) when it is created and awaited: its size is part of
    // the cost that instruction counts show as memcpy.
    println!(
        "future sizes: sdk get {} bytes, bare get {} bytes, sdk create {} bytes, bare create {} bytes",
        size_of_val(&sdk.tasks().get(TASK_ID).send()),
        size_of_val(&bare.get(TASK_ID)),
        size_of_val(&sdk.tasks().create(TaskCreate::new(PROMPT)).send()),
        size_of_val(&bare.create(&TaskCreate::new(PROMPT))),
    );
    let spread = |row: usize| {
        let v = &samples[row].calls_per_sec;
        if v.is_empty() {
            return "-".to_owned();
        }
        let (lo, hi) = v
            .iter()
            .fold((f64::MAX, 0.0f64), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        format!("{lo:.0}..{hi:.0}")
    };
    println!(
        "calls/s range over rounds (machine load): sdk get {}, bare get {}, sdk create {}, bare create {}",
        spread(0),
        spread(1),
        spread(2),
        spread(3)
    );
}

fn duration_us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
