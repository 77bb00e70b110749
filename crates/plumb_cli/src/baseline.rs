//! `plumb baseline` (write or update the baseline file) and the baseline flags of `plumb check`.
//!
//! Exit codes of `plumb baseline`: 0 written, 1 refused (the file exists without `--update`, or
//! the update would add violations without `--allow-new`), 2 errors.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use plumb_diagnostics::BaselineEntry;
use plumb_engine::baseline::{DEFAULT_BASELINE_FILE, rebuild};
use plumb_engine::{Baseline, BaselineLocation, Overrides, Settings};

use crate::{EXIT_CLEAN, EXIT_VIOLATIONS};

/// How many refused new entries `--update` lists before "and N more".
const LISTED: usize = 5;

/// The baseline flags of `plumb check`.
#[derive(Debug, Args)]
pub(crate) struct CheckBaselineFlags {
    /// Compare with this baseline file: only violations it does not list fail (overrides
    /// `baseline` in the configuration).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Fail when the baseline lists violations that no longer occur (default: on when the
    /// environment has CI=true).
    #[arg(long, overrides_with = "no_fail_on_stale_baseline")]
    fail_on_stale_baseline: bool,
    /// Do not fail on a stale baseline, even in CI.
    #[arg(long, overrides_with = "fail_on_stale_baseline")]
    no_fail_on_stale_baseline: bool,
}

impl CheckBaselineFlags {
    /// Fills the baseline fields of `overrides`.
    pub(crate) fn apply(&self, overrides: &mut Overrides) {
        overrides.baseline = self.baseline.clone();
        overrides.fail_on_stale_baseline = if self.fail_on_stale_baseline {
            Some(true)
        } else if self.no_fail_on_stale_baseline {
            Some(false)
        } else {
            in_ci().then_some(true)
        };
    }
}

/// Whether the environment says this is a CI run: `CI=true` (GitHub Actions, GitLab CI,
/// pre-commit.ci and most others set it) or `CI=1`.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value.eq_ignore_ascii_case("true") || value.trim() == "1")
}

/// `plumb baseline [PATH...]`.
#[derive(Debug, Args)]
pub(crate) struct BaselineArgs {
    /// Files or directories to check (default: the current directory). Entries of files not
    /// checked are kept as they are by `--update`.
    paths: Vec<PathBuf>,
    /// The baseline file (default: `baseline` in the configuration, else .plumb-baseline.json
    /// at the project root).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Rewrite an existing baseline: fixed violations leave it; new ones are refused.
    #[arg(long)]
    update: bool,
    /// With --update: add the new violations too.
    #[arg(long, requires = "update")]
    allow_new: bool,
    #[command(flatten)]
    run: crate::RunFlags,
}

impl BaselineArgs {
    fn overrides(&self) -> Overrides {
        Overrides {
            baseline: self.baseline.clone(),
            ..self.run.overrides()
        }
    }
}

/// Writes the baseline, or refuses; returns the exit code.
pub(crate) fn run_baseline(args: &BaselineArgs) -> anyhow::Result<u8> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let registry = &args.run.registry(&paths[0])?;
    let settings = Settings::resolve(&paths[0], &args.overrides(), registry)?;
    let location = settings
        .baseline
        .clone()
        .unwrap_or_else(|| default_location(&settings));
    let exists = location.path.exists();
    if exists && !args.update {
        return Ok(refuse_to_replace(&location));
    }
    if !exists && args.update {
        anyhow::bail!(
            "baseline {} does not exist: create it with `plumb baseline`",
            location.shown
        );
    }
    let previous = if args.update {
        Some(Baseline::load(&location)?)
    } else {
        None
    };
    let mut rebuilt = rebuild(&paths, &settings, registry, previous.as_ref())?;
    if args.update && !args.allow_new && !rebuilt.added.is_empty() {
        let _ = write!(
            std::io::stderr(),
            "{}",
            refusal(&location.shown, &rebuilt.added)
        );
        return Ok(EXIT_VIOLATIONS);
    }
    if args.update {
        Baseline::write(&location.path, &location.shown, &mut rebuilt.entries)?;
    } else if !Baseline::create(&location.path, &location.shown, &mut rebuilt.entries)? {
        // Another run created it while this one checked the project.
        return Ok(refuse_to_replace(&location));
    }
    let mut report = format!(
        "Wrote {}: {} entries",
        location.shown,
        rebuilt.entries.len()
    );
    if args.update {
        let unchanged = rebuilt.entries.len() - rebuilt.added.len() - rebuilt.kept_unjudged;
        report.push_str(&format!(
            " ({unchanged} unchanged, {} fixed removed, {} new added, {} kept for files or rules not checked)",
            rebuilt.removed.len(),
            rebuilt.added.len(),
            rebuilt.kept_unjudged
        ));
    } else {
        report.push_str(&format!(
            ".\nCompare with it: plumb check --baseline {} (or `baseline = \"{}\"` in the configuration); commit it.",
            location.shown,
            location_in_config(&location, &settings)
        ));
    }
    // The file is written: a closed pipe (`plumb baseline | head`) is no reason to fail.
    let _ = writeln!(std::io::stdout(), "{report}");
    Ok(EXIT_CLEAN)
}

/// Says that the baseline exists and `--update` is what rewrites it; the exit code.
fn refuse_to_replace(location: &BaselineLocation) -> u8 {
    eprintln!(
        "plumb: {} exists: `plumb baseline --update` rewrites it (fixed violations leave it; new ones are refused unless --allow-new)",
        location.shown
    );
    EXIT_VIOLATIONS
}

/// `.plumb-baseline.json` at the project root, shown relative to the working directory.
fn default_location(settings: &Settings) -> BaselineLocation {
    let path = settings.project_root.join(DEFAULT_BASELINE_FILE);
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = path
        .strip_prefix(&cwd)
        .unwrap_or(&path)
        .to_string_lossy()
        .into_owned();
    BaselineLocation {
        path,
        shown,
        from_command_line: false,
    }
}

/// The baseline's path as `baseline =` would name it: relative to the project root.
fn location_in_config(location: &BaselineLocation, settings: &Settings) -> String {
    location
        .path
        .strip_prefix(&settings.project_root)
        .unwrap_or(&location.path)
        .to_string_lossy()
        .replace(std::path::MAIN_SEPARATOR, "/")
}

/// Why `--update` refused: the count, and the first few new violations.
fn refusal(shown: &str, added: &[BaselineEntry]) -> String {
    let mut text = format!(
        "plumb: not updating {shown}: {} violation(s) are not in it; fix them, or add them with `plumb baseline --update --allow-new`:\n",
        added.len()
    );
    for entry in added.iter().take(LISTED) {
        let symbol = if entry.symbol.is_empty() {
            String::new()
        } else {
            format!(" (in {})", entry.symbol)
        };
        text.push_str(&format!(
            "  {}: {} {}{symbol}\n",
            entry.path, entry.code, entry.message
        ));
    }
    if added.len() > LISTED {
        text.push_str(&format!("  ... and {} more\n", added.len() - LISTED));
    }
    text
}
