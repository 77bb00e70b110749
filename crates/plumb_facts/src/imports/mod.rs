//! Import statements of one file, as facts: what each file asks for, where, and under which
//! guard. Resolving them against the project is [`crate::resolve`]'s job.

pub(crate) mod ecma;
pub(crate) mod python;

use plumb_diagnostics::Span;
use serde::{Deserialize, Serialize};

/// What a Python module imports and what it binds at module level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PythonImports {
    pub imports: Vec<PyImport>,
    /// Names bound at module level (assignments, `def`, `class`, imports, `__all__` entries,
    /// `global` declarations), sorted and deduplicated: what `from this import name` can find.
    pub bound_names: Vec<String>,
    /// The module's names cannot be known statically: it defines `__getattr__`, star-imports,
    /// runs `exec`, or writes its namespace (`globals()[...] = ...`, `globals().update(...)`,
    /// `setattr(sys.modules[__name__], ...)`, `sys.modules[__name__] = ...`). Reading
    /// `sys.modules` or `globals()` does not count.
    pub dynamic_names: bool,
    /// The first import hook the module installs (`sys.meta_path` / `sys.path_hooks` entries,
    /// `sys.modules[name] = ...`, a `__path__` other than `pkgutil.extend_path`'s): modules
    /// below it may be provided at run time.
    pub import_hook: Option<ImportHook>,
    /// The module sets `__path__` with `pkgutil.extend_path` or calls
    /// `pkg_resources.declare_namespace`: its submodules may come from other distributions.
    pub shares_namespace: bool,
    /// The module edits `sys.path` (or calls `site.addsitedir`) at run time.
    pub edits_sys_path: bool,
}

/// Where a module installs an import hook, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportHook {
    /// The call or assignment, shortened: `sys.meta_path.insert(...)`, `sys.modules['a.b'] = ...`.
    pub written: String,
    /// 1-based line.
    pub line: u32,
}

/// One `import a.b` alias, or one `from ... import ...` statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PyImport {
    /// Dotted module name; `None` for `from . import x`.
    pub module: Option<String>,
    /// Number of leading dots (0 for absolute imports).
    pub level: u32,
    /// `from` imports: the names imported (`*` for a star import), with their spans. Empty for
    /// `import a.b`.
    pub names: Vec<(String, Span)>,
    pub is_from: bool,
    /// Span of the alias (`import`) or of the module part (`from`).
    pub span: Span,
    /// The statement in fingerprint form (`Fingerprint::normalize`, capped), for fingerprints.
    pub snippet: String,
    /// Inside `try:` whose handlers catch `ImportError` / `ModuleNotFoundError` (or broader), or
    /// under an `if` that tests `sys.version_info` / `sys.platform`: the code expects it may
    /// be missing.
    pub guarded: bool,
    /// Under `if TYPE_CHECKING:`.
    pub type_checking: bool,
}

/// How a TypeScript/JavaScript file refers to another module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EcmaImportKind {
    Import,
    ImportType,
    ExportFrom,
    DynamicImport,
    Require,
    /// `jest.mock("x")`, `vi.mock("x")` and friends.
    Mock,
}

/// One module specifier written literally in a TypeScript/JavaScript file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcmaImport {
    pub specifier: String,
    pub kind: EcmaImportKind,
    /// Span of the string literal.
    pub span: Span,
    /// The statement in fingerprint form (`Fingerprint::normalize`, capped), for fingerprints.
    pub snippet: String,
    /// Inside a `try` block (a `require` that may fail on purpose).
    pub guarded: bool,
}
