//! Literal values read statically from JavaScript/TypeScript config scripts
//! (`jest.config.js`, `vite.config.ts`, `webpack.config.js`): no script is executed, so only
//! object literals of strings are understood, and anything computed is left unread.

use oxc_ast::ast::{Expression, ObjectExpression, ObjectPropertyKind};

/// The value of the property named `name` of `object`.
pub(super) fn property<'o, 'a>(
    object: &'o ObjectExpression<'a>,
    name: &str,
) -> Option<&'o Expression<'a>> {
    object
        .properties
        .iter()
        .find_map(|property| match property {
            ObjectPropertyKind::ObjectProperty(property)
                if property.key.is_specific_static_name(name) =>
            {
                Some(&property.value)
            }
            _ => None,
        })
}

/// A string literal, or a template without substitutions.
pub(super) fn string(value: &Expression) -> Option<String> {
    match value {
        Expression::StringLiteral(literal) => Some(literal.value.to_string()),
        Expression::TemplateLiteral(template) if template.expressions.is_empty() => template
            .quasis
            .first()
            .and_then(|quasi| quasi.value.cooked.as_ref())
            .map(|cooked| cooked.to_string()),
        _ => None,
    }
}
