use plumb_facts::{MockDetection, MockSite};
use plumb_macros::Rule;
use serde::Deserialize;

use crate::{
    ConfigurableRule, Count, FileContext, FileFacts, FileRole, FileRule, NeededFacts, TotalsSpec,
    Violation,
};

/// ## What it does
/// Reports a mock in a test file that has no written justification.
///
/// Mock sites are: a `unittest.mock` / `mock` factory or patcher (`MagicMock()`, `@patch(...)`, `with patch.object(...)`,
/// `patch(...).start()`), a pytest-mock `mocker` call, or in TypeScript/JavaScript `jest.mock`,
/// `jest.fn`, `jest.spyOn`, `vi.mock`, `vi.fn`, `vi.spyOn`, `vi.stubGlobal`, `vi.stubEnv`,
/// `sinon.stub` / `spy` / `mock` / `fake` (also on a `sinon.createSandbox()` sandbox).
///
/// Names count only when imported from the mock library (under any alias) or, for `jest` and
/// `vi`, used as the runner's global; a local class called `Mock` is not a mock. Type helpers
/// such as `jest.mocked` are not mocks. Mocks built inside another mock's arguments (a
/// `jest.mock` factory's `jest.fn()`, `patch("x", MagicMock())`) belong to that mock.
///
/// A mock is justified by a comment on its line, or in the block of comment lines directly above
/// its statement (above the whole decorator stack for a decorator, above the `with` for a
/// context manager), containing a marker and a reason:
/// `# mock-justification: the payment gateway has no sandbox`. The enclosing test function or
/// class may instead be decorated with `@mock_justified("reason")`. One comment covers exactly
/// the statement it is attached to (a `with` with three patchers is one statement).
///
/// ## Why is this bad?
/// Every mock is a place where the test stops checking the real code. Mocks added for
/// convenience drift from the behaviour they replace and let broken integrations pass. Asking
/// for a reason keeps the mocks that isolate a real boundary (network, clock, payment provider)
/// and makes the others visible in review.
///
/// ## Example
/// ```python
/// from unittest.mock import patch
///
/// @patch("app.db.Session")
/// def test_login(session):
///     ...
/// ```
///
/// ## Use instead
/// ```python
/// from unittest.mock import patch
///
/// # mock-justification: the test database is not available in unit tests
/// @patch("app.db.Session")
/// def test_login(session):
///     ...
/// ```
///
/// ## Options
/// In `[rules.MCK001]`:
/// - `markers` (default `["mock-justification:", "mock justification:", "justification:"]`,
///   matched case-insensitively);
/// - `min-reason-length` (default 10): shorter reasons do not count;
/// - `deny-reasons` (default `["speed", "for speed", "faster", "todo", "fix later", "tbd",
///   "n/a", "none"]`): a reason equal to one of these, or starting with `todo` / `fixme`, does
///   not count (compared case-insensitively, ignoring trailing punctuation);
/// - `extend-python-factories`, `extend-python-patchers`: more fully qualified callables
///   (`tests.fakes.make_client`) that create or patch in mocks;
/// - `mocker-fixtures` (default the five pytest-mock fixtures);
/// - `monkeypatch` (default `false`): also report `monkeypatch.setattr` / `setitem` /
///   `delattr`;
/// - `extend-ecma-calls`: more `object.method` calls (`td.replace`) that are mock sites.
#[derive(Debug, Default, Rule)]
#[rule(
    code = "MCK001",
    name = "unjustified-mock",
    family = "MCK",
    scope = "file",
    languages = "python, typescript, javascript",
    default_severity = "error",
    since = "0.1.0"
)]
pub struct UnjustifiedMock {
    options: ResolvedOptions,
}

/// `[rules.MCK001]` as written in the configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct UnjustifiedMockOptions {
    pub markers: Vec<String>,
    pub min_reason_length: usize,
    pub deny_reasons: Vec<String>,
    pub extend_python_factories: Vec<String>,
    pub extend_python_patchers: Vec<String>,
    pub mocker_fixtures: Vec<String>,
    pub monkeypatch: bool,
    pub extend_ecma_calls: Vec<String>,
}

impl Default for UnjustifiedMockOptions {
    fn default() -> Self {
        let detection = MockDetection::default();
        UnjustifiedMockOptions {
            markers: strings(&[
                "mock-justification:",
                "mock justification:",
                "justification:",
            ]),
            min_reason_length: 10,
            deny_reasons: strings(&[
                "speed",
                "for speed",
                "faster",
                "todo",
                "fix later",
                "tbd",
                "n/a",
                "none",
            ]),
            extend_python_factories: Vec::new(),
            extend_python_patchers: Vec::new(),
            mocker_fixtures: detection.mocker_fixtures,
            monkeypatch: false,
            extend_ecma_calls: Vec::new(),
        }
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_string()).collect()
}

/// Options ready for use: markers and deny-list lower-cased, detection lists merged.
#[derive(Debug)]
struct ResolvedOptions {
    markers: Vec<String>,
    min_reason_length: usize,
    deny_reasons: Vec<String>,
    detection: MockDetection,
}

impl Default for ResolvedOptions {
    fn default() -> Self {
        ResolvedOptions::from(UnjustifiedMockOptions::default())
    }
}

impl From<UnjustifiedMockOptions> for ResolvedOptions {
    fn from(options: UnjustifiedMockOptions) -> Self {
        let mut detection = MockDetection::default();
        detection
            .python_factories
            .extend(options.extend_python_factories);
        detection
            .python_patchers
            .extend(options.extend_python_patchers);
        detection.mocker_fixtures = options.mocker_fixtures;
        detection.monkeypatch = options.monkeypatch;
        detection.ecma_calls.extend(options.extend_ecma_calls);
        ResolvedOptions {
            markers: options
                .markers
                .iter()
                .map(|marker| marker.to_lowercase())
                .collect(),
            min_reason_length: options.min_reason_length,
            deny_reasons: options
                .deny_reasons
                .iter()
                .map(|reason| normalize(reason))
                .collect(),
            detection,
        }
    }
}

impl ConfigurableRule for UnjustifiedMock {
    type Options = UnjustifiedMockOptions;

    fn with_options(options: UnjustifiedMockOptions) -> Self {
        UnjustifiedMock {
            options: options.into(),
        }
    }
}

/// Why a candidate justification was not accepted.
enum Rejection {
    TooShort(String),
    Denied(String),
}

/// Lower-cased, whitespace collapsed, trailing punctuation removed.
fn normalize(reason: &str) -> String {
    reason
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .trim_end_matches(['.', '!', ',', ';', ':'])
        .to_string()
}

impl ResolvedOptions {
    /// The reason after the first marker in `comment`, if any.
    fn reason_in(&self, comment: &str) -> Option<String> {
        let lower = comment.to_lowercase();
        let (position, marker) = self
            .markers
            .iter()
            .filter_map(|marker| lower.find(marker.as_str()).map(|at| (at, marker)))
            .min_by_key(|(at, _)| *at)?;
        // Lower-casing can change byte lengths; fall back to the lower-cased text then.
        let rest = comment
            .get(position + marker.len()..)
            .unwrap_or(&lower[position + marker.len()..]);
        Some(rest.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    fn accept(&self, reason: &str) -> Result<(), Rejection> {
        let normalized = normalize(reason);
        if self.deny_reasons.contains(&normalized)
            || normalized.starts_with("todo")
            || normalized.starts_with("fixme")
        {
            return Err(Rejection::Denied(reason.to_string()));
        }
        if reason.chars().count() < self.min_reason_length {
            return Err(Rejection::TooShort(reason.to_string()));
        }
        Ok(())
    }

    /// `Ok` when `site` is justified, else the rejected reasons (empty when there were none).
    fn judge(&self, site: &MockSite) -> Result<(), Vec<Rejection>> {
        let mut rejections = Vec::new();
        let reasons = site
            .comments
            .iter()
            .filter_map(|comment| self.reason_in(comment))
            .chain(site.decorator_reasons.iter().cloned());
        for reason in reasons {
            match self.accept(&reason) {
                Ok(()) => return Ok(()),
                Err(rejection) => rejections.push(rejection),
            }
        }
        Err(rejections)
    }
}

impl FileRule for UnjustifiedMock {
    fn check(&self, file: &FileContext<'_>, facts: &FileFacts, violations: &mut Vec<Violation>) {
        if !file.is_test {
            return;
        }
        for site in facts.mock_sites.iter().flatten() {
            let Err(rejections) = self.options.judge(site) else {
                continue;
            };
            let what = match &site.target {
                Some(target) => format!("`{}` of `{target}`", site.callee),
                None => format!("`{}`", site.callee),
            };
            let mut notes: Vec<String> = rejections
                .iter()
                .map(|rejection| match rejection {
                    Rejection::TooShort(reason) if reason.is_empty() => {
                        "the justification gives no reason".to_string()
                    }
                    Rejection::TooShort(reason) => format!(
                        "the reason `{reason}` is shorter than {} characters",
                        self.options.min_reason_length
                    ),
                    Rejection::Denied(reason) => {
                        format!("the reason `{reason}` is on the deny-list")
                    }
                })
                .collect();
            let marker = self
                .options
                .markers
                .first()
                .map_or("mock-justification:", String::as_str);
            notes.push(format!(
                "justify it with `{marker} <reason>` in a comment above the statement"
            ));
            violations.push(Violation {
                span: site.span,
                message: format!("mock {what} has no justification"),
                notes,
                symbol: site.symbol.clone(),
                snippet: site.snippet.clone(),
                related: Vec::new(),
            });
        }
    }

    /// Mock sites, from test files only: source files pay nothing for mock detection.
    fn needed_facts(&self, role: FileRole) -> NeededFacts<'_> {
        NeededFacts {
            mock_sites: (role == FileRole::Test).then_some(&self.options.detection),
            ..NeededFacts::NONE
        }
    }

    fn totals(&self) -> Option<TotalsSpec> {
        Some(TotalsSpec {
            title: "Mocks in tests",
            counts: &[
                "unjustified",
                "justified",
                "files_with_unjustified",
                "files_not_checked",
            ],
        })
    }

    /// Per test file: its unjustified sites (those left after suppressions), its justified
    /// ones (a suppressed site is neither), and whether it was examined at all: a test file
    /// that could not be read or parsed has no mock sites to judge.
    fn count_file(
        &self,
        file: &FileContext<'_>,
        facts: Option<&FileFacts>,
        found: &[Violation],
    ) -> Option<Vec<Count>> {
        if !file.is_test {
            return None;
        }
        let sites = facts.and_then(|facts| facts.mock_sites.as_ref());
        let examined = |count| sites.map_or(Count::Value(0), |_| count);
        Some(vec![
            examined(Count::Violations),
            Count::Value(sites.map_or(0, |sites| sites.len().saturating_sub(found.len()))),
            examined(Count::FileWithViolations),
            Count::Value(usize::from(sites.is_none())),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_case_insensitive_and_the_reason_follows_them() {
        let options = ResolvedOptions::default();
        assert_eq!(
            options
                .reason_in("Mock Justification:  the  API is paid")
                .as_deref(),
            Some("the API is paid")
        );
        assert_eq!(options.reason_in("no marker here"), None);
        assert_eq!(options.reason_in("justification:").as_deref(), Some(""));
    }

    #[test]
    fn short_and_denied_reasons_do_not_count() {
        let options = ResolvedOptions::default();
        assert!(options.accept("the payment API has no sandbox").is_ok());
        assert!(matches!(
            options.accept("short"),
            Err(Rejection::TooShort(_))
        ));
        assert!(matches!(
            options.accept("Fix later."),
            Err(Rejection::Denied(_))
        ));
        assert!(matches!(
            options.accept("TODO: explain this mock"),
            Err(Rejection::Denied(_))
        ));
    }

    #[test]
    fn options_reject_unknown_keys() {
        let table: toml::Table = toml::from_str("min-reason-lenght = 3").unwrap();
        assert!(table.try_into::<UnjustifiedMockOptions>().is_err());
        let table: toml::Table = toml::from_str("min-reason-length = 3").unwrap();
        let options: UnjustifiedMockOptions = table.try_into().unwrap();
        assert_eq!(options.min_reason_length, 3);
        assert_eq!(options.markers, UnjustifiedMockOptions::default().markers);
    }
}
