use std::collections::{BTreeMap, HashSet};

use plumb_diagnostics::{FileRole, Language, RelatedLocation, TypeCounts};
use plumb_facts::PathMatcher;
use plumb_facts::{TypeDefinition, TypeKind, TypeMember};
use plumb_macros::Rule;
use serde::Deserialize;

use crate::{
    ConfigurableRule, IndexedFile, NeededFacts, ProjectIndex, ProjectRule, ProjectStats,
    ProjectViolation, Violation,
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
/// describes (same path without extension) is the same definition. Test files and mocks,
/// fixtures, stories and examples are not sources of truth and are skipped. Python and TS/JS
/// names are compared separately (TS and JS together).
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
///   a file belongs to the first boundary that matches, files matching none share one;
/// - `exclude` (default `["__mocks__/**", "fixtures/**", "__fixtures__/**", "*.stories.*",
///   "stories/**", "examples/**", "example/**", "migrations/**", "management/commands/**"]`;
///   the last two are Django's one-`Migration`/one-`Command`-per-file conventions) replaces, `extend-exclude` adds to, the
///   globs of files whose definitions are not counted;
/// - `include-tests` (default `false`): also count definitions in test files;
/// - `include-private` (default `false`): also count non-exported / `_`-prefixed definitions;
/// - `nested-classes` (default `false`): also count Python classes nested in classes or
///   functions;
/// - `declaration-files` (default `true`): count definitions in `.d.ts` files;
/// - `module-augmentations` (default `false`): count definitions inside `declare module "x"`
///   and `declare global` blocks;
/// - `cross-language` (default `false`): compare Python names with TS/JS names.
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
    pub boundaries: Vec<String>,
    pub exclude: Vec<String>,
    pub extend_exclude: Vec<String>,
    pub include_tests: bool,
    pub include_private: bool,
    pub nested_classes: bool,
    pub declaration_files: bool,
    pub module_augmentations: bool,
    pub cross_language: bool,
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
];

impl Default for DuplicateTypeDefinitionOptions {
    fn default() -> Self {
        DuplicateTypeDefinitionOptions {
            allow: Vec::new(),
            boundaries: Vec::new(),
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
        }
    }
}

/// Options ready for use: globs compiled.
#[derive(Debug)]
struct ResolvedOptions {
    allow: HashSet<String>,
    /// One glob set per boundary, in configuration order.
    boundaries: Vec<PathMatcher>,
    exclude: PathMatcher,
    include_tests: bool,
    include_private: bool,
    nested_classes: bool,
    declaration_files: bool,
    module_augmentations: bool,
    cross_language: bool,
}

impl Default for ResolvedOptions {
    fn default() -> Self {
        // The default globs are valid; should that ever change, nothing is excluded rather
        // than the run failing.
        resolve(DuplicateTypeDefinitionOptions::default()).unwrap_or_else(|_| ResolvedOptions {
            allow: HashSet::new(),
            boundaries: Vec::new(),
            exclude: PathMatcher::empty(),
            include_tests: false,
            include_private: false,
            nested_classes: false,
            declaration_files: true,
            module_augmentations: false,
            cross_language: false,
        })
    }
}

/// Compiles `patterns` exactly as the rest of the configuration is matched.
fn glob_set(key: &str, patterns: &[String]) -> Result<PathMatcher, String> {
    PathMatcher::new(patterns)
        .map_err(|(pattern, error)| format!("`{key}`: invalid glob `{pattern}`: {error}"))
}

fn resolve(options: DuplicateTypeDefinitionOptions) -> Result<ResolvedOptions, String> {
    let mut exclude = options.exclude;
    exclude.extend(options.extend_exclude);
    let boundaries = options
        .boundaries
        .iter()
        .map(|pattern| glob_set("boundaries", std::slice::from_ref(pattern)))
        .collect::<Result<_, _>>()?;
    Ok(ResolvedOptions {
        allow: options.allow.into_iter().collect(),
        boundaries,
        exclude: glob_set("exclude", &exclude)?,
        include_tests: options.include_tests,
        include_private: options.include_private,
        nested_classes: options.nested_classes,
        declaration_files: options.declaration_files,
        module_augmentations: options.module_augmentations,
        cross_language: options.cross_language,
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

    fn boundary(&self, file: &IndexedFile) -> usize {
        self.options
            .boundaries
            .iter()
            .position(|boundary| boundary.is_match(&file.project_path))
            .unwrap_or(usize::MAX)
    }
}

impl ProjectRule for DuplicateTypeDefinition {
    fn check(&self, index: &ProjectIndex, violations: &mut Vec<ProjectViolation>) {
        self.check_with_stats(index, violations);
    }

    fn needed_facts(&self) -> NeededFacts {
        NeededFacts {
            type_definitions: true,
            imports: false,
        }
    }

    fn check_with_stats(
        &self,
        index: &ProjectIndex,
        violations: &mut Vec<ProjectViolation>,
    ) -> ProjectStats {
        // (family, boundary, name) -> module stem -> the first definition in that module.
        // Files are sorted by path, so the first definition seen per module is the first by
        // path, and within a file the first by position.
        type Key<'i> = (u8, usize, &'i str);
        let mut groups: BTreeMap<Key<'_>, BTreeMap<&str, Site<'_>>> = BTreeMap::new();
        for (file, indexed, facts) in index.files_with_facts() {
            if (indexed.role == FileRole::Test && !self.options.include_tests)
                || self.options.exclude.is_match(&indexed.project_path)
            {
                continue;
            }
            let family = family(indexed.language, self.options.cross_language);
            let boundary = self.boundary(indexed);
            let stem = module_stem(&indexed.project_path);
            for definition in &facts.type_definitions {
                if !self.counts(indexed, definition) {
                    continue;
                }
                groups
                    .entry((family, boundary, definition.name.as_str()))
                    .or_default()
                    .entry(stem)
                    .or_insert(Site {
                        file,
                        indexed,
                        definition,
                    });
            }
        }

        let mut counts = TypeCounts::default();
        for ((_, _, name), sites) in groups {
            if sites.len() < 2 {
                continue;
            }
            let mut sites: Vec<Site<'_>> = sites.into_values().collect();
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
        ProjectStats {
            types: Some(counts),
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
    fn options_reject_unknown_keys_and_bad_globs() {
        let table: toml::Table = toml::from_str("alow = [\"User\"]").unwrap();
        assert!(table.try_into::<DuplicateTypeDefinitionOptions>().is_err());
        let table: toml::Table = toml::from_str("boundaries = [\"a/[\"]").unwrap();
        let options: DuplicateTypeDefinitionOptions = table.try_into().unwrap();
        let error = DuplicateTypeDefinition::try_with_options(options).unwrap_err();
        assert!(error.starts_with("`boundaries`"), "{error}");
    }
}
