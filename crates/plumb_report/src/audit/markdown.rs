//! The audit as Markdown (for a wiki page, an issue or `$GITHUB_STEP_SUMMARY`): the same
//! sections and figures as the text audit, as tables; repository text escaped.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::compliance_figure;
use super::model::{Area, Audit, Headline, TOP};
use crate::markdown::{code_span, escape};

pub(crate) fn render(audit: &Audit<'_>) -> String {
    let mut out = format!(
        "# plumb audit of {}\n\nplumb {}\n\n",
        code_span(&audit.root),
        audit.tool.version
    );
    out.push_str(&headline(&audit.headline));
    for notice in audit.notices {
        let _ = writeln!(out, "> Note: {}\n", escape(notice));
    }
    compliance(&mut out, audit);
    rules(&mut out, audit);
    areas(
        &mut out,
        "Per top-level directory",
        "Directory",
        &audit.directories,
    );
    areas(&mut out, "Per scope", "Scope", &audit.scopes);
    top_files(&mut out, audit);
    types(&mut out, audit);
    mocks(&mut out, audit);
    out
}

fn joined(counts: &BTreeMap<String, usize>) -> String {
    let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
    parts.join(", ")
}

fn headline(headline: &Headline) -> String {
    let mut out = String::from("| | |\n|---|---|\n");
    let _ = writeln!(
        out,
        "| Files | {} found, {} checked ({}) |",
        headline.files_found,
        headline.files_checked,
        joined(&headline.by_language_and_role)
    );
    let _ = writeln!(
        out,
        "| Syntax errors | {} production files, {} test files |",
        headline.syntax_errors.production, headline.syntax_errors.tests
    );
    let _ = writeln!(
        out,
        "| Not checked | {} unreadable, {} skipped |",
        headline.unreadable, headline.skipped
    );
    let _ = writeln!(
        out,
        "| Violations | {} ({}), {} suppressed inline |",
        headline.violations,
        joined(&headline.by_severity),
        headline.suppressed
    );
    let _ = writeln!(
        out,
        "| Unresolved imports | {} (IMP001) |",
        headline.unresolved_imports
    );
    if let Some(types) = headline.types {
        let _ = writeln!(
            out,
            "| Duplicated types | {} names, {} extra definitions ({} identical, {} divergent) |",
            types.duplicated_names, types.extra_definitions, types.identical, types.divergent
        );
    }
    if let Some(mocks) = headline.mocks {
        let _ = writeln!(
            out,
            "| Mocks in tests | {} unjustified, {} justified; {} test files not checked |",
            mocks.unjustified, mocks.justified, mocks.files_not_checked
        );
    }
    out.push('\n');
    out
}

fn compliance(out: &mut String, audit: &Audit<'_>) {
    let _ = writeln!(
        out,
        "## Compliance\n\nFiles without {}-level violations / files checked; unreadable and \
         skipped files are not checked and stay outside the denominator.\n\n| Scope | Compliance |\n|---|---|",
        audit.gate_severity
    );
    for scope in audit.compliance {
        let _ = writeln!(
            out,
            "| {} | {} |",
            escape(&scope.scope),
            compliance_figure(scope)
        );
    }
    out.push('\n');
}

fn rules(out: &mut String, audit: &Audit<'_>) {
    out.push_str("## Violations per rule\n\n| Rule | Name | Violations |\n|---|---|---:|\n");
    for rule in &audit.rules {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            rule.code, rule.name, rule.violations
        );
    }
    out.push_str("\n| Family | Violations |\n|---|---:|\n");
    for (family, count) in &audit.families {
        let _ = writeln!(out, "| {family} | {count} |");
    }
    out.push('\n');
}

fn areas(out: &mut String, title: &str, label: &str, areas: &[Area]) {
    let mut codes: Vec<&String> = areas.iter().flat_map(|area| area.by_rule.keys()).collect();
    codes.sort();
    codes.dedup();
    let _ = write!(
        out,
        "## {title}\n\n| {label} | Files | Compliant | % | Not checked | Violations |"
    );
    for code in &codes {
        let _ = write!(out, " {code} |");
    }
    out.push_str("\n|---|---:|---:|---:|---:|---:|");
    out.push_str(&"---:|".repeat(codes.len()));
    out.push('\n');
    for area in areas {
        let c = &area.compliance;
        let _ = write!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            code_span(&c.scope),
            c.files,
            c.compliant,
            c.percent.map_or("n/a".into(), |p| format!("{p:.1}")),
            c.not_checked,
            area.violations
        );
        for code in &codes {
            let _ = write!(out, " {} |", area.by_rule.get(*code).copied().unwrap_or(0));
        }
        out.push('\n');
    }
    out.push('\n');
}

fn top_files(out: &mut String, audit: &Audit<'_>) {
    let _ = writeln!(
        out,
        "## Files with the most violations\n\n{} of {} files with violations.\n\n| File | Violations | By rule |\n|---|---:|---|",
        audit.top_files.len(),
        audit.files_with_violations
    );
    for file in &audit.top_files {
        let mut counts: Vec<(&String, &usize)> = file.by_rule.iter().collect();
        counts.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            code_span(&file.path),
            file.violations,
            parts.join(", ")
        );
    }
    out.push('\n');
}

fn types(out: &mut String, audit: &Audit<'_>) {
    let Some(counts) = audit.headline.types else {
        return;
    };
    let _ = writeln!(
        out,
        "## Most duplicated type names\n\n{} of {} names.\n\n| Type name | Files | Identical | Divergent | Defined in |\n|---|---:|---:|---:|---|",
        audit.duplicated_types.len(),
        counts.duplicated_names
    );
    for group in &audit.duplicated_types {
        let files: Vec<String> = group.files.iter().map(|f| code_span(f)).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            code_span(&group.name),
            group.files.len(),
            group.identical,
            group.divergent,
            files.join("<br>")
        );
    }
    out.push('\n');
}

fn mocks(out: &mut String, audit: &Audit<'_>) {
    if audit.headline.mocks.is_none() {
        return;
    }
    let _ = writeln!(
        out,
        "## Mocks per test directory\n\n{} of {} directories with mock sites (at most {TOP}).\n\n| Test directory | Test files | Unjustified | Justified | Files with unjustified |\n|---|---:|---:|---:|---:|",
        audit.mocks_by_test_directory.len(),
        audit.test_directories_with_mocks
    );
    for row in &audit.mocks_by_test_directory {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            code_span(&row.directory),
            row.test_files,
            row.unjustified,
            row.justified,
            row.files_with_unjustified
        );
    }
    out.push('\n');
}
