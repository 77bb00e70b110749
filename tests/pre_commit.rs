//! plumb as a pre-commit hook, end to end with the real `pre-commit` (from PyPI; `.ci/run`
//! installs it) and real git: a commit with an unjustified mock fails with the violation in
//! pre-commit's output, and passes once the mock is justified.
//!
//! Two set-ups, as users have them:
//! - the hook of this repository (`.pre-commit-hooks.yaml`, `language: rust`): a git copy of
//!   this working tree (uncommitted changes included) is the hook repository, and pre-commit
//!   builds plumb from it with `cargo install`. `CARGO_TARGET_DIR` points that build at
//!   `target/pre-commit-build`, so later runs rebuild incrementally;
//! - `repo: local`, `language: system`, as `plumb init` writes it, with the built binary on PATH.
//!
//! Without pre-commit the tests say so and pass, except under `CI=true`, where they fail.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use common::repo_root;

const UNJUSTIFIED: &str = "from unittest.mock import MagicMock\n\n\n\
def test_total():\n    client = MagicMock()\n    assert client is not None\n";
const JUSTIFIED: &str = "from unittest.mock import MagicMock\n\n\n\
def test_total():\n    # mock-justification: the partner API has no test environment at all\n    \
client = MagicMock()\n    assert client is not None\n";

/// How to run pre-commit here: `python3 -m pre_commit` (what `pip install` provides even when
/// its scripts directory is not on PATH), else `pre-commit`.
fn pre_commit_program() -> Option<Vec<String>> {
    let candidates = [
        vec!["python3".to_string(), "-m".into(), "pre_commit".into()],
        vec!["pre-commit".to_string()],
    ];
    for candidate in candidates {
        let works = Command::new(&candidate[0])
            .args(&candidate[1..])
            .arg("--version")
            .output()
            .is_ok_and(|output| output.status.success());
        if works {
            return Some(candidate);
        }
    }
    if std::env::var("CI").is_ok_and(|value| value == "true") {
        panic!("pre-commit is not installed: .ci/run installs it (pip install pre-commit)");
    }
    eprintln!("pre-commit is not installed (pip install pre-commit): skipping this test");
    None
}

/// A temporary directory with git and pre-commit isolated from the developer's configuration.
struct Sandbox {
    _temp: tempfile::TempDir,
    root: PathBuf,
    pre_commit: Vec<String>,
    /// Extra directories put in front of PATH (the built plumb for `language: system`).
    path_prefix: Vec<PathBuf>,
}

impl Sandbox {
    fn new() -> Option<Self> {
        let pre_commit = pre_commit_program()?;
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().canonicalize().unwrap();
        fs::create_dir_all(root.join("pre-commit-home")).unwrap();
        Some(Sandbox {
            _temp: temp,
            root,
            pre_commit,
            path_prefix: Vec::new(),
        })
    }

    fn command(&self, program: &str, dir: &Path) -> Command {
        let mut command = Command::new(program);
        let path = std::env::join_paths(self.path_prefix.iter().cloned().chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ))
        .unwrap();
        command
            .current_dir(dir)
            .env("PATH", path)
            .env("GIT_CONFIG_GLOBAL", self.root.join("gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
            .env("PRE_COMMIT_HOME", self.root.join("pre-commit-home"))
            // The hook's build lands in this repository's target/, so reruns are incremental,
            // and skips link-time optimisation and most optimisation (the tree-sitter grammars'
            // C sources were most of the build): it is the same `cargo install` of the same
            // code, only quicker to build in CI.
            .env(
                "CARGO_TARGET_DIR",
                repo_root().join("target/pre-commit-build"),
            )
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")
            // Results must not depend on the caller's shell or on CI defaults.
            .env_remove("CI")
            .env_remove("VIRTUAL_ENV")
            .env_remove("PRE_COMMIT")
            .env_remove("NO_COLOR");
        command
    }

    fn git(&self, dir: &Path, args: &[&str]) -> Output {
        self.command("git", dir)
            .args(args)
            .output()
            .expect("git runs")
    }

    fn git_ok(&self, dir: &Path, args: &[&str]) -> String {
        let output = self.git(dir, args);
        assert!(output.status.success(), "git {args:?}: {}", text(&output));
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    fn install_hooks(&self, dir: &Path) {
        let output = self
            .command(&self.pre_commit[0], dir)
            .args(&self.pre_commit[1..])
            .arg("install")
            .output()
            .expect("pre-commit runs");
        assert!(
            output.status.success(),
            "pre-commit install: {}",
            text(&output)
        );
    }

    /// A git repository `name` holding `files`, with pre-commit's hook installed.
    fn user_repo(&self, name: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = self.root.join(name);
        fs::create_dir_all(&dir).unwrap();
        self.git_ok(&dir, &["init", "-q", "-b", "main"]);
        for (path, text) in files {
            write(&dir, path, text);
        }
        self.install_hooks(&dir);
        dir
    }

    /// `git add -A && git commit`, which runs the hooks; returns the output and the time taken.
    fn commit(&self, dir: &Path, message: &str) -> (Output, std::time::Duration) {
        self.git_ok(dir, &["add", "-A"]);
        let start = Instant::now();
        let output = self.git(dir, &["commit", "-q", "-m", message]);
        (output, start.elapsed())
    }

    /// This working tree as a git repository of its own (tracked and new files, committed), the
    /// hook repository pre-commit clones; returns its path and commit.
    fn hook_repo(&self) -> (PathBuf, String) {
        let dir = self.root.join("plumb-hook-repo");
        fs::create_dir_all(&dir).unwrap();
        let listed = self.git_ok(
            &repo_root(),
            &["ls-files", "--cached", "--others", "--exclude-standard"],
        );
        for relative in listed.lines() {
            let from = repo_root().join(relative);
            // Deleted but not yet staged: not part of the working tree.
            if !from.is_file() {
                continue;
            }
            let to = dir.join(relative);
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::copy(&from, &to).unwrap();
        }
        self.git_ok(&dir, &["init", "-q", "-b", "main"]);
        self.git_ok(&dir, &["add", "-A"]);
        self.git_ok(&dir, &["commit", "-q", "-m", "plumb working tree"]);
        let rev = self.git_ok(&dir, &["rev-parse", "HEAD"]);
        (dir, rev)
    }
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn text(output: &Output) -> String {
    format!(
        "exit {:?}\n{}{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn remote_hook_config(hook_repo: &Path, rev: &str) -> String {
    format!(
        "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: plumb\n",
        hook_repo.display()
    )
}

/// The violation is printed in pre-commit's output, the commit refused.
fn assert_refused_with_violation(output: &Output) {
    let printed = text(output);
    assert_ne!(
        output.status.code(),
        Some(0),
        "commit went through:\n{printed}"
    );
    assert!(printed.contains("plumb"), "{printed}");
    assert!(printed.contains("Failed"), "{printed}");
    assert!(
        printed.contains("tests/test_orders.py:5:") && printed.contains("MCK001"),
        "{printed}"
    );
}

fn assert_committed(output: &Output) {
    assert_eq!(output.status.code(), Some(0), "{}", text(output));
}

#[test]
fn rust_hook_refuses_an_unjustified_mock_and_accepts_it_justified() {
    let Some(sandbox) = Sandbox::new() else {
        return;
    };
    let (hook_repo, rev) = sandbox.hook_repo();
    let repo = sandbox.user_repo(
        "user",
        &[
            ("tests/test_orders.py", UNJUSTIFIED),
            (
                ".pre-commit-config.yaml",
                &remote_hook_config(&hook_repo, &rev),
            ),
        ],
    );
    // The first commit builds plumb (`cargo install` in pre-commit's clone of the hook repo).
    let (output, first) = sandbox.commit(&repo, "add orders test");
    eprintln!("first commit, including the language: rust build of plumb: {first:.1?}");
    eprintln!("{}", text(&output));
    assert_refused_with_violation(&output);

    write(&repo, "tests/test_orders.py", JUSTIFIED);
    let (output, second) = sandbox.commit(&repo, "justify the mock");
    eprintln!("second commit (hook environment installed): {second:.1?}");
    assert_committed(&output);

    // Removing the mock altogether is fine too; files plumb does not check skip the hook.
    write(
        &repo,
        "tests/test_orders.py",
        "def test_total():\n    assert True\n",
    );
    write(&repo, "README.md", "# shop\n");
    assert_committed(&sandbox.commit(&repo, "no mock").0);

    rust_hook_accepts_a_violation_listed_in_the_baseline(&sandbox, &hook_repo, &rev);
}

/// With a baseline that lists the violation the commit passes, and a new violation is still
/// refused. Runs in the sandbox of the test above so pre-commit reuses the hook it built.
fn rust_hook_accepts_a_violation_listed_in_the_baseline(
    sandbox: &Sandbox,
    hook_repo: &Path,
    rev: &str,
) {
    let repo = sandbox.user_repo(
        "baselined",
        &[
            ("tests/test_orders.py", UNJUSTIFIED),
            (
                ".pre-commit-config.yaml",
                &remote_hook_config(hook_repo, rev),
            ),
        ],
    );
    assert_refused_with_violation(&sandbox.commit(&repo, "add orders test").0);

    let baseline = common::run_in(&repo, &["baseline"]);
    assert_eq!(baseline.status.code(), Some(0), "{}", text(&baseline));
    assert!(repo.join(".plumb-baseline.json").is_file());
    write(&repo, "plumb.toml", "baseline = \".plumb-baseline.json\"\n");
    assert_committed(&sandbox.commit(&repo, "baseline the existing mock").0);

    // A new unjustified mock is not in the baseline: refused again.
    write(
        &repo,
        "tests/test_orders.py",
        &format!("{UNJUSTIFIED}\n\ndef test_new():\n    assert MagicMock()\n"),
    );
    let (output, _) = sandbox.commit(&repo, "a new mock");
    assert_ne!(output.status.code(), Some(0), "{}", text(&output));
    assert!(text(&output).contains("MCK001"), "{}", text(&output));
}

/// `plumb init` writes the `repo: local` / `language: system` hook; with plumb on PATH the real
/// pre-commit runs it. The hook's `files` and `entry` are those of `.pre-commit-hooks.yaml`.
#[test]
fn system_hook_written_by_init_refuses_an_unjustified_mock_and_accepts_it_justified() {
    let Some(mut sandbox) = Sandbox::new() else {
        return;
    };
    let binary_dir = Path::new(env!("CARGO_BIN_EXE_plumb")).parent().unwrap();
    sandbox.path_prefix.push(binary_dir.to_path_buf());
    let dir = sandbox.root.join("user");
    fs::create_dir_all(&dir).unwrap();
    sandbox.git_ok(&dir, &["init", "-q", "-b", "main"]);
    write(&dir, "tests/test_orders.py", UNJUSTIFIED);
    let init = common::run_in(&dir, &["init"]);
    assert_eq!(init.status.code(), Some(0), "{}", text(&init));

    let written: serde_norway::Value =
        serde_norway::from_str(&fs::read_to_string(dir.join(".pre-commit-config.yaml")).unwrap())
            .unwrap();
    let ours: serde_norway::Value = serde_norway::from_str(
        &fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml")).unwrap(),
    )
    .unwrap();
    let local = &written["repos"][0]["hooks"][0];
    for key in ["id", "entry", "files", "require_serial"] {
        assert_eq!(
            local[key], ours[0][key],
            "`{key}` differs from .pre-commit-hooks.yaml"
        );
    }
    assert_eq!(local["language"], "system");

    sandbox.install_hooks(&dir);
    let (output, elapsed) = sandbox.commit(&dir, "add orders test");
    eprintln!("commit with the language: system hook: {elapsed:.1?}");
    assert_refused_with_violation(&output);
    write(&dir, "tests/test_orders.py", JUSTIFIED);
    assert_committed(&sandbox.commit(&dir, "justify the mock").0);
}
