//! The `plumb` command line: `check`, `audit`, `rules`, `explain`, `explain-import`. Parses flags with clap, resolves
//! settings, runs the engine, renders a report and maps the outcome to an exit code:
//! 0 no violation at or above `--fail-on`, 1 violations, 2 usage, configuration or internal error.

mod audit;
mod baseline;
mod declared;
mod supervise;
mod test_rules;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use plumb_engine::{ChangedFiles, ConfigError, Overrides, Settings};
use plumb_report::{OutputFormat, RuleInfo, RunInfo};
use plumb_rules::{Registry, RuleMeta};

mod init;

/// Exit codes, documented in the README.
const EXIT_CLEAN: u8 = 0;
const EXIT_VIOLATIONS: u8 = 1;
const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "plumb",
    version,
    about = "Architecture-compliance checks for Python and TypeScript/JavaScript repositories"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check files and directories (default: the current directory).
    Check(Box<CheckArgs>),
    /// Audit a whole repository: headline figures, compliance per scope and top-level
    /// directory, the worst files, duplicated types, mocks per test directory; as text,
    /// json, markdown or one self-contained HTML page. Exits 0 whatever it finds.
    Audit(Box<audit::AuditArgs>),
    /// Write the baseline: the current violations, which `check --baseline` then reports as
    /// known. `--update` rewrites it and refuses new entries unless `--allow-new`.
    Baseline(Box<baseline::BaselineArgs>),
    /// List the available rules.
    Rules {
        /// `text` (a table), `markdown` (the README table) or `json`.
        #[arg(long, default_value = "text")]
        format: RulesFormat,
    },
    /// Print a rule's documentation.
    Explain {
        /// Rule code (e.g. SYN001) or name (e.g. syntax-error).
        rule: String,
    },
    /// Show how IMP001 resolves one import written in FILE: roots and configuration, every
    /// candidate tried, the verdict. Exit 0 when it resolves, 1 when it does not.
    ExplainImport(ExplainImportArgs),
    /// Write a starter plumb.toml, a pre-commit hook and a GitHub Actions workflow into DIR
    /// (default: the current directory). Never overwrites a file.
    Init(init::InitArgs),
    /// Run the inline `[tests]` of declarative rules (default: the bundled rules and the
    /// configuration's `[rules] dirs`) and print a pass/fail table. Exit 1 when one fails.
    TestRules(test_rules::TestRulesArgs),
}

#[derive(Debug, Args)]
struct ExplainImportArgs {
    /// The file the import is written in (.py/.pyi: Python; otherwise TypeScript/JavaScript).
    file: PathBuf,
    /// Python: `a.b.c`, `a.b:name` for `from a.b import name`, or relative `.x`, `..x:name`.
    /// TypeScript/JavaScript: the module specifier, e.g. `./lib/math` or `@app/util`.
    specifier: String,
    /// Use this configuration file instead of discovering one.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    config: Option<PathBuf>,
    /// Ignore all configuration files.
    #[arg(long)]
    isolated: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RulesFormat {
    Text,
    Markdown,
    Json,
}

/// The flags that decide what a run checks and how, shared by `check` and `baseline` so a
/// baseline is written with exactly the selection the gate later compares it with.
#[derive(Debug, Args)]
pub(crate) struct RunFlags {
    /// Use this configuration file instead of discovering one.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    config: Option<PathBuf>,
    /// Ignore all configuration files.
    #[arg(long)]
    isolated: bool,
    /// Rules to enable: codes or family prefixes, comma-separated (replaces config `select`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Option<Vec<String>>,
    /// Rules to enable in addition to the selected ones.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    extend_select: Vec<String>,
    /// Rules to disable.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,
    /// Python version whose syntax is valid, e.g. 3.11 (overrides config and requires-python).
    #[arg(long, value_name = "VERSION")]
    target_version: Option<String>,
    /// Apply exclusions to files named on the command line too (for pre-commit).
    #[arg(long)]
    force_exclude: bool,
    /// Worker threads (default: all cores). Output is identical for any value.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Neither read nor write the facts cache (the parsed facts of project files).
    #[arg(long)]
    no_cache: bool,
    /// A directory of declarative rules (`<language>/<name>.toml`), loaded after the bundled
    /// ones and the configuration's `[rules] dirs`. Repeatable.
    #[arg(long = "rules", value_name = "DIR")]
    rule_dirs: Vec<PathBuf>,
}

impl RunFlags {
    /// These flags as engine overrides; the caller adds its own.
    pub(crate) fn overrides(&self) -> Overrides {
        Overrides {
            config_file: self.config.clone(),
            isolated: self.isolated,
            select: self.select.clone(),
            extend_select: self.extend_select.clone(),
            ignore: self.ignore.clone(),
            target_version: self.target_version.clone(),
            force_exclude: self.force_exclude,
            threads: self.threads,
            no_cache: self.no_cache,
            active_virtual_env: active_virtual_env(),
            ..Overrides::default()
        }
    }
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Files or directories to check.
    paths: Vec<PathBuf>,
    /// Output format: full (default on a terminal), concise (default otherwise), json, sarif,
    /// github, markdown, junit, gitlab.
    #[arg(long, value_name = "FORMAT")]
    output_format: Option<String>,
    /// Write the report to this file instead of standard output (atomically).
    #[arg(long, short = 'o', value_name = "FILE")]
    output_file: Option<PathBuf>,
    #[command(flatten)]
    run: RunFlags,
    /// Lowest severity that makes the exit code 1: error, warning, info or never.
    #[arg(long, value_name = "SEVERITY")]
    fail_on: Option<String>,
    /// Fail when a scope's compliance is under PERCENT: `tests=80,production=95,overall=90`
    /// (replaces `[gate] fail-under`).
    #[arg(long, value_delimiter = ',', value_name = "SCOPE=PERCENT")]
    fail_under: Option<Vec<String>>,
    /// Print counts per rule instead of each violation (full and concise; markdown always has
    /// them, the other formats ignore it).
    #[arg(long)]
    statistics: bool,
    /// Print how long each stage took (walk, read, parse, rules, report...) to stderr.
    #[arg(short, long)]
    verbose: bool,
    /// Check only the files staged in git under PATHs; the rest of the project is context.
    #[arg(long, conflicts_with = "changed_since")]
    staged: bool,
    /// Check only the files changed since REV (committed, staged, unstaged, or untracked and
    /// not ignored) under PATHs; the rest of the project is context.
    #[arg(long, value_name = "REV")]
    changed_since: Option<String>,
    #[command(flatten)]
    baseline: baseline::CheckBaselineFlags,
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            });
        }
    };
    // The commands that check files run under the supervisor, which survives a parser that
    // takes the process down; the others run here.
    if matches!(
        cli.command,
        Command::Check(_) | Command::Audit(_) | Command::Baseline(_)
    ) {
        return supervise::run(|| run_command(&cli));
    }
    ExitCode::from(run_command(&cli))
}

fn run_command(cli: &Cli) -> u8 {
    let result = match &cli.command {
        Command::Check(args) => run_check(args),
        Command::Audit(args) => audit::run_audit(args),
        Command::Baseline(args) => baseline::run_baseline(args),
        Command::Rules { format } => {
            cwd_registry().and_then(|registry| print_rules(*format, &registry).map(|()| EXIT_CLEAN))
        }
        Command::Explain { rule } => cwd_registry().and_then(|registry| explain(rule, &registry)),
        Command::ExplainImport(args) => explain_import(args, &Registry::builtin()),
        Command::Init(args) => init::run(args, &Registry::builtin()),
        Command::TestRules(args) => test_rules::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            if let Some(config_error) = error.downcast_ref::<ConfigError>() {
                eprint!("{}", render_config_error(config_error));
            } else {
                eprintln!("plumb: error: {error:#}");
            }
            EXIT_ERROR
        }
    }
}

/// The built-in rules and the declarative rules the configuration of the working directory
/// loads: what `plumb rules` lists and `plumb explain` documents.
fn cwd_registry() -> anyhow::Result<Registry> {
    let sources = declared::rule_sources(Path::new("."), &Overrides::default(), &[])?;
    declared::registry(&sources)
}

impl RunFlags {
    /// The built-in rules and the declarative rules this run loads.
    pub(crate) fn registry(&self, first_path: &Path) -> anyhow::Result<Registry> {
        let sources = declared::rule_sources(first_path, &self.overrides(), &self.rule_dirs)?;
        declared::registry(&sources)
    }
}

fn run_check(args: &CheckArgs) -> anyhow::Result<u8> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let registry = &args.run.registry(&paths[0])?;
    let mut overrides = Overrides {
        fail_on: args.fail_on.clone(),
        fail_under: args.fail_under.clone(),
        changed: match (&args.changed_since, args.staged) {
            (Some(revision), _) => Some(ChangedFiles::Since(revision.clone())),
            (None, true) => Some(ChangedFiles::Staged),
            (None, false) => None,
        },
        ..args.run.overrides()
    };
    args.baseline.apply(&mut overrides);
    let settings = Settings::resolve(&paths[0], &overrides, registry)?;
    let stdout_is_terminal = std::io::stdout().is_terminal() && args.output_file.is_none();
    let format = match &args.output_format {
        Some(name) => name.parse::<OutputFormat>().map_err(anyhow::Error::msg)?,
        None if stdout_is_terminal => OutputFormat::Full,
        None => OutputFormat::Concise,
    };
    let (mut outcome, mut timings) = plumb_engine::check_timed(&paths, &settings, registry)?;
    plumb_engine::gate::evaluate(&mut outcome, &settings);
    let started = std::time::Instant::now();

    let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    let run = RunInfo {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        rules: registry
            .iter()
            .map(|rule| rule_info(rule.meta, settings.rules.contains_key(rule.meta.code)))
            .collect(),
        working_directory: std::env::current_dir()?.to_string_lossy().into_owned(),
        color: stdout_is_terminal && !no_color,
        statistics: args.statistics,
    };
    let rendered = plumb_report::render(format, &outcome, &run);
    write_report(args.output_file.as_deref(), &rendered)?;
    if args.verbose {
        timings.stages.push(plumb_engine::StageTime {
            name: "report",
            wall: started.elapsed(),
            busy: None,
            nested: false,
        });
        eprint!("{}", timings.render());
    }
    Ok(if outcome.summary.gate_failures.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_VIOLATIONS
    })
}

/// Writes a rendered report to `file` (atomically) or to standard output.
pub(crate) fn write_report(file: Option<&Path>, rendered: &str) -> anyhow::Result<()> {
    match file {
        Some(path) => write_atomically(path, rendered.as_bytes())?,
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`plumb check | head`) is not an error worth reporting.
            if let Err(error) = stdout
                .write_all(rendered.as_bytes())
                .and_then(|()| stdout.flush())
                && error.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(error).context("cannot write to standard output");
            }
        }
    }
    Ok(())
}

pub(crate) fn rule_info(meta: &RuleMeta, enabled: bool) -> RuleInfo {
    RuleInfo {
        code: meta.code.to_string(),
        name: meta.name.to_string(),
        summary: meta.summary.to_string(),
        docs: meta.docs.to_string(),
        default_severity: meta.default_severity,
        enabled,
    }
}

/// Writes through a temporary file renamed into place (`plumb_engine::write_atomically`), so
/// readers and concurrent `plumb` processes never see a half-written report.
pub(crate) fn write_atomically(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    plumb_engine::write_atomically(path, contents)
        .with_context(|| format!("cannot write {}", path.display()))
}

fn print_rules(format: RulesFormat, registry: &Registry) -> anyhow::Result<()> {
    let text = match format {
        RulesFormat::Markdown => rules_markdown_table(registry),
        RulesFormat::Json => {
            let rules: Vec<serde_json::Value> = registry
                .iter()
                .map(|rule| {
                    serde_json::json!({
                        "code": rule.meta.code,
                        "name": rule.meta.name,
                        "family": rule.meta.family,
                        "scope": rule.meta.scope.as_str(),
                        "languages": rule.meta.languages,
                        "default_severity": rule.meta.default_severity,
                        "since": rule.meta.since,
                        "default_enabled": rule.meta.default_enabled,
                        "summary": rule.meta.summary,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&rules)? + "\n"
        }
        RulesFormat::Text => {
            let mut out = String::new();
            for rule in registry.iter() {
                out.push_str(&format!(
                    "{:<8} {:<26} {:<8} {:<4} {}\n",
                    rule.meta.code,
                    rule.meta.name,
                    rule.meta.default_severity.as_str(),
                    on_by_default(rule.meta),
                    rule.meta.summary
                ));
            }
            out
        }
    };
    print!("{text}");
    Ok(())
}

/// `on` for a rule that runs unless deselected, `off` for one that must be selected by name.
fn on_by_default(meta: &RuleMeta) -> &'static str {
    if meta.default_enabled { "on" } else { "off" }
}

/// The README's rule table; a test keeps the README copy in sync with this output.
pub fn rules_markdown_table(registry: &Registry) -> String {
    let mut out = String::from(
        "| Code | Name | Default severity | On by default | Languages | What it does |\n|---|---|---|---|---|---|\n",
    );
    for rule in registry.iter() {
        let languages: Vec<&str> = rule
            .meta
            .languages
            .iter()
            .map(|language| language.as_str())
            .collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            rule.meta.code,
            rule.meta.name,
            rule.meta.default_severity,
            if rule.meta.default_enabled {
                "yes"
            } else {
                "no"
            },
            languages.join(", "),
            rule.meta.summary.replace('|', "\\|")
        ));
    }
    out
}

fn explain(rule: &str, registry: &Registry) -> anyhow::Result<u8> {
    let Some(found) = registry.find(rule) else {
        let known: Vec<&str> = registry.iter().map(|rule| rule.meta.code).collect();
        anyhow::bail!("unknown rule `{rule}`; known rules: {}", known.join(", "));
    };
    let meta = found.meta;
    let languages: Vec<&str> = meta
        .languages
        .iter()
        .map(|language| language.as_str())
        .collect();
    println!("# {} ({})\n", meta.code, meta.name);
    println!(
        "Default severity: {}. Runs per {}. Languages: {}. Since {}.\n",
        meta.default_severity,
        meta.scope.as_str(),
        languages.join(", "),
        meta.since
    );
    println!("{}", meta.docs);
    Ok(EXIT_CLEAN)
}

fn explain_import(args: &ExplainImportArgs, registry: &Registry) -> anyhow::Result<u8> {
    let is_source = args
        .file
        .extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            matches!(
                extension,
                "py" | "pyi" | "ts" | "tsx" | "mts" | "cts" | "js" | "jsx" | "mjs" | "cjs"
            )
        });
    if !args.file.exists() {
        anyhow::bail!("{} does not exist", args.file.display());
    }
    if !args.file.is_file() || !is_source {
        anyhow::bail!(
            "{} is not a Python or TypeScript/JavaScript file",
            args.file.display()
        );
    }
    let overrides = Overrides {
        config_file: args.config.clone(),
        isolated: args.isolated,
        active_virtual_env: active_virtual_env(),
        ..Overrides::default()
    };
    let settings = Settings::resolve(&args.file, &overrides, registry)?;
    let index = plumb_engine::project_index(&settings, registry)?;
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let absolute = plumb_engine::physical(&cwd, &args.file);
    let project_path = absolute
        .strip_prefix(&settings.project_root)
        .map(|path| {
            path.to_string_lossy()
                .replace(std::path::MAIN_SEPARATOR, "/")
        })
        .map_err(|_| {
            anyhow::anyhow!(
                "{} is outside the project root {}",
                args.file.display(),
                settings.project_root.display()
            )
        })?;
    let explanation =
        plumb_engine::explain_import(&index, &absolute, &project_path, &args.specifier)
            .map_err(anyhow::Error::msg)?;
    let mut out = format!(
        "import `{}` in {project_path}\nproject root: {}\n",
        args.specifier,
        settings.project_root.display()
    );
    for line in &explanation.context {
        out.push_str(&format!("{line}\n"));
    }
    out.push_str("tried, in order:\n");
    for (position, step) in explanation.tried.iter().enumerate() {
        out.push_str(&format!("  {}. {step}\n", position + 1));
    }
    let code = match &explanation.verdict {
        Ok(verdict) => {
            out.push_str(&format!("verdict: resolves: {verdict}\n"));
            EXIT_CLEAN
        }
        Err((kind, message)) => {
            let verdict = match kind {
                plumb_engine::FindingKind::Unresolved => "does not resolve",
                plumb_engine::FindingKind::Undeclared => "undeclared dependency",
                plumb_engine::FindingKind::Unverifiable => {
                    "cannot be verified before run time or a build"
                }
            };
            let code = plumb_rules::rules::imp::code_of(*kind);
            out.push_str(&format!("verdict: {verdict} ({code}): {message}\n"));
            EXIT_VIOLATIONS
        }
    };
    print!("{out}");
    Ok(code)
}

/// A config error as a miette report pointing into the config file.
fn render_config_error(error: &ConfigError) -> String {
    use miette::{
        GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
    };
    let mut diagnostic = MietteDiagnostic::new(error.message.clone()).with_code("plumb::config");
    if let Some(path) = &error.path {
        diagnostic = diagnostic.with_help(format!("in {}", path.display()));
    }
    if let Some(span) = &error.span {
        diagnostic = diagnostic.with_label(LabeledSpan::at(span.clone(), "here"));
    }
    let report = match (&error.source_text, &error.path) {
        (Some(text), Some(path)) => Report::new(diagnostic)
            .with_source_code(NamedSource::new(path.display().to_string(), text.clone())),
        _ => Report::new(diagnostic),
    };
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    let rendered =
        GraphicalReportHandler::new_themed(theme).render_report(&mut out, report.as_ref());
    match rendered {
        Ok(()) => out,
        Err(_) => format!("plumb: configuration error: {}\n", error.message),
    }
}

/// The shell's activated virtual environment (`VIRTUAL_ENV`), except inside a pre-commit hook:
/// pre-commit points `VIRTUAL_ENV` at the hook's own environment, which holds the hook, not
/// the project's dependencies.
pub(crate) fn active_virtual_env() -> Option<std::path::PathBuf> {
    if std::env::var_os("PRE_COMMIT").is_some() {
        return None;
    }
    std::env::var_os("VIRTUAL_ENV")
        .filter(|value| !value.is_empty())
        .map(std::path::PathBuf::from)
}
