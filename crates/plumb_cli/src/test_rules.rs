//! `plumb test-rules [DIR...]`: runs every declarative rule's inline `[tests]` and prints a
//! pass/fail table. Exit 0 when all pass, 1 when one fails, 2 when a rule cannot be loaded.

use std::path::PathBuf;

use clap::Args;
use plumb_declarative::RuleSource;
use plumb_engine::Overrides;

#[derive(Debug, Args)]
pub(crate) struct TestRulesArgs {
    /// Rule directories to test (default: the bundled rules and the configuration's
    /// `[rules] dirs`).
    dirs: Vec<PathBuf>,
}

pub(crate) fn run(args: &TestRulesArgs) -> anyhow::Result<u8> {
    let sources = if args.dirs.is_empty() {
        crate::declared::rule_sources(std::path::Path::new("."), &Overrides::default(), &[])?
    } else {
        for dir in &args.dirs {
            if !dir.is_dir() {
                anyhow::bail!("{}: not a directory", dir.display());
            }
        }
        args.dirs.iter().cloned().map(RuleSource::Dir).collect()
    };
    let rules = plumb_declarative::load(&sources).map_err(crate::declared::as_config_error)?;
    let mut failed = 0;
    println!(
        "{:<6} {:<44} {:>7} {:>9}",
        "result", "rule", "valid", "invalid"
    );
    for rule in &rules {
        let report = plumb_declarative::run_inline_tests(rule);
        println!(
            "{:<6} {:<44} {:>7} {:>9}",
            if report.passed() { "PASS" } else { "FAIL" },
            report.id,
            format!("{}/{}", report.valid_passed, report.valid_total),
            format!("{}/{}", report.invalid_passed, report.invalid_total),
        );
        for failure in &report.failures {
            println!("         {failure}   ({})", rule.source().display());
        }
        failed += usize::from(!report.passed());
    }
    println!(
        "{} rules, {} passed, {failed} failed",
        rules.len(),
        rules.len() - failed
    );
    Ok(if failed == 0 {
        crate::EXIT_CLEAN
    } else {
        crate::EXIT_VIOLATIONS
    })
}
