//! A streamed download that breaks part way ends with `Error::BodyInterrupted`, which says how
//! many bytes arrived, so the caller can ask for the rest with a `Range` request.

use crate::http_support::*;
use futures_util::StreamExt;
use http::Method;
use sdkgen_runtime::{ByteStream, Error};

/// The file the server offers: 10,000 bytes that are not all alike, so a wrong offset shows.
fn file() -> Vec<u8> {
    (0..10_000u32).map(|i| (i * 7 % 251) as u8).collect()
}

/// Serves `GET /files/f1`: a request without `Range` gets the head of the whole file and only its
/// first `cut` bytes before the connection closes; `Range: bytes=N-` gets a complete 206.
async fn cutting_server(cut: usize) -> TestServer {
    serve(move |r| {
        let file = file();
        let range = r.header("range");
        match range.and_then(|r| {
            r.strip_prefix("bytes=")?
                .strip_suffix('-')?
                .parse::<usize>()
                .ok()
        }) {
            Some(from) => {
                let range = format!("bytes {from}-{}/{}", file.len() - 1, file.len());
                Canned::bytes(206, "application/octet-stream", file[from..].to_vec())
                    .header("content-range", &range)
            }
            None => Canned::bytes(200, "application/octet-stream", file[..cut].to_vec())
                .header("accept-ranges", "bytes")
                .truncated(file.len() - cut),
        }
    })
    .await
}

/// Reads `body` to its end or its error, keeping what arrived.
async fn read_all(mut body: ByteStream, into: &mut Vec<u8>) -> Option<Error> {
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(chunk) => into.extend_from_slice(&chunk),
            Err(err) => {
                assert!(
                    body.next().await.is_none(),
                    "the stream ends after its error"
                );
                assert_eq!(body.received(), into.len() as u64);
                return Some(err);
            }
        }
    }
    None
}

#[tokio::test]
async fn a_cut_download_says_how_much_arrived_and_resumes_from_there() {
    let server = cutting_server(4_321).await;
    let client = client_for(&server.base_url()).build().unwrap();
    let mut request = client.request(Method::GET, "/files/{file_id}");
    request.path_param("file_id", "f1");
    let body = request.send_stream().await.unwrap().into_inner();

    let mut received = Vec::new();
    let err = read_all(body, &mut received)
        .await
        .expect("the body breaks off");
    let Error::BodyInterrupted {
        ref method,
        path,
        status,
        received: count,
        ..
    } = err
    else {
        panic!("expected BodyInterrupted, got {err:?}");
    };
    assert_eq!(
        (method, path, status.as_u16(), count),
        (&Method::GET, "/files/{file_id}", 200, 4_321)
    );
    assert_eq!(received.len(), 4_321);
    assert_eq!(
        err.to_string(),
        "GET /files/{file_id}: 200 OK: the body broke off after 4321 bytes"
    );
    assert_eq!(err.status(), Some(200));
    assert!(err.is_retryable());
    let cause = std::error::Error::source(&err).expect("the transport error underneath");
    assert!(
        cause.to_string().contains("reading the response body"),
        "{cause}"
    );
    assert!(!err.to_string().contains("127.0.0.1"), "no URL in {err}");

    // Resume: ask for the rest.
    let mut request = client.request(Method::GET, "/files/{file_id}");
    request.path_param("file_id", "f1");
    request.header("Range", &format!("bytes={count}-"));
    let response = request.send_stream().await.unwrap();
    assert_eq!(response.status(), 206);
    assert!(
        read_all(response.into_inner(), &mut received)
            .await
            .is_none()
    );
    assert_eq!(received, file());
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "the stream itself is not fetched again");
    assert_eq!(requests[1].header("range"), Some("bytes=4321-"));
}

#[tokio::test]
async fn a_cut_before_the_first_byte_counts_zero() {
    let server = cutting_server(0).await;
    let client = client_for(&server.base_url()).build().unwrap();
    let body = client
        .request(Method::GET, "/files/f1")
        .send_stream()
        .await
        .unwrap()
        .into_inner();
    let mut received = Vec::new();
    let err = read_all(body, &mut received)
        .await
        .expect("the body breaks off");
    assert!(
        matches!(err, Error::BodyInterrupted { received: 0, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn collecting_a_cut_body_reports_the_same() {
    let server = cutting_server(1_000).await;
    let client = client_for(&server.base_url()).build().unwrap();
    let body = client
        .request(Method::GET, "/files/f1")
        .send_stream()
        .await
        .unwrap()
        .into_inner();
    let err = body.collect_bytes().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::BodyInterrupted {
                received: 1_000,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_whole_download_counts_every_byte() {
    let server = cutting_server(10_000).await;
    let client = client_for(&server.base_url()).build().unwrap();
    let mut body = client
        .request(Method::GET, "/files/f1")
        .send_stream()
        .await
        .unwrap()
        .into_inner();
    let mut total = 0;
    while let Some(chunk) = body.next().await {
        total += chunk.unwrap().len();
    }
    assert_eq!((total, body.received()), (10_000, 10_000));
    assert!(body.next().await.is_none());
}
