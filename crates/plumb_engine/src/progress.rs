//! How far the per-file stage of a run has got, for a progress display (`plumb audit` on a
//! terminal). A pair of shared counters, not a callback: the workers only bump an atomic, and
//! whoever displays progress polls it from its own thread, so a run without a display pays one
//! relaxed increment per file.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Files the per-file stage will check and has checked so far. Cloning shares the counters.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    counters: Arc<Counters>,
}

#[derive(Debug, Default)]
struct Counters {
    total: AtomicUsize,
    done: AtomicUsize,
}

impl Progress {
    /// Files to check (0 until the walk is over) and files checked.
    pub fn position(&self) -> (usize, usize) {
        (
            self.counters.done.load(Ordering::Relaxed),
            self.counters.total.load(Ordering::Relaxed),
        )
    }

    pub(crate) fn start(&self, total: usize) {
        self.counters.done.store(0, Ordering::Relaxed);
        self.counters.total.store(total, Ordering::Relaxed);
    }

    pub(crate) fn file_done(&self) {
        self.counters.done.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_counters() {
        let progress = Progress::default();
        let shown = progress.clone();
        progress.start(3);
        progress.file_done();
        assert_eq!(shown.position(), (1, 3));
    }
}
