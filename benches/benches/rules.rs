//! Stage 4, file rules: every built-in rule with a `file_check` in `Registry::builtin()` (default
//! options), run over facts extracted beforehand, exactly as the engine loops over them per file
//! (language filter, then `check`). Facts are extracted as the engine does with all rules enabled:
//! test files carry their mock sites. `all` runs every file rule, `CODE` one rule alone, and
//! `all+diagnostics` also turns each violation into a `Diagnostic` with its fingerprint, which is
//! the engine's per-violation cost. No parsing and no I/O is measured.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use plumb_benches::Corpus;
use plumb_diagnostics::{Diagnostic, Fingerprint, Language, Severity};
use plumb_facts::{ExtractOptions, FileFacts, NeededFacts, extract};
use plumb_rules::{FileContext, FileRole, RegisteredRule, Registry, Violation};

struct Prepared {
    path: String,
    is_test: bool,
    language: Language,
    facts: FileFacts,
}

fn rules(c: &mut Criterion) {
    let corpus = Corpus::load();
    let settings = corpus.settings();
    let options = ExtractOptions::new(settings.python_version);
    let registry = Registry::builtin();
    let file_rules: Vec<&RegisteredRule> = registry
        .iter()
        .filter(|rule| rule.file_check.is_some())
        .collect();
    let detection = file_rules
        .iter()
        .filter_map(|rule| rule.file_check.as_ref())
        .find_map(|check| check.needed_facts(FileRole::Test).mock_sites);
    let prepared: Vec<Prepared> = corpus
        .sources(&settings)
        .into_iter()
        // A file over the parser's memory budget has no facts for the rules to read.
        .filter_map(|source| {
            let is_test = settings.test_files.is_match(&source.relative);
            let mocks = detection.filter(|_| is_test);
            Some(Prepared {
                is_test,
                language: source.kind.language(),
                facts: extract(
                    &source.text,
                    source.kind,
                    ExtractOptions {
                        needed: NeededFacts {
                            mock_sites: mocks,
                            ..NeededFacts::ALL
                        },
                        ..options
                    },
                )
                .ok()?,
                path: source.relative,
            })
        })
        .collect();
    let counts: Vec<String> = file_rules
        .iter()
        .map(|rule| {
            let count = run(&[rule], &prepared, |_, _| {});
            format!("{} {count}", rule.meta.code)
        })
        .collect();
    eprintln!(
        "rules: {} -> {} files, violations: {}",
        corpus.description(),
        prepared.len(),
        counts.join(", ")
    );

    let mut group = c.benchmark_group("rules");
    group.throughput(Throughput::Elements(prepared.len() as u64));
    group.bench_function("all", |b| {
        b.iter(|| run(&file_rules, black_box(&prepared), |_, _| {}));
    });
    for rule in &file_rules {
        group.bench_function(rule.meta.code, |b| {
            b.iter(|| run(&[rule], black_box(&prepared), |_, _| {}));
        });
    }
    group.bench_function("all+diagnostics", |b| {
        b.iter(|| {
            let mut diagnostics = Vec::new();
            run(
                &file_rules,
                black_box(&prepared),
                |file, (rule, violation)| {
                    let fingerprint = Fingerprint::compute(
                        rule.meta.code,
                        &file.path,
                        &violation.symbol,
                        &violation.snippet,
                        0,
                    );
                    diagnostics.push(Diagnostic {
                        code: rule.meta.code.to_string(),
                        rule: rule.meta.name.to_string(),
                        severity: Severity::Error,
                        path: file.path.clone(),
                        span: violation.span,
                        message: violation.message,
                        notes: violation.notes,
                        related: Vec::new(),
                        fingerprint,
                        symbol: violation.symbol,
                        baseline: None,
                    });
                },
            );
            diagnostics
        });
    });
    group.finish();
}

/// Runs `rules` on every file; hands each violation to `sink` and returns their count.
fn run(
    rules: &[&RegisteredRule],
    files: &[Prepared],
    mut sink: impl FnMut(&Prepared, (&RegisteredRule, Violation)),
) -> usize {
    let mut count = 0;
    let mut violations = Vec::new();
    for file in files {
        let shared = plumb_rules::Shared::default();
        let context = FileContext {
            path: &file.path,
            project_path: &file.path,
            language: file.language,
            is_test: file.is_test,
            source: None,
            shared: &shared,
        };
        for rule in rules {
            let Some(check) = &rule.file_check else {
                continue;
            };
            if !rule.meta.languages.contains(&context.language) {
                continue;
            }
            check.check(&context, &file.facts, &mut violations);
            count += violations.len();
            for violation in violations.drain(..) {
                sink(file, (rule, violation));
            }
        }
    }
    count
}

criterion_group!(benches, rules);
criterion_main!(benches);
