//! CPython's tokenizer limits on nesting: at most 200 nested brackets (`MAXLEVEL`) and 100
//! indentation levels (`MAXINDENT`). Checked before parsing, which also keeps pathological nesting
//! from exhausting the parser's stack.
//!
//! Every file pays for the check, so it runs in three steps, each only when the previous one
//! cannot rule a limit out: [`might_exceed`] (vectorised byte counts per 32-byte chunk),
//! [`naive_bounds`] (one branchy pass; brackets in strings and comments count), and the exact
//! token count. Scanning every byte branchily took ~10% of a `--select SYN` run on Django.

use ruff_python_ast::token::TokenKind;
use ruff_python_parser::Mode;
use ruff_text_size::TextRange;

use crate::SyntaxError;

const MAX_BRACKETS: u32 = 200;
const MAX_INDENT_LEVELS: u32 = 99;

/// The error CPython's tokenizer raises for nesting beyond its limits, if any.
pub(super) fn nesting_limit_error(source: &str) -> Option<SyntaxError> {
    if !might_exceed(source.as_bytes()) {
        return None;
    }
    let (naive_max, deepest_indent) = naive_bounds(source);
    if naive_max <= MAX_BRACKETS && deepest_indent < MAX_INDENT_LEVELS as usize {
        return None;
    }
    let mut lexer = ruff_python_parser::lexer::lex(source, Mode::Module);
    let (mut depth, mut indents) = (0u32, 0u32);
    loop {
        let message = match lexer.next_token() {
            TokenKind::EndOfFile => return None,
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => {
                depth += 1;
                if depth <= MAX_BRACKETS {
                    continue;
                }
                "too many nested parentheses"
            }
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => {
                depth = depth.saturating_sub(1);
                continue;
            }
            TokenKind::Indent => {
                indents += 1;
                if indents < MAX_INDENT_LEVELS {
                    continue;
                }
                "too many levels of indentation"
            }
            TokenKind::Dedent => {
                indents = indents.saturating_sub(1);
                continue;
            }
            _ => continue,
        };
        // The lexer does not expose positions; the first bracket or line past the limit is where
        // CPython stops, found again from the text.
        let offset = offset_of_limit(
            source,
            message == "too many nested parentheses",
            MAX_BRACKETS,
        );
        let at = ruff_text_size::TextSize::new(offset);
        return Some(SyntaxError::new(
            TextRange::new(at, at),
            message.to_string(),
        ));
    }
}

fn offset_of_limit(source: &str, brackets: bool, max_brackets: u32) -> u32 {
    if brackets {
        let mut depth = 0u32;
        for (offset, byte) in source.bytes().enumerate() {
            match byte {
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    if depth > max_brackets {
                        return offset as u32;
                    }
                }
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        return 0;
    }
    let mut offset = 0;
    let mut widest = (0usize, 0u32);
    for line in source.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        if indent > widest.0 && !line.trim().is_empty() {
            widest = (indent, offset as u32);
        }
        offset += line.len();
    }
    widest.1
}

/// The deepest bracket nesting counting every bracket byte (an upper bound of the real depth:
/// brackets in strings and comments count too), and the most leading whitespace of any line.
fn naive_bounds(source: &str) -> (u32, usize) {
    let mut naive_depth = 0u32;
    let mut naive_max = 0u32;
    for byte in source.bytes() {
        match byte {
            b'(' | b'[' | b'{' => {
                naive_depth += 1;
                naive_max = naive_max.max(naive_depth);
            }
            b')' | b']' | b'}' => naive_depth = naive_depth.saturating_sub(1),
            _ => {}
        }
    }
    let deepest_indent = source
        .lines()
        .map(|line| line.len() - line.trim_start().len())
        .max()
        .unwrap_or(0);
    (naive_max, deepest_indent)
}

/// Whether [`naive_bounds`] might report a limit exceeded, from per-chunk byte counts that the
/// compiler vectorises (a `u8` lane per byte; a `fold` into `u32`s was not, and was slower than
/// the scalar loop it replaced).
fn might_exceed(bytes: &[u8]) -> bool {
    bracket_bound(bytes) > MAX_BRACKETS || has_long_whitespace_run(bytes)
}

const CHUNK: usize = 32;

/// At least the deepest naive bracket depth. The naive depth after a chunk is at most what it
/// was before, less the chunk's closing brackets (saturating), plus its opening ones: that
/// order (closers first) loses the most to saturation; inside the chunk it never exceeds the
/// depth before plus the chunk's openers.
fn bracket_bound(bytes: &[u8]) -> u32 {
    let mut depth = 0u32;
    let mut deepest = 0u32;
    let chunks = bytes.chunks_exact(CHUNK);
    let tail = chunks.remainder();
    for chunk in chunks {
        let (mut opening, mut closing) = (0u8, 0u8);
        for &byte in chunk {
            opening += u8::from(byte == b'(') + u8::from(byte == b'[') + u8::from(byte == b'{');
            closing += u8::from(byte == b')') + u8::from(byte == b']') + u8::from(byte == b'}');
        }
        let (opening, closing) = (u32::from(opening), u32::from(closing));
        deepest = deepest.max(depth + opening);
        depth = depth.saturating_sub(closing) + opening;
    }
    let opening = tail
        .iter()
        .filter(|&&byte| matches!(byte, b'(' | b'[' | b'{'))
        .count();
    deepest.max(depth + opening as u32)
}

/// A byte that can be part of a line's leading whitespace: ASCII whitespace other than a
/// newline, or a byte of a multi-byte character (which may be Unicode whitespace).
fn is_leading_space(byte: u8) -> bool {
    byte == b' ' || byte >= 0x80 || (byte.wrapping_sub(b'\t') < 5 && byte != b'\n')
}

/// Some run of [`is_leading_space`] bytes is as long as the indentation limit: a line with
/// that much leading whitespace has one. Any such run contains a whole aligned chunk of them,
/// so only around those chunks (deep indentation, long runs of spaces) is the run measured.
fn has_long_whitespace_run(bytes: &[u8]) -> bool {
    let limit = MAX_INDENT_LEVELS as usize;
    for (index, chunk) in bytes.chunks_exact(CHUNK).enumerate() {
        let mut spaces = 0u8;
        for &byte in chunk {
            spaces += u8::from(is_leading_space(byte));
        }
        if usize::from(spaces) < CHUNK {
            continue;
        }
        let at = index * CHUNK;
        let before = bytes[..at]
            .iter()
            .rev()
            .take(limit)
            .take_while(|&&byte| is_leading_space(byte))
            .count();
        let after = bytes[at..]
            .iter()
            .take(limit)
            .take_while(|&&byte| is_leading_space(byte))
            .count();
        if before + after >= limit {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast bounds never say "fine" where the naive bounds say "check": the fast path may
    /// only skip work, never change a verdict.
    fn assert_bounds_hold(source: &str) {
        let (naive_max, deepest_indent) = naive_bounds(source);
        let bound = bracket_bound(source.as_bytes());
        assert!(bound >= naive_max, "{source:?}: {bound} < {naive_max}");
        if deepest_indent >= MAX_INDENT_LEVELS as usize {
            assert!(
                has_long_whitespace_run(source.as_bytes()),
                "{source:?}: indent {deepest_indent}"
            );
        }
    }

    #[test]
    fn fast_bounds_are_upper_bounds_of_the_naive_ones() {
        let mut cases = vec![
            String::new(),
            "(".repeat(201),
            ")(".repeat(300),
            format!("x = 1\n{}pass\n", " ".repeat(99)),
            format!("x = 1\n{}pass\n", "\u{3000}".repeat(40)),
            format!("{}{}", "a".repeat(31), "(".repeat(250)),
        ];
        // Brackets opening and closing at every offset and chunk boundary.
        for offset in 0..70 {
            let pad = "x".repeat(offset);
            cases.push(format!("{pad}{}{}", "([{".repeat(70), "}])".repeat(70)));
            cases.push(format!("{pad}{}", "])}".repeat(30) + &"([{".repeat(68)));
            cases.push(format!("{pad}\n{}y", "\t".repeat(99 + offset % 5)));
            cases.push(format!("{pad}\n{}y", " \u{a0}".repeat(33 + offset % 3)));
        }
        for case in &cases {
            assert_bounds_hold(case);
        }
    }

    #[test]
    fn ordinary_code_needs_no_second_pass() {
        let code = "def f(a, b):\n    return [g(x) for x in (a, b)]\n".repeat(500);
        assert!(!might_exceed(code.as_bytes()));
        // Deep indentation and aligned continuation lines, but under the limits.
        let nested = format!("{}x = (1,\n{}2)\n", " ".repeat(40), " ".repeat(90));
        assert!(!might_exceed(nested.as_bytes()));
    }

    #[test]
    fn limits_are_still_reported() {
        assert!(nesting_limit_error(&format!("x = {}", "(".repeat(201))).is_some());
        assert!(
            nesting_limit_error(&format!("x = {}1{}", "(".repeat(200), ")".repeat(200))).is_none()
        );
    }
}
