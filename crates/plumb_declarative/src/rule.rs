//! A loaded declarative rule: its metadata for the registry, and its check as a file rule that
//! runs a tree-sitter query over the file.

use std::path::PathBuf;
use std::sync::Arc;

use plumb_diagnostics::{Language, Severity};
use plumb_facts::{FileFacts, PathMatcher};
use plumb_rules::{FileContext, FileRule, RuleMeta, RuleScope, Violation};
use serde::Deserialize;

use crate::grammar::{Grammar, RuleLanguage};
use crate::matching::{FileMatches, Parsed};
use crate::set::RuleSet;

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
    pub(crate) report: String,
    pub(crate) default_enabled: bool,
    pub(crate) tests: InlineTests,
    pub(crate) source: PathBuf,
}

/// One rule as its file defines it. Its query is compiled with the other rules that run with
/// it ([`crate::set::RuleSet::combined`]), when they first run: compiling the bundled starter
/// set's queries at load took ~80 ms at every start of every run, though it is off by default.
pub(crate) struct RuleSpec {
    meta: &'static RuleMeta,
    message: String,
    files: Option<PathMatcher>,
    ignores: PathMatcher,
    applies_to: AppliesTo,
    grammars: Vec<Grammar>,
    query_text: String,
    report: String,
    tests: InlineTests,
    source: PathBuf,
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

impl RuleSpec {
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
        RuleSpec {
            // Loaded once per process and kept to its end, like the built-ins' static metadata.
            meta: Box::leak(Box::new(meta)),
            message: parts.message,
            files: parts.files,
            ignores: parts.ignores,
            applies_to: parts.applies_to,
            grammars: grammars_of(&parts.languages),
            query_text: parts.query_text,
            report: parts.report,
            tests: parts.tests,
            source: parts.source,
        }
    }

    pub(crate) fn meta(&self) -> &'static RuleMeta {
        self.meta
    }

    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn query_text(&self) -> &str {
        &self.query_text
    }

    /// The capture whose node a hit reports.
    pub(crate) fn report(&self) -> &str {
        &self.report
    }

    /// Whether the rule's query is compiled for `grammar`.
    pub(crate) fn targets(&self, grammar: Grammar) -> bool {
        self.grammars.contains(&grammar)
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
}

/// A declarative rule, ready to run: one rule of a [`RuleSet`], and the rules of the set that
/// run with it.
pub struct DeclarativeRule {
    set: Arc<RuleSet>,
    index: usize,
    /// The rules of the set (ascending indices) whose queries run as one over each file: the
    /// rule alone, until the engine names the run's enabled rules
    /// ([`FileRule::for_selection`]).
    selection: Arc<[usize]>,
}

impl DeclarativeRule {
    /// The rules of `set`, each running alone.
    pub(crate) fn all_of(set: Arc<RuleSet>) -> Vec<DeclarativeRule> {
        (0..set.specs.len())
            .map(|index| DeclarativeRule {
                set: Arc::clone(&set),
                index,
                selection: Arc::from([index]),
            })
            .collect()
    }

    fn spec(&self) -> &RuleSpec {
        &self.set.specs[self.index]
    }

    pub fn meta(&self) -> &'static RuleMeta {
        self.spec().meta
    }

    /// The file the rule was loaded from.
    pub fn source(&self) -> &std::path::Path {
        &self.spec().source
    }

    pub fn inline_tests(&self) -> &InlineTests {
        &self.spec().tests
    }

    /// The grammars the rule's query is compiled for.
    pub(crate) fn grammars(&self) -> impl Iterator<Item = Grammar> + '_ {
        self.spec().grammars.iter().copied()
    }

    /// The rule set the rule belongs to.
    #[cfg(test)]
    pub(crate) fn set(&self) -> &RuleSet {
        &self.set
    }

    /// The violations of `source` parsed with `grammar`, the rule running alone and without
    /// its file filters (the inline tests use this directly).
    pub(crate) fn matches_in(&self, grammar: Grammar, source: &str) -> Vec<Violation> {
        let parsed = Parsed::new(grammar, source);
        self.set
            .combined(grammar, &[self.index])
            .run(&self.set.specs, &parsed, source)
            .remove(&self.index)
            .unwrap_or_default()
    }

    /// The rules of the selection that check `file`, parsed with `grammar`.
    fn checking(&self, file: &FileContext<'_>, grammar: Grammar) -> Vec<usize> {
        self.selection
            .iter()
            .copied()
            .filter(|&rule| {
                let spec = &self.set.specs[rule];
                spec.targets(grammar) && spec.applies(file)
            })
            .collect()
    }
}

impl FileRule for DeclarativeRule {
    fn check(&self, file: &FileContext<'_>, facts: &FileFacts, violations: &mut Vec<Violation>) {
        let spec = self.spec();
        // A file its compiler rejects has its SYN001; tree-sitter would guess at it.
        if facts.syntax_error.is_some() || !spec.applies(file) {
            return;
        }
        let Some(source) = file.source else {
            return;
        };
        let grammar = Grammar::of(file.language, file.path);
        if !spec.targets(grammar) {
            return;
        }
        // One parse and one query pass per file, made by whichever of the selection's rules
        // checks it first, for all of them that apply to it.
        let pass = (self.set.id(), &self.selection);
        let found = file.shared.with(
            || FileMatches::new(grammar, source),
            |matches| {
                matches.take(pass, self.index, |parsed| {
                    let rules = self.checking(file, grammar);
                    self.set
                        .combined(grammar, &rules)
                        .run(&self.set.specs, parsed, source)
                })
            },
        );
        violations.extend(found);
    }

    fn reads_source(&self, language: Language) -> bool {
        self.meta().languages.contains(&language)
    }

    fn for_selection(&self, enabled: &dyn Fn(&str) -> bool) -> Option<Box<dyn FileRule>> {
        let selection: Vec<usize> = (0..self.set.specs.len())
            .filter(|&rule| rule == self.index || enabled(self.set.specs[rule].meta.code))
            .collect();
        Some(Box::new(DeclarativeRule {
            set: Arc::clone(&self.set),
            index: self.index,
            selection: selection.into(),
        }))
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
pub(crate) fn interpolate<'s>(message: &str, text_of: impl Fn(&str) -> Option<&'s str>) -> String {
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
