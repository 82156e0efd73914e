//! One request as the test server received it, and the query-string decoding its asserts use.

use bytes::Bytes;
use http::{HeaderMap, Method};
use serde_json::Value;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Request method.
    pub method: Method,
    /// The path exactly as sent, still percent-encoded (`/v1/tasks/a%20b`).
    pub path: String,
    /// The query string as sent, without `?`.
    pub raw_query: Option<String>,
    /// The query string decoded into pairs (`application/x-www-form-urlencoded`), in order.
    pub query: Vec<(String, String)>,
    /// Request headers.
    pub headers: HeaderMap,
    /// Request body, as far as it arrived.
    pub body: Bytes,
    /// Position among all requests the server received (0-based, in arrival order).
    pub index: usize,
    /// Which connection (0-based, in accept order) carried it.
    pub connection: usize,
}

impl Recorded {
    /// The value of header `name` as text, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The query string as sent, without `?` (empty when there is none).
    pub fn query_string(&self) -> &str {
        self.raw_query.as_deref().unwrap_or_default()
    }

    /// Path and query as sent, still percent-encoded (`/v1/tasks?limit=5`).
    pub fn target(&self) -> String {
        match &self.raw_query {
            Some(query) => format!("{}?{query}", self.path),
            None => self.path.clone(),
        }
    }

    /// The body parsed as JSON; panics with the body when it is not JSON.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "request body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts a JSON body equal to `expected` with `Content-Type: application/json`.
    #[track_caller]
    pub fn assert_json_body(&self, expected: &Value) {
        assert_eq!(self.header("content-type"), Some("application/json"));
        assert_eq!(&self.json(), expected, "request body");
    }

    /// Asserts that the request has no body and no query string.
    #[track_caller]
    pub fn assert_no_body_no_query(&self) {
        assert!(
            self.body.is_empty(),
            "unexpected body {:?}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.header("content-type"), None);
        assert_eq!(self.raw_query, None, "query string");
    }
}

/// Decodes an `application/x-www-form-urlencoded` query string into pairs, in order.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            (form_decode(key), form_decode(value))
        })
        .collect()
}

fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match hex_pair(bytes[i + 1], bytes[i + 2]) {
                Some(byte) => {
                    out.push(byte);
                    i += 2;
                }
                None => out.push(b'%'),
            },
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_pair(high: u8, low: u8) -> Option<u8> {
    let digit = |b: u8| (b as char).to_digit(16);
    Some((digit(high)? * 16 + digit(low)?) as u8)
}

#[cfg(test)]
mod tests {
    use super::parse_query;

    #[test]
    fn query_pairs_are_form_decoded_in_order() {
        let pairs = parse_query("limit=50&q=a+b%20c&path=%2Fx%3Fy&bad=%zz%4&flag&&status=running");
        let expected = [
            ("limit", "50"),
            ("q", "a b c"),
            ("path", "/x?y"),
            ("bad", "%zz%4"),
            ("flag", ""),
            ("status", "running"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        assert_eq!(pairs, expected);
    }
}
