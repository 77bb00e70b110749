//! The synthetic monorepo generator (`plumb_benches::monorepo`, issue 11) against the real
//! `plumb` binary: on a 1,000-file tree with injected syntax errors, broken imports, duplicate
//! types and mocks, plumb with its default rules must report exactly what the generator
//! injected: the same counts per rule, files, mock and type totals, and the same diagnostics
//! (path, code and line; path only for SYN001).

mod common;

use std::collections::BTreeMap;

use plumb_benches::monorepo::{Expected, Finding, write_monorepo};
use serde_json::Value;

use common::{json, run_in};

/// `summary.<key>` of plumb's JSON as a map of counts.
fn counts(report: &Value, path: &[&str]) -> BTreeMap<String, u64> {
    let mut value = &report["summary"];
    for key in path {
        value = &value[key];
    }
    value
        .as_object()
        .unwrap_or_else(|| panic!("summary.{} is an object: {value}", path.join(".")))
        .iter()
        .filter_map(|(key, count)| count.as_u64().map(|count| (key.clone(), count)))
        .collect()
}

fn as_counts<T: serde::Serialize>(value: &T) -> BTreeMap<String, u64> {
    serde_json::from_value(serde_json::to_value(value).unwrap()).unwrap()
}

/// plumb's diagnostics in the generator's form.
fn findings(report: &Value) -> Vec<Finding> {
    let mut findings: Vec<Finding> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|diagnostic| {
            let code = diagnostic["code"].as_str().unwrap();
            let line = diagnostic["line"].as_u64().unwrap() as usize;
            Finding {
                path: diagnostic["path"].as_str().unwrap().to_string(),
                code: code.to_string(),
                line: (code != "SYN001").then_some(line),
            }
        })
        .collect();
    findings.sort();
    findings
}

#[test]
fn plumb_reports_exactly_what_the_generator_injected_at_1000_files() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().canonicalize().unwrap().join("monorepo");
    let expected = write_monorepo(&root, 1000).expect("the generator writes the tree");
    let written: Expected =
        serde_json::from_str(&std::fs::read_to_string(root.join("expected.json")).unwrap())
            .unwrap();
    assert_eq!(
        written, expected,
        "expected.json holds what the generator returned"
    );
    // Every kind of defect is present, so a generator that stopped injecting one would fail.
    for code in ["SYN001", "IMP001", "TYP001", "MCK001"] {
        assert!(
            expected.by_rule.get(code).is_some_and(|&count| count > 0),
            "{code}"
        );
    }
    assert!(expected.mocks.justified > 0 && expected.types.identical > 0);
    assert!(expected.types.divergent > 0 && expected.mocks.files_not_checked > 0);

    // What a new user runs: default rules, no configuration.
    let output = run_in(&root, &["check", "--output-format", "json", "."]);
    assert_eq!(output.status.code(), Some(1), "violations fail the run");
    let report = json(&output);
    let files = &report["summary"]["files"];
    assert_eq!(files["total"], expected.files.total as u64);
    assert_eq!(files["unparseable"], expected.files.unparseable as u64);
    assert_eq!(files["unreadable"], 0);
    assert_eq!(files["skipped"], 0);
    assert_eq!(
        counts(&report, &["files", "by_language_and_role"]),
        as_counts(&expected.files.by_language_and_role)
    );
    assert_eq!(counts(&report, &["by_rule"]), as_counts(&expected.by_rule));
    let totals = |code| ["rule_totals", code, "counts"];
    assert_eq!(
        counts(&report, &totals("MCK001")),
        as_counts(&expected.mocks)
    );
    assert_eq!(
        counts(&report, &totals("TYP001")),
        as_counts(&expected.types)
    );
    let found = findings(&report);
    let missing: Vec<&Finding> = expected
        .findings
        .iter()
        .filter(|f| !found.contains(f))
        .collect();
    let extra: Vec<&Finding> = found
        .iter()
        .filter(|f| !expected.findings.contains(f))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "plumb missed {} and added {} findings; first missed {:?}, first added {:?}",
        missing.len(),
        extra.len(),
        missing.first(),
        extra.first()
    );
    assert_eq!(found, expected.findings);
}
