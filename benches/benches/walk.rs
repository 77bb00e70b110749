//! Stage 1, the walk: `plumb_engine::walk::discover` over the corpus root, with the default thread
//! count and with one thread. Measures directory traversal, gitignore and exclusion matching and
//! the final sort; no file is read.

use std::hint::black_box;
use std::slice;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use plumb_benches::Corpus;
use plumb_engine::walk::discover;

fn walk(c: &mut Criterion) {
    let corpus = Corpus::load();
    let mut settings = corpus.settings();
    let root = corpus.root().to_path_buf();
    let default_threads = settings.threads;
    let files = discover(slice::from_ref(&root), &settings, &root)
        .files
        .len();
    eprintln!("walk: {} -> {files} files", corpus.description());

    let mut group = c.benchmark_group("walk");
    group.throughput(Throughput::Elements(files as u64));
    for threads in [default_threads, 1] {
        settings.threads = threads;
        group.bench_function(format!("discover/threads={threads}"), |b| {
            b.iter(|| black_box(discover(slice::from_ref(&root), &settings, &root)));
        });
        if default_threads == 1 {
            break;
        }
    }
    group.finish();
}

criterion_group!(benches, walk);
criterion_main!(benches);
