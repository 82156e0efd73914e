//! Waiters: poll an operation until what it returns is in a terminal state, with backoff and a
//! deadline.

use std::future::Future;
use std::time::Duration;

use crate::Error;

/// How a waiter polls: the first pause, how the pause grows, and when it gives up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitOptions {
    /// The pause before the second poll (the first is at once). Default 1 s.
    pub poll_interval: Duration,
    /// The longest pause between polls; each pause is 1.5 times the one before, up to this.
    /// Default 20 s.
    pub max_poll_interval: Duration,
    /// How long to wait in all before `Error::WaitTimeout`. Default 10 minutes.
    pub deadline: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            poll_interval: Duration::from_secs(1),
            max_poll_interval: Duration::from_secs(20),
            deadline: Duration::from_secs(600),
        }
    }
}

/// The schedule of one wait: when to poll next, and whether the deadline has passed.
#[derive(Debug)]
struct Schedule {
    options: WaitOptions,
    started: tokio::time::Instant,
    next_pause: Duration,
    attempts: u32,
}

impl Schedule {
    fn new(options: WaitOptions) -> Self {
        Schedule {
            options,
            started: tokio::time::Instant::now(),
            next_pause: options.poll_interval,
            attempts: 0,
        }
    }

    /// Sleeps until the next poll; `false` when the deadline leaves no time for one.
    async fn pause(&mut self) -> bool {
        let elapsed = self.started.elapsed();
        let Some(left) = self.options.deadline.checked_sub(elapsed) else {
            return false;
        };
        if left.is_zero() {
            return false;
        }
        // The last pause ends at the deadline, so that one poll happens there.
        tokio::time::sleep(self.next_pause.min(left)).await;
        self.next_pause = self.next_pause.mul_f64(1.5).min(
            self.options
                .max_poll_interval
                .max(self.options.poll_interval),
        );
        true
    }

    fn timeout(&self, method: &http::Method, path: &'static str) -> Error {
        Error::WaitTimeout {
            method: method.clone(),
            path,
            waited: self.options.deadline,
            attempts: self.attempts,
        }
    }
}

/// Polls `poll` until `done` says its value is terminal, and returns that value. An error of a
/// poll ends the wait with that error (each poll already retries what is worth retrying); when
/// the deadline passes first, the error is `Error::WaitTimeout` naming `method` and `path`.
pub async fn wait_until<T, P, F>(
    options: WaitOptions,
    method: http::Method,
    path: &'static str,
    mut poll: P,
    done: fn(&T) -> bool,
) -> Result<T, Error>
where
    P: FnMut() -> F,
    F: Future<Output = Result<T, Error>>,
{
    let mut schedule = Schedule::new(options);
    loop {
        schedule.attempts += 1;
        let value = poll().await?;
        if done(&value) {
            return Ok(value);
        }
        if !schedule.pause().await {
            return Err(schedule.timeout(&method, path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(poll_ms: u64, max_ms: u64, deadline_ms: u64) -> WaitOptions {
        WaitOptions {
            poll_interval: Duration::from_millis(poll_ms),
            max_poll_interval: Duration::from_millis(max_ms),
            deadline: Duration::from_millis(deadline_ms),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn pauses_grow_by_half_up_to_the_longest() {
        let mut schedule = Schedule::new(options(100, 200, 10_000));
        let mut pauses = Vec::new();
        for _ in 0..4 {
            let before = tokio::time::Instant::now();
            assert!(schedule.pause().await);
            pauses.push(before.elapsed().as_millis());
        }
        assert_eq!(pauses, [100, 150, 200, 200]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_last_pause_ends_at_the_deadline() {
        let mut schedule = Schedule::new(options(400, 400, 1_000));
        assert!(schedule.pause().await);
        assert!(schedule.pause().await);
        assert!(schedule.pause().await, "200 ms were left");
        assert_eq!(schedule.started.elapsed(), Duration::from_millis(1_000));
        assert!(!schedule.pause().await);
    }

    #[tokio::test(start_paused = true)]
    async fn returns_the_first_terminal_value_or_times_out() {
        let mut polls = 0;
        let value = wait_until(
            options(10, 10, 1_000),
            http::Method::GET,
            "/jobs/{id}",
            || {
                polls += 1;
                let n = polls;
                async move { Ok::<u32, Error>(n) }
            },
            |n| *n == 3,
        )
        .await
        .unwrap();
        assert_eq!(value, 3);

        let err = wait_until(
            options(10, 10, 35),
            http::Method::GET,
            "/jobs/{id}",
            || async { Ok::<u32, Error>(0) },
            |n| *n == 1,
        )
        .await
        .unwrap_err();
        let Error::WaitTimeout {
            attempts, waited, ..
        } = &err
        else {
            panic!("{err:?}");
        };
        assert_eq!((*attempts, *waited), (5, Duration::from_millis(35)));
        assert_eq!(
            err.to_string(),
            "GET /jobs/{id}: still not done after 35 ms (5 polls)"
        );
    }
}
