//! TypeScript/JavaScript import resolution with `oxc_resolver`.
//!
//! Relative specifiers must resolve to a file (extension and `index` resolution, `.js` written
//! for a `.ts` file, `tsconfig.json` `paths`/`baseUrl` with `extends`, `package.json`
//! `exports`/`imports`); Node built-ins (`fs`, `node:fs`) always resolve. A bare specifier that
//! a Jest `moduleNameMapper` or a Vite `resolve.alias` maps to a file of the project must resolve
//! there. A bare specifier the
//! resolver cannot find (no `node_modules`) must be declared in the nearest `package.json`
//! (`dependencies`, `devDependencies`, `peerDependencies`, `optionalDependencies`), directly
//! or as `@types/...`, or be the name of a package of the project (workspaces), or be a module
//! a framework present in that `package.json` provides at run time (`vscode` with
//! `engines.vscode`, see [`super::frameworks`]).
//!
//! A relative or alias target that is missing because it lies in build output (a `dist/` that
//! is not built, React Router's generated `+types`) is unverifiable (IMP003), not unresolved:
//! see [`super::build_output`]; the other tsconfig `rootDirs` are searched for that folder too.
//! Build output of a workspace package (or of the file's own package) is first mapped back to
//! its source, and what stays unverifiable is reported once per package: see
//! [`super::workspace`]. Jest script configs are read by [`super::jest`], bundler aliases by
//! [`super::vite`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use oxc_resolver::{ResolveError, ResolveOptions, ResolverGeneric, TsconfigDiscovery};
use plumb_diagnostics::Language;

use super::build_output::{BuildDirs, BuildOutput};
use super::frameworks;
use rayon::prelude::*;

use super::fs::{ConfinedFs, FsCache, Memo, join, parent};
use super::jest;
use super::outside_root::{Outside, OutsideRoot};
use super::suggest::closest;
use super::tsconfig::{LenientFs, Repairs};
use super::vite::{self, ViteAlias};
use super::workspace::{SourceTwin, SourceTwins, UnbuiltGroups, UnbuiltKey};
use super::{Explanation, FindingKind, ImportFinding};
use crate::{EcmaImport, EcmaImportKind, FileFacts, IndexedFile, ProjectIndex};

const EXTENSIONS: &[&str] = &[
    ".ts", ".tsx", ".d.ts", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json", ".node",
];

/// Dependency sections of `package.json`.
const DEPENDENCY_FIELDS: &[&str] = &[
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "optionalDependencies",
];

/// One `package.json`: its name and declared dependencies.
#[derive(Debug, Default)]
struct PackageJson {
    declared: BTreeSet<String>,
    /// Keys of `engines` (`node`, `vscode`): a runtime that provides modules.
    engines: BTreeSet<String>,
}

/// `oxc_resolver` over the project root only (see [`ConfinedFs`]).
type Resolver = ResolverGeneric<ConfinedFs>;

struct Project {
    fs: Arc<FsCache>,
    /// The resolver with tsconfig discovery, reading tsconfigs as TypeScript does when part of
    /// their chain cannot be loaded (see [`LenientFs`]).
    resolver: ResolverGeneric<LenientFs>,
    /// What [`LenientFs`] left out of (or linked into) each tsconfig it served.
    tsconfig_repairs: Repairs,
    /// The same resolver without tsconfig, for paths that are already mapped and for files
    /// whose tsconfig cannot be loaded at all.
    without_tsconfig: Resolver,
    /// Relative targets above the project root.
    outside_root: OutsideRoot,
    /// Project-relative directory -> its `package.json`, when it has a readable one.
    packages: Memo<Option<Arc<PackageJson>>>,
    /// Project-relative directory -> its parsed `package.json` (`None` when unreadable), for
    /// the `exports` of workspace packages, which every import of such a package reads.
    package_manifests: Memo<Option<Arc<serde_json::Value>>>,
    /// A workspace package's directory and an import of it -> what the resolver made of it.
    workspace_resolutions: Memo<Arc<Result<oxc_resolver::Resolution, ResolveError>>>,
    /// `name` of every `package.json` in the project (workspace packages), with the
    /// directories of the `package.json` files that have it.
    workspace_names: BTreeMap<String, Vec<String>>,
    /// Prefixes of `tsconfig.json` `paths` keys, and whether some tsconfig sets `baseUrl`:
    /// a bare specifier they may map is never called undeclared.
    path_prefixes: Vec<String>,
    /// `baseUrl` directories (project-relative); `None` when one leaves the project.
    base_urls: Option<Vec<String>>,
    /// Some `tsconfig*.json` could not be read: aliases are unknown.
    tsconfig_unknown: bool,
    /// Each `tsconfig.json` (the name the resolver discovers) with `paths`, own or inherited
    /// through `extends`: its directory, the config that writes the `paths`, and each key with
    /// its targets (project-relative templates, `*` kept).
    tsconfig_paths: Vec<(String, String, Vec<PathsEntry>)>,
    /// Each `tsconfig.json` with `rootDirs`: its directory and the root directories
    /// (project-relative), which TypeScript merges into one virtual directory.
    tsconfig_root_dirs: Vec<(String, Vec<String>)>,
    /// Build folders on the way to unresolved targets (IMP003 instead of IMP001).
    build_dirs: BuildDirs,
    /// `declare module "x"` names (and `*` patterns) from every file of the project.
    ambient_modules: BTreeSet<String>,
    /// Jest `moduleNameMapper` entries, in the order Jest tries them.
    jest_mappers: Vec<JestMapper>,
    /// Vite/Vitest `resolve.alias` entries: the config's directory and path, and the alias.
    vite_aliases: Vec<(String, String, ViteAlias)>,
    /// `plumb explain-import` records each step here; `None` when checking.
    trace: Option<Mutex<Vec<String>>>,
    /// Maps build output of workspace packages back to their sources.
    source_twins: SourceTwins,
}

pub(crate) fn check(index: &ProjectIndex, fs: Arc<FsCache>) -> Vec<ImportFinding> {
    // Only checked files get findings: with none in TS/JS (a hook run on staged Python files),
    // the resolver is not worth setting up.
    if !index.files.iter().any(|file| {
        matches!(file.language, Language::TypeScript | Language::JavaScript) && !file.context
    }) {
        return Vec::new();
    }
    let project = Project::new(index, fs);
    let files: Vec<(usize, &IndexedFile, &FileFacts)> = index
        .files_with_facts()
        .filter(|(_, file, _)| !file.context && super::python::is_inside(&file.project_path))
        .collect();
    // Files are resolved on every worker (a TypeScript monorepo's imports took most of its
    // run on one thread); their findings are then gathered in file order, so the grouping of
    // unbuilt packages below is the same for any number of threads.
    let checked: Vec<Vec<(ImportFinding, Option<UnbuiltKey>, &str)>> = files
        .into_par_iter()
        .map(|(file_index, file, facts)| {
            // oxc_resolver matches tsconfig `include`/`exclude` against the path as given: a
            // walk of `.` yields `/repo/./src/a.ts`, which no tsconfig claims. Rebuild it from
            // the root.
            let path = index.project_root.join(&file.project_path);
            facts
                .ecma_imports
                .iter()
                .filter_map(|import| {
                    let mut unbuilt_key = None;
                    let (kind, message) =
                        project.check(&path, &file.project_path, import, &mut unbuilt_key)?;
                    let finding = ImportFinding {
                        file: file_index,
                        kind,
                        span: import.span,
                        message,
                        snippet: import.snippet.clone(),
                        guarded: false,
                        related: Vec::new(),
                    };
                    Some((finding, unbuilt_key, import.specifier.as_str()))
                })
                .collect()
        })
        .collect();
    let mut findings = Vec::new();
    let mut unbuilt = UnbuiltGroups::default();
    for (finding, unbuilt_key, specifier) in checked.into_iter().flatten() {
        match unbuilt_key {
            Some(key) if finding.kind == FindingKind::Unverifiable => {
                unbuilt.add(key, finding, specifier);
            }
            _ => findings.push(finding),
        }
    }
    findings.extend(unbuilt.into_findings());
    findings
}

/// The `paths` of the tsconfig at `path` (parsed as `json`) with their targets
/// (project-relative templates), and the config that writes them: its own, else those it
/// inherits through local `extends`
/// (`paths` is replaced as a whole, and a later entry of an `extends` array wins, as in
/// TypeScript). `None` when it has none, or they come from a package (`@tsconfig/...`) or a
/// file outside the project.
fn effective_paths(
    fs: &FsCache,
    path: &str,
    json: &serde_json::Value,
    depth: usize,
) -> Option<(String, Vec<PathsEntry>)> {
    let dir = parent(path);
    let options = json.get("compilerOptions");
    if let Some(paths) = options
        .and_then(|o| o.get("paths"))
        .and_then(|p| p.as_object())
    {
        // Targets are relative to `baseUrl` when the same file sets it, else to the
        // tsconfig's directory (TypeScript 4.1+).
        let base = options
            .and_then(|o| o.get("baseUrl"))
            .and_then(|base| normalize_join(dir, base.as_str()?))
            .unwrap_or_else(|| dir.to_string());
        return Some((
            path.to_string(),
            paths
                .iter()
                .map(|(key, targets)| {
                    let targets = targets
                        .as_array()
                        .map(|targets| {
                            targets
                                .iter()
                                .filter_map(|target| normalize_join(&base, target.as_str()?))
                                .collect()
                        })
                        .unwrap_or_default();
                    (key.clone(), targets)
                })
                .collect(),
        ));
    }
    if depth >= 8 {
        return None;
    }
    local_extends(path, json).iter().find_map(|target| {
        let text = fs.read(target)?;
        let parent_json = serde_json::from_str::<serde_json::Value>(&strip_jsonc(&text)).ok()?;
        effective_paths(fs, target, &parent_json, depth + 1)
    })
}

/// The local tsconfigs (`./` or `../` entries, `.json` added) that the tsconfig at `config`
/// `extends`, the last entry first: a later entry of an `extends` array wins, as in
/// TypeScript. Entries naming packages are left out.
pub(super) fn local_extends(config: &str, json: &serde_json::Value) -> Vec<String> {
    let extends: Vec<&str> = match json.get("extends") {
        Some(serde_json::Value::String(one)) => vec![one.as_str()],
        Some(serde_json::Value::Array(many)) => many.iter().filter_map(|v| v.as_str()).collect(),
        _ => return Vec::new(),
    };
    extends
        .iter()
        .rev()
        .filter(|extended| extended.starts_with("./") || extended.starts_with("../"))
        .filter_map(|extended| {
            let mut target = normalize_join(parent(config), extended)?;
            if !target.ends_with(".json") {
                target.push_str(".json");
            }
            Some(target)
        })
        .collect()
}

/// The package a bare specifier names: `lodash/fp` -> `lodash`, `@scope/pkg/x` -> `@scope/pkg`.
pub(crate) fn package_name(specifier: &str) -> Option<&str> {
    let mut parts = specifier.splitn(3, '/');
    let first = parts.next()?;
    if first.starts_with('@') {
        let second = parts.next()?;
        Some(&specifier[..first.len() + 1 + second.len()])
    } else {
        Some(first)
    }
}

/// `@types/` package that types `name`: `@types/node`, `@types/scope__pkg`.
fn types_package(name: &str) -> String {
    match name.strip_prefix('@') {
        Some(scoped) => format!("@types/{}", scoped.replacen('/', "__", 1)),
        None => format!("@types/{name}"),
    }
}

/// Removes `//` and `/* */` comments and trailing commas, so `tsconfig.json` parses as JSON.
pub(crate) fn strip_jsonc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '/' if chars.peek() == Some(&'/') => {
                for next in chars.by_ref() {
                    if next == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut previous = ' ';
                for next in chars.by_ref() {
                    if previous == '*' && next == '/' {
                        break;
                    }
                    previous = next;
                }
            }
            _ => out.push(c),
        }
    }
    // Trailing commas: `,` followed by whitespace and `}` or `]`.
    let mut result = String::with_capacity(out.len());
    let bytes: Vec<char> = out.chars().collect();
    let mut in_string = false;
    let mut position = 0;
    while position < bytes.len() {
        let c = bytes[position];
        if in_string {
            if c == '\\' && position + 1 < bytes.len() {
                result.push(c);
                result.push(bytes[position + 1]);
                position += 2;
                continue;
            }
            if c == '"' {
                in_string = false;
            }
            result.push(c);
        } else if c == '"' {
            in_string = true;
            result.push(c);
        } else if c == ',' {
            let next = bytes[position + 1..]
                .iter()
                .find(|next| !next.is_whitespace());
            if !matches!(next, Some('}') | Some(']')) {
                result.push(c);
            }
        } else {
            result.push(c);
        }
        position += 1;
    }
    result
}

/// One `paths` key of a tsconfig with its targets (project-relative templates, `*` kept).
type PathsEntry = (String, Vec<String>);

/// A tsconfig `paths` key a specifier matches.
struct PathsAlias {
    /// The tsconfig that writes the `paths` key (the file's `tsconfig.json`, or one it
    /// extends), project-relative.
    config: String,
    key: String,
    /// Where the key maps this specifier, project-relative, in the order TypeScript tries.
    targets: Vec<String>,
}

/// One Jest `moduleNameMapper` entry: a specifier matching `pattern` is replaced by `targets`
/// (tried in order), so it is an alias like a tsconfig `paths` key.
struct JestMapper {
    /// Project-relative directory of the config: the mapper applies to files below it.
    dir: String,
    /// The config file (`jest.config.json`, `jest.config.js`..., or `package.json`).
    config: String,
    key: String,
    pattern: regex::Regex,
    /// Project-relative path templates (`<rootDir>` replaced, `$1` kept); `None` when some
    /// target is not a `<rootDir>` path (a package such as `identity-obj-proxy`, or a path
    /// outside the project): the mapping cannot be checked.
    targets: Option<Vec<String>>,
}

/// The `moduleNameMapper` entries of a Jest config object found in `config`.
fn jest_mappers(config: &str, jest: &serde_json::Value) -> Vec<JestMapper> {
    let dir = parent(config);
    let root = match jest.get("rootDir").and_then(|root| root.as_str()) {
        Some(root) => root
            .strip_prefix("<rootDir>")
            .map_or(Some(root), |rest| Some(rest.trim_start_matches('/')))
            .and_then(|root| normalize_join(dir, root)),
        None => Some(dir.to_string()),
    };
    let Some(mapper) = jest.get("moduleNameMapper").and_then(|m| m.as_object()) else {
        return Vec::new();
    };
    let mut mappers = Vec::new();
    for (key, value) in mapper {
        // A JavaScript regex Rust cannot compile (lookbehind, backreferences) is not matched:
        // such a specifier is left to the other checks.
        let Ok(pattern) = regex::Regex::new(key) else {
            continue;
        };
        let values: Vec<&str> = match value {
            serde_json::Value::String(one) => vec![one.as_str()],
            serde_json::Value::Array(many) => many.iter().filter_map(|v| v.as_str()).collect(),
            _ => Vec::new(),
        };
        let targets = values
            .iter()
            .map(|value| {
                let rest = value.strip_prefix("<rootDir>")?;
                normalize_join(root.as_deref()?, rest.trim_start_matches('/'))
            })
            .collect::<Option<Vec<String>>>()
            .filter(|targets| !targets.is_empty());
        mappers.push(JestMapper {
            dir: dir.to_string(),
            config: config.to_string(),
            key: key.clone(),
            pattern,
            targets,
        });
    }
    mappers
}

/// Vite, Vitest and webpack config files whose `resolve.alias` is read (see [`vite`]).
const VITE_CONFIGS: &[&str] = &[
    "vite.config.ts",
    "vite.config.mts",
    "vite.config.js",
    "vite.config.mjs",
    "vitest.config.ts",
    "vitest.config.mts",
    "vitest.config.js",
    "vitest.config.mjs",
    "webpack.config.js",
    "webpack.config.cjs",
    "webpack.config.mjs",
    "webpack.config.ts",
];

/// Directories never searched for `package.json` / `tsconfig.json`.
const SKIP_DIRS: &[&str] = &["node_modules", "dist", "build", "coverage"];

/// The config files at most 5 directories below `dir`, in listing order (depth first). Sub-
/// directories are listed on every worker: on a warm run, when every file's facts come from
/// the cache, this search was a quarter of the run.
fn find_configs(fs: &FsCache, dir: &str, depth: usize, found: &mut Vec<String>) {
    let Some(listing) = fs.list(dir) else {
        return;
    };
    let is_config = |name: &str| {
        name == "package.json"
            || name == "jest.config.json"
            || jest::SCRIPT_CONFIGS.contains(&name)
            || VITE_CONFIGS.contains(&name)
            || (name.starts_with("tsconfig") && name.ends_with(".json"))
            || (name.starts_with("jsconfig") && name.ends_with(".json"))
    };
    let searched = |name: &str, is_dir: bool| {
        is_dir && depth < 5 && !name.starts_with('.') && !SKIP_DIRS.contains(&name)
    };
    let below: Vec<Vec<String>> = listing
        .par_iter()
        .map(|(name, is_dir)| {
            let mut found = Vec::new();
            if searched(name, *is_dir) {
                find_configs(fs, &join(dir, name), depth + 1, &mut found);
            } else if !*is_dir && is_config(name) {
                found.push(join(dir, name));
            }
            found
        })
        .collect();
    found.extend(below.into_iter().flatten());
}

impl Project {
    fn new(index: &ProjectIndex, fs: Arc<FsCache>) -> Self {
        let mut configs = Vec::new();
        find_configs(&fs, "", 0, &mut configs);
        configs.sort();
        let mut workspace_names: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut path_prefixes = Vec::new();
        let mut base_urls = Some(Vec::new());
        let mut tsconfig_unknown = false;
        let mut tsconfig_paths = Vec::new();
        let mut tsconfig_root_dirs = Vec::new();
        let mut jest = Vec::new();
        let mut vite_aliases = Vec::new();
        for path in &configs {
            let Some(text) = fs.read(path) else {
                continue;
            };
            let name = path.rsplit('/').next().unwrap_or(path);
            if VITE_CONFIGS.contains(&name) {
                for alias in vite::aliases(name, &text) {
                    vite_aliases.push((parent(path).to_string(), path.clone(), alias));
                }
                continue;
            }
            if jest::SCRIPT_CONFIGS.contains(&name) {
                if let Some(config) = jest::script_config(name, &text) {
                    jest.extend(jest_mappers(path, &config));
                }
                continue;
            }
            if path.ends_with("jest.config.json") {
                if let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) {
                    jest.extend(jest_mappers(path, &json));
                }
                continue;
            }
            if path.ends_with("package.json") {
                if let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) {
                    if let Some(name) = json.get("name").and_then(|v| v.as_str()) {
                        workspace_names
                            .entry(name.to_string())
                            .or_default()
                            .push(parent(path).to_string());
                    }
                    if let Some(config) = json.get("jest") {
                        jest.extend(jest_mappers(path, config));
                    }
                }
                continue;
            }
            let Ok(json) = serde_json::from_str::<serde_json::Value>(&strip_jsonc(&text)) else {
                tsconfig_unknown = true;
                continue;
            };
            let options = json.get("compilerOptions");
            let is_tsconfig_json = path.rsplit('/').next() == Some("tsconfig.json");
            let dir = parent(path);
            if let Some(root_dirs) = options
                .and_then(|o| o.get("rootDirs"))
                .and_then(|r| r.as_array())
                .filter(|_| is_tsconfig_json)
            {
                let root_dirs: Vec<String> = root_dirs
                    .iter()
                    .filter_map(|root| normalize_join(dir, root.as_str()?))
                    .collect();
                tsconfig_root_dirs.push((dir.to_string(), root_dirs));
            }
            if let Some(base_url) = options.and_then(|o| o.get("baseUrl")) {
                let base = base_url
                    .as_str()
                    .and_then(|base| normalize_join(parent(path), base));
                match (base, base_urls.as_mut()) {
                    (Some(base), Some(list)) => list.push(base),
                    _ => base_urls = None,
                }
            }
            if let Some(paths) = options
                .and_then(|o| o.get("paths"))
                .and_then(|p| p.as_object())
            {
                for key in paths.keys() {
                    path_prefixes.push(key.split('*').next().unwrap_or(key).to_string());
                }
            }
            if is_tsconfig_json
                && let Some((defined_in, entries)) = effective_paths(&fs, path, &json, 0)
            {
                tsconfig_paths.push((dir.to_string(), defined_in, entries));
            }
        }
        let options = ResolveOptions {
            tsconfig: Some(TsconfigDiscovery::Auto),
            extensions: EXTENSIONS.iter().map(|e| e.to_string()).collect(),
            extension_alias: vec![
                (
                    ".js".into(),
                    vec![
                        ".ts".into(),
                        ".tsx".into(),
                        ".d.ts".into(),
                        ".js".into(),
                        ".jsx".into(),
                    ],
                ),
                (".jsx".into(), vec![".tsx".into(), ".jsx".into()]),
                (
                    ".mjs".into(),
                    vec![".mts".into(), ".d.mts".into(), ".mjs".into()],
                ),
                (
                    ".cjs".into(),
                    vec![".cts".into(), ".d.cts".into(), ".cjs".into()],
                ),
            ],
            condition_names: vec![
                "types".into(),
                "import".into(),
                "require".into(),
                "node".into(),
                "default".into(),
            ],
            main_fields: vec!["types".into(), "module".into(), "main".into()],
            builtin_modules: true,
            symlinks: false,
            // `NODE_PATH` of whoever runs the check is no part of the project.
            node_path: false,
            ..ResolveOptions::default()
        };
        let tsconfig_repairs = Repairs::default();
        let workspace = workspace_names
            .iter()
            .filter_map(|(name, dirs)| match dirs.as_slice() {
                [dir] => Some((name.clone(), dir.clone())),
                _ => None,
            })
            .collect();
        Project {
            fs,
            without_tsconfig: Resolver::new_with_file_system(
                ConfinedFs::new(&index.project_root),
                ResolveOptions {
                    tsconfig: None,
                    ..options.clone()
                },
            ),
            outside_root: OutsideRoot::new(&options),
            resolver: ResolverGeneric::new_with_file_system(
                LenientFs::new(&index.project_root, workspace, tsconfig_repairs.clone()),
                options,
            ),
            tsconfig_repairs,
            packages: Memo::default(),
            package_manifests: Memo::default(),
            workspace_resolutions: Memo::default(),
            workspace_names,
            path_prefixes,
            base_urls,
            tsconfig_unknown,
            tsconfig_paths,
            tsconfig_root_dirs,
            build_dirs: BuildDirs::default(),
            ambient_modules: index
                .files_with_facts()
                .flat_map(|(_, _, facts)| facts.ecma_ambient_modules.iter().cloned())
                .collect(),
            jest_mappers: jest,
            vite_aliases,
            trace: None,
            source_twins: SourceTwins::default(),
        }
    }

    /// A bare specifier that a Vite/Vitest `resolve.alias` of the nearest config directory
    /// above the file rewrites: `Some(None)` when the target exists or cannot be checked,
    /// `Some(Some(message))` when it does not exist; `None` when no alias matches. Only a
    /// root-relative replacement (`/src`) whose first directory exists next to the config is
    /// checked: anything else may be an absolute path or a package.
    fn check_vite_alias(
        &self,
        project_path: &str,
        specifier: &str,
    ) -> Option<Option<(FindingKind, String)>> {
        let nearest = self
            .vite_aliases
            .iter()
            .filter(|(dir, _, _)| dir.is_empty() || project_path.starts_with(&format!("{dir}/")))
            .map(|(dir, _, _)| dir.as_str())
            .max_by_key(|dir| dir.len())?;
        let mut configs: Vec<&str> = self
            .vite_aliases
            .iter()
            .filter(|(dir, _, _)| dir == nearest)
            .map(|(_, config, _)| config.as_str())
            .collect();
        configs.dedup();
        let mut missing = None;
        for config in configs {
            // Vite uses the first entry that matches.
            let Some((_, _, alias)) = self.vite_aliases.iter().find(|(_, path, alias)| {
                path == config
                    && (specifier == alias.find
                        || specifier
                            .strip_prefix(alias.find.as_str())
                            .is_some_and(|rest| rest.starts_with('/')))
            }) else {
                continue;
            };
            let rest = &specifier[alias.find.len()..];
            let target = alias
                .replacement
                .as_deref()
                .and_then(|replacement| replacement.strip_prefix('/'))
                .filter(|relative| {
                    let first = relative.split('/').next().unwrap_or(relative);
                    !first.is_empty() && self.fs.is_dir(nearest, first)
                })
                .and_then(|relative| normalize_join(nearest, &format!("{relative}{rest}")));
            let Some(target) = target else {
                self.note(|| {
                    format!(
                        "Vite alias `{}` of {config} maps it to something that is not a directory of the project: not checked",
                        alias.find
                    )
                });
                return Some(None);
            };
            let found = self
                .without_tsconfig
                .resolve(self.fs.root(), &format!("./{target}"));
            self.note(|| {
                format!(
                    "Vite alias `{}` of {config}: {target}{{,.ts,.tsx,.js,...,/index.*}}: {}",
                    alias.find,
                    if found.is_ok() { "found" } else { "not found" }
                )
            });
            match found {
                Err(ResolveError::NotFound(_)) => {
                    missing.get_or_insert(match self.build_dirs.of(&self.fs, &target) {
                        Some(build) => (
                            FindingKind::Unverifiable,
                            format!(
                                "cannot check `{specifier}` from {project_path}: it matches `resolve.alias` key `{}` of {config}, and {}",
                                alias.find,
                                build.reason()
                            ),
                        ),
                        None => (
                            FindingKind::Unresolved,
                            format!(
                                "cannot resolve `{specifier}` from {project_path}: it matches `resolve.alias` key `{}` of {config}, but no mapped file exists: looked for {target} (with extensions and index files)",
                                alias.find
                            ),
                        ),
                    });
                }
                _ => return Some(None),
            }
        }
        missing.map(Some)
    }

    /// A bare specifier that a Jest `moduleNameMapper` of a config above the file maps:
    /// `Some(None)` when the mapped file exists or cannot be checked, `Some(Some(message))`
    /// when it does not exist; `None` when no mapper matches.
    fn check_jest_mapper(
        &self,
        project_path: &str,
        specifier: &str,
    ) -> Option<Option<(FindingKind, String)>> {
        let applies = |mapper: &&JestMapper| {
            mapper.dir.is_empty() || project_path.starts_with(&format!("{}/", mapper.dir))
        };
        // Jest runs a file under one config: the nearest one above it.
        let nearest = self
            .jest_mappers
            .iter()
            .filter(applies)
            .map(|mapper| mapper.config.as_str())
            .max_by_key(|config| config.len())?;
        let mapper = self
            .jest_mappers
            .iter()
            .filter(|mapper| mapper.config == nearest)
            .find(|mapper| mapper.pattern.is_match(specifier))?;
        let Some(targets) = &mapper.targets else {
            self.note(|| {
                format!(
                    "Jest moduleNameMapper `{}` of {} maps it to something that is not a file of the project: not checked",
                    mapper.key, mapper.config
                )
            });
            return Some(None);
        };
        let captures = mapper.pattern.captures(specifier)?;
        let mut mapped = Vec::new();
        for target in targets {
            let mut expanded = String::new();
            captures.expand(target, &mut expanded);
            let found = self
                .without_tsconfig
                .resolve(self.fs.root(), &format!("./{expanded}"));
            self.note(|| {
                format!(
                    "Jest moduleNameMapper `{}` of {}: {expanded}{{,.ts,.tsx,.js,...,/index.*}}: {}",
                    mapper.key,
                    mapper.config,
                    if found.is_ok() { "found" } else { "not found" }
                )
            });
            match found {
                Ok(_) => return Some(None),
                Err(ResolveError::NotFound(_)) => mapped.push(expanded),
                Err(_) => return Some(None),
            }
        }
        if let Some(build) = mapped
            .iter()
            .find_map(|target| self.build_dirs.of(&self.fs, target))
        {
            return Some(Some((
                FindingKind::Unverifiable,
                format!(
                    "cannot check `{specifier}` from {project_path}: it matches Jest `moduleNameMapper` key `{}` of {}, and {}",
                    mapper.key,
                    mapper.config,
                    build.reason()
                ),
            )));
        }
        Some(Some((
            FindingKind::Unresolved,
            format!(
                "cannot resolve `{specifier}` from {project_path}: it matches Jest `moduleNameMapper` key `{}` of {}, but no mapped file exists: looked for {} (with extensions and index files)",
                mapper.key,
                mapper.config,
                mapped.join(", ")
            ),
        )))
    }

    /// Records a step for `plumb explain-import` (nothing when not tracing).
    fn note(&self, step: impl FnOnce() -> String) {
        if let Some(trace) = &self.trace {
            trace
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(step());
        }
    }

    /// `; did you mean `./lib/mock`?` for a relative `specifier` whose `target` is missing,
    /// when a file of the target's directory has a close name (compared without extensions).
    fn did_you_mean(&self, specifier: &str, target: &str) -> String {
        let (written_dir, last) = match specifier.rsplit_once('/') {
            Some((dir, last)) => (dir, last),
            None => return String::new(),
        };
        if last.is_empty() || last == "." || last == ".." {
            return String::new();
        }
        let Some(listing) = self.fs.list(parent(target)) else {
            return String::new();
        };
        let stems: BTreeSet<&str> = listing
            .iter()
            .filter(|(_, is_dir)| !is_dir)
            .map(|(entry, _)| strip_extension(entry))
            .filter(|stem| !stem.is_empty())
            .collect();
        match closest(strip_extension(last), stems) {
            Some(stem) => format!("; did you mean `{written_dir}/{stem}`?"),
            None => String::new(),
        }
    }

    /// The `paths` key of the nearest `tsconfig.json` above `project_path` that `specifier`
    /// matches (not the catch-all `*`; the longest prefix wins, as in TypeScript), with that
    /// tsconfig's path and the key's targets for this specifier (project-relative).
    fn alias_of(&self, project_path: &str, specifier: &str) -> Option<PathsAlias> {
        let (_, defined_in, entries) = self
            .tsconfig_paths
            .iter()
            .filter(|(dir, _, _)| dir.is_empty() || project_path.starts_with(&format!("{dir}/")))
            .max_by_key(|(dir, _, _)| dir.len())?;
        let (key, targets, star) = entries
            .iter()
            .filter_map(|(key, targets)| match key.split_once('*') {
                Some((prefix, suffix)) => (!prefix.is_empty()
                    && specifier.len() >= prefix.len() + suffix.len()
                    && specifier.starts_with(prefix)
                    && specifier.ends_with(suffix))
                .then(|| {
                    let star = &specifier[prefix.len()..specifier.len() - suffix.len()];
                    (key, targets, star, prefix.len())
                }),
                None => (key.as_str() == specifier).then_some((key, targets, "", usize::MAX)),
            })
            .max_by_key(|(_, _, _, prefix)| *prefix)
            .map(|(key, targets, star, _)| (key, targets, star))?;
        Some(PathsAlias {
            config: defined_in.clone(),
            key: key.clone(),
            targets: targets
                .iter()
                .map(|target| target.replacen('*', star, 1))
                .collect(),
        })
    }

    /// The other places a relative `target` can be when the nearest `tsconfig.json` above
    /// `project_path` has `rootDirs`: TypeScript looks up `./+types/home` in every root as if
    /// they were one directory (React Router generates `.react-router/types/app/+types/home.ts`
    /// for `app/home.tsx`). oxc_resolver resolves through them itself; these are only used to
    /// find the build folder of a target that is missing. Empty without `rootDirs` or when
    /// `target` is in none of them.
    fn root_dirs_targets(&self, project_path: &str, target: &str) -> Vec<String> {
        let Some((_, roots)) = self
            .tsconfig_root_dirs
            .iter()
            .filter(|(dir, _)| dir.is_empty() || project_path.starts_with(&format!("{dir}/")))
            .max_by_key(|(dir, _)| dir.len())
        else {
            return Vec::new();
        };
        let inside = |root: &str| {
            root.is_empty()
                || target == root
                || target
                    .strip_prefix(root)
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        let Some(own) = roots
            .iter()
            .filter(|root| inside(root))
            .max_by_key(|root| root.len())
        else {
            return Vec::new();
        };
        let rest = target[own.len()..].trim_start_matches('/');
        roots
            .iter()
            .filter(|root| *root != own)
            .map(|root| join(root, rest))
            .collect()
    }

    /// The parsed `package.json` of `dir`, read once.
    fn package_manifest(&self, dir: &str) -> Option<Arc<serde_json::Value>> {
        self.package_manifests.get_or_insert_with(dir, || {
            if !self.fs.has_file(dir, "package.json") {
                return None;
            }
            self.fs
                .read(&join(dir, "package.json"))
                .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
                .map(Arc::new)
        })
    }

    /// What the `package.json` of `dir` declares, from [`Self::package_manifest`].
    fn package_json(&self, dir: &str) -> Option<Arc<PackageJson>> {
        self.packages.get_or_insert_with(dir, || {
            let json = self.package_manifest(dir)?;
            let mut package = PackageJson::default();
            for field in DEPENDENCY_FIELDS {
                if let Some(map) = json.get(field).and_then(|v| v.as_object()) {
                    package.declared.extend(map.keys().cloned());
                }
            }
            if let Some(name) = json.get("name").and_then(|v| v.as_str()) {
                package.declared.insert(name.to_string());
            }
            if let Some(engines) = json.get("engines").and_then(|v| v.as_object()) {
                package.engines.extend(engines.keys().cloned());
            }
            Some(Arc::new(package))
        })
    }

    /// The framework that provides `specifier` at run time (see [`frameworks`]), with the
    /// `package.json` that makes it present: the package's own (`package_dir`) or one above
    /// it, the same chain whose declarations count.
    fn framework_providing(
        &self,
        package_dir: &str,
        specifier: &str,
    ) -> Option<(&'static str, String)> {
        for provided in frameworks::candidates(specifier) {
            let mut dir = package_dir;
            loop {
                if let Some(package) = self.package_json(dir)
                    && provided.present.iter().any(|present| match present {
                        frameworks::Present::Declared(names) => {
                            names.iter().any(|name| package.declared.contains(*name))
                        }
                        frameworks::Present::Engine(engine) => package.engines.contains(*engine),
                    })
                {
                    return Some((provided.framework, join(dir, "package.json")));
                }
                if dir.is_empty() {
                    break;
                }
                dir = parent(dir);
            }
        }
        None
    }

    /// A bare specifier naming a package of the project (`@acme/ui/button`), which the
    /// resolver did not find (no `node_modules`, workspaces not installed). It is checked
    /// against that package's directory as if it were linked: through its `exports` when it has
    /// them (as Node resolves a package's import of itself), else as a path below the
    /// directory (`main`/`types`/`module`, `index`). A target in build output that is not there
    /// is IMP003; a target that may be build output by another name (a folder that is not
    /// there, compiled `.js`/`.d.ts` files) is not reported. Not checked
    /// when several `package.json` files have the name (fixtures,
    /// copies): which one would be linked is unknown.
    fn check_workspace_import(
        &self,
        project_path: &str,
        specifier: &str,
        name: &str,
        dirs: &[String],
        unbuilt: &mut Option<UnbuiltKey>,
    ) -> Option<(FindingKind, String)> {
        let [dir] = dirs else {
            self.note(|| {
                format!(
                    "`{name}` is the name of several package.json files ({}): not checked",
                    dirs.join(", ")
                )
            });
            return None;
        };
        let subpath = &specifier[name.len()..];
        let shown = if dir.is_empty() { "." } else { dir.as_str() };
        let json = self.package_manifest(dir)?;
        let exports = json.get("exports").filter(|exports| !exports.is_null());
        // The same workspace specifier is imported from many files (`@ai-sdk/provider-utils`
        // from thousands in vercel/ai); its resolution depends on the package alone.
        let key = [dir.as_str(), "\0", specifier].concat();
        let found = self.workspace_resolutions.get_or_insert_with(&key, || {
            Arc::new(match exports {
                Some(_) => self
                    .without_tsconfig
                    .resolve(self.fs.root().join(dir), specifier),
                None => self
                    .without_tsconfig
                    .resolve(self.fs.root(), &format!("./{dir}{subpath}")),
            })
        });
        self.note(|| {
            format!(
                "`{name}` is the workspace package {shown}/: {} {}",
                if exports.is_some() {
                    "resolved through its package.json `exports`:"
                } else {
                    "no `exports`, so as a path below it (`main`/`types`/`module`, `index`):"
                },
                match found.as_ref() {
                    Ok(resolution) => {
                        let full = resolution.full_path();
                        let shown = full.strip_prefix(self.fs.root()).unwrap_or(&full);
                        format!("found {}", shown.display())
                    }
                    Err(error) => format!("not found ({error})"),
                }
            )
        });
        let not_exported = match found.as_ref() {
            Ok(_) => return None,
            Err(ResolveError::PackagePathNotExported { .. }) => true,
            Err(ResolveError::NotFound(_) | ResolveError::ExtensionAlias(..)) => false,
            Err(_) => return None,
        };
        let dot_subpath = format!(".{subpath}");
        let targets: Vec<String> = match exports {
            Some(exports) => export_targets(exports, &dot_subpath),
            None if subpath.is_empty() => ["types", "typings", "module", "main"]
                .iter()
                .filter_map(|field| json.get(*field)?.as_str().map(str::to_string))
                .collect(),
            None => vec![dot_subpath.clone()],
        }
        .iter()
        .filter_map(|target| normalize_join(dir, target))
        .collect();
        // A target under a condition the resolver does not use (`development`, a repository's
        // own `@zod/source`) that exists is what the project's tooling resolves to.
        let explicit_path = exports.is_none() && !subpath.is_empty();
        if !explicit_path
            && let Some(existing) = targets.iter().find(|target| {
                self.fs
                    .has_file(parent(target), target.rsplit('/').next().unwrap_or(target))
            })
        {
            self.note(|| format!("{existing} exists (under another condition or field)"));
            return None;
        }
        let built: Vec<(&String, BuildOutput)> = targets
            .iter()
            .filter_map(|target| Some((target, self.build_dirs.of(&self.fs, target)?)))
            .collect();
        if let Some(twin) = built
            .iter()
            .find_map(|(target, build)| self.source_twins.find(&self.fs, dir, target, build))
        {
            self.note(|| twin.describe());
            return None;
        }
        if let Some((_, build)) = built.into_iter().next() {
            let reason = build.reason();
            *unbuilt = Some(UnbuiltKey {
                package_dir: dir.clone(),
                name: name.to_string(),
                build,
            });
            return Some((
                FindingKind::Unverifiable,
                format!(
                    "cannot check `{specifier}` from {project_path}: `{name}` is the workspace package {shown}/, and {reason}"
                ),
            ));
        }
        // A target in a folder that is not there may be output of a build whose folder has no
        // telling name (`lib/` from Babel), and an `exports`/`main` target that is compiled
        // output (`.js`, `.d.ts`) may be emitted next to the sources (zod builds into its package
        // root): only a subpath the `exports` do not list, a TypeScript source file or a path
        // the importer wrote, missing from a folder that exists, is certain.
        let is_source = |target: &String| {
            explicit_path
                || ([".ts", ".tsx", ".mts", ".cts"]
                    .iter()
                    .any(|extension| target.ends_with(extension))
                    && !target.contains(".d."))
        };
        // "Not exported" under the resolver's conditions while some entry (under `browser`,
        // `worker`) lists the subpath is not a missing entry.
        let why = if not_exported && targets.is_empty() {
            format!("its package.json `exports` has no entry for `{dot_subpath}`")
        } else if !targets.is_empty()
            && targets
                .iter()
                .all(|target| is_source(target) && self.fs.list(parent(target)).is_some())
        {
            format!(
                "no file exists for it: looked for {}{}",
                targets.join(", "),
                if exports.is_none() && !subpath.is_empty() {
                    " (with extensions and index files)"
                } else {
                    ""
                }
            )
        } else {
            self.note(|| {
                "its targets may be build output (compiled files, or a folder that is not there): not checked"
                    .to_string()
            });
            return None;
        };
        Some((
            FindingKind::Unresolved,
            format!(
                "cannot resolve `{specifier}` from {project_path}: `{name}` is the workspace package {shown}/, but {why}"
            ),
        ))
    }

    /// The source a relative `target` in the build folder `build` of its own package is
    /// compiled from (`../dist/index.js` in a test of the package, `./dist/internal` in a
    /// `.d.ts` shim beside `package.json`): see [`SourceTwins`]. Only when the package's
    /// `package.json` names the folder (`exports`, `main`, `files`...): that it is the package's
    /// build output is then known, not guessed from its name.
    fn own_source_twin(&self, target: &str, build: &BuildOutput) -> Option<SourceTwin> {
        let (package_dir, _) = self.nearest_package(parent(&build.dir))?;
        let folder = build
            .dir
            .strip_prefix(&package_dir)?
            .trim_start_matches('/');
        let manifest = self.fs.read(&join(&package_dir, "package.json"))?;
        let named = [
            format!("\"./{folder}/"),
            format!("\"{folder}/"),
            format!("\"{folder}\""),
        ]
        .iter()
        .any(|prefix| manifest.contains(prefix.as_str()));
        if !named {
            return None;
        }
        self.source_twins
            .find(&self.fs, &package_dir, target, build)
    }

    /// A `~` specifier is a Sass/webpack `node_modules` shorthand (`~bootstrap/scss`) or an
    /// alias: checked only when a tsconfig `paths` key, a Vite alias or a Jest mapper that
    /// applies to the file defines it (`~/*` -> `./src/*`).
    fn tilde_is_alias(&self, project_path: &str, specifier: &str) -> bool {
        let applies = |dir: &str| dir.is_empty() || project_path.starts_with(&format!("{dir}/"));
        self.alias_of(project_path, specifier).is_some()
            || self.vite_aliases.iter().any(|(dir, _, alias)| {
                applies(dir)
                    && (specifier == alias.find
                        || specifier
                            .strip_prefix(alias.find.as_str())
                            .is_some_and(|rest| rest.starts_with('/')))
            })
            || self
                .jest_mappers
                .iter()
                .any(|mapper| applies(&mapper.dir) && mapper.pattern.is_match(specifier))
    }

    /// The nearest `package.json` at or above `dir`, with its directory.
    fn nearest_package(&self, mut dir: &str) -> Option<(String, Arc<PackageJson>)> {
        loop {
            if let Some(package) = self.package_json(dir) {
                return Some((dir.to_string(), package));
            }
            if dir.is_empty() {
                return None;
            }
            dir = parent(dir);
        }
    }

    /// The finding for `import`, if any. `unbuilt` is set when the import is unverifiable
    /// because the workspace package it imports is not built: what to group it under.
    fn check(
        &self,
        path: &Path,
        project_path: &str,
        import: &EcmaImport,
        unbuilt: &mut Option<UnbuiltKey>,
    ) -> Option<(FindingKind, String)> {
        let specifier = import.specifier.as_str();
        if import.guarded
            || specifier.is_empty()
            || specifier.contains(['?', '!', '{', '$', '*'])
            || specifier.contains(':')
            || (specifier.starts_with('~') && !self.tilde_is_alias(project_path, specifier))
        {
            return None;
        }
        let relative = specifier.starts_with("./")
            || specifier.starts_with("../")
            || specifier == "."
            || specifier == "..";
        self.note(|| {
            let dir = parent(project_path);
            match normalize_join(dir, specifier).filter(|_| relative) {
                Some(target) => format!(
                    "oxc_resolver from {}/: {}",
                    if dir.is_empty() { "." } else { dir },
                    relative_candidates(&target).join(", ")
                ),
                None => format!(
                    "oxc_resolver from {}: tsconfig `paths`/`baseUrl`, package.json `imports`/`exports`, node_modules, Node built-ins",
                    project_path
                ),
            }
        });
        let (result, unloadable) = self.resolve_with_tsconfig(path, specifier);
        match result {
            Ok(_) => return None,
            // Not found, also after trying the extension aliases (`.js` written for `.ts`).
            Err(ResolveError::NotFound(_) | ResolveError::ExtensionAlias(..)) => {}
            // A file of a workspace package importing itself by name goes through its own
            // `exports` (self-reference): checked below like any other workspace import.
            Err(ResolveError::PackagePathNotExported { .. })
                if package_name(specifier)
                    .is_some_and(|name| self.workspace_names.contains_key(name)) => {}
            // A `#` specifier a tsconfig `paths` key maps is an alias like `@/`, whatever
            // package.json `imports` says.
            Err(ResolveError::PackageImportNotDefined(..))
                if self.alias_of(project_path, specifier).is_some() => {}
            Err(_) => return None,
        }
        if let Some(error) = unloadable {
            return Some((
                FindingKind::Unverifiable,
                format!(
                    "cannot check `{specifier}` from {project_path}: its tsconfig cannot be loaded ({error}), so the `paths`, `baseUrl` and `rootDirs` that apply are unknown"
                ),
            ));
        }
        if relative {
            return self.relative_miss(path, project_path, specifier);
        }
        if specifier.starts_with('/') {
            return None;
        }
        if let Some(alias) = self.alias_of(project_path, specifier) {
            return self.alias_miss(path, project_path, specifier, alias, unbuilt);
        }
        // A bundler alias that resolves (or cannot be checked) wins; else a miss is reported.
        let jest = self.check_jest_mapper(project_path, specifier);
        let vite = self.check_vite_alias(project_path, specifier);
        match (jest, vite) {
            (Some(None), _) | (_, Some(None)) => return None,
            (Some(Some(finding)), _) | (None, Some(Some(finding))) => return Some(finding),
            (None, None) => {}
        }
        if self
            .ambient_modules
            .iter()
            .any(|declared| match declared.split_once('*') {
                Some((prefix, suffix)) => {
                    specifier.len() >= prefix.len() + suffix.len()
                        && specifier.starts_with(prefix)
                        && specifier.ends_with(suffix)
                }
                None => declared == specifier,
            })
        {
            return None;
        }
        if specifier.starts_with('#') {
            return self.package_import_miss(project_path, specifier);
        }
        let name = package_name(specifier)?;
        if self.tsconfig_unknown
            || self
                .path_prefixes
                .iter()
                .any(|prefix| !prefix.is_empty() && specifier.starts_with(prefix.as_str()))
            || self.path_prefixes.iter().any(|prefix| prefix.is_empty())
        {
            return None;
        }
        if let Some(dirs) = self.workspace_names.get(name) {
            return self.check_workspace_import(project_path, specifier, name, dirs, unbuilt);
        }
        // `baseUrl` makes `utils/x` mean `<baseUrl>/utils/x`: a first segment that exists there
        // is first-party.
        let first = specifier.split('/').next().unwrap_or(specifier);
        let base_urls = self.base_urls.as_ref()?;
        if base_urls.iter().any(|base| {
            self.fs.list(base).is_some_and(|listing| {
                listing.iter().any(|(entry, _)| {
                    entry == first
                        || entry
                            .strip_prefix(first)
                            .is_some_and(|rest| rest.starts_with('.'))
                })
            })
        }) {
            return None;
        }
        let (package_dir, package) = self.nearest_package(parent(project_path))?;
        if package.declared.contains(name) || package.declared.contains(&types_package(name)) {
            return None;
        }
        // `@/x` is no package name (a bundler alias), and a first segment that names a folder
        // or module of the package (`components/Button` with a Vite or webpack alias to `src/`)
        // is more likely an alias than an undeclared package.
        if name.starts_with("@/") {
            return None;
        }
        let exists_in = |dir: &str| {
            self.fs.list(dir).is_some_and(|listing| {
                listing.iter().any(|(entry, _)| {
                    entry == first
                        || entry
                            .strip_prefix(first)
                            .is_some_and(|rest| rest.starts_with('.'))
                })
            })
        };
        if exists_in(&package_dir) || exists_in(&join(&package_dir, "src")) {
            return None;
        }
        // A monorepo's root package.json may declare what a nested package uses.
        let mut dir = package_dir.as_str();
        while !dir.is_empty() {
            dir = parent(dir);
            if let Some(outer) = self.package_json(dir)
                && (outer.declared.contains(name) || outer.declared.contains(&types_package(name)))
            {
                return None;
            }
        }
        if let Some((framework, manifest)) = self.framework_providing(&package_dir, specifier) {
            self.note(|| format!("provided at run time by {framework}, present in {manifest}"));
            return None;
        }
        let shown = if package_dir.is_empty() {
            "package.json".to_string()
        } else {
            format!("{package_dir}/package.json")
        };
        Some((
            FindingKind::Undeclared,
            format!(
                "`{name}` is not installed and not declared in {shown} (dependencies, devDependencies, peerDependencies, optionalDependencies, or {}){}",
                types_package(name),
                frameworks::candidates(specifier)
                    .next()
                    .map(|provided| format!(
                        "; {} would provide it at run time, but is not present",
                        provided.framework
                    ))
                    .unwrap_or_default()
            ),
        ))
    }
}

/// The verdicts on a specifier the resolver did not find, one per kind of specifier.
impl Project {
    /// Resolves `specifier` with the tsconfig of `path`. A tsconfig that still cannot be loaded
    /// after [`LenientFs`] left out what it could not read (invalid JSON, a circular `extends`)
    /// is returned beside the result of resolving without it: a hit is a hit, a miss cannot be
    /// judged.
    fn resolve_with_tsconfig(
        &self,
        path: &Path,
        specifier: &str,
    ) -> (
        Result<oxc_resolver::Resolution, ResolveError>,
        Option<ResolveError>,
    ) {
        let mut result = self.resolver.resolve_file(path, specifier);
        let mut unloadable = None;
        if matches!(
            result,
            Err(ResolveError::TsconfigNotFound(_)
                | ResolveError::TsconfigLoadFailed { .. }
                | ResolveError::TsconfigCircularExtend(_)
                | ResolveError::TsconfigSelfReference(_)
                | ResolveError::Json(_))
        ) {
            self.note(|| {
                "the tsconfig cannot be loaded: resolving without it (a miss is unverifiable)"
                    .to_string()
            });
            unloadable = result.err();
            result = self.without_tsconfig.resolve_file(path, specifier);
        }
        self.note(|| match &result {
            Ok(resolution) => {
                let full = resolution.full_path();
                let shown = full.strip_prefix(self.fs.root()).unwrap_or(&full);
                format!("found {}", shown.display())
            }
            Err(error) => format!("not found ({error})"),
        });
        (result, unloadable)
    }

    /// A relative specifier the resolver did not find: IMP003 when its target lies in build
    /// output, else IMP001 (also when it climbs above the project root to nothing).
    fn relative_miss(
        &self,
        path: &Path,
        project_path: &str,
        specifier: &str,
    ) -> Option<(FindingKind, String)> {
        let dir = parent(project_path);
        let Some(target) = normalize_join(dir, specifier) else {
            return match self.outside_root.check(path, project_path, specifier) {
                Outside::Missing { target } => {
                    let tried = relative_candidates(&target);
                    self.note(|| {
                        format!("above the project root: {}: not found", tried.join(", "))
                    });
                    Some((
                        FindingKind::Unresolved,
                        format!(
                            "cannot resolve `{specifier}` from {project_path}: it climbs above the project root to {target}, where no file exists: looked for {}",
                            tried.join(", ")
                        ),
                    ))
                }
                Outside::Found | Outside::Inside => {
                    self.note(|| {
                        "the target exists above the project root: not part of the check"
                            .to_string()
                    });
                    None
                }
            };
        };
        // oxc_resolver already looked in the other `rootDirs`; they only matter here for
        // naming the build folder the target would be generated in.
        let merged = self.root_dirs_targets(project_path, &target);
        if let Some(build) = std::iter::once(&target)
            .chain(&merged)
            .find_map(|target| self.build_dirs.of(&self.fs, target))
        {
            self.note(|| format!("the target goes through {}/", build.dir));
            if let Some(twin) = self.own_source_twin(&target, &build) {
                self.note(|| twin.describe());
                return None;
            }
            return Some((
                FindingKind::Unverifiable,
                format!(
                    "cannot check `{specifier}` from {project_path}: {}",
                    build.reason()
                ),
            ));
        }
        let tried = relative_candidates(&target);
        Some((
            FindingKind::Unresolved,
            format!(
                "cannot resolve `{specifier}` from {project_path}: looked for {}{}",
                tried.join(", "),
                self.did_you_mean(specifier, &target)
            ),
        ))
    }

    /// A specifier a tsconfig `paths` key maps that the resolver did not find. The mapped
    /// files are looked up themselves, so the verdict comes from what was checked:
    /// - a target in missing build output: IMP003;
    /// - a target that exists, in a file no tsconfig claims (`jest.setup.js`, `*.config.js`,
    ///   scripts): resolves, as bundlers, Jest and Next.js apply the nearest tsconfig's `paths`
    ///   to every file (oxc_resolver applies them only to included files);
    /// - no target exists, or the tsconfig that applies has no such key, and the specifier
    ///   names a workspace package: checked as that package, as TypeScript goes on with the
    ///   usual lookup when no `paths` substitution resolves;
    /// - a target that exists otherwise, or a miss in a file another tsconfig without the key
    ///   applies to: IMP003 with the reason;
    /// - else IMP001, listing the mapped files looked for.
    fn alias_miss(
        &self,
        path: &Path,
        project_path: &str,
        specifier: &str,
        alias: PathsAlias,
        unbuilt: &mut Option<UnbuiltKey>,
    ) -> Option<(FindingKind, String)> {
        let PathsAlias {
            config,
            key,
            targets,
        } = alias;
        let matches = format!("it matches `paths` key `{key}` of {config}");
        if let Some(build) = targets
            .iter()
            .find_map(|target| self.build_dirs.of(&self.fs, target))
        {
            self.note(|| format!("the `paths` target goes through {}/", build.dir));
            return Some((
                FindingKind::Unverifiable,
                format!(
                    "cannot check `{specifier}` from {project_path}: {matches}, and {}",
                    build.reason()
                ),
            ));
        }
        let existing = targets.iter().find_map(|target| {
            let found = self
                .without_tsconfig
                .resolve(self.fs.root(), &format!("./{target}"))
                .ok()?;
            let full = found.full_path();
            Some(
                full.strip_prefix(self.fs.root())
                    .unwrap_or(&full)
                    .display()
                    .to_string(),
            )
        });
        let applies = self.applicable_tsconfig(path, &key);
        self.note(|| format!("{applies}"));
        if let (Some(existing), Applicable::None) = (&existing, &applies) {
            self.note(|| {
                format!(
                    "`paths` key `{key}` of {config} (the nearest tsconfig.json, applied to files it does not include, as bundlers do): found {existing}"
                )
            });
            return None;
        }
        let falls_through = existing.is_none() || matches!(applies, Applicable::Other { .. });
        if falls_through
            && let Some(name) = package_name(specifier)
            && let Some(dirs) = self.workspace_names.get(name)
        {
            self.note(|| {
                format!("no `paths` target of `{key}` applies: `{name}` is looked up as a package")
            });
            return self.check_workspace_import(project_path, specifier, name, dirs, unbuilt);
        }
        let unsure = match (&existing, &applies) {
            (Some(existing), _) => {
                Some(format!("the mapped file {existing} exists, but {applies}"))
            }
            (None, Applicable::Other { .. }) => Some(format!("{applies}")),
            (None, Applicable::Maps | Applicable::None | Applicable::Unloadable(_)) => None,
        };
        if let Some(reason) = unsure {
            return Some((
                FindingKind::Unverifiable,
                format!("cannot check `{specifier}` from {project_path}: {matches}, and {reason}"),
            ));
        }
        let looked_for = if targets.is_empty() {
            String::new()
        } else {
            format!(": looked for {}", targets.join(", "))
        };
        Some((
            FindingKind::Unresolved,
            format!(
                "cannot resolve `{specifier}` from {project_path}: {matches}, but no mapped file exists{looked_for} (with extensions and index files)"
            ),
        ))
    }

    /// A `#` specifier no tsconfig `paths` key or bundler alias maps, which the nearest
    /// package.json `imports` defines (the resolver reported the target missing; an entry that
    /// is not defined at all is a bundler's virtual module and is not checked). IMP001 when no
    /// target of the entry exists, IMP003 when one lies in build output.
    fn package_import_miss(
        &self,
        project_path: &str,
        specifier: &str,
    ) -> Option<(FindingKind, String)> {
        let (dir, _) = self.nearest_package(parent(project_path))?;
        let manifest = join(&dir, "package.json");
        let json = self
            .fs
            .read(&manifest)
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())?;
        let targets: Vec<String> = export_targets(json.get("imports")?, specifier)
            .iter()
            .filter(|target| target.starts_with("./"))
            .filter_map(|target| normalize_join(&dir, target))
            .collect();
        if targets.is_empty() {
            self.note(|| {
                format!("{manifest} `imports` maps it to no file of the project: not checked")
            });
            return None;
        }
        if let Some(existing) = targets.iter().find(|target| {
            self.fs
                .has_file(parent(target), target.rsplit('/').next().unwrap_or(target))
        }) {
            self.note(|| format!("{existing} exists (under another condition)"));
            return None;
        }
        if let Some(build) = targets
            .iter()
            .find_map(|target| self.build_dirs.of(&self.fs, target))
        {
            return Some((
                FindingKind::Unverifiable,
                format!(
                    "cannot check `{specifier}` from {project_path}: it is defined by the `imports` of {manifest}, and {}",
                    build.reason()
                ),
            ));
        }
        Some((
            FindingKind::Unresolved,
            format!(
                "cannot resolve `{specifier}` from {project_path}: it is defined by the `imports` of {manifest}, but no mapped file exists: looked for {}",
                targets.join(", ")
            ),
        ))
    }
}

/// The tsconfig oxc_resolver applies to a file, seen from a `paths` key that matched.
enum Applicable {
    /// It has the key: a miss is a miss.
    Maps,
    /// No tsconfig claims the file (`files`/`include`/`exclude`).
    None,
    /// Another tsconfig applies, without the key: where the specifier goes is unknown.
    Other { config: String },
    /// The tsconfig cannot be loaded.
    Unloadable(String),
}

impl std::fmt::Display for Applicable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Applicable::Maps => write!(
                f,
                "it did not resolve through the tsconfig that applies to the file, which has the key"
            ),
            Applicable::None => write!(
                f,
                "no tsconfig.json claims the file (`files`/`include`/`exclude`), so no `paths` apply to it"
            ),
            Applicable::Other { config } => write!(
                f,
                "the tsconfig that applies to the file, {config}, has no such `paths` key"
            ),
            Applicable::Unloadable(error) => write!(f, "its tsconfig cannot be loaded ({error})"),
        }
    }
}

impl Project {
    /// Whether the tsconfig that applies to `path` has the `paths` key `key`.
    fn applicable_tsconfig(&self, path: &Path, key: &str) -> Applicable {
        match self.resolver.find_tsconfig(path) {
            Ok(Some(tsconfig)) => {
                if tsconfig
                    .compiler_options
                    .paths
                    .as_ref()
                    .is_some_and(|paths| paths.contains_key(key))
                {
                    Applicable::Maps
                } else {
                    let shown = tsconfig
                        .path()
                        .strip_prefix(self.fs.root())
                        .unwrap_or(tsconfig.path());
                    Applicable::Other {
                        config: shown.display().to_string(),
                    }
                }
            }
            Ok(None) => Applicable::None,
            Err(error) => Applicable::Unloadable(error.to_string()),
        }
    }
}

/// Every target a package.json `exports` value gives `subpath` (`.` or `./button`), or an
/// `imports` value gives a `#` specifier, under any condition: the exact key, or a `*` pattern
/// with the match substituted. Used to name the build folder an unresolved export points into,
/// not to resolve.
fn export_targets(exports: &serde_json::Value, subpath: &str) -> Vec<String> {
    fn strings(value: &serde_json::Value, star: &str, out: &mut Vec<String>) {
        match value {
            serde_json::Value::String(target) => out.push(target.replace('*', star)),
            serde_json::Value::Array(values) => {
                values.iter().for_each(|value| strings(value, star, out));
            }
            serde_json::Value::Object(map) => {
                map.values().for_each(|value| strings(value, star, out));
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let by_subpath = exports.as_object().filter(|map| {
        map.keys()
            .any(|key| key.starts_with('.') || key.starts_with('#'))
    });
    match by_subpath {
        None if subpath == "." => strings(exports, "", &mut out),
        None => {}
        Some(map) => {
            if let Some(value) = map.get(subpath) {
                strings(value, "", &mut out);
            } else if let Some((value, star)) = map.iter().find_map(|(key, value)| {
                let (prefix, suffix) = key.split_once('*')?;
                let star = subpath.strip_prefix(prefix)?.strip_suffix(suffix)?;
                Some((value, star))
            }) {
                strings(value, star, &mut out);
            }
        }
    }
    out
}

/// The paths a relative specifier's `target` can be, in the order `oxc_resolver` tries them
/// with this module's options: the IMP001 message and `plumb explain-import` list the same.
fn relative_candidates(target: &str) -> Vec<String> {
    let mut tried = vec![
        target.to_string(),
        format!("{target}{{.ts,.tsx,.d.ts,.js,.jsx,.mjs,.cjs,.json,...}}"),
    ];
    if let Some(stem) = target
        .strip_suffix(".js")
        .or_else(|| target.strip_suffix(".jsx"))
        .or_else(|| target.strip_suffix(".mjs"))
        .or_else(|| target.strip_suffix(".cjs"))
    {
        tried.push(format!("{stem}{{.ts,.tsx,.mts,.cts,.d.ts}}"));
    }
    tried.push(format!("{target}/index{{.ts,.tsx,.js,...}}"));
    tried.push(format!("{target}/package.json"));
    tried
}

/// How `specifier`, written in the TypeScript/JavaScript file `file` (project path `path`),
/// resolves, with the steps the rule takes.
pub(crate) fn explain(
    index: &ProjectIndex,
    file: &Path,
    path: &str,
    specifier: &str,
) -> Result<Explanation, String> {
    if specifier.is_empty() {
        return Err("an empty specifier is not an import".to_string());
    }
    let mut project = Project::new(index, Arc::new(FsCache::new(&index.project_root)));
    project.trace = Some(Mutex::new(Vec::new()));
    let mut context = vec![
        "tsconfig: the nearest tsconfig.json above the file (with `extends`), as oxc_resolver discovers it".to_string(),
    ];
    let dir = parent(path);
    if let Some(PathsAlias {
        config,
        key,
        targets,
    }) = project.alias_of(path, specifier)
    {
        context.push(format!(
            "matches `paths` key `{key}` of {config}: {}",
            targets.join(", ")
        ));
    }
    if let Some((package_dir, _)) = project.nearest_package(dir) {
        context.push(format!(
            "nearest package.json: {}",
            join(&package_dir, "package.json")
        ));
    }
    let import = EcmaImport {
        specifier: specifier.to_string(),
        kind: EcmaImportKind::Import,
        span: plumb_diagnostics::Span::file_start(),
        snippet: String::new(),
        guarded: false,
    };
    let problem = project.check(file, path, &import, &mut None);
    context.extend(project.tsconfig_context(file));
    let tried = project
        .trace
        .take()
        .map(|trace| trace.into_inner().unwrap_or_else(PoisonError::into_inner))
        .unwrap_or_default();
    let verdict = match problem {
        None => Ok(format!(
            "`{specifier}` resolves (or is not checked: a Node built-in, a declared or aliased package, a module a framework provides, a loader or URL specifier)"
        )),
        Some(finding) => Err(finding),
    };
    Ok(Explanation {
        context,
        tried,
        verdict,
    })
}

impl Project {
    /// For `plumb explain-import`: the tsconfig that applies to `file`, and what was left out
    /// of (or kept from) the tsconfigs read while resolving, as TypeScript does after TS6053.
    fn tsconfig_context(&self, file: &Path) -> Vec<String> {
        let mut lines = vec![match self.resolver.find_tsconfig(file) {
            Ok(Some(tsconfig)) => {
                let shown = tsconfig
                    .path()
                    .strip_prefix(self.fs.root())
                    .unwrap_or(tsconfig.path());
                format!("tsconfig that applies: {}", shown.display())
            }
            Ok(None) => "tsconfig that applies: none claims the file".to_string(),
            Err(error) => format!("tsconfig that applies: cannot be loaded ({error})"),
        }];
        if let Ok(repairs) = self.tsconfig_repairs.lock() {
            lines.extend(repairs.iter().flat_map(|repair| repair.describe()));
        }
        lines
    }
}

/// A file name without its extension (`.d.ts` counts as one): `math.ts` -> `math`.
fn strip_extension(name: &str) -> &str {
    if let Some(stem) = name.strip_suffix(".d.ts") {
        return stem;
    }
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    }
}

/// `dir` joined with a relative specifier, `..` resolved; `None` above the project root.
pub(super) fn normalize_join(dir: &str, specifier: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|part| !part.is_empty()).collect();
    for part in specifier.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}
