//! How long each stage of a run took, for `plumb check --verbose`: so a user (and the benches)
//! can see where the time of a run goes without a profiler. Never part of a report: timings
//! differ between runs, reports must not.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The stages of one run, in the order they ran.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub stages: Vec<StageTime>,
}

/// One stage: its wall time and, for stages that run on every worker, the time summed over
/// the workers (`busy`), which is what a faster stage saves on a loaded machine.
#[derive(Debug, Clone)]
pub struct StageTime {
    pub name: &'static str,
    pub wall: Duration,
    pub busy: Option<Duration>,
    /// Stages inside this one, indented under it.
    pub nested: bool,
}

impl Timings {
    /// Records a stage that started at `started` and ends now.
    pub(crate) fn record(&mut self, name: &'static str, started: Instant) {
        self.stages.push(StageTime {
            name,
            wall: started.elapsed(),
            busy: None,
            nested: false,
        });
    }

    /// Records the busy time of a part of the last recorded stage.
    pub(crate) fn record_part(&mut self, name: &'static str, busy: &BusyTime) {
        self.stages.push(StageTime {
            name,
            wall: Duration::ZERO,
            busy: Some(busy.total()),
            nested: true,
        });
    }

    /// Lines for stderr: `walk 12.3 ms`, a part as `  parse 410.2 ms on workers`.
    pub fn render(&self) -> String {
        let total: Duration = self
            .stages
            .iter()
            .filter(|stage| !stage.nested)
            .map(|stage| stage.wall)
            .sum();
        let mut out = String::from("timing (wall; parts: summed over worker threads):\n");
        for stage in &self.stages {
            let line = match (stage.nested, stage.busy) {
                (true, Some(busy)) => format!("    {:<22}{:>9.1} ms\n", stage.name, millis(busy)),
                _ => format!("  {:<24}{:>9.1} ms\n", stage.name, millis(stage.wall)),
            };
            out.push_str(&line);
        }
        out.push_str(&format!("  {:<24}{:>9.1} ms\n", "total", millis(total)));
        out
    }
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Time spent in one part of a parallel stage, summed over the threads that ran it.
#[derive(Debug, Default)]
pub(crate) struct BusyTime(AtomicU64);

impl BusyTime {
    /// Runs `work`, adding its duration.
    pub(crate) fn measure<T>(&self, work: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = work();
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.0.fetch_add(nanos, Ordering::Relaxed);
        result
    }

    fn total(&self) -> Duration {
        Duration::from_nanos(self.0.load(Ordering::Relaxed))
    }
}
