#!/usr/bin/env bash
# Builds a corpus of real Python and TypeScript code from pinned registry packages, for benchmarks and
# accuracy checks. Nothing here is committed to the project: run it into a scratch or ignored folder.
#
#   benches/corpus/make-corpus.sh [OUT_DIR]        (default: ./target/corpus)
#
# OUT_DIR/
#   django/   Django sdist: the framework plus its test suite (~2,800 .py, ~1,900 test modules)
#   celery/   Celery sdist: library plus t/ unit tests that use unittest.mock heavily
#   zod/ msw/ rxjs/   TypeScript sources (src/**) of three npm packages, with their *.test.ts files
# Needs pip, npm, tar. Prints file counts when done. Re-running rebuilds from scratch.
set -euo pipefail
OUT=${1:-target/corpus}
DL=$OUT/.download
PY_PKGS=(django==5.2.8 celery==5.4.0)
NPM_PKGS=(zod@4.6.7 msw@2.15.0 rxjs@7.8.2)
rm -rf "$OUT"; mkdir -p "$OUT" "$DL"

for spec in "${PY_PKGS[@]}"; do
  name=${spec%%==*}; version=${spec##*==}
  pip download -q --no-binary :all: --no-deps -d "$DL" "$spec"
  tar -xzf "$DL/$name-$version.tar.gz" -C "$OUT"
  mv "$OUT/$name-$version" "$OUT/$name"
done

for spec in "${NPM_PKGS[@]}"; do
  name=${spec%@*}
  ( cd "$DL" && npm pack -q "$spec" >/dev/null )
  mkdir -p "$OUT/$name"
  tar -xzf "$DL/$name-${spec##*@}.tgz" -C "$OUT/$name" --strip-components=1
  # keep the TypeScript sources; drop build outputs shipped beside them
  find "$OUT/$name" -mindepth 1 -maxdepth 1 ! -name src ! -name package.json ! -name 'tsconfig*.json' -exec rm -rf {} +
  find "$OUT/$name/src" -type f ! -name '*.ts' ! -name '*.tsx' ! -name '*.mts' ! -name '*.cts' -delete
done
rm -rf "$DL"

for d in "$OUT"/*/; do
  py=$(find "$d" -name '*.py' | wc -l); ts=$(find "$d" \( -name '*.ts' -o -name '*.tsx' \) | wc -l)
  printf '%-8s %6d .py %6d .ts/.tsx %8s\n' "$(basename "$d")" "$py" "$ts" "$(du -sh "$d" | cut -f1)"
done
