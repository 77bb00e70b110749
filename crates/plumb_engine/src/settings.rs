//! Resolved settings: config file plus command-line overrides, with globs compiled and rules
//! selected once, before any file is touched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plumb_diagnostics::Severity;
use plumb_rules::{Registry, RuleMeta};
use plumb_syntax::PythonVersion;

use crate::baseline::BaselineLocation;
use crate::changed::ChangedFiles;
use crate::config::{self, ConfigError, LoadedConfig, RawConfig};
use crate::gate::GateSettings;
use crate::input_path::physical;
pub use plumb_facts::PathMatcher;

/// Directory names never walked into unless named on the command line.
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    "site-packages",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    DEFAULT_CACHE_DIR,
];

/// The facts cache's directory under the project root, unless `cache-dir` says otherwise.
pub const DEFAULT_CACHE_DIR: &str = ".plumb_cache";

/// Globs that make a file a test file (matched at any depth, see [`PathMatcher`]).
pub const DEFAULT_TEST_FILES: &[&str] = &[
    "test_*.py",
    "*_test.py",
    "conftest.py",
    "tests/**",
    "test/**",
    "__tests__/**",
    "*.test.*",
    "*.spec.*",
    "cypress/**",
    "e2e/**",
];

pub const DEFAULT_MAX_FILE_SIZE: u64 = 5_000_000;

/// Where the run fails: at this severity or above, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Severity(Severity),
    Never,
}

impl FailOn {
    pub fn parse(text: &str) -> Option<Self> {
        if text == "never" {
            return Some(FailOn::Never);
        }
        Severity::parse(text).map(FailOn::Severity)
    }

    /// The severity that decides compliance: the gate's, or `error` when nothing fails the run.
    pub fn gate(self) -> Severity {
        match self {
            FailOn::Severity(severity) => severity,
            FailOn::Never => Severity::Error,
        }
    }
}

/// Command-line values that override the configuration file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config_file: Option<PathBuf>,
    pub isolated: bool,
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub target_version: Option<String>,
    pub fail_on: Option<String>,
    /// `--fail-under SCOPE=PERCENT,...`: replaces `[gate] fail-under` when given.
    pub fail_under: Option<Vec<String>>,
    pub force_exclude: bool,
    pub threads: Option<usize>,
    /// `--no-cache`: neither read nor write the facts cache.
    pub no_cache: bool,
    /// `--staged` / `--changed-since REV`: check only the files git says changed.
    pub changed: Option<ChangedFiles>,
    /// `VIRTUAL_ENV` of the calling shell: the activated environment, used for import
    /// resolution when the project configures none and has no `.venv`/`venv` of its own.
    pub active_virtual_env: Option<PathBuf>,
    /// `--baseline FILE`, as typed (relative to the working directory).
    pub baseline: Option<PathBuf>,
    /// `--[no-]fail-on-stale-baseline`, or the CLI's default for the environment (on when
    /// `CI=true`); `None` is off.
    pub fail_on_stale_baseline: Option<bool>,
}

/// Everything a run needs to know, resolved.
#[derive(Debug)]
pub struct Settings {
    /// Directory paths are matched against: the config file's directory, else the cwd.
    pub project_root: PathBuf,
    pub config_path: Option<PathBuf>,
    /// Enabled rule codes with their effective severities.
    pub rules: BTreeMap<&'static str, Severity>,
    /// Options from `[rules.CODE]` tables, already validated against each rule's typed options.
    pub rule_options: BTreeMap<&'static str, toml::Table>,
    pub exclude: PathMatcher,
    /// Exclusions that are plain directory names (fast path, also used for the summary).
    pub test_files: PathMatcher,
    pub scopes: Vec<(String, PathMatcher)>,
    pub max_file_size: u64,
    pub fail_on: FailOn,
    /// Compliance floors and per-rule budgets.
    pub gate: GateSettings,
    pub python_version: PythonVersion,
    /// Where the Python version came from, for the summary and `--show-settings`.
    pub python_version_source: String,
    pub force_exclude: bool,
    pub threads: usize,
    /// `python.roots`: configured import roots, project-relative and `/`-separated.
    pub python_roots: Option<Vec<String>>,
    /// `python.venv`: the configured virtual environment, project-relative.
    pub python_venv: Option<String>,
    /// The activated virtual environment (`VIRTUAL_ENV`), absolute, when it is one.
    pub active_virtual_env: Option<PathBuf>,
    /// `python.dependency-import-names`, keys normalized (lowercase, `-`/`.` as `_`).
    pub python_import_names: BTreeMap<String, Vec<String>>,
    /// The facts cache's directory (absolute), `None` with `--no-cache`.
    pub cache_dir: Option<PathBuf>,
    /// The baseline to compare with: `--baseline`, else `baseline =` in the configuration.
    pub baseline: Option<BaselineLocation>,
    /// A stale baseline (entries no longer found) fails the run.
    pub fail_on_stale_baseline: bool,
    /// `--staged` / `--changed-since REV`: the files checked are the changed ones under the
    /// paths given, with exclusions applied to them (as `--force-exclude` does).
    pub changed: Option<ChangedFiles>,
    /// Counted by the per-file stage; a caller that shows progress clones it before the run.
    pub progress: crate::Progress,
}

impl Settings {
    /// Finds and reads the configuration for `first_path`, then applies `overrides`.
    pub fn resolve(
        first_path: &Path,
        overrides: &Overrides,
        registry: &Registry,
    ) -> Result<Self, ConfigError> {
        let (cwd, start_dir, loaded) = locate_config(first_path, overrides)?;
        let empty = RawConfig::default();
        let raw = loaded.as_ref().map_or(&empty, |loaded| &loaded.config);
        let project_root = match loaded
            .as_ref()
            .and_then(|loaded| loaded.path.parent().map(|dir| physical(&cwd, dir)))
        {
            Some(config_dir) => config_dir,
            None => unconfigured_project_root(&cwd, &start_dir),
        };
        let config_error = |needle: &str, message: String| match &loaded {
            Some(loaded) => loaded.error_at(needle, message),
            None => ConfigError::plain(message),
        };

        let rules = select_rules(raw, overrides, registry, loaded.as_ref())?;
        let rule_options = rule_options(raw, registry, loaded.as_ref())?;

        let exclude_globs = with_defaults(&raw.exclude, &raw.extend_exclude, DEFAULT_EXCLUDES);
        let exclude = compile_globs(&exclude_globs, "exclude", &config_error)?;
        let test_globs = with_defaults(&raw.test_files, &raw.extend_test_files, DEFAULT_TEST_FILES);
        let test_files = compile_globs(&test_globs, "test-files", &config_error)?;

        let mut scopes = Vec::new();
        for (name, globs) in raw.scopes.iter().flatten() {
            if name == "production" || name == "tests" {
                return Err(config_error(
                    name,
                    format!("scope name `{name}` is built in; choose another"),
                ));
            }
            let matcher = PathMatcher::new(globs).map_err(|(pattern, error)| {
                config_error(
                    &pattern,
                    format!("invalid glob `{pattern}` in scope `{name}`: {error}"),
                )
            })?;
            scopes.push((name.clone(), matcher));
        }

        let fail_on_text = overrides
            .fail_on
            .clone()
            .or_else(|| raw.fail_on.clone())
            .unwrap_or_else(|| "error".into());
        let fail_on = FailOn::parse(&fail_on_text).ok_or_else(|| {
            config_error(
                &format!("\"{fail_on_text}\""),
                format!("fail-on must be error, warning, info or never, not `{fail_on_text}`"),
            )
        })?;

        let gate = gate_settings(raw, overrides, registry, &scopes, &config_error)?;

        let (python_version, python_version_source) =
            resolve_python_version(raw, overrides, &start_dir, loaded.as_ref())?;

        let python = raw.python.as_ref();
        let project_relative = |value: &str, key: &str| {
            let clean = value.trim_start_matches("./").trim_end_matches('/');
            if clean.starts_with('/') || clean.split('/').any(|part| part == "..") {
                return Err(config_error(
                    &format!("\"{value}\""),
                    format!("python.{key} must be a directory inside the project, not `{value}`"),
                ));
            }
            Ok(if clean == "." {
                String::new()
            } else {
                clean.to_string()
            })
        };
        let python_roots = match python.and_then(|python| python.roots.as_ref()) {
            Some(roots) => Some(
                roots
                    .iter()
                    .map(|root| project_relative(root, "roots"))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            None => None,
        };
        let python_venv = match python.and_then(|python| python.venv.as_deref()) {
            Some(venv) => Some(project_relative(venv, "venv")?),
            None => None,
        };

        let python_import_names =
            match python.and_then(|python| python.dependency_import_names.as_ref()) {
                Some(names) => {
                    dependency_import_names(names, "python.dependency-import-names", &config_error)?
                }
                None => BTreeMap::new(),
            };
        let cache_dir = match raw.cache_dir.as_deref() {
            _ if overrides.no_cache => None,
            None => Some(project_root.join(DEFAULT_CACHE_DIR)),
            // The cache directory gets a `.gitignore` of `*` when plumb creates it: the project
            // root itself must never be it.
            Some(dir)
                if dir
                    .trim_start_matches("./")
                    .trim_end_matches('/')
                    .is_empty() =>
            {
                return Err(config_error(
                    "cache-dir",
                    format!("cache-dir must name a directory of its own, not `{dir}`"),
                ));
            }
            Some(dir) => Some(physical(&project_root, Path::new(dir))),
        };

        let baseline = baseline_location(&cwd, overrides, raw, &project_root);

        let threads = overrides
            .threads
            .filter(|&threads| threads > 0)
            .unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
            });

        Ok(Settings {
            project_root,
            config_path: loaded.as_ref().map(|loaded| loaded.path.clone()),
            rules,
            rule_options,
            exclude,
            test_files,
            scopes,
            max_file_size: raw.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
            fail_on,
            gate,
            python_version,
            python_version_source,
            // Changed files are picked by git, not by the user: exclusions apply to them.
            force_exclude: overrides.force_exclude || overrides.changed.is_some(),
            threads,
            python_roots,
            python_venv,
            active_virtual_env: overrides
                .active_virtual_env
                .as_ref()
                .filter(|venv| venv.join("pyvenv.cfg").is_file())
                .map(|venv| physical(&cwd, venv)),
            python_import_names,
            cache_dir,
            baseline,
            fail_on_stale_baseline: overrides.fail_on_stale_baseline.unwrap_or(false),
            changed: overrides.changed.clone(),
            progress: crate::Progress::default(),
        })
    }

    /// The Python version import resolution checks the standard library against, with its
    /// source; `None` when it is only the built-in default, which says nothing about the
    /// project (then the standard library of any supported version resolves).
    pub fn python_target(&self) -> Option<plumb_facts::PythonTarget> {
        if self.python_version_source == DEFAULT_VERSION_SOURCE {
            return None;
        }
        // `requires-python in <absolute path>`: shown project-relative in findings.
        let source = match self.python_version_source.split_once(" in ") {
            Some((what, path)) => match Path::new(path).strip_prefix(&self.project_root) {
                Ok(relative) => format!("{what} in {}", relative.display()),
                Err(_) => self.python_version_source.clone(),
            },
            None => self.python_version_source.clone(),
        };
        Some(plumb_facts::PythonTarget {
            version: self.python_version,
            source,
        })
    }

    pub fn severity_of(&self, code: &str) -> Option<Severity> {
        self.rules.get(code).copied()
    }
}

/// `--baseline` (relative to the working directory), else `baseline =` in the configuration
/// (relative to its directory, the project root).
/// The working directory, the directory the configuration is looked for from, and the
/// configuration `--config` / `--isolated` / discovery give for `first_path`.
fn locate_config(
    first_path: &Path,
    overrides: &Overrides,
) -> Result<(PathBuf, PathBuf, Option<LoadedConfig>), ConfigError> {
    let cwd = std::env::current_dir().map_err(|error| {
        ConfigError::plain(format!("cannot read the current directory: {error}"))
    })?;
    let start = physical(&cwd, first_path);
    let start_dir = if start.is_dir() {
        start.clone()
    } else {
        start
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or(start.clone())
    };
    let loaded = match (&overrides.config_file, overrides.isolated) {
        (Some(path), _) => Some(config::load(path)?.ok_or_else(|| {
            ConfigError::plain(format!("{} has no [tool.plumb] table", path.display()))
        })?),
        (None, true) => None,
        (None, false) => config::discover(&start_dir)?,
    };
    Ok((cwd, start_dir, loaded))
}

/// The `[rules] dirs` of the configuration [`Settings::resolve`] reads for `first_path`, made
/// absolute against the configuration file's directory. Declarative rules must be loaded
/// before the settings are resolved, since `select` and `[rules.X-...]` name them.
pub fn declarative_rule_dirs(
    first_path: &Path,
    overrides: &Overrides,
) -> Result<Vec<PathBuf>, ConfigError> {
    let (cwd, _, loaded) = locate_config(first_path, overrides)?;
    let Some(loaded) = loaded else {
        return Ok(Vec::new());
    };
    let base = loaded
        .path
        .parent()
        .map_or(cwd.clone(), |dir| physical(&cwd, dir));
    let dirs = loaded
        .config
        .rules
        .as_ref()
        .and_then(|rules| rules.dirs.as_ref());
    let mut found = Vec::new();
    for dir in dirs.into_iter().flatten() {
        let path = base.join(dir);
        if !path.is_dir() {
            return Err(loaded.error_at(
                &format!("\"{dir}\""),
                format!("rules directory `{dir}` does not exist"),
            ));
        }
        found.push(path);
    }
    Ok(found)
}

fn baseline_location(
    cwd: &Path,
    overrides: &Overrides,
    raw: &RawConfig,
    project_root: &Path,
) -> Option<BaselineLocation> {
    if let Some(path) = &overrides.baseline {
        return Some(BaselineLocation {
            path: physical(cwd, path),
            shown: path.to_string_lossy().into_owned(),
            from_command_line: true,
        });
    }
    raw.baseline.as_ref().map(|file| BaselineLocation {
        path: physical(project_root, Path::new(file)),
        shown: file.clone(),
        from_command_line: false,
    })
}

/// The scopes `fail-under` may name: the built-in ones and the configured ones.
const BUILTIN_GATE_SCOPES: [&str; 3] = ["production", "tests", "overall"];

/// `[gate]` and `--fail-under`, checked: known scope names, percentages within 0..=100,
/// budgets on known rule codes. The command line replaces the config's `fail-under` as a whole,
/// as `--select` replaces `select`.
fn gate_settings(
    raw: &RawConfig,
    overrides: &Overrides,
    registry: &Registry,
    scopes: &[(String, PathMatcher)],
    config_error: &impl Fn(&str, String) -> ConfigError,
) -> Result<GateSettings, ConfigError> {
    let known_scope = |name: &str| {
        BUILTIN_GATE_SCOPES.contains(&name) || scopes.iter().any(|(scope, _)| scope == name)
    };
    let scope_list = || {
        let mut names: Vec<&str> = BUILTIN_GATE_SCOPES.to_vec();
        names.extend(scopes.iter().map(|(scope, _)| scope.as_str()));
        names.join(", ")
    };
    let raw_gate = raw.gate.as_ref();
    let mut fail_under = BTreeMap::new();
    match &overrides.fail_under {
        Some(entries) => {
            for entry in entries {
                let (scope, percent) = parse_fail_under(entry).map_err(|message| {
                    ConfigError::plain(format!("--fail-under `{entry}`: {message}"))
                })?;
                if !known_scope(&scope) {
                    return Err(ConfigError::plain(format!(
                        "--fail-under `{entry}`: unknown scope `{scope}`; known scopes: {}",
                        scope_list()
                    )));
                }
                fail_under.insert(scope, percent);
            }
        }
        None => {
            for (scope, &percent) in raw_gate
                .and_then(|gate| gate.fail_under.as_ref())
                .into_iter()
                .flatten()
            {
                if !known_scope(scope) {
                    return Err(config_error(
                        scope,
                        format!(
                            "gate.fail-under: unknown scope `{scope}`; known scopes: {}",
                            scope_list()
                        ),
                    ));
                }
                if !(0.0..=100.0).contains(&percent) {
                    return Err(config_error(
                        scope,
                        format!(
                            "gate.fail-under: `{scope}` must be a percentage from 0 to 100, not {percent}"
                        ),
                    ));
                }
                fail_under.insert(scope.clone(), percent);
            }
        }
    }
    let mut max = BTreeMap::new();
    for (code, &budget) in raw_gate
        .and_then(|gate| gate.max.as_ref())
        .into_iter()
        .flatten()
    {
        let Some(rule) = registry.find(code).filter(|rule| rule.meta.code == code) else {
            return Err(config_error(
                code,
                format!("gate.max: `{code}` is not a rule code (see `plumb rules`)"),
            ));
        };
        max.insert(rule.meta.code.to_string(), budget);
    }
    Ok(GateSettings { fail_under, max })
}

/// `tests=80` or `overall=92.5` as (scope, percent).
fn parse_fail_under(entry: &str) -> Result<(String, f64), String> {
    let (scope, percent) = entry
        .split_once('=')
        .ok_or("expected SCOPE=PERCENT, e.g. tests=80")?;
    let percent: f64 = percent
        .trim()
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("`{percent}` is not a number"))?;
    if !(0.0..=100.0).contains(&percent) {
        return Err(format!("{percent} is not a percentage from 0 to 100"));
    }
    Ok((scope.trim().to_string(), percent))
}

/// `replace` if configured, else `defaults`; then `extend` added (ruff's exclude/extend-exclude).
fn with_defaults(
    replace: &Option<Vec<String>>,
    extend: &Option<Vec<String>>,
    defaults: &[&str],
) -> Vec<String> {
    let mut globs: Vec<String> = match replace {
        Some(globs) => globs.clone(),
        None => defaults.iter().map(|glob| glob.to_string()).collect(),
    };
    globs.extend(extend.iter().flatten().cloned());
    globs
}

fn compile_globs(
    globs: &[String],
    setting: &str,
    config_error: &impl Fn(&str, String) -> ConfigError,
) -> Result<PathMatcher, ConfigError> {
    PathMatcher::new(globs).map_err(|(pattern, error)| {
        config_error(
            &pattern,
            format!("invalid {setting} glob `{pattern}`: {error}"),
        )
    })
}

fn resolve_python_version(
    raw: &RawConfig,
    overrides: &Overrides,
    start_dir: &Path,
    loaded: Option<&LoadedConfig>,
) -> Result<(PythonVersion, String), ConfigError> {
    if let Some(text) = &overrides.target_version {
        let version = text.parse().map_err(|message: String| {
            ConfigError::plain(format!("--target-version: {message}"))
        })?;
        return Ok((version, "--target-version".into()));
    }
    if let Some(text) = raw
        .python
        .as_ref()
        .and_then(|python| python.target_version.as_ref())
    {
        let version = text.parse().map_err(|message: String| match loaded {
            Some(loaded) => loaded.error_at(&format!("\"{text}\""), message),
            None => ConfigError::plain(message),
        })?;
        return Ok((version, "python.target-version".into()));
    }
    if let Some((text, path)) = config::requires_python(start_dir)
        && let Ok(version) = text.parse::<PythonVersion>()
    {
        return Ok((version, format!("requires-python in {}", path.display())));
    }
    Ok((PythonVersion::DEFAULT, DEFAULT_VERSION_SOURCE.into()))
}

/// The source of the Python version when nothing configured one.
const DEFAULT_VERSION_SOURCE: &str = "default";

/// [`plumb_facts::resolve::deps::import_names_table`], its errors pointing into the config.
fn dependency_import_names(
    names: &BTreeMap<String, Vec<String>>,
    key: &str,
    config_error: &impl Fn(&str, String) -> ConfigError,
) -> Result<BTreeMap<String, Vec<String>>, ConfigError> {
    plumb_facts::resolve::deps::import_names_table(names, key)
        .map_err(|(needle, message)| config_error(&needle, message))
}

/// Applies `select`/`extend-select`/`ignore` (config, then flags) and per-rule severities.
fn select_rules(
    raw: &RawConfig,
    overrides: &Overrides,
    registry: &Registry,
    loaded: Option<&LoadedConfig>,
) -> Result<BTreeMap<&'static str, Severity>, ConfigError> {
    let unknown = |selector: &str, from_config: bool| {
        let message = format!(
            "unknown rule selector `{selector}`: use a rule code (e.g. SYN001) or a family ({})",
            registry.families().join(", ")
        );
        match loaded {
            Some(loaded) if from_config => loaded.error_at(&format!("\"{selector}\""), message),
            _ => ConfigError::plain(message),
        }
    };
    // `ALL` is every rule that is on by default; one that is off by default must be named.
    let matches = |selector: &str, meta: &RuleMeta| {
        let code = meta.code;
        (selector == "ALL" && meta.default_enabled)
            || code.eq_ignore_ascii_case(selector)
            || (code.starts_with(selector) && !selector.is_empty())
    };
    let check_known = |selectors: &[String], from_config: bool| -> Result<(), ConfigError> {
        for selector in selectors {
            if selector != "ALL" && !registry.iter().any(|rule| matches(selector, rule.meta)) {
                return Err(unknown(selector, from_config));
            }
        }
        Ok(())
    };

    let config_select = raw.select.clone().unwrap_or_else(|| vec!["ALL".into()]);
    check_known(&config_select, true)?;
    let config_extend = raw.extend_select.clone().unwrap_or_default();
    check_known(&config_extend, true)?;
    let config_ignore = raw.ignore.clone().unwrap_or_default();
    check_known(&config_ignore, true)?;
    check_known(overrides.select.as_deref().unwrap_or_default(), false)?;
    check_known(&overrides.extend_select, false)?;
    check_known(&overrides.ignore, false)?;

    let select = overrides.select.clone().unwrap_or(config_select);
    let mut enabled = BTreeMap::new();
    for rule in registry.iter() {
        let code = rule.meta.code;
        let selected = select
            .iter()
            .chain(&config_extend)
            .chain(&overrides.extend_select)
            .any(|s| matches(s, rule.meta));
        let ignored = config_ignore
            .iter()
            .chain(&overrides.ignore)
            .any(|s| matches(s, rule.meta) || s == "ALL");
        if selected && !ignored {
            enabled.insert(code, rule.meta.default_severity);
        }
    }
    for (code, rule_config) in raw.rules.iter().flat_map(|rules| &rules.codes) {
        let Some(rule) = registry.find(code) else {
            return Err(
                unknown(code, true).with_message(format!("unknown rule `{code}` in [rules]"))
            );
        };
        if let Some(severity_text) = &rule_config.severity {
            let severity = Severity::parse(severity_text).ok_or_else(|| match loaded {
                Some(loaded) => loaded.error_at(
                    &format!("\"{severity_text}\""),
                    format!("severity must be error, warning or info, not `{severity_text}`"),
                ),
                None => ConfigError::plain("bad severity"),
            })?;
            if let Some(slot) = enabled.get_mut(rule.meta.code) {
                *slot = severity;
            }
        }
    }
    Ok(enabled)
}

/// The options of each `[rules.CODE]` table (keys besides `severity`), checked by building the
/// rule with them; a rule without options accepts none.
fn rule_options(
    raw: &RawConfig,
    registry: &Registry,
    loaded: Option<&LoadedConfig>,
) -> Result<BTreeMap<&'static str, toml::Table>, ConfigError> {
    let mut options = BTreeMap::new();
    for (code, rule_config) in raw.rules.iter().flat_map(|rules| &rules.codes) {
        if rule_config.options.is_empty() {
            continue;
        }
        // Unknown codes were reported by `select_rules`.
        let Some(rule) = registry.find(code) else {
            continue;
        };
        let error = |needle: &str, message: String| match loaded {
            Some(loaded) => loaded.error_at(needle, message),
            None => ConfigError::plain(message),
        };
        let Some(configure) = rule.configure else {
            let key = rule_config.options.keys().next().map_or("", String::as_str);
            return Err(error(
                key,
                format!(
                    "unknown key `{key}` in [rules.{code}]: {} has no options besides `severity`",
                    rule.meta.code
                ),
            ));
        };
        if let Err(message) = configure.validate(rule_config.options.clone()) {
            // Point at the offending key when serde names it.
            let key = message
                .split('`')
                .nth(1)
                .filter(|key| rule_config.options.contains_key(*key))
                .unwrap_or(code.as_str())
                .to_string();
            let message = message
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            return Err(error(&key, format!("[rules.{code}]: {message}")));
        }
        options.insert(rule.meta.code, rule_config.options.clone());
    }
    Ok(options)
}

impl ConfigError {
    fn with_message(mut self, message: String) -> Self {
        self.message = message;
        self
    }
}

/// The project root when no configuration file names one: the working directory when it is a
/// project itself (holds a project marker: `.git`, `pyproject.toml`, `setup.py`, `setup.cfg`,
/// `package.json`) and the checked path is inside it, as ruff and pre-commit work; else the
/// nearest directory at or above the checked path that holds a marker; else the working
/// directory when the checked path is inside it, else the checked directory.
///
/// So every spelling of one tree (`..` from a subdirectory, `../repo`, an absolute path, a
/// symlinked parent, `repo` from a plain parent folder) is judged against one root, found from
/// the tree itself. A root taken from any working directory made `cd parent && plumb check
/// repo` resolve `repo`'s imports from `parent`; a root that ignored the checked path made
/// every file of `plumb check /elsewhere/repo` lie outside the project.
fn unconfigured_project_root(cwd: &Path, start_dir: &Path) -> PathBuf {
    let inside_cwd = start_dir.starts_with(cwd);
    if inside_cwd && has_project_marker(cwd) {
        return cwd.to_path_buf();
    }
    if let Some(project) = start_dir.ancestors().find(|dir| has_project_marker(dir)) {
        return project.to_path_buf();
    }
    if inside_cwd {
        cwd.to_path_buf()
    } else {
        start_dir.to_path_buf()
    }
}

/// Files or directories whose presence makes a directory a project root.
const PROJECT_MARKERS: &[&str] = &[
    ".git",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "package.json",
];

/// Whether `dir` holds a project marker ([`PROJECT_MARKERS`]).
pub(crate) fn has_project_marker(dir: &Path) -> bool {
    PROJECT_MARKERS
        .iter()
        .any(|marker| dir.join(marker).exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_test_globs_cover_common_layouts() {
        let globs: Vec<String> = DEFAULT_TEST_FILES.iter().map(|g| g.to_string()).collect();
        let matcher = PathMatcher::new(&globs).unwrap();
        for path in [
            "a/test_x.py",
            "x_test.py",
            "conftest.py",
            "web/src/__tests__/a.ts",
            "a.test.tsx",
            "b.spec.js",
            "cypress/e2e/x.cy.ts",
        ] {
            assert!(matcher.is_match(path), "{path}");
        }
        for path in [
            "src/app.py",
            "src/contest.py",
            "src/latest.ts",
            "testing.py",
        ] {
            assert!(!matcher.is_match(path), "{path}");
        }
    }
}
