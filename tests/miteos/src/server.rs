//! The Miteos side of the shared recording test server (`sdkgen-test-server`): the test API key, clients
//! built for a server, the rate-limit headers the API sends, and the asserts every authenticated call shares.
//!
//! [`TestServer::start`] answers every request with the [`Canned`] response set for its method and path (404
//! with a FastAPI-style `detail` when there is none) and records it ([`Recorded`]). Every answer carries
//! `X-RateLimit-Limit` / `X-RateLimit-Remaining` unless the canned response sets them itself.

use std::ops::Deref;
use std::time::Duration;

use http::Method;
pub use sdkgen_test_server::{BASE_PATH, Canned, Recorded, parse_query};

/// The API key every test client uses; tests check it never shows in `Debug`/`Display` output.
pub const API_KEY: &str = "mt_test_4eC39HqLyjWDarjtT1zdp7dcQ";

/// `X-RateLimit-Limit` the server sends; `X-RateLimit-Remaining` counts down from it, one per request.
pub const RATE_LIMIT: u64 = 1000;

/// The shared recording server, sending the API's rate-limit headers; stops when dropped.
pub struct TestServer(sdkgen_test_server::TestServer);

impl Deref for TestServer {
    type Target = sdkgen_test_server::TestServer;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl TestServer {
    /// Binds `127.0.0.1:0` and starts serving on the current Tokio runtime.
    pub async fn start() -> TestServer {
        TestServer::miteos(sdkgen_test_server::TestServer::start().await)
    }

    /// Serves on a listener bound beforehand (to know the URL before a runtime exists).
    pub async fn start_on(listener: std::net::TcpListener) -> TestServer {
        TestServer::miteos(sdkgen_test_server::TestServer::start_on(listener).await)
    }

    fn miteos(server: sdkgen_test_server::TestServer) -> TestServer {
        server.send_rate_limit(RATE_LIMIT);
        TestServer(server)
    }

    /// A client for this server with the test API key.
    pub fn client(&self) -> miteos::Client {
        self.client_builder().build().expect("client")
    }

    /// A builder for a client of this server with the test API key and short retry backoff.
    pub fn client_builder(&self) -> miteos::ClientBuilder {
        miteos::Client::builder()
            .api_key(API_KEY)
            .base_url(self.base_url())
            .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
    }
}

/// The asserts every authenticated call of the SDK shares.
pub trait AssertCall {
    /// Asserts method, raw path, `Authorization` and `User-Agent`.
    #[track_caller]
    fn assert_call(&self, method: Method, path: &str);
}

impl AssertCall for Recorded {
    #[track_caller]
    fn assert_call(&self, method: Method, path: &str) {
        assert_eq!(self.method, method, "method of {}", self.path);
        assert_eq!(self.path, path, "path");
        let bearer = format!("Bearer {API_KEY}");
        assert_eq!(self.header("authorization"), Some(bearer.as_str()));
        let agent = self.header("user-agent").unwrap_or_default();
        assert!(
            agent.starts_with("miteos-rust/"),
            "user-agent {agent:?} should start with miteos-rust/"
        );
    }
}
