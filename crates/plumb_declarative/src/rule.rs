//! A loaded declarative rule: its metadata for the registry, and its check as a file rule that
//! runs a tree-sitter query over the file.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use plumb_diagnostics::{Language, LineIndex, Severity};
use plumb_facts::{FileFacts, PathMatcher};
use plumb_rules::{FileContext, FileRule, RuleMeta, RuleScope, Violation};
use serde::Deserialize;
use streaming_iterator::StreamingIterator;
use tree_sitter::{Parser, Query, QueryCursor, Tree};

use crate::grammar::{Grammar, RuleLanguage};

/// `applies-to`: which files, by role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppliesTo {
    /// Source files only.
    Source,
    /// Test files only.
    Tests,
    #[default]
    All,
}

/// `[tests]`: snippets the rule must not match (`valid`) and must match (`invalid`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InlineTests {
    #[serde(default)]
    pub valid: Vec<String>,
    #[serde(default)]
    pub invalid: Vec<String>,
}

/// Everything a validated rule file says.
pub(crate) struct Parts {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) languages: Vec<RuleLanguage>,
    pub(crate) severity: Severity,
    pub(crate) message: String,
    pub(crate) note: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) files: Option<PathMatcher>,
    pub(crate) ignores: PathMatcher,
    pub(crate) applies_to: AppliesTo,
    pub(crate) query_text: String,
    /// `None`: compiled when the rule first runs, from `deferred_text`.
    pub(crate) queries: Option<Vec<(Grammar, Query)>>,
    pub(crate) deferred_text: Option<String>,
    pub(crate) report: String,
    pub(crate) default_enabled: bool,
    pub(crate) tests: InlineTests,
    pub(crate) source: PathBuf,
}

/// A declarative rule, ready to run.
pub struct DeclarativeRule {
    meta: &'static RuleMeta,
    message: String,
    files: Option<PathMatcher>,
    ignores: PathMatcher,
    applies_to: AppliesTo,
    /// The query compiled for each grammar the rule targets: at load, or on first use for a
    /// bundled rule (see `spec::compile`).
    queries: OnceLock<Vec<(Grammar, Query)>>,
    /// The rule file's text, for a rule whose query is compiled on first use.
    deferred_text: Option<String>,
    grammars: Vec<Grammar>,
    report: String,
    tests: InlineTests,
    source: PathBuf,
}

/// Files parsed with tree-sitter in this process, for the test that files of a language no
/// enabled declarative rule targets are never parsed.
static PARSES: AtomicUsize = AtomicUsize::new(0);

/// How many files this process has parsed with tree-sitter.
pub fn parse_count() -> usize {
    PARSES.load(Ordering::Relaxed)
}

/// One file's tree-sitter parse, shared by every declarative rule that checks it.
struct Parsed {
    tree: Option<Tree>,
    index: LineIndex,
}

impl Parsed {
    fn new(grammar: Grammar, source: &str) -> Parsed {
        PARSES.fetch_add(1, Ordering::Relaxed);
        Parsed {
            tree: parse(grammar, source),
            index: match grammar {
                Grammar::Python => LineIndex::new(source),
                Grammar::TypeScript | Grammar::Tsx | Grammar::JavaScript => LineIndex::ecma(source),
            },
        }
    }
}

fn parse(grammar: Grammar, source: &str) -> Option<Tree> {
    let mut parser = Parser::new();
    parser.set_language(&grammar.language()).ok()?;
    parser.parse(source, None)
}

/// Each grammar of `languages` once, in order.
fn grammars_of(languages: &[RuleLanguage]) -> Vec<Grammar> {
    let mut grammars: Vec<Grammar> = Vec::new();
    for grammar in languages.iter().flat_map(|language| language.grammars()) {
        if !grammars.contains(grammar) {
            grammars.push(*grammar);
        }
    }
    grammars
}

impl DeclarativeRule {
    pub(crate) fn new(parts: Parts) -> Self {
        let mut languages: Vec<Language> = parts
            .languages
            .iter()
            .map(|language| language.plumb_language())
            .collect();
        languages.sort_by_key(|language| language.as_str());
        languages.dedup();
        let summary = parts
            .note
            .as_deref()
            .and_then(|note| note.lines().find(|line| !line.trim().is_empty()))
            .unwrap_or(&parts.message)
            .trim()
            .to_string();
        let docs = docs(&parts, &summary);
        let meta = RuleMeta {
            code: leak(parts.id),
            name: leak(parts.name),
            family: "X",
            scope: RuleScope::File,
            languages: Vec::leak(languages),
            default_severity: parts.severity,
            since: env!("CARGO_PKG_VERSION"),
            summary: leak(summary),
            docs: leak(docs),
            default_enabled: parts.default_enabled,
        };
        DeclarativeRule {
            // Loaded once per process and kept to its end, like the built-ins' static metadata.
            meta: Box::leak(Box::new(meta)),
            message: parts.message,
            files: parts.files,
            ignores: parts.ignores,
            applies_to: parts.applies_to,
            grammars: grammars_of(&parts.languages),
            queries: parts.queries.map(OnceLock::from).unwrap_or_default(),
            deferred_text: parts.deferred_text,
            report: parts.report,
            tests: parts.tests,
            source: parts.source,
        }
    }

    pub fn meta(&self) -> &'static RuleMeta {
        self.meta
    }

    /// The file the rule was loaded from.
    pub fn source(&self) -> &std::path::Path {
        &self.source
    }

    pub fn inline_tests(&self) -> &InlineTests {
        &self.tests
    }

    /// The grammars the rule's query is compiled for.
    pub(crate) fn grammars(&self) -> impl Iterator<Item = Grammar> + '_ {
        self.grammars.iter().copied()
    }

    /// Whether the queries are compiled yet.
    #[cfg(test)]
    pub(crate) fn queries_compiled(&self) -> bool {
        self.queries.get().is_some()
    }

    /// The compiled queries; a bundled rule's are compiled here the first time.
    fn queries(&self) -> &[(Grammar, Query)] {
        self.queries.get_or_init(|| {
            let text = self
                .deferred_text
                .as_deref()
                .expect("a rule loaded without its queries keeps its text");
            let file = crate::spec::RuleFile {
                path: &self.source,
                text,
            };
            crate::spec::compile_queries(&file)
                .unwrap_or_else(|error| panic!("bundled rule does not compile: {}", error.message))
        })
    }

    /// Whether the rule looks at a file with this role and project path.
    fn applies(&self, file: &FileContext<'_>) -> bool {
        let role = match self.applies_to {
            AppliesTo::All => true,
            AppliesTo::Source => !file.is_test,
            AppliesTo::Tests => file.is_test,
        };
        role && self
            .files
            .as_ref()
            .is_none_or(|files| files.first_match(file.project_path).is_some())
            && self.ignores.first_match(file.project_path).is_none()
    }

    /// The violations of `source` parsed with `grammar` (no file filters: the inline tests
    /// use this directly).
    pub(crate) fn matches_in(&self, grammar: Grammar, source: &str) -> Vec<Violation> {
        let parsed = Parsed::new(grammar, source);
        self.find(grammar, source, &parsed)
    }

    fn find(&self, grammar: Grammar, source: &str, parsed: &Parsed) -> Vec<Violation> {
        let Some((_, query)) = self.queries().iter().find(|(known, _)| *known == grammar) else {
            return Vec::new();
        };
        let Some(tree) = &parsed.tree else {
            return Vec::new();
        };
        let Some(report) = query.capture_index_for_name(&self.report) else {
            return Vec::new();
        };
        let mut cursor = QueryCursor::new();
        let mut matches = cursor.matches(query, tree.root_node(), source.as_bytes());
        let mut seen = std::collections::HashSet::new();
        let mut violations = Vec::new();
        while let Some(found) = matches.next() {
            let Some(node) = found
                .captures
                .iter()
                .find(|capture| capture.index == report)
                .map(|capture| capture.node)
            else {
                continue;
            };
            if !seen.insert(node.byte_range()) {
                continue;
            }
            let text_of = |name: &str| {
                let index = query.capture_index_for_name(name)?;
                let capture = found.captures.iter().find(|c| c.index == index)?;
                source.get(capture.node.byte_range())
            };
            let span = parsed
                .index
                .span(source, node.start_byte() as u32, node.end_byte() as u32);
            let snippet = source
                .get(node.byte_range())
                .unwrap_or_default()
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            violations.push(Violation {
                span,
                message: interpolate(&self.message, text_of),
                notes: Vec::new(),
                symbol: String::new(),
                snippet,
                related: Vec::new(),
            });
        }
        violations
    }
}

impl FileRule for DeclarativeRule {
    fn check(&self, file: &FileContext<'_>, facts: &FileFacts, violations: &mut Vec<Violation>) {
        // A file its compiler rejects has its SYN001; tree-sitter would guess at it.
        if facts.syntax_error.is_some() || !self.applies(file) {
            return;
        }
        let Some(source) = file.source else {
            return;
        };
        let grammar = Grammar::of(file.language, file.path);
        if !self.grammars().any(|known| known == grammar) {
            return;
        }
        // One parse per file, whichever of the rules for its language runs first makes it.
        let found = file.shared.with(
            || Parsed::new(grammar, source),
            |parsed| self.find(grammar, source, parsed),
        );
        violations.extend(found);
    }

    fn reads_source(&self, language: Language) -> bool {
        self.meta.languages.contains(&language)
    }
}

fn leak(text: String) -> &'static str {
    String::leak(text)
}

/// The `{name}` placeholders of a message (`{{` and `}}` are literal braces).
pub(crate) fn placeholders(message: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        if rest[open..].starts_with("{{") {
            rest = &rest[open + 2..];
            continue;
        }
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        names.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    names
}

/// `message` with each `{name}` replaced by the text of that capture in one match (its first
/// line, when it spans several).
fn interpolate<'s>(message: &str, text_of: impl Fn(&str) -> Option<&'s str>) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(open) = rest.find(['{', '}']) {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        match (tail.starts_with('{'), tail.find('}')) {
            (true, Some(close)) => {
                let text = text_of(&tail[1..close]).unwrap_or_default();
                out.push_str(text.lines().next().unwrap_or_default());
                rest = &tail[close + 1..];
            }
            _ => {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The rule's documentation for `plumb explain` and SARIF, from its file.
fn docs(parts: &Parts, summary: &str) -> String {
    let mut docs = format!("## What it does\n{summary}\n\n");
    if let Some(note) = &parts.note {
        docs.push_str(&format!("## Why is this bad?\n{}\n\n", note.trim()));
    }
    docs.push_str(&format!(
        "Declarative rule from `{}`: severity {}, applies to {:?} files, message `{}`.\n\n",
        parts.source.display(),
        parts.severity,
        parts.applies_to,
        parts.message
    ));
    if let Some(url) = &parts.url {
        docs.push_str(&format!("More: <{url}>\n\n"));
    }
    let fence = match parts.languages.first() {
        Some(RuleLanguage::Python) => "python",
        Some(RuleLanguage::Javascript) => "javascript",
        _ => "typescript",
    };
    for (title, snippets) in [
        ("## Example", &parts.tests.invalid),
        ("## Use instead", &parts.tests.valid),
    ] {
        if let Some(first) = snippets.first() {
            docs.push_str(&format!(
                "{title}\n```{fence}\n{}\n```\n\n",
                first.trim_end()
            ));
        }
    }
    docs.push_str(&format!(
        "## Query\nReported at `@{}`:\n```scheme\n{}\n```\n",
        parts.report,
        parts.query_text.trim()
    ));
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_skip_escaped_braces() {
        assert_eq!(
            placeholders("{{x}} {module} and {name}"),
            ["module", "name"]
        );
    }

    #[test]
    fn interpolation_uses_the_first_line_and_keeps_literal_braces() {
        let text_of = |name: &str| (name == "module").then_some("os.path\nrest");
        assert_eq!(
            interpolate("import {module} {{as}} {missing}", text_of),
            "import os.path {as} "
        );
    }
}
