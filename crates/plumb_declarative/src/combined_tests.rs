//! The combined query pass finds exactly what each rule finds when its query runs alone: same
//! hits, spans, messages, symbols and order, over every source file of the repository's
//! fixtures and every rule's inline test snippets.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plumb_rules::Violation;

use crate::grammar::Grammar;
use crate::matching::Parsed;
use crate::{DeclarativeRule, RuleSource, load};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The bundled rules and the fixtures' rule directories, as one set: rules that share capture
/// names (`@call`, `@function`, `@module`) with different predicates and messages.
fn rules() -> Vec<DeclarativeRule> {
    let fixtures = repo_root().join("fixtures");
    let dirs = [
        "rules/X-declarative/predicates/rules",
        "rules/X-declarative/scoping/rules",
        "declarative/failing",
    ];
    let mut sources = vec![RuleSource::Bundled];
    sources.extend(dirs.iter().map(|dir| RuleSource::Dir(fixtures.join(dir))));
    load(&sources).unwrap_or_else(|error| panic!("{}", error.message))
}

fn grammar_of(path: &Path) -> Option<Grammar> {
    Some(match path.extension()?.to_str()? {
        "py" => Grammar::Python,
        "ts" | "mts" | "cts" => Grammar::TypeScript,
        "tsx" => Grammar::Tsx,
        "js" | "jsx" | "mjs" | "cjs" => Grammar::JavaScript,
        _ => return None,
    })
}

fn sources_in(dir: &Path, found: &mut Vec<(Grammar, String)>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources_in(&path, found);
        } else if let Some(grammar) = grammar_of(&path)
            && let Ok(text) = std::fs::read_to_string(&path)
        {
            found.push((grammar, text));
        }
    }
}

/// Every fixture source file with its grammar, and every inline snippet with each grammar its
/// rule targets.
fn sources(rules: &[DeclarativeRule]) -> Vec<(Grammar, String)> {
    let mut found = Vec::new();
    sources_in(&repo_root().join("fixtures"), &mut found);
    for rule in rules {
        let tests = rule.inline_tests();
        for snippet in tests.valid.iter().chain(&tests.invalid) {
            found.extend(rule.grammars().map(|grammar| (grammar, snippet.clone())));
        }
    }
    found
}

/// Each rule's hits, by id, from one pass of `together` over the file.
fn hits(
    rules: &[DeclarativeRule],
    together: &[usize],
    grammar: Grammar,
    source: &str,
) -> BTreeMap<&'static str, Vec<Violation>> {
    let set = rules[0].set();
    let parsed = Parsed::new(grammar, source);
    set.combined(grammar, together)
        .run(&set.specs, &parsed, source)
        .into_iter()
        .map(|(rule, found)| (rules[rule].meta().code, found))
        .collect()
}

#[test]
fn one_pass_for_all_rules_finds_what_each_finds_alone() {
    let rules = rules();
    let mut compared = 0;
    let mut found = BTreeMap::<&str, usize>::new();
    for (grammar, source) in sources(&rules) {
        let targeting: Vec<usize> = (0..rules.len())
            .filter(|&rule| rules[rule].grammars().any(|known| known == grammar))
            .collect();
        let together = hits(&rules, &targeting, grammar, &source);
        let mut alone = BTreeMap::new();
        for &rule in &targeting {
            alone.extend(hits(&rules, &[rule], grammar, &source));
        }
        assert_eq!(together, alone, "{grammar:?}:\n{source}");
        for (code, hits) in together {
            *found.entry(code).or_default() += hits.len();
        }
        compared += 1;
    }
    assert!(compared > 500, "only {compared} sources");
    // Not a comparison of two empty results: every rule hits something.
    for rule in &rules {
        let code = rule.meta().code;
        assert!(
            found.get(code).is_some_and(|&n| n > 0),
            "{code} found nothing"
        );
    }
}

#[test]
fn a_subset_of_the_rules_finds_only_its_own_hits() {
    let rules = rules();
    let code = |rule: usize| rules[rule].meta().code;
    let print = (0..rules.len())
        .find(|&rule| code(rule) == "X-print-in-production")
        .unwrap();
    let eval = (0..rules.len())
        .find(|&rule| code(rule) == "X-test-eq")
        .unwrap();
    let source = "print(eval(x))\n";
    let found = hits(&rules, &[print, eval], Grammar::Python, source);
    let messages: Vec<(&str, &str)> = found
        .iter()
        .flat_map(|(code, hits)| hits.iter().map(|hit| (*code, hit.message.as_str())))
        .collect();
    assert_eq!(
        messages,
        [
            (
                "X-print-in-production",
                "`print()` in production code: use logging"
            ),
            ("X-test-eq", "call of `eval`"),
        ]
    );
    let only_eval = hits(&rules, &[eval], Grammar::Python, source);
    assert_eq!(only_eval.keys().copied().collect::<Vec<_>>(), ["X-test-eq"]);
}
