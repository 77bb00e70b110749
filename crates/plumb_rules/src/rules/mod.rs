//! Built-in rules, one module per family and one file per rule.

pub mod imp;
pub mod io;
pub mod mck;
pub mod siz;
pub mod sup;
pub mod syn;
pub mod typ;
