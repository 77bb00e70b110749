//! Shared input for the per-stage criterion benches in `benches/benches/`.
//!
//! Every bench target is its own crate, so whatever they share has to be public here; the API is
//! kept to what the benches need:
//!
//! - [`Corpus::load`] picks the tree to benchmark: the directory named by the environment variable
//!   [`CORPUS_ENV`] (e.g. the corpus `benches/whole-process.sh` builds), or else a deterministic
//!   synthetic tree written to a temporary directory by [`write_synthetic_tree`].
//! - [`Corpus::settings`] resolves plumb's settings for that tree the way `plumb check --isolated`
//!   does, and [`Corpus::sources`] reads every file plumb's walk selects into memory, so that the
//!   parse, facts and rules benches measure CPU work and not the disk.
//! - [`monorepo::write_monorepo`] writes a synthetic application monorepo of any size with
//!   defects injected at known places and the counts plumb must report (the `synth-monorepo`
//!   binary, `whole-process.sh`'s scale curve and the root package's count test use it).

pub mod monorepo;
mod synthetic;
mod templates;

use std::path::{Path, PathBuf};

use plumb_engine::walk;
use plumb_engine::{Overrides, Settings};
use plumb_rules::Registry;
use plumb_syntax::SourceKind;

pub use synthetic::{SyntheticTree, write_synthetic_tree};

/// Environment variable naming a directory to benchmark instead of the synthetic tree.
pub const CORPUS_ENV: &str = "PLUMB_BENCH_CORPUS";

/// The tree a bench runs over. A synthetic tree lives in a temporary directory that is removed
/// when the `Corpus` is dropped, so keep it alive for as long as the bench uses its files.
#[derive(Debug)]
pub struct Corpus {
    root: PathBuf,
    description: String,
    _temp: Option<tempfile::TempDir>,
}

/// One source file read into memory.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// Absolute path on disk.
    pub path: PathBuf,
    /// Relative to the corpus root, `/`-separated: what plumb's globs match against.
    pub relative: String,
    pub kind: SourceKind,
    pub text: String,
}

impl Corpus {
    /// The directory in [`CORPUS_ENV`] if that is set, else a freshly generated synthetic tree.
    ///
    /// `cargo bench` runs bench binaries in the package directory (`benches/`), so a relative
    /// [`CORPUS_ENV`] that does not exist from there is looked up from the repository root too:
    /// `PLUMB_BENCH_CORPUS=benches/.work/corpus cargo bench` works from the root.
    ///
    /// # Panics
    /// When [`CORPUS_ENV`] names something that is not a directory, or the temporary directory
    /// cannot be created: a bench without input has nothing to measure.
    pub fn load() -> Corpus {
        if let Some(dir) = std::env::var_os(CORPUS_ENV).filter(|value| !value.is_empty()) {
            let dir = PathBuf::from(dir);
            let from_repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(&dir);
            let dir = if dir.is_relative() && !dir.exists() && from_repository.exists() {
                from_repository
            } else {
                dir
            };
            let root = std::fs::canonicalize(&dir)
                .unwrap_or_else(|error| panic!("{CORPUS_ENV}={}: {error}", dir.display()));
            assert!(
                root.is_dir(),
                "{CORPUS_ENV}={} is not a directory",
                root.display()
            );
            let description = format!("{CORPUS_ENV}={}", root.display());
            return Corpus {
                root,
                description,
                _temp: None,
            };
        }
        let temp = tempfile::Builder::new()
            .prefix("plumb-bench-")
            .tempdir()
            .expect("create a temporary directory");
        let root =
            std::fs::canonicalize(temp.path()).expect("canonicalize the temporary directory");
        let tree = write_synthetic_tree(&root).expect("write the synthetic corpus");
        let description = format!(
            "synthetic tree ({} Python + {} TS/JS files, {} with syntax errors; set {CORPUS_ENV} to use a real corpus)",
            tree.python_files, tree.ecma_files, tree.broken_files
        );
        Corpus {
            root,
            description,
            _temp: Some(temp),
        }
    }

    /// The absolute, canonical root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the files came from, for the bench's log line.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Settings as `plumb check --isolated <root>` resolves them: no config file, all rules,
    /// default exclusions and test globs, the Python version from `requires-python` or 3.10.
    ///
    /// # Panics
    /// When settings cannot be resolved, which for `--isolated` would be a plumb bug.
    pub fn settings(&self) -> Settings {
        let overrides = Overrides {
            isolated: true,
            ..Overrides::default()
        };
        Settings::resolve(&self.root, &overrides, &Registry::builtin())
            .expect("resolve isolated settings")
    }

    /// Every file plumb's walk selects under the root, read into memory in walk order. Files that
    /// are not UTF-8 or exceed the configured size cap are left out, as plumb would not parse them.
    pub fn sources(&self, settings: &Settings) -> Vec<SourceText> {
        let discovery = walk::discover(std::slice::from_ref(&self.root), settings, &self.root);
        discovery
            .files
            .into_iter()
            .filter_map(|file| {
                let bytes = std::fs::read(&file.path).ok()?;
                if bytes.len() as u64 > settings.max_file_size {
                    return None;
                }
                let bytes = bytes
                    .strip_prefix(b"\xEF\xBB\xBF")
                    .map(<[u8]>::to_vec)
                    .unwrap_or(bytes);
                let text = String::from_utf8(bytes).ok()?;
                Some(SourceText {
                    path: file.path,
                    relative: file.project_path,
                    kind: file.kind,
                    text,
                })
            })
            .collect()
    }
}

/// Total size of `sources` in bytes, for criterion's byte throughput.
pub fn total_bytes<'a>(sources: impl IntoIterator<Item = &'a SourceText>) -> u64 {
    sources
        .into_iter()
        .map(|source| source.text.len() as u64)
        .sum()
}
