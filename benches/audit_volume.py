#!/usr/bin/env python3
"""Writes a generated repository of the issue's volume for `plumb audit` (about 17,800
violations across 6,800 files) and times the audit in each format, printing the HTML size.

    python3 benches/audit_volume.py [--plumb target/release/plumb] [--dir benches/.work/audit-volume]

The tree (deterministic): 40 packages; 4,000 test files with three unjustified `MagicMock()`
calls each (MCK001) and, for 1,200 of them, an import of a module that does not exist (IMP001);
2,800 source files that each import a missing module (IMP001) and define one of 1,000 class
names (`Record0`..`Record999`), so most names are defined in two or three files (TYP001).
"""

import argparse
import os
import pathlib
import subprocess
import time

TEST_FILES = 4000
SOURCE_FILES = 2800
PACKAGES = 40


def write_tree(root: pathlib.Path) -> None:
    (root / "pyproject.toml").parent.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "volume"\nversion = "0"\ndependencies = []\n'
    )
    for index in range(TEST_FILES):
        package = root / f"pkg{index % PACKAGES:02}" / "tests"
        package.mkdir(parents=True, exist_ok=True)
        missing = f"import pkg{index % PACKAGES:02}.missing_helper_{index}\n" if index < 1200 else ""
        (package / f"test_module_{index:04}.py").write_text(
            f"from unittest.mock import MagicMock\n{missing}\n\n"
            f"def test_case_{index}():\n"
            "    client = MagicMock()\n    store = MagicMock()\n    mailer = MagicMock()\n"
            "    assert client and store and mailer\n"
        )
    for index in range(SOURCE_FILES):
        package = root / f"pkg{index % PACKAGES:02}"
        (package / f"module_{index:04}.py").write_text(
            f"import pkg{index % PACKAGES:02}.missing_service_{index}\n\n\n"
            f"class Record{index % 1000}:\n    id: int\n    name: str\n"
        )


def timed(command: list[str], cwd: pathlib.Path) -> tuple[float, bytes]:
    start = time.perf_counter()
    output = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - start, output.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plumb", default="target/release/plumb")
    parser.add_argument("--dir", default="benches/.work/audit-volume")
    args = parser.parse_args()
    plumb = os.path.abspath(args.plumb)
    root = pathlib.Path(args.dir).resolve()
    if not (root / "pyproject.toml").exists():
        write_tree(root)
    seconds, out = timed([plumb, "check", "--no-cache", "--output-format", "json"], root)
    import json

    summary = json.loads(out)["summary"]
    print(f"check: {seconds:.2f} s, {summary['files']['total']} files, {summary['violations']} violations")
    for fmt in ["text", "json", "markdown", "html"]:
        seconds, out = timed([plumb, "audit", "--no-cache", "--output-format", fmt], root)
        print(f"audit {fmt}: {seconds:.2f} s, {len(out):,} bytes")


if __name__ == "__main__":
    main()
