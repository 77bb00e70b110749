//! The files of one unit, built from the shared templates, with the unit's defects injected.

use crate::synthetic::{
    Rng, break_last, fill, python_model_tests, python_models, python_schemas, python_service_tests,
    python_services, python_views, ts_api, ts_api_test, ts_component, ts_store, ts_store_test,
    ts_types,
};
use crate::templates::{PY_INIT, TS_INDEX};

use super::duplicates::{self, Family, Kind};
use super::file::GenFile;
use super::plan::Unit;

/// Repetitions of each template's repeated block, relative to the small criterion tree: real
/// application modules are a few hundred lines (the monorepos average 5-12 KB a file).
const PYTHON_SIZE: usize = 3;
const ECMA_SIZE: usize = 3;

/// The seven files of `unit`, in a fixed order, markers still in place.
pub(crate) fn build(unit: &Unit) -> Vec<GenFile> {
    // Each unit has its own stream, so units can be built in any order.
    let mut rng = Rng(0x5EED_0FB1_E5ED ^ (unit.index as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let mut files = match unit.language {
        Family::Python => python(unit, &mut rng),
        Family::Ecma => ecma(unit, &mut rng),
    };
    for copy in &unit.copies {
        // Duplicates go to the models (Python), schemas (TypedDicts) or the store (TS).
        let path = path_of(unit, copy.kind);
        let file = files
            .iter_mut()
            .find(|file| file.path == path)
            .expect("the unit has the file its duplicates go to");
        file.text.push_str(&duplicates::definition(copy));
        file.duplicate_headers.push(duplicates::header(copy));
    }
    files
}

/// `__init__`, models, schemas, services, views; `test_models`, `test_services`.
fn python(unit: &Unit, rng: &mut Rng) -> Vec<GenFile> {
    let (entity, domain) = (unit.entity.as_str(), unit.name.as_str());
    let defects = unit.defects();
    let base = format!("backend/app/{domain}");
    let tests = format!("backend/tests/{domain}");
    let source = |name: &str, text: String| GenFile::new(format!("{base}/{name}"), text, false);
    let test = |name: &str, text: String| GenFile::new(format!("{tests}/{name}"), text, true);
    let init = source("__init__.py", fill(PY_INIT, entity, domain));
    let models = source("models.py", python_models(rng, entity, domain, PYTHON_SIZE));
    let mut schemas = source(
        "schemas.py",
        python_schemas(rng, entity, domain, PYTHON_SIZE),
    );
    let mut services = source(
        "services.py",
        python_services(rng, entity, domain, PYTHON_SIZE),
    );
    let mut views = source("views.py", python_views(rng, entity, domain, PYTHON_SIZE));
    let mut model_tests = test(
        "test_models.py",
        python_model_tests(rng, entity, domain, PYTHON_SIZE),
    );
    let mut service_tests = test(
        "test_services.py",
        python_service_tests(rng, entity, domain, PYTHON_SIZE),
    );
    if defects.broken_module {
        // The last handler's `def` line loses its colon, far down the file.
        views.text = break_last(&views.text, "]]:\n", "]]\n");
        views.broken = true;
    }
    if defects.broken_test {
        // An unclosed call at the end of the file.
        model_tests
            .text
            .push_str("\n\ndef test_unfinished(item):\n    assert item.to_dict(\n");
        model_tests.broken = true;
    }
    if defects.import_a {
        // The package exists but neither has a module `audit_trail` nor binds the name.
        services.insert_import(
            "from .schemas import",
            format!("from app.{domain} import audit_trail"),
        );
    }
    if defects.import_b {
        schemas.insert_import(
            "from typing import",
            "from .validators import normalize_name".to_string(),
        );
    }
    if defects.import_test {
        let lower = entity.to_ascii_lowercase();
        service_tests.insert_import(
            &format!("from app.{domain}.services import"),
            format!("from app.{domain}.factories import make_{lower}"),
        );
    }
    vec![
        init,
        models,
        schemas,
        services,
        views,
        model_tests,
        service_tests,
    ]
}

/// types, api, store, view, index; the api and store tests.
fn ecma(unit: &Unit, rng: &mut Rng) -> Vec<GenFile> {
    let (entity, feature) = (unit.entity.as_str(), unit.name.as_str());
    let defects = unit.defects();
    let base = format!("frontend/src/features/{feature}");
    let source = |name: &str, text: String| GenFile::new(format!("{base}/{name}"), text, false);
    let test =
        |name: &str, text: String| GenFile::new(format!("{base}/__tests__/{name}"), text, true);
    let mut types = source("types.ts", ts_types(rng, entity, feature, ECMA_SIZE));
    let mut api = source("api.ts", ts_api(rng, entity, feature, ECMA_SIZE));
    let mut store = source("store.ts", ts_store(rng, entity, feature, ECMA_SIZE));
    let view = source(
        &format!("{entity}View.tsx"),
        ts_component(rng, entity, feature, ECMA_SIZE),
    );
    let index = source("index.ts", fill(TS_INDEX, entity, feature));
    let mut api_tests = test("api.test.ts", ts_api_test(rng, entity, feature, ECMA_SIZE));
    let mut store_tests = test(
        "store.test.ts",
        ts_store_test(rng, entity, feature, ECMA_SIZE),
    );
    if unit.uses_alias() {
        api.text = api.text.replace("\"../../lib/http\"", "\"@lib/http\"");
        api_tests.text = api_tests
            .text
            .replace("\"../../../lib/http\"", "\"@lib/http\"");
    }
    if defects.broken_module {
        // A property without its `:`, which oxc accepts but TypeScript's grammar rejects.
        types.text = types.text.replacen("  id: string;", "  id string;", 1);
        types.broken = true;
    }
    if defects.broken_test {
        // An unclosed parameter list at the end of the file.
        store_tests
            .text
            .push_str("\nexport function unfinished(input: string {\n  return input;\n}\n");
        store_tests.broken = true;
    }
    if defects.import_a {
        api.insert_import(
            "import type {",
            "import { slugify } from \"../../lib/slug\";".to_string(),
        );
    }
    if defects.import_b {
        // `@lib/*` is a tsconfig `paths` key: first-party, so it must resolve.
        store.insert_import(
            "import { list",
            "import { debounce } from \"@lib/timing\";".to_string(),
        );
    }
    if defects.import_test {
        api_tests.insert_import(
            "import { list",
            "import { sampleRows } from \"./fixtures\";".to_string(),
        );
    }
    vec![types, api, store, view, index, api_tests, store_tests]
}

/// The file of `unit` that a duplicate of `kind` is appended to: the models (Python), the
/// schemas (TypedDicts) or the store (TS).
pub(crate) fn path_of(unit: &Unit, kind: Kind) -> String {
    let name = &unit.name;
    match kind {
        Kind::TypedDict => format!("backend/app/{name}/schemas.py"),
        Kind::Dataclass | Kind::Enum | Kind::Class => format!("backend/app/{name}/models.py"),
        Kind::Interface | Kind::ObjectAlias | Kind::UnionAlias => {
            format!("frontend/src/features/{name}/store.ts")
        }
    }
}
