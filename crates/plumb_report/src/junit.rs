//! The `junit` format: JUnit XML for CI test-report views (GitLab `artifacts:reports:junit`,
//! Jenkins, Azure Pipelines, test-reporter actions). One `<testsuite name="plumb">` holds one
//! `<testcase classname="plumb" name="PATH">` per discovered file:
//!
//! - a file with new violations fails, with one `<failure type="CODE">` per violation;
//! - an unreadable file (new IO001) is an `<error>`; a file not checked (too large, binary) is
//!   `<skipped>`;
//! - a file whose violations the baseline all lists passes; they are named in `<system-out>`.
//!
//! The suite's `tests`, `failures`, `errors` and `skipped` count test cases (files), as JUnit
//! does, so `tests - failures - errors - skipped` files passed. Written with `quick-xml`, which
//! escapes markup; characters XML 1.0 cannot carry at all (most control characters) are
//! written as `\u{..}`.

use crate::escape::text_path;
use std::collections::BTreeMap;
use std::io;

use plumb_diagnostics::{CheckOutcome, Diagnostic, FileStatus};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::RunInfo;
use crate::ci::full_message;

const UNREADABLE: &str = "IO001";
const SKIPPED: &str = "IO002";

/// One file's verdict.
#[derive(Debug, Default)]
struct Case<'o> {
    path: &'o str,
    skipped: Option<String>,
    errors: Vec<&'o Diagnostic>,
    failures: Vec<&'o Diagnostic>,
    known: Vec<&'o Diagnostic>,
}

pub(crate) fn render(outcome: &CheckOutcome, _run: &RunInfo) -> String {
    let cases = cases(outcome);
    let count = |test: fn(&Case<'_>) -> bool| cases.iter().filter(|case| test(case)).count();
    let skipped = count(|case| case.skipped.is_some());
    let errors = count(|case| case.skipped.is_none() && !case.errors.is_empty());
    let failures =
        count(|case| case.skipped.is_none() && case.errors.is_empty() && !case.failures.is_empty());
    let totals = [
        ("tests", cases.len().to_string()),
        ("failures", failures.to_string()),
        ("errors", errors.to_string()),
    ];
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    let written: io::Result<()> = (|| {
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        writer
            .create_element("testsuites")
            .with_attribute(("name", "plumb"))
            .with_attributes(totals.iter().map(|(key, value)| (*key, value.as_str())))
            .write_inner_content(|writer| {
                writer
                    .create_element("testsuite")
                    .with_attribute(("name", "plumb"))
                    .with_attributes(totals.iter().map(|(key, value)| (*key, value.as_str())))
                    .with_attribute(("skipped", skipped.to_string().as_str()))
                    .write_inner_content(|writer| {
                        cases.iter().try_for_each(|case| write_case(writer, case))
                    })?;
                Ok(())
            })?;
        Ok(())
    })();
    written.expect("writing to memory cannot fail");
    let mut text = String::from_utf8(writer.into_inner()).expect("the writer wrote UTF-8");
    text.push('\n');
    text
}

/// Every discovered file in path order, with its diagnostics; diagnostics of a path that is not
/// among the files (none are expected) get a case of their own rather than be lost.
fn cases(outcome: &CheckOutcome) -> Vec<Case<'_>> {
    let mut by_path: BTreeMap<&str, Case<'_>> = outcome
        .files
        .iter()
        .map(|file| {
            let case = Case {
                path: &file.path,
                skipped: (file.status == FileStatus::Skipped)
                    .then(|| "not checked: too large or binary".to_string()),
                ..Case::default()
            };
            (file.path.as_str(), case)
        })
        .collect();
    for diagnostic in &outcome.diagnostics {
        let case = by_path.entry(&diagnostic.path).or_insert_with(|| Case {
            path: &diagnostic.path,
            ..Case::default()
        });
        if !diagnostic.is_new() {
            case.known.push(diagnostic);
        } else if diagnostic.code == SKIPPED {
            case.skipped = Some(diagnostic.message.clone());
        } else if diagnostic.code == UNREADABLE {
            case.errors.push(diagnostic);
        } else {
            case.failures.push(diagnostic);
        }
    }
    by_path.into_values().collect()
}

fn write_case(writer: &mut Writer<Vec<u8>>, case: &Case<'_>) -> io::Result<()> {
    let element = writer
        .create_element("testcase")
        .with_attribute(("classname", "plumb"))
        .with_attribute(("name", xml_safe(&text_path(case.path)).as_str()));
    if case.skipped.is_none()
        && case.errors.is_empty()
        && case.failures.is_empty()
        && case.known.is_empty()
    {
        element.write_empty()?;
        return Ok(());
    }
    element.write_inner_content(|writer| {
        if let Some(reason) = &case.skipped {
            writer
                .create_element("skipped")
                .with_attribute(("message", xml_safe(&one_line(reason)).as_str()))
                .write_empty()?;
        }
        for (tag, diagnostic) in case
            .errors
            .iter()
            .map(|d| ("error", d))
            .chain(case.failures.iter().map(|d| ("failure", d)))
        {
            writer
                .create_element(tag)
                .with_attribute(("type", diagnostic.code.as_str()))
                .with_attribute(("message", xml_safe(&one_line(&diagnostic.message)).as_str()))
                .write_text_content(BytesText::new(&xml_safe(&detail(diagnostic))))?;
        }
        if !case.known.is_empty() {
            let mut text = format!(
                "{} known violations, listed in the baseline, not counted as failures:",
                case.known.len()
            );
            for diagnostic in &case.known {
                text.push('\n');
                text.push_str(&detail(diagnostic));
            }
            writer
                .create_element("system-out")
                .write_text_content(BytesText::new(&xml_safe(&text)))?;
        }
        Ok(())
    })?;
    Ok(())
}

/// `path:line:col: CODE message`, then notes and related locations on their own lines.
fn detail(diagnostic: &Diagnostic) -> String {
    format!(
        "{}:{}:{}: {} {}",
        text_path(&diagnostic.path),
        diagnostic.span.start.line,
        diagnostic.span.start.column,
        diagnostic.code,
        full_message(diagnostic)
    )
}

/// Attribute values are normalised by XML parsers (a line feed becomes a space), so say so
/// up front rather than depend on it.
fn one_line(text: &str) -> String {
    text.split(['\r', '\n']).collect::<Vec<_>>().join(" ")
}

/// Replaces characters XML 1.0 forbids even as references (C0 controls other than tab, line
/// feed and carriage return; U+FFFE, U+FFFF) with a visible `\u{..}`.
pub(crate) fn xml_safe(text: &str) -> String {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
    };
    if text.chars().all(allowed) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if allowed(c) {
                c.to_string()
            } else {
                format!("\\u{{{:x}}}", c as u32)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
