//! The documents of a corpus: the spec folders of `../shared/specs` or the bundled JSON files of the
//! APIs-guru directory, each with a stable id, a crate name and the facts sampling needs; seeded
//! sampling without a random-number crate.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// One document of a corpus.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Stable id: the folder name (`github`) or the path under the directory's `api/`
    /// (`github.com/api.github.com.json`).
    pub id: String,
    /// The entry file.
    pub path: PathBuf,
    /// The package name of its generated crate (also its folder name).
    pub crate_name: String,
    /// How the spec is named in `@generated` headers.
    pub label: String,
    /// Size of the entry file in bytes.
    pub bytes: u64,
    /// The declared `openapi` version (`3.0.3`), or empty when it could not be seen cheaply.
    pub version: String,
}

impl Doc {
    /// Whether the document declares OpenAPI 3.1.
    pub fn is_31(&self) -> bool {
        self.version.starts_with("3.1")
    }
}

/// The spec file of a corpus folder: `specification/*.yaml` for a multi-file tree, else the one
/// JSON or YAML file in it.
pub fn entry_point(dir: &Path) -> Result<PathBuf> {
    let spec_dir = dir.join("specification");
    let search = if spec_dir.is_dir() {
        spec_dir
    } else {
        dir.to_owned()
    };
    let mut candidates: Vec<PathBuf> = std::fs::read_dir(&search)
        .with_context(|| format!("cannot list {}", search.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("json" | "yaml" | "yml")
                )
        })
        .collect();
    candidates.sort();
    match candidates.len() {
        1 => Ok(candidates.remove(0)),
        0 => bail!("no *.json or *.yaml spec in {}", search.display()),
        _ => {
            // A multi-file tree: the file that declares `openapi:` at its top.
            for c in &candidates {
                let text = std::fs::read_to_string(c).unwrap_or_default();
                if text
                    .lines()
                    .take(5)
                    .any(|l| l.starts_with("openapi:") || l.contains("\"openapi\""))
                {
                    return Ok(c.clone());
                }
            }
            bail!(
                "several spec files in {} and none declares `openapi`",
                search.display()
            )
        }
    }
}

/// The spec folders of `../shared/specs` (one document each).
pub fn shared_specs(specs: &Path) -> Result<Vec<Doc>> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(specs)
        .with_context(|| format!("cannot list {}", specs.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut docs = Vec::new();
    for dir in dirs {
        let id = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let path = entry_point(&dir)?;
        let label = format!(
            "../shared/specs/{id}/{}",
            path.strip_prefix(&dir).unwrap_or(&path).display()
        );
        docs.push(Doc {
            crate_name: format!("corpus-{}", slug(&id)),
            bytes: std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
            version: declared_version(&path),
            id,
            path,
            label,
        });
    }
    Ok(docs)
}

/// Every `*.json` document under the directory's `api/` folder, by id.
pub fn directory(api: &Path, package: &str) -> Result<Vec<Doc>> {
    let mut files = Vec::new();
    collect_json(api, &mut files)?;
    files.sort();
    let mut used = BTreeSet::new();
    let mut docs = Vec::new();
    for path in files {
        let id = path
            .strip_prefix(api)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let base = format!("dir-{}", slug(id.strip_suffix(".json").unwrap_or(&id)));
        // Distinct ids can slug alike (`a.b/c` and `a-b/c`): later ones get a number.
        let mut crate_name = base.clone();
        let mut n = 2;
        while !used.insert(crate_name.clone()) {
            crate_name = format!("{base}-{n}");
            n += 1;
        }
        docs.push(Doc {
            label: format!("{package}/api/{id}"),
            bytes: std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
            version: declared_version(&path),
            crate_name,
            id,
            path,
        });
    }
    Ok(docs)
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_json(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// A package-name-safe form of an id: ASCII alphanumerics lowercased, every run of other
/// characters one `-`.
pub fn slug(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// The `openapi` version a document declares, read from its first 8 KiB (bundled JSON and YAML
/// both put it near the top); empty when not found there. Used for sampling only.
pub fn declared_version(path: &Path) -> String {
    let mut head = vec![0u8; 8192];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let text = String::from_utf8_lossy(&head[..n]);
    for key in ["\"openapi\"", "openapi"] {
        let Some(at) = text.find(key) else { continue };
        let rest = text[at + key.len()..].trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let value: String = rest
            .trim_start()
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if !value.is_empty() {
            return value;
        }
    }
    String::new()
}

/// splitmix64: a small, well-mixed, seedable generator; the same seed gives the same sample on
/// every machine.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform index below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        // Rejection sampling keeps the choice unbiased.
        let n = n as u64;
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next_u64();
            if x < zone {
                return (x % n) as usize;
            }
        }
    }
}

/// `n` items of `items` picked at random with `seed`, in their original order.
pub fn sample<T: Clone>(items: &[T], n: usize, seed: u64) -> Vec<T> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    let mut rng = Rng::new(seed);
    // Fisher–Yates, stopped after `n` places.
    let n = n.min(items.len());
    for i in 0..n {
        let j = i + rng.below(order.len() - i);
        order.swap(i, j);
    }
    let mut picked: Vec<usize> = order[..n].to_vec();
    picked.sort_unstable();
    picked.into_iter().map(|i| items[i].clone()).collect()
}

/// The stratified check sample: every 3.1 document, then the `largest` biggest documents of at
/// most `max_bytes`, then documents at random (`seed`) until there are `n`. Returns ids, each with
/// the stratum that chose it.
pub fn stratified(
    candidates: &[&Doc],
    n: usize,
    largest: usize,
    max_bytes: u64,
    seed: u64,
) -> BTreeMap<String, &'static str> {
    let mut chosen: BTreeMap<String, &'static str> = BTreeMap::new();
    for d in candidates.iter().filter(|d| d.is_31()) {
        chosen.insert(d.id.clone(), "3.1");
    }
    let mut by_size: Vec<&&Doc> = candidates
        .iter()
        .filter(|d| d.bytes <= max_bytes && !chosen.contains_key(&d.id))
        .collect();
    by_size.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.id.cmp(&b.id)));
    for d in by_size.into_iter().take(largest) {
        chosen.insert(d.id.clone(), "largest");
    }
    let rest: Vec<&Doc> = candidates
        .iter()
        .copied()
        .filter(|d| !chosen.contains_key(&d.id))
        .collect();
    let wanted = n.saturating_sub(chosen.len());
    for d in sample(&rest, wanted, seed) {
        chosen.insert(d.id.clone(), "random");
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_package_names() {
        assert_eq!(
            slug("github.com/api.github.com"),
            "github-com-api-github-com"
        );
        assert_eq!(
            slug("amazonaws.com/AWSMigrationHub"),
            "amazonaws-com-awsmigrationhub"
        );
        assert_eq!(slug("1forge.com"), "1forge-com");
        assert_eq!(slug("a__b..c"), "a-b-c");
    }

    #[test]
    fn a_seed_gives_the_same_sample_and_another_seed_another() {
        let items: Vec<u32> = (0..1000).collect();
        let a = sample(&items, 50, 7);
        assert_eq!(a, sample(&items, 50, 7));
        assert_ne!(a, sample(&items, 50, 8));
        assert_eq!(a.len(), 50);
        assert!(
            a.windows(2).all(|w| w[0] < w[1]),
            "kept in order, no repeats"
        );
        assert_eq!(sample(&items[..3], 10, 1), vec![0, 1, 2]);
    }

    #[test]
    fn rng_below_stays_in_range() {
        let mut rng = Rng::new(1);
        let mut seen = [0usize; 3];
        for _ in 0..3000 {
            seen[rng.below(3)] += 1;
        }
        assert!(seen.iter().all(|&c| c > 800), "{seen:?}");
    }

    fn doc(id: &str, bytes: u64, version: &str) -> Doc {
        Doc {
            id: id.into(),
            path: PathBuf::from(id),
            crate_name: slug(id),
            label: id.into(),
            bytes,
            version: version.into(),
        }
    }

    #[test]
    fn the_stratified_sample_has_every_31_document_the_largest_that_fit_and_random_ones() {
        let docs: Vec<Doc> = (0..100)
            .map(|i| {
                doc(
                    &format!("d{i:03}"),
                    i * 10,
                    if i % 25 == 0 { "3.1.0" } else { "3.0.3" },
                )
            })
            .collect();
        let refs: Vec<&Doc> = docs.iter().collect();
        let chosen = stratified(&refs, 20, 3, 950, 42);
        assert_eq!(chosen.len(), 20);
        for id in ["d000", "d025", "d050", "d075"] {
            assert_eq!(chosen[id], "3.1");
        }
        // d099 (990 bytes) and d096 (960) do not fit under 950; d095, d094, d093 are the largest that do.
        for id in ["d095", "d094", "d093"] {
            assert_eq!(chosen[id], "largest", "{id}");
        }
        assert!(!chosen.contains_key("d099"));
        assert_eq!(chosen.values().filter(|s| **s == "random").count(), 13);
        assert_eq!(chosen, stratified(&refs, 20, 3, 950, 42));
    }

    #[test]
    fn the_declared_version_is_read_from_json_and_yaml() {
        let dir = std::env::temp_dir().join(format!("corpus-version-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let json = dir.join("a.json");
        std::fs::write(&json, r#"{"openapi": "3.1.0","info":{}}"#).unwrap();
        let yaml = dir.join("b.yaml");
        std::fs::write(&yaml, "openapi: '3.0.3'\ninfo: {}\n").unwrap();
        let none = dir.join("c.json");
        std::fs::write(&none, r#"{"swagger":"2.0"}"#).unwrap();
        assert_eq!(declared_version(&json), "3.1.0");
        assert_eq!(declared_version(&yaml), "3.0.3");
        assert_eq!(declared_version(&none), "");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
