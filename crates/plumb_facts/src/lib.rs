//! What the rules need to know about one file, extracted from a single parse and then owned,
//! small and serializable. The AST is dropped once facts are taken, so project-wide rules and the
//! cache work from facts alone.

pub mod directives;
pub mod functions;
pub mod imports;
pub mod index;
pub mod mocks;
pub mod paths;
pub mod resolve;
pub mod types;

use plumb_diagnostics::{LineIndex, Span};
use plumb_syntax::bounded_arena::{OverBudget, with_parse_arena};
use plumb_syntax::{PythonVersion, SourceKind, ecma, python};
use ruff_python_ast::token::TokenKind;
use ruff_text_size::Ranged;
use serde::{Deserialize, Serialize};

pub use directives::{Directive, DirectiveKind, DirectiveProblem};
pub use functions::FunctionSpan;
pub use imports::{EcmaImport, EcmaImportKind, ImportHook, PyImport, PythonImports};
pub use index::{IndexedFile, ProjectIndex, PythonTarget};
pub use mocks::{MockDetection, MockSite};
pub use paths::PathMatcher;
pub use types::{TypeDefinition, TypeKind, TypeMember};

/// The first syntax error of a file and how many more followed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyntaxFacts {
    pub span: Span,
    pub message: String,
    pub further_errors: usize,
    /// The offending line, trimmed, for fingerprints and code frames.
    pub snippet: String,
    /// The file parsed completely and only a later compile stage rejects it (CPython's symbol
    /// table: `await` outside `async`, `import *` in a function): its facts were extracted as
    /// for a file that compiles, and rules other than SYN001 judge it too.
    #[serde(default)]
    pub after_parse: bool,
}

/// Everything per-file rules and the engine read about one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFacts {
    /// `Some` when the file's compiler would reject it.
    pub syntax_error: Option<SyntaxFacts>,
    /// `plumb:` directives found in comments.
    pub directives: Vec<Directive>,
    /// Physical lines, as `wc -l` counts them plus an unterminated last line: `a\nb` and
    /// `a\nb\n` both have 2, an empty file 0.
    pub line_count: usize,
    /// Mock sites, when the file was examined for them: a test file that parsed (a Python
    /// file that fails only CPython's compile stage included), with mock detection enabled.
    /// `None` otherwise (source files, test files the parser rejects).
    pub mock_sites: Option<Vec<MockSite>>,
    /// Named types the file defines (classes, interfaces, aliases, enums...), from every file
    /// that parsed without syntax errors or with compile-stage ones only; empty otherwise. Which ones count as duplicates is
    /// TYP001's decision.
    pub type_definitions: Vec<TypeDefinition>,
    /// A Python module's imports and module-level names; `None` for other languages and for
    /// files the parser rejects.
    pub python_imports: Option<PythonImports>,
    /// A TypeScript/JavaScript file's module specifiers (empty when it does not compile).
    pub ecma_imports: Vec<EcmaImport>,
    /// Modules a TypeScript file declares ambiently (`declare module "x"`), patterns included.
    pub ecma_ambient_modules: Vec<String>,
    /// Named functions and their sizes, when [`NeededFacts::functions`] asked for them and the
    /// file compiles; empty otherwise.
    pub functions: Vec<FunctionSpan>,
}

/// Options that change what a parse means, and which facts are worth extracting.
#[derive(Debug, Clone, Copy)]
pub struct ExtractOptions<'a> {
    pub python_version: PythonVersion,
    /// Which facts the enabled rules read: the others are not extracted, so a run with only
    /// syntax rules (a pre-commit hook with `--select SYN`) does not pay for them.
    pub needed: NeededFacts<'a>,
}

impl ExtractOptions<'static> {
    /// Every fact but mock sites (which need a [`MockDetection`]), for `version`.
    pub fn new(python_version: PythonVersion) -> Self {
        ExtractOptions {
            python_version,
            needed: NeededFacts::ALL,
        }
    }
}

/// The optional facts of [`FileFacts`] a rule reads, for a file of one role (a rule may want
/// mock sites from test files only). Syntax errors, directives and line counts are always
/// extracted (suppressions and SYN001 need them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NeededFacts<'a> {
    /// [`FileFacts::type_definitions`].
    pub type_definitions: bool,
    /// [`FileFacts::python_imports`], [`FileFacts::ecma_imports`] and
    /// [`FileFacts::ecma_ambient_modules`].
    pub imports: bool,
    /// [`FileFacts::functions`]: read by file rules only, so it never makes the engine read
    /// the rest of a project as context.
    pub functions: bool,
    /// [`FileFacts::mock_sites`], found as the detection says (a rule's options decide what
    /// counts as a mock). Read by file rules only, like `functions`.
    pub mock_sites: Option<&'a MockDetection>,
}

impl<'a> NeededFacts<'a> {
    pub const NONE: NeededFacts<'static> = NeededFacts {
        type_definitions: false,
        imports: false,
        functions: false,
        mock_sites: None,
    };
    /// Every fact that needs no parameters (not mock sites).
    pub const ALL: NeededFacts<'static> = NeededFacts {
        type_definitions: true,
        imports: true,
        functions: true,
        mock_sites: None,
    };

    /// What either needs. Two different mock detections cannot be honoured at once: the first
    /// is kept (one rule reads mock sites).
    pub fn union(self, other: NeededFacts<'a>) -> NeededFacts<'a> {
        NeededFacts {
            type_definitions: self.type_definitions || other.type_definitions,
            imports: self.imports || other.imports,
            functions: self.functions || other.functions,
            mock_sites: self.mock_sites.or(other.mock_sites),
        }
    }

    /// Whether these facts are read across files (by project rules), so that a run checking
    /// part of a project needs the rest of it as context.
    pub fn across_files(self) -> bool {
        self.type_definitions || self.imports
    }

    /// Only the facts read across files: what a file read for context needs.
    pub fn across(self) -> NeededFacts<'a> {
        NeededFacts {
            functions: false,
            mock_sites: None,
            ..self
        }
    }

    /// Drops from `facts` what `self` does not need (facts taken from a cache entry extracted
    /// for more), so they cost no memory until the end of the run.
    pub fn retain(self, facts: &mut FileFacts) {
        if !self.type_definitions {
            facts.type_definitions = Vec::new();
        }
        if !self.imports {
            facts.python_imports = None;
            facts.ecma_imports = Vec::new();
            facts.ecma_ambient_modules = Vec::new();
        }
        if !self.functions {
            facts.functions = Vec::new();
        }
        if self.mock_sites.is_none() {
            facts.mock_sites = None;
        }
    }
}

/// Parses `text` once with the right parser and extracts its facts: those `options.needed`
/// names, besides the syntax verdict, directives and line count every file gets. `Err` when the
/// TypeScript/JavaScript parser needed more than its memory budget (nothing is known then).
pub fn extract(
    text: &str,
    kind: SourceKind,
    options: ExtractOptions<'_>,
) -> Result<FileFacts, OverBudget> {
    let mock_detection = options.needed.mock_sites;
    let index = match kind {
        SourceKind::Python { .. } => LineIndex::new(text),
        SourceKind::Ecma(_) => LineIndex::ecma(text),
    };
    let mut facts = FileFacts::default();
    let (errors, comments, after_parse) = match kind {
        SourceKind::Python { is_stub } => {
            let parsed = python::parse(text, options.python_version, is_stub);
            let comments: Vec<(u32, u32)> = parsed
                .parsed
                .iter()
                .flat_map(|parsed| parsed.tokens().iter())
                .filter(|token| token.kind() == TokenKind::Comment)
                .map(|token| (token.start().to_u32(), token.end().to_u32()))
                .collect();
            // A file the parser rejects is not examined further: its SYN001 says why, and what
            // it defines, imports or mocks cannot be known reliably from a recovered tree. One
            // that only fails CPython's compile stage has its complete tree: it is examined.
            if let Some(module) = parsed.parsed.as_ref().filter(|_| parsed.parser_accepted) {
                let module = module.syntax();
                facts.mock_sites = mock_detection.map(|detection| {
                    mocks::python::extract(text, &index, module, &comments, detection)
                });
                if options.needed.type_definitions {
                    facts.type_definitions = types::python::extract(text, &index, module);
                }
                if options.needed.imports {
                    facts.python_imports = Some(imports::python::extract(text, &index, module));
                }
                if options.needed.functions {
                    facts.functions = functions::python::extract(text, &index, module);
                }
            }
            (parsed.errors, comments, parsed.parser_accepted)
        }
        SourceKind::Ecma(ecma_kind) => with_parse_arena(text.len(), |allocator| {
            let parsed = ecma::parse(allocator, text, ecma_kind);
            let comments: Vec<(u32, u32)> = parsed
                .program
                .comments
                .iter()
                .map(|comment| (comment.span.start, comment.span.end))
                .collect();
            if parsed.errors.is_empty() && !parsed.panicked {
                let program = &parsed.program;
                facts.mock_sites = mock_detection.map(|detection| {
                    mocks::ecma::extract(text, &index, program, &comments, detection)
                });
                if options.needed.type_definitions {
                    let is_declaration_file = ecma_kind == plumb_syntax::EcmaKind::Dts;
                    facts.type_definitions =
                        types::ecma::extract(text, &index, program, is_declaration_file);
                }
                if options.needed.imports {
                    (facts.ecma_imports, facts.ecma_ambient_modules) =
                        imports::ecma::extract(text, &index, program);
                }
                if options.needed.functions {
                    facts.functions = functions::ecma::extract(text, &index, program);
                }
            }
            (parsed.errors, comments, false)
        })?,
    };

    let syntax_error = errors.first().map(|first| {
        let span = index.span(text, first.start, first.end);
        SyntaxFacts {
            span,
            message: first.message.clone(),
            further_errors: errors.len() - 1,
            snippet: line_text(text, &index, span.start.line).trim().to_string(),
            after_parse,
        }
    });
    let directives = comments
        .into_iter()
        .filter_map(|(start, end)| directives::parse_comment(text, &index, start, end))
        .collect();
    Ok(FileFacts {
        syntax_error,
        directives,
        line_count: physical_lines(text, &index),
        ..facts
    })
}

/// Lines as [`FileFacts::line_count`] counts them.
fn physical_lines(text: &str, index: &LineIndex) -> usize {
    if text.is_empty() {
        0
    } else if index.line_start(index.line_count() as u32) == Some(text.len() as u32) {
        // The last line break ends the file: no line follows it.
        index.line_count() - 1
    } else {
        index.line_count()
    }
}

/// Every character that ends a line in some language; `index` decides which of them do.
const LINE_BREAKS: [char; 4] = ['\n', '\r', '\u{2028}', '\u{2029}'];

/// The text of 1-based `line`, without its line break.
pub fn line_text<'t>(text: &'t str, index: &LineIndex, line: u32) -> &'t str {
    let Some(start) = index.line_start(line) else {
        return "";
    };
    let end = index
        .line_start(line + 1)
        .map_or(text.len(), |next| next as usize);
    let line = &text[start as usize..end];
    // Without its line break: `\r\n` or one of the others.
    line.strip_suffix("\r\n")
        .or_else(|| line.strip_suffix(LINE_BREAKS))
        .unwrap_or(line)
}
