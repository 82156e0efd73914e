//! Secrets are wiped before their memory goes back to the allocator: an allocator that looks at
//! every block it gets back finds neither an API key's text nor a webhook key's decoded bytes.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use base64::Engine as _;
use sdkgen_runtime::Secret;
use sdkgen_runtime::webhooks::Webhook;

/// Counts freed blocks that still hold [`MARKER`] while [`WATCHING`] is set.
struct Inspecting;

static WATCHING: AtomicBool = AtomicBool::new(false);
static FOUND: AtomicUsize = AtomicUsize::new(0);

/// Bytes that appear nowhere but in the secrets under test (ASCII, so they also make a string).
const MARKER: &[u8] = b"q7VxW3pL0sK9mNdR2tYb";

unsafe impl GlobalAlloc for Inspecting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if WATCHING.load(Ordering::SeqCst) {
            // SAFETY: the block is still allocated and `layout.size()` bytes long.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if block.windows(MARKER.len()).any(|w| w == MARKER) {
                FOUND.fetch_add(1, Ordering::SeqCst);
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Inspecting = Inspecting;

/// How many freed blocks held the marker while `f` ran.
fn freed_with_marker(f: impl FnOnce()) -> usize {
    FOUND.store(0, Ordering::SeqCst);
    WATCHING.store(true, Ordering::SeqCst);
    f();
    WATCHING.store(false, Ordering::SeqCst);
    FOUND.load(Ordering::SeqCst)
}

fn marker_string() -> String {
    let mut text = String::with_capacity(64);
    text.push_str("sk-live-");
    text.push_str(std::str::from_utf8(MARKER).unwrap());
    text
}

// One test function: the checks share the allocator's counters.
#[test]
fn secrets_are_zeroed_before_they_are_freed() {
    // The inspection works: a plain string holding the marker is found when freed.
    assert_eq!(freed_with_marker(|| drop(marker_string())), 1);

    // An API key.
    assert_eq!(
        freed_with_marker(|| {
            let secret = Secret::new(marker_string());
            let copy = secret.clone();
            assert!(
                copy.expose()
                    .ends_with(std::str::from_utf8(MARKER).unwrap())
            );
            drop(secret);
            drop(copy);
        }),
        0
    );

    // A webhook secret: the decoded key bytes are the marker.
    let text = format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(MARKER)
    );
    assert_eq!(
        freed_with_marker(|| {
            let webhook = Webhook::<serde_json::Value>::new(&text).unwrap();
            let copy = webhook.clone();
            let signature = copy.sign("msg_1", 1_700_000_000, b"{}");
            assert!(signature.starts_with("v1,"));
            drop(webhook);
            drop(copy);
        }),
        0
    );
}
