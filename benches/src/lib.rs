//! Helpers shared by the benchmark binaries in `benches/benches/`: an allocation-counting allocator, memory
//! figures from `/proc/self/status`, medians and the repository root.
//!
//! The benchmarks are hand-written harnesses (`harness = false`) that print tables; run them with
//! `cargo bench -p sdk-benches` (all) or `cargo bench -p sdk-benches --bench NAME`.
#![deny(missing_docs)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A `System` allocator that counts allocations (and bytes asked for) made on threads that opted in with
/// [`count_this_thread`]. Declare it in a bench binary:
///
/// ```
/// use sdk_benches::{AllocCount, CountingAlloc};
///
/// #[global_allocator]
/// static ALLOC: CountingAlloc = CountingAlloc;
///
/// fn main() {
///     sdk_benches::count_this_thread();
///     let before = AllocCount::now();
///     let v = std::hint::black_box(vec![0u8; 100]);
///     let counted = AllocCount::since(before);
///     assert!(counted.allocations >= 1 && counted.bytes >= 100);
///     drop(v);
/// }
/// ```
///
/// Counting per thread keeps a loopback server running on another thread out of the client's figures.
pub struct CountingAlloc;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn record(size: usize) {
    // `try_with`: the allocator may be called while thread-locals are being torn down.
    if COUNTED.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        ALLOCATED_BYTES.fetch_add(size as u64, Ordering::Relaxed);
    }
}

// SAFETY: every method forwards to `System` unchanged; counting touches only atomics and a const thread-local
// without a destructor, neither of which allocates.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: same contract as ours.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A realloc may move the block: count it as an allocation, as heaptrack and dhat do.
        record(new_size);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Counts the allocations of the calling thread from now on (see [`CountingAlloc`]).
pub fn count_this_thread() {
    COUNTED.with(|c| c.set(true));
}

/// Allocations and bytes counted so far, over all counted threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllocCount {
    /// Number of `alloc`, `alloc_zeroed` and `realloc` calls.
    pub allocations: u64,
    /// Bytes asked for by those calls.
    pub bytes: u64,
}

impl AllocCount {
    /// The counts now.
    pub fn now() -> Self {
        AllocCount {
            allocations: ALLOCATIONS.load(Ordering::Relaxed),
            bytes: ALLOCATED_BYTES.load(Ordering::Relaxed),
        }
    }

    /// What was counted since `earlier`.
    pub fn since(earlier: AllocCount) -> Self {
        let now = Self::now();
        AllocCount {
            allocations: now.allocations - earlier.allocations,
            bytes: now.bytes - earlier.bytes,
        }
    }
}

/// A field of `/proc/self/status` in KiB (`VmHWM`: peak resident set, `VmRSS`: resident set now); `None`
/// where there is no procfs.
pub fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status
        .lines()
        .find(|l| l.split(':').next() == Some(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Peak resident set size so far (`VmHWM`), in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    proc_status_kib("VmHWM")
}

/// Resident set size now (`VmRSS`), in KiB.
pub fn rss_kib() -> Option<u64> {
    proc_status_kib("VmRSS")
}

/// Resets the peak resident set size to the current one (Linux `clear_refs` value 5); `false` when the kernel
/// does not allow it, in which case `VmHWM` stays the peak since the process started.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// CPU time the calling thread has used so far, in nanoseconds (first field of `/proc/thread-self/schedstat`);
/// `None` where there is no such file. Unlike wall-clock time it hardly moves when other processes compete for
/// the cores, so it measures a client's own work even on a busy machine.
pub fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Marks the start of a measured stretch for `valgrind --tool=callgrind --dump-before=sdk_benches_boundary`:
/// callgrind writes the counts gathered since the previous boundary each time this is called, so one run
/// yields the instructions of every row, each thread on its own with `--separate-threads=yes`
/// (`benches/callgrind.sh` runs it and prints instructions per call). Costs a call anywhere else.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn sdk_benches_boundary() {
    std::hint::black_box(());
}

/// KiB as MiB with one decimal, or `?` when unknown.
pub fn mib(kib: Option<u64>) -> String {
    match kib {
        Some(kib) => format!("{:.1}", kib as f64 / 1024.0),
        None => "?".to_owned(),
    }
}

/// The median of `values` (the mean of the middle two for an even count); 0 for none.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The median of durations.
pub fn median_duration(values: &[Duration]) -> Duration {
    let secs: Vec<f64> = values.iter().map(Duration::as_secs_f64).collect();
    Duration::from_secs_f64(median(&secs))
}

/// The repository root (the parent of this crate's folder).
pub fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// A positive integer from environment variable `name`, else `default` (lets a run be made longer or
/// shorter without editing the bench).
pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[]), 0.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn procfs_fields_parse() {
        if std::path::Path::new("/proc/self/status").exists() {
            assert!(peak_rss_kib().unwrap() > 0);
            assert!(rss_kib().unwrap() > 0);
        }
        // schedstat needs a kernel built with CONFIG_SCHED_INFO; where it exists, it counts.
        if let Some(first) = thread_cpu_ns() {
            let busy: u64 = (0..100_000u64).map(std::hint::black_box).sum();
            assert!(busy > 0);
            assert!(thread_cpu_ns().unwrap() >= first);
        }
    }
}
