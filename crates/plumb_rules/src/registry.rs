//! The explicit list of built-in rules. Adding a rule is one line here; the consistency tests
//! below keep codes unique, names kebab-case and every rule documented and covered by fixtures.

use crate::rules::{imp, io, mck, siz, sup, syn, typ};
use crate::{ConfigurableRule, FileRule, ProjectRule, RuleMeta, RuleMetadata, RuleScope};

/// Builds a file rule from its `[rules.CODE]` options, or says why they are invalid.
pub type RuleFactory = fn(toml::Table) -> Result<Box<dyn FileRule>, String>;

/// Builds a project rule from its `[rules.CODE]` options, or says why they are invalid.
pub type ProjectRuleFactory = fn(toml::Table) -> Result<Box<dyn ProjectRule>, String>;

/// How a rule with options is built from its config table.
#[derive(Clone, Copy)]
pub enum Configure {
    File(RuleFactory),
    Project(ProjectRuleFactory),
}

impl Configure {
    /// Builds the rule once to check `table`; the error names the offending key in backticks.
    pub fn validate(self, table: toml::Table) -> Result<(), String> {
        match self {
            Configure::File(factory) => factory(table).map(drop),
            Configure::Project(factory) => factory(table).map(drop),
        }
    }
}

/// One rule as the engine sees it: metadata, its check unless the engine emits it itself (file
/// rules with default options), and how to configure it if it has options.
pub struct RegisteredRule {
    pub meta: &'static RuleMeta,
    pub file_check: Option<Box<dyn FileRule>>,
    pub project_check: Option<Box<dyn ProjectRule>>,
    pub configure: Option<Configure>,
}

fn file_rule<R: RuleMetadata + FileRule + Default + 'static>() -> RegisteredRule {
    RegisteredRule {
        meta: &R::META,
        file_check: Some(Box::new(R::default())),
        project_check: None,
        configure: None,
    }
}

/// A file rule with options: [`ConfigurableRule::Options`] read from its config table.
fn configurable_file_rule<R>() -> RegisteredRule
where
    R: RuleMetadata + FileRule + ConfigurableRule + Default + 'static,
{
    fn configure<R: FileRule + ConfigurableRule + 'static>(
        table: toml::Table,
    ) -> Result<Box<dyn FileRule>, String> {
        let options: R::Options = table.try_into().map_err(|error| error.to_string())?;
        Ok(Box::new(R::with_options(options)))
    }
    RegisteredRule {
        configure: Some(Configure::File(configure::<R>)),
        ..file_rule::<R>()
    }
}

fn project_rule<R: RuleMetadata + ProjectRule + Default + 'static>() -> RegisteredRule {
    RegisteredRule {
        meta: &R::META,
        file_check: None,
        project_check: Some(Box::new(R::default())),
        configure: None,
    }
}

/// A project rule with options: [`ConfigurableRule::Options`] read from its config table.
fn configurable_project_rule<R>() -> RegisteredRule
where
    R: RuleMetadata + ProjectRule + ConfigurableRule + Default + 'static,
{
    fn configure<R: ProjectRule + ConfigurableRule + 'static>(
        table: toml::Table,
    ) -> Result<Box<dyn ProjectRule>, String> {
        let options: R::Options = table.try_into().map_err(|error| error.to_string())?;
        R::try_with_options(options).map(|rule| Box::new(rule) as Box<dyn ProjectRule>)
    }
    RegisteredRule {
        configure: Some(Configure::Project(configure::<R>)),
        ..project_rule::<R>()
    }
}

fn engine_rule<R: RuleMetadata>() -> RegisteredRule {
    RegisteredRule {
        meta: &R::META,
        file_check: None,
        project_check: None,
        configure: None,
    }
}

/// All built-in rules, sorted by code.
pub struct Registry {
    rules: Vec<RegisteredRule>,
}

impl Registry {
    pub fn builtin() -> Self {
        let mut rules = vec![
            engine_rule::<io::unreadable_file::UnreadableFile>(),
            engine_rule::<io::skipped_file::SkippedFile>(),
            engine_rule::<sup::invalid_suppression::InvalidSuppression>(),
            engine_rule::<sup::unused_suppression::UnusedSuppression>(),
            file_rule::<syn::syntax_error::SyntaxError>(),
            configurable_file_rule::<mck::unjustified_mock::UnjustifiedMock>(),
            configurable_file_rule::<siz::file_too_long::FileTooLong>(),
            configurable_file_rule::<siz::function_too_long::FunctionTooLong>(),
            configurable_project_rule::<typ::duplicate_type_definition::DuplicateTypeDefinition>(),
            configurable_project_rule::<imp::unresolved_import::UnresolvedImport>(),
            configurable_project_rule::<imp::undeclared_dependency::UndeclaredDependency>(),
            project_rule::<imp::unverifiable_import::UnverifiableImport>(),
        ];
        rules.sort_by_key(|rule| rule.meta.code);
        Registry { rules }
    }

    /// Adds rules defined outside the binary (declarative rules), keeping the order by code.
    /// Their codes must not be taken: the loader checks that first.
    pub fn extend(&mut self, rules: impl IntoIterator<Item = RegisteredRule>) {
        self.rules.extend(rules);
        self.rules.sort_by_key(|rule| rule.meta.code);
    }

    pub fn iter(&self) -> impl Iterator<Item = &RegisteredRule> {
        self.rules.iter()
    }

    /// Looks a rule up by code or by name, case-insensitively for codes.
    pub fn find(&self, code_or_name: &str) -> Option<&RegisteredRule> {
        self.rules.iter().find(|rule| {
            rule.meta.code.eq_ignore_ascii_case(code_or_name) || rule.meta.name == code_or_name
        })
    }

    /// Families (`SYN`, `IO`, ...) present, for selecting a whole family by prefix.
    pub fn families(&self) -> Vec<&'static str> {
        let mut families: Vec<_> = self.rules.iter().map(|rule| rule.meta.family).collect();
        families.dedup();
        families
    }

    pub fn metas(&self) -> Vec<&'static RuleMeta> {
        self.rules.iter().map(|rule| rule.meta).collect()
    }
}

impl RegisteredRule {
    pub fn is_engine(&self) -> bool {
        self.meta.scope == RuleScope::Engine
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::path::Path;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let registry = Registry::builtin();
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for rule in registry.iter() {
            assert!(
                codes.insert(rule.meta.code),
                "duplicate code {}",
                rule.meta.code
            );
            assert!(
                names.insert(rule.meta.name),
                "duplicate name {}",
                rule.meta.name
            );
            assert_eq!(
                rule.meta.scope == RuleScope::File,
                rule.file_check.is_some()
            );
            assert_eq!(
                rule.meta.scope == RuleScope::Project,
                rule.project_check.is_some()
            );
        }
    }

    #[test]
    fn every_rule_has_fixture_folders() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rules");
        for rule in Registry::builtin().iter() {
            let folder = fixtures.join(format!("{}-{}", rule.meta.code, rule.meta.name));
            let cases: Vec<String> = std::fs::read_dir(&folder)
                .unwrap_or_else(|_| panic!("missing fixture folder {}", folder.display()))
                .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
                .collect();
            assert!(
                cases.iter().any(|case| case.starts_with("clean-")),
                "{} has no clean- case",
                rule.meta.code
            );
            assert!(
                cases.iter().any(|case| !case.starts_with("clean-")),
                "{} has no violating case",
                rule.meta.code
            );
        }
    }
}
