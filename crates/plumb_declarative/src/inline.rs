//! `plumb test-rules`: each rule's `[tests]` — every `valid` snippet must give no violation,
//! every `invalid` one at least one, for every grammar the rule targets.

use crate::rule::DeclarativeRule;

/// One rule's inline test results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineReport {
    pub id: &'static str,
    pub valid_passed: usize,
    pub valid_total: usize,
    pub invalid_passed: usize,
    pub invalid_total: usize,
    /// What failed: `invalid #2 (Tsx): no match`.
    pub failures: Vec<String>,
}

impl InlineReport {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs `rule`'s inline tests. A rule without any test fails: an untested query is a guess.
pub fn run_inline_tests(rule: &DeclarativeRule) -> InlineReport {
    let tests = rule.inline_tests();
    let grammars: Vec<_> = rule.grammars().collect();
    let mut report = InlineReport {
        id: rule.meta().code,
        valid_passed: 0,
        valid_total: tests.valid.len(),
        invalid_passed: 0,
        invalid_total: tests.invalid.len(),
        failures: Vec::new(),
    };
    if tests.valid.is_empty() || tests.invalid.is_empty() {
        report
            .failures
            .push("needs at least one `valid` and one `invalid` snippet".to_string());
    }
    for (number, snippet) in tests.valid.iter().enumerate() {
        let mut ok = true;
        for &grammar in &grammars {
            let found = rule.matches_in(grammar, snippet);
            if let Some(first) = found.first() {
                ok = false;
                report.failures.push(format!(
                    "valid #{} ({grammar:?}): matched at line {}: {}",
                    number + 1,
                    first.span.start.line,
                    first.message
                ));
            }
        }
        report.valid_passed += usize::from(ok);
    }
    for (number, snippet) in tests.invalid.iter().enumerate() {
        let mut ok = true;
        for &grammar in &grammars {
            if rule.matches_in(grammar, snippet).is_empty() {
                ok = false;
                report
                    .failures
                    .push(format!("invalid #{} ({grammar:?}): no match", number + 1));
            }
        }
        report.invalid_passed += usize::from(ok);
    }
    report
}
