//! End-to-end behaviour of the real binary on small repositories: exit codes, agreement between
//! formats, SARIF schema validity, determinism across thread counts, config errors, `explain`.

mod common;

use std::collections::BTreeSet;

use common::{cache_files, copy_tree, json, plumb, repo_root, run_in, stderr, stdout};

fn mixed_repo() -> std::path::PathBuf {
    repo_root().join("fixtures/e2e/mixed-repo")
}

#[test]
fn mixed_repo_reports_two_syntax_errors_and_one_unreadable_file() {
    let output = run_in(
        &mixed_repo(),
        &["check", "--isolated", "--output-format", "json"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let document = json(&output);
    let found: Vec<(String, String, u64)> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().into(),
                d["path"].as_str().unwrap().into(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("SYN001".to_string(), "app/broken.py".to_string(), 1),
            ("IO001".to_string(), "app/latin1.py".to_string(), 1),
            ("SYN001".to_string(), "web/broken.ts".to_string(), 2),
        ]
    );
    let files = &document["summary"]["files"];
    assert_eq!(files["total"], 6);
    assert_eq!(files["unparseable"], 2);
    assert_eq!(files["unreadable"], 1);
    assert_eq!(files["checked"], 3);
    let compliance = document["summary"]["compliance"].as_array().unwrap();
    // The unreadable file was not judged: outside the denominator, counted beside it.
    assert_eq!(compliance[0]["scope"], "production");
    assert_eq!(compliance[0]["files"], 4);
    assert_eq!(compliance[0]["compliant"], 2);
    assert_eq!(compliance[0]["not_checked"], 1);
    assert_eq!(compliance[0]["percent"], 50.0);
    assert_eq!(compliance[1]["scope"], "tests");
    assert_eq!(compliance[1]["compliant"], 1);
}

#[test]
fn sarif_matches_json_and_validates_against_the_schema() {
    let json_output = run_in(
        &mixed_repo(),
        &["check", "--isolated", "--output-format", "json"],
    );
    let sarif_output = run_in(
        &mixed_repo(),
        &["check", "--isolated", "--output-format", "sarif"],
    );
    assert_eq!(sarif_output.status.code(), Some(1));
    let sarif = json(&sarif_output);

    let schema_path = repo_root().join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&schema_path)
            .unwrap_or_else(|e| panic!("{}: {e}", schema_path.display())),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|error| format!("{} at {}", error, error.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid:\n{}", errors.join("\n"));

    let from_json: BTreeSet<(String, String, u64, u64)> = json(&json_output)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().into(),
                d["path"].as_str().unwrap().into(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let run = &sarif["runs"][0];
    let from_sarif: BTreeSet<(String, String, u64, u64)> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let location = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap().into(),
                location["artifactLocation"]["uri"].as_str().unwrap().into(),
                location["region"]["startLine"].as_u64().unwrap(),
                location["region"]["startColumn"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(from_json, from_sarif);
    for result in run["results"].as_array().unwrap() {
        assert!(result["partialFingerprints"]["plumbFingerprint/v1"].is_string());
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            run["tool"]["driver"]["rules"][index]["id"],
            result["ruleId"]
        );
    }
}

#[test]
fn output_is_identical_for_one_and_many_threads() {
    let formats = [
        "json", "sarif", "concise", "github", "markdown", "junit", "gitlab",
    ];
    for format in formats {
        let one = run_in(
            &repo_root().join("fixtures"),
            &[
                "check",
                "--isolated",
                "--threads",
                "1",
                "--output-format",
                format,
            ],
        );
        let many = run_in(
            &repo_root().join("fixtures"),
            &[
                "check",
                "--isolated",
                "--threads",
                "8",
                "--output-format",
                format,
            ],
        );
        assert_eq!(
            stdout(&one),
            stdout(&many),
            "{format} differs between thread counts"
        );
        assert!(!stdout(&one).is_empty());
    }
}

#[test]
fn unknown_config_key_exits_2_and_points_at_the_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"demo\"\n\n[tool.plumb]\nselect = [\"SYN\"]\nmax-files-size = 10\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.py"), "x = 1\n").unwrap();
    let output = run_in(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("unknown field `max-files-size`"),
        "{message}"
    );
    assert!(
        message.contains("pyproject.toml:6:1"),
        "does not point at line 6: {message}"
    );
}

#[test]
fn bad_config_values_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for (config, needle) in [
        ("select = [\"NOPE\"]\n", "unknown rule selector `NOPE`"),
        ("fail-on = \"sometimes\"\n", "fail-on must be"),
        ("[python]\ntarget-version = \"2.7\"\n", "not supported"),
        ("[rules.SYN001]\nseverity = \"fatal\"\n", "severity must be"),
        ("max-file-size = \"big\"\n", "invalid type"),
        ("cache-dir = 3\n", "invalid type"),
        (
            "cache-dir = \"./\"\n",
            "cache-dir must name a directory of its own",
        ),
        (
            "[rules.MCK001]\nmonkeypach = true\n",
            "[rules.MCK001]: unknown field `monkeypach`",
        ),
        (
            "[rules.MCK001]\nmin-reason-length = \"ten\"\n",
            "[rules.MCK001]: invalid type",
        ),
        (
            "[rules.SYN001]\nfoo = 1\n",
            "unknown key `foo` in [rules.SYN001]",
        ),
        (
            "[rules.TYP001]\nalow = [\"User\"]\n",
            "[rules.TYP001]: unknown field `alow`",
        ),
        (
            "[rules.TYP001]\nboundaries = [\"a/[\"]\n",
            "[rules.TYP001]: `boundaries`: invalid glob `a/[`",
        ),
        (
            "[rules.TYP001]\nboundaries = \"package\"\n",
            "[rules.TYP001]: `boundaries`: expected \"packages\" or a list of path globs, found \"package\"",
        ),
        (
            "[rules.TYP001]\nboundaries = 3\n",
            "[rules.TYP001]: `boundaries`: expected \"packages\" or a list of path globs",
        ),
        (
            "[rules.TYP001]\nplugin-implementations = \"yes\"\n",
            "[rules.TYP001]: invalid type: string \"yes\", expected a boolean",
        ),
        (
            "[rules.IMP001]\nguarded-severity = \"fatal\"\n",
            "[rules.IMP001]: unknown variant `fatal`",
        ),
    ] {
        std::fs::write(dir.path().join("plumb.toml"), config).unwrap();
        let output = run_in(dir.path(), &["check"]);
        assert_eq!(output.status.code(), Some(2), "{config}");
        assert!(
            stderr(&output).contains(needle),
            "{config}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn fail_on_and_severity_overrides_decide_the_exit_code() {
    let repo = mixed_repo();
    assert_eq!(
        run_in(&repo, &["check", "--isolated", "--fail-on", "never"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run_in(&repo, &["check", "--isolated", "--select", "SUP"])
            .status
            .code(),
        Some(0)
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plumb.toml"),
        "[rules.SYN001]\nseverity = \"warning\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("bad.py"), "def f(:\n").unwrap();
    assert_eq!(run_in(dir.path(), &["check"]).status.code(), Some(0));
    assert_eq!(
        run_in(dir.path(), &["check", "--fail-on", "warning"])
            .status
            .code(),
        Some(1)
    );
    let missing = run_in(dir.path(), &["check", "no-such-dir"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn explain_prints_the_rule_docs() {
    let output = plumb().args(["explain", "SYN001"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    for section in [
        "# SYN001 (syntax-error)",
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
    ] {
        assert!(text.contains(section), "missing {section}");
    }
    assert_eq!(
        plumb()
            .args(["explain", "NOPE001"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn readme_rule_table_is_fresh() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    // What `plumb rules --format markdown` prints: the built-in and the bundled declarative rules.
    let mut registry = plumb_rules::Registry::builtin();
    let bundled = plumb_declarative::load(&[plumb_declarative::RuleSource::Bundled]).unwrap();
    registry.extend(plumb_declarative::registered(bundled));
    let table = plumb_cli::rules_markdown_table(&registry);
    let start = readme
        .find("<!-- rules:start -->\n")
        .expect("README has a rules:start marker")
        + "<!-- rules:start -->\n".len();
    let end = readme
        .find("<!-- rules:end -->")
        .expect("README has a rules:end marker");
    assert_eq!(
        &readme[start..end],
        table,
        "README rule table is stale: regenerate with `plumb rules --format markdown`"
    );
}

#[test]
fn excluded_directories_are_counted_and_named_files_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("node_modules/pkg")).unwrap();
    std::fs::write(dir.path().join("node_modules/pkg/index.js"), "const a;\n").unwrap();
    std::fs::create_dir_all(dir.path().join("env")).unwrap();
    std::fs::write(dir.path().join("env/pyvenv.cfg"), "home = /usr\n").unwrap();
    std::fs::write(dir.path().join("env/x.py"), "def f(:\n").unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::fs::write(dir.path().join("dist/app.py"), "x = 1\n").unwrap();
    let output = run_in(
        dir.path(),
        &["check", "--isolated", "--output-format", "json"],
    );
    let document = json(&output);
    assert_eq!(
        document["summary"]["files"]["total"], 1,
        "dist/ must be walked, node_modules and venvs not"
    );
    assert_eq!(document["summary"]["excluded"]["exclude `node_modules`"], 1);
    assert_eq!(
        document["summary"]["excluded"]["virtualenv (pyvenv.cfg)"],
        1
    );
    let named = run_in(
        dir.path(),
        &["check", "--isolated", "node_modules/pkg/index.js"],
    );
    assert_eq!(
        named.status.code(),
        Some(1),
        "named files are checked even if excluded"
    );
    let forced = run_in(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--force-exclude",
            "node_modules/pkg/index.js",
        ],
    );
    assert_eq!(forced.status.code(), Some(0));
}

#[test]
fn output_file_is_written_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("reports/plumb.sarif");
    std::fs::create_dir_all(report.parent().unwrap()).unwrap();
    let output = plumb()
        .current_dir(mixed_repo())
        .args([
            "check",
            "--isolated",
            "--output-format",
            "sarif",
            "--output-file",
        ])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 3);
    let leftovers: Vec<_> = std::fs::read_dir(report.parent().unwrap())
        .unwrap()
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary files may be left behind");
}

#[test]
fn pyproject_tool_table_and_requires_python_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
    std::fs::write(dir.path().join("pkg/alias.py"), "type UserId = int\n").unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"demo\"\nrequires-python = \">=3.12\"\n",
    )
    .unwrap();
    let modern = run_in(
        &dir.path().join("pkg"),
        &["check", "--output-format", "json"],
    );
    assert_eq!(
        modern.status.code(),
        Some(0),
        "3.12 syntax is valid for requires-python >=3.12"
    );
    assert_eq!(json(&modern)["summary"]["python_target_version"], "3.12");

    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"demo\"\nrequires-python = \">=3.12\"\n\n[tool.plumb.python]\ntarget-version = \"3.11\"\n",
    )
    .unwrap();
    let pinned = run_in(
        &dir.path().join("pkg"),
        &["check", "--output-format", "json"],
    );
    assert_eq!(
        pinned.status.code(),
        Some(1),
        "config target-version wins over requires-python"
    );
    assert_eq!(json(&pinned)["diagnostics"][0]["code"], "SYN001");
    let flag = run_in(
        &dir.path().join("pkg"),
        &["check", "--target-version", "3.13"],
    );
    assert_eq!(
        flag.status.code(),
        Some(0),
        "--target-version wins over config"
    );
}

#[test]
fn full_format_shows_a_code_frame_without_colour_when_piped() {
    let output = run_in(
        &mixed_repo(),
        &[
            "check",
            "--isolated",
            "--output-format",
            "full",
            "--select",
            "SYN",
        ],
    );
    let text = stdout(&output);
    assert!(
        !text.contains('\u{1b}'),
        "no ANSI colour when stdout is not a terminal"
    );
    assert!(text.contains("SYN001 syntax-error"), "{text}");
    assert!(
        text.contains("def load(path)"),
        "code frame shows the offending line: {text}"
    );
    assert!(
        text.contains("Compliance"),
        "summary follows the diagnostics: {text}"
    );
}

#[test]
fn statistics_prints_counts_per_rule() {
    let output = run_in(&mixed_repo(), &["check", "--isolated", "--statistics"]);
    let text = stdout(&output);
    let first_line = text.lines().next().unwrap();
    assert!(first_line.trim_start().starts_with("2  SYN001"), "{text}");
    assert!(
        !text.contains("app/broken.py"),
        "no individual diagnostics: {text}"
    );
}

/// `--verbose` says where the time went, on stderr only: the report on stdout is unchanged.
#[test]
fn verbose_prints_stage_timings_to_stderr() {
    let quiet = run_in(
        &mixed_repo(),
        &["check", "--isolated", "--output-format", "json"],
    );
    let verbose = run_in(
        &mixed_repo(),
        &[
            "check",
            "--isolated",
            "--output-format",
            "json",
            "--verbose",
        ],
    );
    assert_eq!(verbose.status.code(), quiet.status.code());
    assert_eq!(stdout(&verbose), stdout(&quiet));
    let timing = stderr(&verbose);
    for stage in [
        "walk",
        "files",
        "read",
        "parse + facts",
        "file rules",
        "project rules",
        "report",
        "total",
    ] {
        assert!(
            timing
                .lines()
                .any(|line| line.trim_start().starts_with(stage) && line.ends_with(" ms")),
            "no `{stage}` line: {timing}"
        );
    }
    assert!(!stderr(&quiet).contains("timing"), "{}", stderr(&quiet));
}

#[test]
fn explain_import_lists_candidates_and_sets_the_exit_code() {
    let repo = repo_root().join("fixtures/e2e/explain-import");
    let resolves = run_in(
        &repo,
        &[
            "explain-import",
            "--isolated",
            "app/main.py",
            "app.agents:execution_engine",
        ],
    );
    assert_eq!(resolves.status.code(), Some(0), "{}", stderr(&resolves));
    let text = stdout(&resolves);
    assert!(text.contains("import roots: ./"), "{text}");
    assert!(
        text.contains("app/agents/__init__.py, app/agents/__init__.pyi, app/agents.py"),
        "{text}"
    );
    assert!(text.contains("verdict: resolves"), "{text}");

    let missing = run_in(
        &repo,
        &[
            "explain-import",
            "--isolated",
            "app/main.py",
            "app.agents.execution_engines",
        ],
    );
    assert_eq!(missing.status.code(), Some(1), "{}", stderr(&missing));
    let text = stdout(&missing);
    let tried = text.find("tried, in order:").unwrap();
    let candidate = text
        .find("app/agents/execution_engines/__init__.py, app/agents/execution_engines/__init__.pyi, app/agents/execution_engines.py")
        .unwrap();
    assert!(tried < candidate, "{text}");
    assert!(
        text.contains(
            "verdict: does not resolve (IMP001): no module `app.agents.execution_engines`"
        ),
        "{text}"
    );
    assert!(
        text.contains("did you mean `app.agents.execution_engine`?"),
        "{text}"
    );

    let ts_ok = run_in(
        &repo,
        &[
            "explain-import",
            "--isolated",
            "web/src/main.ts",
            "./lib/math",
        ],
    );
    assert_eq!(ts_ok.status.code(), Some(0), "{}", stderr(&ts_ok));
    assert!(
        stdout(&ts_ok).contains("found web/src/lib/math.ts"),
        "{}",
        stdout(&ts_ok)
    );

    let ts_missing = run_in(
        &repo,
        &[
            "explain-import",
            "--isolated",
            "web/src/main.ts",
            "./lib/maths",
        ],
    );
    assert_eq!(ts_missing.status.code(), Some(1), "{}", stderr(&ts_missing));
    let text = stdout(&ts_missing);
    assert!(text.contains("web/src/lib/maths{.ts,.tsx,.d.ts"), "{text}");
    assert!(text.contains("did you mean `./lib/math`?"), "{text}");

    // A third-party import nothing declares: IMP002 would report it, so it is no "resolves".
    let undeclared = run_in(
        &repo,
        &["explain-import", "--isolated", "app/main.py", "flask"],
    );
    assert_eq!(undeclared.status.code(), Some(1), "{}", stderr(&undeclared));
    assert!(
        stdout(&undeclared).contains("verdict: undeclared dependency (IMP002): `flask`"),
        "{}",
        stdout(&undeclared)
    );

    // In a file that edits `sys.path`, `check` reports an absolute miss as IMP003: so does
    // explain-import.
    let sys_path = run_in(
        &repo_root().join("fixtures/rules/IMP003-unverifiable-import/sys-path-edit"),
        &[
            "explain-import",
            "--isolated",
            "tools/bootstrap.py",
            "vendored_helpers",
        ],
    );
    assert_eq!(sys_path.status.code(), Some(1), "{}", stderr(&sys_path));
    assert!(
        stdout(&sys_path).contains("(IMP003)"),
        "{}",
        stdout(&sys_path)
    );

    let usage = run_in(
        &repo,
        &[
            "explain-import",
            "--isolated",
            "app/main.py",
            "not an import",
        ],
    );
    assert_eq!(usage.status.code(), Some(2));
    let no_file = run_in(
        &repo,
        &["explain-import", "--isolated", "app/nothere.py", "os"],
    );
    assert_eq!(no_file.status.code(), Some(2));
    assert!(
        stderr(&no_file).contains("app/nothere.py does not exist"),
        "{}",
        stderr(&no_file)
    );
    let no_args = run_in(&repo, &["explain-import", "--isolated", "app/main.py"]);
    assert_eq!(no_args.status.code(), Some(2));
}

/// `explain-import` gives `check`'s verdict on imports below an import hook (IMP003, naming
/// the hook) and from a module that only reads `sys.modules` (IMP001).
#[test]
fn explain_import_names_the_import_hook() {
    let explain = |case: &str, file: &str, specifier: &str| {
        let output = run_in(
            &repo_root().join("fixtures/rules").join(case),
            &["explain-import", "--isolated", file, specifier],
        );
        (output.status.code(), stdout(&output))
    };
    let hook_case = "IMP003-unverifiable-import/python-import-hook";
    for (file, specifier) in [
        ("app/main.py", "uikit.components.base"),
        ("app/main.py", "uikit.components:base"),
        ("uikit/theme.py", ".components:base"),
    ] {
        let (code, text) = explain(hook_case, file, specifier);
        assert_eq!(code, Some(1), "{text}");
        assert!(
            text.contains("cannot be verified before run time or a build (IMP003)")
                && text.contains(
                    "uikit/__init__.py installs an import hook at line 16 (`sys.meta_path.insert(...)`)"
                ),
            "{specifier}: {text}"
        );
    }
    let (code, text) = explain(hook_case, "app/main.py", "uikit.components.button");
    assert_eq!(code, Some(0), "{text}");

    let (code, text) = explain(
        "IMP001-unresolved-import/python-module-table-reads",
        "app/main.py",
        "shared.isolated_environment:_global_env",
    );
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("verdict: does not resolve (IMP001): cannot import `_global_env`"),
        "{text}"
    );
}

#[test]
fn explain_import_shows_what_an_unloadable_tsconfig_extends_kept() {
    // mobile/tsconfig.json extends `expo/tsconfig.base` (not installed) and
    // `@acme/tsconfig/base.json` (a package of the project, not linked): TypeScript reports
    // TS6053 for the first and goes on with the rest, so the `@/*` alias still resolves.
    let repo = repo_root().join("fixtures/e2e/explain-import");
    let output = run_in(
        &repo,
        &[
            "explain-import",
            "--isolated",
            "mobile/src/main.ts",
            "@/state/storage",
        ],
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    for expected in [
        "tsconfig that applies: mobile/tsconfig.json",
        "tsconfig mobile/tsconfig.json: `extends` entry `expo/tsconfig.base` cannot be loaded: the package `expo` is not installed",
        "left out, as TypeScript does after TS6053",
        "tsconfig mobile/tsconfig.json: `extends` entry `@acme/tsconfig/base.json` is a package of the project, not installed: read from tooling/tsconfig/base.json",
        "tsconfig mobile/tsconfig.json: kept own compilerOptions (baseUrl, paths, strict) and `extends` `@acme/tsconfig/base.json` (tooling/tsconfig/base.json)",
        "found mobile/src/state/storage.ts",
        "verdict: resolves",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

/// Writes `files` (path, contents) under `root`, creating directories.
fn write_tree(root: &std::path::Path, files: &[(&str, &str)]) {
    for (path, contents) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
}

/// `(path, line, code)` of every violation in a JSON report.
fn violations(report: &serde_json::Value) -> Vec<(String, u64, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|violation| {
            (
                violation["path"].as_str().unwrap().to_string(),
                violation["line"].as_u64().unwrap(),
                violation["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_repository_outside_the_working_directory_is_its_own_project_root() {
    let outside = tempfile::tempdir().unwrap();
    let repo = outside.path().join("repo");
    write_tree(
        &repo,
        &[
            ("pyproject.toml", "[project]\nname = \"app\"\n"),
            ("app/__init__.py", ""),
            ("app/models.py", "class User: ...\n"),
            (
                "app/main.py",
                "from app.models import User\nfrom app.missing import thing\n",
            ),
        ],
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let output = run_in(
        elsewhere.path(),
        &[
            "check",
            "--isolated",
            "--select",
            "IMP001",
            "--output-format",
            "json",
            repo.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let found = violations(&json(&output));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].0.ends_with("app/main.py"), "{found:?}");
    assert_eq!((found[0].1, found[0].2.as_str()), (2, "IMP001"));
}

#[test]
fn the_activated_virtual_environment_decides_what_is_installed() {
    let project = tempfile::tempdir().unwrap();
    write_tree(
        project.path(),
        &[
            (
                "pyproject.toml",
                "[project]\nname = \"app\"\ndependencies = [\"requests\", \"numpy\"]\n",
            ),
            ("app.py", "import requests\nimport numpy\n"),
        ],
    );
    let venv = tempfile::tempdir().unwrap();
    write_tree(
        venv.path(),
        &[
            ("pyvenv.cfg", "home = /usr/bin\n"),
            ("lib/python3.11/site-packages/requests/__init__.py", ""),
        ],
    );
    let run = |env: &[(&str, &std::path::Path)]| {
        let mut command = plumb();
        command.current_dir(project.path()).args([
            "check",
            "--isolated",
            "--select",
            "IMP",
            "--output-format",
            "json",
        ]);
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command.output().unwrap();
        violations(&json(&output))
    };
    // Declared, and no environment to check against: nothing to report.
    assert_eq!(run(&[]), Vec::new());
    // The activated environment lacks numpy: the import fails at run time.
    assert_eq!(
        run(&[("VIRTUAL_ENV", venv.path())]),
        vec![("app.py".to_string(), 2, "IMP001".to_string())]
    );
    // Inside a pre-commit hook `VIRTUAL_ENV` is the hook's environment, not the project's.
    assert_eq!(
        run(&[
            ("VIRTUAL_ENV", venv.path()),
            ("PRE_COMMIT", std::path::Path::new("1"))
        ]),
        Vec::new()
    );
}

#[test]
fn checking_some_files_judges_them_against_the_whole_project() {
    // A pre-commit hook passes only the staged files; imports and duplicates must still be
    // judged against the rest of the project, which gets no findings of its own.
    let project = tempfile::tempdir().unwrap();
    write_tree(
        project.path(),
        &[
            ("pyproject.toml", "[project]\nname = \"app\"\n"),
            ("app/__init__.py", ""),
            (
                "app/agents/__init__.py",
                "from .base import BaseAgent\nfrom app.gone import x\n",
            ),
            ("app/agents/base.py", "class BaseAgent: ...\n"),
            ("app/models.py", "class User: ...\n"),
            (
                "app/zz_staged.py",
                "from . import agents\nfrom app.agents import BaseAgent\nfrom app.agents import Missing\n\n\nclass User: ...\n",
            ),
            ("web/types.ts", "export interface Props { a: string }\n"),
            ("web/ambient.d.ts", "declare module \"virtual:routes\";\n"),
            (
                "web/staged.ts",
                "import routes from \"virtual:routes\";\nimport { a } from \"./types\";\nexport interface Props { a: string }\n",
            ),
        ],
    );
    let output = run_in(
        project.path(),
        &[
            "check",
            "--isolated",
            "--select",
            "IMP,TYP",
            "--output-format",
            "json",
            "app/zz_staged.py",
            "web/staged.ts",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(
        violations(&report),
        vec![
            ("app/zz_staged.py".to_string(), 3, "IMP001".to_string()),
            ("app/zz_staged.py".to_string(), 6, "TYP001".to_string()),
            ("web/staged.ts".to_string(), 3, "TYP001".to_string()),
        ]
    );
    assert_eq!(report["summary"]["files"]["total"], 2, "{report}");
}

/// A project where `app/staged.py` is checked and the rest is context: its import of
/// `app.helpers.helper` resolves and its `User` duplicates `app/models.py`'s.
fn cached_project() -> tempfile::TempDir {
    let project = tempfile::tempdir().unwrap();
    write_tree(
        project.path(),
        &[
            ("pyproject.toml", "[project]\nname = \"app\"\n"),
            ("app/__init__.py", ""),
            ("app/helpers.py", "def helper(): ...\n"),
            ("app/models.py", "class User: ...\n"),
            ("web/types.ts", "export interface Props { a: string }\n"),
            (
                "app/staged.py",
                "from app.helpers import helper\n\n\nclass User: ...\n",
            ),
        ],
    );
    project
}

/// `plumb check` of `app/staged.py` alone (the rest of `dir` is context), with `extra` flags:
/// exit code and standard output.
fn check_staged(dir: &std::path::Path, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec![
        "check",
        "--isolated",
        "--select",
        "IMP,TYP",
        "--output-format",
        "json",
    ];
    args.extend_from_slice(extra);
    args.push("app/staged.py");
    let output = run_in(dir, &args);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        stderr(&output)
    );
    (output.status.code(), stdout(&output))
}

#[test]
fn the_facts_cache_is_reused_and_follows_file_contents() {
    let project = cached_project();
    let root = project.path();
    let cache_dir = root.join(".plumb_cache");
    let first = check_staged(root, &[]);
    let report: serde_json::Value = serde_json::from_str(&first.1).unwrap();
    assert_eq!(
        violations(&report),
        vec![("app/staged.py".to_string(), 4, "TYP001".to_string())]
    );
    assert_eq!(
        std::fs::read_to_string(cache_dir.join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    assert!(
        std::fs::read_to_string(cache_dir.join("CACHEDIR.TAG"))
            .unwrap()
            .starts_with("Signature: 8a477f597d28d172789f06886806bc55")
    );
    let files = cache_files(&cache_dir);
    assert_eq!(files.len(), 1, "{files:?}");
    let cache_file = &files[0];
    let written = std::fs::read(cache_file).unwrap();

    // Same result from the cache, for any thread count, and without it.
    assert_eq!(check_staged(root, &[]), first);
    assert_eq!(check_staged(root, &["--threads", "1"]), first);
    assert_eq!(check_staged(root, &["--threads", "4"]), first);
    assert_eq!(check_staged(root, &["--no-cache"]), first);
    // Every context file was found unchanged: the cache was not written again (a file
    // parsed afresh would have been).
    assert_eq!(std::fs::read(cache_file).unwrap(), written);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let inode = |path: &std::path::Path| std::fs::metadata(path).unwrap().ino();
        let before = inode(cache_file);
        check_staged(root, &[]);
        assert_eq!(inode(cache_file), before, "rewritten with nothing changed");
    }

    // Edits to context files are seen: entries are keyed by content, not by time or size.
    write_tree(root, &[("app/helpers.py", "def helpeR(): ...\n")]);
    let (code, broken) = check_staged(root, &[]);
    assert_eq!(code, Some(1));
    let report: serde_json::Value = serde_json::from_str(&broken).unwrap();
    assert_eq!(
        violations(&report),
        vec![
            ("app/staged.py".to_string(), 1, "IMP001".to_string()),
            ("app/staged.py".to_string(), 4, "TYP001".to_string()),
        ]
    );
    assert_eq!(check_staged(root, &["--no-cache"]), (code, broken));
    write_tree(root, &[("app/helpers.py", "def helper(): ...\n")]);
    assert_eq!(check_staged(root, &[]), first);

    // A context file removed: its duplicate goes, and so does its entry.
    std::fs::remove_file(root.join("app/models.py")).unwrap();
    let (_, without_models) = check_staged(root, &[]);
    let report: serde_json::Value = serde_json::from_str(&without_models).unwrap();
    assert_eq!(violations(&report), Vec::new());
    assert_eq!(
        check_staged(root, &["--no-cache"]),
        (Some(0), without_models)
    );
    let stored = std::fs::read(cache_file).unwrap();
    assert!(
        !stored.windows(13).any(|window| window == b"app/models.py"),
        "entry of a deleted file kept"
    );
    assert!(stored.windows(14).any(|window| window == b"app/helpers.py"));
}

#[test]
fn a_corrupt_cache_changes_nothing() {
    let project = cached_project();
    let root = project.path();
    let expected = check_staged(root, &["--no-cache"]);
    check_staged(root, &[]);
    let files = cache_files(&root.join(".plumb_cache"));
    assert_eq!(files.len(), 1);
    let good = std::fs::read(&files[0]).unwrap();
    for garbage in [
        b"\x00\xffnot a cache at all".to_vec(),
        good[..good.len() / 2].to_vec(),
        good.iter().map(|byte| byte ^ 0x55).collect(),
        Vec::new(),
    ] {
        std::fs::write(&files[0], &garbage).unwrap();
        assert_eq!(check_staged(root, &[]), expected);
        // Rewritten whole.
        assert_eq!(std::fs::read(&files[0]).unwrap().len(), good.len());
    }
    // A directory where the cache file should be: not readable, not writable, not an error.
    std::fs::remove_file(&files[0]).unwrap();
    std::fs::create_dir(&files[0]).unwrap();
    assert_eq!(check_staged(root, &[]), expected);
}

#[test]
fn no_cache_writes_nothing_and_whole_project_runs_cache_every_file() {
    let project = cached_project();
    let root = project.path();
    check_staged(root, &["--no-cache"]);
    let whole = |extra: &[&str]| {
        let mut args = vec!["check", "--isolated", "--select", "IMP,TYP"];
        args.extend_from_slice(extra);
        let output = run_in(root, &args);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        stdout(&output)
    };
    let expected = whole(&["--no-cache"]);
    assert!(!root.join(".plumb_cache").exists());
    // Checked files are cached too: the next whole-project run parses only what changed.
    assert_eq!(whole(&[]), expected);
    assert_eq!(cache_files(&root.join(".plumb_cache")).len(), 1);
    assert_eq!(whole(&[]), expected);
}

#[test]
fn cache_dir_is_configurable_and_an_unwritable_one_is_skipped() {
    let project = cached_project();
    let root = project.path();
    let expected = check_staged(root, &["--no-cache"]);
    let configured = |cache_dir: &str| {
        std::fs::write(
            root.join("plumb.toml"),
            format!("select = [\"IMP\", \"TYP\"]\ncache-dir = \"{cache_dir}\"\n"),
        )
        .unwrap();
        let output = run_in(root, &["check", "--output-format", "json", "app/staged.py"]);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{}",
            stderr(&output)
        );
        (output.status.code(), stdout(&output))
    };
    assert_eq!(configured("build/facts"), expected);
    assert_eq!(cache_files(&root.join("build/facts")).len(), 1);
    assert!(!root.join(".plumb_cache").exists());
    let elsewhere = tempfile::tempdir().unwrap();
    let absolute = elsewhere.path().join("cache");
    assert_eq!(configured(absolute.to_str().unwrap()), expected);
    assert_eq!(cache_files(&absolute).len(), 1);

    // Permissions do not stop root, so the directory is made impossible to create instead:
    // its parent is a regular file. The run neither fails nor changes its result.
    write_tree(root, &[("blocked", "a file, not a directory\n")]);
    assert_eq!(configured("blocked/cache"), expected);
    assert_eq!(
        std::fs::read_to_string(root.join("blocked")).unwrap(),
        "a file, not a directory\n"
    );
}

/// A JSON report with every path made relative to `repo` (shown paths are relative to the
/// working directory, or absolute outside it), so reports of runs from different directories
/// compare equal when they found the same things.
fn findings_in(
    repo: &std::path::Path,
    cwd: &std::path::Path,
    report: &serde_json::Value,
) -> String {
    let in_repo = |shown: &str| {
        let absolute = cwd.join(shown).canonicalize().unwrap();
        absolute
            .strip_prefix(repo)
            .unwrap_or_else(|_| panic!("{shown} is outside {repo:?}"))
            .to_string_lossy()
            .into_owned()
    };
    let mut report = report.clone();
    for diagnostic in report["diagnostics"].as_array_mut().unwrap() {
        let shown = diagnostic["path"].as_str().unwrap().to_string();
        diagnostic["path"] = serde_json::Value::String(in_repo(&shown));
        for related in diagnostic["related"].as_array_mut().into_iter().flatten() {
            let shown = related["path"].as_str().unwrap().to_string();
            related["path"] = serde_json::Value::String(in_repo(&shown));
        }
    }
    for file in report["files"].as_array_mut().unwrap() {
        let shown = file["path"].as_str().unwrap().to_string();
        file["path"] = serde_json::Value::String(in_repo(&shown));
    }
    serde_json::to_string_pretty(&report).unwrap()
}

#[test]
fn every_spelling_of_a_path_gives_the_same_findings() {
    let temp = tempfile::tempdir().unwrap();
    let base = temp.path().canonicalize().unwrap();
    let repo = base.join("repo");
    copy_tree(&repo_root().join("fixtures/e2e/path-spellings"), &repo);
    let sibling = base.join("sibling");
    std::fs::create_dir(&sibling).unwrap();
    std::os::unix::fs::symlink(&base, base.join("link")).unwrap();
    let inside = repo.join("web/src");
    let absolute = repo.to_str().unwrap().to_string();
    let absolute_with_dots = format!("{}/web/../app/..", repo.display());
    let through_link = format!("{}/link/repo", base.display());
    let spellings: [(&std::path::Path, &str); 8] = [
        (&repo, "."),
        (&inside, "../.."),
        (&inside, "../../../repo"),
        (&base, "repo"),
        (&sibling, "../repo"),
        (&sibling, &absolute),
        (&sibling, &absolute_with_dots),
        (&sibling, &through_link),
    ];
    let args = [
        "check",
        "--no-cache",
        "--output-format",
        "json",
        "--select",
        "IMP,TYP,MCK",
    ];
    let expected = {
        let output = run_in(&repo, &args);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        let report = json(&output);
        let codes: BTreeSet<&str> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|diagnostic| diagnostic["code"].as_str().unwrap())
            .collect();
        assert_eq!(
            codes,
            BTreeSet::from(["IMP001", "MCK001", "TYP001"]),
            "the fixture must exercise every project rule: {report:#}"
        );
        findings_in(&repo, &repo, &report)
    };
    for (cwd, spelled) in spellings {
        let mut spelled_args = args.to_vec();
        spelled_args.push(spelled);
        let output = run_in(cwd, &spelled_args);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{spelled}: {}",
            stderr(&output)
        );
        assert_eq!(
            findings_in(&repo, cwd, &json(&output)),
            expected,
            "`plumb check {spelled}` from {cwd:?}"
        );
    }
}

#[test]
fn files_outside_the_project_root_are_said_to_get_no_import_checks() {
    let temp = tempfile::tempdir().unwrap();
    let project = temp.path().join("project");
    let stray = temp.path().join("stray");
    write_tree(
        &project,
        &[
            ("plumb.toml", ""),
            ("app/__init__.py", ""),
            ("app/main.py", "import app.missing\n"),
        ],
    );
    write_tree(&stray, &[("tool.py", "import nowhere.to.be.found\n")]);
    let output = run_in(
        temp.path(),
        &[
            "check",
            "--config",
            "project/plumb.toml",
            "--select",
            "IMP001",
            "--output-format",
            "json",
            "project",
            "stray",
        ],
    );
    let report = json(&output);
    let found = violations(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].0.ends_with("app/main.py"), "{found:?}");
    let notices = report["summary"]["notices"].as_array().expect("a notice");
    assert_eq!(notices.len(), 1, "{notices:?}");
    let notice = notices[0].as_str().unwrap();
    assert!(
        notice.starts_with("1 checked file(s) lie outside the project root")
            && notice.contains("IMP001"),
        "{notice}"
    );
    let text = run_in(
        temp.path(),
        &[
            "check",
            "--config",
            "project/plumb.toml",
            "--select",
            "IMP001",
            "--output-format",
            "concise",
            "project",
            "stray",
        ],
    );
    assert!(
        stdout(&text).contains("Note: 1 checked file(s) lie outside"),
        "{}",
        stdout(&text)
    );
}

/// A report written with `-o` and the baseline get the mode a plain write gives (0666 minus the
/// umask), not the 0600 of the temporary file they are written through, so a CI step running as
/// another user can read them.
#[cfg(unix)]
#[test]
fn written_reports_and_baselines_are_readable_like_plainly_written_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"m\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("bad.py"), "def f(:\n").unwrap();
    let mode = |name: &str| {
        std::fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    std::fs::write(dir.path().join("plain"), b"").unwrap();
    let output = run_in(
        dir.path(),
        &["check", "-o", "report.json", "--output-format", "json"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let output = run_in(dir.path(), &["baseline"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(mode("report.json"), mode("plain"));
    assert_eq!(mode(".plumb-baseline.json"), mode("plain"));
    assert_ne!(
        mode("plain"),
        0o600,
        "the test's umask hides the difference"
    );
}

/// A FIFO named like a source file used to hang the run forever (opening it for reading waits
/// for a writer). It is skipped as IO002 and counted, and the rest of the tree is checked.
#[cfg(unix)]
#[test]
fn a_fifo_named_like_source_is_skipped_not_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"m\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("ok.py"), "x = 1\n").unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe.py"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let mut child = plumb()
        .current_dir(dir.path())
        .args(["check", "--output-format", "json", "--no-cache"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("plumb check hangs on a FIFO named pipe.py");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let document = json(&output);
    let skipped: Vec<_> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "IO002")
        .collect();
    assert_eq!(skipped.len(), 1, "{document}");
    assert_eq!(skipped[0]["path"], "pipe.py");
    assert!(
        skipped[0]["message"]
            .as_str()
            .unwrap()
            .contains("a FIFO (named pipe), not a regular file"),
        "{}",
        skipped[0]["message"]
    );
    assert_eq!(document["summary"]["files"]["skipped"], 1);
    assert_eq!(document["summary"]["files"]["checked"], 1);
}
