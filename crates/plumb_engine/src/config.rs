//! Reading `plumb.toml`, `.plumb.toml` or `[tool.plumb]` in `pyproject.toml`.
//!
//! Unknown keys and bad values are errors that carry the byte span of the offending key or value
//! in the file, so the CLI can point at it. Nothing here decides defaults; see `settings`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A configuration file could not be used. Carries the file text so it can be shown with a frame.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub message: String,
    pub path: Option<PathBuf>,
    pub source_text: Option<String>,
    /// Byte range in `source_text` of the key or value at fault.
    pub span: Option<Range<usize>>,
}

impl ConfigError {
    pub fn plain(message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
            path: None,
            source_text: None,
            span: None,
        }
    }
}

/// The `[tool.plumb]` / `plumb.toml` schema. Every table denies unknown keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    /// Rule codes or family prefixes to enable (default: all).
    pub select: Option<Vec<String>>,
    /// Added to `select`.
    pub extend_select: Option<Vec<String>>,
    /// Rule codes or family prefixes to disable.
    pub ignore: Option<Vec<String>>,
    /// Replaces the default exclusions.
    pub exclude: Option<Vec<String>>,
    /// Added to the default exclusions.
    pub extend_exclude: Option<Vec<String>>,
    /// Files larger than this many bytes are reported as IO002 and not checked.
    pub max_file_size: Option<u64>,
    /// Lowest severity that fails the run: `error`, `warning`, `info` or `never`.
    pub fail_on: Option<String>,
    pub python: Option<RawPython>,
    /// Globs that mark a file as a test file (replace the defaults).
    pub test_files: Option<Vec<String>>,
    /// Globs added to the default test-file globs.
    pub extend_test_files: Option<Vec<String>>,
    /// Named scopes: name to globs. Reported with their own compliance.
    pub scopes: Option<BTreeMap<String, Vec<String>>>,
    /// `[rules]`: directories of declarative rules, and per-rule settings keyed by code.
    pub rules: Option<RawRules>,
    /// Where the facts cache lives: relative to the project root, or absolute
    /// (default `.plumb_cache`).
    pub cache_dir: Option<String>,
    /// The baseline file `plumb check` compares with and `plumb baseline` writes, relative to
    /// the configuration file's directory (`--baseline` overrides it).
    pub baseline: Option<String>,
    /// `[gate]`: compliance floors and per-rule budgets that fail the run.
    pub gate: Option<RawGate>,
}

/// `[gate]`: `fail-under = { tests = 80 }`, `max = { MCK001 = 120 }`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawGate {
    /// Scope name to the lowest compliance percentage that passes.
    pub fail_under: Option<BTreeMap<String, f64>>,
    /// Rule code to the most violations that pass.
    pub max: Option<BTreeMap<String, usize>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawPython {
    pub target_version: Option<String>,
    /// Import roots (directories on `sys.path`), relative to the project root; replace the
    /// discovered ones.
    pub roots: Option<Vec<String>>,
    /// The virtual environment third-party imports must be installed in, relative to the
    /// project root (default: `.venv` or `venv` when present).
    pub venv: Option<String>,
    /// Distribution name -> the top-level import names it provides, for distributions whose
    /// import name differs from their name and is not in the bundled table
    /// (`{ "acme-client" = ["acme"] }`).
    pub dependency_import_names: Option<BTreeMap<String, Vec<String>>>,
}

/// `[rules]`: `dirs`, then one `[rules.CODE]` table per configured rule.
#[derive(Debug, Default, Deserialize)]
pub struct RawRules {
    /// Directories of declarative rules (`<language>/<name>.toml`), relative to the
    /// configuration file's directory; loaded after the bundled rules, before `--rules`.
    pub dirs: Option<Vec<String>>,
    #[serde(flatten)]
    pub codes: BTreeMap<String, RawRuleConfig>,
}

/// `[rules.CODE]`. Keys other than `severity` are the rule's own options; they are checked
/// against the rule's typed options in `settings` (a rule without options accepts none), so
/// unknown keys stay an error. (`deny_unknown_fields` cannot be combined with `flatten`.)
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawRuleConfig {
    pub severity: Option<String>,
    #[serde(flatten)]
    pub options: toml::Table,
}

/// A loaded configuration and where it came from.
#[derive(Debug)]
pub struct LoadedConfig {
    pub config: RawConfig,
    pub path: PathBuf,
    pub text: String,
}

impl LoadedConfig {
    /// A value-level error at the first occurrence of `needle` in the file, for checks that happen
    /// after deserialization (unknown rule codes, bad globs, bad versions).
    pub fn error_at(&self, needle: &str, message: impl Into<String>) -> ConfigError {
        let span = self
            .text
            .find(needle)
            .map(|start| start..start + needle.len());
        ConfigError {
            message: message.into(),
            path: Some(self.path.clone()),
            source_text: Some(self.text.clone()),
            span,
        }
    }
}

#[derive(Deserialize)]
struct Pyproject {
    #[serde(default)]
    tool: PyprojectTool,
}

#[derive(Deserialize, Default)]
struct PyprojectTool {
    plumb: Option<RawConfig>,
}

/// Reads one config file. For `pyproject.toml`, returns `Ok(None)` when it has no `[tool.plumb]`.
pub fn load(path: &Path) -> Result<Option<LoadedConfig>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        ConfigError::plain(format!(
            "cannot read config file {}: {error}",
            path.display()
        ))
    })?;
    let to_error = |error: toml::de::Error| ConfigError {
        message: error.message().to_string(),
        path: Some(path.to_path_buf()),
        source_text: Some(text.clone()),
        span: error.span(),
    };
    let is_pyproject = path
        .file_name()
        .is_some_and(|name| name == "pyproject.toml");
    let config = if is_pyproject {
        match toml::from_str::<Pyproject>(&text)
            .map_err(to_error)?
            .tool
            .plumb
        {
            Some(config) => config,
            None => return Ok(None),
        }
    } else {
        toml::from_str::<RawConfig>(&text).map_err(to_error)?
    };
    Ok(Some(LoadedConfig {
        config,
        path: path.to_path_buf(),
        text,
    }))
}

/// Walks up from `start` looking for `plumb.toml`, `.plumb.toml`, or a `pyproject.toml` with a
/// `[tool.plumb]` table; the first directory that has one wins.
pub fn discover(start: &Path) -> Result<Option<LoadedConfig>, ConfigError> {
    for directory in start.ancestors() {
        for name in ["plumb.toml", ".plumb.toml", "pyproject.toml"] {
            let candidate = directory.join(name);
            if candidate.is_file()
                && let Some(loaded) = load(&candidate)?
            {
                return Ok(Some(loaded));
            }
        }
    }
    Ok(None)
}

/// The lower bound of `requires-python` in the nearest `pyproject.toml` at or above `start`.
pub fn requires_python(start: &Path) -> Option<(String, PathBuf)> {
    #[derive(Deserialize)]
    struct Project {
        project: Option<ProjectTable>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "kebab-case")]
    struct ProjectTable {
        requires_python: Option<String>,
    }
    for directory in start.ancestors() {
        let candidate = directory.join("pyproject.toml");
        if !candidate.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&candidate).ok()?;
        let specifier = toml::from_str::<Project>(&text)
            .ok()?
            .project?
            .requires_python?;
        return lower_bound(&specifier).map(|version| (version, candidate));
    }
    None
}

/// `>=3.9,<4` gives `3.9`; `~=3.10` gives `3.10`; `>3.8` gives `3.9`; `==3.11.*` gives `3.11`.
fn lower_bound(specifier: &str) -> Option<String> {
    specifier.split(',').map(str::trim).find_map(|clause| {
        let (operator, version) = ["~=", ">=", "==", ">"].iter().find_map(|operator| {
            clause
                .strip_prefix(operator)
                .map(|rest| (*operator, rest.trim()))
        })?;
        let mut parts = version.split('.');
        let major: u8 = parts.next()?.parse().ok()?;
        let minor: u8 = parts
            .next()
            .unwrap_or("0")
            .trim_end_matches('*')
            .parse()
            .unwrap_or(0);
        let minor = if operator == ">" { minor + 1 } else { minor };
        Some(format!("{major}.{minor}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requires_python_lower_bounds() {
        assert_eq!(lower_bound(">=3.9,<4").as_deref(), Some("3.9"));
        assert_eq!(lower_bound("~=3.10").as_deref(), Some("3.10"));
        assert_eq!(lower_bound(">3.8").as_deref(), Some("3.9"));
        assert_eq!(lower_bound("==3.11.*").as_deref(), Some("3.11"));
        assert_eq!(lower_bound("<4").as_deref(), None);
        assert_eq!(lower_bound("<4,>=3.8").as_deref(), Some("3.8"));
    }

    #[test]
    fn unknown_keys_point_at_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plumb.toml");
        std::fs::write(&path, "select = [\"SYN\"]\nslect = [\"X\"]\n").unwrap();
        let error = load(&path).unwrap_err();
        let span = error.span.unwrap();
        assert_eq!(&error.source_text.unwrap()[span], "slect");
        assert!(
            error.message.contains("unknown field `slect`"),
            "{}",
            error.message
        );
    }

    #[test]
    fn pyproject_without_tool_plumb_is_not_a_config() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pyproject.toml");
        std::fs::write(
            &path,
            "[project]\nname = \"x\"\n[tool.ruff]\nline-length = 99\n",
        )
        .unwrap();
        assert!(load(&path).unwrap().is_none());
    }
}
