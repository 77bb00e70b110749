//! `plumb check --staged` and `--changed-since REV` on real git repositories: which files are
//! checked (added, modified, renamed, untracked; not deleted, ignored or excluded), that the rest
//! of the project is context, and the errors when git cannot answer.

mod common;

use std::path::Path;
use std::process::Output;

use common::{cache_files, json, run_in, stderr, stdout};

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

/// The project rules run side by side (TYP001 beside the import resolution the IMP rules
/// share) and the walk for context beside the cache read: a staged file that each of them
/// flags gets the same report, byte for byte, cold and warm, with one thread or several, and
/// without the cache.
#[test]
fn staged_reports_are_the_same_whatever_the_threads_and_the_cache() {
    let repo = repository();
    let root = repo.path();
    // Declared dependencies, so that IMP002 judges third-party imports.
    write_tree(
        root,
        &[(
            "pyproject.toml",
            "[project]\nname = \"app\"\ndependencies = [\"attrs\"]\n",
        )],
    );
    write_tree(
        root,
        &[(
            "app/added.py",
            "import requests\nimport app.missing\nfrom app.helpers import helper\n\n\nclass User:\n    name: str\n",
        )],
    );
    git(root, &["add", "app/added.py"]);
    let run = |args: &[&str]| {
        let mut all = vec!["--staged"];
        all.extend_from_slice(args);
        let output = check(root, &all);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        stdout(&output)
    };
    let cold = run(&[]);
    let report: serde_json::Value = serde_json::from_str(&cold).unwrap();
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|diagnostic| diagnostic["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["IMP002", "IMP001", "TYP001"], "{cold}");
    assert_eq!(
        report["summary"]["rule_totals"]["TYP001"]["counts"]["duplicated_names"], 1,
        "{cold}"
    );
    for args in [
        &[][..],
        &["--threads", "1"],
        &["--threads", "4"],
        &["--no-cache"],
    ] {
        assert_eq!(run(args), cold, "{args:?}");
    }
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

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).unwrap().ino()
}

/// `plumb check --output-format json ARGS` in `dir`: exit code and report.
fn report(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["check", "--output-format", "json"];
    all.extend_from_slice(args);
    let output = run_in(dir, &all);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        stderr(&output)
    );
    (output.status.code(), stdout(&output))
}

fn count(report: &str, code: &str) -> usize {
    let report: serde_json::Value = serde_json::from_str(report).unwrap();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|diagnostic| diagnostic["code"] == code)
        .count()
}

#[test]
fn checked_files_come_from_the_cache_and_follow_the_settings() {
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    write_tree(
        root,
        &[
            ("pyproject.toml", "[project]\nname = \"app\"\n"),
            (
                "tests/test_a.py",
                "from unittest import mock\n\n\ndef test_x(monkeypatch):\n    m = mock.Mock()\n    monkeypatch.setattr(\"os.sep\", \"/\")\n",
            ),
            (
                "app/new.py",
                "def f(x):\n    match x:\n        case 1:\n            return 1\n",
            ),
        ],
    );
    let cache_dir = root.join(".plumb_cache");
    // Each configuration: the run from the cache equals the run without it, twice over (the
    // second reads what the first stored), and the cache is rewritten only when facts change.
    let same_with_and_without_cache = |args: &[&str]| {
        let mut uncached = args.to_vec();
        uncached.push("--no-cache");
        let expected = report(root, &uncached);
        assert_eq!(report(root, args), expected, "{args:?}");
        let file = cache_files(&cache_dir).pop().unwrap();
        #[cfg(unix)]
        let before = inode(&file);
        assert_eq!(report(root, args), expected, "{args:?}");
        #[cfg(unix)]
        assert_eq!(
            inode(&file),
            before,
            "rewritten with nothing changed: {args:?}"
        );
        expected.1
    };
    let configure = |toml: &str| std::fs::write(root.join("plumb.toml"), toml).unwrap();

    configure("");
    let default = same_with_and_without_cache(&[]);
    assert_eq!(count(&default, "MCK001"), 1);
    assert_eq!(count(&default, "SYN001"), 0);
    // What counts as a mock changes which mock sites a test file has.
    configure("[rules.MCK001]\nmonkeypatch = true\n");
    assert_eq!(count(&same_with_and_without_cache(&[]), "MCK001"), 2);
    // Checked alone (the rest is context) from the same entries.
    assert_eq!(
        count(&same_with_and_without_cache(&["tests/test_a.py"]), "MCK001"),
        2
    );
    // Not a test file any more: no mock sites.
    configure("test-files = [\"nothing/**\"]\n");
    assert_eq!(count(&same_with_and_without_cache(&[]), "MCK001"), 0);
    // The Python version decides what parses.
    configure("");
    let old_python = same_with_and_without_cache(&["--target-version", "3.9"]);
    assert_eq!(count(&old_python, "SYN001"), 1);
    assert_eq!(same_with_and_without_cache(&[]), default);
}

#[test]
fn eight_concurrent_runs_share_one_cache() {
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    let mut files = vec![(
        "pyproject.toml".to_string(),
        "[project]\nname = \"app\"\n".to_string(),
    )];
    for n in 0..150 {
        files.push((
            format!("app/m{n:03}.py"),
            format!(
                "from app.m{:03} import f{}\nimport app.missing{}\n\n\ndef f{n}(): ...\n\n\nclass Shared{}:\n    x: int\n",
                (n + 1) % 150,
                (n + 1) % 150,
                n % 7,
                n % 40
            ),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    write_tree(root, &files);
    let whole: &[&str] = &["check", "--output-format", "json"];
    let subset: &[&str] = &[
        "check",
        "--output-format",
        "json",
        "app/m000.py",
        "app/m149.py",
    ];
    let expected = |args: &[&str]| {
        let mut args = args.to_vec();
        args.push("--no-cache");
        let output = run_in(root, &args);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        stdout(&output)
    };
    let (expected_whole, expected_subset) = (expected(whole), expected(subset));
    assert!(!root.join(".plumb_cache").exists());
    let concurrently = || {
        let children: Vec<_> = (0..8)
            .map(|n| {
                let args = if n % 2 == 0 { whole } else { subset };
                let child = common::plumb()
                    .current_dir(root)
                    .args(args)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("plumb starts");
                (n, child)
            })
            .collect();
        for (n, child) in children {
            let output = child.wait_with_output().unwrap();
            assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
            let expected = if n % 2 == 0 {
                &expected_whole
            } else {
                &expected_subset
            };
            assert_eq!(&stdout(&output), expected, "run {n}");
        }
    };
    // Cold: eight runs write the cache at once.
    concurrently();
    let files = cache_files(&root.join(".plumb_cache"));
    assert_eq!(files.len(), 1, "{files:?}");
    // Warm, reading while others may write.
    concurrently();
    // Damaged in between: ignored and rewritten.
    let mut torn = std::fs::read(&files[0]).unwrap();
    torn.truncate(torn.len() / 3);
    std::fs::write(&files[0], torn).unwrap();
    concurrently();
    // What is left is one complete cache: a run finds every entry valid and rewrites nothing.
    #[cfg(unix)]
    {
        let before = inode(&files[0]);
        assert_eq!(stdout(&run_in(root, whole)), expected_whole);
        assert_eq!(
            inode(&files[0]),
            before,
            "the cache left behind was not complete"
        );
    }
    // No temporary file left behind.
    let leftovers: Vec<_> = std::fs::read_dir(root.join(".plumb_cache"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| !name.ends_with(".bin") && name != ".gitignore" && name != "CACHEDIR.TAG")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_settled_file_edited_in_place_is_parsed_again() {
    // Files that have not changed for a while are judged by size, times and inode without
    // being read; an edit of the same size, in place, must still be seen.
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    write_tree(
        root,
        &[
            ("pyproject.toml", "[project]\nname = \"app\"\n"),
            ("app/a.py", "class User: ...\n"),
            ("app/b.py", "class Usr2: ...\n"),
        ],
    );
    let settle = || std::thread::sleep(std::time::Duration::from_millis(2500));
    settle();
    let args: &[&str] = &["--select", "TYP", "app/a.py"];
    let (code, _) = report(root, args);
    assert_eq!(code, Some(0));
    assert_eq!(report(root, args).0, Some(0));
    std::fs::write(root.join("app/b.py"), "class User: ...\n").unwrap();
    settle();
    let (code, found) = report(root, args);
    assert_eq!(count(&found, "TYP001"), 1, "{found}");
    assert_eq!(code, Some(1));
    assert_eq!(
        report(root, &[args, &["--no-cache"]].concat()),
        (code, found)
    );
}
