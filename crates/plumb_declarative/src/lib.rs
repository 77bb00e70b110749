//! Declarative rules: `rules/<language>/<name>.toml` files holding a tree-sitter query, its
//! metadata and inline tests, loaded at run time and run as file rules.
//!
//! Loading validates everything up front (unknown keys, bad globs, queries that do not compile,
//! unknown predicates, a missing report capture, message placeholders, duplicate ids), so a
//! broken rule stops the run before any file is read, with the place in its file. A file is
//! parsed with tree-sitter only when an enabled rule targets its language, once for all of
//! them ([`plumb_rules::Shared`]), and walked by one query holding the patterns of every
//! enabled rule that applies to it (`matching.rs`).

#[cfg(test)]
mod combined_tests;
mod delimiters;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod grammar;
mod inline;
mod matching;
mod rule;
mod set;
mod spec;
mod symbol;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{Dir, include_dir};
use plumb_rules::RegisteredRule;

pub use error::LoadError;
pub use grammar::RuleLanguage;
pub use inline::{InlineReport, run_inline_tests};
pub use matching::{parse_count, pass_count};
pub use rule::{AppliesTo, DeclarativeRule, InlineTests};

/// The rules shipped with plumb: the repository's `rules/` folder, embedded.
static BUNDLED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../rules");

/// Where rules are loaded from, in load order.
#[derive(Debug, Clone)]
pub enum RuleSource {
    /// The rules embedded in the binary.
    Bundled,
    /// A directory of `<language>/<name>.toml` files (searched recursively).
    Dir(PathBuf),
}

/// Loads and validates the rules of `sources`, in order. An id may be defined once.
pub fn load(sources: &[RuleSource]) -> Result<Vec<DeclarativeRule>, LoadError> {
    let mut rules: Vec<rule::RuleSpec> = Vec::new();
    let mut seen: HashMap<&'static str, PathBuf> = HashMap::new();
    for source in sources {
        for (path, text) in rule_files(source)? {
            let file = spec::RuleFile {
                path: &path,
                text: &text,
            };
            let rule = spec::compile(&file, !matches!(source, RuleSource::Bundled))?;
            let code = rule.meta().code;
            if let Some(first) = seen.get(code) {
                let span = text
                    .find(&format!("\"{code}\""))
                    .map(|at| at..at + code.len() + 2);
                return Err(LoadError {
                    message: format!(
                        "{}: duplicate rule id `{code}`: already defined in {}",
                        path.display(),
                        first.display()
                    ),
                    path,
                    text,
                    span,
                });
            }
            seen.insert(code, path.clone());
            rules.push(rule);
        }
    }
    Ok(DeclarativeRule::all_of(Arc::new(set::RuleSet::new(rules))))
}

/// The rules as registry entries: selectable, configurable in severity, documented.
pub fn registered(rules: Vec<DeclarativeRule>) -> Vec<RegisteredRule> {
    rules
        .into_iter()
        .map(|rule| RegisteredRule {
            meta: rule.meta(),
            file_check: Some(Box::new(rule)),
            project_check: None,
            configure: None,
        })
        .collect()
}

/// The `.toml` files of one source with their text, sorted by path.
fn rule_files(source: &RuleSource) -> Result<Vec<(PathBuf, String)>, LoadError> {
    let mut files = Vec::new();
    match source {
        RuleSource::Bundled => bundled_files(&BUNDLED, &mut files),
        RuleSource::Dir(dir) => dir_files(dir, &mut files)?,
    }
    files.sort();
    Ok(files)
}

fn bundled_files(dir: &Dir<'_>, files: &mut Vec<(PathBuf, String)>) {
    for file in dir.files() {
        if file.path().extension().is_some_and(|ext| ext == "toml") {
            let text = file.contents_utf8().unwrap_or_default().to_string();
            files.push((Path::new("<bundled>/rules").join(file.path()), text));
        }
    }
    for sub in dir.dirs() {
        bundled_files(sub, files);
    }
}

fn dir_files(dir: &Path, files: &mut Vec<(PathBuf, String)>) -> Result<(), LoadError> {
    let unreadable = |path: &Path, error: std::io::Error| LoadError {
        message: format!("cannot read rules from {}: {error}", path.display()),
        path: path.to_path_buf(),
        text: String::new(),
        span: None,
    };
    let entries = std::fs::read_dir(dir).map_err(|error| unreadable(dir, error))?;
    for entry in entries {
        let path = entry.map_err(|error| unreadable(dir, error))?.path();
        if path.is_dir() {
            dir_files(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "toml") {
            let text = std::fs::read_to_string(&path).map_err(|error| unreadable(&path, error))?;
            files.push((path, text));
        }
    }
    Ok(())
}

#[cfg(test)]
mod lazy_tests {
    use super::*;

    /// Every run loads the bundled rules, selected or not: their queries must wait until a
    /// rule runs (compiling them took ~80 ms per start), and then compile.
    #[test]
    fn bundled_queries_compile_on_first_use_only() {
        let rules = load(&[RuleSource::Bundled]).expect("the bundled rules load");
        assert!(!rules.is_empty());
        assert_eq!(rules[0].set().compiled_count(), 0, "compiled at load");
        for rule in &rules {
            let before = rule.set().compiled_count();
            let grammar = rule.grammars().next().expect("a grammar");
            let _ = rule.matches_in(grammar, "");
            assert_eq!(
                rule.set().compiled_count(),
                before + 1,
                "{} did not compile",
                rule.meta().code
            );
        }
    }

    /// What a user's rule is checked for at load (a report capture the query has, message
    /// placeholders that are captures), the bundled rules are checked for here.
    #[test]
    fn bundled_rules_pass_the_checks_of_eager_loading() {
        let mut files = Vec::new();
        bundled_files(&BUNDLED, &mut files);
        assert!(!files.is_empty());
        for (path, text) in &files {
            let file = spec::RuleFile { path, text };
            if let Err(error) = spec::compile(&file, true) {
                panic!("{}", error.message);
            }
        }
    }
}
