//! The engine: settings, walking, per-file orchestration, suppressions and the summary.
//!
//! It knows nothing about output formats; the CLI hands its [`CheckOutcome`] to a reporter.

mod atomic_write;
pub mod baseline;
mod cache;
mod changed;
mod check;
pub mod config;
pub mod gate;
pub mod in_flight;
mod input_path;
mod progress;
pub mod settings;
mod timing;
pub mod walk;

pub use atomic_write::{create_atomically, write_atomically};
pub use baseline::{Baseline, BaselineError, BaselineLocation};
pub use changed::{ChangedFiles, GitError};
pub use check::{CheckError, check, check_timed, project_index};
pub use config::ConfigError;
pub use gate::GateSettings;
pub use input_path::physical;
pub use plumb_diagnostics::CheckOutcome;
pub use plumb_facts::resolve::{Explanation, FindingKind, explain_import};
pub use progress::Progress;
pub use settings::{FailOn, Overrides, Settings, declarative_rule_dirs};
pub use timing::{StageTime, Timings};
