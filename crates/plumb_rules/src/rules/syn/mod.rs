//! SYN: syntax errors.

pub mod syntax_error;
