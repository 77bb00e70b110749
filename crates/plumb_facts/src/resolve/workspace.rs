//! Unbuilt workspace packages: imports of a sibling package whose `exports` point into build
//! output that is not there (`./dist/index.js` before `turbo build`).
//!
//! TypeScript project references check such an import against the referenced project's source:
//! the output file maps back to the input through the project's `outDir` and `rootDir`. The same
//! is done here, statically: a target under a `tsconfig*.json` `outDir` of the package is looked
//! up under its `rootDir` (own or inherited through local `extends`, `${configDir}` expanded),
//! and a target under a build folder directly in the package (`dist/`) is looked up in the
//! package's `src/` with the same relative path (what tsup, unbuild and tsc with
//! `rootDir: "src"` produce). An output extension maps to the source extensions it is compiled
//! from (`index.js`, `index.d.ts`, `index.mjs` -> `index.ts`, `index.tsx`, ...).
//!
//! What cannot be mapped stays unverifiable (IMP003); [`UnbuiltGroups`] reports it once per
//! imported package and build folder, with the number of imports it stands for, instead of once
//! per import.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::build_output::BuildOutput;
use super::ecma::{local_extends, normalize_join, strip_jsonc};
use super::fs::{FsCache, Memo, join, parent};
use super::{FindingKind, ImportFinding, RelatedImport};

/// Output file endings, longest first, and the source endings each is compiled from.
const OUTPUT_EXTENSIONS: &[(&str, &[&str])] = &[
    (".d.ts", &[".ts", ".tsx", ".d.ts"]),
    (".d.mts", &[".mts", ".d.mts"]),
    (".d.cts", &[".cts", ".d.cts"]),
    (".js", &[".ts", ".tsx", ".js", ".jsx"]),
    (".mjs", &[".mts", ".ts", ".tsx", ".mjs", ".js"]),
    (".cjs", &[".cts", ".ts", ".tsx", ".cjs", ".js"]),
    (".jsx", &[".tsx", ".jsx"]),
];

/// Format folders bundlers put inside the build folder (`dist/esm/index.js` from
/// `src/index.ts`): skipped when looking for the `src/` twin.
const FORMAT_DIRS: &[&str] = &["esm", "cjs", "mjs", "es", "types", "module", "commonjs"];

/// How an output path was mapped back to its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TwinRule {
    /// A `tsconfig*.json` of the package: `outDir` -> `rootDir`.
    Tsconfig {
        config: String,
        out_dir: String,
        root_dir: String,
    },
    /// The build folder's twin `src/` folder of the package.
    SrcFolder { build_dir: String },
}

/// The source file an output target is compiled from, and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceTwin {
    pub(crate) source: String,
    pub(crate) rule: TwinRule,
}

impl SourceTwin {
    /// For `plumb explain-import`.
    pub(crate) fn describe(&self) -> String {
        match &self.rule {
            TwinRule::Tsconfig {
                config,
                out_dir,
                root_dir,
            } => format!(
                "{config} compiles `{root_dir}/` into `{out_dir}/`: checked against the source {}",
                self.source
            ),
            TwinRule::SrcFolder { build_dir } => format!(
                "`{build_dir}/` is not built: checked against its `src/` twin {}",
                self.source
            ),
        }
    }
}

/// `outDir` -> `rootDir` of one tsconfig of a package (project-relative).
#[derive(Debug, Clone)]
struct OutputMapping {
    config: String,
    out_dir: String,
    root_dir: String,
}

/// Maps build output of workspace packages back to source, reading each package's tsconfigs
/// once.
#[derive(Default)]
pub(crate) struct SourceTwins {
    mappings: Memo<Arc<Vec<OutputMapping>>>,
}

impl SourceTwins {
    /// The source file the output `target` (project-relative, missing) of the package in
    /// `package_dir` is compiled from, when one exists; `build` is the build folder `target`
    /// goes through.
    pub(crate) fn find(
        &self,
        fs: &FsCache,
        package_dir: &str,
        target: &str,
        build: &BuildOutput,
    ) -> Option<SourceTwin> {
        for mapping in self.mappings(fs, package_dir).iter() {
            let Some(rest) = strip_dir(target, &mapping.out_dir) else {
                continue;
            };
            if let Some(source) = existing_source(fs, &join(&mapping.root_dir, rest)) {
                return Some(SourceTwin {
                    source,
                    rule: TwinRule::Tsconfig {
                        config: mapping.config.clone(),
                        out_dir: mapping.out_dir.clone(),
                        root_dir: mapping.root_dir.clone(),
                    },
                });
            }
        }
        if parent(&build.dir) != package_dir {
            return None;
        }
        let rest = strip_dir(target, &build.dir)?;
        let src = join(package_dir, "src");
        let without_format = rest
            .split_once('/')
            .filter(|(first, _)| FORMAT_DIRS.contains(first))
            .map(|(_, inner)| inner);
        std::iter::once(rest)
            .chain(without_format)
            .find_map(|rest| existing_source(fs, &join(&src, rest)))
            .map(|source| SourceTwin {
                source,
                rule: TwinRule::SrcFolder {
                    build_dir: build.dir.clone(),
                },
            })
    }

    /// The `outDir` -> `rootDir` mappings of the `tsconfig*.json` files directly in
    /// `package_dir`, in file name order.
    fn mappings(&self, fs: &FsCache, package_dir: &str) -> Arc<Vec<OutputMapping>> {
        self.mappings
            .get_or_insert_with(package_dir, || Arc::new(output_mappings(fs, package_dir)))
    }
}

/// The `outDir` -> `rootDir` mappings of the `tsconfig*.json` files directly in
/// `package_dir`, in file name order (see [`SourceTwins::mappings`]).
fn output_mappings(fs: &FsCache, package_dir: &str) -> Vec<OutputMapping> {
    let mut configs: Vec<String> = fs
        .list(package_dir)
        .map(|listing| {
            listing
                .iter()
                .filter(|(name, is_dir)| {
                    !is_dir && name.starts_with("tsconfig") && name.ends_with(".json")
                })
                .map(|(name, _)| join(package_dir, name))
                .collect()
        })
        .unwrap_or_default();
    configs.sort();
    configs
        .into_iter()
        .filter_map(|config| {
            let dir = parent(&config).to_string();
            let out_dir = inherited_dir(fs, &config, &dir, "outDir", 0)?;
            // Without `rootDir`, a composite project's root is its directory; otherwise
            // TypeScript takes the common folder of the inputs, which the `src/` twin rule
            // covers.
            let root_dir = inherited_dir(fs, &config, &dir, "rootDir", 0).unwrap_or(dir);
            (out_dir != root_dir).then_some(OutputMapping {
                config,
                out_dir,
                root_dir,
            })
        })
        .collect()
}

/// The compiler option `key` (a directory) of the tsconfig at `config`, own or inherited through
/// local `extends` (a later entry of an `extends` array wins), project-relative: relative to the
/// config that writes it, `${configDir}` meaning the directory of the config being read
/// (`leaf_dir`). `None` when unset, or set by a package or outside the project.
fn inherited_dir(
    fs: &FsCache,
    config: &str,
    leaf_dir: &str,
    key: &str,
    depth: usize,
) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(&strip_jsonc(&fs.read(config)?)).ok()?;
    if let Some(value) = json
        .get("compilerOptions")
        .and_then(|options| options.get(key))
        .and_then(|value| value.as_str())
    {
        return match value.strip_prefix("${configDir}") {
            Some(rest) => normalize_join(leaf_dir, rest.trim_start_matches('/')),
            None => normalize_join(parent(config), value),
        };
    }
    if depth >= 8 {
        return None;
    }
    local_extends(config, &json)
        .iter()
        .find_map(|extended| inherited_dir(fs, extended, leaf_dir, key, depth + 1))
}

/// `path` below the folder `dir`, without it: `dist/a/b.js` below `dist` is `a/b.js`.
fn strip_dir<'p>(path: &'p str, dir: &str) -> Option<&'p str> {
    if dir.is_empty() {
        return Some(path);
    }
    path.strip_prefix(dir)?
        .strip_prefix('/')
        .filter(|rest| !rest.is_empty())
}

/// Source endings an extensionless output path (`./dist/internal`, resolved with extensions and
/// index files) can be compiled from.
const ANY_SOURCE: &[&str] = &[
    ".ts", ".tsx", ".mts", ".cts", ".d.ts", ".js", ".jsx", ".mjs",
];

/// The existing source file for the output path `output` relocated to the source folder: its
/// output extension replaced by each source extension it is compiled from; an extensionless
/// path with any source extension, or as a folder with an `index`; a name with another
/// extension (`styles.css`, copied as is) must exist as written.
fn existing_source(fs: &FsCache, output: &str) -> Option<String> {
    let dir = parent(output);
    let name = output.rsplit('/').next().unwrap_or(output);
    let Some((stem, sources)) = OUTPUT_EXTENSIONS
        .iter()
        .find_map(|(extension, sources)| Some((name.strip_suffix(extension)?, *sources)))
    else {
        if name.contains('.') {
            return fs.has_file(dir, name).then(|| output.to_string());
        }
        return [(dir, name), (output, "index")]
            .into_iter()
            .find_map(|(dir, stem)| {
                ANY_SOURCE
                    .iter()
                    .map(|extension| format!("{stem}{extension}"))
                    .find(|candidate| fs.has_file(dir, candidate))
                    .map(|candidate| join(dir, &candidate))
            });
    };
    sources
        .iter()
        .map(|extension| format!("{stem}{extension}"))
        .find(|candidate| fs.has_file(dir, candidate))
        .map(|candidate| join(dir, &candidate))
}

/// A workspace import that stays unverifiable because the imported package is not built: the
/// package and the build folder, which together say what to build.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct UnbuiltKey {
    /// Directory of the imported package (project-relative; `.` shown for the root).
    pub(crate) package_dir: String,
    /// The package's name, as imported.
    pub(crate) name: String,
    pub(crate) build: BuildOutput,
}

/// One unverifiable import of an unbuilt package, before grouping.
struct UnbuiltSite {
    finding: ImportFinding,
    specifier: String,
}

/// Unverifiable imports of unbuilt workspace packages, collected during the check and reported
/// once per imported package and build folder: at the first import (in file order, then source
/// order), with the count of imports it stands for and the other sites as related locations.
#[derive(Default)]
pub(crate) struct UnbuiltGroups {
    groups: BTreeMap<UnbuiltKey, Vec<UnbuiltSite>>,
}

/// Related locations listed on one summary; the count in the message covers the rest.
const MAX_RELATED: usize = 20;

impl UnbuiltGroups {
    pub(crate) fn add(&mut self, key: UnbuiltKey, finding: ImportFinding, specifier: &str) {
        debug_assert_eq!(finding.kind, FindingKind::Unverifiable);
        self.groups.entry(key).or_default().push(UnbuiltSite {
            finding,
            specifier: specifier.to_string(),
        });
    }

    /// One finding per group: the only import's own finding when it is alone, else a summary.
    pub(crate) fn into_findings(self) -> Vec<ImportFinding> {
        let mut findings = Vec::new();
        for (key, mut sites) in self.groups {
            sites.sort_by_key(|site| (site.finding.file, site.finding.span.start));
            let count = sites.len();
            let mut sites = sites.into_iter();
            let Some(first) = sites.next() else {
                continue;
            };
            if count == 1 {
                findings.push(first.finding);
                continue;
            }
            let mut finding = first.finding;
            let shown = if key.package_dir.is_empty() {
                "."
            } else {
                key.package_dir.as_str()
            };
            let listed = if count - 1 > MAX_RELATED {
                format!(" (the first {MAX_RELATED} listed)")
            } else {
                String::new()
            };
            finding.message = format!(
                "cannot check {count} imports of `{}` (the workspace package {shown}/): this one and {} more, related{listed}: {}",
                key.name,
                count - 1,
                key.build.reason_for_many()
            );
            finding.related = sites
                .take(MAX_RELATED)
                .map(|site| RelatedImport {
                    file: site.finding.file,
                    span: site.finding.span,
                    message: format!("`{}` imported", site.specifier),
                })
                .collect();
            findings.push(finding);
        }
        findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> (std::path::PathBuf, FsCache) {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "plumb-workspace-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        ));
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let fs = FsCache::new(&root);
        (root, fs)
    }

    fn dist(dir: &str) -> BuildOutput {
        BuildOutput {
            dir: dir.to_string(),
            exists: false,
            ignored_by: None,
        }
    }

    fn unbuilt_import(file: usize, line: u32) -> ImportFinding {
        let mut span = plumb_diagnostics::Span::file_start();
        span.start.line = line;
        ImportFinding {
            file,
            kind: FindingKind::Unverifiable,
            span,
            message: format!("own message {file}:{line}"),
            snippet: String::new(),
            guarded: false,
            related: Vec::new(),
        }
    }

    #[test]
    fn unbuilt_imports_are_reported_once_per_package_and_build_folder() {
        let key = |package: &str| UnbuiltKey {
            package_dir: package.to_string(),
            name: format!("@acme/{package}"),
            build: dist(&format!("{package}/dist")),
        };
        let mut groups = UnbuiltGroups::default();
        // Added out of order: the first site in file order, then line order, carries it.
        for (file, line) in [(3, 1), (1, 9), (1, 2)] {
            groups.add(key("gen"), unbuilt_import(file, line), "@acme/gen");
        }
        for file in 0..30 {
            groups.add(key("big"), unbuilt_import(file, 1), "@acme/big/x");
        }
        groups.add(key("one"), unbuilt_import(5, 5), "@acme/one");
        let findings = groups.into_findings();
        let summary: Vec<(usize, u32, usize)> = findings
            .iter()
            .map(|f| (f.file, f.span.start.line, f.related.len()))
            .collect();
        assert_eq!(summary, vec![(0, 1, MAX_RELATED), (1, 2, 2), (5, 5, 0)]);
        assert!(findings[0].message.starts_with(
            "cannot check 30 imports of `@acme/big` (the workspace package big/): this one and 29 more, related (the first 20 listed): `big/dist/` is build output"
        ));
        assert!(
            findings[0]
                .message
                .ends_with("then the imports can be checked")
        );
        assert_eq!(findings[1].related[0].file, 1);
        assert_eq!(findings[1].related[0].span.start.line, 9);
        assert_eq!(findings[1].related[0].message, "`@acme/gen` imported");
        assert_eq!(
            findings[2].message, "own message 5:5",
            "a lone import keeps its message"
        );
    }

    #[test]
    fn tsconfig_out_dir_maps_back_to_root_dir() {
        let (root, fs) = tree(&[
            (
                "tsconfig.build.json",
                r#"{ "compilerOptions": { "outDir": "${configDir}/dist", "rootDir": "${configDir}/src" } }"#,
            ),
            (
                "pkg/tsconfig.json",
                r#"{ "extends": "../tsconfig.build.json", /* c */ }"#,
            ),
            ("pkg/src/util/index.ts", ""),
        ]);
        let twins = SourceTwins::default();
        let twin = twins
            .find(&fs, "pkg", "pkg/dist/util/index.d.ts", &dist("pkg/dist"))
            .unwrap();
        assert_eq!(twin.source, "pkg/src/util/index.ts");
        assert!(matches!(twin.rule, TwinRule::Tsconfig { .. }));
        assert_eq!(
            twins.find(&fs, "pkg", "pkg/dist/missing.js", &dist("pkg/dist")),
            None
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_src_twin_is_found_through_format_folders() {
        let (root, fs) = tree(&[("pkg/src/index.tsx", ""), ("pkg/src/style.css", "")]);
        let twins = SourceTwins::default();
        let found = |target: &str| {
            twins
                .find(&fs, "pkg", target, &dist("pkg/dist"))
                .map(|twin| twin.source)
        };
        assert_eq!(
            found("pkg/dist/esm/index.mjs").as_deref(),
            Some("pkg/src/index.tsx")
        );
        assert_eq!(
            found("pkg/dist/style.css").as_deref(),
            Some("pkg/src/style.css")
        );
        assert_eq!(found("pkg/dist/other.js"), None);
        assert_eq!(
            found("pkg/dist/index").as_deref(),
            Some("pkg/src/index.tsx")
        );
        assert_eq!(
            found("pkg/dist").as_deref(),
            None,
            "the build folder itself"
        );
        assert_eq!(
            twins.find(&fs, "pkg", "pkg/x/dist/index.js", &dist("pkg/x/dist")),
            None,
            "only a build folder directly in the package has a src/ twin"
        );
        std::fs::remove_dir_all(root).unwrap();
    }
}
