//! MCK: mocks in tests.

pub mod unjustified_mock;
