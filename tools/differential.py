#!/usr/bin/env python3
"""Differential test of plumb's syntax verdicts (SYN001) against real oracles.

Usage:
    python3 tools/differential.py [--plumb PATH] [--python-version 3.11]
        [--python PYTHON] [--node NODE] [--show N] [--fail-on-disagreement]
        TREE...

Collects the .py/.ts/.tsx/.mts/.cts/.js/.jsx/.mjs/.cjs files under each TREE
(a directory or a single file; node_modules and .git are skipped) and judges
each one three ways:

  * CPython: tools/oracles/py_verdict.py, i.e. compile(source, path, "exec");
    its interpreter's version must equal --python-version;
  * TypeScript: tools/oracles/ts_verdict.js (parser plus grammar checks);
    needs `npm ci --prefix tools/oracles` once;
  * plumb, once per TREE:
        PLUMB check --isolated --output-format json --select SYN001
              --target-version VERSION --fail-on never TREE
    A file is an error for plumb if it has a SYN001 diagnostic or its status
    is "unparseable"; its first error is the lowest (line, column).

It prints, per language, the files compared, how many both sides reject
(and, of those, how many agree on the first error's line), both accept,
only plumb rejects (false positives) and only the oracle rejects (misses);
then up to --show verdict disagreements and --show first-line mismatches.
Excluded from the comparison and counted apart: files the oracle skips (not
UTF-8, unreadable), files plumb reports "unreadable" or "skipped", and files
missing from plumb's output.

Exit status: 0; 1 with --fail-on-disagreement if any verdict differs (line
mismatches alone never fail); 2 if a tool could not be run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
REPO = TOOLS.parent
ORACLES = TOOLS / "oracles"

LANGUAGES = {
    ".py": "python",
    ".ts": "typescript", ".tsx": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
}
SKIPPED_DIRS = {"node_modules", ".git"}
PLUMB_EXCLUDED_STATUSES = {"unreadable", "skipped"}


class ToolError(Exception):
    """A tool (oracle or plumb) could not be run or gave unusable output."""


@dataclass
class Verdict:
    """One side's verdict on one file."""

    error: bool
    line: int | None = None
    column: int | None = None
    message: str = ""

    def describe(self) -> str:
        """Short human-readable form: 'clean' or 'line:col message'."""
        if not self.error:
            return "clean"
        line = "?" if self.line is None else self.line
        column = "?" if self.column is None else self.column
        return f"{line}:{column} {self.message}".strip()


@dataclass
class Tally:
    """Agreement counts for one language."""

    compared: int = 0
    both_error: int = 0
    both_clean: int = 0
    plumb_only: int = 0
    oracle_only: int = 0
    same_first_line: int = 0
    oracle_skipped: int = 0
    plumb_excluded: int = 0
    missing_in_plumb: int = 0
    disagreements: list[tuple[str, Verdict, Verdict]] = field(default_factory=list)
    line_mismatches: list[tuple[str, Verdict, Verdict]] = field(default_factory=list)


def language_of(path: str) -> str | None:
    """Returns python/typescript/javascript for a candidate file, else None."""
    return LANGUAGES.get(os.path.splitext(path)[1])


def collect(trees: list[str]) -> list[str]:
    """Returns the real paths of the candidate files under the trees, sorted."""
    found = set()
    for tree in trees:
        if os.path.isfile(tree):
            if language_of(tree):
                found.add(os.path.realpath(tree))
            continue
        if not os.path.isdir(tree):
            raise ToolError(f"{tree}: no such file or directory")
        for root, dirs, files in os.walk(tree):
            dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
            found.update(os.path.realpath(os.path.join(root, f)) for f in files if language_of(f))
    return sorted(found)


def start_oracle(command: list[str], paths: list[str], workdir: str, name: str) -> subprocess.Popen:
    """Starts an oracle reading `paths` on stdin; its output goes to a file."""
    list_file = os.path.join(workdir, f"{name}.in")
    with open(list_file, "w", encoding="utf-8", errors="surrogateescape") as handle:
        handle.writelines(p + "\n" for p in paths)
    with open(list_file, "rb") as stdin, open(os.path.join(workdir, f"{name}.out"), "wb") as stdout:
        try:
            return subprocess.Popen(command, stdin=stdin, stdout=stdout)
        except OSError as err:
            raise ToolError(f"cannot run {command[0]}: {err}") from err


def finish_oracle(process: subprocess.Popen, workdir: str, name: str) -> dict[str, Verdict | None]:
    """Waits for an oracle; returns real path -> Verdict (None for skip)."""
    if process.wait() != 0:
        raise ToolError(f"{name} oracle exited with status {process.returncode}")
    verdicts: dict[str, Verdict | None] = {}
    with open(os.path.join(workdir, f"{name}.out"), encoding="utf-8", errors="surrogateescape") as handle:
        for line in handle:
            record = json.loads(line)
            path = os.path.realpath(record["path"])
            if "skip" in record:
                verdicts[path] = None
            else:
                verdicts[path] = Verdict(
                    record["error"], record["line"], record["column"],
                    f"{record['message']} [{record['code']}]" if record["error"] else "")
    return verdicts


def command_output(command: list[str]) -> str:
    """Runs a short command and returns its stripped stdout."""
    try:
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as err:
        raise ToolError(f"cannot run {' '.join(command)}: {err}") from err


def run_plumb(plumb: str, tree: str, python_version: str) -> dict[str, Verdict | None]:
    """Runs plumb on one tree; returns real path -> Verdict (None if excluded)."""
    command = [plumb, "check", "--isolated", "--output-format", "json", "--select", "SYN001",
               "--target-version", python_version, "--fail-on", "never", tree]
    try:
        done = subprocess.run(command, capture_output=True, check=False)
    except OSError as err:
        raise ToolError(f"cannot run plumb ({plumb}): {err}") from err
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip()
        raise ToolError(f"plumb exited with status {done.returncode} on {tree}: {stderr}")
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError as err:
        raise ToolError(f"plumb printed invalid JSON for {tree}: {err}") from err

    def real(path: str) -> str:
        return os.path.realpath(os.path.join(os.getcwd(), path))

    first_errors: dict[str, Verdict] = {}
    for diag in report.get("diagnostics", []):
        if diag.get("code") != "SYN001":
            continue
        found = Verdict(True, diag.get("line"), diag.get("column"), diag.get("message", ""))
        path = real(diag["path"])
        known = first_errors.get(path)
        if known is None or (found.line or 0, found.column or 0) < (known.line or 0, known.column or 0):
            first_errors[path] = found
    verdicts: dict[str, Verdict | None] = dict(first_errors)
    for entry in report.get("files", []):
        path, status = real(entry["path"]), entry.get("status")
        if status in PLUMB_EXCLUDED_STATUSES:
            verdicts[path] = None
        elif path not in first_errors:
            unparseable = status == "unparseable"
            verdicts[path] = Verdict(unparseable, message="unparseable, no SYN001" if unparseable else "")
    return verdicts


def compare(files: list[str], oracle: dict[str, Verdict | None],
            plumb: dict[str, Verdict | None]) -> dict[str, Tally]:
    """Compares both sides per file; returns a Tally per language."""
    tallies: dict[str, Tally] = {}
    for path in files:
        tally = tallies.setdefault(language_of(path), Tally())
        theirs, ours = oracle.get(path), plumb.get(path)
        if theirs is None:
            tally.oracle_skipped += 1
            continue
        if path not in plumb:
            tally.missing_in_plumb += 1
            continue
        if ours is None:
            tally.plumb_excluded += 1
            continue
        tally.compared += 1
        if theirs.error and ours.error:
            tally.both_error += 1
            if theirs.line == ours.line:
                tally.same_first_line += 1
            else:
                tally.line_mismatches.append((path, theirs, ours))
        elif theirs.error:
            tally.oracle_only += 1
            tally.disagreements.append((path, theirs, ours))
        elif ours.error:
            tally.plumb_only += 1
            tally.disagreements.append((path, theirs, ours))
        else:
            tally.both_clean += 1
    return tallies


def display(path: str) -> str:
    """A path relative to the working directory when it is under it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def print_report(tallies: dict[str, Tally], show: int, versions: str) -> None:
    """Prints the agreement table and up to `show` examples of each kind."""
    print(f"oracles: {versions}")
    header = ("language", "compared", "both-error", "both-clean", "plumb-only",
              "oracle-only", "same-1st-line", "excluded")
    rows = []
    for language in ("python", "typescript", "javascript"):
        if language not in tallies:
            continue
        t = tallies[language]
        excluded = t.oracle_skipped + t.plumb_excluded + t.missing_in_plumb
        rows.append((language, t.compared, t.both_error, t.both_clean, t.plumb_only,
                     t.oracle_only, f"{t.same_first_line}/{t.both_error}", excluded))
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]
    for row in (header, *rows):
        cells = [str(x).rjust(w) if i else str(x).ljust(w) for i, (x, w) in enumerate(zip(row, widths))]
        print("  ".join(cells))
    for language, t in tallies.items():
        if t.oracle_skipped or t.plumb_excluded or t.missing_in_plumb:
            print(f"{language} excluded: {t.oracle_skipped} skipped by the oracle, "
                  f"{t.plumb_excluded} unreadable/skipped by plumb, "
                  f"{t.missing_in_plumb} missing from plumb's output")

    for title, attr in (("verdict disagreements", "disagreements"),
                        ("first-line mismatches (both reject)", "line_mismatches")):
        cases = [case for t in tallies.values() for case in getattr(t, attr)]
        if not cases or show <= 0:
            continue
        print(f"\n{title}: {len(cases)}" + (f" (showing {show})" if len(cases) > show else ""))
        for path, theirs, ours in cases[:show]:
            print(f"  {display(path)}\n    oracle: {theirs.describe()}\n    plumb:  {ours.describe()}")


def default_plumb() -> str:
    """$PLUMB, else the release or debug build in target/, else `plumb`."""
    if os.environ.get("PLUMB"):
        return os.environ["PLUMB"]
    for build in ("release", "debug"):
        candidate = REPO / "target" / build / "plumb"
        if candidate.is_file():
            return str(candidate)
    return "plumb"


def oracle_versions(args: argparse.Namespace, py_files: list[str], ts_files: list[str]) -> tuple[str, str]:
    """Checks that the needed oracles can run.

    Returns the Python version to give plumb (--python-version, else the
    oracle interpreter's; they must match when Python files are compared)
    and a description of the oracles' versions.
    """
    python_version = args.python_version
    versions = []
    if py_files:
        oracle_version = command_output([args.python, str(ORACLES / "py_verdict.py"), "--version"])
        if python_version is None:
            python_version = oracle_version
        elif python_version != oracle_version:
            raise ToolError(f"--python-version {python_version} but {args.python} is "
                            f"{oracle_version}; pass --python pythonX.Y")
        versions.append(f"CPython {oracle_version}")
    if ts_files:
        if shutil.which(args.node) is None:
            raise ToolError(f"{args.node} not found")
        if not (ORACLES / "node_modules" / "typescript").is_dir():
            raise ToolError(f"TypeScript missing: run `npm ci --prefix {display(str(ORACLES))}`")
        ts_package = json.loads((ORACLES / "node_modules/typescript/package.json").read_text())
        versions.append(f"TypeScript {ts_package['version']}")
    # With no Python file to compare, any version will do for plumb.
    python_version = python_version or "{}.{}".format(*sys.version_info[:2])
    return python_version, ", ".join(versions) or "none needed"


def judge(args: argparse.Namespace, py_files: list[str], ts_files: list[str],
          python_version: str) -> tuple[dict[str, Verdict | None], dict[str, Verdict | None]]:
    """Runs the oracles (in the background) and plumb; returns both verdicts."""
    with tempfile.TemporaryDirectory(prefix="plumb-differential-") as workdir:
        started = []
        if py_files:
            command = [args.python, str(ORACLES / "py_verdict.py")]
            started.append(("python", start_oracle(command, py_files, workdir, "python")))
        if ts_files:
            command = [args.node, str(ORACLES / "ts_verdict.js")]
            started.append(("typescript", start_oracle(command, ts_files, workdir, "typescript")))
        try:
            plumb: dict[str, Verdict | None] = {}
            for tree in args.trees:
                plumb.update(run_plumb(args.plumb, tree, python_version))
            oracle: dict[str, Verdict | None] = {}
            for name, process in started:
                oracle.update(finish_oracle(process, workdir, name))
        finally:
            for _, process in started:
                if process.poll() is None:
                    process.kill()
                    process.wait()
    return oracle, plumb


def main() -> int:
    """Runs the oracles and plumb, prints the comparison, returns the status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="+", metavar="TREE")
    parser.add_argument("--plumb", default=default_plumb(),
                        help="plumb binary (default: $PLUMB, target/release/plumb, target/debug/plumb)")
    parser.add_argument("--python-version", metavar="X.Y",
                        help="Python version for plumb; must match the oracle interpreter's "
                             "(default: that interpreter's version)")
    parser.add_argument("--python", default="python3", help="interpreter for the Python oracle")
    parser.add_argument("--node", default="node", help="node binary for the TypeScript oracle")
    parser.add_argument("--show", type=int, default=20, metavar="N",
                        help="examples to list per kind of mismatch (default 20)")
    parser.add_argument("--fail-on-disagreement", action="store_true",
                        help="exit 1 if any verdict differs")
    args = parser.parse_args()

    try:
        files = collect(args.trees)
        py_files = [f for f in files if language_of(f) == "python"]
        ts_files = [f for f in files if language_of(f) != "python"]
        python_version, versions = oracle_versions(args, py_files, ts_files)
        oracle, plumb = judge(args, py_files, ts_files, python_version)
    except ToolError as err:
        print(f"differential: {err}", file=sys.stderr)
        return 2

    tallies = compare(files, oracle, plumb)
    print_report(tallies, args.show, versions)
    differs = any(t.disagreements for t in tallies.values())
    return 1 if differs and args.fail_on_disagreement else 0


if __name__ == "__main__":
    sys.exit(main())
