//! Baseline JSON: read and validated; a baseline that reads writes back to one that reads as
//! the same entries (sorted).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use plumb_engine::Baseline;

fn file() -> &'static PathBuf {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory").keep();
        dir.join("baseline.json")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(baseline) = Baseline::parse(text, "fuzz.json") else {
        return;
    };
    let mut entries = baseline.entries.clone();
    Baseline::write(file(), "fuzz.json", &mut entries).expect("the baseline is written");
    let written = std::fs::read_to_string(file()).expect("the baseline is read back");
    let again = Baseline::parse(&written, "fuzz.json").expect("a written baseline reads");
    assert_eq!(again.entries, entries, "the baseline changed when written");
});
