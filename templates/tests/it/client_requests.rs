//! What the client puts on the wire: path and query serialisation, headers, bodies, credentials; errors found
//! while building a request; and that the API key never shows in logs, `Debug` or `Display`.

use std::collections::BTreeMap;

use crate::http_support::*;
use http::Method;
use sdkgen_runtime::{
    AuthScheme, ClientBuilder, ClientDefaults, Error, QueryStyle, RequestOptions,
};
use serde_json::{Value, json};

fn decoded_query(target: &str) -> Vec<(String, String)> {
    let url = reqwest::Url::parse(&format!("http://x{target}")).unwrap();
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

async fn echo() -> TestServer {
    serve(|_| Canned::json_text(200, "{}")).await
}

#[derive(serde::Serialize)]
struct Filter {
    a: u32,
    b: &'static str,
}

#[tokio::test]
async fn path_and_query_on_the_wire() {
    let server = echo().await;
    let client = server.client().build().unwrap();
    let mut request = client.request(Method::GET, "/projects/{project}/tasks/{task_id}");
    request
        .path_param("project", "a/b c")
        .path_param("task_id", &42u64)
        .query("limit", &Some(10))
        .query("after", &None::<String>)
        .query("flag", &true)
        .query("q", "x&y=z ü")
        .query("ids", &[1, 2])
        .query_styled(
            "tags",
            &["red", "blue"],
            QueryStyle::Form { explode: false },
        )
        .query_styled("space", &["a", "b"], QueryStyle::SpaceDelimited)
        .query_styled("pipe", &["a", "b"], QueryStyle::PipeDelimited)
        .query_styled("filter", &Filter { a: 1, b: "two" }, QueryStyle::DeepObject)
        .query("unit", &());
    request.send_empty().await.unwrap();
    let seen = &server.requests()[0];
    assert_eq!(seen.path, "/v1/projects/a%2Fb%20c/tasks/42");
    assert_eq!(
        decoded_query(&seen.target()),
        pairs(&[
            ("limit", "10"),
            ("flag", "true"),
            ("q", "x&y=z ü"),
            ("ids", "1"),
            ("ids", "2"),
            ("tags", "red,blue"),
            ("space", "a b"),
            ("pipe", "a|b"),
            ("filter[a]", "1"),
            ("filter[b]", "two"),
        ])
    );
}

#[tokio::test]
async fn form_explode_object_query_and_bodies() {
    let server = echo().await;
    let client = server.client().build().unwrap();

    let mut request = client.request(Method::POST, "/search");
    request
        .query("filter", &Filter { a: 7, b: "x" })
        .json(&json!({"name": "n", "tags": ["a"]}));
    request.send_empty().await.unwrap();

    let mut request = client.request(Method::POST, "/form");
    let mut form = BTreeMap::new();
    form.insert("grant_type", json!("password"));
    form.insert("scope", json!(["a b", "c"]));
    form.insert("skip", Value::Null);
    request.form(&form);
    request.send_empty().await.unwrap();

    let mut request = client.request(Method::PUT, "/blob");
    request.bytes(vec![1u8, 2, 3], "application/octet-stream");
    request.send_empty().await.unwrap();

    let mut request = client.request(Method::POST, "/note");
    request.text("hello");
    request.send_empty().await.unwrap();

    let mut request = client.request(Method::POST, "/upload");
    let mut form = sdkgen_runtime::multipart::Multipart::new();
    form.value("purpose", "test");
    form.file(
        "file",
        sdkgen_runtime::multipart::FilePart::new("a.txt", &b"abc"[..]),
    );
    request.multipart(form);
    request.send_empty().await.unwrap();

    let seen = server.requests();
    assert_eq!(
        decoded_query(&seen[0].target()),
        pairs(&[("a", "7"), ("b", "x")])
    );
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    assert_eq!(
        serde_json::from_slice::<Value>(&seen[0].body).unwrap(),
        json!({"name": "n", "tags": ["a"]})
    );
    assert_eq!(
        seen[1].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(&seen[1].body[..], b"grant_type=password&scope=a+b&scope=c");
    assert_eq!(
        seen[2].header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(&seen[2].body[..], &[1, 2, 3]);
    assert_eq!(
        seen[3].header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(&seen[3].body[..], b"hello");
    assert!(
        seen[4]
            .header("content-type")
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    let body = String::from_utf8_lossy(&seen[4].body);
    assert!(
        body.contains("name=\"purpose\"")
            && body.contains("filename=\"a.txt\"")
            && body.contains("abc")
    );
}

#[tokio::test]
async fn headers_user_agent_and_options() {
    let server = echo().await;
    let client = server
        .client()
        .default_header("X-Org", "o1")
        .build()
        .unwrap();
    let mut options = RequestOptions::default();
    options.insert_header("X-Extra", "e1");
    let mut request = client.request(Method::GET, "/h");
    request
        .header("X-Trace", &Some("t1"))
        .header("X-Missing", &None::<u8>)
        .header("X-List", &["a", "b"])
        .options(options);
    request.send_json::<Value>().await.unwrap();
    let seen = &server.requests()[0];
    assert_eq!(seen.header("user-agent"), Some("sdk-runtime-tests/0.1"));
    assert_eq!(
        seen.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(seen.header("accept"), Some("application/json"));
    assert_eq!(seen.header("x-org"), Some("o1"));
    assert_eq!(seen.header("x-trace"), Some("t1"));
    assert_eq!(seen.header("x-missing"), None);
    assert_eq!(seen.header("x-list"), Some("a,b"));
    assert_eq!(seen.header("x-extra"), Some("e1"));
}

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
static NO_AUTH: ClientDefaults = ClientDefaults {
    auth: &[],
    ..DEFAULTS
};

#[tokio::test]
async fn every_auth_scheme() {
    let server = echo().await;
    for defaults in [&HEADER_KEY, &QUERY_KEY, &COOKIE_KEY, &NO_AUTH] {
        let client = ClientBuilder::new(defaults)
            .base_url(server.base_url())
            .api_key(KEY)
            .build()
            .unwrap();
        let mut request = client.request(Method::GET, "/me");
        request.query("x", &1);
        request.send_empty().await.unwrap();
    }
    let client = ClientBuilder::new(&DEFAULTS)
        .base_url(server.base_url())
        .basic_auth("Aladdin", "open sesame");
    client
        .build()
        .unwrap()
        .request(Method::GET, "/me")
        .send_empty()
        .await
        .unwrap();
    let client = ClientBuilder::new(&DEFAULTS)
        .base_url(server.base_url())
        .build()
        .unwrap();
    client
        .request(Method::GET, "/me")
        .send_empty()
        .await
        .unwrap();

    let seen = server.requests();
    assert_eq!(seen[0].header("x-api-key"), Some(KEY));
    assert_eq!(seen[0].header("authorization"), None);
    assert_eq!(
        decoded_query(&seen[1].target()),
        pairs(&[("x", "1"), ("api_key", KEY)])
    );
    assert_eq!(
        seen[2].header("cookie"),
        Some(format!("session={KEY}").as_str())
    );
    assert_eq!(
        seen[3].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(
        seen[4].header("authorization"),
        Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    );
    assert_eq!(seen[5].header("authorization"), None);
}

#[tokio::test]
async fn anonymous_requests_carry_no_credentials_but_keep_default_headers() {
    let server = echo().await;
    for defaults in [&DEFAULTS, &HEADER_KEY, &QUERY_KEY, &COOKIE_KEY] {
        let client = ClientBuilder::new(defaults)
            .base_url(server.base_url())
            .api_key(KEY)
            .default_header("x-tenant", "acme")
            .build()
            .unwrap();
        let mut request = client.request(Method::GET, "/public");
        request.without_credentials();
        request.send_empty().await.unwrap();
    }
    for seen in server.requests() {
        assert_eq!(seen.header("authorization"), None);
        assert_eq!(seen.header("x-api-key"), None);
        assert_eq!(seen.header("cookie"), None);
        assert!(!seen.target().contains(KEY), "{}", seen.target());
        assert_eq!(seen.header("x-tenant"), Some("acme"));
    }
}

#[tokio::test]
async fn build_errors_are_reported_at_send_and_nothing_is_sent() {
    let server = echo().await;
    let client = server.client().build().unwrap();

    let mut request = client.request(Method::GET, "/tasks/{task_id}");
    request.query("limit", &1);
    let err = request.send_empty().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "GET /tasks/{task_id}: could not build the request: path parameter task_id is missing"
    );

    let mut request = client.request(Method::GET, "/tasks/{task_id}");
    request.path_param("task_id", "..");
    assert!(matches!(
        request.send_empty().await,
        Err(Error::Build { .. })
    ));

    let mut request = client.request(Method::GET, "/tasks/{task_id}");
    request.path_param("task_id", &None::<String>);
    assert!(
        request
            .send_empty()
            .await
            .unwrap_err()
            .to_string()
            .contains("task_id has no value")
    );

    let mut bad_map = std::collections::HashMap::new();
    bad_map.insert((1, 2), 3);
    let mut request = client.request(Method::POST, "/x");
    request.json(&bad_map);
    assert!(
        request
            .send_empty()
            .await
            .unwrap_err()
            .to_string()
            .contains("JSON body could not be serialized")
    );

    let mut request = client.request(Method::GET, "/x");
    request.header("X-Bad", "line\nbreak");
    assert!(matches!(
        request.send_empty().await,
        Err(Error::Build { .. })
    ));

    let mut request = client.request(Method::POST, "/tasks");
    request.missing("body");
    let err = request.send_empty().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "POST /tasks: could not build the request: the required `body` was not set"
    );

    let mut options = RequestOptions::default();
    options.insert_header("bad header", "v");
    let mut request = client.request(Method::GET, "/x");
    request.options(options);
    let err = request.send_empty().await.unwrap_err();
    assert!(
        err.to_string()
            .contains("header name \"bad header\" is not valid"),
        "{err}"
    );

    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn config_errors() {
    let err = ClientBuilder::new(&DEFAULTS)
        .base_url("not a url")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }));
    assert!(
        err.to_string()
            .starts_with("configuration error: invalid base URL"),
        "{err}"
    );
    assert!(
        ClientBuilder::new(&DEFAULTS)
            .base_url("ftp://x")
            .build()
            .is_err()
    );
    assert!(
        ClientBuilder::new(&DEFAULTS)
            .default_header("X", "a\nb")
            .build()
            .is_err()
    );
    let client = ClientBuilder::new(&DEFAULTS)
        .base_url("http://localhost:1/api/")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://localhost:1/api");
}

#[tokio::test]
async fn redirects_leave_the_origin_only_without_following() {
    let elsewhere = echo().await;
    let target = format!("http://{}/v1/stolen", elsewhere.addr());
    let server = serve(move |r| {
        if r.path == "/v1/moved" {
            Canned::raw(307, &[("location", "/v1/here")], "")
        } else if r.path == "/v1/here" {
            Canned::json_text(200, r#"{"here":true}"#)
        } else {
            Canned::raw(302, &[("location", target.as_str())], "")
        }
    })
    .await;
    let client = ClientBuilder::new(&HEADER_KEY)
        .base_url(server.base_url())
        .api_key(KEY)
        .build()
        .unwrap();
    let here: Value = client
        .request(Method::GET, "/moved")
        .send_json()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(here["here"], true);
    let err = client
        .request(Method::GET, "/away")
        .send_empty()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(302));
    assert_eq!(
        elsewhere.request_count(),
        0,
        "the API key header must not travel to another origin"
    );
}

#[test]
fn public_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<sdkgen_runtime::Client>();
    send_sync::<Error>();
    send_sync::<sdkgen_runtime::Response<Value>>();
    send_sync::<sdkgen_runtime::RawResponse>();
    fn send<T: Send>(_: &T) {}
    let client = ClientBuilder::new(&DEFAULTS).build().unwrap();
    send(&client.request(Method::GET, "/x").send_json::<Value>());
    send(&client.request(Method::GET, "/x").send_stream());
    send(&client.request(Method::GET, "/x").send_raw());
}
