//! The project's virtual environment (configured, `.venv/` or `venv/` with a `pyvenv.cfg`, or
//! the activated `VIRTUAL_ENV`): the top-level names its `site-packages` provides. Only read,
//! never run.

use std::collections::BTreeSet;

use super::fs::{FsCache, join};

/// `.pth` files that only set up the interpreter, not extra import paths.
const HARMLESS_PTH: &[&str] = &["distutils-precedence.pth", "_virtualenv.pth"];

#[derive(Debug)]
pub struct VirtualEnv {
    /// Project-relative `site-packages` directory, for messages.
    pub site_packages: String,
    /// Top-level import names installed.
    installed: BTreeSet<String>,
    /// A `.pth` file adds import paths (an editable install): any name may resolve.
    pub open_ended: bool,
}

impl VirtualEnv {
    /// The configured environment, else `.venv/` or `venv/` with a `pyvenv.cfg`, else the
    /// activated one (`VIRTUAL_ENV`). The project's own environment wins over the activated
    /// one: a shell may have any environment active, the project's is the one it declares.
    pub(crate) fn find(
        fs: &FsCache,
        configured: Option<&str>,
        activated: Option<&std::path::Path>,
    ) -> Option<Self> {
        if let Some(dir) = configured {
            return site_packages(fs, dir).map(|site_packages| Self::read(fs, site_packages));
        }
        for candidate in [".venv", "venv"] {
            if !fs.has_file(candidate, "pyvenv.cfg") {
                continue;
            }
            let Some(site_packages) = site_packages(fs, candidate) else {
                continue;
            };
            return Some(Self::read(fs, site_packages));
        }
        // An absolute directory: `FsCache` joins it onto the root, which keeps it absolute.
        let activated = activated?.to_str()?;
        site_packages(fs, activated).map(|site_packages| Self::read(fs, site_packages))
    }

    fn read(fs: &FsCache, site_packages: String) -> Self {
        let mut installed = BTreeSet::new();
        let mut open_ended = false;
        for (name, is_dir) in fs.list(&site_packages).unwrap_or_default().iter() {
            if *is_dir {
                if name.ends_with(".dist-info") || name.ends_with(".egg-info") {
                    let top_level = join(&join(&site_packages, name), "top_level.txt");
                    if let Some(text) = fs.read(&top_level) {
                        installed.extend(
                            text.lines()
                                .map(str::trim)
                                .filter(|line| !line.is_empty())
                                .map(|line| line.split('/').next().unwrap_or(line).to_string()),
                        );
                    }
                    let record = join(&join(&site_packages, name), "RECORD");
                    if let Some(text) = fs.read(&record) {
                        for line in text.lines() {
                            let path = line.split(',').next().unwrap_or("");
                            let first = path.split('/').next().unwrap_or("");
                            if let Some(module) = first.strip_suffix(".py") {
                                installed.insert(module.to_string());
                            } else if path.contains('/') && !first.contains('.') {
                                installed.insert(first.to_string());
                            }
                        }
                    }
                } else if !name.starts_with('.') && name != "__pycache__" {
                    installed.insert(name.clone());
                }
            } else if let Some(module) = name.strip_suffix(".py") {
                installed.insert(module.to_string());
            } else if name.ends_with(".so") || name.ends_with(".pyd") {
                installed.insert(name.split('.').next().unwrap_or(name).to_string());
            } else if name.ends_with(".pth") && !HARMLESS_PTH.contains(&name.as_str()) {
                open_ended = true;
            }
        }
        VirtualEnv {
            site_packages,
            installed,
            open_ended,
        }
    }

    pub fn provides(&self, name: &str) -> bool {
        self.open_ended || self.installed.contains(name)
    }
}

/// `lib/python3.X/site-packages` (POSIX) or `Lib/site-packages` (Windows) of a venv.
fn site_packages(fs: &FsCache, venv: &str) -> Option<String> {
    let windows = join(venv, "Lib");
    if fs.is_dir(&windows, "site-packages") {
        return Some(join(&windows, "site-packages"));
    }
    let lib = join(venv, "lib");
    let listing = fs.list(&lib)?;
    listing
        .iter()
        .filter(|(name, is_dir)| *is_dir && name.starts_with("python"))
        .map(|(name, _)| join(&lib, name))
        .find(|dir| fs.is_dir(dir, "site-packages"))
        .map(|dir| join(&dir, "site-packages"))
}
