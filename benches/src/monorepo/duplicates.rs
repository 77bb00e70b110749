//! Duplicate type definitions (TYP001): groups of 2-4 copies of one public type in different
//! units, some identical to the first copy (files sorted by path, as TYP001 sorts them), some
//! divergent (one extra member). Python: dataclasses, `TypedDict`s, enums and plain classes;
//! TypeScript: interfaces, object type aliases and union type aliases.

use super::plan::Unit;

/// TYP001 compares Python names with Python names and TS/JS names with TS/JS names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Python,
    Ecma,
}

/// The kind of definition a group copies, and the file of a unit it goes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `@dataclass class X:` in `models.py`.
    Dataclass,
    /// `class X(TypedDict):` in `schemas.py`.
    TypedDict,
    /// `class X(enum.Enum):` in `models.py`.
    Enum,
    /// A plain class without bases in `models.py`.
    Class,
    /// `export interface X { ... }` in `store.ts`.
    Interface,
    /// `export type X = { ... };` in `store.ts`.
    ObjectAlias,
    /// `export type X = "a" | "b";` in `store.ts`.
    UnionAlias,
}

const PYTHON_KINDS: [Kind; 4] = [Kind::Dataclass, Kind::TypedDict, Kind::Enum, Kind::Class];
const ECMA_KINDS: [Kind; 3] = [Kind::Interface, Kind::ObjectAlias, Kind::UnionAlias];

/// Base names per kind (disjoint word lists, so two groups never share a name) with members.
/// Fields are `name: type`; enum and union members are values.
fn table(kind: Kind) -> &'static [(&'static str, &'static [&'static str])] {
    match kind {
        Kind::Dataclass => &[
            ("Address", &["street: str", "city: str", "postal_code: str"]),
            ("Money", &["amount: Decimal", "currency: str"]),
            ("DateRange", &["start: datetime", "end: datetime"]),
            ("GeoPoint", &["latitude: float", "longitude: float"]),
        ],
        Kind::TypedDict => &[
            (
                "ContactPayload",
                &["email: str", "phone: str", "opt_in: bool"],
            ),
            (
                "SearchFilters",
                &["query: str", "limit: int", "tags: list[str]"],
            ),
            ("ExportOptions", &["format: str", "include_archived: bool"]),
        ],
        Kind::Enum => &[
            ("Priority", &["LOW", "MEDIUM", "HIGH"]),
            ("Channel", &["EMAIL", "SMS", "PUSH"]),
            ("Visibility", &["PUBLIC", "PRIVATE", "INTERNAL"]),
        ],
        Kind::Class => &[
            (
                "RetryPolicy",
                &["max_attempts: int = 3", "backoff: float = 0.5"],
            ),
            (
                "RateLimiter",
                &["capacity: int = 100", "window: float = 60.0"],
            ),
        ],
        Kind::Interface => &[
            (
                "Address",
                &["street: string", "city: string", "postalCode: string"],
            ),
            ("Money", &["amount: number", "currency: string"]),
            (
                "AuditEntry",
                &["actor: string", "action: string", "at: string"],
            ),
            ("Pagination", &["page: number", "size: number"]),
        ],
        Kind::ObjectAlias => &[
            (
                "ToastMessage",
                &["text: string", "tone: string", "timeout: number"],
            ),
            ("SortState", &["column: string", "descending: boolean"]),
            ("FilterState", &["query: string", "tags: readonly string[]"]),
        ],
        Kind::UnionAlias => &[
            ("Currency", &["USD", "EUR", "GBP"]),
            ("Locale", &["en-US", "de-DE", "fr-FR"]),
            ("Density", &["compact", "regular", "comfortable"]),
        ],
    }
}

/// The member a divergent copy adds, by copy number (in each kind's syntax).
fn extra_member(kind: Kind, copy: usize) -> String {
    const WORDS: [&str; 4] = ["notes", "region", "legacy", "source"];
    let word = WORDS[copy % WORDS.len()];
    match kind {
        Kind::Dataclass | Kind::TypedDict => format!("{word}: str"),
        Kind::Class => format!("{word}: str = \"\""),
        Kind::Enum => word.to_ascii_uppercase(),
        Kind::Interface | Kind::ObjectAlias => format!("{word}?: string"),
        Kind::UnionAlias => word.to_string(),
    }
}

/// One group: the same name defined in 2-4 units.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) kind: Kind,
    pub(crate) name: String,
    /// (unit index, members of that copy), in placement order.
    pub(crate) copies: Vec<(usize, Vec<String>)>,
}

/// One definition to append to a unit's file.
#[derive(Debug, Clone)]
pub(crate) struct Copy {
    pub(crate) kind: Kind,
    pub(crate) name: String,
    pub(crate) members: Vec<String>,
}

/// Makes one group per 4 units of each language, 2-4 copies each, spread evenly over that
/// language's units, and records each copy on its unit.
pub(crate) fn spread(units: &mut [Unit]) -> Vec<Group> {
    let mut groups = Vec::new();
    for (family, kinds) in [
        (Family::Python, &PYTHON_KINDS[..]),
        (Family::Ecma, &ECMA_KINDS[..]),
    ] {
        let members: Vec<usize> = (0..units.len())
            .filter(|&at| units[at].language == family)
            .collect();
        for number in 0..members.len() / 4 {
            let group = group(kinds, number, &members);
            for (unit, members) in &group.copies {
                units[*unit].copies.push(Copy {
                    kind: group.kind,
                    name: group.name.clone(),
                    members: members.clone(),
                });
            }
            groups.push(group);
        }
    }
    groups
}

/// The `number`-th group of a language: its kind, name, copies and where they go.
fn group(kinds: &[Kind], number: usize, units: &[usize]) -> Group {
    let kind = kinds[number % kinds.len()];
    let round = number / kinds.len();
    let entries = table(kind);
    let (base, fields) = entries[round % entries.len()];
    let name = match round / entries.len() {
        0 => base.to_string(),
        suffix => format!("{base}{}", suffix + 1),
    };
    let count = 2 + number % 3;
    let step = (units.len() / count).max(1);
    let start = number * 4;
    let copies = (0..count)
        .map(|copy| {
            let mut members: Vec<String> = fields.iter().map(|field| field.to_string()).collect();
            if (number + copy) % 3 == 2 {
                members.push(extra_member(kind, copy));
            }
            (units[(start + copy * step) % units.len()], members)
        })
        .collect();
    Group { kind, name, copies }
}

/// The source text of one copy, appended at the end of its file.
pub(crate) fn definition(copy: &Copy) -> String {
    let Copy {
        kind,
        name,
        members,
    } = copy;
    let lines = |prefix: &str, suffix: &str| -> String {
        members
            .iter()
            .map(|member| format!("{prefix}{member}{suffix}\n"))
            .collect()
    };
    match kind {
        Kind::Dataclass => format!("\n\n@dataclass\nclass {name}:\n{}", lines("    ", "")),
        Kind::TypedDict => format!("\n\nclass {name}(TypedDict):\n{}", lines("    ", "")),
        Kind::Enum => {
            let values: String = members
                .iter()
                .map(|member| format!("    {member} = \"{}\"\n", member.to_ascii_lowercase()))
                .collect();
            format!("\n\nclass {name}(enum.Enum):\n{values}")
        }
        Kind::Class => format!(
            "\n\nclass {name}:\n{}\n    def delay(self, attempt: int) -> float:\n        return 0.5 * 2**attempt\n",
            lines("    ", "")
        ),
        Kind::Interface => format!("\nexport interface {name} {{\n{}}}\n", lines("  ", ";")),
        Kind::ObjectAlias => format!("\nexport type {name} = {{\n{}}};\n", lines("  ", ";")),
        Kind::UnionAlias => {
            let values: Vec<String> = members.iter().map(|value| format!("\"{value}\"")).collect();
            format!("\nexport type {name} = {};\n", values.join(" | "))
        }
    }
}

/// The line that starts the definition (TYP001 reports at its name).
pub(crate) fn header(copy: &Copy) -> String {
    let name = &copy.name;
    match copy.kind {
        Kind::Dataclass | Kind::Class => format!("class {name}:"),
        Kind::TypedDict => format!("class {name}(TypedDict):"),
        Kind::Enum => format!("class {name}(enum.Enum):"),
        Kind::Interface => format!("export interface {name} {{"),
        Kind::ObjectAlias | Kind::UnionAlias => format!("export type {name} = "),
    }
}
