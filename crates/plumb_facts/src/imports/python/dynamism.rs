//! What a Python module does to the import system while it runs: statements and calls that
//! bind names no statement names, install an import hook, or edit `sys.path`.
//!
//! Reading the module table or the global namespace (`sys.modules[name]`,
//! `sys.modules.get(name)`, `hasattr(sys.modules[name], "x")`, `globals().get(name)`,
//! `del sys.modules[name]`) changes nothing and is not reported. Everything that may write
//! is: a use this module does not recognise as a read counts as a write, so an unusual
//! pattern costs a finding's certainty, never a false "cannot import".

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange};

/// One thing a statement or expression does to the import system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Effect {
    /// Binds names in this module that no statement names (`globals()[name] = ...`,
    /// `setattr(sys.modules[__name__], ...)`, `sys.modules[__name__] = ...`).
    BindsNames,
    /// Installs an import hook (`sys.meta_path.insert(...)`, `sys.modules[name] = ...`,
    /// `__path__.append(...)`): modules below this one may be provided at run time.
    InstallsHook(HookSite),
    /// Edits `sys.path` (or calls `site.addsitedir`).
    EditsSysPath,
    /// Sets `__path__` with `pkgutil.extend_path` or calls `pkg_resources.declare_namespace`:
    /// the package is a namespace shared with other distributions.
    SharesNamespace,
}

/// Where a hook is installed: the source to quote and how it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct HookSite {
    /// The callee of a call, or the target of an assignment.
    pub(super) quoted: TextRange,
    pub(super) form: HookForm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HookForm {
    Call,
    Assign,
    AugAssign,
    /// The quoted source is the whole statement: `table = sys.modules`.
    Whole,
}

impl HookForm {
    /// What follows the quoted source: `sys.meta_path.insert(...)`, `sys.modules[k] = ...`.
    pub(super) fn suffix(self) -> &'static str {
        match self {
            HookForm::Call => "(...)",
            HookForm::Assign => " = ...",
            HookForm::AugAssign => " += ...",
            HookForm::Whole => "",
        }
    }
}

/// How a target is written to.
#[derive(Debug, Clone, Copy)]
pub(super) enum Store<'a> {
    /// `target = value`; `None` when the value is not one expression (unpacking, `for`, `with`).
    Assign(Option<&'a Expr>),
    /// `target += value`.
    Augmented,
}

/// Names bound to a module object taken from `sys.modules` (`this = sys.modules[__name__]`):
/// writing their attributes binds module names.
#[derive(Debug, Default)]
pub(super) struct ModuleAliases(std::collections::BTreeSet<String>);

impl ModuleAliases {
    /// Records `name = value` when `value` is a module object from `sys.modules`.
    pub(super) fn record(&mut self, name: &str, value: &Expr) {
        if self.is_module_object(value) {
            self.0.insert(name.to_string());
        }
    }

    /// `sys.modules[...]`, `sys.modules.get(...)`, or a name recorded as one.
    fn is_module_object(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Subscript(subscript) => is_dotted(&subscript.value, &["sys", "modules"]),
            Expr::Call(call) => matches!(&*call.func, Expr::Attribute(attribute)
                if is_dotted(&attribute.value, &["sys", "modules"])
                    && matches!(attribute.attr.as_str(), "get" | "setdefault")),
            Expr::Name(name) => self.0.contains(name.id.as_str()),
            _ => false,
        }
    }
}

/// Methods of a dict that do not add entries.
const DICT_NON_BINDING: &[&str] = &[
    "get",
    "keys",
    "items",
    "values",
    "copy",
    "pop",
    "popitem",
    "clear",
    "__contains__",
    "__getitem__",
    "__delitem__",
    "__len__",
    "__iter__",
];

/// Methods of a list that add entries.
const LIST_ADDING: &[&str] = &["insert", "append", "extend", "__setitem__", "__iadd__"];

/// Callees that only read what they are given: a module object or namespace passed to them
/// stays unchanged.
const READERS: &[&str] = &[
    "hasattr",
    "getattr",
    "isinstance",
    "issubclass",
    "id",
    "type",
    "print",
    "repr",
    "str",
    "dir",
    "vars",
    "callable",
    "len",
    "bool",
    "list",
    "dict",
    "set",
    "tuple",
    "sorted",
    "iter",
    "hash",
    "reload",
    "getmodule",
    "getmembers",
    "getfile",
    "getsourcefile",
    "ismodule",
];

/// The effects of writing to `target` (one assignment target, not a tuple).
pub(super) fn store_effects(
    target: &Expr,
    store: Store<'_>,
    module_scope: bool,
    aliases: &ModuleAliases,
) -> Vec<Effect> {
    let form = match store {
        Store::Assign(_) => HookForm::Assign,
        Store::Augmented => HookForm::AugAssign,
    };
    let hook = Effect::InstallsHook(HookSite {
        quoted: target.range(),
        form,
    });
    match target {
        Expr::Name(name) if module_scope && name.id.as_str() == "__path__" => match store {
            Store::Assign(Some(value)) if is_extend_path(value) => vec![Effect::SharesNamespace],
            _ => vec![hook],
        },
        Expr::Subscript(subscript) => {
            let container = &*subscript.value;
            if is_dotted(container, &["sys", "path"]) {
                vec![Effect::EditsSysPath]
            } else if is_dotted(container, &["sys", "modules"]) {
                module_table_write(hook, Some(&subscript.slice))
            } else if is_hook_list(container) {
                vec![hook]
            } else if writes_namespace(container, module_scope, aliases) {
                vec![Effect::BindsNames]
            } else {
                Vec::new()
            }
        }
        Expr::Attribute(attribute) => {
            if is_dotted(target, &["sys", "path"]) {
                vec![Effect::EditsSysPath]
            } else if is_hook_list(target) || attribute.attr.as_str() == "__path__" {
                vec![hook]
            } else if aliases.is_module_object(&attribute.value) {
                vec![Effect::BindsNames]
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

/// The effects of assigning `value` to the plain name `target`: the module table or the
/// namespace itself handed to a name may be written through it.
pub(super) fn escape_effects(target: &Expr, value: &Expr, module_scope: bool) -> Vec<Effect> {
    if is_dotted(value, &["sys", "modules"]) {
        vec![
            Effect::BindsNames,
            Effect::InstallsHook(HookSite {
                quoted: TextRange::new(target.start(), value.end()),
                form: HookForm::Whole,
            }),
        ]
    } else if is_namespace_call(value, module_scope) {
        vec![Effect::BindsNames]
    } else {
        Vec::new()
    }
}

/// The effects of one call.
pub(super) fn call_effects(
    call: &ast::ExprCall,
    module_scope: bool,
    aliases: &ModuleAliases,
) -> Vec<Effect> {
    let mut effects = match &*call.func {
        Expr::Attribute(attribute) => method_effects(call, attribute, module_scope, aliases),
        Expr::Name(name) => function_effects(call, name.id.as_str(), module_scope, aliases),
        _ => Vec::new(),
    };
    if !is_reader(&call.func) {
        effects.extend(argument_effects(call, module_scope, aliases));
    }
    effects
}

fn method_effects(
    call: &ast::ExprCall,
    attribute: &ast::ExprAttribute,
    module_scope: bool,
    aliases: &ModuleAliases,
) -> Vec<Effect> {
    let method = attribute.attr.as_str();
    let receiver = &*attribute.value;
    let hook = Effect::InstallsHook(HookSite {
        quoted: call.func.range(),
        form: HookForm::Call,
    });
    if is_dotted(receiver, &["sys", "path"]) && LIST_ADDING.contains(&method)
        || is_dotted(&call.func, &["site", "addsitedir"])
    {
        vec![Effect::EditsSysPath]
    } else if method == "declare_namespace" {
        vec![Effect::SharesNamespace]
    } else if DICT_NON_BINDING.contains(&method) {
        Vec::new()
    } else if is_dotted(receiver, &["sys", "modules"]) {
        let key = (method != "update")
            .then(|| call.arguments.args.first())
            .flatten();
        module_table_write(hook, key)
    } else if is_hook_list(receiver) || is_path_attribute(receiver) {
        if LIST_ADDING.contains(&method) {
            vec![hook]
        } else {
            Vec::new()
        }
    } else if matches!(method, "update" | "setdefault" | "__setitem__")
        && writes_namespace(receiver, module_scope, aliases)
    {
        vec![Effect::BindsNames]
    } else {
        Vec::new()
    }
}

fn function_effects(
    call: &ast::ExprCall,
    function: &str,
    module_scope: bool,
    aliases: &ModuleAliases,
) -> Vec<Effect> {
    match function {
        // `setattr(sys.modules[__name__], "name", value)`.
        "setattr" => {
            let Some(object) = call.arguments.args.first() else {
                return Vec::new();
            };
            let mut effects = Vec::new();
            if aliases.is_module_object(object) {
                effects.push(Effect::BindsNames);
            }
            let attribute = call.arguments.args.get(1);
            if matches!(attribute, Some(Expr::StringLiteral(literal)) if literal.value.to_str() == "__path__")
            {
                effects.push(Effect::InstallsHook(HookSite {
                    quoted: call.func.range(),
                    form: HookForm::Call,
                }));
            }
            effects
        }
        // `exec(source)` at module level runs in the module's namespace.
        "exec" if module_scope => vec![Effect::BindsNames],
        _ => Vec::new(),
    }
}

/// The module table, the namespace or a module object handed to a callee that may write it.
fn argument_effects(
    call: &ast::ExprCall,
    module_scope: bool,
    aliases: &ModuleAliases,
) -> Vec<Effect> {
    let arguments = call
        .arguments
        .args
        .iter()
        .map(|arg| match arg {
            Expr::Starred(starred) => &*starred.value,
            other => other,
        })
        .chain(call.arguments.keywords.iter().map(|keyword| &keyword.value));
    let mut effects = Vec::new();
    for argument in arguments {
        if is_dotted(argument, &["sys", "modules"]) {
            effects.push(Effect::BindsNames);
            effects.push(Effect::InstallsHook(HookSite {
                quoted: call.func.range(),
                form: HookForm::Call,
            }));
        } else if is_namespace_call(argument, module_scope) || aliases.is_module_object(argument) {
            effects.push(Effect::BindsNames);
        }
    }
    effects
}

/// `sys.modules[key] = ...`, `sys.modules.setdefault(key, ...)`, `sys.modules.update(...)`:
/// always an import hook; it rebinds this module's names too unless `key` plainly names
/// another module (a string, `__name__ + ".sub"`, an f-string). `None`: the key is not known.
fn module_table_write(hook: Effect, key: Option<&Expr>) -> Vec<Effect> {
    let other_module = match key {
        Some(Expr::StringLiteral(_) | Expr::FString(_)) => true,
        Some(Expr::BinOp(binop)) => {
            matches!(&*binop.left, Expr::Name(name) if name.id.as_str() == "__name__")
                && matches!(&*binop.right, Expr::StringLiteral(_))
        }
        _ => false,
    };
    if other_module {
        vec![hook]
    } else {
        vec![hook, Effect::BindsNames]
    }
}

/// `globals()` anywhere; `vars()` / `locals()` at module level (elsewhere they are a
/// function's locals); `vars(module)` and `module.__dict__` of a module object.
fn writes_namespace(container: &Expr, module_scope: bool, aliases: &ModuleAliases) -> bool {
    is_namespace_call(container, module_scope)
        || matches!(container, Expr::Call(call) if matches!(&*call.func, Expr::Name(name) if name.id.as_str() == "vars")
            && call.arguments.args.first().is_some_and(|arg| aliases.is_module_object(arg)))
        || matches!(container, Expr::Attribute(attribute) if attribute.attr.as_str() == "__dict__"
            && aliases.is_module_object(&attribute.value))
}

/// `globals()`, or `vars()` / `locals()` (no arguments) at module level.
fn is_namespace_call(expr: &Expr, module_scope: bool) -> bool {
    let Expr::Call(call) = expr else {
        return false;
    };
    let Expr::Name(name) = &*call.func else {
        return false;
    };
    match name.id.as_str() {
        "globals" => true,
        "vars" | "locals" => module_scope && call.arguments.is_empty(),
        _ => false,
    }
}

/// `sys.meta_path` or `sys.path_hooks`: the finders the import system asks.
fn is_hook_list(expr: &Expr) -> bool {
    is_dotted(expr, &["sys", "meta_path"]) || is_dotted(expr, &["sys", "path_hooks"])
}

/// `__path__` or `something.__path__`.
fn is_path_attribute(expr: &Expr) -> bool {
    match expr {
        Expr::Name(name) => name.id.as_str() == "__path__",
        Expr::Attribute(attribute) => attribute.attr.as_str() == "__path__",
        _ => false,
    }
}

/// `extend_path(__path__, __name__)` / `pkgutil.extend_path(...)`.
fn is_extend_path(value: &Expr) -> bool {
    let Expr::Call(call) = value else {
        return false;
    };
    match &*call.func {
        Expr::Name(name) => name.id.as_str() == "extend_path",
        Expr::Attribute(attribute) => attribute.attr.as_str() == "extend_path",
        _ => false,
    }
}

fn is_reader(func: &Expr) -> bool {
    let name = match func {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return false,
    };
    READERS.contains(&name)
}

/// `a.b.c` written as a name and attribute chain (also reached through `os.sys.path`): the
/// chain's last parts are `path`. Compared from the outermost attribute inward, without
/// collecting the parts: it runs for every call in every Python file.
pub(super) fn is_dotted(expr: &Expr, path: &[&str]) -> bool {
    let mut wanted = path.iter().rev();
    let mut current = expr;
    loop {
        let (part, inner) = match current {
            Expr::Attribute(attribute) => (attribute.attr.as_str(), Some(&*attribute.value)),
            Expr::Name(name) => (name.id.as_str(), None),
            _ => return false,
        };
        match wanted.next() {
            Some(&want) if want != part => return false,
            Some(_) => {}
            // All of `path` matched: the rest must still be a plain chain.
            None => return is_chain(current),
        }
        match inner {
            Some(inner) => current = inner,
            None => return wanted.next().is_none(),
        }
    }
}

/// A name followed by attributes only.
fn is_chain(mut expr: &Expr) -> bool {
    loop {
        match expr {
            Expr::Attribute(attribute) => expr = &attribute.value,
            Expr::Name(_) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_names_match_by_their_last_parts() {
        let expr = |text: &str| {
            ruff_python_parser::parse_expression(text)
                .unwrap()
                .into_expr()
        };
        assert!(is_dotted(&expr("sys.path"), &["sys", "path"]));
        assert!(is_dotted(&expr("os.sys.path"), &["sys", "path"]));
        assert!(is_dotted(&expr("path"), &["path"]));
        assert!(!is_dotted(&expr("path"), &["sys", "path"]));
        assert!(!is_dotted(&expr("sys.paths"), &["sys", "path"]));
        assert!(!is_dotted(&expr("f().sys.path"), &["sys", "path"]));
        assert!(!is_dotted(&expr("sys.path.x"), &["sys", "path"]));
        assert!(is_dotted(&expr("a.b"), &[]));
        assert!(!is_dotted(&expr("f()"), &[]));
    }
}
