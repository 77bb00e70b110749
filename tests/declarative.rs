//! Declarative rules end to end: every load error kind with its rendered message, the inline
//! test runner, SARIF metadata of a declarative hit, and baseline fingerprints. Rule behaviour
//! (predicates, interpolation, globs, applies-to, suppression) is covered by the fixture cases
//! under `fixtures/rules/X-declarative/`.

mod common;

use common::{json, repo_root, run_in, standalone, stderr, stdout};

#[test]
fn every_load_error_is_exit_2_with_a_frame_into_the_rule_file() {
    let root = repo_root().join("fixtures/declarative/errors");
    let mut kinds: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    kinds.sort();
    assert!(kinds.len() >= 10, "only {} error kinds", kinds.len());
    for kind in kinds {
        let (_temp, copy) = standalone(&kind);
        let output = common::plumb()
            .current_dir(&copy)
            .env("NO_COLOR", "1")
            .args(["check", "--isolated", "--rules", "rules", "."])
            .output()
            .unwrap();
        let name = kind.file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(output.status.code(), Some(2), "{name}: {}", stderr(&output));
        insta::assert_snapshot!(format!("load_error__{name}"), stderr(&output));
    }
}

#[test]
fn test_rules_passes_on_the_bundled_rules() {
    let output = run_in(&repo_root(), &["test-rules"]);
    let table = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{table}");
    for id in [
        "X-no-relative-import",
        "X-env-access-outside-config",
        "X-unittest-testcase-in-pytest-suite",
        "X-print-in-production",
        "X-console-in-production",
        "X-deep-relative-import",
    ] {
        assert!(
            table.contains(&format!("PASS   {id}")),
            "{id} missing:\n{table}"
        );
    }
}

#[test]
fn test_rules_fails_a_rule_whose_tests_do_not_hold() {
    let dir = repo_root().join("fixtures/declarative/failing");
    let output = run_in(&repo_root(), &["test-rules", dir.to_str().unwrap()]);
    let table = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{table}");
    assert!(table.contains("FAIL   X-too-broad"), "{table}");
    assert!(
        table.contains("valid #1 (Python): matched at line 1"),
        "{table}"
    );
    assert!(table.contains("invalid #2 (Python): no match"), "{table}");
    assert!(table.contains("1 rules, 0 passed, 1 failed"), "{table}");
}

#[test]
fn sarif_describes_a_declarative_rule_from_its_file() {
    let case = repo_root().join("fixtures/rules/X-declarative/scoping");
    let (_temp, copy) = standalone(&case);
    let output = run_in(
        &copy,
        &[
            "check",
            "--config",
            "plumb.toml",
            "--output-format",
            "sarif",
        ],
    );
    let sarif = json(&output);
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = rules
        .iter()
        .find(|rule| rule["id"] == "X-test-scoped")
        .expect("the declarative rule is listed");
    let text = rule.to_string();
    assert!(
        text.contains("Reports `eval` in source files under app/"),
        "{text}"
    );
    assert!(
        text.contains("https://example.invalid/rules/scoped"),
        "{text}"
    );
    let results = run["results"].as_array().unwrap();
    let hit = results
        .iter()
        .find(|result| result["ruleId"] == "X-test-scoped")
        .expect("a result of the declarative rule");
    assert_eq!(
        hit["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "app/a.py"
    );
    assert!(hit["partialFingerprints"].is_object(), "{hit}");
}

#[test]
fn declarative_hits_are_baselined_like_built_in_ones() {
    let case = repo_root().join("fixtures/rules/X-declarative/predicates");
    let (_temp, copy) = standalone(&case);
    let written = run_in(&copy, &["baseline", "--config", "plumb.toml"]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    let checked = run_in(
        &copy,
        &[
            "check",
            "--config",
            "plumb.toml",
            "--baseline",
            ".plumb-baseline.json",
            "--output-format",
            "json",
        ],
    );
    let summary = &json(&checked)["summary"]["baseline"];
    assert_eq!(summary["new"], 0, "{summary}");
    assert_eq!(summary["known"], 6, "{summary}");
}

/// A declarative hit's fingerprint holds the function around it, not its line or its rank
/// among equal snippets in the file: its baseline entry survives lines inserted above it, and
/// the same code in a new function is the one reported as new.
#[test]
fn a_declarative_baseline_entry_follows_its_function() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    std::fs::write(
        dir.join("plumb.toml"),
        "select = [\"X-print-in-production\"]\n",
    )
    .unwrap();
    let known = "def load():\n    print('x')\n\n\ndef save():\n    print('x')\n";
    std::fs::write(dir.join("a.py"), known).unwrap();
    let written = run_in(dir, &["baseline"]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    let baseline = std::fs::read_to_string(dir.join(".plumb-baseline.json")).unwrap();
    let baseline: serde_json::Value = serde_json::from_str(&baseline).unwrap();
    let symbols: Vec<&str> = baseline["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["symbol"].as_str().unwrap())
        .collect();
    assert_eq!(symbols, ["load", "save"], "{baseline}");
    // Lines above both, and the same call in a function before them.
    let moved = format!("import os\n\n\ndef extra():\n    print('x')\n\n\n{known}");
    std::fs::write(dir.join("a.py"), moved).unwrap();
    let checked = run_in(
        dir,
        &[
            "check",
            "--baseline",
            ".plumb-baseline.json",
            "--output-format",
            "json",
        ],
    );
    let report = json(&checked);
    let summary = &report["summary"]["baseline"];
    assert_eq!(
        (&summary["new"], &summary["known"]),
        (&1.into(), &2.into()),
        "{summary}"
    );
    let new: Vec<(&str, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|diagnostic| diagnostic["baseline"] == "new")
        .map(|diagnostic| {
            let symbol = diagnostic["symbol"].as_str().unwrap();
            (symbol, diagnostic["line"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(new, [("extra", 5)]);
}

#[test]
fn explain_and_rules_list_declarative_rules() {
    let output = run_in(&repo_root(), &["explain", "X-print-in-production"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("## Query"), "{text}");
    assert!(text.contains("print('started')"), "{text}");
    let listed = stdout(&run_in(&repo_root(), &["rules", "--format", "json"]));
    assert!(listed.contains("\"X-deep-relative-import\""), "{listed}");
}
