//! Load: 2,000 concurrent requests through one `Client` to a loopback server. All succeed, connections are
//! reused (far fewer than 2,000), and memory stays bounded.

use std::time::Instant;

use crate::http_support::*;
use http::Method;
use serde_json::Value;

const REQUESTS: usize = 2000;

/// Resident set size of this process in bytes, from /proc/self/statm.
fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

async fn burst(client: &sdkgen_runtime::Client) {
    let tasks: Vec<_> = (0..REQUESTS)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut request = client.request(Method::GET, "/tasks/{task_id}");
                request.path_param("task_id", &i);
                request.send_json::<Value>().await
            })
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        let value = task.await.unwrap().unwrap().into_inner();
        assert_eq!(value["id"], format!("/v1/tasks/{i}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_concurrent_requests_share_connections() {
    let rss_start = rss_bytes();
    let server = serve(|r| {
        let body = serde_json::json!({"id": r.path, "payload": "x".repeat(512)});
        Canned::json_text(200, body.to_string())
    })
    .await;
    let client = server.client().build().unwrap();

    let started = Instant::now();
    burst(&client).await;
    let first = started.elapsed();
    let rss_after_first = rss_bytes();
    let connections_first = server.connection_count();

    burst(&client).await;
    let rss_after_second = rss_bytes();

    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    eprintln!(
        "load: {REQUESTS} requests in {first:?}; connections after burst 1: {connections_first}, after burst 2: {}; \
         RSS start {:.1} MiB, after burst 1 {:.1} MiB, after burst 2 {:.1} MiB",
        server.connection_count(),
        mib(rss_start),
        mib(rss_after_first),
        mib(rss_after_second),
    );
    assert_eq!(server.request_count(), 2 * REQUESTS);
    assert!(
        connections_first <= 200,
        "{connections_first} connections for {REQUESTS} requests"
    );
    assert!(
        rss_after_first.saturating_sub(rss_start) < 200 << 20,
        "RSS grew by {:.1} MiB",
        mib(rss_after_first - rss_start)
    );
    assert!(
        rss_after_second.saturating_sub(rss_after_first) < 64 << 20,
        "a second burst grew RSS by {:.1} MiB",
        mib(rss_after_second - rss_after_first)
    );
}
