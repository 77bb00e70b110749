use super::*;
use crate::ci::tests::{diagnostic, run};
use plumb_diagnostics::{
    Diagnostic, FileCounts, FileRecord, FileRole, FileStatus, Language, ScopeCompliance, Summary,
};

/// The volume: 17,800 violations across 6,800 files, with messages as long as real
/// IMP001 and TYP001 ones (200-300 characters).
fn large(violations: usize, files: usize) -> CheckOutcome {
    let path = |index: usize| {
        format!(
            "pkg{:02}/module_{:04}/tests/test_something.py",
            index % 40,
            index
        )
    };
    let mut diagnostics: Vec<Diagnostic> = (0..violations)
        .map(|index| {
            let code = ["MCK001", "TYP001", "IMP001", "SYN001"][index % 4];
            let mut d = diagnostic(code, &path(index % files), (index / files + 1) as u32, None);
            d.message = format!(
                "cannot resolve `pkg.sub.module{index}` from {}: looked for {}",
                path(index % files),
                "pkg/sub/module.py, pkg/sub/module/__init__.py, ".repeat(4)
            );
            d
        })
        .collect();
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut per_path = std::collections::HashMap::new();
    for d in &diagnostics {
        *per_path.entry(d.path.clone()).or_insert(0) += 1;
    }
    let records = (0..files)
        .map(|index| FileRecord {
            path: path(index),
            language: Language::Python,
            role: FileRole::Test,
            scopes: vec!["tests".into()],
            status: FileStatus::Ok,
            violations: per_path.get(&path(index)).copied().unwrap_or(0),
            compliant: false,
            rule_counts: Default::default(),
        })
        .collect();
    CheckOutcome {
        diagnostics,
        files: records,
        summary: Summary {
            files: FileCounts {
                total: files,
                checked: files,
                ..FileCounts::default()
            },
            violations,
            compliance: vec![ScopeCompliance::new("overall".into(), files, 0)],
            ..Summary::default()
        },
    }
}

#[test]
fn the_html_stays_under_ten_megabytes_at_volume() {
    let outcome = large(17_800, 6_800);
    let html = render_audit(
        AuditFormat::Html,
        &outcome,
        &run(),
        &AuditOptions::default(),
    );
    assert!(html.len() < 10_000_000, "{} bytes", html.len());
    eprintln!(
        "audit HTML for 17,800 violations in 6,800 files: {} bytes",
        html.len()
    );
    assert_eq!(
        html.matches("<script").count(),
        2,
        "the data block and the script"
    );
}

#[test]
fn repository_text_in_markup_is_escaped() {
    let mut outcome = large(4, 2);
    let odd = "<img src=x onerror=alert(1)>.py";
    for d in &mut outcome.diagnostics {
        d.path = odd.into();
        d.message = "</script><b>".into();
    }
    outcome.files[0].path = odd.into();
    let html = render_audit(
        AuditFormat::Html,
        &outcome,
        &run(),
        &AuditOptions::default(),
    );
    assert!(!html.contains("<img"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;.py"));
    assert_eq!(
        html.matches("</script>").count(),
        2,
        "only the page's own blocks close"
    );
    let markdown = render_audit(
        AuditFormat::Markdown,
        &outcome,
        &run(),
        &AuditOptions::default(),
    );
    // In a code span, which Markdown shows literally.
    assert!(markdown.contains("| `<img src=x onerror=alert(1)>.py` |"));
}
