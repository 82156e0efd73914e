//! The runtime tests' side of the shared loopback servers (`sdkgen-test-server`): the client defaults and
//! key the tests use, and a client builder for a server.

#![allow(dead_code, unused_imports)] // each test binary uses a different part

use sdkgen_runtime::{AuthScheme, ClientBuilder, ClientDefaults};
pub use sdkgen_test_server::raw::{
    RawServer, head_header, raw_serve, read_request, reset, write_ok,
};
pub use sdkgen_test_server::{Canned, Recorded, TestServer, serve};

pub static DEFAULTS: ClientDefaults = ClientDefaults {
    base_url: "http://127.0.0.1:9/v1",
    user_agent: "sdk-runtime-tests/0.1",
    api_key_env: Some("SDK_RUNTIME_TEST_API_KEY"),
    base_url_env: Some("SDK_RUNTIME_TEST_BASE_URL"),
    auth: &[AuthScheme::Bearer],
};

pub const KEY: &str = "sk-test-SECRET-9f8e7d6c5b4a";

/// A client builder for `url` with the test key and tiny backoff.
pub fn client_for(url: &str) -> ClientBuilder {
    ClientBuilder::new(&DEFAULTS)
        .base_url(url)
        .api_key(KEY)
        .retry_backoff(
            std::time::Duration::from_millis(10),
            std::time::Duration::from_millis(40),
        )
}

/// A client for a test server.
pub trait ServerClient {
    /// A client builder for this server's base URL with the test key and tiny backoff.
    fn client(&self) -> ClientBuilder;
}

impl ServerClient for TestServer {
    fn client(&self) -> ClientBuilder {
        client_for(&self.base_url())
    }
}
