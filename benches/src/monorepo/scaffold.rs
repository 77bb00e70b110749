//! The fixed part of the tree: manifests and configuration, the backend's core package and
//! scripts, the frontend's shared library, and what the walk must skip.

use crate::synthetic::fill;
use crate::templates::{
    CONFTEST, CORE_MODULES, FORMAT_JS, GLOBAL_DTS, HTTP_CLIENT, SCRIPT, VITE_CONFIG,
};

use super::file::GenFile;

/// Files plumb does not check: manifests, configuration, an installed package in
/// `node_modules/` (excluded by default) and a build output that `frontend/.gitignore` ignores.
/// Every third-party import of the tree is declared here, so IMP002 has nothing to report.
pub(crate) fn unchecked() -> [(&'static str, &'static str); 8] {
    [
        (
            "package.json",
            "{\n  \"name\": \"shop\",\n  \"private\": true,\n  \"workspaces\": [\"frontend\"]\n}\n",
        ),
        (
            "README.md",
            "# shop\n\nA synthetic monorepo written by plumb's benches (`synth-monorepo`).\n",
        ),
        ("backend/pyproject.toml", PYPROJECT),
        ("frontend/package.json", PACKAGE_JSON),
        ("frontend/tsconfig.json", TSCONFIG),
        ("frontend/.gitignore", "dist/\ncoverage/\n"),
        (
            "frontend/dist/bundle.js",
            "(function(){console.log(\"built\")})();\n",
        ),
        (
            "frontend/node_modules/left-pad/index.js",
            "module.exports = (s, n) => s.padStart(n);\n",
        ),
    ]
}

/// The fixed checked files; `backend/scripts/migrate_legacy.py` has a syntax error (a Python 2
/// `print` statement).
pub(crate) fn checked() -> Vec<GenFile> {
    let source = |path: &str, text: String| GenFile::new(path.to_string(), text, false);
    let mut files = vec![
        source(
            "backend/app/__init__.py",
            "\"\"\"The shop backend.\"\"\"\n\n__version__ = \"4.2.0\"\n".to_string(),
        ),
        source("backend/app/core/__init__.py", String::new()),
    ];
    for (name, text) in CORE_MODULES {
        files.push(source(
            &format!("backend/app/core/{name}.py"),
            text.to_string(),
        ));
    }
    files.push(GenFile::new(
        "backend/tests/conftest.py".to_string(),
        CONFTEST.to_string(),
        true,
    ));
    files.push(source(
        "backend/scripts/seed_data.py",
        fill(SCRIPT, "Seed", "seed"),
    ));
    files.push(source(
        "backend/scripts/rebuild_index.py",
        fill(SCRIPT, "Index", "search"),
    ));
    let mut legacy = source(
        "backend/scripts/migrate_legacy.py",
        fill(SCRIPT, "Legacy", "legacy") + "\nprint \"migration finished\"\n",
    );
    legacy.broken = true;
    files.push(legacy);
    files.push(source(
        "frontend/src/types/global.d.ts",
        GLOBAL_DTS.to_string(),
    ));
    files.push(source("frontend/src/lib/http.ts", HTTP_CLIENT.to_string()));
    files.push(source("frontend/src/lib/format.js", FORMAT_JS.to_string()));
    files.push(source("frontend/vite.config.mjs", VITE_CONFIG.to_string()));
    files
}

/// `count` (fewer than a unit's files) maintenance scripts, to reach the exact file count.
pub(crate) fn padding(count: usize) -> Vec<GenFile> {
    (0..count)
        .map(|index| {
            GenFile::new(
                format!("backend/scripts/task_{index}.py"),
                fill(SCRIPT, &format!("Task{index}"), &format!("task {index}")),
                false,
            )
        })
        .collect()
}

const PYPROJECT: &str = r#"[project]
name = "shop-backend"
version = "4.2.0"
requires-python = ">=3.11"
dependencies = []

[dependency-groups]
test = ["pytest>=8"]
"#;

const PACKAGE_JSON: &str = r#"{
  "name": "shop-frontend",
  "private": true,
  "type": "module",
  "dependencies": {
    "react": "^18.3.1"
  },
  "devDependencies": {
    "@types/react": "^18.3.3",
    "@vitejs/plugin-react": "^4.3.1",
    "typescript": "^5.5.4",
    "vite": "^5.4.0",
    "vitest": "^2.0.5"
  }
}
"#;

const TSCONFIG: &str = r#"{
  "compilerOptions": {
    "target": "ES2022",
    "module": "ESNext",
    "moduleResolution": "Bundler",
    "jsx": "react-jsx",
    "strict": true,
    "baseUrl": ".",
    "paths": {
      "@lib/*": ["src/lib/*"],
      "@features/*": ["src/features/*"]
    }
  },
  "include": ["src"]
}
"#;
