//! The tree-sitter grammars a declarative rule can target, and which files each parses.

use plumb_diagnostics::Language;

/// A rule's `language`. `typescript` covers `.ts`, `.mts`, `.cts`, `.d.ts` and `.tsx` (the last
/// with the TSX grammar, so the query must compile for both); `tsx` only `.tsx`; `javascript`
/// `.js`, `.jsx`, `.mjs`, `.cjs` (its grammar reads JSX).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleLanguage {
    Python,
    Typescript,
    Tsx,
    Javascript,
}

/// One grammar, as a file needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Grammar {
    Python,
    TypeScript,
    Tsx,
    JavaScript,
}

impl Grammar {
    pub(crate) fn language(self) -> tree_sitter::Language {
        match self {
            Grammar::Python => tree_sitter_python::LANGUAGE.into(),
            Grammar::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Grammar::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Grammar::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        }
    }

    /// The grammar a file of `language` at `path` is parsed with.
    pub(crate) fn of(language: Language, path: &str) -> Grammar {
        match language {
            Language::Python => Grammar::Python,
            Language::JavaScript => Grammar::JavaScript,
            Language::TypeScript if path.ends_with(".tsx") => Grammar::Tsx,
            Language::TypeScript => Grammar::TypeScript,
        }
    }
}

impl RuleLanguage {
    /// The language named `name` in a rule file.
    pub fn parse(name: &str) -> Option<RuleLanguage> {
        Some(match name {
            "python" => RuleLanguage::Python,
            "typescript" => RuleLanguage::Typescript,
            "tsx" => RuleLanguage::Tsx,
            "javascript" => RuleLanguage::Javascript,
            _ => return None,
        })
    }

    /// The grammars files of this language are parsed with.
    pub(crate) fn grammars(self) -> &'static [Grammar] {
        match self {
            RuleLanguage::Python => &[Grammar::Python],
            RuleLanguage::Typescript => &[Grammar::TypeScript, Grammar::Tsx],
            RuleLanguage::Tsx => &[Grammar::Tsx],
            RuleLanguage::Javascript => &[Grammar::JavaScript],
        }
    }

    /// plumb's language of the files this targets.
    pub(crate) fn plumb_language(self) -> Language {
        match self {
            RuleLanguage::Python => Language::Python,
            RuleLanguage::Typescript | RuleLanguage::Tsx => Language::TypeScript,
            RuleLanguage::Javascript => Language::JavaScript,
        }
    }
}
