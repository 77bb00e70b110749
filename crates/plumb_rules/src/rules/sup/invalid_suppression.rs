use plumb_macros::Rule;

/// ## What it does
/// Reports a `plumb:` suppression comment that has no reason or cannot be parsed.
///
/// ## Why is this bad?
/// A suppression is a decision someone made; without the reason the next reader cannot tell a
/// considered exception from a silenced alarm. A malformed one silently suppresses nothing.
///
/// ## Example
/// ```python
/// from app import legacy  # plumb: ignore[IMP001]
/// ```
///
/// ## Use instead
/// ```python
/// from app import legacy  # plumb: ignore[IMP001]: generated at build time by protoc
/// ```
///
/// ## Options
/// None.
#[derive(Debug, Default, Rule)]
#[rule(
    code = "SUP001",
    name = "invalid-suppression",
    family = "SUP",
    scope = "engine",
    languages = "python, typescript, javascript",
    default_severity = "warning",
    since = "0.1.0"
)]
pub struct InvalidSuppression;
