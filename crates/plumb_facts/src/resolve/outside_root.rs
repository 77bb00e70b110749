//! Relative specifiers that climb above the project root (`../../../shared/types/x` from
//! `frontend/types/`).
//!
//! The resolver of the project sees nothing outside the root (see [`super::fs::ConfinedFs`]), so
//! such a specifier never resolves there. Whether its target exists is looked up on the real
//! file system, by path only (no `tsconfig`, no `node_modules`, links not followed): a target
//! that exists belongs to a larger checkout and is not judged; one that does not is a miss.

use std::path::Path;

use oxc_resolver::{ResolveOptions, Resolver};

/// What a relative specifier that leaves the project root points at.
pub(crate) enum Outside {
    /// The specifier stays inside the root: the project's resolver judges it.
    Inside,
    /// The target exists outside the root.
    Found,
    /// No file exists there. `target` is the target relative to the root (`../shared/x`).
    Missing { target: String },
}

/// Looks up relative targets outside the project root.
pub(crate) struct OutsideRoot {
    resolver: Resolver,
}

impl OutsideRoot {
    /// `options` are the project's resolve options (extensions, extension aliases); tsconfig
    /// and symlinks are turned off.
    pub(crate) fn new(options: &ResolveOptions) -> Self {
        OutsideRoot {
            resolver: Resolver::new(ResolveOptions {
                tsconfig: None,
                symlinks: false,
                node_path: false,
                ..options.clone()
            }),
        }
    }

    /// Where `specifier`, written in the file `file` at the project path `project_path`,
    /// points when it is relative and climbs above the root.
    pub(crate) fn check(&self, file: &Path, project_path: &str, specifier: &str) -> Outside {
        let Some(target) = climb(super::fs::parent(project_path), specifier) else {
            return Outside::Inside;
        };
        match file
            .parent()
            .map(|dir| self.resolver.resolve(dir, specifier))
        {
            Some(Ok(_)) => Outside::Found,
            _ => Outside::Missing { target },
        }
    }
}

/// `dir` joined with a relative `specifier` when the result lies above the root
/// (`frontend/types` + `../../../shared/x` -> `../shared/x`); `None` when it stays inside.
fn climb(dir: &str, specifier: &str) -> Option<String> {
    if !(specifier.starts_with("../") || specifier == "..") {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|part| !part.is_empty()).collect();
    let mut above = 0;
    for part in specifier.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.is_empty() => above += 1,
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    if above == 0 {
        return None;
    }
    let mut shown = vec![".."; above];
    shown.extend(parts);
    Some(shown.join("/"))
}

#[cfg(test)]
mod tests {
    use super::climb;

    #[test]
    fn climbs_above_the_root_only_when_the_specifier_does() {
        assert_eq!(
            climb("frontend/types", "../../../shared/types/x").as_deref(),
            Some("../shared/types/x")
        );
        assert_eq!(climb("frontend/types", "../../shared/x"), None);
        assert_eq!(climb("", "../x").as_deref(), Some("../x"));
        assert_eq!(climb("a", "./x"), None);
    }
}
