//! The audit as one self-contained HTML page: inline CSS, server-drawn SVG charts, static
//! tables, and a small inline script that filters, sorts and paginates the violations table.
//! No network, no external fonts or scripts. Repository text (paths, messages, names) goes
//! through `html_escape` in markup; the table's data is JSON in a
//! `<script type="application/json">` block with every `<` written as `\u003c`, so nothing in
//! it can close the block, and the script writes it into the page with `textContent` only.

use std::fmt::Write;

use html_escape::{encode_double_quoted_attribute as attribute, encode_text as text};

use crate::escape::text_path;
use serde_json::json;

use super::model::{Area, Audit, Headline};
use super::{AuditOptions, HistoryEntry, compliance_figure};

const STYLE: &str = include_str!("assets/audit.css");
const SCRIPT: &str = include_str!("assets/audit.js");

/// Bars a chart draws at most; the tables below list every row.
const MAX_BARS: usize = 30;

pub(crate) fn render(audit: &Audit<'_>, options: &AuditOptions) -> String {
    let mut out = String::with_capacity(64 * 1024 + audit.violations.len() * 160);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>plumb audit: {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        text(&audit.root)
    );
    let _ = write!(
        out,
        "<h1>plumb audit of <code>{}</code></h1>\n<p class=\"muted\">plumb {}. A file is compliant \
         when it has no {}-level violation; unreadable and skipped files are not checked and stay \
         outside every denominator.</p>\n",
        text(&audit.root),
        text(&audit.tool.version),
        audit.gate_severity
    );
    out.push_str(&cards(&audit.headline));
    for notice in audit.notices {
        let _ = writeln!(out, "<p class=\"muted\">Note: {}</p>", text(notice));
    }
    out.push_str(&trend(&options.history));
    out.push_str(&compliance_section(audit));
    out.push_str(&rules_section(audit));
    out.push_str(&violations_per_directory(audit));
    out.push_str(&area_table(
        "Per top-level directory",
        "directory",
        &audit.directories,
    ));
    out.push_str(&area_table("Per scope", "scope", &audit.scopes));
    out.push_str(&top_files(audit));
    out.push_str(&types(audit));
    out.push_str(&mocks(audit));
    out.push_str(&violations_table(audit, options));
    out.push_str("</body>\n</html>\n");
    out
}

fn card(out: &mut String, id: &str, figure: &str, label: &str, detail: &str) {
    let _ = writeln!(
        out,
        "<div class=\"card\" id=\"{id}\"><span class=\"n\">{}</span>{}<span class=\"d\">{}</span></div>",
        text(figure),
        text(label),
        text(detail)
    );
}

fn cards(headline: &Headline) -> String {
    let mut out = String::from("<div class=\"cards\">\n");
    for scope in &headline.compliance {
        let percent = scope
            .percent
            .map_or_else(|| "n/a".to_string(), |p| format!("{p:.1}%"));
        let detail = compliance_figure(scope);
        let detail = detail.split_once(' ').map_or("", |(_, rest)| rest);
        let id = format!("h-compliance-{}", attribute(&scope.scope));
        card(
            &mut out,
            &id,
            &percent,
            &format!(" {} compliant", scope.scope),
            detail,
        );
    }
    let languages: Vec<String> = headline
        .by_language_and_role
        .iter()
        .map(|(key, count)| format!("{key} {count}"))
        .collect();
    card(
        &mut out,
        "h-files",
        &headline.files_checked.to_string(),
        " files checked",
        &format!(
            "of {} found; {}",
            headline.files_found,
            languages.join(", ")
        ),
    );
    let severities: Vec<String> = headline
        .by_severity
        .iter()
        .map(|(key, count)| format!("{count} {key}"))
        .collect();
    card(
        &mut out,
        "h-violations",
        &headline.violations.to_string(),
        " violations",
        &format!(
            "{}; {} suppressed inline",
            severities.join(", "),
            headline.suppressed
        ),
    );
    more_cards(&mut out, headline);
    out.push_str("</div>\n");
    out
}

fn more_cards(out: &mut String, headline: &Headline) {
    if let Some(types) = headline.types {
        card(
            out,
            "h-types",
            &types.duplicated_names.to_string(),
            " duplicated type names",
            &format!(
                "{} extra definitions: {} identical, {} divergent",
                types.extra_definitions, types.identical, types.divergent
            ),
        );
    }
    if let Some(mocks) = headline.mocks {
        card(
            out,
            "h-mocks",
            &mocks.unjustified.to_string(),
            " unjustified mocks",
            &format!(
                "{} justified; {} test files not checked",
                mocks.justified, mocks.files_not_checked
            ),
        );
    }
    let syntax = headline.syntax_errors;
    card(
        out,
        "h-syntax",
        &(syntax.production + syntax.tests).to_string(),
        " files with syntax errors",
        &format!("{} production, {} tests", syntax.production, syntax.tests),
    );
    card(
        out,
        "h-imports",
        &headline.unresolved_imports.to_string(),
        " unresolved imports",
        "IMP001",
    );
    card(
        out,
        "h-not-checked",
        &(headline.unreadable + headline.skipped).to_string(),
        " files not checked",
        &format!(
            "{} unreadable, {} skipped",
            headline.unreadable, headline.skipped
        ),
    );
}

/// One horizontal bar: `fraction` of the track filled, the label left, the figure right.
struct Bar {
    label: String,
    fraction: f64,
    figure: String,
}

/// Horizontal bars as inline SVG.
fn bar_chart(title: &str, bars: &[Bar], class: &str) -> String {
    const ROW: usize = 22;
    const LABEL: usize = 260;
    const TRACK: usize = 520;
    let height = ROW * bars.len().max(1) + 4;
    let mut out = format!(
        "<svg role=\"img\" aria-label=\"{}\" width=\"100%\" viewBox=\"0 0 {} {height}\" \
         preserveAspectRatio=\"xMinYMin meet\">\n",
        attribute(title),
        LABEL + TRACK + 200
    );
    for (index, bar) in bars.iter().enumerate() {
        let y = index * ROW + 2;
        let filled = (bar.fraction.clamp(0.0, 1.0) * TRACK as f64).round();
        let label: String = if bar.label.chars().count() > 38 {
            let tail: String = bar.label.chars().rev().take(37).collect();
            format!("\u{2026}{}", tail.chars().rev().collect::<String>())
        } else {
            bar.label.clone()
        };
        let _ = writeln!(
            out,
            "<text x=\"0\" y=\"{}\">{}</text><rect class=\"track\" x=\"{LABEL}\" y=\"{y}\" \
             width=\"{TRACK}\" height=\"16\"/><rect class=\"{class}\" x=\"{LABEL}\" y=\"{y}\" \
             width=\"{filled}\" height=\"16\"/><text x=\"{}\" y=\"{}\">{}</text>",
            y + 13,
            text(&label),
            LABEL + TRACK + 8,
            y + 13,
            text(&bar.figure)
        );
    }
    out.push_str("</svg>\n");
    out
}

fn compliance_bars<'a>(areas: impl IntoIterator<Item = &'a Area>) -> Vec<Bar> {
    areas
        .into_iter()
        .take(MAX_BARS)
        .map(|area| Bar {
            label: text_path(&area.compliance.scope).into_owned(),
            fraction: area.compliance.percent.unwrap_or(0.0) / 100.0,
            figure: compliance_figure(&area.compliance),
        })
        .collect()
}

fn compliance_section(audit: &Audit<'_>) -> String {
    let mut out = String::from("<h2>Compliance per scope</h2>\n");
    out.push_str(&bar_chart(
        "compliance per scope",
        &compliance_bars(&audit.scopes),
        "ok",
    ));
    out.push_str("<h2>Compliance per top-level directory</h2>\n");
    // The largest directories first (a stable sort: ties stay in name order).
    let mut directories: Vec<&Area> = audit.directories.iter().collect();
    directories.sort_by_key(|area| std::cmp::Reverse(area.compliance.files));
    out.push_str(&bar_chart(
        "compliance per directory",
        &compliance_bars(directories),
        "ok",
    ));
    if audit.directories.len() > MAX_BARS {
        let _ = writeln!(
            out,
            "<p class=\"muted\">The {MAX_BARS} directories with the most files; the table below lists all {}.</p>",
            audit.directories.len()
        );
    }
    out
}

fn rules_section(audit: &Audit<'_>) -> String {
    let max = audit
        .rules
        .iter()
        .map(|r| r.violations)
        .max()
        .unwrap_or(0)
        .max(1);
    let mut rules: Vec<_> = audit.rules.iter().collect();
    rules.sort_by(|a, b| b.violations.cmp(&a.violations).then(a.code.cmp(&b.code)));
    let bars: Vec<Bar> = rules
        .iter()
        .map(|rule| Bar {
            label: format!("{} {}", rule.code, rule.name),
            fraction: rule.violations as f64 / max as f64,
            figure: rule.violations.to_string(),
        })
        .collect();
    let mut out = String::from("<h2>Violations per rule</h2>\n");
    if bars.is_empty() {
        out.push_str("<p>No violations.</p>\n");
    } else {
        out.push_str(&bar_chart("violations per rule", &bars, "bar"));
    }
    let families: Vec<String> = audit
        .families
        .iter()
        .map(|(family, count)| format!("{family} {count}"))
        .collect();
    let _ = writeln!(
        out,
        "<p id=\"families\">Per family: {}</p>",
        text(&families.join(", "))
    );
    out
}

fn violations_per_directory(audit: &Audit<'_>) -> String {
    let mut directories: Vec<&Area> = audit
        .directories
        .iter()
        .filter(|area| area.violations > 0)
        .collect();
    directories.sort_by_key(|area| std::cmp::Reverse(area.violations));
    let max = directories.first().map_or(1, |area| area.violations.max(1));
    let bars: Vec<Bar> = directories
        .iter()
        .take(MAX_BARS)
        .map(|area| Bar {
            label: text_path(&area.compliance.scope).into_owned(),
            fraction: area.violations as f64 / max as f64,
            figure: area.violations.to_string(),
        })
        .collect();
    if bars.is_empty() {
        return String::new();
    }
    format!(
        "<h2>Violations per top-level directory</h2>\n{}",
        bar_chart("violations per directory", &bars, "bar")
    )
}

fn area_table(title: &str, label: &str, areas: &[Area]) -> String {
    let mut codes: Vec<&String> = areas.iter().flat_map(|area| area.by_rule.keys()).collect();
    codes.sort();
    codes.dedup();
    let id = label.replace(' ', "-");
    let mut out = format!(
        "<h2>{title}</h2>\n<table id=\"table-{id}\"><thead><tr><th>{label}</th><th class=\"num\">files</th>\
         <th class=\"num\">compliant</th><th class=\"num\">%</th><th class=\"num\">not checked</th>\
         <th class=\"num\">violations</th>"
    );
    for code in &codes {
        let _ = write!(out, "<th class=\"num\">{}</th>", text(code));
    }
    out.push_str("</tr></thead><tbody>\n");
    for area in areas {
        let c = &area.compliance;
        let _ = write!(
            out,
            "<tr><td class=\"path\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            text(&text_path(&c.scope)),
            c.files,
            c.compliant,
            c.percent.map_or("n/a".into(), |p| format!("{p:.1}")),
            c.not_checked,
            area.violations
        );
        for code in &codes {
            let _ = write!(
                out,
                "<td class=\"num\">{}</td>",
                area.by_rule.get(*code).copied().unwrap_or(0)
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    out
}

fn top_files(audit: &Audit<'_>) -> String {
    let mut out = format!(
        "<h2>Files with the most violations</h2>\n<p class=\"muted\">{} of {} files with violations.</p>\n\
         <table id=\"table-top-files\"><thead><tr><th>file</th><th class=\"num\">violations</th><th>by rule</th></tr></thead><tbody>\n",
        audit.top_files.len(),
        audit.files_with_violations
    );
    for file in &audit.top_files {
        let mut counts: Vec<(&String, &usize)> = file.by_rule.iter().collect();
        counts.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(
            out,
            "<tr><td class=\"path\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            text(&text_path(&file.path)),
            file.violations,
            text(&parts.join(", "))
        );
    }
    out.push_str("</tbody></table>\n");
    out
}

fn types(audit: &Audit<'_>) -> String {
    let Some(counts) = audit.headline.types else {
        return String::new();
    };
    let mut out = format!(
        "<h2>Most duplicated type names</h2>\n<p class=\"muted\">{} of {} names.</p>\n\
         <table id=\"table-types\"><thead><tr><th>type name</th><th class=\"num\">files</th>\
         <th class=\"num\">identical</th><th class=\"num\">divergent</th><th>defined in</th></tr></thead><tbody>\n",
        audit.duplicated_types.len(),
        counts.duplicated_names
    );
    for group in &audit.duplicated_types {
        let files: Vec<String> = group
            .files
            .iter()
            .map(|f| text(&text_path(f)).into_owned())
            .collect();
        let _ = writeln!(
            out,
            "<tr><td class=\"path\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"path\">{}</td></tr>",
            text(&group.name),
            group.files.len(),
            group.identical,
            group.divergent,
            files.join("<br>")
        );
    }
    out.push_str("</tbody></table>\n");
    out
}

fn mocks(audit: &Audit<'_>) -> String {
    if audit.headline.mocks.is_none() {
        return String::new();
    }
    let mut out = format!(
        "<h2>Mocks per test directory</h2>\n<p class=\"muted\">{} of {} directories with mock sites.</p>\n\
         <table id=\"table-mocks\"><thead><tr><th>test directory</th><th class=\"num\">test files</th>\
         <th class=\"num\">unjustified</th><th class=\"num\">justified</th>\
         <th class=\"num\">files with unjustified</th></tr></thead><tbody>\n",
        audit.mocks_by_test_directory.len(),
        audit.test_directories_with_mocks
    );
    for row in &audit.mocks_by_test_directory {
        let _ = writeln!(
            out,
            "<tr><td class=\"path\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            text(&text_path(&row.directory)),
            row.test_files,
            row.unjustified,
            row.justified,
            row.files_with_unjustified
        );
    }
    out.push_str("</tbody></table>\n");
    out
}

/// Overall compliance over the recorded audits, as a line, and their figures as a table.
fn trend(history: &[HistoryEntry]) -> String {
    if history.is_empty() {
        return String::new();
    }
    const W: f64 = 760.0;
    const H: f64 = 160.0;
    let step = if history.len() > 1 {
        (W - 80.0) / (history.len() - 1) as f64
    } else {
        0.0
    };
    let points: Vec<String> = history
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let percent = entry.overall_percent().unwrap_or(0.0);
            format!(
                "{:.1},{:.1}",
                40.0 + step * index as f64,
                10.0 + (H - 30.0) * (1.0 - percent / 100.0)
            )
        })
        .collect();
    let mut out = format!(
        "<h2>Trend</h2>\n<svg id=\"trend\" role=\"img\" aria-label=\"overall compliance over {} audits\" \
         width=\"100%\" viewBox=\"0 0 {W} {H}\">\n<line class=\"axis\" x1=\"40\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\
         <text x=\"0\" y=\"14\">100%</text><text x=\"0\" y=\"{}\">0%</text>\n\
         <polyline class=\"trend\" points=\"{}\"/>\n",
        history.len(),
        H - 20.0,
        W - 40.0,
        H - 20.0,
        H - 20.0,
        points.join(" ")
    );
    for point in &points {
        let (x, y) = point.split_once(',').unwrap_or(("0", "0"));
        let _ = writeln!(
            out,
            "<circle cx=\"{x}\" cy=\"{y}\" r=\"3\" fill=\"#3f6fb5\"/>"
        );
    }
    out.push_str("</svg>\n<table id=\"table-trend\"><thead><tr><th>time</th><th>commit</th>\
                  <th class=\"num\">overall</th><th class=\"num\">violations</th></tr></thead><tbody>\n");
    for entry in history.iter().rev() {
        let overall = entry
            .headline
            .compliance
            .iter()
            .find(|scope| scope.scope == "overall")
            .map(compliance_figure)
            .unwrap_or_default();
        let commit = entry.commit.as_deref().unwrap_or("");
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"path\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            text(&entry.time),
            text(commit.get(..12).unwrap_or(commit)),
            text(&overall),
            entry.headline.violations
        );
    }
    out.push_str("</tbody></table>\n");
    out
}

/// The violations as compact JSON rows the script renders: each path, rule and severity once.
fn table_data(audit: &Audit<'_>, options: &AuditOptions) -> String {
    let mut files: Vec<&str> = Vec::new();
    let mut rules: Vec<&str> = audit.rules.iter().map(|rule| rule.code.as_str()).collect();
    let severities = ["error", "warning", "info"];
    let mut rows = Vec::with_capacity(audit.violations.len());
    for violation in &audit.violations {
        // Diagnostics are sorted by path: a new path is always the last one seen.
        if files.last() != Some(&violation.path) {
            files.push(violation.path);
        }
        let rule = match rules.iter().position(|code| *code == violation.code) {
            Some(index) => index,
            None => {
                rules.push(violation.code);
                rules.len() - 1
            }
        };
        let severity = severities
            .iter()
            .position(|name| *name == violation.severity.as_str())
            .unwrap_or(0);
        rows.push(json!([
            files.len() - 1,
            violation.line,
            violation.column,
            rule,
            severity,
            violation.message
        ]));
    }
    let data = json!({
        "files": files,
        "rules": rules,
        "severities": severities,
        "rows": rows,
        "link_base": options.link_base,
    });
    // `<` only occurs inside JSON strings, where `\u003c` means the same: nothing can end the
    // script block or open a comment in it.
    serde_json::to_string(&data)
        .expect("JSON values always serialize")
        .replace('<', "\\u003c")
}

fn violations_table(audit: &Audit<'_>, options: &AuditOptions) -> String {
    format!(
        "<h2>Violations</h2>\n<div class=\"controls\">\n<label>Rule <select id=\"filter-rule\">\
         <option value=\"\">all</option></select></label>\n<label>Severity <select id=\"filter-severity\">\
         <option value=\"\">all</option></select></label>\n<input type=\"search\" id=\"filter-text\" \
         placeholder=\"Filter by path or message\" aria-label=\"Filter by path or message\">\n\
         <span class=\"pager\"><button id=\"page-prev\" type=\"button\">&#8249; Previous</button> \
         <button id=\"page-next\" type=\"button\">Next &#8250;</button></span>\n</div>\n\
         <p id=\"table-status\" class=\"muted\">{} violations (the table needs JavaScript).</p>\n\
         <table id=\"violations\"><thead><tr><th data-sort=\"path\">location</th><th data-sort=\"rule\">rule</th>\
         <th data-sort=\"severity\">severity</th><th data-sort=\"message\">message</th></tr></thead>\
         <tbody></tbody></table>\n<script type=\"application/json\" id=\"plumb-data\">{}</script>\n\
         <script>\n{SCRIPT}</script>\n",
        audit.violations.len(),
        table_data(audit, options)
    )
}
