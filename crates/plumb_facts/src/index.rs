//! The project index: every checked file's facts in one place, built once after the per-file
//! stage, for rules that need to see the whole repository (duplicate types, import resolution).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plumb_diagnostics::{FileRole, Language};
use plumb_syntax::PythonVersion;

use crate::FileFacts;
use crate::resolve::{ImportFinding, resolve_imports};

/// One file as project rules see it.
#[derive(Debug)]
pub struct IndexedFile {
    /// Path as shown in reports (relative to the working directory, `/`-separated).
    pub display_path: String,
    /// Absolute path on disk.
    pub path: PathBuf,
    /// Relative to the project root, `/`-separated; what configured globs match against.
    pub project_path: String,
    pub language: Language,
    pub role: FileRole,
    /// `None` when the file could not be read or was skipped: it has no facts.
    pub facts: Option<FileFacts>,
    /// Not checked in this run, indexed only so the checked files are judged against the
    /// whole project: rules report nothing in it and leave it out of their totals.
    pub context: bool,
}

/// The Python version a project targets and where that was read, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonTarget {
    pub version: PythonVersion,
    /// `--target-version`, `python.target-version`, or `requires-python in <path>`.
    pub source: String,
}

/// All files of one run, sorted by display path. Single owner; project rules borrow it.
#[derive(Debug)]
pub struct ProjectIndex {
    /// Directory of the configuration file, else the working directory.
    pub project_root: PathBuf,
    pub files: Vec<IndexedFile>,
    /// Configured Python import roots (project-relative); `None` to discover them.
    pub python_roots: Option<Vec<String>>,
    /// Configured virtual environment (project-relative); `None` to look for `.venv`/`venv`.
    pub python_venv: Option<String>,
    /// The activated virtual environment (`VIRTUAL_ENV`, absolute): used when the project
    /// configures none and has no `.venv`/`venv` of its own.
    pub python_active_venv: Option<PathBuf>,
    /// The oldest Python version the project supports, when something says so: the standard
    /// library of that version is what resolves. `None` when nothing does (no flag, no
    /// `python.target-version`, no `requires-python`): then a module of the standard library of
    /// any supported version resolves, since the project never said which versions it runs on.
    pub python_target: Option<PythonTarget>,
    /// `python.dependency-import-names`: normalized distribution name -> the top-level import
    /// names it provides, added to the bundled table of known mismatches.
    pub python_import_names: BTreeMap<String, Vec<String>>,
    /// Import resolution, computed once for all IMP rules.
    import_findings: OnceLock<Vec<ImportFinding>>,
}

impl ProjectIndex {
    pub fn new(project_root: &Path, files: Vec<IndexedFile>) -> Self {
        ProjectIndex {
            project_root: project_root.to_path_buf(),
            files,
            python_roots: None,
            python_venv: None,
            python_active_venv: None,
            python_target: None,
            python_import_names: BTreeMap::new(),
            import_findings: OnceLock::new(),
        }
    }

    /// Every import that did not resolve, resolved on first use and shared by the IMP rules.
    pub fn import_findings(&self) -> &[ImportFinding] {
        self.import_findings.get_or_init(|| resolve_imports(self))
    }

    /// Files that have facts (they were read and parsed, with or without syntax errors).
    pub fn files_with_facts(&self) -> impl Iterator<Item = (usize, &IndexedFile, &FileFacts)> {
        self.files
            .iter()
            .enumerate()
            .filter_map(|(index, file)| file.facts.as_ref().map(|facts| (index, file, facts)))
    }
}
