//! Python parsing with `ruff_python_parser`, plus the compile-time checks CPython performs after
//! parsing (symbol table and code generator errors such as `return` outside a function).
//!
//! The parser alone accepts some programs `compile()` rejects; ruff's `SemanticSyntaxChecker`
//! implements those checks but needs its caller to track scopes. [`ScopeWalker`] is that caller.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{self as ast, Expr, ModModule, Stmt};
use ruff_python_parser::semantic_errors::{
    LazyImportContext, SemanticSyntaxChecker, SemanticSyntaxContext, SemanticSyntaxError,
    SemanticSyntaxErrorKind,
};
use ruff_python_parser::{Mode, ParseOptions, Parsed};
use ruff_text_size::{Ranged, TextRange};

use crate::{PythonVersion, SyntaxError};

mod nesting;
use nesting::nesting_limit_error;

/// A parsed Python module and every syntax error CPython would raise for it, sorted by position.
pub struct ParsedPython {
    /// `None` when the file was rejected before parsing (nesting beyond CPython's limits), which
    /// also keeps pathological nesting from exhausting the parser's stack.
    pub parsed: Option<Parsed<ModModule>>,
    pub errors: Vec<SyntaxError>,
    /// Whether the tokenizer and parser accepted the file for this target, so that `parsed` is
    /// the tree CPython's compiler gets: any error in `errors` is then a compile-stage one
    /// (`await` outside `async`, a name used before `global`, `import *` in a function).
    pub parser_accepted: bool,
}

/// Parses `source` as a module for `target`, collecting parser, version and compile-time errors.
pub fn parse(source: &str, target: PythonVersion, is_stub: bool) -> ParsedPython {
    let version = ast::PythonVersion {
        major: target.major,
        minor: target.minor,
    };
    if let Some(error) = nesting_limit_error(source) {
        return ParsedPython {
            parsed: None,
            errors: vec![error],
            parser_accepted: false,
        };
    }
    let options = ParseOptions::from(Mode::Module).with_target_version(version);
    let parsed = ruff_python_parser::parse_unchecked(source, options)
        .try_into_module()
        .expect("Mode::Module always yields a module");

    let mut errors: Vec<SyntaxError> = parsed
        .errors()
        .iter()
        .map(|error| SyntaxError::new(error.location, error.error.to_string()))
        .collect();
    // Stubs are never compiled by CPython, so version-dependent syntax is fine in them.
    if !is_stub {
        errors.extend(
            parsed
                .unsupported_syntax_errors()
                .iter()
                .map(|error| SyntaxError::new(error.range, error.to_string())),
        );
    }
    // Compile-time checks only make sense on a tree the parser accepted: CPython never gets to
    // them otherwise, and on a recovered tree they would report phantom errors.
    let parsed_without_errors = errors.is_empty();
    if parsed_without_errors && !is_stub {
        let future_annotations = has_future_annotations(parsed.syntax());
        let mut walker = ScopeWalker::new(source, version, future_annotations || is_stub);
        walker.visit_module(parsed.syntax());
        errors.extend(
            walker
                .context
                .errors
                .into_inner()
                .into_iter()
                .map(|error| SyntaxError::new(error.range, error.to_string())),
        );
        errors.extend(walker.compile_errors);
    }
    // CPython's tokenizer rejects indentation whose meaning depends on the tab width.
    let tab_error = inconsistent_tabs(source, &parsed);
    let parser_accepted = parsed_without_errors && tab_error.is_none();
    errors.extend(tab_error);
    errors.sort_by_key(|error| (error.start, error.end));
    errors.dedup_by(|later, earlier| {
        later.start == earlier.start && later.message == earlier.message
    });
    ParsedPython {
        parsed: Some(parsed),
        errors,
        parser_accepted,
    }
}

/// CPython's `TabError`: at the start of each logical line outside brackets, the indentation is
/// measured twice, with tabs to multiples of 8 and with tabs as 1 column; if the two measures
/// disagree about indenting, dedenting or staying level, the tokenizer raises
/// "inconsistent use of tabs and spaces in indentation".
fn inconsistent_tabs(source: &str, parsed: &Parsed<ModModule>) -> Option<SyntaxError> {
    if !source.contains('\t') {
        return None;
    }
    // (col with tab size 8, col with tab size 1) for each open indentation level.
    let mut stack: Vec<(u32, u32)> = vec![(0, 0)];
    let mut at_line_start = true;
    for token in parsed.tokens() {
        match token.kind() {
            TokenKind::Newline => {
                at_line_start = true;
                continue;
            }
            TokenKind::NonLogicalNewline
            | TokenKind::Comment
            | TokenKind::Indent
            | TokenKind::Dedent
            | TokenKind::EndOfFile => continue,
            _ if !at_line_start => continue,
            _ => at_line_start = false,
        }
        let start = token.start().to_usize();
        let line_start = source[..start]
            .rfind(['\n', '\r'])
            .map_or(0, |index| index + 1);
        let indentation = &source[line_start..start];
        if !indentation
            .chars()
            .all(|c| matches!(c, ' ' | '\t' | '\x0c'))
        {
            continue;
        }
        let (mut col, mut alt) = (0u32, 0u32);
        for c in indentation.chars() {
            match c {
                ' ' => (col, alt) = (col + 1, alt + 1),
                '\t' => (col, alt) = ((col / 8 + 1) * 8, alt + 1),
                _ => (col, alt) = (0, 0),
            }
        }
        let &(top_col, top_alt) = stack.last().expect("never empty");
        let consistent = if col == top_col {
            alt == top_alt
        } else if col > top_col {
            let ok = alt > top_alt;
            stack.push((col, alt));
            ok
        } else {
            while stack.len() > 1 && col < stack.last().expect("never empty").0 {
                stack.pop();
            }
            let &(level_col, level_alt) = stack.last().expect("never empty");
            if col != level_col {
                // ruff's lexer can miss this when tabs are involved; CPython's tokenizer does not.
                let range = TextRange::new(
                    ruff_text_size::TextSize::new(line_start as u32),
                    token.start(),
                );
                return Some(SyntaxError::new(
                    range,
                    "unindent does not match any outer indentation level".to_string(),
                ));
            }
            alt == level_alt
        };
        if !consistent {
            let range = TextRange::new(
                ruff_text_size::TextSize::new(line_start as u32),
                token.start(),
            );
            return Some(SyntaxError::new(
                range,
                "inconsistent use of tabs and spaces in indentation".to_string(),
            ));
        }
    }
    None
}

fn has_future_annotations(module: &ModModule) -> bool {
    module.body.iter().any(|stmt| match stmt {
        Stmt::ImportFrom(import) => {
            import.module.as_deref() == Some("__future__")
                && import
                    .names
                    .iter()
                    .any(|alias| alias.name.as_str() == "annotations")
        }
        _ => false,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Module,
    Class,
    Function { is_async: bool },
    Lambda,
    Comprehension { is_async: bool, is_generator: bool },
}

#[derive(Debug)]
struct Scope {
    kind: ScopeKind,
    /// Names declared `global` in this scope, with the declaration's range.
    globals: HashMap<String, TextRange>,
    /// Names declared `nonlocal` in this scope (functions only), with the declaration's range.
    nonlocals: HashMap<String, TextRange>,
    /// Names bound in this scope (only collected for functions, to answer `nonlocal` questions).
    bindings: HashSet<String>,
    parameters: HashSet<String>,
    /// Depth of `for`/`while` bodies inside this scope; `break` needs one.
    loop_depth: u32,
}

impl Scope {
    fn new(kind: ScopeKind) -> Self {
        Scope {
            kind,
            globals: HashMap::new(),
            nonlocals: HashMap::new(),
            bindings: HashSet::new(),
            parameters: HashSet::new(),
            loop_depth: 0,
        }
    }

    fn is_function_like(&self) -> bool {
        matches!(self.kind, ScopeKind::Function { .. } | ScopeKind::Lambda)
    }
}

/// Answers the checker's questions about where in the program it is.
struct Context<'src> {
    source: &'src str,
    version: ast::PythonVersion,
    future_annotations: bool,
    scopes: Vec<Scope>,
    errors: RefCell<Vec<SemanticSyntaxError>>,
}

impl Context<'_> {
    fn current(&self) -> &Scope {
        self.scopes
            .last()
            .expect("the module scope is never popped")
    }
}

impl SemanticSyntaxContext for Context<'_> {
    fn future_annotations_or_stub(&self) -> bool {
        self.future_annotations
    }

    fn lazy_import_context(&self) -> Option<LazyImportContext> {
        self.scopes.iter().rev().find_map(|scope| match scope.kind {
            ScopeKind::Function { .. } | ScopeKind::Lambda => Some(LazyImportContext::Function),
            ScopeKind::Class => Some(LazyImportContext::Class),
            _ => None,
        })
    }

    fn python_version(&self) -> ast::PythonVersion {
        self.version
    }

    fn source(&self) -> &str {
        self.source
    }

    fn global(&self, name: &str) -> Option<TextRange> {
        self.current().globals.get(name).copied()
    }

    fn has_nonlocal_binding(&self, name: &str) -> bool {
        let enclosing = &self.scopes[..self.scopes.len() - 1];
        enclosing
            .iter()
            .rev()
            .filter(|scope| scope.is_function_like())
            .any(|scope| scope.bindings.contains(name) || scope.parameters.contains(name))
    }

    fn in_async_context(&self) -> bool {
        for scope in self.scopes.iter().rev() {
            match scope.kind {
                ScopeKind::Function { is_async } => return is_async,
                ScopeKind::Comprehension { .. } => continue,
                ScopeKind::Module | ScopeKind::Class | ScopeKind::Lambda => return false,
            }
        }
        false
    }

    fn in_await_allowed_context(&self) -> bool {
        for scope in self.scopes.iter().rev() {
            match scope.kind {
                ScopeKind::Function { .. } | ScopeKind::Lambda => return true,
                ScopeKind::Comprehension { .. } => continue,
                ScopeKind::Module | ScopeKind::Class => return false,
            }
        }
        false
    }

    fn in_yield_allowed_context(&self) -> bool {
        self.current().is_function_like()
    }

    fn in_sync_comprehension(&self) -> bool {
        for scope in self.scopes.iter().rev() {
            match scope.kind {
                ScopeKind::Comprehension {
                    is_async: false, ..
                } => return true,
                ScopeKind::Comprehension { .. } => continue,
                _ => return false,
            }
        }
        false
    }

    fn in_class_body_comprehension(&self) -> bool {
        let mut saw_comprehension = false;
        for scope in self.scopes.iter().rev() {
            match scope.kind {
                ScopeKind::Comprehension { .. } => saw_comprehension = true,
                ScopeKind::Class => return saw_comprehension,
                _ => return false,
            }
        }
        false
    }

    fn in_module_scope(&self) -> bool {
        self.scopes.len() == 1
    }

    fn in_function_scope(&self) -> bool {
        self.current().is_function_like()
    }

    fn in_generator_context(&self) -> bool {
        for scope in self.scopes.iter().rev() {
            match scope.kind {
                ScopeKind::Comprehension {
                    is_generator: true, ..
                } => return true,
                ScopeKind::Comprehension { .. } => continue,
                _ => return false,
            }
        }
        false
    }

    fn in_notebook(&self) -> bool {
        false
    }

    fn report_semantic_error(&self, mut error: SemanticSyntaxError) {
        // ruff points at the use; CPython at the `global` statement (symtable.c reports the
        // statement's location), which is where the fix goes.
        if let SemanticSyntaxErrorKind::LoadBeforeGlobalDeclaration { name, .. } = &error.kind
            && let Some(statement) = self.global(name)
        {
            error.range = statement;
        }
        self.errors.borrow_mut().push(error);
    }

    fn in_loop_context(&self) -> bool {
        self.current().loop_depth > 0
    }

    fn is_bound_parameter(&self, name: &str) -> bool {
        self.current().parameters.contains(name)
    }
}

/// Walks the module keeping the scope stack that [`Context`] reports from, and feeds every
/// statement and expression to ruff's checker in source order.
struct ScopeWalker<'src> {
    checker: SemanticSyntaxChecker,
    /// Compiler errors ruff's checker does not know about.
    compile_errors: Vec<SyntaxError>,
    context: Context<'src>,
}

impl<'src> ScopeWalker<'src> {
    fn new(source: &'src str, version: ast::PythonVersion, future_annotations: bool) -> Self {
        ScopeWalker {
            checker: SemanticSyntaxChecker::new(),
            compile_errors: Vec::new(),
            context: Context {
                source,
                version,
                future_annotations,
                scopes: Vec::new(),
                errors: RefCell::new(Vec::new()),
            },
        }
    }

    fn visit_module(&mut self, module: &ModModule) {
        let mut scope = Scope::new(ScopeKind::Module);
        scope.globals = collect_globals(&module.body);
        self.context.scopes.push(scope);
        for stmt in &module.body {
            self.visit_stmt(stmt);
        }
        self.context.scopes.pop();
    }

    fn with_scope(&mut self, scope: Scope, body: impl FnOnce(&mut Self)) {
        self.context.scopes.push(scope);
        body(self);
        self.context.scopes.pop();
    }

    fn in_loop(&mut self, body: &[Stmt]) {
        self.context.scopes.last_mut().expect("scope").loop_depth += 1;
        for stmt in body {
            self.visit_stmt(stmt);
        }
        self.context.scopes.last_mut().expect("scope").loop_depth -= 1;
    }

    fn visit_comprehension_scope(
        &mut self,
        generators: &[ast::Comprehension],
        is_generator: bool,
        elements: &[&Expr],
    ) {
        // The first iterable is evaluated in the enclosing scope, everything else inside.
        let Some(first) = generators.first() else {
            return;
        };
        self.visit_expr(&first.iter);
        let is_async = generators.iter().any(|generator| generator.is_async);
        self.with_scope(
            Scope::new(ScopeKind::Comprehension {
                is_async,
                is_generator,
            }),
            |walker| {
                for (index, generator) in generators.iter().enumerate() {
                    walker.visit_expr(&generator.target);
                    if index > 0 {
                        walker.visit_expr(&generator.iter);
                    }
                    for condition in &generator.ifs {
                        walker.visit_expr(condition);
                    }
                }
                for element in elements {
                    walker.visit_expr(element);
                }
            },
        );
    }
}

impl<'a> Visitor<'a> for ScopeWalker<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        self.checker.visit_stmt(stmt, &self.context);
        match stmt {
            Stmt::FunctionDef(function) => {
                for decorator in &function.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(type_params) = &function.type_params {
                    self.visit_type_params(type_params);
                }
                self.visit_parameters(&function.parameters);
                if let Some(returns) = &function.returns {
                    self.visit_annotation(returns);
                }
                let mut scope = Scope::new(ScopeKind::Function {
                    is_async: function.is_async,
                });
                scope.parameters = parameter_names(&function.parameters);
                scope.globals = collect_globals(&function.body);
                scope.nonlocals = collect_nonlocals(&function.body);
                scope.bindings = collect_bindings(&function.body);
                self.with_scope(scope, |walker| {
                    for stmt in &function.body {
                        walker.visit_stmt(stmt);
                    }
                });
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(type_params) = &class.type_params {
                    self.visit_type_params(type_params);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                let mut scope = Scope::new(ScopeKind::Class);
                scope.globals = collect_globals(&class.body);
                self.with_scope(scope, |walker| {
                    for stmt in &class.body {
                        walker.visit_stmt(stmt);
                    }
                });
            }
            Stmt::Try(try_stmt) => {
                // CPython's compiler: "default 'except:' must be last".
                let handlers = &try_stmt.handlers;
                for handler in handlers.iter().take(handlers.len().saturating_sub(1)) {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    if handler.type_.is_none() {
                        self.compile_errors.push(SyntaxError::new(
                            handler.range,
                            "default 'except:' must be last".to_string(),
                        ));
                    }
                }
                walk_stmt(self, stmt);
            }
            Stmt::For(for_stmt) => {
                self.visit_expr(&for_stmt.target);
                self.visit_expr(&for_stmt.iter);
                self.in_loop(&for_stmt.body);
                for stmt in &for_stmt.orelse {
                    self.visit_stmt(stmt);
                }
            }
            Stmt::While(while_stmt) => {
                self.visit_expr(&while_stmt.test);
                self.in_loop(&while_stmt.body);
                for stmt in &while_stmt.orelse {
                    self.visit_stmt(stmt);
                }
            }
            _ => walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        self.checker.visit_expr(expr, &self.context);
        // ruff checks use-before-`global`; CPython checks use-before-`nonlocal` the same way.
        if let Expr::Name(name) = expr
            && let Some(declaration) = self.context.current().nonlocals.get(name.id.as_str())
            && name.range.start() < declaration.start()
        {
            let verb = if name.ctx.is_load() {
                "used prior to"
            } else {
                "assigned to before"
            };
            // At the `nonlocal` statement, as CPython reports it.
            self.compile_errors.push(SyntaxError::new(
                *declaration,
                format!("name '{}' is {verb} nonlocal declaration", name.id),
            ));
        }
        match expr {
            Expr::Lambda(lambda) => {
                let mut scope = Scope::new(ScopeKind::Lambda);
                if let Some(parameters) = &lambda.parameters {
                    self.visit_parameters(parameters);
                    scope.parameters = parameter_names(parameters);
                }
                self.with_scope(scope, |walker| walker.visit_expr(&lambda.body));
            }
            Expr::ListComp(comp) => {
                self.visit_comprehension_scope(&comp.generators, false, &[&comp.elt])
            }
            Expr::SetComp(comp) => {
                self.visit_comprehension_scope(&comp.generators, false, &[&comp.elt])
            }
            Expr::Generator(comp) => {
                self.visit_comprehension_scope(&comp.generators, true, &[&comp.elt])
            }
            Expr::DictComp(comp) => {
                let mut elements: Vec<&Expr> = Vec::with_capacity(2);
                elements.extend(comp.key.as_deref());
                elements.push(&comp.value);
                self.visit_comprehension_scope(&comp.generators, false, &elements);
            }
            _ => walk_expr(self, expr),
        }
    }
}

fn parameter_names(parameters: &ast::Parameters) -> HashSet<String> {
    parameters
        .iter()
        .map(|parameter| parameter.name().to_string())
        .collect()
}

/// `global` declarations directly in `body` (not in nested functions or classes).
fn collect_globals(body: &[Stmt]) -> HashMap<String, TextRange> {
    collect_declarations(body, |stmt| match stmt {
        Stmt::Global(global) => Some((&global.names, global.range())),
        _ => None,
    })
}

/// `nonlocal` declarations directly in `body` (not in nested functions or classes).
fn collect_nonlocals(body: &[Stmt]) -> HashMap<String, TextRange> {
    collect_declarations(body, |stmt| match stmt {
        Stmt::Nonlocal(nonlocal) => Some((&nonlocal.names, nonlocal.range())),
        _ => None,
    })
}

/// Picks the declared names and the statement's range out of a `global`/`nonlocal` statement.
type DeclarationOf<'b> = fn(&'b Stmt) -> Option<(&'b Vec<ast::Identifier>, TextRange)>;

fn collect_declarations<'b>(
    body: &'b [Stmt],
    declaration: DeclarationOf<'b>,
) -> HashMap<String, TextRange> {
    struct Declarations<'b> {
        found: HashMap<String, TextRange>,
        declaration: DeclarationOf<'b>,
    }
    impl<'b> Visitor<'b> for Declarations<'b> {
        fn visit_stmt(&mut self, stmt: &'b Stmt) {
            if let Some((names, range)) = (self.declaration)(stmt) {
                for name in names {
                    self.found.entry(name.to_string()).or_insert(range);
                }
                return;
            }
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                _ => walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, _expr: &'b Expr) {}
    }
    let mut declarations = Declarations {
        found: HashMap::new(),
        declaration,
    };
    declarations.visit_body(body);
    declarations.found
}

/// Names a function body binds (what a nested `nonlocal` may refer to).
fn collect_bindings(body: &[Stmt]) -> HashSet<String> {
    struct Bindings(HashSet<String>);
    impl<'a> Visitor<'a> for Bindings {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::FunctionDef(function) => {
                    self.0.insert(function.name.to_string());
                }
                Stmt::ClassDef(class) => {
                    self.0.insert(class.name.to_string());
                }
                Stmt::Import(import) => {
                    for alias in &import.names {
                        let bound = alias.asname.as_ref().map_or_else(
                            || alias.name.split('.').next().unwrap_or_default().to_string(),
                            ToString::to_string,
                        );
                        self.0.insert(bound);
                    }
                }
                Stmt::ImportFrom(import) => {
                    for alias in &import.names {
                        let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                        self.0.insert(bound.to_string());
                    }
                }
                Stmt::Nonlocal(nonlocal) => {
                    self.0
                        .extend(nonlocal.names.iter().map(ToString::to_string));
                }
                _ => walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Name(name) if !name.ctx.is_load() => {
                    self.0.insert(name.id.to_string());
                }
                Expr::Named(named) => {
                    self.visit_expr(&named.target);
                    self.visit_expr(&named.value);
                }
                Expr::Lambda(_)
                | Expr::ListComp(_)
                | Expr::SetComp(_)
                | Expr::DictComp(_)
                | Expr::Generator(_) => {}
                _ => walk_expr(self, expr),
            }
        }
        fn visit_except_handler(&mut self, handler: &'a ast::ExceptHandler) {
            let ast::ExceptHandler::ExceptHandler(inner) = handler;
            if let Some(name) = &inner.name {
                self.0.insert(name.to_string());
            }
            ruff_python_ast::visitor::walk_except_handler(self, handler);
        }
        fn visit_pattern(&mut self, pattern: &'a ast::Pattern) {
            match pattern {
                ast::Pattern::MatchAs(ast::PatternMatchAs {
                    name: Some(name), ..
                })
                | ast::Pattern::MatchStar(ast::PatternMatchStar {
                    name: Some(name), ..
                }) => {
                    self.0.insert(name.to_string());
                }
                ast::Pattern::MatchMapping(ast::PatternMatchMapping {
                    rest: Some(rest), ..
                }) => {
                    self.0.insert(rest.to_string());
                }
                _ => {}
            }
            ruff_python_ast::visitor::walk_pattern(self, pattern);
        }
    }
    let mut bindings = Bindings(HashSet::new());
    bindings.visit_body(body);
    bindings.0
}
