//! What goes where, decided before any file is written: the units (one Python domain package or
//! one TypeScript feature folder each), their names, and which of them carry an injected defect.
//!
//! Every decision is a pure function of the unit's ordinal (and of the total for the duplicate
//! groups), so the same file count always gives the same tree, and units can be written in
//! parallel in any order.

use crate::synthetic::{DOMAINS, FEATURES, pascal};

use super::duplicates::{self, Family};

/// Files of one unit: 5 modules and 2 test files, in either language.
pub(crate) const UNIT_FILES: usize = 7;

/// Of every 7 units, the first 4 are Python domains and the last 3 TypeScript features: the
/// issue's monorepos have more Python than TypeScript.
const PYTHON_PER_SEVEN: usize = 4;

/// Words that make more domain names once the base lists are used up (`archive_accounts`).
/// None of them is a word of the duplicate-type tables, so generated names never collide.
const QUALIFIERS: [&str; 20] = [
    "archive",
    "partner",
    "internal",
    "regional",
    "legacy",
    "mobile",
    "public",
    "admin",
    "batch",
    "retail",
    "wholesale",
    "vendor",
    "guest",
    "staff",
    "sandbox",
    "premium",
    "trial",
    "b2b",
    "global",
    "local",
];

/// One Python domain package or TypeScript feature folder.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    /// Position among all units: seeds the unit's random sizes.
    pub(crate) index: usize,
    pub(crate) language: Family,
    /// Position among the units of its language: decides its injected defects.
    pub(crate) ordinal: usize,
    /// `archive_accounts` (Python package, TS feature folder).
    pub(crate) name: String,
    /// `ArchiveAccount`: the prefix of every type the unit defines.
    pub(crate) entity: String,
    /// Duplicate-type copies to append to this unit's files.
    pub(crate) copies: Vec<duplicates::Copy>,
}

/// The units of a tree, and the duplicate groups spread over them.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) units: Vec<Unit>,
    pub(crate) groups: Vec<duplicates::Group>,
}

/// `base` for the first round, then `qualifier_base`, then with a number: unique for every `n`.
fn name_for(bases: &[&str], n: usize) -> String {
    let base = bases[n % bases.len()];
    let round = n / bases.len();
    if round == 0 {
        return base.to_string();
    }
    let qualifier = QUALIFIERS[(round - 1) % QUALIFIERS.len()];
    match (round - 1) / QUALIFIERS.len() {
        0 => format!("{qualifier}_{base}"),
        number => format!("{qualifier}_{base}_{}", number + 1),
    }
}

/// `archive_accounts_3` -> `ArchiveAccount3`.
fn entity_for(name: &str) -> String {
    name.split('_').map(pascal).collect()
}

impl Plan {
    pub(crate) fn new(unit_count: usize) -> Plan {
        let (mut python, mut ecma) = (0, 0);
        let mut units: Vec<Unit> = (0..unit_count)
            .map(|index| {
                let (language, ordinal, name) = if index % 7 < PYTHON_PER_SEVEN {
                    python += 1;
                    (Family::Python, python - 1, name_for(&DOMAINS, python - 1))
                } else {
                    ecma += 1;
                    (Family::Ecma, ecma - 1, name_for(&FEATURES, ecma - 1))
                };
                Unit {
                    index,
                    language,
                    ordinal,
                    entity: entity_for(&name),
                    name,
                    copies: Vec::new(),
                }
            })
            .collect();
        let groups = duplicates::spread(&mut units);
        Plan { units, groups }
    }
}

/// Which defect a unit's files carry: one predicate per injection, on the unit's ordinal
/// within its language. The files they pick are disjoint, and none of them holds a duplicate
/// type (those go to models, schemas and stores), so every defect is counted exactly once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Defects {
    /// SYN001: Python `views.py` / TS `types.ts`.
    pub(crate) broken_module: bool,
    /// SYN001 in a test file (`test_models.py` / `store.test.ts`): its mocks are not counted.
    pub(crate) broken_test: bool,
    /// IMP001: Python `services.py` (absolute) / TS `api.ts` (relative).
    pub(crate) import_a: bool,
    /// IMP001: Python `schemas.py` (relative) / TS `store.ts` (tsconfig `paths` alias).
    pub(crate) import_b: bool,
    /// IMP001 in a test file: `test_services.py` / `api.test.ts`.
    pub(crate) import_test: bool,
}

impl Unit {
    pub(crate) fn defects(&self) -> Defects {
        let n = self.ordinal;
        match self.language {
            Family::Python => Defects {
                broken_module: n % 19 == 5,
                broken_test: n % 31 == 17,
                import_a: n % 7 == 3,
                import_b: n % 7 == 6,
                import_test: n % 13 == 9,
            },
            Family::Ecma => Defects {
                broken_module: n % 17 == 4,
                broken_test: n % 29 == 11,
                import_a: n % 6 == 2,
                import_b: n % 6 == 5,
                import_test: n % 10 == 7,
            },
        }
    }

    /// Every other TS feature imports the HTTP client through the tsconfig `paths` alias
    /// `@lib/*` instead of a relative path.
    pub(crate) fn uses_alias(&self) -> bool {
        self.ordinal % 2 == 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_entities_follow_them() {
        let names: Vec<String> = (0..5000).map(|n| name_for(&DOMAINS, n)).collect();
        let unique: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        assert_eq!(names[0], "accounts");
        assert_eq!(entity_for(&names[30]), "ArchiveAccount");
        assert_eq!(entity_for(&name_for(&DOMAINS, 30 * 21)), "ArchiveAccount2");
    }
}
