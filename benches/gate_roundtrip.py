#!/usr/bin/env python3
"""Baseline round-trip and concurrency measurements for the CI gate (issue 10's "Done when").

    python3 benches/gate_roundtrip.py --plumb target/release/plumb --corpus DIR [--ruff RUFF]

On a private git copy of DIR (e.g. the Django tree the corpus script builds):
  1. `plumb baseline` records every current violation;
  2. after `ruff format` of every Python file, `plumb check --baseline` must find 0 new;
  3. after inserting three comment lines at the top of every source file (below a shebang or an
     encoding line, which must stay first), 0 new;
  4. both edits together, 0 new;
  5. eight concurrent `plumb check --baseline` runs sharing one facts cache give byte-identical
     JSON, twice (cold cache, then warm), and the cache still serves a ninth run.
Prints one line per step with the new / known / fixed counts and wall times, and exits 1 when a
step's expectation fails. Nothing is written outside a temporary directory.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

SOURCE_SUFFIXES = (".py", ".pyi", ".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")


def run(args, cwd, check=True):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if check and result.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)} exited {result.returncode}:\n{result.stderr}")
    return result


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def check_counts(plumb, repo):
    started = time.perf_counter()
    result = run([plumb, "check", "--baseline", ".plumb-baseline.json",
                  "--no-fail-on-stale-baseline", "--output-format", "json", "."], repo)
    elapsed = time.perf_counter() - started
    summary = json.loads(result.stdout)["summary"]
    baseline = summary["baseline"]
    return baseline["new"], baseline["known"], len(baseline["fixed"]), elapsed, result.stdout


def insert_lines_at_top(repo):
    for root, dirs, files in os.walk(repo):
        dirs[:] = [d for d in dirs if d not in (".git", ".plumb_cache", "node_modules")]
        for name in files:
            if not name.endswith(SOURCE_SUFFIXES):
                continue
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                data = handle.read()
            lines = data.splitlines(keepends=True)
            keep = 0
            # A shebang and a PEP 263 encoding line must stay on lines 1-2.
            while keep < min(2, len(lines)) and (
                lines[keep].startswith(b"#!") or b"coding" in lines[keep] and lines[keep].lstrip().startswith(b"#")
            ):
                keep += 1
            comment = b"#" if name.endswith((".py", ".pyi")) else b"//"
            inserted = [comment + b" inserted above\n", b"\n", comment + b" by gate_roundtrip.py\n"]
            with open(path, "wb") as handle:
                handle.write(b"".join(lines[:keep] + inserted + lines[keep:]))


def step(name, counts, expect_new=0):
    new, known, fixed, elapsed, _ = counts
    ok = new == expect_new and fixed == 0
    print(f"{name:<34} new {new:>5}  known {known:>6}  fixed {fixed:>5}  {elapsed:6.2f} s  {'ok' if ok else 'UNEXPECTED'}")
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plumb", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--ruff", default=shutil.which("ruff"))
    args = parser.parse_args()
    plumb = os.path.abspath(args.plumb)
    all_ok = True
    with tempfile.TemporaryDirectory() as temp:
        repo = os.path.join(temp, "repo")
        shutil.copytree(args.corpus, repo, symlinks=True)
        git(repo, "init", "-q")
        git(repo, "add", "-A")
        git(repo, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "snapshot")

        started = time.perf_counter()
        written = run([plumb, "baseline", "."], repo)
        print(f"plumb baseline: exit {written.returncode} in {time.perf_counter() - started:.2f} s: {written.stdout.strip() or written.stderr.strip()}")
        all_ok &= step("unchanged", check_counts(plumb, repo))

        if args.ruff:
            formatted = run([args.ruff, "format", "--no-cache", "--isolated", "."], repo, check=False)
            print(f"ruff format: {formatted.stderr.strip() or formatted.stdout.strip()}")
            changed = subprocess.run(["git", "diff", "--shortstat"], cwd=repo, capture_output=True, text=True).stdout.strip()
            print(f"  {changed}")
            all_ok &= step("after ruff format", check_counts(plumb, repo))
        else:
            print("ruff not found: skipping the reformat step (pass --ruff)")

        git(repo, "checkout", "-q", "--", ".")
        insert_lines_at_top(repo)
        all_ok &= step("after inserting lines at the top", check_counts(plumb, repo))

        if args.ruff:
            run([args.ruff, "format", "--no-cache", "--isolated", "."], repo, check=False)
            all_ok &= step("after both", check_counts(plumb, repo))

        # Eight concurrent runs sharing one cache: cold, then warm.
        shutil.rmtree(os.path.join(repo, ".plumb_cache"), ignore_errors=True)
        for round_name in ("cold cache", "warm cache"):
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=8) as pool:
                outputs = list(pool.map(lambda _: check_counts(plumb, repo)[4], range(8)))
            elapsed = time.perf_counter() - started
            identical = len(set(outputs)) == 1
            print(f"8 concurrent runs, {round_name:<10}: {elapsed:6.2f} s, outputs identical: {identical}")
            all_ok &= identical
        ninth = check_counts(plumb, repo)
        same = ninth[4] == outputs[0]
        print(f"a ninth run after them: {ninth[3]:.2f} s, same output: {same}")
        all_ok &= same
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
