//! `plumb init`: what it writes into an empty directory and a real-looking project, that the
//! written configuration loads, and that it never touches a file that is already there.

mod common;

use std::fs;
use std::path::Path;

use common::{json, run_in, stderr, stdout};

const WRITTEN: [&str; 3] = [
    "plumb.toml",
    ".pre-commit-config.yaml",
    ".github/workflows/plumb.yml",
];

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn yaml(path: &Path) -> serde_norway::Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()))
}

/// `plumb check` with the written configuration: 0 or 1, never the configuration error 2.
fn assert_config_loads(dir: &Path) -> serde_json::Value {
    let output = run_in(dir, &["check", "--output-format", "json"]);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "plumb check after init exited {:?}:\n{}",
        output.status.code(),
        stderr(&output)
    );
    json(&output)
}

#[test]
fn init_in_an_empty_directory_writes_the_three_files_and_says_so() {
    let temp = tempfile::tempdir().unwrap();
    let output = run_in(temp.path(), &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let printed = stdout(&output);
    assert!(printed.contains("found no Python or TypeScript/JavaScript files"));
    for name in WRITTEN {
        assert!(printed.contains(&format!("wrote {name}\n")), "{printed}");
        assert!(temp.path().join(name).is_file(), "{name} missing");
    }
    let config = fs::read_to_string(temp.path().join("plumb.toml")).unwrap();
    assert!(config.contains("# test-files = "), "{config}");
    assert!(config.contains("# baseline = \".plumb-baseline.json\""));
    let document = assert_config_loads(temp.path());
    assert_eq!(document["summary"]["files"]["total"], 0);

    let hooks = yaml(&temp.path().join(".pre-commit-config.yaml"));
    let hook = &hooks["repos"][0]["hooks"][0];
    assert_eq!(hooks["repos"][0]["repo"], "local");
    assert_eq!(hook["id"], "plumb");
    assert_eq!(hook["language"], "system");
    let workflow = yaml(&temp.path().join(".github/workflows/plumb.yml"));
    let steps = workflow["jobs"]["plumb"]["steps"].as_sequence().unwrap();
    let runs: Vec<&str> = steps
        .iter()
        .filter_map(|step| step["run"].as_str())
        .collect();
    assert!(runs.iter().any(|run| run.contains("--output-format sarif")));
    assert!(
        steps
            .iter()
            .any(|step| step["uses"].as_str() == Some("github/codeql-action/upload-sarif@v3"))
    );
}

#[test]
fn init_detects_languages_test_conventions_and_top_level_directories() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"shop\"\nrequires-python = \">=3.12\"\n",
    );
    write(root, "app/models.py", "class Order:\n    pass\n");
    write(root, "app/tests.py", "def test_order():\n    pass\n");
    write(
        root,
        "tests/test_models.py",
        "def test_models():\n    pass\n",
    );
    write(root, "web/src/cart.ts", "export const total = 1;\n");
    write(
        root,
        "web/src/cart.test.ts",
        "import { total } from \"./cart\";\n",
    );
    write(root, "web/src/legacy.js", "module.exports = {};\n");
    write(
        root,
        "node_modules/left-pad/index.js",
        "module.exports = 1;\n",
    );

    let output = run_in(root, &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains(
            "found 3 python, 2 typescript, 1 javascript files; \
             tests: tests/** (1), test_*.py (1), tests.py (1), *.test.* (1)"
        ),
        "{}",
        stdout(&output)
    );
    let config = fs::read_to_string(root.join("plumb.toml")).unwrap();
    assert!(
        config
            .contains("\ntest-files = [\"tests/**\", \"test_*.py\", \"tests.py\", \"*.test.*\"]\n"),
        "{config}"
    );
    assert!(
        config.contains("# Python target: 3.12 (requires-python)"),
        "{config}"
    );
    assert!(
        config.contains("# app = [\"app/**\"]\n# web = [\"web/**\"]\n"),
        "{config}"
    );
    assert!(
        config.contains("# boundaries = [\"app/**\", \"web/**\"]"),
        "{config}"
    );
    assert!(
        config.contains("\"MCK\",  # MCK001 unjustified-mock"),
        "{config}"
    );

    // The written test globs classify the files as the defaults would, plus Django's tests.py.
    let document = assert_config_loads(root);
    let roles: Vec<(String, String)> = document["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| {
            (
                file["path"].as_str().unwrap().into(),
                file["role"].as_str().unwrap().into(),
            )
        })
        .collect();
    let tests: Vec<&str> = roles
        .iter()
        .filter(|(_, role)| role == "test")
        .map(|(path, _)| path.as_str())
        .collect();
    assert_eq!(
        tests,
        [
            "app/tests.py",
            "tests/test_models.py",
            "web/src/cart.test.ts"
        ]
    );
}

/// Every commented-out setting in the starter file is valid once uncommented (all but
/// `baseline`, which needs a baseline file written by `plumb baseline`).
#[test]
fn init_comments_are_valid_configuration_when_uncommented() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(root, "backend/api.py", "x = 1\n");
    write(root, "frontend/app.ts", "export {};\n");
    assert_eq!(run_in(root, &["init"]).status.code(), Some(0));
    let config = fs::read_to_string(root.join("plumb.toml")).unwrap();
    let uncommented: String = config
        .lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(rest) if is_setting(rest) && !rest.starts_with("baseline") => format!("{rest}\n"),
            _ => format!("{line}\n"),
        })
        .collect();
    assert_ne!(uncommented, config);
    assert!(
        uncommented.contains("\n[rules.TYP001]\nboundaries = "),
        "{uncommented}"
    );
    assert!(
        uncommented.contains("\n[gate]\nfail-under = "),
        "{uncommented}"
    );
    fs::write(root.join("plumb.toml"), &uncommented).unwrap();
    let document = assert_config_loads(root);
    let scopes: Vec<&str> = document["summary"]["compliance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|scope| scope["scope"].as_str().unwrap())
        .collect();
    assert!(
        scopes.contains(&"backend") && scopes.contains(&"frontend"),
        "{scopes:?}"
    );
}

/// `key = ...` or `[table]`: a commented-out setting rather than prose.
fn is_setting(text: &str) -> bool {
    text.starts_with('[')
        || text.split_once(" = ").is_some_and(|(key, _)| {
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '"'))
        })
}

#[test]
fn init_never_overwrites_and_prints_the_hook_for_an_existing_pre_commit_config() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let originals = [
        ("plumb.toml", "fail-on = \"warning\"\n"),
        (".pre-commit-config.yaml", "repos: []\n"),
        (".github/workflows/plumb.yml", "name: mine\n"),
    ];
    for (path, text) in originals {
        write(root, path, text);
    }
    let output = run_in(root, &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let printed = stdout(&output);
    for (path, text) in originals {
        assert_eq!(
            fs::read_to_string(root.join(path)).unwrap(),
            text,
            "{path} changed"
        );
        assert!(printed.contains(&format!("skipped {path}")), "{printed}");
    }
    assert!(!printed.contains("wrote"), "{printed}");
    // The hook to add, indented to go under `repos:`.
    let snippet = printed
        .split_once("add this under `repos:`\n")
        .map(|(_, rest)| rest)
        .expect("the snippet is printed");
    let with_snippet = format!("repos:\n{snippet}");
    let parsed: serde_norway::Value = serde_norway::from_str(&with_snippet).unwrap();
    assert_eq!(
        parsed["repos"][0]["hooks"][0]["id"], "plumb",
        "{with_snippet}"
    );
}

#[test]
fn init_leaves_a_tool_plumb_table_in_pyproject_alone() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(root, "pyproject.toml", "[tool.plumb]\nselect = [\"SYN\"]\n");
    let output = run_in(root, &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!root.join("plumb.toml").exists());
    assert!(
        stdout(&output).contains("skipped plumb.toml: "),
        "{}",
        stdout(&output)
    );
    assert!(root.join(".pre-commit-config.yaml").is_file());
}

#[test]
fn init_of_a_path_that_is_not_a_directory_is_an_error() {
    let temp = tempfile::tempdir().unwrap();
    write(temp.path(), "file.py", "");
    let output = run_in(temp.path(), &["init", "file.py"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("file.py is not a directory"),
        "{}",
        stderr(&output)
    );
    let output = run_in(temp.path(), &["init", "missing"]);
    assert_eq!(output.status.code(), Some(2));
}
