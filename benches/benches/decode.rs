//! Decoding speed of a generated model beside the same struct with a derived `Deserialize`.
//!
//! Run: `cargo bench -p sdk-benches --bench decode` (`BENCH_DECODES=2000 BENCH_ROUNDS=30` are the defaults:
//! decodes per row in one round, and rounds).
//!
//! Generated models decode through `runtime::de` (a `Model` impl per struct: its wire field names and a
//! `from_map` with one arm per field; key matching, unknown keys and errors are shared runtime code). The
//! baseline is a copy of the same structs, field for field with the same field types, that derives
//! `Deserialize` as serde writes it. Both decode the same bytes with `serde_json::from_slice`: the body of
//! `GET /tasks/{id}` (a task with its config, three subtasks and three agents), and the same body with an
//! unknown key in every object (what a newer server sends). Rows run interleaved in short rounds, the
//! ratio is taken within each round and the table shows medians, so other load on the machine cancels.

use std::hint::black_box;
use std::time::Instant;

use miteos::types::{
    AgentId, AgentStatus, AgentType, DeployTarget, SubtaskId, TaskId, TaskResponse, TaskStatus,
    WorkspaceId,
};
use sdk_benches::{AllocCount, env_usize, median};
use serde::Deserialize;

#[global_allocator]
static ALLOC: sdk_benches::CountingAlloc = sdk_benches::CountingAlloc;

/// `TaskResponse` with a derived `Deserialize`: the same fields, the same field types.
#[derive(Deserialize)]
#[allow(dead_code)]
struct DerivedTask {
    id: TaskId,
    prompt: String,
    status: TaskStatus,
    created_at: miteos::Timestamp,
    #[serde(default)]
    config: Option<DerivedConfig>,
    #[serde(default)]
    workspace_id: Option<WorkspaceId>,
    #[serde(default)]
    total_tokens_used: Option<i64>,
    #[serde(default)]
    total_cost_cents: Option<i64>,
    #[serde(default)]
    completed_at: Option<miteos::Timestamp>,
    #[serde(default)]
    subtasks: Option<Vec<DerivedSubtask>>,
    #[serde(default)]
    agents: Option<Vec<DerivedAgent>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct DerivedConfig {
    #[serde(default)]
    max_agents: Option<i64>,
    #[serde(default)]
    autonomy_level: Option<i64>,
    #[serde(default)]
    auto_deploy: Option<bool>,
    #[serde(default)]
    deploy_target: Option<DeployTarget>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct DerivedSubtask {
    id: SubtaskId,
    agent_type: AgentType,
    prompt: String,
    status: TaskStatus,
    #[serde(default)]
    tokens_used: Option<i64>,
    #[serde(default)]
    model_used: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct DerivedAgent {
    id: AgentId,
    task_id: TaskId,
    r#type: AgentType,
    status: AgentStatus,
    #[serde(default)]
    current_tool: Option<String>,
    progress: i64,
}

/// The task of `GET /tasks/{id}`; with `unknown`, every object also carries a key no model names.
fn task_json(unknown: bool) -> Vec<u8> {
    let extra = |mut value: serde_json::Value| {
        if unknown {
            value["added_later"] =
                serde_json::json!({ "note": "a field of a newer API version", "n": [1, 2] });
        }
        value
    };
    let subtask = |n: u32, agent: &str, status: &str| {
        extra(serde_json::json!({
            "id": format!("sub_{n}f3a9c2e"),
            "agent_type": agent,
            "prompt": format!("Step {n} of the plan: {agent} work for the landing page"),
            "status": status,
            "tokens_used": 1200 * n,
            "model_used": "claude-sonnet-4",
        }))
    };
    let agent = |n: u32, kind: &str, status: &str, tool: Option<&str>| {
        extra(serde_json::json!({
            "id": format!("agnt_{n}7d2b41c"),
            "task_id": "task_8c1f2e7a9b3d",
            "type": kind,
            "status": status,
            "current_tool": tool,
            "progress": 20 * n,
        }))
    };
    let task = extra(serde_json::json!({
        "id": "task_8c1f2e7a9b3d",
        "prompt": "Build a landing page for a coffee subscription and deploy it to Vercel",
        "status": "running",
        "created_at": "2025-01-15T10:23:44Z",
        "config": extra(serde_json::json!({
            "max_agents": 4,
            "autonomy_level": 60,
            "auto_deploy": true,
            "deploy_target": "vercel",
        })),
        "workspace_id": "ws_51c0d9a2",
        "total_tokens_used": 48213,
        "total_cost_cents": 37,
        "completed_at": null,
        "subtasks": [
            subtask(1, "researcher", "complete"),
            subtask(2, "builder", "running"),
            subtask(3, "deployer", "pending"),
        ],
        "agents": [
            agent(1, "researcher", "complete", None),
            agent(2, "builder", "running", Some("write_file")),
            agent(3, "deployer", "idle", None),
        ],
    }));
    serde_json::to_vec(&task).expect("a JSON value serializes")
}

/// Decodes `body` `n` times into `T`; the time per decode in nanoseconds, and the allocations per decode.
fn time<T: for<'de> Deserialize<'de>>(body: &[u8], n: usize) -> (f64, f64) {
    let allocs = AllocCount::now();
    let started = Instant::now();
    for _ in 0..n {
        let value: T = serde_json::from_slice(black_box(body)).expect("the body decodes");
        black_box(value);
    }
    let elapsed = started.elapsed();
    let allocs = AllocCount::since(allocs);
    (
        elapsed.as_secs_f64() * 1e9 / n as f64,
        allocs.allocations as f64 / n as f64,
    )
}

fn main() {
    sdk_benches::count_this_thread();
    let decodes = env_usize("BENCH_DECODES", 2000);
    let rounds = env_usize("BENCH_ROUNDS", 30);
    println!(
        "decode: serde_json::from_slice of one body, generated model vs the same structs deriving Deserialize; \
         {rounds} rounds of {decodes} decodes per row, interleaved; medians over rounds"
    );
    println!(
        "{:<44} {:>8} {:>10} {:>12} {:>8}",
        "body", "bytes", "model ns", "derived ns", "ratio"
    );
    for (label, unknown) in [
        ("GET /tasks/{id}", false),
        ("the same, an unknown key in every object", true),
    ] {
        let body = task_json(unknown);
        // Both decode the body, and agree on it, before anything is timed.
        let model: TaskResponse = serde_json::from_slice(&body).expect("the model decodes");
        let derived: DerivedTask = serde_json::from_slice(&body).expect("the copy decodes");
        assert_eq!(model.id, derived.id);
        assert_eq!(
            model.agents.map(|a| a.len()),
            derived.agents.map(|a| a.len())
        );
        let _ = time::<TaskResponse>(&body, decodes / 10 + 1);
        let _ = time::<DerivedTask>(&body, decodes / 10 + 1);
        let (mut model_ns, mut derived_ns, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        let (mut model_allocs, mut derived_allocs) = (0.0, 0.0);
        for round in 0..rounds {
            // Alternate which row runs first, so neither always follows the other.
            let (m, d) = if round % 2 == 0 {
                let m = time::<TaskResponse>(&body, decodes);
                (m, time::<DerivedTask>(&body, decodes))
            } else {
                let d = time::<DerivedTask>(&body, decodes);
                (time::<TaskResponse>(&body, decodes), d)
            };
            model_ns.push(m.0);
            derived_ns.push(d.0);
            ratios.push(m.0 / d.0);
            (model_allocs, derived_allocs) = (m.1, d.1);
        }
        println!(
            "{:<44} {:>8} {:>10.0} {:>12.0} {:>7.2}x",
            label,
            body.len(),
            median(&model_ns),
            median(&derived_ns),
            median(&ratios)
        );
        println!(
            "{:<44} {:>8} {:>10.1} {:>12.1}",
            "  allocations per decode", "", model_allocs, derived_allocs
        );
    }
    println!(
        "ratio: the generated model's time per decode over the derived copy's (below 1: faster)"
    );
}
