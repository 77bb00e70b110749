//! `--staged` and `--changed-since REV`: the files git says changed become the files checked,
//! the rest of the project stays context (as when a pre-commit hook names the staged files).
//!
//! git is asked, as a subprocess, exactly as pre-commit asks it: `git diff --cached
//! --name-status -z` for the staged files, `git diff --name-status -z REV` (against the working
//! tree) plus `git ls-files --others --exclude-standard` for the files changed since a revision.
//! Paths come back relative to the repository's top level (`--no-relative` overrides a user's
//! `diff.relative`), NUL-separated, so no name is ever quoted or split.
//!
//! Added, copied, modified, renamed (the new path) and type-changed files are taken; deleted and
//! unmerged ones are not (a deleted file is neither checked nor context). The content checked is
//! the working-tree file: pre-commit stashes unstaged changes before it runs hooks, so there the
//! working tree is the index.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::input_path::physical;

/// Which changed files a run checks instead of walking its paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangedFiles {
    /// `--staged`: the files staged in git's index.
    Staged,
    /// `--changed-since REV`: files that differ between REV and the working tree, and
    /// untracked files that are not ignored.
    Since(String),
}

impl ChangedFiles {
    /// What the files are, for messages: "staged files", "files changed since main".
    pub(crate) fn describe(&self) -> String {
        match self {
            ChangedFiles::Staged => "staged files".to_string(),
            ChangedFiles::Since(revision) => format!("files changed since {revision}"),
        }
    }
}

/// git could not say which files changed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run git (needed for {what}): {error}")]
    Spawn { what: String, error: std::io::Error },
    /// git's own message, e.g. `fatal: not a git repository` or `fatal: bad revision 'x'`.
    #[error("git {command} failed: {message}")]
    Failed { command: String, message: String },
}

/// The changed files under the named paths.
#[derive(Debug, Default)]
pub(crate) struct Changed {
    /// Regular files, absolute and physical, sorted: what the walk is given.
    pub(crate) files: Vec<PathBuf>,
    /// Every path git listed under the named paths, whatever its kind.
    pub(crate) listed: usize,
    /// Symbolic links among them: not followed, counted as the walk counts them.
    pub(crate) links: usize,
}

/// The files `selection` names that lie under one of `under` (absolute, physical paths; the
/// first one decides which repository is asked).
pub(crate) fn changed_files(
    selection: &ChangedFiles,
    under: &[PathBuf],
) -> Result<Changed, GitError> {
    let first = under
        .first()
        .map(PathBuf::as_path)
        .unwrap_or(Path::new("."));
    let dir = if first.is_dir() {
        first
    } else {
        first.parent().unwrap_or(first)
    };
    let what = match selection {
        ChangedFiles::Staged => "--staged",
        ChangedFiles::Since(_) => "--changed-since",
    };
    let top = git(dir, what, &["rev-parse", "--show-toplevel"])?;
    let top = physical(dir, Path::new(String::from_utf8_lossy(&top).trim_end()));
    let mut paths = match selection {
        ChangedFiles::Staged => name_status(&git(
            &top,
            what,
            &[
                "diff",
                "--no-ext-diff",
                "--cached",
                "--name-status",
                "-z",
                "--no-relative",
                "--diff-filter=ACMRT",
            ],
        )?),
        ChangedFiles::Since(revision) => {
            let mut paths = name_status(&git(
                &top,
                what,
                &[
                    "diff",
                    "--no-ext-diff",
                    "--name-status",
                    "-z",
                    "--no-relative",
                    "--diff-filter=ACMRT",
                    "--end-of-options",
                    revision,
                    "--",
                ],
            )?);
            let untracked = git(
                &top,
                what,
                &["ls-files", "--others", "--exclude-standard", "-z"],
            )?;
            paths.extend(split_nul(&untracked));
            paths
        }
    };
    paths.sort();
    paths.dedup();
    let mut changed = Changed::default();
    for relative in paths {
        let path = top.join(relative);
        if !under.iter().any(|named| path.starts_with(named)) {
            continue;
        }
        changed.listed += 1;
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => changed.links += 1,
            Ok(meta) if meta.is_file() => changed.files.push(path),
            // Gone from the working tree since it was staged, or a submodule (a directory).
            _ => {}
        }
    }
    Ok(changed)
}

/// Runs `git -C dir ARGS` and returns its standard output, or git's message on failure.
///
/// plumb never runs commands a repository configures: `core.fsmonitor` (which git runs when it
/// reads the index, as `diff` does) is switched off, and diffs use no external diff driver.
fn git(dir: &Path, what: &str, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let output = Command::new("git")
        .args(["-c", "core.fsmonitor=false", "-c", "diff.external="])
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|error| GitError::Spawn {
            what: what.to_string(),
            error,
        })?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr).trim().to_string();
        return Err(GitError::Failed {
            command: args[0].to_string(),
            message: if message.is_empty() {
                format!("exit status {}", output.status)
            } else {
                message
            },
        });
    }
    Ok(output.stdout)
}

/// The paths of `git diff --name-status -z` output: a status, then one path (two for renames
/// and copies, `R100\0old\0new`, of which the new one is taken).
fn name_status(output: &[u8]) -> Vec<PathBuf> {
    let mut fields = split_nul(output).into_iter();
    let mut paths = Vec::new();
    while let Some(status) = fields.next() {
        let two_paths = status
            .as_os_str()
            .as_encoded_bytes()
            .first()
            .is_some_and(|kind| matches!(kind, b'R' | b'C'));
        if two_paths {
            fields.next();
        }
        if let Some(path) = fields.next() {
            paths.push(path);
        }
    }
    paths
}

/// NUL-terminated fields as paths (bytes as they are: git paths need not be UTF-8).
fn split_nul(output: &[u8]) -> Vec<PathBuf> {
    output
        .split(|byte| *byte == 0)
        .filter(|field| !field.is_empty())
        .map(path_from_bytes)
        .collect()
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_and_copies_give_their_new_path() {
        let output = b"M\0a.py\0R087\0old.py\0new.py\0A\0dir/x y.ts\0C100\0src.py\0copy.py\0";
        assert_eq!(
            name_status(output),
            ["a.py", "new.py", "dir/x y.ts", "copy.py"].map(PathBuf::from)
        );
        assert!(name_status(b"").is_empty());
    }
}
