use plumb_diagnostics::Severity;
use plumb_facts::resolve::FindingKind;
use plumb_macros::Rule;

use crate::{NeededFacts, ProjectIndex, ProjectRule, ProjectViolation};

/// ## What it does
/// Reports an absolute import that does not resolve statically in a file that edits
/// `sys.path` at run time (`sys.path.insert`, `append`, `extend`, assignment, or
/// `site.addsitedir`).
///
/// Such a file may make the import work by adding a directory that only exists at run time, so
/// the finding is informational: the import is neither confirmed nor refuted. Relative imports
/// do not depend on `sys.path` and stay IMP001.
///
/// ## Why is this bad?
/// Editing `sys.path` hides where modules come from: tools, IDEs and other entry points cannot
/// find them, and the import breaks when the file is run from another directory.
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
    languages = "python",
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

    fn needed_facts(&self) -> NeededFacts {
        super::NEEDED_FACTS
    }
}
