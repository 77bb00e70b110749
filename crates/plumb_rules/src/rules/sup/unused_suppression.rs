use plumb_macros::Rule;

/// ## What it does
/// Reports a `plumb:` suppression comment, or one of its codes, that suppresses no violation.
///
/// ## Why is this bad?
/// Stale suppressions accumulate after fixes and later hide new violations on the same line.
///
/// ## Example
/// ```python
/// x = 1  # plumb: ignore[SYN001]: parser bug
/// ```
///
/// ## Use instead
/// ```python
/// x = 1
/// ```
///
/// ## Options
/// None. Codes of rules that are not enabled in this run are not reported, since they could not
/// have been used.
#[derive(Debug, Default, Rule)]
#[rule(
    code = "SUP002",
    name = "unused-suppression",
    family = "SUP",
    scope = "engine",
    languages = "python, typescript, javascript",
    default_severity = "warning",
    since = "0.1.0"
)]
pub struct UnusedSuppression;
