//! Plain, serializable data shared by every stage: what a violation is and where it is.
//!
//! Nothing here renders or decides; the engine produces these values and the reporters print them.
//! Keeping this crate free of parsers and renderers lets the report crate depend on it alone.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// How serious a violation is. Ordered so that `Error > Warning > Info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The programming language of a checked file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    TypeScript,
    JavaScript,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::Python, Language::TypeScript, Language::JavaScript];

    pub fn as_str(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::TypeScript => "typescript",
            Language::JavaScript => "javascript",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a file is production code or test code; decides which rules apply and its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileRole {
    Source,
    Test,
}

impl FileRole {
    pub fn as_str(self) -> &'static str {
        match self {
            FileRole::Source => "source",
            FileRole::Test => "test",
        }
    }
}

/// A position in a file: 1-based line, 1-based column counted in Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// A region of a file, with byte offsets for code frames and line/column for humans and SARIF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: Position,
    pub end: Position,
    pub start_byte: u32,
    pub end_byte: u32,
}

impl Span {
    /// The span of a whole file that could not be read: line 1, column 1.
    pub fn file_start() -> Self {
        let start = Position { line: 1, column: 1 };
        Span {
            start,
            end: start,
            start_byte: 0,
            end_byte: 0,
        }
    }
}

/// Another place that explains a violation (e.g. the other definition of a duplicated type).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RelatedLocation {
    pub path: String,
    pub span: Span,
    pub message: String,
}

/// One violation of one rule at one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Permanent rule code, e.g. `SYN001`.
    pub code: String,
    /// Kebab-case rule name, e.g. `syntax-error`.
    pub rule: String,
    pub severity: Severity,
    /// Path relative to the working directory, with `/` separators.
    pub path: String,
    pub span: Span,
    pub message: String,
    /// Further explanation lines (counts of further errors, hints).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedLocation>,
    /// Stable identity that survives unrelated edits; see [`Fingerprint`].
    pub fingerprint: String,
    /// Enclosing symbol path (e.g. `TestOrders.test_refund`), empty at module level; part of
    /// the fingerprint and shown in the baseline so an entry can be read without line numbers.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub symbol: String,
    /// Set only when the run compared against a baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineState>,
}

impl Diagnostic {
    /// Whether the violation counts against the gate: always without a baseline, and with one
    /// only when the baseline does not list it.
    pub fn is_new(&self) -> bool {
        self.baseline != Some(BaselineState::Unchanged)
    }

    /// The order every output uses: path, position, code, then message for total determinism.
    pub fn sort_key(&self) -> (&str, Position, &str, &str) {
        (&self.path, self.span.start, &self.code, &self.message)
    }
}

/// How a violation relates to the baseline, named as SARIF's `baselineState` names it. Baseline
/// entries that no longer occur are not diagnostics: they are listed in
/// [`BaselineSummary::fixed`] (SARIF `absent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    /// Not in the baseline: fails the gate.
    New,
    /// Listed in the baseline ("known"): reported, but does not fail the gate.
    Unchanged,
}

/// One violation as the baseline file records it: the fingerprint that identifies it and the
/// readable context a reviewer needs to recognise it (no line numbers, which would churn).
/// Unknown keys are errors when it is read, so a typo in a hand-edited baseline is not ignored.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub code: String,
    /// Path inside the project root, with `/` separators.
    pub path: String,
    /// Enclosing symbol path, empty at module level.
    #[serde(default)]
    pub symbol: String,
    pub message: String,
    pub fingerprint: String,
}

/// The comparison of one run with its baseline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineSummary {
    /// The baseline file as given (config or command line).
    pub file: String,
    /// The project root that entry paths are relative to, as reports show paths (relative to
    /// the working directory; empty when it is the working directory), so a fixed entry can be
    /// pointed at from where the report is read.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub root: String,
    /// Violations not in the baseline.
    pub new: usize,
    /// Violations the baseline lists.
    pub known: usize,
    /// Baseline entries no longer found: fixed, which makes the baseline stale.
    pub fixed: Vec<BaselineEntry>,
}

impl BaselineSummary {
    pub fn is_stale(&self) -> bool {
        !self.fixed.is_empty()
    }
}

/// One gate condition that failed, with the figure and the threshold it was compared with, so
/// every format can say exactly why the run fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateFailure {
    /// Which condition: `fail-on`, `fail-under tests`, `max MCK001`, `stale baseline`, ...
    pub condition: String,
    /// The measured figure, as printed (e.g. `72.4%`, `131`).
    pub figure: String,
    /// The threshold it failed, as printed (e.g. `80%`, `120`).
    pub threshold: String,
    /// One sentence for humans.
    pub message: String,
}

/// Builds line-number-free fingerprints: rule code, path, enclosing symbol, normalized snippet and
/// an occurrence index, hashed. Unrelated edits above a violation therefore do not change it.
#[derive(Debug, Default)]
pub struct Fingerprint;

impl Fingerprint {
    pub fn compute(code: &str, path: &str, symbol: &str, snippet: &str, occurrence: u32) -> String {
        let normalized = Self::normalize(snippet);
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for part in [code, path, symbol, normalized.as_str()] {
            hasher.update(part.as_bytes());
            hasher.update(&[0]);
        }
        hasher.update(&occurrence.to_le_bytes());
        format!("{:016x}", hasher.digest())
    }

    /// The token-ish form of a snippet that fingerprints hash, so that what a formatter
    /// (`ruff format`, black, prettier) changes does not change the fingerprint: whitespace,
    /// quote characters and backslashes (quote style and escaping), parentheses (the wrapping
    /// parentheses formatters add or remove), semicolons (prettier adds them) and trailing
    /// commas (a comma whose next kept character closes a bracket) are dropped. Idempotent, so
    /// a snippet may be normalized where it is extracted and again here.
    pub fn normalize(snippet: &str) -> String {
        let dropped = |c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '`' | '\\' | ';');
        let mut out = String::with_capacity(snippet.len());
        // Over the `str` itself, not a `Vec<char>` of it: this runs for every diagnostic of a
        // run (hundreds of thousands on a large repository).
        for (position, c) in snippet.char_indices() {
            if dropped(c) || c == '(' || c == ')' {
                continue;
            }
            // `,` is one byte: what follows starts on a character boundary.
            if c == ','
                && matches!(
                    snippet[position + 1..]
                        .chars()
                        .find(|&next| !dropped(next) && next != '('),
                    Some(')' | ']' | '}')
                )
            {
                continue;
            }
            out.push(c);
        }
        out
    }
}

/// Converts byte offsets into 1-based line/column positions for one file's text.
///
/// Lines end where the file's language says they do, as its compiler counts them: `\n`, `\r\n`
/// and a lone `\r` for both (CPython's tokenizer and ECMAScript's LineTerminatorSequence), and
/// U+2028 / U+2029 for TypeScript and JavaScript only ([`LineIndex::ecma`]).
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    /// Lines ended by `\n`, `\r\n` or `\r`: Python's definition.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        // memchr finds line breaks many bytes at a time; every file of a run builds one of these.
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0u32);
        for offset in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            // The `\r` of a `\r\n` pair is not a line break of its own.
            if bytes[offset] == b'\r' && bytes.get(offset + 1) == Some(&b'\n') {
                continue;
            }
            line_starts.push(offset as u32 + 1);
        }
        LineIndex { line_starts }
    }

    /// Lines as TypeScript and JavaScript count them: also ended by U+2028 LINE SEPARATOR and
    /// U+2029 PARAGRAPH SEPARATOR.
    pub fn ecma(text: &str) -> Self {
        let mut index = LineIndex::new(text);
        // Both separators are encoded E2 80 A8 / E2 80 A9; most files hold no E2 byte at all.
        if memchr::memchr(0xE2, text.as_bytes()).is_some() {
            let separators = text
                .match_indices(['\u{2028}', '\u{2029}'])
                .map(|(offset, separator)| (offset + separator.len()) as u32);
            index.line_starts.extend(separators);
            index.line_starts.sort_unstable();
        }
        index
    }

    /// 1-based line and 1-based column (in characters) of `offset`, clamped to the text.
    pub fn position(&self, text: &str, offset: u32) -> Position {
        let offset = offset.min(text.len() as u32);
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(exact) => exact,
            Err(next) => next - 1,
        };
        let line_start = self.line_starts[line_index] as usize;
        let mut end = offset as usize;
        while end > line_start && !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = text[line_start..end].chars().count() as u32 + 1;
        Position {
            line: line_index as u32 + 1,
            column,
        }
    }

    pub fn span(&self, text: &str, start: u32, end: u32) -> Span {
        Span {
            start: self.position(text, start),
            end: self.position(text, end.max(start)),
            start_byte: start.min(text.len() as u32),
            end_byte: end.max(start).min(text.len() as u32),
        }
    }

    /// Byte offset where 1-based `line` starts, if the line exists.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts.get(line.checked_sub(1)? as usize).copied()
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "é = 1\nab\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 2), Position { line: 1, column: 2 });
        assert_eq!(index.position(text, 7), Position { line: 2, column: 1 });
        assert_eq!(index.position(text, 8), Position { line: 2, column: 2 });
        assert_eq!(index.position(text, 1000), Position { line: 3, column: 1 });
    }

    /// CPython counts `\r`, `\n` and `\r\n` as one line break each; TypeScript also U+2028/9.
    #[test]
    fn lines_end_as_each_language_says() {
        let text = "a\rb\r\nc\nd\u{2028}e";
        let python = LineIndex::new(text);
        assert_eq!(python.position(text, 2), Position { line: 2, column: 1 });
        assert_eq!(python.position(text, 5), Position { line: 3, column: 1 });
        assert_eq!(python.position(text, 7), Position { line: 4, column: 1 });
        assert_eq!(python.position(text, 11), Position { line: 4, column: 3 });
        assert_eq!(python.line_count(), 4);
        let ecma = LineIndex::ecma(text);
        assert_eq!(ecma.position(text, 11), Position { line: 5, column: 1 });
        assert_eq!(ecma.line_count(), 5);
    }

    #[test]
    fn fingerprints_ignore_whitespace_but_not_content() {
        let a = Fingerprint::compute("SYN001", "a.py", "", "x  =\n 1", 0);
        let b = Fingerprint::compute("SYN001", "a.py", "", "x = 1", 0);
        let c = Fingerprint::compute("SYN001", "a.py", "", "x = 2", 0);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    /// Pairs of one snippet before and after a formatter: the same token-ish form.
    #[test]
    fn normalization_survives_formatters() {
        let pairs = [
            // ruff format / black: quote style, exploded call with a magic trailing comma.
            (
                "patch('app.db.Session', return_value=None)",
                "patch(\n    \"app.db.Session\",\n    return_value=None,\n)",
            ),
            // Escapes change with the quote style.
            ("f('it\\'s')", "f(\"it's\")"),
            // Wrapping parentheses around a long import.
            (
                "from app.services.billing import Invoice, Refund",
                "from app.services.billing import (\n    Invoice,\n    Refund,\n)",
            ),
            // prettier: semicolons, trailing commas in objects and arrays, arrow parentheses.
            (
                "jest.mock('./db', () => ({query: jest.fn(x => [x,])}))",
                "jest.mock(\"./db\", () => ({\n  query: jest.fn((x) => [x]),\n}));",
            ),
            ("import {a, b,} from './m'", "import { a, b } from \"./m\";"),
            // A trailing comma before a closer that follows dropped characters.
            ("[a, ()]", "[a]"),
        ];
        for (before, after) in pairs {
            assert_eq!(
                Fingerprint::normalize(before),
                Fingerprint::normalize(after),
                "{before:?} vs {after:?}"
            );
        }
    }

    #[test]
    fn normalization_keeps_what_the_code_means() {
        for (a, b) in [
            ("patch('a.b')", "patch('a.c')"),
            ("f(a, b)", "f(a) + b"),
            ("f(a,) + g", "f(a) + g + 1"),
            ("[a, b]", "[a][b]"),
        ] {
            assert_ne!(
                Fingerprint::normalize(a),
                Fingerprint::normalize(b),
                "{a} vs {b}"
            );
        }
        // A non-trailing comma stays.
        assert_eq!(Fingerprint::normalize("f(a, (b))"), "fa,b");
        // Multi-byte characters around commas, and a comma that ends the snippet.
        assert_eq!(Fingerprint::normalize("é(ä, ü,) ,"), "éä,ü,");
        assert_eq!(Fingerprint::normalize("[\u{2028}, ]"), "[]");
    }

    #[test]
    fn normalization_is_idempotent() {
        for snippet in [
            "f(a, '')",
            "[a, ()]",
            "x = (1,)",
            "{ a: [1, 2,], }",
            "call(a, \\\n b)",
            "f(a,",
        ] {
            let once = Fingerprint::normalize(snippet);
            assert_eq!(Fingerprint::normalize(&once), once, "{snippet:?}");
        }
    }
}

/// What happened to one discovered file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    /// Read and parsed without syntax errors.
    Ok,
    /// Read, but its compiler would reject it (it has a SYN001).
    Unparseable,
    /// Could not be read or decoded (IO001), or checking it failed internally.
    Unreadable,
    /// Deliberately not checked: too large or binary (IO002).
    Skipped,
}

impl FileStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Ok => "ok",
            FileStatus::Unparseable => "unparseable",
            FileStatus::Unreadable => "unreadable",
            FileStatus::Skipped => "skipped",
        }
    }
}

/// One discovered file as the reports list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    pub path: String,
    pub language: Language,
    pub role: FileRole,
    /// `production` or `tests`, then any configured scopes the file belongs to.
    pub scopes: Vec<String>,
    pub status: FileStatus,
    /// Violations in this file after suppressions.
    pub violations: usize,
    /// Whether the file has no violation at or above the gate severity.
    pub compliant: bool,
    /// The per-file counts of rules that keep totals ([`RuleTotals`]), by rule code: the
    /// audit breaks totals down per directory from them. Only counts that are not all zero.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rule_counts: BTreeMap<String, Counts>,
}

/// Named counts in the order a rule gives them (`unjustified`, `justified`, ...): a JSON
/// object whose keys keep that order.
pub type Counts = indexmap::IndexMap<String, usize>;

/// What a rule counts beyond its violations, for the summary: MCK001 the mock sites it judged,
/// TYP001 the duplicated names it found. Keyed by rule code in [`Summary::rule_totals`], so
/// the engine and the reports handle every rule's totals alike (as ruff's `--statistics` is
/// per code), and a new rule adds its own without a field here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleTotals {
    /// What is counted, as a summary line starts: `Mocks in tests`.
    pub title: String,
    /// Snake-case name (read as words in text reports) to count.
    pub counts: Counts,
}

impl RuleTotals {
    /// Whether there is anything to say: reports leave all-zero totals out.
    pub fn is_empty(&self) -> bool {
        self.counts.values().all(|count| *count == 0)
    }

    /// The count named `name`, 0 when the rule gave none.
    pub fn get(&self, name: &str) -> usize {
        self.counts.get(name).copied().unwrap_or(0)
    }

    /// Adds `counts` name by name, keeping the first order seen.
    pub fn add(&mut self, counts: &Counts) {
        for (name, count) in counts {
            *self.counts.entry(name.clone()).or_default() += count;
        }
    }
}

/// Compliance of one scope: `percent = 100 * compliant / files`, always within 0..=100.
///
/// `files` counts the checked files only: a file that could not be read or was skipped (too
/// large, binary) was not judged, so it is neither compliant nor non-compliant; it is counted
/// in `not_checked` instead of inflating or deflating the percentage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeCompliance {
    pub scope: String,
    /// Checked files in the scope: the denominator.
    pub files: usize,
    pub compliant: usize,
    /// Files of the scope that were not checked (unreadable or skipped).
    #[serde(default)]
    pub not_checked: usize,
    /// `None` when the scope has no checked files (a percentage of nothing is not 100%).
    pub percent: Option<f64>,
}

impl ScopeCompliance {
    pub fn new(scope: String, files: usize, compliant: usize) -> Self {
        let percent = (files > 0).then(|| 100.0 * compliant as f64 / files as f64);
        ScopeCompliance {
            scope,
            files,
            compliant,
            not_checked: 0,
            percent,
        }
    }

    /// The same scope with `not_checked` files beside the denominator.
    pub fn with_not_checked(mut self, not_checked: usize) -> Self {
        self.not_checked = not_checked;
        self
    }
}

/// Counts of files by language and role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCounts {
    pub total: usize,
    pub checked: usize,
    pub unparseable: usize,
    pub unreadable: usize,
    pub skipped: usize,
    /// `language/role` (e.g. `python/test`) to count, sorted.
    pub by_language_and_role: BTreeMap<String, usize>,
}

/// Everything a report prints besides the individual diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub files: FileCounts,
    /// Exclusion (pattern or reason) to the number of paths it removed from the walk.
    pub excluded: BTreeMap<String, usize>,
    pub violations: usize,
    pub by_rule: BTreeMap<String, usize>,
    pub by_severity: BTreeMap<String, usize>,
    pub by_scope: BTreeMap<String, usize>,
    /// Violations hidden by `plumb: ignore` comments.
    pub suppressed: usize,
    pub gate_severity: Option<Severity>,
    pub compliance: Vec<ScopeCompliance>,
    pub python_target_version: String,
    /// Totals of the enabled rules that keep them, by rule code (see [`RuleTotals`]); a rule
    /// that ran and counted nothing has all-zero counts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rule_totals: BTreeMap<String, RuleTotals>,
    /// Work the run could not do, said once each (for example files outside the project root,
    /// whose imports are not resolved), so a missing finding is never silent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
    /// Present when the run compared against a baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineSummary>,
    /// Gate conditions that failed; empty when the run passes. The exit code is 1 exactly
    /// when this is non-empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gate_failures: Vec<GateFailure>,
}

/// The outcome of one run: what every reporter renders.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckOutcome {
    pub diagnostics: Vec<Diagnostic>,
    pub files: Vec<FileRecord>,
    pub summary: Summary,
}
