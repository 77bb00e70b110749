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
    /// The module's names cannot be known statically: it defines `__getattr__`, star-imports, or
    /// writes `globals()` / `sys.modules`.
    pub dynamic_names: bool,
    /// The module edits `sys.path` (or calls `site.addsitedir`) at run time.
    pub edits_sys_path: bool,
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
    /// The statement, whitespace-collapsed, for fingerprints.
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
    pub snippet: String,
    /// Inside a `try` block (a `require` that may fail on purpose).
    pub guarded: bool,
}
