//! What plumb should report on a generated tree with its default rules, written as
//! `expected.json` beside the tree. Field names follow plumb's JSON summary (`files`,
//! `by_rule`, `mocks`, `types`) so a test can compare them key by key.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One expected diagnostic. `line` is absent for SYN001: where a parser places a syntax error
/// is its own business, which file has one is not.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Finding {
    pub path: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Finding {
    pub(crate) fn new(code: &str, path: &str, line: Option<usize>) -> Finding {
        Finding {
            path: path.to_string(),
            code: code.to_string(),
            line,
        }
    }
}

/// File counts, as plumb's `summary.files`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCounts {
    /// Every file plumb checks (all of them parse or are counted unparseable).
    pub total: usize,
    /// Files with a syntax error (one SYN001 each).
    pub unparseable: usize,
    /// `python/source`, `typescript/test`, ...
    pub by_language_and_role: BTreeMap<String, usize>,
    /// Bytes of all checked files.
    pub bytes: u64,
}

/// Mock sites and duplicate types are counted in the audit's own types, so `expected.json` has
/// exactly the shape of plumb's `summary.rule_totals.MCK001.counts` and `...TYP001.counts`.
pub use plumb_report::{MockCounts, TypeCounts};

/// Everything the generator injected, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expected {
    /// The `--files` the tree was generated with.
    pub requested_files: usize,
    pub files: FileCounts,
    /// Violations per rule code (codes with none are left out, as plumb does).
    pub by_rule: BTreeMap<String, usize>,
    pub mocks: MockCounts,
    pub types: TypeCounts,
    /// Every expected diagnostic, sorted by path, code and line.
    pub findings: Vec<Finding>,
}
