//! Resource ids are types of their own: they decode from the id text, go into paths as that text,
//! and are made from `&str`, `String` or a borrowed id.

use http::Method;
use miteos::types::{AgentId, TaskId};
use miteos_tests::server::{Canned, TestServer};
use serde_json::json;

const TASK_ID: &str = "task_2x8KqLmN4pR7";

fn task() -> serde_json::Value {
    json!({"id": TASK_ID, "prompt": "p", "status": "running", "created_at": "2025-01-15T10:23:44Z",
           "workspace_id": "ws_4fT9aQ2c", "total_tokens_used": 0, "total_cost_cents": 0})
}

#[tokio::test]
async fn an_id_from_a_response_is_the_argument_of_the_next_call() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        &format!("/v1/tasks/{TASK_ID}"),
        Canned::json(200, &task()),
    );
    server.on(
        Method::POST,
        &format!("/v1/tasks/{TASK_ID}/cancel"),
        Canned::json(200, &task()),
    );
    let client = server.client();

    let task = client
        .tasks()
        .get(TASK_ID)
        .send()
        .await
        .expect("get by text");
    assert_eq!(task.id, TASK_ID);
    assert_eq!(task.id.as_str(), TASK_ID);
    assert_eq!(task.id.to_string(), TASK_ID);
    assert_eq!(task.workspace_id.as_deref(), Some("ws_4fT9aQ2c"));

    client
        .tasks()
        .cancel(&task.id)
        .send()
        .await
        .expect("cancel by a borrowed id");
    client
        .tasks()
        .get(task.id.clone())
        .send()
        .await
        .expect("get by an owned id");
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            format!("/v1/tasks/{TASK_ID}"),
            format!("/v1/tasks/{TASK_ID}/cancel"),
            format!("/v1/tasks/{TASK_ID}"),
        ]
    );
}

#[test]
fn ids_convert_only_from_text_and_serialize_as_it() {
    let id = TaskId::from(TASK_ID.to_owned());
    assert_eq!(serde_json::to_value(&id).unwrap(), json!(TASK_ID));
    let back: TaskId = serde_json::from_value(json!(TASK_ID)).unwrap();
    assert_eq!(back, id);
    assert_eq!(String::from(back), TASK_ID);
    let agent = AgentId::from("agnt_1");
    let as_ref: &str = agent.as_ref();
    assert_eq!(as_ref, "agnt_1");
    let mut sorted = vec![TaskId::from("task_b"), TaskId::from("task_a")];
    sorted.sort();
    assert_eq!(sorted, [TaskId::from("task_a"), TaskId::from("task_b")]);
}
