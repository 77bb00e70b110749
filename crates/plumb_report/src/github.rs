//! The `github` format: one GitHub Actions workflow command per violation
//! (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE name::message`), which the
//! runner turns into annotations on the pull request, then the plain summary so the log reads
//! like the concise format's.
//!
//! With a baseline only new violations are annotated; the summary counts the known ones.
//! Paths are relative to the repository root, which is what GitHub resolves them against, even
//! when `plumb` runs in a subdirectory.

use plumb_diagnostics::{CheckOutcome, Diagnostic, Severity};

use crate::RunInfo;
use crate::ci::{RepositoryPaths, full_message, new_diagnostics};
use crate::text;

pub(crate) fn render(outcome: &CheckOutcome, run: &RunInfo) -> String {
    let paths = RepositoryPaths::new(&run.working_directory);
    let mut out = String::new();
    for diagnostic in new_diagnostics(outcome) {
        out.push_str(&command(diagnostic, &paths));
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    // The text summary counts new, known (not listed) and fixed violations when a baseline
    // was used, which is what the log needs to say about the known ones left unannotated.
    out.push_str(&text::summary(&outcome.summary));
    out
}

/// The workflow command for one violation.
fn command(diagnostic: &Diagnostic, paths: &RepositoryPaths) -> String {
    let level = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let span = diagnostic.span;
    // GitHub requires an end column at or after the start column on a one-line region.
    let end_column = if span.end.line == span.start.line {
        span.end.column.max(span.start.column)
    } else {
        span.end.column
    };
    let title = format!("{} {}", diagnostic.code, diagnostic.rule);
    format!(
        "::{level} file={},line={},col={},endLine={},endColumn={end_column},title={}::{}",
        escape_property(&paths.path(&diagnostic.path)),
        span.start.line,
        span.start.column,
        span.end.line.max(span.start.line),
        escape_property(&title),
        escape_data(&full_message(diagnostic)),
    )
}

/// The message of a workflow command, escaped as `@actions/core` does (`escapeData`): `%`
/// first, then carriage return and line feed, so a message cannot end the command early.
pub(crate) fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value of a workflow command (`escapeProperty`): the data escapes plus `:` and `,`,
/// which separate the properties from each other and from the message.
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ci::tests::{diagnostic, run};
    use plumb_diagnostics::{BaselineState, BaselineSummary, Summary};

    #[test]
    fn escaping_matches_the_actions_toolkit() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(
            escape_property("a,b:c%d\ne"),
            "a%2Cb%3Ac%25d%0Ae".to_string()
        );
        // `%` is escaped first, so an existing `%0A` in a message stays literal text.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn one_command_per_violation_with_level_by_severity() {
        let mut warning = diagnostic("IMP002", "x,y:z.py", 3, None);
        warning.severity = Severity::Warning;
        warning.notes = vec!["second line".into()];
        let mut info = diagnostic("IMP003", "i.py", 1, None);
        info.severity = Severity::Info;
        let outcome = CheckOutcome {
            diagnostics: vec![diagnostic("SYN001", "a.py", 2, None), warning, info],
            ..CheckOutcome::default()
        };
        let text = render(&outcome, &run());
        let lines: Vec<&str> = text.lines().take(3).collect();
        assert_eq!(
            lines,
            [
                "::error file=a.py,line=2,col=1,endLine=2,endColumn=5,title=SYN001 rule-of-syn001::SYN001 found",
                "::warning file=x%2Cy%3Az.py,line=3,col=1,endLine=3,endColumn=5,title=IMP002 rule-of-imp002::IMP002 found%0Asecond line",
                "::notice file=i.py,line=1,col=1,endLine=1,endColumn=5,title=IMP003 rule-of-imp003::IMP003 found",
            ]
        );
        assert!(text.contains("\nFiles: "), "{text}");
    }

    #[test]
    fn known_violations_are_not_annotated() {
        let outcome = CheckOutcome {
            diagnostics: vec![
                diagnostic("MCK001", "t.py", 1, Some(BaselineState::Unchanged)),
                diagnostic("MCK001", "t.py", 9, Some(BaselineState::New)),
            ],
            summary: Summary {
                baseline: Some(BaselineSummary {
                    file: ".plumb-baseline.json".into(),
                    root: String::new(),
                    new: 1,
                    known: 1,
                    fixed: Vec::new(),
                }),
                ..Summary::default()
            },
            ..CheckOutcome::default()
        };
        let text = render(&outcome, &run());
        assert_eq!(text.matches("::error").count(), 1, "{text}");
        assert!(text.contains("line=9,"), "{text}");
    }
}
