use plumb_macros::Rule;
use serde::Deserialize;

use super::{SizeLimits, lines};
use crate::{ConfigurableRule, FileContext, FileFacts, FileRule, Span, Violation};

/// ## What it does
/// Reports a file with more physical lines than its limit: `max-lines` for source files,
/// `max-lines-tests` for test files. Off by default; enable it with `select = ["SIZ"]`.
///
/// A line is a physical line, as `wc -l` counts them plus an unterminated last line: blank
/// lines, comments and docstrings count. The finding is at line 1 and gives the size and the
/// limit.
///
/// ## Why is this bad?
/// Long modules mix concerns and are hard to review; a limit keeps the pressure to split them
/// visible. Most of the findings of the checker plumb replaced were such limits.
///
/// ## Example
/// A 900-line `services/billing.py` with the default limit of 500.
///
/// ## Use instead
/// Split it by concern: `services/billing/invoices.py`, `services/billing/refunds.py`.
///
/// ## Options
/// In `[rules.SIZ001]`: `max-lines` (default 500) for source files, `max-lines-tests` (default
/// 300) for test files (the `test-files` globs decide which are tests).
#[derive(Debug, Rule)]
#[rule(
    code = "SIZ001",
    name = "file-too-long",
    family = "SIZ",
    scope = "file",
    languages = "python, typescript, javascript",
    default_severity = "warning",
    since = "0.1.0",
    default_enabled = "false"
)]
pub struct FileTooLong {
    limits: SizeLimits,
}

impl Default for FileTooLong {
    fn default() -> Self {
        FileTooLong::with_options(FileTooLongOptions::default())
    }
}

/// `[rules.SIZ001]` as written in the configuration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct FileTooLongOptions {
    pub max_lines: u32,
    pub max_lines_tests: u32,
}

impl Default for FileTooLongOptions {
    fn default() -> Self {
        FileTooLongOptions {
            max_lines: 500,
            max_lines_tests: 300,
        }
    }
}

impl ConfigurableRule for FileTooLong {
    type Options = FileTooLongOptions;

    fn with_options(options: FileTooLongOptions) -> Self {
        FileTooLong {
            limits: SizeLimits {
                max_lines: options.max_lines,
                max_lines_tests: options.max_lines_tests,
            },
        }
    }
}

impl FileRule for FileTooLong {
    fn check(&self, file: &FileContext<'_>, facts: &FileFacts, violations: &mut Vec<Violation>) {
        let limit = self.limits.pick(file.is_test);
        let kind = if file.is_test { "test" } else { "source" };
        let count = u32::try_from(facts.line_count).unwrap_or(u32::MAX);
        if count <= limit {
            return;
        }
        violations.push(Violation {
            span: Span::file_start(),
            message: format!("file has {} (limit {limit} for {kind} files)", lines(count)),
            notes: Vec::new(),
            symbol: String::new(),
            // No size in the snippet: the fingerprint must survive the file growing.
            snippet: "file-too-long".to_string(),
            related: Vec::new(),
        });
    }
}
