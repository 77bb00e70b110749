//! The audit as text: a headline, then aligned tables that fit 100 columns (long paths are
//! shortened from the left, per-rule columns become per-family columns when they don't fit).

use crate::escape::text_path;
use std::collections::BTreeMap;
use std::fmt::Write;

use super::compliance_figure;
use super::model::{Area, Audit, Headline, TOP, family};

/// The width every line fits in.
pub(crate) const WIDTH: usize = 100;
/// The narrowest a shortened first column gets.
const MIN_FIRST_COLUMN: usize = 16;

pub(crate) fn render(audit: &Audit<'_>) -> String {
    let mut out = format!(
        "plumb audit of {} (plumb {})\n\n",
        audit.root, audit.tool.version
    );
    out.push_str(&headline(&audit.headline));
    for notice in audit.notices {
        let _ = writeln!(out, "Note: {notice}");
    }
    out.push_str(&compliance(audit));
    out.push_str(&rules(audit));
    out.push_str(&areas(
        "Per top-level directory",
        "directory",
        &audit.directories,
    ));
    out.push_str(&areas("Per scope", "scope", &audit.scopes));
    out.push_str(&top_files(audit));
    out.push_str(&types(audit));
    out.push_str(&mocks(audit));
    out
}

fn joined(counts: &BTreeMap<String, usize>) -> String {
    let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
    parts.join(", ")
}

fn headline(headline: &Headline) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Files        {} found, {} checked ({})",
        headline.files_found,
        headline.files_checked,
        joined(&headline.by_language_and_role)
    );
    let _ = writeln!(
        out,
        "             syntax errors in {} production and {} test files; not checked: {} unreadable, {} skipped",
        headline.syntax_errors.production,
        headline.syntax_errors.tests,
        headline.unreadable,
        headline.skipped
    );
    let _ = writeln!(
        out,
        "Violations   {} ({}), {} suppressed inline",
        headline.violations,
        joined(&headline.by_severity),
        headline.suppressed
    );
    let _ = writeln!(
        out,
        "Imports      {} unresolved (IMP001)",
        headline.unresolved_imports
    );
    if let Some(types) = headline.types {
        let _ = writeln!(
            out,
            "Types        {} duplicated names, {} extra definitions ({} identical, {} divergent)",
            types.duplicated_names, types.extra_definitions, types.identical, types.divergent
        );
    }
    if let Some(mocks) = headline.mocks {
        let _ = writeln!(
            out,
            "Mocks        {} unjustified, {} justified mock sites in tests; {} test files not checked",
            mocks.unjustified, mocks.justified, mocks.files_not_checked
        );
    }
    out
}

fn compliance(audit: &Audit<'_>) -> String {
    let mut out = format!(
        "\nCompliance: files without {}-level violations / files checked (unreadable and skipped\nfiles are not checked: outside the denominator)\n",
        audit.gate_severity
    );
    let rows: Vec<Vec<String>> = audit
        .compliance
        .iter()
        .map(|scope| vec![scope.scope.clone(), compliance_figure(scope)])
        .collect();
    out.push_str(&table(&["scope", "compliance"], &rows, &[false, false]));
    out
}

fn rules(audit: &Audit<'_>) -> String {
    let mut out = String::from("\nViolations per rule\n");
    let rows: Vec<Vec<String>> = audit
        .rules
        .iter()
        .map(|rule| {
            vec![
                rule.code.clone(),
                rule.name.clone(),
                rule.violations.to_string(),
            ]
        })
        .collect();
    out.push_str(&table(
        &["rule", "name", "violations"],
        &rows,
        &[false, false, true],
    ));
    let families: Vec<Vec<String>> = audit
        .families
        .iter()
        .map(|(family, count)| vec![family.clone(), count.to_string()])
        .collect();
    out.push_str("\nViolations per family\n");
    out.push_str(&table(&["family", "violations"], &families, &[false, true]));
    out
}

/// Rule codes (or families when the codes don't fit) as columns for an area table.
fn rule_columns(audit_rules: &[String], fixed: usize) -> (Vec<String>, bool) {
    let by_code: usize = audit_rules.iter().map(|code| code.len() + 2).sum();
    if fixed + by_code + MIN_FIRST_COLUMN <= WIDTH {
        return (audit_rules.to_vec(), false);
    }
    let mut families: Vec<String> = audit_rules.iter().map(|code| family(code)).collect();
    families.dedup();
    (families, true)
}

fn areas(title: &str, label: &str, areas: &[Area]) -> String {
    let mut codes: Vec<String> = areas
        .iter()
        .flat_map(|area| area.by_rule.keys().cloned())
        .collect();
    codes.sort();
    codes.dedup();
    let fixed_headers = ["files", "compliant", "%", "not checked", "violations"];
    let fixed: usize = fixed_headers.iter().map(|h| h.len() + 2).sum::<usize>() + 4;
    let (columns, by_family) = rule_columns(&codes, fixed);
    let mut headers: Vec<&str> = vec![label];
    headers.extend(fixed_headers);
    headers.extend(columns.iter().map(String::as_str));
    let rows: Vec<Vec<String>> = areas
        .iter()
        .map(|area| {
            let c = &area.compliance;
            let mut row = vec![
                text_path(&c.scope).into_owned(),
                c.files.to_string(),
                c.compliant.to_string(),
                c.percent.map_or("n/a".into(), |p| format!("{p:.1}")),
                c.not_checked.to_string(),
                area.violations.to_string(),
            ];
            row.extend(columns.iter().map(|column| {
                let count: usize = area
                    .by_rule
                    .iter()
                    .filter(|(code, _)| {
                        if by_family {
                            &family(code) == column
                        } else {
                            *code == column
                        }
                    })
                    .map(|(_, count)| count)
                    .sum();
                count.to_string()
            }));
            row
        })
        .collect();
    let mut right = vec![true; headers.len()];
    right[0] = false;
    format!("\n{title}\n{}", table(&headers, &rows, &right))
}

fn top_files(audit: &Audit<'_>) -> String {
    let mut out = format!(
        "\nFiles with the most violations ({} of {} files with violations)\n",
        audit.top_files.len(),
        audit.files_with_violations
    );
    let rows: Vec<Vec<String>> = audit
        .top_files
        .iter()
        .map(|file| {
            vec![
                text_path(&file.path).into_owned(),
                file.violations.to_string(),
                breakdown(&file.by_rule),
            ]
        })
        .collect();
    out.push_str(&table(
        &["file", "violations", "by rule"],
        &rows,
        &[false, true, false],
    ));
    out
}

/// `TYP001 3, MCK001 1`: most frequent first.
fn breakdown(by_rule: &BTreeMap<String, usize>) -> String {
    let mut counts: Vec<(&String, &usize)> = by_rule.iter().collect();
    counts.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
    parts.join(", ")
}

fn types(audit: &Audit<'_>) -> String {
    let Some(counts) = audit.headline.types else {
        return String::new();
    };
    let mut out = format!(
        "\nMost duplicated type names ({} of {} names)\n",
        audit.duplicated_types.len(),
        counts.duplicated_names
    );
    let mut rows = Vec::new();
    for group in &audit.duplicated_types {
        rows.push(vec![
            group.name.clone(),
            group.files.len().to_string(),
            group.identical.to_string(),
            group.divergent.to_string(),
        ]);
        for file in &group.files {
            rows.push(vec![
                format!("  {}", text_path(file)),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
    }
    out.push_str(&table(
        &["type name / files", "files", "identical", "divergent"],
        &rows,
        &[false, true, true, true],
    ));
    out
}

fn mocks(audit: &Audit<'_>) -> String {
    if audit.headline.mocks.is_none() {
        return String::new();
    }
    let mut out = format!(
        "\nMocks per test directory ({} of {} directories with mock sites, at most {TOP})\n",
        audit.mocks_by_test_directory.len(),
        audit.test_directories_with_mocks
    );
    let rows: Vec<Vec<String>> = audit
        .mocks_by_test_directory
        .iter()
        .map(|row| {
            vec![
                text_path(&row.directory).into_owned(),
                row.test_files.to_string(),
                row.unjustified.to_string(),
                row.justified.to_string(),
                row.files_with_unjustified.to_string(),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "test directory",
            "test files",
            "unjustified",
            "justified",
            "files unjustified",
        ],
        &rows,
        &[false, true, true, true, true],
    ));
    out
}

/// `text` shortened from the left to `width` characters, with `…` in front.
fn shorten(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        return text.to_string();
    }
    let tail: String = text.chars().skip(count - width + 1).collect();
    format!("\u{2026}{tail}")
}

/// An aligned table, two spaces between columns, indented by two; the first column is
/// shortened when the table would pass [`WIDTH`].
pub(crate) fn table(headers: &[&str], rows: &[Vec<String>], right: &[bool]) -> String {
    if rows.is_empty() {
        return "  (none)\n".to_string();
    }
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let rest: usize = widths[1..].iter().map(|w| w + 2).sum::<usize>() + 2;
    if rest + widths[0] > WIDTH {
        widths[0] = WIDTH.saturating_sub(rest).max(MIN_FIRST_COLUMN);
    }
    let line = |cells: &mut dyn Iterator<Item = String>| -> String {
        let mut out = String::from(" ");
        for (index, cell) in cells.enumerate() {
            let width = widths[index];
            let cell = if index == 0 {
                shorten(&cell, width)
            } else {
                cell
            };
            if right[index] {
                let _ = write!(out, " {cell:>width$}");
            } else {
                let _ = write!(out, " {cell:<width$}");
            }
            out.push(' ');
        }
        format!("{}\n", out.trim_end())
    };
    let mut out = line(&mut headers.iter().map(|h| h.to_string()));
    for row in rows {
        out.push_str(&line(&mut row.iter().cloned()));
    }
    out
}
