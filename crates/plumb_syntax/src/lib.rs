//! The parsing boundary: which language a path is, and exact syntax verdicts.
//!
//! Python goes through `ruff_python_parser` and TypeScript/JavaScript through `oxc_parser`, each
//! extended with the compile-time checks the reference compiler (CPython, TypeScript) performs
//! beyond its grammar, so that "has a syntax error" means the same thing as for the real tool.

pub mod bounded_arena;
pub mod ecma;
pub mod python;

use plumb_diagnostics::Language;
use ruff_text_size::TextRange;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// One syntax error: a byte range in the file and the compiler-style message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyntaxError {
    pub start: u32,
    pub end: u32,
    pub message: String,
}

impl SyntaxError {
    fn new(range: TextRange, message: String) -> Self {
        SyntaxError {
            start: range.start().to_u32(),
            end: range.end().to_u32(),
            message,
        }
    }
}

/// A Python version such as 3.11, the target that decides which syntax is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PythonVersion {
    pub major: u8,
    pub minor: u8,
}

impl PythonVersion {
    /// Used when neither config nor `requires-python` says otherwise: the oldest CPython release
    /// still receiving security fixes on this project's start date, so nothing newer is assumed.
    pub const DEFAULT: PythonVersion = PythonVersion {
        major: 3,
        minor: 10,
    };
    pub const OLDEST: PythonVersion = PythonVersion { major: 3, minor: 7 };
    pub const NEWEST: PythonVersion = PythonVersion {
        major: 3,
        minor: 14,
    };
}

impl fmt::Display for PythonVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl FromStr for PythonVersion {
    type Err = String;

    /// Accepts `3.11`, `py311` and `311`-style spellings (ruff's `target-version` uses `py311`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let digits = trimmed.strip_prefix("py").unwrap_or(trimmed);
        let (major, minor) = match digits.split_once('.') {
            Some((major, minor)) => (major.parse::<u8>().ok(), minor.parse::<u8>().ok()),
            None if digits.len() >= 2 && digits.starts_with('3') => {
                (Some(3), digits[1..].parse::<u8>().ok())
            }
            None => (None, None),
        };
        let (Some(major), Some(minor)) = (major, minor) else {
            return Err(format!(
                "`{text}` is not a Python version; write it like `3.11`"
            ));
        };
        let version = PythonVersion { major, minor };
        if version < Self::OLDEST || version > Self::NEWEST {
            return Err(format!(
                "Python {version} is not supported; use {} to {}",
                Self::OLDEST,
                Self::NEWEST
            ));
        }
        Ok(version)
    }
}

impl TryFrom<String> for PythonVersion {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<PythonVersion> for String {
    fn from(version: PythonVersion) -> String {
        version.to_string()
    }
}

/// The TypeScript/JavaScript dialect a file extension selects (TypeScript's `ScriptKind` plus the
/// module-ness that `.mts`/`.cts`/`.mjs`/`.cjs` imply).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EcmaKind {
    Ts,
    Tsx,
    Mts,
    Cts,
    Dts,
    Js,
    Jsx,
    Mjs,
    Cjs,
}

/// What parser a file needs, decided from its name alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SourceKind {
    Python { is_stub: bool },
    Ecma(EcmaKind),
}

impl SourceKind {
    /// Recognises `.py`, `.pyi`, `.ts`, `.tsx`, `.mts`, `.cts`, `.d.ts` (and `.d.mts`/`.d.cts`),
    /// `.js`, `.jsx`, `.mjs`, `.cjs`. Anything else is not ours to check.
    /// A name that is not valid Unicode (possible on Unix) is judged by its readable part, so
    /// `caf\xE9.py` is still Python and gets checked (and reported under a lossy name) rather
    /// than silently passed over.
    pub fn from_path(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_string_lossy();
        let name = name.as_ref();
        let extension = path.extension()?.to_string_lossy();
        let extension = extension.as_ref();
        let is_declaration = [".d.ts", ".d.mts", ".d.cts"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
            || (name.contains(".d.") && extension == "ts");
        Some(match extension {
            "py" => SourceKind::Python { is_stub: false },
            "pyi" => SourceKind::Python { is_stub: true },
            _ if is_declaration => SourceKind::Ecma(EcmaKind::Dts),
            "ts" => SourceKind::Ecma(EcmaKind::Ts),
            "tsx" => SourceKind::Ecma(EcmaKind::Tsx),
            "mts" => SourceKind::Ecma(EcmaKind::Mts),
            "cts" => SourceKind::Ecma(EcmaKind::Cts),
            "js" => SourceKind::Ecma(EcmaKind::Js),
            "jsx" => SourceKind::Ecma(EcmaKind::Jsx),
            "mjs" => SourceKind::Ecma(EcmaKind::Mjs),
            "cjs" => SourceKind::Ecma(EcmaKind::Cjs),
            _ => return None,
        })
    }

    pub fn language(self) -> Language {
        match self {
            SourceKind::Python { .. } => Language::Python,
            SourceKind::Ecma(EcmaKind::Js | EcmaKind::Jsx | EcmaKind::Mjs | EcmaKind::Cjs) => {
                Language::JavaScript
            }
            SourceKind::Ecma(_) => Language::TypeScript,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn python_errors(source: &str) -> Vec<String> {
        python::parse(
            source,
            PythonVersion {
                major: 3,
                minor: 11,
            },
            false,
        )
        .errors
        .into_iter()
        .map(|error| error.message)
        .collect()
    }

    fn ecma_errors(source: &str, kind: EcmaKind) -> Vec<String> {
        let allocator = oxc_allocator::Allocator::default();
        ecma::parse(&allocator, source, kind)
            .errors
            .into_iter()
            .map(|e| e.message)
            .collect()
    }

    #[test]
    fn python_compile_time_errors_are_reported() {
        for source in [
            "return 1\n",
            "def f():\n    await x\n",
            "nonlocal x\n",
            "f(a=1, a=2)\n",
            "import os\nfrom __future__ import annotations\n",
            "break\n",
            "for x in y:\n    pass\nelse:\n    break\n",
            "def f():\n    [(yield) for x in y]\n",
            "try:\n    pass\nexcept:\n    pass\nexcept ValueError:\n    pass\n",
            "if x:\n        a = 1\n\tb = 2\n",
            "def f():\n    x = 1\n    def g():\n        x = 2\n        nonlocal x\n",
        ] {
            assert!(!python_errors(source).is_empty(), "accepted: {source:?}");
        }
    }

    #[test]
    fn python_valid_scoping_is_accepted() {
        for source in [
            "def f():\n    return 1\n",
            "async def f():\n    await x\n    [await y for y in z]\n",
            "def f():\n    x = 1\n    def g():\n        nonlocal x\n",
            "while True:\n    if x:\n        break\n",
            "def f():\n    (await x for x in y)\n",
            "lambda: (yield)\n",
            "if x:\n\ta = 1\n\tif y:\n\t\tb = 2\n",
            "if x:\n    a = (1,\n\t2)\n",
        ] {
            assert_eq!(
                python_errors(source),
                Vec::<String>::new(),
                "rejected: {source:?}"
            );
        }
    }

    #[test]
    fn python_versions_decide_syntax() {
        let type_alias = "type X = int\n";
        assert!(!python_errors(type_alias).is_empty());
        let parsed = python::parse(
            type_alias,
            PythonVersion {
                major: 3,
                minor: 12,
            },
            false,
        );
        assert!(parsed.errors.is_empty());
    }

    #[test]
    fn typescript_grammar_errors_oxc_accepts() {
        assert!(!ecma_errors("interface I { children ReactNode; }\n", EcmaKind::Ts).is_empty());
        assert!(!ecma_errors("declare function (p): R;\n", EcmaKind::Ts).is_empty());
        assert!(!ecma_errors("function f(r: () = number) {}\n", EcmaKind::Ts).is_empty());
        assert!(ecma_errors("type F = (a: string) =>\n  number;\n", EcmaKind::Ts).is_empty());
        assert!(ecma_errors("type C = new () => object;\n", EcmaKind::Ts).is_empty());
        assert!(ecma_errors("export default function () {}\n", EcmaKind::Ts).is_empty());
        assert!(!ecma_errors("export const o = { a: 1, 'a': 2 };\n", EcmaKind::Ts).is_empty());
        assert!(
            !ecma_errors(
                "export const o = { get a() { return 1 }, a: 2 };\n",
                EcmaKind::Ts
            )
            .is_empty()
        );
        assert!(
            ecma_errors(
                "export const o = { get a() { return 1 }, set a(v) {} };\n",
                EcmaKind::Ts
            )
            .is_empty()
        );
        assert!(ecma_errors("export const o = { a() {}, a() {} };\n", EcmaKind::Ts).is_empty());
        assert!(ecma_errors("var o = { a: 1, a: 2 };\n", EcmaKind::Js).is_empty());
        assert!(
            ecma_errors(
                "interface I { a: string, b: number\n c(): void }\n",
                EcmaKind::Ts
            )
            .is_empty()
        );
    }

    /// oxc drops a `from` that no module string follows; TypeScript reports TS1109/TS1141.
    #[test]
    fn export_list_from_needs_a_module_string() {
        for source in [
            "export { B } from ;\"./b\"\n",
            "export type { B } from ;\"./b\"\n",
            "export {} from ;\"./b\"\n",
            "export { B, } from /* c */ ;\"./b\"\n",
            "export { B }\nfrom;\n",
            "export { B } from\n",
        ] {
            assert!(
                !ecma_errors(source, EcmaKind::Ts).is_empty(),
                "accepted: {source:?}"
            );
        }
        for source in [
            "const B = 1;\nexport { B };\n",
            "export { B } from \"./b\";\n",
            "export { B } /* from */;\n",
            "const from = 1;\nexport { from };\n",
        ] {
            assert!(
                ecma_errors(source, EcmaKind::Ts).is_empty(),
                "rejected: {source:?}"
            );
        }
    }

    #[test]
    fn ambient_contexts_reject_statements_and_redundant_declare() {
        let statement = "declare namespace N {\n  export const a: number;\n  a;\n}\n";
        assert!(!ecma_errors(statement, EcmaKind::Ts).is_empty());
        let redeclared = "declare module \"m\" {\n  export declare const a: number;\n}\n";
        assert!(!ecma_errors(redeclared, EcmaKind::Ts).is_empty());
        let fine = "declare module \"m\" {\n  export const a: number;\n  export * from \"n\";\n}\nnamespace N {\n  export declare const b: number;\n  b;\n}\n";
        assert_eq!(ecma_errors(fine, EcmaKind::Ts), Vec::<String>::new());
    }

    #[test]
    fn versions_parse_in_common_spellings() {
        assert_eq!(
            "3.11".parse(),
            Ok(PythonVersion {
                major: 3,
                minor: 11
            })
        );
        assert_eq!(
            "py312".parse(),
            Ok(PythonVersion {
                major: 3,
                minor: 12
            })
        );
        assert!("2.7".parse::<PythonVersion>().is_err());
        assert!("banana".parse::<PythonVersion>().is_err());
    }
}
