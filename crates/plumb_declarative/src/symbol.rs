//! The enclosing symbol of a declarative rule's hit: the names of the functions, classes and
//! test blocks around it, outermost first, joined with `::` as MCK001's are
//! (`TestLogin::test_ok`, `cart::adds an item`). Fingerprints hash it instead of a line
//! number, so a baseline entry survives lines inserted above the hit, and the same snippet in
//! two functions is two entries.

use tree_sitter::Node;

/// Calls whose callback is a named test block: `describe("cart", () => ...)`, as MCK001 names
/// them.
const TITLED_BLOCKS: &[&str] = &["describe", "context", "suite", "it", "test"];

/// The symbol path of `node`, itself included when it is a definition (a rule that reports a
/// class gets the class's name). Empty at module level.
pub(crate) fn symbol_of(node: Node<'_>, source: &str) -> String {
    let mut names: Vec<&str> = Vec::new();
    let mut from: Option<Node<'_>> = None;
    let mut current = Some(node);
    while let Some(at) = current {
        if let Some(name) = name_of(at, from, source) {
            names.push(name);
        }
        from = Some(at);
        current = at.parent();
    }
    names.reverse();
    names.join("::")
}

/// The name `node` gives the code inside it, reached from its child `from`.
fn name_of<'s>(node: Node<'_>, from: Option<Node<'_>>, source: &'s str) -> Option<&'s str> {
    let named = |node: Node<'_>| {
        node.child_by_field_name("name")
            .and_then(|name| source.get(name.byte_range()))
    };
    match node.kind() {
        // Python
        "function_definition" | "class_definition" => named(node),
        // A decorator belongs to the definition it decorates.
        "decorated_definition" => {
            let definition = node.child_by_field_name("definition")?;
            (Some(definition) != from).then(|| named(definition))?
        }
        // TypeScript / JavaScript
        "function_declaration"
        | "generator_function_declaration"
        | "class_declaration"
        | "abstract_class_declaration"
        | "method_definition" => named(node),
        "function_expression" | "generator_function" | "arrow_function" | "class" => {
            named(node).or_else(|| assigned_name(node, source))
        }
        "call_expression" => block_title(node, source),
        _ => None,
    }
}

/// The name an anonymous function or class is assigned to: a variable, a class field, an
/// object property (the names SIZ002 gives such functions).
fn assigned_name<'s>(node: Node<'_>, source: &'s str) -> Option<&'s str> {
    let parent = node.parent()?;
    if parent.child_by_field_name("value") != Some(node) {
        return None;
    }
    let name = match parent.kind() {
        "variable_declarator" | "public_field_definition" => parent.child_by_field_name("name")?,
        "field_definition" => parent.child_by_field_name("property")?,
        "pair" => parent.child_by_field_name("key")?,
        _ => return None,
    };
    if !matches!(
        name.kind(),
        "identifier" | "property_identifier" | "private_property_identifier" | "string"
    ) {
        return None;
    }
    let text = source.get(name.byte_range())?;
    Some(text.trim_matches(['"', '\'']))
}

/// The title of `describe("title", ...)`, `it.only("title", ...)` and the like.
fn block_title<'s>(call: Node<'_>, source: &'s str) -> Option<&'s str> {
    let callee = call.child_by_field_name("function")?;
    let callee = match callee.kind() {
        "member_expression" => callee.child_by_field_name("object")?,
        _ => callee,
    };
    if callee.kind() != "identifier" || !TITLED_BLOCKS.contains(&source.get(callee.byte_range())?) {
        return None;
    }
    let arguments = call.child_by_field_name("arguments")?;
    let title = arguments.named_child(0)?;
    let literal = match title.kind() {
        "string" => true,
        "template_string" => {
            let mut cursor = title.walk();
            let mut parts = title.named_children(&mut cursor);
            parts.all(|part| part.kind() != "template_substitution")
        }
        _ => false,
    };
    if !literal {
        return None;
    }
    let text = source.get(title.byte_range())?;
    // Without its quotes: `string` and `template_string` nodes span them.
    text.get(1..text.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::Grammar;

    /// The symbol of the first node whose text is `needle`.
    fn symbol_at(grammar: Grammar, source: &str, needle: &str) -> String {
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&grammar.language()).unwrap();
        let tree = parser.parse(source, None).unwrap();
        let start = source.find(needle).expect("the needle is in the source");
        let node = tree
            .root_node()
            .descendant_for_byte_range(start, start + needle.len())
            .unwrap();
        symbol_of(node, source)
    }

    #[test]
    fn python_functions_classes_and_decorators() {
        let source = "\
print(0)

class TestLogin:
    @mark(print(1))
    def test_ok(self):
        def helper():
            print(2)
";
        assert_eq!(symbol_at(Grammar::Python, source, "print(0)"), "");
        assert_eq!(
            symbol_at(Grammar::Python, source, "print(1)"),
            "TestLogin::test_ok"
        );
        assert_eq!(
            symbol_at(Grammar::Python, source, "print(2)"),
            "TestLogin::test_ok::helper"
        );
        // A reported definition names itself.
        assert_eq!(symbol_at(Grammar::Python, source, "TestLogin"), "TestLogin");
    }

    #[test]
    fn ecma_functions_methods_assigned_functions_and_test_blocks() {
        let source = "\
function load() { log(1); }
class Cart { add() { log(2); } }
const handler = () => { log(3); };
const api = { fetch: function () { log(4); } };
describe('cart', () => { it.only(`adds`, () => { log(5); }); });
describe(name, () => { log(6); });
";
        for grammar in [Grammar::TypeScript, Grammar::Tsx, Grammar::JavaScript] {
            let at = |needle| symbol_at(grammar, source, needle);
            assert_eq!(at("log(1)"), "load", "{grammar:?}");
            assert_eq!(at("log(2)"), "Cart::add", "{grammar:?}");
            assert_eq!(at("log(3)"), "handler", "{grammar:?}");
            assert_eq!(at("log(4)"), "fetch", "{grammar:?}");
            assert_eq!(at("log(5)"), "cart::adds", "{grammar:?}");
            assert_eq!(at("log(6)"), "", "{grammar:?}");
        }
    }
}
