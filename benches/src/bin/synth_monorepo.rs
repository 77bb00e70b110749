//! `synth-monorepo --files N OUT_DIR`: writes a synthetic application monorepo of exactly N
//! checked files and `OUT_DIR/expected.json` with what plumb should report on it (see
//! `plumb_benches::monorepo`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;

/// Write a synthetic monorepo (Python backend, TypeScript frontend, tests) with injected
/// syntax errors, broken imports, duplicate types and mocks, plus the expected counts.
#[derive(Debug, Parser)]
#[command(name = "synth-monorepo")]
struct Args {
    /// Number of files plumb will check (at least 100). The same number always writes a
    /// byte-identical tree.
    #[arg(long, value_name = "N")]
    files: usize,
    /// Directory to write into: created if missing, must be empty.
    out_dir: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("synth-monorepo: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let expected = plumb_benches::monorepo::write_monorepo(&args.out_dir, args.files)
        .with_context(|| format!("writing {}", args.out_dir.display()))?;
    eprintln!(
        "wrote {} files, {:.1} MB ({} bytes/file) to {} in {:.2} s; expected counts in {}",
        expected.files.total,
        expected.files.bytes as f64 / 1e6,
        expected.files.bytes / expected.files.total as u64,
        args.out_dir.display(),
        started.elapsed().as_secs_f64(),
        args.out_dir.join("expected.json").display(),
    );
    eprintln!(
        "expected: {:?}; mocks {:?}; types {:?}",
        expected.by_rule, expected.mocks, expected.types
    );
    Ok(())
}
