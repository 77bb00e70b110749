//! Build output a specifier points into: a `dist/` a package's `exports` name before it is
//! built, the `+types` React Router generates next to each route, a `generated/` folder.
//!
//! Such a target is missing on a fresh checkout, and that says nothing about whether the import
//! is right: the finding is IMP003 (unverifiable, "build first"), not IMP001. A folder counts
//! as build output when it has a build folder's name and is not there, or when a `.gitignore`
//! of the project ignores it (there or not: `lib/` is source in some packages and Babel output
//! in others, and the `.gitignore` tells which). A build-named folder that exists and is
//! committed is source like any other folder (IMP001).

use std::sync::Arc;

use super::fs::{FsCache, Memo, join, parent};

/// Folder names build tools and code generators write to.
///
/// `lib`, `esm` and `cjs` are build output in some packages and source in others, so they are
/// left out: a wrong guess would turn a real IMP001 into an IMP003.
const BUILD_DIRS: &[&str] = &[
    "dist",
    "build",
    "out",
    "generated",
    "__generated__",
    "+types",
    ".react-router",
    ".svelte-kit",
    ".next",
    ".nuxt",
];

/// The build folder an unresolved target lies in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct BuildOutput {
    /// Project-relative folder (`packages/ui/dist`).
    pub(crate) dir: String,
    pub(crate) exists: bool,
    /// The `.gitignore` that ignores the folder, if one does.
    pub(crate) ignored_by: Option<String>,
}

impl BuildOutput {
    /// Why the target cannot be checked, for the IMP003 message.
    pub(crate) fn reason(&self) -> String {
        self.reason_with("the import")
    }

    /// Why several imports through this folder cannot be checked, for one IMP003 message that
    /// stands for all of them.
    pub(crate) fn reason_for_many(&self) -> String {
        self.reason_with("the imports")
    }

    fn reason_with(&self, imports: &str) -> String {
        let ignored = match &self.ignored_by {
            Some(gitignore) => format!(" (ignored by {gitignore})"),
            None => String::new(),
        };
        if self.exists {
            format!(
                "`{}/` is build output{ignored} that does not have it: build first, then {imports} can be checked",
                self.dir
            )
        } else {
            format!(
                "`{}/` is build output{ignored} that is not there: build first, then {imports} can be checked",
                self.dir
            )
        }
    }
}

/// Finds build folders on the way to targets, with the `.gitignore` files read once each and
/// each folder's verdict worked out once (every import of a workspace package asks about the
/// same few folders).
#[derive(Default)]
pub(crate) struct BuildDirs {
    gitignores: Memo<Arc<Vec<String>>>,
    ignored: Memo<Option<String>>,
}

impl BuildDirs {
    /// The build folder `target` (a project-relative path that did not resolve) goes through:
    /// the first segment that is missing, when it has a build folder's name or git ignores it,
    /// or a folder that exists and git ignores. `None` when the target leaves through an
    /// ordinary folder. The last segment (the file) only counts when it is missing and has a
    /// build folder's name (`../dist`).
    pub(crate) fn of(&self, fs: &FsCache, target: &str) -> Option<BuildOutput> {
        let segments: Vec<&str> = target
            .split('/')
            .filter(|segment| !segment.is_empty())
            .collect();
        let mut dir = String::new();
        for (position, segment) in segments.iter().enumerate() {
            let is_last = position + 1 == segments.len();
            let path = join(&dir, segment);
            if !fs.is_dir(&dir, segment) {
                // The first missing segment decides (a file that exists ends the walk too).
                if fs.has_file(&dir, segment) {
                    return None;
                }
                let ignored_by = if is_last {
                    None
                } else {
                    self.ignored_by(fs, &path)
                };
                return (BUILD_DIRS.contains(segment) || ignored_by.is_some()).then_some(
                    BuildOutput {
                        dir: path,
                        exists: false,
                        ignored_by,
                    },
                );
            }
            if segment != &"node_modules"
                && let Some(gitignore) = self.ignored_by(fs, &path)
            {
                return Some(BuildOutput {
                    dir: path,
                    exists: true,
                    ignored_by: Some(gitignore),
                });
            }
            dir = path;
        }
        None
    }

    /// The `.gitignore` at or above the folder `path` that ignores it. A minimal reading: plain
    /// names and `*` globs, anchored (`/dist`, `app/dist`) or not (`dist/`, `**/dist`); a
    /// negation (`!dist`) is not undone, so such a folder still counts as ignored.
    fn ignored_by(&self, fs: &FsCache, path: &str) -> Option<String> {
        self.ignored
            .get_or_insert_with(path, || self.ignored_by_uncached(fs, path))
    }

    /// [`Self::ignored_by`], worked out.
    fn ignored_by_uncached(&self, fs: &FsCache, path: &str) -> Option<String> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let mut dir = parent(path);
        loop {
            let relative = if dir.is_empty() {
                path
            } else {
                &path[dir.len() + 1..]
            };
            let lines = self.gitignore(fs, dir);
            let ignored = lines.iter().any(|line| {
                let pattern = line.trim_end_matches('/');
                let pattern = pattern.strip_suffix("/**").unwrap_or(pattern);
                match pattern.strip_prefix("**/") {
                    Some(rest) if !rest.contains('/') => glob(rest, name),
                    _ if !pattern.trim_start_matches('/').contains('/')
                        && !pattern.starts_with('/') =>
                    {
                        glob(pattern, name)
                    }
                    _ => glob(pattern.trim_start_matches('/'), relative),
                }
            });
            if ignored {
                return Some(join(dir, ".gitignore"));
            }
            if dir.is_empty() {
                return None;
            }
            dir = parent(dir);
        }
    }

    /// The patterns of `dir/.gitignore` (none when there is no such file).
    fn gitignore(&self, fs: &FsCache, dir: &str) -> Arc<Vec<String>> {
        self.gitignores.get_or_insert_with(dir, || {
            let lines = if fs.has_file(dir, ".gitignore") {
                fs.read(&join(dir, ".gitignore"))
                    .unwrap_or_default()
                    .lines()
                    .map(str::trim)
                    .filter(|line| {
                        !line.is_empty() && !line.starts_with('#') && !line.starts_with('!')
                    })
                    .map(str::to_string)
                    .collect()
            } else {
                Vec::new()
            };
            Arc::new(lines)
        })
    }
}

/// A gitignore glob: `*` matches within one segment, `?` one character, the rest literally.
fn glob(pattern: &str, text: &str) -> bool {
    let mut pattern_chars = pattern.chars();
    match pattern_chars.next() {
        None => text.is_empty(),
        Some('*') => {
            let rest = pattern_chars.as_str();
            // `*` takes any characters up to the first `/` (not beyond it).
            let segment_end = text.find('/').unwrap_or(text.len());
            text[..segment_end]
                .char_indices()
                .map(|(skip, _)| skip)
                .chain(std::iter::once(segment_end))
                .any(|skip| glob(rest, &text[skip..]))
        }
        Some(expected) => {
            let mut text_chars = text.chars();
            let Some(actual) = text_chars.next() else {
                return false;
            };
            let same = if expected == '?' {
                actual != '/'
            } else {
                actual == expected
            };
            same && glob(pattern_chars.as_str(), text_chars.as_str())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{BuildDirs, BuildOutput, glob};
    use crate::resolve::fs::FsCache;

    #[test]
    fn globs_stay_within_a_segment() {
        assert!(glob("dist", "dist"));
        assert!(glob("dist*", "dist-esm"));
        assert!(glob("packages/*/dist", "packages/ui/dist"));
        assert!(!glob("packages/*/dist", "packages/ui/x/dist"));
        assert!(!glob("dist", "distx"));
    }

    #[test]
    fn the_first_missing_segment_decides() {
        let root = std::env::temp_dir().join(format!("plumb-build-output-{}", std::process::id()));
        std::fs::create_dir_all(root.join("app/build")).unwrap();
        std::fs::create_dir_all(root.join("pkg/dist")).unwrap();
        std::fs::create_dir_all(root.join("tools/build")).unwrap();
        std::fs::write(root.join("pkg/.gitignore"), "# output\n/dist/\n").unwrap();
        let fs = FsCache::new(&root);
        let dirs = BuildDirs::default();
        assert_eq!(
            dirs.of(&fs, "lib/dist/index.js"),
            None,
            "`lib` is missing first"
        );
        assert_eq!(
            dirs.of(&fs, "app/dist/index.js"),
            Some(BuildOutput {
                dir: "app/dist".into(),
                exists: false,
                ignored_by: None
            })
        );
        assert_eq!(
            dirs.of(&fs, "pkg/dist/index.js"),
            Some(BuildOutput {
                dir: "pkg/dist".into(),
                exists: true,
                ignored_by: Some("pkg/.gitignore".into())
            })
        );
        assert_eq!(
            dirs.of(&fs, "pkg/lib/index.js"),
            None,
            "`lib` is not ignored"
        );
        std::fs::write(root.join(".gitignore"), "lib\n").unwrap();
        let fs = FsCache::new(&root);
        let dirs = BuildDirs::default();
        assert_eq!(
            dirs.of(&fs, "pkg/lib/index.js"),
            Some(BuildOutput {
                dir: "pkg/lib".into(),
                exists: false,
                ignored_by: Some(".gitignore".into())
            })
        );
        assert_eq!(dirs.of(&fs, "tools/build/run.js"), None, "committed");
        assert_eq!(dirs.of(&fs, "app/routes/+types/home").map(|b| b.dir), None);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
