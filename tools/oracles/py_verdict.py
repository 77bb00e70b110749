#!/usr/bin/env python3
"""CPython's own syntax verdict for Python files.

Usage:
    python3 tools/oracles/py_verdict.py [PATH...]
    find src -name '*.py' | python3 tools/oracles/py_verdict.py
    python3 tools/oracles/py_verdict.py --version      # prints e.g. 3.11

Paths come from argv, or (when argv has none) from stdin, one per line. For
every path one JSON object is printed per line, in input order:

    {"path": <as given>, "error": true|false, "line": N|null,
     "column": N|null, "message": "...", "code": "SyntaxError"|...|null}

or, for a file that cannot be judged (excluded from comparisons):

    {"path": <as given>, "skip": "<reason>"}

The verdict is that of ``compile(source_bytes, path, "exec",
dont_inherit=True)`` under the interpreter running this script, so the
Python version is that interpreter's (see --version). Compiling to bytecode,
not just parsing, matters: errors such as ``return`` outside a function,
``nonlocal`` at module level or duplicate parameter names are raised by
CPython's symbol-table and compiler passes, after parsing succeeded.

Warnings are ignored, so a SyntaxWarning (e.g. ``x is 1``) never becomes an
error. ``code`` is the exception class: SyntaxError, IndentationError,
TabError, or ValueError (null bytes in the source, in older CPythons; newer
ones raise SyntaxError). Null-byte errors get the position of the first NUL
byte, as CPython gives none. ``line`` is 1-based; ``column``
is SyntaxError.offset, 1-based and counted in characters as CPython reports
it. Either is null when CPython gives no positive position (e.g. an unknown
``# coding:`` declaration is reported at line 0).

Files that are not valid UTF-8 are skipped ("unreadable"), as plumb reports
them as IO001 and not as syntax errors.
"""

from __future__ import annotations  # lets older interpreters judge their own version

import json
import sys
import warnings


def positive_or_none(value: int | None) -> int | None:
    """Returns value if it is a positive position, else None.

    CPython reports encoding-declaration errors at line 0, offset -1.
    """
    return value if value is not None and value > 0 else None


def nul_byte_position(source: bytes) -> tuple[int, int]:
    """Returns the 1-based (line, column) of the first NUL byte in source."""
    index = source.index(b"\0")
    line_start = source.rfind(b"\n", 0, index) + 1
    return source.count(b"\n", 0, index) + 1, index - line_start + 1


def error_record(
    source: bytes, err: Exception, message: str, line: int | None, column: int | None
) -> dict:
    """Builds the record of a rejected file.

    Null-byte errors carry no position; they get the first NUL byte's.
    """
    line, column = positive_or_none(line), positive_or_none(column)
    if line is None and "null bytes" in message and b"\0" in source:
        line, column = nul_byte_position(source)
    return {
        "error": True,
        "line": line,
        "column": column,
        "message": message,
        "code": type(err).__name__,
    }


def verdict(path: str) -> dict:
    """Judges one file; returns the JSON record for it (without "path")."""
    try:
        with open(path, "rb") as handle:
            source = handle.read()
    except OSError as err:
        return {"skip": f"unreadable: {err.strerror or err}"}
    try:
        source.decode("utf-8")
    except UnicodeDecodeError:
        return {"skip": "unreadable: not valid UTF-8"}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as err:  # includes IndentationError and TabError
        return error_record(source, err, err.msg, err.lineno, err.offset)
    except ValueError as err:  # null bytes, in older CPythons
        return error_record(source, err, str(err), None, None)
    except (RecursionError, MemoryError) as err:
        return {"skip": f"oracle failure: compile() raised {type(err).__name__}"}
    return {"error": False, "line": None, "column": None, "message": "", "code": None}


def input_paths(argv: list[str]) -> list[str]:
    """Returns the paths to judge: argv if given, else non-empty stdin lines."""
    if argv:
        return argv
    sys.stdin.reconfigure(errors="surrogateescape")
    return [line.rstrip("\r\n") for line in sys.stdin if line.rstrip("\r\n")]


def main() -> int:
    """Prints one JSON verdict line per input path."""
    args = sys.argv[1:]
    if args == ["--version"]:
        print("%d.%d" % sys.version_info[:2])
        return 0
    out = sys.stdout
    for path in input_paths(args):
        out.write(json.dumps({"path": path, **verdict(path)}) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
