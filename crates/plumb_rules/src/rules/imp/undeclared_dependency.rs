use plumb_diagnostics::Severity;
use plumb_facts::resolve::FindingKind;
use plumb_facts::resolve::deps::import_names_table;
use plumb_macros::Rule;

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::{ConfigurableRule, NeededFacts, ProjectIndex, ProjectRule, ProjectViolation};

/// ## What it does
/// Reports a third-party import that no declared dependency provides.
///
/// An import is third-party when it is neither first-party (see IMP001) nor part of the
/// standard library. Python dependencies are read from every `pyproject.toml` (`dependencies`,
/// `optional-dependencies`, PEP 735 `dependency-groups`, `build-system.requires`, Poetry, PDM,
/// uv and Hatch tables), `requirements*.txt` and `.txt` files under `requirements*/`,
/// `setup.cfg`, `tox.ini` `deps`, `Pipfile`, `.in` files named `requirements*` or under
/// `requirements*/`, and literal `setup(install_requires=...)`
/// arguments in `setup.py` under the project root. A distribution provides the import name equal to its
/// normalized name (lowercase, `-` and `.` as `_`), plus known mismatches from a bundled table
/// (`PyYAML` provides `yaml`, `Pillow` `PIL`, `beautifulsoup4` `bs4`, `google-*` `google`, ...)
/// and from `python.dependency-import-names` in the configuration.
///
/// Nothing is reported when the project declares no dependencies in a readable form, or has a
/// `setup.py` that computes them (unless it reads requirement files that were read too), and
/// not for a name that is a module or package somewhere in the project (a path set up at run
/// time). Guarded imports (see IMP001) are not reported.
///
/// In TypeScript and JavaScript, a bare specifier (`lodash/get`, `@scope/pkg`) that does not
/// resolve (no `node_modules`) must be declared in the nearest `package.json` or one above it
/// (`dependencies`, `devDependencies`, `peerDependencies`, `optionalDependencies`), directly or
/// as its `@types/` package, or be the name of a package of the project, or be declared
/// ambiently somewhere in the project (`declare module "x"`, `declare module "x-*"`). Likely
/// bundler aliases are not reported: `@/x`, and specifiers whose first segment names an entry
/// of the package's folder or its `src/` (`components/Button`). Nothing is reported
/// for specifiers a `tsconfig.json` `paths` key may map, whose first segment exists in a
/// tsconfig's `baseUrl` directory, or when a tsconfig cannot be read. Node built-ins (`fs`, `node:fs`) always resolve.
///
/// ## Why is this bad?
/// An undeclared dependency works on the machine where it happens to be installed and fails in
/// a fresh environment, a container or CI.
///
/// ## Example
/// ```python
/// # pyproject.toml declares dependencies = ["httpx"]
/// import requests
/// ```
///
/// ## Use instead
/// ```python
/// # pyproject.toml declares dependencies = ["httpx", "requests"]
/// import requests
/// ```
///
/// ## Options
/// In `[python]`: `dependency-import-names`, a table of distribution name to the top-level
/// import names it provides, added to the bundled table:
/// `dependency-import-names = { "acme-client" = ["acme"] }`.
///
/// In `[rules.IMP002]`: `transitive`, a table of declared distribution to the top-level import
/// names of packages it installs, which the code imports without declaring them itself
/// (`transitive = { boto3 = ["botocore", "s3transfer"] }`: `botocore` comes with `boto3`). Such
/// an import is accepted only while the distribution on the left is declared, so dropping
/// `boto3` brings the `botocore` finding back (deptry calls these DEP003, transitive
/// dependencies, and can only ignore them by name). Python only: in TypeScript/JavaScript a
/// package manager with strict `node_modules` (pnpm, Yarn PnP) does not let code import an
/// undeclared package at all, so declare it.
#[derive(Debug, Default, Rule)]
#[rule(
    code = "IMP002",
    name = "undeclared-dependency",
    family = "IMP",
    scope = "project",
    languages = "python, typescript, javascript",
    default_severity = "warning",
    since = "0.1.0"
)]
pub struct UndeclaredDependency {
    /// `transitive`, checked, by normalized distribution name.
    transitive: BTreeMap<String, Vec<String>>,
}

/// `[rules.IMP002]` as written in the configuration. Import resolution reads `transitive`
/// ([`ProjectRule::configure_index`] adds it to what declared distributions provide, beside
/// `python.dependency-import-names`); the rule only reports what resolution found.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct UndeclaredDependencyOptions {
    /// Declared distribution -> top-level import names of packages it installs.
    pub transitive: BTreeMap<String, Vec<String>>,
}

impl ConfigurableRule for UndeclaredDependency {
    type Options = UndeclaredDependencyOptions;

    fn with_options(options: UndeclaredDependencyOptions) -> Self {
        Self::try_with_options(options).unwrap_or_default()
    }

    fn try_with_options(options: UndeclaredDependencyOptions) -> Result<Self, String> {
        let transitive = import_names_table(&options.transitive, "transitive")
            .map_err(|(_, message)| message)?;
        Ok(UndeclaredDependency { transitive })
    }
}

impl ProjectRule for UndeclaredDependency {
    fn check(&self, index: &ProjectIndex, violations: &mut Vec<ProjectViolation>) {
        super::report(
            index,
            FindingKind::Undeclared,
            Severity::Warning,
            violations,
        );
    }

    fn needed_facts(&self, _role: crate::FileRole) -> NeededFacts<'_> {
        super::NEEDED_FACTS
    }

    /// What a declared distribution installs besides itself is provided by it, exactly as its
    /// own import names are.
    fn configure_index(&self, index: &mut ProjectIndex) {
        for (distribution, names) in &self.transitive {
            index
                .python_import_names
                .entry(distribution.clone())
                .or_default()
                .extend(names.iter().cloned());
        }
    }

    /// The import resolution the IMP rules share.
    fn prepare(&self, index: &ProjectIndex) {
        index.import_findings();
    }
}
