//! Who goes first at the store. A running engine shares one `Mutex<Store>` between the
//! scheduler, the window's reads and a bulk import; the import takes it a chunk at a time
//! (`import::chunks`), but a dispatch round takes the mutex several times (the due counts, each
//! build, the durable in-flight marks), and between two of those the import could take a whole
//! chunk: with 3 ms chunks, the pins due during a 100,000-row import were 132 ms late at the
//! 99th percentile. So a round asks for its turn first (`first`), and the import, before each
//! chunk, waits while a turn is held (`wait_turn`, bounded, so a stuck holder only slows the
//! import). It is a hint beside the mutex, not a second lock: nothing is ever guarded by it,
//! and a reader that ignores it is merely slower to be served.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub struct StorePriority {
    turns: AtomicUsize,
}

/// A held turn; dropping it ends the turn.
#[must_use = "the turn ends when this is dropped"]
pub struct PriorityTurn(Arc<StorePriority>);

impl Drop for PriorityTurn {
    fn drop(&mut self) {
        self.0.turns.fetch_sub(1, Ordering::SeqCst);
    }
}

impl StorePriority {
    /// Starts a turn that background work (an import) lets pass first.
    pub fn first(self: &Arc<Self>) -> PriorityTurn {
        self.turns.fetch_add(1, Ordering::SeqCst);
        PriorityTurn(self.clone())
    }

    pub fn is_taken(&self) -> bool {
        self.turns.load(Ordering::SeqCst) > 0
    }

    /// Waits while a turn is held, for at most `longest`. Returns how long it waited.
    pub fn wait_turn(&self, longest: Duration) -> Duration {
        let start = Instant::now();
        while self.is_taken() && start.elapsed() < longest {
            std::thread::sleep(Duration::from_micros(200));
        }
        start.elapsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_turn_holds_the_waiter_until_it_ends_and_a_stuck_turn_only_for_the_bound() {
        let priority = Arc::new(StorePriority::default());
        // Nobody's turn: no wait.
        assert!(priority.wait_turn(Duration::from_secs(5)) < Duration::from_millis(50));
        let turn = priority.first();
        let waiter = {
            let p = priority.clone();
            std::thread::spawn(move || p.wait_turn(Duration::from_secs(5)))
        };
        std::thread::sleep(Duration::from_millis(30));
        drop(turn);
        let waited = waiter.join().unwrap();
        assert!(waited >= Duration::from_millis(25), "{waited:?}");
        assert!(waited < Duration::from_secs(5), "{waited:?}");
        let _stuck = priority.first();
        let waited = priority.wait_turn(Duration::from_millis(20));
        assert!(waited >= Duration::from_millis(20) && waited < Duration::from_secs(2));
    }
}
