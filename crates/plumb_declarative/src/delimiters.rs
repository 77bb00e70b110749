//! Parentheses and brackets of a query, checked before tree-sitter sees it.
//!
//! tree-sitter 0.25's query parser aborts the whole process on some unbalanced queries (an
//! `assert` in `ts_query__parse_pattern`, found by the `declarative_rule` fuzz target): a user's
//! typo in a rule file must be an error pointing at the line, never a crash. Balanced
//! delimiters are also what every valid query has, so this rejects nothing tree-sitter accepts.

/// The byte offset and message of the first delimiter that does not match, outside string
/// literals and `;` comments; `None` when every `(` and `[` is closed in order.
pub(crate) fn unbalanced(query: &str) -> Option<(usize, String)> {
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut chars = query.char_indices();
    while let Some((offset, c)) = chars.next() {
        match c {
            '"' => skip_string(&mut chars),
            ';' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '(' | '[' => open.push((offset, c)),
            ')' | ']' => {
                let expected = if c == ')' { '(' } else { '[' };
                match open.pop() {
                    Some((_, opened)) if opened == expected => {}
                    Some((_, opened)) => {
                        return Some((offset, format!("`{c}` closes a `{opened}`")));
                    }
                    None => return Some((offset, format!("`{c}` closes nothing"))),
                }
            }
            _ => {}
        }
    }
    // The innermost one: where the missing delimiter most likely belongs.
    open.pop()
        .map(|(at, opened)| (at, format!("this `{opened}` is never closed")))
}

/// Past the closing quote of a string literal (backslash escapes included).
fn skip_string(chars: &mut std::str::CharIndices<'_>) {
    while let Some((_, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => return,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unbalanced;

    #[test]
    fn balanced_queries_pass_whatever_their_strings_and_comments_hold() {
        for query in [
            "(call function: (identifier) @f)",
            "[(string) (integer)] @v",
            "((identifier) @i (#eq? @i \"(\"))",
            "((identifier) @i (#match? @i \"a\\\"(b\"))",
            "; a comment with ( and ]\n(identifier) @i",
            "\"(\" @open",
        ] {
            assert_eq!(unbalanced(query), None, "{query}");
        }
    }

    #[test]
    fn the_first_mismatch_is_named_where_it_is() {
        // The fuzz target's crash input, shortened: tree-sitter aborted the process on it.
        let crash = "(call\n  function: (attribute object: (identifier) @object attribute: (identifier) @method(\n  (#not-eq? @object \"self\")\n  (#match? @method \"^delete_\")) @call\n";
        let (offset, message) = unbalanced(crash).unwrap();
        assert_eq!(&crash[offset..offset + 10], "(attribute");
        assert_eq!(message, "this `(` is never closed");
        assert_eq!(
            unbalanced("(a [b)]"),
            Some((5, "`)` closes a `[`".to_string()))
        );
        assert_eq!(
            unbalanced("(a))"),
            Some((3, "`)` closes nothing".to_string()))
        );
    }
}
