//! Waiters poll on loopback until the status is final, and give up at their deadline with a typed
//! error.

use std::time::{Duration, Instant};

use http::Method;
use miteos::Error;
use miteos::types::{DeploymentStatus, TaskStatus};
use miteos_tests::server::{Canned, TestServer};
use serde_json::json;

const TASK_ID: &str = "task_2x8KqLmN4pR7";

fn task(status: &str) -> Canned {
    Canned::json(
        200,
        &json!({"id": TASK_ID, "prompt": "p", "status": status,
                "created_at": "2025-01-15T10:23:44Z", "workspace_id": "ws_4fT9aQ2c",
                "total_tokens_used": 0, "total_cost_cents": 0}),
    )
}

#[test]
fn terminal_statuses_are_the_configured_ones() {
    for status in [
        TaskStatus::Complete,
        TaskStatus::Completed,
        TaskStatus::Failed,
        TaskStatus::Cancelled,
    ] {
        assert!(status.is_terminal(), "{status:?}");
    }
    for status in [TaskStatus::Pending, TaskStatus::Running, TaskStatus::Paused] {
        assert!(!status.is_terminal(), "{status:?}");
    }
    assert!(
        !TaskStatus::from("archived").is_terminal(),
        "unknown values are not final"
    );
    assert!(DeploymentStatus::Live.is_terminal() && !DeploymentStatus::Building.is_terminal());
}

#[tokio::test]
async fn wait_until_done_polls_until_the_task_is_final() {
    let server = TestServer::start().await;
    let path = format!("/v1/tasks/{TASK_ID}");
    server.on_sequence(
        Method::GET,
        &path,
        vec![
            task("pending"),
            task("running"),
            task("running"),
            task("completed"),
        ],
    );

    let started = Instant::now();
    let done = server
        .client()
        .tasks()
        .wait_until_done(TASK_ID)
        .poll_interval(Duration::from_millis(20))
        .deadline(Duration::from_secs(10))
        .send()
        .await
        .expect("the task finishes");
    assert_eq!(done.status, TaskStatus::Completed);
    let requests = server.requests();
    assert_eq!(requests.len(), 4, "polled until completed, then stopped");
    assert!(requests.iter().all(|r| r.path == path));
    // Pauses of 20, 30 and 45 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(95),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_deadline_ends_the_wait_with_a_typed_error() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        &format!("/v1/tasks/{TASK_ID}"),
        task("running"),
    );

    let err = server
        .client()
        .tasks()
        .wait_until_done(TASK_ID)
        .poll_interval(Duration::from_millis(10))
        .max_poll_interval(Duration::from_millis(10))
        .deadline(Duration::from_millis(100))
        .send()
        .await
        .expect_err("never final");
    let Error::WaitTimeout {
        path,
        waited,
        attempts,
        ..
    } = &err
    else {
        panic!("expected WaitTimeout: {err:?}");
    };
    assert_eq!(*path, "/tasks/{task_id}");
    assert_eq!(*waited, Duration::from_millis(100));
    assert_eq!(*attempts as usize, server.requests().len());
    assert!(*attempts >= 2, "{attempts}");
    assert!(
        err.to_string().contains("still not done after 100 ms"),
        "{err}"
    );
}

#[tokio::test]
async fn an_error_of_a_poll_ends_the_wait() {
    let server = TestServer::start().await;
    server.on(
        Method::GET,
        &format!("/v1/tasks/{TASK_ID}"),
        Canned::json(404, &json!({"detail": "Task not found"})),
    );

    let err = server
        .client()
        .tasks()
        .wait_until_done(TASK_ID)
        .send()
        .await
        .expect_err("not found");
    assert_eq!(err.status(), Some(404));
    assert_eq!(server.requests().len(), 1);
}
