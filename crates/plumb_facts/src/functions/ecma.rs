//! TypeScript/JavaScript functions: declarations, methods (class and object), function and arrow
//! expressions assigned to a name (variable, class field, object property), and callbacks of
//! `it(...)` / `test(...)`. Other anonymous functions (callbacks passed elsewhere) have no name
//! to report and are not counted, though named functions inside them are.

use std::collections::HashMap;

use oxc_ast::ast::{
    Argument, ArrowFunctionExpression, CallExpression, Class, Expression, Function,
    MethodDefinition, ObjectProperty, Program, PropertyDefinition, VariableDeclarator,
};
use oxc_ast_visit::{Visit, walk};
use oxc_span::{GetSpan, Span as OxcSpan};
use oxc_syntax::scope::ScopeFlags;
use plumb_diagnostics::LineIndex;

use super::FunctionSpan;

/// Every named function in `program`, in the order their definitions start.
pub(crate) fn extract(text: &str, index: &LineIndex, program: &Program<'_>) -> Vec<FunctionSpan> {
    let mut finder = Finder {
        text,
        index,
        names: HashMap::new(),
        scope: Vec::new(),
        functions: Vec::new(),
    };
    finder.visit_program(program);
    finder.functions
}

/// The name a function gets from where it stands (`const f = () => ...`), by the byte where
/// the function starts.
struct Given {
    name: String,
    /// Where the name is written.
    at: OxcSpan,
    is_test: bool,
}

struct Finder<'t> {
    text: &'t str,
    index: &'t LineIndex,
    names: HashMap<u32, Given>,
    /// Names of the enclosing classes and named functions.
    scope: Vec<String>,
    functions: Vec<FunctionSpan>,
}

impl Finder<'_> {
    /// Names the function `value` is, if it is one.
    fn give(&mut self, value: &Expression<'_>, name: Option<String>, at: OxcSpan) {
        let value = value.without_parentheses();
        if let (true, Some(name)) = (value.is_function(), name) {
            let given = Given {
                name,
                at,
                is_test: false,
            };
            self.names.insert(value.span().start, given);
        }
    }

    /// Records the function spanning `span` when it has a name, and returns whether it did (the
    /// caller then pops the scope after walking it).
    fn enter(&mut self, span: OxcSpan, own: Option<(String, OxcSpan)>) -> bool {
        let given = self.names.remove(&span.start).or_else(|| {
            own.map(|(name, at)| Given {
                name,
                at,
                is_test: false,
            })
        });
        let Some(given) = given else {
            return false;
        };
        let name_span = self.index.span(self.text, given.at.start, given.at.end);
        let last = self.index.position(self.text, span.end).line;
        self.scope.push(given.name);
        self.functions.push(FunctionSpan {
            name: self.scope.join("."),
            span: name_span,
            lines: last.saturating_sub(name_span.start.line) + 1,
            is_test: given.is_test,
        });
        true
    }
}

impl<'a> Visit<'a> for Finder<'_> {
    fn visit_variable_declarator(&mut self, it: &VariableDeclarator<'a>) {
        if let (Some(init), Some(id)) = (&it.init, it.id.get_binding_identifier()) {
            self.give(init, Some(id.name.to_string()), id.span);
        }
        walk::walk_variable_declarator(self, it);
    }

    fn visit_method_definition(&mut self, it: &MethodDefinition<'a>) {
        if let Some(name) = it.key.static_name() {
            let given = Given {
                name: name.into_owned(),
                at: it.key.span(),
                is_test: false,
            };
            self.names.insert(it.value.span.start, given);
        }
        walk::walk_method_definition(self, it);
    }

    fn visit_property_definition(&mut self, it: &PropertyDefinition<'a>) {
        if let Some(value) = &it.value {
            let name = it.key.static_name().map(|name| name.into_owned());
            self.give(value, name, it.key.span());
        }
        walk::walk_property_definition(self, it);
    }

    fn visit_object_property(&mut self, it: &ObjectProperty<'a>) {
        let name = it.key.static_name().map(|name| name.into_owned());
        self.give(&it.value, name, it.key.span());
        walk::walk_object_property(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        if let Some(callee) = test_callee(&it.callee) {
            let title = it
                .arguments
                .first()
                .and_then(|argument| match argument {
                    Argument::StringLiteral(literal) => Some(literal.value.to_string()),
                    Argument::TemplateLiteral(template) => {
                        template.single_quasi().map(|quasi| quasi.to_string())
                    }
                    _ => None,
                })
                .unwrap_or_default();
            for argument in &it.arguments {
                let Some(value) = argument.as_expression() else {
                    continue;
                };
                if value.without_parentheses().is_function() {
                    let given = Given {
                        name: format!("{callee}({title:?})"),
                        at: it.callee.span(),
                        is_test: true,
                    };
                    self.names
                        .insert(value.without_parentheses().span().start, given);
                }
            }
        }
        walk::walk_call_expression(self, it);
    }

    fn visit_function(&mut self, it: &Function<'a>, flags: ScopeFlags) {
        let own = it.id.as_ref().map(|id| (id.name.to_string(), id.span));
        let named = self.enter(it.span, own);
        walk::walk_function(self, it, flags);
        if named {
            self.scope.pop();
        }
    }

    fn visit_arrow_function_expression(&mut self, it: &ArrowFunctionExpression<'a>) {
        let named = self.enter(it.span, None);
        walk::walk_arrow_function_expression(self, it);
        if named {
            self.scope.pop();
        }
    }

    fn visit_class(&mut self, it: &Class<'a>) {
        let name = it.id.as_ref().map(|id| id.name.to_string());
        if let Some(name) = &name {
            self.scope.push(name.clone());
        }
        walk::walk_class(self, it);
        if name.is_some() {
            self.scope.pop();
        }
    }
}

/// `it`, `test`, or one of their modifiers (`it.only`, `test.skip`), as written.
fn test_callee(callee: &Expression<'_>) -> Option<String> {
    match callee {
        Expression::Identifier(identifier) if matches!(identifier.name.as_str(), "it" | "test") => {
            Some(identifier.name.to_string())
        }
        Expression::StaticMemberExpression(member) => {
            let Expression::Identifier(object) = &member.object else {
                return None;
            };
            matches!(object.name.as_str(), "it" | "test")
                .then(|| format!("{}.{}", object.name, member.property.name))
        }
        _ => None,
    }
}
