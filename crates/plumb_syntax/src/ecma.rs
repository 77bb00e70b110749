//! TypeScript and JavaScript parsing with `oxc_parser`, plus `oxc_semantic`'s early errors and the
//! few grammar checks TypeScript performs that oxc does not.
//!
//! TypeScript's verdict on a file is its parser's diagnostics plus the grammar errors its checker
//! reports without needing types; `oxc_semantic` covers most of the latter, [`GrammarChecks`] the
//! rest (each check names the TypeScript diagnostic it mirrors).

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    ExportDefaultDeclaration, ExportDefaultDeclarationKind, Function, JSXAttributeItem,
    JSXAttributeName, JSXOpeningElement, Program, TSInterfaceBody, TSSignature, TSTypeLiteral,
};
use oxc_ast_visit::{Visit, walk};
use oxc_diagnostics::OxcDiagnostic;
use oxc_parser::Parser;
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
        EcmaKind::Mts => SourceType::ts().with_module(true),
        EcmaKind::Cts => SourceType::cjs().with_typescript(true),
        EcmaKind::Dts => SourceType::d_ts(),
        EcmaKind::Js | EcmaKind::Jsx | EcmaKind::Mjs => SourceType::jsx(),
        EcmaKind::Cjs => SourceType::cjs().with_jsx(true),
    }
}

/// Parses `source` into `allocator` and collects every syntax error TypeScript would report.
pub fn parse<'a>(allocator: &'a Allocator, source: &'a str, kind: EcmaKind) -> ParsedEcma<'a> {
    let parsed = Parser::new(allocator, source, source_type(kind)).parse();
    let mut errors: Vec<SyntaxError> = parsed.diagnostics.iter().map(convert).collect();
    let program = parsed.program;
    if !parsed.panicked && errors.is_empty() {
        let semantic = SemanticBuilder::new()
            .with_check_syntax_error(true)
            .build(&program);
        errors.extend(semantic.diagnostics.iter().map(convert));
        let mut grammar = GrammarChecks {
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

/// TypeScript grammar errors that `oxc_parser` and `oxc_semantic` accept.
struct GrammarChecks<'s> {
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

impl<'a> Visit<'a> for GrammarChecks<'_> {
    fn visit_ts_interface_body(&mut self, body: &TSInterfaceBody<'a>) {
        self.check_member_separators(&body.body);
        walk::walk_ts_interface_body(self, body);
    }

    fn visit_ts_type_literal(&mut self, literal: &TSTypeLiteral<'a>) {
        self.check_member_separators(&literal.members);
        walk::walk_ts_type_literal(self, literal);
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

/// Offset just past the `function` keyword inside `span`, or 0 when it isn't found.
fn keyword_end(source: &str, span: Span) -> u32 {
    let text = source
        .get(span.start as usize..span.end as usize)
        .unwrap_or("");
    text.find("function")
        .map_or(0, |index| (index + "function".len()) as u32)
}
