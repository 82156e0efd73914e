//! Webhook signature verification (reference B7) against the Standard Webhooks test vectors.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sdkgen_runtime::webhooks::{Webhook, WebhookError};

// The reference vector of the Standard Webhooks libraries' `sign` tests. The expected value was
// recomputed independently (HMAC-SHA256 of `msg_id.timestamp.body` keyed with the decoded secret).
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const MSG_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TIMESTAMP: i64 = 1_614_265_330;
const BODY: &str = r#"{"test": 2432232314}"#;
const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

fn at(unix: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(unix).unwrap())
}

fn headers(id: &str, timestamp: &str, signature: &str) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    headers.insert("webhook-id", id.parse().unwrap());
    headers.insert("webhook-timestamp", timestamp.parse().unwrap());
    headers.insert("webhook-signature", signature.parse().unwrap());
    headers
}

fn reference_headers() -> http::HeaderMap {
    headers(MSG_ID, &TIMESTAMP.to_string(), SIGNATURE)
}

fn webhook() -> Webhook {
    Webhook::new(SECRET).unwrap()
}

#[test]
fn sign_reproduces_the_reference_vector() {
    assert_eq!(
        webhook().sign(MSG_ID, TIMESTAMP, BODY.as_bytes()),
        SIGNATURE
    );
}

#[test]
fn reference_delivery_verifies_and_decodes() {
    let payload = webhook()
        .verify_at(&reference_headers(), BODY.as_bytes(), at(TIMESTAMP))
        .unwrap();
    assert_eq!(payload["test"], 2_432_232_314_u64);
}

#[test]
fn secret_without_prefix_is_accepted() {
    let bare = Webhook::<serde_json::Value>::new("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    assert_eq!(bare.sign(MSG_ID, TIMESTAMP, BODY.as_bytes()), SIGNATURE);
    bare.verify_at(&reference_headers(), BODY.as_bytes(), at(TIMESTAMP))
        .unwrap();
}

#[test]
fn decodes_into_a_typed_payload() {
    #[derive(serde::Deserialize)]
    struct Payload {
        test: u64,
    }
    let webhook = Webhook::<Payload>::new(SECRET).unwrap();
    let payload = webhook
        .verify_at(&reference_headers(), BODY.as_bytes(), at(TIMESTAMP))
        .unwrap();
    assert_eq!(payload.test, 2_432_232_314);
}

#[test]
fn verify_uses_the_system_clock() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap();
    let webhook = webhook();
    let signature = webhook.sign(MSG_ID, now, BODY.as_bytes());
    let headers = headers(MSG_ID, &now.to_string(), &signature);
    webhook.verify(&headers, BODY.as_bytes()).unwrap();
}

#[test]
fn tampered_body_is_rejected() {
    let err = webhook()
        .verify_at(
            &reference_headers(),
            br#"{"test": 2432232315}"#,
            at(TIMESTAMP),
        )
        .unwrap_err();
    assert!(matches!(err, WebhookError::NoMatchingSignature), "{err:?}");
}

#[test]
fn tampered_id_or_timestamp_is_rejected() {
    let other_id = headers("msg_other", &TIMESTAMP.to_string(), SIGNATURE);
    let err = webhook()
        .verify_at(&other_id, BODY.as_bytes(), at(TIMESTAMP))
        .unwrap_err();
    assert!(matches!(err, WebhookError::NoMatchingSignature), "{err:?}");

    let other_time = headers(MSG_ID, &(TIMESTAMP + 1).to_string(), SIGNATURE);
    let err = webhook()
        .verify_at(&other_time, BODY.as_bytes(), at(TIMESTAMP))
        .unwrap_err();
    assert!(matches!(err, WebhookError::NoMatchingSignature), "{err:?}");
}

#[test]
fn one_changed_signature_byte_is_rejected() {
    // The last base64 character changed: the reference libraries' "invalid signature" case.
    let headers = headers(
        MSG_ID,
        &TIMESTAMP.to_string(),
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=",
    );
    let err = webhook()
        .verify_at(&headers, BODY.as_bytes(), at(TIMESTAMP))
        .unwrap_err();
    assert!(matches!(err, WebhookError::NoMatchingSignature), "{err:?}");
}

#[test]
fn wrong_secret_is_rejected() {
    let other =
        Webhook::<serde_json::Value>::new("whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldA==").unwrap();
    let err = other
        .verify_at(&reference_headers(), BODY.as_bytes(), at(TIMESTAMP))
        .unwrap_err();
    assert!(matches!(err, WebhookError::NoMatchingSignature), "{err:?}");
}

#[test]
fn invalid_secrets_are_refused() {
    for secret in ["", "whsec_", "whsec_not base64!", "whsec_@@@@"] {
        let err = Webhook::<serde_json::Value>::new(secret).unwrap_err();
        assert!(
            matches!(err, WebhookError::InvalidSecret),
            "{secret:?}: {err:?}"
        );
        assert!(
            !err.to_string().contains("base64!"),
            "error echoes the secret"
        );
    }
}

#[test]
fn timestamps_within_five_minutes_either_way_are_accepted() {
    for now in [TIMESTAMP - 300, TIMESTAMP + 300] {
        webhook()
            .verify_at(&reference_headers(), BODY.as_bytes(), at(now))
            .unwrap_or_else(|e| panic!("now = {now}: {e}"));
    }
}

#[test]
fn stale_timestamp_is_rejected() {
    let err = webhook()
        .verify_at(&reference_headers(), BODY.as_bytes(), at(TIMESTAMP + 301))
        .unwrap_err();
    assert!(
        matches!(err, WebhookError::TimestampTooOld { timestamp, now }
            if timestamp == TIMESTAMP && now == TIMESTAMP + 301),
        "{err:?}"
    );
}

#[test]
fn future_timestamp_is_rejected() {
    let err = webhook()
        .verify_at(&reference_headers(), BODY.as_bytes(), at(TIMESTAMP - 301))
        .unwrap_err();
    assert!(
        matches!(err, WebhookError::TimestampTooNew { timestamp, .. } if timestamp == TIMESTAMP),
        "{err:?}"
    );
}

#[test]
fn tolerance_is_configurable() {
    let strict = webhook().with_tolerance(Duration::from_secs(10));
    let err = strict
        .verify_at(&reference_headers(), BODY.as_bytes(), at(TIMESTAMP + 11))
        .unwrap_err();
    assert!(
        matches!(err, WebhookError::TimestampTooOld { .. }),
        "{err:?}"
    );
}

#[test]
fn invalid_timestamp_is_rejected() {
    let headers = headers(MSG_ID, "hello", SIGNATURE);
    let err = webhook()
        .verify_at(&headers, BODY.as_bytes(), at(TIMESTAMP))
        .unwrap_err();
    assert!(
        matches!(err, WebhookError::InvalidTimestamp(ref t) if t == "hello"),
        "{err:?}"
    );
}

#[test]
fn each_missing_header_is_named() {
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        let mut headers = reference_headers();
        headers.remove(name);
        let err = webhook()
            .verify_at(&headers, BODY.as_bytes(), at(TIMESTAMP))
            .unwrap_err();
        assert!(
            matches!(err, WebhookError::MissingHeader(n) if n == name),
            "{err:?}"
        );
        assert!(err.to_string().contains(name), "{err}");
    }
}

#[test]
fn non_ascii_header_is_rejected() {
    let mut headers = reference_headers();
    headers.insert(
        "webhook-id",
        http::HeaderValue::from_bytes(b"msg_\xff").unwrap(),
    );
    let err = webhook()
        .verify_at(&headers, BODY.as_bytes(), at(TIMESTAMP))
        .unwrap_err();
    assert!(
        matches!(err, WebhookError::InvalidHeader("webhook-id")),
        "{err:?}"
    );
}

#[test]
fn one_valid_signature_among_several_is_enough() {
    // The reference libraries' multi-signature case: wrong v1 entries and a v2 entry around
    // the valid one.
    let value = [
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
        "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
        SIGNATURE,
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
    ]
    .join(" ");
    let headers = headers(MSG_ID, &TIMESTAMP.to_string(), &value);
    let payload = webhook()
        .verify_at(&headers, BODY.as_bytes(), at(TIMESTAMP))
        .unwrap();
    assert_eq!(payload["test"], 2_432_232_314_u64);
}

#[test]
fn only_v1_signatures_count() {
    // The right bytes under another version tag, and malformed entries, never match.
    let value = format!(
        "v2,{sig} v1a,{sig} {sig} v1, v1,not-base64!",
        sig = SIGNATURE.trim_start_matches("v1,")
    );
    let headers = headers(MSG_ID, &TIMESTAMP.to_string(), &value);
    let err = webhook()
        .verify_at(&headers, BODY.as_bytes(), at(TIMESTAMP))
        .unwrap_err();
    assert!(matches!(err, WebhookError::NoMatchingSignature), "{err:?}");
}

#[test]
fn signature_of_the_wrong_length_is_rejected() {
    // A truncated MAC (a prefix of the right one) must not pass.
    let headers = headers(MSG_ID, &TIMESTAMP.to_string(), "v1,g0hM9SsE+OTPJTGt");
    let err = webhook()
        .verify_at(&headers, BODY.as_bytes(), at(TIMESTAMP))
        .unwrap_err();
    assert!(matches!(err, WebhookError::NoMatchingSignature), "{err:?}");
}

#[test]
fn signed_but_undecodable_body_is_a_payload_error() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Payload {
        missing_field: String,
    }
    let webhook = Webhook::<Payload>::new(SECRET).unwrap();
    let err = webhook
        .verify_at(&reference_headers(), BODY.as_bytes(), at(TIMESTAMP))
        .unwrap_err();
    match err {
        WebhookError::Payload { excerpt, .. } => assert_eq!(excerpt, BODY),
        other => panic!("{other:?}"),
    }
}
