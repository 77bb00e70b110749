//! The whole per-file pipeline through the engine's public entry point: a small project whose
//! one fuzzed file (its bytes as they are: not UTF-8, a BOM, NUL bytes all reach the reader)
//! sits beside fixed Python and TypeScript modules, so project rules (TYP, IMP) see it too.
//! Every rule is selected; the facts cache is on. Properties: a run never fails, a second run
//! (its facts from the cache) gives the same outcome, every diagnostic of the fuzzed file
//! points into its text, and every output format renders (JSON and SARIF as valid JSON).
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use plumb_engine::{Overrides, Settings};
use plumb_report::{OutputFormat, RunInfo};

/// Where the fuzzed file goes, picked by the input's length.
const NAMES: [&str; 7] = [
    "pkg/fuzz.py",
    "tests/test_fuzz.py",
    "pkg/fuzz.pyi",
    "web/fuzz.ts",
    "web/fuzz.test.ts",
    "web/fuzz.tsx",
    "web/fuzz.js",
];

const FIXED: [(&str, &str); 5] = [
    ("pkg/__init__.py", ""),
    ("pkg/models.py", "class User:\n    name: str\n"),
    ("tests/conftest.py", "from unittest import mock\n"),
    ("web/types.ts", "export interface User { name: string }\n"),
    (
        "package.json",
        "{\"name\": \"fuzz\", \"version\": \"0.0.0\"}\n",
    ),
];

fn project() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory").keep();
        for (name, text) in FIXED {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    })
}

fn settings(root: &Path) -> Settings {
    let registry = plumb_fuzz::registry();
    let overrides = Overrides {
        isolated: true,
        threads: Some(1),
        select: Some(
            registry
                .iter()
                .map(|rule| rule.meta.code.to_string())
                .collect(),
        ),
        ..Overrides::default()
    };
    Settings::resolve(root, &overrides, registry).expect("the fixed settings resolve")
}

fn run(root: &Path, settings: &Settings) -> plumb_engine::CheckOutcome {
    let mut outcome = plumb_engine::check(&[root.to_path_buf()], settings, plumb_fuzz::registry())
        .expect("a run over a readable project succeeds");
    plumb_engine::gate::evaluate(&mut outcome, settings);
    outcome
}

fuzz_target!(|data: &[u8]| {
    let root = project();
    for name in NAMES {
        let _ = std::fs::remove_file(root.join(name));
    }
    let name = NAMES[data.len() % NAMES.len()];
    std::fs::write(root.join(name), data).expect("the fuzzed file is written");
    let settings = settings(root);
    let outcome = run(root, &settings);
    assert_eq!(run(root, &settings), outcome, "the cached run differs");

    if let Ok(text) = std::str::from_utf8(data) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for diagnostic in &outcome.diagnostics {
            if diagnostic.path.ends_with(name) {
                plumb_fuzz::assert_span(text, &diagnostic.span, &diagnostic.message);
            }
        }
    }
    let info = RunInfo {
        tool_version: "0.0.0".into(),
        rules: Vec::new(),
        working_directory: root.to_string_lossy().into_owned(),
        color: false,
        statistics: false,
    };
    for format in OutputFormat::ALL {
        let rendered = plumb_report::render(format, &outcome, &info);
        if matches!(
            format,
            OutputFormat::Json | OutputFormat::Sarif | OutputFormat::Gitlab
        ) {
            serde_json::from_str::<serde_json::Value>(&rendered)
                .unwrap_or_else(|error| panic!("{format:?} is not JSON: {error}"));
        }
    }
});
