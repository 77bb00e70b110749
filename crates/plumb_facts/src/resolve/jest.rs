//! Jest configuration written as a script (`jest.config.js`, `.cjs`, `.mjs`, `.ts`, `.cts`,
//! `.mts`), read without running it.
//!
//! Only literals are read: the first object with a `moduleNameMapper` whose value is an object
//! literal of strings (or arrays of strings), and the `rootDir` string beside it. That is what
//! can be known statically; a mapper built by a call (`pathsToModuleNameMapper(...)`) is not
//! read, and the import is then judged by the other rules (tsconfig `paths`, packages).
//! The result has the shape of a JSON Jest config, so `jest.config.json`, `package.json`
//! `jest` and script configs share one reader of `moduleNameMapper`.

use oxc_ast::ast::{Expression, ObjectExpression, ObjectPropertyKind};
use oxc_ast_visit::{Visit, walk};
use plumb_syntax::bounded_arena::with_parse_arena;
use plumb_syntax::{SourceKind, ecma};

use super::js_literal::{property, string};

/// Jest config files written as scripts.
pub(crate) const SCRIPT_CONFIGS: &[&str] = &[
    "jest.config.js",
    "jest.config.cjs",
    "jest.config.mjs",
    "jest.config.ts",
    "jest.config.cts",
    "jest.config.mts",
];

/// `{ "rootDir": ..., "moduleNameMapper": { ... } }` of the config script `text` (its file
/// `name` decides the dialect), as JSON. `None` when it has no literal `moduleNameMapper` or
/// does not parse.
pub(crate) fn script_config(name: &str, text: &str) -> Option<serde_json::Value> {
    let Some(SourceKind::Ecma(kind)) = SourceKind::from_path(std::path::Path::new(name)) else {
        return None;
    };
    // A config the parser cannot read within its budget maps nothing, like one that fails to
    // parse.
    with_parse_arena(text.len(), |allocator| {
        let parsed = ecma::parse(allocator, text, kind);
        if parsed.panicked {
            return None;
        }
        let mut finder = Finder::default();
        finder.visit_program(&parsed.program);
        finder.config
    })
    .ok()
    .flatten()
}

#[derive(Default)]
struct Finder {
    config: Option<serde_json::Value>,
}

impl<'a> Visit<'a> for Finder {
    fn visit_object_expression(&mut self, object: &ObjectExpression<'a>) {
        if self.config.is_some() {
            return;
        }
        if let Some(Expression::ObjectExpression(mapper)) = property(object, "moduleNameMapper") {
            let mut entries = serde_json::Map::new();
            for entry in &mapper.properties {
                let ObjectPropertyKind::ObjectProperty(entry) = entry else {
                    continue;
                };
                let (Some(key), Some(value)) = (entry.key.static_name(), strings(&entry.value))
                else {
                    continue;
                };
                entries.insert(key.to_string(), value);
            }
            let mut config = serde_json::Map::new();
            if let Some(Expression::StringLiteral(root)) = property(object, "rootDir") {
                config.insert("rootDir".into(), root.value.to_string().into());
            }
            config.insert("moduleNameMapper".into(), entries.into());
            self.config = Some(config.into());
            return;
        }
        walk::walk_object_expression(self, object);
    }
}

/// A string (see [`string`]) or an array of them, as JSON.
fn strings(value: &Expression) -> Option<serde_json::Value> {
    match value {
        Expression::ArrayExpression(array) => array
            .elements
            .iter()
            .map(|element| element.as_expression().and_then(string))
            .collect::<Option<Vec<_>>>()
            .map(serde_json::Value::from),
        _ => string(value).map(serde_json::Value::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_literal_mappers_of_a_script_config() {
        let text = r#"
const nextJest = require("next/jest");
const createJestConfig = nextJest({ dir: "./" });
/** @type {import('jest').Config} */
const config = {
  setupFilesAfterEnv: ["<rootDir>/jest.setup.js"],
  moduleNameMapper: {
    "^@/(.*)$": "<rootDir>/src/$1",
    '\\.(css|less)$': "identity-obj-proxy",
    "^~/(.*)$": ["<rootDir>/a/$1", `<rootDir>/b/$1`],
    computed: path.join(__dirname, "x"),
  },
};
module.exports = createJestConfig(config);
"#;
        assert_eq!(
            script_config("jest.config.js", text),
            Some(serde_json::json!({
                "moduleNameMapper": {
                    "^@/(.*)$": "<rootDir>/src/$1",
                    "\\.(css|less)$": "identity-obj-proxy",
                    "^~/(.*)$": ["<rootDir>/a/$1", "<rootDir>/b/$1"],
                }
            }))
        );
        let typed = "import type { Config } from 'jest';\nexport default { rootDir: 'web', moduleNameMapper: { '^@/(.*)$': '<rootDir>/$1' } } satisfies Config;";
        assert_eq!(
            script_config("jest.config.ts", typed),
            Some(serde_json::json!({
                "rootDir": "web",
                "moduleNameMapper": { "^@/(.*)$": "<rootDir>/$1" }
            }))
        );
        assert_eq!(script_config("jest.config.ts", "export default {}"), None);
    }
}
