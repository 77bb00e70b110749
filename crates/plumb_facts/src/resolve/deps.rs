//! Declared Python dependencies: which top-level import names the project's dependency
//! declarations provide.
//!
//! Read from every `pyproject.toml` (PEP 621 `dependencies` and `optional-dependencies`, PEP 735
//! `dependency-groups`, `build-system.requires`, Poetry, PDM, uv and Hatch tables),
//! `requirements*.txt`, `requirements*.in` and `.txt`/`.in` files under `requirements*/`,
//! `setup.cfg`, `tox.ini`, literal `setup.py` arguments and `Pipfile` found under the project
//! root (a few levels deep). A distribution provides the import name equal to its normalized
//! name, plus the names of a small table of known mismatches (`PyYAML` -> `yaml`) and of
//! `python.dependency-import-names`. Import roots are read here too: pytest `pythonpath`
//! (`pyproject.toml`, `pytest.ini`, `tox.ini`, `setup.cfg`) and setuptools/Poetry sources.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rayon::prelude::*;

use super::fs::{FsCache, join};

/// Distributions whose import names differ from their normalized name. Keys normalized
/// (lowercase, `-`/`.` -> `_`).
const KNOWN_MISMATCHES: &[(&str, &[&str])] = &[
    ("pyyaml", &["yaml"]),
    ("pillow", &["PIL"]),
    ("pytest", &["pytest", "_pytest"]),
    ("pydispatcher", &["pydispatch"]),
    ("pypydispatcher", &["pydispatch"]),
    ("boxsdk", &["boxsdk", "box_sdk_gen"]),
    ("python3_saml", &["onelogin"]),
    ("beautifulsoup4", &["bs4"]),
    ("scikit_learn", &["sklearn"]),
    ("scikit_image", &["skimage"]),
    ("python_dateutil", &["dateutil"]),
    ("protobuf", &["google"]),
    ("attrs", &["attr", "attrs"]),
    (
        "setuptools",
        // `_distutils_hack` makes `import distutils` work again on 3.12+.
        &[
            "setuptools",
            "pkg_resources",
            "_distutils_hack",
            "distutils",
        ],
    ),
    ("opencv_python", &["cv2"]),
    ("opencv_python_headless", &["cv2"]),
    ("opencv_contrib_python", &["cv2"]),
    ("psycopg2_binary", &["psycopg2"]),
    ("psycopg_binary", &["psycopg"]),
    ("pyjwt", &["jwt"]),
    ("python_jose", &["jose"]),
    ("python_dotenv", &["dotenv"]),
    ("python_multipart", &["multipart", "python_multipart"]),
    ("msgpack_python", &["msgpack"]),
    ("mysqlclient", &["MySQLdb"]),
    ("pyzmq", &["zmq"]),
    ("pycryptodome", &["Crypto"]),
    ("pycryptodomex", &["Cryptodome"]),
    ("pyopenssl", &["OpenSSL"]),
    ("faiss_cpu", &["faiss"]),
    ("faiss_gpu", &["faiss"]),
    ("grpcio", &["grpc"]),
    ("grpcio_tools", &["grpc_tools"]),
    ("grpcio_status", &["grpc_status"]),
    ("grpcio_health_checking", &["grpc_health"]),
    ("grpcio_reflection", &["grpc_reflection"]),
    ("pyserial", &["serial"]),
    ("python_magic", &["magic"]),
    ("websocket_client", &["websocket"]),
    ("python_json_logger", &["pythonjsonlogger"]),
    ("pygobject", &["gi"]),
    (
        "pywin32",
        &[
            "win32api",
            "win32con",
            "win32com",
            "win32file",
            "pywintypes",
            "win32process",
            "win32event",
            "win32service",
            "win32serviceutil",
            "win32security",
            "winerror",
            "pythoncom",
        ],
    ),
    ("discord_py", &["discord"]),
    ("docker_py", &["docker"]),
    ("ruamel_yaml", &["ruamel"]),
    ("typing_extensions", &["typing_extensions"]),
    ("argon2_cffi", &["argon2"]),
    ("python_slugify", &["slugify"]),
    ("python_levenshtein", &["Levenshtein"]),
    ("pymupdf", &["fitz", "pymupdf"]),
    ("python_docx", &["docx"]),
    ("python_pptx", &["pptx"]),
    ("pyyaml_include", &["yamlinclude"]),
    ("tensorflow_cpu", &["tensorflow"]),
    ("tensorflow_gpu", &["tensorflow"]),
    ("djangorestframework", &["rest_framework"]),
    ("django_filter", &["django_filters"]),
    ("django_cors_headers", &["corsheaders"]),
    ("sentry_sdk", &["sentry_sdk"]),
    ("pyasn1_modules", &["pyasn1_modules"]),
    ("ipython", &["IPython"]),
    ("markdown", &["markdown"]),
    ("pymongo", &["pymongo", "bson", "gridfs"]),
    ("dnspython", &["dns"]),
    ("jinja2", &["jinja2"]),
    ("pyqt5", &["PyQt5"]),
    ("pyqt6", &["PyQt6"]),
    ("pysocks", &["socks", "sockshandler"]),
    ("tzdata", &["tzdata"]),
    ("backports_zoneinfo", &["backports"]),
    ("more_itertools", &["more_itertools"]),
    ("pkgconfig", &["pkgconfig"]),
    ("lxml", &["lxml"]),
    ("hypothesis", &["hypothesis", "_hypothesis_pytestplugin"]),
    ("factory_boy", &["factory"]),
    ("python_ldap", &["ldap"]),
    ("pycairo", &["cairo"]),
    ("pyopengl", &["OpenGL"]),
    ("pywavelets", &["pywt"]),
    ("scikit_build", &["skbuild"]),
    ("gitpython", &["git"]),
    ("pygithub", &["github"]),
    ("python_memcached", &["memcache"]),
    ("mysql_connector_python", &["mysql"]),
    ("pynacl", &["nacl"]),
    ("markdown_it_py", &["markdown_it"]),
    ("paho_mqtt", &["paho"]),
    ("aws_cdk_lib", &["aws_cdk"]),
    ("googleapis_common_protos", &["google"]),
    ("pyobjc", &["objc", "Foundation", "AppKit"]),
    ("msgpack", &["msgpack"]),
    ("prompt_toolkit", &["prompt_toolkit"]),
    // Backports of standard library modules, for targets that lack them (`standard-*` from
    // python-deadlib is a prefix rule below).
    ("audioop_lts", &["audioop"]),
    ("legacy_cgi", &["cgi", "cgitb"]),
    ("zombie_imp", &["imp"]),
    ("graphlib_backport", &["graphlib"]),
    ("enum34", &["enum"]),
    ("futures", &["concurrent"]),
];

/// Distribution-name prefixes that install into a shared namespace package: `google-cloud-storage`
/// provides `google`.
const NAMESPACE_PREFIXES: &[&str] = &[
    "google",
    "azure",
    "zope",
    "backports",
    "opentelemetry",
    "jaraco",
    "sphinxcontrib",
    "ruamel",
    "oslo",
    "flufl",
    "plone",
    "collective",
    "types",
];

/// Directories never searched for declarations.
const SKIP_DIRS: &[&str] = &[
    "node_modules",
    "venv",
    "site-packages",
    "__pycache__",
    "build",
    "dist",
];

/// What the project declares.
#[derive(Debug, Default)]
pub struct PythonDependencies {
    /// Normalized import names provided by declared distributions.
    provides: BTreeSet<String>,
    /// Normalized distribution names, as declared.
    distributions: BTreeSet<String>,
    /// Files the declarations were read from, project-relative, sorted.
    pub sources: Vec<String>,
    /// A `setup.py` whose `setup(...)` dependency arguments are not literals exists.
    pub has_setup_py: bool,
    /// That `setup.py` computes its requirements and mentions requirement files.
    setup_py_reads_requirements: bool,
    /// `[tool.pytest.ini_options] pythonpath` entries and setuptools/Poetry source directories,
    /// project-relative: more import roots.
    pub extra_roots: Vec<String>,
    /// Top-level packages setuptools `package_dir` maps to a directory of another name: the
    /// project's own, though no root holds them.
    pub package_aliases: BTreeSet<String>,
    /// `python.dependency-import-names` from the configuration: normalized distribution ->
    /// import names, on top of [`KNOWN_MISMATCHES`].
    configured_names: BTreeMap<String, Vec<String>>,
    /// Python files written at build time (setuptools-scm `write_to` / `version_file`, hatch-vcs
    /// `version-file`, PDM `write_to`), project-relative.
    pub generated: Vec<String>,
}

impl PythonDependencies {
    /// Whether declarations can be trusted to be complete enough to call an import undeclared.
    pub fn is_known(&self) -> bool {
        let requirement_files = self
            .sources
            .iter()
            .any(|source| source.ends_with(".txt") || source.ends_with(".in"));
        !self.sources.is_empty()
            && (!self.has_setup_py || (self.setup_py_reads_requirements && requirement_files))
    }

    /// Whether some declared distribution provides the top-level import `name`.
    pub fn provides(&self, name: &str) -> bool {
        self.provides.contains(&normalize(name))
    }

    /// Reads every declaration under the project root; `configured_names` maps more
    /// distributions to their import names (`python.dependency-import-names`).
    /// Whether a declared distribution is named after the dotted module `dotted` (`proj-sdk`
    /// or `proj.sdk` for `proj.sdk`): it installs that subpackage into the `proj` package or
    /// namespace, next to the project's own `proj/`.
    pub fn provides_submodule(&self, dotted: &str) -> bool {
        dotted.contains('.') && self.distributions.contains(&normalize(dotted))
    }

    pub(crate) fn read(fs: &FsCache, configured_names: &BTreeMap<String, Vec<String>>) -> Self {
        let mut deps = PythonDependencies {
            configured_names: configured_names.clone(),
            ..PythonDependencies::default()
        };
        let mut found = Vec::new();
        find_declarations(fs, "", 0, &mut found);
        found.sort();
        for path in found {
            let Some(text) = fs.read(&path) else {
                continue;
            };
            let name = path.rsplit('/').next().unwrap_or(&path);
            let dir = super::fs::parent(&path).to_string();
            if name == "setup.py" {
                // `setup.py` runs under setuptools.
                deps.add_distribution("setuptools");
                match read_setup_py(&text) {
                    Some(requirements) => {
                        for requirement in requirements {
                            deps.add_distribution(&requirement);
                        }
                        deps.sources.push(path);
                    }
                    // Computed arguments: trusted only when they read requirement files that
                    // were read here too (checked below).
                    None => deps.setup_py_reads_requirements |= text.contains("requirements"),
                }
                if !deps
                    .sources
                    .last()
                    .is_some_and(|source| source.ends_with("setup.py"))
                {
                    deps.has_setup_py = true;
                }
                continue;
            }
            if matches!(name, "pytest.ini" | ".pytest.ini" | "setup.cfg" | "tox.ini") {
                deps.read_ini_roots(&text, &dir);
            }
            if name == "pytest.ini" || name == ".pytest.ini" {
                // Configures pytest: the tests run under it, which is a declaration of pytest.
                deps.add_distribution("pytest");
                continue;
            }
            let read = if name == "pyproject.toml" {
                deps.read_pyproject(&text, &dir)
            } else if name == "setup.cfg" {
                deps.read_ini(&text, |section, key| {
                    (section == "options"
                        && matches!(key, "install_requires" | "tests_require" | "setup_requires"))
                        || section == "options.extras_require"
                })
            } else if name == "tox.ini" {
                // `deps` of any section: tox substitutes `{[test-requirements]deps}` from
                // sections of any name (Scrapy keeps its test requirements in one).
                deps.read_ini(&text, |section, key| {
                    key == "deps" || (section == "tox" && key == "requires")
                })
            } else if name == "Pipfile" {
                deps.read_pipfile(&text)
            } else {
                for line in text.lines() {
                    deps.add_requirement(line);
                }
                true
            };
            if read {
                deps.sources.push(path);
            }
        }
        let distributions: Vec<String> = deps.distributions.iter().cloned().collect();
        for distribution in distributions {
            deps.add_provides(&distribution);
        }
        deps
    }

    fn add_provides(&mut self, distribution: &str) {
        self.provides.insert(distribution.to_string());
        for (known, names) in KNOWN_MISMATCHES {
            if *known == distribution {
                self.provides
                    .extend(names.iter().map(|name| normalize(name)));
            }
        }
        if let Some(names) = self.configured_names.get(distribution) {
            let names: Vec<String> = names.iter().map(|name| normalize(name)).collect();
            self.provides.extend(names);
        }
        if let Some((prefix, rest)) = distribution.split_once('_') {
            if NAMESPACE_PREFIXES.contains(&prefix) {
                self.provides.insert(prefix.to_string());
                if prefix == "types" {
                    self.provides.insert(rest.to_string());
                }
            }
            // `django-environ` is imported as `environ`, `python-xlib` as `Xlib`.
            // `standard-telnetlib` (python-deadlib) restores `telnetlib` removed from 3.13.
            if prefix == "python" || prefix == "django" || prefix == "py" || prefix == "standard" {
                self.provides.insert(rest.to_string());
            }
        }
        if let Some(rest) = distribution.strip_prefix("py") {
            // `pyyaml`-style: `pyserial` -> `serial` is in the table; keep the table authoritative
            // but accept the common `py` + name pattern too.
            if !rest.is_empty() {
                self.provides.insert(rest.to_string());
            }
        }
    }

    /// One requirement line or PEP 508 string: its distribution name.
    fn add_requirement(&mut self, line: &str) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return;
        }
        if line.starts_with('-') {
            // `-e git+https://...#egg=name`
            if let Some((_, egg)) = line.split_once("#egg=") {
                self.add_distribution(egg);
            }
            return;
        }
        self.add_distribution(line);
    }

    fn add_distribution(&mut self, requirement: &str) {
        let name: String = requirement
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        if name.is_empty() {
            return;
        }
        self.distributions.insert(normalize(&name));
        // `celery[redis]`: an extra usually installs the package it is named after.
        let rest = requirement.trim()[name.len()..].trim_start();
        if let Some(extras) = rest
            .strip_prefix('[')
            .and_then(|rest| rest.split_once(']'))
            .map(|(extras, _)| extras)
        {
            for extra in extras
                .split(',')
                .map(str::trim)
                .filter(|extra| !extra.is_empty())
            {
                self.provides.insert(normalize(extra));
            }
        }
    }

    fn read_pyproject(&mut self, text: &str, dir: &str) -> bool {
        let Ok(table) = text.parse::<toml::Table>() else {
            return false;
        };
        let mut any = false;
        if let Some(project) = table.get("project").and_then(|v| v.as_table()) {
            if let Some(list) = project.get("dependencies").and_then(|v| v.as_array()) {
                any = true;
                self.add_strings(list);
            }
            if let Some(groups) = project
                .get("optional-dependencies")
                .and_then(|v| v.as_table())
            {
                any = true;
                for list in groups.values().filter_map(|v| v.as_array()) {
                    self.add_strings(list);
                }
            }
        }
        if let Some(groups) = table.get("dependency-groups").and_then(|v| v.as_table()) {
            any = true;
            for list in groups.values().filter_map(|v| v.as_array()) {
                self.add_strings(list);
            }
        }
        if let Some(list) = table
            .get("build-system")
            .and_then(|v| v.get("requires"))
            .and_then(|v| v.as_array())
        {
            self.add_strings(list);
        }
        if let Some(tool) = table.get("tool").and_then(|v| v.as_table()) {
            any |= self.read_tools(tool, dir);
        }
        any
    }

    fn read_tools(&mut self, tool: &toml::Table, dir: &str) -> bool {
        let mut any = false;
        if let Some(poetry) = tool.get("poetry").and_then(|v| v.as_table()) {
            let mut tables = Vec::new();
            for key in ["dependencies", "dev-dependencies"] {
                tables.extend(poetry.get(key).and_then(|v| v.as_table()));
            }
            if let Some(groups) = poetry.get("group").and_then(|v| v.as_table()) {
                for group in groups.values() {
                    tables.extend(group.get("dependencies").and_then(|v| v.as_table()));
                }
            }
            for table in tables {
                any = true;
                for name in table.keys() {
                    self.add_distribution(name);
                }
            }
            if let Some(packages) = poetry.get("packages").and_then(|v| v.as_array()) {
                for package in packages {
                    if let Some(from) = package.get("from").and_then(|v| v.as_str()) {
                        self.add_root(dir, from);
                    }
                }
            }
        }
        for (tool_name, key) in [("pdm", "dev-dependencies"), ("uv", "dev-dependencies")] {
            match tool.get(tool_name).and_then(|v| v.get(key)) {
                Some(toml::Value::Table(groups)) => {
                    any = true;
                    for list in groups.values().filter_map(|v| v.as_array()) {
                        self.add_strings(list);
                    }
                }
                Some(toml::Value::Array(list)) => {
                    any = true;
                    self.add_strings(list);
                }
                _ => {}
            }
        }
        if let Some(envs) = tool
            .get("hatch")
            .and_then(|v| v.get("envs"))
            .and_then(|v| v.as_table())
        {
            for env in envs.values() {
                for key in ["dependencies", "extra-dependencies"] {
                    if let Some(list) = env.get(key).and_then(|v| v.as_array()) {
                        self.add_strings(list);
                    }
                }
            }
        }
        // `[tool.pytest.ini_options]`, and pytest 9's native `[tool.pytest]`: configuring
        // pytest declares it (httpx's tests import pytest, declared only in an unshipped
        // requirements file).
        let pytest = tool.get("pytest");
        if pytest.is_some() {
            self.add_distribution("pytest");
        }
        for pythonpath in [
            pytest
                .and_then(|v| v.get("ini_options"))
                .and_then(|v| v.get("pythonpath")),
            pytest.and_then(|v| v.get("pythonpath")),
        ] {
            match pythonpath {
                Some(toml::Value::String(paths)) => {
                    for path in paths.split_whitespace() {
                        self.add_root(dir, path);
                    }
                }
                Some(toml::Value::Array(paths)) => {
                    for path in paths.iter().filter_map(|v| v.as_str()) {
                        self.add_root(dir, path);
                    }
                }
                _ => {}
            }
        }
        let generated = [
            tool.get("setuptools_scm").and_then(|v| v.get("write_to")),
            tool.get("setuptools_scm")
                .and_then(|v| v.get("version_file")),
            tool.get("hatch")
                .and_then(|v| v.get("build"))
                .and_then(|v| v.get("hooks"))
                .and_then(|v| v.get("vcs"))
                .and_then(|v| v.get("version-file")),
            tool.get("pdm")
                .and_then(|v| v.get("version"))
                .and_then(|v| v.get("write_to")),
        ];
        for path in generated.into_iter().flatten().filter_map(|v| v.as_str()) {
            let path = path.trim_start_matches("./");
            if !path.contains("..") && !path.starts_with('/') {
                self.generated.push(join(dir, path));
                // PDM writes relative to the package directory under `src/` as well.
                self.generated.push(join(&join(dir, "src"), path));
            }
        }
        if let Some(setuptools) = tool.get("setuptools").and_then(|v| v.as_table()) {
            if let Some(package_dir) = setuptools.get("package-dir").and_then(|v| v.as_table()) {
                for (package, path) in package_dir {
                    if let Some(path) = path.as_str() {
                        self.add_package_dir(dir, package, path);
                    }
                }
            }
            match setuptools
                .get("packages")
                .and_then(|v| v.get("find"))
                .and_then(|v| v.get("where"))
            {
                Some(toml::Value::Array(wheres)) => {
                    for path in wheres.iter().filter_map(|v| v.as_str()) {
                        self.add_root(dir, path);
                    }
                }
                Some(toml::Value::String(path)) => self.add_root(dir, path),
                _ => {}
            }
        }
        any
    }

    /// A setuptools `package_dir` entry: `"" = "lib"` makes `lib/` a root; `pkg = "lib/pkg"`
    /// makes `lib/` one; `pkg = "code"` maps the name to a directory of another name, which roots
    /// cannot express, so the name is only remembered as the project's own.
    fn add_package_dir(&mut self, dir: &str, package: &str, path: &str) {
        let path = path.trim().trim_start_matches("./").trim_end_matches('/');
        let package = package.trim();
        if package.is_empty() {
            self.add_root(dir, path);
            return;
        }
        let last = package.rsplit('.').next().unwrap_or(package);
        let parent = match path.rsplit_once('/') {
            Some((parent, name)) if name == last => Some(parent),
            None if path == last => Some(""),
            _ => None,
        };
        match parent {
            Some(parent) if !package.contains('.') => self.add_root(dir, parent),
            _ => {
                let top = package.split('.').next().unwrap_or(package);
                self.package_aliases.insert(top.to_string());
            }
        }
    }

    /// Import roots in INI files: pytest `pythonpath` (`[pytest]` in `pytest.ini`, `.pytest.ini`
    /// and `tox.ini`, `[tool:pytest]` in `setup.cfg`), setuptools `package_dir` and
    /// `packages.find` `where` in `setup.cfg`. Every file is read, though pytest only reads the
    /// first it finds: more roots can only make fewer findings.
    fn read_ini_roots(&mut self, text: &str, dir: &str) {
        for (section, key, values) in ini_entries(text) {
            // A pytest section configures the test runner: pytest is what runs the tests.
            if matches!(section.as_str(), "pytest" | "tool:pytest") {
                self.add_distribution("pytest");
            }
            match (section.as_str(), key.as_str()) {
                ("pytest" | "tool:pytest", "pythonpath") | ("options.packages.find", "where") => {
                    for path in values.iter().flat_map(|value| value.split_whitespace()) {
                        self.add_root(dir, path);
                    }
                }
                ("options", "package_dir") => {
                    for entry in values.iter().flat_map(|value| value.split(',')) {
                        if let Some((package, path)) = entry.split_once('=') {
                            self.add_package_dir(dir, package, path);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn add_root(&mut self, dir: &str, path: &str) {
        let path = path.trim_start_matches("./").trim_end_matches('/');
        if path.contains("..") || path.starts_with('/') {
            return;
        }
        let root = if path.is_empty() || path == "." {
            dir.to_string()
        } else {
            join(dir, path)
        };
        self.extra_roots.push(root);
    }

    fn add_strings(&mut self, list: &[toml::Value]) {
        for requirement in list.iter().filter_map(|v| v.as_str()) {
            self.add_distribution(requirement);
        }
    }

    /// Requirement lists in an INI file: the values of the keys `takes` accepts, on the key's
    /// line and on the indented lines after it.
    fn read_ini(&mut self, text: &str, takes: impl Fn(&str, &str) -> bool) -> bool {
        let mut section = String::new();
        let mut in_list = false;
        let mut any = false;
        for raw in text.lines() {
            let line = raw.trim();
            if line.starts_with('[') {
                section = line.trim_matches(['[', ']']).trim().to_string();
                in_list = false;
                continue;
            }
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            let indented = raw.starts_with([' ', '\t']);
            if indented && in_list {
                self.add_requirement(strip_factor(line));
                continue;
            }
            in_list = false;
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let key = key.trim();
            if takes(&section, key) {
                any = true;
                in_list = true;
                for part in value.split(';').next().unwrap_or("").split(',') {
                    self.add_requirement(strip_factor(part));
                }
            }
        }
        any
    }

    fn read_pipfile(&mut self, text: &str) -> bool {
        let Ok(table) = text.parse::<toml::Table>() else {
            return false;
        };
        let mut any = false;
        for key in ["packages", "dev-packages"] {
            if let Some(packages) = table.get(key).and_then(|v| v.as_table()) {
                any = true;
                for name in packages.keys() {
                    self.add_distribution(name);
                }
            }
        }
        any
    }
}

/// `(section, key, values)` of an INI file: the value on the key's line (when not empty) and
/// each indented continuation line after it, trimmed; comments and blank lines skipped.
fn ini_entries(text: &str) -> Vec<(String, String, Vec<String>)> {
    let mut entries: Vec<(String, String, Vec<String>)> = Vec::new();
    let mut section = String::new();
    let mut in_entry = false;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') {
            section = line.trim_matches(['[', ']']).trim().to_string();
            in_entry = false;
            continue;
        }
        if raw.starts_with([' ', '\t']) && in_entry {
            if let Some((_, _, values)) = entries.last_mut() {
                values.push(line.to_string());
            }
            continue;
        }
        in_entry = false;
        let Some((key, value)) = line.split_once(['=', ':']) else {
            continue;
        };
        let value = value.trim();
        let values = if value.is_empty() {
            Vec::new()
        } else {
            vec![value.to_string()]
        };
        entries.push((section.clone(), key.trim().to_string(), values));
        in_entry = true;
    }
    entries
}

/// A tox factor-conditional requirement (`py311: freezegun`) without its factors.
fn strip_factor(line: &str) -> &str {
    match line.split_once(':') {
        Some((factors, rest))
            if !factors.contains(char::is_whitespace)
                && !factors.is_empty()
                && !rest.trim_start().starts_with('/') =>
        {
            rest.trim()
        }
        _ => line,
    }
}

/// A configured table of distribution -> top-level import names (`python.dependency-import-
/// names`, IMP002's `transitive`), checked and keyed by normalized distribution name. An error
/// is `(what to point at in the config file, message)`; `key` names the table in messages.
pub fn import_names_table(
    names: &BTreeMap<String, Vec<String>>,
    key: &str,
) -> Result<BTreeMap<String, Vec<String>>, (String, String)> {
    let mut normalized = BTreeMap::new();
    for (distribution, imports) in names {
        let valid_distribution = distribution
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && distribution.starts_with(|c: char| c.is_ascii_alphanumeric())
            && distribution.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !valid_distribution {
            return Err((
                distribution.clone(),
                format!(
                    "{key}: `{distribution}` is not a distribution name (letters, digits, `-`, `_`, `.`)"
                ),
            ));
        }
        if imports.is_empty() {
            return Err((
                distribution.clone(),
                format!("{key}: `{distribution}` needs at least one import name"),
            ));
        }
        for import in imports {
            let identifier = !import.is_empty()
                && !import.starts_with(|c: char| c.is_ascii_digit())
                && import.chars().all(|c| c.is_alphanumeric() || c == '_');
            if !identifier {
                return Err((
                    format!("\"{import}\""),
                    format!(
                        "{key}: `{import}` (for `{distribution}`) is not a top-level module name; write the first part of the import, like `google` for `google.cloud`"
                    ),
                ));
            }
        }
        normalized.insert(normalize(distribution), imports.clone());
    }
    Ok(normalized)
}

/// Lowercase, with `-` and `.` as `_` (PEP 503, in import-name spelling).
pub fn normalize(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '-' | '.' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The dependency declarations at most 4 directories below `dir`, in listing order (depth
/// first). Subdirectories are listed on every worker, as the TS/JS resolver's config search
/// does: the Python resolver waits for this search before it checks any file.
fn find_declarations(fs: &FsCache, dir: &str, depth: usize, found: &mut Vec<String>) {
    let Some(listing) = fs.list(dir) else {
        return;
    };
    let in_requirements_dir = dir.split('/').any(|part| part.contains("requirements"));
    let below: Vec<Vec<String>> = listing
        .par_iter()
        .map(|(name, is_dir)| {
            let mut found = Vec::new();
            let path = join(dir, name);
            if *is_dir {
                if depth < 4 && !name.starts_with('.') && !SKIP_DIRS.contains(&name.as_str()) {
                    find_declarations(fs, &path, depth + 1, &mut found);
                }
            } else if is_declaration(name, in_requirements_dir) {
                found.push(path);
            }
            found
        })
        .collect();
    found.extend(below.into_iter().flatten());
}

/// A file that may declare dependencies; `in_requirements_dir` when its folder's path names
/// requirements (`requirements/base.txt`).
fn is_declaration(name: &str, in_requirements_dir: bool) -> bool {
    matches!(
        name,
        "pyproject.toml"
            | "setup.cfg"
            | "Pipfile"
            | "setup.py"
            | "tox.ini"
            | "pytest.ini"
            | ".pytest.ini"
    ) || (name.ends_with(".txt") && (name.contains("requirements") || in_requirements_dir))
        || (name.ends_with(".in") && (name.contains("requirements") || in_requirements_dir))
}

/// Names declared in the project, for messages.
pub(crate) fn describe_sources(sources: &[String]) -> String {
    let mut sorted: Vec<&str> = sources.iter().map(String::as_str).collect();
    sorted.sort_by_key(|source| (source.matches('/').count(), *source));
    let mut shown: Vec<&str> = sorted.into_iter().take(3).collect();
    if sources.len() > 3 {
        shown.push("...");
    }
    shown.join(", ")
}

/// Requirements passed literally to `setup(...)` in a `setup.py` (`install_requires`,
/// `extras_require`, `tests_require`, `setup_requires`); `None` when there is no `setup` call
/// or some of these arguments are computed.
fn read_setup_py(text: &str) -> Option<Vec<String>> {
    use ruff_python_ast::visitor::{Visitor, walk_expr};
    use ruff_python_ast::{Expr, Keyword};

    #[derive(Default)]
    struct Finder<'a> {
        calls: usize,
        computed: bool,
        requirements: Vec<String>,
        /// Module-level `NAME = <expression>` assignments: `install_requires=requires` with
        /// `requires = [...]` above (requests' setup.py) is as static as a literal.
        assignments: HashMap<&'a str, &'a Expr>,
    }

    /// The strings of a literal (list, tuple, dict values, `a + b`), following names bound at
    /// module level up to a small depth; `false` when some part is computed.
    fn strings<'a>(
        expr: &'a Expr,
        assignments: &HashMap<&'a str, &'a Expr>,
        depth: usize,
        out: &mut Vec<String>,
    ) -> bool {
        match expr {
            Expr::List(list) => list
                .elts
                .iter()
                .all(|elt| strings(elt, assignments, depth, out)),
            Expr::Tuple(tuple) => tuple
                .elts
                .iter()
                .all(|elt| strings(elt, assignments, depth, out)),
            Expr::StringLiteral(literal) => {
                out.push(literal.value.to_str().to_string());
                true
            }
            Expr::Dict(dict) => dict
                .items
                .iter()
                .all(|item| strings(&item.value, assignments, depth, out)),
            Expr::BinOp(binary) if binary.op == ruff_python_ast::Operator::Add => {
                strings(&binary.left, assignments, depth, out)
                    && strings(&binary.right, assignments, depth, out)
            }
            Expr::Name(name) if depth < 4 => assignments
                .get(name.id.as_str())
                .is_some_and(|value| strings(value, assignments, depth + 1, out)),
            _ => false,
        }
    }

    impl<'a> Visitor<'a> for Finder<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                let is_setup = match &*call.func {
                    Expr::Name(name) => name.id.as_str() == "setup",
                    Expr::Attribute(attribute) => attribute.attr.as_str() == "setup",
                    _ => false,
                };
                if is_setup {
                    self.calls += 1;
                    for Keyword { arg, value, .. } in call.arguments.keywords.iter() {
                        match arg.as_ref().map(|arg| arg.as_str()) {
                            Some(
                                "install_requires" | "extras_require" | "tests_require"
                                | "setup_requires",
                            ) if !strings(value, &self.assignments, 0, &mut self.requirements) => {
                                self.computed = true;
                            }
                            // `setup(**kwargs)` may pass anything.
                            None => self.computed = true,
                            _ => {}
                        }
                    }
                }
            }
            walk_expr(self, expr);
        }
    }

    let parsed = plumb_syntax::python::parse(text, plumb_syntax::PythonVersion::NEWEST, false);
    if !parsed.errors.is_empty() {
        return None;
    }
    let module = parsed.parsed?;
    let mut finder = Finder::default();
    // A name assigned twice at module level is not static.
    let mut assigned_twice = HashSet::new();
    for statement in &module.syntax().body {
        if let ruff_python_ast::Stmt::Assign(assign) = statement
            && let [Expr::Name(target)] = assign.targets.as_slice()
            && finder
                .assignments
                .insert(target.id.as_str(), &assign.value)
                .is_some()
        {
            assigned_twice.insert(target.id.as_str());
        }
    }
    for name in assigned_twice {
        finder.assignments.remove(name);
    }
    finder.visit_body(&module.syntax().body);
    (finder.calls > 0 && !finder.computed).then_some(finder.requirements)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_entries_read_values_and_continuations() {
        let text = "[options]\npackage_dir =\n    =src\n    legacy = old\n# note\n[tool:pytest]\npythonpath = a b\n";
        let entries = ini_entries(text);
        assert_eq!(
            entries,
            vec![
                (
                    "options".to_string(),
                    "package_dir".to_string(),
                    vec!["=src".to_string(), "legacy = old".to_string()]
                ),
                (
                    "tool:pytest".to_string(),
                    "pythonpath".to_string(),
                    vec!["a b".to_string()]
                ),
            ]
        );
    }

    #[test]
    fn package_dir_entries_become_roots_or_names() {
        let mut deps = PythonDependencies::default();
        deps.add_package_dir("svc", "", "lib");
        deps.add_package_dir("", "pkg", "src/pkg");
        deps.add_package_dir("", "legacy", "old_code");
        deps.add_package_dir("", "a.b", "a/b");
        assert_eq!(
            deps.extra_roots,
            vec!["svc/lib".to_string(), "src".to_string()]
        );
        assert!(deps.package_aliases.contains("legacy"));
        assert!(deps.package_aliases.contains("a"));
    }

    #[test]
    fn backports_and_configured_names_provide_their_modules() {
        let mut configured = BTreeMap::new();
        configured.insert("acme_client".to_string(), vec!["acme".to_string()]);
        let mut deps = PythonDependencies {
            configured_names: configured,
            ..PythonDependencies::default()
        };
        for requirement in [
            "standard-telnetlib",
            "setuptools",
            "Acme.Client>=1",
            "proj-sdk",
        ] {
            deps.add_distribution(requirement);
        }
        let distributions: Vec<String> = deps.distributions.iter().cloned().collect();
        for distribution in distributions {
            deps.add_provides(&distribution);
        }
        for name in ["telnetlib", "distutils", "acme"] {
            assert!(deps.provides(name), "{name}");
        }
        assert!(deps.provides_submodule("proj.sdk"));
        assert!(!deps.provides_submodule("proj"));
        assert!(!deps.provides_submodule("proj.other"));
    }
}
