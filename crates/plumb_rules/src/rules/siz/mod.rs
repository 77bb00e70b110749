//! SIZ: size limits on files and functions (off by default).

pub mod file_too_long;
pub mod function_too_long;

use serde::Deserialize;

/// `[rules.SIZ001]` / `[rules.SIZ002]`: one limit for source files, one for tests.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SizeLimits {
    /// Largest size allowed in source files (and, for SIZ002, for non-test functions).
    pub max_lines: u32,
    /// Largest size allowed in test files (SIZ001) or test functions (SIZ002).
    pub max_lines_tests: u32,
}

impl SizeLimits {
    /// The limit that applies.
    fn pick(self, is_test: bool) -> u32 {
        if is_test {
            self.max_lines_tests
        } else {
            self.max_lines
        }
    }
}

/// "1 line", "12 lines".
fn lines(count: u32) -> String {
    if count == 1 {
        "1 line".to_string()
    } else {
        format!("{count} lines")
    }
}
