//! The audit's figures, built once from a check outcome and rendered by every audit format, so
//! text, markdown, json and html cannot disagree. Totals (files, violations per rule, types,
//! mocks, compliance per scope) are the check's own [`Summary`]; this module only breaks them
//! down: per top-level directory, per scope and rule, the files with the most violations, the
//! most duplicated type names and the mocks per test directory.

use std::collections::{BTreeMap, BTreeSet};

use plumb_diagnostics::{
    CheckOutcome, Diagnostic, FileRecord, FileRole, FileStatus, RuleTotals, ScopeCompliance,
    Severity, Summary,
};
use serde::Serialize;

use super::AuditOptions;
use crate::RunInfo;

/// Rows in each "top" list (files, type names, test directories).
pub(crate) const TOP: usize = 20;

/// The version of the audit's JSON document; bump it on incompatible changes.
pub const AUDIT_JSON_VERSION: u32 = 1;

/// Where files directly in the audited directory are counted.
pub(crate) const ROOT_DIRECTORY: &str = ".";

#[derive(Debug, Serialize)]
pub(crate) struct Audit<'o> {
    pub(crate) version: u32,
    pub(crate) tool: Tool,
    /// The audited path, as given.
    pub(crate) root: String,
    /// Violations at or above this severity make a file non-compliant.
    pub(crate) gate_severity: Severity,
    pub(crate) headline: Headline,
    /// `production`, `tests`, configured scopes, `overall` (the check's figures).
    pub(crate) compliance: &'o [ScopeCompliance],
    pub(crate) rules: Vec<RuleCount>,
    pub(crate) families: BTreeMap<String, usize>,
    pub(crate) directories: Vec<Area>,
    pub(crate) scopes: Vec<Area>,
    pub(crate) top_files: Vec<FileRow>,
    /// Files with at least one violation (the top list shows [`TOP`] of them).
    pub(crate) files_with_violations: usize,
    pub(crate) duplicated_types: Vec<TypeGroup>,
    pub(crate) mocks_by_test_directory: Vec<MockDirectory>,
    /// Test directories with at least one mock site (the list shows [`TOP`] of them).
    pub(crate) test_directories_with_mocks: usize,
    pub(crate) notices: &'o [String],
    /// Every violation, in output order.
    pub(crate) violations: Vec<Violation<'o>>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Tool {
    pub(crate) name: &'static str,
    pub(crate) version: String,
}

/// The figures a reader looks at first; also what `--history` records.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Headline {
    pub files_found: usize,
    /// Files read and parsed (with or without syntax errors).
    pub files_checked: usize,
    /// `language/role` to files found, e.g. `python/test`.
    pub by_language_and_role: BTreeMap<String, usize>,
    pub violations: usize,
    pub by_severity: BTreeMap<String, usize>,
    pub by_rule: BTreeMap<String, usize>,
    /// Violations hidden by `plumb: ignore` comments.
    pub suppressed: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub types: Option<TypeCounts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mocks: Option<MockCounts>,
    /// Files with syntax errors in production code and in tests.
    pub syntax_errors: RoleCounts,
    /// IMP001 violations: imports that resolve to nothing.
    pub unresolved_imports: usize,
    pub unreadable: usize,
    /// Skipped for size or binary content.
    pub skipped: usize,
    /// `production`, `tests`, configured scopes and `overall`, as `compliant / files`.
    pub compliance: Vec<ScopeCompliance>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RoleCounts {
    pub production: usize,
    pub tests: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct RuleCount {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) family: String,
    pub(crate) violations: usize,
}

/// A directory or scope: compliance as the check defines it, and violations per rule.
#[derive(Debug, Serialize)]
pub(crate) struct Area {
    #[serde(flatten)]
    pub(crate) compliance: ScopeCompliance,
    pub(crate) violations: usize,
    pub(crate) by_rule: BTreeMap<String, usize>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FileRow {
    pub(crate) path: String,
    pub(crate) role: FileRole,
    pub(crate) violations: usize,
    pub(crate) by_rule: BTreeMap<String, usize>,
}

/// One duplicated type name within one boundary: every file that defines it.
#[derive(Debug, Serialize)]
pub(crate) struct TypeGroup {
    pub(crate) name: String,
    /// Files defining it, sorted.
    pub(crate) files: Vec<String>,
    /// Definitions beyond the first (its TYP001 violations).
    pub(crate) extra_definitions: usize,
    pub(crate) identical: usize,
    pub(crate) divergent: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct MockDirectory {
    pub(crate) directory: String,
    pub(crate) test_files: usize,
    pub(crate) unjustified: usize,
    pub(crate) justified: usize,
    pub(crate) files_with_unjustified: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct Violation<'o> {
    pub(crate) path: &'o str,
    pub(crate) line: u32,
    pub(crate) column: u32,
    pub(crate) code: &'o str,
    pub(crate) severity: Severity,
    pub(crate) message: &'o str,
}

impl<'o> Audit<'o> {
    pub(crate) fn build(outcome: &'o CheckOutcome, run: &RunInfo, options: &AuditOptions) -> Self {
        let summary = &outcome.summary;
        Audit {
            version: AUDIT_JSON_VERSION,
            tool: Tool {
                name: "plumb",
                version: run.tool_version.clone(),
            },
            root: options.root.clone(),
            gate_severity: summary.gate_severity.unwrap_or(Severity::Error),
            headline: headline(outcome),
            compliance: &summary.compliance,
            rules: rule_counts(summary, run),
            families: families(summary),
            directories: directories(outcome, &options.root),
            scopes: scopes(outcome),
            top_files: top_files(outcome),
            files_with_violations: outcome.files.iter().filter(|f| f.violations > 0).count(),
            duplicated_types: duplicated_types(&outcome.diagnostics),
            mocks_by_test_directory: mocks_by_test_directory(outcome),
            test_directories_with_mocks: test_directories_with_mocks(outcome),
            notices: &summary.notices,
            violations: outcome
                .diagnostics
                .iter()
                .map(|diagnostic| Violation {
                    path: &diagnostic.path,
                    line: diagnostic.span.start.line,
                    column: diagnostic.span.start.column,
                    code: &diagnostic.code,
                    severity: diagnostic.severity,
                    message: &diagnostic.message,
                })
                .collect(),
        }
    }
}

/// The headline figures of a check outcome.
pub fn headline(outcome: &CheckOutcome) -> Headline {
    let summary: &Summary = &outcome.summary;
    let mut syntax_errors = RoleCounts::default();
    for file in &outcome.files {
        if file.status == FileStatus::Unparseable {
            match file.role {
                FileRole::Source => syntax_errors.production += 1,
                FileRole::Test => syntax_errors.tests += 1,
            }
        }
    }
    Headline {
        files_found: summary.files.total,
        files_checked: summary.files.checked + summary.files.unparseable,
        by_language_and_role: summary.files.by_language_and_role.clone(),
        violations: summary.violations,
        by_severity: summary.by_severity.clone(),
        by_rule: summary.by_rule.clone(),
        suppressed: summary.suppressed,
        types: summary
            .rule_totals
            .get(DUPLICATE_TYPES)
            .map(TypeCounts::from),
        mocks: summary
            .rule_totals
            .get(UNJUSTIFIED_MOCKS)
            .map(MockCounts::from),
        syntax_errors,
        unresolved_imports: summary.by_rule.get("IMP001").copied().unwrap_or(0),
        unreadable: summary.files.unreadable,
        skipped: summary.files.skipped,
        compliance: summary.compliance.clone(),
    }
}

/// The rules whose totals and violations the audit's own sections break down: the most
/// duplicated type names, mocks per test directory.
const DUPLICATE_TYPES: &str = "TYP001";
const UNJUSTIFIED_MOCKS: &str = "MCK001";

/// TYP001's totals, as the audit shows and `--history` records them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct TypeCounts {
    pub duplicated_names: usize,
    pub extra_definitions: usize,
    pub identical: usize,
    pub divergent: usize,
}

impl From<&RuleTotals> for TypeCounts {
    fn from(totals: &RuleTotals) -> Self {
        TypeCounts {
            duplicated_names: totals.get("duplicated_names"),
            extra_definitions: totals.get("extra_definitions"),
            identical: totals.get("identical"),
            divergent: totals.get("divergent"),
        }
    }
}

/// MCK001's totals, as the audit shows and `--history` records them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct MockCounts {
    pub unjustified: usize,
    pub justified: usize,
    pub files_with_unjustified: usize,
    pub files_not_checked: usize,
}

impl From<&RuleTotals> for MockCounts {
    fn from(totals: &RuleTotals) -> Self {
        MockCounts {
            unjustified: totals.get("unjustified"),
            justified: totals.get("justified"),
            files_with_unjustified: totals.get("files_with_unjustified"),
            files_not_checked: totals.get("files_not_checked"),
        }
    }
}

/// The rule family of a code: its letters (`IMP` of `IMP001`).
pub(crate) fn family(code: &str) -> String {
    code.chars().take_while(char::is_ascii_alphabetic).collect()
}

fn rule_counts(summary: &Summary, run: &RunInfo) -> Vec<RuleCount> {
    summary
        .by_rule
        .iter()
        .map(|(code, &violations)| RuleCount {
            code: code.clone(),
            name: run
                .rules
                .iter()
                .find(|rule| &rule.code == code)
                .map_or_else(String::new, |rule| rule.name.clone()),
            family: family(code),
            violations,
        })
        .collect()
}

fn families(summary: &Summary) -> BTreeMap<String, usize> {
    let mut families = BTreeMap::new();
    for (code, count) in &summary.by_rule {
        *families.entry(family(code)).or_default() += count;
    }
    families
}

/// `path` without the audited root in front, as the directory breakdown sees it.
fn relative_path<'p>(path: &'p str, root: &str) -> &'p str {
    let root = root.trim_start_matches("./").trim_end_matches('/');
    let path = path.trim_start_matches("./");
    if root.is_empty() || root == "." {
        return path;
    }
    path.strip_prefix(root)
        .and_then(|rest| rest.strip_prefix('/'))
        .unwrap_or(path)
}

/// The top-level directory of a root-relative path.
fn top_level(path: &str) -> &str {
    match path.split_once('/') {
        Some((first, _)) => first,
        None => ROOT_DIRECTORY,
    }
}

/// Violations per file path and rule.
fn rules_per_path(diagnostics: &[Diagnostic]) -> BTreeMap<&str, BTreeMap<String, usize>> {
    let mut per_path: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    for diagnostic in diagnostics {
        *per_path
            .entry(diagnostic.path.as_str())
            .or_default()
            .entry(diagnostic.code.clone())
            .or_default() += 1;
    }
    per_path
}

/// An area's rows while they are added up.
#[derive(Default)]
struct Totals {
    checked: usize,
    compliant: usize,
    not_checked: usize,
    violations: usize,
    by_rule: BTreeMap<String, usize>,
}

impl Totals {
    /// The check's definition: unreadable and skipped files are outside the denominator.
    fn add(&mut self, file: &FileRecord, rules: Option<&BTreeMap<String, usize>>) {
        match file.status {
            FileStatus::Ok | FileStatus::Unparseable => {
                self.checked += 1;
                self.compliant += usize::from(file.compliant);
            }
            FileStatus::Unreadable | FileStatus::Skipped => self.not_checked += 1,
        }
        self.violations += file.violations;
        for (code, count) in rules.into_iter().flatten() {
            *self.by_rule.entry(code.clone()).or_default() += count;
        }
    }

    fn into_area(self, name: String) -> Area {
        Area {
            compliance: ScopeCompliance::new(name, self.checked, self.compliant)
                .with_not_checked(self.not_checked),
            violations: self.violations,
            by_rule: self.by_rule,
        }
    }
}

fn directories(outcome: &CheckOutcome, root: &str) -> Vec<Area> {
    let per_path = rules_per_path(&outcome.diagnostics);
    let mut totals: BTreeMap<&str, Totals> = BTreeMap::new();
    for file in &outcome.files {
        let directory = top_level(relative_path(&file.path, root));
        totals
            .entry(directory)
            .or_default()
            .add(file, per_path.get(file.path.as_str()));
    }
    totals
        .into_iter()
        .map(|(name, totals)| totals.into_area(name.to_string()))
        .collect()
}

/// Each scope of the check's compliance list (`overall` last), with its violations per rule.
fn scopes(outcome: &CheckOutcome) -> Vec<Area> {
    let per_path = rules_per_path(&outcome.diagnostics);
    outcome
        .summary
        .compliance
        .iter()
        .map(|scope| {
            let mut totals = Totals::default();
            for file in &outcome.files {
                if scope.scope == "overall" || file.scopes.contains(&scope.scope) {
                    totals.add(file, per_path.get(file.path.as_str()));
                }
            }
            totals.into_area(scope.scope.clone())
        })
        .collect()
}

/// The [`TOP`] files with the most violations (ties by path).
fn top_files(outcome: &CheckOutcome) -> Vec<FileRow> {
    let per_path = rules_per_path(&outcome.diagnostics);
    let mut files: Vec<&FileRecord> = outcome.files.iter().filter(|f| f.violations > 0).collect();
    files.sort_by(|a, b| b.violations.cmp(&a.violations).then(a.path.cmp(&b.path)));
    files
        .into_iter()
        .take(TOP)
        .map(|file| FileRow {
            path: file.path.clone(),
            role: file.role,
            violations: file.violations,
            by_rule: per_path
                .get(file.path.as_str())
                .cloned()
                .unwrap_or_default(),
        })
        .collect()
}

/// TYP001 violations grouped into duplicated names: one violation per extra definition, whose
/// related locations are the other definitions, so (name, every defining file) identifies a
/// group. The [`TOP`] names defined in the most files, then by name.
fn duplicated_types(diagnostics: &[Diagnostic]) -> Vec<TypeGroup> {
    let mut groups: BTreeMap<(String, BTreeSet<String>), (usize, usize)> = BTreeMap::new();
    for diagnostic in diagnostics.iter().filter(|d| d.code == DUPLICATE_TYPES) {
        let files = diagnostic
            .related
            .iter()
            .map(|related| related.path.clone())
            .chain([diagnostic.path.clone()])
            .collect();
        let (identical, divergent) = groups
            .entry((diagnostic.symbol.clone(), files))
            .or_default();
        // TYP001 notes say how an extra definition differs from the first: none, identical.
        if diagnostic.notes.is_empty() {
            *identical += 1;
        } else {
            *divergent += 1;
        }
    }
    let mut rows: Vec<TypeGroup> = groups
        .into_iter()
        .map(|((name, files), (identical, divergent))| TypeGroup {
            name,
            files: files.into_iter().collect(),
            extra_definitions: identical + divergent,
            identical,
            divergent,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.files
            .len()
            .cmp(&a.files.len())
            .then(a.name.cmp(&b.name))
            .then(a.files.cmp(&b.files))
    });
    rows.truncate(TOP);
    rows
}

/// The directory a test file is in.
fn parent_directory(path: &str) -> &str {
    path.rsplit_once('/').map_or(ROOT_DIRECTORY, |(dir, _)| dir)
}

/// Mock sites per directory of test files: every test directory with a mock site.
fn all_mock_directories(outcome: &CheckOutcome) -> Vec<MockDirectory> {
    let unjustified = rules_per_path(&outcome.diagnostics);
    let mut rows: BTreeMap<&str, MockDirectory> = BTreeMap::new();
    for file in outcome.files.iter().filter(|f| f.role == FileRole::Test) {
        let directory = parent_directory(&file.path);
        let row = rows.entry(directory).or_insert_with(|| MockDirectory {
            directory: directory.to_string(),
            test_files: 0,
            unjustified: 0,
            justified: 0,
            files_with_unjustified: 0,
        });
        let reported = unjustified
            .get(file.path.as_str())
            .and_then(|rules| rules.get(UNJUSTIFIED_MOCKS))
            .copied()
            .unwrap_or(0);
        row.test_files += 1;
        row.unjustified += reported;
        row.justified += file
            .rule_counts
            .get(UNJUSTIFIED_MOCKS)
            .and_then(|counts| counts.get("justified"))
            .copied()
            .unwrap_or(0);
        row.files_with_unjustified += usize::from(reported > 0);
    }
    rows.into_values()
        .filter(|row| row.unjustified + row.justified > 0)
        .collect()
}

/// The [`TOP`] test directories with the most unjustified mocks (then justified, then name).
fn mocks_by_test_directory(outcome: &CheckOutcome) -> Vec<MockDirectory> {
    if !outcome.summary.rule_totals.contains_key(UNJUSTIFIED_MOCKS) {
        return Vec::new();
    }
    let mut rows = all_mock_directories(outcome);
    rows.sort_by(|a, b| {
        b.unjustified
            .cmp(&a.unjustified)
            .then(b.justified.cmp(&a.justified))
            .then(a.directory.cmp(&b.directory))
    });
    rows.truncate(TOP);
    rows
}

fn test_directories_with_mocks(outcome: &CheckOutcome) -> usize {
    if !outcome.summary.rule_totals.contains_key(UNJUSTIFIED_MOCKS) {
        return 0;
    }
    all_mock_directories(outcome).len()
}
