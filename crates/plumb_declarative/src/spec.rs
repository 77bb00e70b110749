//! A rule file as written (`rules/<language>/<name>.toml`), and its validation into a
//! [`DeclarativeRule`]: every problem is a [`LoadError`] pointing into the file.

use std::ops::Range;
use std::path::Path;

use plumb_diagnostics::Severity;
use plumb_facts::PathMatcher;
use serde::Deserialize;
use toml::Spanned;
use tree_sitter::Query;

use crate::error::LoadError;
use crate::grammar::{Grammar, RuleLanguage};
use crate::rule::{AppliesTo, InlineTests, RuleSpec};

/// The TOML schema of a rule file. Every table denies unknown keys.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRule {
    id: Spanned<String>,
    name: Spanned<String>,
    language: Spanned<Languages>,
    severity: Spanned<String>,
    message: Spanned<String>,
    note: Option<String>,
    url: Option<String>,
    #[serde(default)]
    files: Vec<Spanned<String>>,
    #[serde(default)]
    ignores: Vec<Spanned<String>>,
    #[serde(default)]
    applies_to: AppliesTo,
    query: Spanned<String>,
    report: Spanned<String>,
    #[serde(default)]
    default_enabled: bool,
    #[serde(default)]
    tests: InlineTests,
}

/// `language = "python"` or `language = ["typescript", "javascript"]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Languages {
    One(String),
    Many(Vec<String>),
}

/// Where the text of one rule file came from, for messages.
pub(crate) struct RuleFile<'a> {
    pub(crate) path: &'a Path,
    pub(crate) text: &'a str,
}

impl RuleFile<'_> {
    /// An error at `span`, widened to whole characters: tree-sitter's offsets are bytes, and a
    /// one-byte span inside a multi-byte character cannot be framed (found by fuzzing).
    fn error(&self, span: Option<Range<usize>>, message: impl Into<String>) -> LoadError {
        let text = self.text;
        let span = span.map(|span| {
            let mut start = span.start.min(text.len());
            let mut end = span.end.clamp(start, text.len());
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            while !text.is_char_boundary(end) {
                end += 1;
            }
            start..end
        });
        LoadError {
            message: format!("{}: {}", self.path.display(), message.into()),
            path: self.path.to_path_buf(),
            text: text.to_string(),
            span,
        }
    }
}

/// The rule in `file`. With `eager`, its query is compiled now to check it (it compiles for each
/// targeted grammar, has the report capture and the message's placeholders) and dropped: it
/// runs compiled with the other enabled rules ([`crate::set::RuleSet`]). Bundled rules are not
/// checked at load (the test suite compiles and runs them all); a user's rules are, so their
/// mistakes are reported before any file is checked.
pub(crate) fn compile(file: &RuleFile<'_>, eager: bool) -> Result<RuleSpec, LoadError> {
    let raw: RawRule = toml::from_str(file.text)
        .map_err(|error| file.error(error.span(), error.message().trim().to_string()))?;
    let id = raw.id.get_ref();
    if !plumb_rules::is_declarative_id(id) {
        return Err(file.error(
            Some(raw.id.span()),
            format!("id `{id}` must start with `X-` and be kebab-case, e.g. `X-no-print`"),
        ));
    }
    let severity = Severity::parse(raw.severity.get_ref()).ok_or_else(|| {
        file.error(
            Some(raw.severity.span()),
            format!(
                "severity must be error, warning or info, not `{}`",
                raw.severity.get_ref()
            ),
        )
    })?;
    let names = match raw.language.get_ref() {
        Languages::One(language) => vec![language.as_str()],
        Languages::Many(languages) => languages.iter().map(String::as_str).collect(),
    };
    if names.is_empty() {
        return Err(file.error(Some(raw.language.span()), "`language` lists no language"));
    }
    let mut languages = Vec::new();
    for name in names {
        languages.push(RuleLanguage::parse(name).ok_or_else(|| {
            file.error(
                Some(raw.language.span()),
                format!("unknown language `{name}`: use python, typescript, tsx or javascript"),
            )
        })?);
    }
    let files = globs(file, &raw.files, "files")?;
    let ignores = globs(file, &raw.ignores, "ignores")?;
    let report = raw.report.get_ref();
    if eager {
        checked_queries(file, &raw, &languages)?;
    }
    Ok(RuleSpec::new(crate::rule::Parts {
        id: id.clone(),
        name: raw.name.into_inner(),
        languages,
        severity,
        message: raw.message.into_inner(),
        note: raw.note,
        url: raw.url,
        files: (!raw.files.is_empty()).then_some(files),
        ignores,
        applies_to: raw.applies_to,
        query_text: raw.query.into_inner(),
        report: report.clone(),
        default_enabled: raw.default_enabled,
        tests: raw.tests,
        source: file.path.to_path_buf(),
    }))
}

/// The query compiled for the rule's grammars, with its report capture and the message's
/// placeholders checked against it.
fn checked_queries(
    file: &RuleFile<'_>,
    raw: &RawRule,
    languages: &[RuleLanguage],
) -> Result<Vec<(Grammar, Query)>, LoadError> {
    let queries = queries(file, &raw.query, languages)?;
    let report = raw.report.get_ref();
    for (_, query) in &queries {
        if query.capture_index_for_name(report).is_none() {
            return Err(file.error(
                Some(raw.report.span()),
                format!(
                    "report capture `@{report}` is not in the query (captures: {})",
                    capture_list(query)
                ),
            ));
        }
    }
    check_placeholders(file, &raw.message, &queries)?;
    Ok(queries)
}

fn globs(
    file: &RuleFile<'_>,
    patterns: &[Spanned<String>],
    key: &str,
) -> Result<PathMatcher, LoadError> {
    let plain: Vec<String> = patterns.iter().map(|p| p.get_ref().clone()).collect();
    PathMatcher::new(&plain).map_err(|(pattern, error)| {
        let span = patterns
            .iter()
            .find(|p| *p.get_ref() == pattern)
            .map(Spanned::span);
        file.error(
            span,
            format!("invalid glob `{pattern}` in `{key}`: {error}"),
        )
    })
}

/// The query compiled for every grammar the rule's languages use. Predicates other than the
/// documented text predicates (`#eq?`, `#not-eq?`, `#match?`, `#not-match?`, `#any-of?`,
/// `#not-any-of?`), which tree-sitter applies itself, are rejected: a rule that silently
/// ignored one would match more than its author meant.
fn queries(
    file: &RuleFile<'_>,
    query: &Spanned<String>,
    languages: &[RuleLanguage],
) -> Result<Vec<(Grammar, Query)>, LoadError> {
    let text = query.get_ref();
    // Where the query's text starts in the file (a literal string is copied verbatim).
    let span = query.span();
    let base = file.text[span.clone()]
        .find(text.as_str())
        .map(|at| span.start + at);
    let at = |offset: usize, length: usize| match base {
        Some(base) => Some(base + offset..base + offset + length.max(1)),
        None => Some(span.clone()),
    };
    // Before tree-sitter sees it: its parser aborts the process on some unbalanced queries.
    if let Some((offset, message)) = crate::delimiters::unbalanced(text) {
        return Err(file.error(at(offset, 1), format!("query does not compile: {message}")));
    }
    let mut compiled: Vec<(Grammar, Query)> = Vec::new();
    for grammar in languages.iter().flat_map(|language| language.grammars()) {
        if compiled.iter().any(|(known, _)| known == grammar) {
            continue;
        }
        let query = Query::new(&grammar.language(), text).map_err(|error| {
            file.error(
                at(error.offset, 1),
                format!(
                    "query does not compile for {grammar:?} ({:?} error at line {}, column {}): {}",
                    error.kind,
                    error.row + 1,
                    error.column + 1,
                    error.message.trim()
                ),
            )
        })?;
        for pattern in 0..query.pattern_count() {
            let unknown = query
                .general_predicates(pattern)
                .first()
                .map(|predicate| predicate.operator.to_string())
                .or_else(|| {
                    (!query.property_settings(pattern).is_empty()).then(|| "set!".to_string())
                })
                .or_else(|| {
                    query
                        .property_predicates(pattern)
                        .first()
                        .map(|(_, positive)| if *positive { "is?" } else { "is-not?" }.to_string())
                });
            if let Some(operator) = unknown {
                let needle = format!("#{operator}");
                let offset = text.find(&needle).unwrap_or(0);
                return Err(file.error(
                    at(offset, needle.len()),
                    format!(
                        "unknown predicate `{needle}`: use #eq?, #not-eq?, #match?, #not-match?, #any-of? or #not-any-of?"
                    ),
                ));
            }
        }
        compiled.push((*grammar, query));
    }
    Ok(compiled)
}

fn capture_list(query: &Query) -> String {
    let names: Vec<String> = query
        .capture_names()
        .iter()
        .map(|name| format!("@{name}"))
        .collect();
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

/// Every `{name}` in the message must be a capture of the query.
fn check_placeholders(
    file: &RuleFile<'_>,
    message: &Spanned<String>,
    queries: &[(Grammar, Query)],
) -> Result<(), LoadError> {
    for name in crate::rule::placeholders(message.get_ref()) {
        for (_, query) in queries {
            if query.capture_index_for_name(name).is_none() {
                return Err(file.error(
                    Some(message.span()),
                    format!(
                        "message uses `{{{name}}}`, which is not a capture of the query (captures: {})",
                        capture_list(query)
                    ),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{RuleFile, compile};

    /// tree-sitter reports a byte offset; on a multi-byte character the span must still cover
    /// whole characters to be framed (a fuzz target's finding).
    #[test]
    fn error_spans_cover_whole_characters() {
        let text = "id = \"X-t\"\nname = \"t\"\nlanguage = \"python\"\nseverity = \"warning\"\nmessage = \"m\"\nquery = '''\n(class_definition\n \u{751}ame: (identifier) @class)\n'''\nreport = \"class\"\n";
        let file = RuleFile {
            path: std::path::Path::new("x.toml"),
            text,
        };
        let error = compile(&file, true)
            .err()
            .expect("the query does not compile");
        let span = error.span.expect("it points into the file");
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "{span:?}"
        );
        assert!(!text[span].is_empty());
    }
}
