//! SARIF 2.1.0 for GitHub code scanning: every rule with its docs, results with regions and
//! `partialFingerprints`, URIs relative to `%SRCROOT%`.
//!
//! GitHub accepts at most 25,000 results per run; beyond that the lowest-priority results (by
//! severity, then path order) are left out and a notification says how many, so the upload still
//! succeeds. The summary in the run's properties always counts everything.
//!
//! With a baseline, each result carries `baselineState` (`new` or `unchanged`), and each fixed
//! baseline entry is a result of its own with `baselineState` `absent` and level `none`: it
//! points at its file only, since the baseline records no line.

use plumb_diagnostics::{
    BaselineEntry, BaselineState, BaselineSummary, CheckOutcome, Diagnostic, Severity,
};
use serde_json::{Value, json};

use crate::RunInfo;

/// GitHub code scanning's per-run result limit.
pub(crate) const MAX_RESULTS: usize = 25_000;
/// GitHub's limit on related locations per result.
const MAX_RELATED: usize = 1_000;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub(crate) fn render(outcome: &CheckOutcome, run: &RunInfo) -> String {
    let rules: Vec<Value> = run
        .rules
        .iter()
        .map(|rule| {
            json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": { "text": rule.summary },
                "fullDescription": { "text": rule.summary },
                "help": { "text": rule.docs, "markdown": rule.docs },
                "defaultConfiguration": {
                    "level": level(rule.default_severity),
                    "enabled": rule.enabled,
                },
                "properties": { "tags": [rule.code.trim_end_matches(|c: char| c.is_ascii_digit())] },
            })
        })
        .collect();

    let mut kept: Vec<&Diagnostic> = outcome.diagnostics.iter().collect();
    let omitted = kept.len().saturating_sub(MAX_RESULTS);
    if omitted > 0 {
        // Stable: highest severity first, then the usual path order; then restore path order.
        kept.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.sort_key().cmp(&b.sort_key()))
        });
        kept.truncate(MAX_RESULTS);
        kept.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    let mut results: Vec<Value> = kept
        .iter()
        .map(|diagnostic| {
            let rule_index = run
                .rules
                .iter()
                .position(|rule| rule.code == diagnostic.code);
            let mut message = diagnostic.message.clone();
            for note in &diagnostic.notes {
                message.push_str(&format!(" ({note})"));
            }
            let mut result = json!({
                "ruleId": diagnostic.code,
                "level": level(diagnostic.severity),
                "message": { "text": message },
                "locations": [location(&diagnostic.path, diagnostic.span, None)],
                "partialFingerprints": { "plumbFingerprint/v1": diagnostic.fingerprint },
            });
            if let Some(index) = rule_index {
                result["ruleIndex"] = json!(index);
            }
            if !diagnostic.related.is_empty() {
                let related: Vec<Value> = diagnostic
                    .related
                    .iter()
                    .take(MAX_RELATED)
                    .enumerate()
                    .map(|(id, related)| {
                        let mut value =
                            location(&related.path, related.span, Some(&related.message));
                        value["id"] = json!(id);
                        value
                    })
                    .collect();
                result["relatedLocations"] = Value::Array(related);
            }
            if let Some(state) = diagnostic.baseline {
                result["baselineState"] = json!(match state {
                    BaselineState::New => "new",
                    BaselineState::Unchanged => "unchanged",
                });
            }
            result
        })
        .collect();
    if let Some(baseline) = &outcome.summary.baseline {
        let room = MAX_RESULTS.saturating_sub(results.len());
        results.extend(
            baseline
                .fixed
                .iter()
                .take(room)
                .map(|entry| absent_result(entry, baseline, run)),
        );
    }

    let mut notifications = Vec::new();
    if omitted > 0 {
        notifications.push(json!({
            "level": "warning",
            "message": { "text": format!("{omitted} results were left out to stay within GitHub's limit of {MAX_RESULTS} results per run; the summary counts all {}", outcome.diagnostics.len()) },
        }));
    }
    for notice in &outcome.summary.notices {
        notifications.push(json!({ "level": "warning", "message": { "text": notice } }));
    }
    let root_uri = directory_uri(&run.working_directory);
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "plumb",
                    "version": run.tool_version,
                    "informationUri": "https://example.invalid/plumbline",
                    "rules": rules,
                }
            },
            "originalUriBaseIds": { "%SRCROOT%": { "uri": root_uri } },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "properties": { "summary": outcome.summary },
        }],
    });
    let mut text = serde_json::to_string_pretty(&document).expect("JSON values always serialize");
    text.push('\n');
    text
}

/// A fixed baseline entry as a result: `baselineState` `absent`, level `none`, located at its
/// file (the baseline holds no line numbers) and its enclosing symbol.
fn absent_result(entry: &BaselineEntry, baseline: &BaselineSummary, run: &RunInfo) -> Value {
    let path = if baseline.root.is_empty() {
        entry.path.clone()
    } else {
        format!("{}/{}", baseline.root.trim_end_matches('/'), entry.path)
    };
    let artifact = if path.starts_with('/') {
        json!({ "uri": file_uri(&path) })
    } else {
        json!({ "uri": percent_encode(&path), "uriBaseId": "%SRCROOT%" })
    };
    let mut location = json!({ "physicalLocation": { "artifactLocation": artifact } });
    if !entry.symbol.is_empty() {
        location["logicalLocations"] = json!([{ "fullyQualifiedName": entry.symbol }]);
    }
    let mut result = json!({
        "ruleId": entry.code,
        "level": "none",
        "kind": "pass",
        "message": { "text": format!("fixed since the baseline: {}", entry.message) },
        "locations": [location],
        "partialFingerprints": { "plumbFingerprint/v1": entry.fingerprint },
        "baselineState": "absent",
    });
    if let Some(index) = run.rules.iter().position(|rule| rule.code == entry.code) {
        result["ruleIndex"] = json!(index);
    }
    result
}

fn location(path: &str, span: plumb_diagnostics::Span, message: Option<&str>) -> Value {
    let artifact = if path.starts_with('/') {
        json!({ "uri": file_uri(path) })
    } else {
        json!({ "uri": percent_encode(path), "uriBaseId": "%SRCROOT%" })
    };
    let mut value = json!({
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {
                "startLine": span.start.line,
                "startColumn": span.start.column,
                "endLine": span.end.line,
                "endColumn": span.end.column.max(if span.end.line == span.start.line { span.start.column } else { 1 }),
            }
        }
    });
    if let Some(message) = message {
        value["message"] = json!({ "text": message });
    }
    value
}

fn directory_uri(directory: &str) -> String {
    let mut uri = file_uri(directory);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

fn file_uri(path: &str) -> String {
    format!("file://{}", percent_encode(path))
}

/// Escapes what may not appear in a URI path, keeping `/`.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
