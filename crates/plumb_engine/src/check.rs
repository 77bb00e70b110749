//! One run: walk, read and parse each file once in parallel, run the file rules, apply inline
//! suppressions, and summarise. Output order never depends on the thread count.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Instant;

use plumb_diagnostics::{
    CheckOutcome, Counts, Diagnostic, FileCounts, FileRecord, FileRole, FileStatus, Fingerprint,
    RuleTotals, ScopeCompliance, Severity, Span, Summary,
};
use plumb_facts::{
    Directive, DirectiveKind, DirectiveProblem, ExtractOptions, FileFacts, IndexedFile,
    NeededFacts, ProjectIndex,
};
use plumb_rules::{
    Configure, Count, FileContext, FileRule, ProjectRule, ProjectViolation, Registry, RuleMeta,
    Violation,
};
use plumb_syntax::PythonVersion;
use plumb_syntax::bounded_arena::OverBudget;
use rayon::prelude::*;

use crate::baseline::{Baseline, BaselineError};
use crate::cache::{self, FactsCache};
use crate::changed::{self, GitError};
use crate::in_flight;
use crate::input_path::physical;
use crate::settings::Settings;
use crate::settings::has_project_marker;
use crate::timing::{BusyTime, Timings};
use crate::walk::{self, DiscoveredFile};

/// Rule codes the engine emits itself.
const UNREADABLE: &str = "IO001";
const SKIPPED: &str = "IO002";
const INVALID_SUPPRESSION: &str = "SUP001";
const UNUSED_SUPPRESSION: &str = "SUP002";

const WORKER_STACK_BYTES: usize = 512 << 20;

/// A run that could not start at all.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("path does not exist: {}", .0.display())]
    MissingPath(PathBuf),
    #[error("cannot start worker threads: {0}")]
    ThreadPool(String),
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    #[error(transparent)]
    Git(#[from] GitError),
}

/// A finished run, with the files it checked (what a baseline comparison may judge).
pub(crate) struct Run {
    pub(crate) outcome: CheckOutcome,
    pub(crate) files: Vec<DiscoveredFile>,
    /// Directories named as inputs, project-relative (empty: the project root or above it):
    /// a baseline entry of a file under one that was not checked is gone from the project.
    pub(crate) walked: Vec<String>,
    pub(crate) timings: Timings,
}

/// What checking one file produced, before suppressions.
struct FileResult {
    status: FileStatus,
    diagnostics: Vec<Diagnostic>,
    directives: Vec<Directive>,
    /// What the file adds to the totals of the active rules that keep them: (position in
    /// the active rules, one count per name of the rule's [`plumb_rules::TotalsSpec`]).
    counts: Vec<(usize, Vec<Count>)>,
    /// Moved into the project index after the per-file stage.
    facts: Option<FileFacts>,
}

/// Checks `inputs` with `settings` and returns the sorted diagnostics, per-file records and
/// summary; compared with the baseline when `settings` names one (read before any file is
/// checked, so a broken baseline fails at once).
pub fn check(
    inputs: &[PathBuf],
    settings: &Settings,
    registry: &Registry,
) -> Result<CheckOutcome, CheckError> {
    check_timed(inputs, settings, registry).map(|(outcome, _)| outcome)
}

/// [`check`], also saying how long each stage took (`plumb check --verbose`).
pub fn check_timed(
    inputs: &[PathBuf],
    settings: &Settings,
    registry: &Registry,
) -> Result<(CheckOutcome, Timings), CheckError> {
    let baseline = settings.baseline.as_ref().map(Baseline::load).transpose()?;
    let mut run = run(inputs, settings, registry)?;
    if let Some(baseline) = &baseline {
        let started = Instant::now();
        crate::baseline::apply(baseline, &mut run, settings, registry);
        run.timings.record("baseline", started);
    }
    Ok((run.outcome, run.timings))
}

/// One run without a baseline: see [`check`].
pub(crate) fn run(
    inputs: &[PathBuf],
    settings: &Settings,
    registry: &Registry,
) -> Result<Run, CheckError> {
    let mut timings = Timings::default();
    let started = Instant::now();
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let (inputs, discovery, changed) = discover_inputs(inputs, settings, &cwd)?;
    timings.record("walk", started);
    let inputs = inputs.as_slice();
    let pool = worker_pool(settings)?;
    let configured = configure_rules(settings, registry);
    let active = enabled(settings, registry, &configured, |rule| {
        rule.file_check.as_deref()
    });
    let configured_project = configure_project_rules(settings, registry);
    let project_rules = enabled(settings, registry, &configured_project, |rule| {
        rule.project_check.as_deref()
    });
    let selection = Selection {
        active: &active,
        python_version: settings.python_version,
        needs: Needs::of(&active, &project_rules),
    };
    let (mut results, context) = parse_files(
        inputs,
        &discovery.files,
        settings,
        selection,
        &pool,
        &mut timings,
    );
    let project_totals = run_project_rules(
        &discovery.files,
        &mut results,
        context,
        settings,
        (&configured_project, &project_rules),
        &pool,
        &mut timings,
    );
    let started = Instant::now();

    let mut outcome = CheckOutcome::default();
    let mut suppressed = 0;
    let mut rule_totals = empty_totals(&active);
    // Sized once: grown by doubling, the list of a large run's diagnostics (250,000 mocks in a
    // 100,000-file monorepo, 200 bytes each) held up to twice its size at the peak of the run.
    outcome
        .diagnostics
        .reserve_exact(results.iter().map(|result| result.diagnostics.len()).sum());
    for (file, mut result) in discovery.files.iter().zip(results) {
        suppressed += apply_suppressions(file, &mut result, settings);
        let role = role_of(file, settings);
        let rule_counts = tally(&active, &result, &mut rule_totals);
        let gate = settings.fail_on.gate();
        let compliant = !result
            .diagnostics
            .iter()
            .any(|diagnostic| diagnostic.severity >= gate);
        let mut scopes = vec![match role {
            FileRole::Source => "production".to_string(),
            FileRole::Test => "tests".to_string(),
        }];
        scopes.extend(
            settings
                .scopes
                .iter()
                .filter(|(_, matcher)| matcher.is_match(&file.project_path))
                .map(|(name, _)| name.clone()),
        );
        outcome.files.push(FileRecord {
            path: file.display_path.clone(),
            language: file.kind.language(),
            role,
            scopes,
            status: result.status,
            violations: result.diagnostics.len(),
            compliant,
            rule_counts,
        });
        result
            .diagnostics
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        outcome.diagnostics.append(&mut result.diagnostics);
    }
    // Files come sorted by path and a key starts with the path, so the per-file sorts usually
    // leave nothing to do; the whole list is sorted (a stable sort's scratch is half the list)
    // only when they did not.
    if !outcome
        .diagnostics
        .is_sorted_by(|a, b| a.sort_key() <= b.sort_key())
    {
        outcome
            .diagnostics
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    outcome.summary = summarize(&outcome, discovery.excluded, suppressed, settings);
    rule_totals.extend(project_totals);
    outcome.summary.rule_totals = rule_totals;
    outcome.summary.notices = outside_root_notice(&discovery.files, settings, registry)
        .into_iter()
        .chain(
            changed.and_then(|listed| nothing_changed_notice(&discovery.files, settings, listed)),
        )
        .collect();
    timings.record("suppressions + summary", started);
    Ok(Run {
        outcome,
        files: discovery.files,
        walked: walked_directories(inputs, settings),
        timings,
    })
}

/// Zero totals for every active rule that keeps totals, so a rule that ran on no file still
/// says so (with all its counts named).
fn empty_totals(active: &[ActiveRule<'_>]) -> BTreeMap<String, RuleTotals> {
    active
        .iter()
        .filter_map(|rule| {
            let spec = rule.check.totals()?;
            let counts = spec
                .counts
                .iter()
                .map(|name| (name.to_string(), 0))
                .collect();
            Some((
                rule.meta.code.to_string(),
                RuleTotals {
                    title: spec.title.to_string(),
                    counts,
                },
            ))
        })
        .collect()
}

/// One file's counts of the rules that keep totals, now that suppressions are applied: a
/// rule's "violations" are the ones left in the file. Adds them to `totals` and returns those
/// not all zero, for the file's record.
fn tally(
    active: &[ActiveRule<'_>],
    result: &FileResult,
    totals: &mut BTreeMap<String, RuleTotals>,
) -> BTreeMap<String, Counts> {
    let mut per_rule = BTreeMap::new();
    for (position, counts) in &result.counts {
        let rule = &active[*position];
        let Some(spec) = rule.check.totals() else {
            continue;
        };
        let reported = result
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.code == rule.meta.code)
            .count();
        let resolved: Counts = spec
            .counts
            .iter()
            .zip(counts)
            .map(|(name, count)| {
                let value = match count {
                    Count::Value(value) => *value,
                    Count::Violations => reported,
                    Count::FileWithViolations => usize::from(reported > 0),
                };
                (name.to_string(), value)
            })
            .collect();
        if let Some(total) = totals.get_mut(rule.meta.code) {
            total.add(&resolved);
        }
        if resolved.values().any(|value| *value > 0) {
            per_rule.insert(rule.meta.code.to_string(), resolved);
        }
    }
    per_rule
}

/// The input directories inside the project root as project-relative paths ("" for the root,
/// and for an input at or above it).
fn walked_directories(inputs: &[PathBuf], settings: &Settings) -> Vec<String> {
    inputs
        .iter()
        .filter(|input| input.is_dir())
        .filter_map(|input| {
            if settings.project_root.starts_with(input) {
                return Some(String::new());
            }
            let relative = input.strip_prefix(&settings.project_root).ok()?;
            Some(
                relative
                    .to_string_lossy()
                    .replace(std::path::MAIN_SEPARATOR, "/"),
            )
        })
        .collect()
}

/// The files to check: the walk of the named paths, or with `--staged` / `--changed-since` the
/// changed files under them. Returns what the walk was given (absolute, physical paths), its
/// result, and with changed files how many paths git listed.
fn discover_inputs(
    inputs: &[PathBuf],
    settings: &Settings,
    cwd: &Path,
) -> Result<(Vec<PathBuf>, walk::Discovery, Option<usize>), CheckError> {
    // One spelling per path, so the walk, the project root and the resolvers agree on prefixes.
    let named: Vec<PathBuf> = inputs.iter().map(|input| physical(cwd, input)).collect();
    // Named as the user spelled it.
    let missing = |missing: &PathBuf| {
        let spelled = named
            .iter()
            .position(|path| path == missing)
            .map_or(missing, |position| &inputs[position]);
        CheckError::MissingPath(spelled.clone())
    };
    let Some(selection) = &settings.changed else {
        let discovery = walk::discover(&named, settings, cwd);
        if let Some(path) = discovery.missing.first() {
            return Err(missing(path));
        }
        return Ok((named, discovery, None));
    };
    if let Some(path) = named.iter().find(|path| !path.exists()) {
        return Err(missing(path));
    }
    let changed = changed::changed_files(selection, &named)?;
    let mut discovery = walk::discover(&changed.files, settings, cwd);
    if changed.links > 0 {
        *discovery
            .excluded
            .entry("symbolic link".to_string())
            .or_default() += changed.links;
    }
    Ok((changed.files, discovery, Some(changed.listed)))
}

/// With `--staged` / `--changed-since`, a run that checks nothing says so rather than print an
/// empty report that looks like a clean one.
fn nothing_changed_notice(
    checked: &[DiscoveredFile],
    settings: &Settings,
    listed: usize,
) -> Option<String> {
    let selection = settings.changed.as_ref()?;
    if !checked.is_empty() {
        return None;
    }
    let what = selection.describe();
    Some(if listed == 0 {
        format!("no {what} to check")
    } else {
        format!(
            "no {what} to check: {listed} changed path(s) under the paths given, none of them a Python or TypeScript/JavaScript file that is not excluded"
        )
    })
}

/// Project rules judge a file by its path inside the project root (imports resolve from it,
/// duplicates are grouped by it). Files named outside that root get file rules only; say so,
/// rather than report fewer findings without a word.
fn outside_root_notice(
    files: &[DiscoveredFile],
    settings: &Settings,
    registry: &Registry,
) -> Option<String> {
    let outside = files
        .iter()
        .filter(|file| Path::new(&file.project_path).is_absolute())
        .count();
    let project_rules: Vec<&str> = registry
        .iter()
        .filter(|rule| {
            rule.project_check.is_some() && settings.severity_of(rule.meta.code).is_some()
        })
        .map(|rule| rule.meta.code)
        .collect();
    (outside > 0 && !project_rules.is_empty()).then(|| {
        format!(
            "{outside} checked file(s) lie outside the project root {}: {} did not run on them; check a path inside that root, or name the project's config with --config",
            settings.project_root.display(),
            project_rules.join(", ")
        )
    })
}

/// The per-file workers: `--threads` of them, with stacks large enough for deeply nested code
/// (parsers and AST visitors recurse; the reservation is virtual, untouched pages cost nothing).
fn worker_pool(settings: &Settings) -> Result<rayon::ThreadPool, CheckError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(in_flight::worker_threads(settings.threads))
        .stack_size(WORKER_STACK_BYTES)
        .build()
        .map_err(|error| CheckError::ThreadPool(error.to_string()))
}

/// The per-file stage over the checked files, then the facts of the context files; both take
/// the facts of files whose text is unchanged since the last run from the facts cache
/// ([`FactsCache`]), which is written back when it changed. Returns the checked files'
/// results, in order, and the context files.
fn parse_files(
    inputs: &[PathBuf],
    files: &[DiscoveredFile],
    settings: &Settings,
    selection: Selection<'_>,
    pool: &rayon::ThreadPool,
    timings: &mut Timings,
) -> (Vec<FileResult>, Vec<IndexedFile>) {
    // The walk for context is mostly waiting on the file system: it runs while the cache is
    // read and the checked files are checked.
    let wants_context = selection.needs.across_files()
        && !files.is_empty()
        && !covers_root(inputs, settings)
        && looks_like_a_project(settings);
    std::thread::scope(|scope| {
        let walk = wants_context.then(|| scope.spawn(|| walk_project(settings)));
        let project = move || {
            walk.map(|walk| {
                walk.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
        };
        parse_with_cache(inputs, files, project, settings, selection, pool, timings)
    })
}

/// Every file of the project, for context.
fn walk_project(settings: &Settings) -> walk::Discovery {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    walk::discover(std::slice::from_ref(&settings.project_root), settings, &cwd)
}

/// What the per-file stage extracts and which file rules it runs.
#[derive(Clone, Copy)]
struct Selection<'a> {
    active: &'a [ActiveRule<'a>],
    python_version: PythonVersion,
    needs: Needs<'a>,
}

/// The facts the enabled rules read, per file role (a rule may read mock sites of test files
/// only): what the per-file stage extracts.
#[derive(Debug, Clone, Copy)]
struct Needs<'r> {
    source: NeededFacts<'r>,
    test: NeededFacts<'r>,
}

impl<'r> Needs<'r> {
    /// What the enabled file and project rules need, each asked per role.
    fn of(active: &[ActiveRule<'r>], project: &[EnabledProjectRule<'r>]) -> Needs<'r> {
        let of_role = |role: FileRole| {
            let file = active.iter().map(|rule| rule.check.needed_facts(role));
            let project = project.iter().map(|rule| rule.check.needed_facts(role));
            file.chain(project)
                .fold(NeededFacts::NONE, NeededFacts::union)
        };
        Needs {
            source: of_role(FileRole::Source),
            test: of_role(FileRole::Test),
        }
    }

    fn of_role(self, role: FileRole) -> NeededFacts<'r> {
        match role {
            FileRole::Source => self.source,
            FileRole::Test => self.test,
        }
    }

    /// Some rule reads facts across files: a run of part of a project reads the rest.
    fn across_files(self) -> bool {
        self.source.across_files() || self.test.across_files()
    }
}

/// [`parse_files`] once the walk for context (`project`, `None` when no context is needed) is
/// under way.
fn parse_with_cache(
    inputs: &[PathBuf],
    files: &[DiscoveredFile],
    project: impl FnOnce() -> Option<walk::Discovery>,
    settings: &Settings,
    selection: Selection<'_>,
    pool: &rayon::ThreadPool,
    timings: &mut Timings,
) -> (Vec<FileResult>, Vec<IndexedFile>) {
    let started = Instant::now();
    let Selection {
        active,
        python_version,
        needs,
    } = selection;
    let cache = open_cache(settings);
    let mut stored = cache.as_ref().map(FactsCache::entries).unwrap_or_default();
    let loaded = stored.len();
    // Entries are taken out of the cache up front so each worker owns its file's.
    let jobs: Vec<(&DiscoveredFile, Option<cache::Stored<'_>>)> = files
        .iter()
        .map(|file| (file, stored.remove(file.project_path.as_str())))
        .collect();
    let stage = PerFile {
        settings,
        active,
        python_version,
        needs,
        caching: cache.is_some(),
        now: std::time::SystemTime::now(),
        busy: StageParts::default(),
    };
    if cache.is_some() {
        timings.record("cache read", started);
    }
    let started = Instant::now();
    settings.progress.start(jobs.len());
    let checked: Vec<(FileResult, Option<Cacheable<'_>>)> = pool.install(|| {
        jobs.into_par_iter()
            .map(|(file, entry)| {
                let checked = in_flight::checking(&file.path, || check_file(file, entry, &stage));
                settings.progress.file_done();
                checked
            })
            .collect()
    });
    timings.record("files", started);
    // Nothing checked (no staged file): nothing to judge against the project either.
    let started = Instant::now();
    let context = project()
        .map(|project| pool.install(|| context_files(project, files, &stage, &mut stored)));
    if context.is_some() {
        timings.record("context files", started);
    }
    stage.busy.record(timings);
    let started = Instant::now();
    if let Some(cache) = &cache {
        let checked_paths = files.iter().map(|file| file.project_path.as_str());
        let context_paths = context
            .iter()
            .flatten()
            .map(|(file, _)| file.project_path.as_str());
        let cacheables = checked
            .iter()
            .map(|(_, cacheable)| cacheable)
            .chain(context.iter().flatten().map(|(_, cacheable)| cacheable));
        let known: Vec<cache::Known<'_>> = checked_paths
            .chain(context_paths)
            .zip(cacheables)
            .filter_map(|(path, cacheable)| {
                let cacheable = cacheable.as_ref()?;
                Some(cache::Known {
                    path,
                    hash: cacheable.hash,
                    stamp: cacheable.stamp,
                    kind: cacheable.kind,
                    extracted: cacheable.extracted,
                    facts: &cacheable.facts,
                    fresh: cacheable.changed,
                })
            })
            .collect();
        // A run that saw every file of the project knows which entries are of files gone.
        let walked = context.is_some() || covers_root(inputs, settings);
        cache.save(loaded, &known, &stored, !walked);
        timings.record("cache write", started);
    }
    let results = checked.into_iter().map(|(result, _)| result).collect();
    let context = context
        .into_iter()
        .flatten()
        .map(|(file, _)| file)
        .collect();
    (results, context)
}

/// What every worker of the per-file stage reads.
struct PerFile<'a> {
    settings: &'a Settings,
    active: &'a [ActiveRule<'a>],
    python_version: PythonVersion,
    needs: Needs<'a>,
    /// A facts cache is in use: hash each file's text and say what to store.
    caching: bool,
    /// When the run started, for [`cache::stamp`].
    now: std::time::SystemTime,
    busy: StageParts,
}

/// Where the workers of the per-file stage spend their time.
#[derive(Default)]
struct StageParts {
    read: BusyTime,
    extract: BusyTime,
    rules: BusyTime,
}

impl StageParts {
    fn record(&self, timings: &mut Timings) {
        timings.record_part("read", &self.read);
        timings.record_part("parse + facts", &self.extract);
        timings.record_part("file rules", &self.rules);
    }
}

/// The facts cache for this run's Python version: only for a real project (a configuration
/// file or a project marker at the root), never for a bare working directory, which may be a
/// home directory.
fn open_cache(settings: &Settings) -> Option<FactsCache> {
    if !looks_like_a_project(settings) {
        return None;
    }
    FactsCache::open(settings.cache_dir.as_deref()?, settings.python_version)
}

/// Without a configuration or a project marker the root is just the working directory, which
/// may be a home directory: not worth walking for context, nor caching anything in.
fn looks_like_a_project(settings: &Settings) -> bool {
    settings.config_path.is_some() || has_project_marker(&settings.project_root)
}

/// An input is the project root or above it: the whole project is checked.
fn covers_root(inputs: &[PathBuf], settings: &Settings) -> bool {
    inputs
        .iter()
        .any(|input| settings.project_root.starts_with(input))
}

/// The project's other files, when the inputs are only part of it (a pre-commit hook passes
/// the staged files): parsed for the facts project rules read, so an import of an unstaged
/// module resolves and a duplicate of an unstaged type is found. `project` is the walk of the
/// project root, made only when an input is below the root and the root is a project (see
/// [`looks_like_a_project`]). Facts of unchanged files are taken out of `stored`.
fn context_files<'c>(
    project: walk::Discovery,
    checked: &[DiscoveredFile],
    stage: &PerFile<'_>,
    stored: &mut HashMap<&str, cache::Stored<'c>>,
) -> Vec<(IndexedFile, Option<Cacheable<'c>>)> {
    let checked_paths: HashSet<&Path> = checked.iter().map(|file| file.path.as_path()).collect();
    let jobs: Vec<(DiscoveredFile, Option<cache::Stored<'c>>)> = project
        .files
        .into_iter()
        .filter(|file| !checked_paths.contains(file.path.as_path()))
        .map(|file| {
            let entry = stored.remove(file.project_path.as_str());
            (file, entry)
        })
        .collect();
    jobs.into_par_iter()
        .map(|(file, entry)| context_file(file, entry, stage))
        .collect()
}

/// What the cache needs to store a file's facts.
struct Cacheable<'c> {
    hash: u128,
    kind: plumb_syntax::SourceKind,
    /// Which facts the extraction that produced them was asked for.
    extracted: cache::Extracted,
    /// [`cache::stamp`] of the file now; 0 when it was not taken.
    stamp: u64,
    /// Encoded: borrowed from the cache when taken from it, owned when extracted by this run.
    facts: Cow<'c, [u8]>,
    /// Differs from what the cache holds: extracted afresh, or stamped anew.
    changed: bool,
}

/// A context file's facts, with what the cache needs to store them.
fn context_file<'c>(
    file: DiscoveredFile,
    stored: Option<cache::Stored<'c>>,
    stage: &PerFile<'_>,
) -> (IndexedFile, Option<Cacheable<'c>>) {
    // Only what project rules read: file rules do not run on context files.
    let needed = stage.needs.of_role(role_of(&file, stage.settings)).across();
    let (facts, cacheable) =
        match in_flight::checking(&file.path, || facts_of(&file, needed, stored, stage)) {
            Ok((facts, cacheable, _)) => (Some(facts), cacheable),
            Err(_) => (None, None),
        };
    (indexed(file, stage.settings, facts, true), cacheable)
}

/// Why a file has no facts.
enum FactsProblem {
    Read(ReadProblem),
    /// Its parser crashed; the panic's message.
    Crashed(String),
    /// Its parser needed more memory than its budget.
    OverBudget(OverBudget),
    /// An earlier attempt of this run crashed while checking it; why.
    Quarantined(&'static str),
}

/// A file's facts, what the cache needs to store them, and its text when it was read (file
/// rules that read the text get it without a second read).
type Facts<'c> = (FileFacts, Option<Cacheable<'c>>, Option<String>);

/// A file's `needed` facts, and what the cache needs to store them when a cache is in use: the
/// stored ones when the file is unchanged,
/// judged by its [`cache::stamp`] without reading it or else by its text's hash, and extracted
/// afresh otherwise.
fn facts_of<'c>(
    file: &DiscoveredFile,
    needed: NeededFacts<'_>,
    stored: Option<cache::Stored<'c>>,
    stage: &PerFile<'_>,
) -> Result<Facts<'c>, FactsProblem> {
    if let Some(reason) = in_flight::quarantined(&file.path) {
        return Err(FactsProblem::Quarantined(reason));
    }
    let max_size = stage.settings.max_file_size;
    let stamp = if stage.caching {
        std::fs::metadata(&file.path)
            .ok()
            // An oversized file is read, to be reported as skipped.
            .filter(|metadata| metadata.len() <= max_size)
            .map_or(0, |metadata| cache::stamp(&metadata, stage.now))
    } else {
        0
    };
    if let Some(entry) = &stored
        && stamp != 0
        && entry.stamp == stamp
        && let Some((facts, cacheable)) = reuse(entry, file, needed, stamp)
    {
        return Ok((facts, cacheable, None));
    }
    let text = stage
        .busy
        .read
        .measure(|| read_source(&file.path, max_size))
        .map_err(FactsProblem::Read)?;
    let options = ExtractOptions {
        python_version: stage.python_version,
        needed,
    };
    let extract = || {
        stage
            .busy
            .extract
            .measure(|| extract_facts(&text, file, options))
    };
    if !stage.caching {
        return Ok((extract()?, None, Some(text)));
    }
    let hash = cache::content_hash(&text);
    if let Some(entry) = &stored
        && entry.hash == hash
        && let Some((facts, cacheable)) = reuse(entry, file, needed, stamp)
    {
        return Ok((facts, cacheable, Some(text)));
    }
    let facts = extract()?;
    let cacheable = cache::encode_facts(&facts).map(|encoded| Cacheable {
        hash,
        stamp,
        kind: file.kind,
        extracted: cache::Extracted::of(needed),
        facts: Cow::Owned(encoded),
        changed: true,
    });
    Ok((facts, cacheable, Some(text)))
}

/// The facts of a stored entry known to match the file's text, when they hold every fact
/// `needed` asks for: what is not needed is dropped, and the entry is written back as it was.
/// `stamp` is the file's current one, stored with the entry.
fn reuse<'c>(
    entry: &cache::Stored<'c>,
    file: &DiscoveredFile,
    needed: NeededFacts<'_>,
    stamp: u64,
) -> Option<(FileFacts, Option<Cacheable<'c>>)> {
    if entry.kind != file.kind || !entry.extracted.covers(needed) {
        return None;
    }
    let mut facts = entry.facts()?;
    needed.retain(&mut facts);
    let cacheable = Cacheable {
        hash: entry.hash,
        stamp,
        kind: file.kind,
        extracted: entry.extracted,
        facts: Cow::Borrowed(entry.encoded()),
        // Stamped anew after `git checkout` touched it, say: store the new stamp, or every
        // later run reads it again. A first stamp (the file has settled since it was stored)
        // waits for the next write; rewriting the cache for it alone is not worth it.
        changed: entry.stamp != 0 && stamp != 0 && entry.stamp != stamp,
    };
    Some((facts, Some(cacheable)))
}

/// A file parsed for its facts alone, with no rule run: a file without facts (unreadable,
/// skipped, or its parser crashed) is simply not known to project rules.
fn index_only(
    file: DiscoveredFile,
    settings: &Settings,
    options: ExtractOptions<'_>,
    context: bool,
) -> IndexedFile {
    let facts = in_flight::checking(&file.path, || {
        if in_flight::quarantined(&file.path).is_some() {
            return None;
        }
        read_source(&file.path, settings.max_file_size)
            .ok()
            .and_then(|text| extract_facts(&text, &file, options).ok())
    });
    indexed(file, settings, facts, context)
}

/// A file's facts as `options` ask; `Err` when its parser crashed (with the panic's message) or
/// ran out of its memory budget.
fn extract_facts(
    text: &str,
    file: &DiscoveredFile,
    options: ExtractOptions<'_>,
) -> Result<FileFacts, FactsProblem> {
    catch_unwind(AssertUnwindSafe(|| {
        plumb_facts::extract(text, file.kind, options)
    }))
    .map_err(|panic| {
        FactsProblem::Crashed(
            panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into()),
        )
    })?
    .map_err(FactsProblem::OverBudget)
}

fn indexed(
    file: DiscoveredFile,
    settings: &Settings,
    facts: Option<FileFacts>,
    context: bool,
) -> IndexedFile {
    IndexedFile {
        role: role_of(&file, settings),
        display_path: file.display_path,
        path: file.path,
        project_path: file.project_path,
        language: file.kind.language(),
        facts,
        context,
    }
}

/// The project index of everything under the project root, with facts but no rules run: what
/// `plumb explain-import` resolves against, built the way `check` builds it for the rules that
/// read imports (configured by the rules' options as in `check`).
pub fn project_index(settings: &Settings, registry: &Registry) -> Result<ProjectIndex, CheckError> {
    let inputs = [settings.project_root.clone()];
    let discovery = walk::discover(&inputs, settings, &settings.project_root);
    let pool = worker_pool(settings)?;
    let options = ExtractOptions {
        needed: NeededFacts {
            imports: true,
            ..NeededFacts::NONE
        },
        ..ExtractOptions::new(settings.python_version)
    };
    let files = pool.install(|| {
        discovery
            .files
            .into_par_iter()
            .map(|file| index_only(file, settings, options, false))
            .collect()
    });
    let mut index = ProjectIndex::new(&settings.project_root, files);
    configure_python(&mut index, settings);
    for rule in configure_project_rules(settings, registry).values() {
        rule.configure_index(&mut index);
    }
    Ok(index)
}

/// The `[python]` settings import resolution reads, copied into the index.
fn configure_python(index: &mut ProjectIndex, settings: &Settings) {
    index.python_roots = settings.python_roots.clone();
    index.python_venv = settings.python_venv.clone();
    index.python_active_venv = settings.active_virtual_env.clone();
    index.python_target = settings.python_target();
    index.python_import_names = settings.python_import_names.clone();
}

/// An enabled rule, with its configured check (a `dyn FileRule` or `dyn ProjectRule`) and
/// effective severity.
struct Enabled<'r, R: ?Sized> {
    meta: &'static RuleMeta,
    check: &'r R,
    severity: Severity,
}

/// An enabled file rule.
type ActiveRule<'r> = Enabled<'r, dyn FileRule>;
/// An enabled project rule.
type EnabledProjectRule<'r> = Enabled<'r, dyn ProjectRule>;

/// Rules of one kind built from their `[rules.CODE]` options (validated with the settings),
/// enabled or not; `build` makes the rule from its factory when the factory is of that kind.
fn configure<R: ?Sized>(
    settings: &Settings,
    registry: &Registry,
    build: impl Fn(Configure, toml::Table) -> Option<Box<R>>,
) -> BTreeMap<&'static str, Box<R>> {
    registry
        .iter()
        .filter_map(|rule| {
            let table = settings.rule_options.get(rule.meta.code)?;
            Some((rule.meta.code, build(rule.configure?, table.clone())?))
        })
        .collect()
}

/// File rules built from their options, and the enabled rules without options that run
/// differently with the run's selection ([`FileRule::for_selection`]: declarative rules share
/// one query per grammar).
fn configure_rules(
    settings: &Settings,
    registry: &Registry,
) -> BTreeMap<&'static str, Box<dyn FileRule>> {
    let mut configured = configure(settings, registry, |configure, table| match configure {
        Configure::File(factory) => factory(table).ok(),
        Configure::Project(_) => None,
    });
    let enabled = |code: &str| settings.severity_of(code).is_some();
    for rule in registry.iter() {
        if configured.contains_key(rule.meta.code) || !enabled(rule.meta.code) {
            continue;
        }
        if let Some(check) = rule
            .file_check
            .as_deref()
            .and_then(|check| check.for_selection(&enabled))
        {
            configured.insert(rule.meta.code, check);
        }
    }
    configured
}

/// Project rules built from their options: enabled or not, their options may configure the
/// index all rules read.
fn configure_project_rules(
    settings: &Settings,
    registry: &Registry,
) -> BTreeMap<&'static str, Box<dyn ProjectRule>> {
    configure(settings, registry, |configure, table| match configure {
        Configure::Project(factory) => factory(table).ok(),
        Configure::File(_) => None,
    })
}

/// The enabled rules of one kind in registry order, configured where options were given;
/// `builtin` is a registered rule's own check of that kind.
fn enabled<'r, R: ?Sized>(
    settings: &Settings,
    registry: &'r Registry,
    configured: &'r BTreeMap<&'static str, Box<R>>,
    builtin: impl Fn(&'r plumb_rules::RegisteredRule) -> Option<&'r R>,
) -> Vec<Enabled<'r, R>> {
    registry
        .iter()
        .filter_map(|rule| {
            let severity = settings.severity_of(rule.meta.code)?;
            let check = match configured.get(rule.meta.code) {
                Some(check) => check.as_ref(),
                None => builtin(rule)?,
            };
            Some(Enabled {
                meta: rule.meta,
                check,
                severity,
            })
        })
        .collect()
}

/// Builds the project index from every file's facts and runs the enabled project rules over it,
/// adding their diagnostics to the files they belong to. `context` files (the rest of the
/// project, when only some of its files are checked) are indexed after the checked ones so
/// imports and duplicates are judged against the whole project, but get no diagnostics.
/// Returns the totals the rules keep, by rule code.
fn run_project_rules(
    files: &[DiscoveredFile],
    results: &mut [FileResult],
    context: Vec<IndexedFile>,
    settings: &Settings,
    (configured, project_rules): (
        &BTreeMap<&'static str, Box<dyn ProjectRule>>,
        &[EnabledProjectRule<'_>],
    ),
    pool: &rayon::ThreadPool,
    timings: &mut Timings,
) -> BTreeMap<String, RuleTotals> {
    if project_rules.is_empty() {
        return BTreeMap::new();
    }
    let started = Instant::now();
    let indexed = files
        .iter()
        .zip(results.iter_mut())
        .map(|(file, result)| IndexedFile {
            display_path: file.display_path.clone(),
            path: file.path.clone(),
            project_path: file.project_path.clone(),
            language: file.kind.language(),
            role: role_of(file, settings),
            facts: result.facts.take(),
            context: false,
        })
        .chain(context)
        .collect();
    let mut index = ProjectIndex::new(&settings.project_root, indexed);
    configure_python(&mut index, settings);
    for rule in configured.values() {
        rule.configure_index(&mut index);
    }
    timings.record("project index", started);
    let started = Instant::now();
    let checked = pool.install(|| check_project(&index, project_rules));
    timings.record("project rules", started);
    let mut occurrences: HashMap<(usize, &str, String, String), u32> = HashMap::new();
    let mut rule_totals = BTreeMap::new();
    for (rule, (totals, violations)) in project_rules.iter().zip(checked) {
        let (meta, severity) = (rule.meta, rule.severity);
        if let Some(totals) = totals {
            rule_totals.insert(meta.code.to_string(), totals);
        }
        for ProjectViolation {
            file,
            violation,
            severity_cap,
        } in violations
        {
            let severity = severity_cap.map_or(severity, |cap| severity.min(cap));
            let Some(result) = results.get_mut(file) else {
                continue;
            };
            // Keyed by the normalized snippet, as hashed: two snippets that differ only in
            // formatting must not share an occurrence index (and so a fingerprint).
            let key = (
                file,
                meta.code,
                violation.symbol.clone(),
                Fingerprint::normalize(&violation.snippet),
            );
            let occurrence = occurrences.entry(key).or_default();
            result.diagnostics.push(to_diagnostic(
                meta,
                severity,
                DiagnosticPath {
                    shown: &index.files[file].display_path,
                    in_project: &index.files[file].project_path,
                },
                violation,
                *occurrence,
            ));
            *occurrence += 1;
        }
    }
    // The index holds every file's facts, context included (a few hundred thousand small
    // allocations on a large project): freeing them took ~10% of a warm `--staged` run on
    // Django, and nothing waits for it. A process that exits first lets the OS reclaim it.
    let _ = std::thread::Builder::new()
        .name("plumb-drop-index".into())
        .spawn(move || drop(index));
    rule_totals
}

/// Runs `rules` over `index`; returns each rule's totals and violations, in the order of
/// `rules`. The work the rules share on the index ([`ProjectRule::prepare`]: the import
/// resolution of the IMP rules) runs while the rules that do not read imports (TYP001) run
/// beside it; the rules that read imports run after both. They must not start earlier: a
/// worker that reaches the shared work while another computes it blocks on it and steals no
/// work, which left the whole resolution to one core (measured on the corpus: `--select IMP`
/// took the same 180 ms with 1 and 2 threads).
fn check_project(
    index: &ProjectIndex,
    rules: &[EnabledProjectRule<'_>],
) -> Vec<(Option<RuleTotals>, Vec<ProjectViolation>)> {
    let run = |check: &dyn ProjectRule| {
        let mut violations = Vec::new();
        let totals = check.check_with_totals(index, &mut violations);
        (totals, violations)
    };
    let reads_imports = |check: &dyn ProjectRule| {
        [FileRole::Source, FileRole::Test]
            .into_iter()
            .any(|role| check.needed_facts(role).imports)
    };
    let mut checked: Vec<Option<(Option<RuleTotals>, Vec<ProjectViolation>)>> =
        rules.iter().map(|_| None).collect();
    rayon::join(
        || {
            for rule in rules {
                rule.check.prepare(index);
            }
        },
        || {
            for (rule, slot) in rules.iter().zip(checked.iter_mut()) {
                if !reads_imports(rule.check) {
                    *slot = Some(run(rule.check));
                }
            }
        },
    );
    for (rule, slot) in rules.iter().zip(checked.iter_mut()) {
        if slot.is_none() {
            *slot = Some(run(rule.check));
        }
    }
    checked
        .into_iter()
        .map(|slot| slot.expect("every rule ran"))
        .collect()
}

/// Where a diagnostic belongs: the path shown (relative to the working directory) and the
/// path inside the project, which fingerprints use so that they do not change with the
/// directory `plumb` runs from.
#[derive(Clone, Copy)]
struct DiagnosticPath<'p> {
    shown: &'p str,
    in_project: &'p str,
}

impl<'p> DiagnosticPath<'p> {
    fn of(file: &'p DiscoveredFile) -> Self {
        Self {
            shown: &file.display_path,
            in_project: &file.project_path,
        }
    }
}

/// A rule's violation as a reportable diagnostic, with its line-free fingerprint.
fn to_diagnostic(
    meta: &RuleMeta,
    severity: Severity,
    path: DiagnosticPath<'_>,
    violation: Violation,
    occurrence: u32,
) -> Diagnostic {
    let fingerprint = Fingerprint::compute(
        meta.code,
        path.in_project,
        &violation.symbol,
        &violation.snippet,
        occurrence,
    );
    Diagnostic {
        code: meta.code.to_string(),
        rule: meta.name.to_string(),
        severity,
        path: path.shown.to_string(),
        span: violation.span,
        message: violation.message,
        notes: violation.notes,
        related: violation.related,
        fingerprint,
        symbol: violation.symbol,
        baseline: None,
    }
}

fn role_of(file: &DiscoveredFile, settings: &Settings) -> FileRole {
    if settings.test_files.is_match(&file.project_path) {
        FileRole::Test
    } else {
        FileRole::Source
    }
}

/// Runs the file rules on one checked file: its facts from the cache when its text is
/// unchanged, else parsed. Returns the result and what the cache needs to store its facts.
fn check_file<'c>(
    file: &DiscoveredFile,
    stored: Option<cache::Stored<'c>>,
    stage: &PerFile<'_>,
) -> (FileResult, Option<Cacheable<'c>>) {
    let settings = stage.settings;
    let role = role_of(file, settings);
    let is_test = role == FileRole::Test;
    let (facts, cacheable, text) = match facts_of(file, stage.needs.of_role(role), stored, stage) {
        Ok(found) => found,
        Err(problem) => {
            let (code, status, reason, kind) = match problem {
                FactsProblem::Read(ReadProblem::Unreadable(reason, kind)) => {
                    (UNREADABLE, FileStatus::Unreadable, reason, kind)
                }
                FactsProblem::Read(ReadProblem::Skipped(reason, kind)) => {
                    (SKIPPED, FileStatus::Skipped, reason, kind)
                }
                FactsProblem::Crashed(detail) => (
                    UNREADABLE,
                    FileStatus::Unreadable,
                    format!("internal error while parsing, please report it: {detail}"),
                    "parser crash",
                ),
                FactsProblem::OverBudget(over) => (
                    UNREADABLE,
                    FileStatus::Unreadable,
                    format!("{over}; the file was not checked"),
                    "parser memory limit",
                ),
                FactsProblem::Quarantined(reason) => (
                    UNREADABLE,
                    FileStatus::Unreadable,
                    reason.to_string(),
                    "crash",
                ),
            };
            let mut only = engine_only(file, settings, code, status, (reason, kind));
            only.counts = count_unread(file, is_test, stage.active);
            return (only, None);
        }
    };

    let language = file.kind.language();
    // The text, for rules that read it (declarative rules), only for a file that parsed (a
    // Python file rejected by CPython's compile stage alone parsed: its tree is complete): the
    // one the facts were extracted from, read again only when they came from the cache.
    let source = (facts
        .syntax_error
        .as_ref()
        .is_none_or(|error| error.after_parse)
        && stage
            .active
            .iter()
            .any(|rule| rule.check.reads_source(language)))
    .then(|| text.or_else(|| read_source(&file.path, settings.max_file_size).ok()))
    .flatten();
    let shared = plumb_rules::Shared::default();
    let context = FileContext {
        path: &file.display_path,
        project_path: &file.project_path,
        language,
        is_test,
        source: source.as_deref(),
        shared: &shared,
    };
    let (diagnostics, counts) = stage
        .busy
        .rules
        .measure(|| run_file_rules(file, &context, &facts, stage.active));
    let status = if facts.syntax_error.is_some() {
        FileStatus::Unparseable
    } else {
        FileStatus::Ok
    };
    // Kept until the project rules have run, which read neither directives nor what only file
    // rules read: moved out rather than copied, the rest dropped. With ~16,000 mock sites in a
    // large monorepo that is memory every file held to the end.
    let mut facts = facts;
    let directives = std::mem::take(&mut facts.directives);
    stage.needs.of_role(role).across().retain(&mut facts);
    let result = FileResult {
        status,
        diagnostics,
        directives,
        counts,
        facts: Some(facts),
    };
    (result, cacheable)
}

/// The counts of a file that could not be read, for the rules of its language that keep
/// totals (a test file that could not be read was not examined for mocks, say).
fn count_unread(
    file: &DiscoveredFile,
    is_test: bool,
    active: &[ActiveRule<'_>],
) -> Vec<(usize, Vec<Count>)> {
    let shared = plumb_rules::Shared::default();
    let context = FileContext {
        path: &file.display_path,
        project_path: &file.project_path,
        language: file.kind.language(),
        is_test,
        source: None,
        shared: &shared,
    };
    active
        .iter()
        .enumerate()
        .filter(|(_, rule)| rule.meta.languages.contains(&context.language))
        .filter_map(|(position, rule)| {
            rule.check.totals()?;
            Some((position, rule.check.count_file(&context, None, &[])?))
        })
        .collect()
}

/// The enabled file rules of `file`'s language over its facts, as diagnostics, with what the
/// file adds to the totals of the rules that keep them (see [`FileResult::counts`]).
fn run_file_rules(
    file: &DiscoveredFile,
    context: &FileContext<'_>,
    facts: &FileFacts,
    active: &[ActiveRule<'_>],
) -> (Vec<Diagnostic>, Vec<(usize, Vec<Count>)>) {
    let mut diagnostics = Vec::new();
    let mut counts = Vec::new();
    let mut occurrences: HashMap<(String, String, String), u32> = HashMap::new();
    for (position, rule) in active.iter().enumerate() {
        let severity = rule.severity;
        if !rule.meta.languages.contains(&context.language) {
            continue;
        }
        let mut violations: Vec<Violation> = Vec::new();
        rule.check.check(context, facts, &mut violations);
        if rule.check.totals().is_some()
            && let Some(counted) = rule.check.count_file(context, Some(facts), &violations)
        {
            counts.push((position, counted));
        }
        for violation in violations {
            // Keyed by the normalized snippet, as hashed (see `run_project_rules`).
            let key = (
                rule.meta.code.to_string(),
                violation.symbol.clone(),
                Fingerprint::normalize(&violation.snippet),
            );
            let occurrence = occurrences.entry(key).or_default();
            diagnostics.push(to_diagnostic(
                rule.meta,
                severity,
                DiagnosticPath::of(file),
                violation,
                *occurrence,
            ));
            *occurrence += 1;
        }
    }
    (diagnostics, counts)
}

/// A file that produced only an engine diagnostic (it could not be read or was skipped).
fn engine_only(
    file: &DiscoveredFile,
    settings: &Settings,
    code: &str,
    status: FileStatus,
    (reason, kind): (String, &str),
) -> FileResult {
    let diagnostics = settings
        .severity_of(code)
        .map(|severity| {
            engine_diagnostic(
                code,
                severity,
                DiagnosticPath::of(file),
                Span::file_start(),
                reason,
                (kind, 0),
            )
        })
        .into_iter()
        .collect();
    FileResult {
        status,
        diagnostics,
        directives: Vec::new(),
        counts: Vec::new(),
        facts: None,
    }
}

/// A diagnostic the engine emits itself. `(snippet, occurrence)` identify it for the
/// fingerprint: the message may hold sizes and byte offsets, which change with any edit, so
/// the snippet is a stable description (the kind of read problem, the directive's text).
fn engine_diagnostic(
    code: &str,
    severity: Severity,
    path: DiagnosticPath<'_>,
    span: Span,
    message: String,
    (snippet, occurrence): (&str, u32),
) -> Diagnostic {
    let name = match code {
        UNREADABLE => "unreadable-file",
        SKIPPED => "skipped-file",
        INVALID_SUPPRESSION => "invalid-suppression",
        _ => "unused-suppression",
    };
    let fingerprint = Fingerprint::compute(code, path.in_project, "", snippet, occurrence);
    Diagnostic {
        code: code.to_string(),
        rule: name.to_string(),
        severity,
        path: path.shown.to_string(),
        span,
        message,
        notes: Vec::new(),
        related: Vec::new(),
        fingerprint,
        symbol: String::new(),
        baseline: None,
    }
}

/// Why a file was not checked: the message, and the kind of problem its fingerprint hashes.
enum ReadProblem {
    Unreadable(String, &'static str),
    Skipped(String, &'static str),
}

/// Reads a file as UTF-8 text (BOM removed), refusing oversized and binary files.
/// IO002 for a path that is not a regular file (a FIFO, socket or device named like source).
fn not_a_regular_file(kind: std::fs::FileType) -> ReadProblem {
    #[cfg(unix)]
    let what = {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            "a FIFO (named pipe)"
        } else if kind.is_socket() {
            "a socket"
        } else if kind.is_char_device() || kind.is_block_device() {
            "a device"
        } else if kind.is_dir() {
            "a directory"
        } else {
            "a special file"
        }
    };
    #[cfg(not(unix))]
    let what = if kind.is_dir() {
        "a directory"
    } else {
        "a special file"
    };
    ReadProblem::Skipped(
        format!("{what}, not a regular file: not read"),
        "not a regular file",
    )
}

fn read_source(path: &Path, max_size: u64) -> Result<String, ReadProblem> {
    let unreadable = |error: std::io::Error| {
        ReadProblem::Unreadable(format!("cannot read file: {error}"), "read")
    };
    // Opening a FIFO for reading blocks until a writer appears, which would hang the run: only
    // regular files are opened, anything else is skipped with what it is.
    let kind = std::fs::symlink_metadata(path)
        .map_err(unreadable)?
        .file_type();
    if !kind.is_file() {
        return Err(not_a_regular_file(kind));
    }
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let metadata = file.metadata().map_err(unreadable)?;
    if !metadata.file_type().is_file() {
        return Err(not_a_regular_file(metadata.file_type()));
    }
    let size = metadata.len();
    if size > max_size {
        return Err(ReadProblem::Skipped(
            format!("file is {size} bytes, over max-file-size ({max_size} bytes)"),
            "too large",
        ));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // Read one byte past the cap so a file that grew since `metadata` is still caught.
    file.take(max_size + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > max_size {
        return Err(ReadProblem::Skipped(
            format!("file is over max-file-size ({max_size} bytes)"),
            "too large",
        ));
    }
    // Text in another Unicode encoding holds NUL bytes too, but it is not binary: say which.
    if let Some(encoding) = wide_encoding(&bytes) {
        return Err(ReadProblem::Unreadable(
            format!("{encoding} (byte order mark), not UTF-8: re-encode it as UTF-8"),
            "not UTF-8",
        ));
    }
    if let Some(offset) = memchr::memchr(0, &bytes) {
        return Err(ReadProblem::Skipped(
            format!("binary content (NUL byte at offset {offset})"),
            "binary",
        ));
    }
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .map(<[u8]>::to_vec)
        .unwrap_or(bytes);
    String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        ReadProblem::Unreadable(
            format!("not valid UTF-8 (first invalid byte at offset {offset})"),
            "not UTF-8",
        )
    })
}

/// The encoding a UTF-16 or UTF-32 byte order mark announces (UTF-32 first: its little-endian
/// mark starts with UTF-16's).
fn wide_encoding(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] => Some("UTF-32 little-endian"),
        [0, 0, 0xFE, 0xFF, ..] => Some("UTF-32 big-endian"),
        [0xFF, 0xFE, ..] => Some("UTF-16 little-endian"),
        [0xFE, 0xFF, ..] => Some("UTF-16 big-endian"),
        _ => None,
    }
}

/// Removes diagnostics covered by `plumb: ignore` directives and reports directive problems.
/// Returns how many diagnostics were suppressed.
fn apply_suppressions(
    file: &DiscoveredFile,
    result: &mut FileResult,
    settings: &Settings,
) -> usize {
    if result.directives.is_empty() {
        return 0;
    }
    let mut used: Vec<Vec<bool>> = result
        .directives
        .iter()
        .map(|d| vec![false; d.codes.len()])
        .collect();
    let before = result.diagnostics.len();
    result.diagnostics.retain(|diagnostic| {
        let mut suppressed = false;
        for (directive, used_codes) in result.directives.iter().zip(used.iter_mut()) {
            let covers_line = match directive.kind {
                DirectiveKind::File => true,
                DirectiveKind::Line => directive.lines.contains(&diagnostic.span.start.line),
            };
            if !covers_line {
                continue;
            }
            for (code, was_used) in directive.codes.iter().zip(used_codes.iter_mut()) {
                if code.eq_ignore_ascii_case(&diagnostic.code) {
                    *was_used = true;
                    suppressed = true;
                }
            }
        }
        !suppressed
    });
    let suppressed = before - result.diagnostics.len();

    report_directive_problems(file, result, &used, settings);
    suppressed
}

/// SUP001 for directives that cannot be honoured and SUP002 for codes that suppressed
/// nothing. Their fingerprints hash the directive's own text (kind, codes, reason), never
/// its line, with an occurrence index for identical directives in one file.
fn report_directive_problems(
    file: &DiscoveredFile,
    result: &mut FileResult,
    used: &[Vec<bool>],
    settings: &Settings,
) {
    let mut occurrences: HashMap<(&str, String), u32> = HashMap::new();
    let mut next_occurrence = |code: &'static str, snippet: &str| {
        let occurrence = occurrences
            .entry((code, Fingerprint::normalize(snippet)))
            .or_default();
        *occurrence += 1;
        *occurrence - 1
    };
    for (directive, used_codes) in result.directives.iter().zip(used) {
        let text = directive_text(directive);
        if let Some(severity) = settings.severity_of(INVALID_SUPPRESSION) {
            let problem = match &directive.problem {
                Some(DirectiveProblem::MissingReason) => {
                    Some("suppression has no reason; write `plumb: ignore[CODE]: why this is acceptable`".to_string())
                }
                Some(DirectiveProblem::Malformed(why)) => Some(format!("malformed suppression: {why}")),
                None => None,
            };
            if let Some(message) = problem {
                let snippet = format!("{text} {message}");
                let occurrence = next_occurrence(INVALID_SUPPRESSION, &snippet);
                result.diagnostics.push(engine_diagnostic(
                    INVALID_SUPPRESSION,
                    severity,
                    DiagnosticPath::of(file),
                    directive.span,
                    message,
                    (&snippet, occurrence),
                ));
            }
        }
        if let Some(severity) = settings.severity_of(UNUSED_SUPPRESSION) {
            for (code, was_used) in directive.codes.iter().zip(used_codes) {
                let enabled = settings
                    .rules
                    .keys()
                    .any(|enabled| enabled.eq_ignore_ascii_case(code));
                if !was_used && enabled {
                    let message = format!("suppression of {code} matches no violation");
                    let snippet = format!("{text} {code}");
                    let occurrence = next_occurrence(UNUSED_SUPPRESSION, &snippet);
                    result.diagnostics.push(engine_diagnostic(
                        UNUSED_SUPPRESSION,
                        severity,
                        DiagnosticPath::of(file),
                        directive.span,
                        message,
                        (&snippet, occurrence),
                    ));
                }
            }
        }
    }
}

/// A directive as its fingerprints see it: kind, codes and reason, without its position.
fn directive_text(directive: &Directive) -> String {
    let kind = match directive.kind {
        DirectiveKind::Line => "ignore",
        DirectiveKind::File => "ignore-file",
    };
    format!(
        "{kind}[{}]: {}",
        directive.codes.join(","),
        directive.reason.as_deref().unwrap_or_default()
    )
}

/// One scope's counts while the summary is built.
#[derive(Default)]
struct ScopeTotals {
    checked: usize,
    compliant: usize,
    not_checked: usize,
}

impl ScopeTotals {
    /// Unreadable and skipped files were not judged: counted apart, outside the denominator.
    fn add(&mut self, record: &FileRecord) {
        match record.status {
            FileStatus::Ok | FileStatus::Unparseable => {
                self.checked += 1;
                self.compliant += usize::from(record.compliant);
            }
            FileStatus::Unreadable | FileStatus::Skipped => self.not_checked += 1,
        }
    }

    fn compliance(self, scope: String) -> ScopeCompliance {
        ScopeCompliance::new(scope, self.checked, self.compliant).with_not_checked(self.not_checked)
    }
}

fn summarize(
    outcome: &CheckOutcome,
    excluded: BTreeMap<String, usize>,
    suppressed: usize,
    settings: &Settings,
) -> Summary {
    let mut files = FileCounts {
        total: outcome.files.len(),
        ..FileCounts::default()
    };
    let mut scope_totals: BTreeMap<String, ScopeTotals> = BTreeMap::new();
    let mut overall = ScopeTotals::default();
    let mut scope_of_path: HashMap<&str, &[String]> = HashMap::new();
    for record in &outcome.files {
        match record.status {
            FileStatus::Ok => files.checked += 1,
            FileStatus::Unparseable => files.unparseable += 1,
            FileStatus::Unreadable => files.unreadable += 1,
            FileStatus::Skipped => files.skipped += 1,
        }
        *files
            .by_language_and_role
            .entry(format!("{}/{}", record.language, record.role.as_str()))
            .or_default() += 1;
        for scope in &record.scopes {
            scope_totals.entry(scope.clone()).or_default().add(record);
        }
        overall.add(record);
        scope_of_path.insert(&record.path, &record.scopes);
    }
    for builtin in ["production", "tests"] {
        scope_totals.entry(builtin.to_string()).or_default();
    }
    for (name, _) in &settings.scopes {
        scope_totals.entry(name.clone()).or_default();
    }

    let mut by_rule = BTreeMap::new();
    let mut by_severity = BTreeMap::new();
    let mut by_scope = BTreeMap::new();
    for diagnostic in &outcome.diagnostics {
        *by_rule.entry(diagnostic.code.clone()).or_default() += 1;
        *by_severity
            .entry(diagnostic.severity.as_str().to_string())
            .or_default() += 1;
        for scope in scope_of_path
            .get(diagnostic.path.as_str())
            .copied()
            .unwrap_or_default()
        {
            *by_scope.entry(scope.clone()).or_default() += 1;
        }
    }
    // Built-in scopes first, then configured ones in name order.
    let mut compliance: Vec<ScopeCompliance> = Vec::new();
    for builtin in ["production", "tests"] {
        let totals = scope_totals.remove(builtin).unwrap_or_default();
        compliance.push(totals.compliance(builtin.to_string()));
    }
    for (name, totals) in scope_totals {
        compliance.push(totals.compliance(name));
    }
    // Every file is production or test code, so `overall` is their union.
    compliance.push(overall.compliance("overall".to_string()));
    Summary {
        files,
        excluded,
        violations: outcome.diagnostics.len(),
        by_rule,
        by_severity,
        by_scope,
        suppressed,
        gate_severity: Some(settings.fail_on.gate()),
        compliance,
        python_target_version: settings.python_version.to_string(),
        rule_totals: BTreeMap::new(),
        notices: Vec::new(),
        baseline: None,
        gate_failures: Vec::new(),
    }
}
