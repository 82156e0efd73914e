//! Every operation of the generated `miteos` crate against a recording HTTP server on loopback: what the server
//! received (method, percent-encoded path, query, headers, JSON body) and what the SDK made of the answer (the
//! spec's examples, decoded into typed values).

use http::Method;
use miteos::types::{
    AgentStatus, AgentType, ApprovalRequest, BillingPlan, BrokerConnect, BrokerName, CardCreate,
    CardStatus, DeployTarget, DeploymentCreate, DeploymentStatus, EventType, GuideRequest,
    IntegrationService, MemoryUpdate, SkillCompileRequest, SkillCreate, SkillStep, TaskConfig,
    TaskCreate, TaskResponse, TaskStatus, WebhookCreate, WorkspaceCreate,
};
use miteos_tests::server::{API_KEY, AssertCall, Canned, RATE_LIMIT, TestServer};
use serde_json::{Value, json};

const TASK_ID: &str = "task_2x8KqLmN4pR7";
const AGENT_ID: &str = "agnt_7hQ2mZp1";

fn task_running() -> Value {
    json!({
        "id": TASK_ID,
        "prompt": "Build a landing page for my coffee subscription startup and deploy it",
        "status": "running",
        "created_at": "2025-01-15T10:23:44Z",
        "workspace_id": "ws_4fT9aQ2c",
        "config": {"max_agents": 3, "autonomy_level": 70, "auto_deploy": false, "deploy_target": "vercel"},
        "total_tokens_used": 42842,
        "total_cost_cents": 37,
        "completed_at": null,
        "subtasks": [
            {"id": "sub_01", "agent_type": "researcher", "prompt": "Research competitor pricing pages",
             "status": "complete", "tokens_used": 18342, "model_used": "claude-sonnet-4"},
            {"id": "sub_02", "agent_type": "builder", "prompt": "Build the landing page with a pricing table",
             "status": "running", "tokens_used": 24500, "model_used": "claude-sonnet-4"}
        ],
        "agents": [
            {"id": "agnt_3kLw9TbE", "task_id": TASK_ID, "type": "researcher", "status": "complete",
             "current_tool": null, "progress": 100},
            {"id": AGENT_ID, "task_id": TASK_ID, "type": "builder", "status": "acting",
             "current_tool": "write_file", "progress": 45}
        ]
    })
}

fn agent(status: &str) -> Value {
    json!({"id": AGENT_ID, "task_id": TASK_ID, "type": "builder", "status": status,
           "current_tool": null, "progress": 45})
}

fn deployment_live() -> Value {
    json!({"id": "dep_2Mw8gH5s", "workspace_id": "ws_4fT9aQ2c", "target": "vercel", "status": "live",
           "url": "https://coffee-club.vercel.app", "created_at": "2025-01-14T16:40:00Z",
           "completed_at": "2025-01-14T16:42:31Z"})
}

fn webhook() -> Value {
    json!({"id": "whk_8Tg3mQ1s", "url": "https://example.com/hooks/miteos",
           "events": ["task.complete", "task.failed", "approval.required"],
           "created_at": "2025-01-15T10:23:44Z"})
}

fn skill_steps() -> Vec<SkillStep> {
    vec![
        SkillStep::new("step_1", "web_search", "Find the three closest competitors")
            .confidence(0.92),
        SkillStep::new(
            "step_2",
            "write_file",
            "Draft the landing page from the template",
        )
        .confidence(0.81),
    ]
}

fn skill_steps_json() -> Value {
    json!([
        {"id": "step_1", "tool": "web_search", "description": "Find the three closest competitors",
         "confidence": 0.92},
        {"id": "step_2", "tool": "write_file", "description": "Draft the landing page from the template",
         "confidence": 0.81}
    ])
}

// ---------------------------------------------------------------------------------------------------- tasks

#[tokio::test]
async fn tasks_create_sends_every_field_and_decodes_the_task() {
    let server = TestServer::start().await;
    let mut created = task_running();
    created["status"] = json!("pending");
    created["total_tokens_used"] = json!(0);
    created["total_cost_cents"] = json!(0);
    created["subtasks"] = json!([]);
    created["agents"] = json!([]);
    server.on(Method::POST, "/v1/tasks", Canned::json(201, &created));

    let body =
        TaskCreate::new("Build a landing page for my coffee subscription startup and deploy it")
            .workspace_id("ws_4fT9aQ2c")
            .config(
                TaskConfig::default()
                    .max_agents(3)
                    .autonomy_level(70)
                    .auto_deploy(false)
                    .deploy_target(DeployTarget::Vercel),
            );
    let task = server
        .client()
        .tasks()
        .create(body)
        .extra_header("X-Trace-Id", "trace-42")
        .send()
        .await
        .expect("create task");

    let request = server.only_request();
    request.assert_call(Method::POST, "/v1/tasks");
    assert_eq!(request.raw_query, None);
    assert_eq!(request.header("x-trace-id"), Some("trace-42"));
    assert_eq!(request.header("accept"), Some("application/json"));
    request.assert_json_body(&json!({
        "prompt": "Build a landing page for my coffee subscription startup and deploy it",
        "workspace_id": "ws_4fT9aQ2c",
        "config": {"max_agents": 3, "autonomy_level": 70, "auto_deploy": false, "deploy_target": "vercel"}
    }));

    assert_eq!(task.id, TASK_ID);
    assert_eq!(task.status, TaskStatus::Pending);
    let config = task.config.expect("config");
    assert_eq!(config.deploy_target, Some(DeployTarget::Vercel));
    assert_eq!(config.auto_deploy, Some(false));
    assert_eq!(task.completed_at, None);
    assert_eq!(task.subtasks, Some(vec![]));
}

#[tokio::test]
async fn tasks_create_leaves_unset_optional_fields_out_of_the_body() {
    let server = TestServer::start().await;
    let mut created = task_running();
    created["status"] = json!("pending");
    server.on(Method::POST, "/v1/tasks", Canned::json(201, &created));
    let client = server.client();

    client
        .tasks()
        .create(TaskCreate::new("Summarise last week's support tickets"))
        .send()
        .await
        .expect("create task with a prompt only");
    client
        .tasks()
        .create(TaskCreate::new("Deploy it").config(TaskConfig::default().max_agents(1)))
        .send()
        .await
        .expect("create task with a partial config");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    requests[0].assert_json_body(&json!({"prompt": "Summarise last week's support tickets"}));
    requests[1].assert_json_body(&json!({"prompt": "Deploy it", "config": {"max_agents": 1}}));
}

#[tokio::test]
async fn optional_nullable_fields_are_sent_as_null_only_when_asked() {
    let server = TestServer::start().await;
    server.on(
        Method::POST,
        "/v1/tasks",
        Canned::json(201, &task_running()),
    );
    let client = server.client();
    let body = TaskCreate::new("p").workspace_id_null().config_null();
    client
        .tasks()
        .create(body.clone())
        .send()
        .await
        .expect("create");
    server.requests()[0]
        .assert_json_body(&json!({"prompt": "p", "workspace_id": null, "config": null}));
    // The same value read back keeps null apart from absent.
    let text = serde_json::to_string(&body).unwrap();
    let again: TaskCreate = serde_json::from_str(&text).unwrap();
    assert_eq!(again, body);
    assert_eq!(again.workspace_id, Some(None));
    let absent: TaskCreate = serde_json::from_str(r#"{"prompt": "p"}"#).unwrap();
    assert_eq!(absent.workspace_id, None);
}

#[tokio::test]
async fn tasks_list_sends_limit_offset_and_status_as_wire_strings() {
    let server = TestServer::start().await;
    let second = json!({
        "id": "task_9Vb3sWq1Lm0Z", "prompt": "Summarise last week's support tickets", "status": "completed",
        "created_at": "2025-01-14T08:02:10Z", "workspace_id": null, "config": null,
        "total_tokens_used": 15230, "total_cost_cents": 12, "completed_at": "2025-01-14T08:09:55Z"
    });
    server.on(
        Method::GET,
        "/v1/tasks",
        Canned::json(200, &json!({"tasks": [task_running(), second], "total": 2})),
    );
    let client = server.client();

    let page = client
        .tasks()
        .list()
        .limit(20)
        .offset(40)
        .status(TaskStatus::Running)
        .send()
        .await
        .expect("list tasks");
    client
        .tasks()
        .list()
        .status(TaskStatus::Cancelled)
        .send()
        .await
        .expect("list cancelled tasks");
    client
        .tasks()
        .list()
        .send()
        .await
        .expect("list without parameters");

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    requests[0].assert_call(Method::GET, "/v1/tasks");
    assert_eq!(
        requests[0].query,
        [("limit", "20"), ("offset", "40"), ("status", "running")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    assert!(requests[0].body.is_empty());
    assert_eq!(requests[1].raw_query.as_deref(), Some("status=cancelled"));
    requests[2].assert_no_body_no_query();

    assert_eq!(page.total, 2);
    assert_eq!(page.tasks.len(), 2);
    let first = &page.tasks[0];
    assert_eq!(first.status, TaskStatus::Running);
    let subtasks = first.subtasks.as_ref().expect("subtasks");
    assert_eq!(subtasks[0].agent_type, AgentType::Researcher);
    assert_eq!(subtasks[0].status, TaskStatus::Complete);
    let agents = first.agents.as_ref().expect("agents");
    assert_eq!(agents[1].status, AgentStatus::Acting);
    assert_eq!(agents[1].current_tool.as_deref(), Some("write_file"));
    assert_eq!(agents[0].current_tool, None);
    assert_eq!(page.tasks[1].status, TaskStatus::Completed);
    assert_eq!(page.tasks[1].workspace_id, None);
    assert_eq!(page.tasks[1].config, None);
    assert_eq!(page.tasks[1].subtasks, None);
}

#[tokio::test]
async fn tasks_get_percent_encodes_the_id_as_one_segment() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        "/v1/tasks/task%201%2F2",
        Canned::json(200, &task_running()),
    );

    let task = server
        .client()
        .tasks()
        .get("task 1/2")
        .send()
        .await
        .expect("get task");

    let request = server.only_request();
    request.assert_call(Method::GET, "/v1/tasks/task%201%2F2");
    request.assert_no_body_no_query();
    assert_eq!(task.id, TASK_ID);
    assert_eq!(task.total_tokens_used, Some(42842));
    assert_eq!(
        task.config.and_then(|c| c.deploy_target),
        Some(DeployTarget::Vercel)
    );
}

#[tokio::test]
async fn tasks_cancel_encodes_reserved_characters() {
    let server = TestServer::start().await;
    let mut cancelled = task_running();
    cancelled["status"] = json!("cancelled");
    cancelled["completed_at"] = json!("2025-01-15T10:31:02Z");
    cancelled["agents"][1]["status"] = json!("killed");
    let path = "/v1/tasks/t%3Fq%3D1%23frag%25/cancel";
    server.on(Method::POST, path, Canned::json(200, &cancelled));

    let task = server
        .client()
        .tasks()
        .cancel("t?q=1#frag%")
        .send()
        .await
        .expect("cancel task");

    let request = server.only_request();
    request.assert_call(Method::POST, path);
    request.assert_no_body_no_query();
    assert_eq!(task.status, TaskStatus::Cancelled);
    assert_eq!(
        task.completed_at.map(|t| t.to_string()).as_deref(),
        Some("2025-01-15T10:31:02Z")
    );
    assert_eq!(task.agents.expect("agents")[1].status, AgentStatus::Killed);
}

#[tokio::test]
async fn tasks_deliverables_decodes_the_bare_array() {
    let server = TestServer::start().await;
    let path = "/v1/tasks/t%C3%A4sk%E2%9C%93/deliverables";
    server.on(
        Method::GET,
        path,
        Canned::json(
            200,
            &json!([
                {"id": "dlvr_5Rk2pQ8w", "task_id": TASK_ID, "name": "landing-page.zip",
                 "content_type": "application/zip", "size_bytes": 184320,
                 "download_url": "https://files.miteos.com/dlvr_5Rk2pQ8w/landing-page.zip?X-Amz-Expires=3600&X-Amz-Signature=3f9c1e",
                 "created_at": "2025-01-15T10:29:12Z"},
                {"id": "dlvr_8Hn4tY2e",
                 "download_url": "https://files.miteos.com/dlvr_8Hn4tY2e/competitor-pricing.md"}
            ]),
        ),
    );

    let deliverables = server
        .client()
        .tasks()
        .deliverables("täsk✓")
        .send()
        .await
        .expect("list deliverables");

    let request = server.only_request();
    request.assert_call(Method::GET, path);
    request.assert_no_body_no_query();
    assert_eq!(deliverables.len(), 2);
    assert_eq!(deliverables[0].size_bytes, Some(184320));
    assert_eq!(
        deliverables[0].content_type.as_deref(),
        Some("application/zip")
    );
    assert_eq!(deliverables[1].name, None);
    assert!(
        deliverables[1]
            .download_url
            .ends_with("competitor-pricing.md")
    );
}

fn zip_bytes() -> Vec<u8> {
    // A ZIP signature and enough pseudo-random bytes to arrive in several chunks.
    let mut bytes = b"PK\x03\x04".to_vec();
    let mut x: u32 = 0x2545_f491;
    for _ in 0..300_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes.push(x as u8);
    }
    bytes
}

#[tokio::test]
async fn tasks_download_deliverable_streams_the_bytes() {
    let server = TestServer::start().await;
    let path = "/v1/tasks/task_2x8KqLmN4pR7/deliverables/dlvr%2F5Rk2/download";
    let zip = zip_bytes();
    server.on(
        Method::GET,
        path,
        Canned::bytes(200, "application/zip", zip.clone()).header(
            "content-disposition",
            "attachment; filename=\"landing-page.zip\"",
        ),
    );
    let client = server.client();

    let stream = client
        .tasks()
        .download_deliverable(TASK_ID, "dlvr/5Rk2")
        .send()
        .await
        .expect("download");
    let mut chunks = 0;
    let mut received = Vec::new();
    let mut stream = std::pin::pin!(stream);
    while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
        received.extend_from_slice(&chunk.expect("chunk"));
        chunks += 1;
    }
    assert_eq!(received.len(), zip.len());
    assert!(received == zip, "downloaded bytes differ");
    assert!(chunks >= 1);

    let response = client
        .tasks()
        .download_deliverable(TASK_ID, "dlvr/5Rk2")
        .send_with_response()
        .await
        .expect("download with response");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers().get(http::header::CONTENT_DISPOSITION),
        Some(&http::HeaderValue::from_static(
            "attachment; filename=\"landing-page.zip\""
        ))
    );
    assert_eq!(
        response.headers().get(http::header::CONTENT_TYPE),
        Some(&http::HeaderValue::from_static("application/zip"))
    );
    let rate_limit = response.rate_limit().expect("rate limit");
    assert_eq!(rate_limit.limit, Some(RATE_LIMIT));
    assert_eq!(rate_limit.remaining, Some(RATE_LIMIT - 2));
    let collected = response
        .into_inner()
        .collect_bytes()
        .await
        .expect("collect");
    assert!(collected[..] == zip[..], "collected bytes differ");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        request.assert_call(Method::GET, path);
        request.assert_no_body_no_query();
    }
}

// ---------------------------------------------------------------------------------------------------- agents

#[tokio::test]
async fn agents_pause_resume_cancel_post_without_a_body() {
    let server = TestServer::start().await;
    server.on(
        Method::POST,
        "/v1/agents/agnt_7hQ2mZp1/pause",
        Canned::json(200, &agent("paused")),
    );
    server.on(
        Method::POST,
        "/v1/agents/agnt_7hQ2mZp1/resume",
        Canned::json(200, &agent("thinking")),
    );
    server.on(
        Method::POST,
        "/v1/agents/agnt%207/cancel",
        Canned::json(200, &agent("killed")),
    );
    let client = server.client();

    let paused = client.agents().pause(AGENT_ID).send().await.expect("pause");
    let resumed = client
        .agents()
        .resume(AGENT_ID)
        .send()
        .await
        .expect("resume");
    let cancelled = client
        .agents()
        .cancel("agnt 7")
        .send()
        .await
        .expect("cancel");

    assert_eq!(paused.status, AgentStatus::Paused);
    assert_eq!(paused.r#type, AgentType::Builder);
    assert_eq!(paused.progress, 45);
    assert_eq!(resumed.status, AgentStatus::Thinking);
    assert_eq!(cancelled.status, AgentStatus::Killed);

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    requests[0].assert_call(Method::POST, "/v1/agents/agnt_7hQ2mZp1/pause");
    requests[1].assert_call(Method::POST, "/v1/agents/agnt_7hQ2mZp1/resume");
    requests[2].assert_call(Method::POST, "/v1/agents/agnt%207/cancel");
    for request in &requests {
        request.assert_no_body_no_query();
    }
}

#[tokio::test]
async fn agents_guide_sends_the_instructions() {
    let server = TestServer::start().await;
    let path = "/v1/agents/agnt_7hQ2mZp1/guide";
    server.on(Method::POST, path, Canned::json(200, &agent("thinking")));
    let instructions =
        "Use the brand colours from the workspace memory and keep the hero text under 12 words.";

    let guided = server
        .client()
        .agents()
        .guide(AGENT_ID, GuideRequest::new(instructions))
        .extra_header("X-Request-Source", "loopback")
        .send()
        .await
        .expect("guide");

    let request = server.only_request();
    request.assert_call(Method::POST, path);
    assert_eq!(request.header("x-request-source"), Some("loopback"));
    request.assert_json_body(&json!({"instructions": instructions}));
    assert_eq!(guided.status, AgentStatus::Thinking);
}

#[tokio::test]
async fn agents_approve_fills_both_path_parameters() {
    let server = TestServer::start().await;
    let path = "/v1/agents/agnt_7hQ2mZp1/approve/apr%2F4Nc8%20vK2d";
    server.on(
        Method::POST,
        path,
        Canned::json(
            200,
            &json!({"approval_id": "apr/4Nc8 vK2d", "agent_id": AGENT_ID, "approved": true,
                    "reason": "Budget is fine", "decided_at": "2025-01-15T10:25:03Z"}),
        ),
    );
    let client = server.client();

    let approval = client
        .agents()
        .approve(
            AGENT_ID,
            "apr/4Nc8 vK2d",
            ApprovalRequest::new(true).reason("Budget is fine"),
        )
        .send()
        .await
        .expect("approve");
    client
        .agents()
        .approve(AGENT_ID, "apr/4Nc8 vK2d", ApprovalRequest::new(false))
        .send()
        .await
        .expect("reject without a reason");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    requests[0].assert_call(Method::POST, path);
    requests[0].assert_json_body(&json!({"approved": true, "reason": "Budget is fine"}));
    requests[1].assert_json_body(&json!({"approved": false}));
    assert!(approval.approved);
    assert_eq!(approval.approval_id, "apr/4Nc8 vK2d");
    assert_eq!(approval.reason.as_deref(), Some("Budget is fine"));
}

// ---------------------------------------------------------------------------------------------------- deployments

#[tokio::test]
async fn deployments_create_sends_the_target_as_a_wire_string() {
    let server = TestServer::start().await;
    server.on(
        Method::POST,
        "/v1/deployments",
        Canned::json(
            201,
            &json!({"id": "dep_6Yc1rN7k", "workspace_id": "ws_4fT9aQ2c", "target": "vercel",
                    "status": "pending", "url": null, "created_at": "2025-01-15T10:23:44Z",
                    "completed_at": null}),
        ),
    );

    let deployment = server
        .client()
        .deployments()
        .create(DeploymentCreate::new(
            "ws_4fT9aQ2c",
            DeployTarget::Cloudflare,
            "cfg_1Bx5hJ7w",
        ))
        .send_with_response()
        .await
        .expect("create deployment");
    assert_eq!(deployment.status(), 201);
    let deployment = deployment.into_inner();

    let request = server.only_request();
    request.assert_call(Method::POST, "/v1/deployments");
    request.assert_json_body(
        &json!({"workspace_id": "ws_4fT9aQ2c", "target": "cloudflare", "config_id": "cfg_1Bx5hJ7w"}),
    );
    assert_eq!(deployment.status, DeploymentStatus::Pending);
    assert_eq!(deployment.target, DeployTarget::Vercel);
    assert_eq!(deployment.url, None);
}

#[tokio::test]
async fn deployments_list_and_get() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        "/v1/deployments",
        Canned::json(
            200,
            &json!({"deployments": [deployment_live()], "total": 7}),
        ),
    );
    server.on(
        Method::GET,
        "/v1/deployments/dep_2Mw8gH5s",
        Canned::json(200, &deployment_live()),
    );
    let client = server.client();

    let page = client
        .deployments()
        .list()
        .limit(1)
        .offset(6)
        .send()
        .await
        .expect("list deployments");
    let one = client
        .deployments()
        .get("dep_2Mw8gH5s")
        .send()
        .await
        .expect("get deployment");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    requests[0].assert_call(Method::GET, "/v1/deployments");
    assert_eq!(requests[0].raw_query.as_deref(), Some("limit=1&offset=6"));
    requests[1].assert_call(Method::GET, "/v1/deployments/dep_2Mw8gH5s");
    requests[1].assert_no_body_no_query();
    assert_eq!(page.total, 7);
    assert_eq!(page.deployments[0].status, DeploymentStatus::Live);
    assert_eq!(one.url.as_deref(), Some("https://coffee-club.vercel.app"));
    assert_eq!(
        one.completed_at.map(|t| t.to_string()).as_deref(),
        Some("2025-01-14T16:42:31Z")
    );
}

// ---------------------------------------------------------------------------------------------------- workspaces

#[tokio::test]
async fn workspaces_create_and_list() {
    let server = TestServer::start().await;
    let coffee = json!({"id": "ws_4fT9aQ2c", "name": "coffee-club",
                        "description": "Landing page and shop for the coffee subscription",
                        "status": "active", "file_count": 12, "created_at": "2025-01-15T10:23:44Z"});
    server.on(Method::POST, "/v1/workspaces", Canned::json(201, &coffee));
    server.on(
        Method::GET,
        "/v1/workspaces",
        Canned::json(
            200,
            &json!([coffee, {"id": "ws_8pD3xV6n", "name": "support-reports", "description": null,
                             "status": "active", "file_count": 0, "created_at": "2025-01-10T09:00:00Z"}]),
        ),
    );
    let client = server.client();

    let created = client
        .workspaces()
        .create(
            WorkspaceCreate::new("coffee-club")
                .description("Landing page and shop for the coffee subscription"),
        )
        .send()
        .await
        .expect("create workspace");
    client
        .workspaces()
        .create(WorkspaceCreate::new("support-reports"))
        .send()
        .await
        .expect("create workspace without a description");
    let all = client
        .workspaces()
        .list()
        .send()
        .await
        .expect("list workspaces");

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    requests[0].assert_call(Method::POST, "/v1/workspaces");
    requests[0].assert_json_body(&json!({"name": "coffee-club",
        "description": "Landing page and shop for the coffee subscription"}));
    requests[1].assert_json_body(&json!({"name": "support-reports"}));
    requests[2].assert_call(Method::GET, "/v1/workspaces");
    requests[2].assert_no_body_no_query();
    assert_eq!(created.file_count, 12);
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].description, None);
}

// ---------------------------------------------------------------------------------------------------- billing

#[tokio::test]
async fn billing_get_with_response_gives_status_headers_and_rate_limit() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        "/v1/billing",
        Canned::json(
            200,
            &json!({"plan": "pro", "billing_period_start": "2025-01-01", "billing_period_end": "2025-01-31",
                    "tasks_used": 42, "tasks_limit": 500, "agents_minutes": 318.5,
                    "credits_remaining": 1250.0}),
        )
        .header("x-request-id", "req_7Yh2")
        .header("x-ratelimit-remaining", "41")
        .header("x-ratelimit-reset", "30"),
    );
    let client = server.client();

    let response = client
        .billing()
        .get()
        .send_with_response()
        .await
        .expect("billing");

    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("req_7Yh2")
    );
    assert_eq!(response.request_id(), Some("req_7Yh2"));
    let rate_limit = response.rate_limit().expect("rate limit");
    assert_eq!(rate_limit.limit, Some(RATE_LIMIT));
    assert_eq!(rate_limit.remaining, Some(41));
    assert_eq!(rate_limit.reset, Some(std::time::Duration::from_secs(30)));
    assert_eq!(client.last_rate_limit().and_then(|r| r.remaining), Some(41));
    let billing = response.value();
    assert_eq!(billing.plan, BillingPlan::Pro);
    assert_eq!(billing.tasks_used, 42);
    assert_eq!(billing.agents_minutes, 318.5);
    assert_eq!(billing.credits_remaining, 1250.0);

    let request = server.only_request();
    request.assert_call(Method::GET, "/v1/billing");
    request.assert_no_body_no_query();
}

// ---------------------------------------------------------------------------------------------------- trading

#[tokio::test]
async fn trading_list_brokers_and_connect_broker() {
    let server = TestServer::start().await;
    let broker = json!({"id": "brk_3Qs7vB1x", "broker_name": "alpaca", "status": "connected",
                        "mode": "paper", "connected_at": "2025-01-15T10:23:44Z"});
    server.on(
        Method::GET,
        "/v1/trading/brokers",
        Canned::json(200, &json!({"data": [broker]})),
    );
    server.on(
        Method::POST,
        "/v1/trading/brokers",
        Canned::json(201, &broker),
    );
    let client = server.client();

    let brokers = client
        .trading()
        .list_brokers()
        .send()
        .await
        .expect("list brokers");
    let credentials = [
        ("api_key", "PKTEST1234567890"),
        ("api_secret", "s3cr3t-example"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .into();
    let connected = client
        .trading()
        .connect_broker(BrokerConnect::new(BrokerName::Alpaca, credentials))
        .send()
        .await
        .expect("connect broker");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    requests[0].assert_call(Method::GET, "/v1/trading/brokers");
    requests[0].assert_no_body_no_query();
    requests[1].assert_call(Method::POST, "/v1/trading/brokers");
    requests[1].assert_json_body(&json!({"broker_name": "alpaca",
        "credentials": {"api_key": "PKTEST1234567890", "api_secret": "s3cr3t-example"}}));
    assert_eq!(brokers.data[0].broker_name, BrokerName::Alpaca);
    assert_eq!(connected.mode, "paper");
}

// ---------------------------------------------------------------------------------------------------- integrations

#[tokio::test]
async fn integrations_list() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        "/v1/integrations",
        Canned::json(
            200,
            &json!([
                {"id": "int_9Gf2kL4m", "service": "github", "status": "connected",
                 "connected_at": "2025-01-12T14:05:00Z",
                 "available_tools": ["create_repository", "create_pull_request", "list_issues"]},
                {"id": "int_1Tz6pW8q", "service": "google_ads", "status": "connected",
                 "connected_at": "2025-01-15T10:23:44Z", "available_tools": []}
            ]),
        ),
    );

    let integrations = server
        .client()
        .integrations()
        .list()
        .send()
        .await
        .expect("integrations");

    let request = server.only_request();
    request.assert_call(Method::GET, "/v1/integrations");
    request.assert_no_body_no_query();
    assert_eq!(integrations[0].service, IntegrationService::Github);
    assert_eq!(integrations[0].available_tools.len(), 3);
    assert_eq!(integrations[1].service, IntegrationService::GoogleAds);
}

// ---------------------------------------------------------------------------------------------------- commerce

#[tokio::test]
async fn commerce_list_cards_and_create_card() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        "/v1/commerce/cards",
        Canned::json(
            200,
            &json!({"data": [{"id": "crd_7Lp4nX2v", "name": "Ads budget", "last4": "4242",
                              "spend_limit": 500.0, "spent": 123.45, "currency": "USD", "status": "active"}]}),
        ),
    );
    server.on(
        Method::POST,
        "/v1/commerce/cards",
        Canned::json(
            201,
            &json!({"id": "crd_0Jq8mR3t", "name": "Domain purchases", "last4": "1881", "spend_limit": 100.0,
                    "spent": 0.0, "currency": "USD", "status": "frozen", "number": "4000009990001881",
                    "cvv": "314", "exp_month": 1, "exp_year": 2028}),
        ),
    );
    let client = server.client();

    let cards = client
        .commerce()
        .list_cards()
        .send()
        .await
        .expect("list cards");
    let card = client
        .commerce()
        .create_card(CardCreate::new("Domain purchases", 100.0))
        .send()
        .await
        .expect("create card");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    requests[0].assert_call(Method::GET, "/v1/commerce/cards");
    requests[0].assert_no_body_no_query();
    requests[1].assert_call(Method::POST, "/v1/commerce/cards");
    requests[1].assert_json_body(&json!({"name": "Domain purchases", "spend_limit": 100.0}));
    assert_eq!(cards.data[0].status, CardStatus::Active);
    assert_eq!(cards.data[0].spent, 123.45);
    assert_eq!(cards.data[0].number, None);
    assert_eq!(card.status, CardStatus::Frozen);
    assert_eq!(card.number.as_deref(), Some("4000009990001881"));
    assert_eq!(card.exp_year, Some(2028));
}

// ---------------------------------------------------------------------------------------------------- skills

#[tokio::test]
async fn skills_compile_and_create() {
    let server = TestServer::start().await;
    server.on(
        Method::POST,
        "/v1/skills/compile",
        Canned::json(
            200,
            &json!({"steps": skill_steps_json(), "suggested_name": "launch-landing-page",
                    "suggested_description": "Research competitors, then build and deploy a landing page"}),
        ),
    );
    server.on(
        Method::POST,
        "/v1/skills",
        Canned::json(
            201,
            &json!({"id": "skl_5Vn1cZ8r", "name": "launch-landing-page",
                    "description": "Research competitors, then build and deploy a landing page",
                    "steps": skill_steps_json(), "published": false, "created_at": "2025-01-15T10:23:44Z"}),
        ),
    );
    let client = server.client();

    let compiled = client
        .skills()
        .compile(SkillCompileRequest::new(vec![
            TASK_ID.into(),
            "task_9Vb3sWq1Lm0Z".into(),
        ]))
        .send()
        .await
        .expect("compile skill");
    let skill = client
        .skills()
        .create(
            SkillCreate::new(
                "launch-landing-page",
                "Research competitors, then build and deploy a landing page",
                skill_steps(),
            )
            .published(false),
        )
        .send()
        .await
        .expect("create skill");
    client
        .skills()
        .create(SkillCreate::new(
            "bare",
            "no published flag",
            vec![SkillStep::new("s", "t", "d")],
        ))
        .send()
        .await
        .expect("create skill without optional fields");

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    requests[0].assert_call(Method::POST, "/v1/skills/compile");
    requests[0].assert_json_body(&json!({"task_ids": [TASK_ID, "task_9Vb3sWq1Lm0Z"]}));
    requests[1].assert_call(Method::POST, "/v1/skills");
    requests[1].assert_json_body(&json!({"name": "launch-landing-page",
        "description": "Research competitors, then build and deploy a landing page",
        "steps": skill_steps_json(), "published": false}));
    requests[2].assert_json_body(&json!({"name": "bare", "description": "no published flag",
        "steps": [{"id": "s", "tool": "t", "description": "d"}]}));
    assert_eq!(compiled.steps, skill_steps());
    assert_eq!(compiled.suggested_name, "launch-landing-page");
    assert_eq!(skill.id, "skl_5Vn1cZ8r");
    assert!(!skill.published);
}

// ---------------------------------------------------------------------------------------------------- memory

#[tokio::test]
async fn memory_list_update_delete() {
    let server = TestServer::start().await;
    let memory = json!({"id": "mem_2Kd7sP9a", "layer": "user", "key": "preferred_deploy_target",
                        "value": "netlify", "source": "task_9Vb3sWq1Lm0Z", "confidence": 0.95});
    server.on(
        Method::GET,
        "/v1/memory",
        Canned::json(
            200,
            &json!({"memories": [memory, {"id": "mem_6Rf1wE3y", "layer": "workspace", "key": "brand_colors",
                    "value": "#4B2E2B, #F5E6CA", "source": TASK_ID, "confidence": 0.8}]}),
        ),
    );
    server.on(
        Method::PUT,
        "/v1/memory/mem_2Kd7sP9a",
        Canned::json(200, &memory),
    );
    server.on(Method::DELETE, "/v1/memory/mem%3A6Rf1", Canned::empty(204));
    let client = server.client();

    let memories = client.memory().list().send().await.expect("list memory");
    let updated = client
        .memory()
        .update("mem_2Kd7sP9a", MemoryUpdate::new("netlify"))
        .send()
        .await
        .expect("update memory");
    let deleted = client
        .memory()
        .delete("mem:6Rf1")
        .send_with_response()
        .await
        .expect("delete memory");

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    requests[0].assert_call(Method::GET, "/v1/memory");
    requests[0].assert_no_body_no_query();
    requests[1].assert_call(Method::PUT, "/v1/memory/mem_2Kd7sP9a");
    requests[1].assert_json_body(&json!({"value": "netlify"}));
    requests[2].assert_call(Method::DELETE, "/v1/memory/mem%3A6Rf1");
    requests[2].assert_no_body_no_query();
    assert_eq!(memories.memories.len(), 2);
    assert_eq!(memories.memories[1].value, "#4B2E2B, #F5E6CA");
    assert_eq!(updated.value, "netlify");
    assert_eq!(deleted.status(), 204);
    assert_eq!(
        deleted.rate_limit().and_then(|r| r.remaining),
        Some(RATE_LIMIT - 3)
    );
}

// ---------------------------------------------------------------------------------------------------- webhooks

#[tokio::test]
async fn webhooks_create_list_get_delete() {
    let server = TestServer::start().await;
    let mut created = webhook();
    created["secret"] = json!("whsec_MfKQ9r8GKYqXYh8mJ5nlzEbDYrPbDpBX");
    server.on(Method::POST, "/v1/webhooks", Canned::json(201, &created));
    server.on(
        Method::GET,
        "/v1/webhooks",
        Canned::json(200, &json!([webhook()])),
    );
    server.on(
        Method::GET,
        "/v1/webhooks/whk_8Tg3mQ1s",
        Canned::json(200, &webhook()),
    );
    server.on(
        Method::DELETE,
        "/v1/webhooks/whk_8Tg3mQ1s",
        Canned::empty(204),
    );
    let client = server.client();

    let events = vec![
        EventType::TaskComplete,
        EventType::TaskFailed,
        EventType::ApprovalRequired,
    ];
    let hook = client
        .webhooks()
        .create(
            WebhookCreate::new("https://example.com/hooks/miteos", events.clone())
                .secret("whsec_MfKQ9r8GKYqXYh8mJ5nlzEbDYrPbDpBX"),
        )
        .send()
        .await
        .expect("create webhook");
    client
        .webhooks()
        .create(WebhookCreate::new(
            "https://example.com/b",
            vec![EventType::from("task.archived")],
        ))
        .send()
        .await
        .expect("create webhook without a secret");
    let hooks = client
        .webhooks()
        .list()
        .send()
        .await
        .expect("list webhooks");
    let one = client
        .webhooks()
        .get("whk_8Tg3mQ1s")
        .send()
        .await
        .expect("get webhook");
    client
        .webhooks()
        .delete("whk_8Tg3mQ1s")
        .send()
        .await
        .expect("delete webhook");

    let requests = server.requests();
    assert_eq!(requests.len(), 5);
    requests[0].assert_call(Method::POST, "/v1/webhooks");
    requests[0].assert_json_body(&json!({"url": "https://example.com/hooks/miteos",
        "events": ["task.complete", "task.failed", "approval.required"],
        "secret": "whsec_MfKQ9r8GKYqXYh8mJ5nlzEbDYrPbDpBX"}));
    requests[1]
        .assert_json_body(&json!({"url": "https://example.com/b", "events": ["task.archived"]}));
    requests[2].assert_call(Method::GET, "/v1/webhooks");
    requests[3].assert_call(Method::GET, "/v1/webhooks/whk_8Tg3mQ1s");
    requests[4].assert_call(Method::DELETE, "/v1/webhooks/whk_8Tg3mQ1s");
    for request in &requests[2..] {
        request.assert_no_body_no_query();
    }
    assert_eq!(hook.events, events);
    assert_eq!(
        hook.secret.as_deref(),
        Some("whsec_MfKQ9r8GKYqXYh8mJ5nlzEbDYrPbDpBX")
    );
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].secret, None);
    assert_eq!(one.events[2], EventType::ApprovalRequired);
}

// ---------------------------------------------------------------------------------------------------- behaviour

#[tokio::test]
async fn an_unknown_task_status_decodes_to_the_catch_all_and_serialises_back() {
    let server = TestServer::start().await;
    let mut archived = task_running();
    archived["status"] = json!("archived");
    archived["agents"][0]["type"] = json!("designer");
    server.on(
        Method::GET,
        "/v1/tasks/task_2x8KqLmN4pR7",
        Canned::json(200, &archived),
    );

    let task = server
        .client()
        .tasks()
        .get(TASK_ID)
        .send()
        .await
        .expect("get task");

    assert_eq!(task.status, TaskStatus::Unknown("archived".to_owned()));
    assert_eq!(task.status.as_str(), "archived");
    let agents = task.agents.as_ref().expect("agents");
    assert_eq!(agents[0].r#type, AgentType::Unknown("designer".to_owned()));
    let back = serde_json::to_value(&task).expect("serialise");
    assert_eq!(back["status"], json!("archived"));
    assert_eq!(back["agents"][0]["type"], json!("designer"));
    let again: TaskResponse = serde_json::from_value(back).expect("decode again");
    assert_eq!(again, task);
}

#[tokio::test]
async fn a_client_sends_its_default_headers_and_per_call_headers_override_them() {
    let server = TestServer::start().await;
    server.on(Method::GET, "/v1/billing", Canned::json(200, &json!({
        "plan": "enterprise", "billing_period_start": "2025-01-01", "billing_period_end": "2025-01-31",
        "tasks_used": 0, "tasks_limit": 0, "agents_minutes": 0.0, "credits_remaining": 0.0})));
    let client = server
        .client_builder()
        .default_header("X-Workspace", "ws_default")
        .build()
        .expect("client");

    let billing = client.billing().get().send().await.expect("billing");
    client
        .billing()
        .get()
        .extra_header("x-workspace", "ws_override")
        .send()
        .await
        .expect("billing with an override");

    let requests = server.requests();
    assert_eq!(requests[0].header("x-workspace"), Some("ws_default"));
    let overridden: Vec<_> = requests[1].headers.get_all("x-workspace").iter().collect();
    assert_eq!(overridden, [http::HeaderValue::from_static("ws_override")]);
    assert_eq!(billing.plan, BillingPlan::Enterprise);
    assert_eq!(
        requests[1].header("authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
}

#[tokio::test]
async fn empty_and_dot_segment_ids_fail_before_anything_is_sent() {
    // `/v1/tasks/..` would be normalised to `/v1/` by the URL parser (`%2E%2E` too): another endpoint.
    let server = TestServer::start().await;
    let client = server.client();
    for id in ["", ".", ".."] {
        let errors = [
            client.tasks().get(id).send().await.map(drop),
            client.tasks().cancel(id).send().await.map(drop),
            client
                .tasks()
                .download_deliverable(TASK_ID, id)
                .send()
                .await
                .map(drop),
            client.webhooks().delete(id).send().await,
            client
                .agents()
                .approve(AGENT_ID, id, ApprovalRequest::new(true))
                .send()
                .await
                .map(drop),
        ];
        for result in errors {
            let err = result.expect_err("an empty or dot-segment id");
            assert!(
                matches!(err, miteos::Error::Build { .. }),
                "{id:?}: {err:?}"
            );
        }
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_run_concurrently_on_spawned_tasks() {
    let server = TestServer::start().await;
    for i in 0..40 {
        let mut task = task_running();
        task["id"] = json!(format!("task_{i}"));
        server.on(
            Method::GET,
            &format!("/v1/tasks/task_{i}"),
            Canned::json(200, &task),
        );
    }
    server.on(
        Method::GET,
        "/v1/deployments",
        Canned::json(
            200,
            &json!({"deployments": [deployment_live()], "total": 1}),
        ),
    );
    let client = server.client();

    let mut handles = Vec::new();
    for i in 0..40 {
        let client = client.clone();
        handles.push(tokio::spawn(async move {
            client.tasks().get(format!("task_{i}")).send().await
        }));
    }
    let stream_client = client.clone();
    let pages = tokio::spawn(async move {
        futures_util::StreamExt::count(stream_client.deployments().list().limit(10).into_stream())
            .await
    });
    for (i, handle) in handles.into_iter().enumerate() {
        let task = handle.await.expect("joined").expect("task");
        assert_eq!(task.id, format!("task_{i}"));
    }
    assert_eq!(pages.await.expect("joined"), 1);

    let mut paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    paths.sort();
    let mut expected: Vec<String> = (0..40).map(|i| format!("/v1/tasks/task_{i}")).collect();
    expected.push("/v1/deployments".to_owned());
    expected.sort();
    assert_eq!(paths, expected, "every call sent exactly once");
}

#[tokio::test]
async fn a_post_without_a_body_declares_content_length_zero() {
    let server = TestServer::start().await;
    server.on(
        Method::POST,
        "/v1/agents/agnt_1/pause",
        Canned::json(
            200,
            &json!({"id": "agnt_1", "task_id": "task_1", "type": "builder", "status": "paused", "current_tool": null, "progress": 45}),
        ),
    );
    server.on(
        Method::POST,
        "/v1/tasks/task_1/cancel",
        Canned::json(
            200,
            &json!({"id": "task_1", "prompt": "p", "status": "cancelled", "created_at": "2025-01-15T10:23:44Z"}),
        ),
    );
    let client = server.client();
    client.agents().pause("agnt_1").send().await.expect("pause");
    client
        .tasks()
        .cancel("task_1")
        .send()
        .await
        .expect("cancel");
    for r in server.requests() {
        assert_eq!(
            r.header("content-length"),
            Some("0"),
            "{} {} without Content-Length",
            r.method,
            r.path
        );
    }
}

#[test]
fn an_unknown_event_type_decodes_into_event_unknown() {
    let raw = json!({"id": "evt_09", "type": "task.archived", "created_at": "2025-01-15T11:00:00Z", "data": {"task_id": "task_1"}});
    let event: miteos::types::Event = serde_json::from_value(raw.clone()).expect("decode");
    assert!(
        matches!(&event, miteos::types::Event::Unknown(value) if *value == raw),
        "{event:?}"
    );
    assert_eq!(serde_json::to_value(&event).unwrap(), raw);
}

#[test]
fn write_only_secrets_never_show_in_debug() {
    let mut credentials = std::collections::BTreeMap::new();
    credentials.insert("api_secret".to_owned(), "s3cr3t-broker-value".to_owned());
    let body = miteos::types::BrokerConnect::new(miteos::types::BrokerName::Alpaca, credentials);
    let shown = format!("{body:?}");
    assert!(!shown.contains("s3cr3t-broker-value"), "{shown}");
    assert!(
        shown.contains("<redacted>") && shown.contains("Alpaca"),
        "{shown}"
    );
    let hook = miteos::types::WebhookCreate::new("https://example.com/hook", vec![])
        .secret("whsec_c2VjcmV0LXNpZ25pbmcta2V5");
    let shown = format!("{hook:?}");
    assert!(!shown.contains("whsec_c2VjcmV0"), "{shown}");
}
