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
