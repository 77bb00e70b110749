//! Type definitions a file makes: the facts behind duplicate-type detection (TYP001).
//!
//! Extraction records every definition with what the rule needs to judge it (visibility, nesting,
//! ambient context) and a normalised shape to compare definitions by, so changing the rule's
//! options never needs a re-parse. Deciding what counts is the rule's job.

pub(crate) mod ecma;
pub(crate) mod python;

use plumb_diagnostics::Span;
use serde::{Deserialize, Serialize};

/// What construct defines the type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TypeKind {
    /// TS `interface`.
    Interface,
    /// TS `type X = ...`, Python `type X = ...` and `X: TypeAlias = ...`.
    TypeAlias,
    /// TS `enum`, Python `Enum("X", ...)`.
    Enum,
    /// TS `const enum`.
    ConstEnum,
    /// A class in either language (dataclasses, pydantic models, `TypedDict`, `Enum`,
    /// `Protocol` subclasses included: their bases are part of the heritage).
    Class,
    /// Python `X = TypedDict("X", ...)`.
    TypedDict,
    /// Python `X = NamedTuple("X", ...)`.
    NamedTuple,
    /// Python `X = NewType("X", ...)`.
    NewType,
}

impl TypeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TypeKind::Interface => "interface",
            TypeKind::TypeAlias => "type alias",
            TypeKind::Enum => "enum",
            TypeKind::ConstEnum => "const enum",
            TypeKind::Class => "class",
            TypeKind::TypedDict => "TypedDict",
            TypeKind::NamedTuple => "NamedTuple",
            TypeKind::NewType => "NewType",
        }
    }
}

/// One member of a type's shape: its name (for reporting what differs) and its normalised text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TypeMember {
    pub name: String,
    pub text: String,
}

/// One definition of a named type in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeDefinition {
    pub name: String,
    pub kind: TypeKind,
    /// The defined name (not the decorators or `export` keyword before it).
    pub span: Span,
    /// TS/JS: exported (`export`, `export default`, a later `export { X }`, or a global in a
    /// declaration script). Python: not `_`-prefixed, and listed in `__all__` when the module
    /// defines it as a literal.
    pub exported: bool,
    /// Python: a class defined inside a class or function body.
    pub nested: bool,
    /// Python: defined only under `if TYPE_CHECKING:`.
    pub type_checking_only: bool,
    /// TS: defined inside `declare module "name"` (the module's name) or `declare global`
    /// (`global`).
    pub ambient_module: Option<String>,
    /// TS: defined at the top level of a declaration script (a `.d.ts` without imports or
    /// exports), whose declarations are globals, as inside `declare global`.
    pub global_script: bool,
    /// Generic parameters, normalised (`<T extends object>`, `[T]`); empty when none.
    pub type_parameters: String,
    /// `extends` / `implements` clauses and base classes, normalised; part of a type's shape.
    pub heritage: Vec<String>,
    /// The names the base classes / extended types were defined under, seen through module
    /// qualifiers and import aliases: `base.Serializer` and `PythonSerializer` (from `from
    /// .python import Serializer as PythonSerializer`) are both `Serializer`. Lets the rule tell
    /// a class that refines a same-named type from a copy of it.
    pub base_names: Vec<String>,
    /// Python: the names of the class's decorators (`dataclass` for `@dataclasses.dataclass(frozen=True)`).
    pub decorators: Vec<String>,
    /// Classes: a hash of the whole body, whitespace-normalised, so that verbatim copies can be
    /// told from classes that only share member names; 0 for other kinds.
    pub body_hash: u64,
    /// Members, normalised and sorted (object members compare order-insensitively).
    pub members: Vec<TypeMember>,
}

/// `text` with whitespace removed except where it separates two word characters, so that
/// `a:string` and `a : string` compare equal while `readonly x` keeps its space; trailing `;`
/// and `,` are dropped.
pub(crate) fn normalize(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    normalize_into(text, &mut out);
    String::from_utf8(out).expect("whole characters are copied, so the output is UTF-8")
}

/// A stable hash of `text` normalised: facts are cached, so it must not vary between runs or
/// builds as `std`'s hasher may. xxh3 rather than the byte-at-a-time FNV-1a it replaced, whose
/// multiply chain cost more than the normalising. Class bodies are most of a Python file:
/// normalised into a buffer each worker keeps, not a fresh allocation per class.
pub(crate) fn body_hash(text: &str) -> u64 {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        normalize_into(text, buffer);
        let hash = xxhash_rust::xxh3::xxh3_64(buffer);
        // A huge class once should not pin its size for the rest of the run.
        buffer.shrink_to(1 << 20);
        hash
    })
}

/// What a byte of the text is to [`normalize_into`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum ByteClass {
    /// Copied as it is.
    Plain,
    /// ASCII whitespace (as `char::is_whitespace`): dropped.
    Space,
    /// `;` or `,`: held back while it may be trailing.
    Separator,
    /// Starts a multi-byte character, which may be Unicode whitespace.
    Lead,
}

const BYTE_CLASS: [ByteClass; 256] = {
    let mut table = [ByteClass::Plain; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = match byte as u8 {
            b'\t'..=b'\r' | b' ' => ByteClass::Space,
            b';' | b',' => ByteClass::Separator,
            0xC0.. => ByteClass::Lead,
            _ => ByteClass::Plain,
        };
        byte += 1;
    }
    table
};

/// Appends [`normalize`]`(text)` to `out`. Runs of plain bytes are found with one table lookup
/// per byte and copied at once: a loop over `char`s, then one over bytes that copied each on
/// its own, took 5-9% of an all-rules run on Django.
fn normalize_into(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    let class = |at: usize| BYTE_CLASS[usize::from(bytes[at])];
    // Where the held run of separators starts in `out`: they are written, then cut off if
    // nothing but whitespace follows them.
    let mut held_from: Option<usize> = None;
    let mut pending_space = false;
    let mut at = 0;
    while at < bytes.len() {
        let width = match class(at) {
            ByteClass::Space => {
                pending_space = true;
                at += 1;
                while at < bytes.len() && class(at) == ByteClass::Space {
                    at += 1;
                }
                continue;
            }
            ByteClass::Separator => {
                held_from.get_or_insert(out.len());
                out.push(bytes[at]);
                pending_space = false;
                at += 1;
                continue;
            }
            ByteClass::Plain => 1,
            ByteClass::Lead => {
                let character = text[at..].chars().next().expect("at a character boundary");
                if character.is_whitespace() {
                    pending_space = true;
                    at += character.len_utf8();
                    continue;
                }
                character.len_utf8()
            }
        };
        if pending_space {
            pending_space = false;
            // A space only between two word characters, never after a separator.
            if held_from.is_none() {
                let next = text[at..].chars().next().expect("at a character boundary");
                if is_word(next) && last_char(out).is_some_and(is_word) {
                    out.push(b' ');
                }
            }
        }
        held_from = None;
        let start = at;
        at += width;
        while at < bytes.len() && class(at) == ByteClass::Plain {
            at += 1;
        }
        out.extend_from_slice(&bytes[start..at]);
    }
    if let Some(from) = held_from {
        out.truncate(from);
    }
}

/// The last character of `out`, which holds whole characters.
fn last_char(out: &[u8]) -> Option<char> {
    let start =
        (out.len().saturating_sub(4)..out.len()).find(|&index| (out[index] & 0xC0) != 0x80)?;
    std::str::from_utf8(&out[start..]).ok()?.chars().next_back()
}

fn is_word(character: char) -> bool {
    character.is_alphanumeric() || character == '_' || character == '$'
}

/// Members sorted, and merged definitions deduplicated.
pub(crate) fn sort_members(members: &mut Vec<TypeMember>) {
    members.sort();
    members.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ExtractOptions, extract};
    use plumb_syntax::{EcmaKind, PythonVersion, SourceKind};

    fn python(text: &str) -> Vec<TypeDefinition> {
        let options = ExtractOptions::new(PythonVersion::DEFAULT);
        extract(text, SourceKind::Python { is_stub: false }, options)
            .unwrap()
            .type_definitions
    }

    fn ts(text: &str, kind: EcmaKind) -> Vec<TypeDefinition> {
        let options = ExtractOptions::new(PythonVersion::DEFAULT);
        extract(text, SourceKind::Ecma(kind), options)
            .unwrap()
            .type_definitions
    }

    fn summary(definitions: &[TypeDefinition]) -> Vec<(String, TypeKind, bool)> {
        definitions
            .iter()
            .map(|definition| {
                (
                    definition.name.clone(),
                    definition.kind,
                    definition.exported,
                )
            })
            .collect()
    }

    #[test]
    fn whitespace_is_normalised_but_words_stay_apart() {
        assert_eq!(normalize("readonly  a :\n string;"), "readonly a:string");
        assert_eq!(normalize("x: Array< T >,"), "x:Array<T>");
        assert_eq!(normalize("a ; b ,; c ;, "), "a;b,;c");
        assert_eq!(normalize("f(a, b) ;"), "f(a,b)");
    }

    /// `normalize` copies runs; it must equal the character-by-character definition.
    #[test]
    fn normalize_equals_the_character_by_character_definition() {
        for text in [
            "",
            ";;",
            " a b ",
            "x = 1;\n  y : int ,\n",
            "class A:\n    \"\"\"Doc.\"\"\"\n    x: int = 1 ; ,\n",
            "a ; b ,; c ;, d",
            "a;\tb , ;c",
            "é ü\u{3000}ß ;",
            "x\u{a0}y\u{2028}z \u{b}w",
            "interface I { readonly a : string; b?: Array< T >, }",
        ] {
            assert_eq!(normalize(text), normalize_by_char(text), "{text:?}");
        }
        // Pseudo-random texts over the characters that matter (deterministic: a fixed LCG).
        let alphabet: Vec<char> = "ab_1$ \t\n\r\u{b};,:()é\u{a0}\u{3000}漢".chars().collect();
        let mut state = 0x2545_f491_u64;
        for _ in 0..2_000 {
            let text: String = (0..24)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1);
                    alphabet[(state >> 33) as usize % alphabet.len()]
                })
                .collect();
            assert_eq!(normalize(&text), normalize_by_char(&text), "{text:?}");
        }
        assert_eq!(body_hash("a : b"), body_hash("a:b"));
        assert_ne!(body_hash("a b"), body_hash("ab"));
    }

    /// The definition [`normalize`] had before it copied runs, kept as the reference.
    fn normalize_by_char(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut pending_space = false;
        for character in text.chars() {
            if character.is_whitespace() {
                pending_space = true;
                continue;
            }
            if pending_space && is_word(character) && out.chars().next_back().is_some_and(is_word) {
                out.push(' ');
            }
            pending_space = false;
            out.push(character);
        }
        let trimmed = out.trim_end_matches([';', ',']).len();
        out.truncate(trimmed);
        out
    }

    #[test]
    fn typescript_constructs_and_exports() {
        let text = "export interface A extends B { x: string }\n\
                    interface A { y: number }\n\
                    type C<T> = { a: T };\n\
                    export { C };\n\
                    export const enum D { X }\n\
                    enum E { Y }\n\
                    export default abstract class F implements G {}\n\
                    declare module \"m\" { interface H {} }\n\
                    function f() { class Local {} }\n";
        let found = ts(text, EcmaKind::Ts);
        assert_eq!(
            summary(&found),
            vec![
                ("A".into(), TypeKind::Interface, true),
                ("C".into(), TypeKind::TypeAlias, true),
                ("D".into(), TypeKind::ConstEnum, true),
                ("E".into(), TypeKind::Enum, false),
                ("F".into(), TypeKind::Class, true),
                ("H".into(), TypeKind::Interface, true),
            ]
        );
        // The two `interface A` merged into one definition.
        assert_eq!(found[0].members.len(), 2);
        assert_eq!(found[0].heritage, vec!["extends B"]);
        assert_eq!(found[1].type_parameters, "<T>");
        assert_eq!(found[5].ambient_module.as_deref(), Some("m"));
    }

    #[test]
    fn aliases_that_re_export_a_same_named_type_define_nothing() {
        let found = ts(
            "import * as core from \"./core\";\nexport type input<T> = core.input<T>;\nexport type Other = core.input<string>;\n",
            EcmaKind::Ts,
        );
        assert_eq!(
            summary(&found),
            vec![("Other".into(), TypeKind::TypeAlias, true)]
        );
        let found = python(
            "import m\nfrom typing import TypeAlias\nX: TypeAlias = m.X\nY: TypeAlias = m.X\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "Y");
    }

    #[test]
    fn constructor_parameter_properties_are_class_members() {
        let found = ts(
            "export class P<T> {\n  constructor(public value: T, readonly at: number, plain: string) {}\n}\n",
            EcmaKind::Ts,
        );
        let names: Vec<&str> = found[0].members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, vec!["at", "constructor", "value"]);
    }

    #[test]
    fn declaration_scripts_define_globals() {
        let found = ts("interface Window { x: 1 }\n", EcmaKind::Dts);
        assert!(found[0].exported);
        let found = ts("interface W {}\nexport {};\n", EcmaKind::Dts);
        assert!(!found[0].exported);
    }

    #[test]
    fn declaration_scripts_mark_their_top_level_global() {
        let found = ts(
            "interface Window { x: 1 }\ndeclare module \"m\" { interface R {} }\n",
            EcmaKind::Dts,
        );
        assert!(found[0].global_script);
        assert!(!found[1].global_script);
        let found = ts("interface W {}\nexport {};\n", EcmaKind::Dts);
        assert!(!found[0].global_script);
    }

    #[test]
    fn base_names_see_through_qualifiers_and_import_aliases() {
        let found = python(
            "from . import base\nfrom .python import Serializer as PythonSerializer\n\
             from typing import Generic\n\
             class A(base.Serializer): pass\nclass B(PythonSerializer, Generic[T], metaclass=M): pass\n\
             @dataclasses.dataclass(frozen=True)\nclass C: pass\n",
        );
        assert_eq!(found[0].base_names, vec!["Serializer"]);
        assert_eq!(found[1].base_names, vec!["Serializer", "Generic"]);
        assert_eq!(found[2].decorators, vec!["dataclass"]);
        let found = ts(
            "import { Chat as AbstractChat } from \"./chat\";\nimport * as ns from \"./ns\";\n\
             export class A extends AbstractChat implements ns.Store {}\n",
            EcmaKind::Ts,
        );
        assert_eq!(found[0].base_names, vec!["Chat", "Store"]);
    }

    #[test]
    fn class_bodies_hash_equal_only_when_copied() {
        let found = python(
            "class A(X):\n    def f(self):\n        return 1\n\
             class B(Y):\n    def f(self):\n        return  1\n\
             class C(X):\n    def f(self):\n        return 2\n",
        );
        assert_eq!(found[0].body_hash, found[1].body_hash);
        assert_ne!(found[0].body_hash, found[2].body_hash);
        assert_ne!(found[0].body_hash, 0);
    }

    #[test]
    fn python_constructs_and_visibility() {
        let text = "from typing import TypedDict, NamedTuple, NewType, TypeAlias, TYPE_CHECKING\n\
                    from enum import Enum\n\
                    class A(Base):\n    x: int\n    class Inner: pass\n\
                    class _Private: pass\n\
                    B: TypeAlias = list[int]\n\
                    C = TypedDict(\"C\", {\"a\": int})\n\
                    D = NewType(\"D\", int)\n\
                    E = Enum(\"E\", \"X Y\")\n\
                    F = NamedTuple(\"F\", [(\"a\", int)])\n\
                    G = NewType(\"Other\", int)\n\
                    if TYPE_CHECKING:\n    class H: pass\n\
                    def f():\n    class Local: pass\n";
        let found = python(text);
        let names: Vec<(String, TypeKind, bool, bool, bool)> = found
            .iter()
            .map(|d| {
                (
                    d.name.clone(),
                    d.kind,
                    d.exported,
                    d.nested,
                    d.type_checking_only,
                )
            })
            .collect();
        assert_eq!(
            names,
            vec![
                ("A".into(), TypeKind::Class, true, false, false),
                ("Inner".into(), TypeKind::Class, true, true, false),
                ("_Private".into(), TypeKind::Class, false, false, false),
                ("B".into(), TypeKind::TypeAlias, true, false, false),
                ("C".into(), TypeKind::TypedDict, true, false, false),
                ("D".into(), TypeKind::NewType, true, false, false),
                ("E".into(), TypeKind::Enum, true, false, false),
                ("F".into(), TypeKind::NamedTuple, true, false, false),
                ("H".into(), TypeKind::Class, true, false, true),
                ("Local".into(), TypeKind::Class, true, true, false),
            ]
        );
        assert_eq!(found[0].heritage, vec!["Base"]);
        assert_eq!(found[4].members.len(), 1);
        assert_eq!(found[6].members.len(), 2);
    }

    #[test]
    fn python_dunder_all_decides_what_is_public() {
        let found = python("__all__ = [\"A\"]\nclass A: pass\nclass B: pass\n");
        assert!(found[0].exported);
        assert!(!found[1].exported);
    }

    #[test]
    fn python_pep695_aliases_need_312() {
        let options = ExtractOptions::new("3.12".parse().unwrap());
        let found = extract(
            "type Pair[T] = tuple[T, T]\n",
            SourceKind::Python { is_stub: false },
            options,
        )
        .unwrap()
        .type_definitions;
        assert_eq!(found[0].kind, TypeKind::TypeAlias);
        assert_eq!(found[0].type_parameters, "[T]");
    }
}
