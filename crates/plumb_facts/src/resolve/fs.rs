//! Directory listings under the project root, read once each. Links are reported as existing
//! entries but never followed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use rustc_hash::FxHashMap;

/// One directory's entries: name and whether it is a directory (a link counts as both).
type Listing = Vec<(String, bool)>;

/// A listing read at most once: `None` inside when the path is not a readable directory.
type ListingCell = Arc<OnceLock<Option<Arc<Listing>>>>;

/// Shared by the threads that resolve imports in parallel. Each directory is read once: a
/// thread that asks for a listing another thread is reading waits for it (the two resolvers
/// start their searches at the root at the same moment and would otherwise read the same
/// directories twice).
pub(crate) struct FsCache {
    root: PathBuf,
    listings: Mutex<HashMap<String, ListingCell>>,
}

impl FsCache {
    pub(crate) fn new(root: &Path) -> Self {
        FsCache {
            root: root.to_path_buf(),
            listings: Mutex::new(HashMap::new()),
        }
    }

    /// The project root every path is relative to.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Entries of the project-relative directory `dir` (`""` is the root); `None` when it is
    /// not a directory or cannot be read.
    pub(crate) fn list(&self, dir: &str) -> Option<Arc<Listing>> {
        let known = self.listings().get(dir).cloned();
        let cell =
            known.unwrap_or_else(|| self.listings().entry(dir.to_string()).or_default().clone());
        cell.get_or_init(|| self.read_listing(dir)).clone()
    }

    fn read_listing(&self, dir: &str) -> Option<Arc<Listing>> {
        let path = if dir.is_empty() {
            self.root.clone()
        } else {
            self.root.join(dir)
        };
        std::fs::read_dir(&path).ok().map(|entries| {
            let mut listing: Listing = entries
                .filter_map(|entry| {
                    let entry = entry.ok()?;
                    let name = entry.file_name().into_string().ok()?;
                    let kind = entry.file_type().ok()?;
                    Some((name, kind.is_dir() || kind.is_symlink()))
                })
                .collect();
            listing.sort();
            Arc::new(listing)
        })
    }

    /// The listings read so far. A thread that panicked while holding the lock left at most
    /// one entry unwritten: the map is still sound.
    fn listings(&self) -> std::sync::MutexGuard<'_, HashMap<String, ListingCell>> {
        self.listings.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn is_dir(&self, dir: &str, name: &str) -> bool {
        self.entry(dir, name) == Some(true)
    }

    pub(crate) fn has_file(&self, dir: &str, name: &str) -> bool {
        self.entry(dir, name).is_some()
    }

    /// Whether `dir` has an entry `name`, and if so whether it is a directory (listings are
    /// sorted by name, and a name appears once).
    fn entry(&self, dir: &str, name: &str) -> Option<bool> {
        let listing = self.list(dir)?;
        let position = listing
            .binary_search_by(|(entry, _)| entry.as_str().cmp(name))
            .ok()?;
        Some(listing[position].1)
    }

    /// Reads a project-relative file as text.
    pub(crate) fn read(&self, path: &str) -> Option<String> {
        std::fs::read_to_string(self.root.join(path)).ok()
    }
}

/// Answers worked out once per key and shared by the threads that resolve imports. The lock is
/// not held while an answer is worked out: two threads that ask for the same missing key at
/// once may both work it out, and get equal answers.
pub(crate) struct Memo<V>(Mutex<FxHashMap<String, V>>);

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo(Mutex::default())
    }
}

impl<V: Clone> Memo<V> {
    /// The answer for `key`, worked out by `work_out` the first time.
    pub(crate) fn get_or_insert_with(&self, key: &str, work_out: impl FnOnce() -> V) -> V {
        if let Some(known) = self.answers().get(key) {
            return known.clone();
        }
        let answer = work_out();
        self.answers().insert(key.to_string(), answer.clone());
        answer
    }

    /// A thread that panicked while holding the lock left at most one answer unwritten.
    fn answers(&self) -> std::sync::MutexGuard<'_, FxHashMap<String, V>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `a/b` joined with `c`, project-relative.
pub(crate) fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        // Not `format!`: this runs for every lookup of the resolvers.
        [dir, "/", name].concat()
    }
}

/// Parent of a project-relative path (`""` for top-level entries).
pub(crate) fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |slash| &path[..slash])
}

/// The file system `oxc_resolver` sees: the real one, but only under the project root.
///
/// Without it the resolver walks every ancestor of a file for `node_modules` and
/// `tsconfig.json`, so a checkout inside a home directory with a stray `node_modules` (or a
/// monorepo checked below its root) would resolve, or load aliases, from outside what was
/// asked to be checked. `ResolveOptions::restrictions` only filters the final result, not the
/// `tsconfig.json`/`package.json` reads on the way, hence the wrapper. Everything outside the
/// root is reported as absent.
pub(crate) struct ConfinedFs {
    root: PathBuf,
    os: oxc_resolver::FileSystemOs,
}

impl ConfinedFs {
    pub(crate) fn new(root: &Path) -> Self {
        ConfinedFs {
            root: root.to_path_buf(),
            os: <oxc_resolver::FileSystemOs as oxc_resolver::FileSystem>::new(),
        }
    }

    fn check(&self, path: &Path) -> std::io::Result<()> {
        if path.starts_with(&self.root) {
            Ok(())
        } else {
            Err(std::io::Error::from(std::io::ErrorKind::NotFound))
        }
    }
}

impl oxc_resolver::FileSystem for ConfinedFs {
    /// Unconfined: only [`ConfinedFs::new`] is used, through `new_with_file_system`.
    fn new() -> Self {
        ConfinedFs {
            root: PathBuf::from("/"),
            os: <oxc_resolver::FileSystemOs as oxc_resolver::FileSystem>::new(),
        }
    }

    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.check(path)?;
        self.os.read(path)
    }

    fn read_to_string(&self, path: &Path) -> std::io::Result<String> {
        self.check(path)?;
        self.os.read_to_string(path)
    }

    fn metadata(&self, path: &Path) -> std::io::Result<oxc_resolver::FileMetadata> {
        self.check(path)?;
        self.os.metadata(path)
    }

    fn symlink_metadata(&self, path: &Path) -> std::io::Result<oxc_resolver::FileMetadata> {
        self.check(path)?;
        self.os.symlink_metadata(path)
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf, oxc_resolver::ResolveError> {
        self.check(path)?;
        self.os.read_link(path)
    }

    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf> {
        self.check(path)?;
        self.os.canonicalize(path)
    }
}
