//! Verification of signed webhook deliveries (the Standard Webhooks scheme).
//!
//! A delivery carries three headers, named by the constants [`HEADER_ID`] (`webhook-id`),
//! [`HEADER_TIMESTAMP`] (`webhook-timestamp`, unix seconds) and [`HEADER_SIGNATURE`]
//! (`webhook-signature`, space-separated `v1,<base64>` entries). The signature is HMAC-SHA256 over
//! `"{id}.{timestamp}.{raw body}"`, keyed with the base64-decoded part of the `whsec_…` secret.
//! [`Webhook::verify`] checks the timestamp is within five minutes of now, compares every `v1`
//! signature in constant time, and only then decodes the body.

use base64::Engine as _;
use hmac::Mac as _;

/// How far a delivery's timestamp may be from the receiver's clock, either way.
pub const TOLERANCE: ::std::time::Duration = ::std::time::Duration::from_secs(5 * 60);

/// Header carrying the unique message id (use it to de-duplicate: delivery is at least once).
pub const HEADER_ID: &str = "webhook-id";
/// Header carrying the send time in unix seconds.
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
/// Header carrying one or more space-separated `v1,<base64>` signatures.
pub const HEADER_SIGNATURE: &str = "webhook-signature";

const SECRET_PREFIX: &str = "whsec_";
const EXCERPT_CHARS: usize = 200;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Secrets and signatures are standard base64; accept them with or without `=` padding.
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

/// Why a webhook delivery was rejected.
///
/// Every variant except [`WebhookError::InvalidSecret`] means the request must be refused
/// (answer 400 or 401); none of them says anything about the secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signing secret is empty or not base64 (after an optional `whsec_` prefix).
    #[error("invalid webhook secret: expected `whsec_` followed by non-empty base64")]
    InvalidSecret,
    /// A required header is absent.
    #[error("missing `{0}` header")]
    MissingHeader(&'static str),
    /// A required header is present but not visible ASCII.
    #[error("`{0}` header is not valid ASCII")]
    InvalidHeader(&'static str),
    /// `webhook-timestamp` is not a whole number of unix seconds.
    #[error("invalid `webhook-timestamp` header {0:?}: expected unix seconds")]
    InvalidTimestamp(String),
    /// The delivery was signed more than the tolerance (5 minutes by default) before now (a replay or a very late retry).
    #[error("webhook timestamp {timestamp} is too old (now {now})")]
    TimestampTooOld {
        /// The `webhook-timestamp` header, in unix seconds.
        timestamp: i64,
        /// The receiver's clock, in unix seconds.
        now: i64,
    },
    /// The delivery claims to be signed more than the tolerance (5 minutes by default) after now.
    #[error("webhook timestamp {timestamp} is in the future (now {now})")]
    TimestampTooNew {
        /// The `webhook-timestamp` header, in unix seconds.
        timestamp: i64,
        /// The receiver's clock, in unix seconds.
        now: i64,
    },
    /// No `v1` entry of `webhook-signature` matches the body (tampered body, wrong secret or
    /// a forged request).
    #[error("no `v1` signature in `webhook-signature` matches the payload")]
    NoMatchingSignature,
    /// The signature is valid but the body does not decode into the payload type.
    #[error("webhook payload does not decode: {source}; body starts {excerpt:?}")]
    Payload {
        /// The JSON error.
        #[source]
        source: serde_json::Error,
        /// The first characters of the body, lossily decoded.
        excerpt: String,
    },
}

/// A webhook verifier holding one endpoint's signing secret (its decoded key is overwritten with
/// zeros when the verifier is dropped).
///
/// `T` is the payload type the body decodes into once its signature holds: a generated crate
/// uses its event envelope; `serde_json::Value` accepts any JSON.
///
/// ```text
/// let webhook = Webhook::<serde_json::Value>::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// let event = webhook.verify(&headers, &body)?;
/// ```
pub struct Webhook<T = serde_json::Value> {
    /// The decoded signing key, overwritten with zeros when dropped.
    key: zeroize::Zeroizing<::std::vec::Vec<u8>>,
    tolerance: ::std::time::Duration,
    payload: ::std::marker::PhantomData<fn() -> T>,
}

impl<T> ::std::fmt::Debug for Webhook<T> {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.debug_struct("Webhook")
            .field("key", &"<redacted>")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl<T> Clone for Webhook<T> {
    fn clone(&self) -> Self {
        Self {
            key: self.key.clone(),
            tolerance: self.tolerance,
            payload: ::std::marker::PhantomData,
        }
    }
}

impl<T: serde::de::DeserializeOwned> Webhook<T> {
    /// A verifier for `secret`: `whsec_` followed by base64 (as the API shows it), or the bare
    /// base64 part.
    pub fn new(secret: &str) -> ::std::result::Result<Self, WebhookError> {
        let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
        let key = zeroize::Zeroizing::new(
            BASE64
                .decode(encoded.trim())
                .map_err(|_| WebhookError::InvalidSecret)?,
        );
        if key.is_empty() {
            return Err(WebhookError::InvalidSecret);
        }
        Ok(Self {
            key,
            tolerance: TOLERANCE,
            payload: ::std::marker::PhantomData,
        })
    }

    /// Verifies a delivery against the current time and decodes its body.
    ///
    /// Pass the *raw* body exactly as received: re-serialised JSON does not verify.
    pub fn verify(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> ::std::result::Result<T, WebhookError> {
        self.verify_at(headers, body, ::std::time::SystemTime::now())
    }

    /// [`Webhook::verify`] with the receiver's clock given, for tests.
    pub fn verify_at(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
        now: ::std::time::SystemTime,
    ) -> ::std::result::Result<T, WebhookError> {
        let msg_id = header(headers, HEADER_ID)?;
        let timestamp_text = header(headers, HEADER_TIMESTAMP)?;
        let signatures = header(headers, HEADER_SIGNATURE)?;

        let timestamp = parse_timestamp(timestamp_text)?;
        let now = unix_seconds(now);
        let tolerance = i64::try_from(self.tolerance.as_secs()).unwrap_or(i64::MAX);
        if now.saturating_sub(timestamp) > tolerance {
            return Err(WebhookError::TimestampTooOld { timestamp, now });
        }
        if timestamp.saturating_sub(now) > tolerance {
            return Err(WebhookError::TimestampTooNew { timestamp, now });
        }

        // The signed content uses the header text as sent, not the re-formatted number.
        let mac = self.mac(msg_id, timestamp_text, body);
        let matched = signatures
            .split(' ')
            .filter_map(|entry| entry.split_once(','))
            .filter(|(version, _)| *version == "v1")
            .filter_map(|(_, signature)| BASE64.decode(signature).ok())
            // `verify_slice` compares in constant time (and rejects a wrong length first).
            .any(|signature| mac.clone().verify_slice(&signature).is_ok());
        if !matched {
            return Err(WebhookError::NoMatchingSignature);
        }

        serde_json::from_slice(body).map_err(|source| WebhookError::Payload {
            source,
            excerpt: excerpt(body),
        })
    }
}

impl<T> Webhook<T> {
    /// Accepts timestamps up to `tolerance` away from now instead of [`TOLERANCE`].
    pub fn with_tolerance(mut self, tolerance: ::std::time::Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The `webhook-signature` value (`v1,<base64>`) for a message: what a sender puts in the
    /// header. Useful to build deliveries in tests.
    pub fn sign(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> ::std::string::String {
        let tag = self
            .mac(msg_id, &timestamp.to_string(), body)
            .finalize()
            .into_bytes();
        format!(
            "v1,{}",
            base64::engine::general_purpose::STANDARD.encode(tag)
        )
    }

    fn mac(&self, msg_id: &str, timestamp: &str, body: &[u8]) -> HmacSha256 {
        let mut mac = <HmacSha256 as hmac::Mac>::new_from_slice(&self.key)
            .expect("HMAC accepts keys of any length");
        mac.update(msg_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }
}

fn header<'h>(
    headers: &'h http::HeaderMap,
    name: &'static str,
) -> ::std::result::Result<&'h str, WebhookError> {
    headers
        .get(name)
        .ok_or(WebhookError::MissingHeader(name))?
        .to_str()
        .map(str::trim)
        .map_err(|_| WebhookError::InvalidHeader(name))
}

fn parse_timestamp(text: &str) -> ::std::result::Result<i64, WebhookError> {
    // Digits only: `i64::from_str` would also take a sign, which no sender writes.
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WebhookError::InvalidTimestamp(text.to_owned()));
    }
    text.parse()
        .map_err(|_| WebhookError::InvalidTimestamp(text.to_owned()))
}

fn unix_seconds(time: ::std::time::SystemTime) -> i64 {
    match time.duration_since(::std::time::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

fn excerpt(body: &[u8]) -> ::std::string::String {
    String::from_utf8_lossy(body)
        .chars()
        .take(EXCERPT_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let webhook =
            Webhook::<serde_json::Value>::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let debug = format!("{webhook:?}");
        assert!(debug.contains("<redacted>"), "{debug}");
        assert!(!debug.contains("MfKQ"), "{debug}");
        // Not even the decoded key bytes.
        assert!(!debug.contains(&format!("{:?}", &*webhook.key)), "{debug}");
    }

    #[test]
    fn timestamps_must_be_plain_digits() {
        assert_eq!(parse_timestamp("1614265330").unwrap(), 1_614_265_330);
        for bad in [
            "",
            "+1614265330",
            "-5",
            "1.5",
            "hello",
            "99999999999999999999",
        ] {
            assert!(
                matches!(parse_timestamp(bad), Err(WebhookError::InvalidTimestamp(_))),
                "{bad:?}"
            );
        }
    }
}
