//! Stage 3, facts: `plumb_facts::extract` per file (one parse, syntax verdict, line index,
//! `plumb:` directives from comments), per language and for all files, in memory, one thread.
//! The difference to the `parse` bench is the cost of extraction on top of parsing.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use plumb_benches::{Corpus, SourceText, total_bytes};
use plumb_facts::{ExtractOptions, extract};
use plumb_syntax::SourceKind;

fn facts(c: &mut Criterion) {
    let corpus = Corpus::load();
    let settings = corpus.settings();
    let options = ExtractOptions {
        python_version: settings.python_version,
    };
    let sources = corpus.sources(&settings);
    let with_errors = sources
        .iter()
        .filter(|source| {
            extract(&source.text, source.kind, options)
                .syntax_error
                .is_some()
        })
        .count();
    eprintln!(
        "facts: {} -> {} files, {} bytes, {with_errors} with a syntax error",
        corpus.description(),
        sources.len(),
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
                        black_box(extract(black_box(&source.text), source.kind, options)).line_count
                    })
                    .sum::<usize>()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, facts);
criterion_main!(benches);
