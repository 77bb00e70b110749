//! TYP: type definitions.

pub mod duplicate_type_definition;
mod protocol;
