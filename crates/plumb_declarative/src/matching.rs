//! Running declarative rules over a file: the enabled rules of one grammar are one tree-sitter
//! query (their patterns joined, each pattern mapped back to its rule), so a file is walked by
//! one query cursor for all of them rather than one per rule.
//!
//! Joining is safe because everything tree-sitter evaluates is per pattern: text predicates
//! (`#eq?`, `#match?` with its regex compiled once, `#any-of?`) belong to the pattern that
//! declares them, and a match holds only its own pattern's captures. Capture *names* are shared
//! by the whole query (two rules' `@call` are one capture index), which is harmless for the
//! same reason: a rule's report capture and message placeholders are looked up in matches of
//! its own patterns only.

use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use plumb_diagnostics::LineIndex;
use plumb_rules::Violation;
use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Parser, Query, QueryCursor, QueryError, QueryMatch, Tree};

use crate::grammar::Grammar;
use crate::rule::{RuleSpec, interpolate};
use crate::symbol::symbol_of;

/// Files parsed with tree-sitter in this process, for the test that files of a language no
/// enabled declarative rule targets are never parsed.
static PARSES: AtomicUsize = AtomicUsize::new(0);

/// How many files this process has parsed with tree-sitter.
pub fn parse_count() -> usize {
    PARSES.load(Ordering::Relaxed)
}

/// Query cursor passes over a file, for the test that the enabled rules of a grammar walk a
/// file once between them.
static PASSES: AtomicUsize = AtomicUsize::new(0);

/// How many query cursor passes this process has made over files.
pub fn pass_count() -> usize {
    PASSES.load(Ordering::Relaxed)
}

/// One file's tree-sitter parse.
pub(crate) struct Parsed {
    tree: Option<Tree>,
    grammar: Grammar,
    /// Made for the first hit: most files have none.
    index: OnceCell<LineIndex>,
}

impl Parsed {
    pub(crate) fn new(grammar: Grammar, source: &str) -> Parsed {
        PARSES.fetch_add(1, Ordering::Relaxed);
        let mut parser = Parser::new();
        let tree = parser
            .set_language(&grammar.language())
            .ok()
            .and_then(|()| parser.parse(source, None));
        Parsed {
            tree,
            grammar,
            index: OnceCell::new(),
        }
    }
}

/// Hits by rule (index in its set), each rule's in source order.
pub(crate) type Hits = HashMap<usize, Vec<Violation>>;

/// A file's parse and the hits of the passes made over it, kept in [`plumb_rules::Shared`]
/// until each rule takes its own: the first rule of a selection to check the file runs the
/// pass for all of them.
pub(crate) struct FileMatches {
    parsed: Parsed,
    passes: RefCell<Vec<Pass>>,
}

struct Pass {
    set: usize,
    selection: Arc<[usize]>,
    hits: Hits,
}

impl FileMatches {
    pub(crate) fn new(grammar: Grammar, source: &str) -> FileMatches {
        FileMatches {
            parsed: Parsed::new(grammar, source),
            passes: RefCell::new(Vec::new()),
        }
    }

    /// The hits of `rule` of rule set `set`, from the pass for `selection` (run with `run` by
    /// the first of its rules to ask).
    pub(crate) fn take(
        &self,
        (set, selection): (usize, &Arc<[usize]>),
        rule: usize,
        run: impl FnOnce(&Parsed) -> Hits,
    ) -> Vec<Violation> {
        let mut passes = self.passes.borrow_mut();
        let found = passes
            .iter()
            .position(|pass| pass.set == set && pass.selection == *selection);
        let position = found.unwrap_or_else(|| {
            passes.push(Pass {
                set,
                selection: Arc::clone(selection),
                hits: run(&self.parsed),
            });
            passes.len() - 1
        });
        passes[position].hits.remove(&rule).unwrap_or_default()
    }
}

/// Some rules of a set compiled for one grammar: normally one query for all of them.
pub(crate) struct Combined {
    parts: Vec<Part>,
}

/// One compiled query and, for each of its patterns, the rule it came from.
struct Part {
    query: Query,
    patterns: Vec<PatternRule>,
}

#[derive(Clone, Copy)]
struct PatternRule {
    rule: usize,
    /// The rule's report capture in this query.
    report: Option<u32>,
}

impl Combined {
    /// `rules` (indices into `specs`, each targeting `grammar`) as one query. Each rule's query
    /// compiles alone (checked at load, or by the bundled rules' tests); should the joined
    /// text not, each rule gets a query of its own rather than the run failing.
    pub(crate) fn build(specs: &[RuleSpec], grammar: Grammar, rules: &[usize]) -> Combined {
        match Part::compile(specs, grammar, rules) {
            Ok(part) => Combined { parts: vec![part] },
            Err(_) => Combined {
                parts: rules
                    .iter()
                    .filter_map(|&rule| Part::compile(specs, grammar, &[rule]).ok())
                    .collect(),
            },
        }
    }

    /// Each rule's hits in `parsed`, the text of `source`: a report node once per rule, in
    /// source order.
    pub(crate) fn run(&self, specs: &[RuleSpec], parsed: &Parsed, source: &str) -> Hits {
        let mut hits: HashMap<usize, Vec<(Range<usize>, Violation)>> = HashMap::new();
        let Some(tree) = &parsed.tree else {
            return Hits::new();
        };
        let mut seen: HashSet<(usize, Range<usize>)> = HashSet::new();
        for part in &self.parts {
            PASSES.fetch_add(1, Ordering::Relaxed);
            let mut cursor = QueryCursor::new();
            let mut matches = cursor.matches(&part.query, tree.root_node(), source.as_bytes());
            while let Some(found) = matches.next() {
                let Some((rule, node)) = part.reported(found) else {
                    continue;
                };
                if !seen.insert((rule, node.byte_range())) {
                    continue;
                }
                let hit = Hit {
                    spec: &specs[rule],
                    query: &part.query,
                    found,
                    node,
                };
                let violation = hit.violation(parsed, source);
                hits.entry(rule)
                    .or_default()
                    .push((node.byte_range(), violation));
            }
        }
        hits.into_iter()
            .map(|(rule, mut found)| {
                found.sort_by_key(|(range, _)| (range.start, range.end));
                (rule, found.into_iter().map(|(_, hit)| hit).collect())
            })
            .collect()
    }
}

impl Part {
    fn compile(specs: &[RuleSpec], grammar: Grammar, rules: &[usize]) -> Result<Part, QueryError> {
        let mut text = String::new();
        // Where each rule's patterns start in the joined text.
        let mut starts: Vec<(usize, usize)> = Vec::new();
        for &rule in rules {
            starts.push((text.len(), rule));
            text.push_str(specs[rule].query_text());
            // Ends a trailing `;` comment.
            text.push('\n');
        }
        let query = Query::new(&grammar.language(), &text)?;
        let patterns = (0..query.pattern_count())
            .map(|pattern| {
                let start = query.start_byte_for_pattern(pattern);
                let at = starts.partition_point(|(offset, _)| *offset <= start);
                let rule = starts[at.saturating_sub(1)].1;
                PatternRule {
                    rule,
                    report: query.capture_index_for_name(specs[rule].report()),
                }
            })
            .collect();
        Ok(Part { query, patterns })
    }

    /// The rule of a match and the node it reports, when the match has its report capture.
    fn reported<'t>(&self, found: &QueryMatch<'_, 't>) -> Option<(usize, Node<'t>)> {
        let PatternRule { rule, report } = *self.patterns.get(found.pattern_index)?;
        let report = report?;
        let node = found
            .captures
            .iter()
            .find(|capture| capture.index == report)?
            .node;
        Some((rule, node))
    }
}

/// One match of a rule, about to become its violation.
struct Hit<'a, 't> {
    spec: &'a RuleSpec,
    query: &'a Query,
    found: &'a QueryMatch<'a, 't>,
    node: Node<'t>,
}

impl Hit<'_, '_> {
    fn violation(&self, parsed: &Parsed, source: &str) -> Violation {
        // Lines as the language counts them (U+2028/U+2029 end lines in TS/JS).
        let index = parsed.index.get_or_init(|| match parsed.grammar {
            Grammar::Python => LineIndex::new(source),
            Grammar::TypeScript | Grammar::Tsx | Grammar::JavaScript => LineIndex::ecma(source),
        });
        let node = self.node;
        let span = index.span(source, node.start_byte() as u32, node.end_byte() as u32);
        let snippet = source
            .get(node.byte_range())
            .unwrap_or_default()
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        let text_of = |name: &str| {
            let index = self.query.capture_index_for_name(name)?;
            let capture = self.found.captures.iter().find(|c| c.index == index)?;
            source.get(capture.node.byte_range())
        };
        Violation {
            span,
            message: interpolate(self.spec.message(), text_of),
            notes: Vec::new(),
            symbol: symbol_of(node, source),
            snippet,
            related: Vec::new(),
        }
    }
}
