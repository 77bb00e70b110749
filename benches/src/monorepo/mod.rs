//! A synthetic application monorepo of any number of files, with defects injected at known
//! places and the counts plumb should report for them (issue 11: cost linear in bytes, and a
//! test that plumb's counts equal the generator's).
//!
//! The tree: a Python backend (`backend/app/<domain>/` packages with models, schemas, services
//! and views; absolute and relative imports; pytest and `unittest.mock` tests under
//! `backend/tests/`) and a TypeScript frontend (`frontend/src/features/<feature>/` with types,
//! an API client, a store, a TSX component and vitest tests using `vi.mock` / `vi.spyOn`; a
//! `tsconfig.json` with `paths`), plus dependency manifests, a `node_modules/` and a gitignored
//! `dist/` that plumb must skip. Injected, each at places that depend only on the file count:
//! syntax errors (SYN001, one per broken file), imports that resolve to nothing (IMP001: Python
//! absolute and relative, TS relative and through a `paths` alias), duplicate type definitions
//! (TYP001: identical and divergent), and mocks with an accepted, a rejected or no justification
//! (MCK001). [`Expected`] is written as `expected.json` at the tree's root.
//!
//! Same file count, byte-identical tree: every unit has its own random stream, so units are
//! built and written in parallel.

mod duplicates;
mod expected;
mod file;
mod plan;
mod scaffold;
mod units;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use expected::{Expected, FileCounts, Finding, MockCounts, TypeCounts};

use file::{GenFile, Language};
use plan::{Plan, UNIT_FILES};

/// The smallest tree: the fixed files and a few units of each language.
pub const MIN_FILES: usize = 100;

/// Why a tree could not be written.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("--files {requested} is too few: the smallest tree has {MIN_FILES} files")]
    TooFewFiles { requested: usize },
    #[error("{}: the output directory must be empty or not exist yet", .0.display())]
    NotEmpty(PathBuf),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What one written file contributes to [`Expected`] (its text is gone by then).
struct Written {
    language: Language,
    test: bool,
    broken: bool,
    bytes: u64,
    justified: usize,
    unjustified: usize,
    findings: Vec<Finding>,
}

/// Writes a tree of exactly `files` checked files under `root` (created if missing, must be
/// empty) and `root/expected.json`, and returns what that file holds.
///
/// # Errors
/// Fewer than [`MIN_FILES`] files, a non-empty `root`, or any error writing files.
pub fn write_monorepo(root: &Path, files: usize) -> Result<Expected, GenerateError> {
    if files < MIN_FILES {
        return Err(GenerateError::TooFewFiles { requested: files });
    }
    if std::fs::read_dir(root).is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(GenerateError::NotEmpty(root.to_path_buf()));
    }
    for (path, text) in scaffold::unchecked() {
        write(root, path, text)?;
    }
    let fixed = scaffold::checked();
    let units = (files - fixed.len()) / UNIT_FILES;
    let padding = scaffold::padding((files - fixed.len()) % UNIT_FILES);
    let plan = Plan::new(units);
    let (types, typ001) = duplicate_findings(&plan);
    let mut written: Vec<Written> = fixed
        .into_iter()
        .chain(padding)
        .map(|file| finish(root, file, 0, &typ001))
        .collect::<Result<_, _>>()?;
    let from_units: Vec<Vec<Written>> = plan
        .units
        .par_iter()
        .map(|unit| {
            units::build(unit)
                .into_iter()
                .map(|file| finish(root, file, unit.index, &typ001))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<_, _>>()?;
    written.extend(from_units.into_iter().flatten());
    let expected = summarize(files, &written, types);
    let json = serde_json::to_string_pretty(&expected).expect("Expected serializes") + "\n";
    write(root, "expected.json", &json)?;
    Ok(expected)
}

/// The TYP001 totals, and per file the headers of the copies TYP001 reports there: every copy
/// but the first by path, identical when its members equal the first's.
fn duplicate_findings(plan: &Plan) -> (TypeCounts, HashMap<String, Vec<String>>) {
    let mut counts = TypeCounts::default();
    let mut reported: HashMap<String, Vec<String>> = HashMap::new();
    for group in &plan.groups {
        let mut copies: Vec<(String, Vec<String>, String)> = group
            .copies
            .iter()
            .map(|(unit, members)| {
                let copy = duplicates::Copy {
                    kind: group.kind,
                    name: group.name.clone(),
                    members: members.clone(),
                };
                let path = units::path_of(&plan.units[*unit], group.kind);
                let mut sorted = members.clone();
                sorted.sort();
                (path, sorted, duplicates::header(&copy))
            })
            .collect();
        copies.sort();
        counts.duplicated_names += 1;
        let (_, first, _) = &copies[0];
        for (path, members, header) in &copies[1..] {
            counts.extra_definitions += 1;
            if members == first {
                counts.identical += 1;
            } else {
                counts.divergent += 1;
            }
            reported
                .entry(path.clone())
                .or_default()
                .push(header.clone());
        }
    }
    (counts, reported)
}

/// Turns markers into justifications, writes the file and keeps what it contributes.
fn finish(
    root: &Path,
    mut file: GenFile,
    seed: usize,
    typ001: &HashMap<String, Vec<String>>,
) -> Result<Written, GenerateError> {
    file.justify(seed);
    let reported = typ001.get(&file.path).map_or(&[][..], Vec::as_slice);
    let findings = file.findings(reported);
    write(root, &file.path, &file.text)?;
    Ok(Written {
        language: file.language(),
        test: file.test,
        broken: file.broken,
        bytes: file.text.len() as u64,
        justified: file.justified,
        unjustified: file.unjustified.len(),
        findings,
    })
}

fn write(root: &Path, relative: &str, text: &str) -> Result<(), GenerateError> {
    let path = root.join(relative);
    let io = |source| GenerateError::Io {
        path: path.clone(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    std::fs::write(&path, text).map_err(io)
}

/// Adds up what every file contributes.
fn summarize(requested: usize, written: &[Written], types: TypeCounts) -> Expected {
    let mut expected = Expected {
        requested_files: requested,
        types,
        ..Expected::default()
    };
    let mut by_language_and_role = BTreeMap::new();
    for file in written {
        let language = match file.language {
            Language::Python => "python",
            Language::TypeScript => "typescript",
            Language::JavaScript => "javascript",
        };
        let role = if file.test { "test" } else { "source" };
        *by_language_and_role
            .entry(format!("{language}/{role}"))
            .or_insert(0) += 1;
        expected.files.total += 1;
        expected.files.bytes += file.bytes;
        expected.files.unparseable += usize::from(file.broken);
        expected.mocks.justified += file.justified;
        expected.mocks.unjustified += file.unjustified;
        expected.mocks.files_with_unjustified += usize::from(file.unjustified > 0);
        expected.mocks.files_not_checked += usize::from(file.test && file.broken);
        expected.findings.extend(file.findings.iter().cloned());
    }
    expected.files.by_language_and_role = by_language_and_role;
    for finding in &expected.findings {
        *expected.by_rule.entry(finding.code.clone()).or_insert(0) += 1;
    }
    expected.findings.sort();
    expected
}
