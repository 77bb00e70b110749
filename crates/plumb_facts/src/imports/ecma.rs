//! Module specifiers written literally in a parsed TypeScript/JavaScript file.

use oxc_ast::ast::{
    Argument, BindingIdentifier, CallExpression, ConditionalExpression, ExportAllDeclaration,
    ExportFromDeclaration, Expression, IfStatement, ImportDeclaration, ImportExpression, Program,
    StringLiteral, TSExternalModuleDeclaration, TSExternalModuleReference, TryStatement,
};
use oxc_ast_visit::{Visit, walk};
use oxc_span::GetSpan;
use plumb_diagnostics::LineIndex;

use super::{EcmaImport, EcmaImportKind};
use crate::mocks::fingerprint_snippet;

/// Test-runner calls whose first argument is a module specifier.
const MOCK_METHODS: &[&str] = &[
    "mock",
    "doMock",
    "unmock",
    "requireActual",
    "requireMock",
    "importActual",
    "importMock",
];

/// The module specifiers of `program`, and the modules it declares ambiently
/// (`declare module "x"`).
pub(crate) fn extract(
    text: &str,
    index: &LineIndex,
    program: &Program<'_>,
) -> (Vec<EcmaImport>, Vec<String>) {
    let mut collector = Collector {
        text,
        index,
        imports: Vec::new(),
        try_depth: 0,
        require_calls: Vec::new(),
        shadowed_require: false,
        ambient_modules: Vec::new(),
    };
    collector.visit_program(program);
    // A bundle (browserify, webpack) passes its own `require` to each module: its calls name
    // entries of the bundle, not files or packages.
    if collector.shadowed_require {
        let calls = collector.require_calls;
        let mut position = 0;
        collector.imports.retain(|_| {
            position += 1;
            !calls.contains(&(position - 1))
        });
    }
    (collector.imports, collector.ambient_modules)
}

struct Collector<'t> {
    text: &'t str,
    index: &'t LineIndex,
    imports: Vec<EcmaImport>,
    /// Inside `try`, or under a `typeof` test (UMD wrappers): the import may be absent.
    try_depth: u32,
    /// Positions in `imports` of `require(...)` calls.
    require_calls: Vec<usize>,
    /// The file binds its own `require`.
    shadowed_require: bool,
    ambient_modules: Vec<String>,
}

impl Collector<'_> {
    fn push(&mut self, literal: &StringLiteral<'_>, kind: EcmaImportKind, whole: oxc_span::Span) {
        let statement = &self.text[whole.start as usize..whole.end as usize];
        self.imports.push(EcmaImport {
            specifier: literal.value.to_string(),
            kind,
            span: self
                .index
                .span(self.text, literal.span.start, literal.span.end),
            snippet: fingerprint_snippet(statement),
            guarded: self.try_depth > 0,
        });
    }
}

impl Collector<'_> {
    /// A condition that tests `typeof` something (`typeof module === "object"`).
    fn tests_typeof(&self, span: oxc_span::Span) -> bool {
        self.text
            .get(span.start as usize..span.end as usize)
            .is_some_and(|test| test.contains("typeof "))
    }
}

impl<'a> Visit<'a> for Collector<'_> {
    fn visit_import_declaration(&mut self, it: &ImportDeclaration<'a>) {
        let kind = if it.import_kind.is_type() {
            EcmaImportKind::ImportType
        } else {
            EcmaImportKind::Import
        };
        self.push(&it.source, kind, it.span);
    }

    fn visit_export_from_declaration(&mut self, it: &ExportFromDeclaration<'a>) {
        self.push(&it.source, EcmaImportKind::ExportFrom, it.span);
    }

    fn visit_export_all_declaration(&mut self, it: &ExportAllDeclaration<'a>) {
        self.push(&it.source, EcmaImportKind::ExportFrom, it.span);
    }

    fn visit_ts_external_module_reference(&mut self, it: &TSExternalModuleReference<'a>) {
        self.push(&it.expression, EcmaImportKind::Require, it.span);
    }

    fn visit_import_expression(&mut self, it: &ImportExpression<'a>) {
        if let Expression::StringLiteral(literal) = &it.source {
            self.push(literal, EcmaImportKind::DynamicImport, it.span);
        }
        walk::walk_import_expression(self, it);
    }

    fn visit_try_statement(&mut self, it: &TryStatement<'a>) {
        self.try_depth += 1;
        self.visit_block_statement(&it.block);
        self.try_depth -= 1;
        if let Some(handler) = &it.handler {
            self.visit_catch_clause(handler);
        }
        if let Some(finalizer) = &it.finalizer {
            self.visit_block_statement(finalizer);
        }
    }

    fn visit_ts_external_module_declaration(&mut self, it: &TSExternalModuleDeclaration<'a>) {
        self.ambient_modules.push(it.id.value.to_string());
        walk::walk_ts_external_module_declaration(self, it);
    }

    fn visit_binding_identifier(&mut self, it: &BindingIdentifier<'a>) {
        if it.name.as_str() == "require" {
            self.shadowed_require = true;
        }
    }

    fn visit_if_statement(&mut self, it: &IfStatement<'a>) {
        let guarded = self.tests_typeof(it.test.span());
        self.try_depth += u32::from(guarded);
        walk::walk_if_statement(self, it);
        self.try_depth -= u32::from(guarded);
    }

    fn visit_conditional_expression(&mut self, it: &ConditionalExpression<'a>) {
        let guarded = self.tests_typeof(it.test.span());
        self.try_depth += u32::from(guarded);
        walk::walk_conditional_expression(self, it);
        self.try_depth -= u32::from(guarded);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        let kind = match &it.callee {
            Expression::Identifier(callee) if callee.name.as_str() == "require" => {
                Some(EcmaImportKind::Require)
            }
            Expression::StaticMemberExpression(member) => match &member.object {
                Expression::Identifier(object)
                    if matches!(object.name.as_str(), "jest" | "vi")
                        && MOCK_METHODS.contains(&member.property.name.as_str()) =>
                {
                    Some(EcmaImportKind::Mock)
                }
                Expression::Identifier(object)
                    if object.name.as_str() == "require"
                        && member.property.name.as_str() == "resolve" =>
                {
                    Some(EcmaImportKind::Require)
                }
                _ => None,
            },
            _ => None,
        };
        // `jest.mock("x", factory, { virtual: true })` mocks a module that need not exist.
        let kind = kind.filter(|kind| *kind != EcmaImportKind::Mock || it.arguments.len() < 3);
        if let (Some(kind), Some(Argument::StringLiteral(literal))) = (kind, it.arguments.first()) {
            if kind == EcmaImportKind::Require {
                self.require_calls.push(self.imports.len());
            }
            self.push(literal, kind, it.span);
        }
        walk::walk_call_expression(self, it);
    }
}

#[cfg(test)]
mod tests {
    use crate::{EcmaImportKind, ExtractOptions, extract};
    use plumb_syntax::{EcmaKind, PythonVersion, SourceKind};

    fn specifiers(text: &str) -> Vec<(String, EcmaImportKind, bool)> {
        let options = ExtractOptions::new(PythonVersion::DEFAULT);
        extract(text, SourceKind::Ecma(EcmaKind::Js), options)
            .unwrap()
            .ecma_imports
            .into_iter()
            .map(|import| (import.specifier, import.kind, import.guarded))
            .collect()
    }

    #[test]
    fn bundles_with_their_own_require_are_not_imports() {
        let bundle = "(function(){})()({1:[function(require,module,exports){\nvar a = require('./nope');\n}]});\n";
        assert_eq!(specifiers(bundle), vec![]);
        assert_eq!(
            specifiers(
                "const a = require('./a');\nif (typeof module === 'object') { require('b'); }\n"
            ),
            vec![
                ("./a".to_string(), EcmaImportKind::Require, false),
                ("b".to_string(), EcmaImportKind::Require, true),
            ]
        );
    }
}
