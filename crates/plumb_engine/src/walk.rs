//! Finding the files to check: a parallel, gitignore-aware walk with the default and configured
//! exclusions, each of which is counted so nothing disappears silently.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};
use plumb_syntax::SourceKind;

use crate::settings::{DEFAULT_CACHE_DIR, Settings};

/// A file the walk selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredFile {
    /// Path as shown in reports: relative to the working directory, `/`-separated.
    pub display_path: String,
    pub path: PathBuf,
    /// Relative to the project root, `/`-separated; what globs match against.
    pub project_path: String,
    pub kind: SourceKind,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<DiscoveredFile>,
    /// Exclusion reason to the number of paths (directories or files) it removed.
    pub excluded: BTreeMap<String, usize>,
    /// Paths named on the command line that do not exist.
    pub missing: Vec<PathBuf>,
}

/// Walks `inputs` (files or directories) and returns the source files to check, sorted.
pub fn discover(inputs: &[PathBuf], settings: &Settings, cwd: &Path) -> Discovery {
    let found = Mutex::new(Vec::new());
    let excluded = Mutex::new(BTreeMap::<String, usize>::new());
    let mut missing = Vec::new();
    let count = |reason: String| {
        *excluded
            .lock()
            .expect("not poisoned")
            .entry(reason)
            .or_default() += 1
    };

    let cache_dirs: Vec<PathBuf> = settings
        .cache_dir
        .iter()
        .cloned()
        .chain([settings.project_root.join(DEFAULT_CACHE_DIR)])
        .collect();
    for input in inputs {
        let absolute = if input.is_absolute() {
            input.clone()
        } else {
            cwd.join(input)
        };
        if absolute.is_file() {
            let Some(kind) = SourceKind::from_path(&absolute) else {
                continue;
            };
            let project_path = project_relative(&absolute, &settings.project_root);
            // Named files are checked even when excluded, unless --force-exclude (ruff's rule).
            if settings.force_exclude
                && let Some(pattern) = settings.exclude.first_match_with_parents(&project_path)
            {
                count(format!("exclude `{pattern}`"));
                continue;
            }
            found
                .lock()
                .expect("not poisoned")
                .push(make_file(absolute, project_path, kind, cwd));
            continue;
        }
        if !absolute.exists() {
            missing.push(input.clone());
            continue;
        }
        let walker = WalkBuilder::new(&absolute)
            .hidden(false)
            .follow_links(false)
            .require_git(false)
            .threads(settings.threads)
            .build_parallel();
        let root = absolute.clone();
        walker.run(|| {
            Box::new(|entry| {
                // A directory that cannot be listed (no permission, removed during the walk) is
                // counted, never passed over in silence.
                let Ok(entry) = entry else {
                    count("unreadable directory or entry".into());
                    return WalkState::Continue;
                };
                let path = entry.path();
                let Some(file_type) = entry.file_type() else {
                    return WalkState::Continue;
                };
                let project_path = project_relative(path, &settings.project_root);
                let is_root = path == root;
                if file_type.is_dir() {
                    if is_root {
                        return WalkState::Continue;
                    }
                    // plumb's own cache is not part of the project: skipped without a count,
                    // so a run reports the same with a cache, without one, or with --no-cache.
                    if cache_dirs.iter().any(|dir| dir == path) {
                        return WalkState::Skip;
                    }
                    if let Some(pattern) = settings.exclude.first_match(&project_path) {
                        count(format!("exclude `{pattern}`"));
                        return WalkState::Skip;
                    }
                    if path.join("pyvenv.cfg").is_file() {
                        count("virtualenv (pyvenv.cfg)".into());
                        return WalkState::Skip;
                    }
                    return WalkState::Continue;
                }
                let Some(kind) = SourceKind::from_path(path) else {
                    return WalkState::Continue;
                };
                if file_type.is_symlink() {
                    count("symbolic link".into());
                    return WalkState::Continue;
                }
                if let Some(pattern) = settings.exclude.first_match(&project_path) {
                    count(format!("exclude `{pattern}`"));
                    return WalkState::Continue;
                }
                found.lock().expect("not poisoned").push(make_file(
                    path.to_path_buf(),
                    project_path,
                    kind,
                    cwd,
                ));
                WalkState::Continue
            })
        });
    }

    let mut files = found.into_inner().expect("not poisoned");
    files.sort_by(|a, b| {
        a.display_path
            .cmp(&b.display_path)
            .then_with(|| a.path.cmp(&b.path))
    });
    files.dedup_by(|later, earlier| later.path == earlier.path);
    Discovery {
        files,
        excluded: excluded.into_inner().expect("not poisoned"),
        missing,
    }
}

fn make_file(path: PathBuf, project_path: String, kind: SourceKind, cwd: &Path) -> DiscoveredFile {
    let display_path = match path.strip_prefix(cwd) {
        Ok(relative) => slash_path(relative),
        Err(_) => slash_path(&path),
    };
    DiscoveredFile {
        display_path,
        path,
        project_path,
        kind,
    }
}

/// `path` relative to `root` with `/` separators, or the whole path when it is outside `root`.
fn project_relative(path: &Path, root: &Path) -> String {
    slash_path(path.strip_prefix(root).unwrap_or(path))
}

fn slash_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let text = if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    };
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}
