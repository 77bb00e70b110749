//! Hostile input: every case of issue 14's list, through the real binary, each bounded in time.
//!
//! Every run must complete (a watchdog kills it after [`LIMIT`]), account for every file it
//! found (checked, unparseable, unreadable or skipped with a reason: the statuses add up to the
//! total), exit with a documented code, and keep every output format valid: JSON and GitLab
//! parse, SARIF validates against its schema, JUnit parses as XML, and the line-oriented formats
//! print exactly one line per finding whatever the file names hold. Big inputs are generated in
//! a temporary directory at test time, never committed.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use common::{plumb, repo_root};

/// No run of this file may take longer, even in a debug build on a busy machine.
const LIMIT: Duration = Duration::from_secs(60);

/// Runs `plumb` in `dir`, killing it (and failing) if it outlives [`LIMIT`].
fn run_bounded(dir: &Path, args: &[&str]) -> Output {
    let mut child = plumb()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("plumb runs");
    // Drain the pipes on their own threads so a large report cannot block the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        out.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let err_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        err.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > LIMIT {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!(
                "plumb {args:?} in {} did not finish in {LIMIT:?}",
                dir.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    }
}

const FORMATS: [&str; 8] = [
    "concise", "full", "json", "sarif", "junit", "github", "gitlab", "markdown",
];

/// Runs `args` once per output format and checks each report; returns the JSON report.
fn check_every_format(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut report = None;
    let mut exit_codes = BTreeMap::new();
    for format in FORMATS {
        let mut all: Vec<&str> = vec!["check", "--no-cache", "--output-format", format];
        all.extend_from_slice(args);
        let output = run_bounded(dir, &all);
        let code = output
            .status
            .code()
            .expect("exited, not killed by a signal");
        assert!(
            code == 0 || code == 1,
            "{format}: exit {code}, stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        exit_codes.insert(format, code);
        let text = String::from_utf8(output.stdout.clone())
            .unwrap_or_else(|_| panic!("{format}: output is not UTF-8"));
        match format {
            "json" => report = Some(serde_json::from_str(&text).expect("JSON report parses")),
            "sarif" => validate_sarif(&text),
            "gitlab" => {
                let value: serde_json::Value = serde_json::from_str(&text).expect("GitLab JSON");
                assert!(value.is_array(), "GitLab report is an array");
            }
            "junit" => validate_xml(&text),
            _ => {}
        }
        if format == "concise" || format == "github" {
            let findings = text.split("\n\n").next().unwrap_or("");
            for line in findings.lines().filter(|line| !line.is_empty()) {
                assert!(
                    looks_like_a_finding(line, format),
                    "{format}: a finding split over lines: {line:?}\n{text}"
                );
            }
        }
    }
    let codes: Vec<_> = exit_codes.values().collect();
    assert!(
        codes.windows(2).all(|pair| pair[0] == pair[1]),
        "formats disagree on the exit code: {exit_codes:?}"
    );
    let report: serde_json::Value = report.expect("json ran");
    let files = &report["summary"]["files"];
    let sum = ["checked", "unparseable", "unreadable", "skipped"]
        .iter()
        .map(|key| files[key].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(
        files["total"].as_u64(),
        Some(sum),
        "statuses add up: {files}"
    );
    assert_eq!(
        report["files"].as_array().unwrap().len() as u64,
        sum,
        "one file record per file"
    );
    // Nothing unread goes without its reason.
    for record in report["files"].as_array().unwrap() {
        let status = record["status"].as_str().unwrap();
        if status == "unreadable" || status == "skipped" {
            let path = record["path"].as_str().unwrap();
            assert!(
                diagnostics_of(&report, path)
                    .iter()
                    .any(|d| d["code"] == "IO001" || d["code"] == "IO002"),
                "{path} is {status} without an IO diagnostic"
            );
        }
    }
    report
}

/// `path:line:col: CODE ...` (concise; a quoted path may hold escaped colons) or
/// `::error file=...` (GitHub).
fn looks_like_a_finding(line: &str, format: &str) -> bool {
    if format == "github" {
        return line.starts_with("::");
    }
    let rest = if let Some(quoted) = line.strip_prefix('"') {
        let mut escaped = false;
        let end = quoted.char_indices().find(|&(_, c)| {
            let closes = c == '"' && !escaped;
            escaped = c == '\\' && !escaped;
            closes
        });
        match end {
            Some((index, _)) => &quoted[index + 1..],
            None => return false,
        }
    } else {
        line
    };
    let Some(position) = rest.find(": ") else {
        return false;
    };
    let code = rest[position + 2..].split(' ').next().unwrap_or("");
    code.len() >= 5 && code.chars().take(2).all(|c| c.is_ascii_uppercase())
}

fn validate_sarif(text: &str) {
    let schema_path = repo_root().join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let sarif: serde_json::Value = serde_json::from_str(text).expect("SARIF parses");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|error| error.to_string())
        .collect();
    assert!(errors.is_empty(), "SARIF invalid: {errors:?}");
}

fn validate_xml(text: &str) {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(error) => panic!("JUnit XML invalid: {error}\n{text}"),
        }
    }
}

fn diagnostics_of<'r>(report: &'r serde_json::Value, path: &str) -> Vec<&'r serde_json::Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"] == path)
        .collect()
}

fn status_of(report: &serde_json::Value, path: &str) -> String {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|file| file["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in the report: {}", report["files"]))["status"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The (status, first diagnostic code and line) of `path`.
fn verdict(report: &serde_json::Value, path: &str) -> (String, Option<(String, u64)>) {
    let first = diagnostics_of(report, path).first().map(|d| {
        (
            d["code"].as_str().unwrap().to_string(),
            d["line"].as_u64().unwrap(),
        )
    });
    (status_of(report, path), first)
}

fn project() -> (tempfile::TempDir, std::path::PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().canonicalize().unwrap().join("project");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("pyproject.toml"), "[project]\nname = \"p\"\n").unwrap();
    (temp, root)
}

fn write(root: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn syn(line: u64) -> Option<(String, u64)> {
    Some(("SYN001".to_string(), line))
}

/// Encodings, bytes and line endings: each file is judged, never crashes the run.
#[test]
fn encodings_bytes_and_line_endings() {
    let (_temp, root) = project();
    write(&root, "invalid_utf8.py", b"name = \"caf\xe9\"\n");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("x = 1\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    write(&root, "utf16.py", utf16);
    write(
        &root,
        "utf8_bom.py",
        b"\xef\xbb\xbfx = 1\ndef f(:\n    pass\n",
    );
    write(&root, "nul.ts", b"export const a = 1;\0\n");
    write(
        &root,
        "image.py",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01",
    );
    write(
        &root,
        "crlf.py",
        "x = 1\r\ny = 2\r\ndef f(:\r\n    pass\r\n",
    );
    write(&root, "cr_only.py", "x = 1\ry = 2\rdef f(:\r    pass\r");
    write(
        &root,
        "mixed.py",
        "x = 1\ny = 2\r\nz = 3\rdef f(:\n    pass\n",
    );
    write(
        &root,
        "cr_only.ts",
        "export const a = 1;\rexport const b = ;\r",
    );
    write(
        &root,
        "separators.ts",
        "export const a = 1;\u{2028}\u{2029}export const b = ;\n",
    );
    let report = check_every_format(&root, &["--isolated", "--target-version", "3.11", "."]);
    let expectations = [
        (
            "invalid_utf8.py",
            "unreadable",
            Some(("IO001".to_string(), 1)),
        ),
        ("utf16.py", "unreadable", Some(("IO001".to_string(), 1))),
        ("utf8_bom.py", "unparseable", syn(2)),
        ("nul.ts", "skipped", Some(("IO002".to_string(), 1))),
        ("image.py", "skipped", Some(("IO002".to_string(), 1))),
        ("crlf.py", "unparseable", syn(3)),
        ("cr_only.py", "unparseable", syn(3)),
        ("mixed.py", "unparseable", syn(4)),
        ("cr_only.ts", "unparseable", syn(2)),
        ("separators.ts", "unparseable", syn(3)),
    ];
    for (path, status, first) in expectations {
        assert_eq!(
            verdict(&report, path),
            (status.to_string(), first),
            "{path}"
        );
    }
    let utf16 = diagnostics_of(&report, "utf16.py")[0]["message"]
        .as_str()
        .unwrap();
    assert!(utf16.contains("UTF-16"), "{utf16}");

    // The code frame of `full` points at the right line of a CR-only and a BOM file.
    let output = run_bounded(
        &root,
        &[
            "check",
            "--isolated",
            "--no-cache",
            "--output-format",
            "full",
            "cr_only.py",
            "utf8_bom.py",
        ],
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("3 │ def f(:"), "{text}");
    assert!(text.contains("2 │ def f(:"), "{text}");
}

/// Deep nesting in both languages: a verdict, never a stack overflow.
#[test]
fn deep_nesting() {
    let (_temp, root) = project();
    let brackets = |open: &str, close: &str| open.repeat(10_000) + &close.repeat(10_000);
    write(
        &root,
        "brackets.py",
        format!("x = {}\n", brackets("[", "]")),
    );
    write(
        &root,
        "brackets.ts",
        format!("export const x = {};\n", brackets("[", "]")),
    );
    write(
        &root,
        "parens.js",
        format!(
            "export const x = {}1{};\n",
            "(".repeat(10_000),
            ")".repeat(10_000)
        ),
    );
    let mut blocks_py = String::new();
    for depth in 0..1_000 {
        blocks_py.push_str(&" ".repeat(depth));
        blocks_py.push_str("if x:\n");
    }
    blocks_py.push_str(&" ".repeat(1_000));
    blocks_py.push_str("pass\n");
    write(&root, "blocks.py", blocks_py);
    write(
        &root,
        "blocks.ts",
        format!("{}{}\n", "{ if (x) ".repeat(1_000), "}".repeat(1_000)),
    );
    let report = check_every_format(&root, &["--isolated", "--target-version", "3.11", "."]);
    // CPython refuses both Python files (nesting and indentation limits).
    assert_eq!(verdict(&report, "brackets.py").0, "unparseable");
    assert_eq!(verdict(&report, "blocks.py").0, "unparseable");
    for path in ["brackets.ts", "parens.js", "blocks.ts"] {
        let status = status_of(&report, path);
        assert!(
            status == "ok" || status == "unparseable",
            "{path}: {status}"
        );
    }
}

/// Size limits: a 50 MB file and a 10 MB single line are skipped with their size, a
/// one-million-line file and a 4 MB single line (under the default 5,000,000-byte cap) are
/// parsed.
#[test]
fn big_files() {
    let (_temp, root) = project();
    let fifty = std::fs::File::create(root.join("huge.py")).unwrap();
    fifty.set_len(50 * 1024 * 1024).unwrap();
    write(
        &root,
        "long_line.ts",
        format!("export const s = \"{}\";\n", "a".repeat(10 * 1024 * 1024)),
    );
    write(&root, "million.py", "x=1\n".repeat(1_000_000));
    write(
        &root,
        "wide.ts",
        format!("export const s = [{}];\n", "1,".repeat(2_000_000)),
    );
    let started = Instant::now();
    let report = check_every_format(&root, &["--isolated", "--select", "SYN,IO", "."]);
    for path in ["huge.py", "long_line.ts"] {
        assert_eq!(
            verdict(&report, path),
            ("skipped".to_string(), Some(("IO002".to_string(), 1))),
            "{path}"
        );
        let message = diagnostics_of(&report, path)[0]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(message.contains("max-file-size"), "{message}");
    }
    assert_eq!(verdict(&report, "million.py"), ("ok".to_string(), None));
    assert_eq!(verdict(&report, "wide.ts"), ("ok".to_string(), None));
    println!("big files, eight formats: {:?}", started.elapsed());
}

/// Things that are not regular files, or lead elsewhere: never opened, never followed, counted.
#[cfg(unix)]
#[test]
fn links_fifos_and_directories_named_like_source() {
    use std::os::unix::fs::symlink;
    let (temp, root) = project();
    write(&root, "pkg.py/inner.py", "x = 1\n");
    write(&temp.path().join("outside"), "secret.py", "def f(:\n");
    symlink(
        temp.path().join("outside/secret.py"),
        root.join("outside.py"),
    )
    .unwrap();
    symlink(temp.path().join("outside"), root.join("linked_dir")).unwrap();
    symlink("loop.py", root.join("loop.py")).unwrap();
    symlink("a_dir_loop", root.join("a_dir_loop")).unwrap();
    symlink(".", root.join("self")).unwrap();
    symlink("missing.py", root.join("dangling.py")).unwrap();
    let fifo = root.join("fifo.py");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo");
    let report = check_every_format(&root, &["--isolated", "."]);
    assert_eq!(
        verdict(&report, "pkg.py/inner.py"),
        ("ok".to_string(), None)
    );
    assert_eq!(verdict(&report, "fifo.py").0, "skipped");
    let fifo_message = diagnostics_of(&report, "fifo.py")[0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(fifo_message.contains("FIFO"), "{fifo_message}");
    let paths: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| file["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["fifo.py", "pkg.py/inner.py"],
        "links are neither checked nor followed"
    );
    assert_eq!(
        report["summary"]["excluded"]["symbolic link"].as_u64(),
        Some(3),
        "outside.py, loop.py and dangling.py are counted: {}",
        report["summary"]["excluded"]
    );
    // The FIFO named on the command line is not opened either.
    let output = run_bounded(&root, &["check", "--isolated", "--no-cache", "fifo.py"]);
    assert_eq!(output.status.code(), Some(0), "a skipped file is a warning");
}

/// File names with spaces, quotes, a newline, a tab and a non-UTF-8 byte: each checked and
/// reported on one line in the text formats, unchanged in JSON.
#[cfg(unix)]
#[test]
fn unusual_file_names() {
    use std::os::unix::ffi::OsStrExt;
    let (_temp, root) = project();
    let names: [&[u8]; 6] = [
        b"with space.py",
        b"it's.py",
        b"say \"hi\".ts",
        b"new\nline.py",
        b"tab\there.py",
        b"latin1 caf\xe9.py",
    ];
    for name in names {
        let path = root.join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(path, "x = (\n").unwrap();
    }
    let report = check_every_format(&root, &["--isolated", "--select", "SYN,IO", "."]);
    assert_eq!(
        report["summary"]["files"]["unparseable"].as_u64(),
        Some(6),
        "{}",
        report["summary"]
    );
    assert_eq!(status_of(&report, "new\nline.py"), "unparseable");
    assert_eq!(status_of(&report, "latin1 caf\u{FFFD}.py"), "unparseable");
    let output = run_bounded(
        &root,
        &[
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            "SYN",
            "--output-format",
            "concise",
            ".",
        ],
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("\"new\\nline.py\":2:1: SYN001"), "{text}");
    assert!(text.contains("\"tab\\there.py\":2:1: SYN001"), "{text}");
    assert!(text.contains("with space.py:2:1: SYN001"), "{text}");

    // The audit's tables print the paths git-quoted too: a raw newline would split a row of
    // its text tables, and show as a plain space in its HTML.
    std::fs::create_dir(root.join("dir\nwith newline")).unwrap();
    std::fs::write(root.join("dir\nwith newline/m.py"), "x = (\n").unwrap();
    for format in ["text", "html"] {
        let output = run_bounded(
            &root,
            &[
                "audit",
                "--isolated",
                "--no-cache",
                "--output-format",
                format,
            ],
        );
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.contains("\"new\\nline.py\""), "{format}: {text}");
        assert!(text.contains("\"dir\\nwith newline"), "{format}: {text}");
        assert!(
            !text.contains("new\nline") && !text.contains("dir\nwith"),
            "{format}: a path printed with its raw newline:\n{text}"
        );
    }
}

/// 20,000 tiny files in nested directories and 10,000 in one directory.
#[test]
fn many_files() {
    let (_temp, root) = project();
    for index in 0..20_000 {
        write(
            &root,
            &format!("nested/d{}/m{index}.py", index % 200),
            "x = 1\n",
        );
    }
    for index in 0..10_000 {
        write(&root, &format!("flat/f{index}.ts"), "export const x = 1;\n");
    }
    let output = run_bounded(
        &root,
        &[
            "check",
            "--isolated",
            "--no-cache",
            "--output-format",
            "json",
            ".",
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["files"]["total"].as_u64(), Some(30_000));
    assert_eq!(report["summary"]["files"]["checked"].as_u64(), Some(30_000));
}

/// Files deleted or truncated while the run reads them: each is checked or unreadable, the
/// run completes and the report is whole.
#[test]
fn files_vanishing_during_the_run() {
    let (_temp, root) = project();
    let count = 3_000;
    for index in 0..count {
        write(
            &root,
            &format!("src/m{index}.py"),
            "def f():\n    return 1\n".repeat(50),
        );
    }
    let churn_root = root.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop_churn = stop.clone();
    let churn = std::thread::spawn(move || {
        let mut round = 0;
        while !stop_churn.load(std::sync::atomic::Ordering::Relaxed) {
            for index in (round % 2..count).step_by(2) {
                let path = churn_root.join(format!("src/m{index}.py"));
                if index % 4 < 2 {
                    let _ = std::fs::remove_file(&path);
                } else {
                    let _ = std::fs::File::create(&path);
                }
            }
            round += 1;
        }
    });
    let output = run_bounded(
        &root,
        &[
            "check",
            "--isolated",
            "--no-cache",
            "--output-format",
            "json",
            ".",
        ],
    );
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    churn.join().unwrap();
    let code = output.status.code().unwrap();
    assert!(
        code == 0 || code == 1,
        "exit {code}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let files = &report["summary"]["files"];
    let sum: u64 = ["checked", "unparseable", "unreadable", "skipped"]
        .iter()
        .map(|key| files[key].as_u64().unwrap())
        .sum();
    assert_eq!(files["total"].as_u64(), Some(sum), "{files}");
    for record in report["files"].as_array().unwrap() {
        let status = record["status"].as_str().unwrap();
        assert!(status == "ok" || status == "unreadable", "{record}");
    }
}

/// A file and a directory without read permission. Root reads everything, so as root the run
/// drops to user `nobody` with `setpriv`; without it the test says so and passes (except under
/// `CI=true`: CI runs as root and must run this case).
#[cfg(unix)]
#[test]
fn unreadable_file_and_directory() {
    use std::os::unix::fs::PermissionsExt;
    let (temp, root) = project();
    write(&root, "ok.py", "x = 1\n");
    write(&root, "secret.py", "x = 1\n");
    write(&root, "closed/hidden.py", "x = 1\n");
    std::fs::set_permissions(
        root.join("secret.py"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    std::fs::set_permissions(root.join("closed"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.trim_ascii() == b"0");
    let output = if is_root {
        let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
            .into_iter()
            .find(|path| Path::new(path).exists());
        let Some(setpriv) = setpriv else {
            let message = "running as root without setpriv (util-linux): every file is readable";
            let in_ci = std::env::var("CI").is_ok_and(|value| value == "true" || value == "1");
            assert!(!in_ci, "{message}");
            println!("skipped: {message}");
            return;
        };
        // `nobody` must reach the tree and the binary: the temporary directory is private.
        std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::process::Command::new(setpriv)
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(env!("CARGO_BIN_EXE_plumb"))
            .args([
                "check",
                "--isolated",
                "--no-cache",
                "--output-format",
                "json",
                ".",
            ])
            .current_dir(&root)
            .output()
            .unwrap()
    } else {
        run_bounded(
            &root,
            &[
                "check",
                "--isolated",
                "--no-cache",
                "--output-format",
                "json",
                ".",
            ],
        )
    };
    std::fs::set_permissions(root.join("closed"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        verdict(&report, "secret.py"),
        ("unreadable".to_string(), Some(("IO001".to_string(), 1)))
    );
    assert_eq!(verdict(&report, "ok.py"), ("ok".to_string(), None));
    assert_eq!(
        report["summary"]["excluded"]["unreadable directory or entry"].as_u64(),
        Some(1),
        "the closed directory is counted: {}",
        report["summary"]
    );
}

/// Inputs of under 1 KB on which `oxc_parser`'s speculative parsing of `<` allocates without
/// bound (16 GB and a minute for the largest, `fuzz/known/`): each parse has a memory budget,
/// and a file over it is reported as not checked (IO001), quickly, in every format.
#[test]
fn parser_memory_blowup_is_cut_at_the_budget() {
    let (_temp, root) = project();
    let known = repo_root().join("fuzz/known");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&known).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if let Some(typescript) = name.strip_suffix(".txt") {
            std::fs::copy(&path, root.join(typescript)).unwrap();
            names.push(typescript.to_string());
        }
    }
    assert_eq!(names.len(), 3, "the known inputs: {names:?}");
    write(&root, "fine.ts", "export const x: Array<number> = [1];\n");
    let report = check_every_format(&root, &["--isolated", "."]);
    for name in &names {
        let (status, first) = verdict(&report, name);
        assert_eq!(
            (status.as_str(), first.map(|(code, _)| code)),
            ("unreadable", Some("IO001".to_string())),
            "{name}"
        );
        let message = diagnostics_of(&report, name)[0]["message"]
            .as_str()
            .unwrap();
        assert!(message.contains("memory budget of 32 MiB"), "{message}");
    }
    assert_eq!(verdict(&report, "fine.ts"), ("ok".to_string(), None));
    // The arena's "out of memory" panic is the expected way out: no panic message on stderr.
    let output = run_bounded(&root, &["check", "--no-cache", "--isolated", "."]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("out of memory"),
        "{stderr}"
    );
}

/// A crash no `catch_unwind` reaches (oxc aborts when an arena `Vec` cannot grow; a stack can
/// overflow) ends the child process the supervisor forked, not the run: the check runs again
/// without the file that was being checked, which is reported as IO001, and every other file
/// gets the verdict it gets in a run without the crash. `PLUMB_TEST_ABORT_ON` aborts the child
/// (`std::process::abort`, SIGABRT) when it starts on a file of that name.
#[cfg(target_os = "linux")]
#[test]
fn a_crash_on_one_file_costs_only_that_file() {
    use std::os::unix::process::ExitStatusExt;

    let (_temp, root) = project();
    write(&root, "app/a.py", "import os\n");
    write(&root, "app/crash.py", "x = 1\n");
    write(&root, "app/broken.py", "def (:\n");
    write(&root, "web/b.ts", "import { y } from './missing';\n");
    write(&root, "web/c.ts", "export const c = 1;\n");
    let run = |threads: &str, env: &[(&str, &str)]| {
        let mut command = plumb();
        command
            .current_dir(&root)
            .args([
                "check",
                "--no-cache",
                "--isolated",
                "--output-format",
                "json",
            ])
            .args(["--threads", threads, "."]);
        for (key, value) in env {
            command.env(key, value);
        }
        command.output().unwrap()
    };
    let without_crash = run("2", &[]);
    let clean: serde_json::Value = serde_json::from_slice(&without_crash.stdout).unwrap();
    for threads in ["1", "2"] {
        let crashed = run(threads, &[("PLUMB_TEST_ABORT_ON", "crash.py")]);
        let stderr = String::from_utf8_lossy(&crashed.stderr);
        assert_eq!(
            crashed.status.code(),
            Some(1),
            "threads {threads}: {stderr}"
        );
        assert!(
            stderr.contains("SIGABRT (an abort) ended the check while it was checking")
                && stderr.contains("crash.py; checking again without that file"),
            "threads {threads}: {stderr}"
        );
        let report: serde_json::Value = serde_json::from_slice(&crashed.stdout).unwrap();
        assert_eq!(
            verdict(&report, "app/crash.py"),
            ("unreadable".to_string(), Some(("IO001".to_string(), 1)))
        );
        let reason = diagnostics_of(&report, "app/crash.py")[0]["message"]
            .as_str()
            .unwrap();
        assert!(reason.contains("ended by SIGABRT"), "{reason}");
        // Every other file as in the run without the crash.
        let others = |report: &serde_json::Value| -> Vec<serde_json::Value> {
            report["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["path"] != "app/crash.py")
                .cloned()
                .collect()
        };
        assert_eq!(others(&report), others(&clean), "threads {threads}");
        assert!(!others(&clean).is_empty(), "the other files have findings");
        for path in ["app/a.py", "app/broken.py", "web/b.ts", "web/c.ts"] {
            assert_eq!(status_of(&report, path), status_of(&clean, path), "{path}");
        }
    }
    // Without the supervisor the same crash ends the run: what the supervisor is for.
    let unsupervised = run(
        "2",
        &[
            ("PLUMB_TEST_ABORT_ON", "crash.py"),
            ("PLUMB_NO_SUPERVISOR", "1"),
        ],
    );
    assert_eq!(unsupervised.status.signal(), Some(6), "SIGABRT");
    assert!(unsupervised.stdout.is_empty());
}
