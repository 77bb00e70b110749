//! Configuration: `plumb.toml` or `[tool.plumb]` in `pyproject.toml`, read and resolved into
//! settings (rule selection, rule options, globs, scopes, gate, Python version, paths). An
//! error must point inside the file and render as the CLI renders it.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use plumb_engine::{Overrides, Settings, declarative_rule_dirs};

fn project() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temporary directory").keep())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let name = if data.len().is_multiple_of(2) {
        "plumb.toml"
    } else {
        "pyproject.toml"
    };
    let path = project().join(name);
    std::fs::write(&path, text).expect("the config is written");
    let overrides = Overrides {
        config_file: Some(path.clone()),
        ..Overrides::default()
    };
    let registry = plumb_fuzz::registry();
    let resolved = declarative_rule_dirs(project(), &overrides)
        .and_then(|_| Settings::resolve(project(), &overrides, registry));
    if let Err(error) = resolved {
        match &error.source_text {
            Some(source) => plumb_fuzz::assert_renders(&error.message, source, error.span.clone()),
            None => assert!(error.span.is_none(), "a span without a text: {error:?}"),
        }
    }
    std::fs::remove_file(&path).expect("the config is removed");
});
