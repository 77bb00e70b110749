//! Every output format. Depends on the plain diagnostic data only; rule metadata is passed in as
//! [`RuleInfo`] so this crate never needs the rule engine.

mod audit;
mod ci;
mod escape;
mod full;
mod github;
mod gitlab;
mod json;
mod junit;
mod markdown;
mod sarif;
mod text;

use std::fmt;
use std::str::FromStr;

use plumb_diagnostics::{CheckOutcome, Severity};

pub use audit::{
    AUDIT_JSON_VERSION, AuditFormat, AuditOptions, Headline, HistoryEntry, MockCounts, RoleCounts,
    TypeCounts, headline, render_audit,
};
pub use json::JSON_SCHEMA_VERSION;

/// What a reporter needs to know about a rule.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub code: String,
    pub name: String,
    pub summary: String,
    /// Markdown documentation.
    pub docs: String,
    pub default_severity: Severity,
    /// Whether the rule ran (SARIF lists every rule, but marks disabled ones).
    pub enabled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Full,
    Concise,
    Json,
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A Markdown report for `$GITHUB_STEP_SUMMARY` and pull-request comments.
    Markdown,
    /// JUnit XML for CI test-report views.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
}

impl OutputFormat {
    pub const ALL: [OutputFormat; 8] = [
        OutputFormat::Full,
        OutputFormat::Concise,
        OutputFormat::Json,
        OutputFormat::Sarif,
        OutputFormat::Github,
        OutputFormat::Markdown,
        OutputFormat::Junit,
        OutputFormat::Gitlab,
    ];

    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Full => "full",
            OutputFormat::Concise => "concise",
            OutputFormat::Json => "json",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Github => "github",
            OutputFormat::Markdown => "markdown",
            OutputFormat::Junit => "junit",
            OutputFormat::Gitlab => "gitlab",
        }
    }
}

impl FromStr for OutputFormat {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_named(text, &Self::ALL, |format| format.name(), "output format")
    }
}

/// The member of `all` whose `name` is `text`, or an error listing the names: how every format
/// option (`check --output-format`, `audit --output-format`) is parsed.
pub(crate) fn parse_named<T: Copy>(
    text: &str,
    all: &[T],
    name: impl Fn(T) -> &'static str,
    what: &str,
) -> Result<T, String> {
    all.iter()
        .copied()
        .find(|item| name(*item) == text)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|item| name(*item)).collect();
            format!("unknown {what} `{text}`; use one of {}", names.join(", "))
        })
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything about the run that is not a diagnostic but belongs in a report.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub tool_version: String,
    pub rules: Vec<RuleInfo>,
    /// Absolute working directory, the base of every relative path in the outcome.
    pub working_directory: String,
    pub color: bool,
    /// Print per-rule counts instead of individual diagnostics (`full` and `concise`; the CI
    /// formats ignore it: `markdown` always has the counts, the others exist to list violations).
    pub statistics: bool,
}

/// Renders `outcome` in `format`.
pub fn render(format: OutputFormat, outcome: &CheckOutcome, run: &RunInfo) -> String {
    match format {
        OutputFormat::Full => full::render(outcome, run),
        OutputFormat::Concise => text::render_concise(outcome, run),
        OutputFormat::Json => json::render(outcome, run),
        OutputFormat::Sarif => sarif::render(outcome, run),
        OutputFormat::Github => github::render(outcome, run),
        OutputFormat::Markdown => markdown::render(outcome, run),
        OutputFormat::Junit => junit::render(outcome, run),
        OutputFormat::Gitlab => gitlab::render(outcome, run),
    }
}
