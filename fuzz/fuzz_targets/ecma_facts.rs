//! TypeScript/JavaScript: parse, facts (with mock sites, as for a test file), every TS/JS
//! file rule, under each of the file kinds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plumb_syntax::{EcmaKind, PythonVersion, SourceKind};

const KINDS: [EcmaKind; 9] = [
    EcmaKind::Ts,
    EcmaKind::Tsx,
    EcmaKind::Js,
    EcmaKind::Jsx,
    EcmaKind::Dts,
    EcmaKind::Mts,
    EcmaKind::Cts,
    EcmaKind::Mjs,
    EcmaKind::Cjs,
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let kind = KINDS[data.len() % KINDS.len()];
    plumb_fuzz::check_text_on_worker(text, SourceKind::Ecma(kind), PythonVersion::DEFAULT);
});
