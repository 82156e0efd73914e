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
        let limit =
            header_number(headers, &["x-ratelimit-limit", "ratelimit-limit"]).map(|v| v as u64);
        let remaining = header_number(headers, &["x-ratelimit-remaining", "ratelimit-remaining"])
            .map(|v| v as u64);
        let reset = header_number(headers, &["x-ratelimit-reset", "ratelimit-reset"])
            .map(reset_to_duration);
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

/// The first readable number among `names`. Takes the leading number of values such as `100, 100;w=60`.
fn header_number(headers: &http::HeaderMap, names: &[&str]) -> Option<f64> {
    names.iter().find_map(|name| {
        let text = headers.get(*name)?.to_str().ok()?;
        let first = text.split([',', ';']).next()?.trim();
        let n: f64 = first.parse().ok()?;
        (n.is_finite() && n >= 0.0).then_some(n)
    })
}

