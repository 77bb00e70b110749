//! `plumb audit` through the real binary: the four formats show the same figures as each other
//! and as `plumb check`; text and markdown snapshots; tables fit 100 columns; files not
//! checked stay out of the denominator; `--history` and `-o`; and the HTML page in a real
//! headless Chromium: headline figures rendered, filtering by rule from the URL fragment, and
//! repository text shown as text with no script of its own run.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{json, repo_root, run_in, standalone, stderr, stdout};

fn audit_repo() -> (tempfile::TempDir, PathBuf) {
    standalone(&repo_root().join("fixtures/e2e/audit-repo"))
}

fn audit(dir: &Path, format: &str) -> String {
    let output = run_in(dir, &["audit", "--no-cache", "--output-format", format]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Not a terminal: no progress bar, nothing on standard error.
    assert_eq!(stderr(&output), "");
    stdout(&output)
}

/// `54.5% (6/11)` or `n/a (0/0)`, with `; N not checked` when there are any.
fn figure(scope: &serde_json::Value) -> String {
    let percent = scope["percent"]
        .as_f64()
        .map_or("n/a".to_string(), |p| format!("{p:.1}%"));
    let not_checked = scope["not_checked"].as_u64().unwrap();
    let note = if not_checked > 0 {
        format!("; {not_checked} not checked")
    } else {
        String::new()
    };
    format!(
        "{percent} ({}/{}{note})",
        scope["compliant"], scope["files"]
    )
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn text_markdown_json_and_html_show_the_same_figures() {
    let (_temp, dir) = audit_repo();
    let document: serde_json::Value = serde_json::from_str(&audit(&dir, "json")).unwrap();
    assert_eq!(document["version"], 1);
    let text = squeeze(&audit(&dir, "text"));
    let markdown = audit(&dir, "markdown");
    let html = audit(&dir, "html");

    // The audit's totals are the check's.
    let check = json(&run_in(
        &dir,
        &["check", "--no-cache", "--output-format", "json"],
    ));
    let headline = &document["headline"];
    assert_eq!(headline["violations"], check["summary"]["violations"]);
    assert_eq!(headline["by_rule"], check["summary"]["by_rule"]);
    assert_eq!(headline["compliance"], check["summary"]["compliance"]);
    let totals = &check["summary"]["rule_totals"];
    assert_eq!(headline["types"], totals["TYP001"]["counts"]);
    assert_eq!(headline["mocks"], totals["MCK001"]["counts"]);
    assert_eq!(document["violations"].as_array().unwrap().len(), 7);

    let violations = headline["violations"].as_u64().unwrap();
    assert!(
        text.contains(&format!("Violations {violations} (")),
        "{text}"
    );
    assert!(markdown.contains(&format!("| Violations | {violations} (")));
    assert!(html.contains(&format!(
        "id=\"h-violations\"><span class=\"n\">{violations}</span>"
    )));
    let checked = headline["files_checked"].as_u64().unwrap();
    assert!(text.contains(&format!("{checked} checked")));
    assert!(markdown.contains(&format!("{checked} checked")));
    assert!(html.contains(&format!(
        "id=\"h-files\"><span class=\"n\">{checked}</span>"
    )));
    let types = &headline["types"];
    let types_line = format!(
        "{} extra definitions ({} identical, {} divergent)",
        types["extra_definitions"], types["identical"], types["divergent"]
    );
    assert!(text.contains(&types_line) && markdown.contains(&types_line));
    let mocks = &headline["mocks"];
    let mocks_line = format!(
        "{} unjustified, {} justified",
        mocks["unjustified"], mocks["justified"]
    );
    assert!(text.contains(&mocks_line) && markdown.contains(&mocks_line));
    assert!(html.contains(&format!(
        "<span class=\"n\">{}</span> unjustified mocks",
        mocks["unjustified"]
    )));

    for scope in headline["compliance"].as_array().unwrap() {
        let name = scope["scope"].as_str().unwrap();
        let figure = figure(scope);
        assert!(
            text.contains(&format!("{name} {figure}")),
            "{name} {figure}: {text}"
        );
        assert!(
            markdown.contains(&format!("| {name} | {figure} |")),
            "{figure}"
        );
        assert!(html.contains(&html_escape(&figure)), "{figure}");
    }
    for code_count in headline["by_rule"].as_object().unwrap() {
        let (code, count) = code_count;
        assert!(text.contains(&format!("{code} ")) && text.contains(&format!(" {count} ")));
        assert!(markdown.contains(&format!("| {code} |")));
        assert!(
            markdown
                .lines()
                .any(|l| l.starts_with(&format!("| {code} |"))
                    && l.ends_with(&format!("| {count} |")))
        );
    }
    for area in ["directories", "scopes"] {
        for row in document[area].as_array().unwrap() {
            let cells = [
                row["files"].to_string(),
                row["compliant"].to_string(),
                row["percent"]
                    .as_f64()
                    .map_or("n/a".into(), |p| format!("{p:.1}")),
                row["not_checked"].to_string(),
                row["violations"].to_string(),
            ];
            let name = row["scope"].as_str().unwrap();
            assert!(
                text.contains(&format!("{name} {}", cells.join(" "))),
                "{name}: {text}"
            );
            assert!(
                markdown.contains(&format!("`{name}` | {} |", cells.join(" | "))),
                "{name}"
            );
            let html_row: String = cells
                .iter()
                .map(|c| format!("<td class=\"num\">{c}</td>"))
                .collect();
            assert!(html.contains(&html_row), "{name}: {html_row}");
        }
    }
    for group in document["duplicated_types"].as_array().unwrap() {
        let name = group["name"].as_str().unwrap();
        let files = group["files"].as_array().unwrap().len();
        assert!(text.contains(&format!(
            "{name} {files} {} {}",
            group["identical"], group["divergent"]
        )));
        assert!(markdown.contains(&format!(
            "| `{name}` | {files} | {} | {} |",
            group["identical"], group["divergent"]
        )));
    }
    for row in document["mocks_by_test_directory"].as_array().unwrap() {
        let cells = format!(
            "{} {} {} {} {}",
            row["directory"].as_str().unwrap(),
            row["test_files"],
            row["unjustified"],
            row["justified"],
            row["files_with_unjustified"]
        );
        assert!(text.contains(&cells), "{cells}");
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn text_and_markdown_snapshots() {
    let (_temp, dir) = audit_repo();
    insta::assert_snapshot!("audit_text", audit(&dir, "text"));
    insta::assert_snapshot!("audit_markdown", audit(&dir, "markdown"));
}

#[test]
fn the_directory_breakdown_is_relative_to_the_audited_path() {
    let (temp, dir) = audit_repo();
    let parent = dir.parent().unwrap();
    assert_eq!(parent, temp.path().canonicalize().unwrap());
    let output = run_in(
        parent,
        &[
            "audit",
            "--no-cache",
            "--output-format",
            "json",
            "audit-repo",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document = json(&output);
    let names: Vec<&str> = document["directories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["scope"].as_str().unwrap())
        .collect();
    assert_eq!(names, [".", "services", "tests", "web"]);
}

#[test]
fn text_fits_100_columns_even_with_long_paths() {
    let (_temp, dir) = audit_repo();
    let deep = dir.join(format!("{}/tests", "very_long_directory_name/".repeat(5)));
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(
        deep.join("test_with_a_rather_long_file_name_for_the_table.py"),
        "from unittest.mock import MagicMock\n\n\ndef test_x():\n    MagicMock()\n",
    )
    .unwrap();
    let text = audit(&dir, "text");
    assert!(
        text.contains("\u{2026}"),
        "a long path is shortened: {text}"
    );
    for line in text.lines() {
        assert!(
            line.chars().count() <= 100,
            "{} columns: {line}",
            line.chars().count()
        );
    }
}

/// A binary file named like source is skipped (IO002): not checked, so neither compliant nor
/// non-compliant, and the figure says so.
#[test]
fn files_not_checked_are_outside_the_denominator() {
    let (_temp, dir) = audit_repo();
    std::fs::write(dir.join("web/src/blob.ts"), b"\x00\x01\x02binary\x00").unwrap();
    let document: serde_json::Value = serde_json::from_str(&audit(&dir, "json")).unwrap();
    let web = document["directories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["scope"] == "web")
        .unwrap();
    assert_eq!(
        (web["files"].as_u64(), web["compliant"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(web["not_checked"], 1);
    assert_eq!(web["percent"], 50.0);
    assert_eq!(document["headline"]["skipped"], 1);
    let text = squeeze(&audit(&dir, "text"));
    assert!(
        text.contains("overall 54.5% (6/11; 1 not checked)"),
        "{text}"
    );
}

#[test]
fn history_appends_one_line_per_audit_and_the_html_draws_the_trend() {
    let (_temp, dir) = audit_repo();
    for _ in 0..2 {
        let output = run_in(
            &dir,
            &[
                "audit",
                "--no-cache",
                "--history",
                "audits.jsonl",
                "-o",
                "audit.html",
                "--output-format",
                "html",
            ],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(stdout(&output), "");
    }
    let history = std::fs::read_to_string(dir.join("audits.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = history
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    for line in &lines {
        assert_eq!(line["headline"]["violations"], 7);
        assert!(line["commit"].is_null(), "not a git work tree");
        assert!(line["time"].as_str().unwrap().ends_with('Z'));
    }
    let html = std::fs::read_to_string(dir.join("audit.html")).unwrap();
    assert!(html.contains("<svg id=\"trend\""));
    assert_eq!(
        html.matches("54.5% (6/11)</td>").count(),
        2,
        "one trend row per audit"
    );

    std::fs::write(dir.join("audits.jsonl"), format!("{history}not json\n")).unwrap();
    let output = run_in(&dir, &["audit", "--no-cache", "--history", "audits.jsonl"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("audits.jsonl:3: not a plumb audit history line"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn history_records_the_git_commit() {
    let (_temp, dir) = audit_repo();
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .current_dir(&dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(status.status.success(), "{:?}", status);
        String::from_utf8(status.stdout).unwrap()
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "initial"]);
    let head = git(&["rev-parse", "HEAD"]);
    let output = run_in(&dir, &["audit", "--no-cache", "-q", "--history", "h.jsonl"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let line: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(dir.join("h.jsonl")).unwrap().trim()).unwrap();
    assert_eq!(line["commit"].as_str(), Some(head.trim()));
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    let (_temp, dir) = audit_repo();
    let output = run_in(&dir, &["audit", "--output-format", "sarif"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unknown audit format `sarif`"));
}

/// The project for the browser: several SYN001 files and other rules, and repository text
/// that would run script if it were written into the page as markup.
fn hostile_project() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().canonicalize().unwrap().join("project");
    let files = [
        (
            "pyproject.toml",
            "[project]\nname = \"demo\"\nversion = \"0\"\ndependencies = []\n",
        ),
        ("app/<img src=x onerror=alert(1)>.py", "def f(:\n    pass\n"),
        (
            "app/<img src=x onerror=document.body.setAttribute('data-pwned',1)>.py",
            "def g(:\n",
        ),
        ("app/broken.py", "class (:\n"),
        ("app/clean.py", "VALUE = 1\n"),
        (
            "web/main.ts",
            "import a from \"./</script><script>document.body.setAttribute('data-pwned','2')</script>\";\nexport const b = a;\n",
        ),
        (
            "tests/test_a.py",
            "from unittest.mock import MagicMock\n\n\ndef test_x():\n    MagicMock()\n",
        ),
    ];
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    (temp, root)
}

/// Debian's `chromium`, which `.ci/run` installs; without it the browser tests say so and
/// pass, except under `CI=true`, where they fail.
fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser"].into_iter().find(|name| {
        Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|output| output.status.success())
    });
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|value| value == "true") {
            panic!("chromium is not installed (apt-get install chromium)");
        }
        eprintln!("chromium is not installed (apt-get install chromium): skipping this test");
    }
    found
}

/// The DOM after the page's script ran, as headless Chromium serialises it.
fn rendered_dom(browser: &str, page: &Path, fragment: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}{fragment}", page.display());
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        dom.contains("data-ready=\"1\""),
        "the page's script did not finish: {}\n{dom}",
        String::from_utf8_lossy(&output.stderr)
    );
    dom
}

/// `data-rule` of each rendered row of the violations table.
fn rendered_rules(dom: &str) -> Vec<String> {
    let table = dom.split("<table id=\"violations\">").nth(1).unwrap();
    let body = table.split("</tbody>").next().unwrap();
    body.split("<tr data-rule=\"")
        .skip(1)
        .map(|row| row.split('"').next().unwrap().to_string())
        .collect()
}

#[test]
fn the_html_page_in_a_real_browser() {
    let Some(browser) = chromium() else {
        return;
    };
    let (_temp, dir) = hostile_project();
    let output = run_in(&dir, &["audit", "--no-cache", "--output-format", "json"]);
    let document = json(&output);
    let by_rule: BTreeMap<String, u64> =
        serde_json::from_value(document["headline"]["by_rule"].clone()).unwrap();
    let output = run_in(
        &dir,
        &[
            "audit",
            "--no-cache",
            "--output-format",
            "html",
            "-o",
            "audit.html",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = dir.join("audit.html");

    let dom = rendered_dom(browser, &page, "");
    let total: u64 = by_rule.values().sum();
    assert!(
        dom.contains(&format!(
            "id=\"h-violations\"><span class=\"n\">{total}</span>"
        )),
        "{dom}"
    );
    let overall = &document["headline"]["compliance"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(overall["scope"], "overall");
    assert!(dom.contains(&html_escape(&figure(overall))), "{dom}");
    assert_eq!(
        rendered_rules(&dom).len() as u64,
        total,
        "every violation listed (one page)"
    );
    assert!(
        dom.contains(&format!("1\u{2013}{total} of {total} violations")),
        "{dom}"
    );

    // Repository text is text: no element from a file name or message, no script of theirs.
    assert!(
        dom.contains("&lt;img src=x onerror=alert(1)&gt;.py"),
        "{dom}"
    );
    assert!(
        !dom.contains("<img"),
        "an element was made from repository text"
    );
    let body_tag = dom
        .split("<body")
        .nth(1)
        .unwrap()
        .split('>')
        .next()
        .unwrap();
    assert!(body_tag.contains("data-ready"), "{body_tag}");
    assert!(
        !body_tag.contains("data-pwned"),
        "repository text ran as script"
    );
    assert!(
        dom.contains("&lt;/script&gt;&lt;script&gt;"),
        "the message is shown as text"
    );

    // Filtering by rule, from the URL fragment the page's script applies on load.
    let syntax = by_rule["SYN001"];
    assert!(syntax >= 3);
    let filtered = rendered_dom(browser, &page, "#rule=SYN001");
    let rules = rendered_rules(&filtered);
    assert_eq!(rules.len() as u64, syntax, "{filtered}");
    assert!(rules.iter().all(|rule| rule == "SYN001"), "{rules:?}");
    assert!(filtered.contains(&format!("of {syntax} violations (filtered from {total})")));
    let search = rendered_dom(browser, &page, "#q=broken.py");
    assert_eq!(rendered_rules(&search), ["SYN001"]);
    // Locations link to the file beside the page, each path segment percent-encoded.
    assert!(
        search.contains("href=\"./app/broken.py\">app/broken.py:1:"),
        "{search}"
    );
    assert!(dom.contains("href=\"./app/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E.py\""));

    let output = run_in(
        &dir,
        &[
            "audit",
            "--no-cache",
            "--output-format",
            "html",
            "-o",
            "linked.html",
            "--link-base",
            "https://example.invalid/blob/abc/",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let linked = rendered_dom(browser, &dir.join("linked.html"), "#q=broken.py");
    assert!(
        linked.contains("href=\"https://example.invalid/blob/abc/app/broken.py#L1\""),
        "{linked}"
    );
}

#[test]
fn every_format_is_identical_for_any_thread_count() {
    let (_temp, dir) = audit_repo();
    for format in ["text", "json", "markdown", "html"] {
        let runs: Vec<String> = ["1", "3"]
            .iter()
            .map(|threads| {
                let output = run_in(
                    &dir,
                    &[
                        "audit",
                        "--no-cache",
                        "--threads",
                        threads,
                        "--output-format",
                        format,
                    ],
                );
                assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
                stdout(&output)
            })
            .collect();
        assert_eq!(runs[0], runs[1], "{format}");
    }
}
