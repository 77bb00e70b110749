use super::*;
use crate::ci::tests::{diagnostic, run};
use plumb_diagnostics::{BaselineState, FileRecord, FileRole, Language};
use quick_xml::Reader;
use quick_xml::events::BytesStart;

fn file(path: &str, status: FileStatus) -> FileRecord {
    FileRecord {
        path: path.into(),
        language: Language::Python,
        role: FileRole::Source,
        scopes: vec!["production".into()],
        status,
        violations: 0,
        compliant: true,
        rule_counts: Default::default(),
    }
}

/// Every element as (name, attributes, text inside it), in document order, parsed back.
fn parse(xml: &str) -> Vec<(String, BTreeMap<String, String>, String)> {
    let mut reader = Reader::from_str(xml);
    let mut elements = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let attributes = |start: &BytesStart<'_>| -> BTreeMap<String, String> {
        start
            .attributes()
            .map(|attribute| {
                let attribute = attribute.unwrap();
                (
                    String::from_utf8(attribute.key.as_ref().to_vec()).unwrap(),
                    attribute.unescape_value().unwrap().into_owned(),
                )
            })
            .collect()
    };
    loop {
        match reader.read_event().unwrap() {
            Event::Start(start) => {
                let name = String::from_utf8(start.name().as_ref().to_vec()).unwrap();
                open.push(elements.len());
                elements.push((name, attributes(&start), String::new()));
            }
            Event::Empty(start) => {
                let name = String::from_utf8(start.name().as_ref().to_vec()).unwrap();
                elements.push((name, attributes(&start), String::new()));
            }
            Event::Text(text) => {
                if let Some(&index) = open.last() {
                    elements[index].2.push_str(&text.decode().unwrap());
                }
            }
            Event::GeneralRef(reference) => {
                if let Some(&index) = open.last() {
                    let name = String::from_utf8(reference.to_vec()).unwrap();
                    let resolved = quick_xml::escape::unescape(&format!("&{name};"))
                        .unwrap()
                        .into_owned();
                    elements[index].2.push_str(&resolved);
                }
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    elements
}

#[test]
fn files_pass_fail_error_or_skip_and_known_violations_do_not_fail() {
    let mut unreadable = diagnostic("IO001", "c.py", 1, Some(BaselineState::New));
    unreadable.message = "invalid UTF-8".into();
    let mut skipped = diagnostic("IO002", "d.py", 1, Some(BaselineState::New));
    skipped.message = "larger than max-file-size".into();
    let mut broken = diagnostic("SYN001", "b.py", 2, Some(BaselineState::New));
    broken.message = "expected `:` <here> & \u{1b}[0m".into();
    let outcome = CheckOutcome {
        diagnostics: vec![
            diagnostic("MCK001", "a.py", 1, Some(BaselineState::Unchanged)),
            broken,
            diagnostic("IMP001", "b.py", 3, Some(BaselineState::New)),
            unreadable,
            skipped,
        ],
        files: vec![
            file("a.py", FileStatus::Ok),
            file("b.py", FileStatus::Unparseable),
            file("c.py", FileStatus::Unreadable),
            file("d.py", FileStatus::Skipped),
            file("e.py", FileStatus::Ok),
        ],
        ..CheckOutcome::default()
    };
    let xml = render(&outcome, &run());
    let elements = parse(&xml);
    let suite = elements.iter().find(|e| e.0 == "testsuite").unwrap();
    let counts: Vec<&str> = ["tests", "failures", "errors", "skipped"]
        .iter()
        .map(|key| suite.1[*key].as_str())
        .collect();
    assert_eq!(counts, ["5", "1", "1", "1"], "{xml}");
    let cases: Vec<&str> = elements
        .iter()
        .filter(|e| e.0 == "testcase")
        .map(|e| e.1["name"].as_str())
        .collect();
    assert_eq!(cases, ["a.py", "b.py", "c.py", "d.py", "e.py"]);
    let failures: Vec<(&str, &str, &str)> = elements
        .iter()
        .filter(|e| e.0 == "failure")
        .map(|e| (e.1["type"].as_str(), e.1["message"].as_str(), e.2.as_str()))
        .collect();
    assert_eq!(
        failures,
        [
            (
                "SYN001",
                "expected `:` <here> & \\u{1b}[0m",
                "b.py:2:1: SYN001 expected `:` <here> & \\u{1b}[0m"
            ),
            ("IMP001", "IMP001 found", "b.py:3:1: IMP001 IMP001 found"),
        ]
    );
    let error = elements.iter().find(|e| e.0 == "error").unwrap();
    assert_eq!(error.1["type"], "IO001");
    assert_eq!(error.1["message"], "invalid UTF-8");
    let skip = elements.iter().find(|e| e.0 == "skipped").unwrap();
    assert_eq!(skip.1["message"], "larger than max-file-size");
    let out = elements.iter().find(|e| e.0 == "system-out").unwrap();
    assert!(out.2.starts_with("1 known violations"), "{}", out.2);
    assert!(out.2.contains("a.py:1:1: MCK001 MCK001 found"), "{}", out.2);
}

#[test]
fn an_empty_run_is_an_empty_suite() {
    let xml = render(&CheckOutcome::default(), &run());
    assert_eq!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"plumb\" tests=\"0\" failures=\"0\" errors=\"0\">\n  <testsuite name=\"plumb\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\">\n  </testsuite>\n</testsuites>\n"
    );
}
