//! `Client::from_env()` of the generated `miteos` crate: `MITEOS_API_KEY` and `MITEOS_BASE_URL` read from the
//! environment, the error when the key is missing, and a request with the resulting client to a loopback server.
//!
//! Changing the environment is `unsafe` in edition 2024 because another thread may read it at the same time
//! (C code such as `getaddrinfo` reads it without Rust's lock). It is sound here: this file is a test binary of
//! its own with this one test, so no other test runs beside it; the test is a plain `#[test]` that changes the
//! environment only before it starts the Tokio runtime (the listener is bound with std first, so no thread
//! exists yet but the test harness's main thread, which only waits for the test to finish).

use http::Method;
use miteos::{Client, Error};
use miteos_tests::server::{API_KEY, AssertCall, Canned, TestServer};
use serde_json::json;

#[test]
fn from_env_reads_key_and_base_url_and_requires_the_key() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let base_url = format!("http://{}/v1", listener.local_addr().expect("address"));

    // SAFETY: no other thread exists that could read the environment (see the module docs).
    unsafe {
        std::env::remove_var("MITEOS_API_KEY");
        std::env::remove_var("MITEOS_BASE_URL");
    }
    let err = Client::from_env().expect_err("no key");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("MITEOS_API_KEY"), "{err}");

    // SAFETY: as above.
    unsafe { std::env::set_var("MITEOS_API_KEY", "   ") };
    let err = Client::from_env().expect_err("a blank key");
    assert!(err.to_string().contains("MITEOS_API_KEY"), "{err}");

    // SAFETY: as above.
    unsafe { std::env::set_var("MITEOS_API_KEY", format!(" {API_KEY}\n")) };
    let default_url = Client::from_env().expect("a key and no base URL");
    assert_eq!(default_url.base_url(), "https://api.miteos.com/v1");

    // SAFETY: as above.
    unsafe { std::env::set_var("MITEOS_BASE_URL", format!("{base_url}/")) };
    let from_env = Client::from_env().expect("key and base URL from the environment");
    assert_eq!(from_env.base_url(), base_url);
    let debug = format!("{from_env:?}");
    assert!(!debug.contains(API_KEY), "{debug}");
    let builder_first = Client::builder()
        .api_key("mt_test_from_the_builder")
        .from_env()
        .expect("the builder's key stays")
        .build()
        .expect("client");

    // From here on the environment is only read, and threads may start.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let server = TestServer::start_on(listener).await;
        server.on(
            Method::GET,
            "/v1/billing",
            Canned::json(
                200,
                &json!({"plan": "power", "billing_period_start": "2025-01-01",
                        "billing_period_end": "2025-01-31", "tasks_used": 3, "tasks_limit": 2000,
                        "agents_minutes": 12.25, "credits_remaining": 90.5}),
            ),
        );

        let billing = from_env.billing().get().send().await.expect("billing");
        assert_eq!(billing.plan, miteos::types::BillingPlan::Power);
        builder_first
            .billing()
            .get()
            .send()
            .await
            .expect("billing with the builder's key");

        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        requests[0].assert_call(Method::GET, "/v1/billing");
        assert_eq!(
            requests[1].header("authorization"),
            Some("Bearer mt_test_from_the_builder")
        );
    });
}
