//! The registry a run uses: the built-in rules plus the declarative ones, loaded in order from
//! the bundled `rules/`, the configuration's `[rules] dirs`, then `--rules DIR`.

use std::path::{Path, PathBuf};

use plumb_declarative::{LoadError, RuleSource};
use plumb_engine::{ConfigError, Overrides};
use plumb_rules::Registry;

/// Where declarative rules come from for a run whose first path is `first_path`.
pub(crate) fn rule_sources(
    first_path: &Path,
    overrides: &Overrides,
    extra: &[PathBuf],
) -> anyhow::Result<Vec<RuleSource>> {
    let mut sources = vec![RuleSource::Bundled];
    let configured = plumb_engine::declarative_rule_dirs(first_path, overrides)?;
    sources.extend(configured.into_iter().map(RuleSource::Dir));
    for dir in extra {
        if !dir.is_dir() {
            anyhow::bail!("--rules {}: not a directory", dir.display());
        }
        sources.push(RuleSource::Dir(dir.clone()));
    }
    Ok(sources)
}

/// The built-in rules and the declarative rules of `sources`.
pub(crate) fn registry(sources: &[RuleSource]) -> anyhow::Result<Registry> {
    let rules = plumb_declarative::load(sources).map_err(as_config_error)?;
    let mut registry = Registry::builtin();
    registry.extend(plumb_declarative::registered(rules));
    Ok(registry)
}

/// A rule file that cannot be loaded is reported like a configuration error: exit 2, with a
/// frame into the file.
pub(crate) fn as_config_error(error: LoadError) -> ConfigError {
    ConfigError {
        message: error.message,
        source_text: (!error.text.is_empty()).then_some(error.text),
        path: Some(error.path),
        span: error.span,
    }
}
