//! Paths and messages in line-oriented text formats (`concise`, `full`, JUnit names).
//!
//! A file name may hold a newline, a tab or another control character; printed raw, it would
//! split one finding over two lines for every consumer that reads a line at a time (editors'
//! problem matchers, `grep`, CI log parsers). Such a path is printed as git prints it
//! (`core.quotePath`): in double quotes with C escapes (`"new\nline.py"`). Every other path is
//! printed as it is, so the common case stays copy-pasteable; a path that itself starts with `"`
//! is quoted too, so a quoted path is never ambiguous. JSON, SARIF and the other structured
//! formats carry paths unchanged: their own escaping is exact.

use std::borrow::Cow;
use std::fmt::Write;

/// `path` as a text format prints it: unchanged, or quoted with C escapes (see the module docs).
pub(crate) fn text_path(path: &str) -> Cow<'_, str> {
    if !path.starts_with('"') && !path.chars().any(char::is_control) {
        return Cow::Borrowed(path);
    }
    let mut quoted = String::with_capacity(path.len() + 2);
    quoted.push('"');
    for c in path.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            _ => push_escaped(&mut quoted, c),
        }
    }
    quoted.push('"');
    Cow::Owned(quoted)
}

/// `message` on one line: control characters (a path's newline quoted in a message) escaped,
/// nothing else changed.
pub(crate) fn text_message(message: &str) -> Cow<'_, str> {
    if !message.chars().any(char::is_control) {
        return Cow::Borrowed(message);
    }
    let mut escaped = String::with_capacity(message.len() + 8);
    for c in message.chars() {
        push_escaped(&mut escaped, c);
    }
    Cow::Owned(escaped)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c.is_control() => {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_paths_are_unchanged() {
        for path in [
            "src/app.py",
            "with space/é.ts",
            "a\\b.py",
            "it's.py",
            "x\"y.py",
        ] {
            assert_eq!(text_path(path), path);
        }
    }

    #[test]
    fn control_characters_quote_the_path() {
        assert_eq!(text_path("new\nline.py"), r#""new\nline.py""#);
        assert_eq!(text_path("tab\there\\\".py"), r#""tab\there\\\".py""#);
        assert_eq!(text_path("bell\u{7}.py"), r#""bell\u{0007}.py""#);
        assert_eq!(text_path("\"quoted\".py"), r#""\"quoted\".py""#);
        assert_eq!(text_message("no module `a\nb`"), r"no module `a\nb`");
    }
}
