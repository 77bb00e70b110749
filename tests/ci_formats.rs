//! The CI output formats (`github`, `markdown`, `junit`, `gitlab`) from the real binary: a
//! snapshot of each on one small project whose paths and messages need escaping (`,` `:` `%`
//! `_` in a file name, a line break in a message, identical violations twice in one file), and
//! a structure check of each: GitHub's command grammar, the GitLab Code Quality schema with
//! unique fingerprints, the JUnit XML element and attribute rules, Markdown sections.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{json, repo_root, run_in, stderr, stdout};
use quick_xml::Reader;
use quick_xml::events::Event;

/// The odd file name: every character GitHub's property escaping handles, and `_` for Markdown.
const ODD_FILE: &str = "app/a,b:c%d_e.py";

/// A project with: IMP002 twice, identically, in the odd file; SUP002 twice, identically; a
/// syntax error; an unjustified mock; an IMP001 whose message holds a line break (the
/// specifier `./missing\nline`).
fn ci_project() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().canonicalize().unwrap().join("project");
    let files = [
        (
            "pyproject.toml",
            "[project]\nname = \"demo\"\nversion = \"0\"\ndependencies = []\n",
        ),
        (ODD_FILE, "import missing_mod\nimport missing_mod\n"),
        (
            "app/sup.py",
            "x = 1  # plumb: ignore[SYN001]: nothing to hide here\ny = 2  # plumb: ignore[SYN001]: nothing to hide here\n",
        ),
        ("app/broken.py", "def f(:\n    pass\n"),
        ("app/clean.py", "VALUE = 1\n"),
        (
            "web/main.ts",
            "import a from \"./missing\\nline\";\nexport const c = [a];\n",
        ),
        (
            "tests/test_a.py",
            "from unittest.mock import patch\n\n\n@patch(\"app.thing\")\ndef test_x(p):\n    assert p\n",
        ),
    ];
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    (temp, root)
}

fn check(dir: &Path, format: &str) -> String {
    let output = run_in(dir, &["check", "--isolated", "--output-format", format]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    stdout(&output)
}

#[test]
fn github_snapshot_and_command_grammar() {
    let (_temp, project) = ci_project();
    let text = check(&project, "github");
    insta::assert_snapshot!("github", text);
    let commands: Vec<&str> = text.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(commands.len(), 7, "{text}");
    for command in &commands {
        // `::level key=value,...::message`: exactly two `::` separators, no raw line break,
        // and every property free of the separators `,` and `:` it would break.
        let rest = command.strip_prefix("::").unwrap();
        let (head, _message) = rest.split_once("::").expect("a message part");
        let (level, properties) = head.split_once(' ').unwrap();
        assert!(["error", "warning", "notice"].contains(&level), "{command}");
        let keys: Vec<&str> = properties
            .split(',')
            .map(|property| property.split_once('=').unwrap().0)
            .collect();
        assert_eq!(
            keys,
            ["file", "line", "col", "endLine", "endColumn", "title"],
            "{command}"
        );
    }
    assert!(
        text.contains("::warning file=app/a%2Cb%3Ac%25d_e.py,line=1,col=8,"),
        "{text}"
    );
    assert!(text.contains("cannot resolve `./missing%0Aline`"), "{text}");
    assert!(text.contains("\nFiles: 6 found"), "{text}");
}

#[test]
fn github_paths_are_relative_to_the_repository_root() {
    let (temp, project) = ci_project();
    let git = Command::new("git")
        .args(["init", "-q"])
        .current_dir(temp.path())
        .status()
        .expect("git runs");
    assert!(git.success());
    // `plumb` runs in `project/` (a `working-directory:`); GitHub wants `project/app/...`.
    let text = check(&project, "github");
    assert!(
        text.contains("::error file=project/app/broken.py,line=1,col=7,"),
        "{text}"
    );
    let gitlab = check(&project, "gitlab");
    assert!(
        gitlab.contains("\"path\": \"project/app/broken.py\""),
        "{gitlab}"
    );
}

#[test]
fn gitlab_report_validates_and_has_unique_fingerprints() {
    let (_temp, project) = ci_project();
    let text = check(&project, "gitlab");
    insta::assert_snapshot!("gitlab", text);
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    let schema_path = repo_root().join("tests/schemas/gitlab-codequality.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|error| format!("{error} at {}", error.instance_path))
        .collect();
    assert!(errors.is_empty(), "invalid:\n{}", errors.join("\n"));
    // The schema rejects what it should.
    let bad = serde_json::json!([{ "description": "x", "check_name": "X", "fingerprint": "f",
        "severity": "error", "location": { "path": "./a.py" } }]);
    let mut rejected: Vec<String> = validator
        .iter_errors(&bad)
        .map(|error| error.instance_path.to_string())
        .collect();
    rejected.sort();
    assert_eq!(rejected, ["/0/location", "/0/location/path", "/0/severity"]);

    let issues = report.as_array().unwrap();
    let json_output = run_in(
        &project,
        &["check", "--isolated", "--output-format", "json"],
    );
    assert_eq!(
        issues.len(),
        json(&json_output)["diagnostics"].as_array().unwrap().len()
    );
    let fingerprints: BTreeSet<&str> = issues
        .iter()
        .map(|issue| issue["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(
        fingerprints.len(),
        issues.len(),
        "duplicate fingerprints:\n{text}"
    );
    // The fixture really has identical violations twice in one file, for each kind of rule.
    let descriptions_in = |path: &str| -> Vec<&str> {
        issues
            .iter()
            .filter(|issue| issue["location"]["path"] == path)
            .map(|issue| issue["description"].as_str().unwrap())
            .collect()
    };
    for path in [ODD_FILE, "app/sup.py"] {
        let descriptions = descriptions_in(path);
        assert_eq!(descriptions.len(), 2, "{path}: {descriptions:?}");
        assert_eq!(descriptions[0], descriptions[1]);
    }
}

#[test]
fn junit_snapshot_and_structure() {
    let (_temp, project) = ci_project();
    let text = check(&project, "junit");
    insta::assert_snapshot!("junit", text);
    let suite = check_junit_structure(&text);
    // 6 files: broken.py, the odd file, sup.py, main.ts, test_a.py fail; clean.py passes.
    assert_eq!(suite["tests"], "6");
    assert_eq!(suite["failures"], "5");
    assert_eq!(suite["errors"], "0");
    assert_eq!(suite["skipped"], "0");
}

/// What the JUnit schema allows one element: required and optional attributes, children.
struct ElementRule {
    required: &'static [&'static str],
    optional: &'static [&'static str],
    children: &'static [&'static str],
}

/// The rules of the JUnit XML schema most CI servers read (Jenkins' `junit-10.xsd`) for the
/// elements a report may contain.
fn junit_rules() -> BTreeMap<&'static str, ElementRule> {
    let leaf = |optional| ElementRule {
        required: &[],
        optional,
        children: &[],
    };
    BTreeMap::from([
        (
            "testsuites",
            ElementRule {
                required: &[],
                optional: &["name", "time", "tests", "failures", "errors"],
                children: &["testsuite"],
            },
        ),
        (
            "testsuite",
            ElementRule {
                required: &["name", "tests", "failures", "errors"],
                optional: &[
                    "group",
                    "time",
                    "skipped",
                    "timestamp",
                    "hostname",
                    "id",
                    "package",
                    "file",
                    "log",
                    "url",
                ],
                children: &[
                    "testsuite",
                    "properties",
                    "testcase",
                    "system-out",
                    "system-err",
                ],
            },
        ),
        (
            "testcase",
            ElementRule {
                required: &["name"],
                optional: &["time", "classname", "group"],
                children: &["skipped", "error", "failure", "system-out", "system-err"],
            },
        ),
        ("failure", leaf(&["type", "message"])),
        ("error", leaf(&["type", "message"])),
        ("skipped", leaf(&["type", "message"])),
        ("system-out", leaf(&[])),
    ])
}

/// Checks `xml` against [`junit_rules`]: which element may hold which, allowed and required
/// attributes, and counts that agree with the test cases. Returns the `testsuite`'s attributes.
fn check_junit_structure(xml: &str) -> BTreeMap<String, String> {
    let rules = junit_rules();
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut suite = BTreeMap::new();
    // Per test case, its first verdict element (skipped, error or failure), if any.
    let mut cases: Vec<Option<String>> = Vec::new();
    loop {
        let (start, empty) = match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => (start, false),
            Event::Empty(start) => (start, true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = String::from_utf8(start.name().as_ref().to_vec()).unwrap();
        let rule = rules
            .get(name.as_str())
            .unwrap_or_else(|| panic!("unexpected element <{name}>"));
        match stack.last() {
            None => assert_eq!(name, "testsuites", "root element"),
            Some(parent) => assert!(
                rules[parent.as_str()].children.contains(&name.as_str()),
                "<{name}> inside <{parent}>"
            ),
        }
        let attributes: BTreeMap<String, String> = start
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                let key = String::from_utf8(a.key.as_ref().to_vec()).unwrap();
                (key, a.unescape_value().unwrap().into_owned())
            })
            .collect();
        for key in attributes.keys() {
            let key = key.as_str();
            assert!(
                rule.required.contains(&key) || rule.optional.contains(&key),
                "<{name}> may not have `{key}`"
            );
        }
        for key in rule.required {
            assert!(attributes.contains_key(*key), "<{name}> lacks `{key}`");
        }
        match name.as_str() {
            "testsuite" => suite = attributes,
            "testcase" => cases.push(None),
            "failure" | "error" | "skipped" => {
                let verdict = cases.last_mut().unwrap();
                verdict.get_or_insert(name.clone());
            }
            _ => {}
        }
        if !empty {
            stack.push(name);
        }
    }
    let count = |kind: &str| {
        cases
            .iter()
            .filter(|verdict| verdict.as_deref() == Some(kind))
            .count()
            .to_string()
    };
    assert_eq!(suite["tests"], cases.len().to_string());
    assert_eq!(suite["failures"], count("failure"));
    assert_eq!(suite["errors"], count("error"));
    assert_eq!(suite["skipped"], count("skipped"));
    suite
}

#[test]
fn junit_counts_unreadable_files_as_errors() {
    let output = run_in(
        &repo_root().join("fixtures/e2e/mixed-repo"),
        &["check", "--isolated", "--output-format", "junit"],
    );
    let suite = check_junit_structure(&stdout(&output));
    assert_eq!(suite["tests"], "6");
    assert_eq!(suite["errors"], "1", "app/latin1.py is not UTF-8");
    assert_eq!(suite["failures"], "2");
}

#[test]
fn markdown_snapshot_and_sections() {
    let (_temp, project) = ci_project();
    let text = check(&project, "markdown");
    insta::assert_snapshot!("markdown", text);
    for expected in [
        "## plumb: ❌ failed",
        "- **fail-on error**: 3 violations at or above error (figure 3, threshold 0)",
        "**7 violations** in 6 files",
        "### Compliance",
        "| production | 3 | 5 | 60.0% |",
        "### Violations by rule",
        "| IMP002 | undeclared-dependency | 2 |",
        "- **Mocks in tests** (MCK001): unjustified 1",
        "### Files with the most violations",
        "| app/a,b:c%d\\_e.py | 2 |",
        "<summary>Violations (7)</summary>",
        "cannot resolve \\`./missing<br>line\\`",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn markdown_says_passed_when_no_gate_condition_fails() {
    let (_temp, project) = ci_project();
    let output = run_in(
        &project,
        &[
            "check",
            "--isolated",
            "--fail-on",
            "never",
            "--output-format",
            "markdown",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("## plumb: ✅ passed\n"), "{text}");
    assert!(!text.contains("The gate failed"), "{text}");
}

#[test]
fn statistics_does_not_change_the_ci_formats() {
    let (_temp, project) = ci_project();
    for format in ["github", "markdown", "junit", "gitlab"] {
        let with = run_in(
            &project,
            &[
                "check",
                "--isolated",
                "--statistics",
                "--output-format",
                format,
            ],
        );
        assert_eq!(stdout(&with), check(&project, format), "{format}");
    }
}

#[test]
fn an_unknown_format_lists_every_format() {
    let output = run_in(
        &repo_root().join("fixtures/e2e/mixed-repo"),
        &["check", "--output-format", "xml"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("use one of full, concise, json, sarif, github, markdown, junit, gitlab"),
        "{}",
        stderr(&output)
    );
}
