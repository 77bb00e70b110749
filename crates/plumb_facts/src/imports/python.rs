//! Imports and module-level bindings of a parsed Python module.

mod dynamism;

use std::collections::BTreeSet;

use plumb_diagnostics::LineIndex;
use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{self as ast, Expr, ModModule, Stmt};
use ruff_text_size::Ranged;

use self::dynamism::{Effect, HookSite, ModuleAliases, Store};
use super::{ImportHook, PyImport, PythonImports};
use crate::mocks::{fingerprint_snippet, snippet};

pub(crate) fn extract(text: &str, index: &LineIndex, module: &ModModule) -> PythonImports {
    let mut collector = Collector {
        text,
        index,
        imports: Vec::new(),
        bound: BTreeSet::new(),
        runtime: Runtime::default(),
        aliases: ModuleAliases::default(),
        guard_depth: 0,
        type_checking_depth: 0,
        scope_depth: 0,
    };
    collector.visit_body(&module.body);
    // `__getattr__, __dir__, __all__ = lazy_loader.attach(...)` binds a module `__getattr__`.
    let dynamic_names = collector.runtime.binds_names || collector.bound.contains("__getattr__");
    PythonImports {
        imports: collector.imports,
        bound_names: collector.bound.into_iter().collect(),
        dynamic_names,
        import_hook: collector.runtime.import_hook,
        shares_namespace: collector.runtime.shares_namespace,
        edits_sys_path: collector.runtime.edits_sys_path,
    }
}

/// What the module was seen doing to the import system at run time.
#[derive(Default)]
struct Runtime {
    binds_names: bool,
    /// The first import hook the module installs.
    import_hook: Option<ImportHook>,
    shares_namespace: bool,
    edits_sys_path: bool,
}

struct Collector<'t> {
    text: &'t str,
    index: &'t LineIndex,
    imports: Vec<PyImport>,
    bound: BTreeSet<String>,
    runtime: Runtime,
    aliases: ModuleAliases,
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

    /// Binds the names `target` writes, and records what writing it does at run time.
    fn bind_target(&mut self, target: &Expr, store: Store<'_>) {
        match target {
            Expr::Name(name) => {
                self.bind(name.id.as_str());
                if let Store::Assign(Some(value)) = store {
                    self.aliases.record(name.id.as_str(), value);
                    let effects = dynamism::escape_effects(target, value, self.scope_depth == 0);
                    self.apply(effects);
                }
            }
            // Unpacking: the parts get no single value.
            Expr::Tuple(tuple) => tuple
                .elts
                .iter()
                .for_each(|elt| self.bind_target(elt, Store::Assign(None))),
            Expr::List(list) => list
                .elts
                .iter()
                .for_each(|elt| self.bind_target(elt, Store::Assign(None))),
            Expr::Starred(starred) => self.bind_target(&starred.value, Store::Assign(None)),
            _ => {}
        }
        let effects = dynamism::store_effects(target, store, self.scope_depth == 0, &self.aliases);
        self.apply(effects);
    }

    fn apply(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::BindsNames => self.runtime.binds_names = true,
                Effect::EditsSysPath => self.runtime.edits_sys_path = true,
                Effect::SharesNamespace => self.runtime.shares_namespace = true,
                Effect::InstallsHook(site) => {
                    if self.runtime.import_hook.is_none() {
                        self.runtime.import_hook = Some(self.import_hook(site));
                    }
                }
            }
        }
    }

    fn import_hook(&self, site: HookSite) -> ImportHook {
        let quoted: String = snippet(&self.text[site.quoted]).chars().take(80).collect();
        ImportHook {
            written: format!("{quoted}{}", site.form.suffix()),
            line: self.span_of(site.quoted).start.line,
        }
    }

    fn span_of(&self, range: ruff_text_size::TextRange) -> plumb_diagnostics::Span {
        self.index
            .span(self.text, range.start().to_u32(), range.end().to_u32())
    }

    fn statement_snippet(&self, stmt: &Stmt) -> String {
        fingerprint_snippet(&self.text[stmt.range()])
    }
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
            Stmt::Import(import) => self.visit_import(stmt, import),
            Stmt::ImportFrom(import) => self.visit_import_from(stmt, import),
            Stmt::Try(try_stmt) => self.visit_try(try_stmt),
            Stmt::If(if_stmt) => self.visit_if(if_stmt),
            Stmt::FunctionDef(function) => self.visit_function(function),
            Stmt::ClassDef(class) => self.visit_class(class),
            Stmt::Global(global) => {
                for name in &global.names {
                    self.bound.insert(name.to_string());
                }
            }
            Stmt::Assign(assign) => self.visit_assign(assign),
            Stmt::AnnAssign(assign) => {
                self.bind_target(&assign.target, Store::Assign(assign.value.as_deref()));
                walk_stmt(self, stmt);
            }
            Stmt::AugAssign(assign) => self.visit_aug_assign(assign),
            Stmt::TypeAlias(alias) => {
                self.bind_target(&alias.name, Store::Assign(None));
                walk_stmt(self, stmt);
            }
            Stmt::For(for_stmt) => {
                self.bind_target(&for_stmt.target, Store::Assign(None));
                walk_stmt(self, stmt);
            }
            Stmt::With(with) => {
                for item in &with.items {
                    if let Some(target) = &item.optional_vars {
                        self.bind_target(target, Store::Assign(None));
                    }
                }
                walk_stmt(self, stmt);
            }
            _ => walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Named(named) => {
                self.bind_target(&named.target, Store::Assign(Some(&named.value)))
            }
            Expr::Call(call) => {
                let effects = dynamism::call_effects(call, self.scope_depth == 0, &self.aliases);
                self.apply(effects);
            }
            _ => {}
        }
        walk_expr(self, expr);
    }
}

/// One handler per kind of statement that imports, binds or nests.
impl Collector<'_> {
    fn visit_import(&mut self, stmt: &Stmt, import: &ast::StmtImport) {
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

    fn visit_import_from(&mut self, stmt: &Stmt, import: &ast::StmtImportFrom) {
        let mut names = Vec::new();
        for alias in &import.names {
            let name = alias.name.as_str();
            if name == "*" {
                // A star import binds whatever the other module has.
                if self.scope_depth == 0 {
                    self.runtime.binds_names = true;
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

    /// Visits `body`, counting it as guarded when `guarded`.
    fn visit_guarded(&mut self, body: &[Stmt], guarded: bool) {
        if guarded {
            self.guard_depth += 1;
        }
        self.visit_body(body);
        if guarded {
            self.guard_depth -= 1;
        }
    }

    fn visit_try(&mut self, try_stmt: &ast::StmtTry) {
        let guards = try_stmt.handlers.iter().any(catches_import_error);
        self.visit_guarded(&try_stmt.body, guards);
        for handler in &try_stmt.handlers {
            let ast::ExceptHandler::ExceptHandler(handler) = handler;
            if let Some(name) = &handler.name {
                self.bind(name.as_str());
            }
            // A fallback import in the handler, or a follow-up in `else:`, is one of the
            // alternatives too.
            self.visit_guarded(&handler.body, guards);
        }
        self.visit_guarded(&try_stmt.orelse, guards);
        self.visit_body(&try_stmt.finalbody);
    }

    fn visit_if(&mut self, if_stmt: &ast::StmtIf) {
        self.visit_expr(&if_stmt.test);
        let type_checking = is_type_checking(&if_stmt.test);
        // `if X: import a` / `else: import b` chooses between alternatives: every branch may
        // be the one that never runs here.
        let alternatives = has_import(&if_stmt.body)
            && if_stmt
                .elif_else_clauses
                .iter()
                .any(|clause| has_import(&clause.body));
        let environment = alternatives || is_environment_test(&if_stmt.test);
        if type_checking {
            self.type_checking_depth += 1;
        }
        self.visit_guarded(&if_stmt.body, environment);
        if type_checking {
            self.type_checking_depth -= 1;
        }
        let mut environment_chain = environment;
        for clause in &if_stmt.elif_else_clauses {
            if let Some(test) = &clause.test {
                self.visit_expr(test);
                environment_chain |= is_environment_test(test);
            }
            // `else:` of `if TYPE_CHECKING:` runs at run time; every branch of an environment
            // test is one alternative.
            self.visit_guarded(&clause.body, environment_chain);
        }
    }

    fn visit_function(&mut self, function: &ast::StmtFunctionDef) {
        self.bind(function.name.as_str());
        if self.scope_depth == 0 && function.name.as_str() == "__getattr__" {
            self.runtime.binds_names = true;
        }
        for decorator in &function.decorator_list {
            self.visit_decorator(decorator);
        }
        self.scope_depth += 1;
        self.visit_body(&function.body);
        self.scope_depth -= 1;
    }

    fn visit_class(&mut self, class: &ast::StmtClassDef) {
        self.bind(class.name.as_str());
        for decorator in &class.decorator_list {
            self.visit_decorator(decorator);
        }
        self.scope_depth += 1;
        self.visit_body(&class.body);
        self.scope_depth -= 1;
    }

    fn visit_assign(&mut self, assign: &ast::StmtAssign) {
        for target in &assign.targets {
            self.bind_target(target, Store::Assign(Some(&assign.value)));
            if self.scope_depth == 0 && is_name(target, "__all__") {
                self.bind_all(&assign.value);
            }
        }
        self.visit_expr(&assign.value);
        for target in &assign.targets {
            self.visit_expr(target);
        }
    }

    fn visit_aug_assign(&mut self, assign: &ast::StmtAugAssign) {
        self.bind_target(&assign.target, Store::Augmented);
        if self.scope_depth == 0 && is_name(&assign.target, "__all__") {
            self.bind_all(&assign.value);
        }
        self.visit_expr(&assign.value);
        self.visit_expr(&assign.target);
    }

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

fn is_name(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Name(found) if found.id.as_str() == name)
}

#[cfg(test)]
mod tests {
    use crate::{ExtractOptions, PythonImports, extract};
    use plumb_syntax::{PythonVersion, SourceKind};

    fn imports(text: &str) -> PythonImports {
        let options = ExtractOptions::new(PythonVersion::DEFAULT);
        extract(text, SourceKind::Python { is_stub: false }, options)
            .unwrap()
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
        assert!(!facts.dynamic_names && !facts.edits_sys_path && facts.import_hook.is_none());
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
    fn writes_that_bind_names_make_them_unknowable() {
        for text in [
            "def __getattr__(name): ...\n",
            "from m import *\n",
            "globals().update(x)\n",
            "globals()['x'] = 1\n",
            "def f():\n    globals()['x'] = 1\n",
            "vars()['x'] = 1\n",
            "vars().update(x)\n",
            "locals().setdefault('x', 1)\n",
            "exec(source)\n",
            "def f():\n    exec(source, globals())\n",
            "_install(globals())\n",
            "import sys\nsetattr(sys.modules[__name__], 'x', 1)\n",
            "import sys\nsys.modules[__name__] = Lazy()\n",
            "import sys\nsys.modules.setdefault(__name__, Lazy())\n",
            "import sys\nsys.modules.update(table)\n",
            "import sys\nsys.modules[__name__].__class__ = Lazy\n",
            "import sys\nsys.modules[__name__].__dict__.update(table)\n",
            "import sys\nvars(sys.modules[__name__]).update(table)\n",
            "import sys\nthis = sys.modules[__name__]\nsetattr(this, 'x', 1)\n",
            "import sys\nthis = sys.modules.get(__name__)\nthis.x = 1\n",
            "import sys\n_export(sys.modules[__name__])\n",
            "import sys\ntable = sys.modules\n",
            "__getattr__, __dir__, __all__ = lazy.attach(__name__)\n",
        ] {
            assert!(imports(text).dynamic_names, "{text}");
        }
    }

    #[test]
    fn reads_of_the_module_table_and_namespace_bind_nothing() {
        for text in [
            "import sys\nX = 1\n",
            "import sys\nmod = sys.modules[__name__]\n",
            "import sys\nif hasattr(sys.modules[__name__], 'x'): pass\n",
            "import sys\nif getattr(sys.modules.get('a.b'), 'x', None): pass\n",
            "import sys\nif 'numpy' in sys.modules: pass\n",
            "import sys\ndel sys.modules['a.b']\n",
            "import sys\nsys.modules.pop('a.b', None)\n",
            "import sys\nfor name, mod in list(sys.modules.items()): pass\n",
            "value = globals()['x']\n",
            "value = globals().get('x')\n",
            "def f():\n    locals()['x'] = 1\n    vars().update(y)\n",
            "print(sorted(globals()))\n",
            "import sys\nthis = sys.modules[__name__]\nprint(this.__file__)\n",
        ] {
            let facts = imports(text);
            assert!(!facts.dynamic_names, "{text}");
            assert!(facts.import_hook.is_none(), "{text}");
        }
    }

    #[test]
    fn import_hooks_name_what_was_written() {
        let hook = |text: &str| {
            imports(text)
                .import_hook
                .map(|hook| (hook.written, hook.line))
        };
        let expected = |written: &str, line: u32| Some((written.to_string(), line));
        assert_eq!(
            hook("import sys\nsys.meta_path.insert(0, Finder())\n"),
            expected("sys.meta_path.insert(...)", 2)
        );
        assert_eq!(
            hook("import sys\n\ndef install():\n    sys.meta_path.append(Finder())\n"),
            expected("sys.meta_path.append(...)", 4)
        );
        assert_eq!(
            hook("import sys\nsys.path_hooks.append(factory)\n"),
            expected("sys.path_hooks.append(...)", 2)
        );
        assert_eq!(
            hook("import sys\nsys.modules['pkg.sub'] = shim\n"),
            expected("sys.modules['pkg.sub'] = ...", 2)
        );
        assert_eq!(
            hook("import sys\nsys.modules.setdefault(__name__ + '.sub', shim)\n"),
            expected("sys.modules.setdefault(...)", 2)
        );
        assert_eq!(
            hook("__path__ = [os.path.join(HERE, 'vendor')]\n"),
            expected("__path__ = ...", 1)
        );
        assert_eq!(hook("__path__ += ['x']\n"), expected("__path__ += ...", 1));
        assert_eq!(
            hook("__path__.extend(more)\n"),
            expected("__path__.extend(...)", 1)
        );
        assert_eq!(
            hook("components.__path__ = [where]\n"),
            expected("components.__path__ = ...", 1)
        );
        assert_eq!(
            hook("setattr(module, '__path__', [])\n"),
            expected("setattr(...)", 1)
        );
        assert_eq!(
            hook("import sys\ntable = sys.modules\n"),
            expected("table = sys.modules", 2)
        );
        // A key that names another module leaves this module's names alone.
        assert!(!imports("import sys\nsys.modules[__name__ + '.sub'] = shim\n").dynamic_names);
        // `pkgutil.extend_path` shares the namespace: submodules come from other distributions.
        let namespace = imports(
            "from pkgutil import extend_path\n__path__ = extend_path(__path__, __name__)\n",
        );
        assert!(namespace.shares_namespace && namespace.import_hook.is_none());
        assert!(
            imports("__import__('pkg_resources').declare_namespace(__name__)\n").shares_namespace
        );
    }

    #[test]
    fn sys_path_edits() {
        assert!(imports("import sys\nsys.path.insert(0, 'x')\n").edits_sys_path);
        assert!(imports("import sys\nsys.path += ['x']\n").edits_sys_path);
        assert!(imports("import sys\nsys.path[0:0] = ['x']\n").edits_sys_path);
        assert!(imports("import site\nsite.addsitedir('x')\n").edits_sys_path);
        assert!(!imports("import sys\nprint(sys.path)\n").edits_sys_path);
    }
}
