//! Module specifiers written literally in a parsed TypeScript/JavaScript file.

use oxc_ast::ast::{
    Argument, CallExpression, ExportAllDeclaration, ExportFromDeclaration, Expression,
    ImportDeclaration, ImportExpression, Program, StringLiteral, TSExternalModuleReference,
    TryStatement,
};
use oxc_ast_visit::{Visit, walk};
use plumb_diagnostics::LineIndex;

use super::{EcmaImport, EcmaImportKind};
use crate::mocks::snippet;

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

pub(crate) fn extract(text: &str, index: &LineIndex, program: &Program<'_>) -> Vec<EcmaImport> {
    let mut collector = Collector {
        text,
        index,
        imports: Vec::new(),
        try_depth: 0,
    };
    collector.visit_program(program);
    collector.imports
}

struct Collector<'t> {
    text: &'t str,
    index: &'t LineIndex,
    imports: Vec<EcmaImport>,
    try_depth: u32,
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
            snippet: snippet(statement),
            guarded: self.try_depth > 0,
        });
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
        if let (Some(kind), Some(Argument::StringLiteral(literal))) = (kind, it.arguments.first()) {
            self.push(literal, kind, it.span);
        }
        walk::walk_call_expression(self, it);
    }
}
