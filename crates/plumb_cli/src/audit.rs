//! `plumb audit [PATH]`: the whole-repository report. Runs the same check as `plumb check`
//! (same run flags), renders it with `plumb_report::render_audit`, optionally appends the
//! headline to a history file, and shows a progress bar on a terminal. An audit reports; it
//! is not a gate: it exits 0 whatever it finds (2 on errors).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use clap::Args;
use plumb_engine::{Progress, Settings};
use plumb_report::{AuditFormat, AuditOptions, HistoryEntry, RunInfo};

use crate::{EXIT_CLEAN, RunFlags, rule_info, write_atomically};

#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// The directory to audit (default: the current directory).
    path: Option<PathBuf>,
    /// text (default), json, markdown or html (one self-contained page).
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    output_format: String,
    /// Write the report to this file instead of standard output (atomically).
    #[arg(long, short = 'o', value_name = "FILE")]
    output_file: Option<PathBuf>,
    #[command(flatten)]
    run: RunFlags,
    /// Link `path:line` in the HTML table to `URL/path#Lline` (e.g. a repository's blob URL
    /// at a commit) instead of the file next to the report.
    #[arg(long, value_name = "URL")]
    link_base: Option<String>,
    /// Append this audit's headline figures to FILE (one JSON line: time, git commit,
    /// figures); the HTML report draws the trend over the lines recorded there.
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    quiet: bool,
}

pub(crate) fn run_audit(args: &AuditArgs) -> anyhow::Result<u8> {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let registry = &args.run.registry(&path)?;
    let format = args
        .output_format
        .parse::<AuditFormat>()
        .map_err(anyhow::Error::msg)?;
    let history = args.history.as_deref().map(read_history).transpose()?;
    let settings = Settings::resolve(&path, &args.run.overrides(), registry)?;
    let display = ProgressDisplay::start(&settings.progress, args.quiet);
    let outcome = plumb_engine::check(std::slice::from_ref(&path), &settings, registry);
    display.stop();
    let outcome = outcome?;

    let mut options = AuditOptions {
        root: path
            .to_string_lossy()
            .replace(std::path::MAIN_SEPARATOR, "/"),
        link_base: args.link_base.clone(),
        history: Vec::new(),
    };
    if let (Some(file), Some(mut entries)) = (&args.history, history) {
        let entry = HistoryEntry {
            time: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            commit: git_commit(&settings.project_root),
            headline: plumb_report::headline(&outcome),
        };
        append_history(file, &entry)?;
        entries.push(entry);
        options.history = entries;
    }
    let run = RunInfo {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        rules: registry
            .iter()
            .map(|rule| rule_info(rule.meta, settings.rules.contains_key(rule.meta.code)))
            .collect(),
        working_directory: std::env::current_dir()?.to_string_lossy().into_owned(),
        color: false,
        statistics: false,
    };
    let rendered = plumb_report::render_audit(format, &outcome, &run, &options);
    crate::write_report(args.output_file.as_deref(), &rendered)?;
    Ok(EXIT_CLEAN)
}

/// The recorded audits, oldest first; a missing file is an empty history. A line that is not
/// an audit record is an error naming the line, never silently dropped.
fn read_history(file: &Path) -> anyhow::Result<Vec<HistoryEntry>> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", file.display())),
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            serde_json::from_str(line).with_context(|| {
                format!(
                    "{}:{}: not a plumb audit history line",
                    file.display(),
                    index + 1
                )
            })
        })
        .collect()
}

/// Appends one line by rewriting the file atomically: concurrent audits never interleave
/// half lines (the last writer wins).
fn append_history(file: &Path, entry: &HistoryEntry) -> anyhow::Result<()> {
    let mut text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", file.display())),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&serde_json::to_string(entry)?);
    text.push('\n');
    write_atomically(file, text.as_bytes())
}

/// `git rev-parse HEAD` in the project root, when it is a git work tree with a commit.
fn git_commit(root: &Path) -> Option<String> {
    // No command the repository configures runs (see plumb_engine's `changed::git`).
    let output = std::process::Command::new("git")
        .args(["-c", "core.fsmonitor=false"])
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--verify", "--quiet", "HEAD"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let commit = String::from_utf8(output.stdout).ok()?.trim().to_string();
    (output.status.success() && !commit.is_empty()).then_some(commit)
}

/// How long a run goes before the progress bar appears: short runs print nothing extra.
const PROGRESS_DELAY: Duration = Duration::from_secs(1);

/// A progress bar on standard error, drawn by its own thread from the engine's counters;
/// only on a terminal, outside CI, without `--quiet`, and only once the run has taken
/// [`PROGRESS_DELAY`].
struct ProgressDisplay {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressDisplay {
    fn start(progress: &Progress, quiet: bool) -> Self {
        let in_ci = std::env::var_os("CI").is_some_and(|value| !value.is_empty());
        let dumb = std::env::var_os("TERM").is_some_and(|term| term == "dumb");
        let stop = Arc::new(AtomicBool::new(false));
        let wanted = !quiet && !in_ci && !dumb && std::io::stderr().is_terminal();
        let thread = wanted.then(|| {
            let (progress, stop) = (progress.clone(), stop.clone());
            std::thread::spawn(move || draw(&progress, &stop))
        });
        ProgressDisplay { stop, thread }
    }

    fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread {
            let _ = thread.join();
        }
    }
}

fn draw(progress: &Progress, stop: &AtomicBool) {
    let started = Instant::now();
    let mut bar: Option<indicatif::ProgressBar> = None;
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
        if started.elapsed() < PROGRESS_DELAY {
            continue;
        }
        let (done, total) = progress.position();
        let bar = bar.get_or_insert_with(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(total as u64),
                indicatif::ProgressDrawTarget::stderr(),
            )
            .with_elapsed(started.elapsed())
            .with_message("checking");
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} {msg:<13} [{bar:30}] {pos}/{len} files, {elapsed}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        bar.set_message(if total > 0 && done >= total {
            "project rules"
        } else {
            "checking"
        });
        bar.tick();
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}
