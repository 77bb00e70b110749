//! `resolve.alias` of a Vite, Vitest or webpack config (and Vitest's `test.alias`), read
//! without running it.
//!
//! The object form with string-literal keys (`alias: { "@": "/src" }`) and Vite's array form
//! with string `find`s (`alias: [{ find: "@", replacement: "/src" }]`) are read: that is what
//! can be known statically. A value that is not a string literal
//! (`path.resolve(__dirname, "src")`) still makes its key an alias, whose target is unknown.

use oxc_ast::ast::{Expression, ObjectExpression, ObjectPropertyKind};
use oxc_ast_visit::{Visit, walk};
use plumb_syntax::bounded_arena::with_parse_arena;
use plumb_syntax::{SourceKind, ecma};

use super::js_literal::{property, string};

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
    // A config the parser cannot read within its budget has no aliases, like one that fails to
    // parse.
    with_parse_arena(text.len(), |allocator| {
        let parsed = ecma::parse(allocator, text, kind);
        if parsed.panicked {
            return Vec::new();
        }
        let mut collector = Collector::default();
        collector.visit_program(&parsed.program);
        collector.aliases
    })
    .unwrap_or_default()
}

#[derive(Default)]
struct Collector {
    aliases: Vec<ViteAlias>,
}

impl Collector {
    /// The entries of one `alias` value: an object (`{ "@": "/src" }`, also webpack's shape) or
    /// Vite's array of `{ find, replacement }` objects with a string `find` (a regular
    /// expression `find` is not read).
    fn add(&mut self, alias: &Expression) {
        match alias {
            Expression::ObjectExpression(alias) => {
                for entry in &alias.properties {
                    let ObjectPropertyKind::ObjectProperty(entry) = entry else {
                        continue;
                    };
                    let Some(find) = entry.key.static_name() else {
                        continue;
                    };
                    self.aliases.push(ViteAlias {
                        find: find.to_string(),
                        replacement: string(&entry.value),
                    });
                }
            }
            Expression::ArrayExpression(entries) => {
                for entry in entries.elements.iter().filter_map(|e| e.as_expression()) {
                    let Expression::ObjectExpression(entry) = entry else {
                        continue;
                    };
                    let Some(find) = property(entry, "find").and_then(string) else {
                        continue;
                    };
                    self.aliases.push(ViteAlias {
                        find,
                        replacement: property(entry, "replacement").and_then(string),
                    });
                }
            }
            _ => {}
        }
    }
}

impl<'a> Visit<'a> for Collector {
    fn visit_object_expression(&mut self, object: &ObjectExpression<'a>) {
        // `resolve.alias` (Vite, webpack) and Vitest's `test.alias`.
        for section in ["resolve", "test"] {
            if let Some(Expression::ObjectExpression(section)) = property(object, section)
                && let Some(alias) = property(section, "alias")
            {
                self.add(alias);
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
        let array = r#"export default { test: { alias: [{ find: "~", replacement: "/app" }, { find: /^x$/, replacement: "/x" }] } };"#;
        assert_eq!(
            aliases("vitest.config.mts", array),
            vec![ViteAlias {
                find: "~".into(),
                replacement: Some("/app".into())
            }]
        );
        let webpack =
            "module.exports = { resolve: { alias: { '@': path.resolve(__dirname, 'src') } } };";
        assert_eq!(aliases("webpack.config.js", webpack).len(), 1);
    }
}
