#!/usr/bin/env bash
# Whole-process timing of the release `plumb` binary against ruff and oxlint, in one run on one
# machine. Four parts (--parts, default all):
#
#   folders  `plumb check --select SYN001` (syntax verdicts only) against ruff (E9, syntax errors
#            only) and oxlint (no rules: parse + semantic checks only) per corpus subfolder and
#            for the whole corpus;
#   table    issue 11's table on the whole corpus: plumb with all default rules, cold
#            (--no-cache) and with a warm facts cache, against ruff E9 + oxlint -A all in the
#            same hyperfine run; `--select SYN` on the Python folders against ruff E9 and on
#            the TypeScript folders against oxlint; ratios and peak RSS;
#   rg       the warm full check against `rg -c .` reading the same files (needs ripgrep);
#   scale    the scale curve: synthetic monorepos of N files (`synth-monorepo`, --scale), plumb
#            with all default rules (cold) against ruff E9 + oxlint on each: wall time, peak RSS,
#            files/s and MB/s, and whether plumb's counts equal the generator's.
#
#   benches/whole-process.sh [--rebuild] [--runs N] [--no-build] [--parts LIST]
#                            [--scale N,N,...] [--scale-runs N]
#   benches/whole-process.sh --summary benches/.work/results/<timestamp>
#
#   --rebuild       rebuild the corpus even if benches/.work/corpus exists
#   --runs N        timed runs per command (default 10; one warm-up run is always added)
#   --no-build      use the existing target/release/plumb and synth-monorepo instead of building
#   --parts LIST    comma-separated parts to run (default folders,table,rg,scale)
#   --scale LIST    file counts of the scale curve (default 1000,10000; 100000 takes ~0.8 GB of
#                   disk and a few minutes: --scale 1000,10000,100000)
#   --scale-runs N  timed runs per command in the scale curve (default 3)
#   --summary DIR   only print the summary of an earlier run's results folder again
#
# Everything it downloads or writes goes to benches/.work/ (gitignored):
#   corpus/      benches/corpus/make-corpus.sh output (django, celery, zod, msw, rxjs)
#   py/          ruff, pinned, from `pip install --target`
#   node/        oxlint, pinned, from `npm install --prefix`
#   synthetic/<N>/         the scale curve's generated trees (rewritten every run)
#   results/<timestamp>/   hyperfine JSON per target, peak RSS, findings, summary.md
#
# Needs bash, python3, pip, npm, cargo; uses hyperfine when installed (apt-get install hyperfine),
# else (or with WHOLE_PROCESS_TIMER=python) a python3 loop with the same warm-up, runs and median;
# GNU /usr/bin/time for peak RSS; ripgrep (`rg`, apt-get install ripgrep) for the rg part, which
# is skipped with a message without it.
set -euo pipefail

RUFF_VERSION=0.17.6
OXLINT_VERSION=1.94.0

REBUILD=0
RUNS=10
BUILD=1
SUMMARY_ONLY=
PARTS=folders,table,rg,scale
SCALE=1000,10000
SCALE_RUNS=3
while (($#)); do
  case $1 in
    --rebuild) REBUILD=1 ;;
    --runs) RUNS=${2:?--runs needs a number}; shift ;;
    --runs=*) RUNS=${1#--runs=} ;;
    --no-build) BUILD=0 ;;
    --summary) SUMMARY_ONLY=${2:?--summary needs a results folder}; shift ;;
    --parts) PARTS=${2:?--parts needs a list}; shift ;;
    --parts=*) PARTS=${1#--parts=} ;;
    --scale) SCALE=${2:?--scale needs a list of file counts}; shift ;;
    --scale=*) SCALE=${1#--scale=} ;;
    --scale-runs) SCALE_RUNS=${2:?--scale-runs needs a number}; shift ;;
    --scale-runs=*) SCALE_RUNS=${1#--scale-runs=} ;;
    -h|--help) sed -n '2,40p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

BENCHES=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$BENCHES/.." && pwd)
MAKE_CORPUS="$BENCHES/corpus/make-corpus.sh"
WORK=$BENCHES/.work
CORPUS=$WORK/corpus
# Commands are word-split (hyperfine --shell=none, /usr/bin/time), so paths must not contain spaces.
[[ $BENCHES != *[[:space:]]* ]] || { echo "the checkout path must not contain spaces: $BENCHES" >&2; exit 2; }

log() { printf '\n== %s\n' "$*" >&2; }
has_part() { [[ ,$PARTS, == *,$1,* ]]; }
use_hyperfine() { [[ ${WHOLE_PROCESS_TIMER:-} != python ]] && command -v hyperfine >/dev/null; }

# Prints the Markdown summary of results folder $1 for targets $2...; run from the corpus folder.
summarize() {
  python3 - "$@" <<'PY'
import json, os, sys
results, targets = sys.argv[1], [("ALL" if t == "." else t) for t in sys.argv[2:]]

def load(path, default=None):
    try:
        with open(path) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return default

rss = {}
if os.path.exists(f"{results}/rss.tsv"):
    for line in open(f"{results}/rss.tsv"):
        label, name, kb = (line.rstrip("\n").split("\t") + ["", "", ""])[:3]
        if kb:
            rss[(label, name)] = int(kb) / 1024

def fmt(value, pattern="{:.3f}"):
    return "—" if value is None else pattern.format(value)

print(open(f"{results}/machine.txt").read().rstrip().replace("\n", "  \n"))
print()
print("| target | files (plumb) | plumb s | plumb --threads 1 s | ruff s | oxlint s | plumb/ruff | plumb/oxlint | plumb files/s | peak RSS MB plumb / ruff / oxlint |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for label in targets:
    timing = load(f"{results}/{label}.json", {"results": []})
    median = {r["command"]: r["median"] for r in timing["results"]}
    outcome = load(f"{results}/{label}.plumb.json", {})
    files = outcome.get("summary", {}).get("files", {}).get("total")
    plumb, ruff, oxlint = median.get("plumb"), median.get("ruff"), median.get("oxlint")
    ratio = lambda a, b: None if a is None or b is None else a / b
    memory = " / ".join(fmt(rss.get((label, name)), "{:.0f}") for name in ("plumb", "ruff", "oxlint"))
    print(f"| {label} | {fmt(files, '{}')} | {fmt(plumb)} | {fmt(median.get('plumb-t1'))} | {fmt(ruff)} | {fmt(oxlint)} "
          f"| {fmt(ratio(plumb, ruff), '{:.2f}x')} | {fmt(ratio(plumb, oxlint), '{:.2f}x')} "
          f"| {fmt(None if not files or not plumb else files / plumb, '{:.0f}')} | {memory} |")

print()
print("CPU time (user + system, mean per run; less sensitive than wall time to other load on the machine):")
print()
print("| target | plumb CPU s | plumb --threads 1 CPU s | ruff CPU s | oxlint CPU s | plumb/ruff CPU | plumb/oxlint CPU | plumb min wall s | ruff min wall s | oxlint min wall s |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for label in targets:
    runs = {r["command"]: r for r in load(f"{results}/{label}.json", {"results": []})["results"]}
    cpu = lambda name: None if name not in runs or runs[name].get("user") is None else runs[name]["user"] + runs[name]["system"]
    low = lambda name: runs[name]["min"] if name in runs else None
    ratio = lambda a, b: None if a is None or b is None else a / b
    print(f"| {label} | {fmt(cpu('plumb'))} | {fmt(cpu('plumb-t1'))} | {fmt(cpu('ruff'))} | {fmt(cpu('oxlint'))} "
          f"| {fmt(ratio(cpu('plumb'), cpu('ruff')), '{:.2f}x')} | {fmt(ratio(cpu('plumb'), cpu('oxlint')), '{:.2f}x')} "
          f"| {fmt(low('plumb'))} | {fmt(low('ruff'))} | {fmt(low('oxlint'))} |")

node = {r["command"]: r["median"] for r in load(f"{results}/ALL.json", {"results": []})["results"]}.get("node-startup")
whole = {r["command"]: r for r in load(f"{results}/ALL.json", {"results": []})["results"]}
if all(name in whole for name in ("plumb", "ruff", "oxlint")):
    both = whole["ruff"]["median"] + whole["oxlint"]["median"]
    print()
    print(f"ALL covers Python and TS/JS: ruff + oxlint one after the other would take {both:.3f} s (sum of medians); "
          f"plumb/(ruff+oxlint) = {whole['plumb']['median'] / both:.2f}x.")
if node is not None:
    print()
    print(f"oxlint (npm) runs inside Node.js; `node -e 0` alone: median {node:.3f} s.")
print()
print("Findings (files with a syntax error; ruff: files with an E9 diagnostic; oxlint: files with an error):")
print()
print("| target | plumb files | ruff files checked | oxlint files checked | plumb SYN001 | ruff E9 | oxlint errors |")
print("|---|---:|---:|---:|---:|---:|---:|")
details = []
for label in targets:
    outcome = load(f"{results}/{label}.plumb.json", {})
    diagnostics = outcome.get("diagnostics", [])
    syn = sorted({d["path"] for d in diagnostics if d.get("code") == "SYN001"})
    ruff = load(f"{results}/{label}.ruff.json")
    ruff_files = sorted({os.path.relpath(d["filename"]) for d in ruff}) if ruff is not None else None
    try:
        ruff_checked = int(open(f"{results}/{label}.ruff.files").read().strip() or 0)
    except OSError:
        ruff_checked = None
    oxlint = load(f"{results}/{label}.oxlint.json")
    ox_files = sorted({d["filename"] for d in oxlint["diagnostics"] if d.get("severity") == "error"}) if oxlint else None
    print(f"| {label} | {fmt(outcome.get('summary', {}).get('files', {}).get('total'), '{}')} | {fmt(ruff_checked, '{}')} "
          f"| {fmt(oxlint['number_of_files'] if oxlint else None, '{}')} | {len(syn)} "
          f"| {fmt(None if ruff_files is None else len(ruff_files), '{}')} | {fmt(None if ox_files is None else len(ox_files), '{}')} |")
    if label != "ALL":
        for d in diagnostics:
            if d.get("code") == "SYN001":
                details.append(f"- plumb {d['path']}:{d['line']}:{d['column']} {d['message']}")
        for path in ruff_files or []:
            details.append(f"- ruff E9 {path}")
        for path in ox_files or []:
            details.append(f"- oxlint {path}")
print()
print("Per-file findings (per subfolder runs):")
print()
print("\n".join(details) if details else "(none)")
PY
}

corpus_targets() { # the corpus subfolders, then "." for the whole corpus
  local dir
  for dir in "$CORPUS"/*/; do dir=${dir%/}; printf '%s\n' "${dir##*/}"; done
  printf '.\n'
}

if [[ -n $SUMMARY_ONLY ]]; then
  SUMMARY_ONLY=$(cd "$SUMMARY_ONLY" && pwd)
  cd "$CORPUS"
  mapfile -t TARGETS < <(corpus_targets)
  if [[ -f $SUMMARY_ONLY/ALL.json ]]; then summarize "$SUMMARY_ONLY" "${TARGETS[@]}"; else sed 's/$/  /' "$SUMMARY_ONLY/machine.txt"; fi
  echo
  python3 "$BENCHES/whole_process_tables.py" "$SUMMARY_ONLY"
  exit 0
fi

RESULTS=$WORK/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$WORK" "$RESULTS"

# --- corpus ---------------------------------------------------------------------------------------
if ((REBUILD)) || [[ ! -d $CORPUS ]] || [[ -z $(find "$CORPUS" -mindepth 1 -maxdepth 1 -type d ! -name .git -print -quit) ]]; then
  [[ -f $MAKE_CORPUS ]] || { echo "corpus script not found: $MAKE_CORPUS" >&2; exit 1; }
  log "building corpus into $CORPUS"
  bash "$MAKE_CORPUS" "$CORPUS"
else
  log "corpus already in $CORPUS (use --rebuild to rebuild)"
fi
# The corpus sits inside this checkout's gitignored benches/.work. oxlint applies the enclosing
# repository's .gitignore even to paths named on its command line and would lint 0 files; making
# the corpus its own (empty) git repository stops every tool's ignore lookup at the corpus root.
# All three tools skip .git/ themselves.
if [[ ! -e $CORPUS/.git ]]; then
  git init -q "$CORPUS"
fi

# --- tools ----------------------------------------------------------------------------------------
RUFF=$WORK/py/bin/ruff
if [[ ! -x $RUFF ]] || [[ $("$RUFF" --version) != "ruff $RUFF_VERSION" ]]; then
  log "installing ruff $RUFF_VERSION into $WORK/py"
  python3 -m pip install --quiet --disable-pip-version-check --upgrade --target "$WORK/py" "ruff==$RUFF_VERSION"
fi
OXLINT=$WORK/node/node_modules/.bin/oxlint
if [[ ! -x $OXLINT ]] || [[ $("$OXLINT" --version) != *"$OXLINT_VERSION"* ]]; then
  log "installing oxlint $OXLINT_VERSION into $WORK/node"
  npm install --silent --no-audit --no-fund --prefix "$WORK/node" "oxlint@$OXLINT_VERSION"
fi

# --- plumb ----------------------------------------------------------------------------------------
TARGET_DIR=$(cd "$REPO" && cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
PLUMB=$TARGET_DIR/release/plumb
SYNTH=$TARGET_DIR/release/synth-monorepo
if ((BUILD)); then
  log "cargo build --release"
  (cd "$REPO" && cargo build --release --bin plumb)
  if has_part scale; then
    (cd "$REPO" && cargo build --release -p plumb_benches --bin synth-monorepo)
  fi
fi
[[ -x $PLUMB ]] || { echo "no plumb binary at $PLUMB (drop --no-build)" >&2; exit 1; }
if has_part scale && [[ ! -x $SYNTH ]]; then
  echo "no synth-monorepo binary at $SYNTH (drop --no-build)" >&2; exit 1
fi

# --- machine --------------------------------------------------------------------------------------
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //') x $(nproc)"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo 2>/dev/null)"
  echo "plumb: $("$PLUMB" --version) ($(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$REPO" && git diff --quiet HEAD 2>/dev/null || echo ', dirty'))"
  echo "ruff: $("$RUFF" --version)"
  echo "oxlint: $("$OXLINT" --version)"
  echo "timer: $(use_hyperfine && hyperfine --version || echo 'python3 loop'), runs=$RUNS, warmup=1"
  echo "parts: $PARTS$(has_part scale && echo "; scale $SCALE, $SCALE_RUNS runs each")"
  if has_part rg; then echo "rg: $(rg --version 2>/dev/null | head -1 || echo 'not installed')"; fi
  echo "load average before timing: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
} | tee "$RESULTS/machine.txt" >&2

# --- targets and commands -------------------------------------------------------------------------
# Every command runs with the corpus as working directory, on a relative path, so all three tools
# print equally short paths. Each tool prints its diagnostics (hyperfine discards them).
cd "$CORPUS"
mapfile -t TARGETS < <(corpus_targets)

count_files() { # DIR PATTERN...
  local dir=$1; shift
  local args=() first=1
  for pattern in "$@"; do
    ((first)) || args+=(-o)
    args+=(-name "$pattern"); first=0
  done
  find "$dir" -name .git -prune -o -type f \( "${args[@]}" \) -print | wc -l
}

# Prints "name<TAB>command" lines for one target.
commands_for() {
  local dir=$1
  # --no-cache: a cold run, as ruff's --no-cache (the facts cache would skip parsing after the
  # warm-up run); the warm cache is timed in the issue table below.
  local plumb="$PLUMB check --isolated --no-cache --select SYN001 --fail-on never --output-format concise $dir"
  printf 'plumb\t%s\n' "$plumb"
  printf 'plumb-t1\t%s\n' "$plumb --threads 1"
  if (($(count_files "$dir" '*.py' '*.pyi') > 0)); then
    printf 'ruff\t%s\n' "$RUFF check --isolated --select E9 --exit-zero --no-cache $dir"
  fi
  if (($(count_files "$dir" '*.ts' '*.tsx' '*.mts' '*.cts') > 0)); then
    # `-A all` turns every rule off ("with 0 rules"); parse and semantic errors are still reported
    # and make oxlint exit 1, which oxlint has no flag to suppress: the timers ignore exit codes.
    printf 'oxlint\t%s\n' "$OXLINT -A all $dir"
  fi
  # oxlint from npm is a Node.js addon, not a standalone binary: its time includes starting Node.
  # Timing Node alone once shows that floor.
  if [[ $dir == . ]]; then
    printf 'node-startup\t%s\n' "$(command -v node) -e 0"
  fi
}

label() { [[ $1 == . ]] && echo ALL || echo "$1"; }

# Times NAME/CMD pairs in one hyperfine run (or the python3 loop) from the current directory,
# RUNS timed runs each after one warm-up run, and writes hyperfine's JSON to OUT.
run_timer() { # OUT RUNS NAME CMD [NAME CMD]...
  local out=$1 runs=$2; shift 2
  local names=() cmds=()
  while (($#)); do names+=("$1"); cmds+=("$2"); shift 2; done
  if use_hyperfine; then
    local args=()
    for i in "${!names[@]}"; do args+=(--command-name "${names[$i]}" "${cmds[$i]}"); done
    hyperfine --shell=none --ignore-failure --style basic --warmup 1 --runs "$runs" \
      --export-json "$out" "${args[@]}" >&2
  else
    python3 - "$out" "$runs" "${names[@]}" -- "${cmds[@]}" <<'PY'
import json, resource, shlex, statistics, subprocess, sys, time
out, runs, rest = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
split = rest.index("--")
names, cmds = rest[:split], rest[split + 1:]
results = []
for name, cmd in zip(names, cmds):
    argv = shlex.split(cmd)
    times, user, system = [], 0.0, 0.0
    for i in range(runs + 1):  # the first run is the warm-up
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if i:
            times.append(elapsed)
            user += after.ru_utime - before.ru_utime
            system += after.ru_stime - before.ru_stime
    results.append({"command": name, "mean": statistics.mean(times), "median": statistics.median(times),
                    "min": min(times), "max": max(times), "user": user / runs, "system": system / runs,
                    "times": times})
    print(f"{name:10} median {statistics.median(times):.3f} s  (min {min(times):.3f}, max {max(times):.3f}, {runs} runs)", file=sys.stderr)
json.dump({"results": results}, open(out, "w"), indent=2)
PY
  fi
}

# Runs each NAME/CMD pair once more under GNU time and appends "LABEL<TAB>NAME<TAB>kB" (its
# peak RSS) to $RESULTS/rss.tsv. Without GNU time at /usr/bin/time it records nothing.
run_rss() { # LABEL NAME CMD [NAME CMD]...
  local label=$1 report=$RESULTS/time-v.txt; shift
  /usr/bin/time -v -o "$report" true 2>/dev/null || return 0
  while (($#)); do
    # shellcheck disable=SC2086 # the command is deliberately word-split, as hyperfine -N does
    /usr/bin/time -v -o "$report" $2 >/dev/null 2>&1 || true
    printf '%s\t%s\t%s\n' "$label" "$1" \
      "$(awk -F': ' '/Maximum resident set size/ {print $2}' "$report")" >> "$RESULTS/rss.tsv"
    shift 2
  done
  rm -f "$report"
}

# Times NAME/CMD pairs (run_timer into $RESULTS/LABEL.json) and records their peak RSS.
bench() { # LABEL RUNS NAME CMD [NAME CMD]...
  local label=$1 runs=$2; shift 2
  run_timer "$RESULTS/$label.json" "$runs" "$@"
  run_rss "$label" "$@"
}

pairs_for() { # TARGET: commands_for's lines as NAME CMD words, one per line each
  local name cmd
  while IFS=$'\t' read -r name cmd; do printf '%s\n%s\n' "$name" "$cmd"; done < <(commands_for "$1")
}

time_target() { # TARGET: writes $RESULTS/<label>.json in hyperfine's format and its peak RSS
  local pairs
  mapfile -t pairs < <(pairs_for "$1")
  bench "$(label "$1")" "$RUNS" "${pairs[@]}"
}

findings() { # TARGET: what each tool reported, for the accuracy side of the comparison
  local dir=$1 base
  base="$RESULTS/$(label "$dir")"
  "$PLUMB" check --isolated --no-cache --select SYN001 --fail-on never --output-format json "$dir" > "$base.plumb.json" || true
  if (($(count_files "$dir" '*.py' '*.pyi') > 0)); then
    "$RUFF" check --isolated --select E9 --exit-zero --no-cache --output-format json "$dir" > "$base.ruff.json" 2>/dev/null || true
    "$RUFF" check --isolated --select E9 --exit-zero --no-cache --show-files "$dir" 2>/dev/null | grep -c '\.pyi\?$' > "$base.ruff.files" || true
  fi
  if (($(count_files "$dir" '*.ts' '*.tsx' '*.mts' '*.cts') > 0)); then
    "$OXLINT" -A all -f json "$dir" > "$base.oxlint.json" 2>/dev/null || true
  fi
}

if has_part folders; then
  for dir in "${TARGETS[@]}"; do
    log "timing $(label "$dir")"
    time_target "$dir"
    findings "$dir"
  done
fi

# --- issue 11's table, warm cache vs rg, scale curve -----------------------------------------------
# plumb as a new user runs it: every default rule; --fail-on never so the exit code is 0.
PLUMB_ALL="$PLUMB check --isolated --fail-on never --output-format concise"
PLUMB_SYN="$PLUMB check --isolated --no-cache --select SYN --fail-on never --output-format concise"
RUFF_E9="$RUFF check --isolated --select E9 --exit-zero --no-cache"
OXLINT_NONE="$OXLINT -A all"

# The Python part of the corpus is its folders with Python files (django also has 112 .js files,
# which plumb checks and ruff does not), the TypeScript part the others.
PYTHON_FOLDERS=() TS_FOLDERS=()
for dir in "${TARGETS[@]}"; do
  [[ $dir == . ]] && continue
  if (($(count_files "$dir" '*.py' '*.pyi') > 0)); then PYTHON_FOLDERS+=("$dir"); else TS_FOLDERS+=("$dir"); fi
done

if has_part table; then
  log "issue table: all default rules (cold and warm) vs ruff E9 + oxlint on the whole corpus"
  printf 'python=%s\nts=%s\n' "${PYTHON_FOLDERS[*]}" "${TS_FOLDERS[*]}" > "$RESULTS/table.txt"
  # The warm row needs a facts cache of this build: fill it once (hyperfine's warm-up would too).
  $PLUMB_ALL . >/dev/null 2>&1 || true
  bench table-all "$RUNS" plumb-cold "$PLUMB_ALL --no-cache ." plumb-warm "$PLUMB_ALL ." \
    ruff "$RUFF_E9 ." oxlint "$OXLINT_NONE ."
  "$PLUMB" check --isolated --no-cache --fail-on never --output-format json . > "$RESULTS/table-all.plumb.json" || true
  log "issue table: --select SYN on ${PYTHON_FOLDERS[*]} vs ruff E9"
  bench table-python "$RUNS" plumb "$PLUMB_SYN ${PYTHON_FOLDERS[*]}" ruff "$RUFF_E9 ${PYTHON_FOLDERS[*]}"
  log "issue table: --select SYN on ${TS_FOLDERS[*]} vs oxlint"
  bench table-ts "$RUNS" plumb "$PLUMB_SYN ${TS_FOLDERS[*]}" oxlint "$OXLINT_NONE ${TS_FOLDERS[*]}"
fi

if has_part rg; then
  if command -v rg >/dev/null; then
    log "warm facts cache vs rg -c . on the whole corpus"
    # The files plumb checks, by extension: rg skips gitignored files as plumb does, and with
    # --hidden reads hidden ones as plumb does (a hidden folder of django's project template).
    RG="$(command -v rg) -c . --hidden --type-add src:*.{py,pyi,ts,tsx,mts,cts,js,jsx,mjs,cjs} -t src ."
    $PLUMB_ALL . >/dev/null 2>&1 || true
    bench rg "$RUNS" plumb-warm "$PLUMB_ALL ." rg "$RG"
    printf 'command=%s\nrg_files=%s\nplumb_files=%s\n' "rg ${RG#*rg }" \
      "$(rg --files --hidden --type-add 'src:*.{py,pyi,ts,tsx,mts,cts,js,jsx,mjs,cjs}' -t src . | wc -l)" \
      "$("$PLUMB" check --isolated --select SYN --fail-on never --output-format json . | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["files"]["total"])')" \
      > "$RESULTS/rg.txt"
  else
    log "rg not found: skipping the rg part (apt-get install ripgrep)"
    echo "skipped=ripgrep (rg) is not installed" > "$RESULTS/rg.txt"
  fi
fi

if has_part scale; then
  IFS=, read -ra SIZES <<< "$SCALE"
  for files in "${SIZES[@]}"; do
    tree=$WORK/synthetic/$files
    log "scale: synth-monorepo --files $files"
    rm -rf "$tree"
    "$SYNTH" --files "$files" "$tree"
    # Its own git repository, as the corpus: oxlint would apply this checkout's .gitignore.
    git init -q "$tree"
    cp "$tree/expected.json" "$RESULTS/scale-$files.expected.json"
    (
      cd "$tree"
      log "scale: timing $files files"
      bench "scale-$files" "$SCALE_RUNS" plumb "$PLUMB_ALL --no-cache ." ruff "$RUFF_E9 ." oxlint "$OXLINT_NONE ."
      "$PLUMB" check --isolated --no-cache --fail-on never --output-format json . > "$RESULTS/scale-$files.plumb.json" || true
    )
  done
fi

echo "load average after timing: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" >> "$RESULTS/machine.txt"

# --- summary --------------------------------------------------------------------------------------
{
  # The folders summary starts with the machine; without it, print the machine here.
  if has_part folders; then summarize "$RESULTS" "${TARGETS[@]}"; else sed 's/$/  /' "$RESULTS/machine.txt"; fi
  echo
  python3 "$BENCHES/whole_process_tables.py" "$RESULTS"
} | tee "$RESULTS/summary.md"
log "results in $RESULTS (print again with: $0 --summary $RESULTS)"
