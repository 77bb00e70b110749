//! Modules a framework provides at run time, so no `package.json` declares them and no
//! `node_modules` holds them: `vscode` inside a VS Code extension, `server-only` in a Next.js
//! app. Each is provided only when the framework is there (declared, or named in `engines`);
//! without it the import stays what it is (IMP002 when undeclared).
//!
//! Only modules whose provider is certain are listed: a wrong entry would silence a real
//! undeclared dependency.

/// What makes a framework present in a `package.json`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Present {
    /// One of these packages is declared (any dependency section).
    Declared(&'static [&'static str]),
    /// `engines` has this key (the VS Code extension manifest's `engines.vscode`).
    Engine(&'static str),
}

/// One provided module: `module` is a specifier, or a prefix ending in `/` that covers every
/// specifier below it (`@theme/` covers `@theme/Layout`).
#[derive(Debug)]
pub(crate) struct Provided {
    pub(crate) module: &'static str,
    pub(crate) framework: &'static str,
    pub(crate) present: &'static [Present],
}

/// Docusaurus client API modules: `@docusaurus/core` aliases these names, which are not
/// packages of their own (`@docusaurus/theme-common` is, and is not listed).
const DOCUSAURUS_CLIENT: &[&str] = &[
    "@docusaurus/BrowserOnly",
    "@docusaurus/ComponentCreator",
    "@docusaurus/ErrorBoundary",
    "@docusaurus/ExecutionEnvironment",
    "@docusaurus/Head",
    "@docusaurus/Interpolate",
    "@docusaurus/Link",
    "@docusaurus/Noop",
    "@docusaurus/Translate",
    "@docusaurus/constants",
    "@docusaurus/isInternalUrl",
    "@docusaurus/renderRoutes",
    "@docusaurus/router",
    "@docusaurus/useBaseUrl",
    "@docusaurus/useBrokenLinks",
    "@docusaurus/useDocusaurusContext",
    "@docusaurus/useGlobalData",
    "@docusaurus/useIsBrowser",
    "@docusaurus/useIsomorphicLayoutEffect",
    "@docusaurus/useRouteContext",
];

const DOCUSAURUS: &[Present] = &[Present::Declared(&[
    "@docusaurus/core",
    "@docusaurus/module-type-aliases",
])];

const NEXT: &[Present] = &[Present::Declared(&["next"])];

/// The table. `@types/x` of a module already counts as declaring it, so `@types/vscode` and
/// `@types/bun` need no entry of their own.
const PROVIDED: &[Provided] = &[
    // The extension host injects `vscode`; the manifest's `engines.vscode` makes a package an
    // extension.
    Provided {
        module: "vscode",
        framework: "VS Code (`engines.vscode`)",
        present: &[Present::Engine("vscode")],
    },
    // Next.js resolves these marker packages itself; installing them is optional.
    Provided {
        module: "server-only",
        framework: "Next.js (`next`)",
        present: NEXT,
    },
    Provided {
        module: "client-only",
        framework: "Next.js (`next`)",
        present: NEXT,
    },
    // The Bun runtime's own module; `bun-types` is its type package under another name.
    Provided {
        module: "bun",
        framework: "Bun (`bun-types`)",
        present: &[Present::Declared(&["bun-types"])],
    },
    // Docusaurus webpack aliases.
    Provided {
        module: "@theme/",
        framework: "Docusaurus (`@docusaurus/core`)",
        present: DOCUSAURUS,
    },
    Provided {
        module: "@theme-original/",
        framework: "Docusaurus (`@docusaurus/core`)",
        present: DOCUSAURUS,
    },
    Provided {
        module: "@theme-init/",
        framework: "Docusaurus (`@docusaurus/core`)",
        present: DOCUSAURUS,
    },
    Provided {
        module: "@site/",
        framework: "Docusaurus (`@docusaurus/core`)",
        present: DOCUSAURUS,
    },
    Provided {
        module: "@generated/",
        framework: "Docusaurus (`@docusaurus/core`)",
        present: DOCUSAURUS,
    },
];

/// The entries that may provide `specifier`, with the Docusaurus client modules.
pub(crate) fn candidates(specifier: &str) -> impl Iterator<Item = &'static Provided> {
    const CLIENT: Provided = Provided {
        module: "",
        framework: "Docusaurus (`@docusaurus/core`)",
        present: DOCUSAURUS,
    };
    let client = DOCUSAURUS_CLIENT.contains(&specifier).then_some(&CLIENT);
    PROVIDED
        .iter()
        .filter(move |provided| match provided.module.strip_suffix('/') {
            Some(_) => specifier.starts_with(provided.module),
            None => provided.module == specifier,
        })
        .chain(client)
}

#[cfg(test)]
mod tests {
    use super::candidates;

    #[test]
    fn modules_match_exactly_or_below_a_prefix() {
        let names = |specifier| {
            candidates(specifier)
                .map(|provided| provided.framework)
                .collect::<Vec<_>>()
        };
        assert_eq!(names("vscode"), vec!["VS Code (`engines.vscode`)"]);
        assert!(names("vscode/sub").is_empty());
        assert_eq!(names("@theme/Layout").len(), 1);
        assert!(names("@theme").is_empty());
        assert_eq!(names("@docusaurus/Link").len(), 1);
        assert!(names("@docusaurus/theme-common").is_empty());
        assert!(names("server-only-ish").is_empty());
    }
}
