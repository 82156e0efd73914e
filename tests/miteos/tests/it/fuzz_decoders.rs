//! Random and mutated bytes fed to every response decoder of the `miteos` crate: each must give a
//! value or a typed error, never a panic. Seeded, so a failure reproduces; the seed is printed.

use std::sync::atomic::{AtomicUsize, Ordering};

use http::Method;
use miteos::types::*;
use miteos_tests::server::{Canned, TestServer};
use serde_json::Value;

/// Every example value of the pinned spec: schema examples and response examples.
fn spec_examples() -> Vec<Vec<u8>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/miteos/openapi.json"
    );
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<Vec<u8>>) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    if k == "example" {
                        out.push(serde_json::to_vec(child).unwrap());
                    } else if k == "examples" {
                        if let Value::Array(items) = child {
                            out.extend(items.iter().map(|i| serde_json::to_vec(i).unwrap()));
                        }
                    }
                    walk(child, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    walk(&spec, &mut out);
    assert!(out.len() > 50, "the spec has examples");
    out
}

/// One random edit of a JSON text: flip a byte, cut it short, drop or repeat a slice, or splice
/// in a token that changes a value's type.
fn mutate(rng: &mut fastrand::Rng, input: &[u8]) -> Vec<u8> {
    let mut bytes = input.to_vec();
    if bytes.is_empty() {
        return vec![rng.u8(..)];
    }
    for _ in 0..rng.usize(1..4) {
        let at = rng.usize(..bytes.len().max(1));
        match rng.u8(..6) {
            0 => {
                let i = at.min(bytes.len() - 1);
                bytes[i] = rng.u8(..);
            }
            1 => bytes.truncate(at),
            2 => {
                let end = (at + rng.usize(1..16)).min(bytes.len());
                bytes.drain(at..end);
            }
            3 => {
                let end = (at + rng.usize(1..16)).min(bytes.len());
                let slice = bytes[at..end].to_vec();
                bytes.splice(at..at, slice);
            }
            _ => {
                const TOKENS: &[&[u8]] = &[
                    b"null",
                    b"1e999",
                    b"-0",
                    b"\"\\ud800\"",
                    b"[]",
                    b"{}",
                    b"true",
                    b"\"\xff\"",
                    b"18446744073709551616",
                ];
                let token = TOKENS[rng.usize(..TOKENS.len())];
                bytes.splice(at..at, token.iter().copied());
            }
        }
        if bytes.is_empty() {
            break;
        }
    }
    bytes
}

macro_rules! decode_all {
    ($bytes:expr, $($ty:ty),+ $(,)?) => {{
        let mut decoded = 0usize;
        $( decoded += usize::from(serde_json::from_slice::<$ty>($bytes).is_ok()); )+
        decoded
    }};
}

/// Decodes `bytes` as every type an operation of the crate returns.
fn decode_every_response_type(bytes: &[u8]) -> usize {
    decode_all!(
        bytes,
        TaskResponse,
        TaskListResponse,
        Vec<DeliverableResponse>,
        AgentResponse,
        ApprovalResponse,
        DeploymentResponse,
        DeploymentListResponse,
        WorkspaceResponse,
        Vec<WorkspaceResponse>,
        BillingResponse,
        BrokerResponse,
        BrokerListResponse,
        Vec<IntegrationResponse>,
        CardResponse,
        CardListResponse,
        SkillCompileResponse,
        SkillResponse,
        MemoryResponse,
        MemoryListResponse,
        WebhookResponse,
        Vec<WebhookResponse>,
        Event,
        ErrorResponse,
        HttpValidationError,
    )
}

#[test]
fn every_decoder_survives_random_and_mutated_bytes() {
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_2026_u64);
    eprintln!("seed {seed} (set FUZZ_SEED to change it)");
    let mut rng = fastrand::Rng::with_seed(seed);
    let examples = spec_examples();
    let mut ok = 0;
    let mut inputs = 0;
    for example in &examples {
        ok += decode_every_response_type(example);
        inputs += 1;
        for _ in 0..40 {
            let mutated = mutate(&mut rng, example);
            ok += decode_every_response_type(&mutated);
            inputs += 1;
        }
    }
    for _ in 0..2_000 {
        let random: Vec<u8> = (0..rng.usize(0..256)).map(|_| rng.u8(..)).collect();
        decode_every_response_type(&random);
        inputs += 1;
    }
    // The examples themselves decode (as their own type at least), so the test does reach the decoders.
    assert!(
        ok > examples.len() / 2,
        "{ok} successful decodes out of {inputs} inputs"
    );
    eprintln!("{inputs} inputs, {ok} successful decodes, no panic");
}

/// The same through the client: a loopback server answers random statuses, content types and
/// mutated bodies; every call ends in a value or a typed error.
#[tokio::test]
async fn the_client_turns_any_answer_into_a_value_or_an_error() {
    let examples = spec_examples();
    let server = TestServer::start().await;
    let counter = AtomicUsize::new(0);
    server.on_fn(Method::GET, "/v1/tasks/task_1", move |_| {
        let n = counter.fetch_add(1, Ordering::Relaxed);
        let mut rng = fastrand::Rng::with_seed(n as u64);
        let status = [200, 200, 201, 204, 400, 404, 422, 429, 500, 502][rng.usize(..10)];
        let content_type = [
            "application/json",
            "text/html",
            "application/octet-stream",
            "",
        ][rng.usize(..4)];
        let pick = rng.usize(..examples.len());
        let body = mutate(&mut rng, &examples[pick]);
        Canned::bytes(status, content_type, body)
    });
    let client = miteos::Client::builder()
        .api_key("mt_test_fuzz")
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .unwrap();
    let (mut values, mut errors) = (0, 0);
    for _ in 0..300 {
        match client.tasks().get("task_1").send().await {
            Ok(_) => values += 1,
            Err(e) => {
                assert!(!e.to_string().is_empty());
                errors += 1;
            }
        }
    }
    assert_eq!(values + errors, 300);
    assert!(errors > 0);
}
