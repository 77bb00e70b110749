//! The composite GitHub Action (`action.yml`): its structure, and its run script
//! (`action/run.sh`) run locally the way the runner runs it — the environment variables GitHub
//! sets, the inputs passed as `INPUT_*` with action.yml's defaults, the built `plumb` on PATH —
//! against a small repository with one unjustified mock.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::repo_root;

fn action() -> serde_norway::Value {
    let path = repo_root().join("action.yml");
    serde_norway::from_str(&fs::read_to_string(&path).unwrap()).expect("action.yml is YAML")
}

/// `INPUT_FAIL_ON` for `fail-on`, as action.yml's run step names them.
fn input_variable(name: &str) -> String {
    format!("INPUT_{}", name.to_uppercase().replace('-', "_"))
}

#[test]
fn action_yml_is_a_composite_action_with_the_documented_inputs_and_outputs() {
    let action = action();
    for key in ["name", "description"] {
        assert!(action[key].as_str().is_some_and(|v| !v.is_empty()), "{key}");
    }
    assert_eq!(action["runs"]["using"], "composite");
    let inputs = action["inputs"].as_mapping().expect("inputs");
    for name in ["paths", "config", "baseline", "fail-on", "output-format"] {
        let input = &inputs[name];
        assert!(input["description"].as_str().is_some(), "input {name}");
    }
    assert_eq!(inputs["output-format"]["default"], "sarif");
    assert_eq!(
        action["outputs"]["sarif-file"]["value"],
        "${{ steps.check.outputs.sarif-file }}"
    );

    let steps = action["runs"]["steps"].as_sequence().expect("steps");
    for step in steps {
        // A composite action's run steps must name their shell.
        if step.get("run").is_some() {
            assert_eq!(step["shell"], "bash", "{step:?}");
        }
    }
    let check = steps
        .iter()
        .find(|step| step["id"] == "check")
        .expect("a step with id `check`, which the outputs read");
    assert_eq!(check["run"], "bash \"$GITHUB_ACTION_PATH/action/run.sh\"");
    assert!(repo_root().join("action/run.sh").is_file());
    // Composite actions get no INPUT_* variables: the step passes each input but `install`.
    let env = check["env"].as_mapping().expect("env");
    for name in inputs.keys().filter_map(|key| key.as_str()) {
        if name == "install" {
            continue;
        }
        assert_eq!(
            env[input_variable(name).as_str()],
            format!("${{{{ inputs.{name} }}}}"),
            "input {name}"
        );
    }
}

/// A workspace with an unjustified mock in a test file, as `actions/checkout` leaves it.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().canonicalize().unwrap().join("workspace");
    fs::create_dir_all(root.join("tests")).unwrap();
    fs::create_dir_all(root.join("app")).unwrap();
    fs::write(root.join("pyproject.toml"), "[project]\nname = \"shop\"\n").unwrap();
    fs::write(root.join("app/orders.py"), "def total():\n    return 1\n").unwrap();
    fs::write(
        root.join("tests/test_orders.py"),
        "from unittest.mock import MagicMock\n\n\ndef test_total():\n    assert MagicMock()\n",
    )
    .unwrap();
    (temp, root)
}

struct Run {
    output: Output,
    outputs: BTreeMap<String, String>,
    summary: String,
}

/// Runs action/run.sh as the composite step would: inputs default to action.yml's defaults.
fn run_action(workspace: &Path, inputs: &[(&str, &str)]) -> Run {
    let runner = workspace.parent().unwrap().join("runner");
    fs::create_dir_all(&runner).unwrap();
    let github_output = runner.join("output");
    let step_summary = runner.join("summary.md");
    fs::write(&github_output, "").unwrap();
    fs::write(&step_summary, "").unwrap();
    let binary_dir = Path::new(env!("CARGO_BIN_EXE_plumb")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(binary_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();

    let mut command = Command::new("bash");
    command
        .arg(repo_root().join("action/run.sh"))
        .current_dir(&runner)
        .env("PATH", path)
        .env("CI", "true")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_WORKSPACE", workspace)
        .env("GITHUB_ACTION_PATH", repo_root())
        .env("GITHUB_OUTPUT", &github_output)
        .env("GITHUB_STEP_SUMMARY", &step_summary)
        .env("RUNNER_TEMP", &runner)
        .env_remove("VIRTUAL_ENV")
        .env_remove("NO_COLOR");
    let action = action();
    for (name, input) in action["inputs"].as_mapping().unwrap() {
        let name = name.as_str().unwrap();
        let default = input["default"].as_str().unwrap_or_default();
        let value = inputs
            .iter()
            .find(|(given, _)| *given == name)
            .map_or(default, |(_, value)| *value);
        command.env(input_variable(name), value);
    }
    let output = command.output().expect("bash runs");
    let outputs = fs::read_to_string(&github_output)
        .unwrap()
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect();
    Run {
        output,
        outputs,
        summary: fs::read_to_string(&step_summary).unwrap(),
    }
}

fn describe(run: &Run) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        run.output.status.code(),
        String::from_utf8_lossy(&run.output.stdout),
        String::from_utf8_lossy(&run.output.stderr)
    )
}

fn validate_sarif(path: &Path) -> serde_json::Value {
    let sarif: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(repo_root().join("tests/schemas/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|error| format!("{error} at {}", error.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid:\n{}", errors.join("\n"));
    sarif
}

fn result_codes(sarif: &serde_json::Value) -> Vec<String> {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| result["ruleId"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn action_writes_sarif_and_outputs_then_fails_with_the_checks_exit_code() {
    let (_temp, workspace) = workspace();
    let run = run_action(&workspace, &[]);
    assert_eq!(run.output.status.code(), Some(1), "{}", describe(&run));
    assert_eq!(run.outputs["exit-code"], "1", "{}", describe(&run));
    assert_eq!(run.outputs["sarif-file"], "plumb.sarif");
    assert_eq!(run.outputs["report-file"], "plumb.sarif");
    let sarif = validate_sarif(&workspace.join("plumb.sarif"));
    assert_eq!(result_codes(&sarif), ["MCK001"]);
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "tests/test_orders.py", "relative to the workspace");
    assert!(String::from_utf8_lossy(&run.output.stdout).contains("::error title=plumb::"));
}

#[test]
fn action_passes_on_a_clean_workspace_and_honours_paths_fail_on_and_format() {
    let (_temp, workspace) = workspace();
    let run = run_action(&workspace, &[("paths", "app")]);
    assert_eq!(run.output.status.code(), Some(0), "{}", describe(&run));
    assert_eq!(run.outputs["exit-code"], "0");
    assert_eq!(
        result_codes(&validate_sarif(&workspace.join("plumb.sarif"))),
        [] as [&str; 0]
    );

    let run = run_action(
        &workspace,
        &[
            ("fail-on", "never"),
            ("output-format", "json"),
            ("output-file", "out/plumb.json"),
        ],
    );
    // `out/` does not exist: a report that cannot be written is plumb's error, exit 2.
    assert_eq!(run.output.status.code(), Some(2), "{}", describe(&run));
    assert_eq!(run.outputs["exit-code"], "2");
    assert!(!run.outputs.contains_key("sarif-file"));

    fs::create_dir_all(workspace.join("out")).unwrap();
    let run = run_action(
        &workspace,
        &[
            ("fail-on", "never"),
            ("output-format", "json"),
            ("output-file", "out/plumb.json"),
        ],
    );
    assert_eq!(run.output.status.code(), Some(0), "{}", describe(&run));
    assert_eq!(run.outputs["report-file"], "out/plumb.json");
    assert!(!run.outputs.contains_key("sarif-file"), "not SARIF");
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(workspace.join("out/plumb.json")).unwrap())
            .unwrap();
    assert_eq!(report["summary"]["by_rule"]["MCK001"], 1);
}

#[test]
fn action_config_errors_exit_2_with_outputs_written() {
    let (_temp, workspace) = workspace();
    let run = run_action(&workspace, &[("config", "missing.toml")]);
    assert_eq!(run.output.status.code(), Some(2), "{}", describe(&run));
    assert_eq!(run.outputs["exit-code"], "2");
    assert!(String::from_utf8_lossy(&run.output.stderr).contains("missing.toml"));
    assert!(
        run.summary.is_empty(),
        "no summary of a run that did not happen"
    );
}

#[test]
fn action_appends_the_markdown_summary_to_the_step_summary() {
    let (_temp, workspace) = workspace();
    let run = run_action(&workspace, &[]);
    assert_eq!(run.output.status.code(), Some(1), "{}", describe(&run));
    assert!(run.summary.contains("MCK001"), "{}", run.summary);
    assert!(!String::from_utf8_lossy(&run.output.stdout).contains("::warning"));
}

#[test]
fn action_passes_with_a_baseline_that_lists_the_violation() {
    let (_temp, workspace) = workspace();
    let baseline = common::run_in(&workspace, &["baseline"]);
    assert_eq!(
        baseline.status.code(),
        Some(0),
        "{}",
        common::stderr(&baseline)
    );
    let run = run_action(&workspace, &[("baseline", ".plumb-baseline.json")]);
    assert_eq!(run.output.status.code(), Some(0), "{}", describe(&run));
    let sarif = validate_sarif(&workspace.join("plumb.sarif"));
    assert_eq!(sarif["runs"][0]["results"][0]["baselineState"], "unchanged");
}
