//! Which file each worker is checking, for a supervisor that outlives a crash of this process,
//! and the files an earlier, crashed attempt of the same run was checking.
//!
//! A parser can take the whole process down where no `catch_unwind` reaches: oxc aborts when
//! its arena cannot grow a `Vec` (see `plumb_syntax::bounded_arena`), a stack can overflow. The
//! binary's supervisor (`plumb_cli`) records the file of every [`checking`] call where it
//! survives the crash, and runs the check again with those files [`quarantine`]d: they are
//! reported as not checked (IO001) and the rest of the run completes.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// Told the file a worker thread starts checking (`Some`) and that it is done (`None`).
pub type Recorder = fn(Option<&Path>);

static RECORDER: OnceLock<Recorder> = OnceLock::new();
static QUARANTINED: OnceLock<Vec<(PathBuf, String)>> = OnceLock::new();
static ONE_AT_A_TIME: AtomicBool = AtomicBool::new(false);

/// Sets the recorder for this process; the first call wins.
pub fn set_recorder(recorder: Recorder) {
    let _ = RECORDER.set(recorder);
}

/// Files not to check in this process, each with why (the crash of an earlier attempt), as
/// they were named when the crash happened; the first call wins.
pub fn quarantine(files: Vec<(PathBuf, String)>) {
    let _ = QUARANTINED.set(files);
}

/// Checks one file at a time (one worker thread), whatever `--threads` says: after a crash
/// while several files were in flight, so that the next crash names its file.
pub fn check_one_file_at_a_time() {
    ONE_AT_A_TIME.store(true, Ordering::Relaxed);
}

/// The worker threads to start when `requested` were asked for.
pub(crate) fn worker_threads(requested: usize) -> usize {
    if ONE_AT_A_TIME.load(Ordering::Relaxed) {
        1
    } else {
        requested
    }
}

/// Why `path` is not to be checked, if it is quarantined.
pub(crate) fn quarantined(path: &Path) -> Option<&'static str> {
    QUARANTINED
        .get()?
        .iter()
        .find(|(quarantined, _)| quarantined == path)
        .map(|(_, reason)| reason.as_str())
}

/// Runs `work` on `path` with the recorder told about it (not for a quarantined file, which
/// `work` only reports).
pub(crate) fn checking<R>(path: &Path, work: impl FnOnce() -> R) -> R {
    if quarantined(path).is_some() {
        return work();
    }
    let record = RECORDER.get();
    if let Some(record) = record {
        record(Some(path));
    }
    crash_if_asked(path);
    let result = work();
    if let Some(record) = record {
        record(None);
    }
    result
}

/// `PLUMB_TEST_ABORT_ON=<file name>` aborts the process (SIGABRT, as oxc's allocation failure
/// does) when it starts checking a file of that name: how the tests crash a check for real.
fn crash_if_asked(path: &Path) {
    static ABORT_ON: OnceLock<Option<std::ffi::OsString>> = OnceLock::new();
    if let Some(name) = ABORT_ON.get_or_init(|| std::env::var_os("PLUMB_TEST_ABORT_ON"))
        && path.file_name() == Some(name.as_os_str())
    {
        std::process::abort();
    }
}
