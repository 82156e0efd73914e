//! A first Miteos program: create a task, approve what its agents ask for while watching its
//! events, wait for it to finish, list every deployment, and handle a rate limit (429) and a
//! rejected request (422).
//!
//! ```text
//! MITEOS_API_KEY=mt_live_... cargo run -p miteos-tests --example task_tour
//! cargo run -p miteos-tests --example task_tour -- --demo
//! ```
//!
//! `--demo` runs the same code against a Miteos stand-in on a free loopback port (HTTP and the
//! event WebSocket on one port), checks that every step did what it should, and exits non-zero if
//! one did not.

use std::time::Duration;

use futures_util::StreamExt;
use miteos::types::{ApprovalRequest, Event, TaskCreate, TaskResponse};
use miteos::{Client, Error, ErrorDetail};

/// What the tour saw, for the demo's checks.
#[derive(Debug, Default)]
struct Seen {
    task: Option<TaskResponse>,
    approvals: usize,
    deployments: usize,
    rejected: Vec<String>,
    rate_limited: Option<Duration>,
}

/// Creates a task, approves every approval request of its agents while streaming its events,
/// and waits until the task is done.
async fn run_task(client: &Client, seen: &mut Seen) -> Result<(), Box<dyn std::error::Error>> {
    let task = client
        .tasks()
        .create(TaskCreate::new(
            "Build a landing page for my coffee startup",
        ))
        .send()
        .await?;
    println!("created {} ({:?})", task.id, task.status);

    let mut events = client.events().subscribe().task_id(&task.id).send().await?;
    while let Some(event) = events.next().await {
        match event? {
            Event::ApprovalRequired(e) => {
                println!(
                    "agent {} asks to {} (risk {:?})",
                    e.data.agent_id, e.data.action, e.data.risk
                );
                let approval = ApprovalRequest::new(true).reason("reviewed by the tour");
                client
                    .agents()
                    .approve(&e.data.agent_id, &e.data.approval_id, approval)
                    .send()
                    .await?;
                seen.approvals += 1;
            }
            Event::TaskComplete(_) | Event::TaskFailed(_) => break,
            other => println!("event: {other:?}"),
        }
    }

    let done = client
        .tasks()
        .wait_until_done(&task.id)
        .poll_interval(Duration::from_millis(200))
        .deadline(Duration::from_secs(600))
        .send()
        .await?;
    println!("task {} ended {:?}", done.id, done.status);
    seen.task = Some(done);
    Ok(())
}

/// Lists every deployment, page by page.
async fn list_deployments(client: &Client, seen: &mut Seen) -> Result<(), Error> {
    let mut deployments = client.deployments().list().limit(2).into_stream();
    while let Some(deployment) = deployments.next().await {
        let deployment = deployment?;
        println!(
            "deployment {} {:?} {:?}",
            deployment.id, deployment.status, deployment.url
        );
        seen.deployments += 1;
    }
    Ok(())
}

/// A request the API rejects (422), and a rate limit handled by hand (429) instead of the
/// client's automatic retries.
async fn handle_errors(client: &Client, seen: &mut Seen) -> Result<(), Error> {
    match client.tasks().create(TaskCreate::new("")).send().await {
        Ok(task) => println!("unexpectedly accepted {}", task.id),
        Err(e) if e.status() == Some(422) => {
            let detail = e.api_error().and_then(|api| api.detail.as_ref());
            if let Some(ErrorDetail::Validation(issues)) = detail {
                for issue in issues {
                    println!("rejected: {issue}");
                    seen.rejected.push(issue.to_string());
                }
            }
        }
        Err(e) => return Err(e),
    }
    match client.billing().get().max_retries(0).send().await {
        Ok(billing) => println!("billing: {billing:?}"),
        Err(e) if e.status() == Some(429) => {
            let wait = e.retry_after().unwrap_or(Duration::from_secs(1));
            println!("rate limited; try again in {wait:?}");
            seen.rate_limited = Some(wait);
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let demo = std::env::args().any(|a| a == "--demo");
    let stand_in = if demo {
        Some(demo::StandIn::start().await?)
    } else {
        None
    };
    let client = match &stand_in {
        Some(server) => Client::builder()
            .api_key("mt_test_demo")
            .base_url(server.base_url())
            .build()?,
        None => Client::from_env()?, // MITEOS_API_KEY, and MITEOS_BASE_URL when set
    };
    let mut seen = Seen::default();
    run_task(&client, &mut seen).await?;
    list_deployments(&client, &mut seen).await?;
    handle_errors(&client, &mut seen).await?;
    if let Some(server) = stand_in {
        demo::check(&seen, &server)?;
        println!("every step behaved");
    }
    Ok(())
}

/// The demo's stand-in for the API and the checks of what the tour saw.
mod demo {
    use std::net::SocketAddr;

    use futures_util::SinkExt;
    use http::Method;
    use miteos::types::TaskStatus;
    use miteos_tests::server::{Canned, TestServer};
    use serde_json::{Value, json};
    use tokio_tungstenite::tungstenite::Message;

    use super::Seen;

    const TASK: &str = "task_2x8KqLmN4pR7";
    const DEPLOYMENTS: usize = 5;

    fn task(status: &str) -> Value {
        json!({"id": TASK, "prompt": "Build a landing page for my coffee startup", "status": status,
               "created_at": "2025-01-15T10:23:44Z"})
    }

    fn events() -> [Value; 2] {
        [
            json!({"id": "evt_1", "type": "approval.required", "created_at": "2025-01-15T10:24:00Z",
                   "task_id": TASK, "agent_id": "agnt_7hQ2mZp1",
                   "data": {"approval_id": "apr_3kLm9", "agent_id": "agnt_7hQ2mZp1",
                            "action": "deploy to vercel", "risk": "medium"}}),
            json!({"id": "evt_2", "type": "task.complete", "created_at": "2025-01-15T10:30:00Z",
                   "task_id": TASK,
                   "data": {"task_id": TASK, "status": "completed", "completed_at": "2025-01-15T10:30:00Z"}}),
        ]
    }

    /// The API's routes on a recording server, behind a front door on one loopback port that
    /// hands WebSocket upgrades to the event stream and everything else to the server.
    pub struct StandIn {
        pub http: TestServer,
        addr: SocketAddr,
    }

    impl StandIn {
        pub async fn start() -> std::io::Result<StandIn> {
            let http = TestServer::start().await;
            routes(&http);
            let front = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let addr = front.local_addr()?;
            let backend = http.url().trim_start_matches("http://").to_owned();
            tokio::spawn(async move {
                while let Ok((stream, _)) = front.accept().await {
                    let backend = backend.clone();
                    tokio::spawn(async move {
                        let mut head = [0u8; 2048];
                        let n = stream.peek(&mut head).await.unwrap_or(0);
                        let text = String::from_utf8_lossy(&head[..n]).to_ascii_lowercase();
                        if text.contains("upgrade: websocket") {
                            stream_events(stream).await;
                        } else if let Ok(mut to) = tokio::net::TcpStream::connect(&backend).await {
                            let mut stream = stream;
                            let _ = tokio::io::copy_bidirectional(&mut stream, &mut to).await;
                        }
                    });
                }
            });
            Ok(StandIn { http, addr })
        }

        pub fn base_url(&self) -> String {
            format!("http://{}/v1", self.addr)
        }
    }

    async fn stream_events(stream: tokio::net::TcpStream) {
        let Ok(mut socket) = tokio_tungstenite::accept_async(stream).await else {
            return;
        };
        for event in events() {
            if socket.send(Message::text(event.to_string())).await.is_err() {
                return;
            }
        }
        let _ = socket.close(None).await;
        while let Some(Ok(_)) = futures_util::StreamExt::next(&mut socket).await {}
    }

    fn routes(server: &TestServer) {
        server.on_fn(Method::POST, "/v1/tasks", |request| {
            if request.json()["prompt"] == "" {
                Canned::json(422, &json!({"detail": [{"loc": ["body", "prompt"],
                    "msg": "String should have at least 1 character", "type": "string_too_short"}]}))
            } else {
                Canned::json(201, &task("pending"))
            }
        });
        server.on_sequence(
            Method::GET,
            &format!("/v1/tasks/{TASK}"),
            vec![
                Canned::json(200, &task("running")),
                Canned::json(200, &task("completed")),
            ],
        );
        server.on(
            Method::POST,
            "/v1/agents/agnt_7hQ2mZp1/approve/apr_3kLm9",
            Canned::json(200, &json!({"approval_id": "apr_3kLm9", "agent_id": "agnt_7hQ2mZp1",
                "approved": true, "reason": "reviewed by the tour", "decided_at": "2025-01-15T10:25:00Z"})),
        );
        server.on_fn(Method::GET, "/v1/deployments", |request| {
            let param = |name: &str| {
                request
                    .query
                    .iter()
                    .find(|(k, _)| k == name)
                    .and_then(|(_, v)| v.parse::<usize>().ok())
            };
            let (offset, limit) = (param("offset").unwrap_or(0), param("limit").unwrap_or(20));
            let page: Vec<Value> = (offset..(offset + limit).min(DEPLOYMENTS))
                .map(|i| {
                    json!({"id": format!("dep_{i:04}"), "workspace_id": "ws_4fT9aQ2c",
                    "target": "vercel", "status": "live", "url": format!("https://d{i}.vercel.app"),
                    "created_at": "2025-01-14T16:40:00Z"})
                })
                .collect();
            Canned::json(200, &json!({"deployments": page, "total": DEPLOYMENTS}))
        });
        server.on(
            Method::GET,
            "/v1/billing",
            Canned::json(429, &json!({"detail": "Rate limit exceeded"})).header("retry-after", "7"),
        );
    }

    /// Whether every step did what the stand-in set up; the first that did not, as an error.
    pub fn check(seen: &Seen, server: &StandIn) -> Result<(), String> {
        let approved = server
            .http
            .requests()
            .into_iter()
            .any(|r| r.path.ends_with("/approve/apr_3kLm9") && r.json()["approved"] == true);
        let status = seen.task.as_ref().map(|t| &t.status);
        let checks = [
            (
                status == Some(&TaskStatus::Completed),
                format!("the task ended {status:?}, not completed"),
            ),
            (
                seen.approvals == 1 && approved,
                format!("{} approvals sent", seen.approvals),
            ),
            (
                seen.deployments == DEPLOYMENTS,
                format!("{} of {DEPLOYMENTS} deployments listed", seen.deployments),
            ),
            (
                seen.rejected.iter().any(|r| r.starts_with("body.prompt")),
                format!("the 422 read as {:?}", seen.rejected),
            ),
            (
                seen.rate_limited == Some(std::time::Duration::from_secs(7)),
                format!("the 429 read as {:?}", seen.rate_limited),
            ),
        ];
        match checks.into_iter().find(|(ok, _)| !ok) {
            Some((_, failure)) => Err(failure),
            None => Ok(()),
        }
    }
}
