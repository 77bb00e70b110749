#!/usr/bin/env python3
"""Writes deterministic syntax mutants of Python and TS/JS files.

Usage:
    python3 tools/mutants.py SRC_DIR OUT_DIR [--per-file N] [--seed S]

For every .py/.ts/.tsx/.mts/.cts/.js/.jsx/.mjs/.cjs file under SRC_DIR
(node_modules and .git are skipped), OUT_DIR receives, at the same relative
path, the original file plus N mutants (default 6) named with an ``.mK``
marker before the extension: ``foo.py`` -> ``foo.m3.py``, ``api.d.ts`` ->
``api.m3.d.ts``. Each mutant applies one edit:

    delete-token      remove one token
    duplicate-line    repeat one line
    drop-bracket      remove one ( ) [ ] { }
    insert-keyword    insert a keyword (def, return, class, await, yield,
                      function, const, interface, enum, ...) or one of a
                      few loaded tokens (= : => <div>) at a token boundary
    break-indent      add or remove leading spaces on one line
    swap-lines        swap two adjacent lines

Mutant K of a file uses the operators in turn, starting from an offset
derived from the file's path, and picks its position with a random generator
seeded by (seed, relative path, K): the output depends only on the inputs
and --seed. A mutant identical to the original or to an earlier mutant is
retried at another position, and not written if no distinct one is found.
Mutants are not guaranteed to be invalid: they are inputs on which plumb and
the oracles should agree either way. Files already in OUT_DIR are overwritten
when regenerated and otherwise left alone.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import sys
from pathlib import Path

PYTHON_EXTENSIONS = (".py",)
SCRIPT_EXTENSIONS = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
# Compound extensions kept whole when naming mutants, longest first.
COMPOUND_EXTENSIONS = (".d.mts", ".d.cts", ".d.ts")
SKIPPED_DIRS = {"node_modules", ".git"}

PYTHON_KEYWORDS = (
    "def", "return", "class", "await", "yield", "lambda", "async", "global",
    "nonlocal", "pass", "import", "from", "if", "else", "elif", "try", "except",
    "finally", "with", "del", "assert", "raise", "break", "continue", "match",
    "case", "type", "print", "not", "in", "is", "=", ":",
)
SCRIPT_KEYWORDS = (
    "function", "const", "let", "var", "return", "await", "yield", "class",
    "interface", "enum", "type", "import", "export", "default", "new", "delete",
    "async", "static", "public", "abstract", "declare", "namespace", "readonly",
    "case", "break", "continue", "extends", "implements", "satisfies", "as",
    "typeof", "keyof", "=>", ":", "<div>",
)

# Rough lexers: good enough to find token boundaries and to keep brackets
# inside strings and comments out of "drop-bracket".
PYTHON_TOKEN = re.compile(
    r"""
    (?P<skip>\#[^\n]*|[rRbBuUfF]{0,2}(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"
        |'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"))
    |(?P<word>[A-Za-z_][A-Za-z_0-9]*|\d[\w.]*)
    |(?P<punct>[^\sA-Za-z_0-9])
    """,
    re.VERBOSE,
)
SCRIPT_TOKEN = re.compile(
    r"""
    (?P<skip>//[^\n]*|/\*[\s\S]*?\*/|`(?:\\[\s\S]|[^`\\])*`
        |'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")
    |(?P<word>[A-Za-z_$#][A-Za-z_$0-9]*|\d[\w.]*)
    |(?P<punct>[^\sA-Za-z_$#0-9])
    """,
    re.VERBOSE,
)
BRACKETS = set("()[]{}")
ATTEMPTS = 10


def is_candidate(path: Path) -> bool:
    """True for the source files this tool (and the oracles) handle."""
    return path.name.endswith(PYTHON_EXTENSIONS + SCRIPT_EXTENSIONS)


def split_extension(name: str) -> tuple[str, str]:
    """Splits a file name into (stem, extension), keeping .d.ts-like whole."""
    for ext in COMPOUND_EXTENSIONS:
        if name.endswith(ext) and len(name) > len(ext):
            return name[: -len(ext)], ext
    stem, ext = os.path.splitext(name)
    return stem, ext


def tokens(text: str, python: bool) -> list[tuple[int, int, str]]:
    """Returns (start, end, kind) of each token; kind is skip/word/punct."""
    lexer = PYTHON_TOKEN if python else SCRIPT_TOKEN
    return [(m.start(), m.end(), m.lastgroup) for m in lexer.finditer(text)]


def delete_token(text: str, rng: random.Random, python: bool) -> str:
    """Removes one word or punctuation token."""
    toks = [t for t in tokens(text, python) if t[2] != "skip"]
    if not toks:
        return text
    start, end, _ = rng.choice(toks)
    return text[:start] + text[end:]


def drop_bracket(text: str, rng: random.Random, python: bool) -> str:
    """Removes one bracket, paren or brace outside strings and comments."""
    toks = [t for t in tokens(text, python) if t[2] == "punct" and text[t[0]] in BRACKETS]
    if not toks:
        return text
    start, end, _ = rng.choice(toks)
    return text[:start] + text[end:]


def insert_keyword(text: str, rng: random.Random, python: bool) -> str:
    """Inserts a keyword at the start of a random token (or at the end)."""
    boundaries = [t[0] for t in tokens(text, python)] + [len(text)]
    at = rng.choice(boundaries)
    keyword = rng.choice(PYTHON_KEYWORDS if python else SCRIPT_KEYWORDS)
    return text[:at] + keyword + " " + text[at:]


def duplicate_line(text: str, rng: random.Random, python: bool) -> str:
    """Repeats one line."""
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    i = rng.randrange(len(lines))
    line = lines[i] if lines[i].endswith(("\n", "\r")) else lines[i] + "\n"
    return "".join(lines[:i] + [line] + lines[i:])


def break_indent(text: str, rng: random.Random, python: bool) -> str:
    """Adds 1-4 leading spaces to a line, or removes some of its indentation."""
    lines = text.splitlines(keepends=True)
    code_lines = [i for i, line in enumerate(lines) if line.strip()]
    if not code_lines:
        return text
    i = rng.choice(code_lines)
    line = lines[i]
    indent = len(line) - len(line.lstrip(" \t"))
    if indent and rng.random() < 0.5:
        lines[i] = line[rng.randint(1, min(indent, 4)):]
    else:
        lines[i] = " " * rng.randint(1, 4) + line
    return "".join(lines)


def swap_lines(text: str, rng: random.Random, python: bool) -> str:
    """Swaps two adjacent lines (line endings stay in place)."""
    lines = text.splitlines(keepends=True)
    if len(lines) < 2:
        return text
    i = rng.randrange(len(lines) - 1)
    first, second = lines[i], lines[i + 1]
    first_body, second_body = first.rstrip("\r\n"), second.rstrip("\r\n")
    lines[i] = second_body + first[len(first_body):]
    lines[i + 1] = first_body + second[len(second_body):]
    return "".join(lines)


OPERATORS = (
    delete_token,
    duplicate_line,
    drop_bracket,
    insert_keyword,
    break_indent,
    swap_lines,
)


def mutants(text: str, rel: str, python: bool, count: int, seed: int) -> list[tuple[int, str]]:
    """Returns up to `count` distinct (K, mutant text) pairs for one file."""
    rel_bytes = rel.encode("utf-8", "surrogateescape")
    offset = int.from_bytes(hashlib.sha256(rel_bytes).digest()[:4], "big")
    seen = {text}
    result = []
    for k in range(1, count + 1):
        operator = OPERATORS[(offset + k) % len(OPERATORS)]
        rng = random.Random(b"%d:%s:%d" % (seed, rel_bytes, k))
        for _ in range(ATTEMPTS):
            mutant = operator(text, rng, python)
            if mutant not in seen:
                seen.add(mutant)
                result.append((k, mutant))
                break
    return result


def source_files(src: Path) -> list[Path]:
    """Returns the candidate files under src, sorted, skipping vendored dirs."""
    found = []
    for root, dirs, files in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        found.extend(Path(root, name) for name in sorted(files) if is_candidate(Path(name)))
    return found


def write(path: Path, text: str) -> None:
    """Writes text back to bytes exactly as it was read (surrogateescape)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogateescape"))


def main() -> int:
    """Parses arguments and writes originals and mutants; prints a summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", type=Path, metavar="SRC_DIR")
    parser.add_argument("out", type=Path, metavar="OUT_DIR")
    parser.add_argument("--per-file", type=int, default=6, metavar="N",
                        help="mutants per file (default 6)")
    parser.add_argument("--seed", type=int, default=0, metavar="S",
                        help="random seed (default 0)")
    args = parser.parse_args()
    if not args.src.is_dir():
        parser.error(f"{args.src} is not a directory")
    if args.out.resolve().is_relative_to(args.src.resolve()):
        parser.error("OUT_DIR must not be inside SRC_DIR")

    originals = written = 0
    for path in source_files(args.src):
        rel = path.relative_to(args.src)
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        target = args.out / rel
        write(target, text)
        originals += 1
        stem, ext = split_extension(rel.name)
        python = ext in PYTHON_EXTENSIONS
        for k, mutant in mutants(text, rel.as_posix(), python, args.per_file, args.seed):
            write(target.with_name(f"{stem}.m{k}{ext}"), mutant)
            written += 1
    print(f"{originals} originals, {written} mutants written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
