//! A rule family the engine has never heard of, added from outside it: its facts, violations,
//! suppressions and summary totals all go through the generic rule interface, so adding a
//! family never means editing `plumb_engine` (issue 13, "A new family never touches the
//! engine").

use std::path::PathBuf;

use plumb_engine::{Overrides, Settings, check};
use plumb_rules::{
    Count, FileContext, FileFacts, FileRole, FileRule, Language, NeededFacts, RegisteredRule,
    Registry, RuleMeta, RuleScope, Severity, Span, TotalsSpec, Violation,
};

/// `ZZZ001`: a test function longer than two lines. Reads function sizes in test files only,
/// and keeps totals: functions examined, functions reported (after suppressions), files with one.
struct LongTestFunction;

static META: RuleMeta = RuleMeta {
    code: "ZZZ001",
    name: "long-test-function",
    family: "ZZZ",
    scope: RuleScope::File,
    languages: &[Language::Python],
    default_severity: Severity::Error,
    since: "0.0.0",
    default_enabled: true,
    summary: "A test function longer than two lines.",
    docs: "A test function longer than two lines.",
};

impl FileRule for LongTestFunction {
    fn check(&self, file: &FileContext<'_>, facts: &FileFacts, violations: &mut Vec<Violation>) {
        if !file.is_test {
            return;
        }
        for function in facts.functions.iter().filter(|function| function.lines > 2) {
            violations.push(Violation {
                span: Span::file_start(),
                message: format!("`{}` has {} lines", function.name, function.lines),
                notes: Vec::new(),
                symbol: function.name.clone(),
                snippet: function.name.clone(),
                related: Vec::new(),
            });
        }
    }

    fn needed_facts(&self, role: FileRole) -> NeededFacts<'_> {
        NeededFacts {
            functions: role == FileRole::Test,
            ..NeededFacts::NONE
        }
    }

    fn totals(&self) -> Option<TotalsSpec> {
        Some(TotalsSpec {
            title: "Test functions",
            counts: &["examined", "too_long", "files_with_too_long"],
        })
    }

    fn count_file(
        &self,
        file: &FileContext<'_>,
        facts: Option<&FileFacts>,
        _found: &[Violation],
    ) -> Option<Vec<Count>> {
        let facts = facts.filter(|_| file.is_test)?;
        Some(vec![
            Count::Value(facts.functions.len()),
            Count::Violations,
            Count::FileWithViolations,
        ])
    }
}

fn registry() -> Registry {
    let mut registry = Registry::builtin();
    registry.extend([RegisteredRule {
        meta: &META,
        file_check: Some(Box::new(LongTestFunction)),
        project_check: None,
        configure: None,
    }]);
    registry
}

fn write(root: &std::path::Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_family_from_outside_the_engine_gets_facts_suppressions_and_totals() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "pyproject.toml", "[project]\nname = \"demo\"\n");
    write(
        root,
        "tests/test_a.py",
        "def test_short():\n    pass\n\n\ndef test_long():\n    x = 1\n    assert x\n",
    );
    write(
        root,
        "tests/test_b.py",
        "def test_long():  # plumb: ignore[ZZZ001]: a fixture table, kept whole\n    x = 1\n    assert x\n",
    );
    write(
        root,
        "app/long.py",
        "def long():\n    x = 1\n    return x\n",
    );
    let registry = registry();
    let overrides = Overrides {
        isolated: true,
        no_cache: true,
        select: Some(vec!["ZZZ".to_string()]),
        ..Overrides::default()
    };
    let settings = Settings::resolve(root, &overrides, &registry).unwrap();
    let outcome = check(&[PathBuf::from(root)], &settings, &registry).unwrap();

    let codes: Vec<(&str, &str)> = outcome
        .diagnostics
        .iter()
        .map(|diagnostic| (diagnostic.path.as_str(), diagnostic.code.as_str()))
        .collect();
    assert_eq!(codes.len(), 1, "{codes:?}");
    assert!(codes[0].0.ends_with("tests/test_a.py"), "{codes:?}");
    assert_eq!(outcome.summary.suppressed, 1);

    let totals = &outcome.summary.rule_totals["ZZZ001"];
    assert_eq!(totals.title, "Test functions");
    let counts: Vec<(&str, usize)> = totals
        .counts
        .iter()
        .map(|(name, count)| (name.as_str(), *count))
        .collect();
    // Three test functions examined in two test files; the suppressed one is not counted as
    // reported, and the source file is none of the rule's business.
    assert_eq!(
        counts,
        [("examined", 3), ("too_long", 1), ("files_with_too_long", 1)]
    );
    let per_file: Vec<&str> = outcome
        .files
        .iter()
        .filter(|file| file.rule_counts.contains_key("ZZZ001"))
        .map(|file| file.path.as_str())
        .collect();
    assert_eq!(per_file.len(), 2, "{per_file:?}");
}
