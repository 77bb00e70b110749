//! `plumb:` comment directives: `plumb: ignore[CODE, ...]: reason` on or directly above a line,
//! and `plumb: ignore-file[CODE, ...]: reason` for the whole file.
//!
//! Directives are parsed from the parser's own comment tokens, never by scanning lines, so a
//! `# plumb:` inside a string is not a directive.

use plumb_diagnostics::{LineIndex, Span};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DirectiveKind {
    /// Covers the comment's own line, and the next line when the comment stands alone on its line.
    Line,
    File,
}

/// Why a directive cannot be honoured as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DirectiveProblem {
    MissingReason,
    Malformed(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directive {
    pub kind: DirectiveKind,
    pub codes: Vec<String>,
    pub reason: Option<String>,
    /// The comment itself.
    pub span: Span,
    /// Lines whose violations it suppresses (empty for file directives).
    pub lines: Vec<u32>,
    pub problem: Option<DirectiveProblem>,
}

/// Parses the comment at `start..end` of `text`, returning a directive if it is one.
pub fn parse_comment(text: &str, index: &LineIndex, start: u32, end: u32) -> Option<Directive> {
    let comment = text.get(start as usize..end as usize)?;
    let body = comment
        .strip_prefix('#')
        .or_else(|| comment.strip_prefix("//"))
        .or_else(|| {
            comment
                .strip_prefix("/*")
                .map(|inner| inner.trim_end_matches("*/"))
        })?
        .trim();
    let rest = body.strip_prefix("plumb:")?.trim_start();
    let span = index.span(text, start, end);

    let (kind, after_keyword) = if let Some(after) = rest.strip_prefix("ignore-file") {
        (DirectiveKind::File, after)
    } else if let Some(after) = rest.strip_prefix("ignore") {
        (DirectiveKind::Line, after)
    } else {
        let word = rest.split_whitespace().next().unwrap_or("");
        return Some(malformed(
            span,
            format!(
                "unknown directive `plumb: {word}`; expected `ignore[CODE]: reason` or `ignore-file[CODE]: reason`"
            ),
        ));
    };

    let Some(inside) = after_keyword.strip_prefix('[') else {
        return Some(malformed(
            span,
            "name the codes it suppresses, e.g. `plumb: ignore[SYN001]: reason`".into(),
        ));
    };
    let Some((code_list, after_codes)) = inside.split_once(']') else {
        return Some(malformed(span, "missing `]` after the codes".into()));
    };
    let codes: Vec<String> = code_list
        .split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(str::to_string)
        .collect();
    if codes.is_empty() {
        return Some(malformed(span, "no rule codes between `[` and `]`".into()));
    }
    let reason = after_codes
        .trim_start()
        .strip_prefix(':')
        .map(str::trim)
        .filter(|reason| !reason.is_empty())
        .map(str::to_string);

    let line = span.start.line;
    let stands_alone = index
        .line_start(line)
        .and_then(|line_start| text.get(line_start as usize..start as usize))
        .is_some_and(|before| before.trim().is_empty());
    let lines = match kind {
        DirectiveKind::File => Vec::new(),
        DirectiveKind::Line if stands_alone => vec![line, line + 1],
        DirectiveKind::Line => vec![line],
    };
    let problem = reason.is_none().then_some(DirectiveProblem::MissingReason);
    Some(Directive {
        kind,
        codes,
        reason,
        span,
        lines,
        problem,
    })
}

fn malformed(span: Span, why: String) -> Directive {
    Directive {
        kind: DirectiveKind::Line,
        codes: Vec::new(),
        reason: None,
        span,
        lines: Vec::new(),
        problem: Some(DirectiveProblem::Malformed(why)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Option<Directive> {
        let index = LineIndex::new(text);
        let start = text.find(['#', '/']).unwrap() as u32;
        let end = text[start as usize..]
            .find('\n')
            .map_or(text.len(), |n| start as usize + n) as u32;
        parse_comment(text, &index, start, end)
    }

    #[test]
    fn own_line_directive_covers_next_line() {
        let directive = parse("# plumb: ignore[SYN001, IMP001]: generated code\nx\n").unwrap();
        assert_eq!(directive.codes, ["SYN001", "IMP001"]);
        assert_eq!(directive.reason.as_deref(), Some("generated code"));
        assert_eq!(directive.lines, [1, 2]);
        assert_eq!(directive.problem, None);
    }

    #[test]
    fn trailing_directive_covers_its_line_only() {
        let directive = parse("x = 1  # plumb: ignore[MCK001]: legacy\n").unwrap();
        assert_eq!(directive.lines, [1]);
    }

    #[test]
    fn missing_reason_and_malformed_are_flagged() {
        assert_eq!(
            parse("// plumb: ignore[X-1]\n").unwrap().problem,
            Some(DirectiveProblem::MissingReason)
        );
        assert!(matches!(
            parse("# plumb: ignore: why\n").unwrap().problem,
            Some(DirectiveProblem::Malformed(_))
        ));
        assert!(parse("# a normal comment\n").is_none());
        assert_eq!(
            parse("# plumb: ignore-file[SYN001]: vendored\n")
                .unwrap()
                .kind,
            DirectiveKind::File
        );
    }
}
