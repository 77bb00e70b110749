//! Stage 5, reports: `plumb_report::render` in every `OutputFormat` for a synthetic
//! `CheckOutcome` of 20,000 diagnostics over 1,000 files. The files exist on disk (in a temporary
//! working directory) so that the `full` format renders real miette code frames, as it does in a
//! run; the other formats never read files.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use plumb_diagnostics::{
    CheckOutcome, Diagnostic, FileCounts, FileRecord, FileRole, FileStatus, Fingerprint, Language,
    Position, ScopeCompliance, Severity, Span, Summary,
};
use plumb_report::{OutputFormat, RuleInfo, RunInfo, render};
use plumb_rules::Registry;

const FILES: usize = 1_000;
const PER_FILE: usize = 20;
const LINES: usize = 4 * PER_FILE + 8;

/// Rule codes the synthetic diagnostics cycle through, all of them real built-in codes.
const CODES: [(&str, &str, Severity); 4] = [
    ("SYN001", "syntax-error", Severity::Error),
    ("SUP001", "invalid-suppression", Severity::Warning),
    ("SUP002", "unused-suppression", Severity::Warning),
    ("IO001", "unreadable-file", Severity::Error),
];

/// Writes the source files into `dir` and returns an outcome whose paths are relative to it.
fn synthetic_outcome(dir: &std::path::Path) -> CheckOutcome {
    let mut outcome = CheckOutcome::default();
    let mut by_rule = BTreeMap::<String, usize>::new();
    let mut by_severity = BTreeMap::<String, usize>::new();
    for file_index in 0..FILES {
        let is_test = file_index % 3 == 0;
        let path = if is_test {
            format!(
                "tests/pkg_{:02}/test_module_{file_index:04}.py",
                file_index % 40
            )
        } else {
            format!("src/pkg_{:02}/module_{file_index:04}.py", file_index % 40)
        };
        let mut text = String::new();
        let mut line_starts = Vec::with_capacity(LINES);
        for line in 0..LINES {
            line_starts.push(text.len() as u32);
            let _ = writeln!(
                text,
                "    result_{line} = compute_value({line}, \"text for line {line}\")  # plumb: ignore[SUP002]"
            );
        }
        let absolute = dir.join(&path);
        std::fs::create_dir_all(absolute.parent().expect("has a parent"))
            .expect("create the package directory");
        std::fs::write(&absolute, &text).expect("write a synthetic source file");

        for index in 0..PER_FILE {
            let (code, rule, severity) = CODES[(file_index + index) % CODES.len()];
            let line = 2 + 4 * index;
            let start_byte = line_starts[line - 1] + 4;
            let end_byte = start_byte + 6 + line.to_string().len() as u32;
            let span = Span {
                start: Position {
                    line: line as u32,
                    column: 5,
                },
                end: Position {
                    line: line as u32,
                    column: 5 + end_byte - start_byte,
                },
                start_byte,
                end_byte,
            };
            let notes = if index % 4 == 0 {
                vec![format!("{} further syntax errors in this file", index + 1)]
            } else {
                Vec::new()
            };
            let snippet = format!("result_{line} = compute_value({line})");
            outcome.diagnostics.push(Diagnostic {
                code: code.to_string(),
                rule: rule.to_string(),
                severity,
                path: path.clone(),
                span,
                message: format!("{rule}: synthetic violation {index} of `result_{line}`"),
                notes,
                related: Vec::new(),
                fingerprint: Fingerprint::compute(code, &path, "", &snippet, 0),
                symbol: String::new(),
                baseline: None,
            });
            *by_rule.entry(code.to_string()).or_default() += 1;
            *by_severity
                .entry(severity.as_str().to_string())
                .or_default() += 1;
        }
        outcome.files.push(FileRecord {
            path,
            language: Language::Python,
            role: if is_test {
                FileRole::Test
            } else {
                FileRole::Source
            },
            scopes: vec![if is_test { "tests" } else { "production" }.to_string()],
            status: FileStatus::Unparseable,
            violations: PER_FILE,
            compliant: false,
            rule_counts: Default::default(),
        });
    }
    outcome
        .diagnostics
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let tests = outcome
        .files
        .iter()
        .filter(|file| file.role == FileRole::Test)
        .count();
    outcome.summary = Summary {
        files: FileCounts {
            total: FILES,
            unparseable: FILES,
            by_language_and_role: BTreeMap::from([
                ("python/source".to_string(), FILES - tests),
                ("python/test".to_string(), tests),
            ]),
            ..FileCounts::default()
        },
        violations: outcome.diagnostics.len(),
        by_scope: BTreeMap::from([
            ("production".to_string(), (FILES - tests) * PER_FILE),
            ("tests".to_string(), tests * PER_FILE),
        ]),
        by_rule,
        by_severity,
        gate_severity: Some(Severity::Error),
        compliance: vec![
            ScopeCompliance::new("production".to_string(), FILES - tests, 0),
            ScopeCompliance::new("tests".to_string(), tests, 0),
        ],
        python_target_version: "3.10".to_string(),
        ..Summary::default()
    };
    outcome
}

fn report(c: &mut Criterion) {
    let dir = tempfile::Builder::new()
        .prefix("plumb-bench-report-")
        .tempdir()
        .expect("create a temporary directory");
    let outcome = synthetic_outcome(dir.path());
    // The `full` format reads each file by its (relative) diagnostic path, like in a real run.
    std::env::set_current_dir(dir.path()).expect("enter the temporary directory");
    let run = RunInfo {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        rules: Registry::builtin()
            .iter()
            .map(|rule| RuleInfo {
                code: rule.meta.code.to_string(),
                name: rule.meta.name.to_string(),
                summary: rule.meta.summary.to_string(),
                docs: rule.meta.docs.to_string(),
                default_severity: rule.meta.default_severity,
                enabled: true,
            })
            .collect(),
        working_directory: dir.path().display().to_string(),
        color: false,
        statistics: false,
    };
    let formats = [
        OutputFormat::Full,
        OutputFormat::Concise,
        OutputFormat::Json,
        OutputFormat::Sarif,
    ];
    let sizes: Vec<String> = formats
        .iter()
        .map(|&format| format!("{format} {} bytes", render(format, &outcome, &run).len()))
        .collect();
    eprintln!(
        "report: {} diagnostics in {FILES} files -> {}",
        outcome.diagnostics.len(),
        sizes.join(", ")
    );

    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    group.throughput(Throughput::Elements(outcome.diagnostics.len() as u64));
    for format in formats {
        group.bench_function(format.to_string(), |b| {
            b.iter(|| render(format, black_box(&outcome), &run))
        });
    }
    group.finish();
    drop(dir);
}

criterion_group!(benches, report);
criterion_main!(benches);
