//! Helpers shared by the end-to-end tests: run the real `plumb` binary and read its output.

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn plumb() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_plumb"));
    // The developer's shell must not change results: an activated virtual environment is
    // part of import resolution.
    command
        .env_remove("NO_COLOR")
        .env_remove("VIRTUAL_ENV")
        .env_remove("PRE_COMMIT");
    command
}

/// Runs `plumb` in `dir` with `args` and returns its output.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    plumb()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("plumb runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 output")
}

pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error}): {}", stdout(output)))
}

/// Copies the directory `from` to `to`, recursively (files and directories; fixtures hold no
/// links).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the fixture project `case` in a temporary directory: a project of its own, as in a
/// fresh clone. In place it would lie inside this repository, whose root an unconfigured run
/// takes as the project root when the case has no project marker of its own.
pub fn standalone(case: &Path) -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let copy = temp
        .path()
        .canonicalize()
        .unwrap()
        .join(case.file_name().unwrap());
    copy_tree(case, &copy);
    (temp, copy)
}

/// The facts-cache files (not `.gitignore` or `CACHEDIR.TAG`) in `dir`, sorted.
pub fn cache_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|entry| entry.unwrap().path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "bin"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}
