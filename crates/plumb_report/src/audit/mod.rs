//! `plumb audit`: the whole-repository report a team lead reads. One [`model::Audit`] is built
//! from the check outcome and every format renders it, so they show the same figures.

mod history;
mod html;
mod markdown;
mod model;
mod text;

use std::fmt;
use std::str::FromStr;

use plumb_diagnostics::CheckOutcome;

use crate::RunInfo;

pub use history::HistoryEntry;
pub use model::{AUDIT_JSON_VERSION, Headline, MockCounts, RoleCounts, TypeCounts, headline};

/// What the audit needs besides the outcome.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// The audited path as the user gave it (paths in the outcome start with it, unless it is
    /// the working directory); the directory breakdown is relative to it.
    pub root: String,
    /// `--link-base URL`: the HTML links `path:line` to `URL/path#Lline`.
    pub link_base: Option<String>,
    /// Earlier audits recorded with `--history`, oldest first (this one included when it was
    /// recorded), for the HTML trend.
    pub history: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditFormat {
    Text,
    Json,
    Markdown,
    Html,
}

impl AuditFormat {
    pub const ALL: [AuditFormat; 4] = [
        AuditFormat::Text,
        AuditFormat::Json,
        AuditFormat::Markdown,
        AuditFormat::Html,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AuditFormat::Text => "text",
            AuditFormat::Json => "json",
            AuditFormat::Markdown => "markdown",
            AuditFormat::Html => "html",
        }
    }
}

impl FromStr for AuditFormat {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        crate::parse_named(text, &Self::ALL, |format| format.name(), "audit format")
    }
}

impl fmt::Display for AuditFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Renders the audit of `outcome` in `format`.
pub fn render_audit(
    format: AuditFormat,
    outcome: &CheckOutcome,
    run: &RunInfo,
    options: &AuditOptions,
) -> String {
    let audit = model::Audit::build(outcome, run, options);
    match format {
        AuditFormat::Text => text::render(&audit),
        AuditFormat::Json => {
            let mut text =
                serde_json::to_string_pretty(&audit).expect("audit values always serialize");
            text.push('\n');
            text
        }
        AuditFormat::Markdown => markdown::render(&audit),
        AuditFormat::Html => html::render(&audit, options),
    }
}

/// `12.5% (1/8)`, or `n/a (0/0)` for a scope without checked files; with `; N not checked`.
pub(crate) fn compliance_figure(scope: &plumb_diagnostics::ScopeCompliance) -> String {
    let percent = scope
        .percent
        .map_or_else(|| "n/a".to_string(), |percent| format!("{percent:.1}%"));
    let not_checked = if scope.not_checked > 0 {
        format!("; {} not checked", scope.not_checked)
    } else {
        String::new()
    };
    format!(
        "{percent} ({}/{}{not_checked})",
        scope.compliant, scope.files
    )
}

#[cfg(test)]
mod tests;
