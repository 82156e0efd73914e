//! Pagination streams against a loopback server: 1,000 items in pages of 50, offset and cursor style.

use crate::http_support::*;
use futures_util::{StreamExt, TryStreamExt};
use http::Method;
use sdkgen_runtime::pagination::{cursor_stream, offset_stream};
use sdkgen_runtime::{Client, Error, Response};

const TOTAL: u64 = 1000;

#[derive(serde::Deserialize)]
struct OffsetPage {
    items: Vec<u64>,
    total: u64,
}

#[derive(serde::Deserialize)]
struct CursorPage {
    data: Vec<u64>,
    next_cursor: Option<String>,
}

fn query_value(r: &Recorded, name: &str) -> Option<u64> {
    r.query_string()
        .split('&')
        .find_map(|kv| kv.strip_prefix(&format!("{name}="))?.parse().ok())
}

async fn list_server() -> TestServer {
    serve(|r| {
        let limit = query_value(r, "limit").unwrap_or(50).min(50);
        if r.path == "/v1/items" {
            let offset = query_value(r, "offset").unwrap_or(0);
            let items: Vec<u64> = (offset..(offset + limit).min(TOTAL)).collect();
            Canned::json_text(
                200,
                serde_json::json!({"items": items, "total": TOTAL}).to_string(),
            )
        } else {
            let start = query_value(r, "cursor").unwrap_or(0);
            let end = (start + limit).min(TOTAL);
            let next = (end < TOTAL).then(|| end.to_string());
            Canned::json_text(
                200,
                serde_json::json!({"data": (start..end).collect::<Vec<_>>(), "next_cursor": next})
                    .to_string(),
            )
        }
    })
    .await
}

fn items(client: &Client) -> impl futures_core::Stream<Item = Result<u64, Error>> + '_ {
    offset_stream(
        0,
        move |offset| async move {
            let mut request = client.request(Method::GET, "/items");
            request.query("offset", &offset).query("limit", &50);
            request
                .send_json::<OffsetPage>()
                .await
                .map(Response::into_inner)
        },
        |page| (page.items, Some(page.total)),
    )
}

#[tokio::test]
async fn offset_pages_yield_every_item_once_in_order() {
    let server = list_server().await;
    let client = server.client().build().unwrap();
    let all: Vec<u64> = items(&client).try_collect().await.unwrap();
    assert_eq!(all, (0..TOTAL).collect::<Vec<_>>());
    assert_eq!(
        server.request_count(),
        20,
        "stops at the total without asking for an empty page"
    );
}

#[tokio::test]
async fn pages_are_fetched_lazily() {
    let server = list_server().await;
    let client = server.client().build().unwrap();
    let first: Vec<u64> = items(&client).take(60).try_collect().await.unwrap();
    assert_eq!(first, (0..60).collect::<Vec<_>>());
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn cursor_pages_yield_every_item_once_in_order() {
    let server = list_server().await;
    let client = server.client().build().unwrap();
    let stream = cursor_stream(
        |cursor| {
            let client = client.clone();
            async move {
                let mut request = client.request(Method::GET, "/events");
                request.query("cursor", &cursor).query("limit", &50);
                request
                    .send_json::<CursorPage>()
                    .await
                    .map(Response::into_inner)
            }
        },
        |page| (page.data, page.next_cursor),
    );
    let all: Vec<u64> = stream.try_collect().await.unwrap();
    assert_eq!(all, (0..TOTAL).collect::<Vec<_>>());
    assert_eq!(server.request_count(), 20);
    assert_eq!(
        server.requests()[0].query_string(),
        "limit=50",
        "no cursor on the first page"
    );
}

#[tokio::test]
async fn an_error_page_ends_the_stream_with_the_error() {
    let server = serve(|r| {
        if query_value(r, "offset") == Some(0) {
            Canned::json_text(200, r#"{"items":[1,2],"total":10}"#)
        } else {
            Canned::json_text(400, r#"{"detail":"bad offset"}"#)
        }
    })
    .await;
    let client = server.client().build().unwrap();
    let results: Vec<Result<u64, Error>> = items(&client).collect().await;
    assert_eq!(results.len(), 3);
    assert_eq!(
        results[2].as_ref().unwrap_err().detail().as_deref(),
        Some("bad offset")
    );
}
