use plumb_macros::Rule;

use crate::{FileContext, FileFacts, FileRule, Violation};

/// ## What it does
/// Reports a file that its language's own compiler would reject: CPython's `compile()` for the
/// configured Python target version, TypeScript's parser and grammar checks for TS/JS.
///
/// One violation per file, at the first error; the message counts any further errors.
///
/// ## Why is this bad?
/// A file that does not compile fails at import time, and every other rule is blind to it: the
/// checker we replaced printed parse failures and then counted those files as clean.
///
/// Python verdicts include the errors CPython raises after parsing, such as `return` outside a
/// function, `await` outside an async function, repeated keyword arguments, or syntax newer than
/// the target version (`type X = int` before 3.12).
///
/// ## Example
/// ```python
/// def handler(request)
///     return request
/// ```
///
/// ## Use instead
/// ```python
/// def handler(request):
///     return request
/// ```
///
/// ## Options
/// The Python target version is `python.target-version` in config, else `requires-python` from
/// the nearest `pyproject.toml`, else 3.10.
#[derive(Debug, Default, Rule)]
#[rule(
    code = "SYN001",
    name = "syntax-error",
    family = "SYN",
    scope = "file",
    languages = "python, typescript, javascript",
    default_severity = "error",
    since = "0.1.0"
)]
pub struct SyntaxError;

impl FileRule for SyntaxError {
    fn check(&self, _file: &FileContext<'_>, facts: &FileFacts, violations: &mut Vec<Violation>) {
        let Some(error) = &facts.syntax_error else {
            return;
        };
        let mut notes = Vec::new();
        if error.further_errors > 0 {
            let plural = if error.further_errors == 1 { "" } else { "s" };
            notes.push(format!(
                "{} further syntax error{plural} in this file",
                error.further_errors
            ));
        }
        violations.push(Violation {
            span: error.span,
            message: format!("syntax error: {}", error.message),
            notes,
            symbol: String::new(),
            snippet: error.snippet.clone(),
            related: Vec::new(),
        });
    }
}
