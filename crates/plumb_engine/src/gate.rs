//! The gate: the conditions that make a run fail, each reported with its figure and threshold.
//!
//! The exit code is 1 exactly when [`evaluate`] returns a failure, so every format can say why a
//! run failed instead of leaving users to guess which of several thresholds tripped.

use std::collections::BTreeMap;

use plumb_diagnostics::{CheckOutcome, GateFailure};

use crate::settings::{FailOn, Settings};

/// The gate's configuration: `--fail-under` / `[gate] fail-under` and `[gate] max`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GateSettings {
    /// Scope name (`production`, `tests`, `overall` or a configured scope) to the lowest
    /// compliance percentage that passes.
    pub fail_under: BTreeMap<String, f64>,
    /// Rule code to the most violations of that rule that pass (known ones included: a budget
    /// is about the total, not about what is new).
    pub max: BTreeMap<String, usize>,
}

/// Fills `outcome.summary.gate_failures`: fail-on (new violations only), stale baseline,
/// compliance floors, then per-rule budgets, in that order.
pub fn evaluate(outcome: &mut CheckOutcome, settings: &Settings) {
    let mut failures = Vec::new();
    if let FailOn::Severity(gate) = settings.fail_on {
        let failing = outcome
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.is_new() && diagnostic.severity >= gate)
            .count();
        if failing > 0 {
            let which = match (outcome.summary.baseline.is_some(), failing) {
                (true, 1) => "new violation",
                (true, _) => "new violations",
                (false, 1) => "violation",
                (false, _) => "violations",
            };
            failures.push(GateFailure {
                condition: format!("fail-on {gate}"),
                figure: failing.to_string(),
                threshold: "0".into(),
                message: format!("{failing} {which} at or above {gate}"),
            });
        }
    }
    if settings.fail_on_stale_baseline
        && let Some(failure) = outcome
            .summary
            .baseline
            .as_ref()
            .and_then(crate::baseline::stale_failure)
    {
        failures.push(failure);
    }
    for (scope, &floor) in &settings.gate.fail_under {
        let Some(compliance) = outcome
            .summary
            .compliance
            .iter()
            .find(|compliance| &compliance.scope == scope)
        else {
            continue;
        };
        // A scope without files has no percentage; it cannot be under anything.
        let Some(percent) = compliance.percent else {
            continue;
        };
        if percent < floor {
            failures.push(GateFailure {
                condition: format!("fail-under {scope}"),
                figure: format!("{percent:.1}%"),
                threshold: format!("{}%", trim_float(floor)),
                message: format!(
                    "{scope} compliance {percent:.1}% ({}/{} files) is under {}%",
                    compliance.compliant,
                    compliance.files,
                    trim_float(floor)
                ),
            });
        }
    }
    for (code, &budget) in &settings.gate.max {
        let count = outcome.summary.by_rule.get(code).copied().unwrap_or(0);
        if count > budget {
            failures.push(GateFailure {
                condition: format!("max {code}"),
                figure: count.to_string(),
                threshold: budget.to_string(),
                message: format!("{count} {code} violations, over the budget of {budget}"),
            });
        }
    }
    outcome.summary.gate_failures = failures;
}

/// `80` rather than `80.0`, `99.5` as is.
fn trim_float(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_print_without_needless_decimals() {
        assert_eq!(trim_float(80.0), "80");
        assert_eq!(trim_float(99.5), "99.5");
    }
}
