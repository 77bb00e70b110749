//! What the CI formats (`github`, `markdown`, `junit`, `gitlab`) share: which violations fail
//! (with a baseline, only new ones), counts per rule split into new / known / fixed, the full
//! text of a violation, and paths relative to the repository root, which is what GitHub
//! annotations and GitLab Code Quality reports are resolved against.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plumb_diagnostics::{CheckOutcome, Diagnostic};

use crate::text::related_text;

/// The violations the gate counts and the text formats list: all of them without a baseline,
/// the new ones with one (the summaries count the known ones).
pub(crate) fn new_diagnostics(outcome: &CheckOutcome) -> impl Iterator<Item = &Diagnostic> {
    outcome
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_new())
}

/// Violations the baseline lists ("known"); zero without a baseline.
pub(crate) fn known_count(outcome: &CheckOutcome) -> usize {
    outcome
        .diagnostics
        .iter()
        .filter(|diagnostic| !diagnostic.is_new())
        .count()
}

/// One rule's share of the run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RuleCount {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) total: usize,
    pub(crate) new: usize,
    pub(crate) known: usize,
    /// Baseline entries of this rule that no longer occur.
    pub(crate) fixed: usize,
}

/// Counts per rule, most new violations first, then most violations, then by code. Rules whose
/// only trace is fixed baseline entries are included, so the fixed column adds up.
pub(crate) fn rule_counts(outcome: &CheckOutcome) -> Vec<RuleCount> {
    let mut rows: BTreeMap<&str, RuleCount> = BTreeMap::new();
    for diagnostic in &outcome.diagnostics {
        let row = rows.entry(&diagnostic.code).or_insert_with(|| RuleCount {
            code: diagnostic.code.clone(),
            name: diagnostic.rule.clone(),
            ..RuleCount::default()
        });
        row.total += 1;
        if diagnostic.is_new() {
            row.new += 1;
        } else {
            row.known += 1;
        }
    }
    let fixed = outcome.summary.baseline.iter().flat_map(|b| &b.fixed);
    for entry in fixed {
        let row = rows.entry(&entry.code).or_insert_with(|| RuleCount {
            code: entry.code.clone(),
            ..RuleCount::default()
        });
        row.fixed += 1;
    }
    let mut rows: Vec<RuleCount> = rows.into_values().collect();
    rows.sort_by(|a, b| {
        (b.new, b.total)
            .cmp(&(a.new, a.total))
            .then_with(|| a.code.cmp(&b.code))
    });
    rows
}

/// The most important `limit` diagnostics of `diagnostics` (highest severity first, then the
/// usual path order), returned in path order: what a capped listing shows.
pub(crate) fn most_severe<'d>(
    diagnostics: impl Iterator<Item = &'d Diagnostic>,
    limit: usize,
) -> Vec<&'d Diagnostic> {
    let mut kept: Vec<&Diagnostic> = diagnostics.collect();
    if kept.len() > limit {
        kept.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.sort_key().cmp(&b.sort_key()))
        });
        kept.truncate(limit);
        kept.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    kept
}

/// The message followed by its notes and related locations, one per line.
pub(crate) fn full_message(diagnostic: &Diagnostic) -> String {
    let mut text = diagnostic.message.clone();
    for note in &diagnostic.notes {
        text.push('\n');
        text.push_str(note);
    }
    for related in &diagnostic.related {
        text.push('\n');
        text.push_str(&related_text(related));
    }
    text
}

/// Rewrites report paths (relative to the working directory, absolute outside it) as paths
/// relative to the root of the repository holding the working directory: GitHub resolves
/// annotation paths, and GitLab Code Quality paths, against the repository root, while `plumb`
/// may run in a subdirectory (`working-directory: backend`). Outside a repository, or for a path
/// outside it, the report path is kept.
#[derive(Debug, Clone)]
pub(crate) struct RepositoryPaths {
    root: Option<PathBuf>,
    /// The working directory relative to the root, with a trailing `/` unless empty.
    prefix: String,
}

impl RepositoryPaths {
    pub(crate) fn new(working_directory: &str) -> Self {
        let working_directory = Path::new(working_directory);
        let root = working_directory
            .ancestors()
            .find(|dir| dir.join(".git").exists())
            .map(Path::to_path_buf);
        let prefix = root
            .as_ref()
            .and_then(|root| working_directory.strip_prefix(root).ok())
            .map(|inside| {
                let mut prefix = slashes(inside);
                if !prefix.is_empty() {
                    prefix.push('/');
                }
                prefix
            })
            .unwrap_or_default();
        RepositoryPaths { root, prefix }
    }

    pub(crate) fn path(&self, path: &str) -> String {
        let Some(root) = &self.root else {
            return path.to_string();
        };
        if Path::new(path).is_absolute() {
            return Path::new(path)
                .strip_prefix(root)
                .map_or_else(|_| path.to_string(), slashes);
        }
        format!("{}{path}", self.prefix)
    }
}

fn slashes(path: &Path) -> String {
    path.components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use plumb_diagnostics::{
        BaselineEntry, BaselineState, BaselineSummary, Severity, Span, Summary,
    };

    /// The run information unit tests render with: no rules, a working directory that is
    /// not a git repository.
    pub(crate) fn run() -> crate::RunInfo {
        crate::RunInfo {
            tool_version: "0.0.0".into(),
            rules: Vec::new(),
            working_directory: "/nonexistent-plumb-test-dir".into(),
            color: false,
            statistics: false,
        }
    }

    /// A diagnostic for unit tests of the renderers.
    pub(crate) fn diagnostic(
        code: &str,
        path: &str,
        line: u32,
        baseline: Option<BaselineState>,
    ) -> Diagnostic {
        let mut span = Span::file_start();
        span.start.line = line;
        span.end.line = line;
        span.end.column = 5;
        Diagnostic {
            code: code.to_string(),
            rule: format!("rule-of-{}", code.to_lowercase()),
            severity: Severity::Error,
            path: path.to_string(),
            span,
            message: format!("{code} found"),
            notes: Vec::new(),
            related: Vec::new(),
            fingerprint: format!("{code}-{path}-{line}"),
            symbol: String::new(),
            baseline,
        }
    }

    #[test]
    fn counts_split_new_known_and_fixed_per_rule() {
        let outcome = CheckOutcome {
            diagnostics: vec![
                diagnostic("MCK001", "a.py", 1, Some(BaselineState::Unchanged)),
                diagnostic("MCK001", "a.py", 2, Some(BaselineState::New)),
                diagnostic("MCK001", "b.py", 1, Some(BaselineState::Unchanged)),
                diagnostic("SYN001", "c.py", 1, Some(BaselineState::New)),
            ],
            summary: Summary {
                baseline: Some(BaselineSummary {
                    file: ".plumb-baseline.json".into(),
                    root: String::new(),
                    new: 2,
                    known: 2,
                    fixed: vec![BaselineEntry {
                        code: "TYP001".into(),
                        path: "gone.py".into(),
                        symbol: String::new(),
                        message: "gone".into(),
                        fingerprint: "f".into(),
                    }],
                }),
                ..Summary::default()
            },
            ..CheckOutcome::default()
        };
        let rows = rule_counts(&outcome);
        let view: Vec<(&str, usize, usize, usize, usize)> = rows
            .iter()
            .map(|r| (r.code.as_str(), r.total, r.new, r.known, r.fixed))
            .collect();
        assert_eq!(
            view,
            [
                ("MCK001", 3, 1, 2, 0),
                ("SYN001", 1, 1, 0, 0),
                ("TYP001", 0, 0, 0, 1)
            ]
        );
        assert_eq!(new_diagnostics(&outcome).count(), 2);
        assert_eq!(known_count(&outcome), 2);
    }

    #[test]
    fn paths_are_made_relative_to_the_repository_root() {
        let dir = tempfile::tempdir().unwrap();
        let temp = dir.path().canonicalize().unwrap();
        let backend = temp.join("repo/backend");
        std::fs::create_dir_all(&backend).unwrap();
        std::fs::create_dir_all(temp.join("repo/.git")).unwrap();
        let paths = RepositoryPaths::new(&backend.to_string_lossy());
        assert_eq!(paths.path("app/x.py"), "backend/app/x.py");
        let absolute = temp.join("repo/web/y.ts");
        assert_eq!(paths.path(&absolute.to_string_lossy()), "web/y.ts");
        assert_eq!(paths.path("/elsewhere/z.py"), "/elsewhere/z.py");
        let at_root = RepositoryPaths::new(&temp.join("repo").to_string_lossy());
        assert_eq!(at_root.path("app/x.py"), "app/x.py");
    }
}
