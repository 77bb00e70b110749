//! The `markdown` format, for `$GITHUB_STEP_SUMMARY` and pull-request comments: the verdict and
//! why, compliance per scope, counts per rule (new / known / fixed with a baseline), the mock and
//! duplicate-type headlines, the files with the most violations, then the new violations in a
//! collapsed block.
//!
//! Its size is bounded whatever the number of violations (GitHub rejects a step summary over
//! 1 MiB): at most [`MAX_FILES`] files and [`MAX_LISTED`] violations (highest severity first)
//! are listed, each message cut at [`MAX_MESSAGE_CHARS`]; everything from the repository (paths,
//! messages) is escaped so it cannot break a table or turn into markup or a mention.

use std::collections::BTreeMap;
use std::fmt::Write;

use plumb_diagnostics::{CheckOutcome, Diagnostic, Summary};

use crate::RunInfo;
use crate::ci::{full_message, known_count, most_severe, new_diagnostics, rule_counts};

/// Violations listed in the collapsed block.
pub(crate) const MAX_LISTED: usize = 200;
/// Rows of the table of files with the most violations.
pub(crate) const MAX_FILES: usize = 20;
/// A longer message is cut (with `…`) in the listing.
pub(crate) const MAX_MESSAGE_CHARS: usize = 300;

pub(crate) fn render(outcome: &CheckOutcome, _run: &RunInfo) -> String {
    let mut out = String::new();
    verdict(&mut out, outcome);
    compliance(&mut out, &outcome.summary);
    rules(&mut out, outcome);
    headlines(&mut out, &outcome.summary);
    top_files(&mut out, outcome);
    listing(&mut out, outcome);
    out
}

/// The title, why the run failed (every gate failure with figure and threshold) and the totals.
fn verdict(out: &mut String, outcome: &CheckOutcome) {
    let summary = &outcome.summary;
    if summary.gate_failures.is_empty() {
        out.push_str("## plumb: ✅ passed\n\n");
    } else {
        out.push_str("## plumb: ❌ failed\n\n");
        out.push_str("The gate failed on:\n\n");
        for failure in &summary.gate_failures {
            let _ = writeln!(
                out,
                "- **{}**: {} (figure {}, threshold {})",
                escape(&failure.condition),
                escape(&failure.message),
                escape(&failure.figure),
                escape(&failure.threshold)
            );
        }
        out.push('\n');
    }
    let files = &summary.files;
    let _ = write!(
        out,
        "**{} violations** in {} files ({} checked, {} unparseable, {} unreadable, {} skipped)",
        group(outcome.diagnostics.len()),
        group(files.total),
        group(files.checked),
        group(files.unparseable),
        group(files.unreadable),
        group(files.skipped),
    );
    if summary.suppressed > 0 {
        let _ = write!(out, "; {} suppressed inline", group(summary.suppressed));
    }
    out.push_str(".\n");
    if let Some(baseline) = &summary.baseline {
        let fixed = baseline.fixed.len();
        let _ = write!(
            out,
            "Baseline {}: **{} new**, {} known, {} fixed",
            code_span(&baseline.file),
            group(new_diagnostics(outcome).count()),
            group(known_count(outcome)),
            group(fixed),
        );
        if baseline.is_stale() {
            out.push_str(
                " (the baseline is stale: `plumb baseline --update` removes fixed entries)",
            );
        }
        out.push_str(".\n");
    }
    for notice in &summary.notices {
        let _ = writeln!(out, "\n> Note: {}", escape(notice));
    }
    out.push('\n');
}

fn compliance(out: &mut String, summary: &Summary) {
    if summary.compliance.is_empty() {
        return;
    }
    let gate = summary
        .gate_severity
        .map_or("error".to_string(), |gate| gate.to_string());
    let _ = writeln!(
        out,
        "### Compliance\n\nChecked files without {gate}-level violations; files that could not be read or were skipped are not checked and not counted.\n\n| Scope | Compliant | Checked files | % | Not checked |\n|---|--:|--:|--:|--:|"
    );
    for scope in &summary.compliance {
        let percent = scope
            .percent
            .map_or("n/a".to_string(), |percent| format!("{percent:.1}%"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {percent} | {} |",
            escape(&scope.scope),
            group(scope.compliant),
            group(scope.files),
            group(scope.not_checked)
        );
    }
    out.push('\n');
}

/// Counts per rule; the new / known / fixed columns only when a baseline was used.
fn rules(out: &mut String, outcome: &CheckOutcome) {
    let rows = rule_counts(outcome);
    if rows.is_empty() {
        return;
    }
    let baseline = outcome.summary.baseline.is_some();
    out.push_str("### Violations by rule\n\n");
    if baseline {
        out.push_str(
            "| Rule | Name | Violations | New | Known | Fixed |\n|---|---|--:|--:|--:|--:|\n",
        );
    } else {
        out.push_str("| Rule | Name | Violations |\n|---|---|--:|\n");
    }
    for row in rows {
        let _ = write!(
            out,
            "| {} | {} | {} |",
            escape(&row.code),
            escape(&row.name),
            group(row.total)
        );
        if baseline {
            let _ = write!(
                out,
                " {} | {} | {} |",
                group(row.new),
                group(row.known),
                group(row.fixed)
            );
        }
        out.push('\n');
    }
    out.push('\n');
}

/// The totals rules keep (mock sites, duplicate types), when they found something (as in the
/// text summary, so a run without mocks stays short).
fn headlines(out: &mut String, summary: &Summary) {
    let mut any = false;
    for (code, totals) in summary.rule_totals.iter().filter(|(_, t)| !t.is_empty()) {
        let _ = writeln!(
            out,
            "- **{}** ({code}): {}",
            totals.title,
            crate::text::totals_text(totals, group)
        );
        any = true;
    }
    if any {
        out.push('\n');
    }
}

/// The files with the most violations (most new ones first when a baseline was used).
fn top_files(out: &mut String, outcome: &CheckOutcome) {
    let mut per_file: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for diagnostic in &outcome.diagnostics {
        let counts = per_file.entry(&diagnostic.path).or_default();
        counts.0 += 1;
        counts.1 += usize::from(diagnostic.is_new());
    }
    if per_file.is_empty() {
        return;
    }
    let baseline = outcome.summary.baseline.is_some();
    let mut rows: Vec<(&str, (usize, usize))> = per_file.into_iter().collect();
    rows.sort_by(|a, b| (b.1.1, b.1.0).cmp(&(a.1.1, a.1.0)).then(a.0.cmp(b.0)));
    let _ = writeln!(
        out,
        "### Files with the most {}violations\n",
        if baseline { "new " } else { "" }
    );
    if baseline {
        out.push_str("| File | New | Violations |\n|---|--:|--:|\n");
    } else {
        out.push_str("| File | Violations |\n|---|--:|\n");
    }
    for (path, (total, new)) in rows.iter().take(MAX_FILES) {
        if baseline {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                escape(path),
                group(*new),
                group(*total)
            );
        } else {
            let _ = writeln!(out, "| {} | {} |", escape(path), group(*total));
        }
    }
    if rows.len() > MAX_FILES {
        let _ = writeln!(
            out,
            "\n… and {} more files with violations.",
            group(rows.len() - MAX_FILES)
        );
    }
    out.push('\n');
}

/// The new violations (all of them without a baseline), at most [`MAX_LISTED`], collapsed.
fn listing(out: &mut String, outcome: &CheckOutcome) {
    let total = new_diagnostics(outcome).count();
    let what = if outcome.summary.baseline.is_some() {
        "New violations"
    } else {
        "Violations"
    };
    if total == 0 {
        let _ = writeln!(out, "{what}: none.");
        return;
    }
    let shown = most_severe(new_diagnostics(outcome), MAX_LISTED);
    let _ = writeln!(
        out,
        "<details>\n<summary>{what} ({})</summary>\n\n| Location | Rule | Severity | Message |\n|---|---|---|---|",
        group(total)
    );
    for diagnostic in &shown {
        let _ = writeln!(
            out,
            "| {}:{}:{} | {} | {} | {} |",
            escape(&diagnostic.path),
            diagnostic.span.start.line,
            diagnostic.span.start.column,
            escape(&diagnostic.code),
            diagnostic.severity,
            escape(&cut(diagnostic)),
        );
    }
    if total > shown.len() {
        let _ = writeln!(
            out,
            "\n… and {} more (highest severity listed first); run `plumb check` locally to see them all.",
            group(total - shown.len())
        );
    }
    out.push_str("\n</details>\n");
}

/// The full message, cut at [`MAX_MESSAGE_CHARS`] characters.
fn cut(diagnostic: &Diagnostic) -> String {
    let message = full_message(diagnostic);
    if message.chars().count() <= MAX_MESSAGE_CHARS {
        return message;
    }
    let mut short: String = message.chars().take(MAX_MESSAGE_CHARS).collect();
    short.push('…');
    short
}

/// Text from the repository as inert Markdown inside a table cell or a line: HTML specials as
/// entities, Markdown specials backslash-escaped, line breaks as `<br>`, and `@` followed by a
/// zero-width space so `@patch` in a message does not mention a GitHub user.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => out.push_str("@&#8203;"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("<br>"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A file name as inline code; backticks inside are impossible to escape in a code span, so
/// such a name is shown escaped instead.
pub(crate) fn code_span(text: &str) -> String {
    if text.contains('`') || text.contains('\n') || text.contains('|') {
        escape(text)
    } else {
        format!("`{text}`")
    }
}

/// `17812` as `17,812`, so large counts read at a glance.
fn group(count: usize) -> String {
    let digits = count.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests;
