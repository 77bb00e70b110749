use plumb_macros::Rule;
use serde::Deserialize;

use super::{SizeLimits, lines};
use crate::{ConfigurableRule, FileContext, FileFacts, FileRule, NeededFacts, Violation};

/// ## What it does
/// Reports a function with more lines than its limit: `max-lines-tests` for test functions in
/// test files, `max-lines` for every other function. Off by default; enable it with
/// `select = ["SIZ"]`.
///
/// A function's lines are the physical lines from the line holding its name (the `def` or
/// `function` line, a method's name, or the name an arrow or function expression is assigned
/// to) to the line of its body's last character, the same in Python and TypeScript/JavaScript.
/// Decorators are not counted; docstrings, comments and blank lines inside the body are.
/// Methods and nested functions are functions of their own (a nested function's lines also
/// count towards the function around it). Functions are named ones: `def`, `function`,
/// methods of classes and object literals, and function or arrow expressions assigned to a
/// variable, class field or object property, plus the callbacks of `it(...)` and `test(...)`.
/// Other anonymous callbacks and Python lambdas are not counted. Test functions are Python
/// functions and methods whose name starts with `test` and `it`/`test` callbacks.
///
/// ## Why is this bad?
/// A long function does several things; a long test checks several behaviours at once and
/// fails for unclear reasons. Limits of 25 lines (source) and 8 (tests) were the bulk of the
/// replaced checker's findings.
///
/// ## Example
/// ```python
/// def test_checkout(client):
///     cart = client.post("/cart", json={"sku": "A1"})
///     assert cart.status_code == 201
///     order = client.post("/orders")
///     assert order.status_code == 201
///     invoice = client.get(f"/orders/{order.json()['id']}/invoice")
///     assert invoice.status_code == 200
///     assert invoice.json()["total"] == 10
///     assert invoice.json()["currency"] == "EUR"
/// ```
///
/// ## Use instead
/// One behaviour per test, with the set-up in a fixture:
/// ```python
/// def test_checkout_creates_an_invoice(client, order):
///     invoice = client.get(f"/orders/{order['id']}/invoice")
///     assert invoice.status_code == 200
/// ```
///
/// ## Options
/// In `[rules.SIZ002]`: `max-lines` (default 25) for functions, `max-lines-tests` (default 8)
/// for test functions in test files.
#[derive(Debug, Rule)]
#[rule(
    code = "SIZ002",
    name = "function-too-long",
    family = "SIZ",
    scope = "file",
    languages = "python, typescript, javascript",
    default_severity = "warning",
    since = "0.1.0",
    default_enabled = "false"
)]
pub struct FunctionTooLong {
    limits: SizeLimits,
}

impl Default for FunctionTooLong {
    fn default() -> Self {
        FunctionTooLong::with_options(FunctionTooLongOptions::default())
    }
}

/// `[rules.SIZ002]` as written in the configuration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct FunctionTooLongOptions {
    pub max_lines: u32,
    pub max_lines_tests: u32,
}

impl Default for FunctionTooLongOptions {
    fn default() -> Self {
        FunctionTooLongOptions {
            max_lines: 25,
            max_lines_tests: 8,
        }
    }
}

impl ConfigurableRule for FunctionTooLong {
    type Options = FunctionTooLongOptions;

    fn with_options(options: FunctionTooLongOptions) -> Self {
        FunctionTooLong {
            limits: SizeLimits {
                max_lines: options.max_lines,
                max_lines_tests: options.max_lines_tests,
            },
        }
    }
}

impl FileRule for FunctionTooLong {
    fn check(&self, file: &FileContext<'_>, facts: &FileFacts, violations: &mut Vec<Violation>) {
        for function in &facts.functions {
            let is_test = file.is_test && function.is_test;
            let limit = self.limits.pick(is_test);
            if function.lines <= limit {
                continue;
            }
            violations.push(Violation {
                span: function.span,
                message: format!(
                    "function `{}` has {} (limit {limit} for {})",
                    function.name,
                    lines(function.lines),
                    if is_test {
                        "test functions"
                    } else {
                        "functions"
                    },
                ),
                notes: Vec::new(),
                symbol: function.name.clone(),
                snippet: function.name.clone(),
                related: Vec::new(),
            });
        }
    }

    fn needed_facts(&self, _role: crate::FileRole) -> NeededFacts<'_> {
        NeededFacts {
            functions: true,
            ..NeededFacts::NONE
        }
    }
}
