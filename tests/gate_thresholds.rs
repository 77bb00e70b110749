//! The gate's thresholds end to end: `--fail-under` / `[gate] fail-under` on compliance per scope
//! and `[gate] max` budgets per rule decide the exit code, and every format says which condition
//! failed with its figure and threshold.

mod common;

use std::path::Path;

use common::{json, run_in, stderr, stdout};

/// Two production files (one with a syntax error) and two test files (one with an unjustified
/// mock): production 50%, tests 50%, overall 50%.
fn half_compliant_repo(dir: &Path) {
    std::fs::create_dir_all(dir.join("app")).unwrap();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::write(dir.join("app/ok.py"), "x = 1\n").unwrap();
    std::fs::write(dir.join("app/bad.py"), "def f(:\n").unwrap();
    std::fs::write(
        dir.join("tests/test_ok.py"),
        "def test_a():\n    assert 1\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("tests/test_mock.py"),
        "from unittest import mock\n\n\ndef test_b():\n    with mock.patch(\"app.ok.x\"):\n        pass\n",
    )
    .unwrap();
}

fn with_config(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    half_compliant_repo(dir.path());
    std::fs::write(dir.path().join("plumb.toml"), config).unwrap();
    dir
}

#[test]
fn fail_under_fails_only_the_scopes_below_their_floor_and_says_so() {
    let dir = with_config("fail-on = \"never\"\n");
    let passing = run_in(
        dir.path(),
        &["check", "--fail-under", "tests=50,overall=40"],
    );
    assert_eq!(passing.status.code(), Some(0), "{}", stdout(&passing));
    assert!(!stdout(&passing).contains("Failed:"));

    let failing = run_in(
        dir.path(),
        &[
            "check",
            "--fail-under",
            "tests=80,production=50,overall=50.5",
        ],
    );
    assert_eq!(failing.status.code(), Some(1));
    let text = stdout(&failing);
    assert!(
        text.contains("Failed: fail-under tests: tests compliance 50.0% (1/2 files) is under 80%"),
        "{text}"
    );
    assert!(
        text.contains(
            "Failed: fail-under overall: overall compliance 50.0% (2/4 files) is under 50.5%"
        ),
        "{text}"
    );
    assert!(!text.contains("fail-under production"), "{text}");

    let report = json(&run_in(
        dir.path(),
        &[
            "check",
            "--output-format",
            "json",
            "--fail-under",
            "tests=80",
        ],
    ));
    let failures = &report["summary"]["gate_failures"];
    assert_eq!(failures.as_array().unwrap().len(), 1, "{failures}");
    assert_eq!(failures[0]["condition"], "fail-under tests");
    assert_eq!(failures[0]["figure"], "50.0%");
    assert_eq!(failures[0]["threshold"], "80%");
}

#[test]
fn config_fail_under_applies_and_the_command_line_replaces_it() {
    let dir = with_config("fail-on = \"never\"\n\n[gate]\nfail-under = { production = 90 }\n");
    let from_config = run_in(dir.path(), &["check"]);
    assert_eq!(from_config.status.code(), Some(1));
    assert!(stdout(&from_config).contains("Failed: fail-under production"));
    let replaced = run_in(dir.path(), &["check", "--fail-under", "tests=10"]);
    assert_eq!(replaced.status.code(), Some(0), "{}", stdout(&replaced));
}

#[test]
fn per_rule_budgets_fail_when_exceeded() {
    let within = with_config("fail-on = \"never\"\n\n[gate]\nmax = { MCK001 = 1, SYN001 = 1 }\n");
    assert_eq!(run_in(within.path(), &["check"]).status.code(), Some(0));

    let over = with_config("fail-on = \"never\"\n\n[gate]\nmax = { MCK001 = 0 }\n");
    let output = run_in(over.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("Failed: max MCK001: 1 MCK001 violations, over the budget of 0"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn fail_on_is_reported_as_a_gate_failure_too() {
    let dir = with_config("");
    let output = run_in(dir.path(), &["check", "--output-format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let failures = &json(&output)["summary"]["gate_failures"];
    assert_eq!(failures[0]["condition"], "fail-on error");
    assert_eq!(failures[0]["figure"], "2");
}

#[test]
fn bad_gate_settings_exit_2_and_point_at_the_problem() {
    for (config, args, needle) in [
        (
            "[gate]\nfail-under = { testz = 80 }\n",
            &[][..],
            "gate.fail-under: unknown scope `testz`",
        ),
        (
            "[gate]\nfail-under = { tests = 180 }\n",
            &[][..],
            "must be a percentage from 0 to 100",
        ),
        (
            "[gate]\nmax = { MCK999 = 3 }\n",
            &[][..],
            "gate.max: `MCK999` is not a rule code",
        ),
        ("[gate]\nmaximum = 3\n", &[][..], "unknown field `maximum`"),
        ("", &["--fail-under", "tests"][..], "expected SCOPE=PERCENT"),
        ("", &["--fail-under", "tests=lots"][..], "is not a number"),
        ("", &["--fail-under", "nope=5"][..], "unknown scope `nope`"),
    ] {
        let dir = with_config(config);
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        let output = run_in(dir.path(), &all);
        assert_eq!(output.status.code(), Some(2), "{config} {args:?}");
        assert!(
            stderr(&output).contains(needle),
            "{config} {args:?}: {}",
            stderr(&output)
        );
    }
    // Config errors point at the line.
    let dir = with_config("select = [\"SYN\"]\n\n[gate]\nfail-under = { testz = 80 }\n");
    let message = stderr(&run_in(dir.path(), &["check"]));
    assert!(message.contains("plumb.toml:4:"), "{message}");
}

#[test]
fn configured_scopes_can_have_floors() {
    let dir = with_config(
        "fail-on = \"never\"\n\n[scopes]\napi = [\"app/**\"]\n\n[gate]\nfail-under = { api = 60 }\n",
    );
    let output = run_in(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output)
            .contains("Failed: fail-under api: api compliance 50.0% (1/2 files) is under 60%"),
        "{}",
        stdout(&output)
    );
}
