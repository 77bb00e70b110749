//! A supervisor that keeps one file from taking the whole check down.
//!
//! Per-file `catch_unwind` catches panics, and each TypeScript/JavaScript parse has a memory
//! budget; but some failures end the process where nothing can catch them: oxc's arena aborts
//! when it cannot grow a `Vec` past that budget, a stack can overflow, a dependency can crash.
//! So on Linux `plumb check`, `audit` and `baseline` fork before doing any work (the process has
//! one thread then, so the child is a faithful copy): the child runs the command, writing which
//! file each worker is checking into memory shared with the parent; the parent waits.
//!
//! When the child dies of a crash signal while some workers were checking files, the parent
//! forks a new child with those files quarantined (`plumb_engine::in_flight`): they are reported
//! as IO001 (not checked, with the signal that ended the attempt) and the rest is checked as
//! usual. Nothing was written to stdout by then (reports are written at the end), so the output
//! is that of one run. Any other ending (an exit code, Ctrl-C, a crash with no file in flight,
//! the same file crashing twice) ends the parent the same way.
//!
//! The cost when nothing crashes is one `fork` (under a millisecond) and a copy of each path
//! into shared memory per file. `PLUMB_NO_SUPERVISOR=1` runs the command in the process itself.

#![allow(unsafe_code)]

use std::process::ExitCode;

/// Runs `command` in a supervised child process where that is possible, else in this one, and
/// ends with its exit code.
pub(crate) fn run(command: impl Fn() -> u8) -> ExitCode {
    #[cfg(target_os = "linux")]
    {
        if std::env::var_os("PLUMB_NO_SUPERVISOR").is_none()
            && let Some(shared) = linux::Shared::map()
        {
            return linux::supervise(shared, command);
        }
    }
    ExitCode::from(command())
}

#[cfg(target_os = "linux")]
mod linux {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

    /// Why a file is reported unchecked: a crash while it alone was being checked.
    fn quarantine_reason(signal: &str) -> String {
        format!(
            "plumb was ended by {signal} while checking this file, and checked the other files again \
             without it; the file was not checked (please report it, with the file if you can share it)"
        )
    }

    /// Workers that can be recorded at once; a worker beyond them goes unrecorded (a crash
    /// while it checks a file is then not attributed, and not retried).
    const SLOTS: usize = 256;
    /// The longest path recorded; a longer one is recorded as unknown.
    const PATH_BYTES: usize = 4092;
    /// A slot's length when its worker is checking no file, or a path too long to record.
    const IDLE: u32 = 0;
    const UNKNOWN: u32 = u32::MAX;
    /// Attempts after the first, at most: a run where every attempt crashes on new files stops.
    const MAX_RETRIES: usize = 16;

    #[repr(C)]
    struct Slot {
        len: AtomicU32,
        path: [u8; PATH_BYTES],
    }

    /// Memory shared by the supervisor and its children (`MAP_SHARED`, so a child's writes are
    /// what the parent reads after the child ends).
    pub(super) struct Shared {
        slots: *mut Slot,
    }

    // SAFETY: the mapping lives for the whole process (it is never unmapped) and each slot is
    // written by the one thread that claimed it, read by the parent only after the child ended.
    unsafe impl Sync for Shared {}
    unsafe impl Send for Shared {}

    static SHARED: OnceLock<Shared> = OnceLock::new();
    static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

    thread_local! {
        /// This worker's slot, claimed on its first file; `None` when all are taken.
        static MY_SLOT: std::cell::Cell<Option<Option<usize>>> = const { std::cell::Cell::new(None) };
    }

    impl Shared {
        /// The shared slots, mapped once, or `None` (not supervised) when the process already
        /// has more than one thread, where `fork` is not safe, or the mapping fails.
        pub(super) fn map() -> Option<&'static Shared> {
            if !single_threaded() {
                return None;
            }
            let size = SLOTS * size_of::<Slot>();
            // SAFETY: an anonymous shared mapping with no address hint; the result is checked.
            let address = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    size,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                )
            };
            if address == libc::MAP_FAILED {
                return None;
            }
            // Zeroed by the kernel: every slot is `IDLE`.
            let _ = SHARED.set(Shared {
                slots: address.cast(),
            });
            SHARED.get()
        }

        fn slot(&self, index: usize) -> &Slot {
            // SAFETY: `index < SLOTS`, inside the mapping, which is never unmapped.
            unsafe { &*self.slots.add(index) }
        }

        /// The files the workers of the ended child were checking, cleared for the next one.
        fn take_in_flight(&self) -> Vec<PathBuf> {
            let mut files = Vec::new();
            for index in 0..SLOTS {
                let slot = self.slot(index);
                let len = slot.len.swap(IDLE, Ordering::SeqCst);
                if len != IDLE && len != UNKNOWN {
                    let bytes = &slot.path[..len as usize];
                    files.push(PathBuf::from(OsStr::from_bytes(bytes)));
                } else if len == UNKNOWN {
                    // A file that cannot be named cannot be quarantined: no retry.
                    return Vec::new();
                }
            }
            files
        }
    }

    fn single_threaded() -> bool {
        std::fs::read_dir("/proc/self/task").is_ok_and(|tasks| tasks.count() == 1)
    }

    /// The recorder a child gives the engine: the path into this worker's slot.
    fn record(path: Option<&Path>) {
        let Some(shared) = SHARED.get() else {
            return;
        };
        let slot = MY_SLOT.get().unwrap_or_else(|| {
            let claimed = NEXT_SLOT.fetch_add(1, Ordering::Relaxed);
            let slot = (claimed < SLOTS).then_some(claimed);
            MY_SLOT.set(Some(slot));
            slot
        });
        let Some(index) = slot else {
            return;
        };
        // SAFETY: `index < SLOTS`; only this thread writes this slot while the child lives.
        let slot = unsafe { &mut *shared.slots.add(index) };
        match path {
            None => slot.len.store(IDLE, Ordering::Release),
            Some(path) => {
                let bytes = path.as_os_str().as_bytes();
                if bytes.is_empty() || bytes.len() > PATH_BYTES {
                    slot.len.store(UNKNOWN, Ordering::Release);
                } else {
                    slot.path[..bytes.len()].copy_from_slice(bytes);
                    slot.len.store(bytes.len() as u32, Ordering::Release);
                }
            }
        }
    }

    pub(super) fn supervise(shared: &'static Shared, command: impl Fn() -> u8) -> ExitCode {
        let mut quarantined: Vec<(PathBuf, String)> = Vec::new();
        let mut one_at_a_time = false;
        let supervisor = std::process::id();
        for _attempt in 0..=MAX_RETRIES {
            // SAFETY: the process has a single thread (checked by `Shared::map`, and nothing
            // since has started one: each attempt's threads live in its child), so the child
            // may run anything.
            let child = unsafe { libc::fork() };
            if child < 0 {
                // No child: run the command here, unsupervised.
                return ExitCode::from(command());
            }
            if child == 0 {
                run_child(supervisor, &quarantined, one_at_a_time, &command);
            }
            let status = wait_for(child);
            if libc::WIFEXITED(status) {
                return ExitCode::from(libc::WEXITSTATUS(status) as u8);
            }
            let signal = libc::WTERMSIG(status);
            let in_flight: Vec<PathBuf> = shared
                .take_in_flight()
                .into_iter()
                .filter(|file| !quarantined.iter().any(|(known, _)| known == file))
                .collect();
            if !is_crash(signal) || in_flight.is_empty() {
                return end_like(signal);
            }
            let name = signal_name(signal);
            match <[PathBuf; 1]>::try_from(in_flight) {
                // The one file being checked: it is the cause.
                Ok([file]) => {
                    eprintln!(
                        "plumb: warning: {name} ended the check while it was checking {}; \
                         checking again without that file (reported as IO001)",
                        relative(&file).display()
                    );
                    quarantined.push((file, quarantine_reason(&name)));
                }
                // Several: the next attempt checks one file at a time, so that a crash names
                // its file and no other is reported unchecked.
                Err(in_flight) if !one_at_a_time => {
                    eprintln!(
                        "plumb: warning: {name} ended the check while it was checking {} files; \
                         checking again one file at a time to find the cause",
                        in_flight.len()
                    );
                    one_at_a_time = true;
                }
                Err(_) => return end_like(signal),
            }
        }
        eprintln!("plumb: error: the check kept crashing; gave up after {MAX_RETRIES} retries");
        ExitCode::from(crate::EXIT_ERROR)
    }

    /// The child: records files in flight, skips the quarantined, runs the command, and exits
    /// with its code (never returning into the supervisor's loop).
    fn run_child(
        supervisor: u32,
        quarantined: &[(PathBuf, String)],
        one_at_a_time: bool,
        command: impl Fn() -> u8,
    ) -> ! {
        // SAFETY: `prctl` with `PR_SET_PDEATHSIG` takes a signal number; it has no pointers.
        // A supervisor that is killed takes its child with it, as if there were one process.
        unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) };
        // Killed before that took effect: the child would outlive it.
        if std::os::unix::process::parent_id() != supervisor {
            std::process::exit(128 + libc::SIGKILL);
        }
        plumb_engine::in_flight::set_recorder(record);
        plumb_engine::in_flight::quarantine(quarantined.to_vec());
        if one_at_a_time {
            plumb_engine::in_flight::check_one_file_at_a_time();
        }
        let code = command();
        // `exit` flushes stdout as a return from `main` would.
        std::process::exit(i32::from(code))
    }

    fn wait_for(child: libc::pid_t) -> libc::c_int {
        let mut status = 0;
        loop {
            // SAFETY: `status` is a valid place for the result.
            let waited = unsafe { libc::waitpid(child, &mut status, 0) };
            if waited == child {
                return status;
            }
            if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                // The child cannot be waited for (not expected): as if it had crashed.
                return libc::SIGABRT;
            }
        }
    }

    /// `file` relative to the working directory, as reports name it, when it is under it.
    fn relative(file: &Path) -> &Path {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| file.strip_prefix(cwd).ok())
            .unwrap_or(file)
    }

    /// Signals that mean the process failed, as opposed to being told to stop.
    fn is_crash(signal: libc::c_int) -> bool {
        matches!(
            signal,
            libc::SIGABRT | libc::SIGSEGV | libc::SIGBUS | libc::SIGILL | libc::SIGFPE
        )
    }

    fn signal_name(signal: libc::c_int) -> String {
        match signal {
            libc::SIGABRT => "SIGABRT (an abort)".into(),
            libc::SIGSEGV => "SIGSEGV (a segmentation fault)".into(),
            libc::SIGBUS => "SIGBUS".into(),
            libc::SIGILL => "SIGILL".into(),
            libc::SIGFPE => "SIGFPE".into(),
            other => format!("signal {other}"),
        }
    }

    /// Ends the supervisor as its child ended: the same signal, so the shell and CI see what
    /// they would have seen without it.
    fn end_like(signal: libc::c_int) -> ExitCode {
        if is_crash(signal) {
            eprintln!(
                "plumb: error: the check was ended by {}",
                signal_name(signal)
            );
        }
        // SAFETY: restoring the default action of a valid signal, then raising it on this
        // process; neither takes pointers.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
        // Not ended by it (a signal that is ignored or cannot be raised): the shell convention.
        ExitCode::from((128 + signal).clamp(0, 255) as u8)
    }
}
