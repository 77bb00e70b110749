//! One generated file: its text, what plumb should find in it, and the last step that turns the
//! templates' mock-site markers into (some) justification comments.

use crate::templates::JUSTIFY;

use super::expected::Finding;

/// How plumb classifies a file: by extension and by the default test globs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Language {
    Python,
    TypeScript,
    JavaScript,
}

impl Language {
    pub(crate) fn of(path: &str) -> Language {
        if path.ends_with(".py") || path.ends_with(".pyi") {
            Language::Python
        } else if [".js", ".jsx", ".mjs", ".cjs"]
            .iter()
            .any(|extension| path.ends_with(extension))
        {
            Language::JavaScript
        } else {
            Language::TypeScript
        }
    }

    fn comment(self) -> &'static str {
        match self {
            Language::Python => "#",
            Language::TypeScript | Language::JavaScript => "//",
        }
    }
}

/// Reasons MCK001 accepts (at least 10 characters, not on the deny-list).
const ACCEPTED: [&str; 4] = [
    "mock-justification: the payment provider has no sandbox",
    "mock-justification: the event bus is a network service",
    "justification: the HTTP layer would call the real backend",
    "mock-justification: the clock must stand still for this case",
];

/// Justifications MCK001 rejects with its default options: deny-listed, a TODO, too short.
const REJECTED: [&str; 3] = [
    "mock-justification: speed",
    "mock-justification: TODO replace with a fake",
    "mock-justification: flaky",
];

/// A source file plumb checks.
#[derive(Debug)]
pub(crate) struct GenFile {
    /// Relative to the tree's root, `/`-separated.
    pub(crate) path: String,
    pub(crate) text: String,
    pub(crate) test: bool,
    /// Has exactly one syntax error (SYN001); its mocks are not examined.
    pub(crate) broken: bool,
    /// Import lines injected to resolve to nothing (IMP001), as written.
    pub(crate) broken_imports: Vec<String>,
    /// Headers of the duplicate definitions appended to it.
    pub(crate) duplicate_headers: Vec<String>,
    /// Mock sites with an accepted justification / without one (after [`GenFile::justify`]).
    pub(crate) justified: usize,
    pub(crate) unjustified: Vec<usize>,
}

impl GenFile {
    pub(crate) fn new(path: String, text: String, test: bool) -> GenFile {
        GenFile {
            path,
            text,
            test,
            broken: false,
            broken_imports: Vec::new(),
            duplicate_headers: Vec::new(),
            justified: 0,
            unjustified: Vec::new(),
        }
    }

    pub(crate) fn language(&self) -> Language {
        Language::of(&self.path)
    }

    /// Inserts `line` (an import) after the first line that starts with `anchor`.
    pub(crate) fn insert_import(&mut self, anchor: &str, line: String) {
        let at = if self.text.starts_with(anchor) {
            0
        } else {
            self.text
                .find(&format!("\n{anchor}"))
                .unwrap_or_else(|| panic!("{}: no line starts with {anchor:?}", self.path))
                + 1
        };
        let end = self.text[at..]
            .find('\n')
            .map_or(self.text.len(), |end| at + end + 1);
        self.text.insert_str(end, &format!("{line}\n"));
        self.broken_imports.push(line);
    }

    /// Replaces each mock-site marker: with an accepted justification comment on the line above
    /// for 2 sites in 10, a rejected one for 1 in 10, nothing for the rest. `seed` varies the
    /// pattern between files. Records the line of every unjustified site (MCK001's line).
    pub(crate) fn justify(&mut self, seed: usize) {
        let comment = self.language().comment();
        let mut out = String::with_capacity(self.text.len() + 256);
        let mut site = 0;
        for line in self.text.split_inclusive('\n') {
            let Some(at) = line.find(JUSTIFY) else {
                out.push_str(line);
                continue;
            };
            let indent = &line[..at];
            let choice = (seed * 31 + site) % 10;
            let reason = match choice {
                0 | 1 => Some(ACCEPTED[(seed + site) % ACCEPTED.len()]),
                2 => Some(REJECTED[(seed + site) % REJECTED.len()]),
                _ => None,
            };
            if let Some(reason) = reason {
                out.push_str(&format!("{indent}{comment} {reason}\n"));
            }
            // Mocks in a file that does not parse are not examined, so they are not counted.
            if !self.broken {
                if choice < 2 {
                    self.justified += 1;
                } else {
                    self.unjustified.push(out.matches('\n').count() + 1);
                }
            }
            out.push_str(indent);
            out.push_str(&line[at + JUSTIFY.len()..]);
            site += 1;
        }
        self.text = out;
    }

    /// 1-based line of the first line containing `needle`.
    fn line_of(&self, needle: &str) -> usize {
        let at = self
            .text
            .find(needle)
            .unwrap_or_else(|| panic!("{}: {needle:?} not found", self.path));
        self.text[..at].matches('\n').count() + 1
    }

    /// What plumb should report in this file; `typ001` are the headers of the copies that are
    /// not the first of their group.
    pub(crate) fn findings(&self, typ001: &[String]) -> Vec<Finding> {
        let mut findings = Vec::new();
        if self.broken {
            findings.push(Finding::new("SYN001", &self.path, None));
        }
        for import in &self.broken_imports {
            findings.push(Finding::new(
                "IMP001",
                &self.path,
                Some(self.line_of(import)),
            ));
        }
        for header in typ001 {
            findings.push(Finding::new(
                "TYP001",
                &self.path,
                Some(self.line_of(header)),
            ));
        }
        for line in &self.unjustified {
            findings.push(Finding::new("MCK001", &self.path, Some(*line)));
        }
        findings
    }
}
