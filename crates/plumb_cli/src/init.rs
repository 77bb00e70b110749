//! `plumb init [DIR]`: the starter files for adopting plumb in a repository — a `plumb.toml`
//! made from what the walk finds (languages, test conventions, top-level directories), a
//! pre-commit hook and a GitHub Actions workflow. It never overwrites a file: an existing one is
//! skipped with a word, and for an existing `.pre-commit-config.yaml` the hook to add is printed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use plumb_diagnostics::Language;
use plumb_engine::settings::PathMatcher;
use plumb_engine::{Overrides, Settings};
use plumb_rules::Registry;

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The repository to set up (default: the current directory).
    dir: Option<PathBuf>,
}

/// The file names pre-commit's hook passes to plumb: every extension plumb checks. Kept equal
/// to `files` in `.pre-commit-hooks.yaml` (a test compares them). By extension rather than
/// pre-commit's type tags, which have none for `.mts`/`.cts`.
pub(crate) const HOOK_FILES: &str = r"\.(py|pyi|ts|tsx|mts|cts|js|jsx|mjs|cjs)$";

/// The hook's command: `--force-exclude` so configured exclusions hold for staged files too.
pub(crate) const HOOK_ENTRY: &str = "plumb check --force-exclude";

/// Test-file conventions looked for: the default test globs plus Django's `tests.py`, each
/// written into `test-files` when some file in the tree follows it.
const TEST_CONVENTIONS: &[&str] = &[
    "tests/**",
    "test/**",
    "__tests__/**",
    "test_*.py",
    "*_test.py",
    "tests.py",
    "conftest.py",
    "*.test.*",
    "*.spec.*",
    "cypress/**",
    "e2e/**",
];

/// Top-level directories not offered as scopes: the built-in scope names and test folders,
/// which the `tests` scope already covers.
const NOT_SCOPES: &[&str] = &["production", "tests", "test", "__tests__", "cypress", "e2e"];

/// What the walk found in the directory.
#[derive(Debug, Default)]
struct Survey {
    languages: BTreeMap<&'static str, usize>,
    /// Test conventions in use, with the number of files following each.
    test_globs: Vec<(&'static str, usize)>,
    /// Top-level directories holding checked files: candidate scopes and type boundaries.
    top_dirs: Vec<String>,
    /// `requires-python` or the default, as the check would pick it.
    python_version: String,
    python_version_source: String,
}

pub(crate) fn run(args: &InitArgs, registry: &Registry) -> anyhow::Result<u8> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if !dir.is_dir() {
        anyhow::bail!("{} is not a directory", dir.display());
    }
    let survey = survey(&dir, registry)?;
    println!("{}", describe(&survey));

    match existing_config(&dir) {
        Some(existing) if existing.ends_with("plumb.toml") => {
            println!("skipped {}: it exists", shown(&existing));
        }
        Some(existing) => println!(
            "skipped {}: {} already configures plumb",
            shown(&dir.join("plumb.toml")),
            shown(&existing)
        ),
        None => write_new(&dir, "plumb.toml", &plumb_toml(&survey, registry))?,
    }
    let hooks = dir.join(".pre-commit-config.yaml");
    if hooks.exists() {
        println!(
            "skipped {}: it exists; add this under `repos:`\n{}",
            shown(&hooks),
            pre_commit_repo("  ")
        );
    } else {
        write_new(&dir, ".pre-commit-config.yaml", &pre_commit_config())?;
    }
    write_new(&dir, ".github/workflows/plumb.yml", &workflow())?;
    Ok(0)
}

/// Walks `dir` as `plumb check --isolated` would (default exclusions, `.gitignore`), so a
/// broken configuration already there does not stop `init`.
fn survey(dir: &Path, registry: &Registry) -> anyhow::Result<Survey> {
    let overrides = Overrides {
        isolated: true,
        ..Overrides::default()
    };
    let settings = Settings::resolve(dir, &overrides, registry)?;
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let root = plumb_engine::physical(&cwd, dir);
    let discovery = plumb_engine::walk::discover(std::slice::from_ref(&root), &settings, &cwd);

    let mut survey = Survey {
        python_version: settings.python_version.to_string(),
        // `requires-python in /abs/pyproject.toml`: the absolute path says nothing in the file.
        python_version_source: settings
            .python_version_source
            .split(" in ")
            .next()
            .unwrap_or_default()
            .to_string(),
        ..Survey::default()
    };
    let mut relative_paths = Vec::new();
    let mut top_dirs = std::collections::BTreeSet::new();
    for file in &discovery.files {
        *survey
            .languages
            .entry(file.kind.language().as_str())
            .or_default() += 1;
        let relative = file.path.strip_prefix(&root).unwrap_or(&file.path);
        let relative = relative.to_string_lossy().replace('\\', "/");
        if let Some((top, _)) = relative.split_once('/')
            && !NOT_SCOPES.contains(&top)
        {
            top_dirs.insert(top.to_string());
        }
        relative_paths.push(relative);
    }
    survey.top_dirs = top_dirs.into_iter().collect();
    for &glob in TEST_CONVENTIONS {
        let matcher = PathMatcher::new(&[glob.to_string()])
            .map_err(|(pattern, error)| anyhow::anyhow!("glob `{pattern}`: {error}"))?;
        let count = relative_paths
            .iter()
            .filter(|path| matcher.is_match(path))
            .count();
        if count > 0 {
            survey.test_globs.push((glob, count));
        }
    }
    Ok(survey)
}

/// One line saying what was found, e.g. `found 12 python, 3 typescript files; tests: tests/** (5)`.
fn describe(survey: &Survey) -> String {
    if survey.languages.is_empty() {
        return "found no Python or TypeScript/JavaScript files".into();
    }
    let languages: Vec<String> = Language::ALL
        .iter()
        .filter_map(|language| {
            let count = survey.languages.get(language.as_str())?;
            Some(format!("{count} {}", language.as_str()))
        })
        .collect();
    let tests: Vec<String> = survey
        .test_globs
        .iter()
        .map(|(glob, count)| format!("{glob} ({count})"))
        .collect();
    let tests = if tests.is_empty() {
        "none found".to_string()
    } else {
        tests.join(", ")
    };
    format!("found {} files; tests: {tests}", languages.join(", "))
}

/// The configuration file already in `dir`, if any: `plumb.toml`, `.plumb.toml`, or a
/// `pyproject.toml` with a `[tool.plumb]` table.
fn existing_config(dir: &Path) -> Option<PathBuf> {
    for name in ["plumb.toml", ".plumb.toml"] {
        if dir.join(name).exists() {
            return Some(dir.join(name));
        }
    }
    let pyproject = dir.join("pyproject.toml");
    match plumb_engine::config::load(&pyproject) {
        Ok(Some(_)) => Some(pyproject),
        // No `[tool.plumb]`, or no readable pyproject.toml: a plumb.toml beside it is found first.
        Ok(None) | Err(_) => None,
    }
}

/// A path as the user named it, without a leading `./`.
fn shown(path: &Path) -> String {
    let text = path.display().to_string();
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}

/// Creates `dir/name` (and its parent directories), refusing to replace an existing file even
/// if one appears meanwhile (`create_new`).
fn write_new(dir: &Path, name: &str, contents: &str) -> anyhow::Result<()> {
    let path = dir.join(name);
    let name = shown(&path);
    if path.exists() {
        println!("skipped {name}: it exists");
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            println!("skipped {name}: it exists");
            return Ok(());
        }
        Err(error) => {
            return Err(error).with_context(|| format!("cannot write {}", path.display()));
        }
    };
    file.write_all(contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!("wrote {name}");
    Ok(())
}

/// The starter configuration: every rule family selected (with its rules named; families that
/// are off by default commented out), the test
/// conventions found, and the choices that need a human (scopes, type boundaries, baseline)
/// left as comments.
fn plumb_toml(survey: &Survey, registry: &Registry) -> String {
    let mut out = String::from(
        "# plumb configuration, written by `plumb init`. Reference: README.md, \"Configuration\";\n\
         # a rule's options: `plumb explain CODE`.\n",
    );
    let _ = writeln!(out, "# {}\n", describe(survey));
    out.push_str("select = [\n");
    for family in registry.families() {
        let rules: Vec<String> = registry
            .iter()
            .filter(|rule| rule.meta.family == family)
            .map(|rule| format!("{} {}", rule.meta.code, rule.meta.name))
            .collect();
        // A family whose rules are all off by default stays a suggestion.
        let on = registry
            .iter()
            .any(|rule| rule.meta.family == family && rule.meta.default_enabled);
        let _ = writeln!(
            out,
            "    {}{:<8}# {}{}",
            if on { "" } else { "# " },
            format!("\"{family}\","),
            rules.join(", "),
            if on { "" } else { " (off by default)" }
        );
    }
    out.push_str("]\n");
    if survey.test_globs.is_empty() {
        out.push_str("# No test files found; these are the defaults:\n");
        let _ = writeln!(out, "# test-files = {}", toml_list(TEST_CONVENTIONS));
    } else {
        out.push_str(
            "# Test files: the conventions found in this tree (they replace the defaults).\n",
        );
        let globs: Vec<&str> = survey.test_globs.iter().map(|(glob, _)| *glob).collect();
        let _ = writeln!(out, "test-files = {}", toml_list(&globs));
    }
    out.push_str(
        "# Only new violations fail once a baseline lists the existing ones: run\n\
         # `plumb baseline`, commit .plumb-baseline.json, then uncomment:\n\
         # baseline = \".plumb-baseline.json\"\n",
    );
    let _ = write!(
        out,
        "\n[python]\n# Python target: {} ({}); set it to the oldest version you support:\n\
         # target-version = \"{}\"\n",
        survey.python_version, survey.python_version_source, survey.python_version
    );
    out.push_str(
        "\n# Beside `fail-on`: compliance floors per scope (percent) and budgets per rule, to\n\
         # tighten as the counts fall:\n\
         # [gate]\n\
         # fail-under = { tests = 80, production = 95 }\n\
         # max = { MCK001 = 100 }\n",
    );
    out.push_str(&commented_scopes(&survey.top_dirs));
    out
}

/// `[scopes]` and TYP001 `boundaries`, commented out, filled with the top-level directories.
fn commented_scopes(top_dirs: &[String]) -> String {
    let examples: Vec<String> = if top_dirs.is_empty() {
        vec!["backend".into(), "frontend".into()]
    } else {
        top_dirs.to_vec()
    };
    let mut out = String::from(
        "\n# Compliance per part of the project, beside `production` and `tests`:\n# [scopes]\n",
    );
    for dir in &examples {
        let key = if dir
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            dir.clone()
        } else {
            format!("\"{dir}\"")
        };
        let _ = writeln!(out, "# {key} = [\"{dir}/**\"]");
    }
    let globs: Vec<String> = examples.iter().map(|dir| format!("{dir}/**")).collect();
    let globs: Vec<&str> = globs.iter().map(String::as_str).collect();
    let _ = write!(
        out,
        "\n# Parts that may each define their own types (TYP001); \"packages\" makes every\n\
         # directory with a pyproject.toml or package.json one:\n\
         # [rules.TYP001]\n# boundaries = {}\n",
        toml_list(&globs)
    );
    out
}

fn toml_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("\"{item}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

/// The `repo: local` entry of a pre-commit configuration, indented by `indent`: it runs the
/// `plumb` on PATH, which whoever runs `plumb init` has.
pub(crate) fn pre_commit_repo(indent: &str) -> String {
    let lines = [
        "- repo: local".to_string(),
        "  hooks:".to_string(),
        "    - id: plumb".to_string(),
        "      name: plumb".to_string(),
        format!("      entry: {HOOK_ENTRY}"),
        "      language: system".to_string(),
        format!("      files: {HOOK_FILES}"),
        "      require_serial: true".to_string(),
    ];
    lines
        .iter()
        .map(|line| format!("{indent}{line}\n"))
        .collect()
}

fn pre_commit_config() -> String {
    format!(
        "# pre-commit (https://pre-commit.com): `pre-commit install` runs plumb on the staged files\n\
         # of every commit. This uses the `plumb` on PATH; README.md, \"pre-commit\", shows the hook\n\
         # that builds plumb itself (`language: rust`).\n\
         repos:\n{}",
        pre_commit_repo("  ")
    )
}

/// A workflow that installs plumb, gates on it, uploads SARIF to code scanning and writes the
/// Markdown summary to the job summary.
fn workflow() -> String {
    format!(
        r#"# plumb in CI, written by `plumb init`. README.md, "GitHub Actions", has the same with
# the composite action of plumb's repository.
name: plumb
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
  security-events: write   # upload-sarif
jobs:
  plumb:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Install plumb
        run: cargo install --locked --git {repository} plumb
      - name: plumb check
        run: plumb check --output-format sarif --output-file plumb.sarif
      - name: Summary
        if: ${{{{ !cancelled() }}}}
        run: plumb check --output-format markdown >> "$GITHUB_STEP_SUMMARY" || true
      - name: Upload to code scanning
        if: ${{{{ !cancelled() }}}}
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: plumb.sarif
          category: plumb
"#,
        repository = env!("CARGO_PKG_REPOSITORY")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_lists_are_quoted() {
        assert_eq!(toml_list(&["a/**", "b"]), r#"["a/**", "b"]"#);
    }

    #[test]
    fn scopes_quote_directory_names_toml_cannot_take_bare() {
        let text = commented_scopes(&["web app".into(), "api".into()]);
        assert!(text.contains("# \"web app\" = [\"web app/**\"]"), "{text}");
        assert!(text.contains("# api = [\"api/**\"]"), "{text}");
    }
}
