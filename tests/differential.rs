//! Differential tests: plumb's SYN001 verdicts must equal the real compilers' on the syntax
//! fixtures and on mutants generated from them, and its IMP verdicts the languages' own module
//! resolution (TypeScript's `resolveModuleName`, CPython's `PathFinder`) on the IMP fixtures.
//! The oracles are CPython (`python3`, whatever version it is; plumb is told the same target
//! version) and the `typescript` npm package in
//! `tools/oracles` (`npm ci --prefix tools/oracles`). A missing oracle fails the test: a
//! differential test that silently does not run proves nothing.

mod common;

use std::process::Command;

use common::repo_root;

/// Runs the differential script `tools/<script>` against the real binary with `args`; returns
/// whether every verdict agreed, and the report.
fn run_oracle_script(script: &str, args: &[std::ffi::OsString]) -> (bool, String) {
    let root = repo_root();
    let typescript = root.join("tools/oracles/node_modules/typescript/package.json");
    assert!(
        typescript.is_file(),
        "the TypeScript oracle is not installed: run `npm ci --prefix tools/oracles` (see README)"
    );
    let output = Command::new("python3")
        .arg(root.join("tools").join(script))
        .args([
            "--plumb",
            env!("CARGO_BIN_EXE_plumb"),
            "--show",
            "30",
            "--fail-on-disagreement",
        ])
        .args(args)
        .current_dir(&root)
        .output()
        .expect("python3 runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn run_differential(trees: &[std::path::PathBuf]) -> (bool, String) {
    let args: Vec<std::ffi::OsString> = trees.iter().map(|tree| tree.into()).collect();
    run_oracle_script("differential.py", &args)
}

fn syntax_fixture_trees() -> Vec<std::path::PathBuf> {
    let root = repo_root();
    let mut trees = vec![root.join("fixtures/rules/SYN001-syntax-error")];
    let corpus = root.join("fixtures/syntax");
    if corpus.is_dir() {
        trees.push(corpus);
    }
    trees
}

#[test]
fn syntax_verdicts_match_cpython_and_typescript_on_fixtures() {
    let (agreed, report) = run_differential(&syntax_fixture_trees());
    println!("{report}");
    assert!(agreed, "verdicts differ from the oracles:\n{report}");
    assert!(
        report.contains("python") && report.contains("typescript"),
        "no comparison table:\n{report}"
    );
}

#[test]
fn syntax_verdicts_match_cpython_and_typescript_on_mutants() {
    let scratch = tempfile::tempdir().unwrap();
    let mut mutant_trees = Vec::new();
    for (index, tree) in syntax_fixture_trees().iter().enumerate() {
        let out = scratch.path().join(format!("tree{index}"));
        let status = Command::new("python3")
            .arg(repo_root().join("tools/mutants.py"))
            .arg(tree)
            .arg(&out)
            .args(["--per-file", "8", "--seed", "20261127"])
            .status()
            .expect("python3 runs");
        assert!(status.success(), "mutant generation failed");
        mutant_trees.push(out);
    }
    let (agreed, report) = run_differential(&mutant_trees);
    println!("{report}");
    assert!(
        agreed,
        "verdicts differ from the oracles on mutants:\n{report}"
    );
}

/// Fixture cases whose point is that the environment provides what the file tree lacks, so a
/// file-tree oracle must disagree: `proj.sdk` is shipped into the project's package by the
/// declared `proj-sdk` distribution.
const ENVIRONMENT_CASES: &[&str] = &["python-declared-subpackage"];

/// Every fixture project of the IMP rules (each case is a project root), except
/// [`ENVIRONMENT_CASES`].
fn import_fixture_projects() -> Vec<std::path::PathBuf> {
    let mut projects = Vec::new();
    for rule in ["IMP001", "IMP002", "IMP003"] {
        let rule_dir = std::fs::read_dir(repo_root().join("fixtures/rules"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .find(|path| {
                path.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(rule)
            })
            .expect("the rule has fixtures");
        for case in std::fs::read_dir(rule_dir).unwrap() {
            let case = case.unwrap().path();
            let name = case.file_name().unwrap().to_string_lossy().to_string();
            if !ENVIRONMENT_CASES.contains(&name.as_str()) {
                projects.push(case);
            }
        }
    }
    projects.sort();
    projects
}

fn run_import_differential(extra: &[&str]) -> (bool, String) {
    let args: Vec<std::ffi::OsString> = extra
        .iter()
        .map(|arg| arg.into())
        .chain(import_fixture_projects().into_iter().map(Into::into))
        .collect();
    run_oracle_script("import_differential.py", &args)
}

/// The number after `total: ` in the differential's report: how many imports were judged.
fn judged(report: &str) -> usize {
    report
        .lines()
        .find_map(|line| line.strip_prefix("total: "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|count| count.parse().ok())
        .unwrap_or(0)
}

#[test]
fn import_verdicts_match_typescript_and_cpython_resolution_on_fixtures() {
    let (agreed, report) = run_import_differential(&["--standalone"]);
    println!("{report}");
    assert!(agreed, "IMP verdicts differ from the oracles':\n{report}");
    assert!(judged(&report) >= 60, "too few imports judged:\n{report}");
    // The oracle judges aliases of a referenced tsconfig (a solution-style tsconfig.json) and
    // package.json `#` imports: every import of these cases, none left out.
    for (case, count) in [("ts-project-references", 6), ("ts-package-imports", 3)] {
        assert!(
            report.contains(&format!("{case}: {count} imports judged")),
            "the oracle no longer judges every import of {case}:\n{report}"
        );
    }
}

#[test]
fn import_verdicts_match_typescript_and_cpython_resolution_on_mutants() {
    let (agreed, report) =
        run_import_differential(&["--mutate-seed", "20261127", "--mutate-rate", "0.5"]);
    println!("{report}");
    assert!(
        agreed,
        "IMP verdicts differ from the oracles' on mutants:\n{report}"
    );
    assert!(judged(&report) >= 60, "too few imports judged:\n{report}");
}
