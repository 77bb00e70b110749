//! Mock sites in a parsed TypeScript/JavaScript test file.
//!
//! Calls are matched as `object.method` after resolving `object` through the file's imports and
//! requires: `import { vi as v } from "vitest"` makes `v.fn()` a `vi.fn` call, `import * as s from
//! "sinon"` makes `s.stub()` a `sinon.stub`, a variable assigned `sinon.createSandbox()` is
//! `sinon` too, and the `jest` and `vi` globals need no import.

use std::collections::HashMap;

use oxc_ast::ast::{
    Argument, AssignmentTarget, BindingPattern, CallExpression, Class, Expression,
    ImportDeclarationSpecifier, MethodDefinition, ModuleExportName, Program, Statement,
    VariableDeclarator,
};
use oxc_ast_visit::{Visit, walk};
use oxc_syntax::scope::ScopeFlags;
use plumb_diagnostics::LineIndex;

use super::{CommentMap, MockDetection, MockSite, fingerprint_snippet, snippet};

/// Calls whose first argument is the module or name mocked.
const NAMED_TARGET: &[&str] = &[
    "mock",
    "doMock",
    "createMockFromModule",
    "stubGlobal",
    "stubEnv",
];

/// Test-framework calls whose title names a symbol (`describe("login", ...)`).
const TITLED_BLOCKS: &[&str] = &["describe", "context", "suite", "it", "test"];

/// Every mock site in `program`.
pub(crate) fn extract(
    text: &str,
    index: &LineIndex,
    program: &Program<'_>,
    comments: &[(u32, u32)],
    detection: &MockDetection,
) -> Vec<MockSite> {
    let mut finder = SiteFinder {
        text,
        index,
        comments: CommentMap::new(text, index, comments),
        detection,
        bindings: HashMap::new(),
        statements: Vec::new(),
        symbols: Vec::new(),
        sites: Vec::new(),
    };
    // Imports are hoisted: bind them all before looking at any call.
    for statement in &program.body {
        if let Statement::ImportDeclaration(import) = statement {
            if import.import_kind.is_type() {
                continue;
            }
            let module = import.source.value.as_str();
            for specifier in import.specifiers.iter().flatten() {
                match specifier {
                    ImportDeclarationSpecifier::ImportSpecifier(named) => {
                        if named.import_kind.is_type() {
                            continue;
                        }
                        let imported = match &named.imported {
                            ModuleExportName::IdentifierName(name) => name.name.as_str(),
                            ModuleExportName::IdentifierReference(name) => name.name.as_str(),
                            ModuleExportName::StringLiteral(name) => name.value.as_str(),
                        };
                        finder.bindings.insert(
                            named.local.name.to_string(),
                            canonical(&format!("{module}.{imported}")),
                        );
                    }
                    ImportDeclarationSpecifier::ImportDefaultSpecifier(default) => {
                        finder
                            .bindings
                            .insert(default.local.name.to_string(), canonical(module));
                    }
                    ImportDeclarationSpecifier::ImportNamespaceSpecifier(namespace) => {
                        finder
                            .bindings
                            .insert(namespace.local.name.to_string(), canonical(module));
                    }
                }
            }
        }
    }
    finder.visit_program(program);
    finder.sites
}

/// The framework objects under the names the configuration uses.
fn canonical(qualified: &str) -> String {
    match qualified {
        "vitest.vi" => "vi".to_string(),
        "@jest/globals.jest" => "jest".to_string(),
        other => other.to_string(),
    }
}

/// `require("sinon")`'s module name.
fn required_module<'a>(expression: &'a Expression<'a>) -> Option<&'a str> {
    let Expression::CallExpression(call) = expression.without_parentheses() else {
        return None;
    };
    let Expression::Identifier(callee) = &call.callee else {
        return None;
    };
    if callee.name.as_str() != "require" {
        return None;
    }
    match call.arguments.first()? {
        Argument::StringLiteral(literal) => Some(literal.value.as_str()),
        _ => None,
    }
}

fn string_argument(argument: &Argument<'_>) -> Option<String> {
    match argument {
        Argument::StringLiteral(literal) => Some(literal.value.to_string()),
        Argument::TemplateLiteral(template) if template.expressions.is_empty() => template
            .quasis
            .first()
            .map(|quasi| quasi.value.raw.to_string()),
        _ => None,
    }
}

struct SiteFinder<'t> {
    text: &'t str,
    index: &'t LineIndex,
    comments: CommentMap,
    detection: &'t MockDetection,
    /// Local name to the qualified object it stands for (`sinon`, `vi`, `sinon.stub`).
    bindings: HashMap<String, String>,
    /// Start offsets of the statements enclosing the current node, innermost last.
    statements: Vec<u32>,
    symbols: Vec<String>,
    sites: Vec<MockSite>,
}

impl SiteFinder<'_> {
    /// `object.method` of a callee, with `object` resolved; a bare imported name (`stub` from
    /// sinon) resolves to its qualified name, and a longer chain to its first two parts
    /// (`sinon.fake.returns` is a `sinon.fake`).
    fn resolve(&self, callee: &Expression<'_>) -> Option<String> {
        let mut expression = callee.without_parentheses();
        let mut property = None;
        loop {
            match expression {
                Expression::Identifier(name) if property.is_none() => {
                    return self.bindings.get(name.name.as_str()).cloned();
                }
                Expression::Identifier(object) => {
                    let name = object.name.as_str();
                    let object = match self.bindings.get(name) {
                        Some(bound) => bound.clone(),
                        // The test runners' globals.
                        None if name == "jest" || name == "vi" => name.to_string(),
                        None => return None,
                    };
                    return Some(format!("{object}.{}", property?));
                }
                Expression::StaticMemberExpression(member) => {
                    property = Some(member.property.name.as_str());
                    expression = member.object.without_parentheses();
                }
                _ => return None,
            }
        }
    }

    /// Binds `name` when `value` is a sinon sandbox or a `require` of a module.
    fn bind(&mut self, name: &str, value: &Expression<'_>) {
        if let Some(module) = required_module(value) {
            self.bindings.insert(name.to_string(), canonical(module));
            return;
        }
        if let Expression::CallExpression(call) = value.without_parentheses()
            && self.is_sandbox_factory(&call.callee)
        {
            self.bindings.insert(name.to_string(), "sinon".to_string());
        }
    }

    fn is_sandbox_factory(&self, callee: &Expression<'_>) -> bool {
        if self.resolve(callee).as_deref() == Some("sinon.createSandbox") {
            return true;
        }
        // `sinon.sandbox.create()`, the pre-v5 spelling.
        let Expression::StaticMemberExpression(member) = callee.without_parentheses() else {
            return false;
        };
        member.property.name.as_str() == "create"
            && self.resolve(&member.object).as_deref() == Some("sinon.sandbox")
    }

    fn target(&self, method: &str, call: &CallExpression<'_>) -> Option<String> {
        if NAMED_TARGET.contains(&method) {
            return call.arguments.first().and_then(string_argument);
        }
        let object = call.arguments.first()?.as_expression()?;
        let property = string_argument(call.arguments.get(1)?)?;
        let span = object.without_parentheses().span();
        let object = self.text.get(span.start as usize..span.end as usize)?;
        Some(format!("{}.{property}", snippet(object)))
    }

    fn record(&mut self, callee: String, call: &CallExpression<'_>) {
        let method = callee.rsplit('.').next().unwrap_or(&callee).to_string();
        let target = self.target(&method, call);
        let span = self.index.span(self.text, call.span.start, call.span.end);
        let statement_start = self.statements.last().copied().unwrap_or(call.span.start);
        let statement_line = self.index.position(self.text, statement_start).line;
        let source = self
            .text
            .get(call.span.start as usize..call.span.end as usize)
            .unwrap_or_default();
        self.sites.push(MockSite {
            span,
            callee,
            target,
            symbol: self.symbols.join("::"),
            snippet: fingerprint_snippet(source),
            comments: self.comments.candidates(statement_line, span.start.line),
            decorator_reasons: Vec::new(),
        });
    }

    /// The title of `describe("...")` / `it("...")`, to name the enclosing symbol.
    fn block_title(call: &CallExpression<'_>) -> Option<String> {
        let name = match call.callee.without_parentheses() {
            Expression::Identifier(name) => name.name.as_str(),
            Expression::StaticMemberExpression(member) => match &member.object {
                Expression::Identifier(name) => name.name.as_str(),
                _ => return None,
            },
            _ => return None,
        };
        if !TITLED_BLOCKS.contains(&name) {
            return None;
        }
        call.arguments.first().and_then(string_argument)
    }
}

use oxc_span::GetSpan;

impl<'a> Visit<'a> for SiteFinder<'_> {
    fn visit_statement(&mut self, it: &Statement<'a>) {
        self.statements.push(it.span().start);
        walk::walk_statement(self, it);
        self.statements.pop();
    }

    fn visit_variable_declarator(&mut self, it: &VariableDeclarator<'a>) {
        if let Some(init) = &it.init {
            match &it.id {
                BindingPattern::BindingIdentifier(name) => self.bind(name.name.as_str(), init),
                // `const { stub } = require("sinon")`
                BindingPattern::ObjectPattern(pattern) => {
                    if let Some(module) = required_module(init) {
                        for property in &pattern.properties {
                            let (Some(key), BindingPattern::BindingIdentifier(local)) =
                                (property.key.static_name(), &property.value)
                            else {
                                continue;
                            };
                            self.bindings.insert(
                                local.name.to_string(),
                                canonical(&format!("{module}.{key}")),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
        walk::walk_variable_declarator(self, it);
    }

    fn visit_assignment_expression(&mut self, it: &oxc_ast::ast::AssignmentExpression<'a>) {
        // `sandbox = sinon.createSandbox()` in a `beforeEach`.
        if let AssignmentTarget::AssignmentTargetIdentifier(name) = &it.left {
            self.bind(name.name.as_str(), &it.right);
        }
        walk::walk_assignment_expression(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        if let Some(callee) = self.resolve(&it.callee)
            && self.detection.ecma_calls.contains(&callee)
        {
            // Mocks built in a mock's arguments (a `jest.mock` factory's `jest.fn()`) are
            // part of it.
            self.record(callee, it);
            return;
        }
        match Self::block_title(it) {
            Some(title) => {
                self.symbols.push(title);
                walk::walk_call_expression(self, it);
                self.symbols.pop();
            }
            None => walk::walk_call_expression(self, it),
        }
    }

    fn visit_function(&mut self, it: &oxc_ast::ast::Function<'a>, flags: ScopeFlags) {
        match &it.id {
            Some(id) => {
                self.symbols.push(id.name.to_string());
                walk::walk_function(self, it, flags);
                self.symbols.pop();
            }
            None => walk::walk_function(self, it, flags),
        }
    }

    fn visit_class(&mut self, it: &Class<'a>) {
        match &it.id {
            Some(id) => {
                self.symbols.push(id.name.to_string());
                walk::walk_class(self, it);
                self.symbols.pop();
            }
            None => walk::walk_class(self, it),
        }
    }

    fn visit_method_definition(&mut self, it: &MethodDefinition<'a>) {
        match it.key.static_name() {
            Some(name) => {
                self.symbols.push(name.to_string());
                walk::walk_method_definition(self, it);
                self.symbols.pop();
            }
            None => walk::walk_method_definition(self, it),
        }
    }
}
