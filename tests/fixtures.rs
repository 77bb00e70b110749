//! Runs every fixture case under `fixtures/rules/<CODE>-<name>/<case>/` through the real binary
//! and checks that the reported (file, line, code) triples are exactly the inline
//! `# expect: CODE` / `// expect: CODE` markers, then snapshots the rendered concise output.
//! Each case runs in a copy of its own, as a project in a fresh clone would.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{json, repo_root, run_in, standalone};

/// (relative path, line, code) triples the markers in `case` ask for.
fn expected(case: &Path) -> BTreeSet<(String, u64, String)> {
    let mut expected = BTreeSet::new();
    for entry in walk(case) {
        let relative = entry
            .strip_prefix(case)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(&entry).unwrap();
        // A UTF-16 case's markers are UTF-16 too.
        let text = match bytes.as_slice() {
            [0xFF, 0xFE, rest @ ..] => String::from_utf16_lossy(
                &rest
                    .chunks_exact(2)
                    .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                    .collect::<Vec<_>>(),
            )
            .into(),
            [0xFE, 0xFF, rest @ ..] => String::from_utf16_lossy(
                &rest
                    .chunks_exact(2)
                    .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                    .collect::<Vec<_>>(),
            )
            .into(),
            _ => String::from_utf8_lossy(&bytes),
        };
        for (index, line) in language_lines(&text, &relative).into_iter().enumerate() {
            let Some(position) = line.find("expect:") else {
                continue;
            };
            let before = &line[..position];
            if !(before.trim_end().ends_with('#') || before.trim_end().ends_with("//")) {
                continue;
            }
            for code in line[position + "expect:".len()..].split(',') {
                let code = code.split_whitespace().next().unwrap_or("");
                if !code.is_empty() {
                    expected.insert((relative.clone(), index as u64 + 1, code.to_string()));
                }
            }
        }
    }
    expected
}

/// `text` split into lines as the file's language does: `\n`, `\r\n` and a lone `\r` end a
/// line in Python and TypeScript/JavaScript, U+2028 and U+2029 in TypeScript/JavaScript only.
fn language_lines<'t>(text: &'t str, path: &str) -> Vec<&'t str> {
    let python = path.ends_with(".py") || path.ends_with(".pyi");
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| {
                matches!(c, '\n' | '\r') || (!python && matches!(c, '\u{2028}' | '\u{2029}'))
            })
            .unwrap_or(rest.len());
        lines.push(&rest[..end]);
        let terminator = if rest[end..].starts_with("\r\n") {
            2
        } else {
            rest[end..].chars().next().map_or(0, char::len_utf8)
        };
        rest = &rest[end + terminator..];
    }
    lines
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else if path.file_name().is_some_and(|name| name != "plumb.toml") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn case_args(case: &Path) -> Vec<String> {
    let mut args = vec!["check".to_string(), "--threads".into(), "2".into()];
    if case.join("plumb.toml").is_file() {
        args.extend(["--config".into(), "plumb.toml".into()]);
    } else {
        args.extend([
            "--isolated".into(),
            "--target-version".into(),
            "3.11".into(),
        ]);
    }
    args
}

#[test]
fn fixture_markers_match_reported_violations() {
    let root = repo_root().join("fixtures/rules");
    let mut rule_dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    rule_dirs.sort();
    let mut failures = Vec::new();
    let mut cases_run = 0;
    for rule_dir in rule_dirs {
        let mut cases: Vec<_> = std::fs::read_dir(&rule_dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        cases.sort();
        for case in cases {
            cases_run += 1;
            let mut args = case_args(&case);
            args.extend(["--output-format".into(), "json".into()]);
            let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let (_temp, copy) = standalone(&case);
            let output = run_in(&copy, &arg_refs);
            let document = json(&output);
            let reported: BTreeSet<(String, u64, String)> = document["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    (
                        d["path"].as_str().unwrap().to_string(),
                        d["line"].as_u64().unwrap(),
                        d["code"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            let wanted = expected(&case);
            let name = format!(
                "{}/{}",
                rule_dir.file_name().unwrap().to_string_lossy(),
                case.file_name().unwrap().to_string_lossy()
            );
            if case
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("clean-")
                && !wanted.is_empty()
            {
                failures.push(format!("{name}: a clean- case must not expect violations"));
            }
            if reported != wanted {
                failures.push(format!(
                    "{name}:\n  missing:    {:?}\n  unexpected: {:?}",
                    wanted.difference(&reported).collect::<Vec<_>>(),
                    reported.difference(&wanted).collect::<Vec<_>>()
                ));
            }
            let expected_exit = if reported.is_empty()
                || document["diagnostics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|d| d["severity"] != "error")
            {
                0
            } else {
                1
            };
            if output.status.code() != Some(expected_exit) {
                failures.push(format!(
                    "{name}: exit code {:?}, expected {expected_exit}",
                    output.status.code()
                ));
            }
        }
    }
    assert!(cases_run >= 10, "only {cases_run} fixture cases found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixture_concise_output_snapshots() {
    let root = repo_root().join("fixtures/rules");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flat_map(|rule| {
            std::fs::read_dir(rule.unwrap().path())
                .unwrap()
                .map(|case| case.unwrap().path())
        })
        .collect();
    cases.sort();
    for case in cases {
        let mut args = case_args(&case);
        args.extend(["--output-format".into(), "concise".into()]);
        let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (_temp, copy) = standalone(&case);
        let output = run_in(&copy, &arg_refs);
        let rule = case
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let name = format!("{rule}__{}", case.file_name().unwrap().to_string_lossy());
        insta::assert_snapshot!(name, common::stdout(&output));
    }
}
