//! `resolve.alias` of a Vite or Vitest config, read without running it.
//!
//! Only the object form with string-literal keys is read (`alias: { "@": "/src" }`): that is
//! what can be known statically. A value that is not a string literal
//! (`path.resolve(__dirname, "src")`) still makes its key an alias, whose target is unknown.

use oxc_allocator::Allocator;
use oxc_ast::ast::{Expression, ObjectExpression, ObjectPropertyKind};
use oxc_ast_visit::{Visit, walk};
use plumb_syntax::{SourceKind, ecma};

/// One alias: specifiers equal to `find` or starting with `find/` are rewritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ViteAlias {
    pub(crate) find: String,
    /// The replacement when it is a string literal.
    pub(crate) replacement: Option<String>,
}

/// The `resolve.alias` object entries of the config `text` (its file `name` decides the
/// dialect). Empty when there is none or the file does not parse.
pub(crate) fn aliases(name: &str, text: &str) -> Vec<ViteAlias> {
    let Some(SourceKind::Ecma(kind)) = SourceKind::from_path(std::path::Path::new(name)) else {
        return Vec::new();
    };
    let allocator = Allocator::default();
    let parsed = ecma::parse(&allocator, text, kind);
    if parsed.panicked {
        return Vec::new();
    }
    let mut collector = Collector::default();
    collector.visit_program(&parsed.program);
    collector.aliases
}

#[derive(Default)]
struct Collector {
    aliases: Vec<ViteAlias>,
}

/// The value of the property named `name` of `object`.
fn property<'o, 'a>(object: &'o ObjectExpression<'a>, name: &str) -> Option<&'o Expression<'a>> {
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

impl<'a> Visit<'a> for Collector {
    fn visit_object_expression(&mut self, object: &ObjectExpression<'a>) {
        if let Some(Expression::ObjectExpression(resolve)) = property(object, "resolve")
            && let Some(Expression::ObjectExpression(alias)) = property(resolve, "alias")
        {
            for entry in &alias.properties {
                let ObjectPropertyKind::ObjectProperty(entry) = entry else {
                    continue;
                };
                let Some(find) = entry.key.static_name() else {
                    continue;
                };
                let replacement = match &entry.value {
                    Expression::StringLiteral(literal) => Some(literal.value.to_string()),
                    _ => None,
                };
                self.aliases.push(ViteAlias {
                    find: find.to_string(),
                    replacement,
                });
            }
        }
        walk::walk_object_expression(self, object);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_string_aliases_inside_define_config() {
        let text = r#"
import { defineConfig } from "vite";
import path from "node:path";
export default defineConfig({
  plugins: [],
  resolve: {
    alias: { "@": "/src", "~utils": path.resolve(__dirname, "src/utils"), lib: "/lib" },
  },
});
"#;
        assert_eq!(
            aliases("vite.config.ts", text),
            vec![
                ViteAlias {
                    find: "@".into(),
                    replacement: Some("/src".into())
                },
                ViteAlias {
                    find: "~utils".into(),
                    replacement: None
                },
                ViteAlias {
                    find: "lib".into(),
                    replacement: Some("/lib".into())
                },
            ]
        );
        assert!(aliases("vite.config.ts", "export default {").is_empty());
    }
}
