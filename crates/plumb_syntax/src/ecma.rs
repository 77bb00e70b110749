//! TypeScript and JavaScript parsing with `oxc_parser`, plus `oxc_semantic`'s early errors and the
//! few grammar checks TypeScript performs that oxc does not.
//!
//! TypeScript's verdict on a file is its parser's diagnostics plus the grammar errors its checker
//! reports without needing types; `oxc_semantic` covers most of the latter, [`GrammarChecks`] the
//! rest (each check names the TypeScript diagnostic it mirrors).

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    BlockStatement, ClassBody, ClassElement, Declaration, ExportDefaultDeclaration,
    ExportDefaultDeclarationKind, ExportNamedDeclaration, Function, FunctionBody, JSXAttributeItem,
    JSXAttributeName, JSXOpeningElement, ModuleDeclaration, ObjectExpression, ObjectPropertyKind,
    Program, PropertyKey, PropertyKind, Statement, TSConstructorType, TSExternalModuleDeclaration,
    TSFunctionType, TSGlobalDeclaration, TSInterfaceBody, TSModuleBlock, TSNamespaceDeclaration,
    TSSignature, TSTypeAnnotation, TSTypeLiteral,
};
use oxc_ast_visit::{Visit, walk};
use oxc_diagnostics::OxcDiagnostic;
use oxc_parser::{ParseOptions, Parser};
use oxc_semantic::SemanticBuilder;
use oxc_span::{GetSpan, SourceType, Span};
use oxc_syntax::scope::ScopeFlags;

use crate::{EcmaKind, SyntaxError};

/// A parsed program (borrowing the caller's allocator) and TypeScript's syntax verdict on it.
pub struct ParsedEcma<'a> {
    pub program: Program<'a>,
    pub errors: Vec<SyntaxError>,
    /// Set when the parser gave up entirely; the program is then empty.
    pub panicked: bool,
}

/// The oxc source type TypeScript would use for a file of this kind.
pub fn source_type(kind: EcmaKind) -> SourceType {
    match kind {
        EcmaKind::Ts => SourceType::ts(),
        EcmaKind::Tsx => SourceType::tsx(),
        // TypeScript treats `.mts`/`.cts`/`.mjs`/`.cjs` as modules whatever their content
        // (`isFileForcedToBeModuleByFormat`), so strict-mode rules apply to all of them.
        EcmaKind::Mts | EcmaKind::Cts => SourceType::ts().with_module(true),
        EcmaKind::Dts => SourceType::d_ts(),
        EcmaKind::Js | EcmaKind::Jsx | EcmaKind::Mjs | EcmaKind::Cjs => SourceType::jsx(),
    }
}

fn is_javascript(kind: EcmaKind) -> bool {
    matches!(
        kind,
        EcmaKind::Js | EcmaKind::Jsx | EcmaKind::Mjs | EcmaKind::Cjs
    )
}

/// Parses `source` into `allocator` and collects every syntax error TypeScript would report.
pub fn parse<'a>(allocator: &'a Allocator, source: &'a str, kind: EcmaKind) -> ParsedEcma<'a> {
    let is_typescript = !is_javascript(kind);
    // TypeScript reports a top-level `return` (TS1108) from its checker, which does not run that
    // check on plain JavaScript files (CommonJS allows it), so oxc must not reject it there.
    // TypeScript validates regular expression literals (TS1500-TS1536) since 5.5.
    let options = ParseOptions {
        allow_return_outside_function: !is_typescript,
        parse_regular_expression: true,
        ..ParseOptions::default()
    };
    let parsed = Parser::new(allocator, source, source_type(kind))
        .with_options(options)
        .parse();
    let mut errors: Vec<SyntaxError> = parsed
        .diagnostics
        .iter()
        .filter(|diagnostic| is_typescript_parse_error(diagnostic))
        .map(|diagnostic| at_token_end(convert(diagnostic), source))
        .collect();
    let program = parsed.program;
    if !parsed.panicked && errors.is_empty() {
        let semantic = SemanticBuilder::new()
            .with_check_syntax_error(true)
            .build(&program);
        errors.extend(
            semantic
                .diagnostics
                .iter()
                .filter(|diagnostic| is_typescript_grammar_error(diagnostic))
                .map(convert),
        );
        let mut grammar = GrammarChecks {
            is_typescript,
            is_declaration_file: kind == EcmaKind::Dts,
            ambient_depth: 0,
            source,
            errors: Vec::new(),
        };
        grammar.visit_program(&program);
        errors.extend(grammar.errors);
    }
    errors.sort_by_key(|error| (error.start, error.end));
    ParsedEcma {
        program,
        errors,
        panicked: parsed.panicked,
    }
}

/// Whether TypeScript reports this `oxc_semantic` diagnostic as a grammar error. oxc follows
/// ECMAScript's early errors, some of which TypeScript only reports from its type checker with a
/// semantic code (e.g. redeclared `let`, TS2451), so they are not syntax errors for TypeScript.
fn is_typescript_grammar_error(diagnostic: &OxcDiagnostic) -> bool {
    let message = diagnostic.message.as_ref();
    let checker_only =
        message.starts_with("Identifier `") && message.ends_with("` has already been declared");
    !checker_only
}

/// Parser diagnostics that are not syntax errors for TypeScript: oxc's module record reports
/// duplicate exports, which TypeScript reports from its checker (TS2323/TS2300).
fn is_typescript_parse_error(diagnostic: &OxcDiagnostic) -> bool {
    !diagnostic.message.starts_with("Duplicated export")
}

fn convert(diagnostic: &OxcDiagnostic) -> SyntaxError {
    // Without a primary label, the latest one is where the compiler detects the error (earlier
    // ones say "first declared here" or "opened here"); TypeScript reports that position.
    let labels = &diagnostic.labels;
    let span = labels
        .iter()
        .find(|label| label.primary())
        .or_else(|| labels.iter().max_by_key(|label| label.offset()))
        .map(|label| label.span())
        .unwrap_or_default();
    SyntaxError {
        start: span.start,
        end: span.end,
        message: diagnostic.message.to_string(),
    }
}

/// A parse error at the end of the file where TypeScript reports it. For a missing expression
/// (a statement cut short: `import x from`; oxc says "Unexpected token", TypeScript TS1109
/// "Expression expected") that is right after the last token: TypeScript reports a missing
/// node at the full start of the end-of-file token, before the trailing line break. A missing
/// punctuator (oxc "Expected `{` but found `EOF`", TypeScript TS1005 "'{' expected") it
/// reports at the end-of-file token itself, where oxc does. Only whitespace is skipped back
/// over; after a trailing comment the position stays at the end.
fn at_token_end(mut error: SyntaxError, source: &str) -> SyntaxError {
    if error.start as usize == source.len() && error.message == "Unexpected token" {
        let end = source.trim_end().len() as u32;
        error.start = end;
        error.end = end;
    }
    error
}

/// TypeScript grammar errors that `oxc_parser` and `oxc_semantic` accept.
struct GrammarChecks<'s> {
    /// TypeScript runs its checker's grammar checks on TypeScript files only (`checkJs` is off).
    is_typescript: bool,
    is_declaration_file: bool,
    /// How many ambient (`declare`d, or in a `.d.ts` file) namespaces or modules enclose the
    /// node being visited.
    ambient_depth: u32,
    source: &'s str,
    errors: Vec<SyntaxError>,
}

impl GrammarChecks<'_> {
    /// TS1005 `';' expected`: members of an interface or type literal must be separated by `;`,
    /// `,` or a line break. oxc accepts `interface I { children ReactNode; }` as two members.
    fn check_member_separators(&mut self, members: &[TSSignature<'_>]) {
        for pair in members.windows(2) {
            let (previous, next) = (pair[0].span(), pair[1].span());
            let between = self
                .source
                .get(previous.end as usize..next.start as usize)
                .unwrap_or("");
            let last_of_previous = self
                .source
                .get(..previous.end as usize)
                .and_then(|text| text.chars().last());
            let separated = between.contains([';', ',', '\n', '\r', '\u{2028}', '\u{2029}'])
                || matches!(last_of_previous, Some(';' | ','));
            if !separated {
                self.errors.push(SyntaxError {
                    start: next.start,
                    end: next.start,
                    message: "';' expected.".to_string(),
                });
            }
        }
    }
}

impl GrammarChecks<'_> {
    /// TS1109 `Expression expected.` / TS1141 `String literal expected.`: `export { B } from`
    /// must be followed by a module string. oxc consumes a `from` that is not followed by a
    /// literal and drops it, so `export { B } from ;"./b"` parsed as `export { B };` and an
    /// expression statement. (`ExportNamedDeclaration` is oxc's list export without a source.)
    fn check_from_clause(&mut self, declaration: &ExportNamedDeclaration<'_>) {
        let start = declaration.span.start as usize;
        let after_list = match declaration.specifiers.last() {
            Some(specifier) => specifier.span.end as usize,
            // `export {}` / `export type {}`: nothing but trivia between the braces.
            None => match self.source[start..].find('{') {
                Some(brace) => start + brace + 1,
                None => return,
            },
        };
        let mut at = skip_trivia(self.source, after_list);
        if self.source[at..].starts_with(',') {
            at = skip_trivia(self.source, at + 1);
        }
        if !self.source[at..].starts_with('}') {
            return;
        }
        at = skip_trivia(self.source, at + 1);
        let rest = &self.source[at..];
        let is_from = rest.starts_with("from")
            && !rest["from".len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
        if !is_from || at >= declaration.span.end as usize {
            return;
        }
        let after_from = at + "from".len();
        let next = skip_trivia(self.source, after_from);
        let (position, message) = match self.source[next..].chars().next() {
            // TypeScript reports a missing specifier at the end of `from`.
            None => (after_from, "Expression expected."),
            Some(';' | '}' | ')' | ']' | ',') => (next, "Expression expected."),
            Some(_) => (next, "String literal expected."),
        };
        self.errors.push(SyntaxError {
            start: position as u32,
            end: position as u32,
            message: message.to_string(),
        });
    }
}

impl GrammarChecks<'_> {
    /// TS1036 `Statements are not allowed in ambient contexts.` and TS1038 (an exported
    /// `declare` inside a `declare module`/`declare namespace`), which oxc accepts; it does report
    /// TS1038 without the `export`.
    fn check_ambient_statements(&mut self, statements: &[Statement<'_>]) {
        for statement in statements {
            let span = statement.span();
            if let Some(declaration) =
                statement
                    .as_module_declaration()
                    .and_then(|module| match module {
                        ModuleDeclaration::ExportDeclaration(export) => Some(&export.declaration),
                        _ => None,
                    })
                && declaration.declare()
            {
                let text = self
                    .source
                    .get(span.start as usize..span.end as usize)
                    .unwrap_or("");
                let at = span.start + find_word(text, "declare").unwrap_or(0) as u32;
                self.errors.push(SyntaxError {
                    start: at,
                    end: at + "declare".len() as u32,
                    message: "A 'declare' modifier cannot be used in an already ambient context."
                        .to_string(),
                });
                return;
            }
            if !statement.is_declaration() && !statement.is_module_declaration() {
                self.errors.push(SyntaxError {
                    start: span.start,
                    end: span.start,
                    message: "Statements are not allowed in ambient contexts.".to_string(),
                });
                return;
            }
        }
    }
}

/// The offset of the first character at or after `from` that is neither whitespace nor part of
/// a comment (or the end of `source`).
fn skip_trivia(source: &str, from: usize) -> usize {
    let mut at = from.min(source.len());
    loop {
        let rest = &source[at..];
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        if let Some(comment) = trimmed.strip_prefix("//") {
            let end = comment
                .find(['\n', '\r', '\u{2028}', '\u{2029}'])
                .unwrap_or(comment.len());
            at += 2 + end;
        } else if let Some(comment) = trimmed.strip_prefix("/*") {
            let Some(end) = comment.find("*/") else {
                return source.len();
            };
            at += 2 + end + 2;
        } else {
            return at;
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum MemberMeaning {
    Property,
    Method,
    Get,
    Set,
    GetAndSet,
}

impl GrammarChecks<'_> {
    fn check_arrow(&mut self, params_end: u32, return_type: &TSTypeAnnotation<'_>) {
        let type_start = return_type.type_annotation.span().start;
        let between = self
            .source
            .get(params_end as usize..type_start as usize)
            .unwrap_or("=>");
        if !between.contains("=>") {
            self.errors.push(SyntaxError {
                start: params_end,
                end: params_end,
                message: "'=>' expected.".to_string(),
            });
        }
    }

    fn check_no_module_declarations(&mut self, statements: &[Statement<'_>]) {
        if let Some(statement) = statements
            .iter()
            .find(|statement| statement.is_module_declaration())
        {
            let start = statement.span().start;
            self.errors.push(SyntaxError {
                start,
                end: start,
                message: "Modifiers cannot appear here.".to_string(),
            });
        }
    }

    /// TS1434 `Unexpected keyword or identifier.`: `default` is no modifier of class members, but
    /// oxc's modifier parser accepts it there (`static default #count = 0;`).
    fn check_no_default_modifier(&mut self, element: &ClassElement<'_>) {
        let (decorators, key) = match element {
            ClassElement::PropertyDefinition(property) => (&property.decorators, &property.key),
            ClassElement::MethodDefinition(method) => (&method.decorators, &method.key),
            ClassElement::AccessorProperty(accessor) => (&accessor.decorators, &accessor.key),
            ClassElement::StaticBlock(_) | ClassElement::TSIndexSignature(_) => return,
        };
        let start = decorators
            .last()
            .map_or(element.span().start, |decorator| decorator.span.end);
        let end = key.span().start;
        let Some(modifiers) = self.source.get(start as usize..end as usize) else {
            return;
        };
        if let Some(offset) = find_word(modifiers, "default") {
            let at = start + offset as u32;
            self.errors.push(SyntaxError {
                start: at,
                end: at + "default".len() as u32,
                message: "Unexpected keyword or identifier.".to_string(),
            });
        }
    }

    fn check_duplicate_properties(&mut self, object: &ObjectExpression<'_>) {
        use MemberMeaning::{Get, GetAndSet, Method, Property, Set};
        let mut seen: Vec<(String, MemberMeaning)> = Vec::new();
        for item in &object.properties {
            let ObjectPropertyKind::ObjectProperty(property) = item else {
                continue;
            };
            let Some(name) = effective_property_name(&property.key) else {
                continue;
            };
            let meaning = match property.kind {
                PropertyKind::Get => Get,
                PropertyKind::Set => Set,
                PropertyKind::Init if property.method => Method,
                PropertyKind::Init => Property,
            };
            let Some(existing) = seen.iter_mut().find(|(seen_name, _)| *seen_name == name) else {
                seen.push((name, meaning));
                continue;
            };
            let is_accessor = |m: MemberMeaning| matches!(m, Get | Set | GetAndSet);
            let message = match (existing.1, meaning) {
                (Property, Property) => {
                    "An object literal cannot have multiple properties with the same name."
                }
                (Method, Method) => continue,
                (old, new) if is_accessor(old) && is_accessor(new) => {
                    if old != GetAndSet && old != new {
                        existing.1 = GetAndSet;
                        continue;
                    }
                    "An object literal cannot have multiple get/set accessors with the same name."
                }
                _ => "An object literal cannot have property and accessor with the same name.",
            };
            let span = property.key.span();
            self.errors.push(SyntaxError {
                start: span.start,
                end: span.end,
                message: message.to_string(),
            });
            return;
        }
    }
}

/// The name TypeScript compares duplicates by: identifiers, string and numeric literals (also in
/// computed keys, numbers normalised: `1.0` and `0x1` are `1`); other computed keys have none.
fn effective_property_name(key: &PropertyKey<'_>) -> Option<String> {
    match key {
        PropertyKey::StaticIdentifier(_)
        | PropertyKey::StringLiteral(_)
        | PropertyKey::NumericLiteral(_)
        | PropertyKey::TemplateLiteral(_) => key.static_name().map(|name| name.into_owned()),
        _ => None,
    }
}

impl<'a> Visit<'a> for GrammarChecks<'_> {
    fn visit_ts_interface_body(&mut self, body: &TSInterfaceBody<'a>) {
        self.check_member_separators(&body.body);
        walk::walk_ts_interface_body(self, body);
    }

    fn visit_ts_type_literal(&mut self, literal: &TSTypeLiteral<'a>) {
        self.check_member_separators(&literal.members);
        walk::walk_ts_type_literal(self, literal);
    }

    /// TS1046: in a `.d.ts` file every top-level declaration needs `declare` or `export`
    /// (interfaces, type aliases and imports excepted).
    fn visit_program(&mut self, program: &Program<'a>) {
        if self.is_declaration_file {
            for statement in &program.body {
                let needs_declare = match statement.as_declaration() {
                    Some(Declaration::VariableDeclaration(variable)) => !variable.declare,
                    Some(Declaration::FunctionDeclaration(function)) => !function.declare,
                    Some(Declaration::ClassDeclaration(class)) => !class.declare,
                    Some(Declaration::TSEnumDeclaration(declaration)) => !declaration.declare,
                    Some(Declaration::TSNamespaceDeclaration(declaration)) => !declaration.declare,
                    Some(Declaration::TSExternalModuleDeclaration(declaration)) => {
                        !declaration.declare
                    }
                    _ => false,
                };
                if needs_declare {
                    let start = statement.span().start;
                    self.errors.push(SyntaxError {
                        start,
                        end: start,
                        message: "Top-level declarations in .d.ts files must start with either a 'declare' or 'export' modifier.".to_string(),
                    });
                }
            }
        }
        walk::walk_program(self, program);
    }

    /// TS1184 `Modifiers cannot appear here.`: `import`/`export` inside a function body.
    fn visit_function_body(&mut self, body: &FunctionBody<'a>) {
        self.check_no_module_declarations(&body.statements);
        walk::walk_function_body(self, body);
    }

    fn visit_block_statement(&mut self, block: &BlockStatement<'a>) {
        self.check_no_module_declarations(&block.body);
        walk::walk_block_statement(self, block);
    }

    /// TS1434-style `';' expected`: class fields on one line need a separator
    /// (oxc accepts `static default #count = 0;` as two fields).
    fn visit_class_body(&mut self, body: &ClassBody<'a>) {
        for pair in body.body.windows(2) {
            let ClassElement::PropertyDefinition(previous) = &pair[0] else {
                continue;
            };
            let next = pair[1].span();
            let between = self
                .source
                .get(previous.span.end as usize..next.start as usize)
                .unwrap_or("");
            let ends_with_semicolon = self
                .source
                .get(..previous.span.end as usize)
                .is_some_and(|text| text.ends_with(';'));
            if !ends_with_semicolon && !between.contains([';', '\n', '\r', '\u{2028}', '\u{2029}'])
            {
                self.errors.push(SyntaxError {
                    start: next.start,
                    end: next.start,
                    message: "';' expected.".to_string(),
                });
            }
        }
        for element in &body.body {
            self.check_no_default_modifier(element);
        }
        walk::walk_class_body(self, body);
    }

    /// TS1005 `'=>' expected.`: oxc accepts `() = number` as the function type `() => number`.
    fn visit_ts_function_type(&mut self, function_type: &TSFunctionType<'a>) {
        self.check_arrow(function_type.params.span.end, &function_type.return_type);
        walk::walk_ts_function_type(self, function_type);
    }

    fn visit_ts_constructor_type(&mut self, constructor_type: &TSConstructorType<'a>) {
        self.check_arrow(
            constructor_type.params.span.end,
            &constructor_type.return_type,
        );
        walk::walk_ts_constructor_type(self, constructor_type);
    }

    /// TS1117 / TS1118 / TS1119: duplicate names in an object literal, as TypeScript's
    /// `checkGrammarObjectLiteralExpression` reports them (first offence only; methods may repeat).
    fn visit_object_expression(&mut self, object: &ObjectExpression<'a>) {
        if self.is_typescript {
            self.check_duplicate_properties(object);
        }
        walk::walk_object_expression(self, object);
    }

    /// TS17001: JSX elements cannot have multiple attributes with the same name.
    fn visit_jsx_opening_element(&mut self, element: &JSXOpeningElement<'a>) {
        let mut seen: Vec<String> = Vec::new();
        for item in &element.attributes {
            let JSXAttributeItem::Attribute(attribute) = item else {
                continue;
            };
            let name = match &attribute.name {
                JSXAttributeName::Identifier(identifier) => identifier.name.to_string(),
                JSXAttributeName::NamespacedName(namespaced) => {
                    format!("{}:{}", namespaced.namespace.name, namespaced.name.name)
                }
            };
            if seen.contains(&name) {
                let span = attribute.name.span();
                self.errors.push(SyntaxError {
                    start: span.start,
                    end: span.end,
                    message: "JSX elements cannot have multiple attributes with the same name."
                        .to_string(),
                });
            } else {
                seen.push(name);
            }
        }
        walk::walk_jsx_opening_element(self, element);
    }

    fn visit_ts_external_module_declaration(&mut self, it: &TSExternalModuleDeclaration<'a>) {
        // `declare module "x" {}` is ambient by definition.
        self.ambient_depth += 1;
        walk::walk_ts_external_module_declaration(self, it);
        self.ambient_depth -= 1;
    }

    fn visit_ts_namespace_declaration(&mut self, it: &TSNamespaceDeclaration<'a>) {
        let ambient = it.declare || self.is_declaration_file || self.ambient_depth > 0;
        self.ambient_depth += u32::from(ambient);
        walk::walk_ts_namespace_declaration(self, it);
        self.ambient_depth -= u32::from(ambient);
    }

    fn visit_ts_global_declaration(&mut self, it: &TSGlobalDeclaration<'a>) {
        self.ambient_depth += 1;
        walk::walk_ts_global_declaration(self, it);
        self.ambient_depth -= 1;
    }

    fn visit_ts_module_block(&mut self, block: &TSModuleBlock<'a>) {
        if self.ambient_depth > 0 {
            self.check_ambient_statements(&block.body);
        }
        walk::walk_ts_module_block(self, block);
    }

    fn visit_export_named_declaration(&mut self, declaration: &ExportNamedDeclaration<'a>) {
        self.check_from_clause(declaration);
        walk::walk_export_named_declaration(self, declaration);
    }

    fn visit_export_default_declaration(&mut self, declaration: &ExportDefaultDeclaration<'a>) {
        // `export default function () {}` is the one place a declaration may omit its name:
        // visit the function's insides without the name check.
        if let ExportDefaultDeclarationKind::FunctionDeclaration(function) =
            &declaration.declaration
        {
            walk::walk_function(self, function, ScopeFlags::Function);
        } else {
            walk::walk_export_default_declaration(self, declaration);
        }
    }

    /// TS1003 `Identifier expected`: a function declaration needs a name (oxc accepts
    /// `declare function (p): R;`).
    fn visit_function(&mut self, function: &Function<'a>, flags: ScopeFlags) {
        if function.id.is_none() && function.is_declaration() {
            let at = function.span.start + keyword_end(self.source, function.span);
            self.errors.push(SyntaxError {
                start: at,
                end: at,
                message: "Identifier expected.".to_string(),
            });
        }
        walk::walk_function(self, function, flags);
    }
}

/// Offset of `word` in `text` where it stands as a whole word.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let is_word_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    text.match_indices(word)
        .map(|(index, _)| index)
        .find(|&index| {
            let before = text[..index].chars().next_back();
            let after = text[index + word.len()..].chars().next();
            !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
        })
}

/// Offset just past the `function` keyword inside `span`, or 0 when it isn't found.
fn keyword_end(source: &str, span: Span) -> u32 {
    let text = source
        .get(span.start as usize..span.end as usize)
        .unwrap_or("");
    text.find("function")
        .map_or(0, |index| (index + "function".len()) as u32)
}
