//! Several `plumb` processes at once, and processes killed mid-run: the facts cache, a report
//! written with `-o` and the baseline are shared files, and pre-commit runs hooks in parallel.
//! Eight processes sharing a cache and a baseline must each give what a clean run gives; a
//! process killed with SIGKILL at any point (reading, parsing, writing the cache, the report or
//! the baseline) must leave nothing that breaks or changes the next run.
//!
//! The project is generated in a temporary directory, large enough (~1,000 files) that a run of
//! the debug binary lasts long enough for kills to land in every stage.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::plumb;

/// Modules per kind (Python source, Python test, TypeScript source, TypeScript test).
const MODULES: usize = 150;

/// A generated project and the two states of its edited files.
struct Project {
    _temp: tempfile::TempDir,
    root: PathBuf,
}

/// The text of module `i` of each kind, with violations of every family: TYP001 (a `Shared`
/// class or interface in every fifth module), IMP001 (an import of a missing module in every
/// seventh), SYN001 (every thirteenth), MCK001 (a mock in every test, justified in every
/// other one). `variant` changes what the edited modules hold, for runs that must rewrite the
/// cache.
fn modules(i: usize, variant: usize) -> Vec<(String, String)> {
    let mut python = format!(
        "from app.mod_{prev} import Model{prev}\n\n\nclass Model{i}(Model{prev}):\n    name: str = \"{variant}\"\n\n\ndef run_{i}(value: int) -> int:\n    return value + {i}\n",
        prev = i.saturating_sub(1),
    );
    let mut typescript = format!(
        "import {{ run{prev} }} from \"./m{prev}\";\n\nexport interface Props{i} {{ name: string; size: number }}\n\nexport function run{i}(value: number): number {{\n  return run{prev}(value) + {i} + {variant};\n}}\n",
        prev = i.saturating_sub(1),
    );
    if edited(i) {
        // A violation that moves with the variant: reports and baselines differ between them.
        python.push_str(&format!("\nfrom app.gone_{variant} import helper\n"));
    }
    if i.is_multiple_of(5) {
        python.push_str("\n\nclass Shared:\n    pass\n");
        typescript.push_str("\nexport interface Shared { id: string }\n");
    }
    if i.is_multiple_of(7) {
        python.push_str(&format!("\nfrom app.missing_{i} import helper\n"));
        typescript.push_str(&format!("import {{ helper }} from \"./missing{i}\";\n"));
    }
    if i.is_multiple_of(13) {
        python.push_str("\ndef broken(:\n    pass\n");
        typescript.push_str("\nexport const broken = (;\n");
    }
    let justify = if i.is_multiple_of(2) {
        "  # justify: the clock is outside our control"
    } else {
        ""
    };
    let python_test = format!(
        "from unittest import mock\n\nfrom app.mod_{i} import run_{i}\n\n\n@mock.patch(\"app.mod_{i}.run_{i}\"){justify}\ndef test_run_{i}(patched):\n    assert run_{i}(1) == 1 + {i} + {variant}\n"
    );
    let ts_test = format!(
        "import {{ run{i} }} from \"./m{i}\";\n\njest.mock(\"./m{i}\");\ntest(\"run{i}\", () => {{ expect(run{i}(1)).toBe({variant}); }});\n"
    );
    vec![
        (format!("app/mod_{i}.py"), python),
        (format!("tests/test_mod_{i}.py"), python_test),
        (format!("web/m{i}.ts"), typescript),
        (format!("web/m{i}.test.ts"), ts_test),
    ]
}

/// Modules whose text depends on the variant: one in ten.
fn edited(i: usize) -> bool {
    i % 10 == 3
}

impl Project {
    fn generate() -> Project {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().canonicalize().unwrap().join("project");
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "pyproject.toml",
            "[project]\nname = \"generated\"\ndependencies = []\n\n[tool.plumb]\n",
        );
        write(
            "package.json",
            "{\"name\": \"generated\", \"version\": \"1.0.0\"}\n",
        );
        write("app/__init__.py", "");
        for i in 0..MODULES {
            for (path, text) in modules(i, 0) {
                write(&path, &text);
            }
        }
        Project { _temp: temp, root }
    }

    /// Rewrites the edited modules with `variant`.
    fn set_variant(&self, variant: usize) {
        for i in (0..MODULES).filter(|&i| edited(i)) {
            for (path, text) in modules(i, variant) {
                std::fs::write(self.root.join(path), text).unwrap();
            }
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = plumb();
        command
            .current_dir(&self.root)
            // Stale baselines fail only in CI: the same everywhere this test runs.
            .env_remove("CI")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("plumb runs")
    }

    fn cache_dir(&self) -> PathBuf {
        self.root.join(".plumb_cache")
    }
}

/// What a run gave: exit code and standard output (JSON reports).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Result {
    code: Option<i32>,
    stdout: String,
}

impl Result {
    fn of(output: &Output) -> Result {
        assert!(
            output.status.code() != Some(2),
            "plumb failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Result {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout.clone()).unwrap(),
        }
    }
}

/// The runs the concurrent processes make, each with a result of its own: whole project,
/// with the baseline, two files with the rest as context (as pre-commit runs it), and another
/// rule selection (another cache file).
const RUNS: [&[&str]; 4] = [
    &["check", "--output-format", "json"],
    &[
        "check",
        "--output-format",
        "json",
        "--baseline",
        "baseline.json",
    ],
    &[
        "check",
        "--output-format",
        "json",
        "app/mod_3.py",
        "web/m3.test.ts",
    ],
    &["check", "--output-format", "json", "--select", "SYN,MCK"],
];

/// Each run of [`RUNS`] without the cache, one at a time.
fn clean_results(project: &Project) -> Vec<Result> {
    RUNS.iter()
        .map(|args| {
            let mut args = args.to_vec();
            args.push("--no-cache");
            Result::of(&project.run(&args))
        })
        .collect()
}

/// Eight processes at once, each run of [`RUNS`] twice; returns their results in that order.
fn eight_at_once(project: &Project) -> Vec<Result> {
    let children: Vec<Child> = (0..8)
        .map(|n| project.command(RUNS[n % RUNS.len()]).spawn().unwrap())
        .collect();
    children
        .into_iter()
        .map(|child| Result::of(&child.wait_with_output().unwrap()))
        .collect()
}

#[test]
fn eight_processes_sharing_the_cache_and_a_baseline_give_a_clean_runs_results() {
    let project = Project::generate();
    let written = project.run(&["baseline", "--baseline", "baseline.json"]);
    assert_eq!(written.status.code(), Some(0), "{written:?}");
    // New and fixed violations against the baseline from here on.
    project.set_variant(1);
    let expected = clean_results(&project);
    assert!(expected[1].stdout.contains("\"unchanged\"") && expected[1].stdout.contains("\"new\""));

    // A cold cache (every process writes it), a warm one, then one a tenth out of date.
    for round in ["cold", "warm", "edited"] {
        let expected = if round == "edited" {
            project.set_variant(2);
            clean_results(&project)
        } else {
            expected.clone()
        };
        for (n, result) in eight_at_once(&project).iter().enumerate() {
            assert!(
                *result == expected[n % RUNS.len()],
                "{round} cache, process {n} ({:?}) differs from a clean run",
                RUNS[n % RUNS.len()]
            );
        }
        assert_cache_is_whole(&project);
    }
}

#[test]
fn eight_processes_writing_one_baseline_leave_a_whole_one() {
    let project = Project::generate();
    let reference = project.run(&["baseline", "--no-cache", "--baseline", "reference.json"]);
    assert_eq!(reference.status.code(), Some(0), "{reference:?}");
    let reference = std::fs::read_to_string(project.root.join("reference.json")).unwrap();

    // `plumb baseline` refuses to replace a baseline: of eight racing to create one, one
    // writes it and seven refuse, as if they had run one after another.
    let creating: Vec<Child> = (0..8)
        .map(|_| {
            project
                .command(&["baseline", "--baseline", "created.json"])
                .spawn()
                .unwrap()
        })
        .collect();
    let creating: Vec<Output> = creating
        .into_iter()
        .map(|child| child.wait_with_output().unwrap())
        .collect();
    let mut codes: BTreeMap<Option<i32>, usize> = BTreeMap::new();
    for output in &creating {
        *codes.entry(output.status.code()).or_default() += 1;
    }
    assert_eq!(
        codes,
        BTreeMap::from([(Some(0), 1), (Some(1), 7)]),
        "{creating:?}"
    );
    let created = std::fs::read_to_string(project.root.join("created.json")).unwrap();
    assert_eq!(created, reference);

    // Eight updates of one baseline at once: each writes the whole file; it ends whole.
    project.set_variant(1);
    let updating: Vec<Child> = (0..8)
        .map(|_| {
            project
                .command(&[
                    "baseline",
                    "--update",
                    "--allow-new",
                    "--baseline",
                    "created.json",
                ])
                .spawn()
                .unwrap()
        })
        .collect();
    for child in updating {
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
    }
    let sequential = project.run(&[
        "baseline",
        "--update",
        "--allow-new",
        "--no-cache",
        "--baseline",
        "reference.json",
    ]);
    assert_eq!(sequential.status.code(), Some(0), "{sequential:?}");
    assert_eq!(
        std::fs::read_to_string(project.root.join("created.json")).unwrap(),
        std::fs::read_to_string(project.root.join("reference.json")).unwrap()
    );
}

/// A small deterministic generator (xorshift64*): the kill delays, reproducible from the seed
/// the test prints.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % bound
    }
}

/// How many processes are killed, at random points of a run.
const ROUNDS: usize = 12;

/// What a killed process may have been doing, and the file it writes.
#[derive(Debug, Clone, Copy)]
enum Victim {
    /// `plumb check -o report.json` with the cache: writes the cache, then the report.
    Report,
    /// `plumb baseline --update --allow-new`: writes the cache, then the baseline.
    Baseline,
}

#[test]
fn processes_killed_mid_run_never_break_or_change_the_next_run() {
    let project = Project::generate();
    let written = project.run(&["baseline", "--no-cache", "--baseline", "baseline.json"]);
    assert_eq!(written.status.code(), Some(0), "{written:?}");
    let check = [
        "check",
        "--output-format",
        "json",
        "--baseline",
        "baseline.json",
    ];
    let report_args = [&check[..], &["-o", "report.json"]].concat();
    let update = [
        "baseline",
        "--update",
        "--allow-new",
        "--baseline",
        "baseline.json",
    ];

    // The baseline `--update --allow-new` writes for each variant: a killed update leaves the
    // one it replaces or this one.
    let mut baselines = Vec::new();
    for variant in [0, 1] {
        project.set_variant(variant);
        let name = format!("variant-{variant}.json");
        std::fs::copy(project.root.join("baseline.json"), project.root.join(&name)).unwrap();
        let rebuilt = project.run(&[&update[..4], &[&name, "--no-cache"]].concat());
        assert_eq!(rebuilt.status.code(), Some(0), "{rebuilt:?}");
        baselines.push(std::fs::read_to_string(project.root.join(&name)).unwrap());
    }
    assert!(
        baselines[0] != baselines[1],
        "the variants have the same baseline"
    );
    let read = |name: &str| std::fs::read_to_string(project.root.join(name)).ok();

    // How long a whole run takes with a cold cache: the kills are spread over it.
    let started = Instant::now();
    Result::of(&project.run(&report_args));
    let whole = started.elapsed();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("kill delays: seed {seed}, a whole run took {whole:?}");
    let mut random = Random(seed);

    // Temporary files in the project and cache directories, and kills that added one.
    let (mut leftovers, mut mid_write) = (0, 0);
    for round in 0..ROUNDS {
        // Each round changes the edited modules (and every fourth drops the cache), so the
        // killed run has a cache to write.
        let variant = round % 2;
        project.set_variant(variant);
        if round.is_multiple_of(4) {
            let _ = std::fs::remove_dir_all(project.cache_dir());
        }
        let victim = if round % 3 == 2 {
            Victim::Baseline
        } else {
            Victim::Report
        };
        let args: &[&str] = match victim {
            Victim::Report => &report_args,
            Victim::Baseline => &update,
        };
        let (report_before, baseline_before) = (read("report.json"), read("baseline.json"));
        // Odd rounds kill at a random point of the whole run; even ones as soon as a writer's
        // temporary file appears, plus up to a millisecond: in the middle of a write.
        let at_write = round.is_multiple_of(2);
        let delay = if at_write {
            Duration::from_micros(random.below(1_000))
        } else {
            Duration::from_micros(random.below(whole.as_micros() as u64 * 6 / 5))
        };
        let started = Instant::now();
        let mut child = project.command(args).spawn().unwrap();
        if at_write {
            while temporary_files(&project).len() <= leftovers
                && child.try_wait().unwrap().is_none()
                && started.elapsed() < whole * 20
            {}
        }
        std::thread::sleep(delay);
        // SIGKILL on Unix: no destructor, no handler runs.
        let _ = child.kill();
        let status = child.wait().unwrap();
        let context = format!(
            "round {round}: {victim:?} killed {:?} after its start{} ({status})",
            started.elapsed(),
            if at_write { ", in a write" } else { "" }
        );

        // A clean run now: what the killed run was writing, and what the next run must give.
        let clean = Result::of(&project.run(&[&check[..], &["--no-cache"]].concat()));
        let report = read("report.json");
        assert!(
            report == report_before
                || (matches!(victim, Victim::Report) && report.as_ref() == Some(&clean.stdout)),
            "{context}: report.json is neither the old report nor the new one"
        );
        let baseline = read("baseline.json");
        assert!(
            baseline == baseline_before
                || (matches!(victim, Victim::Baseline)
                    && baseline.as_ref() == Some(&baselines[variant])),
            "{context}: baseline.json is neither the old baseline nor the new one"
        );
        let left = temporary_files(&project).len();
        if left > leftovers {
            mid_write += 1;
        }
        leftovers = left;
        assert_cache_is_whole(&project);

        // The next run, with whatever cache the killed one left, is a clean run.
        let next = Result::of(&project.run(&check));
        assert_eq!(
            next, clean,
            "{context}: the next run differs from a clean run"
        );
    }
    eprintln!("{mid_write} of {ROUNDS} kills left a writer's temporary file");
    // The test's premise: some kills did land in the middle of a write.
    assert!(mid_write > 0, "no kill landed in a write");
}

/// A cache directory, once it exists, holds its `.gitignore` and `CACHEDIR.TAG`, however its
/// creator was interrupted.
fn assert_cache_is_whole(project: &Project) {
    let dir = project.cache_dir();
    if dir.exists() {
        assert!(
            dir.join(".gitignore").is_file() && dir.join("CACHEDIR.TAG").is_file(),
            "{} lacks its .gitignore or CACHEDIR.TAG",
            dir.display()
        );
    }
}

/// Temporary files (a killed writer's) in the project root and the cache directory.
fn temporary_files(project: &Project) -> Vec<PathBuf> {
    [project.root.as_path(), project.cache_dir().as_path()]
        .iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flatten()
        .map(|entry| entry.unwrap().path())
        .filter(|path| is_temporary(path))
        .collect()
}

fn is_temporary(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with(".tmp"))
}
