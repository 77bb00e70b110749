//! Stage 4, file rules: every built-in rule with a `file_check` in `Registry::builtin()`, run
//! over facts extracted beforehand, exactly as the engine loops over them per file (language
//! filter, then `check`). A second variant also turns each violation into a `Diagnostic` with its
//! fingerprint, which is the engine's per-violation cost. No parsing and no I/O is measured.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use plumb_benches::Corpus;
use plumb_diagnostics::{Diagnostic, Fingerprint, Severity};
use plumb_facts::{ExtractOptions, FileFacts, extract};
use plumb_rules::{FileContext, Registry, Violation};

struct Prepared {
    path: String,
    is_test: bool,
    language: plumb_diagnostics::Language,
    facts: FileFacts,
}

fn rules(c: &mut Criterion) {
    let corpus = Corpus::load();
    let settings = corpus.settings();
    let options = ExtractOptions {
        python_version: settings.python_version,
    };
    let prepared: Vec<Prepared> = corpus
        .sources(&settings)
        .into_iter()
        .map(|source| Prepared {
            is_test: settings.test_files.is_match(&source.relative),
            language: source.kind.language(),
            facts: extract(&source.text, source.kind, options),
            path: source.relative,
        })
        .collect();
    let registry = Registry::builtin();
    let file_rules = registry
        .iter()
        .filter(|rule| rule.file_check.is_some())
        .count();
    let violations = run(&registry, &prepared, |_, _| {});
    eprintln!(
        "rules: {} -> {} files, {file_rules} file rules, {violations} violations",
        corpus.description(),
        prepared.len()
    );

    let mut group = c.benchmark_group("rules");
    group.throughput(Throughput::Elements(prepared.len() as u64));
    group.bench_function("file_rules", |b| {
        b.iter(|| run(&registry, black_box(&prepared), |_, _| {}))
    });
    group.bench_function("file_rules+diagnostics", |b| {
        b.iter(|| {
            let mut diagnostics = Vec::new();
            run(
                &registry,
                black_box(&prepared),
                |file, (code, name, violation)| {
                    let fingerprint = Fingerprint::compute(
                        code,
                        &file.path,
                        &violation.symbol,
                        &violation.snippet,
                        0,
                    );
                    diagnostics.push(Diagnostic {
                        code: code.to_string(),
                        rule: name.to_string(),
                        severity: Severity::Error,
                        path: file.path.clone(),
                        span: violation.span,
                        message: violation.message,
                        notes: violation.notes,
                        related: Vec::new(),
                        fingerprint,
                    });
                },
            );
            diagnostics
        });
    });
    group.finish();
}

/// Runs every file rule on every file; hands each violation to `sink` and returns their count.
fn run(
    registry: &Registry,
    files: &[Prepared],
    mut sink: impl FnMut(&Prepared, (&'static str, &'static str, Violation)),
) -> usize {
    let mut count = 0;
    let mut violations = Vec::new();
    for file in files {
        let context = FileContext {
            path: &file.path,
            language: file.language,
            is_test: file.is_test,
        };
        for rule in registry.iter() {
            let Some(check) = &rule.file_check else {
                continue;
            };
            if !rule.meta.languages.contains(&context.language) {
                continue;
            }
            check.check(&context, &file.facts, &mut violations);
            count += violations.len();
            for violation in violations.drain(..) {
                sink(file, (rule.meta.code, rule.meta.name, violation));
            }
        }
    }
    count
}

criterion_group!(benches, rules);
criterion_main!(benches);
