//! The `gitlab` format: a GitLab Code Quality report (`artifacts:reports:codequality`), a JSON
//! array of Code Climate issues.
//!
//! Every violation is included, known ones too: GitLab compares the report of the merge
//! request's head with its base by `fingerprint` and shows only what changed, so it needs the
//! whole picture. The fingerprint is plumb's own (line-free, with an occurrence index), which is
//! unique per violation and stable across unrelated edits, exactly what GitLab's diffing wants.
//! Severities: error → `major`, warning → `minor`, info → `info` (`critical` and `blocker` are
//! left for findings that break the build or a release, which no plumb rule claims to know).

use plumb_diagnostics::{CheckOutcome, Diagnostic, Severity};
use serde_json::{Value, json};

use crate::RunInfo;
use crate::ci::{RepositoryPaths, full_message};

pub(crate) fn render(outcome: &CheckOutcome, run: &RunInfo) -> String {
    let paths = RepositoryPaths::new(&run.working_directory);
    let issues: Vec<Value> = outcome
        .diagnostics
        .iter()
        .map(|diagnostic| issue(diagnostic, &paths))
        .collect();
    let mut text =
        serde_json::to_string_pretty(&Value::Array(issues)).expect("JSON values always serialize");
    text.push('\n');
    text
}

fn issue(diagnostic: &Diagnostic, paths: &RepositoryPaths) -> Value {
    let span = diagnostic.span;
    json!({
        "type": "issue",
        "engine_name": "plumb",
        "check_name": diagnostic.code,
        "description": format!("{}: {}", diagnostic.code, full_message(diagnostic)),
        "severity": severity(diagnostic.severity),
        "fingerprint": diagnostic.fingerprint,
        "location": {
            "path": paths.path(&diagnostic.path),
            "lines": {
                "begin": span.start.line,
                "end": span.end.line.max(span.start.line),
            },
        },
    })
}

pub(crate) fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ci::tests::diagnostic;
    use plumb_diagnostics::BaselineState;

    #[test]
    fn every_violation_is_an_issue_known_ones_too() {
        let mut warning = diagnostic("IMP002", "b.py", 4, Some(BaselineState::New));
        warning.severity = Severity::Warning;
        warning.notes = vec!["declare it".into()];
        let outcome = CheckOutcome {
            diagnostics: vec![
                diagnostic("MCK001", "a.py", 1, Some(BaselineState::Unchanged)),
                warning,
            ],
            ..CheckOutcome::default()
        };
        let run = crate::RunInfo {
            tool_version: "0.0.0".into(),
            rules: Vec::new(),
            working_directory: "/nonexistent-plumb-test-dir".into(),
            color: false,
            statistics: false,
        };
        let issues: Value = serde_json::from_str(&render(&outcome, &run)).unwrap();
        assert_eq!(
            issues,
            json!([
                {
                    "type": "issue", "engine_name": "plumb", "check_name": "MCK001",
                    "description": "MCK001: MCK001 found", "severity": "major",
                    "fingerprint": "MCK001-a.py-1",
                    "location": { "path": "a.py", "lines": { "begin": 1, "end": 1 } },
                },
                {
                    "type": "issue", "engine_name": "plumb", "check_name": "IMP002",
                    "description": "IMP002: IMP002 found\ndeclare it", "severity": "minor",
                    "fingerprint": "IMP002-b.py-4",
                    "location": { "path": "b.py", "lines": { "begin": 4, "end": 4 } },
                },
            ])
        );
        assert_eq!(severity(Severity::Info), "info");
    }
}
