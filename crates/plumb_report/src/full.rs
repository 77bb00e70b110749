//! The default terminal format: miette code frames around each violation, then the summary.

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};
use plumb_diagnostics::{CheckOutcome, Diagnostic, Severity};

use crate::RunInfo;
use crate::text;

pub(crate) fn render(outcome: &CheckOutcome, run: &RunInfo) -> String {
    if run.statistics {
        return text::render_concise(outcome, run);
    }
    let theme = if run.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let mut out = String::new();
    let mut current_file: Option<(String, Option<String>)> = None;
    for diagnostic in crate::ci::new_diagnostics(outcome) {
        // Diagnostics are sorted by path: read each file once.
        if current_file
            .as_ref()
            .is_none_or(|(path, _)| path != &diagnostic.path)
        {
            // IO001/IO002 say the file was not read as text: no frame, and no need to read
            // a 50 MB or binary file again to print nothing from it.
            let text = (!diagnostic.code.starts_with("IO"))
                .then(|| read_regular_file(&diagnostic.path))
                .flatten()
                .map(frame_text);
            current_file = Some((diagnostic.path.clone(), text));
        }
        let source = current_file.as_ref().and_then(|(_, text)| text.as_deref());
        match source {
            Some(source) if (diagnostic.span.end_byte as usize) <= source.len() => {
                let report = to_report(diagnostic, source);
                if handler.render_report(&mut out, report.as_ref()).is_err() {
                    out.push_str(&text::concise_line(diagnostic));
                    out.push('\n');
                }
            }
            _ => {
                out.push_str(&text::concise_line(diagnostic));
                out.push('\n');
            }
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&text::summary(&outcome.summary));
    out
}

/// The text of `path` if it is a regular file. Anything else (a FIFO reported as IO002) is
/// never opened: reading a FIFO blocks until a writer appears, which would hang the report.
fn read_regular_file(path: &str) -> Option<String> {
    let metadata = std::fs::symlink_metadata(path).ok()?;
    if !metadata.is_file() {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// A file's text as miette should frame it, with the byte offsets the diagnostics carry: without
/// a UTF-8 byte order mark (plumb reads files without it), and with each lone `\r` (a line
/// break in both languages, which miette does not know) turned into a `\n` of the same length.
fn frame_text(text: String) -> String {
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    if !text.contains('\r') {
        return text;
    }
    let mut framed = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        framed.push(if c == '\r' && chars.peek() != Some(&'\n') {
            '\n'
        } else {
            c
        });
    }
    framed
}

fn to_report(diagnostic: &Diagnostic, source: &str) -> Report {
    let severity = match diagnostic.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    };
    let start = diagnostic.span.start_byte as usize;
    let length = (diagnostic.span.end_byte as usize).saturating_sub(start);
    let path = crate::escape::text_path(&diagnostic.path);
    let location = format!(
        "{path}:{}:{}",
        diagnostic.span.start.line, diagnostic.span.start.column
    );
    let mut miette_diagnostic = MietteDiagnostic::new(diagnostic.message.clone())
        .with_code(format!("{} {}", diagnostic.code, diagnostic.rule))
        .with_severity(severity)
        .with_label(LabeledSpan::at(start..start + length, location));
    let help: Vec<String> = diagnostic
        .notes
        .iter()
        .cloned()
        .chain(diagnostic.related.iter().map(text::related_text))
        .collect();
    if !help.is_empty() {
        miette_diagnostic = miette_diagnostic.with_help(help.join("\n"));
    }
    Report::new(miette_diagnostic).with_source_code(NamedSource::new(&path, source.to_string()))
}
