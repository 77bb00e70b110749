//! Function definitions and how many lines each spans, for the size rules (SIZ002).
//!
//! What a line is, the same for Python and TypeScript/JavaScript: the physical lines from the
//! line holding the function's name (the `def` / `function` line, a method's name, or the name
//! an arrow or function expression is assigned to) to the line of its body's last character.
//! Decorators are left out; docstrings, comments and blank lines inside the body count. A
//! nested function is a function of its own, and its lines count towards the enclosing one too.

pub(crate) mod ecma;
pub(crate) mod python;

use plumb_diagnostics::Span;
use serde::{Deserialize, Serialize};

/// One named function (or test callback) and its size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionSpan {
    /// Qualified name inside the file: `Class.method`, `outer.inner`, `it("adds")`.
    pub name: String,
    /// The name's span, where a finding is reported.
    pub span: Span,
    /// Physical lines from the name's line to the body's last line, both included.
    pub lines: u32,
    /// A test function: Python `test*` functions and methods (pytest's and unittest's
    /// default), and callbacks passed to `it(...)` / `test(...)` in TypeScript/JavaScript.
    pub is_test: bool,
}

#[cfg(test)]
mod tests {
    use plumb_syntax::{EcmaKind, PythonVersion, SourceKind};

    use crate::{ExtractOptions, NeededFacts, extract};

    fn sizes(text: &str, kind: SourceKind) -> Vec<(String, u32, bool)> {
        let options = ExtractOptions {
            needed: NeededFacts {
                functions: true,
                ..NeededFacts::NONE
            },
            ..ExtractOptions::new(PythonVersion::DEFAULT)
        };
        extract(text, kind, options)
            .unwrap()
            .functions
            .into_iter()
            .map(|function| (function.name, function.lines, function.is_test))
            .collect()
    }

    #[test]
    fn python_counts_from_the_def_line_without_decorators() {
        let text = "@cache\n@other\ndef f():\n    \"\"\"Doc.\"\"\"\n\n    return 1\n";
        let kind = SourceKind::Python { is_stub: false };
        assert_eq!(sizes(text, kind), [("f".to_string(), 4, false)]);
    }

    #[test]
    fn typescript_names_arrows_by_what_they_are_assigned_to() {
        let text = "const f = (\n  a: number,\n) => {\n  return a;\n};\nit('x', () => {\n});\n";
        let kind = SourceKind::Ecma(EcmaKind::Ts);
        assert_eq!(
            sizes(text, kind),
            [
                ("f".to_string(), 5, false),
                ("it(\"x\")".to_string(), 2, true)
            ]
        );
    }

    #[test]
    fn not_extracted_unless_needed() {
        let kind = SourceKind::Python { is_stub: false };
        let facts = crate::extract(
            "def f():\n    pass\n",
            kind,
            ExtractOptions::new(PythonVersion::DEFAULT),
        );
        assert_eq!(facts.unwrap().functions.len(), 1, "ALL includes functions");
        let options = ExtractOptions {
            needed: NeededFacts::NONE,
            ..ExtractOptions::new(PythonVersion::DEFAULT)
        };
        assert!(
            crate::extract("def f():\n    pass\n", kind, options)
                .unwrap()
                .functions
                .is_empty()
        );
    }

    #[test]
    fn line_count_is_physical_lines() {
        let kind = SourceKind::Python { is_stub: false };
        let count = |text: &str| {
            crate::extract(text, kind, ExtractOptions::new(PythonVersion::DEFAULT))
                .unwrap()
                .line_count
        };
        assert_eq!(count(""), 0);
        assert_eq!(count("a = 1"), 1);
        assert_eq!(count("a = 1\n"), 1);
        assert_eq!(count("a = 1\n\nb = 2"), 3);
    }
}
