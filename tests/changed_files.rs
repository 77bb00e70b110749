//! `plumb check --staged` and `--changed-since REV` on real git repositories: which files are
//! checked (added, modified, renamed, untracked; not deleted, ignored or excluded), that the rest
//! of the project is context, and the errors when git cannot answer.

mod common;

use std::path::Path;
use std::process::Output;

use common::{json, run_in, stderr, stdout};

/// Writes `files` (path, contents) under `root`, creating directories.
fn write_tree(root: &Path, files: &[(&str, &str)]) {
    for (path, contents) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
}

/// Runs the real `git` in `dir`, isolated from the user's and the system's configuration.
fn git(dir: &Path, args: &[&str]) {
    let output = std::process::Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args([
            "-c",
            "user.name=plumb tests",
            "-c",
            "user.email=tests@plumb.invalid",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A committed repository: two copies of `User`, an import between modules, a file that will
/// be renamed and one that will be deleted.
fn repository() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path();
    write_tree(
        root,
        &[
            ("pyproject.toml", "[project]\nname = \"app\"\n"),
            ("a/__init__.py", ""),
            ("a/models.py", "class User:\n    name: str\n"),
            ("b/__init__.py", ""),
            ("b/models.py", "class User:\n    name: str\n"),
            ("app/__init__.py", ""),
            ("app/helpers.py", "def helper(): ...\n"),
            ("app/main.py", "from app.helpers import helper\n"),
            ("app/old_name.py", "x = 1\n"),
            ("app/gone.py", "def (:\n"),
            ("README.md", "# app\n"),
        ],
    );
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "initial"]);
    repo
}

fn check(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec![
        "check",
        "--select",
        "SYN,IMP,TYP",
        "--output-format",
        "json",
    ];
    all.extend_from_slice(args);
    run_in(dir, &all)
}

/// `(path, line, code)` of every violation, and the checked files, of a JSON report.
fn findings(output: &Output) -> (Vec<(String, u64, String)>, Vec<String>) {
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        stderr(output)
    );
    let report = json(output);
    let violations = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|violation| {
            (
                violation["path"].as_str().unwrap().to_string(),
                violation["line"].as_u64().unwrap(),
                violation["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let files = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| file["path"].as_str().unwrap().to_string())
        .collect();
    (violations, files)
}

fn finding(path: &str, line: u64, code: &str) -> (String, u64, String) {
    (path.to_string(), line, code.to_string())
}

#[test]
fn staged_files_are_checked_against_the_rest_of_the_project() {
    let repo = repository();
    let root = repo.path();
    // Modified and staged: the copy of `User` that sorts first is reported, the unstaged one
    // in `b/` is the other side.
    write_tree(root, &[("a/models.py", "class User:\n    name: str\n\n")]);
    // Renamed, with a syntax error: checked under its new name.
    git(root, &["mv", "app/old_name.py", "app/new_name.py"]);
    write_tree(root, &[("app/new_name.py", "def (:\n")]);
    // Added, importing an unstaged module (resolves) and a missing one.
    write_tree(
        root,
        &[(
            "app/added.py",
            "from app.helpers import helper\nimport app.missing\n",
        )],
    );
    // Deleted (its syntax error goes with it), a non-source file, an excluded directory.
    git(root, &["rm", "-q", "app/gone.py"]);
    write_tree(
        root,
        &[("README.md", "# app!\n"), ("node_modules/x/index.js", "(")],
    );
    git(root, &["add", "-f", "."]);
    // Changed but not staged: not checked.
    write_tree(root, &[("app/main.py", "import app.unstaged\n")]);

    let output = check(root, &["--staged"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let (violations, files) = findings(&output);
    assert_eq!(
        violations,
        vec![
            finding("a/models.py", 1, "TYP001"),
            finding("app/added.py", 2, "IMP001"),
            finding("app/new_name.py", 1, "SYN001"),
        ]
    );
    assert_eq!(files, ["a/models.py", "app/added.py", "app/new_name.py"]);
    let report = json(&output);
    assert_eq!(
        report["summary"]["excluded"]["exclude `node_modules`"], 1,
        "{report}"
    );

    // Named paths narrow the staged files down to those under them.
    let (violations, files) = findings(&check(root, &["--staged", "app"]));
    assert_eq!(files, ["app/added.py", "app/new_name.py"]);
    assert_eq!(violations.len(), 2);

    // The other copy staged instead: it is the one reported.
    git(root, &["reset", "-q"]);
    git(root, &["checkout", "-q", "--", "a/models.py"]);
    write_tree(root, &[("b/models.py", "class User:\n    name: str\n\n")]);
    git(root, &["add", "b/models.py"]);
    let (violations, files) = findings(&check(root, &["--staged"]));
    assert_eq!(files, ["b/models.py"]);
    assert_eq!(violations, vec![finding("b/models.py", 1, "TYP001")]);
}

#[test]
fn nothing_staged_exits_0_and_says_so() {
    let repo = repository();
    let root = repo.path();
    let output = check(root, &["--staged"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["summary"]["files"]["total"], 0);
    assert_eq!(
        report["summary"]["notices"],
        serde_json::json!(["no staged files to check"])
    );

    // Only files plumb does not check are staged: said too, in the text formats as well.
    write_tree(root, &[("README.md", "# app!\n")]);
    git(root, &["add", "README.md"]);
    let output = run_in(root, &["check", "--staged"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains(
            "no staged files to check: 1 changed path(s) under the paths given, none of them a Python or TypeScript/JavaScript file that is not excluded"
        ),
        "{}",
        stdout(&output)
    );
    // No context was read and no cache written for a run that checks nothing.
    assert!(!root.join(".plumb_cache").exists());
}

#[test]
fn changed_since_takes_committed_unstaged_and_untracked_files() {
    let repo = repository();
    let root = repo.path();
    git(root, &["tag", "base"]);
    write_tree(root, &[("app/helpers.py", "def helper(:\n")]);
    git(root, &["commit", "-q", "-am", "committed change"]);
    write_tree(
        root,
        &[
            ("app/main.py", "import app.unstaged\n"),
            ("app/untracked.py", "def f(:\n"),
            (".gitignore", "ignored.py\n"),
            ("ignored.py", "def f(:\n"),
        ],
    );
    std::fs::remove_file(root.join("app/gone.py")).unwrap();

    let output = check(root, &["--changed-since", "base"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let (violations, files) = findings(&output);
    assert_eq!(files, ["app/helpers.py", "app/main.py", "app/untracked.py"]);
    assert_eq!(
        violations,
        vec![
            finding("app/helpers.py", 1, "SYN001"),
            finding("app/main.py", 1, "IMP001"),
            finding("app/untracked.py", 1, "SYN001"),
        ]
    );
    // The same files as naming them, exclusions applied.
    let named = check(
        root,
        &[
            "--force-exclude",
            "app/helpers.py",
            "app/main.py",
            "app/untracked.py",
        ],
    );
    assert_eq!(stdout(&named), stdout(&output));
}

#[test]
fn git_errors_exit_2_with_gits_message() {
    let repo = repository();
    let output = check(repo.path(), &["--changed-since", "no-such-revision"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("fatal: bad revision 'no-such-revision'"),
        "{}",
        stderr(&output)
    );
    // A revision that looks like an option is still a revision.
    let output = check(repo.path(), &["--changed-since=--output=x"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("bad revision"),
        "{}",
        stderr(&output)
    );
    assert!(!repo.path().join("x").exists());

    let plain = tempfile::tempdir().unwrap();
    write_tree(plain.path(), &[("x.py", "x = 1\n")]);
    let output = check(plain.path(), &["--staged"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not a git repository"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());

    let output = check(repo.path(), &["--staged", "--changed-since", "HEAD"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let output = check(repo.path(), &["--staged", "missing/"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("path does not exist: missing/"),
        "{}",
        stderr(&output)
    );
}
