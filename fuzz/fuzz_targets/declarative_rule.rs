//! Declarative rule files: TOML parsed and validated, query compiled for each language, and,
//! when the rule compiles, its inline tests run (the query on tree-sitter trees of its own
//! examples). An error must point inside the file and render.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match plumb_declarative::fuzzing::compile_user_rule(text) {
        Ok(rule) => {
            let _ = plumb_declarative::run_inline_tests(&rule);
        }
        Err(error) => plumb_fuzz::assert_renders(&error.message, &error.text, error.span),
    }
});
