//! What the fuzz targets share: the rules they run and the properties every result must have.
//! A property that fails panics, which libFuzzer reports as a crash with the input that broke it.

use std::sync::OnceLock;

use plumb_diagnostics::Span;
use plumb_facts::{ExtractOptions, FileFacts, MockDetection, NeededFacts};
use plumb_rules::{FileContext, Registry, Shared, Violation};
use plumb_syntax::{PythonVersion, SourceKind};

/// The built-in rules and the bundled declarative rules, enabled or not: every file rule runs.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut registry = Registry::builtin();
        let bundled = plumb_declarative::load(&[plumb_declarative::RuleSource::Bundled])
            .expect("the bundled rules load");
        registry.extend(plumb_declarative::registered(bundled));
        registry
    })
}

/// A Python version picked by `selector`, from the oldest to the newest plumb supports.
pub fn python_version(selector: usize) -> PythonVersion {
    let oldest = PythonVersion::OLDEST.minor;
    let newest = PythonVersion::NEWEST.minor;
    let minor = oldest + (selector % usize::from(newest - oldest + 1)) as u8;
    PythonVersion { major: 3, minor }
}

/// The stack of the engine's per-file workers (`WORKER_STACK_BYTES` in `plumb_engine`): deeply
/// nested code recurses deeper than a main thread's 8 MB allow, and the engine never parses
/// there.
const WORKER_STACK_BYTES: usize = 512 << 20;

/// [`check_text`] on a thread with the stack of the engine's workers.
pub fn check_text_on_worker(text: &str, kind: SourceKind, python: PythonVersion) -> usize {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(WORKER_STACK_BYTES)
            .spawn_scoped(scope, || check_text(text, kind, python).len())
            .expect("a worker thread starts")
            .join()
            // The panic was printed; libFuzzer needs one in this thread to record the input.
            .unwrap_or_else(|_| panic!("the worker panicked"))
    })
}

/// The per-file stage as the engine runs it on a test file: facts with mock sites, then every
/// file rule of the language (the text handed to those that read it when the file compiles).
/// Checks the facts survive the cache's encoding and every violation points into `text`.
pub fn check_text(text: &str, kind: SourceKind, python: PythonVersion) -> Vec<Violation> {
    let detection = MockDetection::default();
    let options = ExtractOptions {
        needed: NeededFacts {
            mock_sites: Some(&detection),
            ..NeededFacts::ALL
        },
        ..ExtractOptions::new(python)
    };
    // Over the parser's memory budget (`plumb_syntax::bounded_arena`), the engine reports the
    // file as not checked; there is nothing more to examine.
    let Ok(facts) = plumb_facts::extract(text, kind, options) else {
        return Vec::new();
    };
    assert_cache_round_trip(&facts);
    if let Some(error) = &facts.syntax_error {
        assert_span(text, &error.span, "syntax error");
    }
    let language = kind.language();
    let shared = Shared::default();
    let context = FileContext {
        path: "tests/test_fuzz",
        project_path: "tests/test_fuzz",
        language,
        is_test: true,
        source: facts.syntax_error.is_none().then_some(text),
        shared: &shared,
    };
    let mut violations = Vec::new();
    for rule in registry().iter() {
        let Some(check) = &rule.file_check else {
            continue;
        };
        if rule.meta.languages.contains(&language) {
            check.check(&context, &facts, &mut violations);
        }
    }
    for violation in &violations {
        assert_span(text, &violation.span, &violation.message);
    }
    violations
}

/// The facts cache stores facts as postcard; what comes back must be what went in.
fn assert_cache_round_trip(facts: &FileFacts) {
    let bytes = postcard::to_stdvec(facts).expect("facts encode");
    let back: FileFacts = postcard::from_bytes(&bytes).expect("facts decode");
    assert_eq!(&back, facts, "facts changed through the cache encoding");
}

/// A span lies inside `text`, on character boundaries, its positions 1-based and ordered.
pub fn assert_span(text: &str, span: &Span, what: &str) {
    let (start, end) = (span.start_byte as usize, span.end_byte as usize);
    assert!(
        start <= end && end <= text.len(),
        "{what}: bytes {start}..{end} outside a text of {}",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: bytes {start}..{end} split a character"
    );
    assert!(
        span.start.line >= 1 && span.start.column >= 1,
        "{what}: position {:?} is not 1-based",
        span.start
    );
    assert!(
        (span.start.line, span.start.column) <= (span.end.line, span.end.column),
        "{what}: span ends before it starts: {span:?}"
    );
}

/// A byte range an error carries lies inside its text on character boundaries, and the error
/// renders as a code frame, as the CLI shows it.
pub fn assert_renders(message: &str, text: &str, span: Option<std::ops::Range<usize>>) {
    use miette::{
        GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
    };
    let mut diagnostic = MietteDiagnostic::new(message.to_string());
    if let Some(span) = span {
        assert!(
            span.start <= span.end && span.end <= text.len(),
            "{message}: span {span:?} outside a text of {}",
            text.len()
        );
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "{message}: span {span:?} splits a character"
        );
        diagnostic = diagnostic.with_label(LabeledSpan::at(span, "here"));
    }
    let report =
        Report::new(diagnostic).with_source_code(NamedSource::new("fuzz", text.to_string()));
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .render_report(&mut out, report.as_ref())
        .expect("the error renders");
}
