//! A rule file that cannot be used: what is wrong and where, so the CLI can frame it.

use std::ops::Range;
use std::path::PathBuf;

/// Why a declarative rule could not be loaded; `span` is a byte range in `text`.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct LoadError {
    pub message: String,
    /// The rule file (`<bundled>/...` for a bundled one).
    pub path: PathBuf,
    pub text: String,
    pub span: Option<Range<usize>>,
}
