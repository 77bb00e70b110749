//! IMP: imports that do not resolve, or that nothing declared provides.

pub mod undeclared_dependency;
pub mod unresolved_import;
pub mod unverifiable_import;

use plumb_diagnostics::RelatedLocation;
use plumb_facts::resolve::FindingKind;

use crate::{NeededFacts, ProjectIndex, ProjectViolation, Severity, Violation};

/// The IMP rules read imports (and ambient module declarations), nothing else.
const NEEDED_FACTS: NeededFacts<'static> = NeededFacts {
    imports: true,
    ..NeededFacts::NONE
};

/// The code of the rule that reports findings of `kind` (`plumb explain-import` names it).
pub fn code_of(kind: FindingKind) -> &'static str {
    use crate::RuleMetadata;
    match kind {
        FindingKind::Unresolved => unresolved_import::UnresolvedImport::META.code,
        FindingKind::Undeclared => undeclared_dependency::UndeclaredDependency::META.code,
        FindingKind::Unverifiable => unverifiable_import::UnverifiableImport::META.code,
    }
}

/// The index's import findings of one kind, as violations; guarded imports (try/except
/// ImportError, `TYPE_CHECKING`) at most at `guarded_severity`.
fn report(
    index: &ProjectIndex,
    kind: FindingKind,
    guarded_severity: Severity,
    violations: &mut Vec<ProjectViolation>,
) {
    for finding in index.import_findings() {
        if finding.kind != kind {
            continue;
        }
        violations.push(ProjectViolation {
            file: finding.file,
            violation: Violation {
                span: finding.span,
                message: finding.message.clone(),
                notes: Vec::new(),
                symbol: String::new(),
                snippet: finding.snippet.clone(),
                related: finding
                    .related
                    .iter()
                    .map(|related| RelatedLocation {
                        path: index.files[related.file].display_path.clone(),
                        span: related.span,
                        message: related.message.clone(),
                    })
                    .collect(),
            },
            severity_cap: finding.guarded.then_some(guarded_severity),
        });
    }
}
