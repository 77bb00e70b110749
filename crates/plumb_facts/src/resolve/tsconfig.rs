//! `tsconfig.json` files read the way TypeScript reads them when part of their chain is missing.
//!
//! `tsc` reports TS6053 for an `extends` base or a `references` entry it cannot load (a package
//! that is not installed, such as `expo/tsconfig.base`, or a file that is not there) and goes on
//! with the rest of the file: its own `compilerOptions` (`paths`, `baseUrl`) still apply.
//! `oxc_resolver` fails the whole resolution instead. It reads tsconfig files, and only them,
//! through [`oxc_resolver::FileSystem::read_to_string`], so [`LenientFs`] serves each tsconfig
//! with the entries that cannot be loaded removed, and records what it removed (and what it kept)
//! for `plumb explain-import`. An `extends` that names a package of the project (a workspace
//! package, not linked because nothing is installed) is pointed at that package's directory, as
//! the package manager would link it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use oxc_resolver::{FileMetadata, FileSystem, ResolveError, ResolveOptions, ResolverGeneric};

use super::ecma::{package_name, strip_jsonc};
use super::fs::ConfinedFs;

/// The `tsconfig.json` field an entry was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Extends,
    References,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Extends => "extends",
            Field::References => "references",
        }
    }
}

/// Why an `extends` or `references` entry cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unloadable {
    /// A package specifier that no `node_modules` under the project provides.
    NotInstalled { package: String },
    /// The file (project-relative, or a path outside the project) does not exist.
    Missing { path: String },
    /// The file exists but is not a valid tsconfig.
    Invalid { path: String, error: String },
}

impl std::fmt::Display for Unloadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unloadable::NotInstalled { package } => write!(
                f,
                "the package `{package}` is not installed (no node_modules under the project provides it)"
            ),
            Unloadable::Missing { path } => write!(f, "{path} does not exist"),
            Unloadable::Invalid { path, error } => write!(f, "{path} cannot be parsed ({error})"),
        }
    }
}

/// What happened to one `extends`/`references` entry of a tsconfig.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Removed, as TypeScript skips it after TS6053.
    Dropped(Unloadable),
    /// A package of the project, read from its directory (project-relative file).
    Linked { path: String },
}

/// One tsconfig that was not served as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Repair {
    /// The tsconfig, project-relative.
    pub(crate) config: String,
    /// Each changed entry: its field, the entry as written, and what was done.
    pub(crate) entries: Vec<(Field, String, Outcome)>,
    /// The `extends` entries kept, as written.
    pub(crate) kept_extends: Vec<String>,
    /// Keys of the file's own `compilerOptions`, which always apply.
    pub(crate) own_options: Vec<String>,
}

impl Repair {
    /// Lines for `plumb explain-import`: what could not be loaded, and what was kept.
    pub(crate) fn describe(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (field, entry, outcome) in &self.entries {
            lines.push(match outcome {
                Outcome::Dropped(why) => format!(
                    "tsconfig {}: `{}` entry `{entry}` cannot be loaded: {why}; left out, as TypeScript does after TS6053 (its settings are unknown)",
                    self.config,
                    field.name()
                ),
                Outcome::Linked { path } => format!(
                    "tsconfig {}: `{}` entry `{entry}` is a package of the project, not installed: read from {path}",
                    self.config,
                    field.name()
                ),
            });
        }
        let own = if self.own_options.is_empty() {
            "no own compilerOptions".to_string()
        } else {
            format!("own compilerOptions ({})", self.own_options.join(", "))
        };
        let extends = if self.kept_extends.is_empty() {
            String::new()
        } else {
            format!(" and `extends` {}", self.kept_extends.join(", "))
        };
        lines.push(format!("tsconfig {}: kept {own}{extends}", self.config));
        lines
    }
}

/// The repairs made so far, shared between [`LenientFs`] (inside the resolver) and the caller.
pub(crate) type Repairs = Arc<Mutex<Vec<Repair>>>;

/// The file system the tsconfig-aware resolver reads through: [`ConfinedFs`], with tsconfig
/// files served as TypeScript would use them (see the module docs).
pub(crate) struct LenientFs {
    root: PathBuf,
    inner: ConfinedFs,
    /// Finds package `extends` targets as oxc_resolver does (`node_modules`, `exports` under
    /// `node`/`import`, `.json`, a `tsconfig.json` main file).
    locator: ResolverGeneric<ConfinedFs>,
    /// Package name -> its directory (project-relative), for names one `package.json` has.
    workspace: BTreeMap<String, String>,
    repairs: Repairs,
}

impl LenientFs {
    /// `workspace` maps package names of the project to their directories.
    pub(crate) fn new(root: &Path, workspace: BTreeMap<String, String>, repairs: Repairs) -> Self {
        let options = ResolveOptions {
            tsconfig: None,
            condition_names: vec!["node".into(), "import".into()],
            extensions: vec![".json".into()],
            main_files: vec!["tsconfig".into()],
            symlinks: false,
            node_path: false,
            ..ResolveOptions::default()
        };
        LenientFs {
            root: root.to_path_buf(),
            inner: ConfinedFs::new(root),
            locator: ResolverGeneric::new_with_file_system(ConfinedFs::new(root), options),
            workspace,
            repairs,
        }
    }

    fn shown(&self, path: &Path) -> String {
        match path.strip_prefix(&self.root) {
            Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
            Err(_) => format!("{} (outside the project root)", path.display()),
        }
    }

    /// The file oxc_resolver reads for a tsconfig `path`: the file itself, `tsconfig.json` in
    /// it when it is a directory, else `path` + `.json`.
    fn tsconfig_file(&self, path: &Path) -> PathBuf {
        match self.inner.metadata(path) {
            Ok(meta) if meta.is_file() => path.to_path_buf(),
            Ok(meta) if meta.is_dir() => path.join("tsconfig.json"),
            _ => {
                let mut name = path.as_os_str().to_os_string();
                name.push(".json");
                PathBuf::from(name)
            }
        }
    }

    /// Whether the tsconfig at `path` can be read and parsed.
    fn loadable(&self, path: &Path) -> Result<(), Unloadable> {
        let file = self.tsconfig_file(path);
        let text = self
            .inner
            .read_to_string(&file)
            .map_err(|_| Unloadable::Missing {
                path: self.shown(&file),
            })?;
        oxc_resolver::TsConfig::parse(false, &file, &file, text)
            .map(|_| ())
            .map_err(|error| Unloadable::Invalid {
                path: self.shown(&file),
                error: error.to_string(),
            })
    }

    /// What to do with the `extends` entry `specifier` of the tsconfig in `dir`: `None` keeps
    /// it as written.
    fn check_extends(&self, dir: &Path, specifier: &str) -> Option<Outcome> {
        if specifier.starts_with('/') || specifier.starts_with('.') {
            return self
                .loadable(&normalize(&dir.join(specifier)))
                .err()
                .map(Outcome::Dropped);
        }
        match self.locator.resolve(dir, specifier) {
            Ok(found) => self.loadable(found.path()).err().map(Outcome::Dropped),
            Err(ResolveError::NotFound(_) | ResolveError::PackageImportNotDefined(..))
                if !specifier.starts_with('#') =>
            {
                Some(self.link_or_drop(specifier))
            }
            // A `#` import, or a package found but not exporting the path: as oxc_resolver
            // would fail on it, so would TypeScript.
            Err(_) => Some(Outcome::Dropped(Unloadable::Missing {
                path: specifier.to_string(),
            })),
        }
    }

    /// A package specifier that is not installed: read from the project's package of that
    /// name when there is one (as if linked), else dropped.
    fn link_or_drop(&self, specifier: &str) -> Outcome {
        let package = package_name(specifier).unwrap_or(specifier);
        let not_installed = Outcome::Dropped(Unloadable::NotInstalled {
            package: package.to_string(),
        });
        let Some(dir) = self.workspace.get(package) else {
            return not_installed;
        };
        let subpath = &specifier[package.len()..];
        let target = normalize(&self.root.join(dir).join(format!(".{subpath}")));
        let found = self
            .locator
            .resolve(&target, ".")
            .map(|found| found.path().to_path_buf())
            .unwrap_or(target);
        match self.loadable(&found) {
            Ok(()) => Outcome::Linked {
                path: self.shown(&self.tsconfig_file(&found)),
            },
            Err(_) => not_installed,
        }
    }

    /// The text to serve for the tsconfig at `path`, and what was changed in it (`None`
    /// when nothing was).
    fn repair(&self, path: &Path, text: &str) -> Option<(String, Repair)> {
        let mut json: serde_json::Value =
            serde_json::from_str(&strip_jsonc(text.trim_start_matches('\u{feff}'))).ok()?;
        let dir = path.parent()?;
        let object = json.as_object_mut()?;
        let mut entries = Vec::new();
        let mut kept_extends = Vec::new();
        let extends = match object.get("extends") {
            Some(serde_json::Value::String(one)) => vec![one.clone()],
            Some(serde_json::Value::Array(many)) => many
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            _ => Vec::new(),
        };
        let mut served_extends = Vec::new();
        for specifier in extends {
            match self.check_extends(dir, &specifier) {
                None => {
                    kept_extends.push(format!("`{specifier}`"));
                    served_extends.push(serde_json::Value::String(specifier));
                }
                Some(outcome) => {
                    if let Outcome::Linked { path } = &outcome {
                        kept_extends.push(format!("`{specifier}` ({path})"));
                        let absolute = self.root.join(path).to_string_lossy().into_owned();
                        served_extends.push(serde_json::Value::String(absolute));
                    }
                    entries.push((Field::Extends, specifier, outcome));
                }
            }
        }
        if let Some(references) = object.get_mut("references").and_then(|r| r.as_array_mut()) {
            references.retain(|reference| {
                let Some(written) = reference.get("path").and_then(|p| p.as_str()) else {
                    return true;
                };
                match self.loadable(&normalize(&dir.join(written))) {
                    Ok(()) => true,
                    Err(why) => {
                        entries.push((
                            Field::References,
                            written.to_string(),
                            Outcome::Dropped(why),
                        ));
                        false
                    }
                }
            });
        }
        if entries.is_empty() {
            return None;
        }
        if served_extends.is_empty() {
            object.remove("extends");
        } else {
            object.insert("extends".into(), serde_json::Value::Array(served_extends));
        }
        let own_options = object
            .get("compilerOptions")
            .and_then(|o| o.as_object())
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        let repair = Repair {
            config: self.shown(path),
            entries,
            kept_extends,
            own_options,
        };
        Some((serde_json::to_string(&json).ok()?, repair))
    }
}

/// `a/./b/../c` -> `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

impl FileSystem for LenientFs {
    /// Unconfined and without workspace packages: only [`LenientFs::new`] is used, through
    /// `new_with_file_system`.
    fn new() -> Self {
        LenientFs::new(Path::new("/"), BTreeMap::new(), Repairs::default())
    }

    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.inner.read(path)
    }

    /// oxc_resolver reads tsconfig files, and nothing else, as strings.
    fn read_to_string(&self, path: &Path) -> std::io::Result<String> {
        let text = self.inner.read_to_string(path)?;
        let Some((served, repair)) = self.repair(path, &text) else {
            return Ok(text);
        };
        if let Ok(mut repairs) = self.repairs.lock()
            && !repairs.contains(&repair)
        {
            repairs.push(repair);
        }
        Ok(served)
    }

    fn metadata(&self, path: &Path) -> std::io::Result<FileMetadata> {
        self.inner.metadata(path)
    }

    fn symlink_metadata(&self, path: &Path) -> std::io::Result<FileMetadata> {
        self.inner.symlink_metadata(path)
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf, ResolveError> {
        self.inner.read_link(path)
    }

    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf> {
        self.inner.canonicalize(path)
    }
}
