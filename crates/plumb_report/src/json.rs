//! The JSON format: a versioned document with diagnostics, per-file records and the summary.
//! The shape is documented in the README; bump [`JSON_SCHEMA_VERSION`] on incompatible changes.

use plumb_diagnostics::{
    BaselineState, CheckOutcome, Diagnostic, FileRecord, RelatedLocation, Severity, Summary,
};
use serde::Serialize;

use crate::RunInfo;

pub const JSON_SCHEMA_VERSION: u32 = 2;

/// The document, borrowed from the outcome and written field by field: a `serde_json::Value`
/// of every diagnostic first took about 1 GB for the 270,000 diagnostics of a 100,000-file
/// synthetic monorepo. Fields in the order the README documents (serde_json keeps it).
#[derive(Serialize)]
struct Document<'o> {
    version: u32,
    tool: Tool<'o>,
    summary: &'o Summary,
    diagnostics: Diagnostics<'o>,
    files: &'o [FileRecord],
}

#[derive(Serialize)]
struct Tool<'o> {
    name: &'static str,
    version: &'o str,
}

/// The diagnostics, each written as [`DiagnosticOut`] when serialized.
struct Diagnostics<'o>(&'o [Diagnostic]);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(DiagnosticOut::from))
    }
}

#[derive(Serialize)]
struct DiagnosticOut<'d> {
    code: &'d str,
    rule: &'d str,
    severity: Severity,
    path: &'d str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    message: &'d str,
    notes: &'d [String],
    related: &'d [RelatedLocation],
    fingerprint: &'d str,
    symbol: &'d str,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineState>,
}

impl<'d> From<&'d Diagnostic> for DiagnosticOut<'d> {
    fn from(diagnostic: &'d Diagnostic) -> Self {
        DiagnosticOut {
            code: &diagnostic.code,
            rule: &diagnostic.rule,
            severity: diagnostic.severity,
            path: &diagnostic.path,
            line: diagnostic.span.start.line,
            column: diagnostic.span.start.column,
            end_line: diagnostic.span.end.line,
            end_column: diagnostic.span.end.column,
            message: &diagnostic.message,
            notes: &diagnostic.notes,
            related: &diagnostic.related,
            fingerprint: &diagnostic.fingerprint,
            symbol: &diagnostic.symbol,
            baseline: diagnostic.baseline,
        }
    }
}

pub(crate) fn render(outcome: &CheckOutcome, run: &RunInfo) -> String {
    let document = Document {
        version: JSON_SCHEMA_VERSION,
        tool: Tool {
            name: "plumb",
            version: &run.tool_version,
        },
        summary: &outcome.summary,
        diagnostics: Diagnostics(&outcome.diagnostics),
        files: &outcome.files,
    };
    let mut text = serde_json::to_string_pretty(&document).expect("JSON values always serialize");
    text.push('\n');
    text
}
