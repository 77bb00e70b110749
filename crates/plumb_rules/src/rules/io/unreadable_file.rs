use plumb_macros::Rule;

/// ## What it does
/// Reports a file that should have been checked but could not be read: permission denied,
/// invalid UTF-8, or a read error.
///
/// ## Why is this bad?
/// A file that is silently skipped looks compliant. Counting and naming it keeps the totals
/// honest: nothing is checked "by omission".
///
/// ## Example
/// A `legacy.py` saved as Latin-1 with bytes that are not valid UTF-8.
///
/// ## Use instead
/// Save source files as UTF-8, or exclude the file explicitly with `extend-exclude`.
///
/// ## Options
/// None.
#[derive(Debug, Default, Rule)]
#[rule(
    code = "IO001",
    name = "unreadable-file",
    family = "IO",
    scope = "engine",
    languages = "python, typescript, javascript",
    default_severity = "error",
    since = "0.1.0"
)]
pub struct UnreadableFile;
