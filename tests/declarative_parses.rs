//! Files of a language that no enabled declarative rule targets are never parsed with
//! tree-sitter, and the files of one that is are parsed once for all its rules. In-process
//! (the parse counter is per process), and alone in its test binary so no other test parses.

use std::path::PathBuf;

use plumb_declarative::{RuleSource, parse_count};
use plumb_engine::{Overrides, Settings};
use plumb_rules::Registry;

fn run(dir: &std::path::Path, select: &str) -> usize {
    let mut registry = Registry::builtin();
    let rules = plumb_declarative::load(&[RuleSource::Bundled]).unwrap();
    registry.extend(plumb_declarative::registered(rules));
    let overrides = Overrides {
        isolated: true,
        no_cache: true,
        select: Some(select.split(',').map(str::to_string).collect()),
        ..Overrides::default()
    };
    let settings = Settings::resolve(dir, &overrides, &registry).unwrap();
    let before = parse_count();
    let outcome = plumb_engine::check(&[dir.to_path_buf()], &settings, &registry).unwrap();
    assert_eq!(outcome.summary.files.checked, 3);
    parse_count() - before
}

#[test]
fn only_files_of_targeted_languages_are_parsed_once_each() {
    let temp = tempfile::tempdir().unwrap();
    let dir: PathBuf = temp.path().canonicalize().unwrap();
    std::fs::write(dir.join("a.py"), "print('x')\nfrom . import y\n").unwrap();
    std::fs::write(dir.join("b.ts"), "console.log('x');\n").unwrap();
    std::fs::write(dir.join("c.js"), "console.log('x');\n").unwrap();
    // Python rules only: the two TS/JS files are not parsed.
    assert_eq!(run(&dir, "X-print-in-production"), 1);
    // Two Python rules share one parse of the Python file.
    assert_eq!(run(&dir, "X-no-relative-import,X-print-in-production"), 1);
    // TS/JS rules only: the Python file is not parsed.
    assert_eq!(run(&dir, "X-console-in-production"), 2);
    // Built-in rules only: nothing is parsed with tree-sitter.
    assert_eq!(run(&dir, "SYN"), 0);
}
