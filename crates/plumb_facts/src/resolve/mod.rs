//! Static import resolution over the project index: every import of every file either resolves
//! (a first-party module, the standard library, a declared dependency) or becomes a finding that
//! says what was tried. Nothing is executed; the filesystem is only listed, under the project
//! root.

mod build_output;
pub mod deps;
mod ecma;
mod frameworks;
mod fs;
mod jest;
mod js_literal;
mod outside_root;
pub mod python;
mod suggest;
mod tsconfig;
pub mod venv;
mod vite;
mod workspace;

use plumb_diagnostics::Span;

use crate::ProjectIndex;

/// Why an import is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FindingKind {
    /// IMP001: the import cannot resolve.
    Unresolved,
    /// IMP002: a third-party import no declared dependency provides.
    Undeclared,
    /// IMP003: unresolved, in a file that edits `sys.path` at run time.
    Unverifiable,
}

/// One import that did not resolve, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportFinding {
    /// Index into [`ProjectIndex::files`].
    pub file: usize,
    pub kind: FindingKind,
    pub span: Span,
    pub message: String,
    pub snippet: String,
    /// The import is guarded (try/except ImportError, an environment test) or only for type
    /// checking: the code expects it may be missing, so it is reported at a lower severity.
    pub guarded: bool,
    /// Other imports this finding stands for (an unbuilt workspace package is reported once,
    /// at its first import): shown as related locations.
    pub related: Vec<RelatedImport>,
}

/// Another import site a finding stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedImport {
    /// Index into [`ProjectIndex::files`].
    pub file: usize,
    pub span: Span,
    pub message: String,
}

/// What `plumb explain-import` prints: the configuration the resolver used, each step it took
/// (candidate paths in order), and the verdict: `Ok` when the import resolves (or is not
/// checked), `Err` with the finding an IMP rule would report and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub context: Vec<String>,
    pub tried: Vec<String>,
    pub verdict: Result<String, (FindingKind, String)>,
}

/// Explains how `specifier`, written in the file at the project path `path`, resolves: as
/// Python when the file is Python, else as TypeScript/JavaScript. `Err` for a specifier that
/// cannot be an import.
pub fn explain_import(
    index: &ProjectIndex,
    file: &std::path::Path,
    path: &str,
    specifier: &str,
) -> Result<Explanation, String> {
    let is_python = file
        .extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| matches!(extension, "py" | "pyi"));
    if is_python {
        python::explain(index, path, specifier)
    } else {
        ecma::explain(index, file, path, specifier)
    }
}

/// Resolves every import of the index, in file order, then source order.
pub fn resolve_imports(index: &ProjectIndex) -> Vec<ImportFinding> {
    // The two languages' resolvers share nothing: the TS/JS one runs while the Python one
    // spreads its files over the other workers.
    // Both languages' resolvers list much of the same tree (the TS/JS one looks for configs
    // 5 directories deep, the Python one for dependency declarations 4 deep): each directory
    // is listed once for both.
    let fs = std::sync::Arc::new(fs::FsCache::new(&index.project_root));
    let (mut findings, ecma) = rayon::join(
        || python::check(index, fs.clone()),
        || ecma::check(index, fs.clone()),
    );
    findings.extend(ecma);
    findings.sort_by(|a, b| {
        (a.file, a.span.start.line, a.span.start.column, a.kind).cmp(&(
            b.file,
            b.span.start.line,
            b.span.start.column,
            b.kind,
        ))
    });
    findings
}
