//! Mock sites in a parsed Python test module.
//!
//! A name is a mock factory or patcher only if it was imported from `unittest.mock` or the `mock`
//! backport (under any alias), so a local `Mock` class or a variable called `patch` is never
//! reported. pytest-mock and `monkeypatch` calls count only on a parameter of that name.

use std::collections::HashMap;

use plumb_diagnostics::LineIndex;
use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{self as ast, Expr, ModModule, Stmt};
use ruff_text_size::Ranged;

use super::{CommentMap, MockDetection, MockSite, fingerprint_snippet, snippet};

/// `monkeypatch` methods that replace something.
const MONKEYPATCH_METHODS: &[&str] = &["setattr", "setitem", "delattr"];

/// Every mock site in `module`.
pub(crate) fn extract(
    text: &str,
    index: &LineIndex,
    module: &ModModule,
    comments: &[(u32, u32)],
    detection: &MockDetection,
) -> Vec<MockSite> {
    let mut imports = Imports::default();
    imports.visit_body(&module.body);
    let mut finder = SiteFinder {
        text,
        index,
        comments: CommentMap::new(text, index, comments),
        detection,
        aliases: imports.aliases,
        statements: Vec::new(),
        symbols: Vec::new(),
        fixtures: Vec::new(),
        reasons: Vec::new(),
        sites: Vec::new(),
    };
    finder.visit_body(&module.body);
    finder.sites
}

/// Local name to the qualified name it was imported as, from every import in the module
/// (flow-insensitively: tests import at the top or inside the test, and both count).
#[derive(Default)]
struct Imports {
    aliases: HashMap<String, String>,
}

impl<'a> Visitor<'a> for Imports {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Import(import) => {
                for alias in &import.names {
                    let module = alias.name.as_str();
                    match &alias.asname {
                        Some(asname) => {
                            self.aliases
                                .insert(asname.to_string(), canonical(module.to_string()));
                        }
                        None => {
                            // `import unittest.mock` binds `unittest`.
                            let first = module.split('.').next().unwrap_or(module);
                            self.aliases
                                .insert(first.to_string(), canonical(first.to_string()));
                        }
                    }
                }
            }
            Stmt::ImportFrom(import) if import.level == 0 => {
                let Some(module) = &import.module else {
                    return;
                };
                for alias in &import.names {
                    let local = alias.asname.as_ref().unwrap_or(&alias.name);
                    self.aliases.insert(
                        local.to_string(),
                        canonical(format!("{}.{}", module.as_str(), alias.name.as_str())),
                    );
                }
            }
            _ => walk_stmt(self, stmt),
        }
    }
}

/// The `mock` backport is `unittest.mock` under another name.
fn canonical(qualified: String) -> String {
    if qualified == "mock" {
        "unittest.mock".to_string()
    } else if let Some(rest) = qualified.strip_prefix("mock.") {
        format!("unittest.mock.{rest}")
    } else {
        qualified
    }
}

/// Dotted path of a name or attribute chain: `mock.patch.object`.
fn dotted(expr: &Expr) -> Option<Vec<&str>> {
    match expr {
        Expr::Name(name) => Some(vec![name.id.as_str()]),
        Expr::Attribute(attribute) => {
            let mut path = dotted(&attribute.value)?;
            path.push(attribute.attr.as_str());
            Some(path)
        }
        _ => None,
    }
}

/// A string literal's value.
fn string_value(expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringLiteral(literal) => Some(literal.value.to_str().to_string()),
        _ => None,
    }
}

struct SiteFinder<'t> {
    text: &'t str,
    index: &'t LineIndex,
    comments: CommentMap,
    detection: &'t MockDetection,
    aliases: HashMap<String, String>,
    /// Start offsets of the statements enclosing the current node, innermost last.
    statements: Vec<u32>,
    /// Names of enclosing classes and functions.
    symbols: Vec<String>,
    /// Per enclosing function, its parameters that are mocker / monkeypatch fixtures.
    fixtures: Vec<Vec<String>>,
    /// `@mock_justified` reasons of enclosing functions and classes.
    reasons: Vec<Vec<String>>,
    sites: Vec<MockSite>,
}

/// What kind of mock a call is.
enum Kind {
    Factory(String),
    Patcher(String),
    Fixture(String),
}

impl SiteFinder<'_> {
    /// The qualified name `func` refers to through the module's imports.
    fn qualified(&self, path: &[&str]) -> Option<String> {
        let (first, rest) = path.split_first()?;
        let mut qualified = self.aliases.get(*first)?.clone();
        for part in rest {
            qualified.push('.');
            qualified.push_str(part);
        }
        Some(qualified)
    }

    fn fixture_in_scope(&self, name: &str) -> bool {
        self.fixtures
            .last()
            .is_some_and(|fixtures| fixtures.iter().any(|fixture| fixture == name))
    }

    fn classify(&self, func: &Expr) -> Option<Kind> {
        let path = dotted(func)?;
        if let Some(qualified) = self.qualified(&path) {
            let short = qualified
                .strip_prefix("unittest.mock.")
                .unwrap_or(&qualified)
                .to_string();
            if self.detection.python_patchers.contains(&qualified) {
                return Some(Kind::Patcher(short));
            }
            if self.detection.python_factories.contains(&qualified) {
                return Some(Kind::Factory(short));
            }
        }
        let (&root, methods) = path.split_first()?;
        let method = *methods.first()?;
        if !self.fixture_in_scope(root) {
            return None;
        }
        let is_mocker = self.detection.mocker_fixtures.iter().any(|f| f == root);
        let counts = if is_mocker {
            !self
                .detection
                .mocker_ignored_methods
                .iter()
                .any(|ignored| ignored == method)
        } else {
            root == "monkeypatch"
                && self.detection.monkeypatch
                && methods.len() == 1
                && MONKEYPATCH_METHODS.contains(&method)
        };
        counts.then(|| Kind::Fixture(path.join(".")))
    }

    /// What `call` mocks, when its arguments name it literally.
    fn target(&self, kind: &Kind, call: &ast::ExprCall) -> Option<String> {
        let args = &call.arguments.args;
        let name = match kind {
            Kind::Factory(_) => return None,
            Kind::Patcher(name) | Kind::Fixture(name) => name.as_str(),
        };
        let object_attribute = name.ends_with(".object")
            || name.ends_with(".spy")
            || name.ends_with("setattr")
            || name.ends_with("delattr");
        if object_attribute
            && let (Some(object), Some(attribute)) = (args.first(), args.get(1))
            && let Some(attribute) = string_value(attribute)
        {
            let object = self.text.get(object.range().to_std_range())?;
            return Some(format!("{}.{attribute}", snippet(object)));
        }
        args.first().and_then(string_value)
    }

    fn record(&mut self, call: &ast::ExprCall, site_range: ruff_text_size::TextRange) {
        let Some(kind) = self.classify(&call.func) else {
            return;
        };
        let target = self.target(&kind, call);
        let (Kind::Factory(callee) | Kind::Patcher(callee) | Kind::Fixture(callee)) = kind;
        let span = self.index.span(
            self.text,
            site_range.start().to_u32(),
            site_range.end().to_u32(),
        );
        let statement_start = self
            .statements
            .last()
            .copied()
            .unwrap_or(site_range.start().to_u32());
        let statement_line = self.index.position(self.text, statement_start).line;
        let source = self.text.get(site_range.to_std_range()).unwrap_or_default();
        self.sites.push(MockSite {
            span,
            callee,
            target,
            symbol: self.symbols.join("::"),
            snippet: fingerprint_snippet(source),
            comments: self.comments.candidates(statement_line, span.start.line),
            decorator_reasons: self.reasons.iter().flatten().cloned().collect(),
        });
    }

    /// Reasons from `@mock_justified("...")` decorators (any module: it is the project's own).
    fn justified_reasons(decorators: &[ast::Decorator]) -> Vec<String> {
        decorators
            .iter()
            .filter_map(|decorator| {
                let Expr::Call(call) = &decorator.expression else {
                    return None;
                };
                let path = dotted(&call.func)?;
                if path.last() != Some(&"mock_justified") {
                    return None;
                }
                let reason = call.arguments.args.first().or_else(|| {
                    call.arguments
                        .keywords
                        .iter()
                        .find(|keyword| keyword.arg.as_ref().is_some_and(|arg| arg == "reason"))
                        .map(|keyword| &keyword.value)
                })?;
                Some(string_value(reason).unwrap_or_default())
            })
            .collect()
    }
}

impl<'a> Visitor<'a> for SiteFinder<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        // A def's or class's range starts at its first decorator, so a decorator's statement is
        // the whole decorated definition.
        self.statements.push(stmt.start().to_u32());
        match stmt {
            Stmt::FunctionDef(function) => {
                self.reasons
                    .push(Self::justified_reasons(&function.decorator_list));
                self.symbols.push(function.name.to_string());
                // A nested helper function still sees the test's fixture parameters.
                let mut fixtures: Vec<String> = self.fixtures.last().cloned().unwrap_or_default();
                fixtures.extend(
                    function
                        .parameters
                        .iter()
                        .map(|parameter| parameter.name().to_string())
                        .filter(|name| {
                            name == "monkeypatch"
                                || self.detection.mocker_fixtures.iter().any(|f| f == name)
                        }),
                );
                self.fixtures.push(fixtures);
                walk_stmt(self, stmt);
                self.fixtures.pop();
                self.symbols.pop();
                self.reasons.pop();
            }
            Stmt::ClassDef(class) => {
                self.reasons
                    .push(Self::justified_reasons(&class.decorator_list));
                self.symbols.push(class.name.to_string());
                // Methods do not see the enclosing function's parameters through a class body.
                self.fixtures.push(Vec::new());
                walk_stmt(self, stmt);
                self.fixtures.pop();
                self.symbols.pop();
                self.reasons.pop();
            }
            _ => walk_stmt(self, stmt),
        }
        self.statements.pop();
    }

    fn visit_decorator(&mut self, decorator: &'a ast::Decorator) {
        match &decorator.expression {
            Expr::Call(call) if self.classify(&call.func).is_some() => {
                self.record(call, decorator.expression.range());
            }
            _ => self.visit_expr(&decorator.expression),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr
            && self.classify(&call.func).is_some()
        {
            // Mocks built in a mock's arguments (`patch("x", MagicMock())`) are part of it.
            self.record(call, call.range());
            return;
        }
        walk_expr(self, expr);
    }
}
