//! The facts cache: the [`FileFacts`] of every file a run parsed (checked files and context
//! files, the rest of the project when only some of its files are checked) kept between runs
//! in `<project root>/.plumb_cache/`, so a pre-commit hook re-parses only what changed and runs
//! the rules on the stored facts of everything else. File rules read facts only, so a checked
//! file's diagnostics from stored facts are the ones a fresh parse gives; the rules themselves
//! (which are selected, their severities) run afresh every time.
//!
//! A stored entry is used only when everything its facts depend on is unchanged:
//! - the file's text: an xxh3-128 hash of exactly the text the parser would read (after the
//!   same size, binary and UTF-8 checks, BOM removed). A file whose size, modification and
//!   status-change times and inode are those stored with the entry ([`stamp`]) is not read
//!   at all, as git trusts its index; any other is read and hashed;
//! - its source kind (it follows from the path, which is the entry's key, but is stored and
//!   compared too);
//! - the Python version, which changes what a parse means;
//! - which facts were extracted ([`Extracted`]: the [`NeededFacts`] of the run, which differ
//!   by file role, mock sites with which detection): an entry serves a file whose run needs
//!   no more than it holds, what is not needed dropped.
//! - the plumb build ([`build_id`]).
//!
//! The Python version and the build form the cache file's key: one file per Python version,
//! whose header names the build that wrote it; a file written by another build is treated as
//! empty. The crate version and [`FORMAT`] are in the file's
//! name too, so two installed versions of plumb sharing a project keep a cache each rather than
//! overwrite each other's on every run. So is a file that is corrupt in any way (bad header, checksum or
//! encoding): the cache can only make a run faster, never change its result or make it fail.
//! Writing is best effort: a temporary file in the cache directory renamed over the old one,
//! so a concurrent run reads either the old cache or the new, never a torn one; when the
//! directory cannot be written (a read-only checkout) nothing is written, silently.
//!
//! Concurrent runs: each reads the file once and writes a complete new one under a temporary
//! name, renamed over the old (atomic on one file system); the last writer wins, and every
//! reader sees some writer's complete file. Its checksum rejects anything else.
//!
//! Format: `PLUMBFC` and a format byte ([`FORMAT`]), the key's length (u32, little-endian) and the key,
//! an xxh3-64 checksum (u64, little-endian) of the payload, then the payload: the entries
//! sorted by path, in `postcard` (a compact binary serde format), each entry's facts a nested
//! `postcard` byte string, decoded by the worker that needs them. Measured on Django's 2,928
//! context files: 4.8 MB as postcard against 12.4 MB as JSON, decoded in 17 ms against 40 ms
//! on one thread.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use plumb_facts::{FileFacts, NeededFacts};
use plumb_syntax::PythonVersion;
use plumb_syntax::SourceKind;
use serde::{Deserialize, Serialize};

/// The cache file format; raised whenever what is stored changes shape or meaning (4: type
/// body hashes are xxh3; 5: entries say which facts they hold).
const FORMAT: u8 = 5;

const MAGIC: &[u8; 8] = &[b'P', b'L', b'U', b'M', b'B', b'F', b'C', FORMAT];

const GITIGNORE: &str = "# Created by plumb: this directory is a cache.\n*\n";

/// See <https://bford.info/cachedir/>.
const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by plumb.\n\
# For information about cache directory tags see https://bford.info/cachedir/\n";

/// The hash of a file's text that an entry must match.
pub(crate) fn content_hash(text: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

/// One file's stored facts, borrowed from the loaded cache file. The facts stay encoded until
/// a worker needs them ([`Stored::facts`]), so they are decoded in parallel, only for files
/// still in the project, and an unchanged entry is written back as it was read.
#[derive(Debug, Deserialize)]
pub(crate) struct Stored<'a> {
    /// Project-relative, `/`-separated.
    path: &'a str,
    pub(crate) hash: u128,
    /// [`stamp`] of the file when its text was read; 0 for none.
    pub(crate) stamp: u64,
    pub(crate) kind: SourceKind,
    /// Which facts the extraction that produced them was asked for.
    pub(crate) extracted: Extracted,
    facts: &'a [u8],
}

impl<'a> Stored<'a> {
    /// The stored facts; `None` if they do not decode (then the file is parsed again).
    pub(crate) fn facts(&self) -> Option<FileFacts> {
        postcard::from_bytes(self.facts).ok()
    }

    /// The facts as stored, for writing them back unchanged.
    pub(crate) fn encoded(&self) -> &'a [u8] {
        self.facts
    }
}

/// [`Stored`] as written.
#[derive(Serialize)]
struct StoredOut<'a> {
    path: &'a str,
    hash: u128,
    stamp: u64,
    kind: SourceKind,
    extracted: Extracted,
    #[serde(serialize_with = "as_bytes")]
    facts: &'a [u8],
}

fn as_bytes<S: serde::Serializer>(bytes: &&[u8], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_bytes(bytes)
}

/// What the file system says about a file's identity and last change, hashed: its size,
/// modification and status-change times (nanoseconds) and inode. An entry whose stamp matches
/// the file's is used without reading the file, as git trusts its index and mypy its cache:
/// the text cannot have changed without changing the status-change time, which no tool can
/// set back. 0 (read and hash the file next time) when the file changed less than
/// [`RACY_SECONDS`] before `now`: a second write within the file system's timestamp
/// granularity would keep the times (git's "racily clean" entries), and when the times
/// cannot be read (other platforms).
pub(crate) fn stamp(metadata: &std::fs::Metadata, now: std::time::SystemTime) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        use std::time::{Duration, UNIX_EPOCH};
        let settled = now - Duration::from_secs(RACY_SECONDS);
        let at = |seconds: i64, nanoseconds: i64| {
            Some(
                UNIX_EPOCH
                    + Duration::new(
                        u64::try_from(seconds).ok()?,
                        u32::try_from(nanoseconds).ok()?,
                    ),
            )
        };
        let settled_before = |changed: Option<std::time::SystemTime>| {
            changed.is_some_and(|changed| changed < settled)
        };
        if !settled_before(at(metadata.mtime(), metadata.mtime_nsec()))
            || !settled_before(at(metadata.ctime(), metadata.ctime_nsec()))
        {
            return 0;
        }
        let fields = [
            metadata.len(),
            metadata.mtime() as u64,
            metadata.mtime_nsec() as u64,
            metadata.ctime() as u64,
            metadata.ctime_nsec() as u64,
            metadata.ino(),
            metadata.dev(),
        ];
        let bytes: Vec<u8> = fields
            .iter()
            .flat_map(|field| field.to_le_bytes())
            .collect();
        xxhash_rust::xxh3::xxh3_64(&bytes).max(1)
    }
    #[cfg(not(unix))]
    {
        let _ = (metadata, now);
        0
    }
}

/// How long after its last change a file's stamp is trusted (see [`stamp`]).
pub(crate) const RACY_SECONDS: u64 = 2;

/// Which facts an entry holds: [`NeededFacts`] as stored, mock detection as a hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Extracted {
    type_definitions: bool,
    imports: bool,
    functions: bool,
    /// 0 for no mock sites, else a hash of what counted as a mock (a rule's options), never 0.
    mocks: u64,
}

impl Extracted {
    pub(crate) fn of(needed: NeededFacts<'_>) -> Extracted {
        use std::hash::{Hash, Hasher};
        Extracted {
            type_definitions: needed.type_definitions,
            imports: needed.imports,
            functions: needed.functions,
            mocks: needed.mock_sites.map_or(0, |detection| {
                let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
                detection.hash(&mut hasher);
                hasher.finish().max(1)
            }),
        }
    }

    /// Whether facts extracted like this hold everything `needed` asks for.
    pub(crate) fn covers(self, needed: NeededFacts<'_>) -> bool {
        let wanted = Extracted::of(needed);
        (self.type_definitions || !wanted.type_definitions)
            && (self.imports || !wanted.imports)
            && (self.functions || !wanted.functions)
            && (wanted.mocks == 0 || self.mocks == wanted.mocks)
    }
}

/// Facts encoded for the cache.
pub(crate) fn encode_facts(facts: &FileFacts) -> Option<Vec<u8>> {
    postcard::to_stdvec(facts).ok()
}

/// A file whose facts a run knows, to be stored for the next run.
pub(crate) struct Known<'a> {
    pub(crate) path: &'a str,
    pub(crate) hash: u128,
    /// [`stamp`] of the file when its text was read; 0 for none.
    pub(crate) stamp: u64,
    pub(crate) kind: SourceKind,
    /// Which facts the extraction that produced them was asked for.
    pub(crate) extracted: Extracted,
    /// The facts, encoded ([`encode_facts`] or [`Stored::encoded`]).
    pub(crate) facts: &'a [u8],
    /// Differs from what the cache holds: extracted by this run rather than taken from the
    /// cache, or stamped anew.
    pub(crate) fresh: bool,
}

/// The cache file for one set of extraction settings, read and checked but not yet decoded.
pub(crate) struct FactsCache {
    dir: PathBuf,
    file: PathBuf,
    key: String,
    /// The payload of a cache file written for `key` by this build; empty when there is none
    /// or it cannot be used.
    payload: Vec<u8>,
}

impl FactsCache {
    /// Reads the cache in `dir` for Python `version`. `None` when this build has no identity
    /// (see [`build_id`]): then nothing is cached.
    pub(crate) fn open(dir: &Path, version: PythonVersion) -> Option<FactsCache> {
        let key = format!(
            "plumb {} format {FORMAT} build {}; python {version}",
            env!("CARGO_PKG_VERSION"),
            build_id()?,
        );
        let file = dir.join(format!(
            "facts-{}-f{FORMAT}-py{version}.bin",
            env!("CARGO_PKG_VERSION"),
        ));
        let payload = std::fs::read(&file)
            .ok()
            .and_then(|bytes| payload(bytes, &key))
            .unwrap_or_default();
        Some(FactsCache {
            dir: dir.to_path_buf(),
            file,
            key,
            payload,
        })
    }

    /// The stored entries by project-relative path; empty when the file cannot be used.
    pub(crate) fn entries(&self) -> HashMap<&str, Stored<'_>> {
        if self.payload.is_empty() {
            return HashMap::new();
        }
        postcard::from_bytes::<Vec<Stored<'_>>>(&self.payload)
            .map(|entries| {
                entries
                    .into_iter()
                    .map(|entry| (entry.path, entry))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Writes the cache back when it changed: `known` (the files of this run with facts) plus,
    /// when `keep_left`, the `left` entries (those no file of this run took). A run that walked
    /// the whole project drops what is left: those files are gone, excluded or unreadable now;
    /// a run that saw only some files keeps it. `loaded` is how many entries were read.
    /// Failures are ignored.
    pub(crate) fn save(
        &self,
        loaded: usize,
        known: &[Known<'_>],
        left: &HashMap<&str, Stored<'_>>,
        keep_left: bool,
    ) {
        let kept: Vec<&Stored<'_>> = if keep_left {
            left.values().collect()
        } else {
            Vec::new()
        };
        if known.len() + kept.len() == loaded && !known.iter().any(|file| file.fresh) {
            return;
        }
        let mut entries: Vec<StoredOut<'_>> = known
            .iter()
            .map(|file| StoredOut {
                path: file.path,
                hash: file.hash,
                stamp: file.stamp,
                kind: file.kind,
                extracted: file.extracted,
                facts: file.facts,
            })
            .chain(kept.into_iter().map(|entry| StoredOut {
                path: entry.path,
                hash: entry.hash,
                stamp: entry.stamp,
                kind: entry.kind,
                extracted: entry.extracted,
                facts: entry.facts,
            }))
            .collect();
        entries.sort_by(|a, b| a.path.cmp(b.path));
        let Ok(bytes) = encode(&self.key, &entries) else {
            return;
        };
        let _ = self.write(&bytes);
    }

    fn write(&self, bytes: &[u8]) -> std::io::Result<()> {
        create_cache_dir(&self.dir)?;
        let mut builder = tempfile::Builder::new();
        // Readable like any other file the user creates (umask applies), not only by its owner.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let mut temporary = builder.tempfile_in(&self.dir)?;
        temporary.write_all(bytes)?;
        temporary.persist(&self.file)?;
        Ok(())
    }
}

/// Creates `dir` when missing, with a `.gitignore` of `*` and a `CACHEDIR.TAG` in it. A directory
/// that already exists is left as it is: it may be one the user named that is not plumb's.
///
/// The directory is filled under a temporary name and renamed into place, so it never exists
/// without its `.gitignore`: a run killed between creating it and writing the file would
/// otherwise leave a cache directory that `git status` shows forever (a later run cannot tell
/// it from a directory of the user's, and leaves it alone).
fn create_cache_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let parent = dir
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".plumb_cache-new");
    // A plain directory's mode (the kernel applies the umask), not a temporary one's 0700.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o777));
    let staging = builder.tempdir_in(parent)?;
    std::fs::write(staging.path().join(".gitignore"), GITIGNORE)?;
    std::fs::write(staging.path().join("CACHEDIR.TAG"), CACHEDIR_TAG)?;
    match std::fs::rename(staging.path(), dir) {
        Ok(()) => {
            // Renamed away: nothing left for the guard to remove.
            let _ = staging.keep();
            Ok(())
        }
        // Another run created it first (the guard removes the staging directory).
        Err(_) if dir.is_dir() => Ok(()),
        Err(error) => Err(error),
    }
}

fn encode(key: &str, entries: &[StoredOut<'_>]) -> Result<Vec<u8>, postcard::Error> {
    let payload = postcard::to_stdvec(entries)?;
    let mut bytes = Vec::with_capacity(MAGIC.len() + 4 + key.len() + 8 + payload.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&(key.len() as u32).to_le_bytes());
    bytes.extend_from_slice(key.as_bytes());
    bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&payload).to_le_bytes());
    bytes.extend_from_slice(&payload);
    Ok(bytes)
}

/// The payload of a cache file written for `key`, its checksum verified; `None` for any other
/// file.
fn payload(mut bytes: Vec<u8>, key: &str) -> Option<Vec<u8>> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let (length, rest) = rest.split_first_chunk::<4>()?;
    let length = u32::from_le_bytes(*length) as usize;
    if rest.get(..length)? != key.as_bytes() {
        return None;
    }
    let (checksum, payload) = rest[length..].split_first_chunk::<8>()?;
    if u64::from_le_bytes(*checksum) != xxhash_rust::xxh3::xxh3_64(payload) {
        return None;
    }
    let start = bytes.len() - payload.len();
    bytes.drain(..start);
    Some(bytes)
}

/// The identity of this plumb build, part of the cache key: the size and modification time of
/// the running executable (with the crate version beside it in the key).
///
/// The version alone is not enough: during development extraction changes with no version
/// bump. A build-time id (a build script stamping a time or a random number) would be re-run
/// only when its own crate changes, not when `plumb_facts` or a parser does, unless it forced
/// a rebuild of its crate on every build. The executable, though, is relinked whenever any
/// crate in it changes, which gives it a new modification time (and usually a new size).
/// Hashing the executable's bytes would be stronger still (a copy that keeps the time and
/// size of a different build), but it costs reading the whole binary on every run; a `stat`
/// is free. `None` when the executable cannot be found or stat'ed: then nothing is cached.
fn build_id() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let metadata = std::fs::metadata(exe).ok()?;
    let modified = metadata
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!("{}-{}", metadata.len(), modified.as_nanos()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use plumb_facts::NeededFacts;
    use plumb_syntax::{EcmaKind, PythonVersion};

    const PYTHON: &str = "import os\nfrom .models import User  # plumb: ignore[IMP001]: why\n\nclass Admin(User):\n    name: str\n";
    const TYPESCRIPT: &str = "import { a } from \"./a\";\ndeclare module \"virtual:x\";\nexport interface Props { a: string }\n";

    fn options() -> plumb_facts::ExtractOptions<'static> {
        plumb_facts::ExtractOptions::new(PythonVersion::DEFAULT)
    }

    const VERSION: PythonVersion = PythonVersion::DEFAULT;

    struct Sample {
        path: &'static str,
        hash: u128,
        kind: SourceKind,
        facts: FileFacts,
        encoded: Vec<u8>,
    }

    fn sample() -> Vec<Sample> {
        let python = SourceKind::Python { is_stub: false };
        let typescript = SourceKind::Ecma(EcmaKind::Ts);
        [
            ("app/admin.py", PYTHON, python),
            ("app/broken.py", "def (:\n", python),
            ("web/a.ts", TYPESCRIPT, typescript),
        ]
        .into_iter()
        .map(|(path, text, kind)| {
            let facts = plumb_facts::extract(text, kind, options()).unwrap();
            let encoded = encode_facts(&facts).unwrap();
            Sample {
                path,
                hash: content_hash(text),
                kind,
                facts,
                encoded,
            }
        })
        .collect()
    }

    fn known(sample: &[Sample], fresh: bool) -> Vec<Known<'_>> {
        sample
            .iter()
            .map(|file| Known {
                path: file.path,
                hash: file.hash,
                stamp: 0,
                kind: file.kind,
                extracted: Extracted::of(NeededFacts::ALL),
                facts: &file.encoded,
                fresh,
            })
            .collect()
    }

    /// Stores `sample` as this run's fresh facts.
    fn store(dir: &Path, sample: &[Sample]) {
        let cache = FactsCache::open(dir, VERSION).unwrap();
        cache.save(0, &known(sample, true), &HashMap::new(), false);
    }

    fn stored_paths(dir: &Path) -> Vec<String> {
        let cache = FactsCache::open(dir, VERSION).unwrap();
        let mut paths: Vec<String> = cache.entries().keys().map(|p| p.to_string()).collect();
        paths.sort();
        paths
    }

    #[test]
    fn stored_facts_come_back_equal() {
        let dir = tempfile::tempdir().unwrap();
        let cache_dir = dir.path().join("cache");
        let sample = sample();
        assert!(sample[0].facts.python_imports.is_some() && !sample[0].facts.directives.is_empty());
        assert!(sample[1].facts.syntax_error.is_some());
        assert!(!sample[2].facts.ecma_imports.is_empty());
        store(&cache_dir, &sample);
        assert_eq!(
            std::fs::read_to_string(cache_dir.join(".gitignore")).unwrap(),
            GITIGNORE
        );
        assert!(cache_dir.join("CACHEDIR.TAG").is_file());

        let cache = FactsCache::open(&cache_dir, VERSION).unwrap();
        let entries = cache.entries();
        assert_eq!(entries.len(), 3);
        for file in &sample {
            let entry = &entries[file.path];
            assert_eq!((entry.hash, entry.kind), (file.hash, file.kind));
            assert_eq!(entry.facts().unwrap(), file.facts, "{}", file.path);
        }
    }

    #[test]
    fn other_settings_and_damaged_files_read_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        store(dir.path(), &sample());
        let cache = FactsCache::open(dir.path(), VERSION).unwrap();
        let good = std::fs::read(&cache.file).unwrap();
        assert_eq!(payload(good.clone(), &cache.key).unwrap(), cache.payload);

        assert!(
            FactsCache::open(dir.path(), "3.13".parse().unwrap())
                .unwrap()
                .entries()
                .is_empty()
        );
        let other_key = cache.key.replace("python 3.10", "python 3.11");
        assert_ne!(other_key, cache.key);
        assert!(payload(good.clone(), &other_key).is_none());

        // Every truncation and a flipped byte anywhere are rejected, never misread.
        for length in 0..good.len() {
            assert!(
                payload(good[..length].to_vec(), &cache.key).is_none(),
                "{length}"
            );
        }
        for offset in 0..good.len() {
            let mut damaged = good.clone();
            damaged[offset] ^= 0x20;
            assert!(payload(damaged, &cache.key).is_none(), "{offset}");
        }
        std::fs::write(&cache.file, b"garbage").unwrap();
        assert!(
            FactsCache::open(dir.path(), VERSION)
                .unwrap()
                .entries()
                .is_empty()
        );
    }

    #[test]
    fn entries_of_vanished_files_are_dropped_and_unchanged_caches_not_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let sample = sample();
        store(dir.path(), &sample);

        // All reused: nothing to write (the file is replaced by garbage to see whether it is).
        let cache = FactsCache::open(dir.path(), VERSION).unwrap();
        std::fs::write(&cache.file, b"unchanged?").unwrap();
        cache.save(3, &known(&sample, false), &HashMap::new(), false);
        assert_eq!(std::fs::read(&cache.file).unwrap(), b"unchanged?");

        // A run that walked the project reused `app/admin.py` only: the entries of the files
        // it did not see are of files gone, and dropped.
        let reuse_admin = |keep_left: bool| {
            store(dir.path(), &sample);
            let cache = FactsCache::open(dir.path(), VERSION).unwrap();
            let mut entries = cache.entries();
            let admin = entries.remove("app/admin.py").unwrap();
            let reused = Known {
                path: admin.path,
                hash: admin.hash,
                stamp: admin.stamp,
                kind: admin.kind,
                extracted: admin.extracted,
                facts: admin.encoded(),
                fresh: false,
            };
            cache.save(3, &[reused], &entries, keep_left);
        };
        reuse_admin(false);
        assert_eq!(stored_paths(dir.path()), ["app/admin.py"]);
        // A run that saw only some files keeps the rest, and so writes nothing.
        reuse_admin(true);
        assert_eq!(
            stored_paths(dir.path()),
            ["app/admin.py", "app/broken.py", "web/a.ts"]
        );
    }

    #[test]
    fn cache_directories_appear_whole_and_leave_no_staging_behind() {
        let dir = tempfile::tempdir().unwrap();
        let cache_dir = dir.path().join("nested").join(".plumb_cache");
        create_cache_dir(&cache_dir).unwrap();
        assert_eq!(
            std::fs::read_to_string(cache_dir.join(".gitignore")).unwrap(),
            GITIGNORE
        );
        assert!(cache_dir.join("CACHEDIR.TAG").is_file());
        // An existing directory is left as it is.
        std::fs::write(cache_dir.join("facts.bin"), b"kept").unwrap();
        create_cache_dir(&cache_dir).unwrap();
        assert_eq!(std::fs::read(cache_dir.join("facts.bin")).unwrap(), b"kept");
        // No staging directory is left beside it.
        let siblings: Vec<_> = std::fs::read_dir(cache_dir.parent().unwrap())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(siblings, [".plumb_cache"]);
    }

    #[cfg(unix)]
    #[test]
    fn cache_directories_get_a_plain_directorys_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        std::fs::create_dir(&plain).unwrap();
        let cache_dir = dir.path().join(".plumb_cache");
        create_cache_dir(&cache_dir).unwrap();
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&cache_dir), mode(&plain));
    }

    #[test]
    fn entries_serve_runs_that_need_no_more_than_they_hold() {
        let detection = plumb_facts::MockDetection::default();
        let mut monkeypatch = detection.clone();
        monkeypatch.monkeypatch = !monkeypatch.monkeypatch;
        let with = |detection| NeededFacts {
            mock_sites: Some(detection),
            ..NeededFacts::ALL
        };
        let all = Extracted::of(NeededFacts::ALL);
        assert!(all.covers(NeededFacts::ALL));
        assert!(all.covers(NeededFacts::NONE));
        assert!(!all.covers(with(&detection)));
        let same = detection.clone();
        assert!(Extracted::of(with(&detection)).covers(with(&same)));
        assert!(Extracted::of(with(&detection)).covers(NeededFacts::ALL));
        assert!(!Extracted::of(with(&detection)).covers(with(&monkeypatch)));
        assert!(!Extracted::of(NeededFacts::NONE).covers(NeededFacts {
            imports: true,
            ..NeededFacts::NONE
        }));
    }

    #[cfg(unix)]
    #[test]
    fn stamps_wait_for_files_to_settle_and_follow_every_change() {
        use std::time::{Duration, SystemTime};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "x = 1\n").unwrap();
        let now = SystemTime::now();
        let metadata = std::fs::metadata(&path).unwrap();
        assert_eq!(stamp(&metadata, now), 0, "just written: racily clean");
        let later = now + Duration::from_secs(RACY_SECONDS + 1);
        let settled = stamp(&metadata, later);
        assert_ne!(settled, 0);
        assert_eq!(stamp(&std::fs::metadata(&path).unwrap(), later), settled);
        // Same size, same inode, a new status-change time.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&path, "x = 2\n").unwrap();
        let later = SystemTime::now() + Duration::from_secs(RACY_SECONDS + 1);
        assert_ne!(stamp(&std::fs::metadata(&path).unwrap(), later), settled);
    }

    #[test]
    fn versions_keep_files_of_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let cache = FactsCache::open(dir.path(), VERSION).unwrap();
        let name = cache
            .file
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            name.starts_with(&format!("facts-{}-f{FORMAT}-", env!("CARGO_PKG_VERSION"))),
            "{name}"
        );
        assert!(
            cache.key.contains(env!("CARGO_PKG_VERSION")),
            "{}",
            cache.key
        );
        assert!(cache.key.contains(&build_id().unwrap()), "{}", cache.key);
    }

    #[test]
    fn an_unwritable_cache_directory_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        // A regular file where the directory should be: creating it fails, even as root.
        let blocked = dir.path().join("blocked");
        std::fs::write(&blocked, "not a directory").unwrap();
        store(&blocked.join("cache"), &sample());
        assert_eq!(std::fs::read(&blocked).unwrap(), b"not a directory");
    }
}
