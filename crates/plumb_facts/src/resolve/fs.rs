//! Directory listings under the project root, read once each. Links are reported as existing
//! entries but never followed.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One directory's entries: name and whether it is a directory (a link counts as both).
type Listing = Vec<(String, bool)>;

pub(crate) struct FsCache {
    root: PathBuf,
    listings: RefCell<HashMap<String, Option<std::rc::Rc<Listing>>>>,
}

impl FsCache {
    pub(crate) fn new(root: &Path) -> Self {
        FsCache {
            root: root.to_path_buf(),
            listings: RefCell::new(HashMap::new()),
        }
    }

    /// The project root every path is relative to.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Entries of the project-relative directory `dir` (`""` is the root); `None` when it is
    /// not a directory or cannot be read.
    pub(crate) fn list(&self, dir: &str) -> Option<std::rc::Rc<Listing>> {
        if let Some(cached) = self.listings.borrow().get(dir) {
            return cached.clone();
        }
        let path = if dir.is_empty() {
            self.root.clone()
        } else {
            self.root.join(dir)
        };
        let listing = std::fs::read_dir(&path).ok().map(|entries| {
            let mut listing: Listing = entries
                .filter_map(|entry| {
                    let entry = entry.ok()?;
                    let name = entry.file_name().into_string().ok()?;
                    let kind = entry.file_type().ok()?;
                    Some((name, kind.is_dir() || kind.is_symlink()))
                })
                .collect();
            listing.sort();
            std::rc::Rc::new(listing)
        });
        self.listings
            .borrow_mut()
            .insert(dir.to_string(), listing.clone());
        listing
    }

    pub(crate) fn is_dir(&self, dir: &str, name: &str) -> bool {
        self.list(dir).is_some_and(|listing| {
            listing
                .iter()
                .any(|(entry, is_dir)| entry == name && *is_dir)
        })
    }

    pub(crate) fn has_file(&self, dir: &str, name: &str) -> bool {
        self.list(dir)
            .is_some_and(|listing| listing.iter().any(|(entry, _)| entry == name))
    }

    /// Reads a project-relative file as text.
    pub(crate) fn read(&self, path: &str) -> Option<String> {
        std::fs::read_to_string(self.root.join(path)).ok()
    }
}

/// `a/b` joined with `c`, project-relative.
pub(crate) fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Parent of a project-relative path (`""` for top-level entries).
pub(crate) fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |slash| &path[..slash])
}
