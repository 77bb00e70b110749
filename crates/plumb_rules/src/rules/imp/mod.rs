//! IMP: imports that do not resolve, or that nothing declared provides.

pub mod undeclared_dependency;
pub mod unresolved_import;
pub mod unverifiable_import;

use plumb_facts::resolve::FindingKind;

use crate::{ProjectIndex, ProjectViolation, Severity, Violation};

/// The index's import findings of one kind, as violations; guarded imports (try/except
/// ImportError, `TYPE_CHECKING`) at most at warning.
fn report(
    index: &ProjectIndex,
    kind: FindingKind,
    violations: &mut Vec<(ProjectViolation, Option<Severity>)>,
) {
    for finding in index.import_findings() {
        if finding.kind != kind {
            continue;
        }
        let cap = finding.guarded.then_some(Severity::Warning);
        let violation = ProjectViolation {
            file: finding.file,
            violation: Violation {
                span: finding.span,
                message: finding.message.clone(),
                notes: Vec::new(),
                symbol: String::new(),
                snippet: finding.snippet.clone(),
                related: Vec::new(),
            },
        };
        violations.push((violation, cap));
    }
}

/// Collects capped violations into plain ones, for [`crate::ProjectRule::check`].
fn uncapped(capped: Vec<(ProjectViolation, Option<Severity>)>, out: &mut Vec<ProjectViolation>) {
    out.extend(capped.into_iter().map(|(violation, _)| violation));
}
