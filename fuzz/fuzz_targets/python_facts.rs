//! Python: parse, facts (with mock sites, as for a test file), every Python file rule.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plumb_syntax::SourceKind;

fuzz_target!(|data: &[u8]| {
    // The engine hands parsers UTF-8 only (anything else is IO001).
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The length picks the variant, so every seed is tried as a module and a stub under
    // several target versions as the fuzzer grows and shrinks it.
    let is_stub = data.len().is_multiple_of(5);
    let version = plumb_fuzz::python_version(data.len() / 5);
    plumb_fuzz::check_text_on_worker(text, SourceKind::Python { is_stub }, version);
});
