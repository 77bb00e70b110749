//! plumb reads a repository and never runs it: no test configuration, build script, bundler
//! config or package hook of the checked project is executed, no interpreter is invoked on it,
//! and git (which `plumb audit` asks for the commit) runs no command the repository configures.
//! Every file below writes a marker into a directory outside the project if it is ever run; the
//! test runs `check` in every format and `audit` in every format, with `PATH` starting with
//! fake `python`, `node`, `npm`... that would write a marker too, and then finds no marker.
//! It also checks that report paths are relative to the project root and escaped per format.

mod common;

use std::path::Path;
use std::process::Output;

use common::plumb;

/// Files that run code when a tool loads them, each writing `MARKER/<name>`.
fn hooks(marker: &Path) -> Vec<(&'static str, String)> {
    let m = |name: &str| marker.join(name).display().to_string();
    vec![
        (
            "conftest.py",
            format!("import pathlib\npathlib.Path({:?}).write_text(\"ran\")\n", m("conftest")),
        ),
        (
            "setup.py",
            format!(
                "import pathlib\npathlib.Path({:?}).write_text(\"ran\")\nfrom setuptools import setup\nsetup()\n",
                m("setup")
            ),
        ),
        (
            "backend.py",
            format!("import pathlib\npathlib.Path({:?}).write_text(\"ran\")\n", m("backend")),
        ),
        (
            "pyproject.toml",
            "[build-system]\nrequires = []\nbuild-backend = \"backend\"\nbackend-path = [\".\"]\n\n[project]\nname = \"victim\"\nversion = \"0\"\n".to_string(),
        ),
        (
            "sitecustomize.py",
            format!("import pathlib\npathlib.Path({:?}).write_text(\"ran\")\n", m("sitecustomize")),
        ),
        (
            "app/__init__.py",
            format!("import pathlib\npathlib.Path({:?}).write_text(\"ran\")\n", m("package-import")),
        ),
        (
            "jest.config.js",
            format!("require(\"fs\").writeFileSync({:?}, \"ran\");\nmodule.exports = {{}};\n", m("jest")),
        ),
        (
            "vite.config.ts",
            format!(
                "import {{ writeFileSync }} from \"fs\";\nwriteFileSync({:?}, \"ran\");\nexport default {{}};\n",
                m("vite")
            ),
        ),
        (
            "webpack.config.js",
            format!("require(\"fs\").writeFileSync({:?}, \"ran\");\nmodule.exports = {{}};\n", m("webpack")),
        ),
        (
            "babel.config.js",
            format!("require(\"fs\").writeFileSync({:?}, \"ran\");\nmodule.exports = {{}};\n", m("babel")),
        ),
        (
            "package.json",
            format!(
                "{{\"name\": \"victim\", \"scripts\": {{\"preinstall\": \"touch {0}\", \"postinstall\": \"touch {0}\", \"prepare\": \"touch {0}\", \"test\": \"touch {0}\"}}}}\n",
                m("npm-script")
            ),
        ),
        (
            "tests/test_app.py",
            "from unittest import mock\n\n\ndef test_app():\n    mock.patch(\"os.getcwd\")\n"
                .to_string(),
        ),
        ("src/broken\nname.ts", "export const = ;\n".to_string()),
    ]
}

/// A directory of fake interpreters and package managers that each write a marker when run.
#[cfg(unix)]
fn fake_tools(bin: &Path, marker: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(bin).unwrap();
    for tool in [
        "python", "python3", "node", "npm", "npx", "yarn", "pnpm", "pip", "pytest", "jest", "vite",
        "tsc", "deno", "bun", "sh-hook",
    ] {
        let script = bin.join(tool);
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\ntouch '{}'\n",
                marker.join(format!("tool-{tool}")).display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

fn run(root: &Path, path: &str, args: &[&str]) -> Output {
    plumb()
        .current_dir(root)
        .env("PATH", path)
        .args(args)
        .output()
        .expect("plumb runs")
}

/// The project as a git repository whose configuration would run commands: an fsmonitor hook
/// (git runs it when it reads the index) and hooks for commits and checkouts.
#[cfg(unix)]
fn hostile_git(root: &Path, marker: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .current_dir(root)
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "init"]);
    let touch = format!("touch '{}'", marker.join("git-fsmonitor").display());
    git(&["config", "core.fsmonitor", &touch]);
    for hook in [
        "post-checkout",
        "pre-commit",
        "post-index-change",
        "reference-transaction",
    ] {
        let path = root.join(".git/hooks").join(hook);
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\ntouch '{}'\n",
                marker.join(format!("git-{hook}")).display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[cfg(unix)]
#[test]
fn nothing_in_the_repository_is_run() {
    let temp = tempfile::tempdir().unwrap();
    let base = temp.path().canonicalize().unwrap();
    let marker = base.join("markers");
    let root = base.join("victim");
    std::fs::create_dir_all(&marker).unwrap();
    for (name, text) in hooks(&marker) {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    hostile_git(&root, &marker);
    let bin = base.join("bin");
    fake_tools(&bin, &marker);
    // git stays reachable (plumb audit asks it for the commit); everything else is a trap.
    let path = format!("{}:/usr/bin:/bin", bin.display());

    let mut reports = Vec::new();
    for format in [
        "concise", "full", "json", "sarif", "junit", "github", "gitlab", "markdown",
    ] {
        let output = run(&root, &path, &["check", "--output-format", format, "."]);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        reports.push((format, String::from_utf8(output.stdout).unwrap()));
    }
    for selection in ["--staged", "--changed-since=HEAD"] {
        let output = run(
            &root,
            &path,
            &["check", selection, "--output-format", "json"],
        );
        let code = output.status.code();
        assert!(
            code == Some(0) || code == Some(1),
            "{selection}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    for format in ["text", "json", "markdown", "html"] {
        let history = base.join("history.jsonl");
        let history = history.to_str().unwrap();
        let output = run(
            &root,
            &path,
            &[
                "audit",
                "--output-format",
                format,
                "--history",
                history,
                ".",
            ],
        );
        assert!(
            output.status.success() || output.status.code() == Some(1),
            "audit {format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        reports.push((format, String::from_utf8(output.stdout).unwrap()));
    }
    let ran: Vec<String> = std::fs::read_dir(&marker)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        ran.is_empty(),
        "repository code or an interpreter ran: {ran:?}"
    );

    // Paths are relative to the project root: the root's absolute path appears only where a
    // format names the base itself (SARIF's originalUriBaseIds, the audit's root line).
    let absolute = root.display().to_string();
    for (format, text) in &reports {
        for line in text.lines().filter(|line| line.contains(&absolute)) {
            let allowed = (*format == "sarif"
                && line.trim_start().starts_with("\"uri\": \"file://"))
                || line.contains("root");
            assert!(allowed, "{format} names an absolute path: {line}");
        }
    }
    let find = |format: &str| {
        reports
            .iter()
            .find(|(f, _)| *f == format)
            .unwrap()
            .1
            .clone()
    };
    // The file name with a newline, escaped for each format.
    assert!(
        find("concise").contains("\"src/broken\\nname.ts\":1:14: SYN001"),
        "{}",
        find("concise")
    );
    assert!(
        find("github").contains("file=src/broken%0Aname.ts,"),
        "{}",
        find("github")
    );
    assert!(
        find("sarif").contains("\"uri\": \"src/broken%0Aname.ts\""),
        "{}",
        find("sarif")
    );
    let json: serde_json::Value = serde_json::from_str(&find("json")).unwrap();
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == "src/broken\nname.ts"),
        "JSON carries the name unchanged"
    );
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "MCK001" && d["path"] == "tests/test_app.py"),
        "the tree was really checked: {}",
        json["diagnostics"]
    );
}
