use plumb_facts::resolve::FindingKind;
use plumb_macros::Rule;

use plumb_diagnostics::Severity;
use serde::Deserialize;

use crate::{ConfigurableRule, NeededFacts, ProjectIndex, ProjectRule, ProjectViolation};

/// ## What it does
/// Reports an import that cannot resolve to a module, and says what was tried.
///
/// Imports are resolved statically, without running anything. In Python, a first-party import
/// (`import app.agents.engine`, `from app.agents import engine`) must name an existing module:
/// a `.py` or `.pyi` file, a package with `__init__.py`, or a namespace directory, under one of
/// the import roots (the project root, `src/`, every directory that holds a top-level package,
/// pytest `pythonpath` from `pyproject.toml`, `pytest.ini`, `tox.ini` `[pytest]` and `setup.cfg`
/// `[tool:pytest]`, setuptools `package-dir` / `packages.find` `where` from `pyproject.toml`
/// and `setup.cfg`, Poetry `packages` `from`; for each file also its own directory when it is
/// not in a package, pytest's base directory (the first directory upward without
/// `__init__.py`), and the base directory of every `conftest.py` above it). A subpackage that a
/// declared distribution is named after (`proj.sdk` and `proj-sdk`) may be installed into the
/// project's package, so it is not reported. `from m import n`
/// also needs `n` to be a submodule of `m` or a name `m` binds (assignment, `def`, `class`,
/// import, `__all__`), unless `m` defines `__getattr__`, star-imports, runs `exec`, or writes
/// its namespace (`globals()[...] = ...`, `globals().update(...)`, `vars()[...] = ...`,
/// `setattr(sys.modules[__name__], ...)`, `sys.modules[__name__] = ...`); only reading
/// `sys.modules` or `globals()` keeps the names known. A miss below a package that installs an
/// import hook is IMP003 instead.
/// Relative imports resolve from the file's package and must not go above the top-level
/// package or the project root. When the deepest package that did resolve has a module or
/// package with a close name (edit distance at most 2, or a singular/plural pair), the message
/// names it: `did you mean `app.agents.execution_engine`?`.
///
/// The standard library of the target Python version (`--target-version`,
/// `python.target-version`, else the lower bound of `requires-python`) resolves; a module of
/// the standard library of other versions only (`tomllib` for a 3.10 target, `imp` for 3.12)
/// does not, unless a declared or installed distribution or a module of the project provides it
/// (a backport such as `standard-telnetlib`), and the message says where it exists. When no
/// target is configured, the standard library of every version from 3.7 on resolves. Other imports are
/// third-party: when the project has a virtual environment (`python.venv`, else `.venv/` or
/// `venv/` with a `pyvenv.cfg`, else the activated `VIRTUAL_ENV` outside pre-commit hooks),
/// they must be installed in its `site-packages` (package and module names,
/// `top_level.txt` and `RECORD` of each distribution; a `.pth` path file makes every name
/// possible); without one they are IMP002's concern. A first-party top-level name that a
/// declared or installed distribution also provides is given the benefit of the doubt, unless
/// the package sits in the project root, `src/` or a configured or declared source root: then
/// it is the project's own and checked (an example's requirements listing the project, or an
/// editable install, change nothing).
///
/// An import guarded by `try: ... except ImportError` (or a broader handler, including the
/// fallback in the handler), under a test of `sys.version_info` / `sys.platform`, under
/// `if X: import a` / `else: import b` alternatives, or under `if TYPE_CHECKING:` is still
/// resolved: a first-party or relative miss is reported at `guarded-severity` (default
/// `warning`) at most, and a
/// third-party one, or a standard library module of other Python versions, is an optional
/// dependency and not reported. In a file that edits
/// `sys.path`, an unresolved absolute import is IMP003 instead.
///
/// In TypeScript and JavaScript, a relative specifier (`./x`, `../x`) must resolve with
/// `oxc_resolver`: extensions and `index` files, `.js` written for a `.ts` file, `tsconfig.json`
/// `paths` with `extends`, `package.json` `exports`/`imports`. Covered forms: `import`,
/// `import type`, `export ... from`, `import("literal")`, `require("literal")`,
/// `import x = require("literal")` and `jest.mock` / `vi.mock("literal")`. A bare specifier
/// that matches a `paths` key of the nearest `tsconfig.json` (`@lib/*`, not the catch-all `*`)
/// is first-party and must resolve too (the nearest tsconfig's `paths` apply also to files it
/// does not `include`, such as `jest.setup.js` or scripts, as bundlers apply them; when no
/// mapped file exists and the specifier names a workspace package, it is checked as that
/// package, where TypeScript's lookup goes next), and so must a bare specifier that a Jest
/// `moduleNameMapper` (in `jest.config.json`, in `jest.config.js`/`.cjs`/`.mjs`/`.ts`/`.cts`/`.mts`
/// when it is an object literal of strings, or in the `jest` field of `package.json`; the nearest
/// config above the file, first matching key) maps to a `<rootDir>` path, or that a Vite/Vitest
/// `resolve.alias` object of string literals (`vite.config.ts`, `vitest.config.ts`) maps to a
/// root-relative directory of the project (`"@": "/src"`). A missing relative specifier names the file of the
/// target directory with the closest name, if one is close. Specifiers with a
/// loader or query (`?raw`, `!`), a URL scheme, or a `require` inside `try` are skipped.
///
/// ## Why is this bad?
/// An import that does not resolve fails when the module is first imported, often at start-up
/// in production: `from app.agents import execution_engines` crashes the service if the module
/// was renamed or never committed.
///
/// ## Example
/// ```python
/// # app/agents/__init__.py exists, app/agents/execution_engines.py does not
/// from app.agents import execution_engines
/// ```
///
/// ## Use instead
/// ```python
/// from app.agents import execution_engine  # the module that exists
/// ```
///
/// ## Options
/// In `[python]` (they apply to all IMP rules):
/// - `roots`: import roots, relative to the project root; replace the discovered ones (the
///   per-file script and pytest directories still apply);
/// - `venv`: the virtual environment to check third-party imports against, relative to the
///   project root (default `.venv` or `venv` when it holds a `pyvenv.cfg`).
///
/// In `[rules.IMP001]`:
/// - `guarded-severity`: the highest severity of a guarded first-party or relative miss
///   (`error`, `warning` or `info`; default `warning`). `error` treats a guard as no excuse.
#[derive(Debug, Default, Rule)]
#[rule(
    code = "IMP001",
    name = "unresolved-import",
    family = "IMP",
    scope = "project",
    languages = "python, typescript, javascript",
    default_severity = "error",
    since = "0.1.0"
)]
pub struct UnresolvedImport {
    options: UnresolvedImportOptions,
}

/// `[rules.IMP001]` as written in the configuration.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct UnresolvedImportOptions {
    /// A guarded import is reported at this severity at most: the code expects it may be
    /// missing, so it is not the crash at start-up IMP001 is for.
    pub guarded_severity: Severity,
}

impl Default for UnresolvedImportOptions {
    fn default() -> Self {
        UnresolvedImportOptions {
            guarded_severity: Severity::Warning,
        }
    }
}

impl ConfigurableRule for UnresolvedImport {
    type Options = UnresolvedImportOptions;

    fn with_options(options: UnresolvedImportOptions) -> Self {
        UnresolvedImport { options }
    }
}

impl ProjectRule for UnresolvedImport {
    fn check(&self, index: &ProjectIndex, violations: &mut Vec<ProjectViolation>) {
        super::report(
            index,
            FindingKind::Unresolved,
            self.options.guarded_severity,
            violations,
        );
    }

    fn needed_facts(&self, _role: crate::FileRole) -> NeededFacts<'_> {
        super::NEEDED_FACTS
    }

    /// The import resolution the IMP rules share.
    fn prepare(&self, index: &ProjectIndex) {
        index.import_findings();
    }
}
