//! IO: input the tool could not check.

pub mod skipped_file;
pub mod unreadable_file;
