//! Python import resolution.
//!
//! Import roots (what is on `sys.path`): the project root, `src/` when it exists, every
//! directory that holds a top-level package (a directory with `__init__.py` whose parent has
//! none), pytest `pythonpath` and setuptools/Poetry source directories from `pyproject.toml`;
//! per file also its own directory (scripts) and pytest's rootdir-relative base (the first
//! directory above the file without `__init__.py`), and that of each `conftest.py` above it.
//!
//! A top-level name is the standard library of the target Python version (of any 3.7+ version
//! when no target is configured), else first-party when a root holds a module, a package, or a
//! namespace directory with Python files that no declared dependency claims, else third-party.
//! A name that is the standard library of other versions only (`tomllib` for a 3.10 target) is
//! unresolved unless it is guarded or something provides it (a backport). First-party and relative imports must resolve
//! module by module; `from m import n` needs `n` to be a submodule or a name bound in `m`
//! (unless `m`'s names are unknowable). A miss below a module or package `__init__` that
//! installs an import hook (`sys.meta_path`, `sys.modules[name] = ...`, `__path__`) is
//! unverifiable, not unresolved. Third-party imports must be declared.

use std::collections::BTreeSet;
use std::sync::Arc;

use plumb_diagnostics::{Language, Span};
use plumb_syntax::PythonVersion;

use super::deps::{PythonDependencies, describe_sources};
use super::fs::{FsCache, Memo, join, parent};
use super::suggest::closest;
use super::venv::VirtualEnv;
use super::{Explanation, FindingKind, ImportFinding};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::{ImportHook, IndexedFile, ProjectIndex, PyImport, PythonImports, PythonTarget};

/// Names every module has.
const MODULE_DUNDERS: &[&str] = &[
    "__name__",
    "__file__",
    "__doc__",
    "__path__",
    "__spec__",
    "__loader__",
    "__package__",
    "__dict__",
    "__builtins__",
    "__all__",
    "__version__",
];

/// Where a dotted name led. The paths are shared (`Arc<str>`): a lookup's answer is memoized
/// and copied into the candidates of every import that names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Found {
    /// A module file of the index (`.py` or `.pyi`).
    Module(Arc<str>),
    /// A package of the index: its directory and `__init__` file.
    Package(Arc<str>, Arc<str>),
    /// A directory without `__init__`: a PEP 420 namespace package.
    Namespace(Arc<str>),
    /// Exists, but its names cannot be read: a compiled or Cython module, or a package outside
    /// the index. `Some(dir)` when it is a directory.
    Opaque(Option<Arc<str>>),
}

impl Found {
    fn dir(&self) -> Option<&str> {
        match self {
            Found::Package(dir, _) | Found::Namespace(dir) | Found::Opaque(Some(dir)) => Some(dir),
            Found::Module(_) | Found::Opaque(None) => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            Found::Module(path) => path.to_string(),
            Found::Package(_, init) => init.to_string(),
            Found::Namespace(dir) => format!("namespace dir {}/", display_dir(dir)),
            Found::Opaque(Some(dir)) => format!("{}/", display_dir(dir)),
            Found::Opaque(None) => "a compiled module".to_string(),
        }
    }
}

fn display_dir(dir: &str) -> &str {
    if dir.is_empty() { "." } else { dir }
}

/// Why a dotted name did not resolve: IMP001, or IMP003 when an import hook above it may
/// provide it at run time.
struct Miss {
    kind: FindingKind,
    message: String,
}

/// An import hook and the module file that installs it.
struct HookAbove<'i> {
    file: &'i str,
    hook: &'i ImportHook,
}

struct Project<'i> {
    index: &'i ProjectIndex,
    fs: Arc<FsCache>,
    /// Project path of every indexed Python file -> its index.
    files: FxHashMap<&'i str, usize>,
    /// Directories with an indexed `__init__.py` / `__init__.pyi`.
    package_dirs: FxHashSet<String>,
    /// Directories with an indexed Python file at any depth below.
    python_dirs: FxHashSet<String>,
    roots: Vec<String>,
    /// Roots where the project keeps its own code: the project root, `src/`, configured roots
    /// and declared source directories (not the directories merely found to hold a package).
    /// A package found there is the project's own, even when a declared distribution of the
    /// same name exists (an example's requirements listing the project itself, `-e .`).
    primary_roots: FxHashSet<String>,
    deps: PythonDependencies,
    /// Names of every indexed module and package, wherever it is: a top-level import of one of
    /// them probably resolves through a path set up at run time, so it is not called undeclared.
    local_names: FxHashSet<String>,
    /// The project's virtual environment, when it has one: third-party imports must be
    /// installed there.
    venv: Option<VirtualEnv>,
    /// `(directory of a conftest.py, its pytest base directory)`: the base is on `sys.path`
    /// for the tests at or below that directory.
    conftest_roots: Vec<(String, String)>,
    /// `plumb explain-import` records here every lookup and decision the resolver makes, so it
    /// shows the rule's own steps; `None` when checking.
    trace: Option<std::sync::Mutex<Vec<String>>>,
    /// [`Self::lookup_memoized`]'s answers, by `dir/name`.
    lookups: Memo<Arc<[Found]>>,
    /// [`Self::in_project_roots`]'s answers, by top-level name.
    top_names: Memo<Arc<InRoots>>,
}

/// What a top-level name is in some import roots: every module, package or directory of that
/// name, and whether a primary root holds the project's own package or namespace of that name.
#[derive(Default)]
struct InRoots {
    candidates: Vec<Found>,
    own_package: bool,
    own_namespace: bool,
}

pub(crate) fn check(index: &ProjectIndex, fs: Arc<FsCache>) -> Vec<ImportFinding> {
    // Only checked files get findings: with none in Python (a hook run on staged TypeScript),
    // the resolver is not worth setting up.
    if !index
        .files
        .iter()
        .any(|file| file.language == Language::Python && !file.context)
    {
        return Vec::new();
    }
    let project = Project::new(index, fs);
    // Files are independent once the project is known: resolved on every worker (about a
    // tenth of an all-rules run on Django, which otherwise waited for one thread), in order.
    let files: Vec<(usize, &IndexedFile, &PythonImports)> = index
        .files_with_facts()
        .filter(|(_, file, _)| !file.context && is_inside(&file.project_path))
        .filter_map(|(position, file, facts)| {
            Some((position, file, facts.python_imports.as_ref()?))
        })
        .collect();
    files
        .into_par_iter()
        .flat_map_iter(|(file_index, file, imports)| {
            let mut findings = Vec::new();
            project.check_file(file_index, &file.project_path, imports, &mut findings);
            findings
        })
        .collect()
}

/// How the import `specifier` written in the Python file `path` (project-relative) resolves,
/// with every step the rule takes. `specifier` is `a.b.c` (`import a.b.c`), `a.b:c`
/// (`from a.b import c`), or relative: `.x`, `..x.y`, `.:c` (`from . import c`).
pub fn explain(index: &ProjectIndex, path: &str, specifier: &str) -> Result<Explanation, String> {
    let (module, name) = match specifier.split_once(':') {
        Some((module, name)) => (module, Some(name)),
        None => (specifier, None),
    };
    let level = module.len() - module.trim_start_matches('.').len();
    let dotted = &module[level..];
    let valid = |text: &str| {
        !text.is_empty()
            && text.split('.').all(|part| {
                !part.is_empty()
                    && !part.starts_with(|c: char| c.is_ascii_digit())
                    && part.chars().all(|c| c.is_alphanumeric() || c == '_')
            })
    };
    if (dotted.is_empty() && level == 0)
        || (!dotted.is_empty() && !valid(dotted))
        || name.is_some_and(|name| name != "*" && !valid(name) || name.contains('.'))
    {
        return Err(format!(
            "`{specifier}` is not an import: write `a.b.c`, `a.b:name` (from a.b import name), or a relative `.x` / `..x:name`"
        ));
    }
    let import = PyImport {
        module: (!dotted.is_empty()).then(|| dotted.to_string()),
        level: u32::try_from(level).map_err(|_| "too many dots".to_string())?,
        names: name
            .map(|name| vec![(name.to_string(), Span::file_start())])
            .unwrap_or_default(),
        is_from: name.is_some(),
        span: Span::file_start(),
        snippet: String::new(),
        guarded: false,
        type_checking: false,
    };
    let mut project = Project::new(index, Arc::new(FsCache::new(&index.project_root)));
    project.trace = Some(std::sync::Mutex::new(Vec::new()));
    let mut context = vec![format!("import roots: {}", {
        let roots: Vec<String> = project
            .roots_for(path)
            .iter()
            .map(|root| format!("{}/", display_dir(root)))
            .collect();
        roots.join(", ")
    })];
    context.push(match &index.python_roots {
        Some(_) => "roots from [python] roots in the configuration".to_string(),
        None => "roots discovered (project root, src/, dirs holding top-level packages, pytest pythonpath, setuptools/Poetry sources; the file's own dir, pytest base dirs of the file and its conftest.py files)".to_string(),
    });
    context.push(match &index.python_target {
        Some(target) => format!(
            "Python target: {} ({}): its standard library resolves",
            target.version, target.source
        ),
        None => "Python target: not configured (no --target-version, python.target-version or requires-python): the standard library of any Python 3.7 to 3.14 resolves".to_string(),
    });
    context.push(match &project.venv {
        Some(venv) => format!("virtual environment: {}", venv.site_packages),
        None => "virtual environment: none".to_string(),
    });
    if project.deps.is_known() {
        context.push(format!(
            "dependencies read from {}",
            describe_sources(&project.deps.sources)
        ));
    }
    let problem = if import.level > 0 {
        project.check_relative(path, &import)
    } else {
        project.check_absolute(&project.file_roots(path), &import, false)
    };
    let tried = project
        .trace
        .take()
        .map(|trace| {
            trace
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        })
        .unwrap_or_default();
    // As in `check_file`: an absolute miss in a file that edits `sys.path` is IMP003.
    let edits_sys_path = index
        .files
        .iter()
        .find(|file| file.project_path == path)
        .and_then(|file| file.facts.as_ref()?.python_imports.as_ref())
        .is_some_and(|imports| imports.edits_sys_path);
    let verdict = match problem {
        None => Ok(format!("`{specifier}` resolves")),
        Some((kind, _, message)) => Err(unverifiable_if_sys_path_edited(
            kind,
            message,
            edits_sys_path && level == 0,
        )),
    };
    Ok(Explanation {
        context,
        tried,
        verdict,
    })
}

/// An absolute import's finding in a file that edits `sys.path` at run time is IMP003, not
/// IMP001 or IMP002: the path the file adds may provide the module.
fn unverifiable_if_sys_path_edited(
    kind: FindingKind,
    message: String,
    edited: bool,
) -> (FindingKind, String) {
    if edited {
        (
            FindingKind::Unverifiable,
            format!("{message} (this file edits `sys.path` at run time, so it may still resolve)"),
        )
    } else {
        (kind, message)
    }
}

/// A project path that does not leave the project root.
pub(crate) fn is_inside(path: &str) -> bool {
    !path.starts_with('/') && !path.split('/').any(|part| part == "..")
}

/// Whether `name` is a top-level module of the standard library of `target`, or of any
/// supported Python 3 version when the target is unknown.
fn is_stdlib(name: &str, target: Option<PythonVersion>) -> bool {
    name == "__main__"
        || name == "__future__"
        || match target {
            Some(version) => {
                version.major == 3
                    && ruff_python_stdlib::sys::is_known_standard_library(version.minor, name)
            }
            None => !stdlib_minors(name).is_empty(),
        }
}

/// The Python 3 minor versions (of those plumb knows) whose standard library has the
/// top-level module `name`.
fn stdlib_minors(name: &str) -> Vec<u8> {
    (PythonVersion::OLDEST.minor..=PythonVersion::NEWEST.minor)
        .filter(|&minor| ruff_python_stdlib::sys::is_known_standard_library(minor, name))
        .collect()
}

/// `since 3.11`, `up to 3.11`, `3.9 to 3.12`, or several such ranges joined by `and`.
fn describe_minors(minors: &[u8]) -> String {
    let mut ranges: Vec<(u8, u8)> = Vec::new();
    for &minor in minors {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == minor => *end = minor,
            _ => ranges.push((minor, minor)),
        }
    }
    let described: Vec<String> = ranges
        .into_iter()
        .map(|(start, end)| {
            let open_start = start == PythonVersion::OLDEST.minor;
            let open_end = end == PythonVersion::NEWEST.minor;
            match (open_start, open_end) {
                (true, true) => "every version".to_string(),
                (false, true) => format!("Python 3.{start} and later"),
                (true, false) => format!("Python 3.{end} and earlier"),
                (false, false) if start == end => format!("Python 3.{start}"),
                (false, false) => format!("Python 3.{start} to 3.{end}"),
            }
        })
        .collect();
    described.join(" and ")
}

impl<'i> Project<'i> {
    fn new(index: &'i ProjectIndex, fs: Arc<FsCache>) -> Self {
        let mut files = FxHashMap::default();
        let mut package_dirs = FxHashSet::default();
        let mut python_dirs = FxHashSet::default();
        let mut local_names = FxHashSet::default();
        for (position, file) in index.files.iter().enumerate() {
            if file.language != Language::Python || !is_inside(&file.project_path) {
                continue;
            }
            let path = file.project_path.as_str();
            files.insert(path, position);
            let dir = parent(path);
            let name = &path[if dir.is_empty() { 0 } else { dir.len() + 1 }..];
            if name == "__init__.py" || name == "__init__.pyi" {
                package_dirs.insert(dir.to_string());
            }
            let stem = name
                .strip_suffix(".py")
                .or_else(|| name.strip_suffix(".pyi"))
                .unwrap_or(name);
            if stem == "__init__" {
                if !dir.is_empty() {
                    local_names.insert(dir.rsplit('/').next().unwrap_or(dir).to_string());
                }
            } else {
                local_names.insert(stem.to_string());
            }
            let mut ancestor = dir;
            while !ancestor.is_empty() && python_dirs.insert(ancestor.to_string()) {
                ancestor = parent(ancestor);
            }
        }
        // A project root that is itself a package is imported under its folder's name.
        if package_dirs.contains("")
            && let Some(name) = index
                .project_root
                .file_name()
                .and_then(|name| name.to_str())
        {
            local_names.insert(name.to_string());
        }
        let deps = PythonDependencies::read(&fs, &index.python_import_names);
        // Packages setuptools maps to a directory of another name.
        local_names.extend(deps.package_aliases.iter().cloned());
        // pytest (default `prepend` import mode) puts the base directory of every `conftest.py`
        // (the first directory upward without `__init__.py`) on `sys.path` before it collects
        // the tests below it.
        let mut conftest_roots = Vec::new();
        for path in files.keys() {
            let dir = parent(path);
            if &path[if dir.is_empty() { 0 } else { dir.len() + 1 }..] != "conftest.py" {
                continue;
            }
            let mut base = dir;
            while package_dirs.contains(base) && !base.is_empty() {
                base = parent(base);
            }
            conftest_roots.push((dir.to_string(), base.to_string()));
        }
        conftest_roots.sort();
        let mut roots = BTreeSet::new();
        let mut primary_roots = FxHashSet::default();
        if let Some(configured) = &index.python_roots {
            roots.extend(configured.iter().cloned());
            primary_roots.extend(configured.iter().cloned());
        } else {
            roots.insert(String::new());
            primary_roots.insert(String::new());
            if fs.is_dir("", "src") {
                roots.insert("src".to_string());
                primary_roots.insert("src".to_string());
            }
            primary_roots.extend(deps.extra_roots.iter().cloned());
            for dir in &package_dirs {
                let above = parent(dir);
                if !dir.is_empty() && !package_dirs.contains(above) {
                    roots.insert(above.to_string());
                }
            }
            roots.extend(deps.extra_roots.iter().cloned());
        }
        Project {
            index,
            files,
            package_dirs,
            python_dirs,
            roots: roots.into_iter().collect(),
            primary_roots,
            deps,
            local_names,
            venv: VirtualEnv::find(
                &fs,
                index.python_venv.as_deref(),
                index.python_active_venv.as_deref(),
            ),
            conftest_roots,
            fs,
            trace: None,
            lookups: Memo::default(),
            top_names: Memo::default(),
        }
    }

    fn note_resolved(&self, module: &str, resolved: &[Found]) {
        self.note(|| {
            if resolved.is_empty() {
                format!(
                    "`{module}` is below a compiled module or a package that extends its `__path__`: the rest cannot be checked"
                )
            } else {
                format!("`{module}` resolved to {}", describe_list(resolved))
            }
        });
    }

    /// Records a step for `plumb explain-import` (nothing when not tracing).
    fn note(&self, step: impl FnOnce() -> String) {
        if let Some(trace) = &self.trace {
            trace
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(step());
        }
    }

    /// What `name` is inside the directory `dir`, recording the candidate paths when tracing.
    fn lookup(&self, dir: &str, name: &str) -> Arc<[Found]> {
        let found = self.lookup_memoized(dir, name);
        self.note(|| {
            let base = join(dir, name);
            let verdict = if found.is_empty() {
                "not found".to_string()
            } else {
                format!("found {}", describe_list(&found))
            };
            format!(
                "{base}/__init__.py, {base}/__init__.pyi, {base}.py, {base}.pyi, {base}/ (namespace), {base}.{{pyx,pxd,so,pyd}}: {verdict}"
            )
        });
        found
    }

    /// [`Self::lookup_untraced`], each `(dir, name)` looked up once: most imports of a project
    /// name the same few packages, and each lookup builds several candidate paths.
    fn lookup_memoized(&self, dir: &str, name: &str) -> Arc<[Found]> {
        self.lookups
            .get_or_insert_with(&join(dir, name), || self.lookup_untraced(dir, name).into())
    }

    /// What `name` is inside the directory `dir`.
    fn lookup_untraced(&self, dir: &str, name: &str) -> Vec<Found> {
        let mut found = Vec::new();
        let package = join(dir, name);
        let shared = Arc::<str>::from(package.as_str());
        for init in ["__init__.py", "__init__.pyi"] {
            let path = join(&package, init);
            if self.files.contains_key(path.as_str()) {
                found.push(Found::Package(shared.clone(), path.into()));
                break;
            }
        }
        for extension in ["py", "pyi"] {
            let path = [package.as_str(), ".", extension].concat();
            if self.files.contains_key(path.as_str()) {
                found.push(Found::Module(path.into()));
            } else if self.deps.generated.contains(&path) {
                // Written at build time (setuptools-scm, hatch-vcs): exists, names unknown.
                found.push(Found::Opaque(None));
            }
        }
        if !found.is_empty() {
            return found;
        }
        let Some(listing) = self.fs.list(dir) else {
            return found;
        };
        for (entry, is_dir) in listing.iter() {
            if *is_dir && entry == name {
                if self.fs.has_file(&package, "__init__.py")
                    || self.fs.has_file(&package, "__init__.pyi")
                {
                    found.push(Found::Opaque(Some(shared.clone())));
                } else {
                    found.push(Found::Namespace(shared.clone()));
                }
            } else if !*is_dir
                && let Some(extension) = entry
                    .strip_prefix(name)
                    .and_then(|rest| rest.strip_prefix('.'))
                && (matches!(extension, "py" | "pyi" | "pyx" | "pxd" | "so" | "pyd")
                    || extension.ends_with(".so")
                    || extension.ends_with(".pyd"))
            {
                found.push(Found::Opaque(None));
            }
        }
        found
    }

    /// Roots that apply to `path`: the project's, the file's own directory when it is not a
    /// package, and pytest's base directory.
    fn roots_for<'p>(&'p self, path: &'p str) -> Vec<&'p str> {
        let mut roots: Vec<&str> = self.roots.iter().map(String::as_str).collect();
        roots.extend(self.file_roots(path));
        roots
    }

    /// The roots [`Self::roots_for`] adds to the project's for the file at `path`, in order.
    fn file_roots<'p>(&'p self, path: &'p str) -> Vec<&'p str> {
        let in_project = |root: &str| self.roots.iter().any(|known| known == root);
        let mut roots: Vec<&str> = Vec::new();
        let mut dir = parent(path);
        while self.package_dirs.contains(dir) && !dir.is_empty() {
            dir = parent(dir);
        }
        if !in_project(dir) {
            roots.push(dir);
        }
        let file_dir = parent(path);
        for (conftest_dir, base) in &self.conftest_roots {
            let below = conftest_dir.is_empty()
                || file_dir == conftest_dir
                || file_dir
                    .strip_prefix(conftest_dir.as_str())
                    .is_some_and(|rest| rest.starts_with('/'));
            if below && !in_project(base) && !roots.contains(&base.as_str()) {
                roots.push(base);
            }
        }
        roots
    }

    /// [`Self::in_roots`] over the project's roots, the same for every file: memoized by
    /// name (every import of a top-level name looked it up in each of the project's roots, a
    /// few dozen in a repository with many top-level packages).
    fn in_project_roots(&self, top: &str) -> Arc<InRoots> {
        self.top_names.get_or_insert_with(top, || {
            Arc::new(self.in_roots(self.roots.iter().map(String::as_str), top))
        })
    }

    /// What the top-level name `top` is in each of `roots`, in order.
    fn in_roots<'r>(&self, roots: impl Iterator<Item = &'r str>, top: &str) -> InRoots {
        let mut in_roots = InRoots::default();
        for root in roots {
            let found = self.lookup(root, top);
            if self.primary_roots.contains(root) {
                in_roots.own_package |= found
                    .iter()
                    .any(|found| matches!(found, Found::Package(..) | Found::Module(_)));
                in_roots.own_namespace |= found.iter().any(
                    |found| matches!(found, Found::Namespace(dir) if self.python_dirs.contains(&**dir)),
                );
            }
            in_roots.candidates.extend(found.iter().cloned());
        }
        in_roots
    }

    fn check_file(
        &self,
        file_index: usize,
        path: &str,
        imports: &PythonImports,
        findings: &mut Vec<ImportFinding>,
    ) {
        // The same for every import of the file.
        let file_roots = self.file_roots(path);
        for import in &imports.imports {
            let guarded = import.guarded || import.type_checking;
            let problem = if import.level > 0 {
                self.check_relative(path, import)
            } else {
                self.check_absolute(&file_roots, import, guarded)
            };
            let Some((kind, span, message)) = problem else {
                continue;
            };
            let (kind, message) = unverifiable_if_sys_path_edited(
                kind,
                message,
                imports.edits_sys_path && import.level == 0,
            );
            findings.push(ImportFinding {
                file: file_index,
                kind,
                span,
                message,
                snippet: import.snippet.clone(),
                guarded,
                related: Vec::new(),
            });
        }
    }

    /// An absolute import of a file whose import roots are the project's and `file_roots`
    /// ([`Self::file_roots`]).
    fn check_absolute(
        &self,
        file_roots: &[&str],
        import: &PyImport,
        guarded: bool,
    ) -> Option<(FindingKind, Span, String)> {
        let module = import.module.as_deref()?;
        let parts: Vec<&str> = module.split('.').collect();
        let top = parts[0];
        let target = self.index.python_target.as_ref();
        if is_stdlib(top, target.map(|target| target.version)) {
            self.note(|| match target {
                Some(target) => format!(
                    "`{top}` is in the standard library of Python {}",
                    target.version
                ),
                None => format!("`{top}` is in the standard library"),
            });
            return None;
        }
        // In the standard library of other versions only (`tomllib` before 3.11, `distutils`
        // from 3.12 on): a local module or a backport may still provide it, so look first.
        let other_versions = stdlib_minors(top);
        let in_project = self.in_project_roots(top);
        let in_file = self.in_roots(file_roots.iter().copied(), top);
        let own_package = in_project.own_package || in_file.own_package;
        let own_namespace = in_project.own_namespace || in_file.own_namespace;
        let mut candidates = in_project.candidates.clone();
        candidates.extend(in_file.candidates);
        let first_party = candidates.iter().any(|found| match found {
            Found::Namespace(dir) => self.python_dirs.contains(&**dir) && !self.deps.provides(top),
            _ => true,
        });
        let installed = self.venv.as_ref().is_some_and(|venv| venv.provides(top));
        self.note(|| {
            let party = if first_party {
                "first-party"
            } else if target.is_some() && !other_versions.is_empty() {
                "not first-party"
            } else {
                "not first-party (third-party)"
            };
            let declared = if self.deps.provides(top) {
                ", provided by a declared dependency"
            } else {
                ""
            };
            let installed = if installed {
                ", installed in the virtual environment"
            } else {
                ""
            };
            format!("`{top}` is {party}{declared}{installed}")
        });
        if !first_party {
            if let Some(target) = target
                && !other_versions.is_empty()
            {
                return self.check_other_stdlib(
                    top,
                    target,
                    &other_versions,
                    import,
                    guarded,
                    installed,
                );
            }
            // An optional third-party dependency is the point of the guard.
            if guarded {
                return None;
            }
            if let Some(venv) = &self.venv
                && !installed
                && !self.local_names.contains(top)
            {
                let declared = if self.deps.provides(top) {
                    " (it is declared: the environment is out of date)"
                } else {
                    ""
                };
                return Some((
                    FindingKind::Unresolved,
                    import.span,
                    format!(
                        "no module `{top}`: not first-party, not in the standard library, and not installed in {}{declared}",
                        venv.site_packages
                    ),
                ));
            }
            if !self.deps.is_known() || self.deps.provides(top) || self.local_names.contains(top) {
                return None;
            }
            return Some((
                FindingKind::Undeclared,
                import.span,
                format!(
                    "`{top}` is imported but not declared as a dependency: it is not first-party or standard library, and no declared distribution provides that name (read {})",
                    describe_sources(&self.deps.sources)
                ),
            ));
        }
        let only_namespaces = candidates
            .iter()
            .all(|found| matches!(found, Found::Namespace(_)));
        let problem = match self.descend(candidates, &parts, 1, top) {
            Ok(resolved) => {
                self.note_resolved(module, &resolved);
                self.check_names(module, &resolved, import)
            }
            Err(miss) => Some((miss.kind, import.span, miss.message)),
        };
        // A declared distribution of the same name may be what is really imported (a local
        // `tests/sphinx/` package does not shadow Sphinx for the docs): not a certain miss.
        // Neither is a top-level name that only matched plain directories (`examples/eventlet/`
        // next to the real, undeclared `eventlet`).
        // The project's own package in a primary root is what is imported, whatever else is
        // declared or installed under its name (Celery's examples declare `celery`; an
        // editable install's `.pth` makes every name "installed").
        // Only plain directories matched: a real package of that name, if one is installed,
        // would win at run time. Unless the directory is in a primary root, holds Python
        // files, and the project's declarations are known and name no such distribution:
        // then it is the project's own namespace package (FastAPI's `docs_src/`), and checked.
        let project_namespace =
            own_namespace && self.deps.is_known() && !self.deps.provides(top) && !installed;
        if only_namespaces && !project_namespace {
            return None;
        }
        if self.deps.provides(top) || installed {
            if !own_package {
                return None;
            }
            self.note(|| {
                format!(
                    "`{top}` is the project's own package (in a primary root): a distribution of that name does not excuse a miss"
                )
            });
        }
        // `import proj.sdk` where `proj/` is the project's and a declared `proj-sdk` ships the
        // subpackage into it.
        if problem.is_some()
            && let Some(dotted) = self.declared_submodule(&parts, import)
        {
            self.note(|| {
                format!("`{dotted}` is shipped by the declared distribution of that name")
            });
            return None;
        }
        problem
    }

    /// The dotted module (`a.b`, at least two parts) this import names, or may name with
    /// `from a import b`, that a declared distribution is named after.
    fn declared_submodule(&self, parts: &[&str], import: &PyImport) -> Option<String> {
        let mut dotted: Vec<String> = (2..=parts.len())
            .map(|end| parts[..end].join("."))
            .collect();
        if import.is_from {
            let module = parts.join(".");
            dotted.extend(
                import
                    .names
                    .iter()
                    .map(|(name, _)| format!("{module}.{name}")),
            );
        }
        dotted
            .into_iter()
            .find(|dotted| self.deps.provides_submodule(dotted))
    }

    /// `top` is in the standard library of other Python versions than the target: it resolves
    /// when something else provides it (a backport declared or installed, a module of the
    /// project), or when the import is guarded (`if sys.version_info >= (3, 11):`, try/except
    /// ImportError, `TYPE_CHECKING`): like an optional dependency, the guard is the point.
    fn check_other_stdlib(
        &self,
        top: &str,
        target: &PythonTarget,
        minors: &[u8],
        import: &PyImport,
        guarded: bool,
        installed: bool,
    ) -> Option<(FindingKind, Span, String)> {
        let versions = describe_minors(minors);
        let provider = if installed {
            Some("installed in the virtual environment")
        } else if self.deps.provides(top) {
            Some("provided by a declared dependency (a backport)")
        } else if self.local_names.contains(top) {
            Some("the name of a module of the project")
        } else if guarded {
            Some("guarded, so the code expects it may be missing")
        } else {
            None
        };
        self.note(|| {
            let verdict = match provider {
                Some(provider) => format!(", but it is {provider}"),
                None => String::new(),
            };
            format!(
                "`{top}` is in the standard library of {versions}, not of the target Python {} ({}){verdict}",
                target.version, target.source
            )
        });
        if provider.is_some() {
            return None;
        }
        Some((
            FindingKind::Unresolved,
            import.span,
            format!(
                "no module `{top}` in Python {}, the target ({}): it is standard library in {versions} only, and nothing declared or in the project provides it; guard the import with `sys.version_info` or try/except ImportError, declare a backport, or change the target",
                target.version, target.source
            ),
        ))
    }

    fn check_relative(&self, path: &str, import: &PyImport) -> Option<(FindingKind, Span, String)> {
        let dots = ".".repeat(import.level as usize);
        let written = format!("{dots}{}", import.module.as_deref().unwrap_or(""));
        let dir = parent(path);
        let mut base = dir;
        for _ in 1..import.level {
            if base.is_empty() {
                // The project root is itself a package: what lies above it is not known.
                if self.package_dirs.contains("") {
                    return None;
                }
                return Some((
                    FindingKind::Unresolved,
                    import.span,
                    format!("relative import `{written}` in {path} goes above the project root"),
                ));
            }
            base = parent(base);
        }
        if self.package_dirs.contains(dir) {
            let mut top = dir;
            let mut depth = 1;
            while self.package_dirs.contains(parent(top)) && !parent(top).is_empty() {
                top = parent(top);
                depth += 1;
            }
            let above = parent(top);
            let root_is_package = above.is_empty() && self.package_dirs.contains("");
            if import.level > depth
                && !root_is_package
                && self.roots.iter().any(|root| root == above)
            {
                return Some((
                    FindingKind::Unresolved,
                    import.span,
                    format!(
                        "relative import `{written}` in {path} goes above the top-level package `{}`",
                        top.rsplit('/').next().unwrap_or(top)
                    ),
                ));
            }
        }
        let start = if self.package_dirs.contains(base) {
            let init = ["__init__.py", "__init__.pyi"]
                .iter()
                .map(|init| join(base, init))
                .find(|init| self.files.contains_key(init.as_str()))
                .unwrap_or_default();
            Found::Package(base.into(), init.into())
        } else {
            Found::Namespace(base.into())
        };
        let resolved = match &import.module {
            Some(module) => {
                let parts: Vec<&str> = module.split('.').collect();
                let mut candidates = self.lookup(base, parts[0]).to_vec();
                if candidates.is_empty() {
                    let message = format!(
                        "no module `{dots}{}`: looked for {}; {}{}",
                        parts[0],
                        tried(base, parts[0]),
                        describe_prefix(&dots, std::slice::from_ref(&start)),
                        did_you_mean(&dots, self.closest_sibling(&[base], parts[0]))
                    );
                    let miss = self.miss_below(&[start], &format!("{dots}{}", parts[0]), message);
                    return Some((miss.kind, import.span, miss.message));
                }
                candidates.sort_by_key(|found| matches!(found, Found::Namespace(_)));
                match self.descend_relative(candidates, &parts, &dots) {
                    Ok(resolved) => resolved,
                    Err(miss) => return Some((miss.kind, import.span, miss.message)),
                }
            }
            None => vec![start],
        };
        self.note_resolved(&written, &resolved);
        self.check_names(&written, &resolved, import)
    }

    fn descend_relative(
        &self,
        candidates: Vec<Found>,
        parts: &[&str],
        dots: &str,
    ) -> Result<Vec<Found>, Miss> {
        self.descend(candidates, parts, 1, dots)
    }

    /// Resolves `parts[from..]` below `candidates` (what `parts[..from]` resolved to).
    fn descend(
        &self,
        mut candidates: Vec<Found>,
        parts: &[&str],
        from: usize,
        prefix_dots: &str,
    ) -> Result<Vec<Found>, Miss> {
        let dots = if prefix_dots.starts_with('.') {
            prefix_dots
        } else {
            ""
        };
        for (position, part) in parts.iter().enumerate().skip(from) {
            if candidates.contains(&Found::Opaque(None))
                || candidates.iter().any(|found| self.is_open_package(found))
            {
                return Ok(Vec::new());
            }
            let mut next = Vec::new();
            for dir in candidates.iter().filter_map(Found::dir) {
                next.extend(self.lookup(dir, part).iter().cloned());
            }
            if next.is_empty() {
                let looked: Vec<String> = candidates
                    .iter()
                    .filter_map(Found::dir)
                    .map(|dir| tried(dir, part))
                    .collect();
                let prefix = format!("{dots}{}", parts[..position].join("."));
                let module = format!("{dots}{}", parts[..=position].join("."));
                let looked = if looked.is_empty() {
                    String::new()
                } else {
                    format!("looked for {}; ", looked.join("; "))
                };
                let mut message = format!("no module `{module}`: {looked}`{prefix}` resolved to ");
                message.push_str(&describe_list(&candidates));
                if candidates.iter().all(|found| found.dir().is_none()) {
                    message.push_str(", a module, not a package");
                }
                let dirs: Vec<&str> = candidates.iter().filter_map(Found::dir).collect();
                message.push_str(&did_you_mean(&prefix, self.closest_sibling(&dirs, part)));
                return Err(self.miss_below(&candidates, &module, message));
            }
            dedup(&mut next);
            candidates = next;
        }
        Ok(candidates)
    }

    /// `from module import names`: each name a submodule or bound in the module.
    fn check_names(
        &self,
        module: &str,
        resolved: &[Found],
        import: &PyImport,
    ) -> Option<(FindingKind, Span, String)> {
        if !import.is_from || resolved.is_empty() {
            return None;
        }
        if resolved
            .iter()
            .any(|found| matches!(found, Found::Opaque(_)) || self.is_open_package(found))
        {
            return None;
        }
        for (name, span) in &import.names {
            if name == "*" || MODULE_DUNDERS.contains(&name.as_str()) {
                continue;
            }
            if resolved
                .iter()
                .filter_map(Found::dir)
                .any(|dir| !self.lookup(dir, name).is_empty())
            {
                continue;
            }
            let mut knowable = true;
            let mut binds = false;
            for found in resolved {
                let file = match found {
                    Found::Module(path) | Found::Package(_, path) => path,
                    _ => continue,
                };
                match self.bindings(file) {
                    None => knowable = false,
                    Some(imports) if imports.dynamic_names => knowable = false,
                    Some(imports) => {
                        binds |= imports.bound_names.binary_search(name).is_ok();
                    }
                }
            }
            if binds || !knowable {
                self.note(|| {
                    if binds {
                        format!("`{module}` binds `{name}`")
                    } else {
                        format!("the names `{module}` binds cannot be known statically")
                    }
                });
                continue;
            }
            let looked: Vec<String> = resolved
                .iter()
                .filter_map(Found::dir)
                .map(|dir| tried(dir, name))
                .collect();
            let looked = if looked.is_empty() {
                String::new()
            } else {
                format!("looked for {}; ", looked.join("; "))
            };
            let binds_no = if resolved
                .iter()
                .any(|found| matches!(found, Found::Module(_) | Found::Package(..)))
            {
                format!(", which binds no `{name}`")
            } else {
                String::new()
            };
            let dirs: Vec<&str> = resolved.iter().filter_map(Found::dir).collect();
            let message = format!(
                "cannot import `{name}` from `{module}`: {looked}`{module}` resolved to {}{binds_no}{}",
                describe_list(resolved),
                did_you_mean(module, self.closest_sibling(&dirs, name))
            );
            let submodule = if module.ends_with('.') {
                format!("{module}{name}")
            } else {
                format!("{module}.{name}")
            };
            let miss = self.miss_below(resolved, &submodule, message);
            return Some((miss.kind, *span, miss.message));
        }
        None
    }

    /// A package whose `__init__` shares its namespace with other distributions
    /// (`pkgutil.extend_path`, `pkg_resources`): its submodules may live anywhere.
    fn is_open_package(&self, found: &Found) -> bool {
        let Found::Package(_, init) = found else {
            return false;
        };
        self.bindings(init).is_some_and(|imports| {
            imports.shares_namespace
                || imports
                    .imports
                    .iter()
                    .any(|import| import.module.as_deref() == Some("pkg_resources"))
        })
    }

    /// The miss of `module` below `found`: IMP003 when an import hook above may provide it,
    /// saying which, else IMP001.
    fn miss_below(&self, found: &[Found], module: &str, message: String) -> Miss {
        let Some(above) = found.iter().find_map(|found| self.hook_above(found)) else {
            return Miss {
                kind: FindingKind::Unresolved,
                message,
            };
        };
        let reason = format!(
            "{} installs an import hook at line {} (`{}`), so `{module}` may be provided at run time",
            above.file, above.hook.line, above.hook.written
        );
        self.note(|| reason.clone());
        Miss {
            kind: FindingKind::Unverifiable,
            message: format!("{message}; {reason}"),
        }
    }

    /// The first import hook at or above `found`: one its own module installs, or one in the
    /// `__init__` of a package it lies in (importing `found` runs those first).
    fn hook_above(&self, found: &Found) -> Option<HookAbove<'i>> {
        let mut dir = match found {
            Found::Module(path) => {
                if let Some(above) = self.hook_in(path) {
                    return Some(above);
                }
                parent(path)
            }
            Found::Package(dir, _) | Found::Namespace(dir) | Found::Opaque(Some(dir)) => dir,
            Found::Opaque(None) => return None,
        };
        loop {
            for init in ["__init__.py", "__init__.pyi"] {
                if let Some(above) = self.hook_in(&join(dir, init)) {
                    return Some(above);
                }
            }
            if dir.is_empty() || !self.package_dirs.contains(parent(dir)) {
                return None;
            }
            dir = parent(dir);
        }
    }

    /// The import hook the indexed module `path` installs.
    fn hook_in(&self, path: &str) -> Option<HookAbove<'i>> {
        let (&file, &position) = self.files.get_key_value(path)?;
        let facts = self.index.files[position].facts.as_ref()?;
        let hook = facts.python_imports.as_ref()?.import_hook.as_ref()?;
        Some(HookAbove { file, hook })
    }

    /// The module or package in `dirs` whose name is closest to `name`: a `.py`/`.pyi` file, or
    /// a directory with Python files (a package or namespace package).
    fn closest_sibling(&self, dirs: &[&str], name: &str) -> Option<String> {
        let mut siblings = BTreeSet::new();
        for dir in dirs {
            let Some(listing) = self.fs.list(dir) else {
                continue;
            };
            for (entry, is_dir) in listing.iter() {
                let stem = if *is_dir {
                    self.python_dirs
                        .contains(&join(dir, entry))
                        .then_some(entry.as_str())
                } else {
                    entry
                        .strip_suffix(".py")
                        .or_else(|| entry.strip_suffix(".pyi"))
                };
                if let Some(stem) = stem
                    && stem != "__init__"
                    && !stem.contains('.')
                {
                    siblings.insert(stem.to_string());
                }
            }
        }
        closest(name, siblings.iter().map(String::as_str)).map(str::to_string)
    }

    fn bindings(&self, path: &str) -> Option<&PythonImports> {
        let position = *self.files.get(path)?;
        self.index.files[position]
            .facts
            .as_ref()?
            .python_imports
            .as_ref()
    }
}

/// `; did you mean `prefix.name`?` when there is a close sibling, else nothing. `prefix` is
/// the module that resolved (`app.agents`, or only dots for a relative import).
fn did_you_mean(prefix: &str, sibling: Option<String>) -> String {
    let Some(sibling) = sibling else {
        return String::new();
    };
    let separator = if prefix.is_empty() || prefix.ends_with('.') {
        ""
    } else {
        "."
    };
    format!("; did you mean `{prefix}{separator}{sibling}`?")
}

/// What resolving `name` inside `dir` tried.
fn tried(dir: &str, name: &str) -> String {
    let base = join(dir, name);
    format!("{base}.py, {base}.pyi, {base}/__init__.py, namespace dir {base}/")
}

fn describe_list(found: &[Found]) -> String {
    let mut described: Vec<String> = found.iter().map(Found::describe).collect();
    described.dedup();
    described.join(" and ")
}

fn describe_prefix(dots: &str, found: &[Found]) -> String {
    format!("`{dots}` resolved to {}", describe_list(found))
}

/// Drops repeated entries, keeping the first: the lists hold a handful of entries.
fn dedup(found: &mut Vec<Found>) {
    let mut kept: Vec<Found> = Vec::with_capacity(found.len());
    for item in found.drain(..) {
        if !kept.contains(&item) {
            kept.push(item);
        }
    }
    *found = kept;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_library_follows_the_target() {
        let version = |text: &str| Some(text.parse::<PythonVersion>().unwrap());
        assert!(!is_stdlib("tomllib", version("3.10")));
        assert!(is_stdlib("tomllib", version("3.11")));
        assert!(is_stdlib("distutils", version("3.11")));
        assert!(!is_stdlib("distutils", version("3.12")));
        assert!(is_stdlib("tomllib", None));
        assert!(is_stdlib("distutils", None));
        assert!(is_stdlib("__future__", version("3.7")));
        assert!(!is_stdlib("requests", None));
    }

    #[test]
    fn version_ranges_read_naturally() {
        assert_eq!(
            describe_minors(&stdlib_minors("tomllib")),
            "Python 3.11 and later"
        );
        assert_eq!(
            describe_minors(&stdlib_minors("imp")),
            "Python 3.11 and earlier"
        );
        assert_eq!(describe_minors(&[9, 10, 11]), "Python 3.9 to 3.11");
        assert_eq!(describe_minors(&[9]), "Python 3.9");
        assert_eq!(
            describe_minors(&[8, 9, 12]),
            "Python 3.8 to 3.9 and Python 3.12"
        );
    }
}
