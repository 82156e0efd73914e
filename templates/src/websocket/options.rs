//! How an event stream connects, reconnects and de-duplicates: [`StreamOptions`].

use ::std::time::Duration;

/// How an [`EventStream`](super::EventStream) connects, reconnects and de-duplicates.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StreamOptions {
    /// Reconnection attempts in a row before giving up (the first connection counts too). The
    /// count starts over once a connection delivers a message. Default 10.
    pub max_reconnect_attempts: u32,
    /// Wait before the first reconnection attempt; doubled at each further attempt (with
    /// jitter). Default 500 ms.
    pub initial_backoff: Duration,
    /// Longest wait between attempts. Default 30 s.
    pub max_backoff: Duration,
    /// Time allowed for TCP, TLS and the WebSocket handshake of one attempt. Default 30 s.
    pub handshake_timeout: Duration,
    /// How many recent event ids are remembered to drop replayed duplicates. Default 4096.
    pub dedup_window: usize,
    /// Largest message accepted, in bytes. Default 16 MiB.
    pub max_message_bytes: usize,
}

impl Default for StreamOptions {
    fn default() -> Self {
        Self {
            max_reconnect_attempts: 10,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            handshake_timeout: Duration::from_secs(30),
            dedup_window: 4096,
            max_message_bytes: 16 << 20,
        }
    }
}

impl StreamOptions {
    /// Sets [`StreamOptions::max_reconnect_attempts`] (0: never reconnect).
    pub fn max_reconnect_attempts(mut self, attempts: u32) -> Self {
        self.max_reconnect_attempts = attempts;
        self
    }

    /// Sets [`StreamOptions::initial_backoff`] and [`StreamOptions::max_backoff`].
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets [`StreamOptions::handshake_timeout`].
    pub fn handshake_timeout(mut self, timeout: Duration) -> Self {
        self.handshake_timeout = timeout;
        self
    }

    /// Sets [`StreamOptions::dedup_window`] (at least 1).
    pub fn dedup_window(mut self, ids: usize) -> Self {
        self.dedup_window = ids.max(1);
        self
    }

    /// Sets [`StreamOptions::max_message_bytes`].
    pub fn max_message_bytes(mut self, bytes: usize) -> Self {
        self.max_message_bytes = bytes;
        self
    }

    /// The wait before reconnection attempt `attempt` (1-based): exponential, capped, with
    /// "equal jitter" (between half and all of the exponential value).
    pub(super) fn backoff_delay(&self, attempt: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
        let full = exp.min(self.max_backoff);
        let half = full / 2;
        half + full.mul_f64(fastrand::f64()) / 2
    }
}
