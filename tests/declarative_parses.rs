//! Files of a language that no enabled declarative rule targets are never parsed with
//! tree-sitter, the files of one that is are parsed and walked by a query cursor once for all
//! its rules, and read once for
//! facts and rules alike. In-process (the parse counter and read statistics are per process),
//! and alone in their test binary, one test at a time, so no other test parses or reads.

use std::path::PathBuf;
use std::sync::Mutex;

use plumb_declarative::{RuleSource, parse_count, pass_count};
use plumb_engine::{Overrides, Settings};
use plumb_rules::Registry;

/// Held by each test: the counters are shared by the whole process.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The tree-sitter parses and query passes of a run of the rules `select`.
fn run(dir: &std::path::Path, select: &str) -> (usize, usize) {
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
    let before = (parse_count(), pass_count());
    let outcome = plumb_engine::check(&[dir.to_path_buf()], &settings, &registry).unwrap();
    assert_eq!(outcome.summary.files.checked, 3);
    (parse_count() - before.0, pass_count() - before.1)
}

#[test]
fn only_files_of_targeted_languages_are_parsed_once_each() {
    let _serial = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poison| poison.into_inner());
    let temp = tempfile::tempdir().unwrap();
    let dir: PathBuf = temp.path().canonicalize().unwrap();
    std::fs::write(dir.join("a.py"), "print('x')\nfrom . import y\n").unwrap();
    std::fs::write(dir.join("b.ts"), "console.log('x');\n").unwrap();
    std::fs::write(dir.join("c.js"), "console.log('x');\n").unwrap();
    // Python rules only: the two TS/JS files are not parsed.
    assert_eq!(run(&dir, "X-print-in-production"), (1, 1));
    // Two Python rules share one parse of the Python file, and one query pass over it.
    assert_eq!(
        run(&dir, "X-no-relative-import,X-print-in-production"),
        (1, 1)
    );
    // TS/JS rules only: the Python file is not parsed.
    assert_eq!(run(&dir, "X-console-in-production"), (2, 2));
    assert_eq!(
        run(&dir, "X-console-in-production,X-deep-relative-import"),
        (2, 2)
    );
    // Built-in rules only: nothing is parsed with tree-sitter.
    assert_eq!(run(&dir, "SYN"), (0, 0));
}

/// Bytes this process has read with `read(2)` and its kin, all threads included.
#[cfg(target_os = "linux")]
fn bytes_read() -> u64 {
    let io = std::fs::read_to_string("/proc/self/io").unwrap();
    io.lines()
        .find_map(|line| line.strip_prefix("rchar: "))
        .and_then(|count| count.trim().parse().ok())
        .expect("rchar in /proc/self/io")
}

/// The text a declarative rule matches is the one the facts were extracted from: a file is
/// not read a second time for the rules (it was, before).
#[cfg(target_os = "linux")]
#[test]
fn a_file_is_read_once_for_its_facts_and_its_declarative_rules() {
    let _serial = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poison| poison.into_inner());
    let temp = tempfile::tempdir().unwrap();
    let dir: PathBuf = temp.path().canonicalize().unwrap();
    let size = 2_000_000;
    let text = "value = compute(1)\n".repeat(size / 19) + "print('x')\n";
    std::fs::write(dir.join("a.py"), &text).unwrap();
    std::fs::write(dir.join("b.ts"), "console.log('x');\n").unwrap();
    std::fs::write(dir.join("c.js"), "console.log('x');\n").unwrap();
    let before = bytes_read();
    assert_eq!(run(&dir, "X-print-in-production").0, 1);
    let read = bytes_read() - before;
    assert!(
        read >= text.len() as u64 && read < text.len() as u64 * 3 / 2,
        "read {read} bytes for a file of {}",
        text.len()
    );
}
