use plumb_diagnostics::Severity;
use plumb_facts::resolve::FindingKind;
use plumb_macros::Rule;

use crate::{NeededFacts, ProjectIndex, ProjectRule, ProjectViolation};

/// ## What it does
/// Reports an import that does not resolve statically but may once the project is set up: a
/// Python file edits `sys.path`, a Python package installs an import hook, or a
/// TypeScript/JavaScript target lies in build output.
///
/// In Python: an absolute import in a file that edits `sys.path` at run time
/// (`sys.path.insert`, `append`, `extend`, assignment, or `site.addsitedir`); a module that
/// does not exist below a module or package `__init__` that installs an import hook
/// (`sys.meta_path` or `sys.path_hooks` entries, `sys.modules[name] = ...`,
/// `sys.modules.setdefault(...)`, `__path__` assigned or extended other than by
/// `pkgutil.extend_path`, `module.__path__ = ...`): the message names the hook. In
/// TypeScript/JavaScript: an import whose target lies in build output that is not there (a
/// missing `dist/`, `build/`, `out/`, `generated/`, `__generated__/`, React Router `+types`,
/// or such a folder that git ignores and that lacks the file).
///
/// A workspace package's target in build output is first checked against the package's source,
/// as TypeScript project references do: through the `outDir` and `rootDir` of the package's
/// `tsconfig*.json` (own or inherited, `${configDir}` expanded), else in a `src/` folder beside
/// the build folder, with the same relative path (`dist/esm/index.mjs` -> `src/index.ts`); the
/// same holds for a relative import of the file's own package build folder. When the source
/// exists, the import resolves. What stays unverifiable is reported once per imported package
/// and build folder, at its first import, with the number of imports it stands for and the
/// others as related locations (`plumb explain-import` shows the verdict of each).
///
/// Such an import is neither confirmed nor refuted, so the finding is informational. A Python
/// relative import does not depend on `sys.path` and stays IMP001; a TypeScript target in a
/// committed folder stays IMP001.
///
/// ## Why is this bad?
/// Editing `sys.path` hides where modules come from: tools, IDEs and other entry points cannot
/// find them, and the import breaks when the file is run from another directory. An import of
/// build output can only be checked after a build, and breaks when the build layout changes.
///
/// ## Example
/// ```python
/// import sys
/// sys.path.insert(0, "/opt/legacy")
/// import legacy_helpers
/// ```
///
/// ## Use instead
/// ```python
/// # install legacy_helpers as a package, or configure python.roots
/// import legacy_helpers
/// ```
///
/// ## Options
/// None yet.
#[derive(Debug, Default, Rule)]
#[rule(
    code = "IMP003",
    name = "unverifiable-import",
    family = "IMP",
    scope = "project",
    languages = "python, typescript, javascript",
    default_severity = "info",
    since = "0.1.0"
)]
pub struct UnverifiableImport;

impl ProjectRule for UnverifiableImport {
    fn check(&self, index: &ProjectIndex, violations: &mut Vec<ProjectViolation>) {
        super::report(
            index,
            FindingKind::Unverifiable,
            Severity::Warning,
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
