//! Path globs as every part of plumb matches them, so that `exclude`, `test-files`, scopes and
//! rule options like TYP001's `boundaries` all mean the same thing by the same pattern.

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

/// A set of gitignore-flavoured globs: a pattern without a leading `/` matches at any depth
/// (`tests/**` matches `pkg/tests/x.py`), one with a leading `/` only from the project root.
#[derive(Debug, Clone)]
pub struct PathMatcher {
    patterns: Vec<String>,
    set: GlobSet,
}

impl PathMatcher {
    /// Matches nothing.
    pub fn empty() -> Self {
        PathMatcher {
            patterns: Vec::new(),
            set: GlobSet::empty(),
        }
    }

    pub fn new(patterns: &[String]) -> Result<Self, (String, globset::Error)> {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            let anchored = pattern.strip_prefix('/');
            let body = anchored.unwrap_or(pattern).trim_end_matches('/');
            let full = if anchored.is_some() || body.starts_with("**/") {
                body.to_string()
            } else {
                format!("**/{body}")
            };
            let glob: Glob = GlobBuilder::new(&full)
                .literal_separator(true)
                .build()
                .map_err(|error| (pattern.clone(), error))?;
            builder.add(glob);
        }
        let set = builder
            .build()
            .map_err(|error| (patterns.join(", "), error))?;
        Ok(PathMatcher {
            patterns: patterns.to_vec(),
            set,
        })
    }

    /// The first pattern matching `relative` (a `/`-separated path from the project root).
    pub fn first_match(&self, relative: &str) -> Option<&str> {
        self.set
            .matches(relative)
            .first()
            .map(|&index| self.patterns[index].as_str())
    }

    /// Like [`Self::first_match`], but also tries each parent directory of `relative`, so that a
    /// directory exclusion covers a file named inside it.
    pub fn first_match_with_parents(&self, relative: &str) -> Option<&str> {
        let mut candidate = relative;
        loop {
            if let Some(pattern) = self.first_match(candidate) {
                return Some(pattern);
            }
            candidate = &candidate[..candidate.rfind('/')?];
        }
    }

    pub fn is_match(&self, relative: &str) -> bool {
        self.set.is_match(relative)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unanchored_patterns_match_at_any_depth() {
        let matcher =
            PathMatcher::new(&["tests/**".into(), "test_*.py".into(), "/build".into()]).unwrap();
        assert!(matcher.is_match("tests/test_a.py"));
        assert!(matcher.is_match("backend/tests/helpers.py"));
        assert!(matcher.is_match("pkg/test_x.py"));
        assert!(!matcher.is_match("pkg/latest_x.py"));
        assert!(matcher.is_match("build"));
        assert!(!matcher.is_match("src/build"));
    }
}
