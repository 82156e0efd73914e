//! The API diff on real history and on planted changes: each change found, classified as the
//! generated code dictates, and the same whichever way round two specs are compared.
//!
//! `API_DIFF=overwrite cargo test -p sdkgen --test api_diff` rewrites the expected reports of the
//! real pairs (`fixtures/api-diff/<name>/report.json` and `CHANGELOG.md`).

mod planted;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sdkgen::diff::{Bump, Report};
use sdkgen::ir::Api;
use sdkgen::{SdkConfig, load, lower};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn miteos_config() -> SdkConfig {
    SdkConfig::from_path(&root().join("fixtures/miteos/sdk.toml")).expect("the Miteos sdk.toml")
}

fn lower_value(spec: serde_json::Value, config: &SdkConfig) -> Api {
    let loaded = load::from_value(spec, "planted").expect("the spec loads");
    lower::lower(&loaded, config, &lower::LowerOptions::default()).expect("the spec lowers")
}

fn lower_path(path: &Path) -> Api {
    let loaded = load::load_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let config = match SdkConfig::beside(path) {
        Some(c) => SdkConfig::from_path(&c).unwrap(),
        None => SdkConfig::default(),
    };
    lower::lower(&loaded, &config, &lower::LowerOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (kind, location, breaking) of every change.
fn triples(report: &Report) -> Vec<(String, String, bool)> {
    report
        .changes
        .iter()
        .map(|c| (c.kind.to_owned(), c.location.clone(), c.breaking))
        .collect()
}

/// The kind a change has when the two specs are swapped.
fn inverse(kind: &str) -> String {
    if let Some(stem) = kind.strip_suffix("_added") {
        format!("{stem}_removed")
    } else if let Some(stem) = kind.strip_suffix("_removed") {
        format!("{stem}_added")
    } else {
        kind.to_owned()
    }
}

/// `diff(a, b)` and `diff(b, a)` name the same changes, added and removed swapped.
#[track_caller]
fn assert_symmetric(a: &Api, b: &Api, what: &str) {
    let forward: BTreeSet<(String, String)> = sdkgen::diff::diff(a, b)
        .changes
        .iter()
        .map(|c| (inverse(c.kind), c.location.clone()))
        .collect();
    let backward: BTreeSet<(String, String)> = sdkgen::diff::diff(b, a)
        .changes
        .iter()
        .map(|c| (c.kind.to_owned(), c.location.clone()))
        .collect();
    assert_eq!(forward, backward, "{what}: A→B (inverted) and B→A disagree");
}

#[test]
fn every_planted_change_is_found_and_classified() {
    let config = miteos_config();
    let old = lower_value(planted::miteos_spec(), &config);
    for case in planted::cases() {
        let mut spec = planted::miteos_spec();
        (case.plant)(&mut spec);
        let new = lower_value(spec, &config);
        let report = sdkgen::diff::diff(&old, &new);
        let expected: Vec<(String, String, bool)> = case
            .changes
            .iter()
            .map(|(k, l, b)| (k.to_string(), l.to_string(), *b))
            .collect();
        assert_eq!(
            triples(&report),
            expected,
            "planted `{}`:\n{}",
            case.name,
            report.changelog()
        );
        let bump = if case.breaking() {
            Bump::Minor
        } else {
            Bump::Patch
        };
        assert_eq!(
            report.bump, bump,
            "planted `{}`: the bump of 0.1.0",
            case.name
        );
        assert_eq!(
            report.is_breaking(),
            case.breaking(),
            "planted `{}`",
            case.name
        );
        for change in &report.changes {
            assert!(
                change.detail.contains(if change.breaking {
                    "breaking: "
                } else {
                    "compatible"
                }),
                "planted `{}`: the detail gives the reason: {}",
                case.name,
                change.detail
            );
        }
    }
}

/// A small deterministic generator (xorshift64*) for the property tests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Random sets of planted changes applied together: every spec compared with itself reports
/// nothing, and every pair agrees with itself swapped.
#[test]
fn property_self_diff_is_empty_and_swapping_inverts() {
    let config = miteos_config();
    let cases = planted::cases();
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let mut specs = Vec::new();
    for _ in 0..12 {
        let mut spec = planted::miteos_spec();
        let mut applied = Vec::new();
        for case in &cases {
            if rng.next() % 3 == 0 {
                // Planted changes that edit the same place may not combine; keep what applies.
                let before = spec.clone();
                let plant = case.plant;
                let result = std::panic::catch_unwind(move || {
                    let mut s = before;
                    plant(&mut s);
                    s
                });
                if let Ok(s) = result {
                    spec = s;
                    applied.push(case.name);
                }
            }
        }
        specs.push((applied, lower_value(spec, &config)));
    }
    for (applied, api) in &specs {
        let report = sdkgen::diff::diff(api, api);
        assert!(
            report.changes.is_empty() && report.bump == Bump::None,
            "{applied:?} compared with itself: {}",
            report.changelog()
        );
    }
    for pair in specs.windows(2) {
        let ((a_name, a), (b_name, b)) = (&pair[0], &pair[1]);
        assert_symmetric(a, b, &format!("{a_name:?} vs {b_name:?}"));
    }
    let pinned = lower_value(planted::miteos_spec(), &config);
    for (applied, api) in &specs {
        assert_symmetric(&pinned, api, &format!("pinned vs {applied:?}"));
    }
}

/// The real specs beside the repository (the smaller ones: the big ones take long to lower in a
/// debug build) and every fixture, each compared with itself, report nothing.
#[test]
fn real_specs_compared_with_themselves_report_nothing() {
    let mut paths = vec![root().join("fixtures/miteos/openapi.json")];
    for dir in ["../shared/specs", "fixtures/api-diff", "fixtures/snapshots"] {
        let Ok(entries) = walk(&root().join(dir)) else {
            continue;
        };
        let base = root().join(dir);
        paths.extend(entries.into_iter().filter(|p| {
            // A spec sits in its case's folder; deeper files are parts of multi-file specs.
            let depth = p.strip_prefix(&base).map_or(0, |r| r.components().count());
            depth <= 2 && std::fs::metadata(p).is_ok_and(|m| m.len() <= 500_000)
        }));
    }
    let mut compared = 0;
    for path in &paths {
        let Ok(loaded) = load::load_path(path) else {
            continue; // specs the generator refuses are the reader's tests, not these
        };
        let Ok(api) = lower::lower(&loaded, &SdkConfig::default(), &Default::default()) else {
            continue;
        };
        let report = sdkgen::diff::diff(&api, &api);
        assert!(
            report.changes.is_empty(),
            "{}: {}",
            path.display(),
            report.changelog()
        );
        compared += 1;
    }
    assert!(compared >= 15, "compared only {compared} of {paths:?}");
}

fn walk(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(walk(&path)?);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("json" | "yaml" | "yml")
        ) && !path.ends_with("report.json")
        {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// Compares the real pair `fixtures/api-diff/<name>` with its expected report.
#[track_caller]
fn real_pair(name: &str) -> Report {
    let dir = root().join("fixtures/api-diff").join(name);
    let (old, new) = (
        lower_path(&dir.join("old.json")),
        lower_path(&dir.join("new.json")),
    );
    let report = sdkgen::diff::diff(&old, &new);
    assert_symmetric(&old, &new, name);
    let json = serde_json::to_string_pretty(&report.to_json()).unwrap() + "\n";
    let changelog = report.changelog();
    for (file, actual) in [("report.json", &json), ("CHANGELOG.md", &changelog)] {
        let path = dir.join(file);
        if std::env::var("API_DIFF").as_deref() == Ok("overwrite") {
            std::fs::write(&path, actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            expected.replace("\r\n", "\n") == *actual,
            "{name}: {} differs; run `API_DIFF=overwrite cargo test -p sdkgen --test api_diff` \
             and review the diff\n{}",
            path.display(),
            sdkgen::output::unified_diff(&expected, actual, file)
        );
    }
    report
}

fn has(report: &Report, kind: &str, location: &str, breaking: bool) -> bool {
    report
        .changes
        .iter()
        .any(|c| c.kind == kind && c.location == location && c.breaking == breaking)
}

#[test]
fn swagger_generator_2_4_2_to_2_4_31() {
    let report = real_pair("swagger-generator");
    assert_eq!(report.bump, Bump::Minor);
    assert!(has(&report, "type_added", "types::UrlMatcher", false));
    assert!(has(
        &report,
        "field_added",
        "types::GeneratorInput.using_flatten_spec",
        false
    ));
    assert!(has(
        &report,
        "enum_value_removed",
        "types::ClientsGetOptionsLanguage::ScalaGatling",
        true
    ));
    assert!(has(
        &report,
        "enum_value_added",
        "types::ClientsGetOptionsLanguage::Swift5",
        true
    ));
}

#[test]
fn google_webfonts_two_releases() {
    let report = real_pair("google-webfonts");
    assert_eq!(report.bump, Bump::Minor);
    let list = "client.webfonts().list()";
    assert!(has(
        &report,
        "response_type_changed",
        &format!("{list}.send()"),
        true
    ));
    assert!(has(&report, "operation_endpoint_changed", list, false));
    assert!(has(
        &report,
        "parameter_removed",
        &format!("{list}.user_ip()"),
        true
    ));
    assert!(has(
        &report,
        "parameter_added",
        &format!("{list}.family()"),
        false
    ));
    // Upper-cased wire values keep their variants.
    assert!(has(
        &report,
        "enum_value_wire_changed",
        "types::WebfontsListSort::Alpha",
        false
    ));
}

#[test]
fn the_json_report_has_the_documented_shape() {
    let config = miteos_config();
    let old = lower_value(planted::miteos_spec(), &config);
    let mut spec = planted::miteos_spec();
    let case = planted::cases()
        .into_iter()
        .find(|c| c.name == "new-enum-value")
        .unwrap();
    (case.plant)(&mut spec);
    let json = sdkgen::diff::diff(&old, &lower_value(spec, &config)).to_json();
    assert_eq!(json["bump"], "minor");
    let change = &json["changes"][0];
    let keys: Vec<&str> = change
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["kind", "breaking", "location", "detail"]);
    assert_eq!(change["kind"], "enum_value_added");
    assert_eq!(change["breaking"], true);
    assert_eq!(change["location"], "types::TaskStatus::Archived");
}

#[test]
fn from_1_0_additions_are_minor_and_breaks_major() {
    let config = SdkConfig::parse(
        &std::fs::read_to_string(root().join("fixtures/miteos/sdk.toml"))
            .unwrap()
            .replace("[package]", "[package]\nversion = \"1.4.2\""),
        Path::new("sdk.toml"),
    )
    .unwrap();
    let old = lower_value(planted::miteos_spec(), &config);
    let bump_of = |name: &str| {
        let case = planted::cases()
            .into_iter()
            .find(|c| c.name == name)
            .unwrap();
        let mut spec = planted::miteos_spec();
        (case.plant)(&mut spec);
        let report = sdkgen::diff::diff(&old, &lower_value(spec, &config));
        (report.bump, report.next_version())
    };
    assert_eq!(
        bump_of("new-operation"),
        (Bump::Minor, Some("1.5.0".into()))
    );
    assert_eq!(bump_of("server"), (Bump::Patch, Some("1.4.3".into())));
    assert_eq!(
        bump_of("removed-operation"),
        (Bump::Major, Some("2.0.0".into()))
    );
}
