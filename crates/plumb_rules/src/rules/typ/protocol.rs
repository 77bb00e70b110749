//! Implementations of one protocol that share its name by design (TYP001).
//!
//! Django's database backends each define `DatabaseWrapper(BaseDatabaseWrapper)` in their own
//! `base.py`, its mail backends each an `EmailBackend(BaseEmailBackend)`, its serializers each a
//! `Serializer(base.Serializer)`: a loader finds them by module path, so the shared name is the
//! contract, not a second source of truth. What marks such a class is its base: one named after
//! the protocol (`Base<Name>`, `<Name>Base`, `Abstract<Name>`) or a same-named type it refines
//! (`base.Serializer`, or `Serializer` imported under another name). A class copied into a
//! second module keeps its original's base (`CacheCompensationHandler(BaseCompensationHandler)`
//! in `handlers.py` and `handlers_core.py`), which names neither, and a verbatim copy of a body
//! is a copy whatever its bases.

use std::collections::HashSet;

use plumb_facts::{TypeDefinition, TypeKind};

use crate::ProjectIndex;

/// Decorators that make a class a data shape (`dataclasses`, `attrs`, pydantic).
const DATA_DECORATORS: &[&str] = &["dataclass", "define", "frozen", "mutable", "s", "attrs"];

/// Base classes that make a class a data shape: typed dicts, tuples, enums and the model
/// classes of ORMs, pydantic and serialisation libraries.
const DATA_BASES: &[&str] = &[
    "TypedDict",
    "NamedTuple",
    "Enum",
    "IntEnum",
    "StrEnum",
    "Flag",
    "IntFlag",
    "BaseSettings",
    "Struct",
    "Protocol",
];

/// The names of the project's data-shape classes, through inheritance: Netbox's
/// `CircuitType(BaseCircuitType)` is a model because `BaseCircuitType(OrganizationalModel)` is.
/// Names are not resolved to one definition: a name any data shape carries counts, which errs
/// towards reporting.
pub(crate) struct DataShapes(HashSet<String>);

impl DataShapes {
    pub(crate) fn of(index: &ProjectIndex) -> Self {
        let classes: Vec<&TypeDefinition> = index
            .files_with_facts()
            .flat_map(|(_, _, facts)| &facts.type_definitions)
            .filter(|definition| definition.kind == TypeKind::Class)
            .collect();
        let mut names: HashSet<String> = classes
            .iter()
            .filter(|definition| is_data_shape_itself(definition))
            .map(|definition| definition.name.clone())
            .collect();
        // Each pass adds the subclasses of the last one's names; a pass that adds none ends it.
        loop {
            let before = names.len();
            for definition in &classes {
                if !names.contains(&definition.name)
                    && definition
                        .base_names
                        .iter()
                        .any(|base| names.contains(base))
                {
                    names.insert(definition.name.clone());
                }
            }
            if names.len() == before {
                return DataShapes(names);
            }
        }
    }

    /// Data shapes (dataclasses, models, TypedDicts, enums, interfaces and aliases) stay
    /// reported whatever their bases: two copies of a data shape disagree about the data.
    fn contains(&self, definition: &TypeDefinition) -> bool {
        is_data_shape_itself(definition)
            || definition
                .base_names
                .iter()
                .any(|base| self.0.contains(base))
    }
}

/// A data shape by its own kind, decorators or bases.
fn is_data_shape_itself(definition: &TypeDefinition) -> bool {
    definition.kind != TypeKind::Class
        || definition
            .decorators
            .iter()
            .any(|decorator| DATA_DECORATORS.contains(&decorator.as_str()))
        || definition.base_names.iter().any(|base| {
            DATA_BASES.contains(&base.as_str()) || base.contains("Model") || base.contains("Schema")
        })
}

/// `base` names the protocol `name` stands for, or is a same-named type `name` refines.
fn names_protocol(base: &str, name: &str) -> bool {
    base == name
        || base.strip_prefix("Base") == Some(name)
        || base.strip_prefix("Abstract") == Some(name)
        || base.strip_suffix("Base") == Some(name)
}

/// A class that implements (or refines) the protocol its name stands for.
pub(crate) fn implements_protocol(definition: &TypeDefinition, data_shapes: &DataShapes) -> bool {
    !data_shapes.contains(definition)
        && definition
            .base_names
            .iter()
            .any(|base| names_protocol(base, &definition.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use plumb_diagnostics::Span;

    fn implements(definition: &TypeDefinition) -> bool {
        implements_protocol(definition, &DataShapes(HashSet::new()))
    }

    fn class(name: &str, bases: &[&str], decorators: &[&str]) -> TypeDefinition {
        TypeDefinition {
            name: name.to_string(),
            kind: TypeKind::Class,
            span: Span::file_start(),
            exported: true,
            nested: false,
            type_checking_only: false,
            ambient_module: None,
            global_script: false,
            type_parameters: String::new(),
            heritage: Vec::new(),
            base_names: bases.iter().map(|base| base.to_string()).collect(),
            decorators: decorators.iter().map(|d| d.to_string()).collect(),
            body_hash: 1,
            members: Vec::new(),
        }
    }

    #[test]
    fn bases_named_after_the_protocol_mark_an_implementation() {
        for base in [
            "BaseEmailBackend",
            "EmailBackendBase",
            "AbstractEmailBackend",
            "EmailBackend",
        ] {
            assert!(implements(&class("EmailBackend", &[base], &[])));
        }
        assert!(!implements(&class(
            "CacheCompensationHandler",
            &["BaseCompensationHandler"],
            &[]
        )));
        assert!(!implements(&class("EmailBackend", &[], &[])));
    }

    #[test]
    fn data_shapes_are_never_implementations() {
        assert!(!implements(&class("Settings", &["BaseSettings"], &[])));
        assert!(!implements(&class("User", &["BaseUser"], &["dataclass"])));
        assert!(!implements(&class("User", &["User", "BaseModel"], &[])));
        let shapes = DataShapes(["BaseCircuitType".to_string()].into_iter().collect());
        let model = class("CircuitType", &["BaseCircuitType"], &[]);
        assert!(!implements_protocol(&model, &shapes));
    }
}
