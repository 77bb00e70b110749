//! Imports and module-level bindings of a parsed Python module.

use std::collections::BTreeSet;

use plumb_diagnostics::LineIndex;
use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{self as ast, Expr, ModModule, Stmt};
use ruff_text_size::Ranged;

use super::{PyImport, PythonImports};
use crate::mocks::snippet;

pub(crate) fn extract(text: &str, index: &LineIndex, module: &ModModule) -> PythonImports {
    let mut collector = Collector {
        text,
        index,
        imports: Vec::new(),
        bound: BTreeSet::new(),
        dynamic_names: false,
        edits_sys_path: false,
        guard_depth: 0,
        type_checking_depth: 0,
        scope_depth: 0,
    };
    collector.visit_body(&module.body);
    // `__getattr__, __dir__, __all__ = lazy_loader.attach(...)` binds a module `__getattr__`.
    let dynamic_names = collector.dynamic_names || collector.bound.contains("__getattr__");
    PythonImports {
        imports: collector.imports,
        bound_names: collector.bound.into_iter().collect(),
        dynamic_names,
        edits_sys_path: collector.edits_sys_path,
    }
}

struct Collector<'t> {
    text: &'t str,
    index: &'t LineIndex,
    imports: Vec<PyImport>,
    bound: BTreeSet<String>,
    dynamic_names: bool,
    edits_sys_path: bool,
    guard_depth: u32,
    type_checking_depth: u32,
    /// Depth of function and class bodies: bindings count only at module level.
    scope_depth: u32,
}

impl Collector<'_> {
    fn bind(&mut self, name: &str) {
        if self.scope_depth == 0 {
            self.bound.insert(name.to_string());
        }
    }

    fn bind_target(&mut self, target: &Expr) {
        match target {
            Expr::Name(name) => self.bind(name.id.as_str()),
            Expr::Tuple(tuple) => tuple.elts.iter().for_each(|elt| self.bind_target(elt)),
            Expr::List(list) => list.elts.iter().for_each(|elt| self.bind_target(elt)),
            Expr::Starred(starred) => self.bind_target(&starred.value),
            Expr::Subscript(subscript) => {
                if is_dotted(&subscript.value, &["sys", "path"]) {
                    self.edits_sys_path = true;
                }
                if is_dotted(&subscript.value, &["sys", "modules"])
                    || is_globals_call(&subscript.value)
                {
                    self.dynamic_names = true;
                }
            }
            Expr::Attribute(_) if is_dotted(target, &["sys", "path"]) => {
                self.edits_sys_path = true;
            }
            _ => {}
        }
    }

    fn span_of(&self, range: ruff_text_size::TextRange) -> plumb_diagnostics::Span {
        self.index
            .span(self.text, range.start().to_u32(), range.end().to_u32())
    }

    fn statement_snippet(&self, stmt: &Stmt) -> String {
        snippet(&self.text[stmt.range()])
    }
}

/// `a.b.c` written as a name and attribute chain (also reached through `os.sys.path`).
fn is_dotted(expr: &Expr, path: &[&str]) -> bool {
    let mut parts = Vec::new();
    let mut current = expr;
    loop {
        match current {
            Expr::Attribute(attribute) => {
                parts.push(attribute.attr.as_str());
                current = &attribute.value;
            }
            Expr::Name(name) => {
                parts.push(name.id.as_str());
                break;
            }
            _ => return false,
        }
    }
    parts.reverse();
    parts.ends_with(path)
}

fn is_globals_call(expr: &Expr) -> bool {
    matches!(expr, Expr::Call(call) if matches!(&*call.func, Expr::Name(name) if matches!(name.id.as_str(), "globals" | "vars" | "locals")))
}

/// An exception handler that catches a failed import.
fn catches_import_error(handler: &ast::ExceptHandler) -> bool {
    let ast::ExceptHandler::ExceptHandler(handler) = handler;
    let Some(kind) = &handler.type_ else {
        return true;
    };
    let catches = |expr: &Expr| {
        let name = match expr {
            Expr::Name(name) => name.id.as_str(),
            Expr::Attribute(attribute) => attribute.attr.as_str(),
            _ => return false,
        };
        matches!(
            name,
            "ImportError" | "ModuleNotFoundError" | "Exception" | "BaseException"
        )
    };
    match &**kind {
        Expr::Tuple(tuple) => tuple.elts.iter().any(catches),
        other => catches(other),
    }
}

/// A block that imports something directly.
fn has_import(body: &[Stmt]) -> bool {
    body.iter()
        .any(|stmt| matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_)))
}

/// `TYPE_CHECKING` or `typing.TYPE_CHECKING`.
fn is_type_checking(test: &Expr) -> bool {
    match test {
        Expr::Name(name) => name.id.as_str() == "TYPE_CHECKING",
        Expr::Attribute(attribute) => attribute.attr.as_str() == "TYPE_CHECKING",
        _ => false,
    }
}

/// A test on the running interpreter: `sys.version_info`, `sys.platform`, `os.name`,
/// `platform.system()`, `PY2`-style flags. Imports under it may be absent elsewhere.
fn is_environment_test(test: &Expr) -> bool {
    struct Finder(bool);
    impl<'a> Visitor<'a> for Finder {
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Attribute(attribute)
                    if matches!(
                        attribute.attr.as_str(),
                        "version_info" | "platform" | "name" | "system" | "implementation"
                    ) =>
                {
                    self.0 = true;
                }
                Expr::Name(name) if name.id.as_str().starts_with("PY") => self.0 = true,
                _ => walk_expr(self, expr),
            }
        }
    }
    let mut finder = Finder(false);
    finder.visit_expr(test);
    finder.0
}

impl<'a> Visitor<'a> for Collector<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Import(import) => {
                for alias in &import.names {
                    let module = alias.name.as_str();
                    match &alias.asname {
                        Some(asname) => self.bind(asname.as_str()),
                        None => self.bind(module.split('.').next().unwrap_or(module)),
                    }
                    self.imports.push(PyImport {
                        module: Some(module.to_string()),
                        level: 0,
                        names: Vec::new(),
                        is_from: false,
                        span: self.span_of(alias.range()),
                        snippet: self.statement_snippet(stmt),
                        guarded: self.guard_depth > 0,
                        type_checking: self.type_checking_depth > 0,
                    });
                }
            }
            Stmt::ImportFrom(import) => {
                let mut names = Vec::new();
                for alias in &import.names {
                    let name = alias.name.as_str();
                    if name == "*" {
                        if self.scope_depth == 0 {
                            self.dynamic_names = true;
                        }
                    } else {
                        self.bind(alias.asname.as_ref().map_or(name, |asname| asname.as_str()));
                    }
                    names.push((name.to_string(), self.span_of(alias.range())));
                }
                let span = match &import.module {
                    Some(module) => self.span_of(module.range()),
                    None => self.span_of(import.range()),
                };
                self.imports.push(PyImport {
                    module: import.module.as_ref().map(|module| module.to_string()),
                    level: import.level,
                    names,
                    is_from: true,
                    span,
                    snippet: self.statement_snippet(stmt),
                    guarded: self.guard_depth > 0,
                    type_checking: self.type_checking_depth > 0,
                });
            }
            Stmt::Try(try_stmt) => {
                let guards = try_stmt.handlers.iter().any(catches_import_error);
                if guards {
                    self.guard_depth += 1;
                }
                self.visit_body(&try_stmt.body);
                if guards {
                    self.guard_depth -= 1;
                }
                for handler in &try_stmt.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    if let Some(name) = &handler.name {
                        self.bind(name.as_str());
                    }
                    // A fallback import in the handler, or a follow-up in `else:`, is one of
                    // the alternatives too.
                    if guards {
                        self.guard_depth += 1;
                    }
                    self.visit_body(&handler.body);
                    if guards {
                        self.guard_depth -= 1;
                    }
                }
                if guards {
                    self.guard_depth += 1;
                }
                self.visit_body(&try_stmt.orelse);
                if guards {
                    self.guard_depth -= 1;
                }
                self.visit_body(&try_stmt.finalbody);
            }
            Stmt::If(if_stmt) => {
                self.visit_expr(&if_stmt.test);
                let type_checking = is_type_checking(&if_stmt.test);
                // `if X: import a` / `else: import b` chooses between alternatives: every
                // branch may be the one that never runs here.
                let alternatives = has_import(&if_stmt.body)
                    && if_stmt
                        .elif_else_clauses
                        .iter()
                        .any(|clause| has_import(&clause.body));
                let environment = alternatives || is_environment_test(&if_stmt.test);
                if type_checking {
                    self.type_checking_depth += 1;
                }
                if environment {
                    self.guard_depth += 1;
                }
                self.visit_body(&if_stmt.body);
                if type_checking {
                    self.type_checking_depth -= 1;
                }
                let mut environment_chain = environment;
                for clause in &if_stmt.elif_else_clauses {
                    if let Some(test) = &clause.test {
                        self.visit_expr(test);
                        environment_chain |= is_environment_test(test);
                    }
                    // `else:` of `if TYPE_CHECKING:` runs at run time; every branch of an
                    // environment test is one alternative.
                    if environment_chain {
                        self.guard_depth += 1;
                    }
                    self.visit_body(&clause.body);
                    if environment_chain {
                        self.guard_depth -= 1;
                    }
                }
                if environment {
                    self.guard_depth -= 1;
                }
            }
            Stmt::FunctionDef(function) => {
                self.bind(function.name.as_str());
                if self.scope_depth == 0 && function.name.as_str() == "__getattr__" {
                    self.dynamic_names = true;
                }
                for decorator in &function.decorator_list {
                    self.visit_decorator(decorator);
                }
                self.scope_depth += 1;
                self.visit_body(&function.body);
                self.scope_depth -= 1;
            }
            Stmt::ClassDef(class) => {
                self.bind(class.name.as_str());
                for decorator in &class.decorator_list {
                    self.visit_decorator(decorator);
                }
                self.scope_depth += 1;
                self.visit_body(&class.body);
                self.scope_depth -= 1;
            }
            Stmt::Global(global) => {
                for name in &global.names {
                    self.bound.insert(name.to_string());
                }
            }
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    self.bind_target(target);
                    if self.scope_depth == 0
                        && matches!(target, Expr::Name(name) if name.id.as_str() == "__all__")
                    {
                        self.bind_all(&assign.value);
                    }
                }
                walk_stmt(self, stmt);
            }
            Stmt::AnnAssign(assign) => {
                self.bind_target(&assign.target);
                walk_stmt(self, stmt);
            }
            Stmt::AugAssign(assign) => {
                self.bind_target(&assign.target);
                if self.scope_depth == 0
                    && matches!(&*assign.target, Expr::Name(name) if name.id.as_str() == "__all__")
                {
                    self.bind_all(&assign.value);
                }
                walk_stmt(self, stmt);
            }
            Stmt::TypeAlias(alias) => {
                self.bind_target(&alias.name);
                walk_stmt(self, stmt);
            }
            Stmt::For(for_stmt) => {
                self.bind_target(&for_stmt.target);
                walk_stmt(self, stmt);
            }
            Stmt::With(with) => {
                for item in &with.items {
                    if let Some(target) = &item.optional_vars {
                        self.bind_target(target);
                    }
                }
                walk_stmt(self, stmt);
            }
            _ => walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        // Any use of the module table or the global namespace may add names.
        if is_dotted(expr, &["sys", "modules"]) || is_globals_call(expr) {
            self.dynamic_names = true;
        }
        match expr {
            Expr::Named(named) => self.bind_target(&named.target),
            Expr::Call(call) => {
                if let Expr::Attribute(attribute) = &*call.func {
                    let method = attribute.attr.as_str();
                    if is_dotted(&attribute.value, &["sys", "path"])
                        && matches!(method, "insert" | "append" | "extend" | "__setitem__")
                    {
                        self.edits_sys_path = true;
                    }
                    if is_dotted(&call.func, &["site", "addsitedir"]) {
                        self.edits_sys_path = true;
                    }
                    if method == "update"
                        && (is_globals_call(&attribute.value)
                            || is_dotted(&attribute.value, &["sys", "modules"]))
                    {
                        self.dynamic_names = true;
                    }
                }
            }
            _ => {}
        }
        walk_expr(self, expr);
    }
}

impl Collector<'_> {
    /// String entries of `__all__ = [...]` / `__all__ += [...]`.
    fn bind_all(&mut self, value: &Expr) {
        let elements = match value {
            Expr::List(list) => &list.elts,
            Expr::Tuple(tuple) => &tuple.elts,
            _ => return,
        };
        for element in elements {
            if let Expr::StringLiteral(literal) = element {
                self.bind(literal.value.to_str());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{ExtractOptions, PythonImports, extract};
    use plumb_syntax::{PythonVersion, SourceKind};

    fn imports(text: &str) -> PythonImports {
        let options = ExtractOptions::new(PythonVersion::DEFAULT);
        extract(text, SourceKind::Python { is_stub: false }, options)
            .python_imports
            .unwrap()
    }

    #[test]
    fn records_modules_names_levels_and_guards() {
        let facts = imports(
            "import a.b as c\nfrom ..x import y, z as w\ntry:\n    import fast\nexcept ImportError:\n    fast = None\nif TYPE_CHECKING:\n    from t import T\n",
        );
        let summary: Vec<_> = facts
            .imports
            .iter()
            .map(|i| {
                (
                    i.module.clone(),
                    i.level,
                    i.names.len(),
                    i.guarded,
                    i.type_checking,
                    i.span.start.line,
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (Some("a.b".into()), 0, 0, false, false, 1),
                (Some("x".into()), 2, 2, false, false, 2),
                (Some("fast".into()), 0, 0, true, false, 4),
                (Some("t".into()), 0, 1, false, true, 8),
            ]
        );
        assert_eq!(facts.bound_names, ["T", "c", "fast", "w", "y"]);
        assert!(!facts.dynamic_names && !facts.edits_sys_path);
    }

    #[test]
    fn binds_module_level_names_only() {
        let facts = imports(
            "X = 1\ndef f():\n    local = 2\n    global G\nclass C:\n    attr = 3\nfor i in []: pass\n__all__ = ['exported']\n",
        );
        assert_eq!(
            facts.bound_names,
            ["C", "G", "X", "__all__", "exported", "f", "i"]
        );
    }

    #[test]
    fn dynamic_names_and_sys_path_edits() {
        assert!(imports("def __getattr__(name): ...\n").dynamic_names);
        assert!(imports("from m import *\n").dynamic_names);
        assert!(imports("globals().update(x)\n").dynamic_names);
        assert!(imports("import sys\nsetattr(sys.modules[__name__], 'x', 1)\n").dynamic_names);
        assert!(imports("__getattr__, __dir__, __all__ = lazy.attach(__name__)\n").dynamic_names);
        assert!(!imports("import sys\nX = 1\n").dynamic_names);
        assert!(imports("import sys\nsys.path.insert(0, 'x')\n").edits_sys_path);
        assert!(imports("import sys\nsys.path += ['x']\n").edits_sys_path);
        assert!(imports("import site\nsite.addsitedir('x')\n").edits_sys_path);
        assert!(!imports("import sys\nprint(sys.path)\n").edits_sys_path);
    }
}
