#!/usr/bin/env bash
# CI's fuzz step: builds every target and runs each for a few seconds on its seed corpus, so a
# target that no longer builds, or an input of the corpus that crashes, fails CI. The long runs
# are `cargo fuzz run` by hand (README "Fuzzing").
#
# Built with plain cargo and the flags `cargo fuzz build --sanitizer none --debug-assertions`
# passes (cargo-fuzz 0.13, src/project.rs), which work on the stable toolchain: installing
# cargo-fuzz itself would cost CI two minutes of compiling. The `smoke` profile trades run
# speed for build time (opt-level 1, no debug info): a smoke run executes little.
#
# Usage: fuzz/smoke.sh [SECONDS per target, default 10]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-10}
target=x86_64-unknown-linux-gnu
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions"
targets=(python_facts ecma_facts config declarative_rule baseline pipeline)

started=$SECONDS
# --target keeps RUSTFLAGS away from build scripts and proc macros, as cargo-fuzz does.
cargo build --locked --profile smoke --target "$target" --bins
echo "fuzz targets built in $((SECONDS - started)) s"

./seed.sh
failed=0
for name in "${targets[@]}"; do
  mkdir -p "artifacts/$name"
  # The seeds are read, never written: new inputs go to a scratch corpus.
  scratch=$(mktemp -d)
  # A fixed seed: a run explores the same inputs on every commit (as far as the time allows),
  # so a failure is a finding of this commit's code, not of the dice.
  if ! "target/$target/smoke/$name" -seed=1 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="artifacts/$name/" "$scratch" "corpus/$name" \
      >"artifacts/$name/smoke.log" 2>&1; then
    echo "FAILED: fuzz target $name (artifacts/$name/):"
    tail -n 40 "artifacts/$name/smoke.log"
    failed=1
  fi
  rm -rf "$scratch"
  grep -E "^stat::number_of_executed_units|^#[0-9]+ *DONE" "artifacts/$name/smoke.log" |
    sed "s/^/$name: /" || true
done
echo "fuzz step took $((SECONDS - started)) s"
exit "$failed"
