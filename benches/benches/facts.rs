//! Stage 3, facts: `plumb_facts::extract` per file (one parse, syntax verdict, line index,
//! `plumb:` directives from comments), per language and for all files, in memory, one thread.
//! The difference to the `parse` bench is the cost of extraction on top of parsing.
//!
//! `all+mocks` extracts like the engine does with the default rules: test files also get their
//! mock sites (the facts the file rules ask for in test files), source files do not.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use plumb_benches::{Corpus, SourceText, total_bytes};
use plumb_facts::{ExtractOptions, NeededFacts, extract};
use plumb_rules::{FileRole, Registry};
use plumb_syntax::SourceKind;

fn facts(c: &mut Criterion) {
    let corpus = Corpus::load();
    let settings = corpus.settings();
    let options = ExtractOptions::new(settings.python_version);
    let registry = Registry::builtin();
    // The detection of the rule that reads mock sites in test files, if any.
    let detection = registry
        .iter()
        .filter_map(|rule| rule.file_check.as_ref())
        .find_map(|check| check.needed_facts(FileRole::Test).mock_sites);
    let with_mocks = |mocks| ExtractOptions {
        needed: NeededFacts {
            mock_sites: mocks,
            ..NeededFacts::ALL
        },
        ..options
    };
    let sources = corpus.sources(&settings);
    let is_test: Vec<bool> = sources
        .iter()
        .map(|source| settings.test_files.is_match(&source.relative))
        .collect();
    let with_errors = sources
        .iter()
        .filter(|source| {
            extract(&source.text, source.kind, options)
                .is_ok_and(|facts| facts.syntax_error.is_some())
        })
        .count();
    let mock_sites: usize = sources
        .iter()
        .zip(&is_test)
        .filter(|(_, is_test)| **is_test)
        .filter_map(|(source, _)| {
            extract(&source.text, source.kind, with_mocks(detection))
                .ok()
                .and_then(|facts| facts.mock_sites)
        })
        .map(|sites| sites.len())
        .sum();
    eprintln!(
        "facts: {} -> {} files ({} tests), {} bytes, {with_errors} with a syntax error, \
         {mock_sites} mock sites in tests",
        corpus.description(),
        sources.len(),
        is_test.iter().filter(|is_test| **is_test).count(),
        total_bytes(&sources)
    );

    let python: Vec<&SourceText> = sources
        .iter()
        .filter(|source| matches!(source.kind, SourceKind::Python { .. }))
        .collect();
    let ecma: Vec<&SourceText> = sources
        .iter()
        .filter(|source| matches!(source.kind, SourceKind::Ecma(_)))
        .collect();
    let all: Vec<&SourceText> = sources.iter().collect();

    let mut group = c.benchmark_group("facts");
    group.sample_size(10);
    for (name, files) in [("python", &python), ("ecma", &ecma), ("all", &all)] {
        if files.is_empty() {
            continue;
        }
        group.throughput(Throughput::Bytes(total_bytes(files.iter().copied())));
        group.bench_function(name, |b| {
            b.iter(|| {
                files
                    .iter()
                    .map(|source| {
                        black_box(extract(black_box(&source.text), source.kind, options))
                            .map_or(0, |facts| facts.line_count)
                    })
                    .sum::<usize>()
            });
        });
    }
    if detection.is_some() {
        group.throughput(Throughput::Bytes(total_bytes(&sources)));
        group.bench_function("all+mocks", |b| {
            b.iter(|| {
                sources
                    .iter()
                    .zip(&is_test)
                    .map(|(source, is_test)| {
                        let mocks = detection.filter(|_| *is_test);
                        let facts =
                            extract(black_box(&source.text), source.kind, with_mocks(mocks));
                        black_box(facts).map_or(0, |facts| facts.line_count)
                    })
                    .sum::<usize>()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, facts);
criterion_main!(benches);
