//! One spelling per file: every path the user names is made absolute and physical before
//! anything compares it with the project root.
//!
//! `plumb check ../repo`, `plumb check /a/b/../repo`, `plumb check /symlinked/parent/repo` and
//! `cd repo && plumb check .` name one tree. The walk, the project root and the import resolvers
//! relate paths by prefix, so a path still holding `..` or a symbolic link lies "outside" the
//! root that was computed from another spelling, and every import finding is lost.
//! The working directory is already physical (`getcwd`), so the canonical form is the one
//! everything else can agree on.

use std::path::{Component, Path, PathBuf};

/// `path` (relative to `cwd` unless absolute) as an absolute path without `.`, `..` or
/// symbolic links in its directories.
///
/// The last component is kept as named when it is itself a symbolic link: a link named on the
/// command line is checked under its own name, as the walk treats links (never followed into
/// another tree). A path that does not exist is normalised lexically, so the error about it
/// names a sensible path.
pub fn physical(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let lexical = lexically_normal(&joined);
    let named_link = std::fs::symlink_metadata(&joined)
        .map(|meta| meta.file_type().is_symlink())
        .unwrap_or(false);
    if named_link {
        // `..` before the link's name is resolved by the OS, which follows links on the way.
        let parent = joined.parent().and_then(|dir| dir.canonicalize().ok());
        return match (parent, joined.file_name()) {
            (Some(parent), Some(name)) => parent.join(name),
            _ => lexical,
        };
    }
    joined.canonicalize().unwrap_or(lexical)
}

/// `path` with `.` and `..` components resolved without touching the file system.
pub(crate) fn lexically_normal(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_directory_is_one_path() {
        let temp = tempfile::tempdir().unwrap();
        let base = temp.path().canonicalize().unwrap();
        let repo = base.join("repo");
        std::fs::create_dir_all(repo.join("src")).unwrap();
        std::os::unix::fs::symlink(&base, base.join("link")).unwrap();
        let inside = repo.join("src");
        for (cwd, spelled) in [
            (&repo, "."),
            (&inside, ".."),
            (&inside, "../../repo"),
            (&base, "repo"),
            (&base, "./repo/src/.."),
            (&base, "link/repo"),
            (&inside, "../../link/repo/src/.."),
        ] {
            assert_eq!(
                physical(cwd, Path::new(spelled)),
                repo,
                "{spelled} from {cwd:?}"
            );
        }
    }

    #[test]
    fn a_named_link_keeps_its_name_and_a_missing_path_is_lexical() {
        let temp = tempfile::tempdir().unwrap();
        let base = temp.path().canonicalize().unwrap();
        std::fs::write(base.join("real.py"), "").unwrap();
        std::os::unix::fs::symlink(base.join("real.py"), base.join("alias.py")).unwrap();
        std::fs::create_dir(base.join("sub")).unwrap();
        assert_eq!(
            physical(&base.join("sub"), Path::new("../alias.py")),
            base.join("alias.py")
        );
        assert_eq!(
            physical(&base, Path::new("sub/../missing/x.py")),
            base.join("missing/x.py")
        );
    }
}
