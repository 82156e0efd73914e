//! `RateLimit`: the rate-limit headers a server sent (`X-RateLimit-Limit`, `-Remaining`, `-Reset`).

use ::std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What the server said about its rate limit, read from `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
/// `X-RateLimit-Reset` (or the unprefixed `RateLimit-*` names). Every field is `None` when its header is missing
/// or unreadable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in the current window.
    pub limit: Option<u64>,
    /// Requests left in the current window.
    pub remaining: Option<u64>,
    /// Time from the response until the window resets. A reset header holding a Unix timestamp (a value above
    /// one billion) is turned into the time left until then; a smaller value is read as seconds.
    pub reset: Option<Duration>,
}

impl RateLimit {
    /// Reads the rate-limit headers; `None` when neither limit, remaining nor reset is present.
    pub fn from_headers(headers: &http::HeaderMap) -> Option<RateLimit> {
        // One pass over the headers, which are few, instead of six lookups that each hash a name.
        // `[prefixed, plain]` per figure, the first value of each name.
        let mut found: [[Option<&http::HeaderValue>; 2]; 3] = [[None; 2]; 3];
        for (name, value) in headers {
            let (figure, plain) = match name.as_str() {
                "x-ratelimit-limit" => (0, 0),
                "ratelimit-limit" => (0, 1),
                "x-ratelimit-remaining" => (1, 0),
                "ratelimit-remaining" => (1, 1),
                "x-ratelimit-reset" => (2, 0),
                "ratelimit-reset" => (2, 1),
                _ => continue,
            };
            found[figure][plain].get_or_insert(value);
        }
        let [limit, remaining, reset] = found.map(header_number);
        let limit = limit.map(|v| v as u64);
        let remaining = remaining.map(|v| v as u64);
        let reset = reset.map(reset_to_duration);
        if limit.is_none() && remaining.is_none() && reset.is_none() {
            return None;
        }
        Some(RateLimit {
            limit,
            remaining,
            reset,
        })
    }

    /// `true` when the server said no requests are left in the window.
    pub fn is_exhausted(&self) -> bool {
        self.remaining == Some(0)
    }
}

/// Values above this are Unix timestamps, below it seconds (no window lasts 31 years).
const EPOCH_THRESHOLD: f64 = 1_000_000_000.0;

fn reset_to_duration(value: f64) -> Duration {
    if value >= EPOCH_THRESHOLD {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        Duration::from_secs_f64((value - now).max(0.0))
    } else {
        Duration::from_secs_f64(value.max(0.0))
    }
}

/// The first readable number among `values` (the prefixed header's, then the plain one's). Takes the leading
/// number of values such as `100, 100;w=60`.
fn header_number(values: [Option<&http::HeaderValue>; 2]) -> Option<f64> {
    values.into_iter().flatten().find_map(|value| {
        // Whole numbers, the usual case, read from the bytes without the text checks and the float parser.
        if let Some(n) = leading_integer(value.as_bytes()) {
            return Some(n as f64);
        }
        let text = value.to_str().ok()?;
        let first = text.split([',', ';']).next()?.trim();
        if let Ok(n) = first.parse::<u64>() {
            return Some(n as f64);
        }
        let n: f64 = first.parse().ok()?;
        (n.is_finite() && n >= 0.0).then_some(n)
    })
}

/// The number `bytes` start with when they are digits alone or digits followed by `,` or `;` (`100`,
/// `100, 100;w=60`); `None` for anything else (spaces, a fraction, too many digits), which the text path reads.
fn leading_integer(bytes: &[u8]) -> Option<u64> {
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || !matches!(bytes.get(digits), None | Some(b',' | b';')) {
        return None;
    }
    bytes[..digits].iter().try_fold(0u64, |n, digit| {
        n.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::RateLimit;
    use ::std::time::Duration;

    fn headers(pairs: &[(&'static str, &'static str)]) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, http::HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn reads_prefixed_and_plain_names() {
        let rl = RateLimit::from_headers(&headers(&[
            ("X-RateLimit-Limit", "100"),
            ("x-ratelimit-remaining", "7"),
            ("X-RATELIMIT-RESET", "30"),
        ]))
        .unwrap();
        assert_eq!(rl.limit, Some(100));
        assert_eq!(rl.remaining, Some(7));
        assert_eq!(rl.reset, Some(Duration::from_secs(30)));
        let rl =
            RateLimit::from_headers(&headers(&[("RateLimit-Remaining", "0, 0;w=60")])).unwrap();
        assert_eq!(rl.remaining, Some(0));
        assert!(rl.is_exhausted());
        assert_eq!(rl.limit, None);
    }

    #[test]
    fn numbers_read_from_bytes_match_the_text_path() {
        for (value, expected) in [
            ("100", Some(100.0)),
            ("100, 100;w=60", Some(100.0)),
            ("7;w=1", Some(7.0)),
            (" 42 ", Some(42.0)),
            ("2.5", Some(2.5)),
            ("18446744073709551615", Some(18446744073709551615.0)),
            ("99999999999999999999", Some(99999999999999999999.0)),
            ("12abc", None),
            ("-3", None),
            ("", None),
        ] {
            let header = http::HeaderValue::from_static(value);
            assert_eq!(
                super::header_number([Some(&header), None]),
                expected,
                "{value:?}"
            );
        }
    }

    #[test]
    fn missing_or_garbage_is_none() {
        assert_eq!(RateLimit::from_headers(&headers(&[])), None);
        assert_eq!(
            RateLimit::from_headers(&headers(&[("x-ratelimit-limit", "lots")])),
            None
        );
    }

    #[test]
    fn epoch_reset_becomes_time_left() {
        let now = ::std::time::SystemTime::now()
            .duration_since(::std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let mut map = http::HeaderMap::new();
        map.insert("x-ratelimit-reset", (now + 20).to_string().parse().unwrap());
        let reset = RateLimit::from_headers(&map).unwrap().reset.unwrap();
        assert!(
            reset <= Duration::from_secs(20) && reset >= Duration::from_secs(18),
            "{reset:?}"
        );
    }
}
