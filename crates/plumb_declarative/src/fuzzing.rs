//! Entry points for the fuzz targets in `fuzz/` (not part of the supported API).
//!
//! A rule file reaches [`crate::spec::compile`] only through [`crate::load`], which walks a
//! directory; a fuzz target that wrote every input to disk would measure the file system, not
//! the compiler. This is the compiler alone, as a user's rule is compiled (eagerly).

use std::path::Path;

use crate::{DeclarativeRule, LoadError, spec};

/// Compiles `text` as a user's rule file named `fuzz.toml`, query included.
#[doc(hidden)]
pub fn compile_user_rule(text: &str) -> Result<DeclarativeRule, LoadError> {
    let file = spec::RuleFile {
        path: Path::new("fuzz.toml"),
        text,
    };
    let spec = spec::compile(&file, true)?;
    let set = std::sync::Arc::new(crate::set::RuleSet::new(vec![spec]));
    Ok(DeclarativeRule::all_of(set)
        .pop()
        .expect("a set of one rule has one rule"))
}
