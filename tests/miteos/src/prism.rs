//! Prism (the pinned `@stoplight/prism-cli` of `tests/contract`) as a mock server of the Miteos spec for contract
//! tests.
//!
//! [`shared`] starts `prism mock --errors` on a free loopback port, or hands out the instance that is already
//! running in this test binary. With `--errors` Prism checks every request against the spec and answers 422 with an
//! `sl-violations` header when one is invalid; valid requests get the spec's examples. The last holder of the
//! [`Prism`] handle to drop it kills the process, so a failing (panicking) test does not leave Prism running.
//! Prism serves the spec's paths without the server's `/v1` prefix: use [`Prism::url`] as the client's base URL.

use std::fs::File;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

/// How long Prism may take to load the spec and listen (it usually takes 2 to 5 s).
const START_DEADLINE: Duration = Duration::from_secs(90);

/// The checkout's root (`tests/miteos/../..`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Miteos spec Prism serves.
pub fn spec_path() -> PathBuf {
    repo_root().join("fixtures/miteos/openapi.json")
}

/// A running Prism mock; dropping it kills the process.
#[derive(Debug)]
pub struct Prism {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

impl Prism {
    /// Starts `prism mock --errors` for `spec` on a free port of 127.0.0.1 and waits until it accepts
    /// connections.
    ///
    /// # Panics
    /// When Prism is not installed and `scripts/install-test-tools.sh` cannot install it, exits while
    /// starting or does not listen within 90 s; the message then holds Prism's output.
    pub fn start(spec: &Path) -> Prism {
        let root = repo_root();
        let bin = root.join("tests/contract/node_modules/.bin/prism");
        if !bin.exists() {
            // The project's own script installs the pinned version (npm ci from the committed lock).
            let script = root.join("scripts/install-test-tools.sh");
            let installed = std::process::Command::new("bash")
                .arg(&script)
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
            assert!(
                installed.status.success() && bin.exists(),
                "Prism is not installed ({} is missing) and scripts/install-test-tools.sh failed (it needs Node.js \
                 >= 18.20.1 and npm):\n{}",
                bin.display(),
                String::from_utf8_lossy(&installed.stderr)
            );
        }
        let port = free_port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let log =
            std::env::temp_dir().join(format!("miteos-prism-{}-{port}.log", std::process::id()));
        let out =
            File::create(&log).unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
        let err = out.try_clone().expect("clone the log file handle");
        let child = Command::new(&bin)
            .args([
                "mock",
                "--errors",
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .arg(spec)
            .current_dir(&root)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut prism = Prism { child, addr, log };
        prism.wait_listening();
        prism
    }

    /// The base URL for a client: `http://127.0.0.1:PORT` (no `/v1`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Everything Prism printed so far (its request log with any validation warnings).
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log)
            .unwrap_or_else(|e| format!("(cannot read {}: {e})", self.log.display()))
    }

    fn wait_listening(&mut self) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the Prism process") {
                panic!(
                    "Prism exited while starting ({status}); its output:\n{}",
                    self.output()
                );
            }
            if TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)).is_ok()
                && self.output().contains("Prism is listening")
            {
                return;
            }
            if started.elapsed() > START_DEADLINE {
                panic!(
                    "Prism did not listen on {} within {:?}; its output:\n{}",
                    self.addr,
                    START_DEADLINE,
                    self.output()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // Child::kill sends SIGKILL to this PID only; `prism mock` runs in a single Node process.
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// The Prism instance of this test binary, started on first use for the Miteos spec. Tests hold the `Arc` while
/// they run; Prism stops when the last one drops it (a later test starts it again).
pub fn shared() -> Arc<Prism> {
    static SHARED: Mutex<Weak<Prism>> = Mutex::new(Weak::new());
    // A test that panicked while holding the lock poisoned it; the Weak inside is still sound.
    let mut slot = SHARED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(prism) = slot.upgrade() {
        return prism;
    }
    let prism = Arc::new(Prism::start(&spec_path()));
    *slot = Arc::downgrade(&prism);
    prism
}

/// A port that was free a moment ago (bound to port 0, then released for Prism to take).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}
