#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs from the repository: the fixtures, the bundled
# rules and fuzz/seeds/. The corpora are not committed (fuzz/.gitignore); run this before
# `cargo fuzz run` and again after the fixtures change. Files are named by their SHA-1, as
# libFuzzer names what it adds, so reruns never duplicate a seed.
set -euo pipefail
cd "$(dirname "$0")"
repo=..

# seed TARGET FILE...: copies each FILE into the corpus of TARGET.
seed() {
  local target=$1
  shift
  mkdir -p "corpus/$target"
  local file
  for file in "$@"; do
    cp "$file" "corpus/$target/$(sha1sum <"$file" | cut -d' ' -f1)"
  done
}

# files DIR... -- PATTERN...: regular files under DIRs whose names match a PATTERN.
files() {
  local dirs=() patterns=()
  while [ "$1" != "--" ]; do dirs+=("$1"); shift; done
  shift
  for pattern in "$@"; do patterns+=(-o -name "$pattern"); done
  find "${dirs[@]}" -type f \( -false "${patterns[@]}" \) -print0 | sort -z
}

mapfile -d '' python < <(files "$repo/fixtures" -- '*.py' '*.pyi')
mapfile -d '' ecma < <(files "$repo/fixtures" -- '*.ts' '*.tsx' '*.mts' '*.cts' '*.js' '*.jsx' '*.mjs' '*.cjs')
mapfile -d '' config < <(files "$repo/fixtures" "$repo/benches" -- 'plumb.toml' '.plumb.toml' 'pyproject.toml')
config+=("$repo/plumb.toml")
mapfile -d '' rules < <(files "$repo/rules" "$repo/fixtures/declarative" "$repo/fixtures/rules/X-declarative" -- '*.toml')
mapfile -d '' baseline < <(files seeds/baseline -- '*.json')

seed python_facts "${python[@]}"
seed ecma_facts "${ecma[@]}"
seed config "${config[@]}"
seed declarative_rule "${rules[@]}"
seed baseline "${baseline[@]}"
seed pipeline "${python[@]}" "${ecma[@]}"

for target in python_facts ecma_facts config declarative_rule baseline pipeline; do
  echo "$target: $(find "corpus/$target" -type f | wc -l) inputs"
done
