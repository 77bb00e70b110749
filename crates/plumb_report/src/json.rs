//! The JSON format: a versioned document with diagnostics, per-file records and the summary.
//! The shape is documented in the README; bump [`JSON_SCHEMA_VERSION`] on incompatible changes.

use plumb_diagnostics::CheckOutcome;
use serde_json::json;

use crate::RunInfo;

pub const JSON_SCHEMA_VERSION: u32 = 2;

pub(crate) fn render(outcome: &CheckOutcome, run: &RunInfo) -> String {
    let diagnostics: Vec<serde_json::Value> = outcome
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let mut value = json!({
                "code": diagnostic.code,
                "rule": diagnostic.rule,
                "severity": diagnostic.severity,
                "path": diagnostic.path,
                "line": diagnostic.span.start.line,
                "column": diagnostic.span.start.column,
                "end_line": diagnostic.span.end.line,
                "end_column": diagnostic.span.end.column,
                "message": diagnostic.message,
                "notes": diagnostic.notes,
                "related": diagnostic.related,
                "fingerprint": diagnostic.fingerprint,
                "symbol": diagnostic.symbol,
            });
            if let Some(state) = diagnostic.baseline {
                value["baseline"] = json!(state);
            }
            value
        })
        .collect();
    let document = json!({
        "version": JSON_SCHEMA_VERSION,
        "tool": { "name": "plumb", "version": run.tool_version },
        "summary": outcome.summary,
        "diagnostics": diagnostics,
        "files": outcome.files,
    });
    let mut text = serde_json::to_string_pretty(&document).expect("JSON values always serialize");
    text.push('\n');
    text
}
