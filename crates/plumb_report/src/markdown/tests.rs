use super::*;
use crate::ci::tests::{diagnostic, run};
use plumb_diagnostics::{
    BaselineEntry, BaselineState, BaselineSummary, FileCounts, GateFailure, RuleTotals,
    ScopeCompliance, Severity,
};

/// A large monorepo's day one: 20,000 violations over 4,000 files, a baseline that knows
/// most of them, two failed gate conditions.
fn synthetic(count: usize) -> CheckOutcome {
    let diagnostics: Vec<Diagnostic> = (0..count)
        .map(|index| {
            let code = ["MCK001", "TYP001", "IMP001"][index % 3];
            let path = format!("services/svc{:04}/tests/test_module.py", index % 4000);
            let state = if index % 10 == 0 {
                BaselineState::New
            } else {
                BaselineState::Unchanged
            };
            let mut d = diagnostic(code, &path, (index / 4000 + 1) as u32, Some(state));
            d.message = format!(
                "mock `@patch(\"x.y{index}\")` has no justification | <b>*bold*</b> {}",
                "x".repeat(400)
            );
            d
        })
        .collect();
    let mut summary = Summary {
        files: FileCounts {
            total: 4000,
            checked: 4000,
            ..FileCounts::default()
        },
        violations: count,
        compliance: vec![
            ScopeCompliance::new("production".into(), 2500, 2400),
            ScopeCompliance::new("tests".into(), 1500, 1100),
        ],
        rule_totals: [(
            "MCK001".to_string(),
            RuleTotals {
                title: "Mocks in tests".into(),
                counts: [
                    ("unjustified", 16_000),
                    ("justified", 321),
                    ("files_with_unjustified", 1400),
                    ("files_not_checked", 2),
                ]
                .into_iter()
                .map(|(name, count)| (name.to_string(), count))
                .collect(),
            },
        )]
        .into(),
        gate_failures: vec![
            GateFailure {
                condition: "fail-under tests".into(),
                figure: "73.3%".into(),
                threshold: "80%".into(),
                message: "tests compliance 73.3% is under 80%".into(),
            },
            GateFailure {
                condition: "max MCK001".into(),
                figure: "2,000".into(),
                threshold: "120".into(),
                message: "MCK001 has more new violations than allowed".into(),
            },
        ],
        ..Summary::default()
    };
    summary.baseline = Some(BaselineSummary {
        file: ".plumb-baseline.json".into(),
        root: String::new(),
        new: count / 10,
        known: count - count / 10,
        fixed: vec![BaselineEntry {
            code: "IMP001".into(),
            path: "old.py".into(),
            symbol: String::new(),
            message: "gone".into(),
            fingerprint: "0".into(),
        }],
    });
    CheckOutcome {
        diagnostics,
        files: Vec::new(),
        summary,
    }
}

#[test]
fn twenty_thousand_violations_stay_small_and_keep_the_headline_figures() {
    let text = render(&synthetic(20_000), &run());
    eprintln!("markdown for 20,000 violations: {} bytes", text.len());
    assert!(
        text.len() < 1024 * 1024 / 4,
        "{} bytes: far too close to GitHub's 1 MiB step summary limit",
        text.len()
    );
    for expected in [
        "## plumb: ❌ failed",
        "- **fail-under tests**: tests compliance 73.3% is under 80% (figure 73.3%, threshold 80%)",
        "- **max MCK001**: MCK001 has more new violations than allowed (figure 2,000, threshold 120)",
        "**20,000 violations** in 4,000 files",
        "Baseline `.plumb-baseline.json`: **2,000 new**, 18,000 known, 1 fixed (the baseline is stale",
        "| tests | 1,100 | 1,500 | 73.3% |",
        "| production | 2,400 | 2,500 | 96.0% |",
        "| MCK001 | rule-of-mck001 | 6,667 | 667 | 6,000 | 0 |",
        "| IMP001 | rule-of-imp001 | 6,666 | 666 | 6,000 | 1 |",
        "**Mocks in tests** (MCK001): unjustified 16,000, justified 321",
        "<summary>New violations (2,000)</summary>",
        "… and 1,800 more (highest severity listed first); run `plumb check` locally",
        "… and 3,980 more files with violations.",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // Exactly the cap of violation rows; every message cut.
    let rows = text
        .lines()
        .filter(|line| line.starts_with("| services/"))
        .count();
    assert_eq!(rows, MAX_FILES + MAX_LISTED);
    assert!(!text.contains(&"x".repeat(MAX_MESSAGE_CHARS)));
}

#[test]
fn repository_text_is_escaped() {
    assert_eq!(
        escape("a|b <i>&amp; `c` *d* _e_ [f](g) ~h~ #1 $x$ \\ @patch\r\nnext"),
        "a\\|b &lt;i&gt;&amp;amp; \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) \\~h\\~ \\#1 \\$x\\$ \\\\ @&#8203;patch<br>next"
    );
    let mut d = diagnostic("IMP001", "web/a|b_<c>.ts", 1, None);
    d.message = "cannot resolve `./x|y`\nsecond".into();
    let outcome = CheckOutcome {
        diagnostics: vec![d],
        ..CheckOutcome::default()
    };
    let text = render(&outcome, &run());
    assert!(
        text.contains("| web/a\\|b\\_&lt;c&gt;.ts:1:1 | IMP001 | error | cannot resolve \\`./x\\|y\\`<br>second |"),
        "{text}"
    );
}

#[test]
fn a_run_without_gate_failures_passes_and_without_baseline_has_no_new_column() {
    let mut warning = diagnostic("IMP002", "a.py", 1, None);
    warning.severity = Severity::Warning;
    let outcome = CheckOutcome {
        diagnostics: vec![warning],
        ..CheckOutcome::default()
    };
    let text = render(&outcome, &run());
    assert!(text.starts_with("## plumb: ✅ passed\n"), "{text}");
    assert!(text.contains("| Rule | Name | Violations |\n"), "{text}");
    assert!(text.contains("<summary>Violations (1)</summary>"), "{text}");
    assert!(!text.contains("Baseline"), "{text}");
}

#[test]
fn an_empty_run_says_so() {
    let text = render(&CheckOutcome::default(), &run());
    assert!(text.contains("**0 violations** in 0 files"), "{text}");
    assert!(text.ends_with("Violations: none.\n"), "{text}");
}

#[test]
fn counts_are_grouped_by_thousands() {
    assert_eq!(group(0), "0");
    assert_eq!(group(999), "999");
    assert_eq!(group(1000), "1,000");
    assert_eq!(group(17_812), "17,812");
    assert_eq!(group(1_234_567), "1,234,567");
}
