//! SUP: hygiene of `plumb:` suppression comments.

pub mod invalid_suppression;
pub mod unused_suppression;
