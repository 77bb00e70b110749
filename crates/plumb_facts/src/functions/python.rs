//! Python functions and methods (`def`, `async def`), nested ones included.

use plumb_diagnostics::LineIndex;
use ruff_python_ast::visitor::{Visitor, walk_stmt};
use ruff_python_ast::{ModModule, Stmt};
use ruff_text_size::Ranged;

use super::FunctionSpan;

/// Every function defined in `module`, in source order.
pub(crate) fn extract(text: &str, index: &LineIndex, module: &ModModule) -> Vec<FunctionSpan> {
    let mut finder = Finder {
        text,
        index,
        scope: Vec::new(),
        functions: Vec::new(),
    };
    finder.visit_body(&module.body);
    finder.functions
}

struct Finder<'t> {
    text: &'t str,
    index: &'t LineIndex,
    /// Names of the enclosing classes and functions.
    scope: Vec<String>,
    functions: Vec<FunctionSpan>,
}

impl<'a> Visitor<'a> for Finder<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(function) => {
                let name = function.name.as_str();
                let span = self.index.span(
                    self.text,
                    function.name.start().to_u32(),
                    function.name.end().to_u32(),
                );
                let last = self.index.position(self.text, function.end().to_u32()).line;
                self.scope.push(name.to_string());
                self.functions.push(FunctionSpan {
                    name: self.scope.join("."),
                    span,
                    lines: last.saturating_sub(span.start.line) + 1,
                    is_test: name.starts_with("test"),
                });
                walk_stmt(self, stmt);
                self.scope.pop();
            }
            Stmt::ClassDef(class) => {
                self.scope.push(class.name.to_string());
                walk_stmt(self, stmt);
                self.scope.pop();
            }
            _ => walk_stmt(self, stmt),
        }
    }
}
