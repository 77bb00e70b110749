//! The concise format (`path:line:col: CODE message`) and the summary every text format ends with.

use std::fmt::Write;

use plumb_diagnostics::{
    BaselineSummary, CheckOutcome, Diagnostic, RelatedLocation, RuleTotals, Summary,
};

use crate::RunInfo;
use crate::escape::{text_message, text_path};

pub(crate) fn render_concise(outcome: &CheckOutcome, run: &RunInfo) -> String {
    let mut out = String::new();
    if run.statistics {
        out.push_str(&statistics(outcome, run));
    } else {
        for diagnostic in crate::ci::new_diagnostics(outcome) {
            out.push_str(&concise_line(diagnostic));
            out.push('\n');
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary(&outcome.summary));
    out
}

pub(crate) fn concise_line(diagnostic: &Diagnostic) -> String {
    let mut line = format!(
        "{}:{}:{}: {} [{}] {}",
        text_path(&diagnostic.path),
        diagnostic.span.start.line,
        diagnostic.span.start.column,
        diagnostic.code,
        diagnostic.severity,
        text_message(&diagnostic.message)
    );
    for note in &diagnostic.notes {
        let _ = write!(line, " ({})", text_message(note));
    }
    for related in &diagnostic.related {
        let _ = write!(line, " ({})", related_text(related));
    }
    line
}

/// A related location as text: `message at path:line:column`.
pub(crate) fn related_text(related: &RelatedLocation) -> String {
    format!(
        "{} at {}:{}:{}",
        text_message(&related.message),
        text_path(&related.path),
        related.span.start.line,
        related.span.start.column
    )
}

/// `--statistics`: one line per rule with its count, most frequent first, then by code.
pub(crate) fn statistics(outcome: &CheckOutcome, run: &RunInfo) -> String {
    let mut rows: Vec<(&String, &usize)> = outcome.summary.by_rule.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let mut out = String::new();
    for (code, count) in rows {
        let name = run
            .rules
            .iter()
            .find(|rule| &rule.code == code)
            .map_or("", |rule| rule.name.as_str());
        let _ = writeln!(out, "{count:>8}  {code:<8} {name}");
    }
    out
}

/// A rule's totals as text, each name read as words before its count: `unjustified 2, files
/// with unjustified 1` (no plural to get wrong); `number` writes the counts (markdown groups
/// thousands).
pub(crate) fn totals_text(totals: &RuleTotals, number: impl Fn(usize) -> String) -> String {
    totals
        .counts
        .iter()
        .map(|(name, count)| format!("{} {}", name.replace('_', " "), number(*count)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How many fixed baseline entries the summary names before "and N more".
const FIXED_LISTED: usize = 10;

/// `Baseline FILE: N new, N known (not listed), N fixed`, then what was fixed.
fn baseline_summary(baseline: &BaselineSummary) -> String {
    let mut out = format!(
        "Baseline {}: {} new, {} known (not listed), {} fixed",
        baseline.file,
        baseline.new,
        baseline.known,
        baseline.fixed.len()
    );
    if baseline.is_stale() {
        out.push_str(" \u{2014} stale: run `plumb baseline --update` and commit it");
    }
    out.push('\n');
    for entry in baseline.fixed.iter().take(FIXED_LISTED) {
        let path = if baseline.root.is_empty() {
            entry.path.clone()
        } else {
            format!("{}/{}", baseline.root.trim_end_matches('/'), entry.path)
        };
        let symbol = if entry.symbol.is_empty() {
            String::new()
        } else {
            format!(" (in {})", entry.symbol)
        };
        let _ = writeln!(
            out,
            "  fixed: {path}: {} {}{symbol}",
            entry.code, entry.message
        );
    }
    if baseline.fixed.len() > FIXED_LISTED {
        let _ = writeln!(
            out,
            "  ... and {} more",
            baseline.fixed.len() - FIXED_LISTED
        );
    }
    out
}

/// `; 4 not checked` beside a scope's denominator, when there are any: unreadable or skipped
/// files, which the percentage leaves out.
fn not_checked_note(not_checked: usize) -> String {
    if not_checked == 0 {
        String::new()
    } else {
        format!("; {not_checked} not checked")
    }
}

/// The human summary: files, exclusions, violations by rule and severity, compliance per scope.
pub(crate) fn summary(summary: &Summary) -> String {
    let mut out = String::new();
    let files = &summary.files;
    let _ = writeln!(
        out,
        "Files: {} found, {} checked, {} unparseable, {} unreadable, {} skipped (Python target {})",
        files.total,
        files.checked,
        files.unparseable,
        files.unreadable,
        files.skipped,
        summary.python_target_version
    );
    if !files.by_language_and_role.is_empty() {
        let parts: Vec<String> = files
            .by_language_and_role
            .iter()
            .map(|(key, count)| format!("{key} {count}"))
            .collect();
        let _ = writeln!(out, "  by language/role: {}", parts.join(", "));
    }
    if !summary.excluded.is_empty() {
        let parts: Vec<String> = summary
            .excluded
            .iter()
            .map(|(reason, count)| format!("{reason}: {count}"))
            .collect();
        let _ = writeln!(out, "  excluded paths: {}", parts.join(", "));
    }
    let _ = write!(out, "Violations: {}", summary.violations);
    if summary.violations > 0 {
        let severities: Vec<String> = ["error", "warning", "info"]
            .iter()
            .filter_map(|severity| {
                summary
                    .by_severity
                    .get(*severity)
                    .map(|count| format!("{count} {severity}"))
            })
            .collect();
        let rules: Vec<String> = summary
            .by_rule
            .iter()
            .map(|(code, count)| format!("{code} {count}"))
            .collect();
        let _ = write!(out, " ({}; {})", severities.join(", "), rules.join(", "));
    }
    if summary.suppressed > 0 {
        let _ = write!(out, ", {} suppressed inline", summary.suppressed);
    }
    out.push('\n');
    // Only when there is something to say, so runs without test mocks stay short.
    for (code, totals) in summary.rule_totals.iter().filter(|(_, t)| !t.is_empty()) {
        let _ = writeln!(
            out,
            "{} ({code}): {}",
            totals.title,
            totals_text(totals, |count| count.to_string())
        );
    }
    if let Some(baseline) = &summary.baseline {
        out.push_str(&baseline_summary(baseline));
    }
    for notice in &summary.notices {
        let _ = writeln!(out, "Note: {notice}");
    }
    let gate = summary
        .gate_severity
        .map_or("error".to_string(), |gate| gate.to_string());
    let _ = writeln!(out, "Compliance (files without {gate}-level violations):");
    for scope in &summary.compliance {
        let percent = scope
            .percent
            .map_or("   n/a".to_string(), |percent| format!("{percent:5.1}%"));
        let _ = writeln!(
            out,
            "  {:<12} {percent}  ({}/{} files{})",
            scope.scope,
            scope.compliant,
            scope.files,
            not_checked_note(scope.not_checked)
        );
    }
    for failure in &summary.gate_failures {
        let _ = writeln!(out, "Failed: {}: {}", failure.condition, failure.message);
    }
    out
}
