#!/usr/bin/env python3
"""Times a warm `plumb check --staged` (the pre-commit fast path) on a copy of a project.

    benches/staged.py PROJECT [--plumb BIN] [--staged 1,20] [--runs 30]

PROJECT is copied to a temporary directory, made a git repository with one commit, and for
each count N of --staged, N of its Python files (every k-th one, by path) get a line appended
and are staged. After three untimed runs (the first fills the facts cache) and a pause longer
than the cache's racy-timestamp window, each of --runs runs is timed: wall clock, and CPU time
(user + system of the process and its threads, from wait4). Prints min and median of both.
On a shared machine compare CPU times: wall clocks move with other load.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def git(cwd, *args):
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@plumb.invalid", *args],
        cwd=cwd,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def timed(binary, args, devnull):
    start = time.perf_counter()
    pid = os.posix_spawn(
        binary,
        [binary, *args],
        os.environ,
        file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)],
    )
    _, status, usage = os.wait4(pid, 0)
    wall = (time.perf_counter() - start) * 1000
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"{binary} {' '.join(args)} failed in {os.getcwd()}")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project")
    parser.add_argument("--plumb", default=shutil.which("plumb") or "target/release/plumb")
    parser.add_argument("--staged", default="1,20")
    parser.add_argument("--runs", type=int, default=30)
    options = parser.parse_args()
    binary = os.path.abspath(options.plumb)
    devnull = os.open(os.devnull, os.O_WRONLY)
    with tempfile.TemporaryDirectory() as scratch:
        tree = os.path.join(scratch, "project")
        shutil.copytree(options.project, tree, symlinks=True)
        shutil.rmtree(os.path.join(tree, ".plumb_cache"), ignore_errors=True)
        git(tree, "init", "-q")
        git(tree, "add", "-A")
        git(tree, "commit", "-q", "-m", "corpus")
        python = subprocess.run(
            ["git", "ls-files", "*.py"], cwd=tree, check=True, capture_output=True, text=True
        ).stdout.split()
        for count in (int(n) for n in options.staged.split(",")):
            git(tree, "reset", "-q", "--hard")
            step = max(1, len(python) // count)
            chosen = python[::step][:count]
            for path in chosen:
                with open(os.path.join(tree, path), "a", encoding="utf-8") as file:
                    file.write("\nstaged_by_bench = 1\n")
            git(tree, "add", *chosen)
            os.chdir(tree)
            for _ in range(3):
                timed(binary, ["check", "--staged"], devnull)
            time.sleep(2.5)
            walls, cpus = zip(
                *(timed(binary, ["check", "--staged"], devnull) for _ in range(options.runs))
            )
            print(
                f"{count} staged: wall min {min(walls):.1f} ms, median {statistics.median(walls):.1f} ms; "
                f"CPU min {min(cpus):.1f} ms, median {statistics.median(cpus):.1f} ms ({options.runs} runs)"
            )


if __name__ == "__main__":
    main()
