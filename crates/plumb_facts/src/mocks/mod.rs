//! Mock sites in test files: where a test replaces real code with a double, and the comments or
//! decorators that might justify it.
//!
//! Extraction only records what the source says; whether a comment is an acceptable justification
//! (markers, minimum length, deny-list) is the rule's decision, so changing those options never
//! needs a re-parse.

pub(crate) mod ecma;
pub(crate) mod python;

use std::collections::BTreeMap;

use plumb_diagnostics::{Fingerprint, LineIndex, Span};
use serde::{Deserialize, Serialize};

/// One place where a test creates a mock, patches something, or spies on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MockSite {
    /// The call, or the decorator expression.
    pub span: Span,
    /// What was called, canonicalised: `patch.object`, `MagicMock`, `mocker.spy`, `jest.mock`.
    pub callee: String,
    /// What is mocked, when the source names it literally: `app.db.Session`, `./db`, `api.get`.
    pub target: Option<String>,
    /// Enclosing symbol path, e.g. `TestLogin::test_ok`, for fingerprints.
    pub symbol: String,
    /// The site's source text in fingerprint form ([`fingerprint_snippet`]), for fingerprints.
    pub snippet: String,
    /// Comments that may justify the site: the block of comment lines directly above the
    /// statement the site belongs to (joined with newlines), then comments on the site's line.
    pub comments: Vec<String>,
    /// Reasons given by `@mock_justified("...")` on enclosing functions or classes, innermost last.
    pub decorator_reasons: Vec<String>,
}

/// What counts as a mock, so users can add their own factories and patchers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MockDetection {
    /// Fully qualified Python callables that create a mock (`unittest.mock.MagicMock`). Names
    /// imported from the `mock` backport are read as `unittest.mock`.
    pub python_factories: Vec<String>,
    /// Fully qualified Python patchers (`unittest.mock.patch.object`): used as decorators,
    /// context managers or calls.
    pub python_patchers: Vec<String>,
    /// pytest fixture parameter names whose every method call is a mock site (`mocker`).
    pub mocker_fixtures: Vec<String>,
    /// Methods of a mocker fixture that are not mock sites (`stopall`, `resetall`).
    pub mocker_ignored_methods: Vec<String>,
    /// Whether `monkeypatch.setattr` / `setitem` / `delattr` count as mock sites.
    pub monkeypatch: bool,
    /// JS/TS calls that are mock sites, as `object.method` after import resolution: `jest.fn`,
    /// `vi.mock`, `sinon.stub`. `sinon.*` also covers sandboxes made by `sinon.createSandbox()`.
    pub ecma_calls: Vec<String>,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_string()).collect()
}

/// The Python factories recognised by default.
pub const DEFAULT_PYTHON_FACTORIES: &[&str] = &[
    "unittest.mock.Mock",
    "unittest.mock.MagicMock",
    "unittest.mock.AsyncMock",
    "unittest.mock.NonCallableMock",
    "unittest.mock.NonCallableMagicMock",
    "unittest.mock.PropertyMock",
    "unittest.mock.create_autospec",
    "unittest.mock.mock_open",
];

/// The Python patchers recognised by default.
pub const DEFAULT_PYTHON_PATCHERS: &[&str] = &[
    "unittest.mock.patch",
    "unittest.mock.patch.object",
    "unittest.mock.patch.dict",
    "unittest.mock.patch.multiple",
];

/// pytest-mock's fixtures.
pub const DEFAULT_MOCKER_FIXTURES: &[&str] = &[
    "mocker",
    "class_mocker",
    "module_mocker",
    "package_mocker",
    "session_mocker",
];

/// Mocker methods that undo or inspect mocks rather than create them.
pub const DEFAULT_MOCKER_IGNORED_METHODS: &[&str] = &[
    "stopall", "resetall", "stop", "call", "ANY", "DEFAULT", "sentinel", "seal",
];

/// The JS/TS mock calls recognised by default. `jest.mocked` / `vi.mocked` are type helpers.
pub const DEFAULT_ECMA_CALLS: &[&str] = &[
    "jest.mock",
    "jest.doMock",
    "jest.fn",
    "jest.spyOn",
    "jest.createMockFromModule",
    "jest.replaceProperty",
    "vi.mock",
    "vi.doMock",
    "vi.fn",
    "vi.spyOn",
    "vi.stubGlobal",
    "vi.stubEnv",
    "sinon.stub",
    "sinon.spy",
    "sinon.mock",
    "sinon.fake",
];

impl Default for MockDetection {
    fn default() -> Self {
        MockDetection {
            python_factories: strings(DEFAULT_PYTHON_FACTORIES),
            python_patchers: strings(DEFAULT_PYTHON_PATCHERS),
            mocker_fixtures: strings(DEFAULT_MOCKER_FIXTURES),
            mocker_ignored_methods: strings(DEFAULT_MOCKER_IGNORED_METHODS),
            monkeypatch: false,
            ecma_calls: strings(DEFAULT_ECMA_CALLS),
        }
    }
}

/// One comment: the lines it spans, its text without delimiters, and whether only whitespace
/// precedes it on its first line.
struct Comment {
    start_line: u32,
    text: String,
    own_line: bool,
}

/// Comments by the line they end on, to find the block directly above a statement.
pub(crate) struct CommentMap {
    by_end_line: BTreeMap<u32, Vec<Comment>>,
}

impl CommentMap {
    /// `comments` are byte ranges including their delimiters (`#`, `//`, `/* */`).
    pub(crate) fn new(text: &str, index: &LineIndex, comments: &[(u32, u32)]) -> Self {
        let mut by_end_line: BTreeMap<u32, Vec<Comment>> = BTreeMap::new();
        for &(start, end) in comments {
            let Some(raw) = text.get(start as usize..end as usize) else {
                continue;
            };
            let start_position = index.position(text, start);
            let end_position = index.position(text, end);
            let line_start = index.line_start(start_position.line).unwrap_or(start);
            let own_line = text
                .get(line_start as usize..start as usize)
                .is_some_and(|before| before.trim().is_empty());
            by_end_line
                .entry(end_position.line)
                .or_default()
                .push(Comment {
                    start_line: start_position.line,
                    text: strip_delimiters(raw),
                    own_line,
                });
        }
        CommentMap { by_end_line }
    }

    /// The comment texts that may justify a site on `site_line` whose statement starts on
    /// `statement_line`: the block of own-line comments directly above the statement (joined
    /// into one text), then the comments on the site's own line.
    pub(crate) fn candidates(&self, statement_line: u32, site_line: u32) -> Vec<String> {
        let mut block: Vec<&str> = Vec::new();
        let mut line = statement_line;
        while line > 1 {
            let Some(comments) = self.by_end_line.get(&(line - 1)) else {
                break;
            };
            let Some(comment) = comments.first().filter(|comment| comment.own_line) else {
                break;
            };
            block.push(&comment.text);
            line = comment.start_line;
        }
        block.reverse();
        let mut candidates = Vec::new();
        if !block.is_empty() {
            candidates.push(block.join("\n"));
        }
        for comment in self.by_end_line.get(&site_line).into_iter().flatten() {
            candidates.push(comment.text.clone());
        }
        candidates
    }
}

/// A comment's text without `#`, `//` or `/* */` (and the `*` that starts JSDoc lines).
fn strip_delimiters(raw: &str) -> String {
    if let Some(rest) = raw.strip_prefix('#') {
        return rest.trim().to_string();
    }
    if let Some(rest) = raw.strip_prefix("//") {
        return rest.trim().to_string();
    }
    let inner = raw
        .strip_prefix("/*")
        .map(|rest| rest.strip_suffix("*/").unwrap_or(rest))
        .unwrap_or(raw);
    inner
        .lines()
        .map(|line| line.trim().trim_start_matches('*').trim())
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` with runs of whitespace collapsed to one space, at most 200 characters: for messages.
pub(crate) fn snippet(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.chars().take(200).collect()
}

/// `text` in the form fingerprints hash ([`Fingerprint::normalize`]), at most 200 characters.
/// Normalized before it is capped, so a formatter that re-wraps a long call keeps the same
/// first 200 characters (a cap on the raw text would cut the two layouts at different code).
pub(crate) fn fingerprint_snippet(text: &str) -> String {
    Fingerprint::normalize(text).chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ExtractOptions, NeededFacts, extract};
    use plumb_syntax::{PythonVersion, SourceKind};

    fn sites(text: &str, mocks: Option<&MockDetection>) -> Option<Vec<MockSite>> {
        let options = ExtractOptions {
            needed: NeededFacts {
                mock_sites: mocks,
                ..NeededFacts::ALL
            },
            ..ExtractOptions::new(PythonVersion::DEFAULT)
        };
        extract(text, SourceKind::Python { is_stub: false }, options)
            .unwrap()
            .mock_sites
    }

    #[test]
    fn only_names_imported_from_the_mock_library_are_mocks() {
        let detection = MockDetection::default();
        let text = "from unittest.mock import patch\nfrom app import Mock\n\n\
                    class TestX:\n    def test_a(self):\n        patch('a.b').start()\n        Mock()\n";
        let found = sites(text, Some(&detection)).unwrap_or_default();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].callee, "patch");
        assert_eq!(found[0].target.as_deref(), Some("a.b"));
        assert_eq!(found[0].symbol, "TestX::test_a");
    }

    #[test]
    fn without_detection_or_with_syntax_errors_nothing_is_examined() {
        let detection = MockDetection::default();
        assert_eq!(sites("from mock import Mock\nMock()\n", None), None);
        assert_eq!(
            sites(
                "from mock import Mock\ndef f(:\n    Mock()\n",
                Some(&detection)
            ),
            None
        );
    }

    #[test]
    fn the_comment_block_directly_above_the_statement_is_a_candidate() {
        let detection = MockDetection::default();
        let text = "from mock import Mock\n# first\n# second\nx = Mock()  # same line\n";
        let found = sites(text, Some(&detection)).unwrap_or_default();
        assert_eq!(found[0].comments, vec!["first\nsecond", "same line"]);
    }
}
