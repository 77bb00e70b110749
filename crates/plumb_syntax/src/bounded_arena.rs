//! A memory budget for each TypeScript/JavaScript parse.
//!
//! `oxc_parser` (0.146 and, reading its source, up to 0.157) backtracks over `<` after an
//! expression in TypeScript by parsing type arguments speculatively, and keeps in its arena what
//! every failed attempt allocated. Nested attempts make that exponential: inputs of under 1 KB
//! found by fuzzing take 16 GB and a minute (`fuzz/known/`); oxlint, on the same parser, does the
//! same. A file written to break a CI runner, or by accident, must not take the run with it.
//!
//! So each parse gets a fixed-size arena: the top [`budget_for`] bytes of a reservation kept per
//! thread (memory the kernel maps only when touched, so an unused budget costs nothing). oxc
//! cannot add a chunk to a fixed-size arena: an allocation past the end panics with "out of
//! memory", which [`with_parse_arena`] turns into [`OverBudget`]. When the allocation that runs
//! out is the growth of an arena `Vec`, oxc calls `std::alloc::handle_alloc_error` instead, which
//! aborts the process (about one time in ten on the known inputs); `plumb`'s supervisor
//! (`plumb_cli::supervise`) then runs the check again without that file. Either way the memory is
//! bounded by the budget and the time by the work it takes to fill it.
//!
//! The arena is built with `oxc_allocator`'s `from_raw_parts` (the API its NAPI parser uses for
//! the same purpose), which is `unsafe`; this module is the only one in the crate that is.

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, RefCell};
use std::mem::ManuallyDrop;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::ptr::NonNull;
use std::sync::Once;

use oxc_allocator::Allocator;

/// What every parse may use, however small its file: about 1,000 times what a typical source
/// file takes (6.5 bytes of arena per source byte over 11,454 TS/JS files of the corpus and eight
/// real repositories; 68 at most, for a 17-byte file).
pub const BUDGET_FLOOR_BYTES: usize = 32 << 20;

/// Arena bytes allowed per source byte on top of the floor: three times the most any real file
/// took (21 for minified jQuery; 18 for a minified GraphiQL bundle of 1 MB).
pub const BUDGET_BYTES_PER_SOURCE_BYTE: usize = 64;

/// The granularity of the reservation and of the budget, so the arena region starts on a page.
const PAGE: usize = 4096;

/// The arena budget for a source of `source_len` bytes: [`BUDGET_FLOOR_BYTES`] plus
/// [`BUDGET_BYTES_PER_SOURCE_BYTE`] per byte, rounded up to a page.
pub fn budget_for(source_len: usize) -> usize {
    let bytes = source_len
        .saturating_mul(BUDGET_BYTES_PER_SOURCE_BYTE)
        .saturating_add(BUDGET_FLOOR_BYTES);
    bytes.div_ceil(PAGE).saturating_mul(PAGE)
}

/// A parse that needed more arena memory than its budget; what it built is discarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the TypeScript/JavaScript parser needed more than its memory budget of {} MiB for this file \
     (oxc_parser's speculative parsing of `<` can grow exponentially on some inputs)",
    .budget_bytes >> 20
)]
pub struct OverBudget {
    pub budget_bytes: usize,
}

/// Memory reserved with the system allocator (not the global one: a request of this size is a
/// fresh `mmap`, whose pages cost nothing until the arena writes to them).
struct Reservation {
    start: NonNull<u8>,
    layout: Layout,
}

impl Reservation {
    fn new(size: usize) -> Option<Reservation> {
        let layout = Layout::from_size_align(size, PAGE).ok()?;
        // SAFETY: `size` is at least `BUDGET_FLOOR_BYTES`, so the layout is not zero-sized.
        let start = NonNull::new(unsafe { System.alloc(layout) })?;
        Some(Reservation { start, layout })
    }

    /// A fixed-size arena over the last `budget` bytes of the reservation. The last ones, since
    /// the arena fills downwards from its end: every parse touches the same pages first.
    fn arena(&self, budget: usize) -> ManuallyDrop<Allocator> {
        debug_assert!(budget <= self.layout.size() && budget.is_multiple_of(PAGE));
        // SAFETY: `budget <= size`, so the region lies in the reservation; it starts on a page
        // (both sizes are multiples of `PAGE`), which satisfies `RAW_MIN_ALIGN`, and its size is a
        // multiple of it and far above `RAW_MIN_SIZE`. The memory is writable. The `Allocator`
        // is never dropped (its drop would free the reservation it does not own), and no other
        // arena uses the reservation while it lives: `with_parse_arena` holds the thread's
        // reservation borrowed for the whole parse.
        unsafe {
            let region = self.start.add(self.layout.size() - budget);
            ManuallyDrop::new(Allocator::from_raw_parts(
                region,
                budget,
                self.start,
                self.layout,
            ))
        }
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` by `System` with this layout, and freed only here.
        unsafe { System.dealloc(self.start.as_ptr(), self.layout) };
    }
}

thread_local! {
    /// The reservation this thread's parses use, as large as the largest budget it has needed:
    /// one `mmap` per worker thread for the run instead of one per file.
    static RESERVATION: RefCell<Option<Reservation>> = const { RefCell::new(None) };
    /// Set while this thread parses within a budget: the panic hook stays quiet about the
    /// arena's "out of memory", which is reported as [`OverBudget`] instead.
    static IN_BOUNDED_PARSE: Cell<bool> = const { Cell::new(false) };
}

/// Runs `parse` with an arena sized for a source of `source_len` bytes. `Err` when the arena ran
/// out; any other panic goes on unwinding.
pub fn with_parse_arena<R>(
    source_len: usize,
    parse: impl FnOnce(&Allocator) -> R,
) -> Result<R, OverBudget> {
    let budget_bytes = budget_for(source_len);
    let over_budget = OverBudget { budget_bytes };
    RESERVATION.with(|slot| match slot.try_borrow_mut() {
        Ok(mut reservation) => {
            if reservation
                .as_ref()
                .is_none_or(|kept| kept.layout.size() < budget_bytes)
            {
                // The old one first: both need not be mapped at once.
                *reservation = None;
                *reservation = Some(Reservation::new(budget_bytes).ok_or(over_budget)?);
            }
            let reservation = reservation.as_ref().expect("reserved above");
            run(&reservation.arena(budget_bytes), parse, over_budget)
        }
        // A parse within a parse on this thread (none today): a reservation of its own.
        Err(_) => {
            let reservation = Reservation::new(budget_bytes).ok_or(over_budget)?;
            run(&reservation.arena(budget_bytes), parse, over_budget)
        }
    })
}

fn run<R>(
    allocator: &Allocator,
    parse: impl FnOnce(&Allocator) -> R,
    over_budget: OverBudget,
) -> Result<R, OverBudget> {
    quiet_arena_exhaustion();
    let outer = IN_BOUNDED_PARSE.replace(true);
    let outcome = catch_unwind(AssertUnwindSafe(|| parse(allocator)));
    IN_BOUNDED_PARSE.set(outer);
    match outcome {
        Ok(parsed) => Ok(parsed),
        Err(payload) if is_arena_exhaustion(payload.as_ref()) => Err(over_budget),
        Err(payload) => resume_unwind(payload),
    }
}

/// oxc's arena panics with exactly this when it cannot get memory (`oom()` in its arena, and
/// `Vec` growth past what it can get).
fn is_arena_exhaustion(payload: &(dyn std::any::Any + Send)) -> bool {
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
    matches!(
        message,
        Some("out of memory" | "encountered allocation error")
    )
}

/// Installs, once, a panic hook that says nothing about an arena running out inside a bounded
/// parse (it is reported as [`OverBudget`]) and hands every other panic to the hook that was
/// there before (the default one, or libFuzzer's, which records the input).
fn quiet_arena_exhaustion() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !(IN_BOUNDED_PARSE.get() && is_arena_exhaustion(info.payload())) {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_grows_with_the_source_from_a_floor() {
        assert_eq!(budget_for(0), BUDGET_FLOOR_BYTES);
        assert_eq!(budget_for(1), BUDGET_FLOOR_BYTES + PAGE);
        assert_eq!(budget_for(1 << 20), BUDGET_FLOOR_BYTES + (64 << 20));
        // Saturates rather than overflowing; no reservation that large succeeds.
        assert_eq!(budget_for(usize::MAX), usize::MAX);
        assert_eq!(
            with_parse_arena(usize::MAX, |_| ()),
            Err(OverBudget {
                budget_bytes: usize::MAX
            })
        );
    }

    #[test]
    fn a_parse_within_budget_returns_its_result() {
        let used = with_parse_arena(10, |allocator| {
            let numbers = oxc_allocator::Vec::from_iter_in(0..1000u64, &allocator);
            numbers.iter().sum::<u64>()
        });
        assert_eq!(used, Ok(499_500));
    }

    #[test]
    fn allocating_past_the_budget_is_an_error_and_the_next_parse_works() {
        let exhausted = with_parse_arena(0, |allocator| {
            // Boxes, not a growing `Vec`: that path aborts in oxc (see the module comment).
            loop {
                std::hint::black_box(oxc_allocator::Box::new_in([0u8; 4096], &allocator));
            }
        });
        assert_eq!(
            exhausted,
            Err::<(), _>(OverBudget {
                budget_bytes: BUDGET_FLOOR_BYTES
            })
        );
        assert_eq!(with_parse_arena(0, |_| 7), Ok(7));
    }

    #[test]
    fn other_panics_go_on_unwinding() {
        let outcome = catch_unwind(|| with_parse_arena(0, |_| panic!("a parser bug")));
        let payload = outcome.expect_err("the panic is not swallowed");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"a parser bug"));
    }
}
