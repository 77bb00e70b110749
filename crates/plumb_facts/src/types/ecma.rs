//! Type definitions in a parsed TypeScript/JavaScript program: interfaces, type aliases, enums,
//! const enums and classes at the top level and inside `declare module "x"` / `declare global`
//! blocks, with whether each is exported.
//!
//! Several `interface X` in the same block are one definition to TypeScript (declaration
//! merging), so they are merged here into one definition with the union of their members.

use std::collections::{HashMap, HashSet};

use oxc_ast::ast::{
    BindingPattern, Class, ClassElement, Declaration, ExportDefaultDeclarationKind, Expression,
    ImportDeclarationSpecifier, MethodDefinitionKind, ModuleExportName, Program, Statement,
    TSEnumDeclaration, TSInterfaceDeclaration, TSSignature, TSType, TSTypeAliasDeclaration,
    TSTypeName,
};
use oxc_span::{GetSpan, Span as OxcSpan};
use plumb_diagnostics::LineIndex;

use super::{TypeDefinition, TypeKind, TypeMember, body_hash, normalize, sort_members};

/// Every type definition in `program`, in source order. `is_declaration_file` makes the top
/// level of a declaration *script* (no imports or exports) global, hence public.
pub(crate) fn extract(
    text: &str,
    index: &LineIndex,
    program: &Program<'_>,
    is_declaration_file: bool,
) -> Vec<TypeDefinition> {
    let is_module = program
        .body
        .iter()
        .any(|statement| statement.is_module_declaration());
    let global_script = is_declaration_file && !is_module;
    let mut collector = Collector {
        text,
        index,
        exported_names: exported_names(&program.body),
        import_aliases: import_aliases(&program.body),
        global_script,
        definitions: Vec::new(),
    };
    collector.block(&program.body, None, global_script);
    let mut definitions = merge_interfaces(collector.definitions);
    definitions.sort_by_key(|definition| definition.span.start_byte);
    definitions
}

/// Local names exported by `export { X }`, `export default X` or `export = X` (not re-exports
/// from another module, which define nothing here).
fn exported_names(body: &[Statement<'_>]) -> HashSet<String> {
    let mut names = HashSet::new();
    for statement in body {
        match statement {
            Statement::ExportNamedDeclaration(export) => {
                for specifier in &export.specifiers {
                    if let ModuleExportName::IdentifierReference(local) = &specifier.local {
                        names.insert(local.name.to_string());
                    }
                }
            }
            Statement::ExportDefaultDeclaration(export) => {
                if let Some(Expression::Identifier(local)) = export.declaration.as_expression() {
                    names.insert(local.name.to_string());
                }
            }
            Statement::TSExportAssignment(export) => {
                if let Expression::Identifier(local) = &export.expression {
                    names.insert(local.name.to_string());
                }
            }
            _ => {}
        }
    }
    names
}

/// `import { Name as Alias } from "m"`: alias -> `Name`.
fn import_aliases(body: &[Statement<'_>]) -> HashMap<String, String> {
    let mut aliases = HashMap::new();
    for statement in body {
        let Statement::ImportDeclaration(import) = statement else {
            continue;
        };
        for specifier in import.specifiers.iter().flatten() {
            if let ImportDeclarationSpecifier::ImportSpecifier(specifier) = specifier {
                let imported = specifier.imported.name();
                if imported != specifier.local.name {
                    aliases.insert(specifier.local.name.to_string(), imported.to_string());
                }
            }
        }
    }
    aliases
}

/// Interfaces of the same name in the same block become one definition: first position, union
/// of members and heritage, exported if any part is.
fn merge_interfaces(definitions: Vec<TypeDefinition>) -> Vec<TypeDefinition> {
    let mut merged: Vec<TypeDefinition> = Vec::with_capacity(definitions.len());
    for definition in definitions {
        let earlier = merged.iter_mut().find(|earlier| {
            earlier.kind == TypeKind::Interface
                && definition.kind == TypeKind::Interface
                && earlier.name == definition.name
                && earlier.ambient_module == definition.ambient_module
        });
        match earlier {
            Some(earlier) => {
                earlier.exported |= definition.exported;
                earlier.members.extend(definition.members);
                sort_members(&mut earlier.members);
                earlier.heritage.extend(definition.heritage);
                earlier.heritage.sort();
                earlier.heritage.dedup();
            }
            None => merged.push(definition),
        }
    }
    merged
}

struct Collector<'t> {
    text: &'t str,
    index: &'t LineIndex,
    exported_names: HashSet<String>,
    import_aliases: HashMap<String, String>,
    /// The program is a declaration script: its top level declares globals.
    global_script: bool,
    definitions: Vec<TypeDefinition>,
}

impl Collector<'_> {
    fn source(&self, span: OxcSpan) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default()
    }

    fn normalized(&self, span: OxcSpan) -> String {
        normalize(self.source(span))
    }

    /// The name an extended or implemented type was defined under: `ns.Name` and an alias from
    /// `import { Name as Alias }` are `Name`.
    fn base_name(&self, expression: &Expression<'_>) -> Option<String> {
        let local = match expression {
            Expression::Identifier(identifier) => identifier.name.as_str(),
            Expression::StaticMemberExpression(member) => {
                return Some(member.property.name.to_string());
            }
            _ => return None,
        };
        Some(
            self.import_aliases
                .get(local)
                .cloned()
                .unwrap_or_else(|| local.to_string()),
        )
    }

    fn type_name(&self, name: &TSTypeName<'_>) -> String {
        match name {
            TSTypeName::IdentifierReference(identifier) => self
                .import_aliases
                .get(identifier.name.as_str())
                .cloned()
                .unwrap_or_else(|| identifier.name.to_string()),
            TSTypeName::QualifiedName(qualified) => qualified.right.name.to_string(),
            other => self.normalized(other.span()),
        }
    }

    /// The statements of the program or of an ambient block. Inside an ambient block every
    /// declaration is implicitly exported (`implicit_export`).
    fn block(&mut self, body: &[Statement<'_>], ambient: Option<&str>, implicit_export: bool) {
        for statement in body {
            match statement {
                Statement::ExportDeclaration(export) => {
                    self.declaration(&export.declaration, ambient, true);
                }
                Statement::ExportDefaultDeclaration(export) => match &export.declaration {
                    ExportDefaultDeclarationKind::ClassDeclaration(class) => {
                        self.class(class, ambient, true);
                    }
                    ExportDefaultDeclarationKind::TSInterfaceDeclaration(interface) => {
                        self.interface(interface, ambient, true);
                    }
                    _ => {}
                },
                Statement::TSExternalModuleDeclaration(module) => {
                    if let Some(block) = &module.body {
                        let name = module.id.value.to_string();
                        self.block(&block.body, Some(&name), true);
                    }
                }
                Statement::TSGlobalDeclaration(global) => {
                    self.block(&global.body.body, Some("global"), true);
                }
                _ => {
                    if let Some(declaration) = statement.as_declaration() {
                        self.declaration(declaration, ambient, implicit_export);
                    }
                }
            }
        }
    }

    fn declaration(
        &mut self,
        declaration: &Declaration<'_>,
        ambient: Option<&str>,
        exported: bool,
    ) {
        match declaration {
            Declaration::ClassDeclaration(class) => self.class(class, ambient, exported),
            Declaration::TSInterfaceDeclaration(interface) => {
                self.interface(interface, ambient, exported);
            }
            Declaration::TSTypeAliasDeclaration(alias) => self.alias(alias, ambient, exported),
            Declaration::TSEnumDeclaration(enumeration) => {
                self.enumeration(enumeration, ambient, exported);
            }
            _ => {}
        }
    }

    fn push(
        &mut self,
        name: &str,
        kind: TypeKind,
        name_span: OxcSpan,
        ambient: Option<&str>,
        exported: bool,
    ) -> &mut TypeDefinition {
        let span = self.index.span(self.text, name_span.start, name_span.end);
        let exported = exported || (ambient.is_none() && self.exported_names.contains(name));
        self.definitions.push(TypeDefinition {
            name: name.to_string(),
            kind,
            span,
            exported,
            nested: false,
            type_checking_only: false,
            ambient_module: ambient.map(str::to_string),
            global_script: self.global_script && ambient.is_none(),
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

    fn signatures(&self, signatures: &[TSSignature<'_>]) -> Vec<TypeMember> {
        let mut members: Vec<TypeMember> = signatures
            .iter()
            .map(|signature| {
                let name = match signature {
                    TSSignature::TSPropertySignature(property) => {
                        property.key.static_name().map(|name| name.to_string())
                    }
                    TSSignature::TSMethodSignature(method) => {
                        method.key.static_name().map(|name| name.to_string())
                    }
                    TSSignature::TSIndexSignature(_) => Some("[index]".to_string()),
                    TSSignature::TSCallSignatureDeclaration(_) => Some("(call)".to_string()),
                    TSSignature::TSConstructSignatureDeclaration(_) => Some("new".to_string()),
                };
                let text = self.normalized(signature.span());
                TypeMember {
                    name: name.unwrap_or_else(|| text.clone()),
                    text,
                }
            })
            .collect();
        sort_members(&mut members);
        members
    }

    fn interface(
        &mut self,
        interface: &TSInterfaceDeclaration<'_>,
        ambient: Option<&str>,
        exported: bool,
    ) {
        let type_parameters = interface
            .type_parameters
            .as_ref()
            .map(|params| self.normalized(params.span))
            .unwrap_or_default();
        let mut heritage: Vec<String> = interface
            .extends
            .iter()
            .map(|parent| format!("extends {}", self.normalized(parent.span)))
            .collect();
        heritage.sort();
        let members = self.signatures(&interface.body.body);
        let definition = self.push(
            interface.id.name.as_str(),
            TypeKind::Interface,
            interface.id.span,
            ambient,
            exported,
        );
        definition.type_parameters = type_parameters;
        definition.heritage = heritage;
        definition.members = members;
    }

    fn alias(&mut self, alias: &TSTypeAliasDeclaration<'_>, ambient: Option<&str>, exported: bool) {
        // `type input<T> = core.input<T>` re-exports another module's type under its own name:
        // it defines nothing new.
        if let TSType::TSTypeReference(reference) = &alias.type_annotation
            && let TSTypeName::QualifiedName(qualified) = &reference.type_name
            && qualified.right.name == alias.id.name
        {
            return;
        }
        let type_parameters = alias
            .type_parameters
            .as_ref()
            .map(|params| self.normalized(params.span))
            .unwrap_or_default();
        let members = match &alias.type_annotation {
            TSType::TSTypeLiteral(literal) => self.signatures(&literal.members),
            other => vec![TypeMember {
                name: "=".to_string(),
                text: self.normalized(other.span()),
            }],
        };
        let definition = self.push(
            alias.id.name.as_str(),
            TypeKind::TypeAlias,
            alias.id.span,
            ambient,
            exported,
        );
        definition.type_parameters = type_parameters;
        definition.members = members;
    }

    fn enumeration(
        &mut self,
        enumeration: &TSEnumDeclaration<'_>,
        ambient: Option<&str>,
        exported: bool,
    ) {
        let mut members: Vec<TypeMember> = enumeration
            .body
            .members
            .iter()
            .map(|member| TypeMember {
                name: member.id.static_name().to_string(),
                text: self.normalized(member.span),
            })
            .collect();
        sort_members(&mut members);
        let kind = if enumeration.r#const {
            TypeKind::ConstEnum
        } else {
            TypeKind::Enum
        };
        let definition = self.push(
            enumeration.id.name.as_str(),
            kind,
            enumeration.id.span,
            ambient,
            exported,
        );
        definition.members = members;
    }

    fn class(&mut self, class: &Class<'_>, ambient: Option<&str>, exported: bool) {
        // `export default class {}` has no name to duplicate.
        let Some(id) = &class.id else {
            return;
        };
        let type_parameters = class
            .type_parameters
            .as_ref()
            .map(|params| self.normalized(params.span))
            .unwrap_or_default();
        let mut heritage = Vec::new();
        if class.r#abstract {
            heritage.push("abstract".to_string());
        }
        if let Some(parent) = &class.heritage {
            let start = parent.expression.span().start;
            let end = parent
                .type_arguments
                .as_ref()
                .map_or(parent.expression.span().end, |arguments| arguments.span.end);
            heritage.push(format!(
                "extends {}",
                self.normalized(OxcSpan::new(start, end))
            ));
        }
        let mut base_names: Vec<String> = class
            .heritage
            .iter()
            .filter_map(|parent| self.base_name(&parent.expression))
            .collect();
        base_names.extend(
            class
                .implements
                .iter()
                .map(|implemented| self.type_name(&implemented.expression)),
        );
        let mut implements: Vec<String> = class
            .implements
            .iter()
            .map(|implemented| format!("implements {}", self.normalized(implemented.span)))
            .collect();
        implements.sort();
        heritage.extend(implements);
        let mut members = Vec::new();
        for element in &class.body.body {
            let text = match element {
                ClassElement::StaticBlock(_) => continue,
                // The signature, not the body.
                ClassElement::MethodDefinition(method) => {
                    let end = method
                        .value
                        .body
                        .as_ref()
                        .map_or(method.span.end, |body| body.span.start);
                    self.normalized(OxcSpan::new(method.span.start, end))
                }
                other => self.normalized(other.span()),
            };
            let name = match element.property_key() {
                Some(key) => key
                    .static_name()
                    .map_or_else(|| self.normalized(key.span()), |name| name.to_string()),
                None => "[index]".to_string(),
            };
            members.push(TypeMember { name, text });
            // `constructor(public value: T)` declares a property too.
            if let ClassElement::MethodDefinition(method) = element
                && method.kind == MethodDefinitionKind::Constructor
            {
                for parameter in &method.value.params.items {
                    let is_property = parameter.accessibility.is_some()
                        || parameter.readonly
                        || parameter.r#override;
                    if let (true, BindingPattern::BindingIdentifier(binding)) =
                        (is_property, &parameter.pattern)
                    {
                        members.push(TypeMember {
                            name: binding.name.to_string(),
                            text: self.normalized(parameter.span),
                        });
                    }
                }
            }
        }
        sort_members(&mut members);
        let body = body_hash(self.source(class.body.span));
        let definition = self.push(
            id.name.as_str(),
            TypeKind::Class,
            id.span,
            ambient,
            exported,
        );
        definition.type_parameters = type_parameters;
        definition.heritage = heritage;
        definition.base_names = base_names;
        definition.body_hash = body;
        definition.members = members;
    }
}
