//! Every output format. Depends on the plain diagnostic data only; rule metadata is passed in as
//! [`RuleInfo`] so this crate never needs the rule engine.

mod full;
mod json;
mod sarif;
mod text;

use std::fmt;
use std::str::FromStr;

use plumb_diagnostics::{CheckOutcome, Severity};

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
}

impl OutputFormat {
    pub const NAMES: [&'static str; 4] = ["full", "concise", "json", "sarif"];
}

impl FromStr for OutputFormat {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "full" => Ok(OutputFormat::Full),
            "concise" => Ok(OutputFormat::Concise),
            "json" => Ok(OutputFormat::Json),
            "sarif" => Ok(OutputFormat::Sarif),
            other => Err(format!(
                "unknown output format `{other}`; use one of {}",
                Self::NAMES.join(", ")
            )),
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            OutputFormat::Full => "full",
            OutputFormat::Concise => "concise",
            OutputFormat::Json => "json",
            OutputFormat::Sarif => "sarif",
        };
        f.write_str(name)
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
    /// Print per-rule counts instead of individual diagnostics (text formats).
    pub statistics: bool,
}

/// Renders `outcome` in `format`.
pub fn render(format: OutputFormat, outcome: &CheckOutcome, run: &RunInfo) -> String {
    match format {
        OutputFormat::Full => full::render(outcome, run),
        OutputFormat::Concise => text::render_concise(outcome, run),
        OutputFormat::Json => json::render(outcome, run),
        OutputFormat::Sarif => sarif::render(outcome, run),
    }
}
