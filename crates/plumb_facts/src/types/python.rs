//! Type definitions in a parsed Python module: classes (module-level, and nested ones flagged as
//! such), PEP 695 and `TypeAlias` aliases, and the functional `TypedDict` / `NamedTuple` /
//! `NewType` / `Enum` forms.
//!
//! A functional form counts only when its first argument is a string literal equal to the
//! assigned name (`X = NewType("X", int)`): that is what makes it a named type and not a call
//! that happens to share a name.

use std::collections::{HashMap, HashSet};

use plumb_diagnostics::LineIndex;
use ruff_python_ast::{self as ast, ExceptHandler, Expr, ModModule, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::{TypeDefinition, TypeKind, TypeMember, body_hash, normalize, sort_members};

/// Every type definition in `module`, in source order.
pub(crate) fn extract(text: &str, index: &LineIndex, module: &ModModule) -> Vec<TypeDefinition> {
    let mut collector = Collector {
        text,
        index,
        public_names: dunder_all(&module.body),
        import_aliases: import_aliases(&module.body),
        definitions: Vec::new(),
    };
    collector.module_body(&module.body, false);
    collector
        .definitions
        .sort_by_key(|definition| definition.span.start_byte);
    collector.definitions
}

/// The names of a literal `__all__ = [...]` / `(...)`, unless `__all__` is also built up some
/// other way (`+=`, `.extend`), in which case the literal is incomplete and not used.
fn dunder_all(body: &[Stmt]) -> Option<HashSet<String>> {
    let mut names = None;
    for stmt in body {
        match stmt {
            Stmt::Assign(assign) if is_name(&assign.targets, "__all__") => {
                let elements = match assign.value.as_ref() {
                    Expr::List(list) => &list.elts,
                    Expr::Tuple(tuple) => &tuple.elts,
                    _ => return None,
                };
                let mut set = HashSet::new();
                for element in elements {
                    let Expr::StringLiteral(literal) = element else {
                        return None;
                    };
                    set.insert(literal.value.to_str().to_string());
                }
                names = Some(set);
            }
            Stmt::AugAssign(assign) if matches!(assign.target.as_ref(), Expr::Name(name) if name.id.as_str() == "__all__") =>
            {
                return None;
            }
            Stmt::Expr(expression) => {
                if let Expr::Call(call) = expression.value.as_ref()
                    && let Expr::Attribute(attribute) = call.func.as_ref()
                    && matches!(attribute.value.as_ref(), Expr::Name(name) if name.id.as_str() == "__all__")
                {
                    return None;
                }
            }
            _ => {}
        }
    }
    names
}

/// `from m import Name as Alias` at module level (also under `if` / `try`): alias -> `Name`.
fn import_aliases(body: &[Stmt]) -> HashMap<String, String> {
    let mut aliases = HashMap::new();
    let mut pending: Vec<&[Stmt]> = vec![body];
    while let Some(statements) = pending.pop() {
        for stmt in statements {
            match stmt {
                Stmt::ImportFrom(import) => {
                    for alias in &import.names {
                        if let Some(local) = &alias.asname {
                            aliases.insert(local.to_string(), alias.name.to_string());
                        }
                    }
                }
                Stmt::If(if_stmt) => {
                    pending.push(&if_stmt.body);
                    pending.extend(if_stmt.elif_else_clauses.iter().map(|c| c.body.as_slice()));
                }
                Stmt::Try(try_stmt) => {
                    pending.push(&try_stmt.body);
                    for handler in &try_stmt.handlers {
                        let ExceptHandler::ExceptHandler(handler) = handler;
                        pending.push(&handler.body);
                    }
                }
                _ => {}
            }
        }
    }
    aliases
}

fn is_name(targets: &[Expr], wanted: &str) -> bool {
    matches!(targets, [Expr::Name(name)] if name.id.as_str() == wanted)
}

/// The last segment of a dotted name: `typing.TypeAlias` -> `TypeAlias`.
fn last_segment(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        _ => None,
    }
}

/// `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:`.
fn is_type_checking(test: &Expr) -> bool {
    last_segment(test) == Some("TYPE_CHECKING")
}

struct Collector<'t> {
    text: &'t str,
    index: &'t LineIndex,
    public_names: Option<HashSet<String>>,
    import_aliases: HashMap<String, String>,
    definitions: Vec<TypeDefinition>,
}

impl Collector<'_> {
    fn source(&self, range: TextRange) -> &str {
        self.text.get(range.to_std_range()).unwrap_or_default()
    }

    fn normalized(&self, range: TextRange) -> String {
        normalize(self.source(range))
    }

    fn is_public(&self, name: &str) -> bool {
        !name.starts_with('_')
            && self
                .public_names
                .as_ref()
                .is_none_or(|names| names.contains(name))
    }

    fn push(
        &mut self,
        name: &str,
        kind: TypeKind,
        name_range: TextRange,
        nested: bool,
        type_checking_only: bool,
    ) -> &mut TypeDefinition {
        let span = self.index.span(
            self.text,
            name_range.start().to_u32(),
            name_range.end().to_u32(),
        );
        self.definitions.push(TypeDefinition {
            name: name.to_string(),
            kind,
            span,
            exported: self.is_public(name),
            nested,
            type_checking_only,
            ambient_module: None,
            global_script: false,
            type_parameters: String::new(),
            heritage: Vec::new(),
            base_names: Vec::new(),
            decorators: Vec::new(),
            body_hash: 0,
            members: Vec::new(),
        });
        let last = self.definitions.len() - 1;
        &mut self.definitions[last]
    }

    /// Module-level statements, looking through `if` and `try` blocks (version checks, optional
    /// imports), which still define module-level names.
    fn module_body(&mut self, body: &[Stmt], type_checking: bool) {
        for stmt in body {
            match stmt {
                Stmt::ClassDef(class) => self.class(class, false, type_checking),
                Stmt::FunctionDef(function) => self.nested_body(&function.body),
                Stmt::TypeAlias(alias) => self.pep695_alias(alias, type_checking),
                Stmt::AnnAssign(assign) => self.annotated_alias(assign, type_checking),
                Stmt::Assign(assign) => self.functional_form(assign, type_checking),
                Stmt::If(if_stmt) => {
                    let checking = is_type_checking(&if_stmt.test);
                    self.module_body(&if_stmt.body, type_checking || checking);
                    for clause in &if_stmt.elif_else_clauses {
                        self.module_body(&clause.body, type_checking);
                    }
                }
                Stmt::Try(try_stmt) => {
                    self.module_body(&try_stmt.body, type_checking);
                    for handler in &try_stmt.handlers {
                        let ExceptHandler::ExceptHandler(handler) = handler;
                        self.module_body(&handler.body, type_checking);
                    }
                    self.module_body(&try_stmt.orelse, type_checking);
                    self.module_body(&try_stmt.finalbody, type_checking);
                }
                _ => {}
            }
        }
    }

    /// Inside a class or function: only classes are collected, as nested.
    fn nested_body(&mut self, body: &[Stmt]) {
        for stmt in body {
            match stmt {
                Stmt::ClassDef(class) => self.class(class, true, false),
                Stmt::FunctionDef(function) => self.nested_body(&function.body),
                Stmt::If(if_stmt) => {
                    self.nested_body(&if_stmt.body);
                    for clause in &if_stmt.elif_else_clauses {
                        self.nested_body(&clause.body);
                    }
                }
                _ => {}
            }
        }
    }

    fn class(&mut self, class: &ast::StmtClassDef, nested: bool, type_checking: bool) {
        let type_parameters = class
            .type_params
            .as_ref()
            .map(|params| self.normalized(params.range()))
            .unwrap_or_default();
        let mut heritage = Vec::new();
        if let Some(arguments) = &class.arguments {
            heritage.extend(
                arguments
                    .args
                    .iter()
                    .map(|base| self.normalized(base.range())),
            );
            heritage.extend(
                arguments
                    .keywords
                    .iter()
                    .map(|keyword| self.normalized(keyword.range())),
            );
        }
        let base_names = class
            .arguments
            .as_ref()
            .map(|arguments| {
                arguments
                    .args
                    .iter()
                    .filter_map(|base| self.base_name(base))
                    .collect()
            })
            .unwrap_or_default();
        let decorators = class
            .decorator_list
            .iter()
            .filter_map(|decorator| match &decorator.expression {
                Expr::Call(call) => last_segment(&call.func),
                other => last_segment(other),
            })
            .map(str::to_string)
            .collect();
        let members = self.class_members(&class.body);
        let body = class.body.first().map_or(0, |first| {
            body_hash(self.source(TextRange::new(first.start(), class.end())))
        });
        let definition = self.push(
            class.name.as_str(),
            TypeKind::Class,
            class.name.range(),
            nested,
            type_checking,
        );
        definition.type_parameters = type_parameters;
        definition.heritage = heritage;
        definition.base_names = base_names;
        definition.decorators = decorators;
        definition.body_hash = body;
        definition.members = members;
        self.nested_body(&class.body);
    }

    /// The name a base class was defined under: `m.Name` and `Name[T]` are `Name`, and a local
    /// alias from `from m import Name as Alias` is `Name`.
    fn base_name(&self, base: &Expr) -> Option<String> {
        let base = match base {
            Expr::Subscript(subscript) => subscript.value.as_ref(),
            other => other,
        };
        match base {
            Expr::Name(name) => Some(
                self.import_aliases
                    .get(name.id.as_str())
                    .cloned()
                    .unwrap_or_else(|| name.id.to_string()),
            ),
            Expr::Attribute(attribute) => Some(attribute.attr.to_string()),
            _ => None,
        }
    }

    fn class_members(&self, body: &[Stmt]) -> Vec<TypeMember> {
        let mut members = Vec::new();
        for stmt in body {
            match stmt {
                Stmt::AnnAssign(assign) => {
                    if let Expr::Name(name) = assign.target.as_ref() {
                        members.push(TypeMember {
                            name: name.id.to_string(),
                            text: self.normalized(stmt.range()),
                        });
                    }
                }
                Stmt::Assign(assign) => {
                    for target in &assign.targets {
                        if let Expr::Name(name) = target {
                            members.push(TypeMember {
                                name: name.id.to_string(),
                                text: self.normalized(stmt.range()),
                            });
                        }
                    }
                }
                Stmt::FunctionDef(function) => {
                    // The signature (with decorators), not the body.
                    let end = function
                        .body
                        .first()
                        .map_or(stmt.end(), |first| first.start());
                    let signature = self.normalized(TextRange::new(stmt.start(), end));
                    members.push(TypeMember {
                        name: function.name.to_string(),
                        text: signature.trim_end_matches(':').to_string(),
                    });
                }
                Stmt::ClassDef(class) => members.push(TypeMember {
                    name: class.name.to_string(),
                    text: format!("class {}", class.name),
                }),
                _ => {}
            }
        }
        sort_members(&mut members);
        members
    }

    fn pep695_alias(&mut self, alias: &ast::StmtTypeAlias, type_checking: bool) {
        let Expr::Name(name) = alias.name.as_ref() else {
            return;
        };
        let type_parameters = alias
            .type_params
            .as_ref()
            .map(|params| self.normalized(params.range()))
            .unwrap_or_default();
        let value = self.normalized(alias.value.range());
        let definition = self.push(
            name.id.as_str(),
            TypeKind::TypeAlias,
            name.range(),
            false,
            type_checking,
        );
        definition.type_parameters = type_parameters;
        definition.members = vec![TypeMember {
            name: "=".to_string(),
            text: value,
        }];
    }

    /// `X: TypeAlias = ...`
    fn annotated_alias(&mut self, assign: &ast::StmtAnnAssign, type_checking: bool) {
        let (Expr::Name(name), Some(value)) = (assign.target.as_ref(), &assign.value) else {
            return;
        };
        if last_segment(&assign.annotation) != Some("TypeAlias") {
            return;
        }
        // `X: TypeAlias = module.X` re-exports another module's type under its own name.
        if let Expr::Attribute(attribute) = value.as_ref()
            && attribute.attr.as_str() == name.id.as_str()
        {
            return;
        }
        let value = self.normalized(value.range());
        let definition = self.push(
            name.id.as_str(),
            TypeKind::TypeAlias,
            name.range(),
            false,
            type_checking,
        );
        definition.members = vec![TypeMember {
            name: "=".to_string(),
            text: value,
        }];
    }

    /// `X = TypedDict("X", ...)` and friends.
    fn functional_form(&mut self, assign: &ast::StmtAssign, type_checking: bool) {
        let [Expr::Name(name)] = assign.targets.as_slice() else {
            return;
        };
        let Expr::Call(call) = assign.value.as_ref() else {
            return;
        };
        let kind = match last_segment(&call.func) {
            Some("TypedDict") => TypeKind::TypedDict,
            Some("NamedTuple" | "namedtuple") => TypeKind::NamedTuple,
            Some("NewType") => TypeKind::NewType,
            Some("Enum" | "IntEnum" | "StrEnum" | "Flag" | "IntFlag") => TypeKind::Enum,
            _ => return,
        };
        let args = &call.arguments.args;
        let Some(Expr::StringLiteral(first)) = args.first() else {
            return;
        };
        if first.value.to_str() != name.id.as_str() {
            return;
        }
        let mut heritage = Vec::new();
        let mut members = Vec::new();
        match (kind, args.get(1)) {
            (TypeKind::NewType, Some(base)) => heritage.push(self.normalized(base.range())),
            (_, Some(Expr::Dict(dict))) => {
                for item in &dict.items {
                    let key = item.key.as_ref().map_or_else(String::new, |key| match key {
                        Expr::StringLiteral(literal) => literal.value.to_str().to_string(),
                        other => self.normalized(other.range()),
                    });
                    members.push(TypeMember {
                        text: format!("{key}:{}", self.normalized(item.value.range())),
                        name: key,
                    });
                }
            }
            (_, Some(Expr::List(ast::ExprList { elts, .. })))
            | (_, Some(Expr::Tuple(ast::ExprTuple { elts, .. }))) => {
                for element in elts {
                    let name = match element {
                        Expr::StringLiteral(literal) => literal.value.to_str().to_string(),
                        Expr::Tuple(pair) => match pair.elts.first() {
                            Some(Expr::StringLiteral(literal)) => {
                                literal.value.to_str().to_string()
                            }
                            _ => self.normalized(element.range()),
                        },
                        _ => self.normalized(element.range()),
                    };
                    members.push(TypeMember {
                        name,
                        text: self.normalized(element.range()),
                    });
                }
            }
            (_, Some(Expr::StringLiteral(literal))) => {
                // `Enum("X", "A B, C")` / `namedtuple("X", "a b")`.
                for member in literal
                    .value
                    .to_str()
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|member| !member.is_empty())
                {
                    members.push(TypeMember {
                        name: member.to_string(),
                        text: member.to_string(),
                    });
                }
            }
            (_, Some(other)) => members.push(TypeMember {
                name: "=".to_string(),
                text: self.normalized(other.range()),
            }),
            (_, None) => {}
        }
        for keyword in &call.arguments.keywords {
            match &keyword.arg {
                // `TypedDict("X", a=int)`, the old keyword form.
                Some(arg) if kind == TypeKind::TypedDict || kind == TypeKind::NamedTuple => {
                    if arg.as_str() == "total" {
                        heritage.push(self.normalized(keyword.range()));
                    } else {
                        members.push(TypeMember {
                            name: arg.to_string(),
                            text: self.normalized(keyword.range()),
                        });
                    }
                }
                _ => heritage.push(self.normalized(keyword.range())),
            }
        }
        sort_members(&mut members);
        let definition = self.push(name.id.as_str(), kind, name.range(), false, type_checking);
        definition.heritage = heritage;
        definition.members = members;
    }
}
