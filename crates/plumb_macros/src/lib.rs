//! `#[derive(Rule)]`: turns a rule struct's doc comment and `#[rule(...)]` attribute into its
//! static metadata, so `plumb explain`, `plumb rules`, SARIF rule descriptions and the README table
//! all come from one text that lives beside the rule's code.
//!
//! The derive refuses to compile a rule whose docs lack a required section: documentation that can
//! be forgotten will be.

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::quote;
use syn::{DeriveInput, Expr, ExprLit, Lit, Meta, parse_macro_input};

const REQUIRED_SECTIONS: [&str; 4] = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
];
const SEVERITIES: [&str; 3] = ["error", "warning", "info"];
const SCOPES: [&str; 3] = ["file", "project", "engine"];
const LANGUAGES: [&str; 3] = ["python", "typescript", "javascript"];

#[proc_macro_derive(Rule, attributes(rule))]
pub fn derive_rule(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(error) => error.to_compile_error().into(),
    }
}

#[derive(Default)]
struct RuleAttributes {
    code: Option<String>,
    name: Option<String>,
    family: Option<String>,
    scope: Option<String>,
    languages: Option<String>,
    default_severity: Option<String>,
    since: Option<String>,
    default_enabled: Option<String>,
}

fn expand(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let docs = doc_comment(input);
    for section in REQUIRED_SECTIONS {
        if !docs.lines().any(|line| line.trim_end() == section) {
            return Err(syn::Error::new_spanned(
                &input.ident,
                format!("rule docs must have a `{section}` section"),
            ));
        }
    }
    let summary = summary(&docs).ok_or_else(|| {
        syn::Error::new_spanned(&input.ident, "`## What it does` needs a first sentence")
    })?;

    let attributes = rule_attributes(input)?;
    let missing =
        |what: &str| syn::Error::new_spanned(&input.ident, format!("#[rule] needs `{what}`"));
    let code = attributes.code.ok_or_else(|| missing("code"))?;
    let name = attributes.name.ok_or_else(|| missing("name"))?;
    let family = attributes.family.ok_or_else(|| missing("family"))?;
    let scope = attributes.scope.ok_or_else(|| missing("scope"))?;
    let languages = attributes.languages.ok_or_else(|| missing("languages"))?;
    let severity = attributes
        .default_severity
        .ok_or_else(|| missing("default_severity"))?;
    let since = attributes.since.ok_or_else(|| missing("since"))?;
    let default_enabled = match attributes.default_enabled.as_deref() {
        None | Some("true") => true,
        Some("false") => false,
        Some(other) => {
            return Err(syn::Error::new_spanned(
                &input.ident,
                format!("default_enabled must be \"true\" or \"false\", not `{other}`"),
            ));
        }
    };

    let invalid = |message: String| syn::Error::new(Span::call_site(), message);
    if !code.starts_with(&family) || !code[family.len()..].chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid(format!(
            "code `{code}` must be family `{family}` plus digits"
        )));
    }
    if name.is_empty()
        || !name.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
    {
        return Err(invalid(format!("name `{name}` must be kebab-case")));
    }
    let scope_variant = match scope.as_str() {
        "file" => quote!(crate::RuleScope::File),
        "project" => quote!(crate::RuleScope::Project),
        "engine" => quote!(crate::RuleScope::Engine),
        other => return Err(invalid(format!("scope `{other}` is not one of {SCOPES:?}"))),
    };
    let severity_variant = match severity.as_str() {
        "error" => quote!(crate::Severity::Error),
        "warning" => quote!(crate::Severity::Warning),
        "info" => quote!(crate::Severity::Info),
        other => {
            return Err(invalid(format!(
                "severity `{other}` is not one of {SEVERITIES:?}"
            )));
        }
    };
    let mut language_variants = Vec::new();
    for language in languages.split(',').map(str::trim) {
        language_variants.push(match language {
            "python" => quote!(crate::Language::Python),
            "typescript" => quote!(crate::Language::TypeScript),
            "javascript" => quote!(crate::Language::JavaScript),
            other => {
                return Err(invalid(format!(
                    "language `{other}` is not one of {LANGUAGES:?}"
                )));
            }
        });
    }

    let ident = &input.ident;
    Ok(quote! {
        impl crate::RuleMetadata for #ident {
            const META: crate::RuleMeta = crate::RuleMeta {
                code: #code,
                name: #name,
                family: #family,
                scope: #scope_variant,
                languages: &[#(#language_variants),*],
                default_severity: #severity_variant,
                since: #since,
                default_enabled: #default_enabled,
                summary: #summary,
                docs: #docs,
            };
        }
    })
}

/// The struct's `///` lines joined, with the single leading space rustdoc adds removed.
fn doc_comment(input: &DeriveInput) -> String {
    let mut lines = Vec::new();
    for attribute in &input.attrs {
        if let Meta::NameValue(name_value) = &attribute.meta
            && name_value.path.is_ident("doc")
            && let Expr::Lit(ExprLit {
                lit: Lit::Str(text),
                ..
            }) = &name_value.value
        {
            let value = text.value();
            lines.push(value.strip_prefix(' ').unwrap_or(&value).to_string());
        }
    }
    lines.join("\n").trim().to_string()
}

/// The first sentence under `## What it does`, used as the one-line description.
fn summary(docs: &str) -> Option<String> {
    let after = docs.split("## What it does").nth(1)?;
    let paragraph: Vec<&str> = after
        .lines()
        .map(str::trim)
        .skip_while(|line| line.is_empty())
        .take_while(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    let text = paragraph.join(" ");
    let sentence = match text.find(". ") {
        Some(end) => &text[..=end],
        None => text.as_str(),
    };
    (!sentence.is_empty()).then(|| sentence.trim().to_string())
}

fn rule_attributes(input: &DeriveInput) -> syn::Result<RuleAttributes> {
    let mut attributes = RuleAttributes::default();
    let mut found = false;
    for attribute in input
        .attrs
        .iter()
        .filter(|attribute| attribute.path().is_ident("rule"))
    {
        found = true;
        attribute.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let value: syn::LitStr = meta.value()?.parse()?;
            let slot = match key.as_str() {
                "code" => &mut attributes.code,
                "name" => &mut attributes.name,
                "family" => &mut attributes.family,
                "scope" => &mut attributes.scope,
                "languages" => &mut attributes.languages,
                "default_severity" => &mut attributes.default_severity,
                "since" => &mut attributes.since,
                "default_enabled" => &mut attributes.default_enabled,
                _ => return Err(meta.error(format!("unknown #[rule] key `{key}`"))),
            };
            *slot = Some(value.value());
            Ok(())
        })?;
    }
    if !found {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "missing #[rule(...)] attribute",
        ));
    }
    Ok(attributes)
}
