//! The baseline end to end with the real binary: `plumb baseline` writes it, `plumb check
//! --baseline` fails only on new violations, fixed ones make it stale, fingerprints survive
//! lines added above and reformatting, and a broken baseline is an exit-2 error that says where.

mod common;

use std::path::Path;

use common::{json, plumb, repo_root, run_in, stderr, stdout};

/// A small project with violations of many rules: TYP001, IMP001, MCK001 (three, two of them
/// identical), SUP002, SYN001 and IO001, in Python and TypeScript.
const ORIGINAL: &[(&str, &str)] = &[
    (
        "pyproject.toml",
        "[project]\nname = \"demo\"\ndependencies = []\n",
    ),
    ("app/__init__.py", ""),
    ("app/models.py", "class User:\n    name: str = 'x'\n"),
    (
        "app/other.py",
        "from app.models import User as Base\n\n\nclass User:\n    pass\n",
    ),
    (
        "app/main.py",
        "import os\nfrom app.missing_module import helper, other_helper, third_helper, fourth_helper\n\n\ndef run():\n    return os.getcwd()  # plumb: ignore[IMP001]: nothing to suppress on this line\n",
    ),
    ("app/broken.py", "def f(:\n    pass\n"),
    (
        "tests/test_api.py",
        "from unittest.mock import patch, MagicMock\n\n\nclass TestApi:\n    def test_a(self):\n        with patch('app.main.run', return_value={'a': 1, 'b': [1, 2]}):\n            pass\n\n    def test_b(self):\n        first = MagicMock()\n        second = MagicMock()\n        assert first is not second\n",
    ),
    (
        "web/app.ts",
        "import { x } from './missing'\nexport const y = x\n",
    ),
    (
        "web/app.test.ts",
        "jest.mock('./app', () => ({y: jest.fn(v => [v,])}))\ntest('y', () => {})\n",
    ),
];

/// The same files after lines were added at the top and a formatter ran (what `ruff format`
/// and prettier write: double quotes, exploded calls with trailing commas, wrapping
/// parentheses, semicolons). `app/broken.py` cannot be formatted: it only gets the lines.
const REFORMATTED: &[(&str, &str)] = &[
    (
        "app/models.py",
        "\"\"\"Models.\"\"\"\n\n# Added above.\n\n\nclass User:\n    name: str = \"x\"\n",
    ),
    (
        "app/other.py",
        "\"\"\"Other.\"\"\"\n\nfrom app.models import User as Base\n\n\nclass User:\n    pass\n",
    ),
    (
        "app/main.py",
        "\"\"\"Main.\"\"\"\n\nimport os\nfrom app.missing_module import (\n    helper,\n    other_helper,\n    third_helper,\n    fourth_helper,\n)\n\n\ndef run():\n    return os.getcwd()  # plumb: ignore[IMP001]: nothing to suppress on this line\n",
    ),
    (
        "app/broken.py",
        "# Added above.\n# And again.\ndef f(:\n    pass\n",
    ),
    (
        "tests/test_api.py",
        "\"\"\"Tests.\"\"\"\n\nfrom unittest.mock import patch, MagicMock\n\n\nclass TestApi:\n    def test_a(self):\n        with patch(\n            \"app.main.run\",\n            return_value={\"a\": 1, \"b\": [1, 2]},\n        ):\n            pass\n\n    def test_b(self):\n        first = MagicMock()\n        second = MagicMock()\n        assert first is not second\n",
    ),
    (
        "web/app.ts",
        "// Added above.\n\nimport { x } from \"./missing\";\nexport const y = x;\n",
    ),
    (
        "web/app.test.ts",
        "// Added above.\n\njest.mock(\"./app\", () => ({\n  y: jest.fn((v) => [v]),\n}));\ntest(\"y\", () => {});\n",
    ),
];

/// The project in a fresh temporary directory (with a file that is not UTF-8: IO001).
fn project() -> (tempfile::TempDir, std::path::PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().canonicalize().unwrap().join("demo");
    write_files(&root, ORIGINAL);
    std::fs::write(root.join("app/latin1.py"), b"name = '\xe9t\xe9'\n").unwrap();
    (temp, root)
}

fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn check(root: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["check", "--output-format", "json", "--no-cache"];
    all.extend_from_slice(args);
    plumb()
        .current_dir(root)
        .env_remove("CI")
        .args(&all)
        .output()
        .unwrap()
}

fn write_baseline(root: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["baseline", "--no-cache"];
    all.extend_from_slice(args);
    run_in(root, &all)
}

fn baseline_counts(document: &serde_json::Value) -> (u64, u64, usize) {
    let baseline = &document["summary"]["baseline"];
    (
        baseline["new"].as_u64().unwrap(),
        baseline["known"].as_u64().unwrap(),
        baseline["fixed"].as_array().unwrap().len(),
    )
}

fn codes(document: &serde_json::Value) -> Vec<String> {
    let mut codes: Vec<String> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn lines_added_above_and_reformatting_leave_every_violation_known() {
    let (_temp, root) = project();
    let written = write_baseline(&root, &[]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    let before = json(&check(&root, &[]));
    assert_eq!(
        codes(&before),
        ["IMP001", "IO001", "MCK001", "SUP002", "SYN001", "TYP001"]
    );
    let count = before["diagnostics"].as_array().unwrap().len() as u64;

    write_files(&root, REFORMATTED);
    let output = check(&root, &["--baseline", ".plumb-baseline.json"]);
    let after = json(&output);
    // Every violation is still there, on other lines, and the baseline knows each one.
    let lines_moved = after["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .zip(before["diagnostics"].as_array().unwrap())
        .any(|(a, b)| a["line"] != b["line"]);
    assert!(lines_moved);
    assert_eq!(
        baseline_counts(&after),
        (0, count, 0),
        "{}",
        stdout(&output)
    );
    assert_eq!(output.status.code(), Some(0));

    // Editing the offending code does change it: one new, one fixed.
    let test_api = root.join("tests/test_api.py");
    let text = std::fs::read_to_string(&test_api).unwrap();
    std::fs::write(&test_api, text.replace("app.main.run", "app.main.other")).unwrap();
    let output = check(&root, &["--baseline", ".plumb-baseline.json"]);
    assert_eq!(baseline_counts(&json(&output)), (1, count - 1, 1));
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn only_new_violations_are_listed_and_fail() {
    let (_temp, root) = project();
    assert_eq!(write_baseline(&root, &[]).status.code(), Some(0));
    let known = run_in(
        &root,
        &["check", "--no-cache", "--baseline", ".plumb-baseline.json"],
    );
    assert_eq!(known.status.code(), Some(0), "{}", stdout(&known));
    insta::assert_snapshot!("all_known", stdout(&known));

    std::fs::write(
        root.join("tests/test_new.py"),
        "from unittest.mock import MagicMock\n\n\ndef test_new():\n    MagicMock()\n",
    )
    .unwrap();
    let new = run_in(
        &root,
        &["check", "--no-cache", "--baseline", ".plumb-baseline.json"],
    );
    assert_eq!(new.status.code(), Some(1));
    insta::assert_snapshot!("one_new", stdout(&new));
}

#[test]
fn fixed_violations_make_the_baseline_stale_and_fail_in_ci() {
    let (_temp, root) = project();
    assert_eq!(write_baseline(&root, &[]).status.code(), Some(0));
    std::fs::write(root.join("app/broken.py"), "def f():\n    pass\n").unwrap();
    let args = ["check", "--no-cache", "--baseline", ".plumb-baseline.json"];
    let run = |extra: &[&str], ci: Option<&str>| {
        let mut command = plumb();
        command.current_dir(&root).args(args).args(extra);
        match ci {
            Some(value) => command.env("CI", value),
            None => command.env_remove("CI"),
        };
        command.output().unwrap()
    };
    let local = run(&[], None);
    assert_eq!(local.status.code(), Some(0), "{}", stdout(&local));
    insta::assert_snapshot!("stale", stdout(&local));
    let strict = run(&["--fail-on-stale-baseline"], None);
    assert_eq!(strict.status.code(), Some(1));
    assert!(
        stdout(&strict).contains(
            "Failed: stale baseline: .plumb-baseline.json lists 1 violation(s) that no longer occur"
        ),
        "{}",
        stdout(&strict)
    );
    assert_eq!(run(&[], Some("true")).status.code(), Some(1));
    assert_eq!(
        run(&["--no-fail-on-stale-baseline"], Some("true"))
            .status
            .code(),
        Some(0)
    );

    // --update shrinks it; then the run is clean, in CI too.
    let updated = write_baseline(&root, &["--update"]);
    assert_eq!(updated.status.code(), Some(0), "{}", stderr(&updated));
    assert!(
        stdout(&updated).contains("1 fixed removed, 0 new added"),
        "{}",
        stdout(&updated)
    );
    assert_eq!(run(&[], Some("true")).status.code(), Some(0));
}

#[test]
fn checking_some_files_judges_only_their_entries() {
    let (_temp, root) = project();
    assert_eq!(write_baseline(&root, &[]).status.code(), Some(0));
    let output = check(
        &root,
        &["--baseline", ".plumb-baseline.json", "tests/test_api.py"],
    );
    let document = json(&output);
    assert_eq!(baseline_counts(&document), (0, 3, 0));
    // A rule that did not run judges nothing either.
    let output = check(
        &root,
        &["--baseline", ".plumb-baseline.json", "--select", "SYN"],
    );
    assert_eq!(baseline_counts(&json(&output)), (0, 1, 0));

    // Updating from a subset keeps the other files' entries.
    let before = std::fs::read_to_string(root.join(".plumb-baseline.json")).unwrap();
    std::fs::write(root.join("app/broken.py"), "def f():\n    pass\n").unwrap();
    let updated = write_baseline(&root, &["--update", "tests/test_api.py"]);
    assert_eq!(updated.status.code(), Some(0), "{}", stderr(&updated));
    let after = std::fs::read_to_string(root.join(".plumb-baseline.json")).unwrap();
    assert_eq!(before, after);
}

#[test]
fn the_baseline_file_is_sorted_versioned_and_refuses_to_grow() {
    let (_temp, root) = project();
    let first = write_baseline(&root, &["--threads", "1"]);
    assert_eq!(first.status.code(), Some(0));
    assert!(
        stdout(&first).starts_with("Wrote .plumb-baseline.json: 10 entries"),
        "{}",
        stdout(&first)
    );
    let text = std::fs::read_to_string(root.join(".plumb-baseline.json")).unwrap();
    assert!(text.starts_with("{\n  \"version\": 1,\n  \"tool\": \"plumb\",\n  \"entries\": [\n"));
    assert!(text.ends_with("]\n}\n"));
    assert!(!text.contains("\"line\""));
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<(String, String, String, String)> = document["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let field = |name: &str| e[name].as_str().unwrap().to_string();
            (
                field("path"),
                field("code"),
                field("symbol"),
                field("fingerprint"),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(
        keys.iter()
            .any(|k| k.0 == "tests/test_api.py" && k.2 == "TestApi::test_b")
    );

    // It exists: refused. Rewritten with other thread counts: byte-identical.
    let again = write_baseline(&root, &[]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("--update"), "{}", stderr(&again));
    let same = write_baseline(&root, &["--update", "--threads", "4"]);
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(root.join(".plumb-baseline.json")).unwrap(),
        text
    );

    // A new violation: --update refuses and lists it; --allow-new adds it.
    std::fs::write(root.join("web/more.ts"), "import { z } from './nowhere'\n").unwrap();
    let refused = write_baseline(&root, &["--update"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("1 violation(s) are not in it")
            && stderr(&refused).contains("web/more.ts: IMP001"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".plumb-baseline.json")).unwrap(),
        text
    );
    let allowed = write_baseline(&root, &["--update", "--allow-new"]);
    assert_eq!(allowed.status.code(), Some(0));
    assert!(
        stdout(&allowed).contains("11 entries"),
        "{}",
        stdout(&allowed)
    );
}

#[test]
fn renaming_a_file_makes_its_violations_new_and_its_entries_fixed() {
    let (_temp, root) = project();
    assert_eq!(write_baseline(&root, &[]).status.code(), Some(0));
    std::fs::rename(root.join("app/broken.py"), root.join("app/renamed.py")).unwrap();
    let document = json(&check(&root, &["--baseline", ".plumb-baseline.json"]));
    assert_eq!(baseline_counts(&document), (1, 9, 1));
    assert_eq!(
        document["summary"]["baseline"]["fixed"][0]["path"],
        "app/broken.py"
    );
}

#[test]
fn the_baseline_named_in_the_configuration_is_used_and_written() {
    let (_temp, root) = project();
    std::fs::write(
        root.join("plumb.toml"),
        "baseline = \"ci/plumb-baseline.json\"\n",
    )
    .unwrap();
    std::fs::create_dir(root.join("ci")).unwrap();
    // Missing: exit 2 with a hint.
    let missing = run_in(&root, &["check", "--no-cache"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("ci/plumb-baseline.json does not exist")
            && stderr(&missing).contains("plumb baseline"),
        "{}",
        stderr(&missing)
    );
    let written = write_baseline(&root, &[]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    assert!(root.join("ci/plumb-baseline.json").is_file());
    // From a subdirectory the configured path is still relative to the configuration.
    let output = plumb()
        .current_dir(root.join("app"))
        .env_remove("CI")
        .args(["check", "--no-cache", "--output-format", "json", ".."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(baseline_counts(&json(&output)), (0, 10, 0));
}

#[test]
fn a_baseline_that_cannot_be_trusted_is_an_error_that_says_where() {
    let (_temp, root) = project();
    assert_eq!(write_baseline(&root, &[]).status.code(), Some(0));
    let good = std::fs::read_to_string(root.join(".plumb-baseline.json")).unwrap();
    let cases: Vec<(String, &str)> = vec![
        (
            good.replacen("\"entries\": [", "\"entries\": [,", 1),
            "line 4 column",
        ),
        (
            good.replacen("\"version\": 1", "\"version\": 2", 1),
            "has version 2",
        ),
        (
            good.replacen("\"tool\": \"plumb\"", "\"tool\": \"ruff\"", 1),
            "not a plumb baseline",
        ),
        (
            good.replacen("      \"fingerprint\"", "      \"fingerprnt\"", 1),
            "unknown field `fingerprnt`",
        ),
        (
            {
                let document: serde_json::Value = serde_json::from_str(&good).unwrap();
                let fingerprint = document["entries"][2]["fingerprint"]
                    .as_str()
                    .unwrap()
                    .to_string();
                good.replacen(&fingerprint, "not-a-fingerprint", 1)
            },
            "entry 3: fingerprint \"not-a-fingerprint\"",
        ),
        (String::new(), "not valid JSON"),
    ];
    for (text, expected) in cases {
        std::fs::write(root.join("broken-baseline.json"), &text).unwrap();
        let output = run_in(
            &root,
            &["check", "--no-cache", "--baseline", "broken-baseline.json"],
        );
        assert_eq!(
            output.status.code(),
            Some(2),
            "{expected}: {}",
            stdout(&output)
        );
        let message = stderr(&output);
        assert!(
            message.contains("broken-baseline.json") && message.contains(expected),
            "expected `{expected}` in: {message}"
        );
        assert!(stdout(&output).is_empty());
    }
    let missing = run_in(&root, &["check", "--baseline", "nowhere.json"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("baseline nowhere.json does not exist"),
        "{}",
        stderr(&missing)
    );
    let update_missing = run_in(
        &root,
        &["baseline", "--update", "--baseline", "nowhere.json"],
    );
    assert_eq!(update_missing.status.code(), Some(2));
}

#[test]
fn json_and_sarif_carry_the_baseline_state() {
    let (_temp, root) = project();
    assert_eq!(write_baseline(&root, &[]).status.code(), Some(0));
    std::fs::write(root.join("app/broken.py"), "def f():\n    pass\n").unwrap();
    std::fs::write(root.join("web/more.ts"), "import { z } from './nowhere'\n").unwrap();
    let document = json(&check(&root, &["--baseline", ".plumb-baseline.json"]));
    let states: Vec<(&str, &str)> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["path"].as_str().unwrap(), d["baseline"].as_str().unwrap()))
        .collect();
    assert!(states.contains(&("web/more.ts", "new")));
    assert_eq!(states.iter().filter(|s| s.1 == "unchanged").count(), 9);
    assert_eq!(
        document["summary"]["baseline"]["fixed"][0]["code"],
        "SYN001"
    );
    assert!(
        document["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["symbol"] == "TestApi::test_b")
    );

    let output = run_in(
        &root,
        &[
            "check",
            "--no-cache",
            "--baseline",
            ".plumb-baseline.json",
            "--output-format",
            "sarif",
        ],
    );
    let sarif = json(&output);
    let schema_path = repo_root().join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|error| format!("{} at {}", error, error.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid:\n{}", errors.join("\n"));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let count = |state: &str| {
        results
            .iter()
            .filter(|r| r["baselineState"] == state)
            .count()
    };
    assert_eq!(
        (count("new"), count("unchanged"), count("absent")),
        (1, 9, 1)
    );
    let absent = results
        .iter()
        .find(|r| r["baselineState"] == "absent")
        .unwrap();
    assert_eq!(absent["level"], "none");
    assert_eq!(
        absent["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "app/broken.py"
    );
}

#[test]
fn engine_findings_are_fingerprinted_without_sizes_offsets_or_lines() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().canonicalize().unwrap();
    write_files(
        &root,
        &[
            ("pyproject.toml", "[project]\nname = \"x\"\n"),
            (
                "plumb.toml",
                "max-file-size = 200\nselect = [\"SYN\", \"IO\", \"SUP\"]\n",
            ),
            (
                "a.py",
                "x = 1  # plumb: ignore[SYN001]: legacy code kept as it is\ny = 2  # plumb: ignore[SYN001]: legacy code kept as it is\n",
            ),
            ("big.py", &"x = 1\n".repeat(40)),
        ],
    );
    std::fs::write(root.join("latin1.py"), b"a = 1\nname = '\xe9'\n").unwrap();
    let fingerprints = |document: &serde_json::Value| -> Vec<(String, String)> {
        document["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["fingerprint"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let before = fingerprints(&json(&check(&root, &[])));
    let codes: Vec<&str> = before.iter().map(|(code, _)| code.as_str()).collect();
    assert_eq!(codes, ["SUP002", "SUP002", "IO002", "IO001"]);
    // Two identical unused suppressions: two fingerprints.
    assert_ne!(before[0].1, before[1].1);

    // Lines above everything, a bigger file (another size in IO002's message), the invalid byte
    // further down (another offset in IO001's message): the same fingerprints.
    for file in ["a.py", "big.py", "latin1.py"] {
        let path = root.join(file);
        let mut bytes = b"# one\n# two\n".to_vec();
        bytes.extend(std::fs::read(&path).unwrap());
        std::fs::write(&path, bytes).unwrap();
    }
    assert_eq!(fingerprints(&json(&check(&root, &[]))), before);
}

#[test]
fn a_staged_run_judges_only_the_staged_files_entries() {
    let (_temp, root) = project();
    assert_eq!(write_baseline(&root, &[]).status.code(), Some(0));
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .current_dir(&root)
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "tests/test_api.py"]);
    let output = check(&root, &["--baseline", ".plumb-baseline.json", "--staged"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(baseline_counts(&json(&output)), (0, 3, 0));
}
