//! The API key never shows: not in captured `tracing` output (spans and events at TRACE level, including
//! retries and transport errors), nor in `Debug`/`Display` of builders, clients, options, requests and errors.
//! One test in its own process, so that no other test's threads share the `tracing` callsites.

mod http_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use http::Method;
use http_support::*;
use sdkgen_runtime::{AuthScheme, ClientBuilder, ClientDefaults, RequestOptions};
use serde_json::Value;

static HEADER_KEY: ClientDefaults = ClientDefaults {
    auth: &[AuthScheme::ApiKeyHeader("X-API-Key")],
    ..DEFAULTS
};
static QUERY_KEY: ClientDefaults = ClientDefaults {
    auth: &[AuthScheme::Basic, AuthScheme::ApiKeyQuery("api_key")],
    ..DEFAULTS
};
static COOKIE_KEY: ClientDefaults = ClientDefaults {
    auth: &[AuthScheme::ApiKeyCookie("session")],
    ..DEFAULTS
};

/// A `tracing` writer that collects everything logged.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_key_never_appears_in_logs_debug_or_errors() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut shown = Vec::new();
    runtime.block_on(async {
        let server = serve(|r| {
            if r.path.ends_with("/fail") {
                Canned::raw(500, &[("x-request-id", "rid")], r#"{"detail":"boom"}"#)
            } else if r.path.ends_with("/denied") {
                Canned::json_text(401, r#"{"detail":"bad key"}"#)
            } else {
                Canned::json_text(200, r#"{"ok":true}"#)
            }
        })
        .await;
        for defaults in [&DEFAULTS, &QUERY_KEY, &HEADER_KEY, &COOKIE_KEY] {
            let builder = ClientBuilder::new(defaults)
                .base_url(server.base_url())
                .api_key(KEY)
                .retry_backoff(
                    std::time::Duration::from_millis(1),
                    std::time::Duration::from_millis(2),
                );
            shown.push(format!("{builder:?}"));
            let client = builder.build().unwrap();
            shown.push(format!("{client:?}"));
            client
                .request(Method::GET, "/ok")
                .send_json::<Value>()
                .await
                .unwrap();
            let mut options = RequestOptions::default();
            options.insert_header("Authorization", &format!("Bearer {KEY}"));
            shown.push(format!("{options:?}"));
            let mut request = client.request(Method::GET, "/fail");
            request.options(options);
            shown.push(format!("{request:?}"));
            let err = request.send_json::<Value>().await.unwrap_err();
            shown.push(format!("{err}"));
            shown.push(format!("{err:?}"));
            let err = client
                .request(Method::POST, "/denied")
                .send_empty()
                .await
                .unwrap_err();
            shown.push(format!("{err}"));
            shown.push(format!("{err:?}"));
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = ClientBuilder::new(&QUERY_KEY)
            .base_url(format!("http://127.0.0.1:{port}"))
            .api_key(KEY)
            .max_retries(0)
            .build()
            .unwrap();
        let err = client
            .request(Method::GET, "/unreachable")
            .send_empty()
            .await
            .unwrap_err();
        shown.push(format!("{err}"));
        shown.push(format!("{err:?}"));
        let mut source: Option<&dyn std::error::Error> = std::error::Error::source(&err);
        while let Some(s) = source {
            shown.push(s.to_string());
            source = s.source();
        }
    });
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("http_request") && logs.contains("attempt") && logs.contains("/fail"),
        "{logs}"
    );
    assert!(logs.contains("retrying"), "{logs}");
    assert!(!logs.contains(KEY), "key in logs:\n{logs}");
    for text in &shown {
        assert!(!text.contains(KEY), "key shown: {text}");
        assert!(!text.contains("SECRET"), "key shown: {text}");
    }
    assert!(
        shown
            .iter()
            .any(|s| s.contains("401 Unauthorized: bad key")),
        "{shown:#?}"
    );
}
