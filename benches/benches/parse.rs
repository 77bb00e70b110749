//! Stage 2, parsing: `plumb_syntax::python::parse` (ruff parser plus CPython's compile-time
//! checks) and `plumb_syntax::ecma::parse` (oxc plus TypeScript's grammar checks), one call per
//! file over every file of the language, files already in memory, one thread. Throughput is in
//! source bytes, comparable with the MB/s table in DESIGN.md.
//!
//! `python-parser-only` and `ecma-parser-only` run the bare `ruff_python_parser` and
//! `oxc_parser` with the options plumb gives them, without plumb's extra checks (CPython's
//! compile-time errors; `oxc_semantic` early errors and TypeScript grammar checks), so the
//! difference to `python` / `ecma` is the cost of exact verdicts.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use oxc_allocator::Allocator;
use oxc_parser::{ParseOptions as EcmaParseOptions, Parser};
use plumb_benches::{Corpus, SourceText, total_bytes};
use plumb_syntax::{SourceKind, ecma, python};
use ruff_python_parser::{Mode, ParseOptions as PythonParseOptions};

fn parse(c: &mut Criterion) {
    let corpus = Corpus::load();
    let settings = corpus.settings();
    let target = settings.python_version;
    let sources = corpus.sources(&settings);
    let python: Vec<&SourceText> = sources
        .iter()
        .filter(|source| matches!(source.kind, SourceKind::Python { .. }))
        .collect();
    let ecma: Vec<&SourceText> = sources
        .iter()
        .filter(|source| matches!(source.kind, SourceKind::Ecma(_)))
        .collect();
    eprintln!(
        "parse: {} -> {} Python files ({} bytes, target {target}), {} TS/JS files ({} bytes)",
        corpus.description(),
        python.len(),
        total_bytes(python.iter().copied()),
        ecma.len(),
        total_bytes(ecma.iter().copied()),
    );

    let mut group = c.benchmark_group("parse");
    group.sample_size(10);
    if !python.is_empty() {
        group.throughput(Throughput::Bytes(total_bytes(python.iter().copied())));
        group.bench_function("python", |b| {
            b.iter(|| {
                let mut errors = 0;
                for source in &python {
                    let SourceKind::Python { is_stub } = source.kind else {
                        continue;
                    };
                    errors += python::parse(black_box(&source.text), target, is_stub)
                        .errors
                        .len();
                }
                errors
            });
        });
    }
    if !python.is_empty() {
        let version = ruff_python_ast::PythonVersion {
            major: target.major,
            minor: target.minor,
        };
        group.bench_function("python-parser-only", |b| {
            b.iter(|| {
                let mut errors = 0;
                for source in &python {
                    let options =
                        PythonParseOptions::from(Mode::Module).with_target_version(version);
                    let parsed =
                        ruff_python_parser::parse_unchecked(black_box(&source.text), options);
                    errors += parsed.errors().len();
                }
                errors
            });
        });
    }
    if !ecma.is_empty() {
        group.throughput(Throughput::Bytes(total_bytes(ecma.iter().copied())));
        group.bench_function("ecma", |b| {
            // One arena reset between files, as plumb_facts does on each worker thread.
            let mut allocator = Allocator::default();
            b.iter(|| {
                let mut errors = 0;
                for source in &ecma {
                    let SourceKind::Ecma(kind) = source.kind else {
                        continue;
                    };
                    allocator.reset();
                    errors += ecma::parse(&allocator, black_box(&source.text), kind)
                        .errors
                        .len();
                }
                errors
            });
        });
    }
    if !ecma.is_empty() {
        group.bench_function("ecma-parser-only", |b| {
            let mut allocator = Allocator::default();
            b.iter(|| {
                let mut errors = 0;
                for source in &ecma {
                    let SourceKind::Ecma(kind) = source.kind else {
                        continue;
                    };
                    allocator.reset();
                    let options = EcmaParseOptions {
                        parse_regular_expression: true,
                        ..EcmaParseOptions::default()
                    };
                    let parsed =
                        Parser::new(&allocator, black_box(&source.text), ecma::source_type(kind))
                            .with_options(options)
                            .parse();
                    errors += parsed.diagnostics.len();
                }
                errors
            });
        });
    }
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
