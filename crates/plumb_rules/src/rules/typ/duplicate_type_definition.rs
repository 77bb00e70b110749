use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use plumb_diagnostics::{FileRole, Language, RelatedLocation, RuleTotals};
use plumb_facts::PathMatcher;
use plumb_facts::{TypeDefinition, TypeKind, TypeMember};
use plumb_macros::Rule;
use serde::Deserialize;

use super::protocol::{DataShapes, implements_protocol};
use crate::{
    ConfigurableRule, IndexedFile, NeededFacts, ProjectIndex, ProjectRule, ProjectViolation,
    Violation,
};

/// ## What it does
/// Reports a type defined in more than one file: one TYP001 per definition after the first
/// (files sorted by path), each pointing at every other definition.
///
/// Definitions are TypeScript/JavaScript `interface`, `type` aliases (generic too), `enum`,
/// `const enum` and `class` (also `abstract` and `export default class X`), and Python
/// module-level classes (dataclasses, pydantic models, `TypedDict`, `NamedTuple`, `Enum` and
/// `Protocol` subclasses), PEP 695 `type X = ...`, `X: TypeAlias = ...` and the functional
/// `TypedDict("X", ...)`, `NamedTuple("X", ...)`, `NewType("X", ...)`, `Enum("X", ...)` forms.
///
/// Only public definitions count: exported in TS/JS (`export`, `export default`, a later
/// `export { X }`, or a global in a declaration script); in Python not `_`-prefixed, listed in
/// `__all__` when the module defines it as a literal, and not only under `if TYPE_CHECKING:`.
/// Several `interface X` in one file or block merge in TypeScript and are one definition; a
/// name defined twice in one file counts once; a `.pyi` or `.d.ts` beside the module it
/// describes (same path without extension) is the same definition. TypeScript merges
/// interfaces and enums declared in one ambient scope across files, so every global
/// `interface Window` (at the top level of declaration scripts, and in `declare global` blocks)
/// is one definition, as is every `interface Request` in a `declare module "express"` block.
/// Test files and mocks, fixtures (also jscodeshift's `__testfixtures__`), stories, examples,
/// Django migrations and management commands and Alembic revisions are not sources of truth
/// and are skipped. Python and TS/JS names are compared separately (TS and JS together).
///
/// **Implementations of one protocol are not duplicates; copies are.** A class whose base is
/// named after the protocol its own name stands for (`EmailBackend(BaseEmailBackend)`,
/// `<Name>Base`, `Abstract<Name>`) or is a same-named type it refines (`Serializer(base.Serializer)`,
/// or `DatabaseWrapper(PostgresWrapper)` after `from ..postgresql.base import DatabaseWrapper as
/// PostgresWrapper`) is a plugin implementation: a loader finds it by module path, as Django
/// finds each database backend's `DatabaseWrapper`. Such classes are not reported unless
/// `plugin-implementations = true`, except when two bodies are verbatim copies. A class copied
/// into a second module keeps its original's base (`CacheCompensationHandler(BaseCompensationHandler)`
/// in `handlers.py` and `handlers_core.py`) and stays reported. Data shapes stay reported
/// whatever their bases: interfaces, aliases, enums, `TypedDict`s, `NamedTuple`s, dataclasses
/// and `attrs` classes, and classes based on a `*Model*`, `*Schema*`, `BaseSettings`,
/// `Struct` or `Protocol`, or on a class of the project that is one (test files, not sources
/// of truth, do not make a name a data shape).
///
/// Each report says whether the definition is **identical** to the first one (same members
/// after normalising whitespace, in any order, same `extends` / `implements` / base classes and
/// type parameters) or **divergent**, and which members differ.
///
/// ## Why is this bad?
/// A type defined in several places is several sources of truth. They drift apart: a field is
/// added to one copy, code that crosses the boundary silently disagrees about the shape of the
/// data, and nobody can tell which copy is authoritative.
///
/// ## Example
/// ```ts
/// // api/user.ts
/// export interface User { id: string; name: string }
/// // web/user.ts
/// export interface User { id: string; name: string; email: string }
/// ```
///
/// ## Use instead
/// ```ts
/// // web/user.ts
/// export type { User } from "../api/user";
/// ```
///
/// ## Options
/// In `[rules.TYP001]`:
/// - `allow` (default `[]`): names that may be defined more than once;
/// - `boundaries` (default `[]`, the whole repository is one boundary): path globs, one per
///   part of the repository that may own its own types (`["auth_service/**", "frontend/**"]`);
///   a file belongs to the first boundary that matches, files matching none share one. Or
///   `"packages"`: each directory with its own `pyproject.toml` or `package.json` owns the
///   types below it (its nearest such directory), files in none share one;
/// - `exclude` (default `["__mocks__/**", "fixtures/**", "__fixtures__/**", "*.stories.*",
///   "stories/**", "examples/**", "example/**", "migrations/**", "management/commands/**",
///   "alembic/versions/**", "__testfixtures__/**"]`; `migrations` and `management/commands`
///   are Django's one-`Migration`/one-`Command`-per-file conventions, Alembic revisions
///   redefine enums per revision, `__testfixtures__` holds jscodeshift's codemod inputs and
///   outputs) replaces, `extend-exclude` adds to, the globs of files whose definitions are not
///   counted. While it keeps `alembic/versions/**`, any `versions/` directory beside an
///   `env.py` (Alembic's layout under another name) is skipped too;
/// - `include-tests` (default `false`): also count definitions in test files;
/// - `include-private` (default `false`): also count non-exported / `_`-prefixed definitions;
/// - `nested-classes` (default `false`): also count Python classes nested in classes or
///   functions;
/// - `declaration-files` (default `true`): count definitions in `.d.ts` files;
/// - `module-augmentations` (default `false`): count definitions inside `declare module "x"`
///   and `declare global` blocks;
/// - `cross-language` (default `false`): compare Python names with TS/JS names;
/// - `plugin-implementations` (default `false`): also report implementations of one protocol
///   (see above).
#[derive(Debug, Default, Rule)]
#[rule(
    code = "TYP001",
    name = "duplicate-type-definition",
    family = "TYP",
    scope = "project",
    languages = "python, typescript, javascript",
    default_severity = "error",
    since = "0.1.0"
)]
pub struct DuplicateTypeDefinition {
    options: ResolvedOptions,
}

/// `[rules.TYP001]` as written in the configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct DuplicateTypeDefinitionOptions {
    pub allow: Vec<String>,
    pub boundaries: BoundariesSetting,
    pub exclude: Vec<String>,
    pub extend_exclude: Vec<String>,
    pub include_tests: bool,
    pub include_private: bool,
    pub nested_classes: bool,
    pub declaration_files: bool,
    pub module_augmentations: bool,
    pub cross_language: bool,
    pub plugin_implementations: bool,
}

/// `boundaries` as written: path globs, or `"packages"`.
#[derive(Debug, Clone)]
pub enum BoundariesSetting {
    Globs(Vec<String>),
    Named(String),
}

impl<'de> Deserialize<'de> for BoundariesSetting {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Globs(Vec<String>),
            Named(String),
        }
        match Written::deserialize(deserializer) {
            Ok(Written::Globs(globs)) => Ok(BoundariesSetting::Globs(globs)),
            Ok(Written::Named(name)) => Ok(BoundariesSetting::Named(name)),
            Err(_) => Err(serde::de::Error::custom(
                "`boundaries`: expected \"packages\" or a list of path globs",
            )),
        }
    }
}

impl Default for BoundariesSetting {
    fn default() -> Self {
        BoundariesSetting::Globs(Vec::new())
    }
}

/// Files whose definitions are test doubles or demonstrations, not sources of truth.
pub const DEFAULT_EXCLUDE: &[&str] = &[
    "__mocks__/**",
    "fixtures/**",
    "__fixtures__/**",
    "*.stories.*",
    "stories/**",
    "examples/**",
    "example/**",
    // Frameworks that dictate a class name per file: every Django migration defines
    // `Migration` and every management command `Command`. These are entry points the framework
    // looks up by name, not types anyone imports; on Django's own tree they were 56 of 196
    // findings, none of them a second source of truth.
    "migrations/**",
    "management/commands/**",
    // Alembic revisions redefine their enums per revision, as Django migrations do. A
    // `versions/` directory beside an `env.py` is the same layout under another name; it goes
    // with this entry (see `ResolvedOptions::alembic_layout`).
    ALEMBIC_VERSIONS,
    // jscodeshift's codemod fixtures (`__testfixtures__/x.input.js`) hold old code on purpose.
    "__testfixtures__/**",
];

const ALEMBIC_VERSIONS: &str = "alembic/versions/**";

impl Default for DuplicateTypeDefinitionOptions {
    fn default() -> Self {
        DuplicateTypeDefinitionOptions {
            allow: Vec::new(),
            boundaries: BoundariesSetting::default(),
            exclude: DEFAULT_EXCLUDE
                .iter()
                .map(|glob| glob.to_string())
                .collect(),
            extend_exclude: Vec::new(),
            include_tests: false,
            include_private: false,
            nested_classes: false,
            declaration_files: true,
            module_augmentations: false,
            cross_language: false,
            plugin_implementations: false,
        }
    }
}

/// Which parts of the repository own their own types.
#[derive(Debug)]
enum Boundaries {
    /// One glob set per boundary, in configuration order; files matching none share one.
    Globs(Vec<PathMatcher>),
    /// Each directory holding a `pyproject.toml` or `package.json` owns the types below it.
    Packages,
}

/// Options ready for use: globs compiled.
#[derive(Debug)]
struct ResolvedOptions {
    allow: HashSet<String>,
    boundaries: Boundaries,
    exclude: PathMatcher,
    /// Skip `versions/` directories beside an `env.py` (Alembic's layout): on while `exclude`
    /// keeps the `alembic/versions/**` entry.
    alembic_layout: bool,
    include_tests: bool,
    include_private: bool,
    nested_classes: bool,
    declaration_files: bool,
    module_augmentations: bool,
    cross_language: bool,
    plugin_implementations: bool,
}

impl Default for ResolvedOptions {
    fn default() -> Self {
        // The default globs are valid; should that ever change, nothing is excluded rather
        // than the run failing.
        resolve(DuplicateTypeDefinitionOptions::default()).unwrap_or_else(|_| ResolvedOptions {
            allow: HashSet::new(),
            boundaries: Boundaries::Globs(Vec::new()),
            exclude: PathMatcher::empty(),
            alembic_layout: false,
            include_tests: false,
            include_private: false,
            nested_classes: false,
            declaration_files: true,
            module_augmentations: false,
            cross_language: false,
            plugin_implementations: false,
        })
    }
}

/// Compiles `patterns` exactly as the rest of the configuration is matched.
fn glob_set(key: &str, patterns: &[String]) -> Result<PathMatcher, String> {
    PathMatcher::new(patterns)
        .map_err(|(pattern, error)| format!("`{key}`: invalid glob `{pattern}`: {error}"))
}

fn resolve(options: DuplicateTypeDefinitionOptions) -> Result<ResolvedOptions, String> {
    let alembic_layout = options.exclude.iter().any(|glob| glob == ALEMBIC_VERSIONS);
    let mut exclude = options.exclude;
    exclude.extend(options.extend_exclude);
    let boundaries = match options.boundaries {
        BoundariesSetting::Globs(globs) => Boundaries::Globs(
            globs
                .iter()
                .map(|pattern| glob_set("boundaries", std::slice::from_ref(pattern)))
                .collect::<Result<_, _>>()?,
        ),
        BoundariesSetting::Named(name) if name == "packages" => Boundaries::Packages,
        BoundariesSetting::Named(name) => {
            return Err(format!(
                "`boundaries`: expected \"packages\" or a list of path globs, found \"{name}\""
            ));
        }
    };
    Ok(ResolvedOptions {
        allow: options.allow.into_iter().collect(),
        boundaries,
        exclude: glob_set("exclude", &exclude)?,
        alembic_layout,
        include_tests: options.include_tests,
        include_private: options.include_private,
        nested_classes: options.nested_classes,
        declaration_files: options.declaration_files,
        module_augmentations: options.module_augmentations,
        cross_language: options.cross_language,
        plugin_implementations: options.plugin_implementations,
    })
}

impl ConfigurableRule for DuplicateTypeDefinition {
    type Options = DuplicateTypeDefinitionOptions;

    fn with_options(options: DuplicateTypeDefinitionOptions) -> Self {
        Self::try_with_options(options).unwrap_or_default()
    }

    fn try_with_options(options: DuplicateTypeDefinitionOptions) -> Result<Self, String> {
        Ok(DuplicateTypeDefinition {
            options: resolve(options)?,
        })
    }
}

/// Which names are compared with which: Python with Python, TS with JS (unless cross-language).
fn family(language: Language, cross_language: bool) -> u8 {
    match language {
        _ if cross_language => 0,
        Language::Python => 1,
        Language::TypeScript | Language::JavaScript => 2,
    }
}

/// The module a file defines, without its extension: `a/b.pyi`, `a/b.py`, `a/b.d.ts` and
/// `a/b.js` all define module `a/b`, so a stub beside its module is not a second definition.
fn module_stem(path: &str) -> &str {
    for declaration in [".d.ts", ".d.mts", ".d.cts"] {
        if let Some(stem) = path.strip_suffix(declaration) {
            return stem;
        }
    }
    let file_start = path.rfind('/').map_or(0, |slash| slash + 1);
    match path[file_start..].rfind('.') {
        Some(dot) if dot > 0 => &path[..file_start + dot],
        _ => path,
    }
}

fn is_declaration_file(path: &str) -> bool {
    [".d.ts", ".d.mts", ".d.cts"]
        .iter()
        .any(|suffix| path.ends_with(suffix))
}

/// One file's (first) definition of a name.
struct Site<'i> {
    file: usize,
    indexed: &'i IndexedFile,
    definition: &'i TypeDefinition,
}

/// Interfaces and object-literal aliases describe the same thing; other kinds only match
/// themselves.
fn kind_group(kind: TypeKind) -> TypeKind {
    match kind {
        TypeKind::Interface => TypeKind::TypeAlias,
        TypeKind::ConstEnum => TypeKind::Enum,
        other => other,
    }
}

/// The member name extraction gives an alias's target type.
const ALIASED: &str = "=";

/// "a class", "an interface".
fn with_article(kind: TypeKind) -> String {
    let name = kind.as_str();
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {name}")
}

/// How `other` differs from `first`; empty when the shapes are identical.
fn differences(first: &Site<'_>, other: &Site<'_>) -> Vec<String> {
    let (a, b) = (first.definition, other.definition);
    let first_path = &first.indexed.project_path;
    let mut notes = Vec::new();
    if kind_group(a.kind) != kind_group(b.kind) {
        notes.push(format!(
            "{} here, {} in {first_path}",
            with_article(b.kind),
            with_article(a.kind)
        ));
    }
    if a.type_parameters != b.type_parameters {
        let show = |parameters: &str| {
            if parameters.is_empty() {
                "none".to_string()
            } else {
                format!("`{parameters}`")
            }
        };
        notes.push(format!(
            "type parameters differ: {} here, {} in {first_path}",
            show(&b.type_parameters),
            show(&a.type_parameters)
        ));
    }
    if a.heritage != b.heritage {
        let show = |heritage: &[String]| {
            if heritage.is_empty() {
                "none".to_string()
            } else {
                format!("`{}`", heritage.join(", "))
            }
        };
        notes.push(format!(
            "heritage differs: {} here, {} in {first_path}",
            show(&b.heritage),
            show(&a.heritage)
        ));
    }
    let names = |members: &[TypeMember]| -> BTreeMap<String, Vec<String>> {
        let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for member in members {
            names
                .entry(member.name.clone())
                .or_default()
                .push(member.text.clone());
        }
        names
    };
    let (first_members, other_members) = (names(&a.members), names(&b.members));
    let quote = |names: Vec<&String>| {
        names
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let only_here: Vec<&String> = other_members
        .keys()
        .filter(|name| !first_members.contains_key(*name))
        .collect();
    let only_first: Vec<&String> = first_members
        .keys()
        .filter(|name| !other_members.contains_key(*name))
        .collect();
    let mut changed: Vec<&String> = other_members
        .iter()
        .filter(|(name, texts)| {
            first_members
                .get(*name)
                .is_some_and(|first| first != *texts)
        })
        .map(|(name, _)| name)
        .collect();
    // An alias's one "member" is the aliased type: show it rather than name it.
    if let Some(at) = changed.iter().position(|name| name.as_str() == ALIASED) {
        changed.remove(at);
        let text = |members: &BTreeMap<String, Vec<String>>| {
            members
                .get(ALIASED)
                .map(|texts| texts.join(" | "))
                .unwrap_or_default()
        };
        notes.push(format!(
            "aliased type differs: `{}` here, `{}` in {first_path}",
            text(&other_members),
            text(&first_members)
        ));
    }
    if !only_here.is_empty() {
        notes.push(format!("members only here: {}", quote(only_here)));
    }
    if !only_first.is_empty() {
        notes.push(format!(
            "members only in {first_path}: {}",
            quote(only_first)
        ));
    }
    if !changed.is_empty() {
        notes.push(format!("members that differ: {}", quote(changed)));
    }
    notes
}

impl DuplicateTypeDefinition {
    /// Whether `definition` in `file` is a public definition this run counts.
    fn counts(&self, file: &IndexedFile, definition: &TypeDefinition) -> bool {
        let options = &self.options;
        (definition.exported || options.include_private)
            && (!definition.nested || options.nested_classes)
            && !definition.type_checking_only
            && (definition.ambient_module.is_none() || options.module_augmentations)
            && !options.allow.contains(&definition.name)
            && (options.declaration_files || !is_declaration_file(&file.project_path))
    }

    fn boundary(&self, file: &IndexedFile, packages: &mut PackageDirs<'_>) -> Boundary {
        match &self.options.boundaries {
            Boundaries::Globs(globs) => globs
                .iter()
                .position(|boundary| boundary.is_match(&file.project_path))
                .map_or(Boundary::Shared, Boundary::Glob),
            Boundaries::Packages => packages.owner(&file.project_path),
        }
    }

    /// Files whose definitions are not sources of truth: tests (unless `include-tests`),
    /// excluded paths, and Alembic revisions.
    fn skips(&self, file: &IndexedFile, alembic_dirs: &HashSet<&str>) -> bool {
        (file.role == FileRole::Test && !self.options.include_tests)
            || self.options.exclude.is_match(&file.project_path)
            || (self.options.alembic_layout
                && is_alembic_revision(&file.project_path, alembic_dirs))
    }

    /// Every counted definition, grouped by (family, boundary, name), then by where it is
    /// defined, keeping the first definition per place. Files are sorted by path, so that is
    /// the first by path, and within a file the first by position.
    fn groups<'i>(
        &self,
        index: &'i ProjectIndex,
    ) -> BTreeMap<GroupKey<'i>, BTreeMap<Origin<'i>, Site<'i>>> {
        let alembic_dirs = alembic_dirs(index);
        let mut packages = PackageDirs::new(&index.project_root);
        let mut groups: BTreeMap<GroupKey<'_>, BTreeMap<Origin<'_>, Site<'_>>> = BTreeMap::new();
        for (file, indexed, facts) in index.files_with_facts() {
            if self.skips(indexed, &alembic_dirs) {
                continue;
            }
            let family = family(indexed.language, self.options.cross_language);
            let boundary = self.boundary(indexed, &mut packages);
            let stem = module_stem(&indexed.project_path);
            for definition in &facts.type_definitions {
                if !self.counts(indexed, definition) {
                    continue;
                }
                groups
                    .entry((family, boundary.clone(), definition.name.as_str()))
                    .or_default()
                    .entry(origin(definition, stem))
                    .or_insert(Site {
                        file,
                        indexed,
                        definition,
                    });
            }
        }
        groups
    }

    /// The sites that count as duplicates of one another: without `plugin-implementations`,
    /// implementations of the protocol the name stands for are left out, unless a body is a
    /// verbatim copy of another's.
    fn comparable<'i>(&self, sites: Vec<Site<'i>>, data_shapes: &DataShapes) -> Vec<Site<'i>> {
        if self.options.plugin_implementations {
            return sites;
        }
        let copied = |site: &Site<'_>| {
            let hash = site.definition.body_hash;
            hash != 0
                && sites
                    .iter()
                    .filter(|other| other.definition.body_hash == hash)
                    .count()
                    > 1
        };
        let keep: Vec<bool> = sites
            .iter()
            .map(|site| !implements_protocol(site.definition, data_shapes) || copied(site))
            .collect();
        sites
            .into_iter()
            .zip(keep)
            .filter_map(|(site, keep)| keep.then_some(site))
            .collect()
    }
}

/// (family, boundary, name): the definitions compared with one another.
type GroupKey<'i> = (u8, Boundary, &'i str);

/// The part of the repository a file belongs to for TYP001.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Boundary {
    /// The n-th configured glob boundary.
    Glob(usize),
    /// The package rooted at this project-relative directory (`""` for the root).
    Package(String),
    /// Files in no boundary.
    Shared,
}

/// Finds, and remembers, the nearest directory holding a `pyproject.toml` or `package.json`.
struct PackageDirs<'r> {
    root: &'r Path,
    is_package: HashMap<String, bool>,
}

impl<'r> PackageDirs<'r> {
    fn new(root: &'r Path) -> Self {
        PackageDirs {
            root,
            is_package: HashMap::new(),
        }
    }

    fn owner(&mut self, project_path: &str) -> Boundary {
        let mut dir = parent_dir(project_path);
        loop {
            let root = self.root;
            let is_package = *self.is_package.entry(dir.to_string()).or_insert_with(|| {
                let dir = root.join(dir);
                ["pyproject.toml", "package.json"]
                    .iter()
                    .any(|manifest| dir.join(manifest).is_file())
            });
            if is_package {
                return Boundary::Package(dir.to_string());
            }
            if dir.is_empty() {
                return Boundary::Shared;
            }
            dir = parent_dir(dir);
        }
    }
}

/// `a/b/c.py` -> `a/b`, `a` -> `` (project-relative, `/`-separated).
fn parent_dir(path: &str) -> &str {
    path.rfind('/').map_or("", |slash| &path[..slash])
}

/// Directories holding an `env.py`: Alembic's environment, whose `versions/` are revisions.
fn alembic_dirs(index: &ProjectIndex) -> HashSet<&str> {
    index
        .files
        .iter()
        .filter(|file| file.project_path == "env.py" || file.project_path.ends_with("/env.py"))
        .map(|file| parent_dir(&file.project_path))
        .collect()
}

/// `path` lies under a `versions/` directory beside an `env.py`.
fn is_alembic_revision(path: &str, alembic_dirs: &HashSet<&str>) -> bool {
    path.match_indices("versions/").any(|(at, _)| {
        let beside = match at {
            0 => Some(""),
            _ => path[..at].strip_suffix('/'),
        };
        beside.is_some_and(|dir| alembic_dirs.contains(dir))
    })
}

/// Where a definition is made. TypeScript merges interfaces and enums declared in one ambient
/// scope across files: every global `interface Window` (in declaration scripts and `declare
/// global` blocks) is one type, as is every `interface Request` in `declare module "express"`.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Origin<'i> {
    /// An ambient scope: `global` or a module name.
    Ambient(&'i str),
    /// A module, by its stem (a stub beside its module is the same place).
    Module(&'i str),
}

fn origin<'i>(definition: &'i TypeDefinition, stem: &'i str) -> Origin<'i> {
    let merges = matches!(
        definition.kind,
        TypeKind::Interface | TypeKind::Enum | TypeKind::ConstEnum
    );
    match (&definition.ambient_module, definition.global_script) {
        (_, true) if merges => Origin::Ambient("global"),
        (Some(scope), _) if merges => Origin::Ambient(scope),
        _ => Origin::Module(stem),
    }
}

impl ProjectRule for DuplicateTypeDefinition {
    fn check(&self, index: &ProjectIndex, violations: &mut Vec<ProjectViolation>) {
        self.check_with_totals(index, violations);
    }

    /// Type definitions of source files, and of test files only with `include-tests`: test
    /// files are not sources of truth, and their classes do not make a production name a data
    /// shape (a test's `UserFactory(Factory)` says nothing about the app's `UserFactory`).
    fn needed_facts(&self, role: FileRole) -> NeededFacts<'_> {
        NeededFacts {
            type_definitions: role == FileRole::Source || self.options.include_tests,
            ..NeededFacts::NONE
        }
    }

    /// Duplicated names, extra definitions (one TYP001 each), and how many of those are
    /// identical to the first definition or diverge from it; before inline suppressions.
    fn check_with_totals(
        &self,
        index: &ProjectIndex,
        violations: &mut Vec<ProjectViolation>,
    ) -> Option<RuleTotals> {
        let groups = self.groups(index);
        let data_shapes = DataShapes::of(index);
        let mut counts = TypeCounts::default();
        for ((_, _, name), sites) in groups {
            if sites.len() < 2 {
                continue;
            }
            let mut sites = self.comparable(sites.into_values().collect(), &data_shapes);
            if sites.len() < 2 {
                continue;
            }
            // The first definition is the one the others are compared with and the only one
            // not reported. When only some files are checked, an unchecked (context) file holds
            // the existing definition, so it comes first and every checked copy is reported.
            sites.sort_by(|a, b| {
                (
                    !a.indexed.context,
                    &a.indexed.project_path,
                    a.definition.span.start,
                )
                    .cmp(&(
                        !b.indexed.context,
                        &b.indexed.project_path,
                        b.definition.span.start,
                    ))
            });
            let Some((first, others)) = sites.split_first() else {
                continue;
            };
            // Context files (not checked in this run) only serve as the other side of a
            // duplicate: they get no finding and count in no total.
            if others.iter().all(|site| site.indexed.context) {
                continue;
            }
            counts.duplicated_names += 1;
            for (position, site) in others.iter().enumerate() {
                if site.indexed.context {
                    continue;
                }
                let notes = differences(first, site);
                counts.extra_definitions += 1;
                let shape = if notes.is_empty() {
                    counts.identical += 1;
                    "identical to"
                } else {
                    counts.divergent += 1;
                    "divergent from"
                };
                let elsewhere = sites.len() - 1;
                let message = format!(
                    "type `{name}` is defined in {} files: this {} is {shape} the first definition in {}",
                    sites.len(),
                    site.definition.kind.as_str(),
                    first.indexed.project_path,
                );
                let related = sites
                    .iter()
                    .enumerate()
                    .filter(|(other, _)| *other != position + 1)
                    .map(|(_, other)| RelatedLocation {
                        path: other.indexed.display_path.clone(),
                        span: other.definition.span,
                        message: format!("`{name}` also defined"),
                    })
                    .collect::<Vec<_>>();
                debug_assert_eq!(related.len(), elsewhere);
                violations.push(ProjectViolation {
                    file: site.file,
                    violation: Violation {
                        span: site.definition.span,
                        message,
                        notes,
                        symbol: name.to_string(),
                        snippet: format!("{} {name}", site.definition.kind.as_str()),
                        related,
                    },
                    severity_cap: None,
                });
            }
        }
        Some(counts.into_totals())
    }
}

/// What TYP001 counts, in the order the summary shows it.
#[derive(Debug, Default)]
struct TypeCounts {
    duplicated_names: usize,
    extra_definitions: usize,
    identical: usize,
    divergent: usize,
}

impl TypeCounts {
    fn into_totals(self) -> RuleTotals {
        let counts = [
            ("duplicated_names", self.duplicated_names),
            ("extra_definitions", self.extra_definitions),
            ("identical", self.identical),
            ("divergent", self.divergent),
        ];
        RuleTotals {
            title: "Duplicate types".to_string(),
            counts: counts
                .into_iter()
                .map(|(name, count)| (name.to_string(), count))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stubs_and_declarations_share_their_module_stem() {
        assert_eq!(module_stem("a/b.pyi"), "a/b");
        assert_eq!(module_stem("a/b.py"), "a/b");
        assert_eq!(module_stem("a/b.d.ts"), "a/b");
        assert_eq!(module_stem("a/b.js"), "a/b");
        assert_eq!(module_stem("a.b/c"), "a.b/c");
        assert_eq!(module_stem("a/.hidden"), "a/.hidden");
    }

    #[test]
    fn alembic_revisions_are_versions_beside_an_env_py() {
        let dirs: HashSet<&str> = ["db/migrate", ""].into_iter().collect();
        assert!(is_alembic_revision("db/migrate/versions/0001.py", &dirs));
        assert!(is_alembic_revision("versions/0001.py", &dirs));
        assert!(!is_alembic_revision("api/versions/v1.py", &dirs));
        assert!(!is_alembic_revision(
            "db/migrate/oldversions/0001.py",
            &dirs
        ));
        assert_eq!(parent_dir("a/b/c.py"), "a/b");
        assert_eq!(parent_dir("c.py"), "");
    }

    #[test]
    fn boundaries_take_globs_or_packages() {
        let table: toml::Table = toml::from_str("boundaries = \"packages\"").unwrap();
        let options: DuplicateTypeDefinitionOptions = table.try_into().unwrap();
        let rule = DuplicateTypeDefinition::try_with_options(options).unwrap();
        assert!(matches!(rule.options.boundaries, Boundaries::Packages));
        let table: toml::Table = toml::from_str("boundaries = \"package\"").unwrap();
        let options: DuplicateTypeDefinitionOptions = table.try_into().unwrap();
        let error = DuplicateTypeDefinition::try_with_options(options).unwrap_err();
        assert!(error.starts_with("`boundaries`"), "{error}");
        let table: toml::Table = toml::from_str("boundaries = 3").unwrap();
        assert!(table.try_into::<DuplicateTypeDefinitionOptions>().is_err());
    }

    #[test]
    fn options_reject_unknown_keys_and_bad_globs() {
        let table: toml::Table = toml::from_str("alow = [\"User\"]").unwrap();
        assert!(table.try_into::<DuplicateTypeDefinitionOptions>().is_err());
        let table: toml::Table = toml::from_str("boundaries = [\"a/[\"]").unwrap();
        let options: DuplicateTypeDefinitionOptions = table.try_into().unwrap();
        let error = DuplicateTypeDefinition::try_with_options(options).unwrap_err();
        assert!(error.starts_with("`boundaries`"), "{error}");
    }
}
