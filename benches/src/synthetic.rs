//! A deterministic synthetic repository: a Python backend with tests and a TypeScript frontend with
//! tests, shaped like a small real product (models, services, views, API clients, stores, React
//! components, mocks in tests). A handful of files carry real syntax errors, and a `node_modules/`
//! folder and a gitignored `dist/` bundle exercise the walk's exclusions.
//!
//! Templates (in [`crate::templates`]) use `@TOKEN@` placeholders instead of `format!` so that the
//! Python and TypeScript braces need no escaping. The same seed always writes byte-identical
//! files. The builders here take a `size` multiplier: this tree uses 1, [`crate::monorepo`] more,
//! for files as long as real application code.

use std::io;
use std::path::Path;

use crate::templates::*;

/// What [`write_synthetic_tree`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyntheticTree {
    /// `.py` files plumb will check.
    pub python_files: usize,
    /// `.ts`/`.tsx`/`.js`/`.d.ts` files plumb will check.
    pub ecma_files: usize,
    /// Files among those with a deliberate syntax error (each gets exactly one SYN001).
    pub broken_files: usize,
    /// Bytes of all checked files.
    pub bytes: u64,
}

pub(crate) const DOMAINS: [&str; 30] = [
    "accounts",
    "billing",
    "catalog",
    "orders",
    "shipping",
    "inventory",
    "payments",
    "notifications",
    "search",
    "analytics",
    "reports",
    "users",
    "auth",
    "sessions",
    "audit",
    "support",
    "tickets",
    "pricing",
    "discounts",
    "reviews",
    "media",
    "exports",
    "imports",
    "webhooks",
    "scheduling",
    "messaging",
    "profiles",
    "preferences",
    "tenants",
    "invoices",
];

pub(crate) const FEATURES: [&str; 24] = [
    "dashboard",
    "checkout",
    "cart",
    "catalog",
    "orders",
    "profile",
    "settings",
    "search",
    "billing",
    "reports",
    "inbox",
    "calendar",
    "teams",
    "projects",
    "tasks",
    "files",
    "comments",
    "audit",
    "onboarding",
    "pricing",
    "invoices",
    "shipping",
    "reviews",
    "support",
];

pub(crate) const FIELD_TYPES: [(&str, &str); 6] = [
    ("str", "\"\""),
    ("int", "0"),
    ("Decimal", "Decimal(\"0\")"),
    ("bool", "False"),
    ("Optional[str]", "None"),
    ("list[str]", "field(default_factory=list)"),
];

pub(crate) const TS_FIELD_TYPES: [&str; 6] = [
    "string",
    "number",
    "boolean",
    "string | null",
    "readonly string[]",
    "Date",
];

/// SplitMix64: tiny, fast and the same on every platform.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    pub(crate) fn range(&mut self, low: usize, high: usize) -> usize {
        low + (self.next() % (high - low + 1) as u64) as usize
    }
}

pub(crate) fn pascal(word: &str) -> String {
    let singular = word.strip_suffix('s').unwrap_or(word);
    let mut chars = singular.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

pub(crate) fn fill(template: &str, entity: &str, domain: &str) -> String {
    template
        .replace("@E@", entity)
        .replace("@d@", domain)
        .replace("@e@", &entity.to_ascii_lowercase())
}

struct Writer<'a> {
    root: &'a Path,
    tree: SyntheticTree,
}

impl Writer<'_> {
    /// Writes a file plumb checks and counts it.
    fn source(&mut self, relative: &str, text: &str, broken: bool) -> io::Result<()> {
        // This tree justifies no mock: the markers for justification comments go.
        let text = &text.replace(JUSTIFY, "");
        self.other(relative, text)?;
        if relative.ends_with(".py") {
            self.tree.python_files += 1;
        } else {
            self.tree.ecma_files += 1;
        }
        self.tree.broken_files += usize::from(broken);
        self.tree.bytes += text.len() as u64;
        Ok(())
    }

    /// Writes a file that is not counted (config, excluded or ignored files).
    fn other(&self, relative: &str, text: &str) -> io::Result<()> {
        let path = self.root.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)
    }
}

/// Writes the synthetic repository under `root` (which should be empty) and returns its counts:
/// 221 Python and 172 TypeScript/JavaScript files, 1.2 MB in all, 5 with syntax errors.
///
/// # Errors
/// Any error creating directories or writing files.
pub fn write_synthetic_tree(root: &Path) -> io::Result<SyntheticTree> {
    let mut rng = Rng(0x5EED_0FB1_E5ED);
    let mut out = Writer {
        root,
        tree: SyntheticTree::default(),
    };

    out.other(
        "backend/pyproject.toml",
        "[project]\nname = \"shop-backend\"\nrequires-python = \">=3.10\"\n",
    )?;
    out.source(
        "backend/app/__init__.py",
        "\"\"\"The shop backend.\"\"\"\n\n__version__ = \"4.2.0\"\n",
        false,
    )?;
    for (name, template) in CORE_MODULES {
        out.source(&format!("backend/app/core/{name}.py"), template, false)?;
    }
    out.source("backend/app/core/__init__.py", "", false)?;
    out.source("backend/tests/conftest.py", CONFTEST, false)?;

    for (index, domain) in DOMAINS.iter().enumerate() {
        let entity = pascal(domain);
        let base = format!("backend/app/{domain}");
        out.source(
            &format!("{base}/__init__.py"),
            &fill(PY_INIT, &entity, domain),
            false,
        )?;
        out.source(
            &format!("{base}/models.py"),
            &python_models(&mut rng, &entity, domain, 1),
            false,
        )?;
        out.source(
            &format!("{base}/schemas.py"),
            &python_schemas(&mut rng, &entity, domain, 1),
            false,
        )?;

        let services = python_services(&mut rng, &entity, domain, 1);
        out.source(&format!("{base}/services.py"), &services, false)?;

        let mut views = python_views(&mut rng, &entity, domain, 1);
        let broken_view = index == 7;
        if broken_view {
            // The last handler's `def` line loses its colon, far down the file.
            views = break_last(&views, "]]:\n", "]]\n");
        }
        out.source(&format!("{base}/views.py"), &views, broken_view)?;

        out.source(
            &format!("backend/tests/{domain}/test_models.py"),
            &python_model_tests(&mut rng, &entity, domain, 1),
            false,
        )?;
        let mut service_tests = python_service_tests(&mut rng, &entity, domain, 1);
        let broken_test = index == 19;
        if broken_test {
            // An unclosed call at the end of the file.
            service_tests.push_str("\n\ndef test_unfinished():\n    assert_called_once(\n");
        }
        out.source(
            &format!("backend/tests/{domain}/test_services.py"),
            &service_tests,
            broken_test,
        )?;
    }
    out.source(
        "backend/scripts/seed_data.py",
        &fill(SCRIPT, "Seed", "seed"),
        false,
    )?;
    out.source(
        "backend/scripts/rebuild_index.py",
        &fill(SCRIPT, "Index", "search"),
        false,
    )?;
    // A Python 2 leftover: a print statement.
    let legacy = fill(SCRIPT, "Legacy", "legacy") + "\nprint \"migration finished\"\n";
    out.source("backend/scripts/migrate_legacy.py", &legacy, true)?;

    out.other(
        "frontend/package.json",
        "{\n  \"name\": \"shop-frontend\",\n  \"private\": true,\n  \"type\": \"module\"\n}\n",
    )?;
    out.other("frontend/.gitignore", "dist/\ncoverage/\n")?;
    out.other(
        "frontend/dist/bundle.js",
        "(function(){console.log(\"built\")})();\n",
    )?;
    out.other(
        "frontend/node_modules/left-pad/index.js",
        "module.exports = (s, n) => s.padStart(n);\n",
    )?;
    out.source("frontend/src/types/global.d.ts", GLOBAL_DTS, false)?;
    out.source("frontend/src/lib/http.ts", HTTP_CLIENT, false)?;
    out.source("frontend/src/lib/format.js", FORMAT_JS, false)?;
    out.source("frontend/vite.config.mjs", VITE_CONFIG, false)?;

    for (index, feature) in FEATURES.iter().enumerate() {
        let entity = pascal(feature);
        let base = format!("frontend/src/features/{feature}");
        let mut types = ts_types(&mut rng, &entity, feature, 1);
        let broken_types = index == 5;
        if broken_types {
            // A property without its `:`, which oxc accepts but TypeScript's grammar rejects.
            types = types.replacen("  id: string;", "  id string;", 1);
        }
        out.source(&format!("{base}/types.ts"), &types, broken_types)?;

        let mut api = ts_api(&mut rng, &entity, feature, 1);
        let broken_api = index == 17;
        if broken_api {
            api.push_str("\nexport function unfinished(input: string {\n  return input;\n}\n");
        }
        out.source(&format!("{base}/api.ts"), &api, broken_api)?;
        out.source(
            &format!("{base}/store.ts"),
            &ts_store(&mut rng, &entity, feature, 1),
            false,
        )?;
        out.source(
            &format!("{base}/{entity}View.tsx"),
            &ts_component(&mut rng, &entity, feature, 1),
            false,
        )?;
        out.source(
            &format!("{base}/index.ts"),
            &fill(TS_INDEX, &entity, feature),
            false,
        )?;
        out.source(
            &format!("{base}/__tests__/api.test.ts"),
            &ts_api_test(&mut rng, &entity, feature, 1),
            false,
        )?;
        out.source(
            &format!("{base}/__tests__/store.test.ts"),
            &ts_store_test(&mut rng, &entity, feature, 1),
            false,
        )?;
    }
    Ok(out.tree)
}

/// Replaces the last occurrence of `from` with `to`.
pub(crate) fn break_last(text: &str, from: &str, to: &str) -> String {
    let at = text
        .rfind(from)
        .expect("the template contains the text to break");
    format!("{}{to}{}", &text[..at], &text[at + from.len()..])
}

pub(crate) fn python_models(rng: &mut Rng, entity: &str, domain: &str, size: usize) -> String {
    let mut text = fill(PY_MODELS_HEAD, entity, domain);
    for index in 0..rng.range(3 * size, 9 * size) {
        let (kind, default) = FIELD_TYPES[rng.range(0, FIELD_TYPES.len() - 1)];
        text.push_str(&format!("    field_{index}: {kind} = {default}\n"));
    }
    text.push_str(&fill(PY_MODELS_METHODS, entity, domain));
    for index in 0..rng.range(2 * size, 8 * size) {
        text.push_str(&fill(PY_MODEL_METHOD, entity, domain).replace("@i@", &index.to_string()));
    }
    text.push_str(&fill(PY_MODELS_TAIL, entity, domain));
    text
}

pub(crate) fn python_schemas(rng: &mut Rng, entity: &str, domain: &str, size: usize) -> String {
    let mut text = fill(PY_SCHEMAS, entity, domain);
    for index in 0..rng.range(2 * size, 6 * size) {
        text.push_str(&fill(PY_VALIDATOR, entity, domain).replace("@i@", &index.to_string()));
    }
    text
}

pub(crate) fn python_services(rng: &mut Rng, entity: &str, domain: &str, size: usize) -> String {
    let mut text = fill(PY_SERVICES_HEAD, entity, domain);
    for index in 0..rng.range(4 * size, 14 * size) {
        let template = if index % 3 == 2 {
            PY_SERVICE_MATCH
        } else {
            PY_SERVICE_METHOD
        };
        text.push_str(&fill(template, entity, domain).replace("@i@", &index.to_string()));
    }
    text.push_str(&fill(PY_SERVICES_TAIL, entity, domain));
    text
}

pub(crate) fn python_views(rng: &mut Rng, entity: &str, domain: &str, size: usize) -> String {
    let mut text = fill(PY_VIEWS_HEAD, entity, domain);
    for index in 0..rng.range(3 * size, 10 * size) {
        text.push_str(&fill(PY_VIEW, entity, domain).replace("@i@", &index.to_string()));
    }
    text
}

pub(crate) fn python_model_tests(rng: &mut Rng, entity: &str, domain: &str, size: usize) -> String {
    let mut text = fill(PY_MODEL_TESTS_HEAD, entity, domain);
    for index in 0..rng.range(3 * size, 10 * size) {
        text.push_str(&fill(PY_MODEL_TEST, entity, domain).replace("@i@", &index.to_string()));
    }
    text
}

pub(crate) fn python_service_tests(
    rng: &mut Rng,
    entity: &str,
    domain: &str,
    size: usize,
) -> String {
    let mut text = fill(PY_SERVICE_TESTS_HEAD, entity, domain);
    for index in 0..rng.range(4 * size, 12 * size) {
        text.push_str(&fill(PY_SERVICE_TEST, entity, domain).replace("@i@", &index.to_string()));
    }
    text
}

pub(crate) fn ts_types(rng: &mut Rng, entity: &str, feature: &str, size: usize) -> String {
    let mut text = fill(TS_TYPES_HEAD, entity, feature);
    for index in 0..rng.range(3 * size, 10 * size) {
        let kind = TS_FIELD_TYPES[rng.range(0, TS_FIELD_TYPES.len() - 1)];
        text.push_str(&format!("  field{index}: {kind};\n"));
    }
    text.push_str(&fill(TS_TYPES_TAIL, entity, feature));
    text
}

pub(crate) fn ts_api(rng: &mut Rng, entity: &str, feature: &str, size: usize) -> String {
    let mut text = fill(TS_API_HEAD, entity, feature);
    for index in 0..rng.range(3 * size, 10 * size) {
        text.push_str(&fill(TS_API_CALL, entity, feature).replace("@i@", &index.to_string()));
    }
    text
}

pub(crate) fn ts_store(rng: &mut Rng, entity: &str, feature: &str, size: usize) -> String {
    let mut text = fill(TS_STORE_HEAD, entity, feature);
    for index in 0..rng.range(2 * size, 8 * size) {
        text.push_str(&fill(TS_STORE_METHOD, entity, feature).replace("@i@", &index.to_string()));
    }
    text.push_str("}\n");
    text
}

pub(crate) fn ts_component(rng: &mut Rng, entity: &str, feature: &str, size: usize) -> String {
    let mut text = fill(TSX_HEAD, entity, feature);
    for index in 0..rng.range(size, 4 * size) {
        text.push_str(&fill(TSX_ROW, entity, feature).replace("@i@", &index.to_string()));
    }
    text.push_str(&fill(TSX_VIEW, entity, feature));
    text
}

pub(crate) fn ts_api_test(rng: &mut Rng, entity: &str, feature: &str, size: usize) -> String {
    let mut text = fill(TS_API_TEST_HEAD, entity, feature);
    for index in 0..rng.range(3 * size, 9 * size) {
        text.push_str(&fill(TS_API_TEST, entity, feature).replace("@i@", &index.to_string()));
    }
    text.push_str("});\n");
    text
}

pub(crate) fn ts_store_test(rng: &mut Rng, entity: &str, feature: &str, size: usize) -> String {
    let mut text = fill(TS_STORE_TEST_HEAD, entity, feature);
    for index in 0..rng.range(2 * size, 7 * size) {
        text.push_str(&fill(TS_STORE_TEST, entity, feature).replace("@i@", &index.to_string()));
    }
    text.push_str("});\n");
    text
}
