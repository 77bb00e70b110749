//! The rules loaded together, and their queries compiled per grammar and combination of rules:
//! once per run, not per file.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use crate::grammar::Grammar;
use crate::matching::Combined;
use crate::rule::RuleSpec;

/// Tells rule sets apart in a file's shared state (a registry may hold two).
static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// The compiled query of each combination of rules (indices, ascending) of one grammar.
type ByRules = HashMap<Vec<usize>, Arc<Combined>>;

/// Rules loaded by one [`crate::load`].
pub(crate) struct RuleSet {
    id: usize,
    pub(crate) specs: Vec<RuleSpec>,
    /// Per grammar, the query of each combination of rules (indices, ascending) that ran. The
    /// rules that check a file are the run's enabled ones that apply to it (`applies-to`,
    /// `files`, `ignores`), so a run sees a handful of combinations: source files, test files,
    /// a rule's own directory.
    compiled: RwLock<HashMap<Grammar, ByRules>>,
}

impl RuleSet {
    pub(crate) fn new(specs: Vec<RuleSpec>) -> RuleSet {
        RuleSet {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            specs,
            compiled: RwLock::default(),
        }
    }

    pub(crate) fn id(&self) -> usize {
        self.id
    }

    /// `rules` compiled for `grammar` as one query, compiled the first time it is asked for.
    pub(crate) fn combined(&self, grammar: Grammar, rules: &[usize]) -> Arc<Combined> {
        let known = self
            .compiled
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&grammar)
            .and_then(|by_rules| by_rules.get(rules))
            .cloned();
        if let Some(known) = known {
            return known;
        }
        let mut compiled = self
            .compiled
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let by_rules = compiled.entry(grammar).or_default();
        // Another worker may have compiled it while this one waited for the lock.
        let combined = by_rules
            .entry(rules.to_vec())
            .or_insert_with(|| Arc::new(Combined::build(&self.specs, grammar, rules)));
        Arc::clone(combined)
    }

    /// How many queries are compiled.
    #[cfg(test)]
    pub(crate) fn compiled_count(&self) -> usize {
        self.compiled
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .map(HashMap::len)
            .sum()
    }
}
