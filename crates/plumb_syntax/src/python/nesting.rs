//! CPython's tokenizer limits on nesting: at most 200 nested brackets (`MAXLEVEL`) and 100
//! indentation levels (`MAXINDENT`). Checked before parsing, which also keeps pathological nesting
//! from exhausting the parser's stack.
//!
//! Every file pays for the check, so it runs in three steps, each only when the previous one
//! cannot rule a limit out: [`chunk_bounds`] (a few vectorised byte counts per 32-byte chunk),
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
    if !chunk_bounds(source.as_bytes()).might_exceed() {
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

/// Upper bounds of [`naive_bounds`], from per-chunk byte counts that the compiler vectorises.
#[derive(Debug, PartialEq, Eq)]
struct ChunkBounds {
    /// At least the deepest naive bracket depth.
    brackets: u32,
    /// Some aligned chunk holds only bytes that can be leading whitespace (ASCII whitespace, or
    /// part of a multi-byte character, which may be Unicode whitespace): any line with 63 or
    /// more bytes of leading whitespace contains such a chunk.
    whitespace_run: bool,
}

impl ChunkBounds {
    fn might_exceed(&self) -> bool {
        self.brackets > MAX_BRACKETS || self.whitespace_run
    }
}

const CHUNK: usize = 32;

/// [`ChunkBounds`] of `bytes`. The naive depth after a chunk is at most what it was before,
/// less the chunk's closing brackets (saturating), plus its opening ones: that order (closers
/// first) loses the most to saturation; inside the chunk it never exceeds the depth before plus
/// the chunk's openers.
fn chunk_bounds(bytes: &[u8]) -> ChunkBounds {
    let mut depth = 0u32;
    let mut deepest = 0u32;
    let mut whitespace_run = false;
    let chunks = bytes.chunks_exact(CHUNK);
    let tail = chunks.remainder();
    for chunk in chunks {
        let (opening, closing, spaces) = chunk.iter().fold((0u32, 0u32, 0u32), |(o, c, s), &b| {
            (
                o + u32::from(matches!(b, b'(' | b'[' | b'{')),
                c + u32::from(matches!(b, b')' | b']' | b'}')),
                s + u32::from(matches!(
                    b,
                    b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' | b' ' | 0x80..
                )),
            )
        });
        deepest = deepest.max(depth + opening);
        depth = depth.saturating_sub(closing) + opening;
        whitespace_run |= spaces == CHUNK as u32;
    }
    let opening = tail
        .iter()
        .filter(|&&b| matches!(b, b'(' | b'[' | b'{'))
        .count() as u32;
    deepest = deepest.max(depth + opening);
    ChunkBounds {
        brackets: deepest,
        whitespace_run,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chunk bounds never say "fine" where the naive bounds say "check": the fast path may
    /// only skip work, never change a verdict.
    fn assert_bounds_hold(source: &str) {
        let (naive_max, deepest_indent) = naive_bounds(source);
        let chunked = chunk_bounds(source.as_bytes());
        assert!(
            chunked.brackets >= naive_max,
            "{source:?}: {chunked:?} < {naive_max}"
        );
        if deepest_indent >= 63 {
            assert!(
                chunked.whitespace_run,
                "{source:?}: indent {deepest_indent}"
            );
        }
    }

    #[test]
    fn chunk_bounds_are_upper_bounds_of_the_naive_ones() {
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
            cases.push(format!("{pad}\n{}y", "\t".repeat(63 + offset % 5)));
        }
        for case in &cases {
            assert_bounds_hold(case);
        }
    }

    #[test]
    fn ordinary_code_needs_no_second_pass() {
        let code = "def f(a, b):\n    return [g(x) for x in (a, b)]\n".repeat(500);
        assert!(!chunk_bounds(code.as_bytes()).might_exceed());
    }

    #[test]
    fn limits_are_still_reported() {
        assert!(nesting_limit_error(&format!("x = {}", "(".repeat(201))).is_some());
        assert!(
            nesting_limit_error(&format!("x = {}1{}", "(".repeat(200), ")".repeat(200))).is_none()
        );
    }
}
