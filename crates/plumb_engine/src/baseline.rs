//! The baseline: a committed list of the violations a project already has, so that only new
//! ones fail the gate (`plumb check --baseline FILE`) and the list can only shrink.
//!
//! The file is versioned JSON, `{"version": 1, "tool": "plumb", "entries": [...]}`, one entry
//! per violation ([`BaselineEntry`]: rule, project-relative path, enclosing symbol, message and
//! the line-free fingerprint), sorted by path, code, symbol and fingerprint and pretty-printed so
//! a change to it reviews well. Entries match violations by fingerprint as a multiset: two equal
//! entries stand for two occurrences. A file that cannot be trusted (not JSON, another tool's,
//! another version, a hand edit that broke an entry) is an error that names the file and the
//! place, never a silent "everything is new" or "everything is known".

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use plumb_diagnostics::{
    BaselineEntry, BaselineState, BaselineSummary, CheckOutcome, Diagnostic, GateFailure,
};
use plumb_rules::Registry;
use serde::{Deserialize, Serialize};

use crate::check::{CheckError, Run};
use crate::settings::Settings;
use crate::walk::DiscoveredFile;

/// The baseline format this build reads and writes.
pub const BASELINE_VERSION: u64 = 1;
/// The baseline's file name at the project root when neither `--baseline` nor `baseline =`
/// names one (used by `plumb baseline`).
pub const DEFAULT_BASELINE_FILE: &str = ".plumb-baseline.json";
const TOOL: &str = "plumb";

/// A baseline file that cannot be used. Every variant names the file; problems inside it say
/// where (JSON line and column, or the entry's number counted from 1).
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("baseline {file} does not exist{hint}")]
    Missing { file: String, hint: &'static str },
    #[error("cannot read baseline {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("baseline {file} is not valid JSON: {message}")]
    Syntax { file: String, message: String },
    #[error("{file} is not a plumb baseline: {message}")]
    Foreign { file: String, message: String },
    #[error(
        "baseline {file} has version {found}; this plumb reads version {BASELINE_VERSION}: write it again with `plumb baseline` (or use the plumb that wrote it)"
    )]
    Version { file: String, found: String },
    #[error("baseline {file} is invalid: {message}")]
    Shape { file: String, message: String },
    #[error("baseline {file}, entry {number}: {message}")]
    Entry {
        file: String,
        /// Counted from 1, in file order.
        number: usize,
        message: String,
    },
    #[error("cannot write baseline {file}: {message}")]
    Write { file: String, message: String },
}

/// Where the baseline is, as resolved from `--baseline` or `baseline =` in the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineLocation {
    /// Absolute.
    pub path: PathBuf,
    /// As the user wrote it, for messages and the summary.
    pub shown: String,
    /// Named on the command line (else by the configuration).
    pub from_command_line: bool,
}

/// A baseline file as read: its entries in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    pub entries: Vec<BaselineEntry>,
}

/// The file's shape, read with owned entries and written with borrowed ones; unknown keys are
/// errors (here and in [`BaselineEntry`]), so a typo in a hand edit is not ignored.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile<Entries> {
    version: u64,
    tool: String,
    entries: Entries,
}

impl Baseline {
    /// Reads and checks the baseline at `location`.
    pub fn load(location: &BaselineLocation) -> Result<Self, BaselineError> {
        let file = location.shown.clone();
        let text = match std::fs::read_to_string(&location.path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let hint = if location.from_command_line {
                    ""
                } else {
                    " (named by `baseline` in the configuration); create it with `plumb baseline`"
                };
                return Err(BaselineError::Missing { file, hint });
            }
            Err(source) => return Err(BaselineError::Read { file, source }),
        };
        Self::parse(&text, &file)
    }

    /// Parses baseline text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Self, BaselineError> {
        let file = file.to_string();
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|error| BaselineError::Syntax {
                file: file.clone(),
                message: error.to_string(),
            })?;
        // Tool and version first: another version's entries may have another shape, and the
        // useful message is then the version, not a missing field.
        let Some(object) = value.as_object() else {
            return Err(BaselineError::Foreign {
                file,
                message: "expected a JSON object with `version`, `tool` and `entries`".into(),
            });
        };
        match object.get("tool") {
            Some(serde_json::Value::String(tool)) if tool == TOOL => {}
            Some(other) => {
                return Err(BaselineError::Foreign {
                    file,
                    message: format!("its `tool` is {other}, not \"{TOOL}\""),
                });
            }
            None => {
                return Err(BaselineError::Foreign {
                    file,
                    message: "it has no `tool` key".into(),
                });
            }
        }
        match object.get("version") {
            Some(version) if version.as_u64() == Some(BASELINE_VERSION) => {}
            Some(version) => {
                return Err(BaselineError::Version {
                    file,
                    found: version.to_string(),
                });
            }
            None => {
                return Err(BaselineError::Shape {
                    file,
                    message: "missing `version`".into(),
                });
            }
        }
        // Typed from the text again, so shape errors carry a line and column.
        let parsed: BaselineFile<Vec<BaselineEntry>> =
            serde_json::from_str(text).map_err(|error| BaselineError::Shape {
                file: file.clone(),
                message: error.to_string(),
            })?;
        let entries = parsed.entries;
        validate(&entries, &file)?;
        Ok(Baseline { entries })
    }

    /// Writes `entries` as a baseline file at `path`, sorted, atomically (a temporary file in
    /// the same directory renamed into place), so concurrent readers never see half a file.
    pub fn write(
        path: &Path,
        shown: &str,
        entries: &mut [BaselineEntry],
    ) -> Result<(), BaselineError> {
        let text = render_sorted(entries);
        crate::write_atomically(path, text.as_bytes()).map_err(|error| BaselineError::Write {
            file: shown.to_string(),
            message: error.to_string(),
        })
    }

    /// Like [`Baseline::write`], only when `path` does not exist: `Ok(false)` when it does,
    /// decided at the moment the file is put in place, so of several runs racing to create a
    /// baseline one writes it and the others find it there.
    pub fn create(
        path: &Path,
        shown: &str,
        entries: &mut [BaselineEntry],
    ) -> Result<bool, BaselineError> {
        let text = render_sorted(entries);
        match crate::create_atomically(path, text.as_bytes()) {
            Ok(()) => Ok(true),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(error) => Err(BaselineError::Write {
                file: shown.to_string(),
                message: error.to_string(),
            }),
        }
    }
}

/// The file text for `entries`, after sorting them as the file lists them.
fn render_sorted(entries: &mut [BaselineEntry]) -> String {
    entries.sort_by(|a, b| {
        (&a.path, &a.code, &a.symbol, &a.fingerprint, &a.message).cmp(&(
            &b.path,
            &b.code,
            &b.symbol,
            &b.fingerprint,
            &b.message,
        ))
    });
    render(entries)
}

/// The file text for `entries` (already sorted): pretty-printed, one key per line, with a
/// trailing newline.
fn render(entries: &[BaselineEntry]) -> String {
    let file = BaselineFile {
        version: BASELINE_VERSION,
        tool: TOOL.to_string(),
        entries,
    };
    let mut text = serde_json::to_string_pretty(&file).expect("plain data serializes");
    text.push('\n');
    text
}

/// Checks what serde cannot: the shape of each value, and that entries sharing a fingerprint
/// agree on what they describe (a fingerprint hashes rule, path and symbol, so two entries
/// with one fingerprint and different rules or paths were edited by hand).
fn validate(entries: &[BaselineEntry], file: &str) -> Result<(), BaselineError> {
    let entry_error = |index: usize, message: String| BaselineError::Entry {
        file: file.to_string(),
        number: index + 1,
        message,
    };
    let mut first_with: HashMap<&str, usize> = HashMap::new();
    for (index, entry) in entries.iter().enumerate() {
        let fingerprint = &entry.fingerprint;
        if fingerprint.len() != 16
            || !fingerprint
                .bytes()
                .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
        {
            return Err(entry_error(
                index,
                format!(
                    "fingerprint \"{fingerprint}\" is not 16 lowercase hexadecimal digits as plumb writes them"
                ),
            ));
        }
        let letters = entry.code.trim_end_matches(|c: char| c.is_ascii_digit());
        let builtin_like = !letters.is_empty()
            && letters.len() != entry.code.len()
            && letters.bytes().all(|byte| byte.is_ascii_uppercase());
        if !builtin_like && !plumb_rules::is_declarative_id(&entry.code) {
            return Err(entry_error(
                index,
                format!("code \"{}\" is not a rule code like SYN001", entry.code),
            ));
        }
        if entry.path.is_empty() || entry.path.contains('\\') {
            return Err(entry_error(
                index,
                format!(
                    "path \"{}\" is not a project-relative path with `/` separators",
                    entry.path
                ),
            ));
        }
        if let Some(&first) = first_with.get(fingerprint.as_str()) {
            let other = &entries[first];
            if (&other.code, &other.path, &other.symbol)
                != (&entry.code, &entry.path, &entry.symbol)
            {
                return Err(entry_error(
                    index,
                    format!(
                        "fingerprint {fingerprint} is also on entry {} with another rule, path or symbol; one of them was edited",
                        first + 1
                    ),
                ));
            }
        } else {
            first_with.insert(fingerprint, index);
        }
    }
    Ok(())
}

/// Which entries this run can judge: only those of files it checked, or of files gone from a
/// directory it walked (deleted, renamed, now excluded), and of rules it ran, may be fixed.
/// `plumb check --baseline b.json one.py` says nothing about the other files' entries, and
/// `--select SYN` nothing about MCK001's. Entries of rules this build does not know are judged
/// (and so reported fixed): nothing will ever report them again.
pub(crate) struct Judged<'r> {
    checked: HashSet<&'r str>,
    /// Project-relative directories the run walked (empty string: the whole project).
    walked: &'r [String],
    settings: &'r Settings,
    registry: &'r Registry,
}

impl<'r> Judged<'r> {
    /// For a run that checked `files`, walking the directories `walked`.
    pub(crate) fn new(
        (files, walked): (&'r [DiscoveredFile], &'r [String]),
        settings: &'r Settings,
        registry: &'r Registry,
    ) -> Self {
        Judged {
            checked: files
                .iter()
                .map(|file| file.project_path.as_str())
                .collect(),
            walked,
            settings,
            registry,
        }
    }

    fn judges(&self, entry: &BaselineEntry) -> bool {
        let rule_ran = self.settings.severity_of(&entry.code).is_some()
            || self.registry.find(&entry.code).is_none();
        let covered = self.checked.contains(entry.path.as_str())
            || self.walked.iter().any(|dir| {
                dir.is_empty()
                    || entry
                        .path
                        .strip_prefix(dir.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            });
        rule_ran && covered
    }
}

/// Marks each diagnostic new or unchanged against `baseline` and returns the comparison:
/// entries match diagnostics by fingerprint, each entry at most one diagnostic; entries the
/// run judges and nothing matched are fixed.
pub(crate) fn compare(
    baseline: &Baseline,
    diagnostics: &mut [Diagnostic],
    judges: &dyn Fn(&BaselineEntry) -> bool,
) -> BaselineSummary {
    let mut unmatched: HashMap<&str, usize> = HashMap::new();
    for entry in &baseline.entries {
        *unmatched.entry(entry.fingerprint.as_str()).or_default() += 1;
    }
    let mut summary = BaselineSummary::default();
    for diagnostic in diagnostics.iter_mut() {
        let state = match unmatched.get_mut(diagnostic.fingerprint.as_str()) {
            Some(count) if *count > 0 => {
                *count -= 1;
                summary.known += 1;
                BaselineState::Unchanged
            }
            _ => {
                summary.new += 1;
                BaselineState::New
            }
        };
        diagnostic.baseline = Some(state);
    }
    for entry in &baseline.entries {
        if let Some(count) = unmatched.get_mut(entry.fingerprint.as_str())
            && *count > 0
            && judges(entry)
        {
            *count -= 1;
            summary.fixed.push(entry.clone());
        }
    }
    summary
}

/// Compares a finished run with the baseline `settings` names, when it names one: sets each
/// diagnostic's state and the summary's baseline section (the gate, `crate::gate`, turns a
/// stale one into a failure under `fail_on_stale_baseline`).
pub(crate) fn apply(baseline: &Baseline, run: &mut Run, settings: &Settings, registry: &Registry) {
    let Some(location) = &settings.baseline else {
        return;
    };
    let judged = Judged::new((&run.files, &run.walked), settings, registry);
    let mut summary = compare(baseline, &mut run.outcome.diagnostics, &|entry| {
        judged.judges(entry)
    });
    summary.file = location.shown.clone();
    summary.root = shown_root(settings);
    run.outcome.summary.baseline = Some(summary);
}

/// The gate condition `--fail-on-stale-baseline`: fixed entries must leave the baseline.
pub fn stale_failure(summary: &BaselineSummary) -> Option<GateFailure> {
    let fixed = summary.fixed.len();
    summary.is_stale().then(|| GateFailure {
        condition: "stale baseline".into(),
        figure: fixed.to_string(),
        threshold: "0".into(),
        message: format!(
            "{} lists {fixed} violation(s) that no longer occur: run `plumb baseline --update` and commit it",
            summary.file
        ),
    })
}

/// The project root as reports show paths: relative to the working directory when inside it
/// (empty when it is the working directory), else absolute.
fn shown_root(settings: &Settings) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    match settings.project_root.strip_prefix(&cwd) {
        Ok(relative) => relative
            .to_string_lossy()
            .replace(std::path::MAIN_SEPARATOR, "/"),
        Err(_) => settings.project_root.to_string_lossy().into_owned(),
    }
}

/// What `plumb baseline` would write: the current violations, plus the previous baseline's
/// entries this run could not judge (files not checked, rules not run), so rewriting from a
/// subset of the project never drops the rest.
#[derive(Debug)]
pub struct Rebuilt {
    /// The run, compared with the previous baseline when there was one.
    pub outcome: CheckOutcome,
    /// The new file's entries.
    pub entries: Vec<BaselineEntry>,
    /// Current violations the previous baseline did not list (all of them without one).
    pub added: Vec<BaselineEntry>,
    /// Previous entries no longer found.
    pub removed: Vec<BaselineEntry>,
    /// Previous entries kept because this run did not judge them.
    pub kept_unjudged: usize,
}

/// Runs the check and computes the baseline that describes it; see [`Rebuilt`]. `settings`'
/// own baseline location is not read: `previous` is the baseline being replaced.
pub fn rebuild(
    inputs: &[PathBuf],
    settings: &Settings,
    registry: &Registry,
    previous: Option<&Baseline>,
) -> Result<Rebuilt, CheckError> {
    let mut run = crate::check::run(inputs, settings, registry)?;
    let judged = Judged::new((&run.files, &run.walked), settings, registry);
    let empty = Baseline::default();
    let previous = previous.unwrap_or(&empty);
    let summary = compare(previous, &mut run.outcome.diagnostics, &|entry| {
        judged.judges(entry)
    });
    let project_paths: HashMap<&str, &str> = run
        .files
        .iter()
        .map(|file| (file.display_path.as_str(), file.project_path.as_str()))
        .collect();
    let mut entries = Vec::with_capacity(run.outcome.diagnostics.len());
    let mut added = Vec::new();
    for diagnostic in &run.outcome.diagnostics {
        let entry = BaselineEntry {
            code: diagnostic.code.clone(),
            path: project_paths
                .get(diagnostic.path.as_str())
                .map_or_else(|| diagnostic.path.clone(), |path| path.to_string()),
            symbol: diagnostic.symbol.clone(),
            message: diagnostic.message.clone(),
            fingerprint: diagnostic.fingerprint.clone(),
        };
        if diagnostic.baseline == Some(BaselineState::New) {
            added.push(entry.clone());
        }
        entries.push(entry);
    }
    let unjudged: Vec<BaselineEntry> = previous
        .entries
        .iter()
        .filter(|entry| !judged.judges(entry))
        .cloned()
        .collect();
    let kept_unjudged = unjudged.len();
    entries.extend(unjudged);
    run.outcome.summary.baseline = Some(summary.clone());
    Ok(Rebuilt {
        outcome: run.outcome,
        entries,
        added,
        removed: summary.fixed,
        kept_unjudged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(code: &str, path: &str, fingerprint: &str) -> BaselineEntry {
        BaselineEntry {
            code: code.into(),
            path: path.into(),
            symbol: String::new(),
            message: "m".into(),
            fingerprint: fingerprint.into(),
        }
    }

    fn diagnostic(fingerprint: &str) -> Diagnostic {
        Diagnostic {
            code: "SYN001".into(),
            rule: "syntax-error".into(),
            severity: plumb_diagnostics::Severity::Error,
            path: "a.py".into(),
            span: plumb_diagnostics::Span::file_start(),
            message: "m".into(),
            notes: Vec::new(),
            related: Vec::new(),
            fingerprint: fingerprint.into(),
            symbol: String::new(),
            baseline: None,
        }
    }

    #[test]
    fn entries_match_occurrences_as_a_multiset() {
        let baseline = Baseline {
            entries: vec![
                entry("SYN001", "a.py", "0000000000000001"),
                entry("SYN001", "a.py", "0000000000000001"),
                entry("SYN001", "a.py", "0000000000000002"),
                entry("SYN001", "other.py", "0000000000000003"),
            ],
        };
        let mut diagnostics = vec![
            diagnostic("0000000000000001"),
            diagnostic("0000000000000001"),
            diagnostic("0000000000000001"),
        ];
        let summary = compare(&baseline, &mut diagnostics, &|entry| entry.path == "a.py");
        let states: Vec<_> = diagnostics.iter().map(|d| d.baseline).collect();
        assert_eq!(
            states,
            [
                Some(BaselineState::Unchanged),
                Some(BaselineState::Unchanged),
                Some(BaselineState::New)
            ]
        );
        assert_eq!((summary.new, summary.known), (1, 2));
        // `other.py` was not judged: not fixed.
        let fixed: Vec<&str> = summary
            .fixed
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        assert_eq!(fixed, ["0000000000000002"]);
    }

    #[test]
    fn written_files_read_back_sorted_with_a_trailing_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        let mut entries = vec![
            entry("SYN001", "b.py", "0000000000000002"),
            entry("MCK001", "a.py", "0000000000000001"),
            entry("MCK001", "a.py", "0000000000000001"),
        ];
        Baseline::write(&path, "b.json", &mut entries).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.ends_with("}\n"), "{text}");
        assert!(text.starts_with("{\n  \"version\": 1,\n  \"tool\": \"plumb\",\n"));
        let read = Baseline::parse(&text, "b.json").unwrap();
        assert_eq!(read.entries, entries);
        assert_eq!(read.entries[0].path, "a.py");
        assert_eq!(read.entries[2].path, "b.py");
    }

    fn error_of(text: &str) -> String {
        Baseline::parse(text, "b.json").unwrap_err().to_string()
    }

    #[test]
    fn untrustworthy_files_are_errors_that_say_where() {
        let syntax = error_of("{\"version\": 1,\n  \"tool\": \"plumb\",\n  \"entries\": [,]}");
        assert!(syntax.contains("line 3 column"), "{syntax}");
        assert!(syntax.starts_with("baseline b.json"), "{syntax}");
        let foreign = error_of(r#"{"version": 1, "tool": "eslint", "entries": []}"#);
        assert!(foreign.contains("\"eslint\""), "{foreign}");
        assert!(error_of("[]").contains("not a plumb baseline"));
        let version = error_of(r#"{"version": 2, "tool": "plumb", "entries": [{"x": 1}]}"#);
        assert!(version.contains("version 2"), "{version}");
        let missing = error_of(
            "{\"version\": 1, \"tool\": \"plumb\", \"entries\": [\n {\"code\": \"SYN001\", \"path\": \"a.py\", \"message\": \"m\"}]}",
        );
        assert!(
            missing.contains("missing field `fingerprint`") && missing.contains("line 2"),
            "{missing}"
        );
        let unknown = error_of(r#"{"version": 1, "tool": "plumb", "entries": [], "extra": true}"#);
        assert!(unknown.contains("unknown field `extra`"), "{unknown}");
    }

    #[test]
    fn hand_edited_entries_are_errors_that_name_the_entry() {
        let file = |entries: &[BaselineEntry]| render(entries);
        let bad_fingerprint = file(&[
            entry("SYN001", "a.py", "0000000000000001"),
            entry("SYN001", "a.py", "12345"),
        ]);
        let message = error_of(&bad_fingerprint);
        assert!(
            message.contains("entry 2") && message.contains("\"12345\""),
            "{message}"
        );
        let bad_code = error_of(&file(&[entry("syn1", "a.py", "0000000000000001")]));
        assert!(
            bad_code.contains("entry 1") && bad_code.contains("rule code"),
            "{bad_code}"
        );
        let inconsistent = error_of(&file(&[
            entry("SYN001", "a.py", "0000000000000001"),
            entry("SYN001", "b.py", "0000000000000001"),
        ]));
        assert!(
            inconsistent.contains("entry 2") && inconsistent.contains("entry 1"),
            "{inconsistent}"
        );
        // Identical duplicates are two occurrences; order does not matter.
        let fine = file(&[
            entry("SYN001", "b.py", "0000000000000002"),
            entry("SYN001", "a.py", "0000000000000001"),
            entry("SYN001", "a.py", "0000000000000001"),
        ]);
        assert_eq!(Baseline::parse(&fine, "b.json").unwrap().entries.len(), 3);
    }
}
